"""What one traced call means for a framework — an app, a router prefix, a route, a mount, a listen
call — gathered in `Collected`; and the call chains read as calls on one object (Express
`router.route("/x").get(…)`, `app.use(…).use(…)`)."""

from __future__ import annotations

import msgspec

from cdverify.detect.framework.catalogue import (
    Spec,
    autoload_rules,
    constructors,
    conventions,
    path_methods,
    route_methods,
    split,
)
from cdverify.detect.framework.report import EvidenceKind, FrameworkEvidence, Route
from cdverify.detect.framework.values import UNKNOWN_PREFIX, RunValues, first_string, ports_of, route_path
from cdverify.detect.layers import framework_of
from cdverify.model import Callee, CallFact, Template, Value, shown

CHAIN_EXPORTS = {"module.exports": "default", "exports.default": "default"}  # a chain exported as is


class Collected(msgspec.Struct, frozen=True):
    """What the calls read so far say, added to call by call (`match`)."""

    values: RunValues
    evidence: list[FrameworkEvidence] = msgspec.field(default_factory=list)
    routes: list[Route] = msgspec.field(default_factory=list)
    prefixes: set[str] = msgspec.field(default_factory=set)  # every prefix a router or mount adds
    app_prefixes: set[str] = msgspec.field(default_factory=set)  # prefixes of every route of the app
    ports: list[tuple[int, str, int, str]] = msgspec.field(default_factory=list)  # (port, file, line, text)
    port_names: list[str] = msgspec.field(default_factory=list)  # names the ports are read from

    def listen(self, path: str, call: CallFact) -> None:
        """A call that starts the server: its ports, and the names they are read from."""
        found, names = ports_of(call)
        self.ports.extend((port, path, call.line, call.text) for port in found)
        self.port_names.extend(names)


def match(spec: Spec, call: CallFact, base: str, method: str, path: str, found: Collected) -> None:
    """What one traced call means for one framework: app, router prefix, route, mount or listen."""
    callee = call.callee
    if callee in spec.apps:
        found.evidence.append(
            FrameworkEvidence(spec.name, EvidenceKind.APP, path, call.line, call.text, call.col)
        )
    if callee in spec.routers or callee in spec.apps:
        value = own_prefix(spec, call)
        if value is None and callee in spec.controllers:
            value = first_string(call.args[:1])  # @Controller("articles")
        if value:
            found.prefixes.add(value)
    if callee in spec.route_calls:
        _route(spec, callee, spec.route_calls[callee], call, callee, path, found, on_app=False)
    if callee in spec.mount_calls:  # Starlette `Mount("/api", routes=[…])`
        value = first_string(call.args[:1])
        if value:
            found.prefixes.add(value)
    if base not in spec.apps and base not in spec.routers:
        return
    on_app = base in spec.apps and not spec.nested_apps
    if method in spec.listen or callee in spec.listen:
        found.listen(path, call)
    if method in spec.groups:  # `api = router.newGroup("/api")`: a router under the prefix
        value = first_string(call.args[:1])
        if value:
            found.prefixes.add(value)
        return
    if method in spec.app_prefix:
        value = first_string(call.args[:1])
        if value:
            found.app_prefixes.add(value)
        return
    if method in spec.mounts:
        keys = (*spec.prefix, spec.mount_keys.get(method, ""))
        prefix = first_string(v for k, v in call.kwargs if k in keys) or first_string(call.args[:1])
        if prefix and (prefix.startswith("/") or spec.relative_paths):
            found.prefixes.add(prefix)
        return
    if method in spec.routes:
        _route(spec, method, spec.routes[method], call, base, path, found, on_app)
    elif method in spec.handlers:  # `@bp.app_errorhandler(404)`: the file handles requests, serves no path
        found.evidence.append(
            FrameworkEvidence(spec.name, EvidenceKind.ROUTES, path, call.line, call.text, call.col)
        )


def own_prefix(spec: Spec, call: CallFact) -> str | None:
    """The prefix an app or router constructor gives its object: a `prefix` keyword, its own keyword
    (`router_keys`: Flask-RESTX `Namespace("users", path="/accounts")`), or `/` and its name
    (`named_routers`: `Namespace("users")` serves under `/users`); None when it gives none."""
    keys = (*spec.prefix, spec.router_keys.get(call.callee, ""))
    value = first_string(v for k, v in call.kwargs if k in keys)
    if value is None and call.callee in spec.named_routers:
        name = first_string(call.args[:1])
        value = "/" + name.lstrip("/") if name else None
    return value


