"""Patterns of the forty-second unseen labelled set's Python half (issue 18, docs/accuracy.md "The forty-second
set's Python disagreements"), each with violating and clean projects written for the test:

- a Flask app factory that binds an instance of a project class (`notes = NoteHandlers(db)`) and registers
  its methods as the handlers (`app.add_url_rule("/notes", view_func=notes.list_notes)`): the class's
  module, reading the request, is the routes layer, and the factory wires it (the composition root).
"""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layers_of

FACTORY = """from flask import Flask

from shelf.handlers import NoteHandlers
from shelf.store import make_db


def create_app() -> Flask:
    app = Flask(__name__)
    db = make_db(app)

    @app.route("/")
    def index():
        return {{"ok": True}}

    {binding}
    app.add_url_rule("/notes", view_func={read}.list_notes, methods=["GET"])
    app.add_url_rule("/notes", view_func={read}.add_note, methods=["POST"])
    return app
"""
HANDLERS = """from flask import jsonify, request
from sqlalchemy import select

from shelf.models import Note


class NoteHandlers:
    def __init__(self, db):
        self.db = db

    def list_notes(self):
        return jsonify([n.text for n in self.db.session.execute(select(Note)).scalars()])

    def add_note(self):
        note = Note(text=request.get_json()["text"])
        self.db.session.add(note)
        self.db.session.commit()
        return jsonify({"id": note.id}), 201
"""
PLAIN_HANDLERS = """class NoteHandlers:
    def __init__(self, db):
        self.db = db

    def list_notes(self):
        return []

    def add_note(self):
        return {}
"""
STORE = """from flask_sqlalchemy import SQLAlchemy

from shelf.models import Base


def make_db(app):
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///shelf.db"
    db = SQLAlchemy(model_class=Base)
    db.init_app(app)
    return db
"""
MODELS = """from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
"""


def _shelf(
    binding: str = "notes = NoteHandlers(db)", read: str = "notes", handlers: str = HANDLERS
) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "Flask\nFlask-SQLAlchemy\n",
        "run.py": "from shelf.app import create_app\n\ncreate_app().run()\n",
        "shelf/__init__.py": "",
        "shelf/app.py": FACTORY.format(binding=binding, read=read),
        "shelf/handlers.py": handlers,
        "shelf/store.py": STORE,
        "shelf/models.py": MODELS,
    }


def test_methods_of_a_bound_handler_object_make_its_module_routes(make_project: MakeProject) -> None:
    """Violating on main: `view_func=notes.list_notes` named no module, so `handlers.py` (a file name of no
    layer) had none and the factory, registering the routes itself, was the routes layer."""
    report = inspect_json(make_project, _shelf())
    assert layers_of(report)["shelf/handlers.py"] == "routes"
    assert evidence_of(report)["shelf/handlers.py"] == "code: routes"
    assert evidence_of(report)["shelf/app.py"] == "composition root"
    assert "shelf/app.py" not in layers_of(report)


def test_a_bound_object_reading_no_request_takes_no_layer(make_project: MakeProject) -> None:
    """Clean: a class whose module imports nothing of the framework shows no request handling: its module
    takes no layer from the registration (its path's say stands, as for a function registered directly)."""
    report = inspect_json(make_project, _shelf(handlers=PLAIN_HANDLERS))
    assert "shelf/handlers.py" not in layers_of(report)


def test_a_variable_bound_twice_names_no_class(make_project: MakeProject) -> None:
    """Clean: the variable bound to two things in the factory (the handler object, then a dict of stubs) is not
    known to hold the class's instance, so the registration names no module."""
    binding = "notes = NoteHandlers(db)\n    notes = dict(list_notes=None, add_note=None)"
    report = inspect_json(make_project, _shelf(binding=binding))
    assert "shelf/handlers.py" not in layers_of(report)
