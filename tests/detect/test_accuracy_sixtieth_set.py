"""Patterns of the sixtieth held-out set (issue 18, docs/accuracy.md "Sixtieth set: disagreements"), with
violating and clean projects written for the test:

- a Node module under a database folder (`db/`) that imports of the web framework only the context type,
  opens the connection itself in each function and writes the answer on the context it is handed is data
  access, so a router importing it bypasses the services; a controller that a route table names stays a
  handler, and one outside a database folder keeps its path's say;
- a Python session provider that only hands out the session another module's generator opens (`def
  get_db(): yield from get_session()`) is data access wherever its folder, so a router importing it bypasses
  the services; a module calling a function of that module which runs a query hands out rows, not the
  connection, and keeps its folder's layer.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

KOA_PACKAGE = (
    '{"name": "ledger", "main": "src/index.ts", "dependencies": {"koa": "^2.15.0", "koa-router": "^12.0.1", '
    '"mysql2": "^3.9.2"}}'
)
KOA_INDEX = """import Koa from "koa";
import router from "./router";

const app = new Koa();
app.use(router.routes());
app.listen(8888);
"""
KOA_ROUTER = """import Router from "koa-router";
import { Context } from "koa";
import { addExpense, listExpenses } from "../db/expenses";

const router = new Router();

router.post("/expenses", async (ctx: Context) => {
  const body: any = ctx.request.body;
  await addExpense(body, ctx);
});

router.get("/expenses", async (ctx: Context) => {
  await listExpenses(ctx);
});

export default router;
"""
KOA_DB = """import mysql from "mysql2/promise";
import { Context } from "koa";

const settings = { host: "localhost", user: "root", password: "secret", database: "ledger" };

export async function addExpense(params: any, ctx: Context) {
  const connection = await mysql.createConnection(settings);
  try {
    await connection.execute("INSERT INTO expenses (title, amount) VALUES (?, ?)", [params.title, params.amount]);
    ctx.body = { status: "success" };
  } finally {
    await connection.end();
  }
}

export async function listExpenses(ctx: Context) {
  const connection = await mysql.createConnection(settings);
  try {
    const [rows] = await connection.execute("SELECT id, title, amount FROM expenses");
    ctx.body = { status: "success", data: rows };
  } finally {
    await connection.end();
  }
}
"""


def _layers(report: dict[str, Any]) -> dict[str, str]:
    return report["architecture"]["files"]


def _bypasses(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [
        (v["file"], v["line"], v["target"])
        for v in report["architecture"]["violations"]
        if v["kind"] == "bypass"
    ]


def test_a_db_module_opening_its_connection_and_writing_the_context_is_data_access(
    make_project: MakeProject,
) -> None:
    report = inspect_json(
        make_project,
        {
            "package.json": KOA_PACKAGE,
            "src/index.ts": KOA_INDEX,
            "src/router/index.ts": KOA_ROUTER,
            "src/db/expenses/index.ts": KOA_DB,
        },
    )
    assert _layers(report)["src/db/expenses/index.ts"] == "repositories"
    assert report["architecture"]["evidence"]["src/db/expenses/index.ts"] == "code: queries"
    assert _bypasses(report) == [("src/router/index.ts", 3, "src/db/expenses/index.ts")]


def test_a_controller_the_route_table_names_stays_a_handler(make_project: MakeProject) -> None:
    router = """import Router from "koa-router";
import { listExpenses } from "../db/expenses";

const router = new Router();
router.get("/expenses", listExpenses);

