"""A file named for the layer of an outer folder, inside a deeper folder of another layer (docs/accuracy.md
"The hundred-and-fifteenth set's disagreements (session 2026-12-07 (19))"): `services/model/model_service.py`,
a service of the machine-learning model kept in a `model/` subfolder of `services/`, is a service — its name
and the outer folder agree against the deeper folder, which names its topic there — so its import of a
repository is no upward import. A file there whose name names no layer keeps the deepest folder's layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

APP = """from flask import Flask

from app.routes.events import events

app = Flask(__name__)
app.register_blueprint(events)
"""
ROUTES = """from flask import Blueprint, jsonify, request

from app.services.model.model_service import rank_events

events = Blueprint("events", __name__)


@events.get("/events")
def list_events():
    return jsonify(rank_events(request.args.get("q", "")))
"""
MODEL_SERVICE = """import httpx

from app.repositories.event_repository import all_events


def rank_events(query):
    scores = httpx.post("http://localhost:8080/score", json={"q": query}).json()
    return sorted(all_events(), key=lambda event: scores.get(str(event.id), 0))
"""
PROMPTS = """SYSTEM = "Rank the events by how well they match the query."
"""
REPOSITORY = """from app.db import session
from app.models.event import Event


def all_events():
    return session.query(Event).all()
"""
DB = """from sqlalchemy import create_engine
from sqlalchemy.orm import Session

session = Session(create_engine("sqlite:///events.db"))
"""
MODEL = """from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    title = Column(String)
"""


def test_a_service_in_a_model_subfolder_of_services_is_a_service(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "flask\nsqlalchemy\nhttpx\n",
            "app/__init__.py": "",
            "app/main.py": APP,
            "app/routes/events.py": ROUTES,
            "app/services/model/model_service.py": MODEL_SERVICE,
            "app/services/model/prompts.py": PROMPTS,
            "app/repositories/event_repository.py": REPOSITORY,
            "app/db.py": DB,
            "app/models/event.py": MODEL,
        },
    )
    layers = _layers(report)
    assert layers["app/services/model/model_service.py"] == "services"
    assert layers["app/services/model/prompts.py"] == "models"  # named for nothing: the deepest folder
    assert not [v for v in _violations(report) if v[1] == "app/services/model/model_service.py"]
