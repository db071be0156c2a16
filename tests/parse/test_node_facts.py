"""The facts the parser reads from small JavaScript and TypeScript files: imports, traced calls (callee,
arguments, object-literal entries, `new`, receiver, target, scope, guard), assignments and their values
(template literals with their substitutions, environment reads, paths), helper functions, their local
calls, instances, classes, aliases and exports — and the library bindings of rules/parse.toml (plugin
wrappers, parameters by name and type, transactions, routers handed to installers, `this` in a TypeORM
repository, option callbacks).

Each expectation is written from what the snippet says, by the model of cdverify/model.py."""

from __future__ import annotations

from cdverify.model import (
    APP_PLACEHOLDER,
    PARAM_PLACEHOLDER,
    Assignment,
    CallFact,
    FileFacts,
    FunctionFact,
    ImportKind,
    Language,
    Template,
    Value,
)
from cdverify.parse import parse_source


def parse(source: str, language: Language = Language.TYPESCRIPT) -> FileFacts:
    return parse_source("app.ts", language, source.encode())


def call(facts: FileFacts, callee: str) -> CallFact:
    (found,) = [fact for fact in facts.calls if fact.callee == callee]
    return found


def assigned(facts: FileFacts, target: str) -> Assignment:
    (found,) = [fact for fact in facts.assignments if fact.target == target]
    return found


def test_imports_and_requires() -> None:
    facts = parse(
        'import express from "express";\nconst { Pool } = require("pg");\nconst lazy = () => import("./lazy");\n',
        Language.JAVASCRIPT,
    )
    assert [(f.specifier, f.kind, f.line, f.in_function) for f in facts.imports] == [
        ("express", ImportKind.STATIC, 1, False),
        ("pg", ImportKind.REQUIRE, 2, False),
        ("./lazy", ImportKind.DYNAMIC, 3, True),
    ]


def test_an_app_and_its_routes_are_traced_with_receiver_target_and_arguments() -> None:
    facts = parse(
        'import express from "express";\n'
        "const app = express();\n"
        'app.get("/users/:id", (req, res) => res.json({}));\n'
        'if (process.env.NODE_ENV !== "production") {\n'
        '  app.use("/debug", debug);\n'
        "}\n"
        "app.listen(process.env.PORT || 3000);\n"
    )
    created = call(facts, "express")
    assert (created.line, created.col, created.target, created.args) == (2, 13, "app", ())
    route = call(facts, "express().get")
    assert (route.receiver, route.line, route.col) == ("app", 3, 1)
    assert route.args == (Value(strings=("/users/:id",)), Value(text="(req, res) =>"))  # the handler's head
    assert route.guard is None
    mount = call(facts, "express().use")
    written = 'if (process.env.NODE_ENV !== "production")'  # the branch, as written
    assert mount.guard == Value(strings=("production",), env=("NODE_ENV",), text=written)
    assert mount.args == (Value(strings=("/debug",)), Value(names=("debug",)))
    assert call(facts, "express().listen").args == (Value(numbers=(3000,), env=("PORT",)),)


def test_new_with_an_object_literal_gives_keyword_entries() -> None:
    facts = parse(
        'import { Sequelize } from "sequelize";\n'
        'const sequelize = new Sequelize({ dialect: "sqlite", pool: { max: 5 }, storage });\n'
    )
    created = call(facts, "sequelize.Sequelize")
    assert created.new
    assert created.target == "sequelize"
    assert created.kwargs == (
        ("dialect", Value(strings=("sqlite",))),
        ("pool.max", Value(numbers=(5,))),
        ("storage", Value(names=("storage",))),
    )
    assert created.args == (Value(text='{ dialect: "sqlite", pool: { max: 5 }, storage }'),)


def test_a_helper_function_its_scope_and_its_local_calls() -> None:
    facts = parse(
        'const { Pool } = require("pg");\n'
        "const pool = new Pool();\n"
        "function query(text, ...params) {\n"
        "  return pool.query(text, params);\n"
        "}\n"
        'query("SELECT 1");\n',
        Language.JAVASCRIPT,
    )
    run = call(facts, "pg.Pool().query")
    assert (run.receiver, run.scope) == ("pool", "query@3")
    assert run.args == (Value(names=("text",)), Value(names=("params",)))
    assert facts.functions == (FunctionFact("query@3", "query", ("text", "*")),)
    (local,) = facts.local_calls
    assert (local.callee, local.line, local.args, local.scope) == (
        "query",
        6,
        (Value(strings=("SELECT 1",)),),
        "",
    )