export default router;
"""
    handler = KOA_DB.replace("export async function addExpense", "async function addExpense")
    report = inspect_json(
        make_project,
        {
            "package.json": KOA_PACKAGE,
            "src/index.ts": KOA_INDEX,
            "src/router/index.ts": router,
            "src/db/expenses/index.ts": handler,
        },
    )
    assert _layers(report)["src/db/expenses/index.ts"] == "routes"
    assert _bypasses(report) == []


def test_a_context_typed_querying_module_outside_a_database_folder_is_left_to_its_path(
    make_project: MakeProject,
) -> None:
    router = KOA_ROUTER.replace("../db/expenses", "../ledger/expenses")
    report = inspect_json(
        make_project,
        {
            "package.json": KOA_PACKAGE,
            "src/index.ts": KOA_INDEX,
            "src/router/index.ts": router,
            "src/ledger/expenses.ts": KOA_DB,
        },
    )
    assert _layers(report).get("src/ledger/expenses.ts") is None
    assert _bypasses(report) == []


FASTAPI_REQUIREMENTS = "fastapi\nsqlmodel\npsycopg2-binary\n"
FASTAPI_MAIN = """from fastapi import FastAPI

from api.routes import notes

app = FastAPI()
app.include_router(notes.router)
"""
FASTAPI_CONNECTION = """from sqlmodel import Session, create_engine

engine = create_engine("postgresql://notes:notes@localhost/notes")


def get_session():
    with Session(engine) as session:
        yield session
"""
FASTAPI_PROVIDER = """from typing import Generator

from sqlmodel import Session

from db.connection import get_session


def get_db() -> Generator[Session, None, None]:
    yield from get_session()
"""
FASTAPI_ROUTER = """from fastapi import APIRouter, Depends
from sqlmodel import Session

from services.notes import NoteService
from api.dependencies.database import get_db

router = APIRouter()


@router.get("/notes")
def list_notes(db: Session = Depends(get_db)):
    return NoteService(db).list()
"""
FASTAPI_SERVICE = """from repositories.notes import NoteRepository


class NoteService:
    def __init__(self, session):
        self.repository = NoteRepository(session)

    def list(self):
        return self.repository.all()
"""
FASTAPI_REPOSITORY = """from sqlmodel import Session, select

from models.note import Note


class NoteRepository:
    def __init__(self, session: Session):
        self.session = session

    def all(self):
        return self.session.exec(select(Note)).all()
"""
FASTAPI_MODEL = """from sqlmodel import Field, SQLModel


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
"""


def _fastapi(provider: str, connection: str = FASTAPI_CONNECTION) -> dict[str, str]:
    return {
        "requirements.txt": FASTAPI_REQUIREMENTS,
        "main.py": FASTAPI_MAIN,
        "api/__init__.py": "",
        "api/routes/__init__.py": "",
        "api/routes/notes.py": FASTAPI_ROUTER,
        "api/dependencies/__init__.py": "",
        "api/dependencies/database.py": provider,
        "db/__init__.py": "",
        "db/connection.py": connection,
        "services/__init__.py": "",
        "services/notes.py": FASTAPI_SERVICE,
        "repositories/__init__.py": "",
        "repositories/notes.py": FASTAPI_REPOSITORY,
        "models/__init__.py": "",
        "models/note.py": FASTAPI_MODEL,
    }


def test_a_provider_handing_out_another_modules_session_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _fastapi(FASTAPI_PROVIDER))
    assert _layers(report)["api/dependencies/database.py"] == "repositories"
    assert report["architecture"]["evidence"]["api/dependencies/database.py"] == "code: queries"
    assert _bypasses(report) == [("api/routes/notes.py", 5, "api/dependencies/database.py")]


def test_a_module_calling_a_querying_function_of_the_engine_module_keeps_its_folder(
    make_project: MakeProject,
) -> None:
    connection = (
        FASTAPI_CONNECTION
        + """

def count_notes():
    with Session(engine) as session:
        return session.exec(select(Note)).all()
"""
    )
    connection = connection.replace(
        "from sqlmodel import Session, create_engine",
        "from sqlmodel import Session, create_engine, select\n\nfrom models.note import Note",
    )
    provider = """from db.connection import count_notes


def note_total() -> int:
    return len(count_notes())
"""
    report = inspect_json(make_project, _fastapi(provider, connection))
    assert _layers(report)["api/dependencies/database.py"] == "routes"
    assert report["architecture"]["evidence"]["api/dependencies/database.py"] == "folder"
