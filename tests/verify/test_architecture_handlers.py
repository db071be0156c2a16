"""Files that handle requests without registering a route path of their own (issue 18): Blueprint views
reached by `from . import main`, error handlers registered on a Blueprint, and controllers whose
functions a route table registers, even when they query models inline. Each pattern has a violating and
a clean case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdverify import inspect

Make = Callable[[dict[str, str | bytes]], Path]

FACTORY = (
    "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
    "    from .main import main as main_blueprint\n    app.register_blueprint(main_blueprint)\n    return app\n"
)
BLUEPRINT = (
    "from flask import Blueprint\n\nmain = Blueprint('main', __name__)\n\nfrom . import views, errors\n"
)
VIEWS = "from flask import render_template\nfrom . import main{imports}\n\n\n@main.route('/')\ndef index():\n    return 'ok'\n"
ERRORS = (
    "from flask import render_template\nfrom . import main\n\n\n@main.app_errorhandler(404)\n"
    "def not_found(e):\n    return 'missing', 404\n"
)
STORE = "import sqlite3\n\ndef rows():\n    return sqlite3.connect('app.db').execute('SELECT id FROM users').fetchall()\n"


def architecture(root: Path) -> tuple[dict[str, Any], list[dict[str, Any]], set[tuple[str, str, int]]]:
    report = inspect(root, use_cache=False)
    found = {(f.rule, f.location.path, f.location.line) for f in report.findings if f.rule[:4] == "ARCH"}
    data = report.to_json()
    return data["architecture"], data["framework"]["routes"], found


def flask_package(views_imports: str = "", errors: str = ERRORS) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": FACTORY,
        "app/main/__init__.py": BLUEPRINT,
        "app/main/views.py": VIEWS.format(imports=views_imports),
        "app/main/errors.py": errors,
        "app/db.py": STORE,
    }


def test_blueprint_routes_reached_by_a_relative_package_import_are_found(make_project: Make) -> None:
    root = make_project(flask_package())
    arch, routes, _found = architecture(root)
    assert [(r["method"], r["path"], r["file"]) for r in routes] == [("GET", "/", "app/main/views.py")]
    assert arch["files"]["app/main/__init__.py"] == "routes"  # builds the Blueprint the views use
    assert arch["evidence"]["app/main/errors.py"] == "code: routes"  # app_errorhandler on the Blueprint
    assert arch["files"]["app/main/errors.py"] == "routes"
    assert "app/__init__.py" in arch["composition_roots"]


def test_a_relative_blueprint_view_reaching_data_access_is_a_bypass(make_project: Make) -> None:
    root = make_project(
        {**flask_package("\nfrom ..repositories.store import rows"), "app/repositories/store.py": STORE}
    )
    arch, _routes, found = architecture(root)
    assert arch["files"]["app/repositories/store.py"] == "repositories"
    assert ("ARCH002", "app/main/views.py", 3) in found


def test_a_module_importing_a_package_name_one_level_up_is_not_read_as_a_sibling(make_project: Make) -> None:
    # `from ..main import main` (the parent's module) is written like `from . import main` plus a name:
    # only the dots-only import is read as this package's name
    root = make_project(
        {
            "app/__init__.py": FACTORY,
            "app/main/__init__.py": BLUEPRINT.replace("from . import views, errors\n", ""),
            "app/other/__init__.py": "",
            "app/other/main.py": "def route(path):\n    return lambda f: f\n",
            "app/other/views.py": "from ..main import main\n\n\n@main.route('/y')\ndef y():\n    return 'ok'\n",
        }
    )
    _arch, routes, _found = architecture(root)
    assert [(r["path"], r["file"]) for r in routes] == [("/y", "app/other/views.py")]


def test_error_handlers_registered_on_no_app_or_blueprint_give_no_role(make_project: Make) -> None:
    plain = "class Registry:\n    def app_errorhandler(self, code):\n        return lambda f: f\n\n\nmain = Registry()\n"
    root = make_project(
        {
            **flask_package(),
            "app/lib/__init__.py": "",
            "app/lib/registry.py": plain,
            "app/lib/errors.py": "from .registry import main\n\n\n@main.app_errorhandler(500)\ndef e(x):\n    return x\n",
        }
    )
    arch, _routes, _found = architecture(root)
    assert "app/lib/errors.py" not in arch["files"]
    assert "app/lib/errors.py" not in arch["evidence"]


EXPRESS_APP = (
    "const express = require('express');\nconst mongoose = require('mongoose');\n"
    "const users = require('./routes/users');\nmongoose.connect('mongodb://localhost/app');\n"
    "const app = express();\napp.use('/users', users);\napp.listen(3000);\n"
)
USER_MODEL = "const mongoose = require('mongoose');\nmodule.exports = mongoose.model('User', new mongoose.Schema({ name: String }));\n"
CONTROLLER = (
    "const User = require('../models/user');\n"
    "exports.list = async (req, res) => res.json(await User.find());\n"
    "exports.get = async (req, res) => res.json(await User.findById(req.params.id));\n"
)
REPOSITORY = "const User = require('../models/user');\nexports.all = () => User.find();\n"


ROUTER_HEAD = (
    "const express = require('express');\nconst controller = require('../controllers/user.controller');\n"
)


def express_project(*lines: str) -> dict[str, str | bytes]:
    """The project with a route table of `lines` between the imports and the export."""
    routes = ROUTER_HEAD + "".join(line + "\n" for line in lines) + "module.exports = router;\n"
    return {
        "package.json": '{"name": "x", "dependencies": {"express": "^4", "mongoose": "^8"}}',
        "src/app.js": EXPRESS_APP,
        "src/models/user.js": USER_MODEL,
        "src/controllers/user.controller.js": CONTROLLER,
        "src/repositories/user.repository.js": REPOSITORY,
        "src/routes/users.js": routes,
    }


def test_a_controller_querying_models_inline_stays_routes(make_project: Make) -> None:
    project = express_project(
        "const router = express.Router();",
        "router.get('/', controller.list);",
        "router.get('/:id', controller.get);",
    )
    arch, _routes, found = architecture(make_project(project))
    assert arch["files"]["src/controllers/user.controller.js"] == "routes"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002")}  # no false bypass to the controller


def test_a_route_table_reaching_a_repository_is_still_a_bypass(make_project: Make) -> None:
    project = express_project(
        "const repo = require('../repositories/user.repository');",
        "const router = express.Router();",
        "router.get('/', controller.list);",
        "router.get('/all', async (req, res) => res.json(await repo.all()));",
    )
    arch, _routes, found = architecture(make_project(project))
    assert arch["files"]["src/repositories/user.repository.js"] == "repositories"
    assert {f for f in found if f[0] == "ARCH002"} == {("ARCH002", "src/routes/users.js", 3)}


def test_a_controller_no_route_registers_that_queries_is_data_access(make_project: Make) -> None:
    # not handed to a route: its code says data access, and the route table importing it is a bypass
    project = express_project(
        "const router = express.Router();",
        "router.get('/', async (req, res) => res.json(await controller.list()));",
    )
    arch, _routes, found = architecture(make_project(project))
    assert arch["files"]["src/controllers/user.controller.js"] == "repositories"
    assert ("ARCH002", "src/routes/users.js", 2) in found


def test_a_blueprint_of_error_handlers_alone_is_a_routes_package(make_project: Make) -> None:
    root = make_project(
        {
            "app/__init__.py": FACTORY.replace(
                ".main import main as main_blueprint", "app.errors import bp"
            ).replace("main_blueprint)", "bp)"),
            "app/errors/__init__.py": "from flask import Blueprint\n\nbp = Blueprint('errors', __name__)\n\n"
            "from app.errors import handlers\n",
            "app/errors/handlers.py": "from app.errors import bp\n\n\n@bp.app_errorhandler(404)\n"
            "def not_found(error):\n    return 'missing', 404\n",
        }
    )
    arch, routes, _found = architecture(root)
    assert routes == []  # error handlers serve no path
    assert arch["files"] == {"app/errors/__init__.py": "routes", "app/errors/handlers.py": "routes"}
    assert arch["evidence"]["app/errors/handlers.py"] == "code: routes"


RESOLVER = (
    "import { Resolver, Query, Mutation, Arg } from 'type-graphql';\n"
    "import { PetService } from '../services/PetService';\n{imports}\n"
    "@Resolver()\nexport class PetResolver {\n  constructor(private pets: PetService) {}\n"
    "  @Query(() => [String])\n  pets() { return this.pets.find(); }\n"
    "  @Mutation(() => String)\n  add(@Arg('name') name: string) { return this.pets.create(name); }\n}\n"
)
PET_SERVICE = (
    "export class PetService {\n  find() { return []; }\n  create(name: string) { return name; }\n}\n"
)
PET_REPOSITORY = "import { Pool } from 'pg';\nexport const pool = new Pool();\nexport const all = () => pool.query('SELECT * FROM pets');\n"


def graphql_project(imports: str = "") -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "x", "dependencies": {"express": "^4", "type-graphql": "^1", "pg": "^8"}}',
        "src/app.ts": "import express from 'express';\nconst app = express();\napp.listen(3000);\n",
        "src/api/resolvers/PetResolver.ts": RESOLVER.replace("{imports}", imports),
        "src/api/services/PetService.ts": PET_SERVICE,
        "src/api/repositories/PetRepository.ts": PET_REPOSITORY,
    }


def test_a_graphql_resolver_is_a_request_handler(make_project: Make) -> None:
    arch, _routes, found = architecture(make_project(graphql_project()))
    assert arch["files"]["src/api/resolvers/PetResolver.ts"] == "routes"
    assert arch["evidence"]["src/api/resolvers/PetResolver.ts"] == "code: routes"
    assert not {f for f in found if f[0] in ("ARCH001", "ARCH002")}


def test_a_graphql_resolver_reaching_a_repository_is_a_bypass(make_project: Make) -> None:
    project = graphql_project("import { all } from '../repositories/PetRepository';\n")
    arch, _routes, found = architecture(make_project(project))
    assert arch["files"]["src/api/resolvers/PetResolver.ts"] == "routes"
    assert ("ARCH002", "src/api/resolvers/PetResolver.ts", 3) in found


def test_graphql_object_types_are_no_request_handlers(make_project: Make) -> None:
    project = graphql_project()
    project["src/api/types/Pet.ts"] = (
        "import { ObjectType, Field } from 'type-graphql';\n\n@ObjectType()\nexport class Pet {\n"
        "  @Field()\n  name!: string;\n}\n"
    )
    arch, _routes, _found = architecture(make_project(project))
    assert "src/api/types/Pet.ts" not in arch["evidence"]


def test_a_cli_folder_of_entry_points_is_no_layer(make_project: Make) -> None:
    cli = "import sys\nfrom app.services.users import names\n\nif __name__ == '__main__':\n    print(names(sys.argv[1]))\n"
    root = make_project(
        {
            "app/__init__.py": "",
            "app/routes/users.py": "from flask import Blueprint\nfrom app.services.users import names\n"
            "bp = Blueprint('x', __name__)\n\n@bp.get('/x')\ndef x():\n    return names('a')\n",
            "app/services/users.py": "def names(x):\n    return [x]\n",
            "cli/services/report.py": cli,
        }
    )
    data = inspect(root, use_cache=False).to_json()
    assert data["architecture"]["files"] == {
        "app/routes/users.py": "routes",
        "app/services/users.py": "services",
    }
    assert data["project"]["by_scope"] == {"application": 3, "script": 1}
