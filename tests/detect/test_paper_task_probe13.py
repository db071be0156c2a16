"""Patterns found by probing whole paper-task verdicts, fourth round (issue 18, docs/accuracy.md "Paper-task apps
probed, fourth round (session 2026-12-06 (13))"), each on small projects written for the test:

- django-ninja: the URLconf mounts the API object's own URL configuration, `path("api/", api.urls)` (no
  `include(…)`); its routes sit under the path's prefix, as those of a router included by `include(router.urls)`
  do. Mounted at `path("", api.urls)` they stay outside `/api`.
- Tortoise ORM is imported as `tortoise` and published as `tortoise-orm` (TASK002), and its aiohttp integration's
  `register_tortoise(app, db_url=…)` connects as its FastAPI and Starlette ones do.
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, findings_of

NINJA_SETTINGS = """INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
ROOT_URLCONF = "site_conf.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "shop.sqlite3"}}
"""
NINJA_API = """from ninja import NinjaAPI, Router

api = NinjaAPI()
items = Router()


@api.get("/health-check")
def health(request):
    return {"status": "ok"}


@items.get("/items")
def list_items(request):
    return {"items": []}


api.add_router("/", items)
"""


def _ninja(mount: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\ndjango-ninja\n",
        "run.sh": "#!/bin/sh\nexec python manage.py runserver 0.0.0.0:8080\n",
        "manage.py": "import os\nimport sys\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_conf.settings')\n"
        "from django.core.management import execute_from_command_line\n\nexecute_from_command_line(sys.argv)\n",
        "site_conf/__init__.py": "",
        "site_conf/settings.py": NINJA_SETTINGS,
        "site_conf/urls.py": f"from django.urls import path\n\nfrom shop.api import api\n\nurlpatterns = [{mount}]\n",
        "shop/__init__.py": "",
        "shop/api.py": NINJA_API,
    }


@pytest.mark.parametrize(
    ("mount", "expected"),
    [
        pytest.param('path("api/", api.urls)', [], id="api-urls-under-api"),
        pytest.param(
            'path("", api.urls)',
            [("TASK006", "shop/api.py", 7), ("TASK007", "shop/api.py", 7), ("TASK007", "shop/api.py", 12)],
            id="api-urls-at-root",
        ),
    ],
)
def test_ninja_api_urls_mounted_by_the_urlconf(
    make_project: MakeProject, mount: str, expected: list[tuple[str, str, int]]
) -> None:
    """`path("api/", api.urls)` puts the NinjaAPI's routes (and its routers') under /api: no TASK006 nor
    TASK007; mounted at the root they are outside /api."""
    report = check(make_project, _ninja(mount), "python-django-openapi-sqlite")
    assert findings_of(report, "TASK006") + findings_of(report, "TASK007") == expected


TORTOISE_SERVER = """import os

from aiohttp import web
from tortoise.contrib.aiohttp import register_tortoise


async def health(request):
    return web.json_response({{"status": "ok"}})


app = web.Application()
app.router.add_get("/api/health-check", health)
register_tortoise(app, db_url=os.getenv("DB_URL", "{url}"), modules={{"models": ["models"]}}, generate_schemas=True)

if __name__ == "__main__":
    web.run_app(app, port=8080)
"""
TORTOISE_MODELS = """from tortoise import fields
from tortoise.models import Model


class Item(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=64)
"""


def _tortoise(requirements: str, url: str = "sqlite://shop.sqlite3") -> dict[str, str | bytes]:
    return {
        "requirements.txt": requirements,
        "run.sh": "#!/bin/sh\nexec python server.py\n",
        "server.py": TORTOISE_SERVER.format(url=url),
        "models.py": TORTOISE_MODELS,
    }


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        pytest.param("aiohttp\ntortoise-orm\n", [], id="declared-as-tortoise-orm"),
        pytest.param("aiohttp\n", [("TASK002", "models.py", 1)], id="undeclared"),
    ],
)
def test_tortoise_orm_is_the_distribution_of_tortoise(
    make_project: MakeProject, requirements: str, expected: list[tuple[str, str, int]]
) -> None:
    """`import tortoise` is declared by `tortoise-orm`; left out of the manifest it is still TASK002."""
    report = check(make_project, _tortoise(requirements), "python-aiohttp-openapi-sqlite")
    assert findings_of(report, "TASK002") == expected


@pytest.mark.parametrize(
    ("requirements", "url", "engines"),
    [
        pytest.param("aiohttp\ntortoise-orm\n", "sqlite://shop.sqlite3", ["sqlite"], id="sqlite"),
        pytest.param(
            "aiohttp\ntortoise-orm[asyncpg]\n",
            "postgres://user:password@postgres:5432/conduit",
            ["postgresql"],
            id="postgres",
        ),
    ],
)
def test_tortoise_aiohttp_register_connects(
    make_project: MakeProject, requirements: str, url: str, engines: list[str]
) -> None:
    """Tortoise's aiohttp `register_tortoise(app, db_url=…)` is a connection: its URL names the engine."""
    report = check(make_project, _tortoise(requirements, url), "aiohttp")
    evidence = report["database"]["evidence"]
    assert report["database"]["engines"] == engines
    assert any(e["kind"] == "connection" and e["file"] == "server.py" for e in evidence)


