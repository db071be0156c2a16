"""Layers by role: what each application file's code does (registers routes, defines mapped models, runs
queries or owns a connection), and which file wires the app (the composition root).

The roles come from facts already parsed and the detection reports built from them (routes from the
framework report, raw SQL from the ORM report); no file is read again. `by_role` decides each file's
layer from its path (names.py) and its role: the path wins where the two agree or the code says nothing,
the code's role where they disagree (rules/architecture/<preset>.toml `[roles]`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from cdverify.detect.layers.active_records import active_records
from cdverify.detect.layers.app_tools import app_tools
from cdverify.detect.layers.builders import statement_builders
from cdverify.detect.layers.catalogue import (
    base_makers,
    client_names,
    handler_names,
    matches,
    model_names,
    model_starts,
    preset_roles,
    repository_getters,
    schema_syncs,
)
from cdverify.detect.layers.configuration import configuration_modules, logging_modules, project_packages
from cdverify.detect.layers.data_controllers import data_controllers
from cdverify.detect.layers.deciding import decide
from cdverify.detect.layers.factory_apps import factory_apps
from cdverify.detect.layers.file_stores import file_store
from cdverify.detect.layers.handing import (
    barrel_of,
    column_sets,
    delegates_session,
    extends_queries,
    holds_gateway,
    mapping_runners,
    reexports_client,
    returns_client,
    state_holders,
    state_owners,
    stores_client,
    storing_owners,
)
from cdverify.detect.layers.handlers import (
    handler_modules,
    inline_delegates,
    own_handlers,
    router_hubs,
    url_tables,
)
from cdverify.detect.layers.instances import instance_imports
from cdverify.detect.layers.memory_stores import memory_store
from cdverify.detect.layers.model_queries import (
    handle_queriers,
    model_queriers,
    session_queriers,
    statement_runners,
)
from cdverify.detect.layers.names import (
    Evidence,
    LayerAssignment,
    Named,
    app_packages,
    beside_folders,
    beside_layers,
    framework_of,
    not_above,
    not_inside,
    settle,
    without_containers,
)
from cdverify.detect.layers.owners import connection_owners
from cdverify.detect.layers.packages import package_markers
from cdverify.detect.layers.programs import (
    job_workers,
    migration_helpers,
    package_scripts,
    root_scripts,
    scripts,
    stray_programs,
)
from cdverify.detect.layers.registries import registries
from cdverify.detect.layers.request_handling import (
    business_modules,
    business_package,
    connection_module,
    context_typed_connection_module,
    handles_requests,
    probe_lines,
    raises_errors_only,
    types_requests_only,
    use_case,
    view_subclasses,
)
from cdverify.detect.layers.request_providers import request_providers
from cdverify.detect.layers.role import Role
from cdverify.detect.layers.routing_roles import routing_roles
from cdverify.detect.layers.script_helpers import script_helpers
from cdverify.detect.layers.serverless import serverless_handlers
from cdverify.detect.layers.setups import setup_wiring
from cdverify.detect.layers.wiring import (
    app_installers,
    autoload_routers,
    bootstrap_steps,
    composition_roots,
    containers,
    data_access_wiring,
    entry_shims,
    hands_app,
    providers,
)
from cdverify.detect.tracing import Instances, foreign
from cdverify.model import Family, FileFacts
from cdverify.resolve.node.specifiers import is_relative

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport
    from cdverify.detect.orm import OrmReport
    from cdverify.resolve.graph import ImportGraph


# raw SQL that does data access: a statement, an opaque command, SQL built at run time
_DATA_ACCESS = ("statement", "command", "dynamic")
# a step of `RawSql.via`, `selectFromNaisysDb (src/database/naisysDatabase.ts:24)`: the helper's file
_VIA_FILE = re.compile(r"\(([^()]+):\d+\)")


class Roles(NamedTuple):
    """Each file's role and the files that build the app object."""

    of: dict[str, Role]
    apps: frozenset[str]
    # Python app files only by a port value held among settings (`SERVER_PORT = int(os.getenv(…))`): kept as
    # app files (composition roots), but a program importing one imports no module building the app
    settings: frozenset[str] = frozenset()


