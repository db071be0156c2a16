"""Hostile lockfiles (issue 15's bar, found in session 2026-12-06 (14)'s read of the day's change): the version
of Express a project installs is read from its lockfile when a route path Express 5 rejects is registered at
start-up (cdverify/detect/database/route_paths.py). The first readers were patterns: pnpm-lock.yaml's began
with `^\\s+`, which spans blank lines (quadratic: 32 s for 40,000 of them, an 8 MiB file never ended), and
yarn.lock's spanned an entry's indented lines with a nested repetition (exponential: an entry of 15 lines
with no `version` line never ended). Both are read line by line now: the run ends, and the rest of the
project is analysed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdverify.detect.database.route_paths import _locked
from hostile.projects import check_json, expect_analysed, python_project

SIZE = 4_000_000  # under the lockfile read limit (optional_packages.LOCK_LIMIT)


def _project(root: Path, lockfile: str, text: str) -> Path:
    python_project(root)
    (root / "package.json").write_text('{"name": "api", "dependencies": {"express": "^5.1.0"}}')
    (root / "server.js").write_text(
        "const express = require('express');\n\nconst app = express();\n"
        "app.use('/api/*', (req, res) => res.json({}));\napp.listen(3000);\n"
    )
    (root / lockfile).write_text(text)
    return root


@pytest.mark.parametrize(
    ("lockfile", "text"),
    [
        ("pnpm-lock.yaml", "\n" * SIZE),  # blank lines only
        ("pnpm-lock.yaml", "  express:\n" * (SIZE // 12)),  # the name, never a specifier
        ("yarn.lock", "express@^5.1.0:\n" + "    resolved x\n" * (SIZE // 15)),  # an entry with no version
    ],
    ids=["pnpm-blank", "pnpm-names", "yarn-no-version"],
)
def test_a_hostile_lockfile_ends_and_the_rest_is_analysed(
    hostile: Any, tmp_path: Path, lockfile: str, text: str
) -> None:
    outcome = check_json(hostile, _project(tmp_path / "p", lockfile, text), timeout_s=60)
    expect_analysed(outcome, max_wall_s=20)


def test_the_lockfile_readers_still_read_real_entries() -> None:
    yarn = 'express@^5.0.0, "express@^5.1.0":\n  version "5.1.0"\n\nms@2.1.3:\n  version "2.1.3"\n'
    assert _locked("yarn.lock", yarn, "express", "^5.1.0", ".") == "5.1.0"
    assert _locked("yarn.lock", 'express@^4.0.0:\n  version "4.21.2"\n', "express", "^5.1.0", ".") is None
    pnpm = "importers:\n  .:\n    dependencies:\n      express:\n        specifier: ^5.1.0\n        version: 5.1.0(x@1)\n"
    assert _locked("pnpm-lock.yaml", pnpm, "express", "^5.1.0", ".") == "5.1.0"