def _route(
    spec: Spec,
    key: str,
    default_http: str,
    call: CallFact,
    router: str,
    path: str,
    found: Collected,
    on_app: bool,
) -> None:
    """A route registered by `key` (a route method or function), or a URLconf mounted by one."""
    index = spec.path_arg.get(key, 0)
    where = (path, call.line)
    keywords = conventions().path_keywords
    written = route_path(call.args[index : index + 1], found.values, where)
    if spec.named_routes and written is not None and not written.startswith(("/", "*")):
        named = route_path(call.args[index + 1 : index + 2], found.values, where)
        written = named if named is not None and named.startswith("/") else written  # ("user", "/users/:id")
    if written is None:
        written = route_path((v for k, v in call.kwargs if k in keywords), found.values, where)
    if written is None:
        decorator = bool(spec.controllers) and key in spec.route_calls
        if decorator and not call.args:
            written = ""  # @Get() serves the controller's own path
        elif _unread_path(spec, call, index) and not _includes(spec, call):
            written = UNKNOWN_PREFIX  # `app.get(routes.list.path, handler)`: a route, at a path not read
        else:
            return
    relative = spec.relative_paths or (bool(spec.controllers) and key in spec.route_calls)
    if not relative and written and not written.startswith(("/", "*")):
        return
    if _includes(spec, call):
        # path("api/", include("app.urls")) mounts a URLconf: a prefix, no route; but the file maps URLs to
        # other URLconfs, a URL configuration as any other (evidence of kind routes, as a handler's is)
        found.prefixes.add(written)
        found.evidence.append(
            FrameworkEvidence(spec.name, EvidenceKind.ROUTES, path, call.line, call.text, call.col)
        )
        return
    found.routes.append(
        Route(
            spec.name,
            _http(spec, key, default_http, call),
            written,
            router,
            path,
            call.line,
            call.text,
            on_app,
            call.receiver,
            col=call.col,
        )
    )
    found.evidence.append(
        FrameworkEvidence(spec.name, EvidenceKind.ROUTES, path, call.line, call.text, call.col)
    )


def _unread_path(spec: Spec, call: CallFact, index: int) -> bool:
    """The path argument is read from another module's value, a call or the environment, whose value the
    project does not give (`api.todos.list.path`, `settings.health_path`, `process.env.HEALTH`), and the
    call hands a handler after it (a later argument, a handler keyword, or the function it decorates): a
    route, not a one-argument read (Express `app.get(setting)`). A local variable (`app.get(path, handler)`
    in a loop over a table) may be many routes or none: not read as one."""
    given = call.args[index] if index < len(call.args) else None
    if given is None or given.strings or not (given.calls or given.env):
        return False
    return (
        len(call.args) > index + 1
        or bool(call.decorates)
        or any(k in spec.handler_keys for k, _ in call.kwargs)
    )


def _includes(spec: Spec, call: CallFact) -> bool:
    """The route's view includes another URL configuration: `include("app.urls")`, or the URL configuration
    of an object the project builds, as it is (django-ninja `path("api/", api.urls)`). The framework's own
    (`path("admin/", admin.site.urls)`: Django's admin pages) stays a route."""
    if not (spec.url_includes or spec.url_attributes) or len(call.args) < 2:
        return False
    traced = call.args[1].calls
    return any(word in one for one in traced for word in spec.url_includes) or any(
        one.rpartition(".")[2] in spec.url_attributes and framework_of(one, spec.family) is None
        for one in traced
    )


def _http(spec: Spec, key: str, default: str, call: CallFact) -> str:
    """The HTTP method(s) a route serves: the `methods`/`method` option, a method argument, or the
    catalogue's default for the registering method."""
    given = call.kwarg(*conventions().method_keywords)
    if given is not None and given.strings:
        return ",".join(dict.fromkeys(shown(m).upper() for m in given.strings))
    if key in spec.method_arg:
        index = spec.method_arg[key]
        value = call.args[index] if index < len(call.args) else None
        if value is not None and value.strings:
            return ",".join(dict.fromkeys(shown(m).upper() for m in value.strings))
    return default


