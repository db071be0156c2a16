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


# -- Node's socket.io: the `on` of the socket `io.on("connection", …)` hands its callback -------------------

PACKAGE = '{"name": "robots", "type": "module", "dependencies": {"express": "4", "mongoose": "8", "socket.io": "4"}}'
ROBOT = """import mongoose from "mongoose";

const robotSchema = new mongoose.Schema({ name: String, status: String });
export const Robot = mongoose.model("Robot", robotSchema);
"""
NODE_HANDLERS = """import { Server } from "socket.io";
import { Robot } from "../models/robot.js";

export function attachSocket(httpServer) {
  const io = new Server(httpServer);
  io.on("connection", (socket) => {
    socket.on("robots:list", async () => {
      socket.emit("robots", await Robot.find({}));
    });
  });
  return io;
}
"""
# near miss: the server built and a connection logged, no event handler registered; it broadcasts on a timer
NODE_BROADCAST = """import { Server } from "socket.io";
import { Robot } from "../models/robot.js";

export function attachSocket(httpServer) {
  const io = new Server(httpServer);
  io.on("connection", (socket) => {
    console.log("connected", socket.id);
  });
  setInterval(async () => io.emit("robots", await Robot.find({})), 2000);
  return io;
}
"""


@pytest.mark.parametrize("socket", [NODE_HANDLERS, NODE_BROADCAST], ids=["socket-on", "connection-only"])
def test_a_node_module_registering_socket_event_handlers_is_routes(
    make_project: MakeProject, socket: str
) -> None:
    files = {"package.json": PACKAGE, "src/models/robot.js": ROBOT, "src/socket/index.js": socket}
    layers = _layers(inspect_json(make_project, files))
    assert layers["src/models/robot.js"] == "models"
    if socket is NODE_HANDLERS:
        assert layers["src/socket/index.js"] == "routes"
    else:  # building the server and emitting answers no client's message: not routes by role
        assert layers.get("src/socket/index.js") != "routes"


SERVER = """import express from "express";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { setupSocket } from "./socket/handlers.js";

const app = express();
const httpServer = createServer(app);
setupSocket(new Server(httpServer));
httpServer.listen(3000);
"""
HANDED_HANDLERS = """import { Robot } from "../models/robot.js";

export const setupSocket = (io) => {
  io.on("connection", (socket) => {
    socket.on("robots:list", async () => socket.emit("robots", await Robot.find({})));
  });
};
"""
# near miss: the server handed in only to broadcast
HANDED_BROADCAST = """import { Robot } from "../models/robot.js";

export const setupSocket = (io) => {
  setInterval(async () => io.emit("robots", await Robot.find({})), 2000);
};
"""


@pytest.mark.parametrize("socket", [HANDED_HANDLERS, HANDED_BROADCAST], ids=["handlers", "broadcast-only"])
def test_a_socketio_server_handed_in_as_io_registers_its_handlers_there(
    make_project: MakeProject, socket: str
) -> None:
    files = {
        "package.json": PACKAGE,
        "src/server.js": SERVER,
        "src/models/robot.js": ROBOT,
        "src/socket/handlers.js": socket,
    }
    layers = _layers(inspect_json(make_project, files))
    assert layers.get("src/server.js") != "routes"  # it builds the socket.io server and hands it on
    if socket is HANDED_HANDLERS:
        assert layers["src/socket/handlers.js"] == "routes"
    else:
        assert layers.get("src/socket/handlers.js") != "routes"
