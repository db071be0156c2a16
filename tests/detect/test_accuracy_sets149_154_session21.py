"""Session (21)'s held-out sets (docs/accuracy.md, "The hundred-and-forty-ninth to hundred-and-fifty-fourth sets'
disagreements"): raw SQL a statement sink runs as written though the parser cannot complete it (an AND left
out), and a SQL tag a project plugin decorated the Fastify instance with (fastify.sql`SELECT …`). Violating
cases find the statement at its line; clean ones find none where no statement is written."""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json


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
