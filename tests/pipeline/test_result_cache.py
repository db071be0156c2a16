"""The result cache serves a stored report only while nothing the report depends on has changed, gives the
very output of a full run, and logs every file-system look of the analysis (no read escapes its key)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cached_runs import run
from conftest import first_arguments, write_tree

from cdverify import files, results
from cdverify.config import load_config
from cdverify.constraints import parse_constraints
from cdverify.files import ReadLog, recording
from cdverify.locations import PACKAGE_DIR, cache_dir, data_dir
from cdverify.model import Severity
from cdverify.report import REPORTERS, ReportOptions

Make = Callable[[dict[str, str | bytes]], Path]
CORPUS = Path(__file__).resolve().parents[2] / "corpus"

PYTHON = {
    "app/routes/users.py": "from app.services.users import UserService\n",
    "app/services/users.py": "from app.repositories.users import Repo\nclass UserService: ...\n",
    "app/repositories/users.py": "from app.models.user import User\nclass Repo: ...\n",
    "app/models/user.py": "class User: ...\n",
    "app/settings.py": "import os\nDATABASE_URL = os.getenv('DATABASE_URL', 'sqlite:///app.db')\n",
    ".env": "DATABASE_URL=postgresql://db/app\n",
    "requirements.txt": "flask\nsqlalchemy\n",
}

# a tsconfig that extends one under node_modules (not discovered: read only by resolution), whose `paths`
# resolve `@app/*` imports
NODE = {
    "package.json": '{"name": "shop", "dependencies": {"express": "^4"}}\n',
    "tsconfig.json": '{"extends": "@acme/tsconfig/base"}\n',  # found as base.json
    "node_modules/@acme/tsconfig/base.json": '{"compilerOptions": {"paths": {"@app/*": ["${configDir}/src/*"]}}}\n',
    "src/routes/users.ts": 'import { repo } from "@app/repositories/users";\nexport const r = repo;\n',
    "src/repositories/users.ts": "export const repo = 1;\n",
}


@pytest.fixture(autouse=True)
def _no_racy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old at most: the cache would (rightly) not trust them."""
    monkeypatch.setattr(results, "RACY_NS", 0)


def bump(path: Path, text: str | None = None) -> None:
    """Rewrite (or only touch) a file so that its signature surely changes, however coarse the clock."""
    if text is not None:
        path.write_text(text)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 5_000_000_000))  # not in the future


def test_unchanged_tree_is_a_hit_with_identical_output(make_project: Make, analyses: list[str]) -> None:
    root = make_project(PYTHON)
    first = run("check", str(root), "-c", "flask+clean_architecture", "--format", "json")
    second = run("check", str(root), "-c", "flask+clean_architecture", "--format", "json")
    assert second == first
    assert len(analyses) == 1
    assert (
        run("check", str(root), "-c", "flask+clean_architecture", "--format", "json", "--no-cache") == first
    )
    assert len(analyses) == 2


@pytest.mark.parametrize(
    "change",
    ["edit", "same_size_edit", "add", "remove", "env_file", "config", "requirements"],
)
def test_a_change_to_any_input_is_a_miss(make_project: Make, analyses: list[str], change: str) -> None:
    root = make_project(PYTHON)
    args = ("check", str(root), "-c", "flask+clean_architecture+postgres", "--format", "json")
    before = run(*args)
    assert run(*args) == before and len(analyses) == 1
    if change == "edit":
        bump(root / "app/services/users.py", "from app.routes.users import x\nclass UserService: ...\n")
    elif change == "same_size_edit":
        # the same size, other facts (an edit that keeps the facts is served: tests/pipeline/test_same_facts.py)
        bump(root / "app/models/user.py", "import sqlite3\n\n")
    elif change == "add":
        (root / "app/models/order.py").write_text("class Order: ...\n")
    elif change == "remove":
        (root / "app/models/user.py").unlink()
    elif change == "env_file":
        bump(root / ".env", "DATABASE_URL=mysql://db/app\n")
    elif change == "config":
        (root / "cdverify.toml").write_text('preset = "clean_architecture"\nexclude = ["app/models/*"]\n')
    elif change == "requirements":
        bump(root / "requirements.txt", "flask\nsqlalchemy\npsycopg2\n")
    after = run(*args)
    assert len(analyses) == 2
    assert after == run(*args, "--no-cache")  # what was served is what a fresh analysis gives
    if change in ("edit", "env_file"):
        assert after != before


