"""Patterns of the fifty-third held-out set (issue 18, docs/accuracy.md "Disagreements of the fifty-third set"),
with violating and clean projects written for the test:

- a function's defaulted parameter holds its default when a call passes no argument for it, and the argument
  a call passes otherwise (`def make_sessions(database_url: str = DEFAULT_URL): create_engine(database_url)`
  with `sessions = make_sessions()`, DEFAULT_URL an environment read with a SQLite fallback), in Python and
  in JavaScript (cdverify/parse/param_defaults.py);
- TypeScript erases the bindings of an import that the code reads only as types: `import { ObjectId, WithId }
  from "mongodb"` with `WithId` only in a return type brings only the BSON `ObjectId` at run time, which is
  no use of the driver beside Mongoose (ImportFact.types, cdverify/detect/orm/catalogue.py `values_only`);
- an app file holding its handlers that imports a module registering no routes, which only the folder they share
  places in routes (`api/schemas.py` beside `api/main.py`), mounts no router: it is the routes layer, not a
  composition root (cdverify/detect/layers/wiring.py `composition_roots`).
"""

from __future__ import annotations

from reports import MakeProject, inspect_json

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

MAIN = """from fastapi import FastAPI

from app.db.sessions import sessions

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}
"""
CONFIG = """import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_URL = os.environ.get("DATABASE_URL", f"sqlite:///{HERE / 'notes.db'}")
"""
SESSIONS = """from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
{imports}

def make_sessions({parameter}):
    engine = create_engine(database_url)
    return sessionmaker(bind=engine)


sessions = make_sessions({argument})
"""
IMPORT_DEFAULT = "from app.core.config import DEFAULT_URL\n"
ENV_EXAMPLE = "DATABASE_URL=sqlite:///./notes.db\n"


def _python(make_project: MakeProject, imports: str, parameter: str, argument: str = "") -> list[str]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        ".env.example": ENV_EXAMPLE,
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/core/__init__.py": "",
        "app/core/config.py": CONFIG,
        "app/db/__init__.py": "",
        "app/db/sessions.py": SESSIONS.format(imports=imports, parameter=parameter, argument=argument),
    }
    database = inspect(make_project(files), use_cache=False).analysis.database
    return in_harness(database, PAPER_ENVIRONMENT).engines


def test_an_imported_default_with_a_sqlite_fallback_holds_when_the_call_passes_none(
    make_project: MakeProject,
) -> None:
    """Violating on main (no engine: the parameter was read as $DATABASE_URL, which .env.example sets but the
    harness does not): the default's fallback holds."""
    assert _python(make_project, IMPORT_DEFAULT, "database_url: str = DEFAULT_URL") == ["sqlite"]


def test_a_default_reading_the_variable_with_no_fallback_still_needs_it(make_project: MakeProject) -> None:
    parameter = 'database_url: str = os.environ.get("DATABASE_URL")'
    assert _python(make_project, "import os\n", parameter) == []


def test_a_call_passing_an_argument_uses_the_argument_not_the_default(make_project: MakeProject) -> None:
    """The default's SQLite fallback is never taken: the only call hands the variable, which the harness
    leaves unset."""
    imports = "import os\n" + IMPORT_DEFAULT
    argument = 'os.environ["DATABASE_URL"]'
    assert _python(make_project, imports, "database_url: str = DEFAULT_URL", argument) == []


def test_a_keyword_argument_passed_is_the_parameter_s_value(make_project: MakeProject) -> None:
    parameter = 'database_url: str = os.environ.get("DATABASE_URL")'
    argument = 'database_url="sqlite:///./local.db"'
    assert _python(make_project, "import os\n", parameter, argument) == ["sqlite"]


JS_PACKAGE = (
    '{"name": "notes", "main": "server.js", "dependencies": {"express": "^4.19.0", "sequelize": "^6.37.0", '
    '"sqlite3": "^5.1.0"}}'
)
JS_SERVER = """const express = require("express");
const { sequelize } = require("./db");

const app = express();
app.get("/health", (req, res) => res.json({ ok: sequelize !== undefined }));
app.listen(3000);
"""
JS_DB = """const { Sequelize } = require("sequelize");

function connect(databaseUrl = %s) {
  const sequelize = new Sequelize(databaseUrl);
  return { sequelize };
}

module.exports = connect();
"""


def _node(make_project: MakeProject, default: str) -> list[str]:
    files: dict[str, str | bytes] = {
        "package.json": JS_PACKAGE,
        "server.js": JS_SERVER,
        "db.js": JS_DB % default,
    }
    database = inspect(make_project(files), use_cache=False).analysis.database
    return in_harness(database, PAPER_ENVIRONMENT).engines


