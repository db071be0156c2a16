from flask import Flask

from app.api import blueprints
from app.config import Config
from app.db import db


def create_app(config: type[Config] = Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config)
    db.init_app(app)
    for blueprint in blueprints:
        app.register_blueprint(blueprint, url_prefix="/api")
    with app.app_context():
        # The entity modules are imported through the blueprints above, so every table is known here.
        db.create_all()
    return app
