"""The ORM detector's per-file reads kept between runs (detect/orm/collect.py, a `FileMemo`): a read is
served again only while every answer it had about other modules' objects still holds, so a report built
from kept reads equals the report built afresh, on every corpus app."""

from __future__ import annotations

import importlib
from functools import partial
from pathlib import Path

import pytest
from reports import CORPUS, file_memos
from reports import CORPUS_APPS as APPS

from cdverify.config import load_config
from cdverify.detect import orm
from cdverify.detect.tracing import instances_of
from cdverify.pipeline import analyse

# the module (the package re-exports its `collect` function under the same name)
orm_collect = importlib.import_module("cdverify.detect.orm.collect")


@pytest.mark.parametrize("app", APPS)
def test_kept_reads_are_served_only_while_their_answers_hold(
    app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis = analyse(CORPUS / app, load_config(CORPUS / app), use_cache=False, jobs=1)
    facts, scopes, graph = analysis.facts, analysis.scopes, analysis.graph
    sql_files = analysis.manifests.sql_files
    memo_of = partial(file_memos(facts, tmp_path), "orm")

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
