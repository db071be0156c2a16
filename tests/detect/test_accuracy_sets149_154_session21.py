"""Session (21)'s held-out sets (docs/accuracy.md, "The hundred-and-forty-ninth to hundred-and-fifty-fourth sets'
disagreements"): raw SQL a statement sink runs as written though the parser cannot complete it (an AND left
out), and a SQL tag a project plugin decorated the Fastify instance with (fastify.sql`SELECT …`). Violating
cases find the statement at its line; clean ones find none where no statement is written."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from reports import MakeProject, check, evidence_of, inspect_json, layer_violations, layers_of, only


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sites(report: dict[str, Any], file: str) -> list[tuple[int, str]]:
    return sorted((item["line"], item["kind"]) for item in report["orm"]["raw_sql"] if item["file"] == file)


def fragments(report: dict[str, Any], file: str) -> list[int]:
    return sorted(item["line"] for item in report["orm"]["fragments"] if item["file"] == file)


MYSQL_PACKAGE = '{"name": "finder", "dependencies": {"fastify": "^4", "mysql2": "^3"}}'
POOL = src(
    """
    import mysql from "mysql2/promise";
    export const db = mysql.createPool({ host: "localhost", user: "root", database: "finder" });
    """
)


def test_a_statement_the_parser_cannot_complete_is_still_sql_at_a_statement_sink(
    make_project: MakeProject,
) -> None:
    controller = src(
        """
        import { db } from "../plugins/db";

        export const verifyOtp = async (req: any, rep: any) => {
          const { email, otp } = req.body;
          const [rows]: any = await db.query("select * from otps where email=? and otp=? expires_at > now()", [email, otp]);
          return rep.send({ ok: rows.length > 0 });
        };
        """
    )
    files = {
        "package.json": MYSQL_PACKAGE,
        "src/plugins/db.ts": POOL,
        "src/controllers/auth.controller.ts": controller,
    }
    report = inspect_json(make_project, files)
    assert sites(report, "src/controllers/auth.controller.ts") == [(5, "statement")]
    assert fragments(report, "src/controllers/auth.controller.ts") == []


def test_prose_and_builder_pieces_stay_what_they_were(make_project: MakeProject) -> None:
    """Near misses: prose at a statement sink is no SQL; a query builder's raw clause keeps its piece (ORM004)."""
    controller = src(
        """
        import { db } from "../plugins/db";
        import knex from "knex";

        const qb = knex({ client: "mysql2" });
        export const search = async (req: any) => {
          await db.query("select the user from the list");
          return qb("otps").whereRaw("email = ? and otp = ?", [req.body.email, req.body.otp]);
        };
        """
    )
    package = '{"name": "finder", "dependencies": {"fastify": "^4", "mysql2": "^3", "knex": "^3"}}'
    files = {
        "package.json": package,
        "src/plugins/db.ts": POOL,
        "src/controllers/search.controller.ts": controller,
    }
    report = inspect_json(make_project, files)
    assert sites(report, "src/controllers/search.controller.ts") == []
    assert fragments(report, "src/controllers/search.controller.ts") == [7]


POSTGRES_PACKAGE = (
    '{"name": "wms", "dependencies": {"fastify": "^5", "fastify-plugin": "^5", "postgres": "^3"}}'
)
DB_PLUGIN = src(
    """
    import fp from "fastify-plugin";
    import postgres from "postgres";
    import type { FastifyInstance } from "fastify";

    declare module "fastify" {
      interface FastifyInstance {
        sql: postgres.Sql;
      }
    }

    async function dbPlugin(fastify: FastifyInstance) {
      const sql = postgres(process.env.DATABASE_URL!);
      fastify.decorate("sql", sql);
    }

    export default fp(dbPlugin);
    """
)
APP = src(
    """
    import Fastify from "fastify";
    import db from "./plugins/db";
    import auth from "./plugins/auth";

    const app = Fastify();
    app.register(db);
    app.register(auth);
    app.get("/health", async () => ({ ok: true }));
    app.listen({ port: 3000 });
    """
)


def test_a_sql_tag_decorated_on_the_fastify_instance_runs_sql(make_project: MakeProject) -> None:
    auth = src(
        """
        import fp from "fastify-plugin";
        import type { FastifyInstance, FastifyRequest } from "fastify";

        async function authPlugin(fastify: FastifyInstance) {
          fastify.addHook("onRequest", async (request: FastifyRequest) => {
            const key = request.headers["x-api-key"];
            const [seller] = await fastify.sql<Seller[]>`
              SELECT id, nome FROM sellers WHERE api_key = ${key} AND ativo = true
            `;
            request.seller = seller;
          });
        }

        export default fp(authPlugin);
        """
    )
    files = {
        "package.json": POSTGRES_PACKAGE,
        "src/plugins/db.ts": DB_PLUGIN,
        "src/plugins/auth.ts": auth,
        "src/app.ts": APP,
    }
    assert sites(inspect_json(make_project, files), "src/plugins/auth.ts") == [(7, "statement")]


