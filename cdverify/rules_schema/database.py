"""Database engines and connections (rules/database/engines.toml, connections.toml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.model import Scope
from cdverify.rules_schema.base import Record, Strings, table

# -- database/engines.toml and database/connections.toml --------------------------------------------


class Engine(Record, frozen=True):
    label: str
    role: str = "database"  # or "cache": never the application's database
    url_schemes: Strings = ()
    values: Strings = ()
    python_packages: Strings = ()
    python_modules: Strings = ()
    npm_packages: Strings = ()
    dialect_modules: Strings = ()
    images: Strings = ()
    env_prefixes: Strings = ()
    hints: Mapping[str, str] = table()  # database stack → the DB001 fix in it (`{connection}`: below)
    # database stack → DB001's exact connection line (`{url}`: harness_url, `{variable}`: the URL's variable)
    connections: Mapping[str, str] = table()
    # the URL and literal settings the paper's harness gives a task requiring this engine ("" / {}: none)
    harness_url: str = ""
    harness_settings: Mapping[str, str] = table()
    # a declared driver makes it a run-time alternative of a URL read from the environment
    inferred_alternative: bool = True


class MemoryMarkers(Record, frozen=True):
    strings: Strings


class FileUrls(Record, frozen=True):
    """`file:` URLs are database URLs only when `pattern` (a regular expression) matches them."""

    scheme: str
    pattern: str


class ImageNames(Record, frozen=True):
    implicit_prefixes: Strings  # removed, in order, before a Compose image is looked up


class HintStack(Record, frozen=True):
    name: str  # a key of an engine's `hints`
    markers: Strings  # any of them in an evidence item's text, detail or file


class HintStacks(Record, frozen=True):
    node_files: Strings  # file suffixes of a Node application (its hint is `node`, else `python`)
    stacks: tuple[HintStack, ...]  # the first whose marker appears decides


class Engines(Record, frozen=True):
    FILE: ClassVar[str] = "database/engines"
    constraint: Mapping[str, str]  # value of the `database` constraint → the engine it requires
    engines: Mapping[str, Engine]
    memory_markers: MemoryMarkers
    file_urls: FileUrls
    images: ImageNames
    hint_stacks: HintStacks


class EnvOptions(Record, frozen=True):
    """Connection options a library reads from the environment in place of options written in code
    (TypeORM's `getConnectionOptions()`, and `createConnection()` given nothing, read `ormconfig.*` or the
    `TYPEORM_*` variables): the call's dialect and URL are then those variables."""

    getters: Strings  # traced callees whose result, handed to the connection call, is such options
    bare: Strings = ()  # connection calls that read them themselves when given no argument
    dialect_env: str = ""  # the variable naming the engine (`TYPEORM_CONNECTION`)
    url_env: str = ""  # the variable holding the URL (`TYPEORM_URL`)
    # settings files that give the options instead (`ormconfig.json`): with one in the project, it decides
    files: Strings = ()


class Connection(Record, frozen=True):
    """Calls that open a database connection, and where their URL and dialect are."""

    calls: Strings
    url: Strings = ()  # positional index or (dotted) keyword of the URL
    dialect: Strings = ()
    engine: str | None = None  # a driver of one engine
    engines: Strings = ()  # the engines the call can reach, told apart by URL or declared driver
    default_env: str = ""  # the variable read when no URL is given
    sqlalchemy: bool = False  # the URL goes through SQLAlchemy
    url_required: bool = False  # without a URL the call fails: no driver defaults (libpq's PG*, localhost)
    # a (dotted) keyword only one engine's driver accepts → that engine, whatever the URL
    # (`connect_args.check_same_thread`: sqlite3's)
    engine_options: Mapping[str, str] = table()
    # declared driver packages the call cannot load (an async engine takes no sync driver): they tell no
    # engine of a URL known only at run time
    unusable_drivers: Strings = ()
    # options read from the environment when handed a getter's result or nothing (TypeORM)
    env_options: EnvOptions | None = None
    # engine → the value of the `dialect` option that names it (TypeORM's `type: "postgres"`, knex's
    # `client: "pg"`): what DB001 proposes for a variable the dialect is read from, rather than a URL
    dialect_values: Mapping[str, str] = table()
    # the call is a command-line tool's configuration (drizzle-kit's `defineConfig`, read by the migration
    # CLI, never by the running application): it names a run-time engine only beside the application's own
    # code (uses.py `_tool_leftovers`)
    tool: bool = False


