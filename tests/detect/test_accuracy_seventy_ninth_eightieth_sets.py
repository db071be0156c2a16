"""Patterns of the seventy-ninth and eightieth unseen labelled sets (docs/accuracy.md "The seventy-ninth and
eightieth sets' disagreements, layers"), each with a violating and a clean project written for the test:

- a Drizzle table made through a schema object (`const shop = pgSchema('shop'); export const shops =
  shop.table('shops', {…})`, or `mysqlSchema(…).table(…)`) defines a table as `pgTable` does: the module is
  models, even in a folder named `stores/` for the shop entity (the code says models against the folder).
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
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
