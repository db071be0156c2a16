"""JavaScript/TypeScript patterns of the twelfth unseen labelled set (issue 18, docs/accuracy.md "The twelfth
set's JavaScript/TypeScript patterns"), each with a violating and a clean project written for the test:

- a tsconfig `paths` entry named exactly like a dependency the package.json declares from the registry
  (`"@prisma/client": ["./src/prisma-client-stub"]`, a stub for the type checker) does not apply when Node
  runs the code: the import loads the package, so the library counts and the stub is no project import. The
  alias holds when a loader applying `paths` at run time (`tsconfig-paths`) is declared, when the name is no
  declared dependency, or when the pattern is a wildcard;
- an entry module that opens the database connection and then starts the app it imports from the app file
  (`createConnection().then(() => runServer(port))`, TypeORM) wires the app: a composition root, not data
  access. One that imports the app file and only queries keeps data access.
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- a tsconfig path alias over a declared package ------------------------------------------------------------

STUB = """export class PrismaClient {
  user = { findMany: async (): Promise<unknown[]> => [] };
}
"""
DB = """import { PrismaClient } from "@prisma/client";

export const prisma = new PrismaClient();
"""
SERVER = """import express from "express";
import { prisma } from "./db";

const app = express();
app.get("/users", async (_req, res) => {
  res.json(await prisma.user.findMany());
});
app.listen(3000);
"""


def _prisma(dependencies: dict[str, str], paths: dict[str, list[str]]) -> dict[str, str]:
    package = {"name": "api", "dependencies": {"express": "4", **dependencies}}
    tsconfig = {"compilerOptions": {"baseUrl": ".", "paths": paths}}
    return {
        "package.json": json.dumps(package),
        "tsconfig.json": json.dumps(tsconfig),
        "prisma/schema.prisma": 'datasource db {\n  provider = "sqlite"\n  url = "file:./dev.db"\n}\n',
        "src/index.ts": SERVER,
        "src/db.ts": DB,
        "src/prisma-client-stub.ts": STUB,
    }


def test_a_path_alias_named_like_a_declared_package_loads_the_package(make_project: MakeProject) -> None:
    files = _prisma({"@prisma/client": "^5.10.2"}, {"@prisma/client": ["./src/prisma-client-stub"]})
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["prisma"]
    assert report["database"]["engines"] == ["sqlite"]
    assert _layers(report)["src/db.ts"] == "repositories"
    # the entry handles the requests itself and queries through the client module: a bypass
    assert _violations(report) == [("bypass", "src/index.ts", "src/db.ts")]


@pytest.mark.parametrize(
    ("dependencies", "paths"),
    [
        ({"@prisma/client": "5", "tsconfig-paths": "4"}, {"@prisma/client": ["./src/prisma-client-stub"]}),
        ({}, {"@prisma/client": ["./src/prisma-client-stub"]}),
        ({"@prisma/client": "workspace:*"}, {"@prisma/client": ["./src/prisma-client-stub"]}),
    ],
    ids=["runtime-loader-declared", "not-a-dependency", "local-package"],
)
def test_the_alias_holds_where_node_applies_it_or_no_package_is_declared(
    make_project: MakeProject, dependencies: dict[str, str], paths: dict[str, list[str]]
) -> None:
    report = inspect_json(make_project, _prisma(dependencies, paths))
    assert report["orm"]["libraries"] == []
    assert not any(f["rule"] == "RES001" for f in report["findings"])


def test_resolution_of_the_alias(tmp_path: object) -> None:
    from pathlib import Path

    from cdverify.model import TargetKind
    from cdverify.resolve.node import NodeResolver

    root = Path(str(tmp_path))
    files = _prisma({"@prisma/client": "5"}, {"@prisma/client": ["./src/stub"], "@lib/*": ["./src/lib/*"]})
    files["src/lib/util.ts"] = "export const one = 1;\n"
    files["src/stub.ts"] = STUB
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    resolver = NodeResolver(root, list(files))
    prisma = resolver.resolve("src/db.ts", "@prisma/client")
    assert (prisma.kind, prisma.package) == (TargetKind.EXTERNAL, "@prisma/client")
    wildcard = resolver.resolve("src/db.ts", "@lib/util")
    assert (wildcard.kind, wildcard.target) == (TargetKind.INTERNAL, "src/lib/util.ts")


# -- an entry connecting first and starting the app after ----------------------------------------------------

KOA_PACKAGE = """{"name": "koa-app", "main": "src/main.ts",
"dependencies": {"koa": "2", "@koa/router": "12", "typeorm": "0.2", "mysql2": "2"}}"""
ORMCONFIG = (
    """{"type": "mysql", "host": "localhost", "database": "app", "entities": ["src/entity/**/*.ts"]}"""
)
APP = """import Koa from "koa";
import router from "./router";

const app = new Koa();
app.use(router.routes());

const runServer = (port: number) => app.listen(port);
export default runServer;
"""
ROUTER = """import Router from "@koa/router";
import { User } from "./entity/User";

const router = new Router();
router.get("/users", async (ctx) => {
  ctx.body = await User.find();
});
export default router;
"""
ENTITY = """import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity()
export class User extends BaseEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  name!: string;
}
"""
MAIN = """import { createConnection } from "typeorm";
import runServer from "./app";

createConnection().then(async () => {
  runServer(3000);
});
"""
QUERYING = """import { getConnection } from "typeorm";
import runServer from "./app";

export async function countUsers(): Promise<number> {
  const rows = await getConnection().query("SELECT count(*) AS n FROM user");
  return rows[0].n;
}
export const started = typeof runServer;
"""


def _koa(**more: str) -> dict[str, str]:
    return {
        "package.json": KOA_PACKAGE,
        "ormconfig.json": ORMCONFIG,
        "src/app.ts": APP,
        "src/router.ts": ROUTER,
        "src/entity/User.ts": ENTITY,
        "src/main.ts": MAIN,
        **more,
    }


def test_an_entry_connecting_then_starting_the_app_is_a_composition_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa())
    assert "src/main.ts" not in _layers(report)
    assert _evidence(report)["src/main.ts"] == "composition root"
    assert "src/main.ts" in report["architecture"]["composition_roots"]


def test_a_module_querying_beside_an_import_of_the_app_keeps_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa(**{"src/stats.ts": QUERYING}))
    assert _layers(report)["src/stats.ts"] == "repositories"
    assert _evidence(report)["src/stats.ts"] == "code: queries"
