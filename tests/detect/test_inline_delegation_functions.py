"""Session 2026-12-07 (18): Fastify request handlers kept in a folder naming no layer (`functions/`), each
taking the request and the reply, answering with `reply.code(…).send(…)` and querying the shared Drizzle
`db` inline. The route files register them through a barrel (`export { getUsers } from "./get-users"`),
on a chain (`app.withTypeProvider<…>().get(path, options, getUsers)`), or by an inline handler handing its
own parameters and the app to one (`(request, reply) => login(app, request, reply)`) after a long options
object: the modules are routes, and their import of the db module a bypass."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


PACKAGE = """{"name": "api", "scripts": {"start": "tsx src/server.ts"},
 "dependencies": {"fastify": "5", "drizzle-orm": "0.40", "pg": "8", "fastify-type-provider-zod": "4", "zod": "3"}}"""
SERVER = """import Fastify from 'fastify';
import { userRoutes } from './routes/user.routes';
import { authRoutes } from './routes/auth.routes';

const app = Fastify();
app.register(userRoutes, { prefix: '/api/users' });
app.register(authRoutes, { prefix: '/api/auth' });
app.listen({ port: 3000 });
"""
DB = """import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
export const db = drizzle(pool, { schema });
"""
SCHEMA = """import { pgTable, serial, varchar } from 'drizzle-orm/pg-core';

export const users = pgTable('users', { id: serial('id').primaryKey(), email: varchar('email', { length: 255 }) });
"""
USER_ROUTES = """import { FastifyInstance } from 'fastify';
import { ZodTypeProvider } from 'fastify-type-provider-zod';

import { getUsers } from '../functions/users';
import { listSchema } from '../schemas';

export async function userRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/',
    {
      schema: {
        response: { 200: listSchema },
      },
    },
    getUsers,
  );
}
"""
USERS_INDEX = """export { getUsers } from './get-users';
"""
GET_USERS = """import { FastifyReply, FastifyRequest } from 'fastify';

import { db } from '../../db/client';
import { users } from '../../db/schema';

export async function getUsers(request: FastifyRequest, reply: FastifyReply) {
  try {
    return await db.select({ id: users.id }).from(users);
  } catch (error) {
    request.log.error(error);
    return reply.code(500).send({ error: 'Internal Server Error' });
  }
}
"""
AUTH_ROUTES = """import { FastifyInstance } from 'fastify';
import { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { login } from '../functions/auth/login';
import { loginSchema } from '../schemas';

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify;
  app.withTypeProvider<ZodTypeProvider>().post<{
    Body: z.infer<typeof loginSchema>;
  }>(
    '/login',
    {
      schema: {
        body: loginSchema,
        response: {
          200: loginSchema,
        },
      },
    },
    (request, reply) => login(app, request, reply),
  );
}
"""
LOGIN = """import { eq } from 'drizzle-orm';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { db } from '../../db/client';
import { users } from '../../db/schema';

export async function login(fastify: FastifyInstance, request: FastifyRequest<{ Body: { email: string } }>, reply: FastifyReply) {
  const [user] = await db.select().from(users).where(eq(users.email, request.body.email)).limit(1);
  if (!user) {
    return reply.code(401).send({ error: 'Invalid email' });
  }
  return { token: fastify.jwt.sign({ id: user.id }) };
}
"""
SCHEMAS = """import { z } from 'zod';

export const listSchema = z.array(z.object({ id: z.number() }));
export const loginSchema = z.object({ email: z.string() });
"""


def _app(**more: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/db/client.ts": DB,
        "src/db/schema.ts": SCHEMA,
        "src/routes/user.routes.ts": USER_ROUTES,
        "src/routes/auth.routes.ts": AUTH_ROUTES,
        "src/functions/users/index.ts": USERS_INDEX,
        "src/functions/users/get-users.ts": GET_USERS,
        "src/functions/auth/login.ts": LOGIN,
        "src/schemas.ts": SCHEMAS,
    }
    files.update(more)
    return files


def test_handler_registered_on_a_chain_through_a_barrel_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _app())
    layers = _layers(report)
    assert layers["src/functions/users/get-users.ts"] == "routes"
    assert ("bypass", "src/functions/users/get-users.ts", "src/db/client.ts") in _violations(report)


def test_a_handler_in_a_data_folder_keeps_its_path(make_project: MakeProject) -> None:
    # the same registration of a function kept under `repositories/`: its folder decides
    files = _app()
    del files["src/functions/users/get-users.ts"], files["src/functions/users/index.ts"]
    files["src/repositories/users/index.ts"] = USERS_INDEX
    files["src/repositories/users/get-users.ts"] = GET_USERS
    files["src/routes/user.routes.ts"] = USER_ROUTES.replace("../functions/users", "../repositories/users")
    report = inspect_json(make_project, files)
    assert _layers(report)["src/repositories/users/get-users.ts"] == "repositories"


def test_inline_handler_handing_its_parameters_and_the_app_after_long_options(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _app())
    assert _layers(report)["src/functions/auth/login.ts"] == "routes"
    assert ("bypass", "src/functions/auth/login.ts", "src/db/client.ts") in _violations(report)
    # the route file wires the handler in: the route is the handler's, not the route file's own
    assert _layers(report)["src/routes/auth.routes.ts"] == "routes"


def test_inline_handler_handing_a_value_read_from_the_request_delegates_nothing(
    make_project: MakeProject,
) -> None:
    # `login(app, request.body)`: not the request itself but what it carries
    routes = AUTH_ROUTES.replace("login(app, request, reply)", "login(app, request.body)")
    report = inspect_json(make_project, _app(**{"src/routes/auth.routes.ts": routes}))
    assert "src/functions/auth/login.ts" not in _layers(report)


def test_inline_handler_handing_the_request_to_a_module_not_answering_it(make_project: MakeProject) -> None:
    # the function's module imports nothing of the framework: a plain data function, left to its code
    plain = LOGIN.replace(
        "import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';\n", ""
    ).replace(
        "(fastify: FastifyInstance, request: FastifyRequest<{ Body: { email: string } }>, reply: FastifyReply)",
        "(fastify: any, request: any, reply: any)",
    )
    report = inspect_json(make_project, _app(**{"src/functions/auth/login.ts": plain}))
    assert _layers(report).get("src/functions/auth/login.ts") != "routes"