def code_roles(
    facts: Mapping[str, FileFacts],
    application: Iterable[str],
    preset: str,
    frameworks: FrameworkReport,
    orm: OrmReport,
    instances: Instances,
    graph: ImportGraph,
    data_named: Collection[str] = (),
    unnamed: Collection[str] = (),
    idle: frozenset[str] = frozenset(),
    models_named: Collection[str] = (),
) -> Roles:
    """The role of every application file whose code shows one (the strongest when it shows several;
    `data_named`: files whose path names the data-access layer, where that role, when shown, stands;
    `unnamed`: files whose path names no layer, where a model class's own query methods show data access;
    `idle`: libraries used for no data, whose clients show none: detect/data_calls.py; `models_named`: files
    only their own name places in models, `entities.py`, where statements built show data access)."""
    # EvidenceKind.ROUTES / .APP, by value: detect.framework imports this package
    routes = {route.file for route in frameworks.routes}
    routes |= {e.file for e in frameworks.evidence if e.kind == "routes"}
    routes |= serverless_handlers(facts, application, preset)  # `export const handler` of a Netlify function
    # a file whose app another file mounts (`app.route("/posts", posts)`) builds a router, not the app
    built = frozenset(e.file for e in frameworks.evidence if e.kind == "app") - frameworks.mounted_apps
    apps = built | {
        file
        for _port, file, line, text in frameworks.ports
        if not _settings_only(file, line, text, facts, graph)
    }
    settings = apps - built
    settings -= {
        file
        for _port, file, line, text in frameworks.ports
        if not _settings_only(file, line, text, facts, graph, python=True)
    }
    queries = {
        item.file
        for item in orm.raw_sql
        if item.kind in _DATA_ACCESS and item.purpose is None and not item.through_global
    }
    # the project's SQL helpers the statements are handed through (`selectFromNaisysDb(sql, params)` handing
    # its SQL on to `selectFromDb` of the module opening SQLite): such a module's code is data access
    sql_helpers = {
        match
        for item in orm.raw_sql
        if item.kind in _DATA_ACCESS and item.purpose is None and item.via
        for match in _VIA_FILE.findall(item.via)
    }
    probes: dict[str, set[int]] = {}  # file → lines of a health probe (`SELECT 1`): no data access
    for item in orm.raw_sql:
        if item.purpose == "health check":  # Purpose.HEALTH_CHECK, by value as above
            probes.setdefault(item.file, set()).add(item.line)
    # the modules whose functions routes take as handlers, or whose controller a Node route's inline handler
    # hands the request to (`(req, res) => logController.list(req, res)`): they handle requests
    handlers = handler_modules(frameworks, facts, graph) | inline_delegates(frameworks, facts, graph)
    held = state_holders(facts, application, preset)
    held |= model_queriers(facts, application, preset, orm, graph, unnamed)
    held |= handle_queriers(facts, set(unnamed) & set(application), preset, instances) - handlers
    found: dict[str, Role] = {}
    for path in application:
        if path in routes:
            found[path] = Role.ROUTES
            continue
        file_facts = facts.get(path)
        if file_facts is None:
            continue
        lines = frozenset(probes.get(path, ()))
        role = _role_of(path, file_facts, preset, instances, lines, path in held, path in data_named, idle)
        if role is None and path in queries and not handles_requests(file_facts):
            role = Role.QUERIES
        if role is None and path in sql_helpers and path in unnamed and path not in handlers:
            role = None if handles_requests(file_facts) else Role.QUERIES  # it hands the SQL on
        if role is None and path not in handlers and file_store(file_facts, preset):
            role = Role.QUERIES if not handles_requests(file_facts) else None  # a JSON-file store
        if role is None and path not in handlers and memory_store(file_facts, preset):
            role = Role.QUERIES if not handles_requests(file_facts) else None  # `new MemStorage()`
        if role is None and path not in handlers and use_case(path, file_facts, graph):
            role = Role.USE_CASE
        if role is Role.QUERIES and path in handlers:
            role = None  # a controller querying inline: it handles requests, its folder or name decides
        if role is not None:
            found[path] = role
    # `class UserEntity(AbstractView)` after `class AbstractView(web.View)` in another module: a view too
    for path in view_subclasses(facts, application, handler_names(preset, Family.PYTHON), graph):
        found[path] = Role.ROUTES

    def of(role: Role) -> set[str]:
        return {path for path, found_role in found.items() if found_role is role}

    listed = preset_roles(preset)  # `controllers/` of the business rules the blueprints call: use cases
    folders = listed[0].business_folders.get(Family.PYTHON, ()) if listed else ()
    business = business_modules(facts, application, folders, routes | of(Role.ROUTES), graph) - handlers
    for path in business:
        found.setdefault(path, Role.USE_CASE)
    for path in {p.rpartition("/")[0] + "/__init__.py" for p in business} & set(facts):  # their package
        if path not in found and business_package(path, facts[path], business, graph):
            found[path] = Role.USE_CASE

    # `pool.query(build(…))`, `PGClient.query(userQueries.byId(id))`: the module writing the statements
    for path in statement_builders(facts, set(application), preset, graph, instances):
        if path not in found and not handles_requests(facts[path]):
            found[path] = Role.QUERIES

    models = of(Role.MODELS)
    # `conn.execute(sa.select(…))` in a module whose path names no layer, or only its name names models
    statement_paths = [p for p in application if p in unnamed or p in models_named]
    for path in statement_runners(facts, statement_paths, preset, models, graph):
        if (
            path not in found
            and path not in apps
            and path not in handlers
            and not handles_requests(facts[path])
        ):
            found[path] = Role.QUERIES

    querying = of(Role.QUERIES) | set(data_named)
    for path in application:  # `self.db_socket = db_socket`, the querying module's own object: a gateway base
        if (
            path not in found
            and path in facts
            and path not in handlers
            and path not in apps
            and not handles_requests(facts[path])
            and holds_gateway(path, facts, preset, querying, graph)
        ):
            found[path] = Role.QUERIES
    querying = of(Role.QUERIES)
    for path in application:  # `class FooDB(DBModel)`: a gateway's subclass is a gateway
        if path not in found and path in facts and extends_queries(path, facts[path], querying, graph):
            found[path] = Role.QUERIES
            querying.add(path)
    unplaced = [path for path in application if path not in found and path not in apps]
    handling = of(Role.ROUTES)
    tables = url_tables(facts, unplaced, handling, graph) | router_hubs(facts, unplaced, handling, graph)
    found.update(dict.fromkeys(tables, Role.ROUTES))
    models = of(Role.MODELS)
    for path in application:
        if path not in found and path in facts and barrel_of(path, facts[path], models, graph):
            found[path] = Role.MODELS
    # `module.exports = require("./usersAPI")` in `users/index.js`: a Node barrel of a router is one (a Python
    # package's `__init__.py` bringing its views up is its package's marker: packages.py)
    handling = of(Role.ROUTES)
    for path in application:
        node = path in facts and facts[path].language.family == Family.NODE
        if path not in found and node and barrel_of(path, facts[path], handling, graph):
            found[path] = Role.ROUTES
    # `fastify.decorate("db", db)` in a plugin, `getDbClient()` returning the `db` that `await
    # import("../db/client")` gives it, `module.exports = { getDbConnection, … }` re-exporting the getter
    # of the module opening the connection: the file hands the client on
    reexports = partial(reexports_client, others=of(Role.MODELS) | of(Role.ROUTES))
    for hands in (stores_client, returns_client, reexports, delegates_session):
        queries_now = of(Role.QUERIES)
        handing = [
            path
            for path in application
            if path not in found
            and path not in routes
            and path in facts
            and hands(path, facts, preset, queries_now, graph)
        ]
        found.update(dict.fromkeys(handing, Role.QUERIES))
    # `export { db } from "./client"` in `adapters/db/index.ts`: a barrel of data access
    querying = of(Role.QUERIES)
    barrels = [path for path in application if path not in found and path not in routes and path in facts]
    found.update((path, Role.QUERIES) for path in barrels if barrel_of(path, facts[path], querying, graph))
    return Roles(found, apps, settings)