def options_prefixed(call: CallFact) -> Template | None:
    """`opts.prefix + "articles"`: a route path built on the `prefix` option of the plugin it is
    registered in (its template, the option its one hole; None otherwise)."""
    keywords = conventions().path_keywords
    option = (autoload_rules().prefix,)
    for value in (*call.args[:1], *(v for k, v in call.kwargs if k in keywords)):
        if value.names == option and len(value.strings) == 1:
            template = value.strings[0]
            if isinstance(template, Template) and not template.head:
                return template if template.holes == 1 else None
    return None


def chained_paths(prepared: list[tuple[str, CallFact]]) -> list[tuple[str, CallFact]]:
    """Hono `app.get("/x", …).post(…).delete(…)`: a route method given no path, chained on a route,
    registers that route's path (`chained_paths` in the catalogue). The links of a chain start where it
    does (same line and column); each link's callee is the previous one's with its call and method."""
    known = constructors()
    links = []
    for index, (_, call) in enumerate(prepared):
        base, method = split(call.callee)
        if base in known and known[base][1].chained_paths and method in known[base][1].routes:
            links.append(index)
    if not links:
        return prepared
    out = list(prepared)
    paths: dict[tuple[int, int, str], Value] = {}  # (line, col, traced callee of a link) → its path
    for index in sorted(links, key=lambda i: len(prepared[i][1].callee)):  # a chain's links in order
        written, call = out[index]
        first = call.args[0] if call.args else None
        given = first is not None and bool(
            first.strings or first.env or any(n.isupper() for n in first.names)
        )
        previous = paths.get((call.line, call.col, call.name.receiver.removesuffix("()")))
        if not given and previous is not None:
            call = call._replace(args=(previous, *call.args))
            out[index] = (written, call)
        if given or previous is not None:
            paths[(call.line, call.col, call.callee)] = call.args[0]
    return out


def path_routes(prepared: list[tuple[str, CallFact]]) -> list[tuple[str, CallFact]]:
    """Express `router.route("/x").get(…).post(…)`: each HTTP method chained on a route object is a
    route of the router at the path `route` was given (`route_paths` in the catalogue); the links of a
    chain start where it does (same line and column)."""
    methods = path_methods()
    if not any(f".{method}()." in call.callee for _, call in prepared for method in methods):
        return prepared
    given: dict[tuple[int, int], tuple[str, CallFact]] = {}  # chain start → the `route("/x")` call
    known = constructors()
    for written, call in prepared:
        base, method = split(call.callee)
        if method in methods and call.args and base in known and method in known[base][1].route_paths:
            given[(call.line, call.col)] = (written, call)
    out = []
    for written, call in prepared:
        link = given.get((call.line, call.col))
        if link is not None and link[1] is not call:
            route = link[1].name  # `express.Router().route`
            head, _, tail = call.callee.rpartition(f".{route.method}().")
            if head == route.receiver and all(
                part.removesuffix("()") in route_methods() for part in tail.split(".")
            ):
                http = call.name.method
                written, call = (
                    f"{Callee.of(link[0]).receiver}.{http}",
                    call._replace(
                        callee=f"{head}.{http}", args=(link[1].args[0], *call.args), receiver=link[1].receiver
                    ),
                )
        out.append((written, call))
    return out


def chained_on(prepared: list[tuple[str, CallFact]]) -> list[tuple[str, CallFact]]:
    """Links of a chain on one object (`app.use("/a", r1).use("/b", r2)`,
    `const app = new Hono().route("/users", users).route(…)`) are calls on that object: a link written
    on another call's result takes the variable the chain starts from (its innermost receiver), or else
    the one the whole chain is assigned to (`default` for `module.exports = …` / `export default …`).
    The links of a chain start where it does (same line and column)."""
    starts: dict[tuple[int, int], list[tuple[str, CallFact]]] = {}
    for written, call in prepared:
        if call.receiver or call.target:
            starts.setdefault((call.line, call.col), []).append((written, call))
    if not starts:
        return prepared
    out = []
    for written, call in prepared:
        links = starts.get((call.line, call.col)) if not (call.receiver or call.target) else None
        root, method = split(call.callee) if links else ("", "")
        if links and method:
            receivers = [
                (other, link.receiver)
                for other, link in links
                if link.receiver and split(link.callee)[1] and split(link.callee)[0] == root
            ]
            targets = [
                CHAIN_EXPORTS.get(link.target, link.target)
                for _, link in links
                if link.target and split(link.callee)[0] == root
            ]
            if receivers:
                written, receiver = receivers[0]
                call = call._replace(receiver=receiver)
            elif targets and "." not in targets[0]:
                call = call._replace(receiver=targets[0])
        out.append((written, call))
    return out
