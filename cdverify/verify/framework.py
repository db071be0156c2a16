"""The framework verifier: which web framework serves the application, its routes, prefixes and port.

A framework *serves* the application when application code constructs its app object or registers
routes with it; an import alone is weaker evidence, a declared dependency weaker still. Routes are
read from traced calls (`@bp.route("/x")`, `router.get("/x", …)`, `path("x/", view)`) together with
the prefixes routers and mounts add (`url_prefix=`, `app.use("/api", router)`, `include_router(…,
prefix=)`). Pure functions over the project model; rule texts live in docs/rules/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import (
    APP_PLACEHOLDER,
    HOLE,
    Assignment,
    CallFact,
    FileFacts,
    Finding,
    Location,
    Scope,
    Value,
    make_finding,
)
from cdverify.verify.architecture import framework_of, implied_frameworks
from cdverify.verify.tracing import Instances, foreign, instances_of

CONSTRAINT = "framework"
_RANK = {"app": 1, "routes": 2, "import": 3, "dependency": 4}


class FrameworkEvidence(NamedTuple):
    framework: str
    kind: str  # app | routes | import | dependency
    file: str
    line: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "text": self.text,
        }


class Route(NamedTuple):
    framework: str
    method: str  # GET, POST, … or "*" when any
    path: str  # as registered, before prefixes
    router: str  # traced constructor of the app or router it was registered on
    file: str
    line: int
    text: str
    on_app: bool = False  # registered on the app object itself (not on a router / blueprint)
    receiver: str = ""  # the router variable, as written in its file


@dataclass(frozen=True)
class FrameworkReport:
    evidence: tuple[FrameworkEvidence, ...]
    routes: tuple[Route, ...]
    prefixes: tuple[str, ...]  # every path prefix a router or mount adds, anywhere in the application
    app_prefixes: tuple[str, ...]  # prefixes of every route of the app (`setGlobalPrefix`, `basePath`)
    ports: tuple[tuple[int, str, int, str], ...]  # (port, file, line, text) where the server listens
    port_envs: tuple[str, ...]  # environment variables the port is read from
    # (file, router variable) → its own prefix, for routers built in that file
    router_prefix: dict[tuple[str, str], str] = field(default_factory=dict)
    # (file, router variable) → the prefixes it is mounted under in that same file
    mounted: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def serving(self) -> list[str]:
        """Frameworks whose app is built or whose routes are registered in application code."""
        found = {e.framework for e in self.evidence if e.kind in ("app", "routes")}
        implied = implied_frameworks()
        return sorted(f for f in found if not (implied.get(f, set()) & found))

    def detected(self) -> list[str]:
        """Serving frameworks first, then frameworks only imported by application code."""
        implied = implied_frameworks()
        best: dict[str, int] = {}
        for item in self.evidence:
            if item.kind == "dependency":
                continue
            best[item.framework] = min(best.get(item.framework, 9), _RANK[item.kind])
        shown = [f for f in best if not (implied.get(f, set()) & best.keys())]
        return sorted(shown, key=lambda f: (best[f], f))

    def full_paths(self, route: Route) -> set[str]:
        """Where a route may be reached. Routes on the app itself take only app-level prefixes. A router
        built in its own file takes its own prefix, and the prefixes it is mounted under in that file
        (or, when it is mounted elsewhere, any mount prefix: which import is mounted where is not
        traced). Routes on routers of unknown origin may sit under any prefix."""
        heads = {""} | set(self.app_prefixes)
        if route.on_app:
            return {_join(head, route.path) for head in heads}
        key = (route.file, route.receiver)
        if key in self.router_prefix:
            own = self.router_prefix[key]
            mounts = set(self.mounted.get(key, ())) or {"", *self.prefixes}
            return {_join(_join(head, mount), _join(own, route.path)) for head in heads for mount in mounts}
        heads |= {_join(head, prefix) for head in list(heads) for prefix in self.prefixes}
        heads |= {
            _join(_join(head, a), b) for head in list(heads) for a in self.prefixes for b in self.prefixes
        }
        return {_join(head, route.path) for head in heads}


def _join(prefix: str, path: str) -> str:
    parts = [p for p in (_clean(prefix), _clean(path)) if p]
    return "/" + "/".join(parts)


def _clean(part: str) -> str:
    """A path piece without its slashes, and without Django's regex anchors (`^api/`, `^users/?$`)."""
    return part.strip("/").removeprefix("^").removesuffix("$").removesuffix("/?").strip("/")


