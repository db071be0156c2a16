"""The framework verifier: which web framework serves the application, its routes, prefixes and port.

A framework *serves* the application when application code constructs its app object or registers
routes with it; an import alone is weaker evidence, a declared dependency weaker still. Routes are
read from traced calls (`@bp.route("/x")`, `router.get("/x", …)`, `path("x/", view)`) together with
the prefixes routers and mounts add (`url_prefix=`, `app.use("/api", router)`, `include_router(…,
prefix=)`), followed from module to module: a router exported by one module (or built by a factory
function there) and mounted by another takes the mount's prefix, and the mounter's own. Fastify's
@fastify/autoload adds its folder prefixes to the plugins it loads. Pure functions over the project
model; rule texts live in docs/rules/.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from cdverify.catalog import load_rules, make_finding
from cdverify.detect.layers import framework_of, implied_frameworks
from cdverify.detect.tracing import Instances, foreign, instances_of
from cdverify.manifests import Setting
from cdverify.model import (
    APP_PLACEHOLDER,
    HOLE,
    PARAM_PLACEHOLDER,
    Assignment,
    CallFact,
    FileFacts,
    Finding,
    Location,
    Scope,
    Value,
)
from cdverify.resolve.node import node_builtin_names
from cdverify.rules_schema import Frameworks, Scopes

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "framework"
_RANK = {"app": 1, "routes": 2, "import": 3, "dependency": 4}


class FrameworkEvidence(NamedTuple):
    framework: str
    kind: str  # app | routes | import | dependency
    file: str
    line: int
    text: str
    col: int = 0  # 1-based in code, 0 in manifests

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "text": self.text,
        }

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.col)


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
    site: tuple[str, str] | None = None  # (file, variable) of the app / router object, traced across modules
    col: int = 0

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.col)


@dataclass(frozen=True)
class FrameworkReport:
    evidence: tuple[FrameworkEvidence, ...]
    routes: tuple[Route, ...]
    prefixes: tuple[str, ...]  # every path prefix a router or mount adds, anywhere in the application
    app_prefixes: tuple[str, ...]  # prefixes of every route of the app (`setGlobalPrefix`, `basePath`)
    ports: tuple[tuple[int, str, int, str], ...]  # (port, file, line, text) where the server listens
    port_envs: tuple[str, ...]  # environment variables the port is read from
    # (file, variable) of an app / router object → where its routes sit: every chain of mounts that
    # reaches it, with the prefixes of each mount and of each router on the way (its own included)
    bases: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # plugin file loaded by @fastify/autoload → where the routes it registers on its instance sit
    file_bases: dict[str, frozenset[str]] = field(default_factory=dict)
    # run-time values of the paths and prefixes above, and where the project gives them (`.env` files)
    values: tuple[RunValue, ...] = ()

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
        """Where a route may be reached. A route on a traced app or router object sits where that
        object does (FrameworkReport.bases); a route on the app itself takes only app-level prefixes; a
        route of a plugin file that @fastify/autoload loads sits under the folder's prefix. Routes on
        objects of unknown origin may sit under any prefix (two levels deep)."""
        heads = {""} | set(self.app_prefixes)
        bases = self.bases.get(route.site) if route.site is not None else None
        if bases is None and route.on_app:
            bases = frozenset({""})
        if bases is None:
            bases = self.file_bases.get(route.file)
        if bases is None:
            bases = _anywhere(self.prefixes)
        return {_join(_join(head, base), route.path) for head in heads for base in bases}


def _anywhere(prefixes: Iterable[str]) -> frozenset[str]:
    """Where an object mounted by untraced code may sit: at the root, or under one or two prefixes
    (under one only when the application has more than _PAIRED_PREFIXES, as pairs grow quadratically)."""
    prefixes = tuple(prefixes)
    one = {"", *prefixes}
    if len(prefixes) > _PAIRED_PREFIXES:
        return _places(one)
    return _places(one | {_join(a, b) for a in prefixes for b in prefixes})


# Bounds on where an object may sit, for hostile applications (1,000 blueprints, each under its own
# prefix, registered on one another): without them the places multiply along every chain of mounts.
_PAIRED_PREFIXES = 24
_MAX_PLACES = 1024


def _places(paths: Iterable[str]) -> frozenset[str]:
    """A set of places, cut to the _MAX_PLACES shortest (then alphabetical: the cut is deterministic)."""
    found = set(paths)
    if len(found) <= _MAX_PLACES:
        return frozenset(found)
    return frozenset(sorted(found, key=lambda path: (len(path), path))[:_MAX_PLACES])


def _settle(
    keys: list[Key],
    incoming: Mapping[Key, list[tuple[Key | None, str]]],
    own: Callable[[Key, set[str]], frozenset[str]],
    anywhere: frozenset[str],
) -> dict[Key, frozenset[str]]:
    """Where every object sits: under each of its mounters' places joined with the mount's prefix
    (`incoming`), finished by `own`. Depth first with a stack of its own, as mounts may chain a
    thousand objects deep; a mounter on the current chain (a cycle) or None (untraced) is `anywhere`."""
    settled: dict[Key, frozenset[str]] = {}
    # the chain being settled: (object, its mounts, the next mount to take, the places found so far)
    frames: list[tuple[Key, list[tuple[Key | None, str]], list[int], set[str]]] = []
    on_chain: set[Key] = set()
    for start in keys:
        pending: Key | None = start if start not in settled else None
        while pending is not None or frames:
            if pending is not None:
                frames.append((pending, incoming.get(pending, []), [0], set()))
                on_chain.add(pending)
                pending = None
            key, mounts, at, heads = frames[-1]
            while at[0] < len(mounts):
                mounter, prefix = mounts[at[0]]
                if mounter is not None and mounter not in settled and mounter not in on_chain:
                    pending = mounter  # settle the mounter first, then come back to this mount
                    break
                above = settled[mounter] if mounter is not None and mounter in settled else anywhere
                heads |= {_join(head, prefix) for head in above}
                at[0] += 1
            if pending is None:
                settled[key] = own(key, heads)
                frames.pop()
                on_chain.discard(key)
    return settled


def _join(prefix: str, path: str) -> str:
    parts = [p for p in (_clean(prefix), _clean(path)) if p]
    return "/" + "/".join(parts)


def _clean(part: str) -> str:
    """A path piece without its slashes, and without Django's regex anchors (`^api/`, `^users/?$`)."""
    return part.strip("/").removeprefix("^").removesuffix("$").removesuffix("/?").strip("/")


