"""Hexagonal layouts by role (issue 18): adapters running queries on a session handed in, use-case handlers
in a `handlers/` folder, value objects, modules that only make the models' base, health probes. Each
pattern has a violating case (the folder name alone would decide wrongly) and a clean one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdverify import inspect

Make = Callable[[dict[str, str | bytes]], Path]

ADAPTER = """from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.user import User
{imports}

class SqlaUserReader:
    def __init__(self, session: {annotation}) -> None:
        self._session = session

    async def all(self) -> list[User]:
        return list((await self._session.execute(select(User))).scalars())
"""
USER = "from dataclasses import dataclass\n\n\n@dataclass\nclass User:\n    name: str\n"
ROUTER = """from fastapi import APIRouter

from {imported}

router = APIRouter()


@router.get("/users")
async def users() -> list[str]:
    return []
"""


def architecture(root: Path) -> tuple[dict[str, Any], set[tuple[str, str, int]], dict[str, Any]]:
    report = inspect(root, use_cache=False)
    found = {(f.rule, f.location.path, f.location.line) for f in report.findings if f.rule[:4] == "ARCH"}
    data = report.to_json()
    return data["architecture"], found, data


def layer_of(make_project: Make, path: str, code: str) -> tuple[str, str]:
    """The layer and the evidence of the one module of a project."""
    arch, _, _ = architecture(make_project({"app/__init__.py": "", path: code}))
    return arch["files"].get(path, ""), arch["evidence"].get(path, "")


def _adapter(annotation: str = "AsyncSession", imports: str = "") -> str:
    return ADAPTER.format(annotation=annotation, imports=imports)


@pytest.mark.parametrize(
    ("annotation", "imports"),
    [
        ("AsyncSession", ""),
        ("Optional[AsyncSession]", "from typing import Optional"),
        ("AsyncSession | None", ""),
        ('"AsyncSession"', ""),
        ("UserSession", 'from typing import NewType\n\nUserSession = NewType("UserSession", AsyncSession)'),
    ],
)
def test_an_outbound_adapter_querying_an_injected_session_is_data_access(
    make_project: Make, annotation: str, imports: str
) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/domain/user.py": USER,
            "app/outbound/adapters/sqla_user_reader.py": _adapter(annotation, imports),
            "app/inbound/http/users.py": ROUTER.format(
                imported="app.outbound.adapters.sqla_user_reader import x"
            ),
        }
    )
    arch, found, _ = architecture(root)
    assert arch["files"]["app/outbound/adapters/sqla_user_reader.py"] == "repositories"
    assert arch["evidence"]["app/outbound/adapters/sqla_user_reader.py"] == "code: queries"
    assert ("ARCH002", "app/inbound/http/users.py", 3) in found  # the router reaches the data access


def test_an_adapter_handed_no_data_client_keeps_its_folder(make_project: Make) -> None:
    hasher = "class Hasher:\n    def __init__(self, rounds: int, pepper: bytes) -> None:\n        self.rounds = rounds\n"
    assert layer_of(make_project, "app/adapters/hasher.py", hasher) == ("routes", "folder")


def test_a_route_handed_a_session_still_handles_requests(make_project: Make) -> None:
    route = (
        "from fastapi import APIRouter, Depends\nfrom sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
        "router = APIRouter()\n\n\n@router.get('/users')\ndef users(db: Session = Depends(lambda: None)):\n"
        "    return db.execute(select(1)).all()\n"
    )
    assert layer_of(make_project, "app/api/users.py", route)[0] == "routes"


def test_sql_on_an_annotated_connection_is_raw_sql(make_project: Make) -> None:
    store = (
        "import sqlite3\n\n\ndef names(conn: sqlite3.Connection) -> list[str]:\n"
        "    return [r[0] for r in conn.execute('SELECT name FROM users')]\n"
    )
    root = make_project({"app/__init__.py": "", "app/adapters/store.py": store})
    arch, _, data = architecture(root)
    assert arch["files"]["app/adapters/store.py"] == "repositories"
    sites = [(s["file"], s["line"], s["api"]) for s in data["orm"]["raw_sql"]]
    assert sites == [("app/adapters/store.py", 5, "DB-API cursor / connection")]


def test_a_string_executed_on_an_annotated_session_is_raw_sql(make_project: Make) -> None:
    store = (
        "from sqlalchemy.orm import Session\n\n\ndef names(session: Session) -> list[str]:\n"
        "    return list(session.execute('SELECT name FROM users'))\n\n\n"
        "def everyone(session: Session, query: object) -> list[object]:\n    return list(session.execute(query))\n"
    )
    store += (
        "\n\ndef purge(session: Session) -> None:\n"
        "    session.connection().connection.cursor().execute('DELETE FROM users')\n"
    )
    root = make_project({"app/__init__.py": "", "app/repositories/store.py": store})
    _, _, data = architecture(root)
    sites = [(s["line"], s["kind"], s["api"]) for s in data["orm"]["raw_sql"]]
    assert sites == [  # a statement object in a variable (line 9) is no raw SQL
        (5, "statement", "SQLAlchemy session / connection execute"),
        (13, "statement", "DB-API cursor / connection"),  # the DB-API connection under the session
    ]


def test_a_health_probe_on_an_injected_session_is_no_data_access(make_project: Make) -> None:
    probe = (
        "from sqlalchemy import text\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def db_check(session: AsyncSession) -> None:\n    await session.scalar(text('SELECT 1'))\n"
    )
    query = probe.replace("text('SELECT 1')", "text('SELECT count(*) FROM users')")
    root = make_project(
        {"app/__init__.py": "", "app/http/health/checks.py": probe, "app/http/stats/counts.py": query}
    )
    arch, _, _ = architecture(root)
    assert arch["files"]["app/http/health/checks.py"] == "routes"  # the folder decides
    assert arch["files"]["app/http/stats/counts.py"] == "repositories"  # a real query


USE_CASE = """from app.outbound.storage import UserStorage
from app.services.users import UserService