class _Spec(NamedTuple):
    name: str
    family: str
    paper: bool
    apps: frozenset[str]
    routers: frozenset[str]
    routes: dict[str, str]  # route method → HTTP method ("*" any)
    route_calls: dict[str, str]  # traced route function / decorator → HTTP method
    prefix: tuple[str, ...]
    mounts: frozenset[str]
    listen: frozenset[str]
    path_arg: dict[str, int]
    method_arg: dict[str, int]
    app_prefix: frozenset[str]
    nested_apps: bool


@cache
def specs() -> tuple[_Spec, ...]:
    data = load_rules("frameworks")
    out = []
    for family in ("python", "node"):
        for name, entry in data[family].items():
            out.append(
                _Spec(
                    name,
                    family,
                    bool(entry.get("paper")),
                    frozenset(entry.get("apps", [])),
                    frozenset(entry.get("routers", [])),
                    dict(entry.get("routes", {})),
                    dict(entry.get("route_calls", {})),
                    tuple(entry.get("prefix", [])),
                    frozenset(entry.get("mounts", [])),
                    frozenset(entry.get("listen", [])),
                    dict(entry.get("path_arg", {})),
                    dict(entry.get("method_arg", {})),
                    frozenset(entry.get("app_prefix", [])),
                    bool(entry.get("nested_apps")),
                )
            )
    return tuple(out)


@cache
def _servers(family: str) -> frozenset[str]:
    return frozenset(load_rules("frameworks")["servers"][family])


def _split(callee: str) -> tuple[str, str]:
    """The constructor an app/router call is made on, and the method: `flask.Blueprint().route` →
    (`flask.Blueprint`, `route`); `hono.Hono().basePath().get` → (`hono.Hono`, `get`). The method must
    be called on the object itself (or on aiohttp's `.router`): `app.config.get(...)` is no route."""
    if "()" not in callee:
        return callee, ""
    receiver, _, method = callee.rpartition(".")
    for chained in ("basePath()", "prefix()", "use()"):  # methods that return the same app / router
        receiver = receiver.replace(f".{chained}", "")
    receiver = receiver.removesuffix(".router")  # aiohttp: app.router.add_get
    if not receiver.endswith("()") or "()" in receiver[:-2]:
        return callee, ""
    return receiver[:-2], method


def _first_string(values: Iterable[Value]) -> str | None:
    for value in values:
        for literal in value.strings:
            if HOLE not in literal:
                return literal
    return None


def _ports(call: CallFact) -> tuple[list[int], list[str]]:
    values = [v for k, v in call.kwargs if k in ("port", "PORT")] or list(call.args[:1])
    numbers = [n for v in values for n in v.numbers if 0 < n < 65536]
    names = [name for v in values for name in (*v.env, *v.names)]
    strings = [s for v in values for s in v.strings if s.isdigit()]
    return numbers + [int(s) for s in strings], names


