from flask import Flask

from .health import bp as health_bp
from .projects import bp as projects_bp


def register_routes(app: Flask) -> None:
    app.register_blueprint(health_bp, url_prefix="/api")
    app.register_blueprint(projects_bp, url_prefix="/api")
