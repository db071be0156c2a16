"""Database plugins of the hundredth and hundred-and-first unseen labelled sets (issue 18, docs/accuracy.md
"Database plugins and client modules of the hundredth and hundred-and-first sets"), each with violating and
clean projects written for the test:

- a Fastify plugin typed with Fastify's plugin type only (`const db: FastifyPluginAsync = async (app) => { … }`,
  `import type { FastifyPluginAsync } from "fastify"`) that makes the database client handles no request: it
  owns the client, data access; one making no client stays in no layer;
- a route plugin registering its routes on the app `fastify.withTypeProvider<T>()` returns (`const f = …; f.get(…)`)
  registers routes; a variable a Sequelize model factory's `sequelize.define(…)` gives is no app.
"""

from __future__ import annotations

import json

from reports import MakeProject, inspect_json

SERVER = """import { buildApp } from "./app";

buildApp().listen({ port: 3000 });
"""
APP = """import Fastify from "fastify";
import { dbPlugin } from "./plugins/db";
import { noteRoutes } from "./routes/notes";

export function buildApp() {
  const app = Fastify();
  app.register(dbPlugin);
  app.register(noteRoutes, { prefix: "/notes" });
  return app;
}
"""
PRISMA_PLUGIN = """import { PrismaClient } from "@prisma/client";
import fastifyPlugin from "fastify-plugin";
import type { FastifyPluginAsync } from "fastify";

const dbPluginImpl: FastifyPluginAsync = async (app) => {
  const prisma = new PrismaClient();
  app.decorate("prisma", prisma);
  app.addHook("onClose", async () => {
    await prisma.$disconnect();
  });
};

export const dbPlugin = fastifyPlugin(dbPluginImpl, { name: "db" });
"""
MONGOOSE_PLUGIN = """import { FastifyPluginAsync } from "fastify";
import mongoose from "mongoose";
import fp from "fastify-plugin";

const mongoPlugin: FastifyPluginAsync = async (app) => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set");
  }
  mongoose.connect(url).then(() => app.log.info("connected"));
};

export const dbPlugin = fp(mongoPlugin);
"""
# the near miss: a plugin of the same type that makes no client
HEADERS_PLUGIN = """import fp from "fastify-plugin";
import type { FastifyPluginAsync } from "fastify";

const headersPlugin: FastifyPluginAsync = async (app) => {
  app.addHook("onSend", async (_request, reply) => {
    reply.header("x-app", "notes");
  });
};

export const dbPlugin = fp(headersPlugin);
"""
NOTE_ROUTES = """import type { FastifyPluginAsync } from "fastify";

export const noteRoutes: FastifyPluginAsync = async (app) => {
  app.get("/", async () => app.prisma.note.findMany());
};
"""


def _plugins(plugin: str, client: str) -> dict[str, str | bytes]:
    return {
        "package.json": json.dumps(
            {"dependencies": {"fastify": "^4.0.0", "fastify-plugin": "^4.0.0", client: "^5.0.0"}}
        ),
        "src/server.ts": SERVER,
        "src/app.ts": APP,
        "src/plugins/db.ts": plugin,
        "src/routes/notes.ts": NOTE_ROUTES,
    }


def test_a_plugin_typed_plugin_making_the_client_is_data_access(make_project: MakeProject) -> None:
    for plugin, client in ((PRISMA_PLUGIN, "@prisma/client"), (MONGOOSE_PLUGIN, "mongoose")):
        architecture = inspect_json(make_project, _plugins(plugin, client))["architecture"]
        assert architecture["files"].get("src/plugins/db.ts") == "repositories", client


def test_a_plugin_typed_plugin_making_no_client_has_no_layer(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _plugins(HEADERS_PLUGIN, "@prisma/client"))["architecture"]
    assert "src/plugins/db.ts" not in architecture["files"]
    assert architecture["files"].get("src/routes/notes.ts") == "routes"


TODO_APP = """import Fastify from "fastify";
import { todosPlugin } from "./todos";

const app = Fastify();
app.register(todosPlugin, { prefix: "/api" });
app.listen({ port: 3000 });
"""
CLIENT = """import Database from "better-sqlite3";

const db = new Database("todos.db");

export function getDb() {
  return db;
}
"""
TODOS = """import type { FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { getDb } from "./db/client";

export const todosPlugin: FastifyPluginAsync = async (fastify) => {
  const f = fastify.withTypeProvider<ZodTypeProvider>();
  f.get("/todos", async () => getDb().prepare("SELECT id, text FROM todos").all());
};
"""


def _todos(todos: str = TODOS) -> dict[str, str | bytes]:
    return {
        "package.json": json.dumps(
            {
                "dependencies": {
                    "fastify": "^5.0.0",
                    "fastify-type-provider-zod": "^4.0.0",
                    "better-sqlite3": "^11.0.0",
                }
            }
        ),
        "src/index.ts": TODO_APP,
        "src/db/client.ts": CLIENT,
        "src/todos.ts": todos,
    }


def test_routes_on_the_app_with_type_provider_returns_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _todos())
    assert [(r["method"], r["file"]) for r in report["framework"]["routes"]] == [("GET", "src/todos.ts")]
    assert report["architecture"]["files"].get("src/todos.ts") == "routes"


MODEL_FACTORY = """module.exports = (sequelize, DataTypes) => {
  const User = sequelize.define("User", { login: DataTypes.STRING });
  User.findByLogin = async (login) => User.findOne({ where: { login } });
  return User;
};
"""
MODELS_INDEX = """const { Sequelize, DataTypes } = require("sequelize");
const sequelize = new Sequelize({ dialect: "sqlite", storage: "app.db" });
const User = require("./user")(sequelize, DataTypes);
module.exports = { sequelize, User };
"""
KOA_APP = """const Koa = require("koa");
const Router = require("@koa/router");
const { User } = require("./models");

const app = new Koa();
const router = new Router();
router.get("/users/:login", async (ctx) => {
  ctx.body = await User.findByLogin(ctx.params.login);
});
app.use(router.routes());
app.listen(3000);
"""


def test_a_variable_a_model_factory_defines_is_no_app(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(
            {"dependencies": {"koa": "^2.0.0", "@koa/router": "^12.0.0", "sequelize": "^6.0.0"}}
        ),
        "app.js": KOA_APP,
        "models/index.js": MODELS_INDEX,
        "models/user.js": MODEL_FACTORY,
    }
    architecture = inspect_json(make_project, files)["architecture"]
    assert architecture["files"].get("models/user.js") == "models"