class _Spec(NamedTuple):
    name: str
    family: str
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
    chained: frozenset[str]
    plugin_mounts: bool
    autoload: tuple[str, ...]
    plugin_wrappers: tuple[str, ...]
    unwrap: frozenset[str]
    controllers: frozenset[str]
    route_paths: frozenset[str]


@cache
def specs() -> tuple[_Spec, ...]:
    data = load_rules(Frameworks)
    out = []
    for family in ("python", "node"):
        for name, entry in data.family(family).items():
            out.append(
                _Spec(
                    name,
                    family,
                    frozenset(entry.apps),
                    frozenset(entry.routers),
                    dict(entry.routes),
                    dict(entry.route_calls),
                    entry.prefix,
                    frozenset(entry.mounts),
                    frozenset(entry.listen),
                    dict(entry.path_arg),
                    dict(entry.method_arg),
                    frozenset(entry.app_prefix),
                    entry.nested_apps,
                    frozenset(entry.chained),
                    entry.plugin_mounts,
                    entry.autoload,
                    entry.plugin_wrappers,
                    frozenset(entry.unwrap),
                    frozenset(entry.controllers),
                    frozenset(entry.route_paths),
                )
            )
    return tuple(out)


@cache
def _chained() -> tuple[str, ...]:
    """Methods that return the app / router they are called on (`app.use(…).get(…)`)."""
    return tuple(sorted({f".{m}()" for spec in specs() for m in spec.chained}))


@cache
def _unwrapped() -> tuple[str, ...]:
    """Calls on a router whose result is mounted in its place (`.routes()`)."""
    return tuple(sorted({f".{m}()" for spec in specs() for m in spec.unwrap}))


@cache
def _constructors() -> dict[str, tuple[str, _Spec]]:
    """Traced app / router constructor → ("app" | "router", its framework)."""
    out: dict[str, tuple[str, _Spec]] = {}
    for spec in specs():
        for name in spec.routers:
            out.setdefault(name, ("router", spec))
        for name in spec.apps:
            out[name] = ("app", spec)
    return out


@cache
def _servers(family: str) -> frozenset[str]:
    return frozenset(load_rules(Frameworks).servers[family])


def _split(callee: str) -> tuple[str, str]:
    """The constructor an app/router call is made on, and the method: `flask.Blueprint().route` →
    (`flask.Blueprint`, `route`); `hono.Hono().basePath().get` → (`hono.Hono`, `get`). The method must
    be called on the object itself (or on aiohttp's `.router`): `app.config.get(...)` is no route."""
    if "()" not in callee:
        return callee, ""
    receiver, _, method = callee.rpartition(".")
    for chained in _chained():  # methods that return the same app / router
        receiver = receiver.replace(chained, "")
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
    settings: Iterable[Setting] = (),
) -> FrameworkReport:
    """`declared` maps declared package names (normalised) → (ecosystem, file, line); `settings` are the
    manifests' (`.env` files give run-time prefixes their values)."""
    evidence: list[FrameworkEvidence] = []
    routes: list[Route] = []
    prefixes: set[str] = set()
    app_prefixes: set[str] = set()
    ports: list[tuple[int, str, int, str]] = []
    port_names: list[str] = []
    constants: dict[str, tuple[str, Assignment]] = {}
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            for assignment in file_facts.assignments:
                constants.setdefault(assignment.key, (path, assignment))
    values = _Values(constants, settings)
    instances = instances if instances is not None else instances_of(facts)
    app_of = _app_constructors(facts, scopes)
    objects = _Objects(facts, scopes, declared, instances, values)
    # per route: (file, (receiver, callee as written, target)), its path when built on a plugin's
    # `opts.prefix`
    placed: list[tuple[str, tuple[str, str, str], str]] = []

    def read(path: str, family: str, written: str, call: CallFact) -> None:
        """What one call traced to its object means: a port, an app or router, a mount, a route."""
        base, method = _split(call.callee)
        if call.callee in _servers(family) or (family == "node" and call.callee.endswith(".listen")):
            found, names = _ports(call)
            ports.extend((port, path, call.line, call.text) for port in found)
            port_names.extend(names)
        call = _resolve_prefixes(call, method, values, path)
        objects.record(path, family, written, call, base, method)
        before = len(routes)
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
                values,
            )
        if len(routes) > before:
            template = _options_prefixed(call)
            holder = (call.receiver, written, call.target)
            placed.extend((path, holder, template) for _ in range(len(routes) - before))

    on_parameters: list[tuple[str, str, str, CallFact]] = []  # calls on a route installer's parameter
    for path, file_facts in facts.items():
        if scopes.get(path) is not Scope.APPLICATION:
            continue
        family = file_facts.language.family
        for fact in file_facts.imports:
            name = framework_of(fact.specifier, family)
            if name is not None:
                evidence.append(FrameworkEvidence(name, "import", path, fact.line, fact.text, fact.col))
        prepared: list[tuple[str, CallFact]] = []  # (callee as written, call traced to its object)
        for call in file_facts.calls:
            written = call.callee
            if written.startswith(PARAM_PLACEHOLDER):  # read once its callers are known
                on_parameters.append((path, family, written, call))
                continue
            traced = foreign(call.callee, path, family, instances)
            if traced is not None:
                call = call._replace(callee=traced)  # `from app import app` / `require("./app")`
            if written.startswith(("./", "../")) and call.args:
                objects.passes.append((path, written, call))  # `initControllers(router)`
            if call.callee.startswith(APP_PLACEHOLDER):
                if family not in app_of:
                    continue
                call = call._replace(callee=app_of[family] + call.callee[len(APP_PLACEHOLDER) :])
            prepared.append((written, call))
        for written, call in _chained_on(_path_routes(prepared)):
            read(path, family, written, call)
    if objects.passes:
        handed = objects.hand_over(app_of)
        for path, family, written, call in on_parameters:
            key = _parameter_key(path, written)
            if key in handed:
                read(path, family, written, call._replace(callee=handed[key] + written.partition(">")[2]))
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
    bases, file_bases = objects.settle(prefixes)
    options = objects.options
    if len(placed) > 1:  # routes read on an installer's parameter go with the other routes of their file
        order = {path: index for index, path in enumerate(facts)}
        ranked = sorted(
            zip(routes, placed, strict=True), key=lambda p: (order[p[0].file], p[0].line, p[0].col)
        )
        routes, placed = [route for route, _ in ranked], [where for _, where in ranked]
    routes = [
        route._replace(
            site=objects.holder(file, *holder),
            path=template.replace(HOLE, options[file]) if template and file in options else route.path,
        )
        for route, (file, holder, template) in zip(routes, placed, strict=True)
    ]
    return FrameworkReport(
        tuple(evidence),
        tuple(routes),
        tuple(sorted(prefixes)),
        tuple(sorted(app_prefixes)),
        tuple(dict.fromkeys(ports)),  # a listen call met by two rules counts once
        port_envs,
        bases,
        file_bases,
        tuple(values.used[name] for name in sorted(values.used)),
    )


