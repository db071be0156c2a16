"""Patterns of the fifteenth held-out set's JavaScript/TypeScript half (docs/accuracy.md, issue 18).

- A Fastify plugin that opens MikroORM (`MikroORM.init(options)`, from `@mikro-orm/core` or a driver package
  re-exporting it) and decorates the instance with the ORM is data access, as one decorating the instance with
  a Drizzle or Knex client is; a plugin decorating the instance with the ORM's settings gets no layer.

(The ESM knexfile whose `export default { development: { client: process.env.X } }` names the engine through a
committed `.env` is tested in test_database_harness.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

ORM_PLUGIN = """import { MikroORM, Options } from "{package}";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";

const ormPlugin: FastifyPluginAsync<Options> = async function (fastify, options) {
  const orm = await MikroORM.init(options);
  fastify.decorate("orm", orm);
  fastify.addHook("onRequest", async function (request) {
    request.em = orm.em.fork();
  });
  fastify.addHook("onClose", () => orm.close());
};

export default fp(ormPlugin, { name: "orm" });
"""
SETTINGS_PLUGIN = """import { defineConfig } from "@mikro-orm/postgresql";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";

const settingsPlugin: FastifyPluginAsync = async function (fastify) {
  fastify.decorate("ormSettings", defineConfig({ dbName: "shop" }));
};

export default fp(settingsPlugin, { name: "settings" });
"""
SERVER = """import Fastify from "fastify";
import ormPlugin from "./plugins/orm.js";
import settingsPlugin from "./plugins/settings.js";
import { shelfRoutes } from "./routes/shelves.js";

const app = Fastify();
app.register(ormPlugin, { dbName: "shop" });
app.register(settingsPlugin);
app.register(shelfRoutes);
app.listen({ port: 3000 });
"""
ROUTES = """import type { FastifyInstance } from "fastify";
import { Shelf } from "../entities/Shelf.js";

export async function shelfRoutes(app: FastifyInstance) {
  app.get("/shelves", async (request) => request.em.find(Shelf, {}));
}
"""
ENTITY = """import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

@Entity()
export class Shelf {
  @PrimaryKey()
  id!: number;

  @Property()
  label!: string;
}
"""


def _project(package: str) -> dict[str, str | bytes]:
    dependencies = '"fastify": "4.21.0", "fastify-plugin": "4.5.1", "@mikro-orm/core": "5.7.12", "@mikro-orm/postgresql": "5.7.12"'
    return {
        "package.json": '{"name": "shop", "version": "1.0.0", "dependencies": {' + dependencies + "}}",
        "src/server.ts": SERVER,
        "src/plugins/orm.ts": ORM_PLUGIN.replace("{package}", package),
        "src/plugins/settings.ts": SETTINGS_PLUGIN,
        "src/routes/shelves.ts": ROUTES,
        "src/entities/Shelf.ts": ENTITY,
    }


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


@pytest.mark.parametrize("package", ["@mikro-orm/core", "@mikro-orm/postgresql"])
def test_a_plugin_opening_mikro_orm_is_data_access(make_project: MakeProject, package: str) -> None:
    layers = _layers(inspect_json(make_project, _project(package)))
    assert layers["src/plugins/orm.ts"] == "repositories"  # was: no layer
    assert layers["src/routes/shelves.ts"] == "routes"


def test_a_plugin_decorating_the_instance_with_orm_settings_gets_no_layer(make_project: MakeProject) -> None:
    layers = _layers(inspect_json(make_project, _project("@mikro-orm/core")))
    assert "src/plugins/settings.ts" not in layers
