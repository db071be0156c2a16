"""Module factories between the app file and its routers (docs/accuracy.md "The hundred-and-ninth set's
disagreements (session 2026-12-07 (19))"):

- an app file that builds the Fastify app, answers a health check of its own and registers the routes of
  feature modules it builds through a layer-less factory (`createAuthModule(deps).routes`, from
  `modules/auth/index.ts`, which wires the module's repository, service, controller and routes) wires the
  app: a composition root, and its import of a data-access module is no bypass. A layer-less module the app
  file imports that imports no route module mounts nothing: the app file answering the health check keeps
  the routes layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = '{"name": "ledger", "dependencies": {"fastify": "5", "@prisma/client": "6"}}'
SERVER = """import { buildApp } from "./app";

const start = async () => {
  const app = await buildApp();
  await app.listen({ port: 3000 });
};
start();
"""
APP = """import Fastify from "fastify";
import { prismaPlugin } from "./plugins/prisma";
import { createAuthModule } from "./modules/auth/index";

export async function buildApp() {
  const app = Fastify();
  const auth = createAuthModule();
  app.get("/health", async () => ({ status: "ok" }));
  await app.register(prismaPlugin);
  await app.register(auth.routes, { prefix: "/auth" });
  return app;
}
"""
PLUGIN = """import { PrismaClient } from "@prisma/client";

export const prisma = new PrismaClient();

export async function prismaPlugin(app) {
  app.decorate("prisma", prisma);
  await prisma.user.count();
}
"""
MODULE = """import { AuthController } from "./auth.controller";
import { AuthService } from "./auth.service";
import { AuthRepository } from "./auth.repository";
import { createAuthRoutes } from "./auth.routes";

export function createAuthModule() {
  const controller = new AuthController(new AuthService(new AuthRepository()));
  return { controller, routes: createAuthRoutes(controller) };
}
"""
# the same factory building only the service: it mounts no route module
MODULE_WITHOUT_ROUTES = """import { AuthService } from "./auth.service";
import { AuthRepository } from "./auth.repository";

export function createAuthModule() {
  return { service: new AuthService(new AuthRepository()), routes: async () => {} };
}
"""
ROUTES = """import type { FastifyInstance } from "fastify";
import { AuthController } from "./auth.controller";

export function createAuthRoutes(controller: AuthController) {
  return async function (fastify: FastifyInstance) {
    fastify.post("/login", controller.login);
  };
}
"""
CONTROLLER = """export class AuthController {
  constructor(private service) {}
  async login(request, reply) {
    return reply.send(await this.service.login(request.body));
  }
}
"""
SERVICE = """export class AuthService {
  constructor(private repository) {}
  async login(body) {
    return this.repository.find(body.email);
  }
}
"""
REPOSITORY = """import { prisma } from "../../plugins/prisma";

export class AuthRepository {
  find(email: string) {
    return prisma.user.findUnique({ where: { email } });
  }
}
"""


def _project(module: str) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/app.ts": APP,
        "src/plugins/prisma.ts": PLUGIN,
        "src/modules/auth/index.ts": module,
        "src/modules/auth/auth.routes.ts": ROUTES,
        "src/modules/auth/auth.controller.ts": CONTROLLER,
        "src/modules/auth/auth.service.ts": SERVICE,
        "src/modules/auth/auth.repository.ts": REPOSITORY,
    }


def test_an_app_file_registering_routes_a_module_factory_builds_is_the_composition_root(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project(MODULE))
    assert "src/app.ts" in report["architecture"]["composition_roots"]
    assert "src/app.ts" not in _layers(report)
    assert not [v for v in _violations(report) if v[1] == "src/app.ts"]


def test_an_app_file_whose_layerless_import_mounts_no_router_keeps_the_routes_layer(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project(MODULE_WITHOUT_ROUTES))
    assert "src/app.ts" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/app.ts"] == "routes"
    assert ("bypass", "src/app.ts", "src/plugins/prisma.ts") in _violations(report)


# -- an app factory whose app the entry mounts the routers on ---------------------------------------------

FACTORY = """import Fastify from "fastify";
import { startPoller } from "./services/poller";

export function buildApp() {
  const app = Fastify();
  app.get("/health", async () => ({ status: "ok" }));
  app.addHook("onReady", async () => startPoller(5000));
  return app;
}
"""
ENTRY = """import { buildApp } from "./app";
import { db } from "./db/repo";
import journeysRoutes from "./routes/journeys";

db.exec("PRAGMA journal_mode = WAL");
const app = buildApp();
app.register(journeysRoutes);
app.listen({ port: 3000 });
"""
# the same entry listening on the factory's app without mounting anything of its own
ENTRY_ONLY = """import { buildApp } from "./app";

buildApp().listen({ port: 3000 });
"""
JOURNEYS = """import type { FastifyInstance } from "fastify";
import { listJourneys } from "../services/poller";

export default async function journeysRoutes(app: FastifyInstance) {
  app.get("/journeys", async () => listJourneys());
}
"""
POLLER = """import { db } from "../db/repo";

export function startPoller(ms: number) { return setInterval(() => db.prepare("SELECT 1").get(), ms); }
export function listJourneys() { return db.prepare("SELECT * FROM journeys").all(); }
"""
REPO = """import Database from "better-sqlite3";

export const db = new Database("journeys.db");
"""


def _factory_project(entry: str) -> dict[str, str]:
    return {
        "package.json": '{"name": "journeys", "dependencies": {"fastify": "4", "better-sqlite3": "11"}}',
        "src/index.ts": entry,
        "src/app.ts": FACTORY,
        "src/routes/journeys.ts": JOURNEYS,
        "src/services/poller.ts": POLLER,
        "src/db/repo.ts": REPO,
    }


def test_an_app_factory_whose_app_the_entry_mounts_routers_on_is_wiring(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _factory_project(ENTRY))
    assert report["architecture"]["composition_roots"] == ["src/app.ts", "src/index.ts"]
    assert "src/app.ts" not in _layers(report)
    assert _layers(report)["src/routes/journeys.ts"] == "routes"


def test_an_app_file_whose_entry_mounts_nothing_keeps_its_health_route(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _factory_project(ENTRY_ONLY))
    assert "src/app.ts" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/app.ts"] == "routes"
