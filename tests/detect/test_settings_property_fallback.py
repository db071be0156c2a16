"""A settings property that gives the URL read from an optional field where it is set and builds one in code
where it is not (docs/accuracy.md "Start-up stops and harness engines of the hundred-and-fifth set"):
`if self.DATABASE_URL: return self.DATABASE_URL` then `return f"mysql+aiomysql://…"`, or `return
self.DATABASE_URL or f"mysql+aiomysql://…"`, with `DATABASE_URL: Optional[str] = None`. The built URL is the
one used where $DATABASE_URL is unset, so the harness runs its engine. A field whose default is a URL of its
own keeps that default where the variable is unset. Small projects written for the tests."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

REQUIREMENTS = "fastapi\nuvicorn\nsqlalchemy\naiomysql\naiosqlite\npydantic-settings\n"
CONFIG = """from typing import Optional

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: Optional[str] = FIELD_DEFAULT
    DB_HOST: str = "localhost"
    DB_NAME: str = "shop"

    @property
    def ASYNC_DATABASE_URL(self) -> str:
        BODY


settings = Settings()
"""
BRANCHES = """if self.DATABASE_URL:
            return self.DATABASE_URL
        return f"mysql+aiomysql://root:secret@{self.DB_HOST}:3306/{self.DB_NAME}\""""
EITHER = 'return self.DATABASE_URL or f"mysql+aiomysql://root:secret@{self.DB_HOST}:3306/{self.DB_NAME}"'
DATABASE = """from sqlalchemy.ext.asyncio import create_async_engine

from app.config import settings

engine = create_async_engine(settings.ASYNC_DATABASE_URL)
"""
MAIN = """from fastapi import FastAPI
from sqlalchemy import text

from app.database import engine

app = FastAPI()


@app.get("/items")
async def items():
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT 1"))).all()
"""


def _project(body: str, field_default: str = "None") -> dict[str, str | bytes]:
    return {
        "requirements.txt": REQUIREMENTS,
        "app/__init__.py": "",
        "app/config.py": CONFIG.replace("BODY", body).replace("FIELD_DEFAULT", field_default),
        "app/database.py": DATABASE,
        "app/main.py": MAIN,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    return in_harness(
        inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT
    ).engines


@pytest.mark.parametrize("body", [BRANCHES, EITHER], ids=["if-return", "or"])
def test_the_url_built_where_an_optional_field_is_unset_runs_in_the_harness(
    make_project: MakeProject, body: str
) -> None:
    assert _harness(make_project, _project(body)) == ["mysql"]


@pytest.mark.parametrize("body", [BRANCHES, EITHER], ids=["if-return", "or"])
def test_a_field_with_a_url_of_its_own_keeps_it_where_unset(make_project: MakeProject, body: str) -> None:
    assert _harness(make_project, _project(body, '"sqlite+aiosqlite:///./shop.db"')) == ["sqlite"]
