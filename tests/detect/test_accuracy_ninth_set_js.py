"""JavaScript/TypeScript layer patterns of the ninth unseen labelled set (issue 18, docs/accuracy.md "The ninth
set's JavaScript/TypeScript patterns"), each with a violating and a clean project written for the test:

- query functions that take the client as a parameter typed with the project's own alias of it (`db: Database`
  after `import type { Database } from "../db/client"`, where `export type Database = typeof db`, `ReturnType<typeof
  drizzle>` or `NodePgDatabase<typeof schema>`; a local alias; a constructor property) run queries: a module of
  them is data access even inside a routes folder, and the route module importing it reaches data access
  directly. A parameter typed with a project type that is no client (a DTO, a mailer), and a route installer whose
  app parameter is typed with the project's alias of the app, change nothing;
- a module keeping the client another data-access module's factory makes (`dataSource = createDataSource(config)`
  in a lazy getter that returns it) hands out the connection: data access, and a router importing the getter
  reaches it directly.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers


def _route_files(report: dict[str, Any]) -> set[str]:
    """The files the framework report found registering routes."""
    return {e["file"] for e in report["framework"]["evidence"] if e["kind"] == "routes"}


# -- query functions taking the client through the project's type alias -------------------------------------

HONO_PACKAGE = """{"name": "blog", "type": "module", "dependencies": {"hono": "4", "@hono/node-server": "1",
"drizzle-orm": "0.36", "pg": "8"}}"""
SCHEMA = """import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const articles = pgTable('articles', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
});
"""
CLIENT = """import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from './schema';

export const db = drizzle(process.env.DATABASE_URL!, { schema });
export type Database = typeof db;
"""
CLIENT_RETURN_TYPE = """import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from './schema';

export type Database = ReturnType<typeof drizzle<typeof schema>>;
export const db: Database = drizzle(process.env.DATABASE_URL!, { schema });
"""
CLIENT_NAMED_TYPE = """import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema>;
export const db = drizzle(process.env.DATABASE_URL!, { schema });
"""
QUERIES = """import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { articles } from '../../db/schema';

export function findArticle(db: Database, id: number) {
  return db.query.articles.findFirst({ where: eq(articles.id, id) });
}

export function addArticle(db: Database, title: string) {
  return db.insert(articles).values({ title }).returning();
}
"""
QUERIES_LOCAL_ALIAS = """import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { articles } from '../../db/schema';

type Database = NodePgDatabase<Record<string, never>>;

export const findArticle = async (db: Database, id: number) => (await db.select().from(articles))[id];
export const addArticle = (db: Database, title: string) => db.insert(articles).values({ title });
"""
QUERIES_CLASS = """import type { Database } from '../../db/client';
import { articles } from '../../db/schema';

export class ArticleQueries {
  constructor(private readonly db: Database) {}

  all() {
    return this.db.select().from(articles);
  }
}

export const findArticle = (queries: ArticleQueries, id: number) => queries.all().then((rows) => rows[id]);
export const addArticle = (queries: ArticleQueries, title: string) => ({ title, queries });
"""
ROUTES = """import { Hono } from 'hono';
import { addArticle, findArticle } from './queries';

const articlesApp = new Hono();

articlesApp.get('/:id', async (c) => c.json(await findArticle(c.get('db'), Number(c.req.param('id')))));
articlesApp.post('/', async (c) => c.json(await addArticle(c.get('db'), (await c.req.json()).title), 201));

export default articlesApp;
"""
SERVER = """import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { db } from './db/client';
import articlesApp from './routes/articles';

const app = new Hono();
app.use(async (c, next) => {
  c.set('db', db);
  await next();
});
app.route('/articles', articlesApp);

serve({ fetch: app.fetch, port: 3000 });
"""
SERVICE = """import { addArticle, findArticle } from '../repositories/articles';
import { db } from '../db/client';

export const readArticle = (id: number) => findArticle(db, id);
export const writeArticle = (title: string) => addArticle(db, title);
"""
ROUTES_THROUGH_SERVICE = """import { Hono } from 'hono';
import { readArticle, writeArticle } from '../../services/articles';

const articlesApp = new Hono();

articlesApp.get('/:id', async (c) => c.json(await readArticle(Number(c.req.param('id')))));
articlesApp.post('/', async (c) => c.json(await writeArticle((await c.req.json()).title), 201));