def test_a_javascript_default_with_no_fallback_needs_the_variable(make_project: MakeProject) -> None:
    """Violating on main (SQLite, inferred from the declared driver: the parameter's value was not read)."""
    assert _node(make_project, "process.env.DATABASE_URL") == []


def test_a_javascript_default_with_a_sqlite_fallback_holds(make_project: MakeProject) -> None:
    assert _node(make_project, 'process.env.DATABASE_URL || "sqlite:./notes.sqlite"') == ["sqlite"]


MONGO_PACKAGE = (
    '{"name": "todos", "main": "src/app.ts", "dependencies": {"fastify": "^4.0.0", "mongoose": "^8.0.0", '
    '"mongodb": "^6.0.0"}}'
)
MONGO_MODEL = """import mongoose from "mongoose";

export const Todo = mongoose.model("Todo", new mongoose.Schema({ title: String, owner: mongoose.Types.ObjectId }));
"""
MONGO_SERVICE = """import {{ {names} }} from "mongodb";
import {{ Todo }} from "../models/todo";

export const mine = async (owner: string): Promise<WithId<Document>[]> =>
  Todo.find({{ owner: new ObjectId(owner) }}).lean();
{more}"""


def _libraries(make_project: MakeProject, names: str, more: str = "") -> list[str]:
    files: dict[str, str | bytes] = {
        "package.json": MONGO_PACKAGE,
        "src/models/todo.ts": MONGO_MODEL,
        "src/services/todos.ts": MONGO_SERVICE.format(names=names, more=more),
    }
    libraries: list[str] = inspect_json(make_project, files)["orm"]["libraries"]
    return libraries


def test_driver_types_read_only_as_types_beside_objectid_are_no_use_of_the_driver(
    make_project: MakeProject,
) -> None:
    """Violating on main (mongodb-driver: the import brought `Document` and `WithId` besides `ObjectId`)."""
    assert _libraries(make_project, "Document, ObjectId, WithId") == ["mongoose"]


def test_a_driver_class_read_as_a_value_beside_the_types_is_a_use(make_project: MakeProject) -> None:
    more = 'export const client = new MongoClient("mongodb://localhost:27017/todos");\n'
    assert _libraries(make_project, "Document, MongoClient, ObjectId, WithId", more) == [
        "mongoose",
        "mongodb-driver",
    ]


API_MAIN = """from fastapi import FastAPI
{imports}
app = FastAPI()
{mount}

@app.get("/")
def health():
    return {{"ok": True}}


@app.post("/notes", response_model=NoteOut)
def create(note: NoteIn) -> NoteOut:
    return NoteOut(id=1, title=note.title)


@app.get("/notes/{{note_id}}", response_model=NoteOut)
def read(note_id: int) -> NoteOut:
    return NoteOut(id=note_id, title="")
"""
API_SCHEMAS = """from pydantic import BaseModel


class NoteIn(BaseModel):
    title: str


class NoteOut(NoteIn):
    id: int
"""
API_TAGS = """from fastapi import APIRouter

router = APIRouter()


@router.get("/tags")
def tags():
    return []
"""


def _architecture(make_project: MakeProject, imports: str, mount: str = "", **more: str) -> dict[str, object]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\npydantic\n",
        "src/__init__.py": "",
        "src/api/__init__.py": "",
        "src/api/main.py": API_MAIN.format(imports=imports, mount=mount),
        "src/api/schemas.py": API_SCHEMAS,
        **more,
    }
    architecture: dict[str, object] = inspect_json(make_project, files)["architecture"]
    return architecture


def test_an_app_file_holding_the_handlers_imports_no_router_from_its_own_folder(
    make_project: MakeProject,
) -> None:
    """Violating on main (main.py a composition root: importing schemas.py, which only the shared api/ folder
    places in routes, was taken for mounting a router)."""
    architecture = _architecture(make_project, "from .schemas import NoteIn, NoteOut\n")
    assert architecture["composition_roots"] == []
    files = architecture["files"]
    assert isinstance(files, dict) and files["src/api/main.py"] == "routes"


def test_an_app_file_mounting_a_router_of_its_folder_still_wires_it(make_project: MakeProject) -> None:
    architecture = _architecture(
        make_project,
        "from .schemas import NoteIn, NoteOut\nfrom .tags import router\n",
        "app.include_router(router)\n",
        **{"src/api/tags.py": API_TAGS},
    )
    assert architecture["composition_roots"] == ["src/api/main.py"]
