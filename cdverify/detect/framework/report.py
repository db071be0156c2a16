"""What framework detection reports: the evidence of each framework, the routes with where they sit,
the ports, and the run-time values paths and prefixes read. Read by the framework and task verifiers."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

import msgspec

from cdverify.detect.framework.paths import anywhere, join
from cdverify.detect.layers import implied_frameworks, routes_only_frameworks
from cdverify.model import Family, Location


class EvidenceKind(StrEnum):
    """What shows a framework is used, strongest first (see `RANK`)."""

    APP = "app"  # application code builds its app object
    ROUTES = "routes"  # application code registers routes with it
    IMPORT = "import"  # application code imports it
    DEPENDENCY = "dependency"  # a manifest declares it


RANK = {kind: rank for rank, kind in enumerate(EvidenceKind, start=1)}  # lower is stronger
SERVING = (EvidenceKind.APP, EvidenceKind.ROUTES)  # the kinds that show a framework serves the app


class FrameworkEvidence(NamedTuple):
    framework: str
    kind: EvidenceKind
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


class ValueSource(StrEnum):
    """Where the project gives a run-time value."""

    ENV_FILE = "env-file"  # a `.env` file sets the variable
    CODE = "code"  # the default written in code, no file setting the variable


class RunValue(NamedTuple):
    """A value a route path or prefix reads at run time, and where the project gives it: a `.env` file
    (`API_PREFIX=/api` in `.env.sample`), or the default written in code when no file sets it."""

    variable: str
    value: str
    file: str
    line: int
    source: ValueSource

    def to_dict(self) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "value": self.value,
            "file": self.file,
            "line": self.line,
            "source": self.source,
        }


class FrameworkReport(msgspec.Struct, frozen=True):
    evidence: tuple[FrameworkEvidence, ...]
    routes: tuple[Route, ...]
    prefixes: tuple[str, ...]  # every path prefix a router or mount adds, anywhere in the application
    app_prefixes: tuple[str, ...]  # prefixes of every route of the app (`setGlobalPrefix`, `basePath`)
    ports: tuple[tuple[int, str, int, str], ...]  # (port, file, line, text) where the server listens
    port_envs: tuple[str, ...]  # environment variables the port is read from
    # (file, variable) of an app / router object → where its routes sit: every chain of mounts that
    # reaches it, with the prefixes of each mount and of each router on the way (its own included)
    bases: dict[tuple[str, str], frozenset[str]] = msgspec.field(default_factory=dict)
    # plugin file loaded by @fastify/autoload → where the routes it registers on its instance sit
    file_bases: dict[str, frozenset[str]] = msgspec.field(default_factory=dict)
    # run-time values of the paths and prefixes above, and where the project gives them (`.env` files)
    values: tuple[RunValue, ...] = ()
    # files whose app objects another file's app or router mounts (a Hono `new Hono()` of a routes module
    # handed to `app.route("/posts", posts)`, an Express sub-app): they build routers, not the app
    mounted_apps: frozenset[str] = frozenset()
    # file registering @fastify/autoload → the plugin files it loads from its folder (it mounts them)
    autoloads: dict[str, frozenset[str]] = msgspec.field(default_factory=dict)
    # files of serving evidence that import an MCP SDK (tools.py): an agent's tool server, not the API
    tool_files: frozenset[str] = frozenset()
    # files whose app or router object another file mounts and which mount other files' routers on it
    # (`new Hono().basePath("/shops").route("/", list)`, Express `router.use("/users", users)`): they route
    # the requests under their prefix to the route modules
    router_hubs: frozenset[str] = frozenset()

    def serving(self) -> list[str]:
        """Frameworks whose app is built or whose routes are registered in application code. Those whose
        evidence lies only in the modules of an MCP tool server (`tool_files`) serve none of the application
        when a framework serves outside them; alone, they serve it."""
        found = {e.framework for e in self.evidence if e.kind in SERVING}
        outside = {e.framework for e in self.evidence if e.kind in SERVING and e.file not in self.tool_files}
        found = outside or found
        implied, routes_only = implied_frameworks(), routes_only_frameworks()
        return sorted(f for f in found if not (implied.get(f, set()) & found) and f not in routes_only)

    def serving_families(self) -> frozenset[Family]:
        """The languages the serving frameworks are written in: the application the harness starts is
        theirs (empty where no framework serves)."""
        from cdverify.detect.framework.catalogue import specs

        serving = set(self.serving())
        return frozenset(spec.family for spec in specs() if spec.name in serving)

    def detected(self) -> list[str]:
        """Serving frameworks first, then frameworks only imported by application code."""
        implied = implied_frameworks()
        best: dict[str, int] = {}
        for item in self.evidence:
            if item.kind is EvidenceKind.DEPENDENCY:
                continue
            best[item.framework] = min(best.get(item.framework, 9), RANK[item.kind])
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
            bases = anywhere(self.prefixes)
        return {join(join(head, base), route.path) for head in heads for base in bases}
