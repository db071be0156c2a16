"""Fastify request handlers kept in a folder naming no layer (docs/accuracy.md "The hundred-and-twenty-fifth
set's disagreements (session 2026-12-07 (19))"): a route plugin typed `FastifyPluginAsync` registers inline
handlers that hand the request, the plugin's app and (for some) the reply to functions of
`helpers/*.helpers.ts` (`async (req) => getBoardsHelper(app, req)`, `async (req, reply) => signUpHelper(app,
req, reply)`), which read the request, throw HTTP errors and query the database: the helpers answer the
request, so their modules are routes. The plugin's `app` is traced to the app instance it is handed, still a
plain name handed on; a Fastify handler may take the request alone, answering with what it returns.

Clean: the same one-parameter delegation in Koa (`async (ctx) => listBoards(ctx)`: a context a data function
may write its rows on) and a helper handed a value read from the request (`getBoardsHelper(app, req.body)`)
leave the helper module to its path. Projects written for the test."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "boards", "dependencies": {"fastify": "5", "knex": "3", "pg": "8"}}"""
SERVER = """import Fastify from 'fastify';
import knexPlugin from './plugins/knex';
import boardRoutes from './routes/boards';

const app = Fastify();
app.register(knexPlugin);
app.register(boardRoutes, { prefix: '/api' });
app.listen({ port: 3000 });
"""
KNEX = """import fp from 'fastify-plugin';
import knexFactory from 'knex';

export default fp(async (app) => {
  app.decorate('knex', knexFactory({ client: 'pg', connection: process.env.DATABASE_URL }));
});
"""
ROUTES = """import { FastifyPluginAsync } from 'fastify';
import { createBoardHelper, getBoardsHelper } from '../helpers/boards.helpers';

const plugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/boards',
    { schema: { tags: ['boards'] } },
    async (req) => getBoardsHelper(app, req)
  );
  app.post(
    '/boards',
    { schema: { tags: ['boards'] } },
    async (req, reply) => createBoardHelper(app, req, reply)
  );
};

export default plugin;
"""
HELPERS = """import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export async function getBoardsHelper(app: FastifyInstance, req: FastifyRequest) {
  const { id } = req.user as { id: string };
  return app.knex('boards').where('owner_id', id);
}

export async function createBoardHelper(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
  const [board] = await app.knex('boards').insert(req.body).returning('id');
  return reply.code(201).send(board);
}
"""


def _layers(files: dict[str, str | bytes], make_project: MakeProject) -> dict[str, str]:
    report: dict[str, Any] = inspect_json(make_project, files)
    layers: dict[str, str] = report["architecture"]["files"]
    return layers


def _fastify(routes: str = ROUTES) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/plugins/knex.ts": KNEX,
        "src/routes/boards.ts": routes,
        "src/helpers/boards.helpers.ts": HELPERS,
    }


def test_helpers_a_fastify_plugin_hands_the_request_and_its_app_to_are_routes(
    make_project: MakeProject,
) -> None:
    layers = _layers(_fastify(), make_project)
    assert layers["src/helpers/boards.helpers.ts"] == "routes"
    assert layers["src/routes/boards.ts"] == "routes"


def test_the_request_alone_in_fastify_is_handed_to_a_request_handler(make_project: MakeProject) -> None:
    # only the one-parameter route: its helper answers the request as a (request, reply) one would
    routes = ROUTES.replace(
        "async (req, reply) => createBoardHelper(app, req, reply)", "async (req) => getBoardsHelper(app, req)"
    )
    assert _layers(_fastify(routes), make_project)["src/helpers/boards.helpers.ts"] == "routes"


def test_a_value_read_from_the_request_hands_no_request(make_project: MakeProject) -> None:
    routes = ROUTES.replace("getBoardsHelper(app, req)", "getBoardsHelper(app, req.body)").replace(
        "createBoardHelper(app, req, reply)", "createBoardHelper(app, req.body, reply.code)"
    )
    assert _layers(_fastify(routes), make_project).get("src/helpers/boards.helpers.ts") != "routes"


KOA_PACKAGE = (
    """{"name": "boards", "dependencies": {"koa": "2", "@koa/router": "12", "knex": "3", "pg": "8"}}"""
)
KOA_SERVER = """import Koa from 'koa';
import Router from '@koa/router';
import { listBoards } from './helpers/boards.helpers';

const app = new Koa();
const router = new Router();
router.get('/boards', async (ctx) => listBoards(ctx));
app.use(router.routes());
app.listen(3000);
"""
KOA_HELPERS = """import knexFactory from 'knex';
import { Context } from 'koa';

const knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });

export async function listBoards(ctx: Context) {
  ctx.body = await knex('boards').select('id', 'name');
}
"""


def test_a_koa_context_alone_hands_no_request(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": KOA_PACKAGE,
        "src/server.ts": KOA_SERVER,
        "src/helpers/boards.helpers.ts": KOA_HELPERS,
    }
    assert _layers(files, make_project).get("src/helpers/boards.helpers.ts") != "routes"
