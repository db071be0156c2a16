"""The schema of every rule catalogue in `rules/`: one frozen record per file (or per table of a file).

These records are the schema itself: `cdverify.typed_toml` checks each TOML file against its record
(a field's name is the key, its annotation the type, a default makes it optional) and rejects unknown
keys and wrong types with the file and the line. `SCHEMAS` says which record a file is read as; a
file in `rules/` with no entry here is an error. docs/database-and-frameworks.md ("Extending the
catalogues") explains the keys in prose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cdverify.model import Severity

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


@dataclass(frozen=True)
class Frameworks:
    FILE: ClassVar[str] = "frameworks"
    python: Mapping[str, Framework]
    node: Mapping[str, Framework]
    servers: Mapping[str, Strings]  # family → programs that serve an app

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


@dataclass(frozen=True)
class MemoryMarkers:
    strings: Strings


@dataclass(frozen=True)
class Engines:
    FILE: ClassVar[str] = "database/engines"
    constraint: Mapping[str, str]  # value of the `database` constraint → the engine it requires
    engines: Mapping[str, Engine]
    memory_markers: MemoryMarkers


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


@dataclass(frozen=True)
class ConfigKeys:
    url_keys: Strings
    value_keys: Strings
    sqlalchemy_keys: Strings


@dataclass(frozen=True)
class Connections:
    FILE: ClassVar[str] = "database/connections"
    python: tuple[Connection, ...]
    node: tuple[Connection, ...]
    config: ConfigKeys

    def family(self, family: str) -> tuple[Connection, ...]:
        return self.python if family == "python" else self.node


# -- orm/libraries.toml and orm/sinks.toml ----------------------------------------------------------


@dataclass(frozen=True)
class OrmLibrary:
    kind: str = "orm"  # orm, odm, core (query builder) or driver
    python: Strings = ()
    npm: Strings = ()
    models: Strings = ()
    constraint: str | None = None  # the `orm` constraint value this library satisfies


@dataclass(frozen=True)
class OrmLibraries:
    FILE: ClassVar[str] = "orm/libraries"
    libraries: Mapping[str, OrmLibrary]


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
    python: tuple[Sink, ...] = ()
    node: tuple[Sink, ...] = ()

    def family(self, family: str) -> tuple[Sink, ...]:
        return self.python if family == "python" else self.node


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
    Distributions,
    NodeBuiltins,
    ParseBindings,
    Engines,
    Connections,
    OrmLibraries,
    Sinks,
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