def _path_routes(prepared: list[tuple[str, CallFact]]) -> list[tuple[str, CallFact]]:
    """Express `router.route("/x").get(…).post(…)`: each HTTP method chained on a route object is a
    route of the router at the path `route` was given (`route_paths` in the catalogue); the links of a
    chain start where it does (same line and column)."""
    methods = _path_methods()
    if not any(f".{method}()." in call.callee for _, call in prepared for method in methods):
        return prepared
    given: dict[tuple[int, int], tuple[str, CallFact]] = {}  # chain start → the `route("/x")` call
    constructors = _constructors()
    for written, call in prepared:
        base, method = _split(call.callee)
        if (
            method in methods
            and call.args
            and base in constructors
            and method in constructors[base][1].route_paths
        ):
            given[(call.line, call.col)] = (written, call)
    out = []
    for written, call in prepared:
        link = given.get((call.line, call.col))
        if link is not None and link[1] is not call:
            head, _, tail = call.callee.rpartition(f".{_split(link[1].callee)[1]}().")
            http = tail.split(".")[-1]
            if head == link[1].callee.rpartition(".")[0] and all(
                part.removesuffix("()") in _route_methods() for part in tail.split(".")
            ):
                written, call = (
                    link[0].rpartition(".")[0] + "." + http,
                    call._replace(
                        callee=f"{head}.{http}", args=(link[1].args[0], *call.args), receiver=link[1].receiver
                    ),
                )
        out.append((written, call))
    return out


@cache
def _path_methods() -> frozenset[str]:
    """Methods that return a route object for a path (`route_paths`)."""
    return frozenset(m for spec in specs() for m in spec.route_paths)


@cache
def _route_methods() -> frozenset[str]:
    """HTTP methods of route objects (those of frameworks with `route_paths`)."""
    return frozenset(m for spec in specs() if spec.route_paths for m in spec.routes)


def _chained_on(prepared: list[tuple[str, CallFact]]) -> list[tuple[str, CallFact]]:
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
        root, method = _split(call.callee) if links else ("", "")
        if links and method:
            receivers = [
                (other, link.receiver)
                for other, link in links
                if link.receiver and _split(link.callee)[1] and _split(link.callee)[0] == root
            ]
            targets = [
                _CHAIN_EXPORTS.get(link.target, link.target)
                for _, link in links
                if link.target and _split(link.callee)[0] == root
            ]
            if receivers:
                written, receiver = receivers[0]
                call = call._replace(receiver=receiver)
            elif targets and "." not in targets[0]:
                call = call._replace(receiver=targets[0])
        out.append((written, call))
    return out


_CHAIN_EXPORTS = {"module.exports": "default", "exports.default": "default"}  # a chain exported as is


# Port settings that are not the web server's own.
_OTHER_PORT = re.compile(r"db|database|postgres|pg|mysql|redis|mongo|smtp|mail|sql|cache|broker|amqp", re.I)


def _options_prefixed(call: CallFact) -> str:
    """`opts.prefix + "articles"`: a route path built on the `prefix` option of the plugin it is
    registered in (its literal with the hole, "" otherwise)."""
    for value in (*call.args[:1], *(v for k, v in call.kwargs if k in ("url", "path"))):
        if value.names == ("prefix",) and len(value.strings) == 1 and value.strings[0].startswith(HOLE):
            return value.strings[0] if value.strings[0].count(HOLE) == 1 else ""
    return ""


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


class RunValue(NamedTuple):
    """A value a route path or prefix reads at run time, and where the project gives it: a `.env` file
    (`API_PREFIX=/api` in `.env.sample`), or the default written in code when no file sets it."""

    variable: str
    value: str
    file: str
    line: int
    source: str  # "env-file" | "code"

    def to_dict(self) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "value": self.value,
            "file": self.file,
            "line": self.line,
            "source": self.source,
        }


@cache
def _example_env() -> re.Pattern[str]:
    """An example env file's word, anywhere after `.env`, in any case (rules/scopes.toml)."""
    return re.compile("|".join(map(re.escape, load_rules(Scopes).example_files.words)), re.I)


def _env_files(settings: Iterable[Setting]) -> dict[str, Setting]:
    """Variable → the `.env` entry that gives it: `.env` first, then other env files (`.env.local`,
    `.env.development`), then example files (`.env.example`, `.env.sample`, …); at the root before
    subfolders. Test env files (`.env.test`) and values that interpolate others (`${X}`) are skipped."""

    def rank(setting: Setting) -> tuple[bool, bool, int, str, int]:
        name = posixpath.basename(setting.file)
        return (
            bool(_example_env().search(name[4:])),
            name != ".env",
            setting.file.count("/"),
            setting.file,
            setting.line,
        )

    out: dict[str, Setting] = {}
    for setting in settings:
        name = posixpath.basename(setting.file).lower()
        if setting.source != "env-file" or "test" in name[4:] or "$" in setting.value:
            continue
        if setting.key not in out or rank(setting) < rank(out[setting.key]):
            out[setting.key] = setting
    return out