def collect(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    declared: Mapping[str, tuple[str, str, int]],
    instances: Instances | None = None,
) -> FrameworkReport:
    """`declared` maps declared package names (normalised) → (ecosystem, file, line)."""
    evidence: list[FrameworkEvidence] = []
    routes: list[Route] = []
    prefixes: set[str] = set()
    app_prefixes: set[str] = set()
    router_prefix: dict[tuple[str, str], str] = {}
    mounted: dict[tuple[str, str], list[str]] = {}
    ports: list[tuple[int, str, int, str]] = []
    port_names: list[str] = []
    constants: dict[str, tuple[str, Assignment]] = {}
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            for assignment in file_facts.assignments:
                constants.setdefault(assignment.key, (path, assignment))
    instances = instances if instances is not None else instances_of(facts)
    app_of = _app_constructors(facts, scopes)
    for path, file_facts in facts.items():
        if scopes.get(path) is not Scope.APPLICATION:
            continue
        family = file_facts.language.family
        for fact in file_facts.imports:
            name = framework_of(fact.specifier, family)
            if name is not None:
                evidence.append(FrameworkEvidence(name, "import", path, fact.line, fact.text))
        for call in file_facts.calls:
            traced = foreign(call.callee, path, family, instances)
            if traced is not None:
                call = call._replace(callee=traced)  # `from app import app` / `require("./app")`
            if call.callee.startswith(APP_PLACEHOLDER):
                if family not in app_of:
                    continue
                call = call._replace(callee=app_of[family] + call.callee[len(APP_PLACEHOLDER) :])
            base, method = _split(call.callee)
            if call.callee in _servers(family) or (family == "node" and call.callee.endswith(".listen")):
                found, names = _ports(call)
                ports.extend((port, path, call.line, call.text) for port in found)
                port_names.extend(names)
            call = _resolve_prefixes(call, method, constants)
            _tie_prefixes(path, call, base, method, family, router_prefix, mounted)
            for spec in _relevant(family, call.callee, base):
                _match(
                    spec,
                    call,
                    base,
                    method,
                    path,
                    routes,
                    evidence,
                    prefixes,
                    app_prefixes,
                    ports,
                    port_names,
                )
    for name, (ecosystem, file, line) in declared.items():
        framework = framework_of(name, ecosystem)
        if framework is not None:
            evidence.append(FrameworkEvidence(framework, "dependency", file, line, name))
    for name in port_names:
        if name in constants:
            where, constant = constants[name]
            ports.extend((n, where, constant.line, constant.text) for n in _numbers(constant.value))
    if not ports:
        # the listen call is on an untraced object (`createApp().listen(port)`): a port constant
        # of the application (`DEFAULT_PORT = 3000`, `PORT = int(os.environ.get("PORT", 8080))`)
        ports.extend(
            (n, where, constant.line, constant.text)
            for key, (where, constant) in constants.items()
            if "port" in key.lower() and not _OTHER_PORT.search(key)
            for n in _numbers(constant.value)
            if 0 < n < 65536
        )
    port_envs = tuple(dict.fromkeys(n for n in port_names if n.isupper()))
    return FrameworkReport(
        tuple(evidence),
        tuple(routes),
        tuple(sorted(prefixes)),
        tuple(sorted(app_prefixes)),
        tuple(dict.fromkeys(ports)),  # a listen call met by two rules counts once
        port_envs,
        router_prefix,
        {key: tuple(values) for key, values in mounted.items()},
    )


# Port settings that are not the web server's own.
_OTHER_PORT = re.compile(r"db|database|postgres|pg|mysql|redis|mongo|smtp|mail|sql|cache|broker|amqp", re.I)


def _numbers(value: Value) -> list[int]:
    """Numbers a value may be, including digit strings (`process.env.PORT || "3000"`)."""
    return [*value.numbers, *(int(s) for s in value.strings if s.isdigit())]


@cache
def _index(family: str) -> dict[str, tuple[_Spec, ...]]:
    """Traced name → the frameworks whose apps, routers or route functions it names."""
    out: dict[str, list[_Spec]] = {}
    for spec in specs():
        if spec.family == family:
            for name in {*spec.apps, *spec.routers, *spec.route_calls}:
                out.setdefault(name, []).append(spec)
    return {name: tuple(found) for name, found in out.items()}


def _relevant(family: str, callee: str, base: str) -> tuple[_Spec, ...]:
    index = _index(family)
    first = index.get(callee, ())
    second = index.get(base, ()) if base != callee else ()
    return first + tuple(spec for spec in second if spec not in first)


def _app_constructors(facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope]) -> dict[str, str]:
    """family → the app constructor of the one framework that builds an app in application code, for
    route installers and plugins that receive the app as a parameter. No entry when it is ambiguous."""
    found: dict[str, set[str]] = {"python": set(), "node": set()}
    apps = {ctor: spec for spec in specs() for ctor in spec.apps}
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            for call in file_facts.calls:
                if call.callee in apps:
                    found[file_facts.language.family].add(call.callee)
    out = {}
    for family, constructors in found.items():
        if len({apps[c].name for c in constructors}) == 1:
            out[family] = sorted(constructors)[0]
    return out


UNKNOWN_PREFIX = "*"  # a prefix computed at run time (`settings.api_prefix` with no default found)
_PREFIX_NAME = re.compile(r"prefix|path|url|base|api|mount|root", re.I)


