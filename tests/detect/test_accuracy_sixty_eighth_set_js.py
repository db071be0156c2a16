"""Patterns of the sixty-eighth and sixty-ninth unseen labelled sets, JavaScript/TypeScript halves (issue 18,
docs/accuracy.md "The sixty-eighth and sixty-ninth sets' disagreements"), each with a violating and a clean
project written for the test:

- a Node server kept in a `scripts/` folder, run by a package.json script (`nodemon scripts/server.js`), is
  the application when nothing else in its package starts a server (cdverify/served_scripts.py): its
  framework, ORM and the client module it imports are found. A mock server in `scripts/` beside the real
  entry, a server no script runs, and a seed stay scripts.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject

from cdverify.pipeline import inspect

SERVER = (
    'import fastify from "fastify";\n'
    'import { db } from "./lib/db.js";\n\n'
    "const app = fastify();\n\n"
    'app.get("/books", async () => db.book.findMany());\n\n'
    "app.listen({ port: Number(process.env.PORT ?? 4000) });\n"
)
CLIENT = 'import { PrismaClient } from "@prisma/client";\n\nexport const db = new PrismaClient();\n'


def _package(scripts: str) -> str:
    return (
        '{"name": "books", "type": "module", "scripts": {' + scripts + "}, "
        '"dependencies": {"fastify": "4", "@prisma/client": "5"}}'
    )


def _inspected(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> tuple[dict[str, Any], dict[str, str]]:
    inspected = inspect(make_project(files), use_cache=False)
    return inspected.to_json(), {path: str(scope) for path, scope in inspected.analysis.scopes.items()}


def test_a_server_a_package_script_runs_from_scripts_is_the_application(make_project: MakeProject) -> None:
    report, scopes = _inspected(
        make_project,
        {
            "package.json": _package('"serve": "nodemon scripts/server.js"'),
            "scripts/server.js": SERVER,
            "scripts/lib/db.js": CLIENT,
        },
    )
    assert scopes["scripts/server.js"] == "application"
    assert scopes["scripts/lib/db.js"] == "application"
    assert report["framework"]["serving"] == ["fastify"]
    assert report["orm"]["libraries"] == ["prisma"]
    assert report["architecture"]["files"]["scripts/lib/db.js"] == "repositories"


def test_a_mock_server_beside_the_real_entry_stays_a_script(make_project: MakeProject) -> None:
    mock = (
        'import express from "express";\n\n'
        "const mock = express();\n"
        'mock.get("/books", (req, res) => res.json([]));\n'
        "mock.listen(4010);\n"
    )
    report, scopes = _inspected(
        make_project,
        {
            "package.json": _package('"start": "node src/server.js", "mock": "node scripts/mock-server.js"'),
            "src/server.js": SERVER.replace("./lib/db.js", "./db.js"),
            "src/db.js": CLIENT,
            "scripts/mock-server.js": mock,
        },
    )
    assert scopes["scripts/mock-server.js"] == "script"
    assert "scripts/mock-server.js" not in report["architecture"]["files"]
    assert report["framework"]["serving"] == ["fastify"]


def test_a_server_no_script_runs_and_a_seed_stay_scripts(make_project: MakeProject) -> None:
    seed = (
        'import fastify from "fastify";\n'
        'import { db } from "./lib/db.js";\n\n'
        "const app = fastify();\n"
        "await db.book.create({ data: { title: 'Dune' } });\n"
        "app.listen({ port: 4001 });\n"
    )
    report, scopes = _inspected(
        make_project,
        {
            "package.json": _package('"seed": "node scripts/seed.js"'),
            "scripts/server.js": SERVER,
            "scripts/seed.js": seed,
            "scripts/lib/db.js": CLIENT,
        },
    )
    assert scopes["scripts/server.js"] == "script"
    assert scopes["scripts/seed.js"] == "script"
    assert scopes["scripts/lib/db.js"] == "script"
    assert report["framework"]["serving"] == []


# - an app file that builds the repositories, services and controllers and registers every route as an inline
#   handler only handing its parameters to a controller method (`(req, res) => books.list(req, res)`) is the
#   composition root (cdverify/detect/layers/delegation.py): its imports of the repositories are wiring, no
#   bypass. Inline handlers that do the work themselves (call a repository, hand on a request field) keep the
#   file in the routes layer, and its import of the repository stays a bypass.
_ACTIONS = ("list", "show", "create", "update", "remove", "count", "search", "recent")


def _entry(*, delegating: bool) -> str:
    head = (
        'import express from "express";\n'
        'import { BookRepository } from "./repositories/BookRepository";\n'
        'import { BookService } from "./services/BookService";\n'
        'import { BookController } from "./controllers/BookController";\n\n'
        "const app = express();\n"
        "const repository = new BookRepository();\n"
        "const service = new BookService(repository);\n"
        "const books = new BookController(service);\n\n"
    )
    if delegating:
        routes = "".join(
            f'app.get("/books/{action}", (req, res) =>\n  books.{action}(req, res)\n);\n'
            for action in _ACTIONS
        )
    else:
        routes = "".join(
            f'app.get("/books/{action}", async (req, res) => {{\n'
            f"  res.json(await repository.{action}(req.query.id));\n}});\n"
            for action in _ACTIONS
        )
    return head + routes + "\napp.listen(3000);\n"


def _layered(delegating: bool) -> dict[str, str | bytes]:
    methods = "".join(
        f"  async {action}(req, res) {{ res.json(await this.service.{action}()); }}\n" for action in _ACTIONS
    )
    return {
        "package.json": '{"name": "shelf", "dependencies": {"express": "4", "pg": "8"}}',
        "src/server.ts": _entry(delegating=delegating),
        "src/controllers/BookController.ts": (
            "export class BookController {\n  constructor(private service: any) {}\n" + methods + "}\n"
        ),
        "src/services/BookService.ts": (
            "export class BookService {\n  constructor(private repository: any) {}\n"
            + "".join(f"  {action}() {{ return this.repository.{action}(); }}\n" for action in _ACTIONS)
            + "}\n"
        ),
        "src/repositories/BookRepository.ts": (
            'import { Pool } from "pg";\n\nconst pool = new Pool();\n\nexport class BookRepository {\n'
            + "".join(
                f'  async {action}(id?: string) {{ return (await pool.query("SELECT * FROM books")).rows; }}\n'
                for action in _ACTIONS
            )
            + "}\n"
        ),
    }


def _bypasses(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v["file"], v["target"]) for v in report["architecture"]["violations"] if v["kind"] == "bypass"}


def test_a_route_table_handing_requests_to_controllers_is_the_composition_root(
    make_project: MakeProject,
) -> None:
    report, _scopes = _inspected(make_project, _layered(delegating=True))
    assert "src/server.ts" in report["architecture"]["composition_roots"]
    assert "src/server.ts" not in report["architecture"]["files"]
    assert report["architecture"]["files"]["src/controllers/BookController.ts"] == "routes"
    assert ("src/server.ts", "src/repositories/BookRepository.ts") not in _bypasses(report)


def test_inline_handlers_doing_the_work_keep_the_entry_in_routes(make_project: MakeProject) -> None:
    report, _scopes = _inspected(make_project, _layered(delegating=False))
    assert "src/server.ts" not in report["architecture"]["composition_roots"]
    assert report["architecture"]["files"]["src/server.ts"] == "routes"
    assert ("src/server.ts", "src/repositories/BookRepository.ts") in _bypasses(report)


# - a Cloudflare Worker whose front end's dev script sits beside wrangler's (`"dev:frontend": "cd frontend && pnpm
#   run dev"`, frontend/ a package of its own) still starts no server under Node: the script entering another
#   package starts that package, not the application (cdverify/detect/database/workers.py). A script entering a
#   folder of the application itself (no package.json there) still counts, and lifts the stop.
_WORKER = (
    'import { Hono } from "hono";\nimport { drizzle } from "drizzle-orm/d1";\n\n'
    "const app = new Hono<{ Bindings: { DB: D1Database } }>();\n\n"
    'app.get("/notes", async (c) => c.json(await drizzle(c.env.DB).all("SELECT id FROM notes")));\n\n'
    "export default app;\n"
)


def _worker_project(front_dev: str, *, front_package: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": (
            '{"name": "notes", "scripts": {"dev:api": "wrangler dev", "dev:frontend": "' + front_dev + '"}, '
            '"dependencies": {"hono": "4", "drizzle-orm": "0.36"}, "devDependencies": {"wrangler": "4"}}'
        ),
        "wrangler.toml": 'name = "notes"\nmain = "src/index.ts"\n\n[[d1_databases]]\nbinding = "DB"\n',
        "src/index.ts": _WORKER,
        "frontend/src/main.ts": 'console.log("front end");\n',
    }
    if front_package:
        files["frontend/package.json"] = '{"name": "notes-web", "scripts": {"dev": "vite"}}'
    return files


def _worker_stops(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    return [stop.describe() for stop in database.stops if stop.stops({})]


def test_a_worker_beside_a_front_end_packages_dev_script_starts_no_server(make_project: MakeProject) -> None:
    (stop,) = _worker_stops(make_project, _worker_project("cd frontend && pnpm run dev", front_package=True))
    assert "runs Cloudflare Workers (wrangler) (wrangler.toml)" in stop


def test_a_dev_script_entering_a_folder_of_the_application_lifts_the_stop(make_project: MakeProject) -> None:
    assert (
        _worker_stops(make_project, _worker_project("cd frontend && node main.js", front_package=False)) == []
    )