export default articlesApp;
"""


def _blog(client: str = CLIENT, queries: str = QUERIES, **more: str) -> dict[str, str]:
    return {
        "package.json": HONO_PACKAGE,
        "src/index.ts": SERVER,
        "src/db/client.ts": client,
        "src/db/schema.ts": SCHEMA,
        "src/routes/articles/queries.ts": queries,
        "src/routes/articles/index.ts": ROUTES,
        **more,
    }


@pytest.mark.parametrize(
    ("client", "queries"),
    [
        (CLIENT, QUERIES),  # `export type Database = typeof db`
        (CLIENT_RETURN_TYPE, QUERIES),  # `ReturnType<typeof drizzle<…>>`
        (CLIENT_NAMED_TYPE, QUERIES),  # `NodePgDatabase<typeof schema>`
        (CLIENT, QUERIES_LOCAL_ALIAS),  # the alias declared in the query module itself
        (CLIENT, QUERIES_CLASS),  # a constructor property typed with the alias
    ],
    ids=["typeof", "return-type", "named-type", "local-alias", "constructor-property"],
)
def test_query_functions_in_a_routes_folder_taking_the_aliased_client_are_data_access(
    make_project: MakeProject, client: str, queries: str
) -> None:
    report = inspect_json(make_project, _blog(client, queries))
    assert _layers(report)["src/routes/articles/queries.ts"] == "repositories"
    assert _evidence(report)["src/routes/articles/queries.ts"] == "code: queries"
    assert _layers(report)["src/routes/articles/index.ts"] == "routes"
    # the route module reaches the queries directly; the queries importing the client's type is no bypass
    assert _violations(report) == [
        ("bypass", "src/routes/articles/index.ts", "src/routes/articles/queries.ts")
    ]


def test_routes_reaching_the_aliased_queries_through_a_service_break_nothing(
    make_project: MakeProject,
) -> None:
    files = _blog(
        **{
            "src/routes/articles/index.ts": ROUTES_THROUGH_SERVICE,
            "src/repositories/articles.ts": QUERIES.replace("../../db/", "../db/"),
            "src/services/articles.ts": SERVICE,
        }
    )
    del files["src/routes/articles/queries.ts"]
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert layers["src/repositories/articles.ts"] == "repositories"
    assert layers["src/services/articles.ts"] == "services"
    assert layers["src/routes/articles/index.ts"] == "routes"
    assert _violations(report) == []


# -- parameters typed with project types that are no client ---------------------------------------------------

TYPES = """import type { Hono } from 'hono';

export type App = Hono;
export type Article = { id: number; title: string };
export interface Mailer {
  send(to: string, body: string): Promise<void>;
}
"""
FORMAT = """import type { Article, Mailer } from '../../types';

export function titleOf(article: Article) {
  return article.title.trim();
}

export async function announce(mailer: Mailer, article: Article) {
  await mailer.send('editors@example.com', titleOf(article));
}
"""
INSTALLER = """import type { App } from '../types';

export default function registerHealth(app: App) {
  app.get('/health', (c) => c.text('ok'));
}
"""
SERVER_WITH_INSTALLER = """import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import articlesApp from './routes/articles';
import registerHealth from './routes/health';

const app = new Hono();
registerHealth(app);
app.route('/articles', articlesApp);

serve({ fetch: app.fetch, port: 3000 });
"""
ROUTES_FORMATTING = """import { Hono } from 'hono';
import { titleOf } from './format';

const articlesApp = new Hono();

articlesApp.get('/', (c) => c.text(titleOf({ id: 1, title: c.req.query('title') ?? '' })));

export default articlesApp;
"""


def test_parameters_typed_with_project_types_that_are_no_client_change_nothing(
    make_project: MakeProject,
) -> None:
    files = {
        "package.json": HONO_PACKAGE,
        "src/index.ts": SERVER_WITH_INSTALLER,
        "src/types.ts": TYPES,
        "src/routes/health.ts": INSTALLER,
        "src/routes/articles/format.ts": FORMAT,
        "src/routes/articles/index.ts": ROUTES_FORMATTING,
    }
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert layers["src/routes/articles/format.ts"] == "routes"  # its folder's: its code shows no role
    assert _evidence(report)["src/routes/articles/format.ts"] == "folder"
    # the installer's `app: App` is still the app handed to it: its route is registered
    assert "src/routes/health.ts" in _route_files(report)
    assert layers["src/routes/health.ts"] == "routes"
    assert _violations(report) == []


EXPRESS_TYPES = """import type { Express } from 'express';

