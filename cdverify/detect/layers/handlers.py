"""Request handlers a route registration takes from other project modules (`router.get("/", User.getAll)`
after `import { User } from "../core"`): the modules that hold them handle requests, whatever else their code
does (detect/layers/roles.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.layers.delegation import delegate, delegation, next_routes
from cdverify.model import CallFact, Family, FileFacts, Value
from cdverify.rules_schema import Frameworks

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport
    from cdverify.detect.framework.report import Route
    from cdverify.resolve.graph import ImportEdge, ImportGraph


def handler_modules(
    frameworks: FrameworkReport,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    last: bool = False,
    bound: bool = False,
) -> frozenset[str]:
    """Project modules whose functions a route registration takes as its handlers
    (`router.get("/", controller.list)` after `require("../controllers/user.controller")`): they handle
    requests, whatever else their code does. `last`: only the registration's last argument, when it
    names a function (`User.getAll`), counts: the handler itself, not a middleware before it
    (`jwtAuth`, `validate(schema.body)`). `bound`: only Python handlers that are methods of an instance
    of a project class the registering function binds (`bound_methods`)."""
    lines: dict[str, set[int]] = {}
    registrations: set[tuple[str, int, str]] = set()
    chained: set[tuple[str, int, int]] = set()  # a route method called on a call's result: where it starts
    for route in frameworks.routes:
        lines.setdefault(route.file, set()).add(route.line)
        registrations.add((route.file, route.line, route.receiver))
        chained.add((route.file, route.line, route.col))
    out: set[str] = set()
    for path, at in lines.items():
        file_facts = facts.get(path)
        if file_facts is None:
            continue
        registered = [call for call in file_facts.calls if call.line in at]
        calls = [bound_methods(call, file_facts) for call in registered]
        if bound:  # only the registrations whose handler is a bound method
            calls = [call for call, was in zip(calls, registered, strict=True) if call is not was]
        if last:
            # `app.withTypeProvider<ZodTypeProvider>().get(…)`: the route takes the variable the chain starts
            # from, its call none (a method of a call's result)
            registering = [
                call
                for call in calls
                if (path, call.line, call.receiver) in registrations
                or (not call.receiver and (path, call.line, call.col) in chained)
            ]
            values = [value for call in registering for value in _handler_argument(call, file_facts.calls)]
        else:
            values = [value for call in calls for value in (*call.args, *_handler_option(call))]
        handed = {_of_class(callee) for value in values for callee in value.calls}
        for edge in graph.imports_of(path):
            target = edge.target
            if target and target != path and any(map(names_of_import(edge), handed)):
                # a re-exporting index hands the handlers on: their modules hold them, not it
                out |= _handed_through(target, edge.fact.specifier, handed, facts, graph) or {target}
    return frozenset(out) if last else frozenset(out | option_factories(facts, graph))


def option_factories(facts: Mapping[str, FileFacts], graph: ImportGraph) -> set[str]:
    """The Node modules of the handler factories a route's options are built with: a route registered with
    nothing but the options another project module's function returns (`fastify.route(
    gamesRoutes.getOne(fastify))`: no path written, so no route is recorded), that function calling a third
    module's export with a parameter of its own (`handler: controller(fastify).getOne` in `getOne: function
    (fastify) { return { method, path, handler } }`): that module's factory makes the route's handler, its
    functions answer the request."""
    registering = _option_routes()
    out: set[str] = set()
    for path, file_facts in facts.items():
        if file_facts.language.family != Family.NODE:
            continue
        registered = [
            callee.removesuffix("()")  # the result of a call: `./games.routes.getOne()`
            for call in file_facts.calls
            if len(call.args) == 1 and not call.kwargs and call.callee in registering
            for callee in call.args[0].calls
            if callee.endswith("()")
        ]
        for edge in graph.imports_of(path) if registered else ():
            target, specifier = edge.target, edge.fact.specifier
            builders = {c[len(specifier) + 1 :] for c in registered if c.startswith(specifier + ".")}
            if target and target != path and target in facts and builders:
                out |= _factories_of(target, builders, facts[target], graph)
    return out


@cache
def _option_routes() -> frozenset[str]:
    """The Node route methods of an app or a router object (`fastify().route`, `express.Router().get`)."""
    from cdverify.detect.framework.catalogue import specs

    return frozenset(
        f"{made}().{method}"
        for spec in specs()
        if spec.family == "node"
        for made in (*spec.apps, *spec.routers)
        for method in spec.routes
    )


def _factories_of(path: str, builders: Collection[str], own: FileFacts, graph: ImportGraph) -> set[str]:
    """The project modules whose export the functions `builders` of `path` call with a parameter of theirs."""
    params = {f.scope: {p for p in f.params if p} for f in own.functions if f.name in builders}
    called = {
        call.callee
        for call in own.calls
        if call.scope in params and any(set(value.names) & params[call.scope] for value in call.args)
    }
    return {
        edge.target
        for edge in graph.imports_of(path)
        if edge.target and edge.target != path and any(map(names_of_import(edge), called))
    }


def view_modules(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """Python modules whose functions a URL configuration routes to by a route function (Django's
    `url(r"^index$", view.index)` / `path("x/", views.x)` after `from . import view`, or `path("x/", x)`
    after `from .handlers import x`): they handle requests, whatever their name or folder."""
    out: set[str] = set()
    for route in frameworks.routes:
        file_facts = facts.get(route.file)
        if route.receiver or file_facts is None or file_facts.language.family != "python":
            continue
        for call in file_facts.calls:
            if call.line == route.line and call.callee == route.router and len(call.args) > 1:
                out |= _viewed(route.file, call, call.args[1], graph)
    return frozenset(out)


_URL_PATH = re.compile(r"\^?/")  # `/login`, `/story/([0-9]+)`, `^/api/`


def url_tables(
    facts: Mapping[str, FileFacts], candidates: Iterable[str], handling: Collection[str], graph: ImportGraph
) -> frozenset[str]:
    """Python modules holding a URL table: a module- or class-level list of (path, handler) pairs whose
    handlers are imported from modules that handle requests (`handling`: `UrlHandlers = [("/login",
    LoginHandler), …]` in a class whose base registers each pair with `router.add_view(url, handler)`,
    Tornado's `urls = [(r"/", MainHandler)]` handed to the Application elsewhere). No route call names a
    path there, but the module maps URLs to handlers: the routes layer, as a URL configuration is."""
    out: set[str] = set()
    for path in candidates:
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family != "python":
            continue
        edges = [edge for edge in graph.imports_of(path) if edge.target in handling and edge.target != path]
        if edges and any(not a.scope and _url_table(a.value, edges) for a in file_facts.assignments):
            out.add(path)
    return frozenset(out)


def router_hubs(
    facts: Mapping[str, FileFacts], candidates: Iterable[str], handling: Collection[str], graph: ImportGraph
) -> frozenset[str]:
    """Python modules that build a router and mount on it the routers of modules that handle requests
    (`api = Api(blueprint)` then `api.add_namespace(users_ns, path="/users")`, `router.include_router(
    users.router)`, `bp.register_blueprint(child)`): no route of their own, but they put the route modules
    under their paths, as a URL configuration including others does: the routes layer. An app's module is
    not a candidate (it is the composition root)."""
    from cdverify.detect.framework.catalogue import specs

    mounting = {
        f"{router}().{method}"
        for spec in specs()
        if spec.family == "python"
        for router in spec.routers
        for method in spec.mounts
    }
    out: set[str] = set()
    for path in candidates:
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family != "python":
            continue
        mounted = [
            callee
            for call in file_facts.calls
            if call.callee in mounting
            for value in call.args
            for callee in value.calls
        ]
        if not mounted:
            continue
        edges = [edge for edge in graph.imports_of(path) if edge.target in handling and edge.target != path]
        if any(names_of_import(edge)(callee) for edge in edges for callee in mounted):
            out.add(path)
    return frozenset(out)


def _url_table(value: Value, edges: list[ImportEdge]) -> bool:
    """Every string of the value is a URL path and each names one handler the `edges` import: as many
    handlers as paths, nothing else called."""
    strings = value.strings
    if not strings or not all(isinstance(s, str) and _URL_PATH.match(s) for s in strings):
        return False
    handlers = [callee for callee in value.calls if any(names_of_import(edge)(callee) for edge in edges)]
    return len(handlers) == len(value.calls) == len(strings)


def _viewed(path: str, call: CallFact, view: Value, graph: ImportGraph) -> set[str]:
    """The project modules holding a route's `view`: a function imported by name (traced), or one read off
    a module the URL conf imports (`view.index`, a plain name to the parser: the call's text names it). A
    call's result (`UserListApi.as_view()`) is left to the class-based views' own rule (`roles.handlers`)."""
    plain = view.names[0] if len(view.names) == 1 and not (view.calls or view.strings) else None
    functions = [callee for callee in view.calls if (callee.rpartition(".")[2],) == view.names]  # no call

    def holds(edge: ImportEdge, target: str) -> bool:
        # a function the import brings by name (`from .views import index`)
        direct = [f for f in functions if f.rpartition(".")[2] in edge.fact.names]
        if any(map(names_of_import(edge), direct)):
            return True
        # one read off a module the import brings (`notices.index` after `from . import notices, helpers`):
        # that module's, not every module the same import brings
        read_off = [f for f in functions if f not in direct]
        brought = _module_names(edge.fact.specifier, edge.fact.names, target) if read_off else ()
        named = [f"{edge.fact.specifier}.{name}" if edge.fact.names else name for name in brought]
        if any(f.startswith(n + ".") for f in read_off for n in named):
            return True
        modules = _module_names(edge.fact.specifier, edge.fact.names, target) if plain else ()
        return any(re.search(rf"(?<![\w.]){re.escape(f'{name}.{plain}')}\b", call.text) for name in modules)

    return {
        target
        for edge in graph.imports_of(path)
        if (target := edge.target) and target != path and holds(edge, target)
    }


def _module_names(specifier: str, names: tuple[str, ...], target: str) -> tuple[str, ...]:
    """The names a URL conf reads an imported module by: `view` after `from . import view` (the module's
    own file), `app.views` after `import app.views`."""
    folder, _, file = target.rpartition("/")
    stem = file.removesuffix(".py") if file != "__init__.py" else folder.rpartition("/")[2]
    if not names:
        return (specifier,)
    return tuple(name for name in names if name == stem)


def _handler_argument(call: CallFact, calls: Collection[CallFact] = ()) -> tuple[Value, ...]:
    """The registration's last argument, or its route options' `handler` (Fastify's `fastify.route({ method,
    url, handler: handler.listArticles })`), when it names a function of an imported module
    (`User.getAll`) or a method of an instance of an imported class (`userHandler.createUser` after `const
    userHandler = new UserHandler(userService)`), not a call's result (`wrap(User.getAll)`) nor a method of
    an object another call made (`container.get(TOKENS.UserController).list`: the module only hands out
    the controller). A factory called with no argument (`app.get("/api/health", createHealthHandler())`,
    among the file's `calls`) makes the handler itself: its module holds the handler's code, as the
    function named would."""
    option = _handler_option(call)
    value = option[0] if option else call.args[-1] if call.args else None
    if value is None or len(value.calls) != 1:
        return ()
    made = value.calls[0].removesuffix("()")
    if made != value.calls[0] and "(" not in made and not value.names:
        return (value._replace(calls=(made,)),) if _bare_call(made, call, calls) else ()
    if "(" in _of_class(value.calls[0]):
        return ()
    return (value,) if value.names == (value.calls[0].rpartition(".")[2],) else ()


def _bare_call(callee: str, registration: CallFact, calls: Collection[CallFact]) -> bool:
    """`callee` is called inside the registration's text with no argument (`createHealthHandler()`), not
    a wrapper handed a function (`asyncHandler(list)`) nor a factory handed what it builds on
    (`makeHandler(service)`)."""
    last = registration.line + registration.text.count("\n")
    made = [call for call in calls if call.callee == callee and registration.line <= call.line <= last]
    return bool(made) and all(not call.args and not call.kwargs for call in made)


# `….UserHandler().createUser`: a method of an instance of a class (a CapWords name, built with `new`), also
# of a class a module exports as a whole (`../controllers/LogController().list` after `module.exports =
# LogController` and `new LogController()`; `../controllers/LogController.js().list` of an ES module's
# default export)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_INSTANCE_METHOD = re.compile(r"((?:[^()]*[./])?[A-Z][\w$]*(?:\.[cm]?[jt]sx?)?)\(\)(\.[\w$]+)")


