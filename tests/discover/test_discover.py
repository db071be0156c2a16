"""Discovery: what is walked, what is skipped, and how scopes are assigned."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cdverify.config import build_config
from cdverify.discover import classify_scope, discover
from cdverify.model import Scope
from cdverify.pipeline import inspect, verify

Make = Callable[[dict[str, str | bytes]], Path]


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("app/routes/users.py", Scope.APPLICATION),
        ("tests/test_users.py", Scope.TEST),
        ("app/users_test.py", Scope.TEST),
        ("conftest.py", Scope.TEST),
        ("src/users/users.service.spec.ts", Scope.TEST),
        ("src/__tests__/a.js", Scope.TEST),
        ("migrations/versions/001_init.py", Scope.MIGRATION),
        ("alembic/env.py", Scope.MIGRATION),
        ("seeders/20240101-users.js", Scope.SCRIPT),
        ("scripts/load.py", Scope.SCRIPT),
        ("frontend/src/App.tsx", Scope.FRONTEND),
        ("vendor/lib.js", Scope.VENDORED),
        # Fastify's `plugins/external/`: the app's own registrations of third-party plugins
        ("src/plugins/external/knex.ts", Scope.APPLICATION),
        ("plugins/externals/redis.js", Scope.APPLICATION),
        # real vendored folders stay vendored, also inside `plugins/` or holding a `plugins/` folder
        ("external/lib/json.js", Scope.VENDORED),
        ("src/external/sdk/client.ts", Scope.VENDORED),
        ("src/plugins/vendor/jquery.js", Scope.VENDORED),
        ("external/plugins/auth.js", Scope.VENDORED),
        ("src/plugins/external/tests/knex.test.ts", Scope.TEST),
        ("app/proto/user_pb2.py", Scope.GENERATED),
        ("jest.config.js", Scope.CONFIG),
        ("docs/example.py", Scope.DOCS),
    ],
)
def test_classify_scope(path: str, scope: Scope) -> None:
    assert classify_scope(path) is scope


def test_skips_dependency_build_and_ignored_folders(make_project: Make) -> None:
    root = make_project(
        {
            ".gitignore": "generated_here/\n*.log\n",
            "app/main.py": "",
            "node_modules/x/index.js": "",
            ".venv/lib/site.py": "",
            "myenv/pyvenv.cfg": "",
            "myenv/lib/thing.py": "",
            "dist/bundle.js": "",
            "__pycache__/m.py": "",
            "generated_here/a.py": "",
            "server.log": "",
            "sub/.gitignore": "local.py\n",
            "sub/local.py": "",
            "sub/kept.py": "",
        }
    )
    paths = {f.path for f in discover(root, build_config()).files}
    assert paths == {".gitignore", "app/main.py", "sub/.gitignore", "sub/kept.py"}


def test_frontend_workspace_package_is_out_of_scope(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": '{"workspaces": ["apps/*"]}',
            "apps/web/package.json": '{"dependencies": {"react": "^18"}}',
            "apps/web/src/services/api.ts": "",
            "apps/api/package.json": '{"dependencies": {"express": "^4"}}',
            "apps/api/src/services/users.ts": "",
        }
    )
    scopes = {f.path: f.scope for f in discover(root, build_config()).sources}
    assert scopes == {
        "apps/web/src/services/api.ts": Scope.FRONTEND,
        "apps/api/src/services/users.ts": Scope.APPLICATION,
    }


def test_a_python_package_beside_a_frontend_package_json_is_application(make_project: Make) -> None:
    """A Django app `frontend/` holding its React sources and their package.json (issue 18, the hundred-and-eighth
    set): the package.json's dependencies scope the JavaScript; the Python package is judged by the Python rules,
    so its views and URLs are the application's. Without `__init__.py` the folder is no Python package and its
    Python files stay front end with it."""
    files = {
        "manage.py": "",
        "frontend/__init__.py": "",
        "frontend/views.py": "",
        "frontend/urls.py": "",
        "frontend/package.json": '{"dependencies": {"react": "^18"}}',
        "frontend/src/index.js": "",
        "web/package.json": '{"dependencies": {"react": "^18"}}',
        "web/build_icons.py": "",
        "web/src/index.js": "",
    }
    scopes = {f.path: f.scope for f in discover(make_project(files), build_config()).sources}
    assert scopes["frontend/views.py"] == Scope.APPLICATION
    assert scopes["frontend/urls.py"] == Scope.APPLICATION
    assert scopes["frontend/src/index.js"] == Scope.FRONTEND
    assert scopes["web/build_icons.py"] == Scope.FRONTEND
    assert scopes["web/src/index.js"] == Scope.FRONTEND


def test_user_scope_overrides_and_excludes(make_project: Make) -> None:
    root = make_project({"scripts/worker/run.py": "", "legacy/old.py": "", "app/x.py": ""})
    config = build_config({"scopes": {"application": ["scripts/worker/**"]}, "exclude": ["legacy/"]})
    scopes = {f.path: f.scope for f in discover(root, config).sources}
    assert scopes == {"scripts/worker/run.py": Scope.APPLICATION, "app/x.py": Scope.APPLICATION}


def test_bad_input_gives_findings_not_tracebacks(make_project: Make, tmp_path: Path) -> None:
    root = make_project(
        {
            "app/routes/ok.py": "from app.services.users import x\n",
            "app/services/users.py": "x = 1\n",
            "app/services/broken.py": "from app.models.user import U\ndef f(:\n",
            "app/models/user.py": b"# caf\xe9\nclass U: ...\n",
            "app/repositories/blob.py": b"\x00\x01\x02binary",
            "app/repositories/huge.py": "x = 1\n" * 400_000,
        }
    )
    os.symlink("loop", root / "loop")
    os.symlink("/etc", root / "outside")
    os.symlink(root / "app", root / "app" / "self")
    report = inspect(root)
    rules = {(f.rule, f.location.path) for f in report.findings}
    assert ("PARSE001", "app/services/broken.py") in rules
    assert ("DISC003", "app/models/user.py") in rules
    assert ("DISC001", "app/repositories/blob.py") in rules
    assert ("DISC002", "app/repositories/huge.py") in rules
    assert {("DISC004", "loop"), ("DISC004", "outside"), ("DISC004", "app/self")} <= rules
    # the broken file's import before the error is still resolved and checked
    assert any(
        e.source == "app/services/broken.py" and e.target == "app/models/user.py"
        for e in report.analysis.graph.edges
    )
    # and the rest of the project is analysed
    assert report.analysis.layers.files["app/routes/ok.py"] == "routes"


def test_unreadable_folder_is_a_finding(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({"app/x.py": "", "locked/y.py": ""})
    real_scandir = os.scandir

    def scandir(path: str | Path) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr("cdverify.discover.os.scandir", scandir)
    report = inspect(root)
    assert [(f.rule, f.location.path) for f in report.findings if f.rule == "DISC005"] == [
        ("DISC005", "locked")
    ]
    assert "app/x.py" in report.analysis.project.paths


def test_infrastructure_as_code_package_is_not_application(make_project: Make) -> None:
    root = make_project(
        {
            "infra/package.json": '{"name": "deploy", "dependencies": {"aws-cdk-lib": "^2"}}',
            "infra/lib/stack.ts": "",
            "src/services/a.ts": "",
            "jest.preset.js": "",
        }
    )
    scopes = {f.path: f.scope for f in discover(root, build_config()).sources}
    assert scopes == {
        "infra/lib/stack.ts": Scope.CONFIG,
        "src/services/a.ts": Scope.APPLICATION,
        "jest.preset.js": Scope.CONFIG,
    }


def test_a_tool_script_name_inside_a_python_package_is_a_module(make_project: Make) -> None:
    """Violating on main: `setup.py` and `conf.py` in a folder holding `__init__.py` below the top are modules
    of that package (an engine made in `src/database/setup.py`, settings in `app/conf.py`), not setuptools'
    or Sphinx's scripts (docs/accuracy.md "The sixty-seventh set's disagreements, Python half"). Clean: the
    same names at the top, in a distribution's folder holding no `__init__.py`, and in docs/ keep their scope."""
    root = make_project(
        {
            "src/__init__.py": "",
            "src/database/__init__.py": "",
            "src/database/setup.py": "from ..models import user\n",
            "app/__init__.py": "",
            "app/conf.py": "DEBUG = False\n",
            "setup.py": "from setuptools import setup\nsetup()\n",
            "plugins/extra/setup.py": "from setuptools import setup\nsetup()\n",
            "plugins/extra/extra/__init__.py": "",
            "docs/source/conf.py": "project = 'x'\n",
            "noxfile.py": "",
        }
    )
    scopes = {f.path: f.scope for f in discover(root, build_config()).sources}
    assert scopes["src/database/setup.py"] is Scope.APPLICATION
    assert scopes["app/conf.py"] is Scope.APPLICATION
    assert scopes["setup.py"] is Scope.CONFIG
    assert scopes["plugins/extra/setup.py"] is Scope.CONFIG
    assert scopes["docs/source/conf.py"] is Scope.CONFIG
    assert scopes["noxfile.py"] is Scope.CONFIG