class LogIn:
    def __init__(self, storage: UserStorage, users: UserService) -> None:
        self._storage = storage
        self._users = users

    async def {method}(self, name: str) -> None:
        await self._users.check(await self._storage.get(name))
"""


@pytest.mark.parametrize("method", ["execute", "handle", "__call__"])
def test_a_use_case_handler_in_a_handlers_folder_is_a_service(make_project: Make, method: str) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/outbound/storage.py": "class UserStorage:\n    pass\n",
            "app/services/users.py": "class UserService:\n    pass\n",
            "app/auth/handlers/log_in.py": USE_CASE.format(method=method),
            "app/core/queries/list_users.py": USE_CASE.format(method=method),
        }
    )
    arch, _, _ = architecture(root)
    assert arch["files"]["app/auth/handlers/log_in.py"] == "services"
    assert arch["evidence"]["app/auth/handlers/log_in.py"] == "code: use case"
    # a path that says nothing gives none: a class with `handle` or `__call__` is no use case by itself
    assert "app/core/queries/list_users.py" not in arch["files"]


def test_an_http_handler_or_a_method_elsewhere_keeps_its_layer(make_project: Make) -> None:
    http = "from fastapi import Request\n\n\nclass Handler:\n    async def __call__(self, request: Request) -> None:\n        pass\n"
    root = make_project(
        {
            "app/__init__.py": "",
            "app/outbound/storage.py": "class UserStorage:\n    pass\n",
            "app/services/users.py": "class UserService:\n    pass\n",
            "app/handlers/errors.py": http,  # imports the web framework: it handles requests
            "app/repositories/unit.py": USE_CASE.format(method="execute"),  # the folder decides
            "app/handlers/alone.py": "class Job:\n    def execute(self) -> None:\n        pass\n",  # orchestrates nothing
        }
    )
    arch, _, _ = architecture(root)
    assert arch["files"]["app/handlers/errors.py"] == "routes"
    assert arch["files"]["app/repositories/unit.py"] == "repositories"
    assert arch["files"]["app/handlers/alone.py"] == "routes"


def test_value_objects_are_models(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/core/value_objects/username.py": "class Username(str):\n    pass\n",
            "app/services/users.py": "from app.core.value_objects.username import Username\n",
        }
    )
    arch, found, _ = architecture(root)
    assert arch["files"]["app/core/value_objects/username.py"] == "models"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002")}


@pytest.mark.parametrize(
    "base",
    [
        "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
        "from sqlalchemy import MetaData\nfrom sqlalchemy.orm import registry\n\nmapper_registry = registry(metadata=MetaData())\n",
    ],
)
def test_a_module_making_only_the_models_base_is_models(make_project: Make, base: str) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/seedwork/infrastructure/database.py": base,
            "app/modules/users/repository.py": "from app.seedwork.infrastructure.database import Base\n",
        }
    )
    arch, found, _ = architecture(root)
    assert arch["files"]["app/seedwork/infrastructure/database.py"] == "models"
    assert arch["evidence"]["app/seedwork/infrastructure/database.py"] == "code: models"
    assert not {f for f in found if f[0] == "ARCH001"}


def test_a_module_making_the_base_and_the_engine_is_data_access(make_project: Make) -> None:
    database = (
        "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import declarative_base, sessionmaker\n\n"
        "engine = create_engine('sqlite:///app.db')\nSessionLocal = sessionmaker(bind=engine)\n"
        "Base = declarative_base()\n"
    )
    assert layer_of(make_project, "app/database.py", database) == ("repositories", "code: queries")


def test_a_repository_raising_a_service_error_is_no_wiring(make_project: Make) -> None:
    repository = _adapter(
        imports="from app.core.errors import UserTakenError\nfrom app.core.ports.reader import Reader"
    )
    root = make_project(
        {
            "app/__init__.py": "",
            "app/domain/user.py": USER,
            "app/core/errors.py": "class UserTakenError(Exception):\n    pass\n",
            "app/core/ports/reader.py": "class Reader:\n    pass\n",
            "app/core/commands/create_user.py": "from app.core.errors import UserTakenError\n",
            "app/infra/sqla_reader.py": repository,
        }
    )
    arch, _, _ = architecture(root)
    assert arch["files"]["app/infra/sqla_reader.py"] == "repositories"
    assert "app/infra/sqla_reader.py" not in arch["composition_roots"]


CRUD = """from sqlmodel import Session, select

