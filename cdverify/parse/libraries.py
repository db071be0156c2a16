"""The parser's library bindings (rules/parse.toml), read once per process as sets the scanners test names
against. Parsing runs per file, in forked worker processes: the catalogue is loaded on first use (or
inherited from the parent) and never read again per file."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import Family
from cdverify.rules_schema import AppCallback, Frameworks, ParameterBinding, ParseBindings


class PythonLibraries(NamedTuple):
    env_getters: frozenset[str]  # traced calls reading a variable: `os.getenv`
    env_helpers: frozenset[str]  # calls reading a variable, as written: `config`
    env_getter_suffixes: tuple[str, ...]  # traced calls ending so read one too: `environ.Env()`
    env_mappings: frozenset[str]  # subscripted to read one: `os.environ`
    wrappers: frozenset[str]  # traced calls whose result is their first argument: `contextlib.closing`
    url_builders: frozenset[str]  # traced calls building a database URL, the scheme first: `URL.create`
    annotated: Mapping[str, str]  # traced type → the value a parameter or attribute annotated so stands for
    type_aliases: frozenset[str]  # `typing.NewType`: a new name for the type of its second argument
    recorded_methods: frozenset[str]  # methods recorded per class (`FileFacts.members`)
    app_methods: AppMethods  # methods that make a parameter stand for the app handed in
    app_values: frozenset[str]  # what the app constructors make: `flask.Flask()`
    builtins: frozenset[str] = frozenset()  # built-ins recorded as `builtins.<name>` calls: `open`
    file_reads: frozenset[str] = frozenset()  # traced calls reading a file: `builtins.open`
    opening_calls: frozenset[str] = frozenset()  # traced calls connecting as they are made: `asyncpg.connect`
    untraced_hooks: frozenset[str] = frozenset()  # hook registrations kept untraced: `on_startup.append`
    connect_methods: frozenset[str] = frozenset()  # no-argument calls recorded with scope: `connect`
    handed_connects: frozenset[str] = frozenset()  # calls whose `try` is recorded: `create_all`
    query_results: frozenset[str] = frozenset()  # methods whose result is data a query read: `fetchone`


class AppMethods(NamedTuple):
    """The Python frameworks' app methods (rules/frameworks.toml): a parameter they are called on stands for
    the app its callers hand the function (cdverify/parse/pyparams.py)."""

    names: frozenset[str]  # route methods and mounts: `add_url_rule`, `register_blueprint`
    tables: frozenset[str]  # attributes holding them: aiohttp `app.router`
    pathed: frozenset[str]  # route methods, taken only with a route path (`get` is a mapping's too)


class NodeLibraries(NamedTuple):
    env_objects: frozenset[str]  # `process.env`
    env_getters: frozenset[str]  # `Deno.env.get`
    path_joins: frozenset[str]  # traced calls building a path: `path.join()`
    transactions: frozenset[str]  # methods handing their callback a transaction
    plugin_registers: frozenset[str]  # `register`
    plugin_wrappers: frozenset[str]  # `fastify-plugin`
    plugin_options: frozenset[str]  # `autoConfig`: the exported plugin's options, by a loader
    router_methods: frozenset[str]  # methods registering routes or mounting routers
    this_bases: tuple[str, ...]  # traced base classes whose `this` is traced (prefixes)
    extend: frozenset[str]  # methods of a repository extended by an object literal of methods
    repositories: tuple[str, ...]  # traced values ending so are repositories
    parameters: tuple[ParameterBinding, ...]  # first parameters that are a library's object
    app_callbacks: tuple[AppCallback, ...]  # option callbacks whose first parameter is a new app
    injected: frozenset[str] = frozenset()  # traced types of clients a constructor parameter may be
    wrappers: frozenset[str] = frozenset()  # traced calls standing for their first argument: `util.promisify`
    file_reads: frozenset[str] = frozenset()  # traced calls reading a file: `fs.readFileSync`
    unset_throws: frozenset[str] = frozenset()  # calls throwing when handed undefined: `JSON.parse`
    startup_checks: frozenset[str] = frozenset()  # calls checking the environment: `dotenv-safe.config`
    same_value_methods: frozenset[str] = frozenset()  # `x.toLowerCase()` is what `x` is: `toLowerCase`
    connect_methods: frozenset[str] = frozenset()  # awaited no-argument calls recorded with scope: `connect`
    listen_methods: frozenset[str] = frozenset()  # calls recorded with scope: `listen`
    handed_callbacks: frozenset[str] = frozenset()  # traced calls handing their callback their result
    app_returning: frozenset[str] = frozenset()  # the app's methods returning the app: `withTypeProvider`


@cache
def python_libraries() -> PythonLibraries:
    rules = load_rules(ParseBindings).python
    apps = app_classes()
    return PythonLibraries(
        frozenset(rules.env_getters),
        frozenset(rules.env_helpers),
        rules.env_getter_suffixes,
        frozenset(rules.env_mappings),
        frozenset(rules.wrappers),
        frozenset(rules.url_builders),
        {**apps, **rules.annotated},
        frozenset(rules.type_aliases),
        frozenset(rules.recorded_methods),
        app_methods(),
        frozenset(apps.values()),
        frozenset(rules.builtins),
        frozenset(rules.file_reads),
        frozenset(rules.opening_calls),
        frozenset(rules.untraced_hooks),
        frozenset(rules.connect_methods),
        frozenset(rules.handed_connects),
        frozenset(rules.query_results),
    )


def app_classes() -> dict[str, str]:
    """Every Python framework's app constructor (rules/frameworks.toml `apps`) as an annotated type: a
    parameter annotated with the app class (`def register_routes(app: Flask)`) stands for the app, so the
    routes, mounts and handlers registered on it inside the helper are the app's."""
    frameworks = load_rules(Frameworks).family(Family.PYTHON)
    classes = (
        app for entry in frameworks.values() for app in entry.apps if app.rpartition(".")[2][:1].isupper()
    )
    return {app: f"{app}()" for app in classes}  # not `get_wsgi_application`, a function


