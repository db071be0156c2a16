"""The ORM detector's per-file reads kept between runs (detect/orm/collect.py, a `FileMemo`): a read is
served again only while every answer it had about other modules' objects still holds, so a report built
from kept reads equals the report built afresh, on every corpus app."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest

from cdverify.config import load_config
from cdverify.detect import orm
from cdverify.detect.tracing import instances_of
from cdverify.partials import FileMemo, Partials
from cdverify.pipeline import analyse

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# the module (the package re-exports its `collect` function under the same name)
orm_collect = importlib.import_module("cdverify.detect.orm.collect")
APPS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name not in ("expected", "experiments"))


@pytest.mark.parametrize("app", APPS)
def test_kept_reads_are_served_only_while_their_answers_hold(
    app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis = analyse(CORPUS / app, load_config(CORPUS / app), use_cache=False, jobs=1)
    facts, scopes, graph = analysis.facts, analysis.scopes, analysis.graph
    sql_files = analysis.manifests.sql_files
    digests = {path: hashlib.blake2b(repr(f).encode()).digest() for path, f in facts.items()}
    partials = Partials(tmp_path)

    def memo_of(inputs: bytes) -> FileMemo:
        return partials.per_file("orm", inputs, digests)

    fresh = orm.collect(facts, scopes, sql_files, analysis.traced, graph)
    # kept from a run that knew no other module's object (every answer None, other served scopes)
    blind = instances_of({})._replace(heads=analysis.traced.heads)
    orm.collect(facts, scopes, sql_files, blind, graph, memo_of)
    assert orm.collect(facts, scopes, sql_files, instances_of(facts), graph, memo_of) == fresh
    reads = []
    real = orm_collect._read_file
    monkeypatch.setattr(orm_collect, "_read_file", lambda *a: reads.append(a[0]) or real(*a))
    assert orm.collect(facts, scopes, sql_files, instances_of(facts), graph, memo_of) == fresh
    assert reads == []  # nothing changed since: every file's read served
