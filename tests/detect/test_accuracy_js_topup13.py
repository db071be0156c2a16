"""Patterns of the thirteenth unseen set's JavaScript/TypeScript top-up (issue 18, docs/accuracy.md "The
thirteenth set's top-up patterns"), each with a violating (or missed) case and a clean one, on small projects
written for the tests:

- a feature module whose `<f>.routes.ts` builds repository -> service -> handler and registers the methods
  of the handler instance (`userHandler.list` after `new UserHandler(service)`): the handler class's module
  handles requests (routes), the router stays routes (not a container), and its repository import is a bypass;
- a dotted file name adding a technology or implementation word after its layer word
  (`user.repository.drizzle.ts`) is still named for that layer; one that both declares its table and queries
  it stays data access;
- a Fastify plugin decorating the instance with the default export of a data-access module
  (`import db from '../config/database'`, `export default knex(config)`) is data access;
- a start-up check exiting when the environment fails a zod schema another module exports stops the app in
  the paper's harness.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import (
    MakeProject,
    check,
    database_status,
    evidence_of,
    inspect_json,
    layer_violations,
    layers_of,
)

from cdverify.config import LayerSpec
from cdverify.detect.layers.names import _suffix_layer

# -- a Hono feature module: routes file wiring repository -> service -> handler ---------------------------

HONO_PACKAGE = (
    '{"name": "notes", "dependencies": {"hono": "4", "@hono/node-server": "1", "drizzle-orm": "0.36",'
    ' "postgres": "3"}}'
)
SERVER = """import { serve } from '@hono/node-server';
import app from './app';

serve({ fetch: app.fetch, port: 3000 });
"""
APP = """import { Hono } from 'hono';
import noteRoutes from './modules/note/note.routes';

const app = new Hono();
app.route('/notes', noteRoutes);

export default app;
"""
CLIENT = """import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

export const client = postgres('postgres://app@localhost/notes');
export const db = drizzle(client);
"""
ROUTES = """import { Hono } from 'hono';
import { NoteHandler } from './note.handler';
import { DrizzleNoteRepository } from './note.repository.drizzle';
import { NoteService } from './note.service';

const noteHandler = new NoteHandler(new NoteService(new DrizzleNoteRepository()));

export const noteRoutes = new Hono();
noteRoutes.get('/', noteHandler.list);
noteRoutes.get('/:id', noteHandler.show);

export default noteRoutes;
"""
HANDLER = """import type { Context } from 'hono';
import type { NoteService } from './note.service';

export class NoteHandler {
  constructor(private readonly notes: NoteService) {}

  list = async (c: Context) => c.json(await this.notes.all());

  show = async (c: Context) => c.json(await this.notes.one(c.req.param('id')));
}
"""
SERVICE = """import type { NoteRepository } from './note.repository';

export class NoteService {
  constructor(private readonly repository: NoteRepository) {}

  all() {
    return this.repository.findAll();
  }

  async one(id: string) {
    const note = await this.repository.findById(id);
    if (!note) throw new Error('not found');
    return note;
  }
}
"""
PORT = """export interface NoteRepository {
  findAll(): Promise<unknown[]>;
  findById(id: string): Promise<unknown | null>;
}
"""
DRIZZLE_REPOSITORY = """import { eq } from 'drizzle-orm';
import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { db } from '../../db/client';
import type { NoteRepository } from './note.repository';

export const notes = pgTable('notes', { id: uuid('id').primaryKey(), body: text('body') });

export class DrizzleNoteRepository implements NoteRepository {
  async findAll() {
    return db.select().from(notes);
  }

