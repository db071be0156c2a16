"""The SQL string classifier against a hand-labelled set, plus its kinds, holes, sink rule and laziness."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cdverify.model import Template, Text, shown, text_of
from cdverify.sql import SqlKind, classify

# the module, not the function the package re-exports under the same name
classify_module = importlib.import_module("cdverify.sql.classify")

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).resolve().parents[1] / "data" / "sql_strings.toml").read_text(encoding="utf-8")
)["case"]
HOLE = "\u0000"  # how the labelled set writes a hole (its notation only: classify is given a Template)


def _text(case: dict[str, Any]) -> Text:
    return text_of(case["text"].split(HOLE))


def _verdict(case: dict[str, Any]) -> bool:
    return classify(_text(case), at_sink=case.get("at_sink", False)).is_sql


def test_labelled_set_is_large_and_balanced() -> None:
    sql = [c for c in CASES if c["sql"]]
    assert len(sql) >= 75
    assert len(CASES) - len(sql) >= 75
    assert sum("tables" in c for c in sql) >= 30


def test_precision_and_recall_over_the_labelled_set() -> None:
    false_positives = [c["text"] for c in CASES if not c["sql"] and _verdict(c)]
    false_negatives = [c["text"] for c in CASES if c["sql"] and not _verdict(c)]
    true_positives = sum(1 for c in CASES if c["sql"]) - len(false_negatives)
    precision = true_positives / (true_positives + len(false_positives))
    recall = true_positives / (true_positives + len(false_negatives))
    assert precision >= 0.98 and recall >= 0.98, (
        f"precision={precision:.3f} recall={recall:.3f}\n"
        f"false positives: {false_positives!r}\nfalse negatives: {false_negatives!r}"
    )


@pytest.mark.parametrize(
    "case", [c for c in CASES if "tables" in c], ids=lambda c: shown(_text(c)).strip()[:50]
)
def test_expected_tables(case: dict[str, Any]) -> None:
    result = classify(_text(case), at_sink=case.get("at_sink", False))
    assert result.tables == tuple(case["tables"]), result


def test_holes_in_table_and_value_position() -> None:
    both = classify(Template(("SELECT * FROM ", " WHERE id = ", "")))
    assert both.kind is SqlKind.STATEMENT and both.statement == "SELECT"
    assert both.tables == ()  # a hole-table is left out
    assert both.text == "SELECT * FROM {} WHERE id = {}"

    value = classify(Template(("UPDATE articles SET title = ", " WHERE id = ", "")))
    assert (value.kind, value.statement, value.tables) == (SqlKind.STATEMENT, "UPDATE", ("articles",))

    quoted = classify(Template(("SELECT * FROM users WHERE name = '", "'")))
    assert quoted.tables == ("users",)

    mixed = classify(Template(("SELECT a.id FROM ", " a JOIN users u ON u.id = a.user_id")))
    assert mixed.tables == ("users",)


def test_trivial_statements_are_sql_only_at_a_sink() -> None:
    for text in (
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "VACUUM",
        "PRAGMA foreign_keys = ON",
        "SELECT 1",
        "SELECT now()",
    ):
        assert classify(text).kind is SqlKind.NOT_SQL, text
        at_sink = classify(text, at_sink=True)
        assert at_sink.kind is SqlKind.TRIVIAL and at_sink.is_sql, text
    assert classify("PRAGMA journal_mode=WAL", at_sink=True).statement == "PRAGMA"
    for probe in ("select 1 + 1", "SELECT 1+1 AS result", "SELECT 2 * 3"):  # arithmetic of numbers: a probe
        assert classify(probe).kind is SqlKind.NOT_SQL, probe
        assert classify(probe, at_sink=True).kind is SqlKind.TRIVIAL, probe
    for piece in ("select 1 + x", "SELECT 1 +"):  # a name or a dangling operator: no complete probe
        assert not classify(piece, at_sink=True).is_sql, piece
    assert not classify("Begin the tutorial", at_sink=True).is_sql


def test_kinds() -> None:
    extension = classify("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    assert (extension.kind, extension.statement) == (SqlKind.COMMAND, "CREATE EXTENSION")
    assert extension.is_sql

    for piece in ("SELECT * FROM", "INSERT INTO t (a, b)", "SELECT * FROM t WHERE a = "):
        fragment = classify(piece)
        assert fragment.kind is SqlKind.FRAGMENT and not fragment.is_sql, piece

    prose = classify("select user from the dropdown")
    assert (prose.kind, prose.statement, prose.tables, prose.dialect) == (SqlKind.NOT_SQL, "", (), None)

    replace = classify("REPLACE INTO cache (k, v) VALUES (%s, %s)")
    assert (replace.kind, replace.statement, replace.tables) == (SqlKind.STATEMENT, "REPLACE", ("cache",))

    explain = classify("EXPLAIN ANALYZE SELECT * FROM orders")
    assert (explain.statement, explain.tables) == ("EXPLAIN", ("orders",))

    ddl = classify("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT)")
    assert ddl.statement == "CREATE TABLE"


def test_dialect_hint_is_tried_first() -> None:
    assert classify("SELECT * FROM users WHERE id = ?", dialect="sqlite").dialect == "sqlite"
    assert classify("SELECT * FROM users WHERE id = ?", dialect="mariadb").dialect == "mysql"
    assert classify("SELECT * FROM users WHERE id = ?", dialect="no-such-dialect").dialect == "postgres"
    assert classify("SELECT TOP 10 * FROM dbo.Orders").dialect == "tsql"


def test_most_non_sql_never_reaches_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real_parse = classify_module._parse

    def counting_parse(sql: str, *args: Any) -> Any:
        parsed.append(sql)
        return real_parse(sql, *args)

    monkeypatch.setattr(classify_module, "_parse", counting_parse)
    classify_module._classify.cache_clear()
    try:
        non_sql = [c for c in CASES if not c["sql"]]
        for case in non_sql:
            classify(_text(case), at_sink=case.get("at_sink", False))
    finally:
        classify_module._classify.cache_clear()
    assert len(parsed) <= len(non_sql) // 10, parsed


def test_sqlglot_warnings_are_silenced(caplog: pytest.LogCaptureFixture) -> None:
    classify_module._classify.cache_clear()
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        for case in CASES:
            classify(_text(case), at_sink=case.get("at_sink", False))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("sqlglot")] == []


def test_importing_the_package_does_not_import_sqlglot() -> None:
    code = (
        "import sys, cdverify.sql as s\n"
        "assert 'sqlglot' not in sys.modules, 'imported at module load'\n"
        "assert not s.classify('Please select a value from the list').is_sql\n"
        "assert 'sqlglot' not in sys.modules, 'imported for a string the prefilter rejects'\n"
        "assert s.classify('SELECT id FROM users WHERE id = ?').is_sql\n"
        "assert 'sqlglot' in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