class EnvSchema(Record, frozen=True):
    """A schema of the process environment validated at start-up (`envalid.cleanEnv`, a Joi or zod object
    parsed from `process.env`): a field it requires with no default stops the application where the
    variable is unset."""

    calls: Strings  # traced callees building the schema; each field is an object key of the call
    label: str  # how messages name it (`envalid's cleanEnv`)
    # "all": every field is required unless its chain calls one of `optional`; "marked": only fields whose
    # chain calls one of `required` (and none of `optional`)
    fields: str = "all"
    required: Strings = ()  # methods in a field's chain that make it required (`required`)
    optional: Strings = ()  # methods in a field's chain that make it optional (`optional`, `default`)
    default_keys: Strings = ()  # keys of a field validator's options that give a default (`default`)
    # methods of the schema that throw where a field fails (`envSchema.parse(process.env)`): one called at
    # start-up stops the application where a variable it requires is unset
    throws: Strings = ()
    # the call itself validates the environment and stops the process where a field fails (envalid's
    # `cleanEnv(process.env, {…})` reports and exits): one made at start-up stops the application alike
    validates: bool = False
    # members of a check's result that hold the failure (Joi's `schema.validate(process.env).error`): a
    # `throw` or `process.exit(1)` at start-up under `if (error)` stops where a required field is unset
    errors: Strings = ()
    # methods chained on the schema that keep its fields and their checks (zod's `.superRefine(…)`,
    # `.strict()`): `z.object({…}).superRefine(check).parse(process.env)` throws as `.parse` on the object
    keeps: Strings = ()
    # functions handed the schema and a value that return whether the value passes (TypeBox's
    # `Value.Check(schema, value)`): a start-up `throw` or `process.exit(1)` under `if (!Value.Check(…))`
    # stops where a required field the checked value reads from an unset variable is undefined
    checks: Strings = ()


class SettingsClass(Record, frozen=True):
    """A Python settings class filled from the environment at start-up (pydantic's `BaseSettings`): each
    field reads the variable of its name; a field with no default stops the application where that
    variable is unset, a field's default is what the application runs with there."""

    bases: Strings  # traced base classes (a project class deriving from one is a settings class too)
    label: str  # how messages name it (`a pydantic BaseSettings class`)


class EnvJsonSchema(Record, frozen=True):
    """A JSON schema of the process environment (`{ required: […], properties: {…} }`) validated at start-up
    by a library or plugin the module imports (@fastify/env, env-schema)."""

    imports: Strings  # modules whose import marks the file's `required` / `properties` objects as such
    label: str  # how messages name it
    # traced callees that validate the environment against their `schema_key` option as they are called
    # and throw where it fails (`envSchema({ schema })`); one made at start-up stops the application
    calls: Strings = ()
    # modules registered as a plugin with the schema in their options (`app.register(fastifyEnv, { schema
    # })`): the plugin fails the app's start-up where the environment fails the schema
    plugins: Strings = ()
    schema_key: str = "schema"  # the option holding the schema


class JsonSchemaBuilder(Record, frozen=True):
    """A builder of JSON schemas (TypeBox's `Type.Object({…})`, fluent-json-schema's `S.object().prop(…)`)
    handed to a validator of the environment (`EnvJsonSchema`): which properties it requires."""

    calls: Strings  # traced callees starting a schema object
    # "all": every property is required unless its chain calls one of `optional` (TypeBox); "marked": only
    # properties whose chain calls one of `required` and none of `optional` (fluent-json-schema)
    fields: str = "all"
    required: Strings = ()
    optional: Strings = ()
    default_keys: Strings = ()  # keys of a property validator's options giving a default (`{ default: 1 }`)
    # the method adding a property to the chain (`prop`: `S.object().prop('PORT', S.number())`); "" = the
    # properties are the object keys of the call (`Type.Object({ PORT: Type.Number() })`)
    property: str = ""


class EnvExampleLoader(Record, frozen=True):
    """A loader of `.env` that throws at start-up when a variable the example file lists is unset
    (dotenv-safe): a URL read from such a variable stops the application where it is unset."""

    calls: Strings  # traced callees that load and check
    label: str  # how messages name it (`dotenv-safe`)
    imports: Strings = ()  # modules whose import alone loads and checks (`dotenv-safe/config`)


