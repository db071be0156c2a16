"""`evaluate` starts the app with the environment its static verdict assumed: the paper's express runtime
puts `.env.development` beside the app, and an express app that loads that file by name is judged with
its variables (rules/database/connections.toml `paper_runtime_files`), so the copy `evaluate` starts gets
the file too (cdverify/contract/runtime_files.py).

A real small Express app is installed (`--setup auto`, npm) and started: it loads `.env.development` by
name (`node --env-file=.env.development`, which stops when the file is missing) and answers its health
check and a request that reports whether `JWT_SECRET` is set. With a paper task it starts and sees the
variable; with constraints that name no paper task it is judged in no harness and started without the
file, so it does not start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdverify.contract.runtime_files import paper_runtime_files
from cdverify.contract.server import free_port

pytestmark = pytest.mark.integration  # installs express from npm, serves the app, runs a collection

PACKAGE = {
    "name": "notes",
    "version": "1.0.0",
    "private": True,
    "scripts": {"start": "node --env-file=.env.development server.js"},
    "dependencies": {"express": "4.22.3"},
}
SERVER = """const express = require('express');

const app = express();
app.get('/api/health-check', (req, res) => res.json({ ok: true }));
app.get('/api/secret', (req, res) => res.json({ set: Boolean(process.env.JWT_SECRET) }));
app.listen(Number(process.env.PORT || 3000));
"""
RUN = '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\nexec npm start --silent\n'
COLLECTION = {
    "info": {
        "name": "secret",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    "item": [
        {
            "name": "Secret",
            "request": {"method": "GET", "url": "{{APIURL}}/secret"},
            "event": [
                {
                    "listen": "test",
                    "script": {
                        "exec": [
                            "pm.test('the secret is set', function () {",
                            "  pm.expect(pm.response.json().set).to.equal(true);",
                            "});",
                        ]
                    },
                }
            ],
        }
    ],
}


def _app(root: Path) -> Path:
    root.mkdir()
    (root / "package.json").write_text(json.dumps(PACKAGE))
    (root / "server.js").write_text(SERVER)
    (root / "run.sh").write_text(RUN)
    (root / "run.sh").chmod(0o755)
    return root


def _evaluate(app: Path, collection: Path, *flags: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "evaluate", str(app), "--format", "json", "--collection",
         str(collection), "--port", str(free_port()), "--health-timeout", "60", *flags],
        capture_output=True, text=True, timeout=900, check=False, env=dict(os.environ),
    )  # fmt: skip
    assert run.stdout, f"no report (exit code {run.returncode}):\n{run.stderr}"
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_evaluate_writes_the_paper_runtime_file_the_app_loads(tmp_path: Path) -> None:
    app = _app(tmp_path / "notes")
    collection = tmp_path / "secret.json"
    collection.write_text(json.dumps(COLLECTION))
    result = _evaluate(app, collection, "--task", "express-openapi-unconstrained")
    server = result["server"]
    assert server["healthy"], server["notes"]
    assert any(note.startswith("wrote .env.development into the copy") for note in server["notes"])
    assert (result["contract"]["assertions"], result["contract"]["passed"]) == (1, 1)
    assert not (app / ".env.development").exists()  # written into the copy only

    # constraints that name no paper task are judged in no harness: no runtime file, and this app, which
    # needs it, does not start
    other = _evaluate(app, collection, "--constraints", "express")
    assert not other["server"]["healthy"]
    assert not any(note.startswith("wrote .env.development") for note in other["server"]["notes"])


def test_the_project_own_lines_win_and_other_apps_get_no_file(tmp_path: Path) -> None:
    from cdverify.config import Config
    from cdverify.constraints import parse_constraints
    from cdverify.pipeline import verify

    app = _app(tmp_path / "notes")
    (app / ".env.development").write_text("JWT_SECRET=own\n")
    report = verify(app, parse_constraints("express-openapi-unconstrained"), Config())
    [(name, text)] = paper_runtime_files(report.analysis.database, app)
    assert name == ".env.development"
    lines = text.splitlines()
    assert "DATABASE_URL=postgresql://user:password@postgres:5432/conduit" in lines
    assert lines.index("JWT_SECRET=set") < lines.index("JWT_SECRET=own")  # dotenv: the later line wins

    # no script or code naming the file: the runtime's file is not the app's business
    package = {**PACKAGE, "scripts": {"start": "node server.js"}}
    (app / "package.json").write_text(json.dumps(package))
    report = verify(app, parse_constraints("express-openapi-unconstrained"), Config())
    assert paper_runtime_files(report.analysis.database, app) == ()


def test_grade_behaviour_tests_start_the_app_with_the_file_too(tmp_path: Path) -> None:
    """`grade --run-tests` serves each run as the paper's harness does: a run whose static verdicts were
    not asked for still gets the runtime file its code loads (grader._database_report), and the app
    starts and sees the variable."""
    from cdverify.constraints import parse_task_name
    from cdverify.grading.behaviour import BehaviourTests, run_behaviour_tests
    from cdverify.grading.grader import _database_report

    app = _app(tmp_path / "notes")
    collection = tmp_path / "secret.json"
    collection.write_text(json.dumps(COLLECTION))
    tests = BehaviourTests.load(collection, port=free_port())
    files = paper_runtime_files(_database_report(app), app)
    assert [name for name, _text in files] == [".env.development"]
    task = parse_task_name("express-openapi-unconstrained")
    outcome = run_behaviour_tests(app, task, tests, files=files)
    assert outcome.record is not None and outcome.record.healthy, outcome
    assert outcome.assertions is not None and (outcome.assertions.passed, outcome.assertions.failed) == (1, 0)
    assert not (app / ".env.development").exists()  # written into the served copy only
