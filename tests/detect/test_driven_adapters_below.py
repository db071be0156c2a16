"""`adapters/outbound/` (issue 18): a ports-and-adapters app splitting its adapters into `adapters/inbound/`
(routers) and `adapters/outbound/` (database, clocks) keeps the driven side below `adapters/`, so that folder
names no layer there; a package marker re-exporting the outbound modules is then no routes module bypassing
the services. `adapters/inbound/` and a plain `adapters/` stay the routes layer."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

REPOSITORY = """from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.note import Note


class SqlNoteRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> list[Note]:
        return list(self._session.scalars(select(Note)))
"""
CLOCK = """from datetime import datetime, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)
"""
MARKER = """\"\"\"The driven adapters.\"\"\"

from app.adapters.{side}.clock import SystemClock
from app.adapters.{side}.note_repository import SqlNoteRepository

__all__ = ["SqlNoteRepository", "SystemClock"]
"""
SERVICE = """from app.adapters.{side} import SqlNoteRepository, SystemClock


def list_notes(repository: SqlNoteRepository, clock: SystemClock) -> list[str]:
    return [f"{{clock.now()}} {{note.text}}" for note in repository.all()]
"""
ROUTER = """from fastapi import APIRouter

from app.application.notes import list_notes

router = APIRouter()


@router.get("/notes")
def notes() -> list[str]:
    return list_notes(None, None)
"""
NOTE = """from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
"""


def _hexagon(side: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/adapters/__init__.py": "",
        "app/adapters/inbound/__init__.py": "",
        "app/adapters/inbound/notes.py": ROUTER,
        f"app/adapters/{side}/__init__.py": MARKER.format(side=side),
        f"app/adapters/{side}/clock.py": CLOCK,
        f"app/adapters/{side}/note_repository.py": REPOSITORY,
        "app/application/__init__.py": "",
        "app/application/notes.py": SERVICE.format(side=side),
        "app/domain/__init__.py": "",
        "app/domain/note.py": NOTE,
    }


def test_a_marker_of_outbound_adapters_is_no_routes_module(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hexagon("outbound"))
    layers = _layers(report)
    assert "app/adapters/outbound/__init__.py" not in layers  # a clock and a repository: no one layer
    assert "app/adapters/outbound/clock.py" not in layers
    assert layers["app/adapters/outbound/note_repository.py"] == "repositories"
    assert layers["app/adapters/inbound/notes.py"] == "routes"
    assert _violations(report) == []  # no bypass from the marker, no upward import from the service


def test_driven_and_secondary_adapters_below_adapters_name_no_layer(make_project: MakeProject) -> None:
    for side in ("driven", "secondary"):
        report = inspect_json(make_project, _hexagon(side))
        assert f"app/adapters/{side}/__init__.py" not in _layers(report)
        assert _violations(report) == []


def test_other_folders_below_adapters_stay_routes(make_project: MakeProject) -> None:
    # `adapters/web/`: no driven side named, so `adapters/` still names the routes layer
    report = inspect_json(make_project, _hexagon("web"))
    layers = _layers(report)
    assert layers["app/adapters/web/clock.py"] == "routes"
    assert layers["app/adapters/inbound/__init__.py"] == "routes"
    assert ("upward", "app/application/notes.py", "app/adapters/web/__init__.py") in _violations(report)