def app_methods() -> AppMethods:
    frameworks = load_rules(Frameworks).family(Family.PYTHON).values()
    routes = frozenset(method for entry in frameworks for method in entry.routes)
    others = frozenset(m for entry in frameworks for m in (*entry.mounts, *entry.app_prefix))
    tables = frozenset(table for entry in frameworks for table in entry.route_tables)
    return AppMethods(routes | others, tables, routes - others)


@cache
def node_libraries() -> NodeLibraries:
    rules = load_rules(ParseBindings).node
    return NodeLibraries(
        env_objects=frozenset(rules.env_objects),
        env_getters=frozenset(rules.env_getters),
        path_joins=frozenset(
            f"{module}.{function}()" for module in rules.path_modules for function in rules.path_functions
        ),
        transactions=frozenset(rules.transactions),
        plugin_registers=frozenset(rules.plugin_registers),
        plugin_wrappers=frozenset(rules.plugin_wrappers),
        plugin_options=frozenset(rules.plugin_options),
        router_methods=frozenset(rules.router_methods),
        this_bases=rules.this.bases,
        extend=frozenset(rules.this.extend),
        repositories=rules.this.repositories,
        parameters=rules.parameters,
        app_callbacks=rules.app_callbacks,
        injected=frozenset(rules.injected.clients if rules.injected is not None else ()),
        handed_callbacks=frozenset(rules.handed_callbacks),
        wrappers=frozenset(rules.wrappers),
        file_reads=frozenset(rules.file_reads),
        unset_throws=frozenset(rules.unset_throws),
        startup_checks=frozenset(rules.startup_checks),
        same_value_methods=frozenset(rules.same_value_methods),
        connect_methods=frozenset(rules.connect_methods),
        listen_methods=frozenset(rules.listen_methods),
        app_returning=frozenset(rules.app_returning),
    )
