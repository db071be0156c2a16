"""A check computes only what its verifiers and its output read: the detection reports are built on first
use, verifiers of axes not asked for are not run, and none of that changes a result."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from cdverify import inspect, verify
from cdverify.report import REPORTERS, ReportOptions

Make = Callable[[dict[str, str | bytes]], Path]
# `orm_sites`: the ORM report by the files' own scopes, which the layers read; `orm`: the same with the SQL of
# command-line scripts in the scripts scope (the layers are built for it only where a site may be in one)
REPORTS = ("database", "frameworks", "orm", "orm_sites", "traced")

# Two files importing each other (an ARCH007 cycle), raw SQL at a sink, a declared driver nothing uses
# (DB005), a Flask app (FW evidence): every detector has something to find.
FILES: dict[str, str | bytes] = {
    "requirements.txt": "flask==3.0.3\npsycopg2-binary==2.9.9\n",
    "app/__init__.py": "",
    "app/routes/users.py": (
        "from flask import Flask\nfrom app.services.users import names\n"
        "app = Flask(__name__)\n\n@app.get('/users')\ndef users():\n    return names()\n"
    ),
    "app/services/users.py": "from app.services import helpers\n\ndef names():\n    return helpers.run()\n",
    "app/services/helpers.py": (
        "import sqlite3\nfrom app.services import users\n\ndef run():\n"
        "    return sqlite3.connect('app.db').execute('SELECT name FROM users WHERE id = 1').fetchall()\n"
    ),
}


def test_architecture_check_builds_only_the_reports_layers_read(make_project: Make) -> None:
    """Layers by role read the routes (framework report) and the raw SQL (ORM report), not the engines."""
    report = verify(make_project(FILES), "clean_architecture", use_cache=False)
    REPORTERS["text"](report, ReportOptions())
    assert set(REPORTS) & vars(report.analysis).keys() == {"frameworks", "orm_sites", "traced"}
    assert "ARCH007" in {f.rule for f in report.findings}


def test_json_output_and_inspect_build_them_all(make_project: Make) -> None:
    root = make_project(FILES)
    checked = verify(root, "clean_architecture", use_cache=False)
    data = checked.to_json()
    assert set(REPORTS) <= vars(checked.analysis).keys()
    assert data["framework"]["detected"] == ["flask"]
    assert [item["statement"] for item in data["orm"]["raw_sql"]] == ["SELECT"]
    inspected = inspect(root, use_cache=False)
    assert {f.rule for f in inspected.findings} >= {"ARCH007", "DB005"}


def test_each_verifier_reads_only_its_report(make_project: Make) -> None:
    root = make_project(FILES)
    for spec, built in (
        ("flask", {"frameworks", "traced"}),
        ("sqlite", {"database"}),
        ("sqlite+sqlalchemy", {"database", "orm", "orm_sites", "traced"}),
    ):
        report = verify(root, spec, use_cache=False)
        assert set(REPORTS) & vars(report.analysis).keys() == built, spec


def test_an_ignore_of_an_axis_not_asked_for_still_matches(make_project: Make) -> None:
    """Before the verifiers were skipped, an ignore of DB005 matched even in `check -c clean_architecture`;
    it must not turn into a stale-ignore CFG001 now, while an ignore matching nothing still does."""
    ignores = (
        '[[ignore]]\nrule = "DB005"\npath = "requirements.txt"\nreason = "driver for later"\n\n'
        '[[ignore]]\nrule = "ORM001"\npath = "nowhere.py"\nreason = "stale"\n'
    )
    report = verify(make_project({**FILES, "cdverify.toml": ignores}), "clean_architecture", use_cache=False)
    stale = [f.evidence for f in report.findings if f.rule == "CFG001"]
    assert stale == ["ORM001 nowhere.py (stale)"]
    assert "database" in vars(report.analysis)  # the ignore named a database rule: its verifier ran


def test_a_text_check_never_imports_the_heavy_libraries(make_project: Make) -> None:
    """networkx is gone for good; the database detector and the other verifiers load only when read
    (the framework and ORM detectors are read by the layers by role)."""
    root = make_project(FILES)
    code = (
        "import sys, json\nfrom cdverify.cli import main\nsys.argv = ['cdverify', 'check', sys.argv[1], '-c', "
        "'clean_architecture', '--no-cache']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=False
    )
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "1 info" in done.stdout  # the ARCH007 cycle: the graph algorithms ran
    for module in (
        "networkx",
        "cdverify.detect.database",
    ):
        assert module not in loaded, module
    assert {"cdverify.verifiers.architecture"} <= loaded
    assert not {"cdverify.verifiers.database", "cdverify.verifiers.framework"} & loaded
