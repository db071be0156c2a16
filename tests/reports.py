"""Helpers the verifier tests share: run cdverify on a small project written by the `make_project`
fixture and read its JSON report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cdverify.model import FileFacts
from cdverify.partials import FileMemo, Partials
from cdverify.pipeline import inspect, verify

MakeProject = Callable[[dict[str, str | bytes]], Path]
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# the sample projects of corpus/ (not its expected results or sample experiments)
CORPUS_APPS = sorted(
    p.name for p in CORPUS.iterdir() if p.is_dir() and p.name not in ("expected", "experiments")
)


def file_memos(facts: Mapping[str, FileFacts], folder: Path) -> Callable[[str, bytes], FileMemo]:
    """Per-file memos kept in `folder` (`memo(kind, inputs)`), each file keyed by a digest of its facts as
    the pipeline keys it by its content: what the partials tests hand a detector's `collect`."""
    digests = {path: hashlib.blake2b(repr(f).encode()).digest() for path, f in facts.items()}
    partials = Partials(folder)
    return lambda kind, inputs: partials.per_file(kind, inputs, digests)


def inspect_json(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    """The JSON report of `cdverify inspect` for a project made of `files`."""
    data: dict[str, Any] = inspect(make_project(files), use_cache=False).to_json()
    return data


def check(make_project: MakeProject, files: dict[str, str | bytes], constraint: str) -> dict[str, Any]:
    """The JSON report of `cdverify check -c <constraint>`."""
    data: dict[str, Any] = verify(make_project(files), constraint, use_cache=False).to_json()
    return data


def findings_of(report: dict[str, Any], prefix: str) -> list[tuple[str, str, int]]:
    """(rule, file, line) of the findings whose rule starts with `prefix`, sorted."""
    return sorted(
        (f["rule"], f["file"], f["line"]) for f in report["findings"] if f["rule"].startswith(prefix)
    )


def only(report: dict[str, Any], rule: str) -> dict[str, Any]:
    """The one finding of `rule` (fails when there are none or several)."""
    matches = [f for f in report["findings"] if f["rule"] == rule]
    assert len(matches) == 1, (rule, report["findings"])
    return matches[0]


def database_status(report: dict[str, Any]) -> str:
    """The database verdict's status in a JSON report (`pass`, `fail`)."""
    status: str = report["verdicts"]["database"]["status"]
    return status


def database_status_set_and_unset(root: Path, task: str, variable: str, value: str) -> tuple[str, str]:
    """The database verdict of `task` with `variable` declared in the harness environment, then with it
    set only by a `.env` the project ships (written into `root`)."""
    from cdverify.config import build_config

    declared = build_config({"harness_env": {variable: value}})
    first = verify(root, task, declared, use_cache=False).verdicts["database"].status
    (root / ".env").write_text(f"{variable}={value}\n", encoding="utf-8")
    second = verify(root, task, build_config({}), use_cache=False).verdicts["database"].status
    return str(first), str(second)


def layers_of(report: dict[str, Any]) -> dict[str, str]:
    """File → layer of an `inspect` report."""
    files: dict[str, str] = report["architecture"]["files"]
    return files


def evidence_of(report: dict[str, Any]) -> dict[str, str]:
    """File → what decided its layer (or that it is a composition root, a script)."""
    evidence: dict[str, str] = report["architecture"]["evidence"]
    return evidence


def layer_violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, file, target) of every import-level layer violation, sorted."""
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


# -- a Flask app whose settings module runs a start-up check (the harness start-up stops) -----------------

FLASK_POSTGRES_TASK = "python-flask-openapi-postgres-sqlalchemy"
_FLASK_SERVER = """from flask import Flask
from sqlalchemy import create_engine

from config import DATABASE_URL

engine = create_engine(DATABASE_URL)
app = Flask(__name__)
"""
_FLASK_CONFIG = """import os

DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://user:password@postgres:5432/conduit")
API_TOKEN = os.getenv("API_TOKEN")
LOG_LEVEL = os.getenv("LOG_LEVEL", "info")

CHECK
"""


def flask_postgres_app(check_code: str) -> dict[str, str | bytes]:
    """A Flask app on a PostgreSQL engine whose `config.py` runs `check_code` (a start-up check) at import."""
    return {
        "requirements.txt": "flask\nsqlalchemy\npsycopg2-binary\n",
        "server.py": _FLASK_SERVER,
        "config.py": _FLASK_CONFIG.replace("CHECK", check_code),
    }
