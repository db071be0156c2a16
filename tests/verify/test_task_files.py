"""The task-file checks of the paper's prompt (TASK001-TASK009), each with violating and clean cases.

The prompt demands: `requirements.txt` or `package.json` declaring what the code imports; an
executable `run.sh` that runs the server in the foreground; `GET /api/health-check`; every route under
`/api`; the port 8080 (Python) or 3000 (Node). Projects are written per case; `run.sh` is made
executable here unless the case is about its mode. Every entry of rules/python/distributions.toml
(import names, providers, run-script servers) is exercised too.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject, findings_of, only

from cdverify.pipeline import verify

REPO = Path(__file__).resolve().parents[2]
DISTRIBUTIONS: dict[str, Any] = tomllib.loads((REPO / "rules" / "python" / "distributions.toml").read_text())


FLASK_APP = (
    "from flask import Blueprint, Flask, jsonify\n"
    "\n"
    'api = Blueprint("api", __name__, url_prefix="/api")\n'
    "\n"
    "\n"
    '@api.get("/health-check")\n'
    "def health():\n"
    '    return jsonify(status="ok")\n'
    "\n"
    "\n"
    '@api.get("/articles")\n'
    "def articles():\n"
    "    return jsonify([])\n"
    "\n"
    "\n"
    "app = Flask(__name__)\n"
    "app.register_blueprint(api)\n"
    "\n"
    'if __name__ == "__main__":\n'
    '    app.run(host="0.0.0.0", port=8080)\n'
)
PYTHON_OK: dict[str, str] = {
    "app.py": FLASK_APP,
    "requirements.txt": "flask==3.0.3\n",
    "run.sh": "#!/usr/bin/env bash\nset -e\nexec python app.py\n",
}

EXPRESS_APP = (
    'const express = require("express");\n'
    "\n"
    "const router = express.Router();\n"
    'router.get("/health-check", (req, res) => res.json({ status: "ok" }));\n'
    'router.get("/articles", (req, res) => res.json([]));\n'
    "\n"
    "const app = express();\n"
    "app.use(express.json());\n"
    'app.use("/api", router);\n'
    "\n"
    "module.exports = app;\n"
)
NODE_OK: dict[str, str] = {
    "src/app.js": EXPRESS_APP,
    "src/server.js": 'const app = require("./app");\n\nconst PORT = process.env.PORT || 3000;\napp.listen(PORT, () => console.log(`listening on ${PORT}`));\n',
    "package.json": '{\n  "name": "conduit",\n  "scripts": {"start": "node src/server.js"},\n  "dependencies": {\n    "express": "^4.19.2"\n  }\n}\n',
    "run.sh": "#!/bin/sh\nexec node src/server.js\n",
}


def check(
    make_project: MakeProject, files: dict[str, str], constraint: str, executable: bool = True
) -> dict[str, Any]:
    root = make_project(files)
    if (root / "run.sh").exists():
        (root / "run.sh").chmod(0o755 if executable else 0o644)
    data: dict[str, Any] = verify(root, constraint, use_cache=False).to_json()
    return data


def task_findings(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return findings_of(report, "TASK")


the = only


def with_files(base: dict[str, str], **changes: str | None) -> dict[str, str]:
    """`base` with files replaced (`name=text`) or removed (`name=None`); `__` in a name stands for `/`
    and `_dot_` for `.`."""
    out = dict(base)
    for key, value in changes.items():
        path = key.replace("__", "/").replace("_dot_", ".")
        if value is None:
            out.pop(path, None)
        else:
            out[path] = value
    return out


def test_clean_python_project(make_project: MakeProject) -> None:
    report = check(make_project, PYTHON_OK, "python-flask-openapi-unconstrained")
    assert task_findings(report) == []
    assert report["verdicts"]["task"]["status"] == "pass"


def test_clean_node_project(make_project: MakeProject) -> None:
    report = check(make_project, NODE_OK, "node-express-openapi-unconstrained")
    assert task_findings(report) == []
    assert report["verdicts"]["task"]["status"] == "pass"


def test_express_sqlite_task_together(make_project: MakeProject) -> None:
    """`-c express+sqlite+task`: each axis gets its own verdict."""
    files = with_files(
        NODE_OK,
        src__db_dot_js='const { Sequelize } = require("sequelize");\n\n'
        'module.exports = new Sequelize({ dialect: "sqlite", storage: "conduit.sqlite", logging: false });\n',
        package_dot_json='{"dependencies": {"express": "^4.19.2", "sequelize": "^6.37.0", "sqlite3": "^5.1.7"}}',
    )
    report = check(make_project, files, "express+sqlite+task")
    assert report["findings"] == []
    assert {axis: v["status"] for axis, v in report["verdicts"].items()} == {
        "framework": "pass",
        "database": "pass",
        "task": "pass",
    }


# -- TASK001 manifest, TASK002 undeclared import ----------------------------------------------------------

MANIFEST_CASES: list[Any] = [
    pytest.param(
        with_files(PYTHON_OK, requirements_dot_txt=None),
        "flask+task",
        [("TASK001", ".", 0)],
        id="TASK001-python-missing",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            requirements_dot_txt=None,
            pyproject_dot_toml='[project]\nname = "conduit"\ndependencies = ["flask"]\n',
        ),
        "flask+task",
        [("TASK001", ".", 0)],
        id="TASK001-python-pyproject-only",
    ),
    pytest.param(
        with_files(PYTHON_OK, requirements_dot_txt=None, backend__requirements_dot_txt="flask\n"),
        "flask+task",
        [("TASK001", ".", 0)],
        id="TASK001-python-not-at-root",
    ),
    pytest.param(PYTHON_OK, "flask+task", [], id="TASK001-python-clean"),
    pytest.param(
        with_files(NODE_OK, package_dot_json=None),
        "express+task",
        [("TASK001", ".", 0)],
        id="TASK001-node-missing",
    ),
    pytest.param(NODE_OK, "express+task", [], id="TASK001-node-clean"),
    # TASK002
    pytest.param(
        with_files(PYTHON_OK, app_dot_py="import yaml\n" + FLASK_APP),
        "flask+task",
        [("TASK002", "app.py", 1)],
        id="TASK002-yaml-undeclared",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="import jwt\nimport requests\n" + FLASK_APP,
            requirements_dot_txt="Flask\nPyJWT==2.8.0\n",
        ),
        "flask+task",
        [("TASK002", "app.py", 2)],
        id="TASK002-requests-undeclared-jwt-declared-as-PyJWT",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="import jwt\nimport yaml\nfrom dotenv import load_dotenv\nfrom flask_cors import CORS\n"
            "from werkzeug.security import generate_password_hash\nimport psycopg2\n\nfrom lib import helpers\n"
            + FLASK_APP,
            lib__helpers_dot_py="import json\nimport os\n",
            requirements_dot_txt="Flask==3.0.3\nPyJWT\nPyYAML\npython-dotenv\nFlask-Cors\npsycopg2-binary\n",
        ),
        "flask+task",
        [],
        id="TASK002-clean-import-names-differ-from-distributions",
    ),
    pytest.param(
        with_files(
            PYTHON_OK, requirements_dot_txt="-r requirements/base.txt\n", requirements__base_dot_txt="flask\n"
        ),
        "flask+task",
        [],
        id="TASK002-clean-included-requirements",
    ),
    pytest.param(
        with_files(PYTHON_OK, tests__test_app_dot_py="import pytest\nfrom faker import Faker\n"),
        "flask+task",
        [],
        id="TASK002-clean-test-imports-are-not-application",
    ),
    pytest.param(
        with_files(NODE_OK, src__app_dot_js='const cors = require("cors");\n' + EXPRESS_APP),
        "express+task",
        [("TASK002", "src/app.js", 1)],
        id="TASK002-node-undeclared",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__app_dot_js='const morgan = require("morgan");\n' + EXPRESS_APP,
            package_dot_json='{"dependencies": {"express": "^4.19.2"}, "devDependencies": {"morgan": "^1.10.0"}}',
        ),
        "express+task",
        [("TASK002", "src/app.js", 1)],
        id="TASK002-node-dev-dependency-only",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__app_dot_js='const fs = require("node:fs");\nconst path = require("path");\nconst merge = require("lodash/merge");\n'
            'const { PrismaClient } = require("@prisma/client");\n' + EXPRESS_APP,
            src__types_dot_ts='import type { Request } from "express-serve-static-core";\n\nexport type R = Request;\n',
            package_dot_json='{"dependencies": {"express": "^4.19.2", "lodash": "^4.17.21", "@prisma/client": "^5.14.0"}}',
        ),
        "express+task",
        [],
        id="TASK002-node-clean-builtins-subpaths-scopes-type-only",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__types_dot_ts='import { Request } from "koa";\n\nexport function id(r: Request): Request {\n  return r;\n}\n',
        ),
        "express+task",
        [],
        id="TASK002-node-clean-import-used-only-as-a-type-is-erased",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            # the app loads the module (one nothing imports or runs would be a stray module: DISC009)
            src__app_dot_js='require("./types");\n' + EXPRESS_APP,
            src__types_dot_ts='import { Request } from "koa";\n\nexport const isRequest = (r: unknown) => r instanceof Request;\n',
        ),
        "express+task",
        [("TASK002", "src/types.ts", 1)],
        id="TASK002-node-import-used-as-a-value-is-loaded",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected"), MANIFEST_CASES)
def test_manifest(
    make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any]
) -> None:
    report = check(make_project, files, constraint)
    assert task_findings(report) == expected
    assert report["verdicts"]["task"]["status"] == ("fail" if expected else "pass")


def test_task002_says_what_to_declare(make_project: MakeProject) -> None:
    report = check(make_project, with_files(PYTHON_OK, app_dot_py="import yaml\n" + FLASK_APP), "flask+task")
    finding = the(report, "TASK002")
    assert finding["package"] == "yaml"
    assert "PyYAML" in finding["hint"]


def test_task002_names_the_distribution_to_add(make_project: MakeProject) -> None:
    """An import name that the catalogue does not map names its distribution by PEP 503 normalisation:
    `flask_cors` is declared as `flask-cors` (the name `Flask-Cors` normalises to)."""
    files = with_files(PYTHON_OK, app_dot_py="from flask_cors import CORS\n" + FLASK_APP)
    finding = the(check(make_project, files, "flask+task"), "TASK002")
    assert finding["package"] == "flask_cors"
    assert finding["hint"] == "add flask-cors to requirements.txt"


def test_task002_dev_dependency_message(make_project: MakeProject) -> None:
    files = with_files(
        NODE_OK,
        src__app_dot_js='const morgan = require("morgan");\n' + EXPRESS_APP,
        package_dot_json='{"dependencies": {"express": "^4.19.2"}, "devDependencies": {"morgan": "^1.10.0"}}',
    )
    assert "only as a devDependency" in the(check(make_project, files, "express+task"), "TASK002")["message"]


def test_import_declared_only_in_development_requirements_is_task002(make_project: MakeProject) -> None:
    """The evaluation runs `pip install -r requirements.txt`; requirements-dev.txt is not installed, so
    an application import declared only there fails at start-up."""
    files = with_files(
        PYTHON_OK,
        app_dot_py="from faker import Faker\n" + FLASK_APP,
        requirements_dev_dot_txt="pytest==8.2.0\nFaker==25.0.0\n",
    )
    report = check(make_project, files, "flask+task")
    assert task_findings(report) == [("TASK002", "app.py", 1)]


@pytest.mark.parametrize(
    ("module", "distribution"),
    [pytest.param(m, d[0], id=m) for m, d in DISTRIBUTIONS["imports"].items()],
)
def test_every_import_name_mapping(make_project: MakeProject, module: str, distribution: str) -> None:
    source = f"import {module}\n" + FLASK_APP
    clean = check(
        make_project,
        with_files(PYTHON_OK, app_dot_py=source, requirements_dot_txt=f"flask\n{distribution}\n"),
        "flask+task",
    )
    assert task_findings(clean) == []


@pytest.mark.parametrize(
    ("module", "distribution"),
    [
        pytest.param(m, d[0], id=m)
        for m, d in DISTRIBUTIONS["imports"].items()
        if m not in DISTRIBUTIONS["provided_by"]
    ],
)
def test_every_import_name_undeclared(make_project: MakeProject, module: str, distribution: str) -> None:
    source = f"import {module}\n" + FLASK_APP
    report = check(make_project, with_files(PYTHON_OK, app_dot_py=source), "flask+task")
    finding = the(report, "TASK002")
    assert (finding["file"], finding["line"], finding["package"]) == ("app.py", 1, module)
    assert distribution in finding["hint"]


@pytest.mark.parametrize(
    ("module", "provider"),
    [
        pytest.param(m, p, id=f"{m}-{p}")
        for m, providers in DISTRIBUTIONS["provided_by"].items()
        for p in providers
    ],
)
def test_every_provided_module(make_project: MakeProject, module: str, provider: str) -> None:
    """`import werkzeug` works when only flask is declared: flask installs it."""
    source = f"import {module}\n" + FLASK_APP
    files = with_files(PYTHON_OK, app_dot_py=source, requirements_dot_txt=f"flask\n{provider}\n")
    assert task_findings(check(make_project, files, "flask+task")) == []


# -- TASK003, TASK004, TASK005: run.sh ---------------------------------------------------------------------

RUN_SCRIPTS: list[Any] = [
    pytest.param("#!/bin/sh\nexec python app.py\n", [], id="clean-exec"),
    pytest.param(
        '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\npython3 app.py\n',
        [],
        id="clean-plain-foreground",
    ),
    pytest.param(
        "#!/bin/bash\nexec gunicorn --workers 2 --bind 0.0.0.0:8080 app:app\n", [], id="clean-gunicorn"
    ),
    pytest.param(
        "#!/bin/bash\nexport FLASK_APP=app.py\nexec flask run --host 0.0.0.0 --port 8080\n",
        [],
        id="clean-flask-run",
    ),
    pytest.param("#!/bin/sh\npython app.py &\nwait\n", [], id="clean-background-then-wait"),
    pytest.param(
        "#!/bin/sh\npip install -r requirements.txt\nexec python app.py\n", [], id="clean-install-then-exec"
    ),
    pytest.param("#!/bin/sh\n# python app.py &\nexec python app.py\n", [], id="clean-commented-background"),
    pytest.param("#!/bin/sh\npython app.py &\n", [("TASK005", "run.sh", 2)], id="background-ampersand"),
    pytest.param(
        "#!/bin/sh\nnohup python app.py > server.log 2>&1 &\n",
        [("TASK005", "run.sh", 2)],
        id="nohup-background",
    ),
    pytest.param(
        "#!/bin/sh\ngunicorn --daemon -b 0.0.0.0:8080 app:app\n",
        [("TASK005", "run.sh", 2)],
        id="gunicorn-daemon",
    ),
    pytest.param(
        "#!/bin/sh\ngunicorn -D -b 0.0.0.0:8080 app:app\n", [("TASK005", "run.sh", 2)], id="gunicorn-D"
    ),
    pytest.param("#!/bin/sh\npm2 start app.py --name conduit\n", [("TASK005", "run.sh", 2)], id="pm2-start"),
    pytest.param(
        "#!/bin/sh\necho 'install the requirements and start app.py'\n",
        [("TASK005", "run.sh", 0)],
        id="no-server",
    ),
    pytest.param(
        "#!/bin/sh\ndocker compose up -d\n", [("TASK005", "run.sh", 0)], id="docker-compose-detached"
    ),
]


@pytest.mark.parametrize(("script", "expected"), RUN_SCRIPTS)
def test_run_script_foreground(make_project: MakeProject, script: str, expected: list[Any]) -> None:
    report = check(make_project, with_files(PYTHON_OK, run_dot_sh=script), "flask+task")
    assert task_findings(report) == expected
    if expected:
        reason = the(report, "TASK005")["reason"]
        assert reason == ("no-server" if expected[0][2] == 0 else "background")


def test_run_script_that_only_installs_starts_no_server(make_project: MakeProject) -> None:
    """`python -m pip install …` runs pip, not the application: nothing serves the app."""
    script = "#!/bin/sh\npython3 -m pip install -r requirements.txt\n"
    report = check(make_project, with_files(PYTHON_OK, run_dot_sh=script), "flask+task")
    assert task_findings(report) == [("TASK005", "run.sh", 0)]


def test_run_script_missing_is_task003(make_project: MakeProject) -> None:
    report = check(make_project, with_files(PYTHON_OK, run_dot_sh=None), "flask+task")
    assert task_findings(report) == [("TASK003", "run.sh", 0)]
    assert report["verdicts"]["task"]["status"] == "fail"


def test_run_script_in_a_subfolder_is_task003(make_project: MakeProject) -> None:
    files = with_files(PYTHON_OK, run_dot_sh=None, scripts__run_dot_sh="#!/bin/sh\nexec python app.py\n")
    assert task_findings(check(make_project, files, "flask+task")) == [("TASK003", "run.sh", 0)]


@pytest.mark.parametrize(("executable", "expected"), [(False, [("TASK004", "run.sh", 0)]), (True, [])])
def test_run_script_mode_task004(make_project: MakeProject, executable: bool, expected: list[Any]) -> None:
    report = check(make_project, PYTHON_OK, "flask+task", executable=executable)
    assert task_findings(report) == expected


@pytest.mark.parametrize(
    "server",
    [s for s in DISTRIBUTIONS["run"]["servers"]],
)
def test_every_run_script_server_is_recognised(make_project: MakeProject, server: str) -> None:
    script = (
        f"#!/bin/sh\nexec {server} start\n"
        if server in ("pm2", "pm2-runtime")
        else f"#!/bin/sh\nexec {server} main\n"
    )
    report = check(make_project, with_files(PYTHON_OK, run_dot_sh=script), "flask+task")
    no_server = [f for f in report["findings"] if f["rule"] == "TASK005" and f.get("reason") == "no-server"]
    assert no_server == []


@pytest.mark.parametrize(
    "script",
    [
        "#!/bin/sh\nnpm install\nnpm start\n",
        "#!/bin/sh\nexec npm run start\n",
        "#!/bin/sh\nexec node src/server.js\n",
        "#!/bin/sh\nexec npx tsx src/server.ts\n",
    ],
)
def test_node_run_scripts(make_project: MakeProject, script: str) -> None:
    assert task_findings(check(make_project, with_files(NODE_OK, run_dot_sh=script), "express+task")) == []


# -- TASK006 health check, TASK007 routes outside /api -----------------------------------------------------

ROUTE_CASES: list[Any] = [
    pytest.param(PYTHON_OK, "flask+task", [], id="TASK006-clean-via-blueprint-prefix"),
    pytest.param(NODE_OK, "express+task", [], id="TASK006-clean-via-app-use-prefix"),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py='from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/api/health-check")\n'
            'def health():\n    return "ok"\n\n\napp.run(port=8080)\n',
        ),
        "flask+task",
        [],
        id="TASK006-clean-full-path",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="import uvicorn\nfrom fastapi import APIRouter, FastAPI\n\n"
            'health = APIRouter(prefix="/health-check")\n\n\n@health.get("/")\ndef check():\n    return {}\n\n\n'
            'app = FastAPI()\napp.include_router(health, prefix="/api")\nuvicorn.run(app, port=8080)\n',
            requirements_dot_txt="fastapi\nuvicorn\n",
        ),
        "fastapi+task",
        [],
        id="TASK006-clean-nested-prefixes",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py='from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/api/articles")\ndef articles():\n'
            "    return []\n\n\napp.run(port=8080)\n",
        ),
        "flask+task",
        [("TASK006", ".", 0)],
        id="TASK006-missing",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py='from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/api/health")\ndef health():\n'
            '    return "ok"\n\n\napp.run(port=8080)\n',
        ),
        "flask+task",
        [("TASK006", "app.py", 6)],
        id="TASK006-near-miss-health",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py='from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/api/health-check")\ndef health():\n'
            '    return "ok"\n\n\napp.run(port=8080)\n',
        ),
        "flask+task",
        [("TASK006", "app.py", 6)],
        id="TASK006-post-only",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__app_dot_js='const express = require("express");\n\nconst app = express();\n'
            'app.get("/health-check", (req, res) => res.send("ok"));\n\nmodule.exports = app;\n',
        ),
        "express+task",
        [("TASK006", "src/app.js", 4), ("TASK007", "src/app.js", 4)],
        id="TASK006-TASK007-no-prefix-at-all",
    ),
    # TASK007
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py='from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/api/health-check")\ndef health():\n'
            '    return "ok"\n\n\n@app.get("/users")\ndef users():\n    return []\n\n\napp.run(port=8080)\n',
        ),
        "flask+task",
        [("TASK007", "app.py", 11)],
        id="TASK007-flask-route-outside-api",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__app_dot_js='const express = require("express");\n\nconst app = express();\n'
            'app.get("/api/health-check", (req, res) => res.send("ok"));\napp.post("/login", (req, res) => res.send("ok"));\n\n'
            "module.exports = app;\n",
        ),
        "express+task",
        [("TASK007", "src/app.js", 5)],
        id="TASK007-express-route-outside-api",
    ),
    pytest.param(PYTHON_OK, "flask+task", [], id="TASK007-clean"),
]


@pytest.mark.parametrize(("files", "constraint", "expected"), ROUTE_CASES)
def test_routes(
    make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any]
) -> None:
    report = check(make_project, files, constraint)
    assert task_findings(report) == expected


def test_task006_names_the_near_miss(make_project: MakeProject) -> None:
    files = with_files(
        PYTHON_OK,
        app_dot_py='from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/api/health")\ndef health():\n'
        '    return "ok"\n\n\napp.run(port=8080)\n',
    )
    assert "found GET '/api/health'" in the(check(make_project, files, "flask+task"), "TASK006")["message"]


ROUTE_ON_APP_WITH_PREFIXED_ROUTER: list[Any] = [
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py=FLASK_APP.replace(
                'if __name__ == "__main__":',
                '@app.get("/status")\ndef status():\n    return "ok"\n\n\nif __name__ == "__main__":',
            ),
        ),
        "flask+task",
        [("TASK007", "app.py", 19)],
        id="flask-app-route-next-to-api-blueprint",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__app_dot_js=EXPRESS_APP.replace(
                "module.exports", 'app.get("/status", (req, res) => res.send("ok"));\n\nmodule.exports'
            ),
        ),
        "express+task",
        [("TASK007", "src/app.js", 11)],
        id="express-app-route-next-to-api-router",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            src__app_dot_js='const express = require("express");\n\nconst router = express.Router();\n'
            'router.get("/articles", (req, res) => res.json([]));\n\nconst app = express();\n'
            'app.use("/api", router);\napp.get("/health-check", (req, res) => res.send("ok"));\n\nmodule.exports = app;\n',
        ),
        "express+task",
        [("TASK006", "src/app.js", 8), ("TASK007", "src/app.js", 8)],
        id="express-health-check-on-app-not-under-api",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected"), ROUTE_ON_APP_WITH_PREFIXED_ROUTER)
def test_route_on_the_app_is_not_under_a_routers_prefix(
    make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any]
) -> None:
    """A route registered on the application object itself is served at its own path; the `/api` prefix
    that a blueprint or router is mounted under does not apply to it."""
    report = check(make_project, files, constraint)
    assert task_findings(report) == expected


def test_health_check_in_a_fastify_plugin(make_project: MakeProject) -> None:
    """Fastify's own way to split an app: `app.register(plugin, { prefix: "/api" })`, where the plugin
    receives the instance as its first parameter and registers the routes on it."""
    files = {
        "src/server.js": 'const fastify = require("fastify")({ logger: true });\n\nconst healthRoutes = require("./routes/health");\n\n'
        'fastify.register(healthRoutes, { prefix: "/api" });\nfastify.listen({ port: 3000, host: "0.0.0.0" });\n',
        "src/routes/health.js": "async function healthRoutes(app) {\n"
        '  app.get("/health-check", async () => ({ status: "ok" }));\n}\n\nmodule.exports = healthRoutes;\n',
        "package.json": '{"dependencies": {"fastify": "^4.27.0"}}',
        "run.sh": "#!/bin/sh\nexec node src/server.js\n",
    }
    report = check(make_project, files, "fastify+task")
    assert task_findings(report) == []


def test_health_check_in_a_fastify_plugin_exported_by_name(make_project: MakeProject) -> None:
    """A plugin exported by name (`export async function healthRoutes(app)`), registered under `/api`: the
    registration hands it the instance and its prefix, so the health check is `/api/health-check`; registered
    without the prefix it is not."""
    files = {
        "src/server.js": 'import Fastify from "fastify";\nimport { healthRoutes } from "./routes/health.js";\n\n'
        'const fastify = Fastify({ logger: true });\nfastify.register(healthRoutes, { prefix: "/api" });\n'
        'fastify.listen({ port: 3000, host: "0.0.0.0" });\n',
        "src/routes/health.js": "export async function healthRoutes(app) {\n"
        '  app.get("/health-check", async () => ({ status: "ok" }));\n}\n',
        "package.json": '{"type": "module", "dependencies": {"fastify": "^4.27.0"}}',
        "run.sh": "#!/bin/sh\nexec node src/server.js\n",
    }
    assert task_findings(check(make_project, files, "fastify+task")) == []
    files["src/server.js"] = files["src/server.js"].replace(', { prefix: "/api" }', "")
    assert [rule for rule, _file, _line in task_findings(check(make_project, files, "fastify+task"))] == [
        "TASK006",
        "TASK007",
    ]


NODE_PACKAGE = (
    '{"dependencies": {"fastify": "^4.27.0", "@fastify/autoload": "^5.8.0", "fastify-plugin": "^4.5.0",'
    ' "hono": "^4.6.0", "@hono/node-server": "^1.12.0"}}'
)

ROUTES_ACROSS_MODULES: list[Any] = [
    pytest.param(
        {
            "src/index.ts": 'import { serve } from "@hono/node-server";\nimport { Hono } from "hono";\n\n'
            'import health from "./routes/health";\n\nconst app = new Hono();\n'
            'app.get("/", (c) => c.text("Conduit"));\napp.route("/api", health);\n\n'
            "serve({ fetch: app.fetch, port: 3000 });\n",
            "src/utils/create-router.ts": 'import { Hono } from "hono";\n\n'
            "export const createRouter = () => {\n  const router = new Hono();\n  return router;\n};\n",
            "src/routes/health.ts": 'import { createRouter } from "../utils/create-router";\n\n'
            'const health = createRouter();\nhealth.get("/health-check", (c) => c.json({ status: "ok" }));\n\n'
            "export default health;\n",
            "run.sh": "#!/bin/sh\nexec npx tsx src/index.ts\n",
        },
        "hono+task",
        [("TASK007", "src/index.ts", 7)],
        id="hono-router-from-a-factory-module",
    ),
    pytest.param(
        {
            "src/app.ts": 'import autoload from "@fastify/autoload";\nimport Fastify from "fastify";\n'
            'import { dirname, join } from "node:path";\nimport { fileURLToPath } from "node:url";\n\n'
            "const app = Fastify().register(autoload, {\n"
            '  dir: join(dirname(fileURLToPath(import.meta.url)), "routes"),\n});\n\napp.listen({ port: 3000 });\n',
            "src/routes/api/health.ts": 'import type { FastifyInstance } from "fastify";\n\n'
            "export default async function (app: FastifyInstance) {\n"
            '  app.get("/health-check", async () => ({ status: "ok" }));\n}\n',
            "run.sh": "#!/bin/sh\nexec npx tsx src/app.ts\n",
        },
        "fastify+task",
        [],
        id="fastify-autoload-folder-prefix",
    ),
    pytest.param(
        {
            "src/app.js": 'const path = require("path");\nconst autoload = require("@fastify/autoload");\n'
            'const fastify = require("fastify")();\n\n'
            'fastify.register(autoload, { dir: path.join(__dirname, "routes"), dirNameRoutePrefix: false });\n'
            "fastify.listen({ port: 3000 });\n",
            "src/routes/api/health.js": "module.exports = async function (fastify) {\n"
            '  fastify.get("/health-check", async () => ({ status: "ok" }));\n};\n',
            "run.sh": "#!/bin/sh\nexec node src/app.js\n",
        },
        "fastify+task",
        [("TASK006", "src/routes/api/health.js", 2), ("TASK007", "src/routes/api/health.js", 2)],
        id="fastify-autoload-without-folder-prefixes",
    ),
    pytest.param(
        {
            "src/app.js": 'const fastify = require("fastify")();\n\nasync function api(instance) {\n'
            '  instance.get("/articles", async () => []);\n}\n\nfastify.register(api, { prefix: "/api" });\n'
            'fastify.get("/health-check", async () => ({ status: "ok" }));\nfastify.listen({ port: 3000 });\n',
            "run.sh": "#!/bin/sh\nexec node src/app.js\n",
        },
        "fastify+task",
        [("TASK006", "src/app.js", 8), ("TASK007", "src/app.js", 8)],
        id="fastify-app-route-next-to-a-prefixed-plugin",
    ),
    pytest.param(
        {
            "src/index.js": 'const path = require("path");\nconst autoLoad = require("@fastify/autoload");\n'
            'const config = require("./config");\n\nconst server = require("fastify")();\n'
            "server.register(autoLoad, {\n"
            '  dir: path.join(__dirname, "routes"), options: config, dirNameRoutePrefix: false,\n});\n'
            "server.listen({ port: 3000 });\n",
            "src/config.js": "module.exports = { prefix: process.env.API_PREFIX };\n",
            "src/routes/health/index.js": 'const fp = require("fastify-plugin");\n\n'
            "async function health(server, options) {\n"
            '  server.route({ method: "GET", path: options.prefix + "health-check", handler: async () => "ok" });\n'
            "}\n\nmodule.exports = fp(health);\n",
            "run.sh": "#!/bin/sh\nexec node src/index.js\n",
        },
        "fastify+task",
        [],
        id="fastify-plugin-path-from-options-prefix",
    ),
    pytest.param(
        {
            "index.js": 'const getConfig = require("./lib/config");\nconst startServer = require("./lib/server");\n\n'
            'const config = getConfig();\nconst server = require("fastify")();\n'
            "server.register(startServer, config);\nserver.listen({ port: 3000 });\n",
            "lib/config.js": 'const envSchema = require("env-schema");\n\nfunction getConfig() {\n'
            "  const env = envSchema({ dotenv: true });\n  const config = { prefix: env.API_PREFIX };\n"
            "  return config;\n}\n\nmodule.exports = getConfig;\n",
            "lib/server.js": 'const path = require("path");\nconst fp = require("fastify-plugin");\n'
            'const autoLoad = require("@fastify/autoload");\n\nasync function plugin(server, config) {\n'
            '  server.register(autoLoad, { dir: path.join(__dirname, "routes"), options: config, '
            "dirNameRoutePrefix: false });\n}\n\nmodule.exports = fp(plugin);\n",
            "lib/routes/health/index.js": 'const fp = require("fastify-plugin");\n\n'
            "async function health(server, options) {\n"
            '  server.route({ method: "GET", path: options.prefix + "health-check", handler: async () => "ok" });\n'
            '  server.route({ method: "GET", path: "/status", handler: async () => "ok" });\n'
            "}\n\nmodule.exports = fp(health);\n",
            ".env.sample": "API_HOST=0.0.0.0\nAPI_PREFIX=/api\n",
            "package.json": NODE_PACKAGE.replace('"fastify":', '"env-schema": "^5.2.0", "fastify":', 1),
            "run.sh": "#!/bin/sh\nexec node index.js\n",
        },
        "fastify+task",
        [("TASK007", "lib/routes/health/index.js", 5)],
        id="fastify-options-prefix-from-env-sample",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express from "express";\n\nimport users from "./users";\n\n'
            "const app = express();\napp.use(process.env.API_PREFIX!, users);\napp.listen(3000);\n",
            "src/users.ts": 'import { Router } from "express";\n\nconst router = Router();\n'
            'router.get("/health-check", (req, res) => res.send("ok"));\n\nexport default router;\n',
            ".env.example": "API_PREFIX=/v1\n",
            "package.json": '{"dependencies": {"express": "^4.19.0"}, "devDependencies": {"tsx": "^4.11.0"}}',
            "run.sh": "#!/bin/sh\nexec npx tsx src/app.ts\n",
        },
        "express+task",
        [("TASK006", "src/users.ts", 4), ("TASK007", "src/users.ts", 4)],
        id="express-mount-prefix-from-env-example-not-api",
    ),
    pytest.param(
        {
            "src/app.js": 'const express = require("express");\nconst { initControllers } = require("./controllers");\n\n'
            "const app = express();\nconst router = express.Router();\ninitControllers(router, app);\n"
            'app.use("/api", router);\napp.listen(3000);\n',
            "src/controllers/index.js": "const init = (router, app) => {\n"
            '  router.get("/health-check", (req, res) => res.send("ok"));\n'
            '  app.get("/status", (req, res) => res.send("ok"));\n};\n\nmodule.exports = { initControllers: init };\n',
            "package.json": '{"dependencies": {"express": "^4.19.0"}}',
            "run.sh": "#!/bin/sh\nexec node src/app.js\n",
        },
        "express+task",
        [("TASK007", "src/controllers/index.js", 3)],
        id="express-router-and-app-handed-to-an-installer",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected"), ROUTES_ACROSS_MODULES)
def test_routes_across_modules(
    make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any]
) -> None:
    """TASK006 / TASK007 on routes registered away from the app: a Hono router built by a factory module
    and mounted under /api (the app's own `/` is not under /api), plugin files loaded by
    @fastify/autoload (folder prefixes, or none with `dirNameRoutePrefix: false`), a Fastify app's own
    route next to a plugin registered under /api, a path built from `options.prefix` at run time (known
    when the autoload options' prefix comes from a `.env` file), a mount prefix read from the
    environment that `.env.example` sets to something other than /api, and a router and the app handed
    to a route installer (its routes on the router are under /api, those on the app are not)."""
    report = check(make_project, {"package.json": NODE_PACKAGE, **files}, constraint)
    assert task_findings(report) == expected


def test_post_only_health_check_via_route_function_is_task006(make_project: MakeProject) -> None:
    """aiohttp `web.post("/api/health-check", …)` answers POST only: there is no GET health check."""
    files = with_files(
        PYTHON_OK,
        app_dot_py="from aiohttp import web\n\n\nasync def health(request):\n    return web.json_response({})\n\n\n"
        'app = web.Application()\napp.add_routes([web.post("/api/health-check", health)])\nweb.run_app(app, port=8080)\n',
        requirements_dot_txt="aiohttp\n",
    )
    report = check(make_project, files, "aiohttp+task")
    assert task_findings(report) == [("TASK006", "app.py", 9)]


# -- TASK008 wrong port, TASK009 port unknown ----------------------------------------------------------------

PORT_CASES: list[Any] = [
    pytest.param(PYTHON_OK, "flask+task", [], id="python-app-run-port-8080"),
    pytest.param(
        with_files(PYTHON_OK, app_dot_py=FLASK_APP.replace("port=8080", "port=5000")),
        "flask+task",
        [("TASK008", "app.py", 20)],
        id="python-app-run-wrong-port",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="import os\n"
            + FLASK_APP.replace("port=8080", 'port=int(os.environ.get("PORT", 8080))'),
        ),
        "flask+task",
        [],
        id="python-port-from-env-with-default",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="import os\n" + FLASK_APP.replace("port=8080", 'port=int(os.environ["PORT"])'),
        ),
        "flask+task",
        [("TASK009", ".", 0)],
        id="python-port-unknown",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/api/health-check")\ndef health():\n    return {}\n\n\n'
            'if __name__ == "__main__":\n    uvicorn.run("app:app", host="0.0.0.0", port=8080)\n',
            requirements_dot_txt="fastapi\nuvicorn\n",
        ),
        "fastapi+task",
        [],
        id="python-uvicorn-run",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/api/health-check")\ndef health():\n    return {}\n',
            requirements_dot_txt="fastapi\nuvicorn\n",
            run_dot_sh="#!/bin/sh\nexec uvicorn app:app --host 0.0.0.0 --port 8080\n",
        ),
        "fastapi+task",
        [],
        id="run-sh-port-flag",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/api/health-check")\ndef health():\n    return {}\n',
            requirements_dot_txt="fastapi\nuvicorn\n",
            run_dot_sh="#!/bin/sh\nexec uvicorn app:app --host 0.0.0.0 --port=8000\n",
        ),
        "fastapi+task",
        [("TASK008", "run.sh", None)],
        id="run-sh-wrong-port",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py=FLASK_APP.replace("port=8080", "port=5000"),
            run_dot_sh="#!/bin/sh\nexec gunicorn -b 0.0.0.0:8080 app:app\n",
        ),
        "flask+task",
        [],
        id="run-sh-bind-overrides-code",
    ),
    pytest.param(
        with_files(
            PYTHON_OK,
            app_dot_py="from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/api/health-check")\ndef health():\n    return {}\n',
            requirements_dot_txt="fastapi\nuvicorn\n",
            run_dot_sh="#!/bin/sh\nexec uvicorn app:app --host 0.0.0.0\n",
        ),
        "fastapi+task",
        [("TASK009", ".", 0)],
        id="uvicorn-default-port-unknown",
    ),
    pytest.param(NODE_OK, "express+task", [], id="node-listen-port-constant-3000"),
    pytest.param(
        with_files(NODE_OK, src__server_dot_js='const app = require("./app");\n\napp.listen(8080);\n'),
        "express+task",
        [("TASK008", "src/server.js", 3)],
        id="node-listen-wrong-port",
    ),
    pytest.param(
        with_files(
            NODE_OK, src__server_dot_js='const app = require("./app");\n\napp.listen(process.env.PORT);\n'
        ),
        "express+task",
        [("TASK009", ".", 0)],
        id="node-port-unknown",
    ),
    pytest.param(
        with_files(
            NODE_OK,
            run_dot_sh="#!/bin/sh\nPORT=3000 exec node src/server.js\n",
            src__server_dot_js='const app = require("./app");\n\napp.listen(process.env.PORT);\n',
        ),
        "express+task",
        [],
        id="node-port-from-run-sh-environment",
    ),
    pytest.param(
        {
            "src/index.ts": 'import { serve } from "@hono/node-server";\nimport { Hono } from "hono";\n\n'
            'const app = new Hono().basePath("/api");\napp.get("/health-check", (c) => c.json({ status: "ok" }));\n\n'
            "serve({ fetch: app.fetch, port: 3000 });\n",
            "package.json": '{"dependencies": {"hono": "^4.4.0", "@hono/node-server": "^1.11.0"}, "devDependencies": {"tsx": "^4.11.0"}}',
            "run.sh": "#!/bin/sh\nexec npx tsx src/index.ts\n",
        },
        "hono+task",
        [],
        id="hono-serve-port",
    ),
    pytest.param(
        {
            "src/server.js": 'const fastify = require("fastify")();\n\nfastify.get("/api/health-check", async () => ({ status: "ok" }));\n'
            'fastify.listen({ port: 8000, host: "0.0.0.0" });\n',
            "package.json": '{"dependencies": {"fastify": "^4.27.0"}}',
            "run.sh": "#!/bin/sh\nexec node src/server.js\n",
        },
        "fastify+task",
        [("TASK008", "src/server.js", 4)],
        id="fastify-listen-wrong-port",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected"), PORT_CASES)
def test_port(make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any]) -> None:
    report = check(make_project, files, constraint)
    found = task_findings(report)
    if any(line is None for _, _, line in expected):  # the line of a run.sh finding is not asserted
        found = [(rule, path, None) for rule, path, _ in found]
    assert found == expected
    if expected:
        rule = expected[0][0]
        assert the(report, rule)["severity"] == ("error" if rule == "TASK008" else "warning")
        assert the(report, rule)["expected"] == (
            8080 if constraint.split("+")[0] in ("flask", "fastapi", "django", "aiohttp") else 3000
        )
    status = "fail" if any(rule == "TASK008" for rule, _, _ in expected) else "pass"
    assert report["verdicts"]["task"]["status"] == status


def test_configured_port(make_project: MakeProject) -> None:
    files = with_files(
        PYTHON_OK, app_dot_py=FLASK_APP.replace("port=8080", "port=9000"), cdverify_dot_toml="port = 9000\n"
    )
    assert task_findings(check(make_project, files, "flask+task")) == []
    files = with_files(PYTHON_OK, cdverify_dot_toml="port = 9000\n")
    report = check(make_project, files, "flask+task")
    assert task_findings(report) == [("TASK008", "app.py", 20)]
    assert (the(report, "TASK008")["expected"], the(report, "TASK008")["found"]) == (9000, 8080)


def test_task_findings_only_when_asked(make_project: MakeProject) -> None:
    report = check(make_project, with_files(PYTHON_OK, run_dot_sh=None, requirements_dot_txt=None), "flask")
    assert task_findings(report) == []
    assert "task" not in report["verdicts"]


def test_paper_task_name_brings_the_task_checks(make_project: MakeProject) -> None:
    report = check(make_project, with_files(PYTHON_OK, run_dot_sh=None), "python-flask-openapi-unconstrained")
    assert task_findings(report) == [("TASK003", "run.sh", 0)]
    assert report["verdicts"]["task"]["status"] == "fail"
