"""The facts cache and the parallel parser must give exactly the results of a plain run."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cdverify import inspect, pipeline
from cdverify.cache import FORMAT, SHARDS, FactsCache, shard_of
from cdverify.model import FileFacts, Finding, SourceFile
from cdverify.pipeline import _parse_many, default_jobs, parse_all

Make = Callable[[dict[str, str | bytes]], Path]

FILES: dict[str, str | bytes] = {
    "app/routes/users.py": "from app.repositories.users import Repo\n",
    "app/services/users.py": "from flask import abort\n",
    "app/repositories/users.py": "from app.models.user import User\n",
    "app/models/user.py": "class User: ...\n",
    "app/models/broken.py": "def f(:\n",
}


def test_warm_cache_gives_the_same_report_and_sees_edits(make_project: Make) -> None:
    root = make_project(FILES)
    cold = inspect(root).to_json()
    cache = FactsCache(root.resolve())
    assert len(cache.entries) == len(FILES)
    warm = inspect(root).to_json()
    assert warm == cold
    (root / "app/routes/users.py").write_text("from app.services.users import abort\n")
    edited = inspect(root).to_json()
    assert [f["rule"] for f in edited["findings"]] == ["PARSE001", "ARCH003"]


def _shards(cache: FactsCache) -> dict[str, tuple[int, int]]:
    """Every shard file of the cache, with its inode and modification time (a rewrite changes both); the
    folder holds other memos too (cdverify/partials.py, sql/memo.py)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(cache.path.glob("??.pickle"))}


def test_corrupt_cache_is_ignored(make_project: Make) -> None:
    root = make_project(FILES)
    inspect(root)
    cache = FactsCache(root.resolve())
    for shard in cache.path.iterdir():
        shard.write_bytes(b"not a pickle")
    assert FactsCache(root.resolve()).entries == {}
    assert [f["rule"] for f in inspect(root).to_json()["findings"]] == ["PARSE001", "ARCH002", "ARCH003"]
    assert len(FactsCache(root.resolve()).entries) == len(FILES)  # the bad shards were rewritten


def test_foreign_or_stale_shards_are_ignored(make_project: Make) -> None:
    """A shard from another cdverify (another key), one of an earlier layout, one whose facts do not fit
    the records, one holding something else, a folder or a FIFO in a shard's place, a stray temporary
    file: each is read as empty, never trusted, never hangs."""
    files = {f"app/services/s{i}.py": f"import os\nX = {i}\n" for i in range(60)}
    root = make_project(files)
    cold = inspect(root).to_json()
    cache = FactsCache(root.resolve())
    shards = sorted(cache.path.glob("??.pickle"))  # the folder holds other memos too (partials, SQL verdicts)
    sizes = [len(pickle.loads(shard.read_bytes())[2]) for shard in shards]
    layout, fingerprint, keys, (facts, findings) = pickle.loads(shards[0].read_bytes())
    assert (layout, fingerprint) == (FORMAT, cache.fingerprint) and len(keys) == len(facts) == sizes[0] > 0
    bad = shards[:6]
    bad[0].write_bytes(pickle.dumps((FORMAT, "another version", keys, (facts, findings))))
    # the layout of 0.2.0: (fingerprint, {key: (facts, findings)}), with the facts as named tuples
    bad[1].write_bytes(pickle.dumps((cache.fingerprint, dict.fromkeys(keys, (None, [])))))
    bad[2].write_bytes(
        pickle.dumps((FORMAT, cache.fingerprint, keys, ([("not", "facts")] * len(keys), findings)))
    )
    bad[3].write_bytes(pickle.dumps([1, 2, 3]))
    bad[4].unlink()
    bad[4].mkdir()
    bad[5].unlink()
    os.mkfifo(bad[5])
    (cache.path / ".facts-half-written").write_bytes(b"\x80\x05")
    assert len(FactsCache(root.resolve()).entries) == len(files) - sum(sizes[:6])
    assert inspect(root).to_json() == cold
    # every bad shard is replaced but the folder, which a rename cannot replace: its files are parsed again
    assert len(FactsCache(root.resolve()).entries) == len(files) - sizes[4]
    assert bad[4].is_dir() and [p.name for p in cache.path.glob(".facts-*")] == [".facts-half-written"]


