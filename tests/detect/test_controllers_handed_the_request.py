"""Controllers whose methods the routes take as handlers, or hand the request to, answer requests though they
run a query inline (issue 18; docs/accuracy.md "The seventieth set's disagreements", ShakaApiHub's
LogController): a class a module exports as a whole (`module.exports = LogController`, or an ES module's
`export default class`) whose instance's method a route registers (`router.get("/logs", logController.list)`)
or whose method a route's inline handler hands all its parameters to (`(req, res) => logController.list(req,
res)`). Such a controller keeps its routes folder's layer; it is neither data access nor a container wiring
the app because it builds its service. A method of an object another module hands out
(`container.v1.orders.list`) leaves the handler's code in the module defining it: the container stays the
composition root, its imports no bypass."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject

from cdverify.pipeline import inspect

PACKAGE = '{"name": "logs", %s"dependencies": {"express": "4", "better-sqlite3": "9"}}'
APP_CJS = (
    "const express = require('express');\n"
    "const logRoutes = require('./routes/logs');\n"
    "const app = express();\n"
    "app.use('/api', logRoutes);\n"
    "app.listen(3000);\n"
)
DATABASE_CJS = "const Database = require('better-sqlite3');\nmodule.exports = new Database('app.db');\n"
SERVICE_CJS = (
    "const db = require('../config/database');\n"
    "class LogService {\n"
    "  constructor() { this.db = db; }\n"
    "  list() { return this.db.prepare('SELECT * FROM logs').all(); }\n"
    "}\n"
    "module.exports = LogService;\n"
)
CONTROLLER_CJS = (
    "const LogService = require('../services/LogService');\n"
    "class LogController {\n"
    "  constructor() { this.logService = new LogService(); }\n"
    "  async list(req, res) { res.json(this.logService.list()); }\n"
    "  async types(req, res) {\n"
    "    res.json(this.logService.db.prepare('SELECT DISTINCT type FROM logs').all());\n"
    "  }\n"
    "}\n"
    "module.exports = LogController;\n"
)
ROUTES_HEAD = (
    "const express = require('express');\n"
    "const LogController = require('../controllers/LogController');\n"
    "const router = express.Router();\n"
    "const logController = new LogController();\n"
)
REGISTERED = "router.get('/logs', logController.list);\nrouter.get('/types', logController.types);\n"
DELEGATED = (
    "router.get('/logs', (req, res) => {\n  logController.list(req, res);\n});\n"
    "router.get('/types', (req, res) => logController.types(req, res));\n"
)


def _architecture(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    report: dict[str, Any] = inspect(make_project(files), use_cache=False).to_json()
    return report["architecture"]


def _commonjs(routes: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE % '"main": "src/app.js", ',
        "src/app.js": APP_CJS,
        "src/config/database.js": DATABASE_CJS,
        "src/services/LogService.js": SERVICE_CJS,
        "src/controllers/LogController.js": CONTROLLER_CJS,
        "src/routes/logs.js": ROUTES_HEAD + routes + "module.exports = router;\n",
    }


@pytest.mark.parametrize("routes", [REGISTERED, DELEGATED], ids=["registered", "handed-on"])
def test_a_commonjs_controller_class_querying_inline_stays_a_controller(
    make_project: MakeProject, routes: str
) -> None:
    architecture = _architecture(make_project, _commonjs(routes))
    assert architecture["files"]["src/controllers/LogController.js"] == "routes"
    assert architecture["evidence"]["src/controllers/LogController.js"] == "folder"
    assert "src/controllers/LogController.js" not in architecture["composition_roots"]


def test_an_es_module_controller_handed_the_request_stays_a_controller(make_project: MakeProject) -> None:
    files = {
        "package.json": PACKAGE % '"type": "module", ',
        "src/app.js": (
            "import express from 'express';\nimport logRoutes from './routes/logs.js';\n"
            "const app = express();\napp.use('/api', logRoutes);\napp.listen(3000);\n"
        ),
        "src/config/database.js": (
            "import Database from 'better-sqlite3';\nconst db = new Database('app.db');\nexport default db;\n"
        ),
        "src/services/LogService.js": (
            "import db from '../config/database.js';\n"
            "export default class LogService {\n"
            "  constructor() { this.db = db; }\n"
            "  list() { return this.db.prepare('SELECT * FROM logs').all(); }\n"
            "}\n"
        ),
        "src/controllers/LogController.js": (
            "import LogService from '../services/LogService.js';\n"
            "export default class LogController {\n"
            "  constructor() { this.logService = new LogService(); }\n"
            "  async types(req, res) {\n"
            "    res.json(this.logService.db.prepare('SELECT DISTINCT type FROM logs').all());\n"
            "  }\n"
            "}\n"
        ),
        "src/routes/logs.js": (
            "import express from 'express';\nimport LogController from '../controllers/LogController.js';\n"
            "const router = express.Router();\nconst logController = new LogController();\n"
            "router.get('/types', async (req, res) => { await logController.types(req, res); });\n"
            "export default router;\n"
        ),
    }
    architecture = _architecture(make_project, files)
    assert architecture["files"]["src/controllers/LogController.js"] == "routes"
    assert "src/controllers/LogController.js" not in architecture["composition_roots"]


def test_a_handler_doing_its_own_work_hands_nothing_on(make_project: MakeProject) -> None:
    # the inline handler reads the request and calls the controller with a value of its own: the request is
    # not handed on, so the registration says nothing of the controller module
    routes = "router.get('/logs', (req, res) => {\n  res.json(logController.list(req.query.type));\n});\n"
    architecture = _architecture(make_project, _commonjs(routes))
    assert architecture["files"].get("src/controllers/LogController.js") != "routes"


def test_a_method_of_an_object_a_container_hands_out_leaves_the_container_the_root(
    make_project: MakeProject,
) -> None:
    files = _commonjs("")
    files["src/core/container.js"] = (
        "const LogController = require('../controllers/LogController');\n"
        "module.exports = { v1: { logController: new LogController() } };\n"
    )
    files["src/routes/logs.js"] = (
        "const express = require('express');\n"
        "const container = require('../core/container');\n"
        "const router = express.Router();\n"
        "router.get('/logs', (req, res) => container.v1.logController.list(req, res));\n"
        "module.exports = router;\n"
    )
    architecture = _architecture(make_project, files)
    assert "src/core/container.js" not in architecture["files"]
