"""Collecting the framework report: every application file's imports and traced calls read for the
frameworks they name (apps, routers, routes, mounts, listen calls), the declared dependencies, the
ports, and the routes placed where their app or router object sits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from cdverify.detect.framework.autoload import loaders
from cdverify.detect.framework.catalogue import specs
from cdverify.detect.framework.configs import RouteConfigs
from cdverify.detect.framework.file_read import OnParameter, Placed, file_part, read_call
from cdverify.detect.framework.installers import hand_over
from cdverify.detect.framework.objects import NOT_A_ROUTER, Key, Objects, on_parameter, parameter_key
from cdverify.detect.framework.pyinstallers import python_handed
from cdverify.detect.framework.report import EvidenceKind, FrameworkEvidence, FrameworkReport
from cdverify.detect.framework.routes import Collected
from cdverify.detect.framework.settle import settle
from cdverify.detect.framework.tools import tool_files
from cdverify.detect.framework.values import RunValues, member_keys, numbers, other_port, port_constant
from cdverify.detect.layers import framework_of
from cdverify.detect.tracing import Instances, instances_of
from cdverify.manifest_records import Setting
from cdverify.model import APP_PLACEHOLDER, PARAM_PLACEHOLDER, Assignment, Family, FileFacts, Scope
from cdverify.partials import FileMemo


def collect(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    declared: Mapping[str, tuple[Family, str, int]],
    instances: Instances | None = None,
    settings: Iterable[Setting] = (),
    memo_of: Callable[[bytes], FileMemo] | None = None,
) -> FrameworkReport:
    """`declared` maps declared package names (normalised) → (ecosystem, file, line); `settings` are the
    manifests' (`.env` files give run-time prefixes their values); `memo_of`: the memo of the per-file
    step under a digest of the project-wide inputs it reads unnoted (cdverify/partials.py), None to
    read every file."""
    constants: dict[str, tuple[str, Assignment]] = {}
    members: dict[str, tuple[str, Assignment]] = {}  # module-level values by module and target (`member_key`)
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            for assignment in file_facts.assignments:
                constants.setdefault(assignment.key, (path, assignment))
                if not assignment.scope:
                    for member in member_keys(path, assignment):
                        members.setdefault(member, (path, assignment))
    found = Collected(RunValues({**constants, **members}, settings))
    instances = instances if instances is not None else instances_of(facts)
    app_of = _app_constructors(facts, scopes)
    objects = Objects(facts, scopes, declared, instances, found.values)
    configs = RouteConfigs(facts, scopes)
    # per route: (file, (receiver, callee as written, target)), its path when built on a plugin's
    # `opts.prefix`
    placed: list[Placed] = []
    on_parameters: list[OnParameter] = []  # calls on a route installer's parameter
    # a route configuration of another file is read without being noted (rare: read every file)
    memo = memo_of(b"") if memo_of is not None and not (configs.named or configs.inline) else None
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            part = file_part(memo, path, file_facts, instances, app_of, objects, configs)
            part.into(found, objects, placed, on_parameters)
    if memo is not None:
        memo.save()
    handed = hand_over(objects, app_of) if objects.passes else {}
    handed.update(python_handed(objects, on_parameters))
    for path, family, written, call in on_parameters:
        key = parameter_key(path, written)
        if key in handed:
            callee = handed[key] + on_parameter(written)
            # a Python app parameter is read as a call on the app, as an annotated one is
            as_written = callee if family == "python" else written
            read_call(path, family, as_written, call._replace(callee=callee), found, objects, configs, placed)
        elif family == "python":  # a mount on a parameter no call hands an app
            objects.unfollowed(path, call)
    for package, (ecosystem, file, line) in declared.items():
        framework = framework_of(package, ecosystem)
        if framework is not None:
            found.evidence.append(FrameworkEvidence(framework, EvidenceKind.DEPENDENCY, file, line, package))
    ports = found.ports
    for variable in found.port_names:
        if variable in constants:
            where, constant = constants[variable]
            ports.extend((n, where, constant.line, constant.text) for n in numbers(constant.value))
    if not ports:
        # the listen call is on an untraced object (`createApp().listen(port)`): a port constant
        # of the application (`DEFAULT_PORT = 3000`, `PORT = int(os.environ.get("PORT", 8080))`), at module
        # level: a `port` inside a function builds some other address (a proxy's `${host}:${port}/sql`), and
        # one in a database's settings is that server's (`db_config = {"port": "5432"}`: the whole target
        # `db_config.port` is read for the other ports' words, and so are the variables it reads:
        # `{"port": int(os.getenv("MYSQL_PORT", "3306"))}`)
        ports.extend(
            (n, where, constant.line, constant.text)
            for key, (where, constant) in constants.items()
            if port_constant().search(key)
            and not other_port().search(constant.target)
            and not any(other_port().search(variable) for variable in constant.value.env)
            and not constant.scope
            for n in numbers(constant.value)
            if 0 < n < 65536
        )
    port_envs = tuple(dict.fromkeys(n for n in found.port_names if n.isupper()))
    bases, file_bases = settle(objects, found.prefixes)
    routes = found.routes
    if len(placed) > 1:  # routes read on an installer's parameter go with the other routes of their file
        order = {path: index for index, path in enumerate(facts)}
        ranked = sorted(
            zip(routes, placed, strict=True), key=lambda p: (order[p[0].file], p[0].line, p[0].col)
        )
        routes, placed = [route for route, _ in ranked], [where for _, where in ranked]
    options = objects.options
    routes = [
        route._replace(
            site=objects.holder(file, *holder),
            path=template.render(options[file]) if template is not None and file in options else route.path,
        )
        for route, (file, holder, template) in zip(routes, placed, strict=True)
    ]
    used = found.values.used
    return FrameworkReport(
        tuple(found.evidence),
        tuple(routes),
        tuple(sorted(found.prefixes)),
        tuple(sorted(found.app_prefixes)),
        tuple(dict.fromkeys(ports)),  # a listen call met by two rules counts once
        port_envs,
        bases,
        file_bases,
        tuple(used[variable] for variable in sorted(used)),
        mounted_apps(objects),
        loaders(objects),
        tool_files(found.evidence, facts),
        router_hubs(objects),
    )


# the app a route installer or plugin is handed by its callers, as its file's key names it
HANDED = (PARAM_PLACEHOLDER, APP_PLACEHOLDER)


def mounted_apps(objects: Objects) -> frozenset[str]:
    """Files that build app objects, each of them mounted by another file (also on an app object not traced
    to a variable: `return new Hono().route("", notes)`) or on the app the file's route installer is handed
    (`export function initRouting(app) { const api = new Hono(); …; app.route("/api", api) }`), or on an
    app of its own file that is so mounted (`v1` of `routes.route("/api/v1", v1)`); and files
    building no app in a variable whose exported function's fresh app (a Hono sub-app returned as built, one
    per route file) another file mounts (`app.route("", todosGet(deps))`). An app mounted under a path
    on an object not traced (`app.add_subapp("/auth/", auth_api)` on the `app: web.Application` parameter
    of a `setup_routes` function) is mounted too: the app it is mounted on is built elsewhere."""
    apps: dict[str, list[Key]] = {}
    for key, site in objects.sites.items():
        if site.kind == "app":
            apps.setdefault(key[0], []).append(key)
    elsewhere: set[Key] = set()  # app objects a mount call of another file mounts
    made: set[str] = set()
    for mount in objects.mounts:
        for value in mount.args:
            given = objects.mounted(mount.file, value)
            if given is not None and given != NOT_A_ROUTER and given[0] != mount.file:
                elsewhere.add(given)
            file = objects.made_by_factory(mount.file, value)
            if file is not None and file not in apps:
                made.add(file)

    def mounted(key: Key, seen: frozenset[Key] = frozenset()) -> bool:
        """Mounted by another file, under a path on an object not traced, or on an app of its own file that
        is (`routes.route("/api/v1", v1)` in routes/index.js, whose `routes` app.js mounts: `v1` is a sub-app
        of the same router)."""
        edges = [e.mounter for e in objects.incoming.get(key, ()) if e.mounter is not None]
        return (
            key in elsewhere
            or key in objects.mounted_untraced
            or any(mounter[0] != key[0] or mounter[1].startswith(HANDED) for mounter in edges)
            or any(mounter not in seen and mounted(mounter, seen | {key}) for mounter in edges)
        )

    return frozenset(path for path, keys in apps.items() if all(mounted(key) for key in keys)) | made


def router_hubs(objects: Objects) -> frozenset[str]:
    """Files building an app or router object that another file mounts and on which they mount the objects
    of other files: the chain of mounts passes through them. A route installer's parameter (the app it is
    handed: `(app) => app.use("/users", routes)`) is not built there: it mounts on the caller's app."""
    mounters: set[Key] = set()  # objects mounting another file's object
    for key, edges in objects.incoming.items():
        mounters.update(e.mounter for e in edges if e.mounter is not None and e.mounter[0] != key[0])

    def hub(key: Key) -> bool:
        site = objects.sites.get(key)
        return (
            site is not None
            and site.kind in ("app", "router")
            and any(e.mounter is not None and e.mounter[0] != key[0] for e in objects.incoming.get(key, ()))
        )

    return frozenset(key[0] for key in mounters if hub(key))


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
