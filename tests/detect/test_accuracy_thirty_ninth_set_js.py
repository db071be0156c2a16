"""The thirty-ninth held-out set's JavaScript half (docs/accuracy.md, "The thirty-ninth set's JavaScript
disagreements"): an Nx workspace, whose `apps/<name>/` folders hold one project each (declared by its
`project.json`, with no package.json of its own), so a project named `web` or `api` is a member of the
workspace, not the routes layer."""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


PACKAGE = '{"name": "shop", "dependencies": {"koa": "2.13.4", "@koa/router": "12.0.0", "knex": "2.3.0", "sqlite3": "5.1.2"}}'
NX = '{"npmScope": "shop", "affected": {"defaultBase": "main"}}'
PROJECT = '{"name": "%s", "sourceRoot": "apps/%s/src", "projectType": "application", "targets": {}}'

MAIN = src(
    """
    import Koa from 'koa';
    import { db } from './db';
    import { makeRouter } from './orders.router';

    const app = new Koa();
    const router = makeRouter(db);
    app.use(router.routes());
    app.listen(4000);
    """
)

KNEXFILE = src(
    """
    module.exports = {
      development: { client: 'sqlite3', connection: { filename: './shop.sqlite' }, useNullAsDefault: true },
    };
    """
)

DB = src(
    """
    import knex from 'knex';
    const config = require('./knexfile');

    export const db = knex(config.development);
    """
)

ROUTER = src(
    """
    import Router from '@koa/router';
    import { Knex } from 'knex';

    export function makeRouter(db: Knex) {
      const router = new Router();
      router.get('/orders', async (ctx) => {
        ctx.body = await db('orders').select('*');
      });
      return router;
    }
    """
)

ENVIRONMENT = "export const environment = { production: false };\n"


def _nx(name: str, *, workspace: bool = True) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        f"apps/{name}/project.json": PROJECT % (name, name),
        f"apps/{name}/src/main.ts": MAIN,
        f"apps/{name}/src/db.ts": DB,
        f"apps/{name}/src/knexfile.ts": KNEXFILE,
        f"apps/{name}/src/orders.router.ts": ROUTER,
        f"apps/{name}/src/environments/environment.ts": ENVIRONMENT,
    }
    if workspace:
        files["nx.json"] = NX
    return files


def _architecture(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, files)["architecture"]
    return data


def _violations(architecture: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["file"], v["target"], v["kind"]) for v in architecture["violations"])


def test_an_nx_project_named_web_is_no_routes_folder(make_project: MakeProject) -> None:
    architecture = _architecture(make_project, _nx("web"))
    files = architecture["files"]
    assert "apps/web/src/knexfile.ts" not in files
    assert "apps/web/src/environments/environment.ts" not in files
    assert files["apps/web/src/db.ts"] == "repositories"
    assert files["apps/web/src/orders.router.ts"] == "routes"
    # the data module's import of the knex settings is no upward import
    assert _violations(architecture) == []


def test_layer_folders_inside_an_nx_project_still_count(make_project: MakeProject) -> None:
    files = _nx("api")
    files["apps/api/src/routes/orders.ts"] = (
        "import { db } from '../repositories/orders';\nexport const list = () => db;\n"
    )
    files["apps/api/src/repositories/orders.ts"] = "import { db } from '../db';\nexport { db };\n"
    architecture = _architecture(make_project, files)
    assert architecture["files"]["apps/api/src/routes/orders.ts"] == "routes"
    assert architecture["files"]["apps/api/src/repositories/orders.ts"] == "repositories"
    assert "apps/api/src/knexfile.ts" not in architecture["files"]
    assert _violations(architecture) == [
        ("apps/api/src/routes/orders.ts", "apps/api/src/repositories/orders.ts", "bypass")
    ]


def test_a_project_json_outside_an_nx_workspace_is_data(make_project: MakeProject) -> None:
    # no nx.json: `web/project.json` is a file of the app, and `web/` keeps naming the routes layer
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/main.ts": MAIN.replace("./orders.router", "./web/orders"),
        "src/db.ts": DB,
        "src/knexfile.ts": KNEXFILE,
        "src/web/project.json": '{"title": "Orders", "owner": "sales"}',
        "src/web/orders.ts": ROUTER,
        "src/web/labels.ts": "export const labels = { orders: 'Orders' };\n",
    }
    architecture = _architecture(make_project, files)
    assert architecture["files"]["src/web/orders.ts"] == "routes"
    assert architecture["files"]["src/web/labels.ts"] == "routes"


