"""The command line: exit codes, formats and the JSON contract that harnesses read."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from cdverify.cli import cli

Make = Callable[[dict[str, str | bytes]], Path]

APP: dict[str, str | bytes] = {
    "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "app/routes/users.py": (
        "from flask import Blueprint\nfrom app.services.users import svc\n\n"
        'bp = Blueprint("users", __name__)\n\n\n@bp.get("/api/users")\ndef users():\n    return svc.all()\n'
    ),
    "app/services/users.py": "from app.repositories.users import repo\n",
    "app/repositories/users.py": "from app.models.user import User\n",
    "app/models/user.py": "class User: ...\n",
}
BYPASS = {**APP, "app/routes/users.py": "from app.repositories.users import repo\n"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout


def test_check_exit_codes(make_project: Make, tmp_path: Path) -> None:
    clean = make_project(APP)
    assert run("check", str(clean), "-c", "flask+clean_architecture")[0] == 0
    bad = tmp_path / "bad"
    for rel, text in BYPASS.items():
        (bad / rel).parent.mkdir(parents=True, exist_ok=True)
        (bad / rel).write_text(str(text))
    code, out = run("check", str(bad), "--task", "python-flask-openapi-clean_architecture")
    assert code == 1
    assert "app/routes/users.py:1:1: ARCH002 error route-bypasses-service" in out
    assert "architecture [clean_architecture]: FAIL (1 error)" in out


def test_usage_errors_exit_2(make_project: Make, tmp_path: Path) -> None:
    root = make_project(APP)
    assert run("check", str(root))[0] == 2  # no constraints
    assert run("check", str(root), "-c", "flask+spring")[0] == 2
    assert run("check", str(root), "-c", "flask", "--task", "python-flask-openapi-unconstrained")[0] == 2
    assert run("inspect", str(tmp_path / "nope"))[0] == 2
    assert run("inspect", str(root), "--layer", "routes")[0] == 2
    assert run("check", str(root), "--format", "xml", "-c", "flask")[0] == 2


def test_constraints_from_project_config(make_project: Make) -> None:
    root = make_project({**BYPASS, "cdverify.toml": 'constraints = "flask+clean_architecture"\n'})
    code, out = run("check", str(root), "--format", "json")
    assert code == 1
    assert json.loads(out)["verdicts"]["architecture"]["status"] == "fail"


def test_inspect_json_contract(make_project: Make) -> None:
    root = make_project(BYPASS)
    code, out = run("inspect", str(root), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "1.6"
    assert data["framework"]["detected"] == ["flask"]
    assert data["architecture"]["layers"] == {
        "routes": ["app/routes"],
        "services": ["app/services"],
        "repositories": ["app/repositories"],
        "models": ["app/models"],
    }
    (violation,) = data["architecture"]["violations"]
    assert {
        k: violation[k] for k in ("file", "line", "import", "from_layer", "to_layer", "kind", "type_only")
    } == {
        "file": "app/routes/users.py",
        "line": 1,
        "import": "app.repositories.users",
        "from_layer": "routes",
        "to_layer": "repositories",
        "kind": "bypass",
        "type_only": False,
    }
    finding = data["findings"][0]
    assert set(finding) >= {
        "rule",
        "name",
        "constraint",
        "severity",
        "file",
        "line",
        "col",
        "message",
        "evidence",
        "hint",
    }
    assert "verdicts" not in data


def test_check_json_has_a_verdict_per_active_axis(make_project: Make) -> None:
    root = make_project(APP)
    code, out = run(
        "check", str(root), "-c", "flask+clean_architecture+sqlite+sqlalchemy", "--format", "json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["constraints"]["level"] == 3
    assert data["verdicts"]["architecture"]["status"] == "pass"
    assert data["verdicts"]["framework"]["status"] == "pass"
    # nothing connects to a database: the sqlite constraint fails with DB001, and the sqlalchemy
    # constraint with ORM002 (no application code uses SQLAlchemy)
    assert data["verdicts"]["database"]["status"] == "fail"
    assert [f["rule"] for f in data["findings"] if f["constraint"] == "database"] == ["DB001"]
    assert data["verdicts"]["orm"]["status"] == "fail"
    assert [f["rule"] for f in data["findings"] if f["constraint"] == "orm"] == ["ORM002"]
    assert list(data["verdicts"]) == ["framework", "architecture", "database", "orm"]  # one per active axis
    assert data["passed"] is False


def test_graph_formats(make_project: Make) -> None:
    root = make_project(APP)
    code, dot = run("graph", str(root))
    assert code == 0 and '"app/routes/users.py" -> "app/services/users.py";' in dot
    code, mermaid = run("graph", str(root), "--format", "mermaid", "--level", "layer")
    assert code == 0 and mermaid.startswith("graph TD")
    code, raw = run("graph", str(root), "--format", "json", "--level", "layer")
    edges = {(e["source"], e["target"]) for e in json.loads(raw)["edges"]}
    assert edges == {("routes", "services"), ("services", "repositories"), ("repositories", "models")}


def test_output_file(make_project: Make, tmp_path: Path) -> None:
    root = make_project(APP)
    target = tmp_path / "out.json"
    assert run("inspect", str(root), "--format", "json", "-o", str(target))[0] == 0
    assert json.loads(target.read_text())["schema_version"] == "1.6"


def test_whole_process_entry_point(make_project: Make) -> None:
    root = make_project(BYPASS)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdverify",
            "check",
            str(root),
            "-c",
            "clean_architecture",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["verdicts"]["architecture"]["errors"] == 1


def test_check_reports_only_requested_constraints(make_project: Make) -> None:
    root = make_project(BYPASS)
    code, out = run("check", str(root), "-c", "flask", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["summary"]["error"] == 0
    assert all(f["constraint"] == "project" for f in data["findings"])
    # inspect still shows everything it detects
    assert json.loads(run("inspect", str(root), "--format", "json")[1])["summary"]["error"] == 1


def test_frameworks_built_on_another_are_not_listed_twice(make_project: Make) -> None:
    root = make_project(
        {
            "app/main.py": "from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\n",
            "app/web.py": "from flask import Flask\nfrom werkzeug.exceptions import NotFound\n",
        }
    )
    assert json.loads(run("inspect", str(root), "--format", "json")[1])["framework"]["detected"] == [
        "fastapi",
        "flask",
    ]
