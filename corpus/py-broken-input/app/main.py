import os

from flask import Flask

from app.db import db
from app.routes.notes import bp as notes_bp

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///notes.db")
db.init_app(app)
app.register_blueprint(notes_bp)

with app.app_context():
    db.create_all()
