"""Socket.IO event handlers are the routes layer by role (rules/architecture/clean_architecture.toml
`[roles.handlers]`; docs/accuracy.md, the seventy-seventh set's disagreements, session 2026-12-06 (17)): a module
registering them answers a client's messages the way a controller answers a route, whatever its name or folder —
Flask-SocketIO's `@socketio.on("join")`, python-socketio's `@sio.on("join")` and its bare `@sio.event`. A module
that only builds the Socket.IO server beside the app and runs it (`socketio = SocketIO(app)`, `socketio.run(app)`)
registers no handler and keeps no layer by it; nor does a python-socketio client listening to a server."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json
from reports import layers_of as _layers

REQUIREMENTS = "flask\nflask-socketio\nflask-sqlalchemy\npython-socketio\n"
APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///track.db"
db = SQLAlchemy(app)
"""
MODELS = """from app import db


class Trip(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20))
"""
FLASK_HANDLERS = """from flask_socketio import SocketIO, emit

from app import app
from models import Trip

socketio = SocketIO(app)


@socketio.on("join_trip")
def join_trip(data):
    trip = Trip.query.get(data["id"])
    emit("trip", {"status": trip.status})
"""
SIO_BARE = """import socketio

from models import Trip

sio = socketio.AsyncServer(async_mode="asgi")


@sio.event
async def join(sid, data):
    trip = Trip.query.get(data["id"])
    await sio.emit("trip", {"status": trip.status}, to=sid)
"""
SIO_CALLED = SIO_BARE.replace("@sio.event\nasync def join", '@sio.on("join")\nasync def joined')
# near misses: the server built and run, no handler registered; a client's handlers of a server's messages
FLASK_SERVER_ONLY = """from flask_socketio import SocketIO

from app import app
from models import Trip

socketio = SocketIO(app)


def announce(trip_id):
    trip = Trip.query.get(trip_id)
    socketio.emit("trip", {"status": trip.status})


if __name__ == "__main__":
    socketio.run(app)
"""
SIO_CLIENT = """import socketio

from models import Trip

sio = socketio.Client()


@sio.event
def trip(data):
    Trip.query.get(data["id"])
"""


def _project(make_project: MakeProject, realtime: str) -> dict[str, str]:
    files = {"requirements.txt": REQUIREMENTS, "app.py": APP, "models.py": MODELS, "realtime.py": realtime}
    return _layers(inspect_json(make_project, files))


@pytest.mark.parametrize(
    "realtime", [FLASK_HANDLERS, SIO_BARE, SIO_CALLED], ids=["flask-socketio-on", "sio-bare-event", "sio-on"]
)
def test_a_module_registering_socketio_event_handlers_is_routes(
    make_project: MakeProject, realtime: str
) -> None:
    layers = _project(make_project, realtime)
    assert layers["realtime.py"] == "routes"
    assert layers["models.py"] == "models"


@pytest.mark.parametrize(
    "realtime", [FLASK_SERVER_ONLY, SIO_CLIENT], ids=["server-built-and-run", "sio-client"]
)
def test_building_the_socketio_server_or_a_client_registers_no_handler(
    make_project: MakeProject, realtime: str
) -> None:
    layers = _project(make_project, realtime)
    assert layers.get("realtime.py") != "routes"
    assert layers["models.py"] == "models"
