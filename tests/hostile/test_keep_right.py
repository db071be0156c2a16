"""What issue 15's audit found already right, kept so: analysed code never runs, links out of the tree are
reported and not read, a 20,000-file tree and a 50 MB file end cleanly with the rest analysed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hostile.conftest import expect_clean
from hostile.projects import SIBLING_SQL, check_json, expect_analysed, findings, python_project

PY_CANARY = "open({marker!r}, 'w').close()\n"
JS_CANARY = "require('fs').writeFileSync({marker}, '');\n"
SH_CANARY = "touch {marker}\n"

# file → the language its canary is written in: each would leave its marker if anything ran it
CANARIES = {
    "app.py": "py",
    "setup.py": "py",
    "conftest.py": "py",
    "manage.py": "py",
    "sitecustomize.py": "py",
    "usercustomize.py": "py",
    "app/__init__.py": "py",
    "app/settings.py": "py",
    "noxfile.py": "py",
    "alembic/env.py": "py",
    "migrations/0001_initial.py": "py",
    "canary.pth": "py",
    "index.js": "js",
    "src/server.ts": "js",
    ".eslintrc.js": "js",
    "babel.config.js": "js",
    "jest.config.js": "js",
    "vite.config.ts": "js",
    "webpack.config.js": "js",
    "knexfile.js": "js",
    ".sequelizerc": "js",
    "prisma/seed.ts": "js",
    "run.sh": "sh",
    "Makefile": "make",
}
PACKAGE_SCRIPTS = ("preinstall", "install", "postinstall", "prepare", "start", "test", "build")


def _canary_project(root: Path, markers: Path) -> Path:
    for name, kind in CANARIES.items():
        marker = str(markers / name.replace("/", "_"))
        text = {
            "py": PY_CANARY.format(marker=marker),
            "js": JS_CANARY.format(marker=json.dumps(marker)),
            "sh": "#!/bin/sh\n" + SH_CANARY.format(marker=marker),
            "make": "all:\n\t" + SH_CANARY.format(marker=marker),
        }[kind]
        if name.endswith(".py") and name != "setup.py":  # something worth analysing besides
            text += "import sqlite3\nsqlite3.connect('db').execute('SELECT 1')\n"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "run.sh").chmod(0o755)
    scripts = {
        script: SH_CANARY.format(marker=markers / f"npm-{script}").strip() for script in PACKAGE_SCRIPTS
    }
    package = {"name": "canary", "version": "1.0.0", "scripts": scripts, "dependencies": {"express": "^4"}}
    (root / "package.json").write_text(json.dumps(package), encoding="utf-8")
    (root / "requirements.txt").write_text("-e .\nflask\n", encoding="utf-8")
    return root


COMMANDS = [
    ["check", "{root}", "--task", "python-flask-openapi-clean_architecture-postgres-sqlalchemy"],
    [
        "check",
        "{root}",
        "--task",
        "node-express-openapi-clean_architecture-sqlite-sequelize",
        "--format",
        "json",
    ],
    ["inspect", "{root}", "--format", "json"],
    ["graph", "{root}", "--format", "json"],
    ["check", "{root}", "-c", "clean_architecture", "-j", "2", "--no-cache"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:1] + command[2:4]))
def test_analysed_code_never_runs(hostile: Any, tmp_path: Path, command: list[str]) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    root = _canary_project(tmp_path / "project", markers)
    outcome = hostile([part.format(root=root) for part in command], cwd=tmp_path, watch=[root])
    expect_clean(outcome, (0, 1), max_wall_s=30)
    assert outcome.stdout, outcome.describe()  # a report was written
    assert sorted(os.listdir(markers)) == [], f"analysed code ran: {os.listdir(markers)}"


def test_links_out_of_the_tree_are_reported_and_not_read(hostile: Any, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    secret = 'def leak(cursor):\n    cursor.execute("SELECT secret FROM outside_table")\n'
    (outside / "leak.py").write_text(secret, encoding="utf-8")
    (outside / "pkg" / "more.py").write_text(secret, encoding="utf-8")
    root = python_project(tmp_path / "project")
    (root / "app" / "routes" / "leak.py").symlink_to(outside / "leak.py")
    (root / "app" / "linked").symlink_to(outside / "pkg", target_is_directory=True)
    (root / "app" / "loop").symlink_to(root / "app", target_is_directory=True)  # and a loop, for good measure
    outcome = check_json(hostile, root)
    found = expect_analysed(outcome)
    links = {f["file"] for f in found if f["rule"] == "DISC004"}
    assert {"app/routes/leak.py", "app/linked"} <= links, outcome.describe()
    assert "outside_table" not in outcome.stdout, "a file outside the tree was read"


def test_a_20000_file_tree_ends_cleanly(hostile: Any, tmp_path: Path) -> None:
    root = python_project(tmp_path / "project")
    for package in range(200):
        folder = root / "app" / "services" / f"pkg{package}"
        folder.mkdir(parents=True)
        for module in range(100):
            (folder / f"m{module}.py").write_text(f"import os\nVALUE = {module}\n", encoding="utf-8")
    outcome = check_json(hostile, root, timeout_s=120)
    found = expect_analysed(outcome, max_wall_s=120)
    assert found and json.loads(outcome.stdout)["project"]["parsed_files"] == 20_002  # every one of them


@pytest.mark.parametrize("name", ["app/services/huge.py", "app/services/huge.ts", "app/data.json"])
def test_a_50_mb_file_is_skipped_and_the_rest_analysed(hostile: Any, tmp_path: Path, name: str) -> None:
    root = python_project(tmp_path / "project")
    huge = root / name
    huge.parent.mkdir(parents=True, exist_ok=True)
    line = (
        b"x = 1\n" if name.endswith(".py") else b'{"a": 1}\n' if name.endswith(".json") else b"let x = 1;\n"
    )
    with huge.open("wb") as out:
        out.write(line * (50 * 1024 * 1024 // len(line)))
    outcome = check_json(hostile, root)
    found = expect_analysed(outcome)
    assert outcome.peak_rss_mb < 400, outcome.describe()
    if name.endswith((".py", ".ts")):  # a source file: said to be skipped; a data file is not read at all
        assert ("DISC002", name) in {(f["rule"], f["file"]) for f in found}, outcome.describe()
    assert SIBLING_SQL in outcome.stdout
    assert findings(outcome)  # the report is whole


def test_the_canaries_fire_when_something_runs_them(tmp_path: Path) -> None:
    """The check above can fail: each kind of canary leaves its marker when it is run."""
    markers = tmp_path / "markers"
    markers.mkdir()
    root = _canary_project(tmp_path / "project", markers)
    for command in (
        ["python3", "app.py"],
        ["node", "index.js"],
        ["./run.sh"],
        ["make", "-s"],
        ["npm", "test"],
    ):
        subprocess.run(command, cwd=root, capture_output=True, timeout=60, check=False)
    assert {"app.py", "index.js", "run.sh", "Makefile", "npm-test"} <= set(os.listdir(markers))
