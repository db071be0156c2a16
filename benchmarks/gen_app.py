"""Generate a synthetic Flask + SQLAlchemy Clean Architecture application for timing.

The app looks like what an LLM agent produces for the paper's
``python-flask-...-clean_architecture-sqlite-sqlalchemy`` tasks: one package with
``routes/ → services/ → repositories/ → models/`` directories, an app factory, a
database module, ``requirements.txt`` and ``run.sh``.  Every layer imports only the
layer below it (unless ``violations`` > 0, which adds routes that reach a repository
directly), so the file count can be scaled without changing the shape:

    python benchmarks/gen_app.py OUT_DIR --files 60
    python benchmarks/gen_app.py OUT_DIR --files 1000 --violations 3

The output is deterministic for a given (files, violations, package) triple.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

# Fixed files: app.py, run.sh, requirements.txt, <pkg>/__init__.py, <pkg>/config.py,
# <pkg>/db.py, <pkg>/errors.py, routes/__init__.py, routes/health.py,
# services/__init__.py, repositories/__init__.py, repositories/base.py, models/__init__.py
FIXED_FILES = 13
FILES_PER_ENTITY = 4

_WORDS: tuple[str, ...] = (
    "user",
    "article",
    "comment",
    "tag",
    "profile",
    "order",
    "invoice",
    "product",
    "category",
    "review",
    "payment",
    "shipment",
    "address",
    "cart",
    "coupon",
    "inventory",
    "supplier",
    "warehouse",
    "employee",
    "department",
    "project",
    "task",
    "ticket",
    "message",
    "notification",
    "session",
    "device",
    "report",
    "subscription",
    "plan",
    "feature",
    "setting",
    "audit",
    "event",
    "booking",
    "room",
    "guest",
    "vendor",
)


def entity_names(count: int) -> list[str]:
    """Deterministic, unique snake_case entity names."""
    names: list[str] = []
    round_no = 0
    while len(names) < count:
        for word in _WORDS:
            names.append(word if round_no == 0 else f"{word}{round_no}")
            if len(names) == count:
                break
        round_no += 1
    return names


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _model(pkg: str, name: str) -> str:
    cls = _camel(name)
    return f'''"""{cls} entity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from {pkg}.models import Base


class {cls}(Base):
    __tablename__ = "{name}s"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=datetime.utcnow, onupdate=datetime.utcnow
    )

    def to_dict(self) -> dict[str, object]:
        return {{
            "id": self.id,
            "slug": self.slug,
            "title": self.title,
            "body": self.body,
            "createdAt": self.created_at.isoformat() if self.created_at else None,
            "updatedAt": self.updated_at.isoformat() if self.updated_at else None,
        }}
'''


def _repository(pkg: str, name: str) -> str:
    cls = _camel(name)
    return f'''"""Data access for {cls}."""

from __future__ import annotations

from sqlalchemy import select

from {pkg}.db import get_session
from {pkg}.models.{name} import {cls}
from {pkg}.repositories.base import BaseRepository


class {cls}Repository(BaseRepository[{cls}]):
    model = {cls}

    def find_by_slug(self, slug: str) -> {cls} | None:
        with get_session() as session:
            return session.scalars(select({cls}).where({cls}.slug == slug)).first()

    def list_recent(self, limit: int = 20, offset: int = 0) -> list[{cls}]:
        with get_session() as session:
            stmt = select({cls}).order_by({cls}.created_at.desc()).limit(limit).offset(offset)
            return list(session.scalars(stmt))

    def create(self, slug: str, title: str, body: str = "") -> {cls}:
        with get_session() as session:
            obj = {cls}(slug=slug, title=title, body=body)
            session.add(obj)
            session.commit()
            session.refresh(obj)
            return obj

    def update(self, obj: {cls}, **fields: object) -> {cls}:
        with get_session() as session:
            for key, value in fields.items():
                setattr(obj, key, value)
            session.add(obj)
            session.commit()
            session.refresh(obj)
            return obj
