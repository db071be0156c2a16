"""Patterns of the hundred-and-twenty-eighth and hundred-and-thirtieth held-out sets' disagreements (session
2026-12-07 (20), docs/accuracy.md "The hundred-and-twenty-eighth and hundred-and-thirtieth sets' disagreements"),
each with violating and clean projects written for the test:

- a dotted `.domain` file name in a feature module (`transactions.domain.ts` beside `transactions.service.ts`) names
  the models layer, as a `domain/` folder does; an underscored `email_domain.ts` does not;
- a Python module whose path names no layer, that handles no request, defines no class and two functions or more,
  each running a query through Flask-SQLAlchemy's `db.session` or a model's `query` property (`auth/helpers.py`
  beside the auth blueprint), is data access; in a services folder it stays a service, and a module of helpers
  only one of which queries, or of one function, takes no layer;
- a Node start-up check at module level of a module imported above `import "dotenv/config"` (`./routes` reaching
  db.ts's `if (!process.env.DATABASE_URL) throw`) runs before the committed `.env` is loaded: the file does not lift
  it; imported below the load, it does;
- a committed `.flaskenv` sets the variables of a Flask app declaring python-dotenv (`flask run` loads it), as a
  committed `.env` does; without python-dotenv the file is not loaded.

The projects are small synthetic ones written for these tests.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json, layer_violations, layers_of

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

# -- a `.domain` file of a feature module --------------------------------------------------------------------

FASTIFY_PACKAGE = '{"name": "orders", "type": "module", "dependencies": {"fastify": "5"}}'
ORDER_RULES = """export type OrderStatus = "NEW" | "PAID" | "SHIPPED";

const NEXT: Record<OrderStatus, OrderStatus[]> = { NEW: ["PAID"], PAID: ["SHIPPED"], SHIPPED: [] };

export class InvalidStep extends Error {}

export function assertStep(from: OrderStatus, to: OrderStatus): void {
  if (!NEXT[from].includes(to)) throw new InvalidStep(`${from} -> ${to}`);
}
"""
ORDER_SERVICE = """import { assertStep, type OrderStatus } from "./orders.RULES.js";
import { hostOf } from "../shared/email_domain.js";

export function advance(status: OrderStatus, to: OrderStatus, email: string): string {
  assertStep(status, to);
  return hostOf(email);
}
"""
EMAIL_DOMAIN = """export function hostOf(email: string): string {
  return email.split("@")[1] ?? "";
}
"""


def _orders(rules_name: str) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE,
        f"src/modules/orders/orders.{rules_name}.ts": ORDER_RULES,
        "src/modules/orders/orders.service.ts": ORDER_SERVICE.replace("RULES", rules_name),
        "src/shared/email_domain.ts": EMAIL_DOMAIN,
    }


def test_a_dotted_domain_file_is_the_models_layer(make_project: MakeProject) -> None:
    layers = layers_of(inspect_json(make_project, _orders("domain")))
    assert layers["src/modules/orders/orders.domain.ts"] == "models"
    assert layers["src/modules/orders/orders.service.ts"] == "services"


def test_an_underscored_domain_word_names_no_layer(make_project: MakeProject) -> None:
    layers = layers_of(inspect_json(make_project, _orders("rules")))
    assert "src/shared/email_domain.ts" not in layers  # an internet domain's helper
    assert "src/modules/orders/orders.rules.ts" not in layers


# -- Flask's `.flaskenv` ----------------------------------------------------------------------------------------

FLASK_CONFIG = """import os

SECRET_KEY = os.getenv("SECRET_KEY")
SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URI")
"""
FLASK_EXTENSIONS = """from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
"""
FLASK_APP = """from flask import Flask

from shop.extensions import db


def create_app():
    app = Flask(__name__)
    app.config.from_object("shop.config")
    db.init_app(app)

    @app.get("/health")
    def health():
        return {"ok": True}

    return app
"""
FLASKENV = "FLASK_APP=shop.app:create_app\nSECRET_KEY=changeme\nDATABASE_URI=sqlite:///shop.db\n"


def _flask_harness(make_project: MakeProject, requirements: str) -> list[str]:
    files: dict[str, str | bytes] = {
        "requirements.txt": requirements,
        ".flaskenv": FLASKENV,
        "shop/__init__.py": "",
        "shop/config.py": FLASK_CONFIG,
        "shop/extensions.py": FLASK_EXTENSIONS,
        "shop/app.py": FLASK_APP,
    }
    database = inspect(make_project(files), use_cache=False).analysis.database
    return in_harness(database, PAPER_ENVIRONMENT).engines


def test_a_flaskenv_sets_the_variables_where_python_dotenv_loads_it(make_project: MakeProject) -> None:
    assert _flask_harness(make_project, "flask\nflask-sqlalchemy\npython-dotenv\n") == ["sqlite"]


@pytest.mark.parametrize(
    "requirements", ["flask\nflask-sqlalchemy\n", "flask\nflask_sqlalchemy\ndotenv-cli\n"]
)
def test_a_flaskenv_no_loader_reads_sets_nothing(make_project: MakeProject, requirements: str) -> None:
    assert _flask_harness(make_project, requirements) == []


# -- helpers running queries through Flask-SQLAlchemy's handles ---------------------------------------------------

TOKEN_MODELS = """from shop.extensions import db


