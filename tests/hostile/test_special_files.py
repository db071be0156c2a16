"""Anything in a project that is not a regular file (issue 15): FIFOs under source and manifest names,
sockets, devices, links to devices, link loops, folders named like files, trees deeper than the recursion
limit or PATH_MAX. None is opened for reading; each is reported and the rest of the project analysed."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostile.conftest import Outcome, expect_clean, run_cdverify
from hostile.projects import CONSTRAINTS, check_json, expect_analysed, findings, python_project, rules_at

# names cdverify reads by name (manifests, ignore files, configs) or by extension (sources)
FIFO_NAMES = [
    "app/routes/app.py",
    "app/index.ts",
    "index.js",
    ".gitignore",
    "app/.gitignore",
    "package.json",
    "web/package.json",
    "requirements.txt",
    "requirements/dev.txt",
    "pyproject.toml",
    "Pipfile",
    ".env",
    "tsconfig.json",
    "run.sh",
    "docker-compose.yml",
    "schema.prisma",
    "alembic.ini",
    "config/config.json",
    "db/schema.sql",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return python_project(tmp_path / "p")


def _special(outcome: Any, path: str) -> dict[str, Any]:
    found = [f for f in findings(outcome) if f["rule"] == "DISC007" and f["file"] == path]
    assert len(found) == 1, outcome.describe()
    return found[0]


@pytest.fixture(scope="module")
def fifo_project(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """One run over a project holding a FIFO under every name of FIFO_NAMES (one run: the suite's time)."""
    project = python_project(tmp_path_factory.mktemp("fifos") / "p")
    for name in FIFO_NAMES:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / name)
    outcome = run_cdverify(
        ["check", str(project), "-c", CONSTRAINTS, "--format", "json", "--no-cache", "-j", "1"],
        tmp_path_factory.mktemp("fifos-tmp"),
        timeout_s=30,
        watch=[project],
    )
    expect_analysed(outcome, max_wall_s=15)
    return outcome


@pytest.mark.parametrize("name", FIFO_NAMES)
def test_fifo_is_reported_not_opened(fifo_project: Outcome, name: str) -> None:
    assert "a named pipe (FIFO), not a regular file" in _special(fifo_project, name)["message"]


def test_lone_fifo_source_file(hostile: Any, project: Path) -> None:
    os.mkfifo(project / "app" / "routes" / "app.py")
    outcome = check_json(hostile, project)
    expect_analysed(outcome, max_wall_s=15)
    assert _special(outcome, "app/routes/app.py")["severity"] == "warning"


def test_socket_is_reported(hostile: Any, project: Path) -> None:
    folder = os.open(project, os.O_RDONLY)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(f"/proc/self/fd/{folder}/s.py")  # a socket's path must be short: bind through the fd
        server.listen(1)
        outcome = check_json(hostile, project)
    finally:
        server.close()
        os.close(folder)
    expect_analysed(outcome)
    assert "a socket" in _special(outcome, "s.py")["message"]