@cache
def _prefix_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Keyword / option names that give prefixes, and methods whose first argument may be one."""
    keys = frozenset(k for spec in specs() for k in spec.prefix)
    methods = frozenset(m for spec in specs() for m in (*spec.mounts, *spec.app_prefix))
    return keys, methods


def _resolve_prefixes(
    call: CallFact, method: str, constants: Mapping[str, tuple[str, Assignment]]
) -> CallFact:
    """Prefix values written as names (`prefix=settings.api_prefix`, `app.use(config.apiPath, api)`)
    take the value the name is assigned in the application, else UNKNOWN_PREFIX."""
    keys, methods = _prefix_keys()

    def resolve(value: Value) -> Value:
        if any(HOLE in literal for literal in value.strings):  # `${process.env.ROUTER_PREFIX}/users`
            return value._replace(strings=tuple(lit.replace(HOLE, UNKNOWN_PREFIX) for lit in value.strings))
        if value.strings or not value.names or not any(_PREFIX_NAME.search(n) for n in value.names):
            return value
        for name in value.names:
            if name in constants and constants[name][1].value.strings:
                return value._replace(strings=constants[name][1].value.strings)
        return value._replace(strings=(UNKNOWN_PREFIX,))

    kwargs = tuple((key, resolve(value) if key in keys else value) for key, value in call.kwargs)
    args = call.args
    if method in methods and args:
        args = (resolve(args[0]), *args[1:])
    if kwargs == call.kwargs and args == call.args:
        return call
    return call._replace(args=args, kwargs=kwargs)


def _tie_prefixes(
    path: str,
    call: CallFact,
    base: str,
    method: str,
    family: str,
    router_prefix: dict[tuple[str, str], str],
    mounted: dict[tuple[str, str], list[str]],
) -> None:
    """Prefixes tied to router variables of one file: `api = Blueprint(…, url_prefix="/api")`,
    `app.use("/api", router)`, `app.register_blueprint(users)` (mounted with no prefix)."""
    for spec in _relevant(family, call.callee, call.callee):
        if call.target and call.callee in spec.routers:
            own = _first_string(v for k, v in call.kwargs if k in spec.prefix)
            router_prefix[(path, call.target)] = own or ""
    for spec in _relevant(family, base, base):
        if method not in spec.mounts:
            continue
        mounted_router = next((a.names[0] for a in call.args if a.names), None)
        if mounted_router is None:
            continue
        prefix = _first_string(v for k, v in call.kwargs if k in spec.prefix)
        if prefix is None:
            first = _first_string(call.args[:1])
            prefix = first if first is not None and not call.args[0].names else ""
        mounted.setdefault((path, mounted_router), []).append(prefix)


def _match(
    spec: _Spec,
    call: CallFact,
    base: str,
    method: str,
    path: str,
    routes: list[Route],
    evidence: list[FrameworkEvidence],
    prefixes: set[str],
    app_prefixes: set[str],
    ports: list[tuple[int, str, int, str]],
    port_names: list[str],
) -> None:
    """What one traced call means for one framework: app, router prefix, route, mount or listen."""
    callee = call.callee
    if callee in spec.apps:
        evidence.append(FrameworkEvidence(spec.name, "app", path, call.line, call.text))
    if callee in spec.routers or callee in spec.apps:
        value = _first_string(v for k, v in call.kwargs if k in spec.prefix)
        if value is None and callee in spec.routers and spec.name == "nestjs":
            value = _first_string(call.args[:1])  # @Controller("articles")
        if value:
            prefixes.add(value)
    if callee in spec.route_calls:
        _route(spec, callee, spec.route_calls[callee], call, callee, path, routes, evidence, prefixes, False)
    if base not in spec.apps and base not in spec.routers:
        return
    on_app = base in spec.apps and not spec.nested_apps
    if method in spec.listen or callee in spec.listen:
        found, names = _ports(call)
        ports.extend((port, path, call.line, call.text) for port in found)
        port_names.extend(names)
    if method in spec.app_prefix:
        value = _first_string(call.args[:1])
        if value:
            app_prefixes.add(value)
        return
    if method in spec.mounts:
        prefix = _first_string(v for k, v in call.kwargs if k in spec.prefix) or _first_string(call.args[:1])
        if prefix and (prefix.startswith("/") or spec.name == "django"):
            prefixes.add(prefix)
        return
    if method in spec.routes:
        _route(spec, method, spec.routes[method], call, base, path, routes, evidence, prefixes, on_app)


def _route(
    spec: _Spec,
    key: str,
    default_http: str,
    call: CallFact,
    router: str,
    path: str,
    routes: list[Route],
    evidence: list[FrameworkEvidence],
    prefixes: set[str],
    on_app: bool,
) -> None:
    index = spec.path_arg.get(key, 0)
    route_path = _first_string(call.args[index : index + 1])
    if route_path is None:
        route_path = _first_string(v for k, v in call.kwargs if k in ("url", "path"))
    if route_path is None:
        if spec.name != "nestjs" or call.args:
            return
        route_path = ""  # @Get() serves the controller's own path
    if spec.name not in ("django", "nestjs") and route_path and not route_path.startswith(("/", "*")):
        return
    if spec.name == "django" and len(call.args) > 1 and any("include" in c for c in call.args[1].calls):
        prefixes.add(route_path)  # path("api/", include("app.urls")) mounts a URLconf
        return
    routes.append(
        Route(
            spec.name,
            _http(spec, key, default_http, call),
            route_path,
            router,
            path,
            call.line,
            call.text,
            on_app,
            call.receiver,
        )
    )
    evidence.append(FrameworkEvidence(spec.name, "routes", path, call.line, call.text))


def _http(spec: _Spec, key: str, default: str, call: CallFact) -> str:
    """The HTTP method(s) a route serves: the `methods`/`method` option, a method argument, or the
    catalogue's default for the registering method."""
    given = call.kwarg("methods", "method")
    if given is not None and given.strings:
        return ",".join(dict.fromkeys(m.upper() for m in given.strings))
    if key in spec.method_arg:
        index = spec.method_arg[key]
        value = call.args[index] if index < len(call.args) else None
        if value is not None and value.strings:
            return ",".join(dict.fromkeys(m.upper() for m in value.strings))
    return default