class RequiredOption(Record, frozen=True):
    """A library call that throws as it is made when an option is missing (express-jwt's `expressjwt({
    secret })`), or a plugin that fails the app's start-up when registered without it (@fastify/jwt's
    `app.register(fastifyJwt, { secret })`): given a variable with no fallback, made at start-up, it stops
    the application where the variable is unset."""

    options: Strings  # keys of its options object that must be set (`secret`)
    label: str  # what it throws, as DB001 says it (`express-jwt's \`secret\` is a required option`)
    calls: Strings = ()  # traced callees (`express-jwt.expressjwt`)
    # modules registered as a plugin with the options (`app.register(fastifyJwt, { secret })`)
    plugins: Strings = ()


class SqliteFile(Record, frozen=True):
    """A SQLite driver call that opens a database file, creating the file but not its folder: given a
    relative path into a folder the project lacks, made at start-up, it stops the application."""

    calls: Strings  # traced callees (`better-sqlite3`, `sqlite3.connect`)
    label: str  # what it throws, as DB001 says it
    path: Strings = ("0",)  # where the file's path is: positional index or keyword
    # the driver hands the error to a function argument when one is given (node sqlite3's callback): only
    # a call with none stops the application
    callback: bool = False
    # options that, given `true`, make the driver refuse a file that is not there (better-sqlite3's
    # `fileMustExist`): such an open of a file the project does not ship stops the application too
    must_exist: Strings = ()
    missing_label: str = ""  # what it throws then, as DB001 says it


class StartupRead(Record, frozen=True):
    """A call reading a file, which raises (throws) when the file is not there: given a relative literal path
    the project does not ship, run at start-up with its failure unhandled, it stops the application."""

    calls: Strings  # traced callees reading the file (`builtins.open`, `fs.readFileSync`)
    label: str  # what the call raises, as DB001 says it
    path: Strings = ("0",)  # where the file's path is: positional index or keyword
    # where the mode is (`open(path, "w")`): a mode holding one of `w`, `a`, `x`, `+` writes the file
    mode: Strings = ()
    # traced calls building the object read whose first argument is the path (`pathlib.Path("x").read_text()`)
    built_by: Strings = ()


class PathMaker(Record, frozen=True):
    """A call making a path object of the literal it is given first (`pathlib.Path("config.yaml")`), which
    the object, and what the methods in `keeps` return (`.absolute()`), stand for when handed on."""

    calls: Strings  # traced callees making the path object (`pathlib.Path`)
    keeps: Strings = ()  # methods returning the same file's path (`absolute`, `resolve`)


class LazyEngine(Record, frozen=True):
    """An engine made at one call that connects later, at its first use (SQLAlchemy's `create_engine`): what
    makes it, where its URL or path is, and what connects it."""

    calls: Strings  # traced callees making the engine (`sqlalchemy.create_engine`)
    label: str  # what its first connection raises, as DB001 says it
    path: Strings = ("0",)  # where the file's path (or URL) is: positional index or keyword
    url: bool = False  # the path is written in a SQLAlchemy URL (`sqlite+aiosqlite:///./data/app.db`)
    # methods of the engine that connect (`begin`, `connect`); a call on what they give counts too
    connects: Strings = ()
    handed: Strings = ()  # the last names of calls that connect to the engine handed to them (`create_all`)


class SqliteEngine(LazyEngine, frozen=True):
    """An engine that opens its SQLite file lazily, at its first connection, creating the file but not its
    folder (SQLAlchemy's `create_engine`, peewee's `SqliteDatabase`): given a relative path into a folder the
    project lacks and connected at start-up, it stops the application."""


class ServerEngine(LazyEngine, frozen=True):
    """A connection to a database server whose URL is written with holes (`f"postgresql://{DB_USER}@{DB_HOST}
    /{DB_NAME}"`): connected at start-up with a hole of the user, host, port or database read from a variable
    with no default, it fails where the variable is unset (the hole holds `None` / `undefined`)."""

    # the call parses the URL's port as a number as it is made (SQLAlchemy's `make_url`): an unset port hole
    # raises there, connected or not
    parses_port: bool = False
    # the call connects as it is made (an awaited pool opening its first connection: `await
    # asyncpg.create_pool(dsn)`): made at start-up, in a function run then too, it is the connection
    opens: bool = False


