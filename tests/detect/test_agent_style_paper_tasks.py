"""Patterns of agent-style apps probed for the paper's tasks (issue 18, docs/accuracy.md "Agent-style apps probed
for the paper's tasks (session 2026-12-06 (11))"), each with a violating and a clean project written for the test:

- a TypeScript tagged template with type arguments (`sql<Row[]>\\`SELECT …\\``, Prisma's `$queryRaw<T>\\`…\\``) is
  valid code the grammar cannot parse: read with its type arguments blanked, it is no PARSE001 and its SQL is
  found; a real syntax error beside it is still reported;
- postgres.js's `sql.begin(async (tx) => tx\\`INSERT …\\`)`: the transaction is a tag as the client is; a helper
  call of it (`tx(rows)`) is no query;
- a `*_repository.py` in a folder its code-placed query modules locate as data access (`data/`), beside the
  mapped rows (`data/orm.py`) of a project whose models have a folder elsewhere (`domain/`), is in its layer's
  folder (no ARCH005); one beside route modules is not;
- a schema statement made at module level of a module that runs at start-up (`db/index.ts` creating its tables
  as it loads) is bootstrap; one in a route handler stays application SQL.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, findings_of, inspect_json

PACKAGE = '{"name": "notes", "type": "module", "dependencies": {"hono": "^4.6.3", "postgres": "^3.4.4"}}\n'
CLIENT = """import postgres from "postgres";

export const sql = postgres(process.env.DATABASE_URL ?? "postgres://user:password@postgres:5432/conduit");
"""
ENTRY = """import { Hono } from "hono";
import { listNotes } from "./notes";

const app = new Hono();
app.get("/api/notes", async (c) => c.json({ notes: await listNotes() }));
export default app;
"""


def _sites(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted((site["file"], site["line"], site["statement"]) for site in report["orm"]["raw_sql"])


def _notes(notes: str) -> dict[str, str | bytes]:
    return {"package.json": PACKAGE, "src/db.ts": CLIENT, "src/index.ts": ENTRY, "src/notes.ts": notes}


TYPED_TAGS = """import { sql } from "./db";

type Note = { id: number; text: string };

export async function listNotes(): Promise<Note[]> {
  return sql<Note[]>`SELECT id, text FROM notes ORDER BY id`;
}