def test_a_read_outside_discovery_is_in_the_key(make_project: Make, analyses: list[str]) -> None:
    """A tsconfig under node_modules is read by resolution only; a path it probed and found absent counts
    too: creating it is a miss."""
    root = make_project(NODE)
    args = ("inspect", str(root), "--format", "json")
    resolved = run(*args)
    assert '"internal": 1' in resolved[1]
    assert run(*args) == resolved and len(analyses) == 1
    bump(root / "node_modules/@acme/tsconfig/base.json", '{"compilerOptions": {}}\n')
    unresolved = run(*args)
    assert len(analyses) == 2 and unresolved != resolved
    assert run(*args) == unresolved and len(analyses) == 2
    # an earlier candidate of the `extends` lookup, absent so far, now shadows the one used
    (root / "node_modules/@acme/tsconfig/base").write_text("{}\n")
    run(*args)
    assert len(analyses) == 3


@pytest.mark.parametrize(
    "options",
    [
        ("-c", "flask+clean_architecture+sqlite"),
        ("--env", "DATABASE_URL=sqlite:///x.db"),
        ("--format", "text"),
        ("--min-severity", "info"),
        ("--exclude", "app/models/*"),
        ("--layer", "models=app/routes/*"),
        ("-j", "2"),
    ],
)
def test_other_options_are_another_key(
    make_project: Make, analyses: list[str], options: tuple[str, ...]
) -> None:
    root = make_project(PYTHON)
    base = ("check", str(root), "-c", "flask+clean_architecture+postgres", "--format", "json")
    run(*base)
    run(*base)
    assert len(analyses) == 1
    changed = list(base)
    if options[0] in changed:
        changed[changed.index(options[0]) + 1] = options[1]
    else:
        changed += options
    served = run(*changed)
    assert len(analyses) == 2
    assert served == run(*changed, "--no-cache")
    assert run(*base) and len(analyses) == 3  # a hit: both entries are kept (the third ran --no-cache)


def test_inspect_and_check_are_separate_entries(make_project: Make, analyses: list[str]) -> None:
    root = make_project(PYTHON)
    checked = run("check", str(root), "-c", "flask", "--format", "json")
    inspected = run("inspect", str(root), "--format", "json")
    assert checked != inspected and len(analyses) == 2
    assert run("inspect", str(root), "--format", "json") == inspected
    assert run("check", str(root), "-c", "flask", "--format", "json") == checked
    assert len(analyses) == 2