def test_values_template_holes_environment_reads_and_paths() -> None:
    facts = parse(
        'import path from "path";\n'
        'import express from "express";\n'
        "const url = `postgres://${process.env.DB_HOST}/app`;\n"
        'const port = Deno.env.get("PORT");\n'
        "const apiUrl = import.meta.env.VITE_API;\n"
        'const dbUrl = process.env["DATABASE_URL"] ?? "sqlite::memory:";\n'
        'express.static(path.join(__dirname, "public"));\n'
        "express.static(`${__dirname}/assets`);\n"
    )
    url = assigned(facts, "url")
    assert url == Assignment(
        "url",
        Value(
            strings=(Template(("postgres://", "/app")),),
            text="const url = `postgres://${process.env.DB_HOST}/app`;",
            parts=(Value(env=("DB_HOST",)),),
        ),
        3,
        7,
        "const url = `postgres://${process.env.DB_HOST}/app`;",
    )
    assert assigned(facts, "port").value.env == ("PORT",)
    assert assigned(facts, "apiUrl").value.env == ("VITE_API",)
    db_url = assigned(facts, "dbUrl").value
    assert (db_url.env, db_url.strings) == (("DATABASE_URL",), ("sqlite::memory:",))
    joined, template = [fact for fact in facts.calls if fact.callee == "express.static"]
    assert joined.args == (Value(calls=("path.join()",), paths=("./public",)),)
    assert template.args[0].paths == ("./assets",)
    assert facts.urls == ((3, Template(("postgres://", "/app"))),)


def test_classes_aliases_exports_and_instances() -> None:
    facts = parse(
        'import { Model } from "sequelize";\n'
        'import { Router } from "express";\n'
        "class User extends Model {}\n"
        "User.init({ name: 'x' });\n"
        "const router = Router();\n"
        "class Db {\n"
        "  run(sql) { return User.sequelize.query(sql); }\n"
        "}\n"
        "export const db = new Db();\n"
        "export default router;\n"
    )
    assert facts.classes == (("User", ("sequelize.Model",), 3),)
    assert call(facts, "sequelize.Model.init").kwargs == (("name", Value(strings=("x",))),)
    assert facts.aliases == (("default", "router"),)
    assert ("router", "express.Router()") in facts.exports
    assert ("default", "express.Router()") in facts.exports
    assert facts.functions == (FunctionFact("run@7", "run", ("sql",), "Db"),)
    assert facts.objects == (("db", "Db"),)


def test_a_plugin_inside_a_catalogued_wrapper_gets_the_app() -> None:
    facts = parse(
        'import fp from "fastify-plugin";\nexport default fp(async (server) => {\n  server.get("/x", handler);\n});\n'
    )
    assert call(facts, f"{APP_PLACEHOLDER}().get").receiver == "server"


def test_first_parameters_bound_by_name_and_by_type() -> None:
    facts = parse(
        'import type { Knex } from "knex";\n'
        "export async function up(db: Knex) {\n"
        '  await db.raw("SELECT 1");\n'
        "}\n"
        "export function plugin(fastify, opts) {\n"
        '  fastify.get("/", handler);\n'
        "}\n"
        "module.exports = { up: (queryInterface, Sequelize) => Sequelize.literal('NOW()') };\n"
    )
    assert call(facts, "knex().raw").args == (Value(strings=("SELECT 1",)),)
    assert call(facts, "fastify().get").receiver == "fastify"
    assert call(facts, "sequelize.Sequelize.literal").args == (Value(strings=("NOW()",)),)


def test_a_transaction_callback_and_a_router_handed_to_an_installer() -> None:
    facts = parse(
        'import { PrismaClient } from "@prisma/client";\n'
        "const prisma = new PrismaClient();\n"
        "prisma.$transaction(async (tx) => {\n"
        "  await tx.$queryRaw`SELECT 1`;\n"
        "});\n"
        "function init(router) {\n"
        '  router.get("/users", list);\n'
        "}\n"
    )
    raw = call(facts, "@prisma/client.PrismaClient().$transaction().$queryRaw")
    assert raw.args == (Value(strings=("SELECT 1",)),)
    route = call(facts, f"{PARAM_PLACEHOLDER}init@6#0#init>().get")
    assert route.args[0] == Value(strings=("/users",))