def test_the_instances_own_methods_and_pieces_are_no_sql(make_project: MakeProject) -> None:
    """Near misses: the framework's own methods on the instance, a log line on a property of it, and a piece of
    a statement through the decorated tag (`fastify.sql`ORDER BY id``) write no statement."""
    routes = src(
        """
        import fp from "fastify-plugin";
        import type { FastifyInstance } from "fastify";

        async function routes(fastify: FastifyInstance) {
          fastify.get("/select", async () => ({ ok: true }));
          fastify.log.info("SELECT id FROM sellers WHERE api_key = ?");
          const order = fastify.sql`ORDER BY id`;
          fastify.decorate("query", "SELECT");
        }

        export default fp(routes);
        """
    )
    files = {
        "package.json": POSTGRES_PACKAGE,
        "src/plugins/db.ts": DB_PLUGIN,
        "src/plugins/routes.ts": routes,
        "src/app.ts": APP,
    }
    assert sites(inspect_json(make_project, files), "src/plugins/routes.ts") == []


# -- a Replit Express app: a lazily made Drizzle client behind a Proxy, a cross-env dev script, probes beside it

REPLIT_PACKAGE = src(
    """
    {
      "name": "chores",
      "scripts": {"dev": "cross-env NODE_ENV=development tsx server/index.ts", "start": "node dist/index.cjs"},
      "dependencies": {"express": "^4", "pg": "^8", "drizzle-orm": "^0.39"}
    }
    """
)
LAZY_DB = src(
    """
    import { Pool } from "pg";
    import { drizzle } from "drizzle-orm/node-postgres";
    import * as schema from "../shared/schema";

    let poolInstance: Pool | null = null;

    export function getPool(): Pool {
      if (poolInstance) return poolInstance;
      if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is missing");
      poolInstance = new Pool({ connectionString: process.env.DATABASE_URL });
      return poolInstance;
    }

    export function getDb() {
      return drizzle(getPool(), { schema });
    }

    export const db = new Proxy({} as any, {
      get: (target, prop) => {
        const real = getDb();
        return (real as any)[prop];
      },
    });
    """
)
SCHEMA = src(
    """
    import { pgTable, serial, text } from "drizzle-orm/pg-core";
    export const families = pgTable("families", { id: serial("id").primaryKey(), name: text("name") });
    """
)
STORAGE = src(
    """
    import { eq } from "drizzle-orm";
    import { families } from "../shared/schema";
    import { db } from "./db";

    export class DatabaseStorage {
      async getFamily(id: number) {
        const [family] = await db.select().from(families).where(eq(families.id, id));
        return family;
      }
      async createFamily(name: string) {
        const [family] = await db.insert(families).values({ name }).returning();
        return family;
      }
    }

    export const storage = new DatabaseStorage();
    """
)
ROUTES = src(
    """
    import type { Express } from "express";
    import { storage } from "./storage";

    export function registerRoutes(app: Express) {
      app.get("/api/families/:id", async (req, res) => res.json(await storage.getFamily(Number(req.params.id))));
    }
    """
)
INDEX = src(
    """
    import express from "express";
    import { registerRoutes } from "./routes";

    const app = express();
    registerRoutes(app);
    app.listen(5000);
    """
)


def replit_app(**extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": REPLIT_PACKAGE,
        "server/db.ts": LAZY_DB,
        "server/storage.ts": STORAGE,
        "server/routes.ts": ROUTES,
        "server/index.ts": INDEX,
        "shared/schema.ts": SCHEMA,
        **extra,
    }


def test_a_client_made_on_first_use_behind_a_proxy_is_the_client(make_project: MakeProject) -> None:
    report = inspect_json(make_project, replit_app())
    assert layers_of(report)["server/storage.ts"] == "repositories"
    assert ("bypass", "server/routes.ts", "server/storage.ts") in layer_violations(report)


def test_a_proxy_of_no_client_stays_unknown(make_project: MakeProject) -> None:
    """Near miss: a Proxy whose trap reads from no function of the module making a client (a settings
    object read lazily) stands for nothing: the module calling it shows no data access."""
    settings = src(
        """
        const values: Record<string, string> = { theme: "dark" };
        export const settings = new Proxy({} as Record<string, string>, { get: (_t, prop) => values[String(prop)] });
        """
    )
    user = src(
        """
        import { settings } from "./settings";
        export function theme() {
          return settings.select("theme");
        }
        """
    )
    report = inspect_json(
        make_project, replit_app(**{"server/settings.ts": settings, "server/theme.ts": user})
    )
    assert "server/theme.ts" not in layers_of(report)


POSTGRES_EXPRESS_TASK = "node-express-openapi-clean_architecture-postgres"


def test_a_probe_beside_the_server_is_not_started_by_the_dev_script(make_project: MakeProject) -> None:
    """`cross-env NODE_ENV=development tsx server/index.ts` runs server/index.ts: a connection probe in
    scratch/ that nothing imports, importing a module that is not there, is run by hand, not as the app
    starts, so it does not stop the app in the harness (the pool is made on the first query)."""
    probe = (
        'import { getPool } from "./server/db";\n\ngetPool().query("SELECT 1").then(() => process.exit(0));\n'
    )
    report = check(make_project, replit_app(**{"scratch/test-db.ts": probe}), POSTGRES_EXPRESS_TASK)
    assert not [f for f in report["findings"] if f["rule"] == "DB001"], report["findings"]


def test_an_entry_the_start_script_runs_still_stops_the_app(make_project: MakeProject) -> None:
    """Near miss: the same missing module imported by the entry the dev script runs stops the app."""
    index = INDEX.replace(
        'import { registerRoutes } from "./routes";',
        'import { registerRoutes } from "./routes";\nimport "./config/local";',
    )
    report = check(make_project, replit_app(**{"server/index.ts": index}), POSTGRES_EXPRESS_TASK)
    assert "MODULE_NOT_FOUND" in only(report, "DB001")["message"]


