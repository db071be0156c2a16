"""Partials kept between runs (cdverify/partials.py) are keyed by all their computation reads, or brought up
to date from what they were computed from: the traced instances keep each file's part `instances_of`
reads (`traced_state.parts_of`, `tracing.package_imports`) and the names passed through, read again from
every file at each update (`tracing.passed_through`), which must be all it reads, and nothing stale is
served."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports import CORPUS
from reports import CORPUS_APPS as APPS

from cdverify.config import load_config
from cdverify.detect.traced_state import brought_up_to_date, computed, parts_of
from cdverify.detect.tracing import instances_of, package_imports, passed_through
from cdverify.model import FileFacts
from cdverify.partials import FILE_SHARDS, Partials, shard_of
from cdverify.pipeline import analyse


def projected(file_facts: FileFacts) -> FileFacts:
    """Only what the traced state keeps or reads again: path, language, exports, imports by dots alone and
    the names imported at a module's top (what names it passes through)."""
    dotted = tuple(
        fact
        for fact in file_facts.imports
        if not fact.specifier.strip(".") or (fact.names and not fact.in_function)
    )
    python = file_facts.language.family == "python"
    return FileFacts(
        file_facts.path, file_facts.language, dotted if python else (), exports=file_facts.exports
    )


@pytest.mark.parametrize("app", APPS)
def test_instances_read_only_what_their_state_keeps(app: str) -> None:
    facts = analyse(CORPUS / app, load_config(CORPUS / app), use_cache=False, jobs=1).facts
    alone = {path: projected(file_facts) for path, file_facts in facts.items()}
    assert parts_of(alone, None) == parts_of(facts, None)
    assert package_imports(alone) == package_imports(facts)
    assert passed_through(alone) == passed_through(facts)
    assert instances_of(alone) == instances_of(facts)


def test_a_changed_export_is_brought_up_to_date(tmp_path: Path) -> None:
    facts = analyse(
        CORPUS / "conduit-flask-clean", load_config(CORPUS / "conduit-flask-clean"), use_cache=False
    ).facts
    with_exports = [path for path, file_facts in facts.items() if file_facts.exports]
    assert with_exports
    path = with_exports[0]
    changed = {
        **facts,
        path: facts[path]._replace(exports=(*facts[path].exports, ("extra", "flask.Flask()"))),
    }
    partials = Partials(tmp_path)

    def kept(facts: dict[str, FileFacts], served: bool = False) -> dict[tuple[str, str], str]:
        def update(stored: object) -> object:
            assert (stored is not None) == served
            return brought_up_to_date(stored, facts, (), None)  # type: ignore[arg-type]

        return partials.kept("traced", b"", update).names  # type: ignore[attr-defined, no-any-return]

    first = kept(facts)
    assert first == instances_of(facts).names
    written = (tmp_path / "partial-traced.pickle").stat().st_mtime_ns
    assert kept(facts, served=True) == first
    assert (tmp_path / "partial-traced.pickle").stat().st_mtime_ns == written  # nothing changed: not written
    second = kept(changed, served=True)
    assert second == instances_of(changed).names != first
    assert {value for (_, name), value in second.items() if name == "extra"} == {"flask.Flask()"}
    assert kept(facts, served=True) == first
    (tmp_path / "partial-traced.pickle").write_bytes(b"damaged")
    assert kept(facts) == first
    assert computed(facts, (), None).names == first


def test_a_per_file_memo_writes_only_the_shards_of_the_files_read_again(tmp_path: Path) -> None:
    paths = [f"src/module_{n}.py" for n in range(200)]
    digests = {path: path.encode() for path in paths}
    memo = Partials(tmp_path).per_file("step", b"inputs", digests)
    assert [memo.value(path, lambda p=path: p.upper()) for path in paths] == [p.upper() for p in paths]
    memo.save()
    shards = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in tmp_path.glob("partial-step-*.pickle")}
    assert len(shards) == FILE_SHARDS  # 200 paths fill every shard
    edited = {**digests, paths[7]: b"edited"}
    memo = Partials(tmp_path).per_file("step", b"inputs", edited)
    computed = []
    values = [memo.value(path, lambda p=path: computed.append(p) or p.lower()) for path in paths]
    assert computed == [paths[7]] and values[7] == paths[7].lower() and values[8] == paths[8].upper()
    memo.save()
    written = {p.name for p, was in shards.items() if (p.stat().st_ino, p.stat().st_mtime_ns) != was}
    assert written == {f"partial-step-{shard_of(paths[7]):x}.pickle"}
    again = Partials(tmp_path).per_file("step", b"inputs", edited)
    assert [again.value(path, lambda: "computed") for path in paths] == values  # all served
    other = Partials(tmp_path).per_file("step", b"other inputs", edited)
    assert other.value(paths[0], lambda: "computed") == "computed"  # another key: nothing served