def test_device_file_is_reported(hostile: Any, project: Path) -> None:
    try:
        os.mknod(project / "zero.py", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # /dev/zero's numbers
    except PermissionError:
        pytest.skip("creating a device needs root")
    outcome = check_json(hostile, project)
    expect_analysed(outcome)
    assert "a character device" in _special(outcome, "zero.py")["message"]


DEVICE_LINKS = [
    ("big.py", "/dev/zero"),
    ("rand.ts", "/dev/urandom"),
    ("package.json", "/dev/zero"),
    (".gitignore", "/dev/zero"),
    ("requirements.txt", "/dev/urandom"),
    (".env", "/dev/zero"),
    ("run.sh", "/dev/zero"),
    ("app/pyproject.toml", "/dev/zero"),
]


@pytest.fixture(scope="module")
def device_links(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    project = python_project(tmp_path_factory.mktemp("links") / "p")
    for name, target in DEVICE_LINKS:
        (project / name).symlink_to(target)
    outcome = run_cdverify(
        ["check", str(project), "-c", CONSTRAINTS, "--format", "json", "--no-cache", "-j", "1"],
        tmp_path_factory.mktemp("links-tmp"),
        timeout_s=30,
        watch=[project],
    )
    expect_analysed(outcome, max_wall_s=15)
    return outcome


@pytest.mark.parametrize(("name", "target"), DEVICE_LINKS)
def test_link_to_a_device_is_not_followed(device_links: Outcome, name: str, target: str) -> None:
    link = [f for f in findings(device_links) if f["rule"] == "DISC004" and f["file"] == name]
    assert link and f"({target})" in link[0]["message"], device_links.describe()


def test_link_loops(hostile: Any, project: Path) -> None:
    (project / "a.py").symlink_to("b.py")
    (project / "b.py").symlink_to("a.py")
    (project / "self").symlink_to("self")
    (project / "app" / "up").symlink_to("..")
    outcome = check_json(hostile, project)
    expect_analysed(outcome)
    assert {("DISC004", "a.py"), ("DISC004", "b.py"), ("DISC004", "self"), ("DISC004", "app/up")} <= rules_at(
        outcome
    )


def test_folders_named_like_files(hostile: Any, project: Path) -> None:
    """A folder `app.py`, `package.json` or `.gitignore` is walked as a folder; its files are analysed."""
    for name in ("app/routes/app.py", "package.json", ".gitignore", "requirements.txt", ".env"):
        (project / name).mkdir(parents=True)
    (project / "app" / "routes" / "app.py" / "inner.py").write_text('cursor.execute("DELETE FROM logs")\n')
    outcome = check_json(hostile, project)
    found = expect_analysed(outcome)
    assert any(f["rule"] == "ORM001" and f["file"] == "app/routes/app.py/inner.py" for f in found)


def test_many_fifos_end_in_bounded_time(hostile: Any, project: Path) -> None:
    for index in range(300):
        os.mkfifo(project / "app" / f"f{index}.py")
    outcome = check_json(hostile, project)
    expect_analysed(outcome, max_wall_s=15)
    assert sum(f["rule"] == "DISC007" for f in findings(outcome)) == 300


def test_ignored_fifo_is_neither_opened_nor_reported(hostile: Any, project: Path) -> None:
    (project / ".gitignore").write_text("tmp/\n*.sock\n")
    (project / "tmp").mkdir()
    os.mkfifo(project / "tmp" / "app.py")
    os.mkfifo(project / "x.sock")
    outcome = check_json(hostile, project)
    found = expect_analysed(outcome)
    assert not [f for f in found if f["rule"] == "DISC007"], outcome.describe()


def test_unreadable_file_and_folder(hostile: Any, project: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads whatever the permissions say: EACCES cannot be had this way")
    locked = project / "app" / "locked"
    locked.mkdir()
    (project / "app" / "secret.py").write_text("x = 1\n")
    (project / "app" / "secret.py").chmod(0)
    locked.chmod(0)
    try:
        outcome = check_json(hostile, project)
    finally:
        locked.chmod(0o755)
    expect_analysed(outcome)
    assert {("DISC005", "app/locked"), ("DISC005", "app/secret.py")} <= rules_at(outcome)


@pytest.fixture
def deep_trees() -> Iterator[list[tuple[Path, int, str]]]:
    """Deep trees to remove at the end, from the bottom up (rmtree recurses, and paths pass PATH_MAX)."""
    made: list[tuple[Path, int, str]] = []
    yield made
    for root, levels, name in made:
        fds = [os.open(root, os.O_RDONLY)]
        for _ in range(levels):
            fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
        for entry in os.listdir(fds[-1]):
            os.unlink(entry, dir_fd=fds[-1])
        os.close(fds.pop())
        while fds:
            os.rmdir(name, dir_fd=fds[-1])
            os.close(fds.pop())


def _deep(root: Path, levels: int, name: str) -> tuple[int, str]:
    """`levels` nested folders `name/name/…` made through folder descriptors (the path may exceed
    PATH_MAX); returns the innermost folder's descriptor and its project-relative path."""
    fd = os.open(root, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    return fd, "/".join([name] * levels)


def _write_at(fd: int, name: str, text: str) -> None:
    handle = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(handle, text.encode())
    os.close(handle)


def test_python_tree_1000_folders_deep(hostile: Any, project: Path, deep_trees: list[Any]) -> None:
    """Deeper than Python's recursion limit: discovery walks it iteratively and reads its manifests."""
    deep_trees.append((project, 1000, "d"))
    fd, rel = _deep(project, 1000, "d")
    _write_at(fd, "requirements.txt", "flask==3.0\n")
    _write_at(fd, "pyproject.toml", "[project]\nname = 'deep'\ndependencies = ['sqlalchemy']\n")
    _write_at(fd, "deep.py", 'def f(cursor):\n    cursor.execute("DELETE FROM deep_table")\n')
    os.close(fd)
    outcome = check_json(hostile, project)
    found = expect_analysed(outcome, max_wall_s=20)
    assert any(f["rule"] == "ORM001" and f["file"] == f"{rel}/deep.py" for f in found), outcome.describe()


def test_tree_deeper_than_path_max(hostile: Any, project: Path, deep_trees: list[Any]) -> None:
    """Past PATH_MAX the folder cannot be listed by its path: DISC005 there, the rest analysed."""
    deep_trees.append((project, 1400, "ddd"))
    fd, _ = _deep(project, 1400, "ddd")  # 1,400 folders of 4 characters: past 4,096
    _write_at(fd, "lost.py", "x = 1\n")
    os.close(fd)
    outcome = check_json(hostile, project)
    found = expect_analysed(outcome, max_wall_s=20)
    unreadable = [f for f in found if f["rule"] == "DISC005"]
    assert [f["message"] for f in unreadable] == ["cannot read: File name too long"], outcome.describe()


def test_package_json_1000_folders_deep(hostile: Any, tmp_path: Path, deep_trees: list[Any]) -> None:
    root = tmp_path / "js"
    root.mkdir()
    deep_trees.append((root, 1000, "d"))
    (root / "package.json").write_text('{"name": "root"}')
    (root / "index.js").write_text("const deep = require('./d');\n")
    fd, _ = _deep(root, 1000, "d")
    _write_at(fd, "package.json", '{"name": "deep", "dependencies": {"express": "4"}}')
    _write_at(fd, "index.js", "const express = require('express');\nconst y = require('./y');\n")
    os.close(fd)
    outcome = hostile(["inspect", str(root), "--format", "json", "--no-cache", "-j", "1"], watch=[root])
    from hostile.conftest import expect_clean

    expect_clean(outcome, (0,), max_wall_s=20)


MISCASED_APP = """const express = require('express');
const bodyParser = require('body-Parser');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: 'postgresql://user:password@postgres:5432/conduit' });
const app = express();
app.use(bodyParser.json());
app.get('/api/users', async (req, res) => res.json((await pool.query('SELECT * FROM users')).rows));
app.listen(3000);
"""


def test_a_fifo_lockfile_beside_a_miscased_import(hostile: Any, tmp_path: Path) -> None:
    """A package imported in another case than declared is a start-up stop unless a lockfile names the
    spelling written (shipped.py). A FIFO named package-lock.json was opened with a blocking read: the run
    hung. It is not opened (bounded, non-blocking read), and a lockfile left unread may name the package:
    no stop is claimed on it."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "package.json").write_text(
        '{"name": "app", "main": "app.js", "dependencies": {"express": "4", "pg": "8", "body-parser": "1"}}'
    )
    (root / "app.js").write_text(MISCASED_APP)
    os.mkfifo(root / "package-lock.json")
    outcome = hostile(
        [
            "check",
            str(root),
            "--task",
            "express-openapi-postgres",
            "--format",
            "json",
            "--no-cache",
            "-j",
            "1",
        ],
        timeout_s=30,
        watch=[root],
    )
    expect_clean(outcome, (0, 1), max_wall_s=15)
    messages = [f["message"] for f in findings(outcome) if f["rule"] == "DB001"]
    assert not any("case-sensitive" in message for message in messages), outcome.describe()
    assert any(f["rule"] == "TASK002" for f in findings(outcome)), outcome.describe()  # the rest still runs
