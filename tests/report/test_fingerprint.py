"""Fingerprints (cdverify/fingerprint.py): what a finding is, not where it is — kept when code moves,
changed when the violating code changes, distinct for two findings of one file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cdverify
from cdverify.fingerprint import fingerprints, normalised_evidence
from cdverify.model import Finding, Location, Severity

Make = Callable[[dict[str, str | bytes]], Path]

LAYERS: dict[str, str | bytes] = {
    "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "app/services/users.py": "from app.repositories.users import repo\n",
    "app/services/orders.py": "from app.repositories.orders import orders\n",
    "app/repositories/users.py": "from app.models.user import User\nrepo = None\n",
    "app/repositories/orders.py": "from app.models.user import User\norders = None\n",
    "app/models/user.py": "class User: ...\n",
}
ROUTE = (
    "from flask import Blueprint\n"
    "from app.repositories.users import repo\n"
    "from app.services.orders import orders\n"
    "\n"
    'bp = Blueprint("users", __name__)\n'
)


def _findings(root: Path) -> list[Finding]:
    report = cdverify.verify(root, "flask+clean_architecture", use_cache=False)
    return [f for f in report.findings if f.rule.startswith("ARCH")]


def test_moving_code_down_keeps_the_fingerprint(make_project: Make) -> None:
    root = make_project({**LAYERS, "app/routes/users.py": ROUTE})
    (before,) = _findings(root)
    assert before.rule == "ARCH002" and before.location.line == 2
    assert len(before.fingerprint) == 16 and int(before.fingerprint, 16) >= 0
    moved = '"""Users."""\n\nimport os\n\n\n' + ROUTE.replace("import repo\n", "import repo  # the store\n")
    (root / "app/routes/users.py").write_text(moved)
    (after,) = _findings(root)
    assert after.location.line == 7
    assert after.fingerprint == before.fingerprint


def test_changing_the_violating_import_changes_the_fingerprint(make_project: Make) -> None:
    root = make_project({**LAYERS, "app/routes/users.py": ROUTE})
    (before,) = _findings(root)
    other = ROUTE.replace(
        "from app.repositories.users import repo", "from app.repositories.orders import orders"
    )
    (root / "app/routes/users.py").write_text(other)
    (after,) = _findings(root)
    assert (after.rule, after.location.line) == (before.rule, before.location.line)
    assert after.fingerprint != before.fingerprint


def test_the_same_violation_twice_in_a_file_gets_two_fingerprints_that_survive_a_move(
    make_project: Make,
) -> None:
    twice = ROUTE + "\n\ndef late():\n    from app.repositories.users import repo\n    return repo\n"
    root = make_project({**LAYERS, "app/routes/users.py": twice})
    first = _findings(root)
    assert [f.location.line for f in first] == [2, 9]
    assert len({f.fingerprint for f in first}) == 2
    (root / "app/routes/users.py").write_text("# moved\n\n" + twice)
    again = _findings(root)
    assert [f.location.line for f in again] == [4, 11]
    assert [f.fingerprint for f in again] == [f.fingerprint for f in first]


def test_fingerprints_number_duplicates_in_file_order_whatever_the_order_given() -> None:
    def finding(line: int, evidence: str = "import x") -> Finding:
        return Finding(
            "ARCH001", "upward-import", "architecture", Severity.ERROR, Location("a.py", line), "m", evidence
        )

    a, b, c = finding(3), finding(9), finding(5, "import y")
    assert fingerprints([a, b, c]) == list(reversed(fingerprints([c, b, a])))
    assert len(set(fingerprints([a, b, c]))) == 3
    # the same finding found at another line, alone, keeps its fingerprint
    assert fingerprints([finding(40)]) == fingerprints([a])[:1]


def test_evidence_is_read_without_positions_and_extra_whitespace() -> None:
    cycle = "app/a.py:3 → app/b.py:12 → app/a.py"
    assert normalised_evidence(cycle) == "app/a.py → app/b.py → app/a.py"
    assert normalised_evidence("from  x\n   import y") == "from x import y"
    # a URL's port is part of what is written, not a position
    assert normalised_evidence("postgres://db.example:5432/app") == "postgres://db.example:5432/app"


def test_the_json_report_carries_each_fingerprint(make_project: Make) -> None:
    root = make_project({**LAYERS, "app/routes/users.py": ROUTE})
    report = cdverify.verify(root, "flask+clean_architecture", use_cache=False)
    data = report.to_json()
    assert data["schema_version"] == "1.6"
    assert [f["fingerprint"] for f in data["findings"]] == [f.fingerprint for f in report.findings]
    assert all(f["fingerprint"] for f in data["findings"])
