"""Patterns of the twentieth unseen labelled set (issue 18, docs/accuracy.md "The twentieth set's
disagreements"), each with a violating and a clean project written for the test:

- a `scripts/` module that application code imports (an admin endpoint running a reset script's `main()`)
  is application code: its SQL is the application's; a script nothing in the app imports stays a script,
  and so do seeds and CLI commands the app wires (a start-up seed still seeds).
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject

from cdverify.pipeline import inspect

RESET = '''"""Wipe the tables and seed them again."""
import sqlite3


def main():
    conn = sqlite3.connect("app.db")
    conn.execute("DELETE FROM notes")
    conn.commit()
    return {"deleted": True}


if __name__ == "__main__":
    print(main())
'''


def _flask_app(*, admin_endpoint: bool) -> dict[str, str | bytes]:
    head = "from flask import Flask, jsonify\n"
    if admin_endpoint:
        head += "from scripts.reset_db import main as reset_main\n"
    body = (
        "\napp = Flask(__name__)\n\n\n"
        '@app.get("/api/health-check")\n'
        "def health():\n"
        '    return jsonify(status="ok")\n'
    )
    if admin_endpoint:
        body += '\n\n@app.post("/api/admin/reset")\ndef reset():\n    return jsonify(reset_main())\n'
    return {"requirements.txt": "flask\n", "app.py": head + body, "scripts/reset_db.py": RESET}


def _inspected(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> tuple[dict[str, Any], dict[str, str]]:
    inspected = inspect(make_project(files), use_cache=False)
    return inspected.to_json(), {path: str(scope) for path, scope in inspected.analysis.scopes.items()}


def _raw(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["file"], r["sql"], r.get("scope", "application")) for r in report["orm"]["raw_sql"]}


def test_a_script_the_app_calls_is_application_code(make_project: MakeProject) -> None:
    report, scopes = _inspected(make_project, _flask_app(admin_endpoint=True))
    assert scopes["scripts/reset_db.py"] == "application"
    assert ("scripts/reset_db.py", "DELETE FROM notes", "application") in _raw(report)


def test_a_script_nothing_in_the_app_imports_stays_a_script(make_project: MakeProject) -> None:
    report, scopes = _inspected(make_project, _flask_app(admin_endpoint=False))
    assert scopes["scripts/reset_db.py"] == "script"
    assert ("scripts/reset_db.py", "DELETE FROM notes", "application") not in _raw(report)


def test_a_seed_and_a_cli_command_the_app_wires_stay_scripts(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "notes", "dependencies": {"express": "4", "better-sqlite3": "11"}}',
        "src/index.js": (
            'const express = require("express");\n'
            'const { seed } = require("./db/seed");\n'
            'const { register } = require("./cli/admin");\n\n'
            "const app = express();\n"
            "seed();\n"
            "register(app);\n"
            'app.get("/api/health-check", (req, res) => res.json({ ok: true }));\n'
            "app.listen(3000);\n"
        ),
        "src/db/seed.js": (
            'const Database = require("better-sqlite3");\n\n'
            "exports.seed = () => {\n"
            '  const db = new Database("app.db");\n'
            "  db.prepare(\"INSERT INTO notes (title) VALUES ('hello')\").run();\n"
            "};\n"
        ),
        "src/cli/admin.js": "exports.register = (app) => app;\n",
    }
    _report, scopes = _inspected(make_project, files)
    assert scopes["src/db/seed.js"] == "script"  # a seed by its name, wherever it is called from
    assert scopes["src/cli/admin.js"] == "script"


# -- a package marker over Django's management commands -------------------------------------------------------

DJANGO_VIEWS = """from django.http import JsonResponse


def health(request):
    return JsonResponse({"status": "ok"})
"""
COMMAND = """from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        self.stdout.write("synced")
"""


def _django(*, app_module: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "django\n",
        "api/__init__.py": "",
        "api/views.py": DJANGO_VIEWS,
        "api/management/__init__.py": "",
        "api/management/commands/__init__.py": "",
        "api/management/commands/sync.py": COMMAND,
    }
    if app_module:
        files["api/management/helpers.py"] = "def label(name):\n    return name.title()\n"
    return files


def test_a_marker_of_a_package_of_commands_has_no_layer(make_project: MakeProject) -> None:
    report, scopes = _inspected(make_project, _django(app_module=False))
    assert scopes["api/management/commands/sync.py"] == "script"
    layers = report["architecture"]["files"]
    assert "api/management/__init__.py" not in layers  # its package holds commands only
    assert report["architecture"]["evidence"]["api/management/__init__.py"] == "package"
    assert layers["api/__init__.py"] == layers["api/views.py"] == "routes"  # code-silent: its folder


def test_a_marker_of_a_package_holding_application_code_keeps_its_folder(make_project: MakeProject) -> None:
    report, _scopes = _inspected(make_project, _django(app_module=True))
    assert report["architecture"]["files"]["api/management/__init__.py"] == "routes"
