"""JavaScript / TypeScript layer patterns left on the labelled repositories after session (6)'s first round
(issue 18, docs/accuracy.md "JavaScript/TypeScript patterns, round 2"), each with a violating (or missed) case
and a clean one, on small projects written for these tests:

- a module the app file hands its app to, placed in routes only by its file name (`loaders/routes.js`), that
  mounts imported routers and registers no route of its own: wiring (a composition root), not routes;
- an import taking from a barrel (`export * from "../db/queries"`) only names the barrel declares itself
  (`import { Cached } from "../decorators/Cached"`, a decorator beside the re-export) reaches none of the
  modules it re-exports: no bypass;
- TypeORM's `createConnection()` opens the app's connection (data access, as `new DataSource(…)` does), except in
  a start-up step the importer only hands in a bootstrap's options (`bootstrapMicroframework({ loaders: [...] })`):
  wiring.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json


def _architecture(report: dict[str, Any]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    architecture = report["architecture"]
    return architecture["files"], architecture["evidence"], architecture["composition_roots"]


# -- a loader mounting the routers on the app it is handed ----------------------------------------------------

PACKAGE = '{"name": "books", "dependencies": {"express": "4", "mysql": "2"}}'
SERVER = """const express = require("express");
const initRoutes = require("./loaders/routes");

const app = express();
app.use(express.json());
initRoutes(app);
app.listen(3000);
"""
LOADER = """const booksRouter = require("../routes/book");

const initRoutes = (app) => {
  app.use("/books", booksRouter);
};

module.exports = initRoutes;
"""
ROUTER = """const express = require("express");
const { listBooks } = require("../controllers/book");

const router = express.Router();
router.get("/", listBooks);

module.exports = router;
"""
CONTROLLER = """exports.listBooks = (req, res) => res.json([]);
"""


def _books(**extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "server.js": SERVER,
        "loaders/routes.js": LOADER,
        "routes/book.js": ROUTER,
        "controllers/book.js": CONTROLLER,
        **extra,
    }


def test_a_loader_mounting_routers_on_the_app_it_is_handed_is_wiring(make_project: MakeProject) -> None:
    files, evidence, roots = _architecture(inspect_json(make_project, _books()))
    assert "loaders/routes.js" not in files
    assert evidence["loaders/routes.js"] == "composition root"
    assert roots == ["loaders/routes.js", "server.js"]
    assert files["routes/book.js"] == "routes"


@pytest.mark.parametrize(
    ("loader", "why"),
    [
        (
            LOADER.replace(
                '  app.use("/books", booksRouter);\n', '  app.get("/ping", (req, res) => res.send("ok"));\n'
            ),
            "it registers a route of its own",
        ),
        (
            'const express = require("express");\nconst booksRouter = require("../routes/book");\n\n'
            "const router = express.Router();\n"
            'router.use("/books", booksRouter);\n\nmodule.exports = router;\n',
            "it builds a router of its own: the app is not handed to it",
        ),
    ],
)
def test_a_routes_file_that_is_no_app_installer_keeps_its_layer(
    make_project: MakeProject, loader: str, why: str
) -> None:
    server = (
        SERVER.replace("initRoutes(app);", 'app.use("/", initRoutes);') if "Router()" in loader else SERVER
    )
    files, _evidence, _roots = _architecture(
        inspect_json(make_project, _books(**{"loaders/routes.js": loader, "server.js": server}))
    )
    assert files.get("loaders/routes.js") == "routes", why


def test_an_installer_in_a_routes_folder_keeps_its_folder(make_project: MakeProject) -> None:
    """`routes/index.js` exporting `(app) => app.use(…)`: the folder says routes, and the labels agree."""
    project = _books(**{"routes/index.js": LOADER.replace("../routes/book", "./book")})
    project["server.js"] = SERVER.replace("./loaders/routes", "./routes")
    del project["loaders/routes.js"]
    files, _evidence, _roots = _architecture(inspect_json(make_project, project))
    assert files["routes/index.js"] == "routes"


# -- a barrel's own names ------------------------------------------------------------------------------------

TS_PACKAGE = '{"name": "pets", "dependencies": {"express": "4", "pg": "8"}}'
TS_SERVER = """import express from "express";
import { petsRouter } from "./routes/pets";

const app = express();
app.use("/pets", petsRouter);
app.listen(3000);
"""
TS_ROUTES = """import { Router } from "express";
import { IMPORTED } from "../decorators/Cached";

export const petsRouter = Router();
petsRouter.get("/", async (req, res) => res.json(await USED));
"""
TS_DECORATOR = """import { findPets } from "../repositories/pets";

export function Cached(load: () => Promise<unknown>) {
  let value: Promise<unknown> | undefined;
  return () => (value ??= load());
}

export const cachedPets = Cached(findPets);

