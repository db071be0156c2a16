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
