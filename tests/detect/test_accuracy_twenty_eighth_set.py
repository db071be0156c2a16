"""A `sql/` folder names the data-access layer (the twenty-eighth unseen labelled set, issue 18,
docs/accuracy.md "The twenty-eighth set's disagreements"): the modules of an app's `src/sql/<entity>/` run its
queries, so a module there whose code says nothing (an empty placeholder, a column list) follows its folder, as
one in `dal/` or `repositories/` does; a module there whose code says more keeps its code's layer. Violating and
clean projects written for the test."""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

PACKAGE = '{"name": "api", "dependencies": {"koa": "^2.13.0", "koa-router": "^10.0.0", "knex": "^2.5.0", "pg": "^8.11.0"}}'
APP = """const Koa = require("koa");
const router = require("./routes/books");

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""
DB = """const knex = require("knex");

module.exports = knex({ client: "pg", connection: process.env.DATABASE_URL });
"""
FIND = """const db = require("../../db");

module.exports = function findBooks(limit) {
  return db("books").select("id", "title").limit(limit);
};
"""
ROUTES = """const Router = require("koa-router");
const findBooks = require("../sql/books/find-books");
%s
const router = new Router();
router.get("/books", async (ctx) => {
  ctx.body = await findBooks(20);
});

module.exports = router;
"""


def _project(**extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/app.js": APP,
        "src/db.js": DB,
        "src/sql/books/find-books.js": FIND,
        "src/routes/books.js": ROUTES % "",
    }
    files.update(extra)
    return files


def test_an_empty_module_in_a_sql_folder_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: `sql/` named no layer, so a placeholder beside the query modules had none."""
    report = inspect_json(make_project, _project(**{"src/sql/books/update-book.js": ""}))
    assert layers_of(report)["src/sql/books/update-book.js"] == "repositories"
    assert evidence_of(report)["src/sql/books/update-book.js"] == "folder"


def test_a_route_importing_a_code_silent_sql_module_bypasses_the_services(make_project: MakeProject) -> None:
    """Violating on main: a column list in `sql/` had no layer, so the route's import of it was not scored."""
    columns = 'module.exports = ["id", "title", "author"];\n'
    routes = ROUTES % 'const columns = require("../sql/books/columns");\n'
    report = inspect_json(
        make_project, _project(**{"src/sql/books/columns.js": columns, "src/routes/books.js": routes})
    )
    assert layers_of(report)["src/sql/books/columns.js"] == "repositories"
    assert ("bypass", "src/routes/books.js", "src/sql/books/columns.js") in layer_violations(report)


def test_a_module_in_a_sql_folder_keeps_what_its_code_says(make_project: MakeProject) -> None:
    """Clean: a router kept in `sql/` registers routes, and the query module stays data access by its code."""
    router = """const Router = require("koa-router");

const router = new Router();
router.get("/health", async (ctx) => {
  ctx.body = { ok: true };
});

module.exports = router;
"""
    report = inspect_json(make_project, _project(**{"src/sql/health.js": router}))
    layers = layers_of(report)
    assert layers["src/sql/health.js"] == "routes"
    assert layers["src/sql/books/find-books.js"] == "repositories"
    assert layers["src/routes/books.js"] == "routes"


def test_a_sql_file_name_places_nothing(make_project: MakeProject) -> None:
    """Clean: only the folder names the layer; a module named `sql.js` elsewhere, saying nothing, gets none."""
    report = inspect_json(make_project, _project(**{"src/util/sql.js": "module.exports = { limit: 20 };\n"}))
    assert "src/util/sql.js" not in layers_of(report)


# -- a filter assembled at run time and handed to a builder's raw clause ------------------------------------

FILTERED = """const db = require("../../db");

module.exports = function findBooks(options) {
  let filter = "";
  if (options.year) {
    filter += ` year = ${parseInt(options.year, 10)}`;
  }
  return %s;
};
"""


def _raw(call: str, make_project: MakeProject) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    files = _project(**{"src/sql/books/find-books.js": FILTERED % call})
    orm = inspect_json(make_project, files)["orm"]
    sites = [(i["line"], i["kind"]) for i in orm["raw_sql"] if i["file"] == "src/sql/books/find-books.js"]
    pieces = [(i["line"], i["kind"]) for i in orm["fragments"] if i["file"] == "src/sql/books/find-books.js"]
    return sites, pieces


def test_a_filter_built_at_run_time_in_a_raw_where_clause_is_a_fragment(make_project: MakeProject) -> None:
    """Violating on main: `whereRaw(filter)` with `filter` built from pieces was dynamic raw SQL, though a
    builder's raw clause only ever takes a piece of a statement (the builder writes the rest)."""
    assert _raw('db("books").whereRaw(filter)', make_project) == ([], [(8, "fragment")])


def test_a_statement_built_at_run_time_for_knex_raw_stays_dynamic(make_project: MakeProject) -> None:
    """Clean: `knex.raw(statement)` runs whatever it is handed, so the same variable there is dynamic SQL."""
    assert _raw("db.raw(filter)", make_project)[0] == [(8, "dynamic")]
