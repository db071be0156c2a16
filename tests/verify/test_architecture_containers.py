"""A folder named like a layer that holds the other layers' folders is the application's own folder
(issue 18): Express boilerplates keep `src/api/{controllers,models,services,…}`, and the files directly in
`api/` or in its unnamed subfolders (`api/errors/`) are in no layer. Violating and clean cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cdverify import inspect

Make = Callable[[dict[str, str | bytes]], Path]

ERROR = "class ApiError extends Error {}\nmodule.exports = ApiError;\n"
MODEL = (
    "const mongoose = require('mongoose');\nconst ApiError = require('../errors/api-error');\n\n"
    "module.exports = mongoose.model('User', new mongoose.Schema({ name: String }));\n"
)
SERVICE = "const User = require('../models/user.model');\n\nexports.names = async () => (await User.find()).map((u) => u.name);\n"


def arch(root: Path) -> tuple[dict[str, str], set[tuple[str, str]]]:
    report = inspect(root, use_cache=False)
    found = {(f.rule, f.location.path) for f in report.findings if f.rule[:4] == "ARCH"}
    return report.to_json()["architecture"]["files"], found


def test_an_api_folder_holding_the_layers_is_no_layer(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": '{"dependencies": {"express": "4", "mongoose": "5"}}',
            "src/api/errors/api-error.js": ERROR,
            "src/api/context.js": "module.exports = {};\n",
            "src/api/models/user.model.js": MODEL,
            "src/api/services/users.service.js": SERVICE,
            "src/api/controllers/users.controller.js": "const svc = require('../services/users.service');\n\n"
            "exports.list = async (req, res) => res.json(await svc.names());\n",
        }
    )
    files, found = arch(root)
    assert "src/api/errors/api-error.js" not in files
    assert "src/api/context.js" not in files
    assert files["src/api/models/user.model.js"] == "models"
    assert files["src/api/controllers/users.controller.js"] == "routes"
    assert not {f for f in found if f[1] == "src/api/models/user.model.js"}  # no false upward import


def test_an_api_folder_with_one_other_layer_inside_stays_routes(make_project: Make) -> None:
    """`api/` of route helpers with a `models/` subfolder of request schemas is still the routes layer:
    a model importing a route helper is upward."""
    root = make_project(
        {
            "package.json": '{"dependencies": {"express": "4", "mongoose": "5"}}',
            "src/api/errors/api-error.js": ERROR,
            "src/api/models/user.model.js": MODEL,
        }
    )
    files, found = arch(root)
    assert files["src/api/errors/api-error.js"] == "routes"
    assert ("ARCH001", "src/api/models/user.model.js") in found


def test_a_domain_folder_with_services_and_repositories_inside_keeps_its_entities(make_project: Make) -> None:
    """A lower layer's folder is no container: DDD `domain/` keeps `services/` and `repositories/`
    interfaces beside its entities and DTOs, which stay models."""
    root = make_project(
        {
            "app/__init__.py": "",
            "app/domain/__init__.py": "",
            "app/domain/user.py": "from dataclasses import dataclass\n\n@dataclass\nclass User:\n    name: str\n",
            "app/domain/services/__init__.py": "",
            "app/domain/services/naming.py": "from app.domain.user import User\n\ndef name(u: User) -> str:\n    return u.name\n",
            "app/domain/repositories/__init__.py": "",
            "app/domain/repositories/users.py": "from abc import ABC\n\nclass Users(ABC):\n    pass\n",
            "app/domain/dtos/__init__.py": "",
            "app/domain/dtos/user.py": "from dataclasses import dataclass\n\n@dataclass\nclass UserDTO:\n    name: str\n",
        }
    )
    files, _found = arch(root)
    assert files["app/domain/user.py"] == "models"
    assert files["app/domain/dtos/user.py"] == "models"
    assert files["app/domain/services/naming.py"] == "services"


def test_an_api_folder_of_routers_and_request_schemas_stays_routes(make_project: Make) -> None:
    """`api/` holding `routers/`, `models/` of pydantic request schemas and an empty `infrastructure/`
    (no code shows another layer inside), with FastAPI dependencies directly in it, is the routes layer,
    not a container: its helpers stay routes."""
    root = make_project(
        {
            "requirements.txt": "fastapi\n",
            "api/__init__.py": "",
            "api/dependencies.py": "from fastapi import Request\n\ndef user(request: Request) -> str:\n    return 'me'\n",
            "api/errors.py": "class ApiError(Exception):\n    pass\n",
            "api/models/__init__.py": "",
            "api/models/schemas.py": "from pydantic import BaseModel\n\nclass Item(BaseModel):\n    name: str\n",
            "api/infrastructure/__init__.py": "",
            "api/infrastructure/database.py": "",
            "api/routers/__init__.py": "",
            "api/routers/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n@router.get('/items')\ndef items():\n    return []\n",
        }
    )
    files, _found = arch(root)
    assert files["api/dependencies.py"] == "routes"
    assert files["api/errors.py"] == "routes"


def test_an_api_folder_registering_routes_itself_stays_routes(make_project: Make) -> None:
    """Routes registered by a file directly in `api/` make it the routes layer whatever it holds."""
    root = make_project(
        {
            "package.json": '{"dependencies": {"express": "4", "mongoose": "5"}}',
            "src/api/index.js": "const express = require('express');\nconst router = express.Router();\n"
            "router.get('/health', (req, res) => res.send('ok'));\nmodule.exports = router;\n",
            "src/api/errors/api-error.js": ERROR,
            "src/api/models/user.model.js": MODEL,
            "src/api/services/users.service.js": SERVICE,
        }
    )
    files, _found = arch(root)
    assert files["src/api/errors/api-error.js"] == "routes"


BLUEPRINT_APP = {
    "requirements.txt": "flask\n",
    "app/__init__.py": "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n"
    "    from app.main import main\n    app.register_blueprint(main)\n    return app\n",
    "app/main/__init__.py": "from flask import Blueprint\n\nmain = Blueprint('main', __name__)\n\nfrom app.main import views\n",
    "app/main/views.py": "from app.main import main\n\n@main.route('/')\ndef index():\n    return 'ok'\n",
    "app/main/helpers.py": "def title(text):\n    return text.title()\n",
}


def test_the_module_building_a_blueprint_is_routes(make_project: Make) -> None:
    """Flask packages build their Blueprint in `__init__.py` and register routes on it in `views.py`: the
    `__init__.py` is a routes module (in a folder that names no layer); a helper beside it is not, nor is
    the app factory building the app object (the composition root)."""
    files, _found = arch(make_project(BLUEPRINT_APP))
    assert files["app/main/__init__.py"] == "routes"
    assert files["app/main/views.py"] == "routes"
    assert "app/__init__.py" not in files
    assert "app/main/helpers.py" not in files


def test_a_module_importing_the_app_object_makes_it_no_routes_module(make_project: Make) -> None:
    """`from app import app` then `@app.route`: routes on the app object itself leave its module alone."""
    root = make_project(
        {
            "requirements.txt": "flask\n",
            "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n\nfrom app import views\n",
            "app/views.py": "from app import app\n\n@app.route('/')\ndef index():\n    return 'ok'\n",
        }
    )
    files, _found = arch(root)
    assert files.get("app/__init__.py") != "routes"