HEALTH_CONTROLLER = """import { Get, JsonController } from 'routing-controllers';

@JsonController()
export class HealthController {
  @Get('/health-check')
  check() {
    return { status: 'ok' };
  }
}
"""
KOA_SERVER = """import 'reflect-metadata';
import Koa from 'koa';
import { useKoaServer } from 'routing-controllers';
import { HealthController } from './HealthController';

const app = new Koa();
useKoaServer(app, { {options}controllers: [HealthController] });
app.listen(3000);
"""
EXPRESS_SERVER = """import 'reflect-metadata';
import { createExpressServer } from 'routing-controllers';
import { HealthController } from './HealthController';

const app = createExpressServer({ {options}controllers: [HealthController] });
app.listen(3000);
"""


def _controllers(server: str, framework: str, options: str) -> dict[str, str | bytes]:
    dependencies = {framework: "*", "reflect-metadata": "*", "routing-controllers": "*", "tsx": "*"}
    manifest = json.dumps(
        {"name": "shop", "scripts": {"start": "tsx src/main.ts"}, "dependencies": dependencies}
    )
    return {
        "package.json": manifest,
        "run.sh": "#!/bin/sh\nexec npm start\n",
        "src/main.ts": server.replace("{options}", options),
        "src/HealthController.ts": HEALTH_CONTROLLER,
    }


@pytest.mark.parametrize(
    ("server", "framework", "options", "expected"),
    [
        pytest.param(KOA_SERVER, "koa", "routePrefix: '/api', ", [], id="koa-route-prefix"),
        pytest.param(EXPRESS_SERVER, "express", "routePrefix: '/api', ", [], id="express-route-prefix"),
        pytest.param(
            KOA_SERVER,
            "koa",
            "",
            [("TASK006", "src/HealthController.ts", 5), ("TASK007", "src/HealthController.ts", 5)],
            id="koa-no-prefix",
        ),
    ],
)
def test_routing_controllers_routes_under_route_prefix(
    make_project: MakeProject, server: str, framework: str, options: str, expected: list[tuple[str, str, int]]
) -> None:
    """routing-controllers' decorated routes are the served app's (Koa or Express: no other framework), under the
    `routePrefix` option of `useKoaServer` / `createExpressServer`; without it they are outside /api."""
    report = check(make_project, _controllers(server, framework, options), f"{framework}+task")
    assert findings_of(report, "TASK006") + findings_of(report, "TASK007") == expected
    assert findings_of(report, "FW") == []
    assert report["verdicts"]["framework"]["status"] == "pass"


TREE_ROUTES = """const Koa = require('koa');
const Router = require('koa-tree-router');

const app = new Koa();
const router = new Router();
const api = router.newGroup('{group}');

api.get('/health-check', (ctx) => {
  ctx.body = { status: 'ok' };
});

app.use(router.routes());
app.listen(3000);
"""


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        pytest.param("/api", [], id="group-api"),
        pytest.param("/v1", [("TASK006", "index.js", 8), ("TASK007", "index.js", 8)], id="group-v1"),
    ],
)
def test_koa_tree_router_group_prefix(
    make_project: MakeProject, group: str, expected: list[tuple[str, str, int]]
) -> None:
    """koa-tree-router's `router.newGroup(prefix)` is a router of its routes under the prefix."""
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "shop", "main": "index.js", "dependencies": {"koa": "*", "koa-tree-router": "*"}}\n',
        "run.sh": "#!/bin/sh\nexec node index.js\n",
        "index.js": TREE_ROUTES.replace("{group}", group),
    }
    report = check(make_project, files, "koa+task")
    assert findings_of(report, "TASK006") + findings_of(report, "TASK007") == expected


def test_db004_names_no_empty_variable(make_project: MakeProject) -> None:
    """Engines inferred from two declared drivers for a URL computed at run time (here a node-config table the
    connection takes whole) switch on no known variable: DB004 says SQLite may be used, naming no `$`."""
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "shop", "main": "index.js", "dependencies": {"express": "*", "config": "*", '
        '"sequelize": "*", "pg": "*", "pg-hstore": "*", "sqlite3": "*"}}\n',
        "config/default.json": '{"db": {"dialect": "postgres", "host": "postgres"}}\n',
        "index.js": "const config = require('config');\nconst express = require('express');\n"
        "const { Sequelize } = require('sequelize');\n\nconst sequelize = new Sequelize(config.get('db'));\n"
        "const app = express();\napp.get('/api/health-check', (req, res) => res.json({ ok: true }));\n"
        "sequelize.sync().then(() => app.listen(3000));\n",
    }
    report = check(make_project, files, "express+postgres")
    db004 = [f for f in report["findings"] if f["rule"] == "DB004"]
    assert [f["message"].split(" (")[0] for f in db004] == ["SQLite may be used instead"]