# -- a Fastify app whose db plugin migrates its pool as it loads, its routes running statements other modules write

TODO_PACKAGE = (
    '{"name": "todos", "scripts": {"start": "fastify start -l info dist/app.js"}, "dependencies": {"fastify": "^3",'
    ' "fastify-autoload": "^3", "fastify-plugin": "^3", "pg": "^8", "postgres-migrations": "^5"}}'
)
TODO_APP = src(
    """
    import { join } from "path";
    import AutoLoad from "fastify-autoload";
    import { FastifyInstance } from "fastify";

    export default async function (fastify: FastifyInstance, opts: any) {
      fastify.register(AutoLoad, { dir: join(__dirname, "plugins"), options: opts });
      fastify.register(AutoLoad, { dir: join(__dirname, "modules"), options: opts });
    }
    """
)
TODO_DB_PLUGIN = src(
    """
    import fp from "fastify-plugin";
    import { Pool } from "pg";
    import { FastifyInstance } from "fastify";
    const postgresMigrations = require("postgres-migrations");

    const pool = new Pool({ host: "localhost", database: "todos" });

    const migrate = async (client: Pool, path: string) => {
      await postgresMigrations.migrate({ client }, path);
    };

    migrate(pool, "src/migrations").then();

    export default fp(async (fastify: FastifyInstance) => {
      fastify.decorate("db", () => pool);
    });
    """
)
TODO_QUERIES = src(
    """
    const resource = "todos";

    const queries = {
      list: () => `SELECT * FROM ${resource}`,
      get: (id: string) => `SELECT * FROM ${resource} WHERE id = ${id}`,
      label: (id: string) => `todo ${id}`,
    };

    export default queries;
    """
)
TODO_ROUTES = src(
    """
    import { FastifyInstance } from "fastify";
    import queries from "./queries";

    export default async function (fastify: FastifyInstance) {
      fastify.get("/", async () => (await fastify.db().query(queries.list())).rows);
      fastify.get("/:id", async (request: any) => (await fastify.db().query(queries.get(request.params.id))).rows);
      fastify.get("/:id/label", async (request: any) => fastify.log.info(queries.label(request.params.id)));
    }
    """
)


def todo_app() -> dict[str, str | bytes]:
    return {
        "package.json": TODO_PACKAGE,
        "src/app.ts": TODO_APP,
        "src/plugins/db.ts": TODO_DB_PLUGIN,
        "src/modules/todos/queries.ts": TODO_QUERIES,
        "src/modules/todos/routes.ts": TODO_ROUTES,
    }


def test_a_fastify_plugin_migrating_as_it_loads_is_part_of_the_app(make_project: MakeProject) -> None:
    report = inspect_json(make_project, todo_app())
    assert layers_of(report)["src/plugins/db.ts"] == "repositories"
    assert "pg" in report["orm"]["libraries"]


def test_statements_an_imported_object_of_functions_returns_run_where_they_are_run(
    make_project: MakeProject,
) -> None:
    """`fastify.db().query(queries.list())`: the statement the default-exported object's function returns as it
    is, run on the client the db plugin decorated the instance with, is raw SQL at the query call; the module
    writing it is data access, and the routes' import of it a bypass. Its function returning no statement
    (`label`) is no SQL."""
    report = inspect_json(make_project, todo_app())
    assert sites(report, "src/modules/todos/routes.ts") == [(5, "statement"), (6, "statement")]
    assert layers_of(report)["src/modules/todos/queries.ts"] == "repositories"
    assert ("bypass", "src/modules/todos/routes.ts", "src/modules/todos/queries.ts") in layer_violations(
        report
    )


def test_a_script_migrating_at_the_top_stays_a_script(make_project: MakeProject) -> None:
    """Near miss: a module at the project's top running the migrations as it loads, wrapping no plugin, is a
    command-line script in no layer."""
    script = src(
        """
        import { Pool } from "pg";
        const postgresMigrations = require("postgres-migrations");
        const pool = new Pool({ host: "localhost", database: "todos" });
        const migrate = async (client: Pool, path: string) => {
          await postgresMigrations.migrate({ client }, path);
        };
        migrate(pool, "src/migrations").then(() => process.exit(0));
        """
    )
    report = inspect_json(make_project, {**todo_app(), "migrate.ts": script})
    assert "migrate.ts" not in layers_of(report)


def test_pg_promise_methods_on_the_database_a_koa_context_hands_in(make_project: MakeProject) -> None:
    """`const { db } = ctx; db.any("SELECT …")`: pg-promise's result-shaped methods on the database injected
    into every request run the complete statements they are handed; the same method names handed no
    statement (`items.any("select one")`, prose) are no SQL."""
    package = '{"name": "api", "dependencies": {"koa": "^2", "koa-router": "^7", "pg-promise": "^8"}}'
    users = src(
        """
        module.exports = {
          fetchAll: async (ctx) => {
            const { db } = ctx;
            ctx.body = await db.any("SELECT * FROM users ORDER BY id DESC");
          },
          fetchOne: async (ctx) => {
            const { db, items } = ctx;
            ctx.body = await db.one("SELECT * FROM users WHERE id = $1", [ctx.params.id]);
            ctx.state.flag = items.any("select one of the options");
          },
        };
        """
    )
    files = {"package.json": package, "server/routes/users.js": users}
    assert sites(inspect_json(make_project, files), "server/routes/users.js") == [
        (4, "statement"),
        (8, "statement"),
    ]