'''


def _service(pkg: str, name: str, deps: list[str]) -> str:
    cls = _camel(name)
    dep_imports = "".join(f"from {pkg}.services.{d}_service import {_camel(d)}Service\n" for d in deps)
    dep_init = "".join(f"        self.{d}s = {_camel(d)}Service()\n" for d in deps)
    return f'''"""Use cases for {cls} (framework-agnostic)."""

from __future__ import annotations

import re

from {pkg}.errors import NotFoundError, ValidationError
from {pkg}.models.{name} import {cls}
from {pkg}.repositories.{name}_repository import {cls}Repository
{dep_imports}
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    return _SLUG_RE.sub("-", text.lower()).strip("-")


class {cls}Service:
    def __init__(self, repository: {cls}Repository | None = None) -> None:
        self.repository = repository or {cls}Repository()
{dep_init}
    def get(self, slug: str) -> {cls}:
        obj = self.repository.find_by_slug(slug)
        if obj is None:
            raise NotFoundError("{name} not found")
        return obj

    def list(self, limit: int = 20, offset: int = 0) -> list[{cls}]:
        return self.repository.list_recent(limit=limit, offset=offset)

    def create(self, payload: dict[str, object]) -> {cls}:
        title = str(payload.get("title") or "").strip()
        if not title:
            raise ValidationError({{"title": ["can't be blank"]}})
        return self.repository.create(slugify(title), title, str(payload.get("body") or ""))

    def update(self, slug: str, payload: dict[str, object]) -> {cls}:
        obj = self.get(slug)
        fields = {{k: v for k, v in payload.items() if k in ("title", "body")}}
        return self.repository.update(obj, **fields)

    def delete(self, slug: str) -> None:
        self.repository.delete(self.get(slug))
'''


def _route(pkg: str, name: str, violation: bool) -> str:
    cls = _camel(name)
    direct = f"from {pkg}.repositories.{name}_repository import {cls}Repository\n" if violation else ""
    count_view = (
        f"""

@bp.get("/{name}s/count")
def count_{name}s():
    return jsonify({{"count": len({cls}Repository().list_recent(limit=1000))}})
"""
        if violation
        else ""
    )
    return f'''"""HTTP handlers for /api/{name}s."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from {pkg}.errors import NotFoundError, ValidationError
{direct}from {pkg}.services.{name}_service import {cls}Service

bp = Blueprint("{name}s", __name__, url_prefix="/api")
service = {cls}Service()


@bp.errorhandler(NotFoundError)
def _not_found(err: NotFoundError):
    return jsonify({{"errors": {{"body": [str(err)]}}}}), 404


@bp.errorhandler(ValidationError)
def _invalid(err: ValidationError):
    return jsonify({{"errors": err.errors}}), 422


@bp.get("/{name}s")
def list_{name}s():
    limit = request.args.get("limit", default=20, type=int)
    offset = request.args.get("offset", default=0, type=int)
    items = [o.to_dict() for o in service.list(limit=limit, offset=offset)]
    return jsonify({{"{name}s": items, "count": len(items)}})


@bp.get("/{name}s/<slug>")
def get_{name}(slug: str):
    return jsonify({{"{name}": service.get(slug).to_dict()}})


@bp.post("/{name}s")
def create_{name}():
    payload = (request.get_json(silent=True) or {{}}).get("{name}") or {{}}
    return jsonify({{"{name}": service.create(payload).to_dict()}}), 201


@bp.put("/{name}s/<slug>")
def update_{name}(slug: str):
    payload = (request.get_json(silent=True) or {{}}).get("{name}") or {{}}
    return jsonify({{"{name}": service.update(slug, payload).to_dict()}})


@bp.delete("/{name}s/<slug>")
def delete_{name}(slug: str):
    service.delete(slug)
    return "", 204
{count_view}'''


def _fixed_files(pkg: str, names: list[str]) -> dict[str, str]:
    blueprints = "".join(f"    from {pkg}.routes.{n}_routes import bp as {n}_bp\n" for n in names)
    registers = "".join(f"    app.register_blueprint({n}_bp)\n" for n in names)
    model_imports = "".join(f"    from {pkg}.models import {n}  # noqa: F401\n" for n in names)
    return {
        "requirements.txt": "flask==3.0.3\nsqlalchemy==2.0.36\n",
        "run.sh": (
            '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\n'
            "pip install -q -r requirements.txt\nexec python app.py\n"
        ),
        "app.py": (
            f"from {pkg} import create_app\n\napp = create_app()\n\n"
            'if __name__ == "__main__":\n    app.run(host="0.0.0.0", port=8080)\n'
        ),
        f"{pkg}/__init__.py": f'''"""Application factory."""

from __future__ import annotations

from flask import Flask

from {pkg}.config import Config
from {pkg}.db import init_db


def create_app(config: type[Config] = Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config)
    init_db(app.config["DATABASE_URL"])
    from {pkg}.routes.health import bp as health_bp

    app.register_blueprint(health_bp)
{blueprints}{registers}    return app
''',
        f"{pkg}/config.py": """import os


