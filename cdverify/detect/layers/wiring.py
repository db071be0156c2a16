"""Wiring seen in code: the files that build, start and assemble the app rather than being one of its layers —
composition roots (app files that mount the routers or hand the app object to project code although they
register a route or two), the modules they delegate the mounting to, dependency-injection containers and
providers, bootstrap steps, and data-access files that hand the connection on. Programs run by themselves
(scripts, in no layer) are detect/layers/programs.py."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.layers.catalogue import Names, matches
from cdverify.detect.layers.handlers import names_of_import
from cdverify.detect.layers.names import Evidence, LayerAssignment, Named, framework_of
from cdverify.model import Family, FileFacts
from cdverify.rules_schema import Frameworks

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport
    from cdverify.resolve.graph import ImportEdge, ImportGraph

# an app file registering more routes of its own than this is the routes layer, whatever else it wires
_ROOT_ROUTES = 2
# an app file registering at least this many routes of its own, more than the routers it mounts, handles
# requests itself: the routes layer though it builds the app (a FastAPI `main.py` of 24 handlers)
_HANDLER_ROUTES = 8


def hands_app(
    apps: frozenset[str], frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """App files that register at most two routes of their own (`app.get("/")`, a health check) and hand
    the app object to project code (`registerHealthRoutes(app, dep)`, `componentRegistry.mountRoutes(app)`,
    `init_routes(app)`): they wire the app, whose routes live in the modules they hand it to."""
    own: dict[str, set[str]] = {}
    for route in frameworks.routes:
        if route.file in apps:
            own.setdefault(route.file, set()).add(route.receiver)
    counts = {path: sum(route.file == path for route in frameworks.routes) for path in own}
    out = set()
    for path, receivers in own.items():
        if counts[path] > _ROOT_ROUTES or path not in facts:
            continue
        project = tuple(
            f"{edge.fact.specifier}."
            for edge in graph.imports_of(path)
            if edge.target and edge.target != path
        )
        if project and any(
            call.callee.startswith(project) and any(receivers & set(arg.names) for arg in call.args)
            for call in facts[path].calls
        ):
            out.add(path)
    return frozenset(out)


def app_installers(
    apps: frozenset[str],
    frameworks: FrameworkReport,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    assignment: LayerAssignment,
    routes: str,
) -> list[str]:
    """Modules an app file hands its app object to (`initRoutes(app)`) that only their file name places in
    routes (`loaders/routes.js`), that register no route and handle no request of their own, and that import
    route modules: they mount the routers on the app (`app.use("/books", booksRouter)`), a step of the
    wiring the composition root delegates, not a routes module. Node only: a Python module handed the app
    registers routes on a parameter (`def register_routes(app: Flask): app.add_url_rule(…)`) that the facts
    do not trace, so "registers no route" cannot be told there (a route table such as `router.py` would
    lose its layer)."""
    own = {e.file for e in frameworks.evidence if e.kind == "routes"} | {r.file for r in frameworks.routes}
    out = []
    for path in sorted(apps & facts.keys()):
        if facts[path].language.family is not Family.NODE:
            continue
        lines = {e.line for e in frameworks.evidence if e.kind == "app" and e.file == path}
        made = {c.target for c in facts[path].calls if c.line in lines and c.target}
        if not made:
            continue
        for edge in graph.imports_of(path):
            target = edge.target
            if (
                target is None
                or target == path
                or target in own
                or assignment.files.get(target) != routes
                or assignment.evidence.get(target) is not Evidence.FILE_NAME
            ):
                continue
            prefix = (edge.fact.specifier, f"{edge.fact.specifier}.")
            handed = any(
                (call.callee == prefix[0] or call.callee.startswith(prefix[1]))
                and any(made & set(arg.names) for arg in call.args)
                for call in facts[path].calls
            )
            mounts = any(
                assignment.files.get(inner.target or "") == routes
                and assignment.evidence.get(inner.target or "") is not Evidence.FILE_NAME
                for inner in graph.imports_of(target)
            )
            if handed and mounts:
                out.append(target)
    return out


def bootstrap_steps(
    querying: Iterable[str],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    clients: Callable[[Family], Names] | None = None,
) -> list[str]:
    """Files whose code opens a connection or queries that their importers only hand, uncalled, in the
    options of a library's call (`bootstrapMicroframework({ loaders: [typeormLoader, expressLoader] })`):
    start-up steps the bootstrap runs (`loaders/typeormLoader.ts` making the connection and giving it to
    the framework's settings), wiring rather than data access. A module whose export the project calls
    (`db.connect()`), or hands as a plain argument (`app.use(session)`), keeps its role; so does one whose
    export is handed to a data client's constructor (`clients` of the importer's family:
    `sessionmaker(bind=engine)`, `drizzle({ client: pool })`), which builds more data access on it."""
    wanted = set(querying)
    into: dict[str, list[ImportEdge]] = {}
    for edge in graph.internal_edges():
        if edge.target in wanted and edge.source != edge.target and edge.runtime:
            into.setdefault(edge.target, []).append(edge)
    out = []
    for path, edges in sorted(into.items()):
        if all(_handed_as_option(edge, facts, graph, clients) for edge in edges):
            out.append(path)
    return out


def _handed_as_option(
    edge: ImportEdge,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    clients: Callable[[Family], Names] | None,
) -> bool:
    """The importer hands what it imports in an option of a library's call that makes no data client, and
    neither calls it nor uses it otherwise."""
    source = facts.get(edge.source)
    if source is None:
        return False
    made = clients(source.language.family).names if clients is not None else frozenset()
    spec = edge.fact.specifier
    brought = (spec, f"{spec}.")
    project = tuple(f"{e.fact.specifier}" for e in graph.imports_of(edge.source) if e.target)
    handed = False
    for call in source.calls:
        if call.callee == spec or call.callee.startswith(brought):
            return False  # called
        if any(callee.startswith(brought) for value in call.args for callee in value.calls):
            return False  # a plain argument
        if any(callee.startswith(brought) for _key, value in call.kwargs for callee in value.calls):
            if call.callee.startswith(project) or call.callee in made:
                return False  # handed to project code, or to a data client built on it
            handed = True
    return handed and not any(
        callee.startswith(brought) for assignment in source.assignments for callee in assignment.value.calls
    )


def containers(
    files: Mapping[str, str],
    evidence: Mapping[str, Evidence],
    graph: ImportGraph,
    stack: tuple[str, ...],
    facts: Mapping[str, FileFacts],
) -> list[str]:
    """Files that only their file name places (`di/services.ts`) and that import a module of every layer
    of `stack` (routes, services, data access): a dependency-injection container building the controllers
    from the services and the repositories wires the app rather than being one of its layers. So is a Node
    file that builds the services from the repositories (both layers of `stack[1:]`), only constructs
    (`_constructs_only`) and hands a service it makes to a call (`_hands_made`): a Fastify plugin
    `plugins/services.js` decorating the app with `new UserService(new UserRepository(User))`, also one only
    its services folder places (`modules/events/infrastructure/services/index.ts`, such a plugin per
    module). A service so named or placed that calls what it builds or imports is a service."""
    found = []
    for path, kind in evidence.items():
        placed = kind is Evidence.FOLDER and files.get(path) == stack[1]
        if kind is not Evidence.FILE_NAME and not placed:
            continue
        edges = [edge for edge in graph.imports_of(path) if edge.target != path and _wires(edge)]
        if not placed and set(stack) <= {files.get(edge.target or "") for edge in edges}:
            found.append(path)
            continue
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family == Family.PYTHON:
            continue
        if not _constructs_only(file_facts):
            continue
        built = {files.get(edge.target or "") for edge in edges if _builds_with(edge, file_facts)}
        services = [edge for edge in edges if files.get(edge.target or "") == stack[1]]
        if set(stack[1:]) <= built and any(_hands_made(edge, file_facts) for edge in services):
            found.append(path)
    return found


def _hands_made(edge: ImportEdge, file_facts: FileFacts) -> bool:
    """The file hands an object it makes of what the import brings to a call (`fastify.decorate("users",
    new UserService(repository))`, also through the name it keeps it under: `const eventsService = new
    EventService(…); fastify.decorate("eventsService", eventsService)`): it passes the service on rather
    than using it."""
    brought = names_of_import(edge)

    def made(calls: Iterable[str]) -> bool:
        return any(callee.endswith("()") and brought(callee[:-2]) for callee in calls)

    kept = {(c.scope, c.target) for c in file_facts.calls if c.new and c.target and brought(c.callee)}
    return any(
        made(value.calls) or any((call.scope, name) in kept for name in value.names)
        for call in file_facts.calls
        for value in (*call.args, *(v for _k, v in call.kwargs))
    )


def providers(
    assignment: LayerAssignment,
    graph: ImportGraph,
    facts: Mapping[str, FileFacts],
    handling: Collection[str],
    routes: str,
    built: tuple[str, str],
) -> list[str]:
    """Files that only their folder places in the routes layer, that handle no route (`handling`: the files
    registering routes or holding handlers a registration takes) and read no request (of the web framework
    they import only its injection markers, `Depends`), and that build objects of both layers of `built`
    (the services and data access) from what they import: a dependency provider constructing the
    repository and the service for the route handlers (`def get_item_service(db = Depends(get_db)): return
    ItemService(SQLiteItemRepository(db))` in `api/dependencies.py`) is the composition root of each
    request, wiring rather than routes. One raising HTTP errors or reading path and query parameters
    (`HTTPException`, `Path`, `Query`) handles the request: it stays in routes. A Node file must only
    construct (`_constructs_only`): a container module in `interfaces/http/` (`export const container = {
    registerUser: new RegisterUser(new UserRepository()) }`) for the routes beside it; a controller that
    builds its service so and calls it in its methods handles requests, and stays in routes."""
    found = []
    for path, kind in assignment.evidence.items():
        file_facts = facts.get(path)
        if (
            kind is not Evidence.FOLDER
            or assignment.files.get(path) != routes
            or path in handling
            or file_facts is None
            or not injects_only(file_facts)
            or (file_facts.language.family != Family.PYTHON and not _constructs_only(file_facts))
        ):
            continue
        edges = [edge for edge in graph.imports_of(path) if edge.target != path]
        layers = {
            assignment.files.get(edge.target or "")
            for edge in edges
            if not _port_or_errors(edge, assignment) and _builds_with(edge, file_facts)
        }
        if set(built) <= layers:
            found.append(path)
    return found


def _constructs_only(file_facts: FileFacts) -> bool:
    """The Node file calls nothing on an object it or another module made (`UserService().list`,
    `pg.Pool().connect`) but the web framework's app it hands them to (`fastify.decorate("users", …)` in a
    plugin): it builds objects and hands them on (`new UserService(repository)`, `createUserService({
    userRepository })`), as a container does, and uses none of them."""
    family = file_facts.language.family
    return not any(
        "()." in call.callee and framework_of(call.callee.split("()", 1)[0].split(".", 1)[0], family) is None
        for call in file_facts.calls
    )


def injects_only(file_facts: FileFacts) -> bool:
    """Of the web framework the file imports nothing but its dependency-injection markers
    (rules/frameworks.toml `injection`: `from fastapi import Depends`)."""
    family = file_facts.language.family
    markers = injection_markers(family)
    return all(
        fact.names and all(f"{fact.specifier}.{name}" in markers for name in fact.names)
        for fact in file_facts.imports
        if framework_of(fact.specifier, family)
    )


@cache
def injection_markers(family: Family) -> frozenset[str]:
    entries = load_rules(Frameworks).family(family).values()
    return frozenset(name for entry in entries for name in entry.injection)


_BRACES = re.compile(r"\{([^}]*)\}")
_ERRORS = ("Error", "Exception")


def _wires(edge: ImportEdge) -> bool:
    """The import takes something to build with: not types only, nor only error classes to raise
    (`import { NotFoundError, type Page } from "@/core"`)."""
    if edge.fact.kind.type_only:
        return False
    braces = _BRACES.search(edge.fact.text)
    written = [item.split() for item in braces.group(1).split(",")] if braces else []
    names = [*edge.fact.names, *(words[0] for words in written if words and words[0] != "type")]
    return not (braces or edge.fact.names) or any(not name.endswith(_ERRORS) for name in names)


def data_access_wiring(
    assignment: LayerAssignment,
    routes: Collection[str],
    graph: ImportGraph,
    services: str,
    facts: Mapping[str, FileFacts],
    clients: Names | None = None,
    starts: Collection[str] = (),
    keepers: Collection[str] = (),
) -> list[str]:
    """Files placed in data access by their code alone that import route modules (`routes`: the files
    whose code registers routes) or services: they own the connection to hand it on (a DI container, an
    app factory), so they wire the app rather than being data access, and are composition roots too.
    Importing a port (a file in an abstractions folder) or only exception types (`UsernameTakenError`) is
    no wiring: a hexagonal adapter implements the one and raises the other; nor is a Python module
    importing a service only to annotate a parameter (`uow: unit_of_work.SqlAlchemyUnitOfWork` in a read
    model running SELECTs on `uow.session`): it builds nothing with it. A Python file that opens a client
    (`clients`) only to build a project class with it (`task_provider = TaskProvider(engine)` after `engine
    = await gino.create_engine(…)`), and calls nothing on it, is such a container too. So is a Node file
    that calls or hands on what it imports from a composition root (`starts`): the entry connecting first
    and starting the app after (`createConnection().then(() => runServer(port))`, `runServer` from the app
    file). A file storing the client it opens in the app's state for the request handlers (`keepers`:
    `app["pool"] = pool` in a start-up hook) owns the connection: building data-access classes over it there
    (`await UserRepository(pool).create_table()`) does not make it a container; importing services or route
    modules still does. A TypeScript import of types only (`import type { Summary } from "../services/ai"`,
    the row type a repository returns declared beside the service) is erased as it compiles: it wires
    nothing."""
    found = []
    for path, kind in assignment.evidence.items():
        if kind is not Evidence.QUERIES:
            continue
        keeps = path in keepers
        if (
            clients is not None
            and path in facts
            and not keeps
            and _hands_client_on(path, facts[path], graph, clients)
        ):
            found.append(path)
            continue
        for edge in graph.imports_of(path):
            if edge.fact.kind.type_only:  # `import type { Summary } from "../services/notes"`: erased
                continue
            target = edge.target or ""
            if target in routes:
                if not (path in facts and _takes_values(edge, facts[path])):
                    found.append(path)
                    break
                continue
            node = path in facts and facts[path].language.family == Family.NODE
            if node and target in starts and target != path and _calls_import(edge, facts[path]):
                found.append(path)
                break
            if assignment.files.get(target) != services or _port_or_errors(edge, assignment):
                continue
            python = path in facts and facts[path].language.family == "python"
            if python and not _builds_with(edge, facts[path]):
                continue
            found.append(path)
            break
    return found


def _hands_client_on(path: str, file_facts: FileFacts, graph: ImportGraph, clients: Names) -> bool:
    """The Python file makes clients (a catalogued constructor's result assigned to a name) and hands one to
    a class or function another project module exports (`TaskProvider(engine)`, one name past the import),
    and no call of it is made on a client: it builds the data access, it does none."""
    if file_facts.language.family != Family.PYTHON:
        return False
    if any(matches(call.callee, clients) and call.callee not in clients.names for call in file_facts.calls):
        return False  # `engine.connect()`, `pool.acquire()`: it uses the client
    made = {
        (a.scope, a.target)
        for a in file_facts.assignments
        if a.value.calls and all(callee in clients.names for callee in a.value.calls)
    }
    if not made:
        return False
    project = {edge.fact.specifier for edge in graph.imports_of(path) if edge.target and edge.target != path}
    for call in file_facts.calls:
        owner, _, built = call.callee.rpartition(".")
        if owner not in project or not built or "(" in built:
            continue
        handed = [name for value in (*call.args, *(v for _k, v in call.kwargs)) for name in value.names]
        if any((scope, name) in made for name in handed for scope in (call.scope, "")):
            return True
    return False


def _calls_import(edge: ImportEdge, file_facts: FileFacts) -> bool:
    """The Node file calls what the import brings (`runServer(port)` after `import runServer from "./app"`,
    traced as `./app`; `server.start()` as `./server.start`)."""
    spec = edge.fact.specifier
    return any(call.callee == spec or call.callee.startswith(f"{spec}.") for call in file_facts.calls)


def _takes_values(edge: ImportEdge, file_facts: FileFacts) -> bool:
    """A Python file only takes values from a route module it imports: each use of the module is a call in
    one of its functions, of what that function was handed (`path = await routes.path_save_pic(request)`,
    a table gateway asking the routes module where uploads go; or a field of it, `hashed =
    auth.get_password_hash(user.password)` in a crud module), its result kept. It builds and registers
    nothing with the module (`setup_routes(app)`, `app.add_routes(routes.table)`), so it wires no app. So
    does a Node file whose calls of the module are handed literals besides (`const hashed = await
    hashPassword("…")` in a storage class seeding an admin user, `hashPassword` from the auth routes file)."""
    family = file_facts.language.family
    if family not in (Family.PYTHON, Family.NODE):
        return False
    node = family == Family.NODE
    stem = (edge.target or "").rpartition("/")[2].removesuffix(".py")
    names = () if node else edge.fact.names  # Node calls are traced through the specifier alone
    if stem in names and stem != "__init__":  # `from .. import db, routes`: only `routes` is this module
        names = (stem,)
    spec = edge.fact.specifier
    named = tuple(f"{spec}.{name}" for name in names if name != "*") or (spec,)  # as calls are traced
    inside = tuple(n + "." for n in named)

    def brought(callee: str) -> bool:
        return callee in named or callee.startswith(inside)

    params = {function.scope: set(function.params) for function in file_facts.functions}
    calls = [call for call in file_facts.calls if brought(call.callee)]
    if not calls:
        return False
    module = file_facts.defines  # the names the module binds (parse/pyunbound.py); None: not judged
    for call in calls:
        values = (*call.args, *(value for _key, value in call.kwargs))
        made = (call.callee, f"{call.callee}()")  # Node assignments note the call with its parentheses
        kept = any(
            a.scope == call.scope and a.line == call.line and any(m in a.value.calls for m in made)
            for a in file_facts.assignments
        )
        handed = params.get(call.scope, set())
        handed_in = all(
            not (value.calls or (value.strings and not node))
            and all(
                name in handed or (not node and _field_of_local(name, call.text, module))
                for name in value.names
            )
            for value in values
        )
        if not call.scope or not kept or not handed_in:
            return False
    handed_on = (
        callee
        for call in file_facts.calls
        for value in (*call.args, *(v for _k, v in call.kwargs))
        for callee in value.calls
    )
    return not any(map(brought, handed_on))


def _field_of_local(name: str, text: str, module: tuple[str, ...] | None) -> bool:
    """`name` is read in the call's `text` as a field of a name the function holds itself, none the module
    binds (`get_password_hash(user.password)` of the `user` it was handed; not `config.settings`): a Python
    attribute value keeps only its last name. A module whose names parsing could not judge (None) has none."""
    return module is not None and any(
        found.group(1) not in module
        for found in re.finditer(rf"(?<![\w.])([A-Za-z_]\w*)\.{re.escape(name)}\b", text)
    )


def _builds_with(edge: ImportEdge, file_facts: FileFacts) -> bool:
    """The file calls or hands on something the import brings (`UserService(repository)`,
    `providers.Factory(UserService)`, `service = users.UserService`), not only names it in an annotation."""
    brought = names_of_import(edge)
    arguments = (value for call in file_facts.calls for value in (*call.args, *(v for _k, v in call.kwargs)))
    used = (
        *(call.callee for call in file_facts.calls),
        *(callee for value in arguments for callee in value.calls),
        *(callee for assignment in file_facts.assignments for callee in assignment.value.calls),
    )
    return any(map(brought, used))


def _port_or_errors(edge: ImportEdge, assignment: LayerAssignment) -> bool:
    """The import takes an abstraction (its file is in a ports/interfaces folder) or exception types only."""
    target = assignment.named.get(edge.target or "")
    names = edge.fact.names
    return (target is not None and target.abstract) or (
        bool(names) and all(n.endswith(_ERRORS) for n in names)
    )


def composition_roots(
    apps: frozenset[str],
    routing: frozenset[str],
    graph: ImportGraph,
    named: Mapping[str, Named],
    routes: str,
    handing: frozenset[str] = frozenset(),
    handed: frozenset[str] = frozenset(),
    own: Mapping[str, int] | None = None,
    placed: Mapping[str, str] | None = None,
    loads: Mapping[str, frozenset[str]] | None = None,
    unserved: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """Files that build the app object or start its server and wire it: they register no routes of their
    own (`routing`: the files whose code registers routes; nor do those of `unserved`, whose registrations
    are all handlers serving no path: `app.notFound(…)`, `app.onError(…)` in a `createApp()` factory), or
    they import route modules (mount the
    routers, or register the views of a module named routes that is `handed` to a registration; a health
    check beside them is still wiring), or they are of `handing` (see `hands_app`). As the outermost ring
    of Clean Architecture they may import anything. An app file that mostly handles requests itself — at
    least `_HANDLER_ROUTES` routes of its `own`, more than the route modules it mounts register — is the
    routes layer, though it builds the app and mounts a router or two. A module of a routes folder whose
    code or file name `placed` in another layer (`api/sql.py` running the queries, `api/models.py`) is no
    router: importing it mounts nothing. The plugin files @fastify/autoload `loads` from a folder for a file
    are mounted as imported ones are: `register(autoload, { dir: join(__dirname, "routes") })` beside a
    health check wires the app. So are the route modules a layer-less module the app file imports wires
    for it (`createAuthModule(deps).routes`, from `modules/auth/index.ts`), where the app file registers at
    most `_ROOT_ROUTES` routes of its own (a health check), as for `hands_app`. An app file with at most
    that many routes of its own whose app a composition root imports and mounts route modules on (`buildApp()`
    in `app.ts`, `app.register(journeysRoutes)` in `index.ts`) is the app factory of that wiring."""
    counts = own or {}
    elsewhere = {path for path, layer in (placed or {}).items() if layer != routes}

    def route_module(path: str) -> bool:
        name = named.get(path)
        if name is None:
            return path in routing
        if path not in routing and (path in elsewhere or name.suffix not in (None, routes)):
            return False
        # `auth/routes.py`, whose views the app file adds (`app.router.add_view("/login", LoginView)`)
        by_name = name.suffix == routes and not name.folders and path in handed
        return path in routing or (bool(name.folders) and name.folders[0][0] == routes) or by_name

    def sibling(path: str, target: str) -> bool:
        """`target` registers no routes and only the folder it shares with the app file `path` places it in
        routes (`api/schemas.py` beside `api/main.py` holding the handlers): that folder says nothing of it
        the app file's own place does not, so it is no router the app file mounts."""
        name = named.get(target)
        return (
            target not in routing
            and name is not None
            and name.suffix is None
            and posixpath.dirname(target) == posixpath.dirname(path)
            and bool(name.folders)
            and name.folders[0][1] == posixpath.dirname(target)
        )

    def mounts(path: str, target: str) -> bool:
        return route_module(target) and not sibling(path, target)

    def through(target: str) -> bool:
        """`target` is a wiring step between the app file and its routers: neither its path nor its code
        names a layer, it registers no route, and it imports route modules (`modules/auth/index.ts`
        building the module's repository, service, controller and routes for the app to register)."""
        name = named.get(target)
        if name is None or name.folders or name.suffix or target in routing or target in (placed or {}):
            return False
        return any(
            edge.target not in (None, target) and not edge.fact.kind.type_only and mounts(target, edge.target)
            for edge in graph.imports_of(target)
        )

    def wires(path: str) -> bool:
        if path not in routing or path in handing or path in unserved:
            return True
        handles = counts.get(path, 0)
        # through a layer-less module only beside at most a health check, as `hands_app`'s registries
        few = handles <= _ROOT_ROUTES
        mounted = {
            edge.target
            for edge in graph.imports_of(path)
            if edge.target
            and not edge.fact.kind.type_only
            and (mounts(path, edge.target) or (few and through(edge.target)))
        }  # a type (`IRoute`) wires nothing in
        mounted.update(target for target in (loads or {}).get(path, ()) if route_module(target))
        return bool(mounted) and not (
            handles >= _HANDLER_ROUTES and handles > sum(counts.get(target, 0) for target in mounted)
        )

    wiring = {path for path in apps if wires(path)}

    # an app factory: it makes the app with at most a health check of its own and hands it to a composition
    # root that mounts the routers on it (`const app = buildApp(); app.register(journeysRoutes)`)
    def mounts_routers(root: str, factory: str) -> bool:
        """`root` mounts a route module other than the app file `factory` it takes its app from."""
        edges = graph.imports_of(root)
        return any(
            e.target not in (None, factory) and not e.fact.kind.type_only and mounts(root, e.target)
            for e in edges
        )

    def named_router(path: str) -> bool:
        """`path` names a layer (`health.route.ts` making the sub-app a root mounts): no app factory."""
        name = named.get(path)
        return name is None or bool(name.folders) or name.suffix is not None

    factories = {
        edge.target
        for root in wiring
        for edge in graph.imports_of(root)
        if edge.target in apps
        and edge.target not in wiring
        and not edge.fact.kind.type_only
        and counts.get(edge.target, 0) <= _ROOT_ROUTES
        and not named_router(edge.target)
        and mounts_routers(root, edge.target)
    }
    return tuple(sorted(wiring | factories))


def autoload_routers(
    autoloads: Mapping[str, frozenset[str]],
    named: Mapping[str, Named],
    routing: Collection[str],
    placed: Collection[str],
    facts: Mapping[str, FileFacts],
) -> list[str]:
    """Modules whose code shows no role of their own (not `placed`: no role, no app) and whose path names
    no layer, whose only registrations autoload folders (`app.register(autoload, { dir: join(__dirname,
    "routes"), options: { prefix } })` in `modules/trips/trips.ts`) of route plugins: every file loaded
    that shows a role registers routes (`routing`), one at least. They mount the module's routers, as an
    index mounting routers does: the routes layer. A plugin that also registers other plugins (security
    headers, CORS, a container) sets the app up: the composition root's work, not a router's."""
    from cdverify.detect.framework.catalogue import autoload_rules

    folder = autoload_rules().dir
    out = []
    for path, loaded in autoloads.items():
        name = named.get(path)
        if path in placed or path not in facts or name is None or name.glob is not None:
            continue
        if name.folders or name.suffix or name.abstract:
            continue
        registrations = [call for call in facts[path].calls if call.callee.endswith(".register")]
        if any(call.kwarg(folder) is None for call in registrations):
            continue
        shown = [target for target in loaded if target in placed]
        if shown and all(target in routing for target in shown):
            out.append(path)
    return sorted(out)


def entry_shims(
    named: Mapping[str, Named], facts: Mapping[str, FileFacts], graph: ImportGraph, apps: Collection[str]
) -> tuple[str, ...]:
    """Python modules that only import the app object from the module building it (`api/index.py` holding
    `from app.main import app`, Vercel's entry point; `wsgi.py`'s `from app import app as application`):
    they bind no name of their own and call nothing, so they are the server's entry, the outermost ring,
    as a composition root is, and take no layer from their folder."""
    out = []
    for path in named:
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family != Family.PYTHON or path in apps:
            continue
        if file_facts.calls or file_facts.classes or file_facts.defines is None:
            continue
        imported = sum(len(fact.names) or 1 for fact in file_facts.imports)
        targets = [edge.target for edge in graph.imports_of(path)]
        if (
            targets
            and all(target in apps for target in targets)
            and len(file_facts.defines) <= imported
            and len(targets) == len(file_facts.imports)
        ):
            out.append(path)
    return tuple(sorted(out))
