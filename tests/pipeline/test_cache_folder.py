"""The analysis caches stay bounded (issue 20): each facts cache records its project, the caches of deleted
projects and stale files are pruned, the least recently used go past the cap, and `cdverify cache` lists
and cleans them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cdverify import cache_folder, inspect
from cdverify.cache_folder import Kind, entries, note_use, prune
from cdverify.locations import cache_dir

APP = {
    "app/routes/users.py": "from app.services.users import x\n",
    "app/services/users.py": "x = 1\n",
    "app/repositories/users.py": "",
    "app/models/user.py": "",
}


def _project(root: Path) -> Path:
    for rel, text in APP.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _facts(kind: Kind = Kind.FACTS) -> list[cache_folder.Entry]:
    return [entry for entry in entries() if entry.kind is kind]


def _age(path: Path, days: float) -> None:
    when = time.time() - days * 86400
    beside = Path(f"{path}.project")
    for child in [path, *(path.iterdir() if path.is_dir() else []), *([beside] if beside.exists() else [])]:
        os.utime(child, (when, when))


def test_an_analysis_records_its_project(tmp_path: Path) -> None:
    root = _project(tmp_path / "shop")
    inspect(root)
    [entry] = _facts()
    assert entry.project == str(root.resolve()) and not entry.gone and entry.size > 0
    assert Path(f"{entry.path}.project").read_text().strip() == str(root.resolve())


def test_a_warm_run_counts_as_a_use(tmp_path: Path) -> None:
    """A run that rewrites nothing still marks the cache as used, so that the cap keeps it."""
    root = _project(tmp_path / "shop")
    inspect(root)
    [entry] = _facts()
    _age(entry.path, 30)
    inspect(root)
    [again] = _facts()
    assert time.time() - again.last_used < 60


def test_prune_removes_the_caches_of_deleted_projects_and_stale_files(tmp_path: Path) -> None:
    kept, deleted = _project(tmp_path / "kept"), _project(tmp_path / "deleted")
    inspect(kept)
    inspect(deleted)
    shutil.rmtree(deleted)
    base = cache_dir()
    (base / "facts-0123456789abcdef01234567.pickle").write_bytes(b"old layout")
    (base / ".facts-left-over").write_bytes(b"x")
    _age(base / ".facts-left-over", 1)
    (base / ".facts-writing-now").write_bytes(b"x")  # a write under way: not touched
    (base / "facts-89abcdef0123456789abcdef.project").write_text("/nowhere\n")  # its folder is gone
    gone = {entry.path.name for entry in entries() if entry.gone}
    assert len(gone) == 4
    removed = prune(limit=10**12)
    assert {entry.path.name for entry in removed} == gone
    assert [entry.project for entry in _facts()] == [str(kept.resolve())]
    assert (base / ".facts-writing-now").exists()


def test_prune_keeps_the_cache_under_the_cap_least_recently_used_first(tmp_path: Path) -> None:
    roots = [_project(tmp_path / f"p{index}") for index in range(3)]
    for days, root in zip((3, 1, 2), roots, strict=True):
        inspect(root)
        [entry] = [e for e in _facts() if e.project == str(root.resolve())]
        _age(entry.path, days)
    sizes = {entry.project: entry.size for entry in _facts()}
    catalogue = sum(entry.size for entry in _facts(Kind.CATALOGUE))
    limit = catalogue + sizes[str(roots[1].resolve())] + 1  # room for one project's facts only
    removed = prune(limit=limit, keep=None)
    assert [entry.project for entry in removed if entry.kind is Kind.FACTS] == [
        str(roots[0].resolve()),
        str(roots[2].resolve()),
    ]
    assert [entry.project for entry in _facts()] == [str(roots[1].resolve())]


def test_the_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_folder.max_bytes() == 2 * 1024**3
    monkeypatch.setenv("CDVERIFY_CACHE_MAX", "500M")
    assert cache_folder.max_bytes() == 500 * 1024**2


def test_the_automatic_prune_runs_at_most_once_an_hour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDVERIFY_CACHE_MAX", "1")  # everything but the cache in use is over the cap
    first, second = _project(tmp_path / "first"), _project(tmp_path / "second")
    inspect(first)  # the first use prunes (no stamp yet); only its own cache is kept
    stamp = cache_dir() / ".pruned"
    assert stamp.exists()
    inspect(second)  # within the hour: no prune, both caches stay
    assert len(_facts()) == 2
    _age(stamp, 1)
    inspect(second)
    assert [entry.project for entry in _facts()] == [str(second.resolve())]


def test_note_use_never_fails(tmp_path: Path) -> None:
    note_use(tmp_path / "absent", tmp_path)  # nothing cached: nothing to do
    folder = tmp_path / "facts-x"
    folder.mkdir()
    (tmp_path / "facts-x.project").mkdir()  # not a file: the marker cannot be written
    note_use(folder, tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cdverify", "cache", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=60,
    )


def test_cdverify_cache_lists_and_cleans_the_analysis_caches(tmp_path: Path) -> None:
    kept, deleted = _project(tmp_path / "kept"), _project(tmp_path / "deleted")
    inspect(kept)
    inspect(deleted)
    shutil.rmtree(deleted)
    shown = json.loads(_cli("show", "--format", "json").stdout)["analysis"]
    assert shown["path"] == str(cache_dir()) and shown["max_bytes"] == 2 * 1024**3
    facts = {item["project"]: item["gone"] for item in shown["entries"] if item["kind"] == "facts"}
    assert facts == {str(kept.resolve()): False, str(deleted.resolve()): True}
    assert shown["total_bytes"] == sum(item["size"] for item in shown["entries"])
    text = _cli().stdout
    assert "facts of 2 projects" in text and f"{deleted.resolve()}  (gone" in text
    result = _cli("clean", "--gone")
    assert result.returncode == 0 and "removed 1 analysis cache entries" in result.stdout
    assert "environments" not in result.stdout  # --gone is about the analysis caches only
    assert [entry.project for entry in _facts()] == [str(kept.resolve())]
    refused = _cli("clean", "--gone", "--kind", "node")
    assert refused.returncode == 2 and "--gone" in refused.stderr
    (cache_dir() / "rules-0123.pickle").write_bytes(b"parsed catalogues")
    result = _cli("clean", "--kind", "facts")
    assert "removed 2 analysis cache entries" in result.stdout  # the facts and the parsed catalogues
    assert entries() == []


def test_a_projects_result_cache_goes_with_its_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` keeps finished outputs in `results-<key>/` beside `facts-<key>/`: counted in the project's
    entry, removed with it, and stale when its facts are gone."""
    from click.testing import CliRunner

    from cdverify import results
    from cdverify.cli import cli

    monkeypatch.setattr(results, "RACY_NS", 0)  # the files were written a moment ago
    kept, deleted = _project(tmp_path / "kept"), _project(tmp_path / "deleted")
    for root in (kept, deleted):
        done = CliRunner().invoke(cli, ["check", str(root), "-c", "clean_architecture"])
        assert done.exit_code in (0, 1), done.output
    base = cache_dir()
    stored = sorted(base.glob("results-*"))
    assert len(stored) == 2 and all(any(folder.iterdir()) for folder in stored)
    for entry in _facts():
        own = cache_folder.results_of(entry.path)
        assert own.is_dir() and entry.size > sum(f.stat().st_size for f in own.iterdir())
    shutil.rmtree(deleted)
    removed = prune(limit=10**12)
    assert [entry.project for entry in removed if entry.kind is Kind.FACTS] == [str(deleted.resolve())]
    assert len(list(base.glob("results-*"))) == 1
    orphan = base / "results-00112233445566778899aabb"
    orphan.mkdir()
    (orphan / "entry.pickle").write_bytes(b"x")
    assert [entry.path for entry in entries() if entry.gone] == [orphan]
