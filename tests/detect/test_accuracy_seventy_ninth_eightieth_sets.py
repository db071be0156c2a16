"""Patterns of the seventy-ninth and eightieth unseen labelled sets (docs/accuracy.md "The seventy-ninth and
eightieth sets' disagreements, layers"), each with a violating and a clean project written for the test:

- a Drizzle table made through a schema object (`const shop = pgSchema('shop'); export const shops =
  shop.table('shops', {…})`, or `mysqlSchema(…).table(…)`) defines a table as `pgTable` does: the module is
  models, even in a folder named `stores/` for the shop entity (the code says models against the folder).
- a module building a sub-app or router only to mount other files' routers on it (`new Hono().basePath("/x")
  .route("/", list)`, Express `router.use("/users", users)`), itself mounted by another file, routes requests:
  the routes layer; the app file mounting it is then the composition root.
- a start-up probe computing a sum of numbers (`knex.raw('select 1 + 1')`) is a complete trivial statement, a
  health check reported as raw SQL as `SELECT 1` is; a sum with a name in it stays a fragment.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- Drizzle tables made through a schema object --------------------------------------------------------------

HONO_PACKAGE = """{"name": "shops", "type": "module", "dependencies": {"hono": "4", "@hono/node-server": "1",
"drizzle-orm": "0.44", "pg": "8"}}"""
SHOP_TABLE = """import { pgSchema, uuid, varchar } from 'drizzle-orm/pg-core';

const shopSchema = pgSchema('catalogue');

export const shops = shopSchema.table('shops', {
  shopId: uuid('shop_id').primaryKey(),
  title: varchar('title', { length: 200 }).notNull(),
});
"""
SHOP_TABLE_INLINE = """import { pgSchema, uuid, varchar } from 'drizzle-orm/pg-core';

export const shops = pgSchema('catalogue').table('shops', {
  shopId: uuid('shop_id').primaryKey(),
  title: varchar('title', { length: 200 }).notNull(),
});
"""
SHOP_CACHE = """const cached = new Map<string, string>();

export const remember = (key: string, value: string) => cached.set(key, value);
export const recall = (key: string) => cached.get(key);
"""
DB_CLIENT = """import { drizzle } from 'drizzle-orm/node-postgres';

export const db = drizzle(process.env.DATABASE_URL ?? 'postgres://app@localhost/app');
"""
LIST_SHOPS = """import { Hono } from 'hono';
import { shops } from './shop.js';
import { db } from '../../database/client.js';

export const listShops = new Hono().get('/', async (c) => c.json(await db.select().from(shops)));
"""
ADD_SHOP = """import { Hono } from 'hono';
import { shops } from './shop.js';
import { db } from '../../database/client.js';

export const addShop = new Hono().post('/', async (c) => {
  const [made] = await db.insert(shops).values(await c.req.json()).returning();
  return c.json(made, 201);
});
"""
SHOP_ROUTER = """import { Hono } from 'hono';
import { listShops } from './list-shops.js';
import { addShop } from './add-shop.js';

export const shopRoute = new Hono().basePath('/shops').route('/', listShops).route('/', addShop);
"""
APP = """import { Hono } from 'hono';
import { shopRoute } from './features/shops/index.js';

export const app = new Hono();

app.route('/api', shopRoute);
app.get('/live', (c) => c.json({ status: 'up' }));
"""
SERVER = """import { serve } from '@hono/node-server';
import { app } from './app.js';

