"""Composition root: reads the configuration, creates the schema, wires routes, services and repositories."""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

from models import Base
from repositories.articles import ArticleRepository
from repositories.comments import CommentRepository
from repositories.tags import TagRepository
from repositories.users import UserRepository
from routes.articles import articles_blueprint
from routes.auth import RequestAuth
from routes.comments import comments_blueprint
from routes.errors import register_error_handlers
from routes.health import health_blueprint
from routes.profiles import profiles_blueprint
from routes.users import users_blueprint
from services.articles import ArticleService
from services.comments import CommentService
from services.profiles import ProfileService
from services.security import TokenService
from services.users import UserService


ENV_FILE = Path(__file__).resolve().parent / ".env"


def load_env_file(path: Path = ENV_FILE) -> None:
    """The task's `.env` file, when there is one, for the variables the environment leaves unset.

    The paper's harness sets no DATABASE_URL: a PostgreSQL task ships a `.env` naming its database
    (`tasks/postgres.env` holds the paper's literal settings), a SQLite task none.
    """
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


def database_url() -> str:
    """`DATABASE_URL` (PostgreSQL) when set, else the SQLite file `conduit.db` in the working directory."""
    url = os.environ.get("DATABASE_URL") or "sqlite:///conduit.db"
    # Heroku-style URLs say `postgres://`, a scheme SQLAlchemy does not accept.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    return url


def create_app() -> Flask:
    load_env_file()
    engine = create_engine(database_url())
    Base.metadata.create_all(engine)
    session = scoped_session(sessionmaker(engine, expire_on_commit=False))

    user_repository = UserRepository(session)
    article_repository = ArticleRepository(session)
    # Without JWT_SECRET, tokens are signed with a key that lives as long as the process.
    tokens = TokenService(os.environ.get("JWT_SECRET") or secrets.token_urlsafe(32))
    users = UserService(user_repository, tokens)
    profiles = ProfileService(user_repository)
    articles = ArticleService(article_repository, TagRepository(session), user_repository)
    comments = CommentService(CommentRepository(session), article_repository, user_repository)

    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep fields in the order the API documents them
    auth = RequestAuth(users)
    app.register_blueprint(health_blueprint())
    app.register_blueprint(users_blueprint(users, auth))
    app.register_blueprint(profiles_blueprint(profiles, auth))
    app.register_blueprint(articles_blueprint(articles, auth))
    app.register_blueprint(comments_blueprint(comments, auth))
    register_error_handlers(app)

    @app.teardown_appcontext
    def end_session(_error: BaseException | None) -> None:
        session.remove()

    return app
