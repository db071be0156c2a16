"""SQL handed to a helper a module installs on the global object (issue 18, docs/accuracy.md "Left-over
patterns (session 2026-12-05 (7))"), with violating and clean projects written for the test:

- `global.db = execute` in one module, where `execute(sql, params)` runs `conn.query(sql, params, …)` in
  a callback of `pool.getConnection(…)` (the SQL is a parameter of the function around the callback), then
  `db('SELECT …')` in a handler that imports nothing: the statement is raw SQL at the handler's call;
- `globalThis.query = async (sql) => …` and `global.run = function (text) { … }`: the same;
- clean: a handler that declares its own `db` (a parameter or a `const`), a global installed with
  something that is no helper, and a closure whose parameter hides the outer function's.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json, layers_of

PACKAGE = '{"name": "shop", "dependencies": {"koa": "^2.15.0", "koa-router": "^12.0.0", "mysql": "^2.18.1"}}'
DATABASE = """const mysql = require('mysql')

let pool

function init() {
  pool = mysql.createPool({ host: '127.0.0.1', user: 'shop', database: 'shop' })
  global.db = execute
}

function execute(sql, params) {
  return new Promise((resolve) => {
    pool.getConnection((err, conn) => {
      conn.query(sql, params, (error, rows) => {
        conn.release()
        resolve(rows)
      })
    })
  })
}

module.exports = { init }
"""
ITEMS = """const Router = require('koa-router')
const router = new Router()

router.get('/items', async (ctx) => {
  ctx.body = await db('SELECT id, name FROM items')
})

router.post('/items', async (ctx) => {
  ctx.body = await db('INSERT INTO items (name) VALUES (?)', [ctx.request.body.name])
})

module.exports = router
"""
APP = """const Koa = require('koa')
const database = require('./utils/database')
const items = require('./routes/items')

database.init()
const app = new Koa()
app.use(items.routes())
app.listen(3000)
"""


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(r["file"], r["line"], r["statement"], r.get("via", "")) for r in report["orm"]["raw_sql"]]


def _project(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "app.js": APP,
        "utils/database.js": DATABASE,
        "routes/items.js": ITEMS,
    }
    files.update(changed)
    return files


def test_sql_handed_to_a_helper_installed_on_global_is_raw_sql_at_the_handler(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project())
    via = "db (global) → execute (utils/database.js:13)"
    assert _raw(report) == [
        ("routes/items.js", 5, "SELECT", via),
        ("routes/items.js", 9, "INSERT", via),
    ]
    # the handler imports nothing of the data access: its folder still places it
    assert layers_of(report)["routes/items.js"] == "routes"


def test_helpers_installed_on_global_this_and_as_function_expressions(make_project: MakeProject) -> None:
    database = """const { Pool } = require('pg')
const pool = new Pool({ connectionString: 'postgres://shop@localhost/shop' })

globalThis.query = async (sql, values) => (await pool.query(sql, values)).rows
global.run = function (text) {
  return pool.query(text)
}
"""
    items = """module.exports = async function list(ctx) {
  ctx.body = await query('SELECT * FROM items WHERE id = $1', [ctx.params.id])
  await run('DELETE FROM carts')
}
"""
    files = _project(**{"utils/database.js": database, "routes/items.js": items})
    files["package.json"] = PACKAGE.replace('"mysql": "^2.18.1"', '"pg": "^8.11.0"')
    found = _raw(inspect_json(make_project, files))
    assert [(file, line, statement) for file, line, statement, _ in found] == [
        ("routes/items.js", 2, "SELECT"),
        ("routes/items.js", 3, "DELETE"),
    ]
    assert found[0][3].startswith("query (global) → ")
    assert found[1][3].startswith("run (global) → ")


def test_a_name_the_file_binds_is_no_global_helper(make_project: MakeProject) -> None:
    items = """const Router = require('koa-router')
const router = new Router()
const db = (text) => console.log(text)

router.get('/items', async (ctx) => {
  ctx.body = await db('SELECT id, name FROM items')
})

function report(run) {
  return run('SELECT 1 FROM items')
}

module.exports = { router, report }
"""
    files = _project(**{"routes/items.js": items})
    files["utils/database.js"] = DATABASE.replace(
        "  global.db = execute\n", "  global.db = pool\n  global.run = execute\n"
    )
    assert _raw(inspect_json(make_project, files)) == []


def test_a_closure_parameter_hiding_the_outer_one_makes_no_helper(make_project: MakeProject) -> None:
    # the callback's own `sql` is what reaches the sink, not `execute`'s parameter: `execute` hands on only
    # `params`, so the handlers' statements are no SQL of `db`
    database = DATABASE.replace("pool.getConnection((err, conn) => {", "pool.getConnection((sql, conn) => {")
    assert _raw(inspect_json(make_project, _project(**{"utils/database.js": database}))) == []
