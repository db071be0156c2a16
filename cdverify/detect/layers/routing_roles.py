"""The files whose code routes requests, beyond those registering routes themselves (roles.py): the module
building a router another registers routes on, handler modules the registrations name, handler objects whose
bound methods the app registers, operation handlers an OpenAPI glue plugin routes to, views a URL conf routes
to and the request schemas only route modules import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.handlers import (
    delegated_handlers,
    glue_modules,
    handler_modules,
    schema_modules,
    view_modules,
)
from cdverify.detect.layers.request_handling import handles_requests, through_reexports
from cdverify.detect.layers.role import Role
from cdverify.model import Family, FileFacts

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport
    from cdverify.detect.layers.names import Named
    from cdverify.resolve.graph import ImportGraph


def routing_roles(
    of: dict[str, Role],
    named: Mapping[str, Named],
    apps: frozenset[str],
    frameworks: FrameworkReport,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    routes_layer: str = "",
) -> frozenset[str]:
    """Give the routes role (in `of`, in place) to the modules whose code routes requests without
    registering routes itself; return the modules a catch-all handler delegates the request to.
    `routes_layer`: the preset's routes layer, whose folder a handler module's code agrees with."""
    for path in _router_modules(frameworks, graph, facts) | frameworks.router_hubs:
        if path in named and path not in apps:
            of.setdefault(path, Role.ROUTES)
    delegated = delegated_handlers(frameworks, facts, graph)  # `items.main(request)` in a catch-all handler
    for path in handler_modules(frameworks, facts, graph, last=True) | delegated:
        # Node handlers in a folder naming no layer (`core/user.js` exporting `ctx` handlers); a Python
        # function a registration takes (`add_api_route(path, crud.get_user)`) keeps its path's say unless
        # its module imports the framework to handle the request (`login(request: web.Request)` raising
        # `web.HTTPForbidden`, `web` imported from the framework or from a project module that imports it
        # so), as a module the registered handler hands the request to does
        name = named.get(path)
        node = path in facts and facts[path].language.family == "node"
        answers = _python(facts, path) and handles_requests(through_reexports(path, facts, graph))
        if name is None or path in apps:
            continue
        # a Python module of registered handlers reading the request, in a routes folder, named for another
        # layer (`handlers/service.py` answering `/api/service/status`): its code and its folder agree
        # against the name
        misnamed = (
            bool(routes_layer)
            and bool(name.folders)
            and name.folders[0][0] == routes_layer
            and name.suffix not in (None, routes_layer)
            and _python(facts, path)
            and handles_requests(facts[path])
        )
        if ((node or answers) and not name.folders and name.suffix is None) or misnamed:
            of.setdefault(path, Role.ROUTES)
        elif of.get(path) is Role.MODELS and _routes_path(name, routes_layer):
            # a controller defining its models inline above the handlers its router registers
            # (`controllers/product.js`: `mongoose.model("Product", schema)`, then `(req, res)` handlers):
            # its path and the registrations agree that it handles requests; the models are its own
            of[path] = Role.ROUTES
    for path in handler_modules(frameworks, facts, graph, last=True, bound=True):
        # a Python class whose instance's methods the app registers (`view_func=todo_view.list_todos` after
        # `todo_view = TodoView(db)`), its module reading the request: a handler object, as Node's are
        name = named.get(path)
        if (
            name is not None
            and not name.folders
            and name.suffix is None
            and path not in apps
            and handles_requests(facts[path])
        ):
            of.setdefault(path, Role.ROUTES)
    for path in glue_modules(facts, graph):  # operation handlers an OpenAPI glue plugin routes to
        if path in named and path not in apps:
            of[path] = Role.ROUTES
    for path in view_modules(frameworks, facts, graph):  # views a URL conf routes to, querying inline or not
        inline = of.get(path, Role.QUERIES) is Role.QUERIES
        if inline and path in named and path not in apps:
            of[path] = Role.ROUTES
    for path in schema_modules(frameworks, facts, graph):
        # the request schemas a registration takes (`schema: { body: userCreateSchema }`), in a module
        # only route modules import and whose path names no layer
        name = named.get(path)
        importers = {
            edge.source for edge in graph.internal_edges() if edge.target == path and edge.source != path
        }
        if (
            name is not None
            and not name.folders
            and name.suffix is None
            and path not in of
            and importers
            and all(of.get(importer) is Role.ROUTES for importer in importers if importer in named)
        ):
            of[path] = Role.ROUTES
    return frozenset(delegated)


def _routes_path(name: Named, routes_layer: str) -> bool:
    """The path says routes: its deepest layer folder is the routes layer's (`controllers/`), or, in no
    layer folder, its file name (`product.controller.js`)."""
    if not routes_layer or name.glob is not None:
        return False
    return name.folders[0][0] == routes_layer if name.folders else name.suffix == routes_layer


def _python(facts: Mapping[str, FileFacts], path: str) -> bool:
    return path in facts and facts[path].language.family == Family.PYTHON


def _router_modules(
    frameworks: FrameworkReport, graph: ImportGraph, facts: Mapping[str, FileFacts]
) -> set[str]:
    """Modules that build the router or blueprint another module registers routes or request handlers on,
    imported by name (`main = Blueprint(…)` in `app/main/__init__.py`, `from app.main import main` in its
    views, `@bp.app_errorhandler(404)` in its error handlers): routes modules too. The app object's
    module is not (it is the composition root)."""
    # a Node route whose object is traced to another module's is left out (a Python one is the import's)
    receivers = {
        (route.file, route.receiver)
        for route in frameworks.routes
        if not route.on_app
        and route.receiver
        and not (route.site and route.site[0] != route.file and not _python(facts, route.file))
    }
    registered = {(route.file, route.line) for route in frameworks.routes}
    handlers = {(e.file, e.line) for e in frameworks.evidence if e.kind == "routes"} - registered
    for file, line in handlers:  # a handler registration (no route): the object its call is made on
        calls = facts[file].calls if file in facts else ()
        receivers |= {(file, call.receiver) for call in calls if call.line == line and call.receiver}
    out: set[str] = set()
    for file, receiver in receivers:
        for edge in graph.imports_of(file):
            if receiver in edge.fact.names and edge.target and edge.target != file:
                out.add(edge.target)
    return out