class Config:
    DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///app.db")
    JSON_SORT_KEYS = False
""",
        f"{pkg}/db.py": f'''"""Engine and session management; the schema is created on start-up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

_engine: Engine | None = None
_Session: sessionmaker[Session] | None = None


def init_db(url: str) -> None:
    global _engine, _Session
    _engine = create_engine(url, future=True)
    _Session = sessionmaker(bind=_engine, expire_on_commit=False)
    from {pkg}.models import Base
{model_imports}
    Base.metadata.create_all(_engine)


@contextmanager
def get_session() -> Iterator[Session]:
    if _Session is None:
        raise RuntimeError("init_db() was not called")
    session = _Session()
    try:
        yield session
    finally:
        session.close()
''',
        f"{pkg}/errors.py": """class NotFoundError(Exception):
    pass


class ValidationError(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(str(errors))
        self.errors = errors
""",
        f"{pkg}/routes/__init__.py": "",
        f"{pkg}/routes/health.py": """from flask import Blueprint, jsonify

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health-check")
def health_check():
    return jsonify({"status": "ok"})
""",
        f"{pkg}/services/__init__.py": "",
        f"{pkg}/repositories/__init__.py": "",
        f"{pkg}/repositories/base.py": f"""from __future__ import annotations

from typing import Generic, TypeVar

from sqlalchemy import select

from {pkg}.db import get_session
from {pkg}.models import Base

T = TypeVar("T", bound=Base)


class BaseRepository(Generic[T]):
    model: type[T]

    def get(self, obj_id: int) -> T | None:
        with get_session() as session:
            return session.get(self.model, obj_id)

    def all(self) -> list[T]:
        with get_session() as session:
            return list(session.scalars(select(self.model)))

    def delete(self, obj: T) -> None:
        with get_session() as session:
            session.delete(obj)
            session.commit()
""",
        f"{pkg}/models/__init__.py": """from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
""",
    }


def generate(out: Path, files: int = 60, violations: int = 0, package: str = "app") -> int:
    """(Re)create ``out`` with an app of about ``files`` files; return the .py count."""
    n_entities = max(1, (files - FIXED_FILES) // FILES_PER_ENTITY)
    names = entity_names(n_entities)
    contents = _fixed_files(package, names)
    for i, name in enumerate(names):
        # services call one or two sibling services (same layer), like real apps do
        deps = [names[j] for j in (i - 1, i - 2) if j >= 0][: 1 + (i % 2)]
        contents[f"{package}/models/{name}.py"] = _model(package, name)
        contents[f"{package}/repositories/{name}_repository.py"] = _repository(package, name)
        contents[f"{package}/services/{name}_service.py"] = _service(package, name, deps)
        contents[f"{package}/routes/{name}_routes.py"] = _route(package, name, i < violations)
    if out.exists():
        shutil.rmtree(out)
    for rel, text in contents.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (out / "run.sh").chmod(0o755)
    return sum(1 for rel in contents if rel.endswith(".py"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("out", type=Path, help="output directory (replaced if it exists)")
    ap.add_argument("--files", type=int, default=60, help="approximate number of files")
    ap.add_argument("--violations", type=int, default=0, help="routes that import a repository directly")
    ap.add_argument("--package", default="app", help="top-level package name")
    args = ap.parse_args(argv)
    n_py = generate(args.out, args.files, args.violations, args.package)
    print(f"{args.out}: {n_py} .py files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
