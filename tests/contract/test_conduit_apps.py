"""The reference Conduit backends in corpus/ really work: each one, on SQLite and on PostgreSQL, passes
every assertion of the upstream RealWorld Postman collection, run by newman as the paper's harness runs it.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from parity import run_newman

from cdverify.contract.collection import bundled_path

pytestmark = (
    pytest.mark.integration
)  # installs the reference apps, serves them on SQLite and PostgreSQL, runs newman

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTION = bundled_path("realworld")  # the RealWorld collection the package ships
# The upstream collection runs 311 assertions against a correct backend with an empty database.
MIN_ASSERTIONS = 300


def _failures(report: dict[str, Any]) -> list[str]:
    lines = []
    for failure in report["run"].get("failures", []):
        source = failure.get("source", {}).get("name", "?")
        error = failure.get("error", {})
        lines.append(f"{source}: {error.get('test') or error.get('name', '?')}: {error.get('message', '')}")
    return lines


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
@pytest.mark.parametrize("app", ["conduit-flask-clean", "conduit-express-clean"])
def test_app_passes_the_realworld_collection(
    app: str,
    database: str,
    tmp_path: Path,
    newman: Path,
    prepare_app: Callable[[Path], dict[str, str]],
    start_app: Callable[[Path, dict[str, str]], str],
    request: pytest.FixtureRequest,
) -> None:
    # A fresh copy: its own SQLite file, no node_modules or caches from a developer's checkout.
    app_dir = shutil.copytree(
        REPO_ROOT / "corpus" / app,
        tmp_path / app,
        ignore=shutil.ignore_patterns("node_modules", "__pycache__", ".venv", "*.db", "*.sqlite*"),
    )
    env = prepare_app(app_dir)
    if database == "postgres":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_database")()
    base_url = start_app(app_dir, env)

    username = f"u{uuid.uuid4().hex[:12]}"
    # The globals and options of the paper's harness and of upstream's run-api-tests.sh.
    globals_ = {
        "APIURL": base_url,
        "USERNAME": username,
        "EMAIL": f"{username}@mail.com",
        "PASSWORD": "password",
    }
    report = run_newman(newman, COLLECTION, globals_, tmp_path / "newman.json", "--timeout-request", "10000")
    stats = report["run"]["stats"]["assertions"]
    failures = _failures(report)

    summary = f"{app} on {database}: {stats['total'] - stats['failed']}/{stats['total']} assertions passed"
    print(summary)
    assert stats["failed"] == 0 and not failures, summary + "\n" + "\n".join(failures)
    assert stats["total"] >= MIN_ASSERTIONS, f"{summary}; expected at least {MIN_ASSERTIONS}"
