"""Patterns of the forty-fifth to forty-seventh unseen labelled sets' harness decisions (issue 18,
docs/accuracy.md "The harness of the forty-fifth to forty-seventh sets (session 2026-12-06 (14))"), each with
violating and clean projects written for the test:

- a route or middleware path Express 5's router rejects (`app.use("/api/auth/*", …)`: "Missing parameter
  name"), registered as the application starts under an installed Express 5, stops it wherever it runs
  (route_paths.py, rules/node/route_paths.toml);
- a module-level call of a factory that instantiates a class whose constructor surely calls a function that
  throws where a variable is unset (through a lazy singleton getter) stops it as it loads (jssteps.py: `new
  X()` steps, a class's constructor, the lazy singleton's first call; plugin_stops.py).
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, only

from cdverify.catalog import load_rules
from cdverify.detect.database.route_paths import _declared, _locked, fix_of
from cdverify.rules_schema import RoutePaths

PG_TASK = "express-openapi-postgres"
URL = "postgresql://user:password@postgres:5432/notes"


def _package(express: str) -> str:
    return json.dumps(
        {"name": "notes", "type": "module", "dependencies": {"express": express, "pg": "^8.13.0"}}
    )


DB = """import pg from "pg";

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL || "postgres://localhost/notes" });
"""
# the app built in a function its module calls as it loads, the entry importing it
APP = """import express from "express";
import { pool } from "./db.js";

function createApp() {
  const app = express();
  app.use(express.json());
  app.use(PATH, (req, _res, next) => next());
  app.get("/api/notes", async (_req, res) => {
    const { rows } = await pool.query("SELECT id, body FROM notes");
    res.json(rows);
  });
  return app;
}

const app = createApp();
export default app;
"""
SERVER = 'import app from "./app.js";\n\napp.listen(3000, () => console.log("listening"));\n'
ROUTER = """import { Router } from "express";

const router = Router();
router.get(PATH, (_req, res) => res.json({ ok: true }));
export default router;
"""
ROUTED_SERVER = """import express from "express";
import notes from "./routes.js";
import { pool } from "./db.js";

