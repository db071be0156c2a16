"""Data patterns of the fifth unseen labelled set (issue 18, docs/accuracy.md "A fifth unseen set"), each
with a violating and a clean project written for the test:

- a project package named like a library (`records/`) is the project's, not the library, when the
  project's own import resolves to it; a project without such a package that imports the library still
  reports it;
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

# -- a project package named like a library ---------------------------------------------------------

NOTES_MAIN = """from aiohttp import web

from records.routes import RecordView


def create_app():
    app = web.Application()
    app.router.add_view("/records/{id}", RecordView)
    return app
"""
NOTES_ROUTES = """from aiohttp import web


class RecordView(web.View):
    async def get(self):
        return web.json_response({})
"""
RECORDS_LIBRARY_USER = """import records

db = records.Database("postgresql://localhost/notes")


def titles():
    return db.query("SELECT title FROM notes").all()
"""


def _libraries(report: dict[str, Any]) -> list[str]:
    libraries: list[str] = report["orm"]["libraries"]
    return libraries


def test_a_project_package_named_records_is_not_the_records_library(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "aiohttp\nasyncpg\n",
            "src/main.py": NOTES_MAIN,
            "src/records/routes.py": NOTES_ROUTES,  # a namespace portion, as in the labelled repository
        },
    )
    assert report["imports"]["unresolved"] == 0  # `records.routes` lands on the project's package
    assert "aiosql" not in _libraries(report)


def test_the_records_library_imported_without_a_project_package_is_reported(
    make_project: MakeProject,
) -> None:
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "aiohttp\nrecords\n",
            "src/main.py": NOTES_MAIN,
            "src/store.py": RECORDS_LIBRARY_USER,
        },
    )
    assert "aiosql" in _libraries(report)
