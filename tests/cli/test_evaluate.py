"""`cdverify evaluate`: the static verdicts and a real contract run joined into the paper's task result.

The reference Flask app is evaluated end to end: installed by `--setup auto` into a temporary copy, served
on a throwaway PostgreSQL, run against the bundled upstream collection. Against its own task it succeeds;
against a task whose framework it does not use, A% stays 100 but strict A% is 0 and success is false.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdverify.contract.server import free_port

pytestmark = pytest.mark.integration  # installs and serves the reference app, PostgreSQL, the contract runner

REPO_ROOT = Path(__file__).resolve().parents[2]
FLASK_APP = REPO_ROOT / "corpus" / "conduit-flask-clean"


@pytest.fixture(scope="module")
def postgres_task_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference app as its PostgreSQL task hands it in: with `tasks/postgres.env` as the `.env` it loads
    (the paper's harness sets no DATABASE_URL)."""
    copy = tmp_path_factory.mktemp("task") / FLASK_APP.name
    shutil.copytree(FLASK_APP, copy, ignore=shutil.ignore_patterns("__pycache__", "*.db", ".venv"))
    shutil.copy(copy / "tasks" / "postgres.env", copy / ".env")
    return copy


def _evaluate(*args: str, app: Path = FLASK_APP) -> tuple[int, dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "evaluate", str(app), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert run.stdout, f"no report (exit code {run.returncode}):\n{run.stderr}"
    return run.returncode, json.loads(run.stdout)


@pytest.mark.usefixtures("postgres_database")  # fails early, with the install hint, when PostgreSQL is absent
def test_reference_app_succeeds_on_its_task_with_postgres(postgres_task_app: Path) -> None:
    code, result = _evaluate(
        "--task",
        "python-flask-openapi-clean_architecture-postgres-sqlalchemy",
        "--port",
        str(free_port()),
        app=postgres_task_app,
    )
    assert result["schema_version"] == "1.3" and result["interrupted"] is None
    assert result["findings"] == [] and result["contract"]["failures"] == []
    assert result["server"]["healthy"] and result["server"]["database"] == "postgres"
    assert {axis: v["status"] for axis, v in result["verifiers"].items()} == {
        "framework": "pass",
        "architecture": "pass",
        "database": "pass",
        "orm": "pass",
        "task": "pass",
    }
    contract = result["contract"]
    assert contract["assertions"] == 311 and contract["passed"] == 311
    assert (result["score"], result["strict_score"], result["success"], result["compliant"]) == (
        1.0,
        1.0,
        True,
        True,
    )
    assert code == 0


def test_a_failed_verifier_zeroes_strict_score() -> None:
    code, result = _evaluate("--constraints", "django+sqlite", "--port", str(free_port()))
    assert result["verifiers"]["framework"]["status"] == "fail"
    assert result["contract"]["passed"] == result["contract"]["assertions"] == 311
    assert (result["score"], result["strict_score"], result["success"], result["compliant"]) == (
        1.0,
        0.0,
        False,
        False,
    )
    assert code == 1


@pytest.mark.usefixtures("postgres_database")
def test_evaluate_names_the_failing_findings_and_assertions(tmp_path: Path) -> None:
    """The mutant whose blueprints are all under /v1: in JSON and in text, `evaluate` names the findings that
    fail the task constraint and the assertions that failed, with the request, its status code and the
    assertion's message (expected vs actual where chai gives them)."""
    from verify.test_mutants import load_mutant, materialise

    mutant = load_mutant(REPO_ROOT / "corpus" / "mutants" / "flask-api-mounted-elsewhere.toml")
    app = materialise(mutant, tmp_path)
    task = "python-flask-openapi-clean_architecture-postgres-sqlalchemy"
    flags = ("--task", task, "--health", "/v1/health-check", "--port", str(free_port()))
    code, result = _evaluate(*flags, app=app)
    assert code == 1 and result["schema_version"] == "1.3" and not result["success"]
    assert result["verifiers"]["task"]["status"] == "fail"
    errors = [(f["rule"], f["file"], f["line"]) for f in result["findings"] if f["severity"] == "error"]
    assert ("TASK006", "routes/health.py", 7) in errors
    assert len([e for e in errors if e[0] == "TASK007"]) == 20
    assert all(f["hint"] for f in result["findings"])
    contract = result["contract"]
    failures = contract["failures"]
    assert len([f for f in failures if f["kind"] == "assertion"]) == contract["failed"] > 100
    register = [f for f in failures if f["request"] == "Auth / Register"]
    assert register and {(f["method"], f["status"]) for f in register} == {("POST", 404)}
    assert register[0]["assertion"] == 'Response contains "user" property'
    assert register[0]["message"] == "expected false to be truthy" and register[0]["url"].endswith(
        "/api/users"
    )

    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "evaluate", str(app), *flags],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    text = run.stdout
    assert "routes/health.py:7:6: TASK006 error health-check-missing" in text
    assert "= fix: add a GET /api/health-check route" in text
    assert '✗ Auth / Register [404] — Response contains "user" property: expected false to be truthy' in text
    assert "more (the JSON report has every one)" in text


def test_evaluate_needs_constraints() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "evaluate", str(FLASK_APP)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and "--constraints or --task" in run.stderr


@pytest.mark.usefixtures("postgres_database")
def test_a_declared_harness_environment_judges_and_starts_the_app() -> None:
    """No `.env`: judged in the paper's harness the app would run on SQLite (DB001); `--harness-env` declares
    DATABASE_URL, which both the static check and the server then see."""
    code, result = _evaluate(
        "--task",
        "python-flask-openapi-clean_architecture-postgres-sqlalchemy",
        "--port",
        str(free_port()),
        "--harness-env",
        "DATABASE_URL=postgresql://user:password@postgres:5432/conduit",
    )
    assert result["verifiers"]["database"]["status"] == "pass"
    assert result["server"]["healthy"] and result["contract"]["passed"] == 311
    assert code == 0 and result["success"]


def test_script_errors_follow_newman_in_the_exit_code_and_the_paper_in_a_and_success(
    postgres_task_app: Path,
) -> None:
    """A run whose assertions all passed but whose scripts threw: `contract run` fails it (newman's exit
    code counts script errors); A% and success stay the paper's, read from newman's CSV of assertions."""
    from cdverify.config import load_config
    from cdverify.constraints import parse_constraints
    from cdverify.contract.results import Exchange, Execution, RunResult, ScriptFailure
    from cdverify.contract.sandbox import AssertionResult, ScriptError
    from cdverify.evaluate import TaskResult
    from cdverify.pipeline import verify

    thrown = ScriptFailure("test", ScriptError("JSONError", "Unexpected end of input at 1:33"))
    run = RunResult(
        "Conduit",
        executions=[
            Execution("Register", "1", ("Auth",), Exchange("POST", "u", status=200), (), (thrown,)),
            Execution("Tags", "2", (), Exchange("GET", "u", status=200), (AssertionResult("ok", True),)),
        ],
    )
    assert (run.total, run.passed, run.script_errors, run.failures) == (1, 1, 1, 1)
    assert run.tests_passed and not run.ok
    constraints = parse_constraints("python-flask-openapi-clean_architecture-postgres-sqlalchemy")
    app = postgres_task_app
    outcome = TaskResult(verify(app, constraints, load_config(app)), run, {"healthy": True})
    assert (outcome.score, outcome.success) == (1.0, True)
    assert outcome.to_json()["contract"]["script_errors"] == 1
    assert "1 script error(s), 0 failed request(s): not in A%" in outcome.to_text()
