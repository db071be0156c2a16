"""Patterns of the twenty-fourth unseen labelled set (issue 18, docs/accuracy.md "The twenty-fourth set's first
run"), each with a violating and a clean project written for the test:

- a call of the module's own function whose result is a sink call (`return await database.fetch_one(query)`) is
  traced through that return only as a guess: where no parameter of the function reaches the sink's SQL (a table
  handed to a SQLAlchemy Core builder: `query = select([table]).where(…)`), what the caller hands it is no SQL;
  where one does (`def run(sql): return await database.fetch_all(sql)`), the caller's string is the SQL.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

BUILDERS = """from databases import Database
from sqlalchemy import select, update

database = Database("postgresql://user:password@postgres:5432/conduit")


async def select_by_id(table, id_):
    query = select([table]).where(table.id == id_)
    return await database.fetch_one(query)


async def update_existing_object(table, data):
    query = update(table).where(table.id == data["id"]).values(**data)
    return await database.fetch_one(query)


async def check_not_found(table, id_):
    result = await select_by_id(table, id_)
    if result is None:
        raise LookupError(id_)
    return result


async def save(table, data):
    return await update_existing_object(table, data)
"""
RUNNER = """from databases import Database

database = Database("postgresql://user:password@postgres:5432/conduit")


async def run(sql):
    return await database.fetch_all(sql)


async def names(table_name):
    return await run(table_name)


async def users():
    return await run("SELECT id, name FROM users")
"""


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted((r["file"], r["line"], r["kind"]) for r in report["orm"]["raw_sql"])


def test_a_table_handed_to_a_function_building_its_query_is_no_sql(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project, {"requirements.txt": "databases\nsqlalchemy\n", "app/utils.py": BUILDERS}
    )
    assert _raw(report) == []


def test_sql_handed_to_a_function_running_it_is_still_reported(make_project: MakeProject) -> None:
    report = inspect_json(make_project, {"requirements.txt": "databases\n", "app/db.py": RUNNER})
    lines = {line for _file, line, _kind in _raw(report)}
    assert RUNNER.splitlines().index('    return await run("SELECT id, name FROM users")') + 1 in lines
