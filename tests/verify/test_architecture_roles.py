"""Layers by role as well as by name (issue 18): what a file's code does decides its layer where its
folder or file name says otherwise, the JSON says which evidence decided, and the composition root may
import anything. Each pattern has a violating and a clean case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdverify import inspect

Make = Callable[[dict[str, str | bytes]], Path]

ROUTE = "from flask import Blueprint\n{imports}\nbp = Blueprint('x', __name__)\n\n@bp.get('/x')\ndef x():\n    return 'ok'\n"
SQLITE = "import sqlite3\n\ndef rows():\n    return sqlite3.connect('app.db').execute('SELECT id FROM users').fetchall()\n"
TABLES = (
    "from sqlalchemy import Column, Integer, MetaData, Table\nfrom sqlalchemy.orm import registry\n{imports}\n"
    "metadata = MetaData()\nusers = Table('users', metadata, Column('id', Integer, primary_key=True))\n"
)


def route(*imports: str) -> str:
    return ROUTE.format(imports="\n".join(imports))


def architecture(root: Path) -> tuple[dict[str, Any], set[tuple[str, str, int]]]:
    report = inspect(root, use_cache=False)
    found = {(f.rule, f.location.path, f.location.line) for f in report.findings if f.rule[:4] == "ARCH"}
    return report.to_json()["architecture"], found


def test_a_gateways_folder_that_registers_routes_is_the_routes_layer(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/gateways/http.py": route("from app.gateways.store import rows"),
            "app/gateways/store.py": SQLITE,
        }
    )
    arch, found = architecture(root)
    assert arch["files"] == {"app/gateways/http.py": "routes", "app/gateways/store.py": "repositories"}
    assert arch["evidence"] == {"app/gateways/http.py": "code: routes", "app/gateways/store.py": "folder"}
    assert ("ARCH002", "app/gateways/http.py", 2) in found  # routes reach the data access directly
    assert not {f for f in found if f[0] == "ARCH001"}


def test_a_gateways_folder_of_data_access_stays_repositories(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/routes/users.py": route("from app.services.users import names"),
            "app/services/users.py": "from app.gateways.store import rows\n\ndef names():\n    return rows()\n",
            "app/gateways/store.py": SQLITE,
        }
    )
    arch, found = architecture(root)
    assert arch["files"]["app/gateways/store.py"] == "repositories"
    assert arch["evidence"]["app/gateways/store.py"] == "folder"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002", "ARCH005")}


def test_an_adapters_orm_module_that_defines_tables_is_models(make_project: Make) -> None:
    files: dict[str, str | bytes] = {
        "app/__init__.py": "",
        "app/adapters/orm.py": TABLES.format(imports=""),
        "app/repositories/users.py": "from app.adapters.orm import users\n",
    }
    arch, found = architecture(make_project(files))
    assert arch["files"]["app/adapters/orm.py"] == "models"
    assert arch["evidence"]["app/adapters/orm.py"] == "code: models"
    assert not {f for f in found if f[0] == "ARCH001"}  # was a false upward import into `adapters/` routes


def test_a_models_module_importing_a_service_is_still_upward(make_project: Make) -> None:
    files: dict[str, str | bytes] = {
        "app/__init__.py": "",
        "app/adapters/orm.py": TABLES.format(imports="from app.services.users import names"),
        "app/services/users.py": "def names():\n    return []\n",
    }
    arch, found = architecture(make_project(files))
    assert arch["files"]["app/adapters/orm.py"] == "models"
    assert ("ARCH001", "app/adapters/orm.py", 3) in found


PRISMA = "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n"
NODE_PKG = '{"name": "api", "dependencies": {"express": "^4", "@prisma/client": "^5"}}'


def test_infrastructure_services_holding_db_clients_is_repositories(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": NODE_PKG,
            "src/infrastructure/services/prisma.ts": PRISMA,
            "src/controllers/users.controller.ts": (
                "import { Router } from 'express';\nimport { prisma } from '../infrastructure/services/prisma';\n"
                "export const router = Router();\nrouter.get('/users', async (_req, res) => "
                "res.json(await prisma.user.findMany()));\n"
            ),
        }
    )
    arch, found = architecture(root)
    # the deepest folder says services, the outer one and the code say data access: they win
    assert arch["files"]["src/infrastructure/services/prisma.ts"] == "repositories"
    assert arch["evidence"]["src/infrastructure/services/prisma.ts"] == "code: queries"
    assert arch["layers"]["repositories"] == ["src/infrastructure"]
    assert ("ARCH002", "src/controllers/users.controller.ts", 2) in found


def test_a_service_that_queries_inline_stays_a_service(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": NODE_PKG,
            "src/db/prisma.ts": PRISMA,
            "src/services/users.ts": (
                "import { prisma } from '../db/prisma';\nexport const all = () => prisma.user.findMany();\n"
            ),
            "src/routes/users.ts": (
                "import { Router } from 'express';\nimport { all } from '../services/users';\n"
                "export const router = Router();\nrouter.get('/users', async (_req, res) => res.json(await all()));\n"
            ),
        }
    )
    arch, found = architecture(root)
    assert arch["files"]["src/services/users.ts"] == "services"
    assert arch["files"]["src/db/prisma.ts"] == "repositories"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002")}


WEBSERVER = (
    "from flask import Flask\nfrom app.controllers.users import bp\nfrom app.infrastructure.store import rows\n\n"
    "def create_app():\n    app = Flask(__name__)\n    app.register_blueprint(bp)\n    return app\n"
)


def test_a_webserver_composition_root_under_infrastructure_may_import_anything(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/controllers/users.py": route(),
            "app/infrastructure/store.py": SQLITE,
            "app/infrastructure/webserver/server.py": WEBSERVER,
        }
    )
    arch, found = architecture(root)
    assert arch["composition_roots"] == ["app/infrastructure/webserver/server.py"]
    assert arch["evidence"]["app/infrastructure/webserver/server.py"] == "composition root"
    assert "app/infrastructure/webserver/server.py" not in arch["files"]
    assert not {f for f in found if f[0] == "ARCH001"}


def test_a_module_under_infrastructure_that_builds_no_app_still_imports_upward(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/controllers/users.py": route(),
            "app/infrastructure/wiring.py": "from app.controllers.users import bp\n",
        }
    )
    arch, found = architecture(root)
    assert arch["composition_roots"] == []
    assert ("ARCH001", "app/infrastructure/wiring.py", 1) in found


HANDLER = (
    "from sqlalchemy import text\n\n"
    "def list_articles(conn):\n    return conn.execute(text('SELECT slug FROM articles')).all()\n"
)


def test_a_routes_folder_of_raw_sql_handlers_is_data_access(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/routes/articles/handler.py": HANDLER,
            "app/routes/articles/routes.py": route("from app.routes.articles.handler import list_articles"),
        }
    )
    arch, found = architecture(root)
    assert arch["files"]["app/routes/articles/handler.py"] == "repositories"
    assert arch["evidence"]["app/routes/articles/handler.py"] == "code: queries"
    assert ("ARCH002", "app/routes/articles/routes.py", 2) in found
    assert not {f for f in found if f[0] == "ARCH005"}  # placed by its code, not by a name


def test_a_route_module_that_queries_inline_stays_routes(make_project: Make) -> None:
    inline = (
        route()
        + "\n\n@bp.get('/y')\ndef y():\n"
        + "    import sqlite3\n    return str(sqlite3.connect('a.db').execute('SELECT 1 FROM users').fetchall())\n"
    )
    arch, found = architecture(make_project({"app/__init__.py": "", "app/routes/users.py": inline}))
    assert arch["files"]["app/routes/users.py"] == "routes"
    assert arch["evidence"]["app/routes/users.py"] == "folder"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002", "ARCH005")}


KNEX_QUERIES = "const knex = require('knex')({ client: 'sqlite3' });\nexports.byId = (id) => knex('users').where({ id });\n"
MONGOOSE_MODEL = "const mongoose = require('mongoose');\nmodule.exports = mongoose.model('User', new mongoose.Schema({}));\n"
EXPRESS_ROUTES = (
    "const express = require('express');\nconst users = require('../models/users');\n"
    "const router = express.Router();\nrouter.get('/users/:id', async (req, res) => res.json(await users.byId(1)));\n"
    "module.exports = router;\n"
)


def test_a_models_folder_of_query_functions_is_data_access(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": '{"name": "api", "dependencies": {"express": "^4", "knex": "^3"}}',
            "lib/models/users.js": KNEX_QUERIES,
            "lib/routes/users.js": EXPRESS_ROUTES,
        }
    )
    arch, found = architecture(root)
    assert arch["files"]["lib/models/users.js"] == "repositories"
    assert ("ARCH002", "lib/routes/users.js", 2) in found


def test_a_models_folder_of_mapped_models_stays_models(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": '{"name": "api", "dependencies": {"express": "^4", "mongoose": "^8"}}',
            "lib/models/users.js": MONGOOSE_MODEL,
            "lib/routes/users.js": EXPRESS_ROUTES,
        }
    )
    arch, found = architecture(root)
    assert arch["files"]["lib/models/users.js"] == "models"
    assert arch["evidence"]["lib/models/users.js"] == "folder"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002")}


SEQUELIZE_MODEL = (
    "import { Sequelize, DataTypes } from 'sequelize';\nconst sequelize = new Sequelize('sqlite::memory:');\n"
    "export const Article = sequelize.define('Article', { title: DataTypes.STRING });\n"
)


def test_a_role_suffix_the_code_confirms_beats_the_folder(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": '{"name": "api", "dependencies": {"express": "^4", "sequelize": "^6", "@prisma/client": "^5"}}',
            "src/routes/article/article.model.ts": SEQUELIZE_MODEL,
            "src/routes/article/article.service.ts": (
                "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n"
                "export const all = () => prisma.article.findMany();\n"
            ),
            "src/routes/article/article.helpers.ts": "export const slug = (t: string) => t.toLowerCase();\n",
        }
    )
    arch, _found = architecture(root)
    assert arch["files"]["src/routes/article/article.model.ts"] == "models"
    assert arch["evidence"]["src/routes/article/article.model.ts"] == "file name"
    assert (
        arch["files"]["src/routes/article/article.service.ts"] == "services"
    )  # named a service, also queries
    assert arch["evidence"]["src/routes/article/article.service.ts"] == "file name"
    assert arch["files"]["src/routes/article/article.helpers.ts"] == "routes"  # the code says nothing


def test_a_feature_folder_of_routes_holds_files_named_for_other_layers(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": '{"name": "api", "dependencies": {"express": "^4"}}',
            "src/routes/article/article.service.ts": "export const all = () => [];\n",
            "src/routes/article/article.routes.ts": "import { all } from './article.service';\n",
        }
    )
    arch, found = architecture(root)
    assert arch["files"]["src/routes/article/article.service.ts"] == "services"
    assert arch["evidence"]["src/routes/article/article.service.ts"] == "file name"
    assert ("ARCH005", "src/routes/article/article.service.ts", 0) in found  # not in a services folder


def test_a_file_named_for_a_higher_layer_keeps_its_folder(make_project: Make) -> None:
    """`services/views.py` (presentation helpers of the service layer): the folder wins, as before."""
    root = make_project(
        {"app/__init__.py": "", "app/services/views.py": "def shown(x):\n    return str(x)\n"}
    )
    arch, found = architecture(root)
    assert arch["files"]["app/services/views.py"] == "services"
    assert arch["evidence"]["app/services/views.py"] == "folder"
    assert not {f for f in found if f[0] == "ARCH005"}


def test_a_config_glob_wins_over_the_code(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": "",
            "app/gateways/http.py": route(),
            "cdverify.toml": '[layers.repositories]\npaths = ["app/gateways/**"]\n',
        }
    )
    arch, _found = architecture(root)
    assert arch["files"]["app/gateways/http.py"] == "repositories"
    assert arch["evidence"]["app/gateways/http.py"] == "config glob"
