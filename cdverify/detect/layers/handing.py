"""Roles a file takes from what it hands on or holds (detect/layers/roles.py): a client it stores on the app,
returns from a getter or takes from the app's state, the data-access class it extends, the model modules it
re-exports. Each asks which project files already showed a role (`queries`, `models`: files running queries,
files defining models)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import Names, client_names, client_plugins, matches, store_names
from cdverify.detect.layers.names import Named, framework_of
from cdverify.detect.layers.owners import imported_names, query_methods
from cdverify.detect.layers.programs import wraps_plugin
from cdverify.detect.orm.catalogue import app_holders
from cdverify.model import Family, FileFacts, ImportKind, TargetKind
from cdverify.parse.libraries import node_libraries

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportEdge, ImportGraph


# a folder's index module, whose ES imports a barrel may hand on by name
_INDEX = re.compile(r"index\.[cm]?[jt]sx?")


def returns_client(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> bool:
    """A module-level function of the file returns a variable (`return db`) named like a client that a
    data-access module it imports at run time exports (`export const db = drizzle(sqlite)`, imported with
    `import { db }` or `const { db } = await import("../db/client")`), or the client such a module's
    factory makes (`dataSource = createDataSource(config)` kept in a module variable, `return dataSource`,
    where `createDataSource()` returns a `new DataSource(…)`): the file hands out the connection."""
    file_facts = facts[path]
    returned = {variable for name, variable in file_facts.aliases if name.endswith("()")}
    if not returned:
        return False
    made = [value for name, value in file_facts.exports if name.endswith("()") and value.endswith("()")]
    clients = client_names(preset, file_facts.language.family)
    for edge in graph.imports_of(path):
        target = edge.target
        if not target or target == path or edge.fact.kind.type_only or target not in queries:
            continue
        exported = dict(facts[target].exports) if target in facts else {}
        prefix = edge.fact.specifier + "."
        factories = {value.removeprefix(prefix) for value in made if value.startswith(prefix)}
        if any(matches(exported.get(name, ""), clients) for name in (*returned, *factories)):
            return True
    return False


def reexports_client(
    path: str,
    facts: Mapping[str, FileFacts],
    preset: str,
    queries: Collection[str],
    graph: ImportGraph,
    others: Collection[str] = (),
) -> bool:
    """The file exports, unchanged, the client or the client getter of a data-access module it imports
    (`const { getDbConnection } = require("./connection")` … `module.exports = { getDbConnection,
    initializeDb }` in `database/index.js`, where `connection.js` has `getDbConnection()` return
    `open({ driver: sqlite3.Database })`; `export { pool } from "./pool"`), whatever else it defines beside:
    its importers take the connection from it, so it hands the connection on. Only what the module really
    exports counts: a CommonJS `module.exports` / `exports.x` entry, an `export … from`. Not a module that
    imports a web framework (it builds, wires or serves the app; its caller leaves out route files), nor
    one importing modules of `others`, the model and route modules (`models/index.js` exporting the models
    with the `sequelize` instance they bind to is a models registry; an index re-exporting a router beside
    the client is of two roles, its path decides)."""
    file_facts = facts[path]
    if _handles_web(file_facts):
        return False
    handed = {
        call
        for a in file_facts.assignments
        if not a.scope
        and (a.target.startswith(("module.exports.", "exports.")) or a.target == "module.exports")
        for call in a.value.calls
    }
    handed.update(
        f"{fact.specifier}.{name}"
        for fact in file_facts.imports
        if fact.kind is ImportKind.REEXPORT
        for name in imported_names(fact)
    )
    if not handed:
        return False
    clients = client_names(preset, file_facts.language.family)
    edges = [edge for edge in graph.imports_of(path) if edge.target and edge.target != path]
    if any(edge.target in others for edge in edges):
        return False
    for edge in edges:
        target = edge.target or ""
        if edge.fact.kind.type_only or target not in queries or target not in facts:
            continue
        prefix = edge.fact.specifier + "."
        names = {value.removeprefix(prefix) for value in handed if value.startswith(prefix)}
        if any(
            name.removesuffix("()") in names and matches(value, clients)
            for name, value in facts[target].exports
            if name != "default"
        ):
            return True
    return False


def delegates_session(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> bool:
    """A Python module whose every call is of a function that a data-access module it imports by name opens
    a client in (`def get_db(): yield from get_session()`, where `db/connection.py`'s `get_session` yields
    `Session(engine)`), that defines no class and imports no web framework: a session provider handing out
    the connection that module opens, wherever its folder (`api/dependencies/database.py`), as one opening
    the session itself is. Not a package's `__init__.py`: a marker takes a layer only as a barrel
    (`barrel_of`), and one defining a function of its own keeps none. In Node, a Fastify plugin whose calls
    but the app's own (`fastify.log.info(…)`) are of such functions (`fp(async (app) => { initDb(url) })`,
    `db/index.ts`'s `initDb` making the pool and the Drizzle client) opens the connection for the app."""
    file_facts = facts[path]
    family = file_facts.language.family
    if not file_facts.calls or file_facts.classes:
        return False
    if family == Family.NODE:
        if not wraps_plugin(file_facts):
            return False
        getters = _client_getters(path, facts, preset, queries, graph)
        wrappers, holders = node_libraries().plugin_wrappers, app_holders(family)
        own = [
            c.callee
            for c in file_facts.calls
            if c.callee not in wrappers and not c.callee.startswith(holders)
        ]
        return bool(own) and all(callee in getters for callee in own)
    if family != Family.PYTHON or path.rpartition("/")[2] == "__init__.py" or _handles_web(file_facts):
        return False
    getters = _client_getters(path, facts, preset, queries, graph)
    return bool(getters) and all(call.callee in getters for call in file_facts.calls)


