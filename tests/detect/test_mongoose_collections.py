"""Collections of Mongoose's default connection reached without a model (issue 18, the seventy-eighth set):
`mongoose.connection.db.collection("sessions").createIndex(…)` in `config/indexes.js`, or
`mongoose.connection.collection("users").find()`, runs the native driver's operations as a model's finders do, so
the module is data access. A module only reading the connection's state (`mongoose.connection.readyState` in a
health check) queries nothing."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

PACKAGE = """{"name": "m", "type": "module", "dependencies": {"express": "4", "mongoose": "8"}}"""
SERVER = """import express from "express";
import mongoose from "mongoose";
import { createIndexes } from "./config/indexes.js";

const app = express();
app.get("/health", (req, res) => res.json({ ok: true }));
await mongoose.connect(process.env.MONGODB_URI ?? "mongodb://localhost/m");
await createIndexes();
app.listen(3000);
"""
NATIVE = """import mongoose from "mongoose";

export const createIndexes = async () => {
  const db = mongoose.connection.db;
  const sessions = db.collection("sessions");
  await sessions.createIndex({ userId: 1, startTime: -1 });
  await mongoose.connection.db.collection("chunks").createIndex({ sessionId: 1 }, { unique: true });
};
"""
CONNECTION = """import mongoose from "mongoose";

export const createIndexes = async () => {
  const users = await mongoose.connection.collection("users").find({}).toArray();
  return users.length;
};
"""
STATE = """import mongoose from "mongoose";

export const createIndexes = async () => {
  console.log("connected:", mongoose.connection.readyState === 1);
};
"""


def _layer(make_project: MakeProject, indexes: str) -> str:
    files = {"package.json": PACKAGE, "src/server.js": SERVER, "src/config/indexes.js": indexes}
    return inspect_json(make_project, files)["architecture"]["files"].get("src/config/indexes.js", "none")


@pytest.mark.parametrize("indexes", [NATIVE, CONNECTION], ids=["native-db", "connection-collection"])
def test_a_module_using_the_default_connections_collections_is_data_access(
    make_project: MakeProject, indexes: str
) -> None:
    assert _layer(make_project, indexes) == "repositories"


def test_a_module_reading_the_connection_state_is_not(make_project: MakeProject) -> None:
    assert _layer(make_project, STATE) == "none"