const app = express();
app.use("/api/notes", notes);
app.get("/api/health", async (_req, res) => res.json(await pool.query("SELECT 1")));
app.listen(3000);
"""


def _express_app(path: str, express: str = "^5.1.0", **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": _package(express),
        "src/server.js": SERVER,
        "src/app.js": APP.replace("PATH", json.dumps(path)),
        "src/db.js": DB,
        **extra,
    }


@pytest.mark.parametrize(
    ("path", "fix"),
    [
        ("/api/auth/*", "'/api/auth/*splat'"),
        ("*", "'/{*splat}'"),
        ("/files/*.png", "'/files/*splat.png'"),
        ("/api/users/:id?", "'/api/users{/:id}'"),
        ("/api/:path+", "'/api/*path'"),
        ("/api/users/:id(\\d+)", "plain parameter"),
        ("/api/(.*)", "plain parameter"),
        ("/api/:", "name the parameter"),
    ],
    ids=[
        "wildcard",
        "catch-all",
        "wildcard-in-segment",
        "optional",
        "repeated",
        "regexp",
        "group",
        "no-name",
    ],
)
def test_a_path_express_5_rejects_at_start_up_stops_the_app(
    make_project: MakeProject, path: str, fix: str
) -> None:
    db001 = only(check(make_project, _express_app(path), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/app.js:7 throws as it registers" in db001["message"]
    assert "express 5.1.0's router rejects" in db001["message"]
    assert fix in db001["hint"]


def test_no_variable_lifts_the_rejected_path(make_project: MakeProject) -> None:
    root = make_project(_express_app("/api/auth/*"))
    assert database_status_set_and_unset(root, PG_TASK, "DATABASE_URL", URL) == ("fail", "fail")


def test_a_router_module_loaded_at_start_up_stops_the_app(make_project: MakeProject) -> None:
    files = {
        "package.json": _package("^5.0.0"),
        "src/server.js": ROUTED_SERVER,
        "src/routes.js": ROUTER.replace("PATH", '"/:id?"'),
        "src/db.js": DB,
    }
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert "at src/routes.js:4 throws as it registers '/:id?'" in db001["message"]
    assert "'{/:id}'" in db001["hint"]


@pytest.mark.parametrize(
    "lock",
    [
        {
            "package-lock.json": json.dumps(
                {"lockfileVersion": 3, "packages": {"node_modules/express": {"version": "5.1.0"}}}
            )
        },
        {"yarn.lock": 'express@^5.0.0:\n  version "5.1.0"\n  resolved "https://r/express-5.1.0.tgz"\n'},
        {
            "pnpm-lock.yaml": "importers:\n  .:\n    dependencies:\n      express:\n        specifier: ^5.0.0\n        version: 5.1.0\n"
        },
    ],
    ids=["npm", "yarn", "pnpm"],
)
def test_the_lockfile_s_express_5_decides(make_project: MakeProject, lock: dict[str, str]) -> None:
    files = _express_app("/api/auth/*", express="^5.0.0", **lock)
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert "express 5.1.0's router rejects" in db001["message"]


@pytest.mark.parametrize(
    ("path", "express", "extra"),
    [
        ("/api/auth/*", "^4.21.0", {}),  # Express 4 takes its own syntax
        ("/api/users/:id?", "~4.18.2", {}),
        ("/api/auth/*splat", "^5.1.0", {}),  # Express 5's syntax
        ("/{*splat}", "^5.1.0", {}),
        ("/api/users{/:id}", "^5.1.0", {}),
        ("/api/a\\(b\\)", "^5.1.0", {}),  # escaped
        ("/api/auth/*", "latest", {}),  # the version is not known
        ("/api/auth/*", ">=4.0.0", {}),
        ("/api/auth/*", "5.0.0-beta.3", {}),  # a prerelease, with another router
        # a lockfile installs Express 4 whatever the range says
        (
            "/api/auth/*",
            "*",
            {"package-lock.json": json.dumps({"packages": {"node_modules/express": {"version": "4.21.2"}}})},
        ),
    ],
    ids=[
        "express-4",
        "express-4-optional",
        "named",
        "named-catch-all",
        "braces",
        "escaped",
        "latest",
        "open-range",
        "prerelease",
        "locked-4",
    ],
)
def test_paths_the_installed_router_takes_are_clean(
    make_project: MakeProject, path: str, express: str, extra: dict[str, str]
) -> None:
    report = check(make_project, _express_app(path, express, **extra), PG_TASK)
    assert database_status(report) == "pass", report["findings"]


def test_a_path_registered_in_a_handler_is_clean(make_project: MakeProject) -> None:
    """A registration made only when a request comes (or in a function nothing runs) is not at start-up."""
    app = APP.replace("app.use(PATH, (req, _res, next) => next());", "").replace(
        "const app = createApp();",
        'function later(app) {\n  app.use("/api/late/*", (_req, _res, next) => next());\n}\nconst app = createApp();',
    )
    files = {"package.json": _package("^5.1.0"), "src/server.js": SERVER, "src/app.js": app, "src/db.js": DB}
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


def test_the_declared_range_and_the_lockfiles_read() -> None:
    assert [
        _declared(s) for s in ("^5.1.0", "~5.0.1", "5.x", "5", "4.21.2", "latest", ">=5", "5.0.0-beta.1")
    ] == [
        "5.1.0",
        "5.0.1",
        "5.0.0",
        "5.0.0",
        "4.21.2",
        None,
        None,
        None,
    ]
    lock = json.dumps({"dependencies": {"express": {"version": "4.18.2"}}})
    assert _locked("package-lock.json", lock, "express", "^4.18.2", ".") == "4.18.2"
    berry = '"express@npm:^5.1.0":\n  version: 5.1.0\n  resolution: "express@npm:5.1.0"\n'
    assert _locked("yarn.lock", berry, "express", "^5.1.0", ".") == "5.1.0"
    assert _locked("bun.lock", '"express": ["express@5.1.0", "", {}],', "express", "^5", ".") == "5.1.0"


def test_every_rewrite_is_a_path_the_router_takes() -> None:
    (router,) = load_rules(RoutePaths).routers
    for written in ("*", "/*", "/api/*", "/a/*/b/*", "/users/:id?", "/files/:path+"):
        fixed = fix_of(written, router)
        assert fixed, written
        assert fix_of(fixed.strip("'"), router) == "", (written, fixed)


# -- a factory instantiating a class whose constructor reaches a throwing client factory -----------------

CLIENT = """export function createStoreClient() {
  const hasKeys = process.env.STORE_ACCESS_KEY && process.env.STORE_SECRET_KEY;
  if (!hasKeys) {
    throw new Error("STORE_ACCESS_KEY and STORE_SECRET_KEY are required");
  }
  return { put: async () => undefined };
}

let client = null;

export function getStoreClient() {
  if (!client) {
    client = createStoreClient();
  }
  return client;
}
"""
SERVICE = """import { getStoreClient } from "./client.js";

export class StoreService {
  constructor(bucket = "files") {
    this.client = getStoreClient();
    this.bucket = bucket;
  }
}

export function createStoreService() {
  return new StoreService();
}
"""
ROUTES = """import { Router } from "express";
import { createStoreService } from "./service.js";