def _settings_only(
    path: str, line: int, text: str, facts: Mapping[str, FileFacts], graph: ImportGraph, python: bool = False
) -> bool:
    """The file a port was read from only holds settings: the port is a value written there (`port:
    Number(env.PORT || 3001)` in the object config/index.js's `getConfig()` returns), not a call that
    listens, and the file imports neither the web framework nor a project module, so it can build or start
    no app (the server listening on `getConfig().port` is elsewhere). Node files only: a Python module's
    port constant (`def server_port(): return int(os.environ.get("PORT", 8080))`) still makes an app file;
    with `python`, the same test for a Python module (`Roles.settings`)."""
    file_facts = facts.get(path)
    if file_facts is None or not (python or file_facts.language.family == Family.NODE):
        return False  # Python: a port constant still makes an app file
    if any(call.line == line and call.text == text for call in file_facts.calls):
        return False  # the listen call itself (`app.listen(3000)`)
    family = file_facts.language.family
    if any(framework_of(fact.specifier, family) for fact in file_facts.imports if not fact.kind.type_only):
        return False
    return not any(edge.target and edge.target != path and edge.runtime for edge in graph.imports_of(path))


def _role_of(
    path: str,
    file_facts: FileFacts,
    preset: str,
    instances: Instances,
    probes: frozenset[int] = frozenset(),
    holds_client: bool = False,
    data_named: bool = False,
    idle: frozenset[str] = frozenset(),
) -> Role | None:
    """The role a file's code shows. A client call running a health probe (`session.execute(text("SELECT
    1"))`, the probe on its line or up to two lines below) does not count: a health check is no query.
    `holds_client`: the file takes the client the app's state holds (`self.pool = app["pool"]`). A file
    both defining a table and querying is models, unless its path names data access (`data_named`:
    `user.repository.drizzle.ts` declaring the `users` pgTable its methods query), which then stands."""
    family = file_facts.language.family
    handlers = handler_names(preset, family)
    if handlers and (
        any(
            call.callee in handlers or foreign(call.callee, path, family, instances) in handlers
            for call in file_facts.calls
        )
        or any(base in handlers for _name, bases, _line in file_facts.classes for base in bases)
        or any(
            name in handlers or foreign(name, path, family, instances) in handlers
            for name in file_facts.decorators
        )
    ):
        return Role.ROUTES  # a GraphQL resolver or Socket.IO event handler answers as a controller does
    models = model_names(preset, family)[1]
    starts = model_starts(preset, family)
    clients = client_names(preset, family, idle)
    syncs = schema_syncs(preset, family)  # `sequelize.sync()` creates tables: no query
    getters = repository_getters(preset, family)
    wired = _handed_to_project(file_facts) if getters else frozenset()
    for _name, written, _line in file_facts.classes:
        traced = [foreign(base, path, family, instances) or base for base in written]
        if starts and any(base.startswith(starts) for base in traced):
            return Role.MODELS
    if handles_requests(file_facts) and not (
        (holds_client and types_requests_only(file_facts))
        or connection_module(path, file_facts, instances)
        or raises_errors_only(file_facts)
        or context_typed_connection_module(path, file_facts, instances, _database_names(preset))
    ):
        return None  # a request handler: its data access is inline
    querying, declares, tables = holds_client, False, False
    bases = base_makers(preset, family)
    probing = probe_lines(probes, file_facts)
    for call in file_facts.calls:
        callee = foreign(call.callee, path, family, instances) or call.callee
        if callee in models and not call.scope:  # a table defined at module level, not `Note(…)` in a method
            if not data_named:
                return Role.MODELS
            tables = True
        # `sequelize.define("User", …)` in sequelize-cli's `(sequelize, DataTypes) => …`: a definition
        querying = querying or (
            call.line not in probing
            and callee not in models
            and matches(callee, clients)
            and callee.rpartition(".")[2] not in syncs
            # `newNoteRepository(dataSource.getRepository(NoteTable))`: wires the project's repository
            and not (callee.rpartition(".")[2] in getters and f"{call.callee}()" in wired)
        )
        declares = declares or (callee in bases and bool(call.target))  # `Base = declarative_base()`
    if querying or tables:
        return Role.QUERIES if querying else Role.MODELS
    # `Base = declarative_base()`, `mapper_registry = registry()`: the models' base, with no client beside it
    return Role.MODELS if declares else None


