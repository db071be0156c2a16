"""A module that only imports the app object (issue 18, the ninety-first set): Vercel serves a Python app
through `api/index.py` holding `from app.main import app`, and a WSGI server through `wsgi.py`'s
`from app import app as application`. Such a module binds nothing of its own and calls nothing: it is the
server's entry point, the outermost ring, a composition root, and takes no layer from its `api/` folder. A
module of that folder that also answers a route or binds a name of its own stays in its layer."""

from __future__ import annotations

from reports import MakeProject, inspect_json

MAIN = """from fastapi import FastAPI

from app.routers import items

app = FastAPI()
app.include_router(items.router)
"""
ROUTER = """from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items():
    return []
"""


def _report(make_project: MakeProject, entry: str) -> dict[str, object]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\n",
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/routers/__init__.py": "",
        "app/routers/items.py": ROUTER,
        "api/index.py": entry,
    }
    return inspect_json(make_project, files)


def test_a_module_only_importing_the_app_is_an_entry_point(make_project: MakeProject) -> None:
    for entry in ("from app.main import app\n", "from app.main import app as application\n"):
        architecture = _report(make_project, entry)["architecture"]
        assert "api/index.py" in architecture["composition_roots"]
        assert "api/index.py" not in architecture["files"]


def test_a_module_of_its_own_beside_the_app_import_keeps_its_folder(make_project: MakeProject) -> None:
    entry = "from app.main import app\n\n\ndef version():\n    return '1.0'\n"
    architecture = _report(make_project, entry)["architecture"]
    assert "api/index.py" not in architecture["composition_roots"]
    assert architecture["files"]["api/index.py"] == "routes"