def check(report: FrameworkReport, required: str) -> list[Finding]:
    """FW001 the required framework does not serve the application; FW002 another framework does;
    FW003 (warning) another framework is imported by application code."""
    findings: list[Finding] = []
    serving = report.serving()
    implied = implied_frameworks()
    mine = [e for e in report.evidence if e.framework == required]
    if required not in serving:
        imported = [e for e in mine if e.kind == "import"]
        declared = [e for e in mine if e.kind == "dependency"]
        if imported:
            article = "an" if required[0] in "aeiou" else "a"
            message = (
                f"{required} is imported but the application never builds {article} {required} app "
                "or registers a route with it"
            )
            where = imported[0]
        elif declared:
            message = f"{required} is only declared as a dependency; no application code uses it"
            where = declared[0]
        else:
            message = f"{required} is required but the application does not use it"
            where = None
        if serving:
            message += f" (the application is served by {', '.join(serving)})"
        findings.append(
            make_finding(
                "FW001",
                Location(where.file, where.line) if where else Location("."),
                message,
                evidence=where.text if where else "",
                hint=f"build the application with {required} and register its routes there",
                data={"required": required, "serving": serving},
            )
        )
    for other in serving:
        if other == required or required in implied.get(other, set()):
            continue
        first = min(
            (e for e in report.evidence if e.framework == other and e.kind in ("app", "routes")),
            key=lambda e: (_RANK[e.kind], e.file, e.line),
        )
        findings.append(
            make_finding(
                "FW002",
                Location(first.file, first.line),
                f"another web framework, {other}, serves part of the application ({first.kind})",
                evidence=first.text,
                hint=f"serve every route with {required}; remove the {other} app and its routes",
                data={"framework": other, "required": required},
            )
        )
    flagged = set(serving)
    for item in report.evidence:
        if item.kind != "import" or item.framework in flagged or item.framework == required:
            continue
        if required in implied.get(item.framework, set()):
            continue
        flagged.add(item.framework)
        findings.append(
            make_finding(
                "FW003",
                Location(item.file, item.line),
                f"application code imports another web framework, {item.framework}",
                evidence=item.text,
                hint=f"use {required}'s own API instead of {item.framework}",
                data={"framework": item.framework, "required": required},
            )
        )
    return findings


def language_of(facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope]) -> str | None:
    """`python` or `node`: the family of most application files."""
    counts = {"python": 0, "node": 0}
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            counts[file_facts.language.family] += 1
    if not any(counts.values()):
        return None
    return "python" if counts["python"] >= counts["node"] else "node"
