"""The environment cache behind `--setup auto`: made once, reused, shared by hard links, bounded.

Real installs: uv from PyPI and npm from the npm registry, into a cache folder of the test's own.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cdverify.contract.environments import (
    ENTRY_FILE,
    SetupError,
    cache_root,
    entries,
    node_spec,
    prepare,
    prune,
    python_spec,
)

pytestmark = pytest.mark.integration  # real installs: uv from PyPI, npm from the npm registry


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CDVERIFY_ENV_CACHE_DIR", raising=False)  # not the session's shared one
    return tmp_path / "cache"


def _project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


PY_FILES = {"requirements.txt": "-r base.txt\n", "base.txt": "six==1.16.0\n", "app.py": "import six\n"}


def test_a_python_environment_is_made_once_and_reused(tmp_path: Path) -> None:
    first, second = (_project(tmp_path / name, PY_FILES) for name in ("one", "two"))
    log = io.BytesIO()
    made = prepare(first, log, 600)
    again = prepare(second, log, 600)
    assert made is not None and again is not None
    assert (made.reused, again.reused) == (False, True)
    assert made.entry == again.entry and made.entry is not None and made.entry.parent == cache_root()
    assert log.getvalue().count(b" venv ") == 1  # one build for both projects
    assert not (first / ".cdverify-venv").exists()  # nothing installed into the copy
    python = Path(again.env["VIRTUAL_ENV"]) / "bin" / "python"
    done = subprocess.run(
        [python, "-c", "import six; print(six.__version__)"], capture_output=True, text=True
    )
    assert done.stdout.strip() == "1.16.0"
    assert again.env["PATH"].split(os.pathsep)[0] == str(python.parent)
    # compiled at install: a server's start does not compile its dependencies again
    assert list(Path(again.env["VIRTUAL_ENV"]).glob("lib/python3*/site-packages/__pycache__/six.*.pyc"))


def test_the_key_follows_every_requirements_file(tmp_path: Path) -> None:
    first = _project(tmp_path / "one", PY_FILES)
    second = _project(tmp_path / "two", {**PY_FILES, "base.txt": "six==1.15.0\n"})
    one, two = python_spec(first), python_spec(second)
    assert one is not None and two is not None and one.key != two.key
    assert [name for name, _ in one.manifests] == ["base.txt", "requirements.txt"]


@pytest.mark.parametrize(
    "requirements",
    ["-e .\n", "./vendor/pkg\n", "pkg @ file:///tmp/pkg\n", "-r ../outside.txt\n", "-r missing.txt\n"],
)
def test_requirements_that_point_into_the_project_are_not_shared(tmp_path: Path, requirements: str) -> None:
    project = _project(tmp_path / "p", {"requirements.txt": requirements})
    assert python_spec(project) is None


def test_a_failed_install_leaves_no_entry(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"requirements.txt": "cdverify-no-such-package-exists==0.0.1\n"})
    log = io.BytesIO()
    with pytest.raises(SetupError, match="exited with code"):
        prepare(project, log, 600)
    assert entries() == [] and not any(cache_root().glob("python-*/"))


NODE_PACKAGE = {
    "name": "p",
    "version": "1.0.0",
    "scripts": {"postinstall": "node -e \"require('fs').writeFileSync('installed.txt', 'yes')\""},
    "dependencies": {"is-number": "7.0.0"},
}


def test_node_modules_are_made_once_and_laid_in_by_hard_links(tmp_path: Path) -> None:
    files = {"package.json": json.dumps(NODE_PACKAGE)}
    first, second = (_project(tmp_path / name, files) for name in ("one", "two"))
    log = io.BytesIO()
    made = prepare(first, log, 600)
    again = prepare(second, log, 600)
    assert made is not None and again is not None and (made.reused, again.reused) == (False, True)
    assert made.entry is not None
    cached = made.entry / "node_modules" / "is-number" / "index.js"
    laid = second / "node_modules" / "is-number" / "index.js"
    assert laid.is_file() and laid.stat().st_ino == cached.stat().st_ino
    # the project's own install script needs the project: it is left to run in the copy, never in the cache
    assert again.commands == ("npm run postinstall --if-present",)
    assert not (made.entry / "installed.txt").exists()
    subprocess.run(["bash", "-c", again.commands[0]], cwd=second, check=True, capture_output=True)
    assert (second / "installed.txt").read_text() == "yes"


def test_node_projects_that_install_their_own_packages_are_not_shared(tmp_path: Path) -> None:
    local = {**NODE_PACKAGE, "dependencies": {"lib": "file:./lib"}}
    assert node_spec(_project(tmp_path / "a", {"package.json": json.dumps(local)})) is None
    workspaces = {**NODE_PACKAGE, "workspaces": ["packages/*"]}
    assert node_spec(_project(tmp_path / "b", {"package.json": json.dumps(workspaces)})) is None
    assert node_spec(_project(tmp_path / "c", {"package.json": "{ not json"})) is None


def test_two_runs_that_need_the_same_environment_build_it_once(tmp_path: Path) -> None:
    projects = [_project(tmp_path / f"p{index}", PY_FILES) for index in range(3)]
    logs = [io.BytesIO() for _ in projects]
    results: list[object] = [None] * len(projects)

    def work(index: int) -> None:
        results[index] = prepare(projects[index], logs[index], 600)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(len(projects))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(log.getvalue().count(b" venv ") for log in logs) == 1
    assert len({result.entry for result in results}) == 1  # type: ignore[attr-defined]


def test_an_interrupted_build_is_made_again(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", PY_FILES)
    spec = python_spec(project)
    assert spec is not None
    leftover = cache_root() / spec.key
    (leftover / "venv").mkdir(parents=True)  # a build killed before it wrote entry.json
    made = prepare(project, io.BytesIO(), 600)
    assert made is not None and not made.reused and (leftover / ENTRY_FILE).is_file()


def _fake_entry(key: str, size: int, last_used: float) -> Path:
    entry = cache_root() / key
    entry.mkdir(parents=True)
    record = {
        "format": 1,
        "kind": key.split("-")[0],
        "runtime": "x",
        "manifests": [],
        "created": 0,
        "size": size,
    }
    (entry / ENTRY_FILE).write_text(json.dumps(record), encoding="utf-8")
    (entry / "last-used").touch()
    os.utime(entry / "last-used", (last_used, last_used))
    return entry


def test_the_least_recently_used_go_first_and_one_in_use_stays() -> None:
    now = time.time()
    oldest = _fake_entry("python-aaaa", 400, now - 300)
    in_use = _fake_entry("node-bbbb", 400, now - 200)
    newest = _fake_entry("python-cccc", 400, now - 100)
    with (cache_root() / "node-bbbb.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # a server is using it
        removed = prune(500)
    assert [entry.key for entry in removed] == ["python-aaaa", "python-cccc"]
    assert not oldest.exists() and in_use.exists() and not newest.exists()
    assert prune(100) and not in_use.exists()  # free again: it goes too


def _cache_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cdverify", "cache", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cdverify_cache_shows_and_cleans(own_cache: Path) -> None:
    now = time.time()
    _fake_entry("python-aaaa", 2048, now - 3 * 86400)
    _fake_entry("node-bbbb", 4096, now)
    env = {**os.environ, "CDVERIFY_CACHE_DIR": str(own_cache)}
    shown = json.loads(_cache_cli("show", "--format", "json", env=env).stdout)
    assert [item["key"] for item in shown["environments"]] == ["python-aaaa", "node-bbbb"]
    assert shown["total_bytes"] == 6144
    text = _cache_cli(env=env).stdout
    assert "2 environments" in text and "python-aaaa" in text
    assert "removed 1 environments" in _cache_cli("clean", "--older-than", "1", env=env).stdout
    assert [entry.key for entry in entries()] == ["node-bbbb"]
    refused = _cache_cli("clean", "--max-size", "lots", env=env)
    assert refused.returncode == 2 and "--max-size" in refused.stderr
    assert "removed 1 environments" in _cache_cli("clean", env=env).stdout
    assert entries() == []


def test_the_environment_cache_can_live_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CDVERIFY_ENV_CACHE_DIR moves the environments alone (a bigger disk, or one cache for a test session)
    while the facts cache stays in CDVERIFY_CACHE_DIR."""
    monkeypatch.setenv("CDVERIFY_ENV_CACHE_DIR", str(tmp_path / "envs"))
    made = prepare(_project(tmp_path / "p", PY_FILES), io.BytesIO(), 600)
    assert made is not None and made.entry is not None and made.entry.parent == tmp_path / "envs"
    assert cache_root() == tmp_path / "envs" and not (tmp_path / "cache" / "environments").exists()