def test_recent_files_are_not_trusted(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed within the file system's timestamp granularity of a run could change again with the
    same signature: such a run stores nothing."""
    monkeypatch.setattr(results, "RACY_NS", 3_000_000_000)
    root = make_project(PYTHON)
    run("check", str(root), "-c", "flask")
    assert not list(cache_dir().glob("results-*/*.pickle"))


def test_a_file_changed_during_the_run_stores_nothing(make_project: Make) -> None:
    root = make_project(PYTHON)
    log = ReadLog()
    log.note(root / "a.py", False, (1, 2, 3, 4, 5, 6))
    log.note(root / "a.py", False, (1, 3, 3, 4, 5, 6))
    assert log.doubtful
    store = results.ResultCache(root)
    store.store("k", log, "out", 0, started_ns=10**20)
    assert store.lookup("k", log) is None
    assert not store.path.exists()


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_entry_is_a_miss(make_project: Make, analyses: list[str], damage: bytes) -> None:
    root = make_project(PYTHON)
    first = run("check", str(root), "-c", "flask", "--format", "json")
    entries = list(cache_dir().glob("results-*/*.pickle"))
    assert len(entries) == 2  # one looked up before discovery, one after
    entries[0].write_bytes(damage)  # either one damaged: the other still serves the run
    assert run("check", str(root), "-c", "flask", "--format", "json") == first
    assert len(analyses) == 1
    for entry in entries:
        entry.write_bytes(damage)
    assert run("check", str(root), "-c", "flask", "--format", "json") == first
    assert len(analyses) == 2
    assert run("check", str(root), "-c", "flask", "--format", "json") == first
    assert len(analyses) == 2  # rewritten


@pytest.mark.parametrize("app", ["conduit-flask-clean", "ts-monorepo", "db-py-env-fallback", "ts-aliases"])
def test_hit_and_miss_give_identical_output_on_corpus_apps(
    tmp_path: Path, analyses: list[str], app: str
) -> None:
    root = tmp_path / app
    shutil.copytree(CORPUS / app, root, symlinks=True)
    for args in (("inspect", "--format", "json"), ("check", "-c", "clean_architecture"), ("inspect",)):
        fresh = run(args[0], str(root), *args[1:], "--no-cache")
        assert run(args[0], str(root), *args[1:]) == fresh
        assert run(args[0], str(root), *args[1:]) == fresh
    assert len(analyses) == 6


# --- No read escapes the key ------------------------------------------------------------------------

_EVENTS: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _EVENTS is None:
        return
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        path, mode, flags = args
        writing = (mode and any(c in str(mode) for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        )
        if not writing:
            _EVENTS.append(os.fsdecode(path))
    elif event in ("os.listdir", "os.scandir") and args and args[0] is not None:
        _EVENTS.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path opened for reading, listed, or `stat`ed while the fixture is active (`stat` has no audit
    event: os.stat and os.lstat are wrapped)."""
    global _EVENTS
    events: list[str] = []
    for name in ("stat", "lstat"):
        real = getattr(os, name)

        def wrapped(path: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            if _EVENTS is not None and not isinstance(path, int):
                _EVENTS.append(os.fsdecode(path))
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, wrapped)
    _EVENTS = events
    try:
        yield events
    finally:
        _EVENTS = None


def _exempt() -> tuple[str, ...]:
    """cdverify's own code, data and caches, the interpreter and its libraries, the system's files."""
    places = {str(PACKAGE_DIR), str(data_dir("rules")), str(data_dir("grammars")), str(cache_dir())}
    places |= {sys.prefix, sys.base_prefix, sys.exec_prefix, "/proc", "/dev", "/sys", "/etc", "/usr"}
    return tuple(os.path.realpath(p) for p in places)


def escapes(events: list[str], log: ReadLog, root: Path) -> list[str]:
    """The paths looked at but not logged: each would be missing from the result cache's key. Module
    imports (a `.py`, `.pyc` or folder on sys.path outside the project) are the interpreter's own; the
    root's ancestors are looked at to resolve the root, which is part of the key by value."""
    global _EVENTS
    events, _EVENTS = list(events), None  # the checks below `stat` too
    logged = {path for path, _ in log.signatures}
    exempt = _exempt()
    ancestors = {str(parent) for parent in root.parents}
    found = []
    for event in events:
        path = os.path.abspath(event)
        if path in logged or path in ancestors or os.path.realpath(path).startswith(exempt):
            continue
        inside = path == str(root) or path.startswith(f"{root}/")
        if not inside and (
            path.endswith((".py", ".pyc", ".so")) or "__pycache__" in path or path in sys.path
        ):
            continue
        found.append(path)
    return sorted(set(found))


def _analyse_and_render(root: Path, command: str, looks: list[str]) -> str:
    """`command` as the CLI runs it; `looks` holds what it looked at once the configuration was loaded
    (the configuration is part of the key by value)."""
    config = load_config(root)
    constraints = parse_constraints("clean_architecture") if command == "check" else None
    options = ReportOptions(Severity.INFO, show_detected=command == "inspect")
    request = results.Request(command, str(root), config, constraints, ("text", options), 1)
    looks.clear()
    output, _ = results.render_cached(request, lambda report: REPORTERS["text"](report, options))
    return output


@pytest.mark.parametrize(
    "app",
    [
        "conduit-flask-clean",
        "ts-monorepo",
        "db-py-env-fallback",
        "ts-aliases",
        "node_modules tsconfig",
        "git repo",
    ],
)
def test_every_read_of_a_run_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, looks: list[str], app: str
) -> None:
    root = (tmp_path / "app").resolve()
    if (
        app == "node_modules tsconfig"
    ):  # resolution reads a tsconfig under node_modules, which discovery skips
        write_tree(root, NODE)
    elif app == "git repo":  # discovery asks git: what git's answer depends on is logged
        write_tree(root, {**PYTHON, "app/.gitignore": "*.local.py\n"})
        git_init(root)
    else:
        shutil.copytree(CORPUS / app, root, symlinks=True)
    logs: list[ReadLog] = []

    @contextmanager
    def capturing() -> Iterator[ReadLog]:
        with recording() as log:
            logs.append(log)
            yield log

    monkeypatch.setattr(files, "recording", capturing)
    for command in ("check", "inspect"):
        _analyse_and_render(root, command, looks)
        assert escapes(looks, logs[-1], root) == []
        assert len(logs[-1].signatures) > 5
    if app == "node_modules tsconfig":
        assert (str(root / "node_modules/@acme/tsconfig/base.json"), True) in logs[-1].signatures
    if app == "git repo":
        for path in (".git/index", ".git/info/exclude", ".git/config"):
            assert (str(root / path), True) in logs[-1].signatures
        assert (str(root / "app/.gitignore"), False) in logs[-1].signatures  # read by discovery


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("change", ["index", "info_exclude", "gitignore_above"])
def test_a_change_to_what_git_reads_is_a_miss(tmp_path: Path, analyses: list[str], change: str) -> None:
    """Inside a git work tree the file list is git's: a change to the index, `.git/info/exclude` or a
    `.gitignore` above the analysed folder is a miss even when git's list stays the same."""
    top = write_tree(tmp_path / "top", {"svc/" + path: text for path, text in PYTHON.items()})
    git_init(top)
    root = top / "svc"
    args = ("check", str(root), "-c", "flask+clean_architecture", "--format", "json")
    first = run(*args)
    assert run(*args) == first and len(analyses) == 1
    if change == "index":
        # untracked now, still listed: the same files, another index
        subprocess.run(["git", "rm", "-q", "--cached", "svc/requirements.txt"], cwd=top, check=True)
        bump(top / ".git/index")
    elif change == "info_exclude":
        bump(top / ".git/info/exclude", "*.tmp\n")
    else:
        (top / ".gitignore").write_text("*.tmp\n")
    assert run(*args) == first
    assert len(analyses) == 2