export type App = Express;
"""
EXPRESS_INSTALLER = """import type { App } from '../types.js';

export default (app: App) => {
  app.get('/health', (_req, res) => res.send('ok'));
};
"""
EXPRESS_INSTALLING_SERVER = """import express from 'express';
import installHealth from './routes/health.js';

const app = express();
installHealth(app);
app.listen(3000);
"""


def test_a_route_installer_typed_with_the_projects_app_alias_still_registers_routes(
    make_project: MakeProject,
) -> None:
    files = {
        "package.json": '{"name": "probe", "type": "module", "dependencies": {"express": "5"}}',
        "src/server.ts": EXPRESS_INSTALLING_SERVER,
        "src/types.ts": EXPRESS_TYPES,
        "src/routes/health.ts": EXPRESS_INSTALLER,
    }
    report = inspect_json(make_project, files)
    assert "src/routes/health.ts" in _route_files(report)  # `app` is the app `installHealth(app)` hands it
    assert report["framework"]["serving"] == ["express"]


# -- a lazy getter keeping the client another module's factory makes ------------------------------------------

EXPRESS_PACKAGE = """{"name": "accounts", "type": "module", "dependencies": {"express": "5", "typeorm": "0.3",
"pg": "8", "reflect-metadata": "0.2"}}"""
ENTITY = """import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Account {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  owner!: string;
}
"""
SOURCE = """import { DataSource } from 'typeorm';
import { Account } from '../entities/account.js';

export function sourceUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://localhost/accounts';
}

export function createSource(url: string): DataSource {
  return new DataSource({ type: 'postgres', url, entities: [Account], synchronize: true });
}
"""
GETTER = """import { DataSource } from 'typeorm';
import { createSource } from './source.js';

let source: DataSource | null = null;

export async function getSource(): Promise<DataSource> {
  if (!source) {
    source = createSource(process.env.DATABASE_URL ?? 'postgres://localhost/accounts');
  }
  return source;
}
"""
URL_GETTER = """import { sourceUrl } from '../database/source.js';

let url: string | null = null;

export function getUrl(): string {
  if (!url) {
    url = sourceUrl();
  }
  return url;
}
"""
HEALTH = """import { Router } from 'express';
import { getSource } from '../database/index.js';

export const healthRouter = Router();

healthRouter.get('/health', async (_req, res) => {
  const source = await getSource();
  res.json({ database: source.isInitialized ? 'up' : 'down' });
});
"""
HEALTH_SERVICE = """import { getSource } from '../database/index.js';

export async function databaseUp(): Promise<boolean> {
  return (await getSource()).isInitialized;
}
"""
HEALTH_THROUGH_SERVICE = """import { Router } from 'express';
import { databaseUp } from '../services/health.js';

export const healthRouter = Router();

healthRouter.get('/health', async (_req, res) => {
  res.json({ database: (await databaseUp()) ? 'up' : 'down' });
});
"""
EXPRESS_SERVER = """import 'reflect-metadata';
import express from 'express';
import { healthRouter } from './routes/health.js';

const app = express();
app.use(healthRouter);
app.listen(3000);
"""


def _accounts(health: str = HEALTH, **more: str) -> dict[str, str]:
    return {
        "package.json": EXPRESS_PACKAGE,
        "src/server.ts": EXPRESS_SERVER,
        "src/entities/account.ts": ENTITY,
        "src/database/source.ts": SOURCE,
        "src/database/index.ts": GETTER,
        "src/routes/health.ts": health,
        **more,
    }


def test_a_getter_keeping_the_client_a_factory_makes_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _accounts())
    assert _layers(report)["src/database/index.ts"] == "repositories"
    assert _evidence(report)["src/database/index.ts"] == "code: queries"
    assert _violations(report) == [("bypass", "src/routes/health.ts", "src/database/index.ts")]


def test_a_router_reaching_the_getter_through_a_service_breaks_nothing(make_project: MakeProject) -> None:
    files = _accounts(
        HEALTH_THROUGH_SERVICE,
        **{"src/services/health.ts": HEALTH_SERVICE, "src/config/url.ts": URL_GETTER},
    )
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert layers["src/database/index.ts"] == "repositories"
    assert layers["src/services/health.ts"] == "services"
    # a getter keeping what a data-access module's other factory gives (a URL) hands out no connection
    assert "src/config/url.ts" not in layers
    assert _violations(report) == []