  async findById(id: string) {
    const [note] = await db.select().from(notes).where(eq(notes.id, id));
    return note ?? null;
  }
}
"""


def _notes(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": HONO_PACKAGE,
        "src/server.ts": SERVER,
        "src/app.ts": APP,
        "src/db/client.ts": CLIENT,
        "src/modules/note/note.routes.ts": ROUTES,
        "src/modules/note/note.handler.ts": HANDLER,
        "src/modules/note/note.service.ts": SERVICE,
        "src/modules/note/note.repository.ts": PORT,
        "src/modules/note/note.repository.drizzle.ts": DRIZZLE_REPOSITORY,
    }
    files.update(changed)
    return files


def test_a_handler_class_a_module_router_builds_and_registers_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _notes())
    layers = layers_of(report)
    assert layers["src/modules/note/note.handler.ts"] == "routes"
    assert evidence_of(report)["src/modules/note/note.handler.ts"] == "code: routes"
    assert layers["src/modules/note/note.routes.ts"] == "routes"  # it registers the routes: no container
    assert layers["src/modules/note/note.repository.drizzle.ts"] == "repositories"
    assert ("bypass", "src/modules/note/note.routes.ts", "src/modules/note/note.repository.drizzle.ts") in (
        layer_violations(report)
    )


def test_a_router_taking_its_handler_from_elsewhere_reaches_no_repository(make_project: MakeProject) -> None:
    """The clean side: the router registers a handler instance the handler module builds, so it imports no
    data access (no bypass), and the handler module, whose methods it registers, is still routes."""
    handler = HANDLER.replace("import type { NoteService }", "import { NoteService }") + (
        "\nexport const noteHandler = new NoteHandler(new NoteService());\n"
    )
    service = SERVICE.replace(
        "import type { NoteRepository } from './note.repository';",
        "import { DrizzleNoteRepository } from './note.repository.drizzle';\n"
        "import type { NoteRepository } from './note.repository';",
    ).replace(
        "private readonly repository: NoteRepository",
        "private readonly repository: NoteRepository = new DrizzleNoteRepository()",
    )
    routes = """import { Hono } from 'hono';
import { noteHandler } from './note.handler';

export const noteRoutes = new Hono();
noteRoutes.get('/', noteHandler.list);

export default noteRoutes;
"""
    report = inspect_json(
        make_project,
        _notes(
            **{
                "src/modules/note/note.routes.ts": routes,
                "src/modules/note/note.handler.ts": handler,
                "src/modules/note/note.service.ts": service,
            }
        ),
    )
    assert layers_of(report)["src/modules/note/note.handler.ts"] == "routes"
    assert not [v for v in layer_violations(report) if v[1].endswith("note.routes.ts")]


def test_a_method_of_an_object_a_function_hands_out_names_no_handler_module(
    make_project: MakeProject,
) -> None:
    """`container.get().list`: a call other than a class's constructor made the object, so the module only
    hands out the handler; it is not taken for the handler's own module."""
    container = """import { NoteHandler } from './note.handler';
import { NoteService } from './note.service';
import { DrizzleNoteRepository } from './note.repository.drizzle';

export const container = {
  get: () => new NoteHandler(new NoteService(new DrizzleNoteRepository())),
};
"""
    routes = """import { Hono } from 'hono';
import { container } from './note.container';

export const noteRoutes = new Hono();
noteRoutes.get('/', container.get().list);

export default noteRoutes;
"""
    files = _notes(
        **{"src/modules/note/note.routes.ts": routes, "src/modules/note/note.container.ts": container}
    )
    assert "src/modules/note/note.container.ts" not in layers_of(inspect_json(make_project, files))


# -- a layer word before a technology word ---------------------------------------------------------------

_LAYERS = [
    LayerSpec(name, name, frozenset(), frozenset(words))
    for name, words in (
        ("routes", ("routes", "controller")),
        ("services", ("service",)),
        ("repositories", ("repository",)),
    )
]
_WORDS = frozenset({"drizzle", "impl", "in_memory", "prisma"})


@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("user.repository.drizzle.ts", "repositories"),
        ("user.repository.prisma.ts", "repositories"),
        ("user.repository.in-memory.ts", "repositories"),
        ("user.service.impl.ts", "services"),
        ("user.repository.ts", "repositories"),
        # clean: no layer word before the technology word, or a word that is none
        ("user.drizzle.ts", None),
        ("drizzle.ts", None),
        ("user.repository.mock.ts", None),
        ("user.repository.drizzle.extra.ts", None),
        ("user.repository.d.ts", None),
    ],
)
def test_a_technology_word_after_the_layer_word(name: str, layer: str | None) -> None:
    assert _suffix_layer(name, _LAYERS, implementations=_WORDS) == layer


def test_a_file_declaring_its_table_and_querying_it_keeps_a_data_access_name(
    make_project: MakeProject,
) -> None:
    layers = layers_of(inspect_json(make_project, _notes()))
    assert layers["src/modules/note/note.repository.drizzle.ts"] == "repositories"


def test_a_table_module_not_named_for_data_access_is_models(make_project: MakeProject) -> None:
    """The clean side: a file declaring the table and querying it whose path names no data access
    (`note.drizzle.ts`: no layer word before the technology word) or names the models (`note.model.ts`) is models, as before."""
    for name in ("src/modules/note/note.drizzle.ts", "src/modules/note/note.model.ts"):
        routes = ROUTES.replace(
            "./note.repository.drizzle", "./" + name.rsplit("/", 1)[1].removesuffix(".ts")
        )
        files = _notes(**{"src/modules/note/note.routes.ts": routes, name: DRIZZLE_REPOSITORY})
        del files["src/modules/note/note.repository.drizzle.ts"]
        assert layers_of(inspect_json(make_project, files))[name] == "models", name