class _Values:
    """What a route path or prefix written as a name or an environment read is at run time, as far as the
    project's own files say: an application constant (`API = "/api"`, followed a few assignments deep),
    a `.env` file (`process.env.API_PREFIX`, `os.getenv("API_PREFIX", "/api")`, or a settings name of
    the same variable: `env.API_PREFIX`, a pydantic field `api_prefix`), else the default written in
    code. Each environment value used is remembered with its source (`used`)."""

    def __init__(self, constants: Mapping[str, tuple[str, Assignment]], settings: Iterable[Setting]) -> None:
        self.constants = constants
        self.env = _env_files(settings)
        self.used: dict[str, RunValue] = {}

    def string(
        self, value: Value, where: tuple[str, int] = ("", 0), depth: int = 0, loose: bool = True
    ) -> str | None:
        """The one string a value is, or None when the project does not say. Unless `loose`, a lower-case
        name (a property: `opts.prefix`) only takes a constant's literal value, its object not being
        traced."""
        holed = [literal for literal in value.strings if HOLE in literal]
        if holed:  # `${process.env.BASE}/users`, `API_PREFIX + "/users"`
            literal = holed[0]
            sources = [*value.env, *value.names]
            if value.parts and len(value.parts) == literal.count(HOLE):
                pieces = [self.string(part, where, depth + 1, loose) for part in value.parts]
            elif literal.count(HOLE) == 1 and len(sources) == 1:
                pieces = [self.variable(sources[0]) if value.env else self.named(sources[0], depth, loose)]
            else:
                return None
            for piece in pieces:
                if piece is None:
                    return None
                literal = literal.replace(HOLE, piece, 1)
            return literal
        for variable in value.env:  # a file's value wins over the default written in code
            found = self.variable(variable)
            if found is not None:
                return found
        if value.strings:
            if value.env and where[0]:
                self.used.setdefault(value.env[0], RunValue(value.env[0], value.strings[0], *where, "code"))
            return value.strings[0]
        for name in value.names:
            found = self.named(name, depth, loose)
            if found is not None:
                return found
        return None

    def named(self, name: str, depth: int, loose: bool) -> str | None:
        return self.name(name, depth) if loose or name.isupper() else self.literal(name)

    def variable(self, name: str) -> str | None:
        """The value a `.env` file gives an environment variable."""
        setting = self.env.get(name)
        if setting is None:
            return None
        self.used.setdefault(name, RunValue(name, setting.value, setting.file, setting.line, "env-file"))
        return setting.value

    def name(self, name: str, depth: int = 0) -> str | None:
        """An application constant's value; a Python settings field (`api_prefix`, as pydantic reads
        it) is overridden by the variable of the same name in upper case, and an upper-case name
        assigned nowhere in the application (`env.API_PREFIX` of a config loader) is that variable."""
        if depth >= 3:
            return None
        entry = self.constants.get(name)
        if entry is not None:
            path, assignment = entry
            if name.islower() and path.endswith(".py") and name.upper() in self.env:
                return self.variable(name.upper())
            return self.string(assignment.value, (path, assignment.line), depth + 1)
        return self.variable(name) if name.isupper() else None

    def literal(self, name: str) -> str | None:
        """The string an application constant is assigned, when it is one."""
        entry = self.constants.get(name)
        return _first_string([entry[1].value]) if entry is not None else None


_PREFIX_NAME = re.compile(r"prefix|path|url|base|api|mount|root", re.I)