def _handed_to_project(file_facts: FileFacts) -> frozenset[str]:
    """The calls whose results the file hands straight to a function of a project module (a relative
    import's: `newNoteRepository(dataSource.getRepository(NoteTable))` → `typeorm.DataSource().
    getRepository()`), as the arguments' values name them."""
    return frozenset(
        called
        for call in file_facts.calls
        if is_relative(call.callee)
        for value in call.args
        for called in value.calls
    )


def _database_names(preset: str) -> tuple[str, ...]:
    """The preset's names of files and folders named for the database (`[roles] data_file_names`)."""
    listed = preset_roles(preset)
    return tuple(listed[0].data_file_names) if listed else ()


def _path_layer(name: Named) -> str | None:
    """The layer a path alone names: a user glob, its deepest layer folder, else its file name."""
    if name.glob is not None:
        return name.glob
    if name.folders:
        return name.folders[0][0]
    return None if name.abstract else name.suffix


def by_role(
    named_layers: LayerAssignment,
    graph: ImportGraph,
    facts: Mapping[str, FileFacts],
    frameworks: FrameworkReport,
    orm: OrmReport,
    instances: Instances,
    script_files: Collection[str] = (),
    migrations: Collection[str] = (),
    idle: frozenset[str] = frozenset(),
    outside_scripts: Collection[str] = (),
) -> LayerAssignment:
    """The layer of every application file from its path and its code; composition roots get none, nor
    do scripts (`script_files`: those package.json scripts and pyproject console entry points run) and
    helpers only the `migrations` (the migration-scope sources) import, nor those only scripts and the
    `outside_scripts` (the script-scope sources: seeds) import; the clients of `idle` libraries,
    used for no data (detect/data_calls.py), show no data access."""
    preset = named_layers.preset
    found_roles = preset_roles(preset) if preset else None
    layers = named_layers.order
    roles = found_roles[1] if found_roles else None
    if roles is None or not {roles.routes, roles.models, roles.queries, roles.services} <= set(layers):
        return named_layers
    if found_roles:  # folders that name a layer only by where they sit
        placed = not_inside(named_layers.named, found_roles[0].not_inside)
        placed = not_above(placed, found_roles[0].not_above)
        placed = beside_layers(placed, found_roles[0].beside_layers, roles.models)
        placed = beside_folders(placed, found_roles[0].beside_folders)
        if placed is not named_layers.named:
            named_layers = msgspec.structs.replace(named_layers, named=placed)
    data_named = [
        path
        for path, name in named_layers.named.items()
        if (name.folders[0][0] if name.folders else None if name.abstract else name.suffix) == roles.queries
    ]
    unnamed = {path for path, name in named_layers.named.items() if not name.folders and name.suffix is None}
    # `logbook/queries/entities.py` building `select(…)` statements: its name alone says models
    models_named = {
        path
        for path, name in named_layers.named.items()
        if not name.folders and name.glob is None and name.suffix == roles.models
    }
    found = code_roles(
        facts,
        named_layers.named,
        preset,
        frameworks,
        orm,
        instances,
        graph,
        data_named,
        unnamed,
        idle,
        models_named,
    )
    models = [path for path, role in found.of.items() if role is Role.MODELS]
    runners = mapping_runners(named_layers.named, found.of, models, facts, graph)
    found.of.update(dict.fromkeys(runners, Role.MODELS))
    columns = found_roles[0].column_modules.get("node", ()) if found_roles else ()
    defaults = found_roles[0].column_defaults.get("node", ()) if found_roles else ()
    # `db/columns.helpers.ts` of the `timestamp()` columns each pgTable spreads in: models
    sets = column_sets(found.of, models, facts, graph, columns, defaults)
    found.of.update(dict.fromkeys(sets, Role.MODELS))
    # a plain class keeping its record's fields and running the SQL that stores them: Active Record, models
    # where the path names no layer or names models (detect/layers/active_records.py)
    plain = [
        path
        for path, role in found.of.items()
        if role is Role.QUERIES and _path_layer(named_layers.named[path]) in (None, roles.models)
    ]
    found.of.update(dict.fromkeys(active_records(facts, plain, orm.raw_sql), Role.MODELS))
    # routers, handler modules and request schemas the registrations reach; `items.main(request)` in a
    # catch-all handler hands the request on to `delegated`
    delegated = routing_roles(
        found.of, named_layers.named, found.apps, frameworks, facts, graph, roles.routes
    )
    # `modules/trips/trips.ts` autoloading the module's `routes/` plugins mounts them: a router
    routers_now = {path for path, role in found.of.items() if role is Role.ROUTES}
    placed_now = {*found.of, *found.apps}
    loading = autoload_routers(frameworks.autoloads, named_layers.named, routers_now, placed_now, facts)
    found.of.update(dict.fromkeys(loading, Role.ROUTES))
    querying = [path for path, role in found.of.items() if role is Role.QUERIES and path not in found.apps]
    clients = partial(client_names, named_layers.preset)
    steps = bootstrap_steps(querying, facts, graph, clients) if querying else []
    for path in steps:  # a start-up step a bootstrap runs (`loaders: [typeormLoader]`): wiring
        del found.of[path]
    handlers = frozenset(path.rpartition("/")[0] for path, role in found.of.items() if role is Role.ROUTES)
    confirmed = {path: decide(named_layers.named[path], role, roles) for path, role in found.of.items()}
    layered = {  # files whose code agrees with their path's layer, or puts them in one
        path: (choice[0] if choice else named_layers.named[path].folders[0][0])
        for path, choice in confirmed.items()
        if choice or named_layers.named[path].folders
    }
    named = without_containers(named_layers.named, roles.routes, handlers, layered)
    routers = frozenset(path for path, role in found.of.items() if role is Role.ROUTES)
    named = app_packages(named, roles.routes, routers, layered, found.apps)
    named = project_packages(named, facts)  # Django's project package (`service/settings.py`): no layer
    handing = hands_app(found.apps, frameworks, facts, graph)
    handed = handler_modules(frameworks, facts, graph)
    if found_roles:  # `controllers/` wrapping the ORM for presenters, handling no request: data access
        folders = found_roles[0].business_folders.get(Family.PYTHON, ())
        layering = (roles.routes, roles.queries)
        prefixes = found_roles[0].data_folder_prefixes

        def queriers(paths: list[str]) -> frozenset[str]:
            models = model_queriers(facts, paths, preset, orm, graph)
            return models | session_queriers(facts, paths, preset, orm, graph)

        handling = routers | handed
        named = data_controllers(named, folders, found.of, handling, facts, layering, queriers, prefixes)
    # `const app = honoApp()` of an app file's factory, routes registered on it: the app file
    apps = (found.apps | factory_apps(found.apps, frameworks, facts, graph)) & named.keys()
    own = own_handlers(frameworks, facts, graph)
    routing = frozenset(path for path, role in found.of.items() if role is Role.ROUTES)
    # the modules an app's own handler hands the request to are not routers it mounts: it answers itself
    mounting = routing - delegated
    # app files registering only handlers that serve no path (`app.notFound(…)`, `app.onError(…)`)
    unserved = apps - {route.file for route in frameworks.routes}
    roots = composition_roots(
        apps,
        mounting,
        graph,
        named,
        roles.routes,
        handing,
        handed,
        own,
        layered,
        frameworks.autoloads,
        unserved=unserved,
    )
    roots = (*roots, *entry_shims(named, facts, graph, apps))  # `api/index.py`: `from app.main import app`
    layer_of = lambda path: _path_layer(named[path]) if path in named else None  # noqa: E731
    roots, named = setup_wiring(
        roots, named, facts, graph, frameworks, found, routing, roles.routes, layer_of
    )
    decided: dict[str, tuple[str, Evidence] | None] = {
        path: None
        for path in roots
        if named[path].glob is None  # a user glob places it anyway
    }
    querying_now = {path for path, role in found.of.items() if role is Role.QUERIES}
    owners = connection_owners(querying_now, facts, graph, preset, instances.generated)
    owners |= storing_owners(querying_now, facts, preset, graph)  # `fastify.decorate("db", db)`
    keepers = state_owners(querying_now, facts, preset)  # `app["db"] = pool` in a start-up hook
    for path, role in found.of.items():
        if path not in decided:
            choice = decide(named[path], role, roles, path in owners or path in keepers)
            if choice is not None:
                decided[path] = choice
    programs = scripts(named, facts, graph, found_roles[0].script_directories) if found_roles else ()
    migrators = found_roles[0].migration_runners.get("node", ()) if found_roles else ()
    consumers = [c for family in found_roles[0].job_consumers.values() for c in family] if found_roles else []
    workers = job_workers(facts, named, consumers)  # worker processes: none of them is a script
    run = (
        *package_scripts(script_files, named, graph, found.apps, routing),
        *root_scripts(named, facts, graph, found.apps, migrators, routing, found.settings),
        *stray_programs(named, facts, graph, found.apps, routing),
        *app_tools(named, facts, graph, found.apps, found.of, routing),
    )
    programs = tuple(sorted({*programs, *run} - workers))
    decided.update(dict.fromkeys(programs))
    served = script_helpers(named, graph, programs, {*found.apps, *routing, *owners}, outside_scripts)
    decided.update(dict.fromkeys(served))
    helpers = migration_helpers(named, graph, migrations)
    decided.update(dict.fromkeys(helpers))
    configuring = configuration_modules(named, facts, {*found.of, *apps, *decided})
    decided.update(dict.fromkeys(configuring))
    logs = logging_modules(
        named, found_roles[0].logging_names if found_roles else (), {*found.of, *apps, *decided}
    )
    decided.update(dict.fromkeys(logs))  # `services/utils/logger.js`: logging, no layer
    settings = [  # settings read from the environment or written down, importing only types of the project
        path
        for path in logging_modules(
            named, found_roles[0].settings_names if found_roles else (), {*found.of, *apps, *decided}
        )
        if all(edge.fact.kind.type_only for edge in graph.imports_of(path) if edge.target)
    ]
    decided.update(dict.fromkeys(settings))  # `infrastructure/config/index.ts`: settings, no layer
    assignment = settle(named, decided, layers, roots, named_layers.preset)
    wiring = [
        path
        for path in data_access_wiring(
            assignment,
            routing,
            graph,
            roles.services,
            facts,
            client_names(named_layers.preset, Family.PYTHON),
            starts=roots,
            keepers=keepers,
        )
        if path not in owners
    ]
    stack = (roles.routes, roles.services, roles.queries)
    # a container building the controllers; a router whose code registers the routes it builds them for is
    # routes (a module's `user.routes.ts` wiring repository -> service -> handler): its imports are checked
    wiring += [
        path
        for path in containers(assignment.files, assignment.evidence, graph, stack, facts)
        if path not in routing
    ]
    wiring += providers(assignment, graph, facts, routing | handed, roles.routes, stack[1:])
    wiring += request_providers(assignment, graph, facts)  # `depends/book_service.py` building the service
    registering = found_roles[0].registrations.get("node", ()) if found_roles else ()
    wiring += registries(assignment.files, {*found.of, *found.apps}, graph, facts, registering)
    wiring += app_installers(found.apps, frameworks, facts, graph, assignment, roles.routes)
    wiring += [
        path for path in steps if path in named and not named[path].folders and named[path].glob is None
    ]
    if wiring:
        roots = tuple(sorted({*roots, *wiring}))
        decided.update(dict.fromkeys(wiring))
        assignment = settle(named, decided, layers, roots, named_layers.preset)
    markers = package_markers(assignment, facts)
    if markers:
        decided.update(markers)
        assignment = settle(named, decided, layers, roots, named_layers.preset)
    for path in roots:
        assignment.evidence.setdefault(path, Evidence.COMPOSITION_ROOT)
    for path in programs:
        assignment.evidence.setdefault(path, Evidence.SCRIPT)
    for path in helpers:
        assignment.evidence.setdefault(path, Evidence.MIGRATION_HELPER)
    for path in served:
        assignment.evidence.setdefault(path, Evidence.SCRIPT_HELPER)
    for path in configuring:
        assignment.evidence.setdefault(path, Evidence.CONFIGURATION)
    for path in logs:
        assignment.evidence.setdefault(path, Evidence.LOGGING)
    for path in settings:
        assignment.evidence.setdefault(path, Evidence.SETTINGS)
    for path in (path for path, choice in markers.items() if choice is None):
        assignment.evidence.setdefault(path, Evidence.PACKAGE)  # a package of scripts: no layer
    bound = instance_imports(assignment, graph, facts, frameworks, orm, instances, roles.models)
    return msgspec.structs.replace(assignment, instance_imports=bound) if bound else assignment