class ConfigFile(Record, frozen=True):
    """A call loading the app's configuration from a file it names (Flask's `app.config.from_json(path)`): the
    file's database URL key is the app's setting."""

    calls: Strings  # traced callees loading the file (`flask.Flask().config.from_json`)
    label: str  # how the evidence names the loader
    path: Strings = ("0",)  # where the file's path is: positional index or keyword
    # where the loader's parser is, and the parsers that read JSON (`from_file(path, load=json.load)`);
    # empty: the call reads JSON itself
    load: Strings = ()
    loads: Strings = ()
    # the file's path is relative to the folder of the module making the app (Flask's `root_path`)
    app_calls: Strings = ()


class StartupHook(Record, frozen=True):
    """A way a web framework runs a function of the application as it starts, before it serves: a decorator
    (`@app.on_event("startup")`), a registration (`app.on_startup.append(init)`), a constructor's keyword
    (`FastAPI(lifespan=lifespan)`). A call in such a function runs at start-up, as at module level."""

    label: str  # the framework's name for it, for the catalogue's reader
    calls: Strings = ()  # traced constructors whose arguments `functions` name the functions (`FastAPI`)
    methods: Strings = ()  # the last parts of the callees registering one (`on_startup.append`)
    events: Strings = ()  # the event the call's first argument must name (`"startup"`); empty: any call
    functions: Strings = ()  # where the function is: positional index or keyword; empty: the decorated one


class EnvFileFlag(Record, frozen=True):
    """A runner's flag that loads a dotenv file and refuses to start when the file is missing (Node's
    `--env-file=.env`): the package scripts that start the application all passing it a file the project
    does not ship, the application cannot start as shipped."""

    runners: Strings  # commands taking the flag (`node`, `tsx`)
    flags: Strings  # the flag (`--env-file`), given as `--env-file=.env` or `--env-file .env`
    label: str  # how messages name it
    tolerant: Strings = ()  # the runner's flags with which it carries on without the file (`--silent`)


class PluginRunner(Record, frozen=True):
    """A command that loads a module's default-exported function as a plugin and starts the server with it
    (fastify-cli's `fastify start -l info app.js`): named by a package script that starts the application,
    that function runs at start-up."""

    runners: Strings  # the command (`fastify`)
    commands: Strings  # its subcommand that starts the server (`start`)
    files: Strings  # how the module's file ends, to tell it from an option's value (`.js`, `.ts`)
    label: str  # how messages name it


class ConnectingPlugin(Record, frozen=True):
    """Fastify plugins wrapping a data-access library's client that connect as they are registered
    (@joggr/fastify-prisma awaiting the PrismaClient's `$connect()` in its plugin function): a registration
    the server's listen call follows fails the start-up where the connection does."""

    library: str  # the library the plugins wrap (rules/orm/libraries.toml: `prisma`)
    plugins: Strings  # their npm names


class SchemaStep(Record, frozen=True):
    """A schema command of an ORM's CLI that reads the datasource URL and exits non-zero without it (`prisma
    db push`, `prisma migrate deploy`): run by every start script before its server, joined with `&&`, where
    the URL's variable is unset, the server never starts (detect/database/schema_steps.py)."""

    runners: Strings  # the command (`prisma`)
    commands: Strings  # its subcommands that need the URL (`db push`, `migrate deploy`)
    launchers: Strings  # words before it that run it as it is (`npx`, `pnpm exec`)
    script_runners: Strings  # commands running another package script by name (`npm run`, `yarn`)
    label: str  # how messages name it
    config_files: Strings = ()  # the CLI's configuration files, which may give the URL otherwise


class WorkerRuntime(Record, frozen=True):
    """A runtime other than Node that serves a module's default export (Cloudflare's wrangler): an application
    whose start scripts all run it, with its configuration file and no Node server start, does not start
    where the app is run by Node (detect/database/workers.py)."""

    config_files: Strings  # its configuration files at the application's root (`wrangler.toml`)
    commands: Strings  # the command a start script runs it with (`wrangler`)
    servers: Strings  # traced calls that start a server in Node or Bun (`@hono/node-server.serve`)
    label: str  # how messages name it
    # names of an example of a configuration file standing for it (`{name}.sample`: wrangler.toml.sample)
    examples: Strings = ()


