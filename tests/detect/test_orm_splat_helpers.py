"""Statements handed to a helper as the first item of a tuple (docs/accuracy.md, session 2026-12-07 (18)).

A helper that spreads one of its parameters into its sink's SQL position (`async def fetchall(dbc, pair):
r = await dbc.execute(*pair)`) runs the first item of what its callers hand it: `fetchall(dbc, ("SELECT …",
(id,)))` is raw SQL at the caller, as `query(dbc, "SELECT …")` of a helper handed the string itself is. A
tuple spread that is no parameter (a local `query = (…)`) is not followed, and the helper's own spread
carries no statement: it is no site of its own.
"""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json

from cdverify.model import Language
from cdverify.parse import parse_source


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _line(text: str, needle: str) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def _raw(make_project: MakeProject, db: str) -> list[tuple[int, str, str]]:
    data: dict[str, Any] = inspect_json(
        make_project, {"requirements.txt": "aiohttp\naiosqlite\n", "app/db.py": db}
    )
    return sorted((item["line"], item["kind"], item["sql"]) for item in data["orm"]["raw_sql"])


PAIRS = _src(
    """
    async def fetchone(dbc, sql_and_args):
        r = await dbc.execute(*sql_and_args)
        return await r.fetchone()


    async def fetchall(dbc, sql_and_args):
        r = await dbc.execute(*sql_and_args)
        return await r.fetchall()


    async def forward(dbc, pair):
        return await fetchall(dbc, pair)


    async def get_note(dbc, note_id):
        return await fetchone(dbc, ("select id, title from note where id = ?", (note_id,)))


    async def get_notes(dbc, table, owner):
        return await fetchall(dbc, (f"select * from {table} where owner = ? order by seq", (owner,)))


    async def get_tags(dbc):
        return await forward(dbc, ["select name from tag order by name", ()])
    """
)


def test_a_statement_handed_as_a_tuples_first_item_to_a_spreading_helper_is_raw_sql_at_the_caller(
    make_project: MakeProject,
) -> None:
    assert _raw(make_project, PAIRS) == [
        (_line(PAIRS, "from note where"), "statement", "select id, title from note where id = ?"),
        (_line(PAIRS, "where owner = ?"), "statement", "select * from {…} where owner = ? order by seq"),
        (_line(PAIRS, "from tag order"), "statement", "select name from tag order by name"),
    ]


def test_the_first_item_of_a_tuple_argument_is_kept_with_its_position() -> None:
    facts = parse_source(
        "app/db.py",
        Language.PYTHON,
        b"def f(dbc, pair):\n    run(dbc, *pair)\n    return dbc.execute(*pair)\n\n"
        b"def g(dbc, x):\n    f(dbc, (x, 1), {'a': 1}, ['select 1'])\n",
    )
    (spread,) = [call for call in facts.calls if call.callee == "?dbc.execute"]
    assert spread.args[0].splat and spread.args[0].names == ("pair",)
    (caller,) = facts.local_calls
    assert [(position, value.names, value.strings) for position, value in caller.firsts] == [
        (1, ("x",), ()),
        (3, (), ("select 1",)),
    ]


NEAR_MISSES = _src(
    """
    async def run_local(dbc, note_id):
        query = ("select id from note where id = ?", (note_id,))
        return await dbc.execute(*query)


    async def insert(dbc, sql, *values):
        return await dbc.execute(sql, *values)


    async def add_note(dbc, title):
        return await insert(dbc, "insert into note (title) values (?)", ("select title", 1), title)


    async def call_with(fn, args):
        return await fn(*args)


    async def later(dbc):
        return await call_with(print, ("select id from note", 1))
    """
)


def test_a_local_tuple_spread_and_values_spread_after_the_statement_are_no_sites(
    make_project: MakeProject,
) -> None:
    """`dbc.execute(*query)` of a local tuple is not followed (as before); a helper spreading its bound
    values after the statement (`dbc.execute(sql, *values)`) still reports only the statement its callers
    hand it, never a tuple among the values; a spread into something that runs no SQL is nothing."""
    assert _raw(make_project, NEAR_MISSES) == [
        (_line(NEAR_MISSES, "insert into note"), "statement", "insert into note (title) values (?)"),
    ]


# -- an f-string whose leading hole is a name holding the statement's start ------------------------------

LEADING = _src(
    """
    COLUMNS = "id, title"


    async def by_owner(dbc, owner):
        select = "select note.id, note.title"
        return await dbc.execute(f"{select} from note where owner = ? order by seq", (owner,))


    async def by_tag(dbc, tag, order):
        return await dbc.execute(f"{order} from note where tag = ?", (tag,))
    """
)


def test_an_f_string_whose_leading_hole_names_a_local_select_list_is_that_statement(
    make_project: MakeProject,
) -> None:
    """`f"{select} from note …"` with `select = "select …"` in the function runs `select … from note …`, as
    `select + " from note …"` and a JS template literal `${select} from …` do; a leading hole naming
    a parameter (`order`) fills nothing: its text is no complete statement, nothing is reported on the
    untraced connection, as before."""
    assert _raw(make_project, LEADING) == [
        (
            _line(LEADING, "where owner = ?"),
            "statement",
            "select note.id, note.title from note where owner = ? order by seq",
        ),
    ]
