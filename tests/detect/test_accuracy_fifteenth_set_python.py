"""Python patterns of the fifteenth unseen labelled set (issue 18, docs/accuracy.md "The fifteenth set's
Python patterns"), each with a violating and a clean project written for the test:

- a statement composed with psycopg's `sql.SQL("INSERT INTO {} …").format(sql.Identifier(table))` and run
  by a cursor is hand-written SQL (reported at the `sql.SQL` call), which makes the module running it (a
  data package's `__init__.py` here) the repositories layer; a piece composed into a statement
  (`sql.SQL(", ")`, `sql.SQL("WHERE {} = %s")`) is not reported;
- a module at the project's top that registers routes on a Blueprint nobody registers yet is the routes
  layer, not a script run by hand; a top module of no routes that nothing imports still is one.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, findings_of, inspect_json

DB = """from contextlib import contextmanager

import DRIVER


@contextmanager
def get_connection():
    conn = DRIVER.connect(dbname="trips", host="localhost")
    try:
        yield conn
    finally:
        conn.close()
"""
STORE = """import re

from DRIVER import sql

from . import db


def save(document: str, table: str) -> None:
    if not re.match(r"[a-z_]+$", table):
        raise ValueError(table)
    with db.get_connection() as conn:
        with conn.cursor() as cursor:
            query = sql.SQL(STATEMENT).format(
                table=sql.Identifier(table),
            )
            cursor.execute(query, (document,))
            conn.commit()
"""
ROUTER = """from fastapi import APIRouter

from trips import data

router = APIRouter(prefix="/trips")


@router.post("/", status_code=201)
def create_trip(payload: dict) -> dict:
    data.save(str(payload), "trips")
    return payload
"""
MAIN = """from fastapi import FastAPI

from trips.routers.trips import router

app = FastAPI()
app.include_router(router)
"""


def _trips(driver: str, statement: str) -> dict[str, Any]:
    return {
        "trips/__init__.py": "",
        "trips/main.py": MAIN,
        "trips/routers/__init__.py": "",
        "trips/routers/trips.py": ROUTER,
        "trips/data/__init__.py": STORE.replace("DRIVER", driver).replace("STATEMENT", statement),
        "trips/data/db.py": DB.replace("DRIVER", driver),
        "requirements.txt": f"fastapi\n{'psycopg2-binary' if driver == 'psycopg2' else 'psycopg'}\n",
    }


@pytest.mark.parametrize("driver", ["psycopg", "psycopg2"])
@pytest.mark.parametrize(
    "statement",
    [
        '"INSERT INTO {table} (data) VALUES (%s)"',
        '"INSERT INTO {} (data) VALUES (%s)"',
        "\"UPDATE {table} SET data = %s WHERE data->>'id' = '{{}}'\"",
    ],
)
def test_a_psycopg_composed_statement_is_raw_sql_and_places_its_module(
    make_project: MakeProject, driver: str, statement: str
) -> None:
    files = _trips(driver, statement)
    report = inspect_json(make_project, files)
    sites = [(r["file"], r["line"], r["kind"]) for r in report["orm"]["raw_sql"]]
    assert sites == [("trips/data/__init__.py", 13, "statement")]
    assert report["architecture"]["files"]["trips/data/__init__.py"] == "repositories"
    checked = check(make_project, files, "clean_architecture")
    assert findings_of(checked, "ARCH002") == [("ARCH002", "trips/routers/trips.py", 3)]


@pytest.mark.parametrize("statement", ['", "', '"WHERE {} = %s"', '"{}"', '"%s"', "statement_text"])
def test_a_composed_piece_of_sql_is_no_statement(make_project: MakeProject, statement: str) -> None:
    report = inspect_json(make_project, _trips("psycopg", statement))
    assert report["orm"]["raw_sql"] == []
    assert "trips/data/__init__.py" not in report["architecture"]["files"]


BLUEPRINT = """from flask import Blueprint, jsonify, request

bp = Blueprint("notes", __name__)


@bp.route("/notes", methods=["POST"])
def create_note():
    return jsonify(request.get_json()), 201
"""
APP = """from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/health")
def health():
    return jsonify(ok=True)


if __name__ == "__main__":
    app.run()
"""
# a client of the API run by hand, named as a routes module: it handles no request
CLIENT = """import requests

if __name__ == "__main__":
    print(requests.post("http://localhost:5000/notes", json={"text": "hi"}).json())
"""


def test_a_top_module_of_routes_no_app_registers_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project, {"app.py": APP, "routes.py": BLUEPRINT, "requirements.txt": "flask\n"}
    )
    assert report["architecture"]["files"].get("routes.py") == "routes"


def test_a_top_module_of_no_routes_nothing_imports_is_a_script(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project, {"app.py": APP, "routes.py": CLIENT, "requirements.txt": "flask\nrequests\n"}
    )
    assert "routes.py" not in report["architecture"]["files"]
    assert report["architecture"]["evidence"]["routes.py"] == "command-line script"