def test_this_in_a_typeorm_repository_and_an_option_callback_app() -> None:
    facts = parse(
        'import { Repository } from "typeorm";\n'
        'import { createFactory } from "hono/factory";\n'
        "class UserRepository extends Repository<User> {\n"
        "  byName(name: string) {\n"
        '    return this.createQueryBuilder("user");\n'
        "  }\n"
        "}\n"
        "const factory = createFactory({ initApp(app) { app.use(logger) } });\n"
    )
    assert facts.classes == (("UserRepository", ("typeorm.Repository",), 3),)
    built = call(facts, "typeorm.Repository().createQueryBuilder")
    assert built.args == (Value(strings=("user",)),)
    assert call(facts, "hono.Hono().use").receiver == "app"


def test_a_data_client_injected_through_the_constructor() -> None:
    facts = parse(
        'import { Kysely } from "kysely";\n'
        'import { Knex } from "knex";\n'
        'import { Logger } from "winston";\n'
        "class Users {\n"
        "  constructor(db: Kysely<Database>, trx: Knex.Transaction, log: Logger) {\n"
        '    this.select = db.selectFrom("User");\n'
        '    trx.raw("SELECT 1");\n'
        '    log.info("ready");\n'
        "  }\n"
        "  all() {\n"
        "    return this.select.selectAll().execute();\n"
        "  }\n"
        "}\n"
        "function outside(db) {\n"
        '  return db.selectFrom("User");\n'
        "}\n"
    )
    callees = {c.callee for c in facts.calls}
    assert "kysely.Kysely().selectFrom" in callees  # in the constructor
    assert "kysely.Kysely().selectFrom().selectAll().execute" in callees  # through `this.select`
    assert "knex.Knex.Transaction().raw" in callees  # a member type of the import
    assert not any(callee.startswith("winston") for callee in callees)  # not a catalogued client
    assert [c for c in facts.calls if c.scope.startswith("outside")] == []  # only the constructor's parameter


def test_a_catch_that_always_stops_lets_the_connection_failure_through() -> None:
    """`try { await client.connect() }`: the guard `try` only where the `catch` may carry on (rules/parse.toml
    `node.connect_methods`); an awaited call of a relative import's function is recorded with its function."""
    facts = parse(
        "import { Client } from 'pg';\n"
        "import { openDatabase } from './db';\n"
        "const client = new Client();\n"
        "async function a() {\n"
        "  try { await client.connect(); } catch (e) { console.error(e); process.exit(1); }\n"
        "}\n"
        "async function b() {\n"
        "  try { await client.connect(); } catch (e) { if (e.fatal) { throw e; } console.warn(e); }\n"
        "}\n"
        "async function c() {\n"
        "  try { await client.connect(); } catch (e) { throw new Error(`no database: ${e}`); }\n"
        "  await openDatabase();\n"
        "}\n"
    )
    connects = {call.scope: call.guard for call in facts.calls if call.callee.endswith(".connect")}
    assert connects == {"a@4": None, "b@7": Value(text="try"), "c@10": None}
    (opened,) = [call for call in facts.calls if call.callee == "./db.openDatabase"]
    assert opened.scope == "c@10" and opened.guard is None


def test_steps_are_the_calls_by_name_a_function_surely_makes() -> None:
    """`FileFacts.steps` (JS): bare-name calls made as a statement, assigned, awaited or returned, under no `if`,
    loop or `try` that carries on; `default_function`: the scope of the function exported by default."""
    facts = parse(
        "const fp = require('fastify-plugin');\n"
        "function open() {\n"
        "  const file = resolve();\n"
        "  check();\n"
        "  if (process.env.X) { optional(); }\n"
        "  for (const name of names) { each(name); }\n"
        "  try { tried(); } catch (e) { console.warn(e); }\n"
        "  try { rethrown(); } catch (e) { throw e; }\n"
        "  log(format());\n"
        "  return finish();\n"
        "}\n"
        "start();\n"
        "module.exports = fp(async function plugin(fastify) { await open(); });\n",
        Language.JAVASCRIPT,
    )
    assert facts.steps == (
        ("", "fp"),  # at module level: the module's own steps (the function "")
        ("", "require"),
        ("", "start"),
        ("open@2", "check"),
        ("open@2", "finish"),
        ("open@2", "log"),
        ("open@2", "resolve"),
        ("open@2", "rethrown"),
        ("plugin@13", "open"),
    )
    assert facts.default_function == "plugin@13"
    assert parse("export default async (app) => { app.get('/', h); };").default_function == "function@1"
    assert parse("export const x = () => 1;").default_function == ""