from app.models import User


def get_user(*, session: Session, name: str) -> User | None:
    return session.exec(select(User).where(User.name == name)).first()
"""
ROUTE_WITH_DEPENDENCY = """from fastapi import APIRouter

from app import crud
from app.deps import current_user

router = APIRouter()
router.add_api_route("/me", HANDED)


@router.get("/users/{name}")
def read_user(name: str) -> object:
    return crud.get_user(session=None, name=name)
"""


def test_a_module_imported_beside_a_handler_module_is_not_one(make_project: Make) -> None:
    # `from app import crud` shares its package with the module whose function a route registration
    # hands over (`app.deps.current_user`): crud's functions are not handlers, its queries make it data access
    files: dict[str, str | bytes] = {
        "app/__init__.py": "",
        "app/models.py": "from sqlmodel import SQLModel\n\n\nclass User(SQLModel, table=True):\n    name: str\n",
        "app/deps.py": "def current_user() -> None:\n    return None\n",
        "app/crud.py": CRUD,
        "app/routes/users.py": ROUTE_WITH_DEPENDENCY.replace("HANDED", "current_user"),
    }
    arch, found, _ = architecture(make_project(files))
    assert arch["files"]["app/crud.py"] == "repositories"
    assert ("ARCH002", "app/routes/users.py", 3) in found
    # the clean case: a module whose function a route registration does hand over handles requests
    files["app/routes/users.py"] = (
        "from fastapi import APIRouter\n\nfrom app.crud import get_user\n\nrouter = APIRouter()\n"
        'router.add_api_route("/users/{name}", get_user)\n'
    )
    arch, found, _ = architecture(make_project(files))
    assert "app/crud.py" not in arch["files"]
    assert ("ARCH002", "app/routes/users.py", 3) not in found