def _of_class(callee: str) -> str:
    """A traced method of an instance of a class (`./user.handler.UserHandler().createUser`) as the class's
    own (`./user.handler.UserHandler.createUser`): the module declaring the class holds the handler."""
    instance = _INSTANCE_METHOD.fullmatch(callee)
    return instance.group(1) + instance.group(2) if instance else callee


def schema_modules(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """Project modules beside the registering module (in its folder: a feature module's `schema.ts` next to
    its `index.ts`) whose exports a route registration takes as its request or response schemas
    (Fastify's `fastify.route({ …, schema: { querystring: articleListQuery } })`, after `import {
    articleListQuery } from "./schema"`): they describe the module's routes. Schemas shared from
    elsewhere (`utils/schemas.ts`) are not the module's own."""
    lines: dict[str, set[int]] = {}
    for route in frameworks.routes:
        lines.setdefault(route.file, set()).add(route.line)
    out: set[str] = set()
    for path, at in lines.items():
        file_facts = facts.get(path)
        if file_facts is None:
            continue
        handed = {
            callee
            for call in file_facts.calls
            if call.line in at
            for key, value in call.kwargs
            if key == "schema" or key.startswith("schema.")
            for callee in value.calls
        }
        folder = path.rpartition("/")[0]
        for edge in graph.imports_of(path):
            target = edge.target
            if (
                target
                and target != path
                and target.rpartition("/")[0] == folder
                and any(map(names_of_import(edge), handed))
            ):
                out.add(target)
    return frozenset(out)


def _handler_option(call: CallFact) -> tuple[Value, ...]:
    """The `handler` of a registration's route options object (`{ method, url, schema, handler }`), or the
    keyword a framework's route method takes its handler by (catalogue `handler_keys`: Flask's
    `add_url_rule(rule, view_func=…)`)."""
    value = call.kwarg("handler", *_handler_keys())
    return (value,) if value is not None else ()


@cache
def _handler_keys() -> tuple[str, ...]:
    from cdverify.detect.framework.catalogue import specs

    return tuple(sorted({key for spec in specs() for key in spec.handler_keys}))


def bound_methods(call: CallFact, file_facts: FileFacts) -> CallFact:
    """A Python registration whose handler is a method read off a variable bound, in the registering
    function or at module level, to an instance of a class (`todo_view = TodoView(database)` …
    `app.add_url_rule("/todos", view_func=todo_view.list_todos)`), with that handler traced as the class's
    method (`flask_lab.todo_view.TodoView().list_todos`), as a Node registration's `userHandler.create`
    after `const userHandler = new UserHandler(service)` is: the module declaring the class holds the
    handler's code. The call unchanged otherwise (a variable bound twice, to anything but one call of a
    CapWords name, or a handler named several ways)."""
    if file_facts.language.family is not Family.PYTHON:
        return call
    values = (*call.args, *(value for _key, value in call.kwargs))
    if not any(len(v.names) == 1 and not (v.calls or v.strings) for v in values):
        return call
    made: dict[str, set[str]] = {}
    for assignment in file_facts.assignments:
        if assignment.scope in ("", call.scope) and "." not in assignment.target:
            value = assignment.value
            one = len(value.calls) == 1 and not (value.names or value.strings or value.env)
            made.setdefault(assignment.target, set()).add(value.calls[0] if one else "")
    classes = {name: one for name, (one, *more) in made.items() if not more and _CLASS.fullmatch(one)}
    if not classes:
        return call

    def traced(value: Value) -> Value:
        if len(value.names) != 1 or value.calls or value.strings:
            return value
        method = value.names[0]
        read_off = set(re.findall(rf"(?<![\w.])([A-Za-z_]\w*)\.{re.escape(method)}\b", call.text))
        if len(read_off) != 1 or next(iter(read_off)) not in classes:
            return value
        return value._replace(calls=(f"{classes[next(iter(read_off))]}().{method}",))

    args = tuple(traced(value) for value in call.args)
    kwargs = tuple((key, traced(value)) for key, value in call.kwargs)
    if args == call.args and kwargs == call.kwargs:
        return call
    return call._replace(args=args, kwargs=kwargs)


# a traced call of a class: `flask_lab.todo_view.TodoView` (a CapWords last name), not `?x.Y` untraced
_CLASS = re.compile(r"[\w.]*\.[A-Z]\w*")


def _handed_through(
    barrel: str, specifier: str, handed: Collection[str], facts: Mapping[str, FileFacts], graph: ImportGraph
) -> set[str]:
    """The modules a barrel hands the handlers on from: `router.get("/", Deal.getAll)` after
    `import { Deal } from "../core"`, whose `core/index.js` exports `Deal` imported from `./deal`; and,
    a few modules deep, those a handler module hands on as a property of its own
    (`ctrl.articles.comments.get`: the articles controller exports `comments`, a module it requires)."""
    return _handed_on(barrel, {callee.removeprefix(specifier + ".") for callee in handed}, facts, graph, 3)


def _handed_on(
    module: str, paths: Collection[str], facts: Mapping[str, FileFacts], graph: ImportGraph, depth: int
) -> set[str]:
    """The modules whose functions `paths` (`articles.get`, `articles.comments.get`) name through what
    `module` exports: the module an exported name was imported from holds `get`, and hands `comments.get`
    on in turn. So does the module of a class whose instance the name is (`export const profileController =
    new ProfileController(profileService)` in a container: `profileController.get` is the class's method)."""
    module_facts = facts.get(module)
    if module_facts is None:
        return set()
    exported = dict(module_facts.exports)
    node = module_facts.language.family == Family.NODE
    out: set[str] = set()
    for edge in graph.imports_of(module):
        if not edge.target or edge.target == module:
            continue
        onward = {
            rest
            for path in paths
            for head, _, rest in (path.partition("."),)
            if head in exported and _exported_from(exported[head], edge.fact.specifier, node)
        }
        if not onward:
            continue
        target_exports = dict(facts[edge.target].exports) if edge.target in facts else {}
        deeper = {rest for rest in onward if rest.partition(".")[0] in target_exports and "." in rest}
        if onward - deeper or depth <= 1:
            out.add(edge.target)
        if deeper and depth > 1:
            out |= _handed_on(edge.target, deeper, facts, graph, depth - 1) or {edge.target}
    return out


def _exported_from(value: str, specifier: str, node: bool = False) -> bool:
    """An exported name is what the import brings (`export { Deal } from "./deal"` after `import Deal from
    "./deal"`), or an instance of a class it brings, made in the module
    (`./controllers/ProfileController.js.ProfileController()`); in a Node module also a function the import
    brings by name (`export { getUsers } from "./get-users"`, exported as `./get-users.getUsers`)."""
    if value == specifier:
        return True
    made = value.removeprefix(specifier + ".")
    if made == value:
        return False
    return (made.endswith("()") and made[:-2].isidentifier()) or (node and made.isidentifier())


def names_of_import(edge: ImportEdge) -> Callable[[str], bool]:
    """Whether a traced callee names what the import brings: `app.crud.get_user` after `from app import
    crud` (not `app.api.deps.get_user`, which only shares the package), anything in the module otherwise,
    the module itself included: what it exports as a whole (`router.post("/auth", authRoute)` after
    `const authRoute = require("./routes/auth")` or `import authRoute from "./routes/auth"`, a module
    exporting one handler)."""
    spec = edge.fact.specifier
    named = tuple(f"{spec}.{name}" for name in edge.fact.names if name != "*")
    if not named:
        return lambda callee: callee == spec or callee.startswith(spec + ".")
    return lambda callee: callee in named or callee.startswith(tuple(n + "." for n in named))


# plugins that route each request to the method of a handler object named by the OpenAPI document's
# operationId, and the options that take that object: fastify-openapi-glue's `service` (renamed
# `serviceHandlers`), openapi-backend's `handlers`
_GLUE_PLUGINS = ("fastify-openapi-glue", "openapi-backend")
_GLUE_OPTIONS = ("service", "serviceHandlers", "handlers")


def glue_modules(facts: Mapping[str, FileFacts], graph: ImportGraph) -> frozenset[str]:
    """Project modules whose class or object an OpenAPI glue plugin takes as its operation handlers
    (`app.register(openapiGlue, { specification, serviceHandlers: new Service() })`, or a variable bound to
    `new Service(…)` in the same file): its methods take the request and the reply, they handle requests
    whatever the module's name or folder (`services/openapiService.ts`)."""
    out: set[str] = set()
    for path, file_facts in facts.items():
        if not any(fact.specifier in _GLUE_PLUGINS for fact in file_facts.imports):
            continue
        options = [
            value
            for call in file_facts.calls
            if any(plugin in _GLUE_PLUGINS for arg in call.args[:1] for plugin in arg.calls)
            or call.callee.split(".")[0] in _GLUE_PLUGINS
            for key, value in call.kwargs
            if key in _GLUE_OPTIONS
        ]
        names = {name for value in options for name in value.names}
        handed = {callee for value in options for callee in value.calls}
        handed |= {call.callee for call in file_facts.calls if call.target and call.target in names}
        for edge in graph.imports_of(path):
            if edge.target and edge.target != path and any(map(names_of_import(edge), handed)):
                out.add(edge.target)
    return frozenset(out)


def delegated_handlers(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """Python modules a route's own handler hands the request on to, whole (a catch-all `async def
    handle(request)` registered with `app.router.add_route("*", "/{path:.*}", handle)` or decorated with
    `@routes.get(…)`, dispatching by path to `items.main(request)` after `import items`): the functions
    that take it answer the request, their modules are request handlers as the registered one is. Only the
    request itself counts, not a value read from it (`users.create(request.json)`). In Node, the modules of
    `inline_delegates` and `inline_functions`."""
    out = set(inline_delegates(frameworks, facts, graph)) | inline_functions(frameworks, facts, graph)
    for route in frameworks.routes:
        file_facts = facts.get(route.file)
        if file_facts is None or file_facts.language.family != Family.PYTHON:
            continue
        taken = {
            name
            for call in file_facts.calls
            if call.line == route.line
            for name in (*(name for value in call.args[-1:] for name in value.names), call.decorates)
            if name
        }
        params = {
            function.scope: {param for param in function.params if param}
            for function in file_facts.functions
            if not function.owner and (function.name in taken or function.scope in taken)
        }
        handed = {
            call.callee
            for call in file_facts.calls
            if call.scope in params
            and any(
                value.names == (name,) and not value.calls
                for value in call.args
                for name in params[call.scope]
            )
        }
        for edge in graph.imports_of(route.file):
            if edge.target and edge.target != route.file and any(map(names_of_import(edge), handed)):
                out.add(edge.target)
    return frozenset(out)


def project_prefixes(path: str, graph: ImportGraph, facts: Mapping[str, FileFacts]) -> dict[str, str]:
    """The call prefixes of the project modules a file imports, each with that module's file:
    `dashboard.api.sessions.` → `dashboard/api/sessions.py` (and one per imported name), and the methods of an
    instance of a class a Node module exports as a whole: `../controllers/LogController().` after
    `module.exports = LogController` and `new LogController()`, `../controllers/user().` after `export
    default UserController` there (a CapWords name: a class)."""
    modules: dict[str, str] = {}
    for edge in graph.imports_of(path):
        if edge.target in (None, path):
            continue
        modules.setdefault(f"{edge.fact.specifier}.", edge.target or "")
        if not edge.fact.names and (
            _INSTANCE_METHOD.fullmatch(f"{edge.fact.specifier}().m")
            or _exports_class(facts.get(edge.target or ""))
        ):
            modules[f"{edge.fact.specifier}()."] = edge.target or ""
        for name in edge.fact.names:
            modules[f"{edge.fact.specifier}.{name}."] = edge.target or ""
    return modules


def _exports_class(file_facts: FileFacts | None) -> bool:
    """The Node module's default export is a module-level name written as a class's (`export default
    UserController`, `module.exports = UserController`)."""
    return file_facts is not None and any(
        name == "default" and _CLASS_NAME.fullmatch(held) for name, held in file_facts.aliases
    )


_CLASS_NAME = re.compile(r"[A-Z][a-z0-9]\w*")


def _node_delegations(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> Iterator[tuple[Route, dict[str, str], str, tuple[str, ...]]]:
    """Each Node route with its file's project import prefixes (→ module), the callee its inline handler
    hands the request to ("" when none) and the handler's own parameters (delegation.py)."""
    below = next_routes(frameworks.routes)
    for route in frameworks.routes:
        file_facts = facts.get(route.file)
        if file_facts is None or file_facts.language.family != Family.NODE:
            continue
        modules = project_prefixes(route.file, graph, facts)
        handed_to, own = delegation(route, file_facts.calls, tuple(modules), below[route.file, route.line])
        yield route, modules, handed_to, own


def inline_delegates(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """The project modules of the controller class whose instance's method a Node route's inline handler
    hands all its parameters to, doing nothing else (`router.get("/logs", (req, res) =>
    logController.list(req, res))` after `const logController = new LogController()`: delegation.py): the
    method answers the request, as one registered by name (`router.get("/logs", logController.list)`) does.
    A plain function handed the context (`listExpenses(ctx)` of `db/expenses`) is left to its path and
    its code."""
    out: set[str] = set()
    for _route, modules, handed_to, _own in _node_delegations(frameworks, facts, graph):
        callee = _of_class(handed_to)
        if callee == handed_to and not any(p.endswith("().") and callee.startswith(p) for p in modules):
            continue  # no method of a class's instance
        prefix = max((p for p in modules if callee.startswith(p)), key=len, default="")
        # the module's own function or a method of an instance of its class, not a method of an object it
        # hands out (`Container().v1.orders.list`), whose code is elsewhere
        if callee and prefix and _IDENTIFIER.fullmatch(callee[len(prefix) :]):
            out.add(modules[prefix])
    return frozenset(out)


def inline_functions(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """The project modules of the plain function a Node route's inline handler hands all its parameters to,
    the request and the reply, doing nothing else (`(request, reply) => login(app, request, reply)` after
    `import { login } from "@/functions/auth"`, through the barrel to the module declaring it:
    delegation.py), when that module imports the framework's request API (`FastifyRequest`,
    `FastifyReply`): the function answers the request, as one registered by name does. In a framework whose
    handler may answer with what it returns (`returned_replies`: Fastify's `async (req) => getBoards(app,
    req)`), the request alone counts too. A function handed a context alone (`listExpenses(ctx)` of
    `db/expenses`, writing its rows on the Koa `Context`) is no request handler for this: a data function
    may be handed the context to write its result on. These
    modules are left to their path (routing_roles: only a module whose path names no layer takes the routes
    role so), and keep the data access their code shows (roles.code_roles does not count them as
    handlers)."""
    from cdverify.detect.layers.request_handling import handles_requests

    out: set[str] = set()
    for route, _modules, handed_to, own in _node_delegations(frameworks, facts, graph):
        least = 1 if _returned_replies(route.framework) else 2  # the request alone, or request and reply
        if len(own) < least or _of_class(handed_to) != handed_to:  # a controller's method: inline_delegates
            continue
        for edge in graph.imports_of(route.file):
            target = edge.target
            if not target or target == route.file or not names_of_import(edge)(handed_to):
                continue
            held = _handed_through(target, edge.fact.specifier, (handed_to,), facts, graph) or {target}
            out |= {path for path in held if path in facts and handles_requests(facts[path])}
    return frozenset(out)


@cache
def _returned_replies(framework: str) -> bool:
    """A Node framework whose handler may take the request alone, answering with what it returns (Fastify)."""
    entry = load_rules(Frameworks).node.get(framework)
    return entry is not None and entry.returned_replies


# the option of a Node route's options object that names its handler (Fastify's `app.route({ method, url,
# handler })`, `app.get(path, { schema }, handler)`); the other options (`schema`, `preHandler`, validators)
# are not the handler
_NODE_HANDLER_OPTIONS = ("handler",)


def _handler_values(call: CallFact, family: Family) -> tuple[Value, ...]:
    """The arguments of a route call that may be its handler: in Python every argument and keyword
    (`add_url_rule("/x", view_func=users.list)`, `add_get("/x", handlers.get)`); in Node the last positional
    argument (`router.get("/a", auth, ctl.list)`: what comes before is middleware) and the options naming the
    handler. A request schema or a validator imported from another module (`{ schema: ingestSchema }`,
    `zValidator("json", schemas.SignIn)`) answers no request."""
    if family == Family.PYTHON:
        return (*call.args, *(value for _key, value in call.kwargs))
    return (*call.args[-1:], *(value for key, value in call.kwargs if key in _NODE_HANDLER_OPTIONS))


def own_handlers(
    frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> dict[str, int]:
    """How many routes are answered by each file's own handlers: a route registered with a decorated
    function, or with arguments that call nothing of another project module, is its file's; one whose
    handler another project module defines (a route table of imported endpoints, `web.post("/users",
    sign_up_endpoint(use_cases.sign_up()))`, `app.router.add_get("/api/users", users_api.list_users)`, an
    inline handler only handing its parameters to one: delegation.py) only wires it in, and counts for the
    module the handler comes from."""
    out: dict[str, int] = {}
    imported: dict[str, dict[str, str]] = {}  # file → its project imports, read once for all its routes
    below = next_routes(frameworks.routes)
    for route in frameworks.routes:
        file_facts = facts.get(route.file)
        if file_facts is None:
            continue
        modules = imported.get(route.file)
        if modules is None:
            modules = imported[route.file] = project_prefixes(route.file, graph, facts)
        project = tuple(modules)
        taken = [
            callee
            for call in file_facts.calls
            if call.line == route.line
            for value in _handler_values(call, file_facts.language.family)
            for callee in value.calls
            if callee.startswith(project)
        ]
        if not taken and (
            handed_on := delegate(route, file_facts.calls, project, below[route.file, route.line])
        ):
            taken = [handed_on]  # `(req, res) => controller.list(req, res)`: the controller's route
        if not taken:
            out[route.file] = out.get(route.file, 0) + 1
            continue
        prefix = max((p for p in project if taken[0].startswith(p)), key=len)
        out[modules[prefix]] = out.get(modules[prefix], 0) + 1
    return out