def _client_getters(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> set[str]:
    """The functions the file imports by name from data-access modules (`queries`) whose every call opens a
    client (`get_session` yielding `Session(engine)`), as the file calls them."""
    family = facts[path].language.family
    clients = client_names(preset, family)
    getters: set[str] = set()
    for edge in graph.imports_of(path):
        target = facts.get(edge.target or "")
        if edge.target == path or edge.target not in queries or target is None:
            continue
        for name in imported_names(edge.fact):
            inside = [call.callee for call in target.calls if call.scope.partition("@")[0] == name]
            if inside and all(_opens(callee, clients) for callee in inside):
                getters.add(f"{edge.fact.specifier}.{name}")
    return getters


def _opens(callee: str, clients: Names) -> bool:
    """A call making a client (`Session(engine)`, `SessionLocal()`) or one on it that runs no query
    (`db.close()`): not `session.exec(…)`, whose function hands out rows, not the connection."""
    _made, _dot, taken = callee.partition("().")
    return matches(callee, clients) and (not taken or taken.rpartition(".")[2] not in query_methods())


def _handles_web(file_facts: FileFacts) -> bool:
    """The file imports a web framework at all (`express`, `fastify`, `flask`)."""
    family = file_facts.language.family
    return any(framework_of(fact.specifier, family) for fact in file_facts.imports)


def stores_client(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> bool:
    """The file stores on the app instance (`[roles.stores]`: `fastify.decorate("db", …)`) a client it
    makes (`drizzle(pool)`, or a variable it assigned one to) or one a data-access module exports
    (`import { db } from "../db"`, or its default export, a client: `import db from "../config/database"`
    after `export default knex(config)`)."""
    file_facts = facts[path]
    family = file_facts.language.family
    if registers_client(file_facts, preset):
        return True
    stores = store_names(preset, family)
    if not stores:
        return False
    clients = client_names(preset, family)
    edges = [
        edge for edge in graph.imports_of(path) if edge.target != path and (edge.target or "") in queries
    ]
    sources = tuple(edge.fact.specifier + "." for edge in edges)
    # a default import, traced as the module itself, of a module whose default export is a client
    defaults = {
        edge.fact.specifier
        for edge in edges
        if (target := facts.get(edge.target or ""))
        and matches(dict(target.exports).get("default", ""), clients)
    }
    made = {call.target for call in file_facts.calls if call.target and matches(call.callee, clients)}

    def client(callee: str) -> bool:
        return (
            matches(callee, clients) or (bool(sources) and callee.startswith(sources)) or callee in defaults
        )

    return any(
        any(map(client, value.calls))
        or bool(made.intersection(value.names))  # `const kysely = new Kysely(options)`, then decorated
        for call in file_facts.calls
        if call.callee in stores
        for value in call.args[1:]
    )


def storing_owners(
    querying: Collection[str], facts: Mapping[str, FileFacts], preset: str, graph: ImportGraph
) -> frozenset[str]:
    """Files that run queries and store the client they make on the app (`fastify.decorate("db", db)` after
    `const db = new MongoClient(url).db(name)`, in `export async function connect(fastify: FastifyInstance)`
    in `services/databaseConnection.service.ts`): the request handlers take it from the app, so the file owns
    the connection as a module exporting it does (owners.connection_owners), whatever its name."""
    return frozenset(
        path for path in querying if path in facts and stores_client(path, facts, preset, querying, graph)
    )


def registers_client(file_facts: FileFacts, preset: str) -> bool:
    """The file's plugin registrations all register a plugin that decorates the app with a database client
    (`fastify.register(require("@fastify/postgres"), { connectionString })`: `[roles.client_plugins]`), as
    a plugin would store one it makes. A module registering other plugins beside it (`@fastify/autoload`,
    the route modules) wires the app."""
    registrations = _registrations(file_facts, preset)
    return bool(registrations) and all(registrations)


def _registered(file_facts: FileFacts, preset: str) -> set[str]:
    """The decorations of the client plugins the file registers (`pg` for `@fastify/postgres`, its
    `.default` or `.fastifyPostgres` export too)."""
    return {decoration for decoration in _registrations(file_facts, preset) if decoration}


def _registrations(file_facts: FileFacts, preset: str) -> list[str]:
    """The decoration of each plugin the file registers ("" for a plugin that is no client plugin); none
    where the preset knows no client plugin."""
    plugins = client_plugins(preset, file_facts.language.family)
    if not plugins:
        return []
    from cdverify.parse.libraries import node_libraries

    registers = node_libraries().plugin_registers
    return [
        next(
            (
                decoration
                for value in call.args[0].calls
                for plugin, decoration in plugins.items()
                if value == plugin or value.startswith(plugin + ".")
            ),
            "",
        )
        for call in file_facts.calls
        if call.args and call.callee.rpartition(".")[2] in registers
    ]


def barrel_of(path: str, file_facts: FileFacts, members: Collection[str], graph: ImportGraph) -> bool:
    """The file only re-exports project modules of one role, `members` (`export * from "./users"` in
    `db/schema/index.ts` of model modules; `export { db } from "./pglite"` in `adapters/db/index.ts` of a
    module opening the client), or exports the one instance it makes of a class one of them exports: it
    hands them on, a module of that role too."""
    if not file_facts.imports:
        return False
    if file_facts.calls:
        return _instance_of(path, file_facts, members, graph)
    if (
        any(fact.kind is not ImportKind.REEXPORT for fact in file_facts.imports)
        and not _hands_on_imports(file_facts)
        and not _package_reexports(path, file_facts)
    ):
        return False
    # a re-export of a module not in the project (`export * from "./client"`, the Prisma client generated
    # there) hands on nothing cdverify reads: the barrel is what its other modules are
    targets = [edge.target for edge in graph.imports_of(path) if not _unshipped_reexport(edge)]
    return bool(targets) and all(target and target != path and target in members for target in targets)


def _unshipped_reexport(edge: ImportEdge) -> bool:
    """A relative re-export whose module is not in the project (generated at install, left out)."""
    fact = edge.fact
    return (
        fact.kind is ImportKind.REEXPORT
        and edge.resolution.kind is TargetKind.UNRESOLVED
        and fact.specifier.startswith(".")
    )


def _instance_of(path: str, file_facts: FileFacts, members: Collection[str], graph: ImportGraph) -> bool:
    """A Node module whose only code makes an instance of a class the one project module it imports
    exports, and exports it (`import { DatabaseStorage } from "./database-storage"; export const storage =
    new DatabaseStorage()` in `storage.ts`): it hands that module's object on."""
    edges = graph.imports_of(path)
    if file_facts.language.family is not Family.NODE or len(edges) != 1 or file_facts.classes:
        return False
    (edge,) = edges
    made = {f"{call.callee}()" for call in file_facts.calls if call.new and not call.args and not call.scope}
    return (
        edge.target is not None
        and edge.target != path
        and edge.target in members
        and len(made) == len(file_facts.calls) == 1
        and all(callee.startswith(f"{edge.fact.specifier}.") for callee in made)
        and any(value in made for _name, value in file_facts.exports)
    )


def _hands_on_imports(file_facts: FileFacts) -> bool:
    """The module exports only what it imports, as `export … from` would: every name it exports and every
    value it assigns is an imported module, or a member of one it requires, with no literal or environment
    read among them; it defines no class or function, imports nothing inside a function, and a name it
    exports that it declares is an object it fills. An ES registry (`import User from "./User.js"; const
    models = { User, Product }; export default models`), a folder's ES index exporting the names it imports
    (`import { userTable } from "./user.schema"; export default { userTable, … }` in `schemas/index.ts`) and
    a CommonJS barrel (`const { getUser } = require("./getUser")` … `module.exports = { getUser, … }`) hand
    their modules on so. Elsewhere a Python or ES import is taken whole (`export default dataSource` after
    `import { dataSource } from "../plugins/db"` in the TypeORM CLI's `data-source.ts` hands on no module).
    Its caller checks that it calls nothing."""
    imports = file_facts.imports
    specifiers = {fact.specifier for fact in imports}
    name = file_facts.path.rpartition("/")[2]
    index = file_facts.language.family is Family.NODE and _INDEX.fullmatch(name) is not None
    members = (ImportKind.REQUIRE, ImportKind.STATIC) if index else (ImportKind.REQUIRE,)
    required = tuple(f"{fact.specifier}." for fact in imports if fact.kind in members)
    filled = {a.target.partition(".")[0] for a in file_facts.assignments if "." in a.target}

    def handed_on(traced: str) -> bool:
        return traced in specifiers or traced.startswith(required)

    return (
        bool(file_facts.exports)
        and not file_facts.classes
        and not file_facts.functions
        and not any(fact.in_function for fact in imports)
        and set(file_facts.declared) <= filled
        and all(handed_on(traced) for _name, traced in file_facts.exports)
        and all(
            not (a.value.strings or a.value.numbers or a.value.env) and all(map(handed_on, a.value.calls))
            for a in file_facts.assignments
        )
    )


def _package_reexports(path: str, file_facts: FileFacts) -> bool:
    """A Python package's `__init__.py` that only imports names of modules (`from .connection import engine,
    get_session`), at its top, and lists them in `__all__`: it defines no class or function, and binds no
    other name. Its caller checks that it calls nothing."""
    return (
        path.rpartition("/")[2] == "__init__.py"
        and file_facts.language.family is Family.PYTHON
        and not file_facts.classes
        and not file_facts.functions
        and all(
            fact.kind is ImportKind.STATIC and fact.names and not fact.in_function
            for fact in file_facts.imports
        )
        and all(
            a.target == "__all__" and not (a.value.numbers or a.value.env or a.value.calls)
            for a in file_facts.assignments
        )
    )


def extends_queries(path: str, file_facts: FileFacts, queries: Collection[str], graph: ImportGraph) -> bool:
    """A class of the file extends a class imported by name from a module that runs queries."""
    bases = {base for _name, written, _line in file_facts.classes for base in written}
    return bool(bases) and any(
        (edge.target or "") in queries
        and bool(bases & {*edge.fact.names, *(f"{edge.fact.specifier}.{name}" for name in edge.fact.names)})
        for edge in graph.imports_of(path)
        if edge.target != path
    )


def holds_gateway(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> bool:
    """A Python class of the file keeps on `self` the data-access object a querying module makes of its own
    class at module level and opens the connection for (`self.db_socket = db_socket` after `from db_socket
    import db_socket`, where db_socket.py has `db_socket = DbSocket()` and `DbSocket.connect` calls
    `asyncpg.create_pool(…)`): the file's classes run their queries through it, the base of table gateways
    (a `models/base.py` their subclasses extend, `extends_queries`). An object of a module that opens no
    client itself (a repository a service keeps) does not count. So is the file whose classes the classes of
    two querying modules or more extend, most of those extending them querying (`class BaseAccessor` of the
    KTS layout, registering its `connect` / `disconnect` on the app, under `AdminAccessor` and `GameAccessor`
    running the queries, and a chat API's accessor): `_gateway_base`."""
    file_facts = facts[path]
    if file_facts.language.family != Family.PYTHON:
        return False
    if _gateway_base(path, facts, queries, graph):
        return True
    kept = {
        a.value.names[0]
        for a in file_facts.assignments
        if a.scope
        and a.target.startswith("self.")
        and len(a.value.names) == 1
        and not (a.value.strings or a.value.env)
    }
    if not kept:
        return False
    for edge in graph.imports_of(path):
        target = facts.get(edge.target or "")
        if target is None or edge.target == path or edge.target not in queries:
            continue
        instances = {name for name, _cls in target.objects if not name.endswith("()")} & set(edge.fact.names)
        if not instances & kept:
            continue
        clients = client_names(preset, target.language.family).names
        if any(call.callee in clients for call in target.calls):
            return True
    return False


def _gateway_base(
    path: str, facts: Mapping[str, FileFacts], queries: Collection[str], graph: ImportGraph
) -> bool:
    """Two querying modules or more have classes extending a class the file defines, and they are most of the
    modules whose classes do. A file of abstract classes or protocols (importing `abc`, `Protocol`) declares
    the ports the data access implements (`class ArticleRepository(abc.ABC)` in `core/entities/`), no base
    of its own."""
    if any(fact.specifier == "abc" or "Protocol" in fact.names for fact in facts[path].imports):
        return False
    extending: set[str] = set()
    for edge in graph.importers_of(path):
        importer = facts.get(edge.source)
        if importer is None or edge.source == path:
            continue
        names = {f"{edge.fact.specifier}.{name}" for name in edge.fact.names}
        if any(base in names for _name, bases, _line in importer.classes for base in bases):
            extending.add(edge.source)
    querying = extending & set(queries)
    return len(querying) >= 2 and 2 * len(querying) > len(extending)


# where an app's state holds something: `app["pool"]`, `request.app.state.db` (the key in a group)
_IN_STATE = r"""(?:\[\s*["']({key})["']\s*\]|\.state\.({key})\b)"""
_STORED = re.compile(_IN_STATE.format(key=r"[A-Za-z_]\w*") + r"\s*$")  # the left side of an assignment


def state_holders(facts: Mapping[str, FileFacts], application: Iterable[str], preset: str) -> frozenset[str]:
    """Application files that take a client from an app's state (`self.pool = app["pool"]`,
    `factory = request.app.state.async_session`) where a file stored one made by a client call
    (`app["pool"] = await asyncpg.create_pool(…)`, `app.state.db = create_engine(…)`), or the decoration
    a registered client plugin adds (`db = instance.pg` where `@fastify/postgres` is registered): they own
    the connection as a module creating it does (a table gateway in `models/`)."""
    paths = [path for path in application if path in facts]
    keys = {key for path in paths for key in state_stores(facts[path], preset)}
    decorations = sorted({name for path in paths for name in _registered(facts[path], preset)})
    if not keys and not decorations:
        return frozenset()
    # `app["pool"]`, `request.app.state.db`; `instance.pg` where a client plugin decorates the app with `pg`
    reads = [_IN_STATE.format(key="|".join(map(re.escape, sorted(keys))))] if keys else []
    reads += [rf"[\w$)\]]\.(?:{'|'.join(map(re.escape, decorations))})\b"] if decorations else []
    read = re.compile("|".join(reads))
    return frozenset(
        path
        for path in paths
        if any(read.search(a.value.text.partition("=")[2]) for a in facts[path].assignments)
    )


def state_stores(file_facts: FileFacts, preset: str) -> set[str]:
    """The keys of an app's state the file stores a client in that it makes: the client call's result itself
    (`app["pool"] = await asyncpg.create_pool(…)`, `app.state.db = create_engine(…)`) or a variable the same
    function assigned one to (`pool = await aiomysql.create_pool(…)` then `app["db"] = pool` in a start-up
    hook)."""
    clients = client_names(preset, file_facts.language.family)
    made = {
        (a.scope, a.target)
        for a in file_facts.assignments
        if any(matches(callee, clients) for callee in a.value.calls)
    }
    keys: set[str] = set()
    for assignment in file_facts.assignments:
        left, equals, right = assignment.value.text.partition("=")
        stored = _STORED.search(left) if equals else None
        if stored is None:
            continue
        value = right.strip()
        if (assignment.scope, value) in made or any(
            matches(callee, clients) for callee in assignment.value.calls
        ):
            keys.add(stored.group(1) or stored.group(2))
    return keys


def state_owners(querying: Collection[str], facts: Mapping[str, FileFacts], preset: str) -> frozenset[str]:
    """Files that open a client and store it in an app's state (`state_stores`: `app["db"] = pool` after
    `pool = await aiomysql.create_pool(…)` in an `on_startup` hook): the request handlers take it from there
    (`request.app["db"]`), so the file owns the connection, as one storing it on a Fastify instance does."""
    return frozenset(path for path in querying if path in facts and state_stores(facts[path], preset))


def mapping_runners(
    named: Mapping[str, Named],
    placed: Collection[str],
    models: Collection[str],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
) -> list[str]:
    """Files not yet `placed` whose path names no layer, that define no class, import only project modules
    defining models (`models`) and call only functions those modules define, not their classes:
    `map_tables()` running `map_users_table()`, which maps an entity imperatively
    (`mapper_registry.map_imperatively(User, users_table)`). They run the models' mappings: models modules
    too. A factory building a model (`User(name=…)`) does not."""
    out = []
    for path, name in named.items():
        file_facts = facts.get(path)
        if path in placed or file_facts is None or name.folders or name.suffix or file_facts.classes:
            continue
        edges = [edge for edge in graph.imports_of(path) if edge.target != path]
        if any(edge.fact.in_function for edge in edges):  # a helper importing a model where it needs it
            continue
        if not file_facts.calls or not edges or any(edge.target not in models for edge in edges):
            continue
        modules = {edge.fact.specifier + ".": edge.target for edge in edges if edge.target}
        if all(_function_of(call.callee, modules, facts) for call in file_facts.calls):
            out.append(path)
    return out


def column_sets(
    placed: Collection[str],
    models: Collection[str],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    modules: Iterable[str],
    defaults: Collection[str] = (),
) -> list[str]:
    """Files not yet `placed` that a models module (`models`: files defining tables) imports, that define
    no class and whose every call, at least one, is of an ORM's column builders (`modules`:
    `drizzle-orm/pg-core`'s `timestamp().defaultNow()`), or of the SQL tag writing a column's default
    (`defaults`: `.default(sql`NULL`)`): the column sets the tables spread in (`...timestamps` in a
    `pgTable`), part of the models' definitions."""
    starts = tuple(module + "." for module in modules)
    if not starts:
        return []
    imported = {edge.target for model in models for edge in graph.imports_of(model) if edge.target}
    out = []
    for path in sorted(imported - set(placed) - set(models)):
        file_facts = facts.get(path)
        if file_facts is None or file_facts.classes or not file_facts.calls:
            continue
        builders = [call.callee.startswith(starts) for call in file_facts.calls]
        if any(builders) and all(
            built or call.callee in defaults for built, call in zip(builders, file_facts.calls, strict=True)
        ):
            out.append(path)
    return out


def _function_of(callee: str, modules: Mapping[str, str], facts: Mapping[str, FileFacts]) -> bool:
    """`callee` is a function one of `modules` (specifier + "." → file) defines: a lower-case name (a class
    is CapWords, PEP 8; base-less classes are not among the facts' classes) that is none of its classes."""
    for prefix, target in modules.items():
        rest = callee[len(prefix) :] if callee.startswith(prefix) else ""
        if rest and "." not in rest and rest[0].islower() and target in facts:
            return rest not in {name for name, _bases, _line in facts[target].classes}
    return False
