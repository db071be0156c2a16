import os

from flask import Flask

from app.extensions import db
from app.routes.bookmarks import bp as bookmarks_bp
from app.routes.health import bp as health_bp


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///bookmarks.db")
    db.init_app(app)
    app.register_blueprint(health_bp, url_prefix="/api")
    app.register_blueprint(bookmarks_bp, url_prefix="/api")
    with app.app_context():
        db.create_all()
    return app
