"""An edit that leaves every file's facts as they were is served from the result cache (cdverify/same_facts.py),
with the very output of a fresh analysis; any other change is a full analysis."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cached_runs import run

from cdverify import pipeline, results
from cdverify.locations import cache_dir

Make = Callable[[dict[str, str | bytes]], Path]

PROJECT = {
    "app/routes/users.py": "from flask import Flask\nfrom app.services.users import UserService\n"
    "app = Flask(__name__)\n\n@app.get('/users')\ndef users():\n    return UserService().all()\n",
    "app/services/users.py": "from app.repositories.users import Repo\nclass UserService:\n"
    "    def all(self):\n        return Repo().all()\n",
    "app/repositories/users.py": "import sqlite3\nclass Repo:\n    def all(self):\n"
    "        return sqlite3.connect('app.db').execute('SELECT * FROM users').fetchall()\n",
    "requirements.txt": "flask\n",
}
CHECK = ("-c", "flask+clean_architecture+sqlite", "--format", "json")


@pytest.fixture(autouse=True)
def _no_racy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old at most: the cache would (rightly) not trust them."""
    monkeypatch.setattr(results, "RACY_NS", 0)


def rewrite(path: Path, text: str) -> None:
    """Rewrite a file in place (its folder keeps its signature) so that its own signature surely changes."""
    path.write_text(text)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 5_000_000_000))


@pytest.mark.parametrize(
    "edit",
    [
        "# a comment at the end\n",
        "\n\n",
    ],
)
def test_an_edit_keeping_the_facts_is_served(make_project: Make, analyses: list[str], edit: str) -> None:
    root = make_project(PROJECT)
    before = run("check", str(root), *CHECK)
    target = root / "app/services/users.py"
    rewrite(target, target.read_text() + edit)
    assert run("check", str(root), *CHECK) == before
    assert len(analyses) == 1  # served, not analysed
    rewrite(target, target.read_text() + edit)  # again: the entry now holds the edited file's signature
    assert run("check", str(root), *CHECK) == before
    assert len(analyses) == 1
    assert run("check", str(root), *CHECK, "--no-cache") == before


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # an import: another graph, another layer verdict
        ("app/services/users.py", "from app.routes.users import app\nclass UserService: ...\n"),
        # a line inserted: every later fact moves
        ("app/repositories/users.py", "\n" + PROJECT["app/repositories/users.py"]),
        # a route removed
        ("app/routes/users.py", "from flask import Flask\napp = Flask(__name__)\n"),
        # another statement through the same sink
        ("app/repositories/users.py", PROJECT["app/repositories/users.py"].replace("users", "orders")),
        # a manifest: no parsed source
        ("requirements.txt", "flask\npsycopg2\n"),
    ],
)
def test_an_edit_changing_the_facts_is_analysed(
    make_project: Make, analyses: list[str], path: str, text: str
) -> None:
    root = make_project(PROJECT)
    before = run("check", str(root), *CHECK)
    rewrite(root / path, text)
    after = run("check", str(root), *CHECK)
    assert len(analyses) == 2
    assert after != before
    assert after == run("check", str(root), *CHECK, "--no-cache")


def test_an_output_reading_the_sources_text_is_analysed(make_project: Make, analyses: list[str]) -> None:
    """`--fix-diff` quotes the sources' lines: a comment changes it, so only an unchanged tree is served."""
    root = make_project(PROJECT)
    args = ("check", str(root), *CHECK, "--fix-diff")
    run(*args)
    assert len(analyses) == 1
    target = root / "app/services/users.py"
    rewrite(target, target.read_text() + "# a comment\n")
    run(*args)
    assert len(analyses) == 2


def test_the_former_facts_gone_is_a_miss(make_project: Make, analyses: list[str]) -> None:
    """Without the facts of the former content nothing tells the edit kept them: a full analysis."""
    root = make_project(PROJECT)
    before = run("check", str(root), *CHECK)
    for folder in cache_dir().glob("facts-*"):
        if folder.is_dir():
            shutil.rmtree(folder)
    target = root / "app/services/users.py"
    rewrite(target, target.read_text() + "# a comment\n")
    assert run("check", str(root), *CHECK) == before
    assert len(analyses) == 2


def test_a_new_file_is_a_miss(make_project: Make, analyses: list[str]) -> None:
    """A file added changes its folder's signature, even when it holds nothing."""
    root = make_project(PROJECT)
    run("check", str(root), *CHECK)
    (root / "app/services/empty.py").write_text("")
    run("check", str(root), *CHECK)
    assert len(analyses) == 2


def test_an_edit_of_sources_alone_reuses_discovery(
    make_project: Make, analyses: list[str], discoveries: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only parsed sources changed: the stored discovery (with their new sizes) is what a walk finds, and
    the files whose signature is unchanged keep their cached facts unread."""
    root = make_project(PROJECT)
    run("check", str(root), *CHECK)
    assert len(discoveries) == 1
    read: list[str] = []
    real = pipeline.read_source
    monkeypatch.setattr(
        pipeline, "read_source", lambda root, file: read.append(file.path) or real(root, file)
    )
    rewrite(root / "app/services/users.py", "from app.routes.users import app\nclass UserService: ...\n")
    after = run("check", str(root), *CHECK)
    assert len(analyses) == 2 and len(discoveries) == 1
    assert read == ["app/services/users.py"]
    assert after == run("check", str(root), *CHECK, "--no-cache")
    (root / "app/services/orders.py").write_text("class OrderService: ...\n")  # a folder changed: walked
    assert run("check", str(root), *CHECK) == run("check", str(root), *CHECK, "--no-cache")
    assert len(discoveries) == 4  # the walk, and the two runs without the cache


def test_an_edit_past_the_size_limit_is_discovered_again(
    make_project: Make, analyses: list[str], discoveries: list[str]
) -> None:
    """A file grown past `max_file_bytes` is skipped by discovery (a finding): no stored discovery holds."""
    root = make_project({**PROJECT, "cdverify.toml": "max_file_bytes = 400\n"})
    run("check", str(root), *CHECK)
    target = root / "app/services/users.py"
    rewrite(target, target.read_text() + "# padding\n" * 40)
    after = run("check", str(root), *CHECK)
    assert len(analyses) == 2 and len(discoveries) == 2
    assert "max_file_bytes" in after[1] or "byte limit" in after[1]
    assert after == run("check", str(root), *CHECK, "--no-cache")


def test_a_stored_discovery_of_another_run_is_not_used(
    make_project: Make, analyses: list[str], discoveries: list[str]
) -> None:
    """The stored discovery is used only with the entry written after it (their tokens match): one left by
    another run (a crash between the two writes) is walked again."""
    import pickle

    root = make_project(PROJECT)
    run("check", str(root), *CHECK)
    [record] = cache_dir().glob("results-*/*.edits")
    _, sources, project_root, files, findings = pickle.loads(record.read_bytes())
    stale = [
        f for f in files if f[0] != "app/routes/users.py"
    ]  # a listing that is no longer right (paths first)
    record.write_bytes(pickle.dumps((b"another run", sources, project_root, tuple(stale), findings)))
    rewrite(root / "app/services/users.py", "from app.routes.users import app\nclass UserService: ...\n")
    after = run("check", str(root), *CHECK)
    assert len(analyses) == 2 and len(discoveries) == 2
    assert after == run("check", str(root), *CHECK, "--no-cache")