def test_an_edit_rewrites_only_its_shard(make_project: Make) -> None:
    files = {f"app/services/s{i}.py": f"import os\nX = {i}\n" for i in range(200)}
    root = make_project(files)
    inspect(root)
    cache = FactsCache(root.resolve())
    assert len(cache.entries) == len(files) and len(_shards(cache)) == SHARDS
    before = _shards(cache)
    inspect(root)
    assert _shards(cache) == before  # a warm run writes nothing
    edited = "app/services/s7.py"
    (root / edited).write_text("import sys\n")
    inspect(root)
    after = _shards(cache)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {f"{shard_of(edited):02x}.pickle"}
    reread = FactsCache(root.resolve())
    assert [path for path, _ in reread.entries].count(edited) == 1  # the old content's entry is dropped
    (root / edited).unlink()
    inspect(root)
    assert edited not in {path for path, _ in FactsCache(root.resolve()).entries}


def test_legacy_single_file_cache_is_removed(make_project: Make) -> None:
    root = make_project(FILES)
    legacy = FactsCache(root.resolve()).path.with_name(FactsCache(root.resolve()).path.name + ".pickle")
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(b"old layout")
    inspect(root)
    assert not legacy.exists() and FactsCache(root.resolve()).path.is_dir()


def test_no_cache_writes_nothing(make_project: Make) -> None:
    root = make_project(FILES)
    inspect(root, use_cache=False)
    assert not FactsCache(root.resolve()).path.exists()


def test_parallel_parse_matches_serial(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"app/services/s{i}.py": f"from app.models.m{i} import M\nimport os\n" for i in range(40)}
    root = make_project(files)
    monkeypatch.setattr("cdverify.pipeline._PARALLEL_MIN_BYTES", 0)
    project = inspect(root, use_cache=False).analysis.project
    serial, _ = parse_all(project, None, jobs=1)
    parallel, _ = parse_all(project, None, jobs=2)
    assert parallel == serial
    # the worker's facts are shared again with this process's tables: one `import os` record, not 40
    assert len({id(facts.imports[1]) for facts in parallel.values()}) == 1
    batch = [(s, (root / s.path).read_bytes()) for s in project.sources]
    assert _parse_many(batch, 3) == _parse_many(batch, 1)


@pytest.mark.parametrize(
    ("load", "cores", "jobs"), [(0.0, 2, 2), (0.4, 2, 2), (0.6, 2, 1), (5.3, 2, 1), (2.2, 8, 6), (9.0, 8, 1)]
)
def test_default_jobs_leave_busy_cores_alone(
    monkeypatch: pytest.MonkeyPatch, load: float, cores: int, jobs: int
) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert default_jobs() == jobs


def test_default_jobs_without_a_load_average(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(os, "getloadavg", unavailable)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert default_jobs() == 3


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_are_read_as_the_parse_asks_for_them(
    make_project: Make, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The parse takes its files lazily, so a project's whole source never lives at once: in one process
    each file is read just before it is parsed; in two, this process parses its first part before the
    last file is read. The results are those of a serial parse, in order."""
    files = {f"app/services/s{i}.py": f"from app.models.m{i} import M\nX = {i}\n" for i in range(60)}
    root = make_project(files)
    project = inspect(root, use_cache=False).analysis.project
    batch = [(s, (root / s.path).read_bytes()) for s in project.sources]
    monkeypatch.setattr("cdverify.pipeline._PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr("cdverify.pipeline._PART_FILES", 4)
    read: list[str] = []
    read_when_parsed: list[int] = []  # at each parse in this process, how many files were read

    def lazily() -> Iterator[tuple[SourceFile, bytes]]:
        for source, data in batch:
            read.append(source.path)
            yield source, data

    real = pipeline.parse_bytes

    def parse(source: SourceFile, data: bytes) -> tuple[FileFacts | None, list[Finding]]:
        read_when_parsed.append(len(read))
        return real(source, data)

    expected = [real(source, data) for source, data in batch]
    monkeypatch.setattr("cdverify.pipeline.parse_bytes", parse)
    assert _parse_many(lazily(), jobs) == expected
    if jobs == 1:
        assert read_when_parsed == list(range(1, len(batch) + 1))
    else:  # the parts sent to the worker first, then one of its own
        assert 3 * 4 <= read_when_parsed[0] < len(batch)