class ConfigGetter(Record, frozen=True):
    """A configuration package whose getter throws on a key its merged files leave undefined (node-config's
    `config.get`), where a key mapped only to an environment variable is undefined while the variable is
    unset: a get made at start-up stops the application there (detect/database/config_gets.py)."""

    package: str  # the npm package (`config`)
    calls: Strings  # traced getter calls (`config.get`, `config.default.get`)
    folder: str  # the folder it reads, beside the started package's package.json (`config`)
    mapping: str  # the stem of the file mapping keys to variables (`custom-environment-variables`)
    environment: Strings  # variables naming the run's environment, first wins (`NODE_CONFIG_ENV`, `NODE_ENV`)
    unset_environment: str  # the environment where they are unset (`development`)
    loaded: (
        Strings  # file stems read in every environment `{env}` (`default`, `{env}`, `local`, `local-{env}`)
    )
    formats: Strings  # every file extension it reads, in its order
    read_formats: Strings  # those cdverify reads (JSON, YAML): another format's file leaves the key unknown
    overrides: Strings  # variables giving values or another folder (`NODE_CONFIG`, `NODE_CONFIG_DIR`)
    code_setters: Strings  # callee prefixes adding values from code (`config.util.`)
    label: str  # how messages name it


class ConfigFlag(Record, frozen=True):
    """A call reading a flag from the environment that picks one of two configurations (`CONFIG = DevConfig
    if get_debug_flag() else ProdConfig`): off where its variable is unset."""

    calls: Strings  # traced callees (`flask.helpers.get_debug_flag`)
    variable: str  # the variable the flag reads (`FLASK_DEBUG`)


class PaperRuntimeFile(Record, frozen=True):
    """A dotenv file a runtime of the paper's harness puts beside the application (runtime/express's
    `.env.development`): an application of that runtime that loads the file by name sees its variables."""

    file: str  # the file's name (`.env.development`)
    packages: Strings  # npm packages an application of that runtime declares (`express`)
    variables: Mapping[str, str] = table()  # what the file sets (a secret's value: only that it is set)


class CliEnvFile(Record, frozen=True):
    """A dotenv file a framework's command line loads itself where one of `loaders` is installed (`flask run`
    loading `.flaskenv` with python-dotenv): it sets the variables of an app declaring both."""

    file: str  # the file's name (`.flaskenv`)
    packages: Strings  # the framework's Python distributions (`flask`)
    loaders: Strings  # the distributions that make the command line load it (`python-dotenv`)


class ConfigKeys(Record, frozen=True):
    url_keys: Strings
    value_keys: Strings
    sqlalchemy_keys: Strings
    switch_words: Strings  # a guard's name containing one of them switches the connection
    # what a request handler writes its answer to (Koa's `ctx.body = { … }`): an entry of an object assigned
    # there is data sent to the client, not a setting of the app
    response_bodies: Strings = ()


class SqlAlchemyUrls(Record, frozen=True):
    rejected_scheme: str  # `postgres://`: NoSuchModuleError at run time (DB003)
    hint: str  # the DB003 fix
    # URL constructors of SQLAlchemy before 1.4, which still took the `postgres` name: no DB003 for theirs
    legacy_builders: Strings = ()


class TemplateDefault(Record, frozen=True):
    """A value a project template writes before anyone chose an engine (Django's SQLite ENGINE)."""

    value: str
    origin: str  # added to the evidence detail, in parentheses
    settings: str  # what DB001 says the project still has


class SettingsSource(Record, frozen=True):
    """How one kind of configuration file read by manifests.py names the engine, keyed by its source."""

    url_keys: Strings = ()
    value_keys: Strings = ()
    every_key_url: bool = False  # every key but `value_keys` holds a URL; [config] keys do not apply
    scope: Scope | None = None  # the scope of all its settings (alembic.ini: migration)
    test_sections: Strings = ()  # sections whose settings are the tests'
    sqlalchemy: bool = False  # its URL goes through SQLAlchemy (DB003)
    # its values count only where code reads them (dynaconf's settings object: `settings.DB_URL`), followed
    # by cdverify/detect/database/values.py; the file gives no evidence of its own
    read_in_code: bool = False


class SettingsFiles(Record, frozen=True):
    test_words: Strings  # a dotted part of the file name that makes it the tests' (`.env.test`)
    sources: Mapping[str, SettingsSource]
    # a word of an `if` condition that makes the settings its branch sets the tests' (`TESTING`)
    test_switches: Strings = ()


class StartupFile(Record, frozen=True):
    """A loader whose result says the file it reads is missing (`dotenv.config().error`): a start-up
    `throw` under a condition reading it stops the application where the project ships no such file."""

    results: Strings  # traced values a condition reads (`dotenv.config().error`)
    file: str  # the file's name (`.env`), looked for where the project's `.env` files are read
    label: str  # how messages name the loader (`dotenv`)


