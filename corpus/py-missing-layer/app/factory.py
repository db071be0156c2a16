import os

from flask import Flask

from app.extensions import db
from app.routes import register_routes


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///todo.db")
    db.init_app(app)
    register_routes(app)
    with app.app_context():
        db.create_all()
    return app