def test_module_steps_are_the_calls_by_name_the_module_surely_makes_as_it_loads() -> None:
    """`FileFacts.steps` (JS) at module level (the function ""): the same calls as in a function, exported
    too, and the right side of `??` / `||` (`??=`, `||=`) whose left side is a property of the global object or
    of a name assigned from it (the singleton idiom: on a fresh start the global holds nothing)."""
    facts = parse(
        "import { makePool } from './pool';\n"
        "const globalForDb = globalThis as unknown as { db?: Db };\n"
        "export const db = globalForDb.db ?? createDb();\n"
        "export const pool = global.pool || makePool();\n"
        "globalThis.cache ??= makeCache();\n"
        "export default makeDefault();\n"
        "const local = { db: null };\n"
        "const other = local.db ?? notGlobal();\n"
        "const either = ready || notGlobalEither();\n"
        "if (process.env.X) { underIf(); }\n"
        "try { tried(); } catch (e) { console.warn(e); }\n"
        "const picked = flag ? inTernary() : null;\n"
        "for (const n of names) { inLoop(n); }\n"
        "run().catch(console.error);\n"
        "class Holder { field = inField(); }\n",
        Language.TYPESCRIPT,
    )
    assert facts.steps == (
        ("", "createDb"),
        ("", "makeCache"),
        ("", "makeDefault"),
        ("", "makePool"),
    )


def test_the_socket_a_socketio_connection_hands_its_callback_is_traced_within_it() -> None:
    facts = parse(
        'import { Server } from "socket.io";\nimport { EventEmitter } from "node:events";\n\n'
        "const io = new Server(3000);\nconst bus = new EventEmitter();\n"
        'io.on("connection", (socket) => {\n  socket.on("join", (room) => socket.join(room));\n});\n'
        'bus.on("connection", (peer) => {\n  peer.on("join", () => {});\n});\n'
    )
    assert call(facts, "socket.io.Server().on().on").line == 7
    assert call(facts, "socket.io.Server().on().join").line == 7
    # an emitter's `on` is no catalogued server's: its callback's parameter stays a plain parameter
    (peer,) = [fact for fact in facts.calls if fact.line == 10]
    assert peer.callee.startswith(PARAM_PLACEHOLDER) and peer.callee.endswith(").on")


def test_collections_record_what_functions_call_on_arrays_and_maps() -> None:
    facts = parse(
        "let todos: string[] = [];\n"
        "const seen = new Set();\n"
        "export function add(t: string) { todos.push(t); }\n"
        "export function reset() { todos = []; }\n"
        "todos.push('seed');\n"
        "class Store {\n"
        "  private items: number[] = [];\n"
        "  static all = [];\n"
        "  constructor() { this.index = new Map(); this.items = []; }\n"
        "  find(n: number) { return this.items.find((i) => i === n) ?? this.index.get(n); }\n"
        "  drop() { this.items = this.items.filter(Boolean); }\n"
        "}\n"
    )
    assert facts.collections == (
        ("", "todos", ("=", "push")),
        ("Store", "index", ("get",)),
        ("Store", "items", ("=", "filter", "find")),
    )
    assert parse("const limit = 3;\nclass A { n = 0; }\n").collections == ()


def test_enclosing_names_the_function_each_callback_is_written_in() -> None:
    """`FileFacts.enclosing` (JS): (function, the function around it) of each nested function; a top-level
    function has none."""
    facts = parse(
        "function insert(db) {\n"
        "  const sql = `INSERT INTO notes (text) VALUES (?)`;\n"
        "  return new Promise((resolve) => {\n"
        "    db.run(sql, [], function (err) { resolve(err); });\n"
        "  });\n"
        "}\n",
        Language.JAVASCRIPT,
    )
    assert facts.enclosing == (("function@3", "insert@1"), ("function@4", "function@3"))