# -- FastAPI request providers named like what they build (`depends/book_service.py`)

PROVIDER_APP = {
    "requirements.txt": "fastapi\nsqlalchemy\n",
    "app/__init__.py": "",
    "app/main.py": src(
        """
        from fastapi import FastAPI
        from app.api.books import router

        app = FastAPI()
        app.include_router(router)
        """
    ),
    "app/api/__init__.py": "",
    "app/api/books.py": src(
        """
        from fastapi import APIRouter, Depends
        from app.depends.book_service import get_book_service
        from app.services.book_service import BookService

        router = APIRouter()

        @router.get("/books")
        def list_books(service: BookService = Depends(get_book_service)):
            return service.list()
        """
    ),
    "app/db/__init__.py": "",
    "app/db/session.py": src(
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("sqlite:///./books.db")
        SessionLocal = sessionmaker(bind=engine)

        def get_db():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()
        """
    ),
    "app/repositories/__init__.py": "",
    "app/repositories/book_repository.py": src(
        """
        from sqlalchemy import text

        class BookRepository:
            def __init__(self, db):
                self.db = db

            def all(self):
                return self.db.execute(text("SELECT id, title FROM books")).all()
        """
    ),
    "app/services/__init__.py": "",
    "app/services/book_service.py": src(
        """
        class BookService:
            def __init__(self, book_repository):
                self.book_repository = book_repository

            def list(self):
                return [dict(row._mapping) for row in self.book_repository.all()]
        """
    ),
    "app/depends/__init__.py": "",
    "app/depends/repository/__init__.py": "",
    "app/depends/repository/book_repository.py": src(
        """
        from fastapi import Depends
        from sqlalchemy.orm import Session

        from app.db.session import get_db
        from app.repositories.book_repository import BookRepository

        def get_book_repository(db: Session = Depends(get_db)) -> BookRepository:
            return BookRepository(db)
        """
    ),
    "app/depends/book_service.py": src(
        """
        from fastapi import Depends

        from app.depends.repository.book_repository import get_book_repository
        from app.repositories.book_repository import BookRepository
        from app.services.book_service import BookService

        def get_book_service(book_repository: BookRepository = Depends(get_book_repository)) -> BookService:
            return BookService(book_repository=book_repository)
        """
    ),
}


def test_request_providers_named_like_what_they_build_are_in_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, PROVIDER_APP)
    layers = layers_of(report)
    assert "app/depends/book_service.py" not in layers
    assert "app/depends/repository/book_repository.py" not in layers
    assert evidence_of(report)["app/depends/book_service.py"] == "composition root"
    assert not [v for v in layer_violations(report) if v[1].startswith("app/depends/")]


def test_a_service_module_with_its_own_provider_stays_a_service(make_project: MakeProject) -> None:
    """Near miss: a provider function at the bottom of the service module, beside the class it builds, and a
    provider that also queries, keep their layers."""
    service = PROVIDER_APP["app/services/book_service.py"] + src(
        """

        from fastapi import Depends
        from app.depends.repository.book_repository import get_book_repository

        def get_book_service(repository=Depends(get_book_repository)):
            return BookService(repository)
        """
    )
    querying = src(
        """
        from fastapi import Depends
        from sqlalchemy import text
        from app.db.session import get_db
        from app.repositories.book_repository import BookRepository

        def get_book_repository(db=Depends(get_db)) -> BookRepository:
            db.execute(text("SELECT 1"))
            return BookRepository(db)
        """
    )
    files = {
        **PROVIDER_APP,
        "app/services/book_service.py": service,
        "app/depends/repository/book_repository.py": querying,
    }
    layers = layers_of(inspect_json(make_project, files))
    assert layers["app/services/book_service.py"] == "services"
    assert layers["app/depends/repository/book_repository.py"] == "repositories"


def test_a_module_exporting_the_instance_of_a_data_access_class_hands_it_on(
    make_project: MakeProject,
) -> None:
    """`export const storage = new DatabaseStorage()` in storage.ts, the class in database-storage.ts: storage.ts
    hands the data-access object on (repositories), and the routes importing it bypass the services. A module
    making an instance with arguments it computes, or of two classes, shows no such role."""
    database_storage = STORAGE.replace("export const storage = new DatabaseStorage();\n", "")
    holder = 'import { DatabaseStorage } from "./database-storage";\n\nexport const storage = new DatabaseStorage();\n'
    files = replit_app(**{"server/database-storage.ts": database_storage, "server/storage.ts": holder})
    report = inspect_json(make_project, files)
    assert layers_of(report)["server/storage.ts"] == "repositories"
    assert ("bypass", "server/routes.ts", "server/storage.ts") in layer_violations(report)
    configured = holder.replace("new DatabaseStorage()", "new DatabaseStorage(Number(process.env.PAGE))")
    files = replit_app(**{"server/database-storage.ts": database_storage, "server/storage.ts": configured})
    assert "server/storage.ts" not in layers_of(inspect_json(make_project, files))


def test_a_barrel_also_re_exporting_a_generated_client_is_data_access(make_project: MakeProject) -> None:
    """`export * from "./client"` (the Prisma client generated into src/db/client at install) beside
    `export * from "./provider"` (the module making the PrismaClient): the barrel is data access. A barrel of
    the generated client alone shows no role of its own."""
    package = '{"name": "auth", "dependencies": {"koa": "^3", "@koa/router": "^13", "@prisma/client": "^6"}}'
    schema = (
        'generator client {\n  provider = "prisma-client-js"\n  output   = "./client"\n}\n\n'
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
    )
    provider = 'import { PrismaClient } from "./client";\n\nexport const prisma = new PrismaClient();\n'
    service = src(
        """
        import { prisma } from "../db";

        export async function findUser(id: number) {
          return prisma.user.findUnique({ where: { id } });
        }
        """
    )
    files = {
        "package.json": package,
        "src/db/schema.prisma": schema,
        "src/db/provider.ts": provider,
        "src/db/index.ts": 'export * from "./client";\nexport * from "./provider";\n',
        "src/services/user.service.ts": service,
    }
    assert layers_of(inspect_json(make_project, files)).get("src/db/index.ts") == "repositories"
    files["src/db/index.ts"] = 'export * from "./client";\n'
    files["src/services/user.service.ts"] = service.replace('"../db"', '"../db/provider"')
    assert "src/db/index.ts" not in layers_of(inspect_json(make_project, files))


# -- the KTS aiohttp layout: the config file's path built from the entry's own folder, handed through two functions

KTS_MAIN = src(
    """
    import os

    from aiohttp.web import run_app

    from app.web import setup_app

    if __name__ == "__main__":
        run_app(setup_app(@PATH@))
    """
)
KTS_WEB = src(
    """
    from aiohttp import web

    from app.config import setup_config

    def setup_app(config_path: str) -> web.Application:
        app = web.Application()
        setup_config(app, config_path)
        return app
    """
)
KTS_CONFIG = src(
    """
    import yaml
    from sqlalchemy.ext.asyncio import create_async_engine

    def setup_config(app, config_path):
        with open(config_path, "r") as f:
            raw = yaml.safe_load(f)
        app["engine"] = create_async_engine("postgresql+asyncpg://kts:kts@localhost:5432/kts")
    """
)
HERE_PATHS = [
    'os.path.join(os.path.dirname(os.path.realpath(__file__)), "config.yaml")',
    'os.path.join(os.path.dirname(__file__), "config.yaml")',
]


def kts_app(path: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\nasyncpg\npyyaml\n",
        ".gitignore": "config.yaml\n",
        "main.py": KTS_MAIN.replace("@PATH@", path),
        "app/__init__.py": "",
        "app/web.py": KTS_WEB,
        "app/config.py": KTS_CONFIG,
        **extra,
    }


AIOHTTP_POSTGRES_TASK = "python-aiohttp-openapi-postgres-sqlalchemy"


@pytest.mark.parametrize("path", HERE_PATHS)
def test_a_config_file_built_from_the_entrys_folder_and_ignored_stops_the_app(
    make_project: MakeProject, path: str
) -> None:
    db001 = only(check(make_project, kts_app(path), AIOHTTP_POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        "reads config.yaml, which the project does not ship (.gitignore ignores config.yaml)"
        in db001["message"]
    )


@pytest.mark.parametrize(
    "files",
    [
        kts_app(HERE_PATHS[0], **{"config.yaml": "database: {}\n"}),  # shipped
        kts_app('os.path.join(os.getcwd(), "config.yaml")'),  # not the module's folder
        kts_app('os.path.join(os.path.dirname(__file__), os.environ["CONFIG"])'),  # not literal parts
    ],
)
def test_a_config_file_there_or_not_built_of_literals_from_the_folder_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert [
        f for f in check(make_project, files, AIOHTTP_POSTGRES_TASK)["findings"] if f["rule"] == "DB001"
    ] == []


# -- the KTS store layout: a base accessor the querying accessors extend

BASE_ACCESSOR = src(
    """
    from logging import getLogger

    class BaseAccessor:
        def __init__(self, app, *args, **kwargs):
            self.app = app
            self.logger = getLogger("accessor")
            app.on_startup.append(self.connect)
            app.on_cleanup.append(self.disconnect)

        async def connect(self, app):
            ...

        async def disconnect(self, app):
            ...
    """
)
QUERYING_ACCESSOR = src(
    """
    from sqlalchemy import select

    from app.base.base_accessor import BaseAccessor
    from app.models import @MODEL@

    class @NAME@Accessor(BaseAccessor):
        async def get(self, id_: int):
            async with self.app.database.session() as session:
                return (await session.execute(select(@MODEL@).where(@MODEL@.id == id_))).scalar()
    """
)
API_ACCESSOR = src(
    """
    from aiohttp import ClientSession

    from app.base.base_accessor import BaseAccessor

    class ChatApiAccessor(BaseAccessor):
        async def connect(self, app):
            self.session = ClientSession()
    """
)
KTS_MODELS = src(
    """
    from sqlalchemy import Column, Integer, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Game(Base):
        __tablename__ = "games"
        id = Column(Integer, primary_key=True)

    class Admin(Base):
        __tablename__ = "admins"
        id = Column(Integer, primary_key=True)
        email = Column(String)
    """
)


def kts_store(*querying: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/models.py": KTS_MODELS,
        "app/base/__init__.py": "",
        "app/base/base_accessor.py": BASE_ACCESSOR,
        "app/store/__init__.py": "",
        "app/clients/__init__.py": "",
        "app/clients/chat_api.py": API_ACCESSOR,
    }
    for name in querying:
        files[f"app/store/{name.lower()}/__init__.py"] = ""
        files[f"app/store/{name.lower()}/accessor.py"] = QUERYING_ACCESSOR.replace("@NAME@", name).replace(
            "@MODEL@", name
        )
    return files


def test_the_base_the_querying_accessors_extend_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, kts_store("Game", "Admin"))
    assert layers_of(report)["app/base/base_accessor.py"] == "repositories"


def test_a_base_most_of_whose_subclasses_query_nothing_shows_no_role(make_project: MakeProject) -> None:
    """Near miss: one querying accessor beside the chat API client is not two querying modules."""
    report = inspect_json(make_project, kts_store("Game"))
    assert "app/base/base_accessor.py" not in layers_of(report)


# -- a SQLite file opened at a path built from the module's own folder, its folder not in the repository

PET_PACKAGE = '{"name": "pets", "type": "module", "scripts": {"dev": "tsx watch src/index.ts"}, "dependencies": {"fastify": "^5", "better-sqlite3": "^12"}}'
PET_DB = src(
    """
    import Database from "better-sqlite3";
    import path from "path";
    import { fileURLToPath } from "url";

    const __dirname = path.dirname(fileURLToPath(import.meta.url));
    const dbPath = path.join(__dirname, "..", "data", "pets.db");

    export const db = new Database(dbPath);
    """
)
PET_INDEX = src(
    """
    import Fastify from "fastify";
    import { db } from "./db.js";

    const app = Fastify();
    app.get("/pets", async () => db.prepare("SELECT id, name FROM pets").all());
    app.listen({ port: 3000 });
    """
)
FASTIFY_SQLITE_TASK = "node-fastify-openapi-clean_architecture-sqlite"


def test_a_sqlite_file_at_a_built_path_whose_folder_is_missing_stops_the_app(
    make_project: MakeProject,
) -> None:
    files = {"package.json": PET_PACKAGE, "src/db.ts": PET_DB, "src/index.ts": PET_INDEX}
    db001 = only(check(make_project, files, FASTIFY_SQLITE_TASK), "DB001")
    assert "opens data/pets.db, whose folder data/ the project does not have" in db001["message"]


def test_a_sqlite_file_at_a_built_path_whose_folder_is_shipped_is_no_stop(make_project: MakeProject) -> None:
    files = {"package.json": PET_PACKAGE, "src/db.ts": PET_DB, "src/index.ts": PET_INDEX, "data/.gitkeep": ""}
    assert [
        f for f in check(make_project, files, FASTIFY_SQLITE_TASK)["findings"] if f["rule"] == "DB001"
    ] == []


def test_ports_the_data_access_implements_are_no_gateway_base(make_project: MakeProject) -> None:
    """Near miss: a file of abstract classes (importing `abc`) the querying modules implement declares ports."""
    ports = "import abc\n\n\nclass BaseAccessor(abc.ABC):\n    @abc.abstractmethod\n    async def get(self, id_: int): ...\n"
    files = {**kts_store("Game", "Admin"), "app/base/base_accessor.py": ports}
    assert "app/base/base_accessor.py" not in layers_of(inspect_json(make_project, files))


# -- a Fastify plugin that opens the database through the data module's function

DANCE_DB = src(
    """
    import { drizzle } from "drizzle-orm/node-postgres";
    import pg from "pg";

    let db: ReturnType<typeof drizzle> | null = null;

    export function initDb(connectionString: string) {
      const pool = new pg.Pool({ connectionString });
      db = drizzle(pool);
      return db;
    }
    """
)
DANCE_APP = src(
    """
    import Fastify from "fastify";
    import dbPlugin from "./plugins/db.js";
    import healthRoutes from "./routes/health.js";

    const app = Fastify();
    app.register(dbPlugin);
    app.register(healthRoutes);
    app.listen({ port: 3000 });
    """
)


def dance_app(plugin_body: str) -> dict[str, str | bytes]:
    plugin = (
        'import fp from "fastify-plugin";\nimport type { FastifyInstance } from "fastify";\n'
        'import { initDb } from "../db/index.js";\n'
        + ('import { startJobs } from "../services/jobs.js";\n' if "startJobs" in plugin_body else "")
        + ('import { startMetrics } from "../lib/metrics.js";\n' if "startMetrics" in plugin_body else "")
        + "\n"
        "export default fp(async function dbPlugin(app: FastifyInstance) {\n"
        f"{plugin_body}"
        "});\n"
    )
    return {
        "package.json": '{"name": "dance", "type": "module", "dependencies": {"fastify": "^5", "fastify-plugin": "^5", "pg": "^8", "drizzle-orm": "^0.39"}}',
        "src/db/index.ts": DANCE_DB,
        "src/services/jobs.ts": "export function startJobs() {\n  setInterval(() => undefined, 1000);\n}\n",
        "src/lib/metrics.ts": "export function startMetrics(app: unknown) {\n  console.log(app);\n}\n",
        "src/plugins/db.ts": plugin,
        "src/app.ts": DANCE_APP,
        "src/routes/health.ts": (
            'import type { FastifyInstance } from "fastify";\n\n'
            "export default async function healthRoutes(app: FastifyInstance) {\n"
            '  app.get("/health", async () => ({ ok: true }));\n}\n'
        ),
    }


def test_a_fastify_plugin_opening_the_database_through_the_data_module_is_data_access(
    make_project: MakeProject,
) -> None:
    body = '  const url = process.env.DATABASE_URL;\n  initDb(url!);\n  app.log.info("database ready");\n'
    assert layers_of(inspect_json(make_project, dance_app(body)))["src/plugins/db.ts"] == "repositories"


def test_a_plugin_also_starting_other_work_shows_no_data_role(make_project: MakeProject) -> None:
    """Near miss: the plugin also calls a function of a module in no layer."""
    body = "  initDb(process.env.DATABASE_URL!);\n  startMetrics(app);\n"
    report = inspect_json(make_project, dance_app(body))
    assert "src/plugins/db.ts" not in layers_of(report)
    assert evidence_of(report).get("src/plugins/db.ts") != "composition root"


def test_query_only_services_under_a_store_folder_stay_services(make_project: MakeProject) -> None:
    """`store/quiz/services/answer.py`, a query-only `AnswerService` in a services folder inside the data-access
    `store/`: the services folder holding it decides (the session (19) policy for query-only services), as
    for a services folder anywhere. A client's module there (`store/clients/services/cache.py` making the
    engine another module imports) is the connection's owner, data access."""
    service = src(
        """
        from sqlalchemy import select

        from app.models import Game

        class AnswerService:
            def __init__(self, app):
                self.app = app

            async def get(self, id_: int):
                async with self.app.database.session() as session:
                    return (await session.execute(select(Game).where(Game.id == id_))).scalar()
        """
    )
    owner = src(
        """
        from sqlalchemy import create_engine, text

        engine = create_engine("sqlite:///cache.db")

        def cached(key: str):
            with engine.connect() as conn:
                return conn.execute(text("SELECT value FROM cache WHERE key = :key"), {"key": key}).scalar()
        """
    )
    files = {
        **kts_store(),
        "app/store/quiz/__init__.py": "",
        "app/store/quiz/services/__init__.py": "",
        "app/store/quiz/services/answer.py": service,
        "app/store/clients/__init__.py": "",
        "app/store/clients/services/__init__.py": "",
        "app/store/clients/services/cache.py": owner,
        "app/store/reports.py": src(
            """
            from sqlalchemy import text

            from app.store.clients.services.cache import engine

            def totals():
                with engine.connect() as conn:
                    return conn.execute(text("SELECT count(*) FROM cache")).scalar()
            """
        ),
    }
    layers = layers_of(inspect_json(make_project, files))
    assert layers["app/store/quiz/services/answer.py"] == "services"
    assert layers["app/store/clients/services/cache.py"] == "repositories"


# -- Netlify functions beside the Express server: each answers requests itself

NETLIFY_FUNCTION = src(
    """
    import { Handler } from "@netlify/functions";
    import { storage } from "./utils/storage";

    export const handler: Handler = async (event) => {
      if (event.httpMethod !== "GET") {
        return { statusCode: 405, body: "" };
      }
      return { statusCode: 200, body: JSON.stringify(await storage.leads()) };
    };
    """
)
NETLIFY_STORAGE = src(
    """
    import { Lead } from "../../../shared/lead";

    export const storage = {
      async leads() {
        return Lead.find();
      },
    };
    """
)


def test_a_netlify_function_answers_requests_itself(make_project: MakeProject) -> None:
    package = (
        '{"name": "crm", "dependencies": {"express": "^4", "mongoose": "^8", "@netlify/functions": "^2"}}'
    )
    files = {
        "package.json": package,
        "server/index.ts": 'import express from "express";\n\nconst app = express();\napp.listen(5000);\n',
        "netlify/functions/leads.ts": NETLIFY_FUNCTION,
        "netlify/functions/utils/storage.ts": NETLIFY_STORAGE,
        "shared/lead.ts": (
            'import mongoose from "mongoose";\n\n'
            'export const Lead = mongoose.model("Lead", new mongoose.Schema({ name: String }));\n'
        ),
        "netlify/functions/utils/format.ts": 'import type { Handler } from "@netlify/functions";\n\nexport const label = (h: Handler) => String(h);\n',
    }
    report = inspect_json(make_project, files)
    layers = layers_of(report)
    assert layers["netlify/functions/leads.ts"] == "routes"
    assert "netlify/functions/utils/format.ts" not in layers  # imports the types, exports no handler
    assert ("bypass", "netlify/functions/leads.ts", "netlify/functions/utils/storage.ts") in layer_violations(
        report
    )


# -- a "copy this file to .env" variant no loader reads

REPLIT_DB = src(
    """
    import { Pool } from "pg";
    import { drizzle } from "drizzle-orm/node-postgres";

    if (!process.env.DATABASE_URL) {
      throw new Error("DATABASE_URL must be set. Did you forget to provision a database?");
    }

    export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    export const db = drizzle(pool);
    """
)
VARIANT = "# copy this file to .env\nDATABASE_URL=postgresql://hr:secret@localhost:5432/hr\n"


def variant_app(env_file: str, dev: str = "tsx server/index.ts") -> dict[str, str | bytes]:
    package = (
        '{"name": "hr", "scripts": {"dev": "' + dev + '"}, '
        '"dependencies": {"express": "^4", "pg": "^8", "drizzle-orm": "^0.39", "dotenv-cli": "^7"}}'
    )
    index = 'import express from "express";\nimport { db } from "./db";\n\nconst app = express();\napp.get("/x", async (_req, res) => res.json(await db.execute("SELECT 1")));\napp.listen(5000);\n'
    return {"package.json": package, "server/db.ts": REPLIT_DB, "server/index.ts": index, env_file: VARIANT}


def test_a_variant_env_file_no_loader_reads_sets_nothing(make_project: MakeProject) -> None:
    db001 = only(check(make_project, variant_app(".env.simple"), POSTGRES_EXPRESS_TASK), "DB001")
    assert db001["harness_engines"] == []


@pytest.mark.parametrize(
    ("env_file", "dev"),
    [
        (".env.development", "tsx server/index.ts"),  # a mode's file, read by the loaders by itself
        (".env.simple", "dotenv -e .env.simple -- tsx server/index.ts"),  # named where it is loaded
    ],
)
def test_an_env_file_a_loader_reads_sets_the_environment(
    make_project: MakeProject, env_file: str, dev: str
) -> None:
    report = check(make_project, variant_app(env_file, dev), POSTGRES_EXPRESS_TASK)
    assert [f for f in report["findings"] if f["rule"] == "DB001"] == []


def test_a_config_literal_inside_the_app_factory_the_main_block_runs_stops_the_app(
    make_project: MakeProject,
) -> None:
    """`run_app(setup_app())` under `if __name__ == "__main__":`, and `setup_config(app, "config.yaml")` inside
    `setup_app` (HedgehogIvan/kts_project): the factory the main block calls runs at start-up, so the gitignored
    config file it has read stops the app."""
    web = KTS_WEB.replace("def setup_app(config_path: str)", "def setup_app()").replace(
        "setup_config(app, config_path)", 'setup_config(app, "config.yaml")'
    )
    files = {
        **kts_app("", **{"app/web.py": web}),
        "main.py": KTS_MAIN.replace("setup_app(@PATH@)", "setup_app()"),
    }
    db001 = only(check(make_project, files, AIOHTTP_POSTGRES_TASK), "DB001")
    assert "reads config.yaml, which the project does not ship" in db001["message"]


def test_a_factory_called_outside_the_main_block_only_later_is_no_start(make_project: MakeProject) -> None:
    """Near miss: the same factory called only from a function nothing runs at start-up."""
    web = KTS_WEB.replace("def setup_app(config_path: str)", "def setup_app()").replace(
        "setup_config(app, config_path)", 'setup_config(app, "config.yaml")'
    )
    main = "from aiohttp.web import run_app\n\nfrom app.web import setup_app\n\n\ndef later():\n    run_app(setup_app())\n"
    files = {**kts_app("", **{"app/web.py": web}), "main.py": main}
    assert [
        f for f in check(make_project, files, AIOHTTP_POSTGRES_TASK)["findings"] if f["rule"] == "DB001"
    ] == []


# -- a HonoX app: `createApp()` of honox/server, file-based pages of `createRoute(…)`

HONOX_PACKAGE = '{"name": "blog", "dependencies": {"hono": "^4", "honox": "0.1.52", "drizzle-orm": "^0.45"}}'
HONOX_SERVER = src(
    """
    import { createApp } from "honox/server";
    import { blogController } from "./server/blogs";

    const app = createApp().basePath("/api").route("/blogs", blogController);

    export default app;
    """
)
HONOX_PAGE = src(
    """
    import { createRoute } from "honox/factory";
    import { createDb } from "../db";

    export default createRoute(async (c) => {
      const db = createDb(c.env.DB);
      const posts = await db.query.posts.findMany();
      return c.render(<ul>{posts.map((p) => <li>{p.title}</li>)}</ul>);
    });
    """
)
HONOX_DB = src(
    """
    import { drizzle } from "drizzle-orm/d1";

    export const createDb = (binding: D1Database) => drizzle(binding);
    """
)
HONOX_BLOGS = src(
    """
    import { Hono } from "hono";

    export const blogController = new Hono().get("/", (c) => c.json([]));
    """
)


def test_a_honox_app_serves_hono_and_its_pages_are_routes(make_project: MakeProject) -> None:
    files = {
        "package.json": HONOX_PACKAGE,
        "app/server.ts": HONOX_SERVER,
        "app/server/blogs.ts": HONOX_BLOGS,
        "app/routes/index.tsx": HONOX_PAGE,
        "app/db/index.ts": HONOX_DB,
    }
    report = inspect_json(make_project, files)
    assert report["framework"]["serving"] == ["hono"]
    assert layers_of(report)["app/routes/index.tsx"] == "routes"
    assert ("bypass", "app/routes/index.tsx", "app/db/index.ts") in layer_violations(report)


def test_a_page_helper_of_honox_without_its_factory_is_no_handler(make_project: MakeProject) -> None:
    """Near miss: a component module in the routes tree exporting markup, no `createRoute`, handles nothing of
    its own (its folder still names it)."""
    component = "export const Card = (props: { title: string }) => <div>{props.title}</div>;\n"
    files = {
        "package.json": HONOX_PACKAGE,
        "app/server.ts": HONOX_SERVER,
        "app/server/blogs.ts": HONOX_BLOGS,
        "app/components/Card.tsx": component,
    }
    assert "app/components/Card.tsx" not in layers_of(inspect_json(make_project, files))
