"""A Python `controllers/` folder of business rules, not request handlers (issue 18, the forty-fourth set):
a Flask app whose blueprints under `views/` call the game and score rules kept in `controllers/` ("the
business logic layer between views and models"). A module there that imports no request API of the
framework, registers no route, is no handler a route table names, defines functions or classes, and is
imported by a request handler is a use case: services (rules/architecture/clean_architecture.toml `[roles]
business_folders`), with its package's `__init__.py` that only imports such modules. A controller that
handles requests, registers routes, is registered as a handler, or that no handler imports keeps its
folder's routes layer. The projects are small synthetic ones written for these tests."""

from __future__ import annotations

from reports import MakeProject, inspect_json, layer_violations, layers_of

FACTORY = """from flask import Flask

from .models import db


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
    db.init_app(app)
    from .views.api import api_bp

    app.register_blueprint(api_bp, url_prefix="/api")
    return app
"""
MODELS = """from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    price = db.Column(db.Integer, nullable=False)
"""
RULES = """from ..models import Ticket

MAX_PRICE = 500


class PriceError(Exception):
    status = 422


def check_price(price):
    if price > MAX_PRICE:
        raise PriceError(f"price above {MAX_PRICE}")
    return Ticket(price=price)
"""
VIEWS = """from flask import Blueprint, jsonify, request

from ..controllers.pricing import PriceError, check_price

api_bp = Blueprint("api", __name__)


@api_bp.route("/tickets", methods=["POST"])
def create_ticket():
    try:
        ticket = check_price(request.get_json()["price"])
    except PriceError as exc:
        return jsonify(error=str(exc)), exc.status
    return jsonify(price=ticket.price), 201
"""


def _files(**extra: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": FACTORY,
        "app/models.py": MODELS,
        "app/controllers/__init__.py": "from . import pricing\n\n__all__ = ['pricing']\n",
        "app/controllers/pricing.py": RULES,
        "app/views/__init__.py": "",
        "app/views/api.py": VIEWS,
        "requirements.txt": "flask\nflask-sqlalchemy\n",
        **extra,
    }


def test_controllers_of_business_rules_a_blueprint_calls_are_services(make_project: MakeProject) -> None:
    layers = layers_of(inspect_json(make_project, _files()))
    assert layers["app/controllers/pricing.py"] == "services"
    assert layers["app/controllers/__init__.py"] == "services"
    assert layers["app/views/api.py"] == "routes"


def test_a_business_controller_importing_a_repository_is_no_bypass(make_project: MakeProject) -> None:
    repository = "from ..models import Ticket, db\n\n\ndef save(ticket):\n    db.session.add(ticket)\n"
    rules = RULES.replace(
        "from ..models import Ticket", "from ..models import Ticket\nfrom ..repositories.tickets import save"
    )
    files = _files(
        **{
            "app/controllers/pricing.py": rules,
            "app/repositories/__init__.py": "",
            "app/repositories/tickets.py": repository,
        }
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/controllers/pricing.py"] == "services"
    assert not [v for v in layer_violations(report) if v[1] == "app/controllers/pricing.py"]


def test_a_controller_handling_requests_stays_routes(make_project: MakeProject) -> None:
    rules = "from flask import request\n\n" + RULES.replace(
        "def check_price(price):", "def check_price(price):\n    price = price or request.args.get('price')"
    )
    layers = layers_of(inspect_json(make_project, _files(**{"app/controllers/pricing.py": rules})))
    assert layers["app/controllers/pricing.py"] == "routes"
    assert layers["app/controllers/__init__.py"] == "routes"


def test_a_controller_registering_routes_stays_routes(make_project: MakeProject) -> None:
    files = _files(
        **{
            "app/controllers/pricing.py": VIEWS.replace("..controllers.pricing", "..rules"),
            "app/rules.py": RULES,
            "app/views/api.py": "from ..controllers.pricing import api_bp\n",
        }
    )
    assert layers_of(inspect_json(make_project, files))["app/controllers/pricing.py"] == "routes"


def test_a_controller_registered_as_a_handler_stays_routes(make_project: MakeProject) -> None:
    handler = (
        "from ..models import Ticket\n\n\ndef list_tickets():\n    return {'count': Ticket.query.count()}\n"
    )
    views = VIEWS + '\napi_bp.add_url_rule("/tickets", view_func=tickets.list_tickets)\n'
    views = views.replace(
        "from ..controllers.pricing", "from ..controllers import tickets\nfrom ..controllers.pricing"
    )
    files = _files(**{"app/controllers/tickets.py": handler, "app/views/api.py": views})
    layers = layers_of(inspect_json(make_project, files))
    assert layers["app/controllers/tickets.py"] == "routes"
    assert layers["app/controllers/pricing.py"] == "services"


def test_a_controller_no_handler_imports_keeps_its_folder(make_project: MakeProject) -> None:
    views = VIEWS.replace(
        "from ..controllers.pricing import PriceError, check_price",
        "from ..rules import PriceError, check_price",
    )
    files = _files(**{"app/views/api.py": views, "app/rules.py": RULES})
    layers = layers_of(inspect_json(make_project, files))
    assert layers["app/controllers/pricing.py"] == "routes"