@cache
def _prefix_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Keyword / option names that give prefixes, and methods whose first argument may be one."""
    keys = frozenset(k for spec in specs() for k in spec.prefix)
    methods = frozenset(m for spec in specs() for m in (*spec.mounts, *spec.app_prefix))
    return keys, methods


def _resolve_prefixes(call: CallFact, method: str, values: _Values, path: str) -> CallFact:
    """Prefix values written as names or environment reads (`prefix=settings.api_prefix`,
    `app.use(config.apiPath, api)`, `app.use(process.env.API_PREFIX, api)`) take the value the
    application or its `.env` files give them, else UNKNOWN_PREFIX."""
    keys, methods = _prefix_keys()

    def resolve(value: Value) -> Value:
        if any(HOLE in literal for literal in value.strings):  # `${process.env.ROUTER_PREFIX}/users`
            known = values.string(value)
            if known is not None:
                return value._replace(strings=(known,))
            return value._replace(strings=tuple(lit.replace(HOLE, UNKNOWN_PREFIX) for lit in value.strings))
        if value.env:  # `process.env.API_PREFIX || "/api"`: the `.env` value, else the default
            known = values.string(value, (path, call.line))
            return value._replace(strings=(known if known is not None else UNKNOWN_PREFIX,))
        if value.strings or not value.names or not any(_PREFIX_NAME.search(n) for n in value.names):
            return value
        for name in value.names:
            known = values.name(name)
            if known is not None:
                return value._replace(strings=(known,))
        return value._replace(strings=(UNKNOWN_PREFIX,))

    kwargs = tuple((key, resolve(value) if key in keys else value) for key, value in call.kwargs)
    args = call.args
    if method in methods and args:
        args = (resolve(args[0]), *args[1:])
    if kwargs == call.kwargs and args == call.args:
        return call
    return call._replace(args=args, kwargs=kwargs)


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
    values: _Values,
) -> None:
    """What one traced call means for one framework: app, router prefix, route, mount or listen."""
    callee = call.callee
    if callee in spec.apps:
        evidence.append(FrameworkEvidence(spec.name, "app", path, call.line, call.text, call.col))
    if callee in spec.routers or callee in spec.apps:
        value = _first_string(v for k, v in call.kwargs if k in spec.prefix)
        if value is None and callee in spec.controllers:
            value = _first_string(call.args[:1])  # @Controller("articles")
        if value:
            prefixes.add(value)
    if callee in spec.route_calls:
        _route(
            spec,
            callee,
            spec.route_calls[callee],
            call,
            callee,
            path,
            routes,
            evidence,
            prefixes,
            False,
            values,
        )
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
        _route(
            spec, method, spec.routes[method], call, base, path, routes, evidence, prefixes, on_app, values
        )


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
    values: _Values,
) -> None:
    index = spec.path_arg.get(key, 0)
    where = (path, call.line)
    route_path = _route_path(call.args[index : index + 1], values, where)
    if route_path is None:
        route_path = _route_path((v for k, v in call.kwargs if k in ("url", "path")), values, where)
    if route_path is None:
        decorator = bool(spec.controllers) and key in spec.route_calls
        if not decorator or call.args:
            return
        route_path = ""  # @Get() serves the controller's own path
    relative = spec.name == "django" or (bool(spec.controllers) and key in spec.route_calls)
    if not relative and route_path and not route_path.startswith(("/", "*")):
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
            col=call.col,
        )
    )
    evidence.append(FrameworkEvidence(spec.name, "routes", path, call.line, call.text, call.col))


def _route_path(values: Iterable[Value], known: _Values, where: tuple[str, int] = ("", 0)) -> str | None:
    """A route's path as written, or as computed: `API_PREFIX + "/users"` with `API_PREFIX = "/api"`
    is `/api/users`; `${process.env.BASE}/users` takes `BASE` from a `.env` file; a part known only at
    run time (`opts.prefix + "users"`, `${base}/users`) is UNKNOWN_PREFIX (`*users`); `ROUTES.USERS` is
    the constant's value. A property (`opts.prefix`) only takes a constant's literal value: its object
    is not traced."""
    values = list(values)
    found = _first_string(values)
    if found is not None:
        return found
    for value in values:
        names = tuple(name for name in value.names if name.isupper() or _PREFIX_NAME.search(name))
        if value.strings:  # every literal has a computed part
            computed = known.string(value, where, loose=False) if names == value.names else None
            return computed if computed is not None else value.strings[0].replace(HOLE, UNKNOWN_PREFIX)
        if value.env or names:
            computed = known.string(value._replace(names=names), where, loose=False)
            if computed is not None:
                return computed
    return None


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
                where.location if where else Location("."),
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
                first.location,
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
                item.location,
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


# -- app and router objects across modules, the mounts between them, @fastify/autoload -------------------

Key = tuple[str, str]  # (file, module-level variable) of an app or router object
_NOT_A_ROUTER = ("", "")  # a mounted value that is no app or router object (middleware, a plugin)
_UNKNOWN: None = None  # a mounted value that could not be traced
_SCRIPTS = (".ts", ".js", ".cjs", ".mjs")  # what @fastify/autoload loads (not .d.ts)


class _Site(NamedTuple):
    kind: str  # app | router | param (a route installer's parameter: whatever its callers hand it)
    own: str  # its own prefix (`APIRouter(prefix=…)`, `new Hono().basePath(…)`)
    nested: bool  # apps of this framework are mounted in each other (Hono)
    family: str
    ctor: str = ""  # the traced constructor of the object (`express.Router`)


class _Mount(NamedTuple):
    file: str
    family: str
    holder: tuple[str, str, str]  # (receiver, callee as written, target): the object mounted on
    prefix: str | None  # the `prefix` keyword / option, when given
    args: tuple[Value, ...]


class _Autoload(NamedTuple):
    file: str
    holder: tuple[str, str, str]
    options: dict[str, Value]
    spec: _Spec
    line: int = 0


class _Objects:
    """Where app and router objects are built (sites), what mounts which (across modules: an import,
    `require`, or the result of an exported factory function), and the @fastify/autoload calls; settled
    into the prefixes each object's routes sit under once every file has been read."""

    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        scopes: Mapping[str, Scope],
        declared: Mapping[str, tuple[str, str, int]],
        instances: Instances,
        values: _Values,
    ) -> None:
        self.facts, self.scopes, self.declared, self.instances = facts, scopes, declared, instances
        self.values = values
        self.sites: dict[Key, _Site] = {}
        self.factories: list[tuple[Key, str]] = []  # (object, factory call as written) to link
        self.derived: list[tuple[Key, tuple[str, str, str], str]] = []  # `api = app.basePath("/api")`
        self.mounts: list[_Mount] = []
        self.autoloads: list[_Autoload] = []
        self.passes: list[tuple[str, str, CallFact]] = []  # calls of project functions, with arguments
        self.stems: dict[str, str] = {}
        for path, file_facts in facts.items():
            if file_facts.language.family == "node":
                stem = _stem(path)
                self.stems.setdefault(stem, path)
                if stem.endswith("/index"):
                    self.stems.setdefault(stem.removesuffix("/index"), path)
        self.incoming: dict[Key, list[tuple[Key | None, str]]] = {}
        self.links: dict[Key, Key] = {}
        # plugin file loaded by @fastify/autoload → the `prefix` option Fastify hands it (`opts.prefix`),
        # when it is known; set even when Fastify does not apply it (a fastify-plugin plugin)
        self.options: dict[str, str] = {}

    # -- reading calls ------------------------------------------------------------------------------
    def record(self, path: str, family: str, written: str, call: CallFact, base: str, method: str) -> None:
        constructors = _constructors()
        holder = (call.receiver, written, call.target)
        target = _CHAIN_EXPORTS.get(call.target, call.target)
        if target and "." not in target:
            key = (path, target)
            if call.callee in constructors:
                kind, spec = constructors[call.callee]
                own = _first_string(v for k, v in call.kwargs if k in spec.prefix) or ""
                self.sites.setdefault(key, _Site(kind, own, spec.nested_apps, family, call.callee))
            elif base in constructors and (
                method in constructors[base][1].chained or method in constructors[base][1].app_prefix
            ):
                kind, spec = constructors[base]
                own = (_first_string(call.args[:1]) or "") if method in spec.app_prefix else ""
                if call.receiver:  # `const api = app.basePath("/api")`: under wherever `app` is
                    self.sites.setdefault(key, _Site(kind, "", spec.nested_apps, family, base))
                    self.derived.append((key, holder, own))
                else:
                    self.sites.setdefault(key, _Site(kind, own, spec.nested_apps, family, base))
            elif written.startswith(("./", "../")):  # `const articles = createRouter()`
                made = foreign(written + "()", path, family, self.instances)
                if made is not None and made.removesuffix("()") in constructors:
                    kind, spec = constructors[made.removesuffix("()")]
                    ctor = made.removesuffix("()")
                    self.sites.setdefault(key, _Site(kind, "", spec.nested_apps, family, ctor))
                    self.factories.append((key, written + "()"))
        for spec in _relevant(family, base, base):
            if method not in spec.mounts:
                continue
            if (
                spec.autoload
                and call.args
                and any(
                    ref == module or ref.startswith(module + ".")
                    for ref in call.args[0].calls
                    for module in spec.autoload
                )
            ):
                self.autoloads.append(_Autoload(path, holder, dict(call.kwargs), spec, call.line))
            elif not spec.plugin_mounts:  # Fastify's `register` mounts plugin functions, not objects
                prefix = _first_string(v for k, v in call.kwargs if k in spec.prefix)
                self.mounts.append(_Mount(path, family, holder, prefix, call.args))

    # -- route installers: routers handed to functions that register routes on their parameter --------
    def hand_over(self, app_of: Mapping[str, str]) -> dict[Key, str]:
        """Link every parameter that routes are registered on (`function init(router) { router.get(…) }`,
        PARAM_PLACEHOLDER) and every `<app>` of an exported installer to what its callers hand it
        (`initControllers(router)`, `userController.init(router)` handing on its own parameter,
        `require("./routes")(router)`), as a mount with no prefix. → the constructor of each parameter
        whose callers reach an app or router (its calls are read with it); a function nobody calls, or
        calls with something else, registers nothing."""
        named: dict[tuple[str, str], set[str]] = {}  # (file, the name callers use) → function scopes
        params: dict[tuple[str, str], tuple[str, ...]] = {}  # (file, function scope) → parameters
        for path, file_facts in self.facts.items():
            if self.scopes.get(path) is not Scope.APPLICATION:
                continue
            for function in file_facts.functions:
                named.setdefault((path, function.name), set()).add(function.scope)
                params[(path, function.scope)] = function.params
            for call in file_facts.calls:
                if call.callee.startswith(PARAM_PLACEHOLDER):
                    scope, _, label = call.callee[len(PARAM_PLACEHOLDER) :].partition(">")[0].split("#", 2)
                    named.setdefault((path, label), set()).add(scope)
        handed: dict[Key, list[Key | None]] = {}  # parameter → what callers hand it (None: unknown)
        for path, written, call in self.passes:
            targets = self.installers(path, written, named)
            for index, value in enumerate(call.args if targets else ()):
                given = self.handed(path, call, value, params)
                if given == _NOT_A_ROUTER:
                    continue
                for file, scope in targets:
                    if scope == APP_PLACEHOLDER:
                        if index == 0:
                            handed.setdefault((file, APP_PLACEHOLDER), []).append(given)
                    else:
                        handed.setdefault((file, f"{PARAM_PLACEHOLDER}{scope}#{index}>"), []).append(given)
        constructors = _constructors()
        made: dict[Key, str] = {}

        def constructor(key: Key, stack: frozenset[Key]) -> str | None:
            """What a parameter is built by: the first object handed to it that is traced to one."""
            if key in made:
                return made[key]
            family = self.facts[key[0]].language.family
            for given in handed.get(key, ()):
                if given is None or (given[1] == APP_PLACEHOLDER and given not in handed):
                    found = app_of.get(family)  # an app known only as the app
                elif given in handed:
                    found = constructor(given, stack | {key}) if given not in stack else None
                else:
                    site = self.sites.get(given)
                    found = site.ctor if site is not None and site.kind != "param" else None
                if found:
                    made[key] = found
                    return found
            return None

        for key in handed:
            found = constructor(key, frozenset())
            if found is not None and found in constructors:
                spec = constructors[found][1]
                self.sites[key] = _Site("param", "", spec.nested_apps, spec.family, found)
        for key, givens in handed.items():
            if key in self.sites:
                for given in givens:
                    self.edge(key, given if given is None or given in self.sites else None, "")
        return {key: ctor for key, ctor in made.items() if key in self.sites}

    def installers(
        self, path: str, written: str, named: Mapping[tuple[str, str], set[str]]
    ) -> list[tuple[str, str]]:
        """(file, function scope) of the project functions a call may be of (`./routes.registerRoutes`,
        `./controllers.userController.init`, `require("./routes")(…)`), and (file, `<app>`) for the
        default export of a module whose exported installer receives the app."""
        found = self.module_member(path, written)
        if found is None:
            return []
        file, member = found
        facts = self.facts[file]
        aliases = dict(facts.aliases)
        default = member in ("", "default()")
        last = "default" if default else member.split(".")[-1].removesuffix("()")
        names = {last, aliases.get(last, "")} - {""}
        out = [(file, scope) for name in names for scope in sorted(named.get((file, name), ()))]
        if default and f"{APP_PLACEHOLDER}()" in dict(facts.exports).values():
            out.append((file, APP_PLACEHOLDER))
        return out

    def handed(
        self, path: str, call: CallFact, value: Value, params: Mapping[tuple[str, str], tuple[str, ...]]
    ) -> Key | None:
        """The object an argument is: a parameter of the function the call is made in, handed on; this
        module's `<app>`; a site; None (an app or router of unknown place); or _NOT_A_ROUTER, also for
        a name traced to nothing (`const cache = new Map()`)."""
        name = value.names[0] if value.names else ""
        own = params.get((path, call.scope), ()) if call.scope else ()
        if name and name in own:
            return (path, f"{PARAM_PLACEHOLDER}{call.scope}#{own.index(name)}>")
        reference = value.calls[0] if value.calls else ""
        if reference.startswith(APP_PLACEHOLDER):
            return (path, APP_PLACEHOLDER)
        if name and (path, name) not in self.sites and reference.removesuffix("()") in _constructors():
            return None  # a parameter bound as the app (`fastify`)
        found = self.mounted(path, value)
        return _NOT_A_ROUTER if found is None and not reference else found

    # -- tracing names to objects ------------------------------------------------------------------
    def holder(self, path: str, receiver: str, written: str, target: str) -> Key | None:
        """The object a call is made on: a route installer's parameter or `<app>` its callers hand it, a
        variable of its file, one imported from another module (`import { app } from "./app"`), or, for a
        chained call, the variable it is assigned to."""
        if written.startswith(PARAM_PLACEHOLDER):
            key = _parameter_key(path, written)
            return key if key in self.sites else None
        if written.startswith(APP_PLACEHOLDER) and (path, APP_PLACEHOLDER) in self.sites:
            return (path, APP_PLACEHOLDER)
        if receiver and (path, receiver) in self.sites:
            return (path, receiver)
        target = _CHAIN_EXPORTS.get(target, target)
        if not receiver and target and (path, target) in self.sites:
            return (path, target)
        reference = written.rpartition(".")[0]
        if receiver and reference.startswith(("./", "../")):
            found = self.module_member(path, reference)
            return self.exported(found) if found is not None else None
        return None

    def module_member(self, importer: str, reference: str) -> tuple[str, str] | None:
        """`./routes/users.userRouter` → (`src/routes/users.ts`, `userRouter`); `./routes` → (…, "")
        (the default export); `./routes.makeRouter()` → (…, `makeRouter()`); `./routes()` →
        (…, `default()`)."""
        slash = reference.rfind("/")
        splits = [(reference, "")]
        splits += [
            (reference[:i], reference[i + 1 :])
            for i in range(len(reference) - 1, slash, -1)
            if reference[i] == "."
        ]
        for spec, member in splits:
            if spec.endswith("()"):
                spec, member = spec[:-2], "default()" + (f".{member}" if member else "")
            stem = _stem(posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec)))
            if stem in self.stems:
                return self.stems[stem], member
        return None

    def exported(self, found: tuple[str, str]) -> Key | None:
        """The object a module exports under a name ("" for its default export)."""
        path, member = found
        aliases = dict(self.facts[path].aliases)
        if "." in member:
            return None
        variable: str | None
        if not member:  # `module.exports = router`, or a chain exported as is (`export default new Hono()…`)
            variable = aliases.get("default", "default")
        elif member.endswith("()"):
            variable = aliases.get(member)
        else:
            variable = aliases.get(member, member)
        if variable is not None and variable.endswith("()"):  # `module.exports = buildRouter()`
            variable = aliases.get(variable)
        if not variable or (path, variable) not in self.sites:
            return None
        return (path, variable)

    def mounted(self, path: str, value: Value) -> Key | None:
        """The object a mounted value is: a site, _NOT_A_ROUTER (middleware, an external package's
        object, an inline function), or _UNKNOWN."""
        if value.names and (path, value.names[0]) in self.sites:
            return (path, value.names[0])
        reference = value.calls[0] if value.calls else ""
        if not reference:
            return _UNKNOWN if value.names else _NOT_A_ROUTER
        if reference.startswith(APP_PLACEHOLDER):
            return _UNKNOWN
        for unwrap in _unwrapped():  # koa-router `app.use(users.routes())` mounts `users`
            reference = reference.removesuffix(unwrap)
        if reference.startswith(("./", "../")):
            found = self.module_member(path, reference)
            if found is None:
                return _UNKNOWN
            return self.exported(found) or (_UNKNOWN if self.routerish(found) else _NOT_A_ROUTER)
        constructors = _constructors()
        if reference.removesuffix("()") in constructors:
            return _NOT_A_ROUTER  # a fresh inline router holds no routes registered elsewhere
        if _split(reference)[0] in constructors:
            return _UNKNOWN  # `api.routes()`: a router, but which one is not traced
        package = _PACKAGE.match(reference)
        name = package.group(0) if package is not None else ""
        if name in self.declared or name.startswith("node:") or name in node_builtin_names():
            return _NOT_A_ROUTER
        return _UNKNOWN

    def routerish(self, found: tuple[str, str]) -> bool:
        """The module member is an app or router object, though not one traced to where it is built."""
        path, member = found
        value = self.instances.names.get((_stem(path), member or "default"))
        if value is None:
            return False
        constructors = _constructors()
        return value.removesuffix("()") in constructors or _split(value)[0] in constructors

    # -- settling -----------------------------------------------------------------------------------
    def settle(self, prefixes: set[str]) -> tuple[dict[Key, frozenset[str]], dict[str, frozenset[str]]]:
        """Every object's bases and every autoloaded file's, once all files are read; the autoload
        prefixes are added to `prefixes`."""
        for key, factory in self.factories:
            member = self.module_member(key[0], factory)
            target = self.exported(member) if member is not None else None
            if target is not None and target != key:
                self.links[key] = target  # the object the factory builds is the one assigned here
        for key, holder, own in self.derived:
            self.edge(key, self.holder(key[0], *holder), own)
        unresolved: list[_Mount] = []
        for mount in self.mounts:
            prefix, args = mount.prefix, mount.args
            if (
                prefix is None
                and args
                and args[0].strings
                and self.mounted(mount.file, args[0]) in (_UNKNOWN, _NOT_A_ROUTER)
            ):
                prefix, args = _first_string(args[:1]) or "", args[1:]  # `app.use("/api", …)`
            mounter = self.holder(mount.file, *mount.holder)
            if not args and prefix and mounter is not None:  # koa-router `router.prefix("/api")`
                self.sites[mounter] = self.sites[mounter]._replace(own=prefix)
                continue
            objects = [self.mounted(mount.file, value) for value in args]
            sites = [key for key in objects if key is not None and key != _NOT_A_ROUTER]
            for key in sites:
                self.edge(key, mounter, prefix or "")
            if not sites and _UNKNOWN in objects:
                unresolved.append(mount._replace(prefix=prefix or ""))
        # every mount is traced unless one of a node project could not be, where it matters (under a
        # prefix, or on an object that is not the root app); Python modules are not followed
        complete = {"node": True, "python": False}
        for mount in unresolved:
            mounter = self.holder(mount.file, *mount.holder)
            root = mounter is not None and self.sites[mounter].kind == "app" and mounter not in self.incoming
            if mount.prefix not in ("", "/") or not root:
                complete[mount.family] = False
        loaded = self.autoloaded()
        prefixes.update(p for _, p, applied in loaded.values() if applied and p.startswith("/"))
        anywhere = _anywhere(prefixes)

        def placed(key: Key, heads: set[str]) -> frozenset[str]:
            """Where `key` sits, given where its mounters put it (`heads`, empty when nothing mounts it)."""
            site = self.sites[key]
            if not heads:
                root = site.kind == "app" and (not site.nested or complete[site.family])
                heads = {""} if root or complete[site.family] else set(anywhere)
            return _places(_join(head, site.own) for head in heads)

        settled = _settle(list(self.sites), self.incoming, placed, anywhere)
        file_bases = {}
        for path, (loader, prefix, applied) in loaded.items():
            above = settled[loader] if loader is not None else anywhere
            file_bases[path] = _places(_join(head, prefix) for head in above) if applied else above
        return settled, file_bases

    def edge(self, key: Key, mounter: Key | None, prefix: str) -> None:
        """`key` is mounted on `mounter` under `prefix`, and so is the object a factory returned it."""
        seen = set()
        target: Key | None = key
        while target is not None and target not in seen:
            seen.add(target)
            self.incoming.setdefault(target, []).append((mounter, prefix))
            target = self.links.get(target)

    def autoloaded(self) -> dict[str, tuple[Key | None, str, bool]]:
        """Plugin file → (the object autoload registers it on, its prefix, whether Fastify applies it).

        @fastify/autoload registers every script under `dir` (only `index.*` in a folder that has one;
        not `autohooks.*`) with prefix `options.prefix` + the folder path (`routes/users/_id/x.js` →
        `/users/_id`, `/users/:id` with `routeParams`; none with `dirNameRoutePrefix: false`), unless
        the plugin sets `autoPrefix` (instead of the folder path) or `prefixOverride` (instead of
        everything). Fastify ignores the prefix of a plugin wrapped in fastify-plugin (or loaded with
        `encapsulate: false`)."""
        out: dict[str, tuple[Key | None, str, bool]] = {}
        for load in self.autoloads:
            folder = _autoload_dir(load.file, load.options.get("dir"))
            if folder is None:
                continue
            option = load.options.get("options.prefix")
            given = self.values.string(option, (load.file, load.line)) if option is not None else None
            if option is not None and given is None:
                given = UNKNOWN_PREFIX
            elif option is None and "options" in load.options:  # `options: config`
                given = self.options_prefix(load.options["options"])
            # the plugins' `opts.prefix` is unknown when their options are an object not traced
            told = given is not None or "options" not in load.options
            head = (given or "").rstrip("/")
            folder_names = _flag(load.options.get("dirNameRoutePrefix"), default=True)
            params = _flag(load.options.get("routeParams"), default=False)
            encapsulate = _flag(load.options.get("encapsulate"), default=True)
            holder = self.holder(load.file, *load.holder)
            for path in self._plugins(folder):
                parts = path[len(folder) + 1 :].split("/")[:-1]
                folder_prefix = "/" + "/".join(parts) if parts and folder_names else ("/" if parts else "")
                own = _plugin_setting(self.facts[path], "autoPrefix")
                override = _plugin_setting(self.facts[path], "prefixOverride")
                if override is not None:
                    prefix = override
                else:
                    prefix = (
                        head + re.sub(r"/+", "/", own or folder_prefix) if (own or folder_prefix) else head
                    )
                if params:
                    prefix = prefix.replace("__", ":") if "__" in prefix else prefix.replace("/_", "/:")
                wrapped = any(
                    value.startswith(wrapper)
                    for name, value in self.facts[path].exports
                    if name == "default"
                    for wrapper in load.spec.plugin_wrappers
                )
                out.setdefault(path, (holder, prefix, encapsulate and not wrapped))
                if told and UNKNOWN_PREFIX not in prefix:
                    self.options.setdefault(path, prefix)
        return out

    def options_prefix(self, value: Value) -> str | None:
        """`options: config` with `config = { prefix: … }` assigned in the application: its prefix, or
        UNKNOWN_PREFIX when it is computed."""
        wanted = {f"{name}.prefix" for name in value.names}
        for path, file_facts in self.facts.items():
            if self.scopes.get(path) is Scope.APPLICATION:
                for assignment in file_facts.assignments:
                    if assignment.target in wanted:
                        return self.values.string(assignment.value, (path, assignment.line)) or UNKNOWN_PREFIX
        return None

    def _plugins(self, folder: str) -> list[str]:
        """The application files @fastify/autoload loads from a folder, with its default patterns."""
        inside = [
            path
            for path in self.facts
            if path.startswith(folder + "/")
            and self.scopes.get(path) is Scope.APPLICATION
            and path.endswith(_SCRIPTS)
            and not path.endswith(".d.ts")
        ]
        with_index = {posixpath.dirname(p) for p in inside if posixpath.basename(p).split(".")[0] == "index"}
        return [
            path
            for path in inside
            if not _AUTOHOOKS.match(posixpath.basename(path))
            and (
                posixpath.dirname(path) not in with_index or posixpath.basename(path).split(".")[0] == "index"
            )
        ]


