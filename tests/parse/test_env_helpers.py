"""A project's own environment helpers and option objects, read by the JavaScript / TypeScript parser
(issue 18): functions returning `process.env[param]` (`EnvHelper`), what a call of another module's
function hands over (`Value.handed`), and the object literals a call's options variable is built from
(`Object.assign(base, {…})`, `{...base, …}`) read as that call's object entries."""

from __future__ import annotations

from cdverify.model import CallFact, EnvHelper, FileFacts, Language, Value
from cdverify.parse import parse_source

HELPERS = """
export function getOsEnv(key: string): string {
    if (typeof process.env[key] === 'undefined') {
        throw new Error(`Environment variable ${key} is not set.`);
    }
    return process.env[key] as string;
}
export const env = (key: string, fallback?: string) => process.env[key] ?? fallback;
export function getEnv(key: string, defaultValue: string = 'sqlite') {
    const value = process.env[key] || defaultValue;
    return value;
}
const withDefault = (name) => process.env[name] || 'postgres';
export default withDefault;
export function upper(key: string) { return key.toUpperCase(); }
export function fixed(key: string) { return process.env.DATABASE_URL; }
export function other(key: string) { const k = 'X'; return process.env[k]; }
"""


def parse(source: str, path: str = "app.ts") -> FileFacts:
    return parse_source(path, Language.TYPESCRIPT, source.encode())


def value_of(facts: FileFacts, target: str) -> Value:
    (found,) = [a.value for a in facts.assignments if a.target == target]
    return found


def call(facts: FileFacts, callee: str) -> CallFact:
    (found,) = [c for c in facts.calls if c.callee == callee]
    return found


def test_functions_returning_an_environment_read_of_a_parameter_are_helpers() -> None:
    assert parse(HELPERS).env_helpers == (
        EnvHelper("getOsEnv", 0, required=True),  # it throws when the variable is unset
        EnvHelper("env", 0, 1),
        EnvHelper("getEnv", 0, 1, ("sqlite",)),
        EnvHelper("withDefault", 0, -1, ("postgres",)),
    )


def test_a_call_of_the_file_own_helper_reads_the_variable_it_names() -> None:
    facts = parse(
        HELPERS
        + "const DB_CLIENT = env('DB_CLIENT', 'pg');\n"
        + "const DATABASE_URL = getOsEnv('DATABASE_URL') || 'sqlite://app.db';\n"
        + "const DB_TYPE = getEnv('DB_TYPE');\n"
        + "const DB_NAME = upper('DB_NAME');\n"
    )
    assert value_of(facts, "DB_CLIENT")[:3] == (("pg",), (), ("DB_CLIENT",))
    assert value_of(facts, "DATABASE_URL")[:3] == (("sqlite://app.db",), (), ("DATABASE_URL",))
    assert value_of(facts, "DB_TYPE")[:3] == (("sqlite",), (), ("DB_TYPE",))
    # not a helper: no environment read (an empty value is not recorded at all)
    assert [a.value.env for a in facts.assignments if a.target == "DB_NAME"] in ([], [()])


def test_a_call_of_another_module_function_keeps_the_variable_name_it_hands_over() -> None:
    facts = parse(
        "import { getOsEnv } from './lib/env';\nimport t from 'i18n';\n"
        "export const config = { db: { type: getOsEnv('TYPEORM_CONNECTION'), label: t('hello') } };\n"
    )
    handed = value_of(facts, "config.db.type")
    assert handed.env == ()  # the helper is in another module: detection decides
    ((callee, args),) = handed.handed
    assert callee == "./lib/env.getOsEnv()"
    assert args[0].strings == ("TYPEORM_CONNECTION",)
    assert value_of(facts, "config.db.label").handed == ()  # `hello` names no variable


def test_an_options_variable_built_by_object_assign_or_spread_is_read_as_the_call_options() -> None:
    facts = parse(
        "import { createConnection, DataSource } from 'typeorm';\n"
        "import { Sequelize } from 'sequelize';\n"
        "export async function connect() {\n"
        "  const loaded = await getConnectionOptions();\n"
        "  const options = Object.assign(loaded, { type: 'postgres', database: 'app' });\n"
        "  return createConnection(options);\n"
        "}\n"
        "const base = { logging: false, type: 'mysql' };\n"
        "export const source = new DataSource({ ...base, type: 'sqlite' });\n"
        "const merged = { ...base };\n"
        "export const other = new DataSource(merged);\n"
        "export const db = new Sequelize(Object.assign({}, { dialect: 'mysql' }));\n"
    )
    assert call(facts, "typeorm.createConnection").kwarg("type") == Value(strings=("postgres",))
    sources = [c for c in facts.calls if c.callee == "typeorm.DataSource"]
    assert [c.kwarg("type") for c in sources] == [Value(strings=("sqlite",)), Value(strings=("mysql",))]
    assert call(facts, "sequelize.Sequelize").kwarg("dialect") == Value(strings=("mysql",))
    assert value_of(facts, "options.type") == value_of(facts, "options.type")._replace(strings=("postgres",))


def test_a_variable_of_another_function_or_not_built_from_objects_gives_no_options() -> None:
    facts = parse(
        "import { DataSource } from 'typeorm';\n"
        "function a() { const options = { type: 'sqlite' }; return options; }\n"
        "function b(options) { return new DataSource(options); }\n"
        "const loaded = readOptions();\n"
        "export const source = new DataSource(loaded);\n"
    )
    assert [c.kwargs for c in facts.calls if c.callee == "typeorm.DataSource"] == [(), ()]


PLUGIN = """import fp from 'fastify-plugin';
import knex from 'knex';

export const autoConfig = (fastify) => ({ client: 'mysql2', connection: { host: fastify.config.DB_HOST } });

function helper(fastify, opts) { return knex(opts); }

export default fp(async (fastify, opts) => {
  fastify.decorate('knex', knex(opts));
  fastify.decorate('other', helper(fastify, opts));
});
"""


def test_the_exported_plugin_options_are_its_autoconfig() -> None:
    calls = [c for c in parse(PLUGIN).calls if c.callee == "knex"]
    assert [c.line for c in calls] == [6, 9]
    assert calls[0].kwargs == ()  # not the exported plugin: its `opts` is whatever the caller hands
    assert calls[1].kwarg("client") == Value(strings=("mysql2",))
    assert calls[1].kwarg("connection.host") is not None
    unexported = parse(
        PLUGIN.replace("export const autoConfig", "const autoConfig")
    )  # the loader cannot see it
    assert [c.kwargs for c in unexported.calls if c.callee == "knex"] == [(), ()]
