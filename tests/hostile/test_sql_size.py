"""Huge raw-SQL strings (issue 15): classification is linear and bounded; a sibling statement is still
reported; an over-long statement is reported by its start and says how much was classified."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from cdverify.sql import MAX_CLASSIFIED_CHARS, SqlKind, classify
from hostile.projects import SIBLING_SQL, expect_analysed, findings, python_project

KB = 1000


def _statements(size: int) -> str:  # the shape whose prefilter search from every `;` was quadratic
    return ("SELECT x; " * (size // 10 + 1))[:size]


def _values(size: int) -> str:
    rows = ", ".join(f"({i}, 'n{i}')" for i in range(size // 10))
    return f"INSERT INTO orders (id, name) VALUES {rows}"[:size].rsplit("),", 1)[0] + ")"


def _project(root: Path, language: str, sql: str) -> Path:
    python_project(root)  # its route's raw SQL must still be reported
    if language == "js":
        (root / "package.json").write_text('{"name": "big", "dependencies": {"sequelize": "6"}}')
        (root / "app" / "routes" / "big.js").write_text(
            "const { Sequelize } = require('sequelize');\nconst sequelize = new Sequelize('sqlite::memory:');\n"
            f"module.exports = () => sequelize.query(`{sql}`);\n"
        )
    else:
        (root / "app" / "routes" / "big.py").write_text(f'def f(cursor):\n    cursor.execute("{sql}")\n')
    return root


@pytest.mark.parametrize(
    ("language", "shape", "size"),
    [
        ("js", "statements", 900 * KB),
        ("js", "values", 900 * KB),
        ("py", "statements", 1000 * KB),
        ("py", "values", 900 * KB),
        ("js", "values", 200 * KB),
    ],
)
def test_huge_statement_ends_fast_and_the_rest_is_reported(
    hostile: Any, tmp_path: Path, language: str, shape: str, size: int
) -> None:
    """Before: 900 KB of `SELECT x; ` took minutes (quadratic prefilter). Now each run ends in seconds."""
    sql = _statements(size) if shape == "statements" else _values(size)
    root = _project(tmp_path / "p", language, sql)
    outcome = hostile(
        ["check", str(root), "-c", "sqlite+sqlalchemy" if language == "py" else "sqlite+sequelize",
         "--format", "json", "--no-cache", "-j", "1"],
        timeout_s=60,
        watch=[root],
    )  # fmt: skip
    expect_analysed(outcome, max_wall_s=15)  # the sibling Python route's SQL is still reported
    big = [f for f in findings(outcome) if f["rule"] == "ORM001" and f["file"].startswith("app/routes/big.")]
    if shape == "statements":  # statements without FROM are no SQL statement: nothing reported
        assert big == [], outcome.describe()
        return
    assert len(big) == 1 and "raw SQL INSERT on orders" in big[0]["message"], outcome.describe()
    if size > MAX_CLASSIFIED_CHARS:
        assert (
            f"({len(sql):,} characters; the first {MAX_CLASSIFIED_CHARS:,} were classified)"
            in big[0]["message"]
        )
        assert len(big[0]["message"]) < 1000
    assert SIBLING_SQL not in big[0]["message"]


@pytest.mark.parametrize(
    "make",
    [
        _statements,
        _values,
        lambda n: "UPDATE t x; " * (n // 12),
        lambda n: "/* " * (n // 3) + "SELECT a FROM t",
        lambda n: ";/* " * (n // 4),
        lambda n: "SELECT a FROM t WHERE b = 1 -- " + "the " * (n // 4),
        lambda n: "SELECT " + ", ".join(f"c{i}" for i in range(n // 7)) + " FROM t",
    ],
    ids=["no-from", "values", "update-no-set", "comments", "unterminated-comments", "prose", "columns"],
)
def test_classifier_time_grows_linearly(make: Any) -> None:
    """Four times the text may cost at most about four times the time (quadratic was sixteen)."""
    timings = []
    for size in (30 * KB, 120 * KB):
        text = make(size)
        started = time.perf_counter()
        classify(text, at_sink=True)
        timings.append(time.perf_counter() - started)
    assert timings[1] < max(8 * timings[0], 0.5), timings


def test_long_statement_is_truncated_but_still_a_statement() -> None:
    sql = _values(300 * KB)
    result = classify(sql, at_sink=True)
    assert (result.kind, result.statement, result.truncated, result.tables) == (
        SqlKind.STATEMENT,
        "INSERT",
        True,
        ("orders",),
    )
    assert not classify(sql[:MAX_CLASSIFIED_CHARS].rsplit("),", 1)[0] + ")", at_sink=True).truncated


def test_long_prose_stays_prose() -> None:
    text = "Select the rows you want from the table; " * 5000
    assert classify(text, at_sink=True).kind is SqlKind.NOT_SQL


def test_semicolon_inside_a_literal_keeps_the_statement() -> None:
    assert classify("SELECT string_agg(name, ';') FROM users", at_sink=True).kind is SqlKind.STATEMENT
