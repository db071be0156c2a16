"""A Fastify plugin filling the dependency-injection container (issue 18, session (20), Quinhas/nodejs-api):
`src/http/plugins/awilix.plugin.ts` registers `@fastify/awilix`, then `app.diContainer.register({ db:
asValue(db), … })` with the database client and services it imports, computing the use cases' path with
`path.join` and logging through the project's logger. Besides the registrations its calls are on the app it
is handed, of Node built-ins, the plugin wrapper and the project's objects: it fills the container, wiring
rather than the routes layer its `http/` folder names, and its import of the client is no bypass. A plugin that
also answers a route stays a router."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PLUGIN = """import { fastifyAwilixPlugin } from '@fastify/awilix'
import { asValue } from 'awilix'
import fastifyPlugin from 'fastify-plugin'
import path from 'node:path'
import { db } from '../../database/client.ts'
import { logger } from '../../shared/logger.ts'

export async function awilixPlugin(app) {
  await app.register(fastifyAwilixPlugin, { disposeOnClose: true })
  app.diContainer.register({ db: asValue(db), logger: asValue(logger) })
  const useCases = path.join(import.meta.dirname, '..', 'use-cases')
  app.diContainer.loadModules([useCases])
  logger.debug('container ready')
}

export default fastifyPlugin(awilixPlugin)
"""
CLIENT = """import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'

export const db = drizzle(new pg.Pool({ connectionString: process.env.DATABASE_URL }))
"""
LOGGER = "export const logger = { debug: (message) => console.log(message) }\n"
APP = """import Fastify from 'fastify'
import awilix from './http/plugins/awilix.plugin.ts'

const app = Fastify()
await app.register(awilix)
app.get('/health', async () => ({ ok: true }))
app.listen({ port: 3000 })
"""
PACKAGE = (
    '{"type": "module", "dependencies": {"fastify": "^5", "@fastify/awilix": "^7", "awilix": "^12",'
    ' "fastify-plugin": "^5", "drizzle-orm": "^0.36", "pg": "^8"}}'
)


def _architecture(make_project: MakeProject, plugin: str) -> dict[str, object]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/app.ts": APP,
        "src/http/plugins/awilix.plugin.ts": plugin,
        "src/database/client.ts": CLIENT,
        "src/shared/logger.ts": LOGGER,
    }
    architecture = inspect_json(make_project, files)["architecture"]
    assert isinstance(architecture, dict)
    return architecture


def test_a_plugin_filling_the_container_is_wiring(make_project: MakeProject) -> None:
    architecture = _architecture(make_project, PLUGIN)
    assert "src/http/plugins/awilix.plugin.ts" not in architecture["files"]
    assert architecture["violations"] == []


def test_a_container_plugin_answering_a_route_stays_a_router(make_project: MakeProject) -> None:
    plugin = PLUGIN.replace("  logger.debug('container ready')\n", "  app.get('/ready', async () => ({}))\n")
    architecture = _architecture(make_project, plugin)
    assert architecture["files"]["src/http/plugins/awilix.plugin.ts"] == "routes"
