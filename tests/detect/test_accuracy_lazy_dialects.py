"""An engine module imported inside a function — a TypeDecorator loading PostgreSQL's UUID in
`load_dialect_impl` under `if dialect.name == "postgresql"` — makes the code portable to PostgreSQL, but the
application connects to the engine its URL names: where that URL's default is SQLite, the paper's harness runs
SQLite only (docs/accuracy.md "The hundred-and-thirteenth and hundred-and-fourteenth sets' Python
disagreements", alvarohurtadobo/iot_backend). The same module imported at module level (the models' JSONB
column) keeps PostgreSQL beside SQLite. Small projects written for the tests."""

from __future__ import annotations

from reports import MakeProject, check, database_status, only

POSTGRES_TASK = "python-fastapi-openapi-postgres-sqlalchemy"

DB = """import os
import uuid

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.types import CHAR, TypeDecorator
@TOP@

class GUID(TypeDecorator):
    impl = CHAR(36)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import UUID as PG_UUID

            return dialect.type_descriptor(PG_UUID(as_uuid=True))
        return dialect.type_descriptor(CHAR(36))


engine = create_engine(os.getenv("SHOP_DATABASE_URL", "sqlite:///./shop.db"))
Session = sessionmaker(bind=engine)
"""

MAIN = """from fastapi import FastAPI

from db import Session

app = FastAPI()


@app.get("/items")
def items():
    with Session() as session:
        return []
"""


def _files(top: str = "") -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "db.py": DB.replace("@TOP@", top),
        "main.py": MAIN,
    }


def test_a_dialect_imported_in_a_function_leaves_the_harness_on_the_connected_engine(
    make_project: MakeProject,
) -> None:
    db001 = only(check(make_project, _files(), POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == ["sqlite"]


def test_a_dialect_imported_at_module_level_keeps_its_engine(make_project: MakeProject) -> None:
    report = check(make_project, _files("from sqlalchemy.dialects.postgresql import JSONB\n"), POSTGRES_TASK)
    assert database_status(report) == "pass"  # PostgreSQL holds in the harness: no DB001
    assert not [f for f in report["findings"] if f["rule"] == "DB001"]
