"""A pydantic model declaring an `EmailStr` (or `NameEmail`) field, in a module the application loads as it
starts, raises ImportError ("email-validator is not installed") as the class is built where no declared
distribution installs email-validator: the app cannot start, so no engine holds in the harness (DB001;
cdverify/detect/database/optional_packages.py, rules/python/startup.toml `optional_types`). Each project is
written for the test (issue 18; docs/accuracy.md "The thirty-sixth to thirty-eighth sets' Python
disagreements")."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

MAIN = """from fastapi import FastAPI

from db import engine
from schemas import accounts

app = FastAPI()
app.include_router(accounts.router)
"""
DB = """from sqlalchemy import create_engine

engine = create_engine("sqlite:///./shop.db")
"""
ACCOUNTS = """from typing import Optional

from fastapi import APIRouter
from pydantic import BaseModel, {kind}

router = APIRouter()


class SignUp(BaseModel):
    name: str
    contact: Optional[{kind}] = None


@router.post("/sign-up")
def sign_up(body: SignUp) -> dict:
    return {{"name": body.name}}
"""
REQUIREMENTS = "fastapi==0.110.0\nuvicorn\nsqlalchemy\npydantic>=2\n"


def _project(requirements: str | None = REQUIREMENTS, kind: str = "EmailStr", **files: str) -> dict[str, str]:
    project = {
        "main.py": MAIN,
        "db.py": DB,
        "schemas/__init__.py": "",
        "schemas/accounts.py": ACCOUNTS.format(kind=kind),
        **files,
    }
    if requirements is not None:
        project["requirements.txt"] = requirements
    return project


def _harness(make_project: MakeProject, files: dict[str, str]) -> tuple[list[str], str, str]:
    database = inspect(make_project(dict(files)), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    stop = found.stopped[0] if found.stopped else None
    return found.engines, stop.describe() if stop else "", stop.fix if stop else ""


@pytest.mark.parametrize("kind", ["EmailStr", "NameEmail"])
def test_an_email_field_without_email_validator_stops_the_app(make_project: MakeProject, kind: str) -> None:
    """Violating on main: the router module main.py imports declares `contact: Optional[EmailStr]` in a
    pydantic model, and requirements.txt brings no email-validator: importing it raises ImportError, so the
    app cannot start (cdverify said SQLite)."""
    engines, why, fix = _harness(make_project, _project(kind=kind))
    assert engines == []
    assert why == (
        f"contact: {kind} at schemas/accounts.py:11 raises ImportError (email-validator is not installed) as "
        f"the class SignUp is built: pydantic's {kind} needs email-validator, which no declared dependency "
        "installs"
    )
    assert fix.startswith("declare email-validator (or pydantic[email]) in the project's requirements")


@pytest.mark.parametrize(
    "requirements",
    [
        REQUIREMENTS + "email-validator==2.1.0\n",
        REQUIREMENTS + "pydantic[email]>=2\n",
        "fastapi[standard]>=0.112\nsqlalchemy\n",
        "fastapi[all]\nsqlalchemy\n",
        "fastapi-users[sqlalchemy]\nfastapi\nsqlalchemy\n",
    ],
)
def test_a_declared_distribution_bringing_email_validator_lets_it_start(
    make_project: MakeProject, requirements: str
) -> None:
    """Clean: email-validator itself, pydantic's `email` extra, FastAPI's `standard` or `all` extra, or a
    library requiring it is declared."""
    assert _harness(make_project, _project(requirements)) == (["sqlite"], "", "")


def test_without_any_requirements_the_environment_is_unknown(make_project: MakeProject) -> None:
    """Clean: no file declares a Python distribution, so what the environment holds is unknown."""
    assert _harness(make_project, _project(None)) == (["sqlite"], "", "")


def test_a_lock_file_naming_email_validator_lets_it_start(make_project: MakeProject) -> None:
    """Clean: uv.lock installs email-validator (a dependency of something declared)."""
    lock = 'version = 1\n\n[[package]]\nname = "email-validator"\nversion = "2.2.0"\n'
    assert _harness(make_project, _project(**{"uv.lock": lock})) == (["sqlite"], "", "")


def test_an_import_of_email_validator_says_it_is_installed(make_project: MakeProject) -> None:
    """Clean: another module imports email_validator itself, so the project's environment has it."""
    check = "from email_validator import validate_email\n\n\ndef valid(address):\n    return validate_email(address)\n"
    assert _harness(make_project, _project(**{"mail.py": check})) == (["sqlite"], "", "")


def test_an_email_field_in_a_module_not_loaded_at_start_up_stops_nothing(make_project: MakeProject) -> None:
    """Clean: the main module imports no router; the model's module is not imported as the app starts."""
    files = _project(
        **{"main.py": "from fastapi import FastAPI\n\nfrom db import engine\n\napp = FastAPI()\n"}
    )
    assert _harness(make_project, files) == (["sqlite"], "", "")


def test_a_typed_dict_field_builds_no_validator(make_project: MakeProject) -> None:
    """Clean: a TypedDict's annotations build no validator as the class is made."""
    typed = (
        "from typing import TypedDict\n\nfrom fastapi import APIRouter\nfrom pydantic import EmailStr\n\n"
        "router = APIRouter()\n\n\nclass Contact(TypedDict):\n    address: EmailStr\n"
    )
    assert _harness(make_project, _project(**{"schemas/accounts.py": typed})) == (["sqlite"], "", "")
