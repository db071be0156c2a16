"""The lean install (issue 20): the wheel's core dependencies are the static checker's alone, the contract
runner's packages come with `cdverify[contract]`, and in an environment holding only the core packages
`cdverify check` works while every command of an extra says which extra to install (exit 2, no traceback).

The environment is a real virtual environment with the wheel unpacked into it and the core distributions
(and what they require) linked in from the test's own environment: no download, no other package."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
CORE = {
    "click",
    "tree-sitter",
    "tree-sitter-python",
    "tree-sitter-javascript",
    "tree-sitter-typescript",
    "pathspec",
    "json5",
    "pyyaml",
    "sqlglot",
    "packaging",
    "python-dotenv",
    "msgspec",
}
CONTRACT = {"mini-racer", "httpx", "psutil", "openapi-core", "rich", "uv"}
REPORT = {"jinja2", "matplotlib"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("cdverify-*.whl")
    return built


def _metadata(wheel: Path) -> dict[str | None, set[str]]:
    """Requires-Dist of the wheel by extra (None: the core)."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    by_extra: dict[str | None, set[str]] = {}
    for line in text.splitlines():
        if line.startswith("Requires-Dist: "):
            requirement = Requirement(line.removeprefix("Requires-Dist: "))
            extra = re.search(r"extra == ['\"]([\w-]+)['\"]", str(requirement.marker or ""))
            by_extra.setdefault(extra.group(1) if extra else None, set()).add(_name(str(requirement)))
    return by_extra


def test_the_core_is_the_static_checker_alone(wheel: Path) -> None:
    requires = _metadata(wheel)
    assert requires[None] == CORE
    assert requires["contract"] == CONTRACT
    assert requires["report"] == requires["html"] == REPORT
    assert requires["ray"] == {"ray"}
    assert CONTRACT | REPORT | {"ray"} <= requires["dev"]
    assert "libcst" not in set().union(*requires.values())


def _closure(names: set[str]) -> set[str]:
    """The distributions `names` need to run (their unconditional requirements, recursively)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(name) or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(_name(line))
    return seen


@pytest.fixture(scope="module")
def lean(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the wheel and the core distributions only; its python."""
    home = tmp_path_factory.mktemp("lean")
    venv.EnvBuilder(with_pip=False, symlinks=True).create(home)
    python = home / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    for name in _closure(CORE):
        dist = importlib.metadata.distribution(name)
        tops = {Path(str(file)).parts[0] for file in dist.files or ()}
        for top in tops - {"..", "__pycache__"}:
            source = Path(str(dist.locate_file(top)))
            if source.exists() and not (site / top).exists():
                (site / top).symlink_to(source)
    return python


def _run(python: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    return subprocess.run(
        [str(python), "-m", "cdverify", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_the_lean_environment_has_no_contract_packages(lean: Path) -> None:
    probe = "import importlib.util as u; print([m for m in ('httpx', 'py_mini_racer', 'psutil', 'rich', 'jinja2', 'openapi_core', 'libcst') if u.find_spec(m)])"
    found = subprocess.run([str(lean), "-s", "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_check_works_with_the_core_packages_only(lean: Path, tmp_path: Path) -> None:
    app = REPO / "corpus" / "conduit-flask-clean"
    task = "python-flask-openapi-clean_architecture-postgres-sqlalchemy"
    result = _run(lean, "check", str(app), "--task", task, "--format", "json", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["verdicts"]["framework"]["status"] == "pass" and report["architecture"]["files"]
    for args in (
        ["inspect", str(app)],
        ["graph", str(app), "--level", "layer"],
        ["schema", "output"],
        ["cache"],
    ):
        done = _run(lean, *args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["contract", "run", "collection.json", "--base-url", "http://localhost:1"],
        ["evaluate", ".", "--task", "python-flask-openapi-unconstrained"],
        ["grade", "results"],
        ["contract", "--help"],
    ],
)
def test_a_command_of_an_extra_says_what_to_install(lean: Path, tmp_path: Path, args: list[str]) -> None:
    result = _run(lean, *args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"`cdverify {args[0]}` needs" in result.stderr
    assert "pip install 'cdverify[contract]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_help_lists_them_with_their_extra(lean: Path) -> None:
    result = _run(lean, "--help")
    assert result.returncode == 0, result.stderr
    assert re.search(r"contract\s+\(needs pip install 'cdverify\[contract\]'\)", result.stdout), result.stdout