class RequiredRead(Record, frozen=True):
    """A read of the process environment that raises where the variable is unset (`os.environ["X"]`), or
    a stop guarded by the variable alone (`if not SECRET_KEY: raise ValueError(…)`)."""

    label: str  # what messages say the read does
    subscripts: Strings = ()  # mappings whose `[key]` raises on a missing key, as written (`os.environ`)
    # calls raising when handed None (`int`) and reads giving None where the variable is unset and no
    # default is given (`os.getenv("X")`), as written: `int(os.getenv("PORT"))` raises
    wrapping: Strings = ()
    getters: Strings = ()
    raises: bool = False  # a `raise` of an exception no import explains (a builtin), guarded by the variable
    stops: Strings = ()  # traced calls that stop the process or the import (`sys.exit`), guarded alike
    # traced calls reading the variable their first argument names that raise where it is unset and no
    # default is given (python-decouple's `config("SECRET_KEY")`)
    calls: Strings = ()
    default_keys: Strings = ()  # keyword arguments of those calls that give a default (`default=`)
    # keyword arguments that make such a call a requirement when `True` (dynaconf's `Validator("X",
    # must_exist=True)`); empty: every call without a default requires its variable
    required_keys: Strings = ()
    # calls whose keyword `prefix_key` gives the prefix of the variables named (`Dynaconf(envvar_prefix=
    # "APP")`: `Validator("DB_HOST")` reads $APP_DB_HOST), and the prefix where none is given
    prefix_calls: Strings = ()
    prefix_key: str = ""
    prefix_default: str = ""
    # constructors whose keyword arguments declare variables with a cast and maybe a default (django-environ's
    # `environ.Env(DEBUG=(bool, False))`): a read of a variable declared there is not judged
    scheme_calls: Strings = ()


class Connections(Record, frozen=True):
    FILE: ClassVar[str] = "database/connections"
    python: tuple[Connection, ...]
    node: tuple[Connection, ...]
    config: ConfigKeys
    sqlalchemy: SqlAlchemyUrls
    template_defaults: tuple[TemplateDefault, ...]
    settings_files: SettingsFiles
    env_schemas: tuple[EnvSchema, ...] = ()
    startup_files: tuple[StartupFile, ...] = ()
    required_reads: tuple[RequiredRead, ...] = ()
    settings_classes: tuple[SettingsClass, ...] = ()
    env_example_loaders: tuple[EnvExampleLoader, ...] = ()
    env_json_schemas: tuple[EnvJsonSchema, ...] = ()
    json_schema_builders: tuple[JsonSchemaBuilder, ...] = ()
    paper_runtime_files: tuple[PaperRuntimeFile, ...] = ()
    cli_env_files: tuple[CliEnvFile, ...] = ()
    config_flags: tuple[ConfigFlag, ...] = ()
    config_getters: tuple[ConfigGetter, ...] = ()
    required_options: tuple[RequiredOption, ...] = ()
    env_file_flags: tuple[EnvFileFlag, ...] = ()
    plugin_runners: tuple[PluginRunner, ...] = ()
    connecting_plugins: tuple[ConnectingPlugin, ...] = ()
    schema_steps: tuple[SchemaStep, ...] = ()
    worker_runtimes: tuple[WorkerRuntime, ...] = ()
    sqlite_files: tuple[SqliteFile, ...] = ()
    startup_reads: tuple[StartupRead, ...] = ()
    path_makers: tuple[PathMaker, ...] = ()
    sqlite_engines: tuple[SqliteEngine, ...] = ()
    server_engines: tuple[ServerEngine, ...] = ()
    config_files: tuple[ConfigFile, ...] = ()
    startup_hooks: tuple[StartupHook, ...] = ()
    folder_makers: Strings = ()  # the last names of calls that create folders (`mkdirSync`, `makedirs`)
    # traced functions that call the function given first with the arguments after it (dependency-injector's
    # providers, `functools.partial`): a connection call handed to one is made with those arguments
    deferred_calls: Strings = ()
    # names of an example of a Python module the repository leaves out (`{name}.example.py`): stops.py
    local_module_examples: Strings = ()
    # traced Python calls that load the project's `.env` into the process environment (`load_dotenv()`): a
    # read at import made before every one of them runs sees none of that file (database/dotenv_order.py)
    python_env_loaders: Strings = ()
    node_env_loader_imports: Strings = ()

    def family(self, family: str) -> tuple[Connection, ...]:
        return self.python if family == "python" else self.node
