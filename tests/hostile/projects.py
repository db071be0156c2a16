"""Small projects for the hostile cases of configuration, special files and SQL size (issue 15), and the
checks that the rest of such a project was still analysed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hostile.conftest import Outcome, expect_clean

# the raw SQL every base project holds: still reported (ORM001) when something else in the tree is hostile
SIBLING_SQL = "SELECT id, name FROM users WHERE active = 1"
CONSTRAINTS = "flask+sqlite+sqlalchemy"


def python_project(root: Path) -> Path:
    """A Flask-less Python project whose one route runs raw SQL."""
    (root / "app" / "routes").mkdir(parents=True)
    (root / "app" / "models").mkdir(parents=True)
    (root / "app" / "routes" / "users.py").write_text(
        f'def list_users(cursor):\n    cursor.execute("{SIBLING_SQL}")\n    return cursor.fetchall()\n'
    )
    (root / "app" / "models" / "user.py").write_text("class User:\n    name = ''\n")
    return root


def check_json(hostile: Any, root: Path, *extra: str, timeout_s: float = 30.0) -> Outcome:
    """`cdverify check ROOT -c CONSTRAINTS --format json --no-cache -j 1`, watched in ROOT."""
    return hostile(
        ["check", str(root), "-c", CONSTRAINTS, "--format", "json", "--no-cache", "-j", "1", *extra],
        timeout_s=timeout_s,
        watch=[root],
    )


def findings(outcome: Outcome) -> list[dict[str, Any]]:
    report = json.loads(outcome.stdout)
    found: list[dict[str, Any]] = report["findings"]
    return found


def rules_at(outcome: Outcome) -> set[tuple[str, str]]:
    return {(f["rule"], f["file"]) for f in findings(outcome)}


def expect_analysed(outcome: Outcome, max_wall_s: float = 20.0) -> list[dict[str, Any]]:
    """A clean run (exit 0 or 1) whose report still holds the sibling route's raw SQL."""
    expect_clean(outcome, (0, 1), max_wall_s=max_wall_s)
    found = findings(outcome)
    raw = [f for f in found if f["rule"] == "ORM001" and f["file"] == "app/routes/users.py"]
    assert raw and SIBLING_SQL in raw[0]["message"], outcome.describe()
    return found


def expect_usage_error(outcome: Outcome, *fragments: str) -> str:
    """Exit 2, no report, and one `cdverify: error:` message holding every fragment."""
    expect_clean(outcome, (2,), max_wall_s=20.0)
    errors = [line for line in outcome.stderr.splitlines() if line.startswith("cdverify: error:")]
    assert any(all(fragment in line for fragment in fragments) for line in errors), outcome.describe()
    assert outcome.stdout == "", outcome.describe()
    return "\n".join(errors)