export async function countNotes(): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM notes`;
  return row.n;
}
"""


def test_a_tagged_template_with_type_arguments_parses_and_runs_its_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _notes(TYPED_TAGS))
    assert findings_of(report, "PARSE") == []
    assert _sites(report) == [("src/notes.ts", 6, "SELECT"), ("src/notes.ts", 10, "SELECT")]


def test_a_real_syntax_error_beside_a_typed_tag_is_still_reported(make_project: MakeProject) -> None:
    broken = TYPED_TAGS + "\nexport const oops = ;\n"
    report = inspect_json(make_project, _notes(broken))
    assert findings_of(report, "PARSE") == [("PARSE001", "src/notes.ts", 14)]
    assert _sites(report) == [("src/notes.ts", 6, "SELECT"), ("src/notes.ts", 10, "SELECT")]


BEGIN = """import { sql } from "./db";

export async function listNotes() {
  return [];
}

export async function addNotes(texts: string[]) {
  await sql.begin(async (tx) => {
    await tx`INSERT INTO notes (text) VALUES (${texts[0]})`;
  });
}
"""
BEGIN_HELPER = """import { sql } from "./db";

export async function listNotes() {
  return [];
}

export async function addNotes(texts: string[]) {
  await sql.begin(async (tx) => {
    const rows = tx(texts.map((text) => ({ text })));
    return rows;
  });
}
"""


def test_a_template_on_a_postgres_js_transaction_is_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _notes(BEGIN))
    assert _sites(report) == [("src/notes.ts", 9, "INSERT")]


def test_a_helper_call_of_a_postgres_js_transaction_is_no_query(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _notes(BEGIN_HELPER))
    assert _sites(report) == []


ROWS = """from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class NoteRow(Base):
    __tablename__ = "notes"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
"""
ENGINE = """from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///notes.db")
Session = async_sessionmaker(engine)
"""
REPOSITORY = """from sqlalchemy import select

from notes.data.orm import NoteRow
from notes.domain.note import Note


class NoteRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def all(self) -> list[Note]:
        rows = await self.session.scalars(select(NoteRow))
        return [Note(row.id, row.text) for row in rows]
"""
ENTITY = """from dataclasses import dataclass


@dataclass
class Note:
    id: int
    text: str
"""
USE_CASE = """from notes.data.note_repository import NoteRepository


async def list_notes(repository: NoteRepository) -> list:
    return await repository.all()
"""
HANDLERS = """from aiohttp import web

from notes.data.engine import Session
from notes.data.note_repository import NoteRepository
from notes.usecases.notes import list_notes

routes = web.RouteTableDef()


@routes.get("/api/notes")
async def notes(request: web.Request) -> web.Response:
    async with Session() as session:
        found = await list_notes(NoteRepository(session))
    return web.json_response({"notes": [n.text for n in found]})
"""


def _aiohttp(data: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\nsqlalchemy\naiosqlite\n",
        "notes/__init__.py": "",
        "notes/handlers/__init__.py": "",
        "notes/handlers/notes.py": HANDLERS,
        "notes/usecases/__init__.py": "",
        "notes/usecases/notes.py": USE_CASE,
        "notes/domain/__init__.py": "",
        "notes/domain/note.py": ENTITY,
        f"notes/{data}/__init__.py": "",
        f"notes/{data}/engine.py": ENGINE,
        f"notes/{data}/orm.py": ROWS,
        f"notes/{data}/note_repository.py": REPOSITORY,
    }
    return files


def test_a_repository_by_name_in_the_folder_its_query_modules_locate_is_in_place(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _aiohttp("data"))
    assert report["architecture"]["layers"]["repositories"] == ["notes/data"]
    assert report["architecture"]["files"]["notes/data/orm.py"] == "models"
    assert findings_of(report, "ARCH005") == []


def test_a_repository_by_name_beside_route_modules_is_not_in_place(make_project: MakeProject) -> None:
    files = _aiohttp("data")
    files["notes/data/views.py"] = HANDLERS.replace("/api/notes", "/api/other")
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["notes/data/views.py"] == "routes"
    assert ("ARCH005", "notes/data/note_repository.py", 0) in findings_of(report, "ARCH005")


SQLITE_PACKAGE = (
    '{"name": "notes", "type": "module", "dependencies": {"hono": "^4.6.3", "better-sqlite3": "^11.3.0"}}\n'
)
SQLITE_DB = """import Database from "better-sqlite3";

export const db = new Database("notes.db");
db.exec(`CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)`);
"""
SQLITE_ENTRY = """import { Hono } from "hono";
import { db } from "./db";

const app = new Hono();
app.get("/api/notes", (c) => c.json({ notes: db.prepare("SELECT id, text FROM notes").all() }));
app.post("/api/reset", (c) => {
  db.exec(`CREATE TABLE IF NOT EXISTS archive (id INTEGER PRIMARY KEY, text TEXT)`);
  return c.json({ ok: true });
});
export default app;
"""


def _purposes(report: dict[str, Any]) -> dict[tuple[str, int], str | None]:
    return {(site["file"], site["line"]): site.get("purpose") for site in report["orm"]["raw_sql"]}


def test_a_schema_statement_made_as_a_started_module_loads_is_bootstrap(make_project: MakeProject) -> None:
    files = {"package.json": SQLITE_PACKAGE, "src/db.ts": SQLITE_DB, "src/index.ts": SQLITE_ENTRY}
    purposes = _purposes(inspect_json(make_project, files))
    assert purposes[("src/db.ts", 4)] == "bootstrap"


def test_a_schema_statement_in_a_route_handler_stays_application_sql(make_project: MakeProject) -> None:
    files = {"package.json": SQLITE_PACKAGE, "src/db.ts": SQLITE_DB, "src/index.ts": SQLITE_ENTRY}
    purposes = _purposes(inspect_json(make_project, files))
    assert purposes[("src/index.ts", 7)] is None
    assert purposes[("src/index.ts", 5)] is None


def test_an_object_type_argument_with_semicolons_is_a_typed_tag_too(make_project: MakeProject) -> None:
    notes = TYPED_TAGS.replace("sql<{ n: number }[]>", "sql<{ n: number; at: Date }[]>")
    report = inspect_json(make_project, _notes(notes))
    assert findings_of(report, "PARSE") == []
    assert _sites(report) == [("src/notes.ts", 6, "SELECT"), ("src/notes.ts", 10, "SELECT")]


def test_only_code_that_may_hold_a_typed_tag_is_parsed_again() -> None:
    """The second parse is for files whose code has `tag<T>` before a template: not an arrow returning a
    template, nor JSDoc naming a type in backquotes (ts-mono: 88 such files were parsed twice for nothing)."""
    from cdverify.parse import _has_typed_tag

    assert _has_typed_tag(b"const rows = await sql<{ id: number; text: string }[]>`SELECT 1`;\n")
    assert _has_typed_tag(b"const r = prisma.$queryRaw<Array<Row>>`SELECT 1`;\n")
    assert not _has_typed_tag(b"const greet = (name: string) => `hello ${name}`;\n")
    assert not _has_typed_tag(b"/**\n * returns an `Observable<T[]>` or a `Promise<T>`\n */\n")
    assert not _has_typed_tag(b"// see `Array<T>` in the docs\n")
