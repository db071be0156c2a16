"""The schema of every rule catalogue in `rules/`: one frozen record per file (or per table of a file).

These records are the schema itself: `cdverify.typed_toml` checks each TOML file against its record
(a field's name is the key, its annotation the type, a default makes it optional) and rejects unknown
keys and wrong types with the file and the line. `FILES` and `schema_of` say which record a file is
read as; a file in `rules/` with no entry here is an error. docs/catalogues.md explains every key in
prose (tests/docs/test_catalogue_docs.py fails while one is undocumented).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from cdverify.model import Scope, Severity

Strings = tuple[str, ...]


def _table() -> Any:
    return field(default_factory=dict)


# -- findings.toml ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingRule:
    """One finding id: the whole file is a table of these, keyed by id (`ARCH001`)."""

    name: str
    constraint: str
    severity: Severity
    summary: str


# -- frameworks.toml --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Framework:
    """How one web framework is recognised and how its apps, routers and routes are written."""

    packages: Strings
    paper: bool = False  # one of the paper's frameworks (a value of the `framework` constraint)
    implied_by: Strings = ()
    apps: Strings = ()
    routers: Strings = ()
    routes: Mapping[str, str] = _table()  # method on an app / router → HTTP method (`*`: any)
    route_calls: Mapping[str, str] = _table()  # traced function → HTTP method
    prefix: Strings = ()
    mounts: Strings = ()
    listen: Strings = ()
    path_arg: Mapping[str, int] = _table()
    method_arg: Mapping[str, int] = _table()
    app_prefix: Strings = ()
    nested_apps: bool = False
    chained: Strings = ()
    plugin_mounts: bool = False
    autoload: Strings = ()
    plugin_wrappers: Strings = ()
    unwrap: Strings = ()
    controllers: Strings = ()
    route_paths: Strings = ()
    route_tables: Strings = ()  # attributes of an app that hold its routes (aiohttp `app.router.add_get`)
    relative_paths: bool = False  # route and mount paths are written without a leading `/` (Django)
    url_includes: Strings = ()  # words of a call in a route's view that make it a mount (`include(…)`)


@dataclass(frozen=True)
class Conventions:
    """Names a route, a listen call or a prefix is read by, whatever the framework."""

    port_keywords: Strings  # keyword / option giving the port of a listen call
    port_constants: Strings  # words of a constant that may be the port when no listen call gives one
    other_ports: Strings  # words of a port setting that is not the web server's (`DB_PORT`)
    path_keywords: Strings  # keyword / option giving a route's path (`url:`, `path=`)
    method_keywords: Strings  # keyword / option giving a route's HTTP methods (`methods=[…]`)
    prefix_words: Strings  # words of a name that may hold a prefix (`API_PREFIX`, `config.basePath`)


@dataclass(frozen=True)
class Flag:
    """A boolean option and the value it has when not written."""

    option: str
    default: bool


@dataclass(frozen=True)
class Autoload:
    """How a folder-loading plugin (@fastify/autoload, a framework's `autoload` packages) is configured
    and which files it loads."""

    dir: str  # the option naming the folder
    options: str  # the option holding what each plugin is handed
    prefix: str  # the key of `options` that prefixes every plugin (plugins read it as `opts.prefix`)
    folder_names: Flag  # folder paths are prefixes
    route_params: Flag  # `_id` folders are `:id` parameters
    encapsulate: Flag  # plugins are encapsulated, so that their prefix applies
    plugin_prefix: str  # a plugin's own prefix, instead of its folder path
    plugin_override: str  # a plugin's prefix, instead of everything
    scripts: Strings  # file extensions it loads
    skipped: Strings  # file endings it never loads (type declarations)
    index: str  # the file name that, when a folder has one, is the only one loaded there
    hooks: str  # pattern of the hook files it never loads as plugins (any case)


@dataclass(frozen=True)
class Frameworks:
    FILE: ClassVar[str] = "frameworks"
    python: Mapping[str, Framework]
    node: Mapping[str, Framework]
    servers: Mapping[str, Strings]  # family → programs that serve an app
    server_methods: Mapping[str, Strings]  # family → methods that start a server on any object
    conventions: Conventions
    autoload: Autoload

    def family(self, family: str) -> Mapping[str, Framework]:
        return self.python if family == "python" else self.node


# -- scopes.toml ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRule:
    directories: Strings
    files: Strings
    packages: Strings = ()  # a package.json depending on one of these gives its folder this scope


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int


@dataclass(frozen=True)
class ExampleFiles:
    words: Strings


@dataclass(frozen=True)
class Scopes:
    FILE: ClassVar[str] = "scopes"
    skip_directories: Strings
    virtualenv_markers: Strings
    skip_file_patterns: Strings
    scopes: Mapping[str, ScopeRule]
    sources: Mapping[str, Strings]  # language → file extensions
    example_files: ExampleFiles
    limits: Limits


# -- manifests.toml ---------------------------------------------------------------------------------


class Reader(StrEnum):
    """The reader a project file goes to (cdverify/manifests.py); a settings reader's value is also the
    `source` of the settings it reads."""

    REQUIREMENTS = "requirements"
    PYPROJECT = "pyproject"
    PIPFILE = "pipfile"
    PACKAGE_JSON = "package-json"
    ENV_FILE = "env-file"
    COMPOSE = "compose"
    PRISMA = "prisma"
    ALEMBIC = "alembic"
    SEQUELIZE_CONFIG = "sequelize-config"
    TYPEORM_CONFIG = "typeorm-config"
    SQL = "sql"
    DATABASE_FILE = "database-file"
    RUN_SCRIPT = "run-script"


@dataclass(frozen=True)
class ManifestFile:
    """Which files one reader gets: every condition set must hold (the first matching entry wins)."""

    reader: Reader
    names: Strings = ()  # the file name is one of these
    pattern: str = ""  # a regex the whole file name matches
    suffixes: Strings = ()  # the file name ends with one of these
    parent: str = ""  # the name of the folder holding the file
    path: str = ""  # the path from the project root
    keys: Strings = ()  # the settings the reader takes from the file


@dataclass(frozen=True)
class DependencyTables:
    dependencies: Strings
    dev_dependencies: Strings


@dataclass(frozen=True)
class ManifestFiles:
    FILE: ClassVar[str] = "manifests"
    dev_words: Strings
    env_files_beside: Strings  # `.env` files are looked for beside files whose path ends with these
    package_json: DependencyTables
    pipfile: DependencyTables
    file: tuple[ManifestFile, ...]


# -- architecture/<preset>.toml ---------------------------------------------------------------------


@dataclass(frozen=True)
class PresetLayer:
    title: str
    directories: Strings
    file_suffixes: Strings


@dataclass(frozen=True)
class Bypass:
    source: str = field(metadata={"key": "from"})
    to: str


@dataclass(frozen=True)
class ArchitecturePreset:
    name: str
    order: Strings  # highest layer first
    layers: Mapping[str, PresetLayer]
    required: Strings | None = None  # None: every layer of `order`
    abstraction_directories: Strings = ()
    bypass: tuple[Bypass, ...] = ()


# -- python/distributions.toml ----------------------------------------------------------------------


@dataclass(frozen=True)
class RunPrograms:
    servers: Strings


@dataclass(frozen=True)
class Distributions:
    FILE: ClassVar[str] = "python/distributions"
    imports: Mapping[str, Strings]  # import name → distributions that install it
    provided_by: Mapping[str, Strings]  # module → distributions that bring it as a dependency
    run: RunPrograms


# -- node/builtins.toml -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeBuiltins:
    FILE: ClassVar[str] = "node/builtins"
    modules: Strings
    prefix_only: Strings = ()


# -- node/resolution.toml ---------------------------------------------------------------------------


class WorkspaceFormat(StrEnum):
    JSON = "json"
    YAML = "yaml"


@dataclass(frozen=True)
class WorkspaceFile:
    """A workspace manifest (`pnpm-workspace.yaml`, `lerna.json`): where its member globs are."""

    format: WorkspaceFormat
    key: str
    default: Strings = ()  # the globs meant when `key` is absent


@dataclass(frozen=True)
class NodeResolution:
    """The conventions the Node.js / TypeScript resolver follows (names, not the order of its steps)."""

    FILE: ClassVar[str] = "node/resolution"
    extensions: Strings  # probe order after a path as written
    conditions: Strings  # export conditions, most preferred first
    entry_fields: Strings  # package.json fields naming the entry point, most preferred first
    build_dirs: Strings
    build_formats: Strings
    config_files: Strings  # tsconfig.json, jsconfig.json
    dependency_fields: Strings
    local_protocols: Strings  # dependency specs pointing into the project
    path_protocols: Strings  # those of them carrying a path
    module_aliases_field: str
    alias_prefixes: Strings  # specifier prefixes no npm package can have
    sources_of_emitted: Mapping[str, Strings]  # `.js` → the sources it is emitted from
    emitted_of_declaration: Mapping[str, str]  # `.d.ts` → `.js`
    workspace_files: Mapping[str, WorkspaceFile]


# -- parse.toml ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PythonBindings:
    """How Python libraries read the environment, as the parser traces them."""

    env_getters: Strings  # traced calls: `os.getenv("X", default)`
    env_helpers: Strings  # called as written: `config("X", default=…)`
    env_getter_suffixes: Strings  # traced calls ending so: `environ.Env()`
    env_mappings: Strings  # subscripted: `os.environ["X"]`


@dataclass(frozen=True)
class ThisBindings:
    """Where `this` is a traced data-access object (a TypeORM custom repository)."""

    bases: Strings  # prefixes of traced base classes
    extend: Strings  # methods of a repository whose object literal of methods gets it as `this`
    repositories: Strings  # traced values ending so are repositories


@dataclass(frozen=True)
class ParameterBinding:
    """A function's first parameter that is a library's object, by its name or its type annotation."""

    value: str  # the traced value it is bound to
    names: Strings = ()
    type_contains: Strings = ()
    types: Strings = ()
    second: str = ""  # the traced value of the second parameter, if any


@dataclass(frozen=True)
class AppCallback:
    """An option callback of a traced call whose first parameter is a new app."""

    call: str
    option: str
    app: str


@dataclass(frozen=True)
class NodeBindings:
    """How JavaScript libraries read the environment, build paths, wrap plugins and register routes."""

    env_objects: Strings
    env_getters: Strings
    path_modules: Strings
    path_functions: Strings
    transactions: Strings
    plugin_registers: Strings
    plugin_wrappers: Strings
    router_methods: Strings
    this: ThisBindings
    parameters: tuple[ParameterBinding, ...] = ()
    app_callbacks: tuple[AppCallback, ...] = ()


@dataclass(frozen=True)
class ParseBindings:
    FILE: ClassVar[str] = "parse"
    python: PythonBindings
    node: NodeBindings


# -- database/engines.toml and database/connections.toml --------------------------------------------


@dataclass(frozen=True)
class Engine:
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
    hints: Mapping[str, str] = _table()  # database stack → the DB001 fix in it
    # a declared driver makes it a run-time alternative of a URL read from the environment
    inferred_alternative: bool = True


@dataclass(frozen=True)
class MemoryMarkers:
    strings: Strings


@dataclass(frozen=True)
class FileUrls:
    """`file:` URLs are database URLs only when `pattern` (a regular expression) matches them."""

    scheme: str
    pattern: str


@dataclass(frozen=True)
class ImageNames:
    implicit_prefixes: Strings  # removed, in order, before a Compose image is looked up


@dataclass(frozen=True)
class HintStack:
    name: str  # a key of an engine's `hints`
    markers: Strings  # any of them in an evidence item's text, detail or file


@dataclass(frozen=True)
class HintStacks:
    node_files: Strings  # file suffixes of a Node application (its hint is `node`, else `python`)
    stacks: tuple[HintStack, ...]  # the first whose marker appears decides


@dataclass(frozen=True)
class Engines:
    FILE: ClassVar[str] = "database/engines"
    constraint: Mapping[str, str]  # value of the `database` constraint → the engine it requires
    engines: Mapping[str, Engine]
    memory_markers: MemoryMarkers
    file_urls: FileUrls
    images: ImageNames
    hint_stacks: HintStacks


@dataclass(frozen=True)
class Connection:
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
    engine_options: Mapping[str, str] = _table()


@dataclass(frozen=True)
class ConfigKeys:
    url_keys: Strings
    value_keys: Strings
    sqlalchemy_keys: Strings
    switch_words: Strings  # a guard's name containing one of them switches the connection


@dataclass(frozen=True)
class SqlAlchemyUrls:
    rejected_scheme: str  # `postgres://`: NoSuchModuleError at run time (DB003)
    hint: str  # the DB003 fix


@dataclass(frozen=True)
class TemplateDefault:
    """A value a project template writes before anyone chose an engine (Django's SQLite ENGINE)."""

    value: str
    origin: str  # added to the evidence detail, in parentheses
    settings: str  # what DB001 says the project still has


@dataclass(frozen=True)
class SettingsSource:
    """How one kind of configuration file read by manifests.py names the engine, keyed by its source."""

    url_keys: Strings = ()
    value_keys: Strings = ()
    every_key_url: bool = False  # every key but `value_keys` holds a URL; [config] keys do not apply
    scope: Scope | None = None  # the scope of all its settings (alembic.ini: migration)
    test_sections: Strings = ()  # sections whose settings are the tests'
    sqlalchemy: bool = False  # its URL goes through SQLAlchemy (DB003)


@dataclass(frozen=True)
class SettingsFiles:
    test_words: Strings  # a dotted part of the file name that makes it the tests' (`.env.test`)
    sources: Mapping[str, SettingsSource]


@dataclass(frozen=True)
class Connections:
    FILE: ClassVar[str] = "database/connections"
    python: tuple[Connection, ...]
    node: tuple[Connection, ...]
    config: ConfigKeys
    sqlalchemy: SqlAlchemyUrls
    template_defaults: tuple[TemplateDefault, ...]
    settings_files: SettingsFiles

    def family(self, family: str) -> tuple[Connection, ...]:
        return self.python if family == "python" else self.node


# -- orm/libraries.toml, orm/sinks.toml and orm/fixes.toml ---------------------------------------


class LibraryKind(StrEnum):
    """What a data-access library is; `OrmReport.used` lists the libraries in this order."""

    ORM = "orm"  # maps classes to tables
    ODM = "odm"  # a document mapper
    CORE = "core"  # a SQL expression language / query builder
    DRIVER = "driver"  # a database driver used directly
    SQL_FILES = "sql-files"  # runs hand-written SQL kept in .sql files


@dataclass(frozen=True)
class OrmLibrary:
    kind: LibraryKind = LibraryKind.ORM
    python: Strings = ()
    npm: Strings = ()
    models: Strings = ()
    constraint: str | None = None  # the `orm` constraint value this library satisfies


@dataclass(frozen=True)
class SqlFiles:
    """How a statement of a hand-written `.sql` file is named in its ORM001 (`api`)."""

    named: str  # before the name of a `-- name: get_user` block
    unnamed: str  # any other statement


@dataclass(frozen=True)
class OrmLibraries:
    FILE: ClassVar[str] = "orm/libraries"
    libraries: Mapping[str, OrmLibrary]
    sql_files: SqlFiles


@dataclass(frozen=True)
class Sink:
    """Calls whose argument is raw SQL (ORM001)."""

    name: str
    calls: Strings = ()
    receivers: Strings = ()
    methods: Strings = ()
    arg: int = 0
    keys: Strings = ()
    fragment: bool = False
    receiver_suffixes: Strings = ()
    untraced: bool = False
    statement_or_fragment: bool = False
    receiver_contains: Strings = ()
    literals_only: bool = False
    expressions_only: bool = False


@dataclass(frozen=True)
class Sinks:
    FILE: ClassVar[str] = "orm/sinks"
    prepared: Strings  # a receiver holding one of these is a prepared statement: its methods take no SQL
    bootstrap: Strings  # statement starts that set a connection up rather than query data
    python: tuple[Sink, ...] = ()
    node: tuple[Sink, ...] = ()

    def family(self, family: str) -> tuple[Sink, ...]:
        return self.python if family == "python" else self.node


@dataclass(frozen=True)
class OrmFix:
    """How to do with one required ORM what raw SQL did: the hints of ORM001 and ORM002."""

    models: str  # ORM002: define the models and query them with the ORM
    no_models: str  # ORM002: why an import without a mapped model is not the ORM doing the data access
    health_check: str  # a trivial `SELECT 1`
    bootstrap: str  # a statement that sets the connection up (`PRAGMA`, `SET`)
    schema: str  # CREATE / ALTER / DROP
    statements: Mapping[str, str]  # SELECT, INSERT, … → the ORM's way; `{model}` names the model


@dataclass(frozen=True)
class OrmFixes:
    FILE: ClassVar[str] = "orm/fixes"
    kinds: Mapping[str, str]  # library kind → how ORM003 names a library of that kind
    orms: Mapping[str, OrmFix]  # value of the `orm` constraint → its fixes


# -- paper_verifiers.toml ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperLayer:
    name: str
    rank: int
    aliases: Strings


@dataclass(frozen=True)
class PaperPattern:
    id: str
    pattern: str


@dataclass(frozen=True)
class PaperArchitecture:
    minimum_layers: int
    layer: tuple[PaperLayer, ...]
    import_pass: tuple[PaperPattern, ...]


@dataclass(frozen=True)
class PaperEngineEvidence:
    id: str
    engine: str
    pattern: str
    ignore_case: bool = False


@dataclass(frozen=True)
class DjangoException:
    expected: str
    dropped: str


@dataclass(frozen=True)
class PaperDatabase:
    evidence: tuple[PaperEngineEvidence, ...]
    django_exception: tuple[DjangoException, ...]


@dataclass(frozen=True)
class PaperOrmEvidence:
    id: str
    orm: str
    pattern: str
    ignore_case: bool = False


@dataclass(frozen=True)
class PaperOrm:
    evidence: tuple[PaperOrmEvidence, ...]


@dataclass(frozen=True)
class PaperVerifiers:
    FILE: ClassVar[str] = "paper_verifiers"
    lockfiles: Strings
    architecture: PaperArchitecture
    database: PaperDatabase
    orm: PaperOrm


# -- postman_dynamic_variables.toml -----------------------------------------------------------------


@dataclass(frozen=True)
class DynamicVariable:
    name: str
    group: str
    description: str
    faker: str | None = None  # the faker call that makes a value
    special: str | None = None  # or a value cdverify makes itself
    args: tuple[int | str | Strings | Mapping[str, int], ...] = ()


@dataclass(frozen=True)
class DynamicVariables:
    FILE: ClassVar[str] = "postman_dynamic_variables"
    variable: tuple[DynamicVariable, ...]


FILES: tuple[Any, ...] = (
    Frameworks,
    Scopes,
    ManifestFiles,
    Distributions,
    NodeBuiltins,
    NodeResolution,
    ParseBindings,
    Engines,
    Connections,
    OrmLibraries,
    Sinks,
    OrmFixes,
    PaperVerifiers,
    DynamicVariables,
)


def schema_of(name: str) -> Any:
    """The record `rules/<name>.toml` is read as (an annotation: findings is a table of records)."""
    if name == "findings":
        return Mapping[str, FindingRule]
    if name.startswith("architecture/"):
        return ArchitecturePreset
    for record in FILES:
        if name == record.FILE:
            return record
    raise LookupError(f"rules/{name}.toml has no schema in cdverify/rules_schema.py")