def test_hidden_folders_hold_tools_not_the_app(make_project: Make) -> None:
    """Coding agents' and Replit's folders (`.claude/` hooks, `.local/` agent skills and state) are tools'
    code and state: never walked, so their imports of packages the app does not declare, their other
    web framework and their SQLite state file are not the app's. Hidden files at any level, and the
    folders of the app whose names merely contain a dot, are kept."""
    root = make_project(
        {
            "package.json": '{"dependencies": {"express": "^4"}}',
            "server/index.ts": 'import express from "express";\nconst app = express();\napp.listen(3000);\n',
            "server/.env.example": "PORT=3000\n",
            ".eslintrc.js": "module.exports = {};\n",
            "src/v1.2/users.ts": "export const users = [];\n",
            ".claude/hooks/format.py": "import black\n",
            ".local/skills/automation/src/index.ts": 'import { Hono } from "hono";\nimport pino from "pino";\n',
            ".local/state/replit/log-query.db": b"SQLite format 3\x00",
            "server/.cache-local/x.ts": 'import pino from "pino";\n',
        }
    )
    paths = {f.path for f in discover(root, build_config()).files}
    assert paths == {
        "package.json",
        "server/index.ts",
        "server/.env.example",
        ".eslintrc.js",
        "src/v1.2/users.ts",
    }
    report = verify(root, "express+none+none+none", use_cache=False)
    rules = {finding.rule for finding in report.findings}
    assert not rules & {"TASK002", "FW003"}, rules
    assert report.to_json()["database"]["usage"] == {}
