"""The parser's library bindings (rules/parse.toml): how libraries read the environment, build paths,
wrap plugins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings, table

# -- parse.toml ------------------------------------------------------------------------------------


class ImportTimeNames(Record, frozen=True):
    """What a Python module has without binding it (pyunbound.py)."""

    builtins: Strings  # the builtins of every Python 3, and `_` (`gettext.install()`)
    module: Strings  # the attributes the import system sets on every module: `__name__`, `__file__`
    classes: Strings  # the names Python binds in every class body: `__module__`, `__qualname__`


class PythonBindings(Record, frozen=True):
    """How Python libraries read the environment, as the parser traces them."""

    env_getters: Strings  # traced calls: `os.getenv("X", default)`
    env_helpers: Strings  # called as written: `config("X", default=…)`
    env_getter_suffixes: Strings  # traced calls ending so: `environ.Env()`
    env_mappings: Strings  # subscripted: `os.environ["X"]`
    # what a module has without binding it: names its code may read as it is imported (`FileFacts.unbound`)
    import_time: ImportTimeNames
    wrappers: Strings = ()  # traced calls whose result stands for their first argument: `contextlib.closing`
    # traced calls building a database URL from its parts, the scheme first or as `drivername`:
    # `URL.create(drivername="postgresql", …)` stands for the URL `postgresql://`
    url_builders: Strings = ()
    # a parameter or attribute annotated with one of these traced types stands for the traced value
    # (`session: AsyncSession` → `sqlalchemy.ext.asyncio.AsyncSession()`): a data client passed in
    annotated: Mapping[str, str] = table()
    # traced calls defining a new name for the type named by their second argument: `typing.NewType`
    type_aliases: Strings = ()
    # methods recorded per class (`FileFacts.members`): a class with one is a command or query handler
    recorded_methods: Strings = ()
    # built-in functions recorded as calls of `builtins.<name>` where nothing binds the name: `open(…)`
    builtins: Strings = ()
    # traced calls reading a file (`builtins.open`): one inside a `try` is recorded with the guard `try`
    file_reads: Strings = ()
    # traced calls connecting to a database server as they are made (`asyncpg.create_pool`): one inside a
    # `try` is recorded with the guard `try`
    opening_calls: Strings = ()
    # start-up hook registrations recorded on an untraced name (`app.on_startup.append(init_pg)` in `def
    # setup_db(app)`) as `?app.on_startup.append`: the function handed runs as the application starts
    untraced_hooks: Strings = ()
    # methods whose calls with no argument are recorded with the function they are in and the guard `try`
    # inside a `try` (`await database.connect()` in a start-up hook): where a connection is made
    connect_methods: Strings = ()
    # methods connecting the engine handed to them: one inside a `try` is recorded with the guard `try`
    handed_connects: Strings = ()
    # methods whose result is data a query read (`fetchone`, `execute`): a function returning a value read
    # from it (`row["value"]`, `result.scalar()`) does not stand for the query's call
    query_results: Strings = ()


class ThisBindings(Record, frozen=True):
    """Where `this` is a traced data-access object (a TypeORM custom repository)."""

    bases: Strings  # prefixes of traced base classes
    extend: Strings  # methods of a repository whose object literal of methods gets it as `this`
    repositories: Strings  # traced values ending so are repositories


class InjectedClients(Record, frozen=True):
    """Data clients a class receives through its constructor, by the parameter's type annotation."""

    clients: Strings  # traced types (`kysely.Kysely`): the parameter is an instance of one in the constructor


class ParameterBinding(Record, frozen=True):
    """A function's first parameter that is a library's object, by its name or its type annotation."""

    value: str  # the traced value it is bound to
    names: Strings = ()
    type_contains: Strings = ()
    types: Strings = ()
    second: str = ""  # the traced value of the second parameter, if any


class AppCallback(Record, frozen=True):
    """An option callback of a traced call whose first parameter is a new app."""

    call: str
    option: str
    app: str


class NodeBindings(Record, frozen=True):
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
    injected: InjectedClients | None = None
    plugin_options: Strings = ()  # module-level names a loader hands the exported plugin as its options
    # methods of the app a plugin receives that return the app (`fastify.withTypeProvider<T>()`)
    app_returning: Strings = ()
    wrappers: Strings = ()  # calls whose result takes the leading arguments of their first: `util.promisify`
    # traced calls reading a file (`fs.readFileSync`): one inside a `try` is recorded with the guard `try`
    file_reads: Strings = ()
    # calls that throw when handed an unset variable (`Buffer.from(undefined)`): recorded where the name is
    # the global's, and with the guard `try` inside a `try` (database/stops.py)
    unset_throws: Strings = ()
    # calls that throw at start-up where the environment lacks what they check (dotenv-safe's `config()`):
    # recorded with their enclosing function, and with the guard `try` inside a `try` (database/stops.py)
    startup_checks: Strings = ()
    # methods connecting a client, whose awaited calls with no argument are recorded with their function and
    # with the guard `try` inside a `try` (`await client.connect()` in the `main()` that then listens:
    # database/server_urls.py)
    connect_methods: Strings = ()
    # methods starting the server, whose calls are recorded with their function (`app.listen(3000)` in main)
    listen_methods: Strings = ()
    same_value_methods: Strings = ()  # string methods naming what their receiver does: `toLowerCase`
    # traced calls whose callback's first parameter is the call's result: `io.on("connection", (socket) => …)`
    handed_callbacks: Strings = ()


class ParseBindings(Record, frozen=True):
    FILE: ClassVar[str] = "parse"
    python: PythonBindings
    node: NodeBindings