# -- a Fastify plugin decorating the instance with a default-exported client -------------------------------

FASTIFY_PACKAGE = (
    '{"name": "board", "dependencies": {"fastify": "5", "fastify-plugin": "5", "knex": "3", "mysql2": "3"}}'
)
FASTIFY_APP = """import fastify from 'fastify';
import databasePlugin from './plugins/database';

const app = fastify();
app.register(databasePlugin);
app.get('/health', async () => ({ ok: true }));
app.listen({ port: 3000 });
"""
KNEX_CONFIG = """import knex from 'knex';

export const options = { client: 'mysql2', connection: 'mysql://app@localhost/board' };

const db = knex(options);

export default db;
"""
DATABASE_PLUGIN = """import fp from 'fastify-plugin';
import { FastifyPluginAsync } from 'fastify';
import db from '../config/database';

const databasePlugin: FastifyPluginAsync = async fastify => {
  fastify.decorate('knex', db);
};

export default fp(databasePlugin);
"""


def _board(config: str = KNEX_CONFIG) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE,
        "src/app.ts": FASTIFY_APP,
        "src/config/database.ts": config,
        "src/plugins/database.ts": DATABASE_PLUGIN,
    }


def test_a_plugin_decorating_the_instance_with_a_default_exported_client(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _board())
    assert layers_of(report)["src/plugins/database.ts"] == "repositories"
    assert evidence_of(report)["src/plugins/database.ts"] == "code: queries"


def test_a_plugin_decorating_a_default_export_that_is_no_client(make_project: MakeProject) -> None:
    """The clean side: the data-access module's default export is its settings, not the client."""
    config = KNEX_CONFIG.replace(
        "const db = knex(options);\n\nexport default db;",
        "export const db = knex(options);\n\nexport default options;",
    )
    assert "src/plugins/database.ts" not in layers_of(inspect_json(make_project, _board(config)))


# -- a zod schema exported by another module, checked at start-up -------------------------------------------

PG_TASK = "express-openapi-postgres"
ENV_PACKAGE = '{"name": "api", "dependencies": {"express": "4", "pg": "8", "zod": "3"}}'
ENV_SCHEMA = """import { z } from 'zod';

export const envSchema = z.object({
  PORT: z.coerce.number().default(3000),
  DATABASE_URL: z.string().default('postgresql://user:password@postgres:5432/conduit'),
  ALLOWED_ORIGINS: z.string()FIELD,
});
"""
ENV = """import { envSchema } from './env-schema';

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(parsed.error.issues);
  process.exit(1);
}

export const env = parsed.data;
"""
ENV_DEFAULT = ENV.replace("{ envSchema }", "envSchema")
DB = """import { Pool } from 'pg';
import { env } from './config/env';

export const pool = new Pool({ connectionString: env.DATABASE_URL || 'postgresql://user:password@postgres:5432/conduit' });
"""
INDEX = """import './config/env';
import express from 'express';
import { pool } from './db';

const app = express();
app.get('/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""


def _api(field: str, env: str = ENV, schema: str = ENV_SCHEMA) -> dict[str, str | bytes]:
    return {
        "package.json": ENV_PACKAGE,
        "src/index.ts": INDEX,
        "src/db.ts": DB,
        "src/config/env.ts": env,
        "src/config/env-schema.ts": schema.replace("FIELD", field),
    }


DEFAULT_SCHEMA = (
    ENV_SCHEMA.replace("export const envSchema = ", "const envSchema = ") + "\nexport default envSchema;\n"
)


@pytest.mark.parametrize(
    ("env", "schema"), [(ENV, ENV_SCHEMA), (ENV_DEFAULT, DEFAULT_SCHEMA)], ids=["named", "default"]
)
@pytest.mark.parametrize(
    ("field", "stops"), [(".min(1)", True), (".optional()", False), (".default('*')", False)]
)
def test_an_imported_zod_schema_failing_at_start_up(
    make_project: MakeProject, env: str, schema: str, field: str, stops: bool
) -> None:
    report: dict[str, Any] = check(make_project, _api(field, env, schema), PG_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        messages = [f["message"] for f in report["findings"] if f["rule"] == "DB001"]
        assert any("exits when a zod schema finds $ALLOWED_ORIGINS unset" in m for m in messages)
