"""Stray modules (cdverify/stray_modules.py): a Node file beside the app that nothing imports and nothing
runs, and whose packages no manifest declares, is in the `stray` scope and decides no framework, engine,
library, layer or raw SQL. Violating cases (an Express + pg snippet pasted beside a Hono app) set it aside;
clean ones keep every file whose loading or running shows anywhere."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from reports import MakeProject, findings_of, inspect_json

PACKAGE = {
    "name": "backend",
    "type": "module",
    "scripts": {"start": "node src/index.js"},
    "dependencies": {"hono": "4.6.0", "@hono/node-server": "1.12.0", "@prisma/client": "5"},
}


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


INDEX = src(
    """
    import { Hono } from "hono";
    import { serve } from "@hono/node-server";
    import { notes } from "./routes/notes.js";

    const app = new Hono();
    app.route("/api/notes", notes);
    serve({ fetch: app.fetch, port: 3000 });
    """
)

NOTES = src(
    """
    import { Hono } from "hono";
    import { PrismaClient } from "@prisma/client";

    const db = new PrismaClient();
    export const notes = new Hono();
    notes.get("/", async (c) => c.json(await db.note.findMany()));
    """
)

# an uploaded integration snippet: Express + node-postgres, neither declared by the package
SNIPPET = src(
    """
    /* Admin integration — paste into your Express server.  npm install express pg */
    const express = require("express");
    const { Pool } = require("pg");

    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    const adminRouter = express.Router();

    adminRouter.get("/signups", async (req, res) => {
      const { rows } = await pool.query("SELECT email, created_at FROM users ORDER BY created_at DESC");
      res.json(rows);
    });

    module.exports = { adminRouter };
    """
)


def _app(**more: str | dict[str, Any]) -> dict[str, str | bytes]:
    package = more.pop("package", PACKAGE)
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(package),
        "src/index.js": INDEX,
        "src/routes/notes.js": NOTES,
        "admin-integration.js": SNIPPET,
    }
    files.update({path: text for path, text in more.items() if isinstance(text, str)})
    return files


def _stray(report: dict[str, Any]) -> list[str]:
    return [module["file"] for module in report["project"].get("stray", [])]


def test_a_snippet_nothing_imports_or_runs_with_undeclared_packages_is_set_aside(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _app())
    assert _stray(report) == ["admin-integration.js"]
    assert report["project"]["stray"][0]["packages"] == ["express", "pg"]
    assert report["project"]["by_scope"]["stray"] == 1
    assert report["framework"]["detected"] == ["hono"]
    assert report["orm"]["libraries"] == ["prisma"]
    assert report["orm"]["raw_sql"] == []
    assert "postgres" not in report["database"]["usage"]
    assert "admin-integration.js" not in report["architecture"]["evidence"]
    assert findings_of(report, "DISC009") == [("DISC009", "admin-integration.js", 0)]


def test_the_old_server_beside_the_new_one_with_packages_no_longer_declared_is_set_aside(
    make_project: MakeProject,
) -> None:
    old_server = src(
        """
        const express = require("express");
        const app = express();
        app.get("/api/health", (req, res) => res.send("ok"));
        app.listen(3000);
        """
    )
    report = inspect_json(make_project, _app(**{"src/server-express.js": old_server}))
    assert _stray(report) == ["admin-integration.js", "src/server-express.js"]
    assert report["framework"]["detected"] == ["hono"]


def test_a_file_the_app_imports_stays(make_project: MakeProject) -> None:
    index = INDEX.replace("import { notes }", 'import "../admin-integration.js";\nimport { notes }')
    report = inspect_json(make_project, _app(**{"src/index.js": index}))
    assert _stray(report) == []
    assert "express" in report["framework"]["detected"]
    assert "pg" in report["orm"]["libraries"]


def test_a_file_another_file_names_stays(make_project: MakeProject) -> None:
    for path, text in {
        "Dockerfile": "FROM node:20\nRUN npm install express pg\nCMD node admin-integration.js\n",
        "Procfile": "admin: node admin-integration\n",
        "README.md": "Run `node admin-integration.js` for the admin API.\n",
    }.items():
        report = inspect_json(make_project, _app(**{path: text}))
        assert _stray(report) == [], path
        assert "express" in report["framework"]["detected"], path


def test_a_file_a_package_entry_runs_stays(make_project: MakeProject) -> None:
    scripts = {**PACKAGE, "scripts": {"start": "node src/index.js", "admin": "node admin-integration.js"}}
    main = {**PACKAGE, "main": "admin-integration.js", "scripts": {}}
    for package in (scripts, main):
        assert _stray(inspect_json(make_project, _app(package=package))) == []


def test_a_file_whose_packages_are_declared_stays(make_project: MakeProject) -> None:
    declared = {**PACKAGE, "dependencies": {**PACKAGE["dependencies"], "express": "4", "pg": "8"}}
    report = inspect_json(make_project, _app(package=declared))
    assert _stray(report) == []
    assert "express" in report["framework"]["detected"]


def test_a_script_run_by_hand_stays(make_project: MakeProject) -> None:
    reset = src(
        """
        const { Pool } = require("pg");

        async function resetDatabase() {
          const pool = new Pool();
          await pool.query("DROP TABLE IF EXISTS notes");
          await pool.end();
        }

        resetDatabase();
        """
    )
    report = inspect_json(make_project, _app(**{"db/reset-db.js": reset}))
    assert _stray(report) == ["admin-integration.js"]


def test_without_an_entry_reaching_the_app_nothing_is_stray(make_project: MakeProject) -> None:
    # no script or main names a file: what loads the app cdverify does not see
    report = inspect_json(make_project, _app(package={**PACKAGE, "scripts": {"dev": "vite"}}))
    assert _stray(report) == []


def test_a_users_scopes_glob_keeps_the_file(make_project: MakeProject) -> None:
    config = '[scopes]\napplication = ["admin-integration.js"]\n'
    report = inspect_json(make_project, _app(**{"cdverify.toml": config}))
    assert _stray(report) == []
    assert "express" in report["framework"]["detected"]


def test_python_modules_are_never_stray(make_project: MakeProject) -> None:
    # a Django app whose requirements leave django out: its admin.py is loaded by convention
    files: dict[str, str | bytes] = {
        "requirements.txt": "gunicorn\n",
        "run.sh": "#!/bin/sh\ngunicorn site_app.wsgi\n",
        "site_app/__init__.py": "",
        "site_app/wsgi.py": "from site_app import settings\n",
        "site_app/settings.py": "DEBUG = False\n",
        "shop/__init__.py": "",
        "shop/backoffice.py": "from django.contrib import admin\n",
    }
    assert _stray(inspect_json(make_project, files)) == []


def test_a_users_scopes_glob_sets_files_aside(make_project: MakeProject) -> None:
    draft = 'import express from "express";\nexpress().listen(3000);\n'
    files = _app(**{"drafts/server.js": draft, "cdverify.toml": '[scopes]\nstray = ["drafts/**"]\n'})
    del files["admin-integration.js"]
    report = inspect_json(make_project, files)
    assert report["project"]["by_scope"]["stray"] == 1
    assert "stray" not in report["project"]  # placed by hand: no reason to give
    assert report["framework"]["detected"] == ["hono"]


def test_a_stray_modules_undeclared_imports_are_no_task002(make_project: MakeProject) -> None:
    # the harness installs what package.json declares and starts src/index.js: the snippet never loads
    from reports import check

    report = check(make_project, _app(), "hono+task")
    assert findings_of(report, "TASK002") == []
    assert findings_of(report, "DISC009") == [("DISC009", "admin-integration.js", 0)]