# A full-stack package in Vite's layout: index.html at the top loads the React client's entry, whose API
# wrappers live in src/services/ beside the Express server's server/ folder, all under one package.json.
FULL_STACK = '{"name": "tasks", "type": "module", "scripts": {"dev:client": "vite", "dev:server": "tsx server/index.ts"}, "dependencies": {"express": "4.18.2", "@prisma/client": "4.11.0", "axios": "1.11.0", "react": "18.2.0", "react-dom": "18.2.0"}}'

PAGE = src(
    """
    <!DOCTYPE html>
    <html>
      <head><script src="https://cdn.example.com/analytics.js"></script></head>
      <body>
        <div id="root"></div>
        <script type="module" src="/src/main.tsx"></script>
      </body>
    </html>
    """
)

CLIENT_MAIN = src(
    """
    import React from 'react';
    import { createRoot } from 'react-dom/client';
    import { listTasks } from './services/tasks';

    listTasks().then((tasks) => createRoot(document.getElementById('root')!).render(<p>{tasks.length}</p>));
    """
)

CLIENT_API = src(
    """
    import axios from 'axios';

    export const api = axios.create({ baseURL: '/api' });
    """
)

CLIENT_TASKS = src(
    """
    import { api } from './api';
    import { Task } from '../shared/task';

    export const listTasks = () => api.get<Task[]>('/tasks').then((response) => response.data);
    """
)

SHARED_TASK = "export interface Task { id: string; title: string }\nexport const MAX_TITLE = 200;\n"

SERVER_INDEX = src(
    """
    import express from 'express';
    import { router } from './routes/tasks';

    const app = express();
    app.use('/api', router);
    app.listen(5000);
    """
)

SERVER_ROUTES = src(
    """
    import { Router } from 'express';
    import { PrismaClient } from '@prisma/client';
    import { MAX_TITLE } from '../../src/shared/task';

    const prisma = new PrismaClient();
    export const router = Router();
    router.get('/tasks', async (req, res) => {
      res.json((await prisma.task.findMany()).filter((task) => task.title.length <= MAX_TITLE));
    });
    """
)


def _full_stack(*, page: bool = True) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": FULL_STACK,
        "src/main.tsx": CLIENT_MAIN,
        "src/services/api.ts": CLIENT_API,
        "src/services/tasks.ts": CLIENT_TASKS,
        "src/shared/task.ts": SHARED_TASK,
        "server/index.ts": SERVER_INDEX,
        "server/routes/tasks.ts": SERVER_ROUTES,
    }
    if page:
        files["index.html"] = PAGE
    return files


def test_the_client_a_page_loads_is_no_services_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _full_stack())
    files = report["architecture"]["files"]
    assert "src/services/api.ts" not in files
    assert "src/services/tasks.ts" not in files
    assert files["server/routes/tasks.ts"] == "routes"
    assert report["project"]["by_scope"]["frontend"] == 3  # main.tsx and the two API wrappers
    assert "axios" not in report["imports"]["external"]


def test_a_module_the_server_imports_too_stays_application(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _full_stack())
    # src/shared/task.ts is reached from the page and from the server's routes: it runs on the server
    assert report["project"]["by_scope"]["application"] == 3
    assert report["imports"]["external"]["express"] == 2


def test_without_a_page_the_folders_decide(make_project: MakeProject) -> None:
    files = inspect_json(make_project, _full_stack(page=False))["architecture"]["files"]
    assert files["src/services/api.ts"] == "services"
    assert files["src/services/tasks.ts"] == "services"


def test_a_page_script_that_uses_node_built_ins_stays_application(make_project: MakeProject) -> None:
    files = _full_stack()
    files["src/services/api.ts"] = "import { readFileSync } from 'node:fs';\n" + CLIENT_API
    architecture = inspect_json(make_project, files)["architecture"]["files"]
    assert architecture["src/services/api.ts"] == "services"
    assert "src/services/tasks.ts" not in architecture