serve({ fetch: app.fetch, port: 3000 });
"""


def _shops(table: str, folder: str = "shops") -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": HONO_PACKAGE,
        "src/database/client.ts": DB_CLIENT,
        "src/features/shops/list-shops.ts": LIST_SHOPS,
        "src/features/shops/add-shop.ts": ADD_SHOP,
        "src/features/shops/shop.ts": table,
        "src/features/shops/index.ts": SHOP_ROUTER,
        "src/app.ts": APP,
        "src/index.ts": SERVER,
    }
    return {
        path.replace("/shops/", f"/{folder}/"): str(text).replace("/shops/", f"/{folder}/")
        for path, text in files.items()
    }


def test_a_table_made_through_a_schema_object_is_models(make_project: MakeProject) -> None:
    for table in (SHOP_TABLE, SHOP_TABLE_INLINE):
        report = inspect_json(make_project, _shops(table, "stores"))
        assert _layers(report)["src/features/stores/shop.ts"] == "models"
        assert not [v for v in _violations(report) if v[2] == "src/features/stores/shop.ts"]


def test_a_module_in_a_stores_folder_without_tables_keeps_its_folder(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _shops(SHOP_CACHE, "stores"))
    assert _layers(report).get("src/features/stores/shop.ts") == "repositories"


# -- a router hub mounted by the app ----------------------------------------------------------------------------

SHOP_ROUTER_OWN = """import { Hono } from 'hono';
import { listShops } from './list-shops.js';

export const shopRoute = new Hono().basePath('/shops').route('/', listShops);
"""
APP_ROUTES_ONLY = """import { Hono } from 'hono';
import { addShop } from './features/shops/add-shop.js';

export const app = new Hono();

app.route('/api', addShop);
app.get('/live', (c) => c.json({ status: 'up' }));
"""
EXPRESS_APP = """const express = require('express');
const api = require('./features/index');

const app = express();
app.use('/api', api);
app.get('/live', (req, res) => res.json({ up: true }));
app.listen(3000);
"""
EXPRESS_HUB = """const { Router } = require('express');
const users = require('./users/list');

const router = Router();
router.use('/users', users);
module.exports = router;
"""
EXPRESS_USERS = """const { Router } = require('express');

const router = Router();
router.get('/', (req, res) => res.json([]));
module.exports = router;
"""


def test_a_mounted_sub_app_mounting_route_modules_routes_requests(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _shops(SHOP_TABLE))
    layers, evidence = _layers(report), _evidence(report)
    assert layers["src/features/shops/index.ts"] == "routes"
    assert "src/app.ts" not in layers
    assert evidence["src/app.ts"] == "composition root"
    assert not [v for v in _violations(report) if "src/features/shops/index.ts" in v[1:]]


def test_an_express_router_mounting_routers_routes_requests(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "a", "dependencies": {"express": "4"}}',
        "src/app.js": EXPRESS_APP,
        "src/features/index.js": EXPRESS_HUB,
        "src/features/users/list.js": EXPRESS_USERS,
    }
    report = inspect_json(make_project, files)
    assert _layers(report)["src/features/index.js"] == "routes"
    assert _evidence(report)["src/app.js"] == "composition root"


def test_a_sub_app_nothing_mounts_keeps_its_place(make_project: MakeProject) -> None:
    # the hub is imported by no file: its sub-app mounts the list module but is no part of the app
    files = _shops(SHOP_TABLE) | {
        "src/app.ts": APP_ROUTES_ONLY,
        "src/features/shops/index.ts": SHOP_ROUTER_OWN,
    }
    report = inspect_json(make_project, files)
    assert _layers(report).get("src/features/shops/index.ts") != "routes"


# -- a `select 1 + 1` start-up probe --------------------------------------------------------------------------

KNEX_INIT = """import knexLib from 'knex';

const knex = knexLib({ client: 'pg', connection: process.env.DATABASE_URL });

export function connect() {
  return knex.raw(PROBE);
}

export { knex };
"""


def _probe_files(statement: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "a", "dependencies": {"koa": "2", "knex": "3", "pg": "8"}}',
        "src/database/init.ts": KNEX_INIT.replace("PROBE", statement),
    }


def test_a_sum_of_numbers_probe_is_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _probe_files("'select 1 + 1'"))
    raw = [(item["file"], item["line"], item["sql"]) for item in report["orm"]["raw_sql"]]
    assert raw == [("src/database/init.ts", 6, "select 1 + 1")]


def test_a_sum_with_a_name_stays_a_fragment(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _probe_files("'select 1 + version'"))
    assert report["orm"]["raw_sql"] == []
    assert [item["sql"] for item in report["orm"]["fragments"]] == ["select 1 + version"]