export * from "../repositories/pets";
"""
TS_REPOSITORY = """import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function findPets() {
  return (await pool.query("SELECT * FROM pets")).rows;
}
"""


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


@pytest.mark.parametrize(
    ("imported", "used", "bypass"),
    [
        ("cachedPets", "cachedPets()", False),  # declared by the barrel itself
        ("Cached, type Pet", "Cached(async () => [])()", False),
        ("findPets", "findPets()", True),  # re-exported from the repository
        ("cachedPets, findPets", "findPets()", True),
    ],
)
def test_an_import_of_a_barrels_own_names_reaches_none_of_its_re_exports(
    make_project: MakeProject, imported: str, used: str, bypass: bool
) -> None:
    decorator = TS_DECORATOR + ("export type Pet = { name: string };\n" if "Pet" in imported else "")
    project: dict[str, str | bytes] = {
        "package.json": TS_PACKAGE,
        "src/server.ts": TS_SERVER,
        "src/routes/pets.ts": TS_ROUTES.replace("IMPORTED", imported).replace("USED", used),
        "src/decorators/Cached.ts": decorator,
        "src/repositories/pets.ts": TS_REPOSITORY,
    }
    report = inspect_json(make_project, project)
    assert report["architecture"]["files"]["src/repositories/pets.ts"] == "repositories"
    expected = [("bypass", "src/routes/pets.ts", "src/decorators/Cached.ts")] if bypass else []
    assert _violations(report) == expected


# -- TypeORM's createConnection, and start-up steps a bootstrap runs -------------------------------------------

KOA_PACKAGE = (
    '{"name": "users", "dependencies": {"koa": "2", "@koa/router": "12", "typeorm": "0.2", "pg": "8"}}'
)
KOA_SERVER = """import Koa from "koa";
import db from "./db/db";
import routes from "./routes/routes";

const koa = new Koa();
koa.use(routes.routes());
db.connect().then(() => koa.listen(3000));
"""
KOA_DB = """import { createConnection } from "typeorm";

const db = {
  connect: async () => createConnection(),
};

export default db;
"""
KOA_ROUTES = """import Router from "@koa/router";

const router = new Router();
router.get("/health", (ctx) => {
  ctx.body = { ok: true };
});

export default router;
"""


def test_a_module_opening_a_typeorm_connection_is_data_access(make_project: MakeProject) -> None:
    project: dict[str, str | bytes] = {
        "package.json": KOA_PACKAGE,
        "src/server.ts": KOA_SERVER,
        "src/db/db.ts": KOA_DB,
        "src/routes/routes.ts": KOA_ROUTES,
    }
    files, evidence, _roots = _architecture(inspect_json(make_project, project))
    assert (files["src/db/db.ts"], evidence["src/db/db.ts"]) == ("repositories", "code: queries")


BOOT_PACKAGE = '{"name": "api", "dependencies": {"express": "4", "typeorm": "0.2", "pg": "8", "microframework-w3tec": "0.6"}}'
BOOT_APP = """import { bootstrapMicroframework } from "microframework-w3tec";
import { expressLoader } from "./loaders/expressLoader";
import { typeormLoader } from "./loaders/typeormLoader";

bootstrapMicroframework({ loaders: [typeormLoader, expressLoader] });
"""
BOOT_EXPRESS = """import express from "express";

export const expressLoader = () => {
  const app = express();
  app.get("/health", (req, res) => res.json({ ok: true }));
  app.listen(3000);
};
"""
BOOT_TYPEORM = """import { createConnection } from "typeorm";

export const typeormLoader = async (settings) => {
  const connection = await createConnection({ type: "postgres", url: process.env.DATABASE_URL });
  settings.setData("connection", connection);
};
"""


@pytest.mark.parametrize(
    ("app", "wiring"),
    [
        (BOOT_APP, True),
        # called by the project: the module makes the connection for it
        (
            BOOT_APP.replace(
                "bootstrapMicroframework({ loaders: [typeormLoader, expressLoader] });",
                "typeormLoader({ setData() {} }).then(() => expressLoader());",
            ),
            False,
        ),
        # handed as a plain argument (a middleware, a callback), not as a bootstrap's option
        (
            BOOT_APP.replace(
                "bootstrapMicroframework({ loaders: [typeormLoader, expressLoader] });",
                "bootstrapMicroframework(typeormLoader, expressLoader);",
            ),
            False,
        ),
    ],
)
def test_a_start_up_step_a_bootstrap_runs_is_wiring(
    make_project: MakeProject, app: str, wiring: bool
) -> None:
    project: dict[str, str | bytes] = {
        "package.json": BOOT_PACKAGE,
        "src/app.ts": app,
        "src/loaders/expressLoader.ts": BOOT_EXPRESS,
        "src/loaders/typeormLoader.ts": BOOT_TYPEORM,
    }
    files, evidence, roots = _architecture(inspect_json(make_project, project))
    if wiring:
        assert "src/loaders/typeormLoader.ts" not in files
        assert evidence["src/loaders/typeormLoader.ts"] == "composition root"
        assert "src/loaders/typeormLoader.ts" in roots
    else:
        assert files["src/loaders/typeormLoader.ts"] == "repositories"


def test_a_python_route_table_handed_the_app_keeps_its_layer(make_project: MakeProject) -> None:
    """`def register_routes(app: Flask): app.add_url_rule(…)` in `router.py`: the route table registers the
    routes itself, on a parameter the facts do not trace, so the installer rule (Node only) leaves it routes."""
    project: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "prompts"\ndependencies = ["flask"]\n',
        "app.py": (
            "from flask import Flask\n\nfrom router import register_routes\n\n\n"
            "def create_app():\n    app = Flask(__name__)\n    register_routes(app)\n    return app\n"
        ),
        "router.py": (
            "from flask import Flask\n\nfrom routes.index import list_prompts\n\n\n"
            "def register_routes(app: Flask):\n"
            '    app.add_url_rule("/", endpoint="list_prompts", view_func=list_prompts)\n'
        ),
        "routes/__init__.py": "",
        "routes/index.py": (
            "from flask import render_template\n\n\ndef list_prompts():\n"
            '    return render_template("index.html")\n'
        ),
    }
    files, evidence, roots = _architecture(inspect_json(make_project, project))
    assert files.get("router.py") == "routes", evidence.get("router.py")
    assert "router.py" not in roots
