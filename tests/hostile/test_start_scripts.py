"""Hostile start scripts (issue 15's bar, found in session 2026-12-06 (14)'s read of the day's change): the Prisma
step a start script runs before its server is looked for in each command the script joins with `&&`, and in the
scripts it runs by name (cdverify/detect/database/schema_steps.py). As merged, each command re-scanned every command
after it (quadratic: 80,000 commands, a 720 KB package.json, ran past a minute) and a script running scripts that run scripts was read again
for each of its callers (exponential in the depth: three levels of sixty `npm run` never ended). One pass and one
read per script and depth now: the run ends, and the rest of the project is analysed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hostile.projects import check_json, expect_analysed, python_project

SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'


def _project(root: Path, scripts: dict[str, str]) -> Path:
    python_project(root)
    manifest = {
        "name": "api",
        "dependencies": {"express": "^4.21.0", "@prisma/client": "^6.0.0"},
        "scripts": scripts,
    }
    (root / "package.json").write_text(json.dumps(manifest))
    (root / "prisma").mkdir()
    (root / "prisma" / "schema.prisma").write_text(SCHEMA)
    (root / "server.js").write_text("const express = require('express');\nexpress().listen(3000);\n")
    return root


def _nested(levels: int, width: int) -> dict[str, str]:
    names = [f"s{level}" for level in range(levels)]
    scripts = {name: " && ".join([f"npm run {names[at + 1]}"] * width) for at, name in enumerate(names[:-1])}
    scripts[names[-1]] = "echo done"
    scripts["start"] = " && ".join([f"npm run {names[0]}"] * width) + " && node server.js"
    return scripts


@pytest.mark.parametrize(
    "scripts",
    [
        {"start": " && ".join(["echo x"] * 80_000) + " && node server.js"},  # one script, many commands
        _nested(4, 80),  # scripts running scripts running scripts
    ],
    ids=["many-commands", "nested-scripts"],
)
def test_a_hostile_start_script_ends_and_the_rest_is_analysed(
    hostile: Any, tmp_path: Path, scripts: dict[str, str]
) -> None:
    outcome = check_json(hostile, _project(tmp_path / "p", scripts), timeout_s=60)
    expect_analysed(outcome, max_wall_s=20)
