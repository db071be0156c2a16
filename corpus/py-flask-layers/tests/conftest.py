import pytest

from app.config import TestConfig
from app.db import db
from app.factory import create_app


@pytest.fixture()
def app():
    app = create_app(TestConfig)
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture()
def client(app):
    return app.test_client()