def test_an_unlogged_read_is_caught(tmp_path: Path, looks: list[str]) -> None:
    """The check above can fail: a read that bypasses cdverify.files is reported as an escape."""
    root = tmp_path.resolve()
    (root / "a.py").write_text("x = 1\n")
    with recording() as log:
        (root / "a.py").read_bytes()
        os.listdir(root)
    assert escapes(looks, log, root) == sorted({str(root / "a.py"), str(root)})


def test_the_key_writes_every_field_of_what_discovery_found() -> None:
    """The entry's key holds each discovered file's every field (results._files_text): a field added to
    SourceFile must be added there too, or a change in it would be served a stale output."""
    from cdverify.model import Language, Scope, SourceFile

    assert SourceFile._fields == ("path", "language", "scope", "size")
    one = SourceFile("a.py", Language.PYTHON, Scope.APPLICATION, 3)
    variants = [
        one,
        one._replace(path="b.py"),
        one._replace(language=None),
        one._replace(scope=Scope.TEST),
        one._replace(size=4),
    ]
    assert len({results._files_text((variant,)) for variant in variants}) == len(variants)


def test_served_before_discovery_only_while_every_folder_is_unchanged(
    make_project: Make, analyses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry looked up before discovery rests on the walked folders' signatures: a file added to a
    folder (its signature changes) is a full run, and a changed environment (git on PATH, HOME) is served
    only after discovery."""
    from cdverify import discover

    root = make_project(PYTHON)
    first = run("check", str(root), "-c", "flask", "--format", "json")
    walks = first_arguments(monkeypatch, discover, "discover_project")  # counted from here on
    assert run("check", str(root), "-c", "flask", "--format", "json") == first
    assert walks == [] and len(analyses) == 1  # nothing walked, nothing analysed
    monkeypatch.setenv("GIT_TEST_VARIABLE", "x")
    assert run("check", str(root), "-c", "flask", "--format", "json") == first
    assert len(walks) == 1 and len(analyses) == 1  # walked, then served by the entry after discovery
    assert run("check", str(root), "-c", "flask", "--format", "json") == first
    assert len(walks) == 1 and len(analyses) == 1  # that entry now serves this environment too
    monkeypatch.delenv("GIT_TEST_VARIABLE")
    (root / "app" / "notes.txt").write_text("x")  # a new entry in a walked folder, nothing else
    bump(root / "app")
    run("check", str(root), "-c", "flask", "--format", "json")
    assert len(walks) == 2 and len(analyses) == 2


def test_cdverifys_own_variables_are_in_the_key(
    make_project: Make, analyses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CDVERIFY_DOCS_URL is in every finding's `doc_url`: another value is another output, not a hit."""
    root = make_project(PYTHON)
    first = run("check", str(root), "-c", "flask+clean_architecture", "--format", "json")
    monkeypatch.setenv("CDVERIFY_DOCS_URL", "https://example.org/cdverify/")
    other = run("check", str(root), "-c", "flask+clean_architecture", "--format", "json")
    assert len(analyses) == 2 and other != first and "https://example.org/cdverify/docs/rules/" in other[1]