class Token(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    jti = db.Column(db.String(36), unique=True)
    revoked = db.Column(db.Boolean, default=False)
"""
TOKEN_HELPERS = """from flask_jwt_extended import decode_token

from shop.extensions import db
from shop.models import Token


def store_token(encoded):
    decoded = decode_token(encoded)
    db.session.add(Token(jti=decoded["jti"], revoked=False))
    db.session.commit()
SECOND"""
IS_REVOKED = """

def is_revoked(payload):
    token = Token.query.filter_by(jti=payload["jti"]).first()
    return token is None or token.revoked
"""
PURE_HELPER = """

def masked(jti):
    return jti[:4] + "..."
"""
AUTH_VIEWS = """from flask import Blueprint, request

from shop.FOLDER.helpers import store_token

blueprint = Blueprint("auth", __name__, url_prefix="/auth")


@blueprint.post("/login")
def login():
    store_token(request.json["token"])
    return {"ok": True}
"""


def _token_app(folder: str = "auth", second: str = IS_REVOKED) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\nflask-sqlalchemy\nflask-jwt-extended\n",
        "shop/__init__.py": "",
        "shop/extensions.py": FLASK_EXTENSIONS,
        "shop/models.py": TOKEN_MODELS,
        f"shop/{folder}/__init__.py": "",
        f"shop/{folder}/helpers.py": TOKEN_HELPERS.replace("SECOND", second),
        "shop/auth/views.py": AUTH_VIEWS.replace("FOLDER", folder),
    }


def test_helpers_querying_through_the_session_are_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _token_app())
    assert layers_of(report)["shop/auth/helpers.py"] == "repositories"
    assert ("bypass", "shop/auth/views.py", "shop/auth/helpers.py") in layer_violations(report)


@pytest.mark.parametrize("folder", ["services", "controllers"])
def test_such_helpers_in_a_layer_folder_keep_its_layer(make_project: MakeProject, folder: str) -> None:
    files = _token_app(folder)
    assert layers_of(inspect_json(make_project, files))[f"shop/{folder}/helpers.py"] != "repositories"


@pytest.mark.parametrize("second", [IS_REVOKED + PURE_HELPER, "\n"])
def test_helpers_not_all_querying_or_one_take_no_layer(make_project: MakeProject, second: str) -> None:
    files = _token_app(second=second)
    assert "shop/auth/helpers.py" not in layers_of(inspect_json(make_project, files))


# -- a start-up check evaluated before `import "dotenv/config"` -----------------------------------------------

NODE_PACKAGE = '{"name": "certs", "type": "module", "scripts": {"dev": "tsx server/index.ts"}, "dependencies": {"express": "4", "pg": "8", "dotenv": "16"}}'
NODE_DB = """import pg from "pg";

if (!process.env.DATABASE_URL) {
  throw new Error("DATABASE_URL must be set");
}

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
"""
NODE_ROUTES = """import type { Express } from "express";
import { pool } from "./db";

export function registerRoutes(app: Express) {
  app.get("/api/certificates", async (_req, res) => {
    res.json((await pool.query("SELECT id FROM certificates")).rows);
  });
}
"""
NODE_INDEX = """import express from "express";
IMPORTS

const app = express();
registerRoutes(app);
app.listen(5000);
"""


@pytest.mark.parametrize(
    ("imports", "engines"),
    [
        ('import { registerRoutes } from "./routes";\nimport "dotenv/config";', []),
        ('import "dotenv/config";\nimport { registerRoutes } from "./routes";', ["postgresql"]),
    ],
)
def test_a_check_imported_above_the_dotenv_load_is_not_lifted_by_the_env_file(
    make_project: MakeProject, imports: str, engines: list[str]
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": NODE_PACKAGE,
        ".env": "DATABASE_URL=postgresql://localhost:5432/certs\n",
        "server/db.ts": NODE_DB,
        "server/routes.ts": NODE_ROUTES,
        "server/index.ts": NODE_INDEX.replace("IMPORTS", imports),
    }
    database = inspect(make_project(files), use_cache=False).analysis.database
    assert in_harness(database, PAPER_ENVIRONMENT).engines == engines