const router = Router();
const store = createStoreService();
router.post("/upload", async (_req, res) => res.json(await store.client.put()));
export default router;
"""
STORE_SERVER = """import express from "express";
import files from "./routes.js";
import { pool } from "./db.js";

const app = express();
app.use("/api/files", files);
app.get("/api/health", async (_req, res) => res.json(await pool.query("SELECT 1")));
app.listen(3000);
"""


def _store_app(**replaced: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": _package("^4.21.0"),
        "src/server.js": STORE_SERVER,
        "src/routes.js": ROUTES,
        "src/service.js": SERVICE,
        "src/client.js": CLIENT,
        "src/db.js": DB,
    }
    return {**files, **replaced}


def test_a_constructor_reaching_a_throwing_factory_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _store_app(), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        "at src/client.js:4 throws when $STORE_ACCESS_KEY or $STORE_SECRET_KEY is unset "
        "(in createStoreService(), called at start-up at src/routes.js:5)"
    ) in db001["message"]


@pytest.mark.parametrize(
    "replaced",
    [
        # the constructor instantiated by a module-level `new` of its own
        {
            "src/routes.js": ROUTES.replace("createStoreService()", "new StoreService()").replace(
                "{ createStoreService }", "{ StoreService }"
            )
        },
        # the getter called directly in the class's own module
        {"src/service.js": SERVICE + "\nexport const shared = new StoreService();\n"},
        # a one-line lazy singleton
        {
            "src/client.js": CLIENT.replace(
                "if (!client) {\n    client = createStoreClient();\n  }",
                "if (client == null) client = createStoreClient();",
            )
        },
    ],
    ids=["module-level-new", "own-module", "one-line-singleton"],
)
def test_the_chain_s_other_shapes_stop_the_app(make_project: MakeProject, replaced: dict[str, str]) -> None:
    db001 = only(check(make_project, _store_app(**replaced), PG_TASK), "DB001")
    assert (
        "at src/client.js:4 throws when $STORE_ACCESS_KEY or $STORE_SECRET_KEY is unset" in db001["message"]
    )


@pytest.mark.parametrize(
    "replaced",
    [
        # the factory's throw is caught where the service is made
        {
            "src/service.js": SERVICE.replace(
                "  return new StoreService();",
                "  try {\n    return new StoreService();\n  } catch {\n    return null;\n  }",
            )
        },
        # the client made only when a request comes
        {
            "src/routes.js": ROUTES.replace("const store = createStoreService();\n", "").replace(
                "await store.client.put()", "await createStoreService().client.put()"
            )
        },
        # the singleton starts full: nothing to make on the first call
        {
            "src/client.js": CLIENT.replace(
                "let client = null;", "let client = { put: async () => undefined };"
            )
        },
        # the constructor makes the client only under a condition
        {
            "src/service.js": SERVICE.replace(
                "    this.client = getStoreClient();",
                "    if (process.env.STORE_ACCESS_KEY) {\n      this.client = getStoreClient();\n    }",
            )
        },
        # either variable is enough: `||` is unset only where both are
        {"src/client.js": CLIENT.replace("STORE_ACCESS_KEY && process", "STORE_ACCESS_KEY || process")},
    ],
    ids=["caught", "in-a-handler", "singleton-full", "conditional", "either-variable"],
)
def test_the_chain_s_clean_shapes(make_project: MakeProject, replaced: dict[str, str]) -> None:
    assert database_status(check(make_project, _store_app(**replaced), PG_TASK)) == "pass"


def test_the_keys_set_lift_the_constructor_s_stop(make_project: MakeProject) -> None:
    from cdverify.config import build_config
    from cdverify.pipeline import verify

    root = make_project(_store_app())
    keys = {"STORE_ACCESS_KEY": "a", "STORE_SECRET_KEY": "b"}
    assert (
        verify(root, PG_TASK, build_config({"harness_env": keys}), use_cache=False)
        .verdicts["database"]
        .status
        == "pass"
    )


def test_every_rejected_path_is_named_in_one_db001(make_project: MakeProject) -> None:
    """An agent fixing what DB001 names should see every path Express 5 rejects at once, not one per turn
    (session (14): an app with three such paths took three runs); more than five are counted."""
    many = APP.replace(
        "  app.use(PATH, (req, _res, next) => next());",
        "\n".join(f'  app.use("/api/r{n}/*", (req, _res, next) => next());' for n in range(7)),
    )
    files = {**_express_app("/api/auth/*"), "src/app.js": many}
    hint = only(check(make_project, files, PG_TASK), "DB001")["hint"]
    named = [f"'/api/r{n}/*splat' for '/api/r{n}/*'" for n in range(7)]
    assert all(rewrite in hint for rewrite in named[:5]), hint
    assert not any(rewrite in hint for rewrite in named[5:]), hint
    assert "and 2 more like it" in hint
