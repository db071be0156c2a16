"""The framework verifier: which web framework serves the application, its routes, prefixes and port.

A framework *serves* the application when application code constructs its app object or registers
routes with it; an import alone is weaker evidence, a declared dependency weaker still. Routes are
read from traced calls (`@bp.route("/x")`, `router.get("/x", …)`, `path("x/", view)`) together with
the prefixes routers and mounts add (`url_prefix=`, `app.use("/api", router)`, `include_router(…,
prefix=)`). Pure functions over the project model; rule texts live in docs/rules/.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cdverify.catalog import load_rules
from cdverify.model import HOLE, CallFact, FileFacts, Finding, Location, Scope, Value, make_finding
from cdverify.verify.architecture import framework_of, implied_frameworks

CONSTRAINT = "framework"
_RANK = {"app": 1, "routes": 2, "import": 3, "dependency": 4}


@dataclass(frozen=True)
class FrameworkEvidence:
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


@dataclass(frozen=True)
class Route:
    framework: str
    method: str  # GET, POST, … or "*" when any
    path: str  # as registered, before prefixes
    router: str  # traced constructor of the app or router it was registered on
    file: str
    line: int
    text: str


@dataclass(frozen=True)
class FrameworkReport:
    evidence: tuple[FrameworkEvidence, ...]
    routes: tuple[Route, ...]
    prefixes: tuple[str, ...]  # every path prefix a router or mount adds, anywhere in the application
    ports: tuple[tuple[int, str, int, str], ...]  # (port, file, line, text) where the server listens
    port_envs: tuple[str, ...]  # environment variables the port is read from

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
        """Where a route may be reached: its own path, and that path under every known prefix."""
        own = _join("", route.path)
        out = {own}
        for prefix in self.prefixes:
            out.add(_join(prefix, route.path))
            for inner in self.prefixes:
                out.add(_join(_join(prefix, inner), route.path))
        return out


def _join(prefix: str, path: str) -> str:
    parts = [p for p in (prefix.strip("/"), path.strip("/")) if p]
    return "/" + "/".join(parts)


@dataclass(frozen=True)
class _Spec:
    name: str
    family: str
    paper: bool
    apps: frozenset[str]
    routers: frozenset[str]
    routes: frozenset[str]
    route_calls: frozenset[str]
    prefix: tuple[str, ...]
    mounts: frozenset[str]
    listen: frozenset[str]
    method_of: dict[str, str]


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
                    frozenset(entry.get("routes", [])),
                    frozenset(entry.get("route_calls", [])),
                    tuple(entry.get("prefix", [])),
                    frozenset(entry.get("mounts", [])),
                    frozenset(entry.get("listen", [])),
                    dict(entry.get("method_of", {})),
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
    for chained in ("basePath()", "prefix()"):  # methods that return the same app / router
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
    facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope], declared: Mapping[str, tuple[str, str, int]]
) -> FrameworkReport:
    """`declared` maps declared package names (normalised) → (ecosystem, file, line)."""
    evidence: list[FrameworkEvidence] = []
    routes: list[Route] = []
    prefixes: set[str] = set()
    ports: list[tuple[int, str, int, str]] = []
    port_names: list[str] = []
    by_family: dict[str, list[_Spec]] = {"python": [], "node": []}
    for spec in specs():
        by_family[spec.family].append(spec)
    constants: dict[str, Value] = {}
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            for assignment in file_facts.assignments:
                constants.setdefault(assignment.key, assignment.value)
    for path, file_facts in facts.items():
        if scopes.get(path) is not Scope.APPLICATION:
            continue
        family = file_facts.language.family
        for fact in file_facts.imports:
            name = framework_of(fact.specifier, family)
            if name is not None:
                evidence.append(FrameworkEvidence(name, "import", path, fact.line, fact.text))
        for call in file_facts.calls:
            base, method = _split(call.callee)
            if call.callee in _servers(family):
                found, names = _ports(call)
                ports.extend((port, path, call.line, call.text) for port in found)
                port_names.extend(names)
            for spec in by_family[family]:
                if call.callee in spec.apps:
                    evidence.append(FrameworkEvidence(spec.name, "app", path, call.line, call.text))
                if call.callee in spec.routers or call.callee in spec.apps:
                    value = _first_string(v for k, v in call.kwargs if k in spec.prefix)
                    if value:
                        prefixes.add(value)
                if call.callee in spec.route_calls:
                    _route(spec, "*", call, call.callee, path, routes, evidence, prefixes)
                if base not in spec.apps and base not in spec.routers:
                    continue
                if method in spec.listen or call.callee in spec.listen:
                    found, names = _ports(call)
                    ports.extend((port, path, call.line, call.text) for port in found)
                    port_names.extend(names)
                if method in spec.mounts:
                    prefix = _first_string(v for k, v in call.kwargs if k in spec.prefix) or _first_string(
                        call.args[:1]
                    )
                    if (prefix and prefix.startswith("/")) or (prefix and spec.name == "django"):
                        prefixes.add(prefix)
                    continue
                if method in spec.routes:
                    http = spec.method_of.get(method, method.upper())
                    if method in (
                        "route",
                        "api_route",
                        "add_route",
                        "add_url_rule",
                        "all",
                        "on",
                        "view",
                        "register",
                    ):
                        methods = call.kwarg("methods", "method")
                        http = (
                            ",".join(m.upper() for m in methods.strings)
                            if methods and methods.strings
                            else ("GET" if method == "route" and spec.name in ("flask", "quart") else "*")
                        )
                    _route(spec, http, call, base, path, routes, evidence, prefixes)
    for name, (ecosystem, file, line) in declared.items():
        framework = framework_of(name, ecosystem)
        if framework is not None:
            evidence.append(FrameworkEvidence(framework, "dependency", file, line, name))
    for name in port_names:
        constant = constants.get(name)
        if constant is not None:
            ports.extend((n, "", 0, constant.text) for n in constant.numbers)
    if not ports:
        # the listen call is on an untraced object (`createApp().listen(port)`): a port constant
        # of the application (`DEFAULT_PORT = 3000`, `PORT = int(os.environ.get("PORT", 8080))`)
        ports.extend(
            (n, "", 0, value.text)
            for key, value in constants.items()
            if "port" in key.lower()
            for n in value.numbers
            if 0 < n < 65536
        )
    port_envs = tuple(dict.fromkeys(n for n in port_names if n.isupper()))
    return FrameworkReport(tuple(evidence), tuple(routes), tuple(sorted(prefixes)), tuple(ports), port_envs)


def _route(
    spec: _Spec,
    http: str,
    call: CallFact,
    router: str,
    path: str,
    routes: list[Route],
    evidence: list[FrameworkEvidence],
    prefixes: set[str],
) -> None:
    route_path = _first_string(call.args[:1]) or _first_string(
        v for k, v in call.kwargs if k in ("url", "path")
    )
    if route_path is None:
        return
    if spec.name == "django" and len(call.args) > 1 and any("include" in c for c in call.args[1].calls):
        prefixes.add(route_path)  # path("api/", include("app.urls")) mounts a URLconf
        return
    routes.append(Route(spec.name, http, route_path, router, path, call.line, call.text))
    evidence.append(FrameworkEvidence(spec.name, "routes", path, call.line, call.text))


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