def _parameter_key(path: str, written: str) -> Key:
    """`<param:init@4#0#init>().get` → (path, `<param:init@4#0>`): the parameter a call is made on."""
    scope, index, _ = written[len(PARAM_PLACEHOLDER) :].partition(">")[0].split("#", 2)
    return (path, f"{PARAM_PLACEHOLDER}{scope}#{index}>")


_PACKAGE = re.compile(r"@[^/]+/[^/.(]+|[^/.(]+")  # the npm package of a traced name
_AUTOHOOKS = re.compile(r"^[_.]?auto_?hooks\.(?:ts|js|cjs|mjs)$", re.I)


def _stem(path: str) -> str:
    for extension in (".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts"):
        if path.endswith(extension):
            return path[: -len(extension)]
    return path


def _autoload_dir(importer: str, value: Value | None) -> str | None:
    """The project folder an autoload `dir` names: `path.join(__dirname, "routes")` is next to the file,
    `"src/routes"` (or `path.resolve("src/routes")`) is under the working directory, the project root."""
    if value is None:
        return None
    for written in (*value.paths, *value.strings):
        if HOLE in written or written.startswith("/"):
            continue
        if written.startswith("./") and written in value.paths:
            written = posixpath.join(posixpath.dirname(importer), written)
        folder = posixpath.normpath(written)
        if not folder.startswith(".."):
            return folder
    return None


def _flag(value: Value | None, default: bool) -> bool:
    """An autoload option written `true` / `false`; a function or a variable keeps the default."""
    if value is None or value.text not in ("true", "false"):
        return default
    return value.text == "true"


def _plugin_setting(file_facts: FileFacts, name: str) -> str | None:
    """`module.exports.autoPrefix = "/x"` / `export const autoPrefix = "/x"` of a plugin file."""
    for assignment in file_facts.assignments:
        if assignment.key == name and not assignment.scope:
            return _first_string([assignment.value])
    return None


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    if constraints is None or not constraints.framework:
        return []
    return check(analysis.frameworks, constraints.framework)
