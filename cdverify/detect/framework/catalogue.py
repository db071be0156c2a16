"""The web frameworks of rules/frameworks.toml as the detector reads them: one `Spec` per framework,
the indexes built over them (constructors, traced names, methods that chain), and `split`, which reads
a traced call as a method called on an app or router constructor."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import Callee, Family
from cdverify.rules_schema import Autoload, Conventions, Frameworks


class Spec(NamedTuple):
    """One framework of the catalogue, its names in sets (see rules/frameworks.toml for each key)."""

    name: str
    family: Family
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
    groups: frozenset[str]  # chained methods returning a router under the prefix given first
    plugin_mounts: bool
    autoload: tuple[str, ...]
    plugin_wrappers: tuple[str, ...]
    unwrap: frozenset[str]
    controllers: frozenset[str]
    route_paths: frozenset[str]
    route_tables: frozenset[str]
    relative_paths: bool
    url_includes: tuple[str, ...]
    url_attributes: frozenset[str]  # attributes holding a URL configuration (`api.urls`)
    chained_paths: bool
    named_routes: bool
    mount_calls: frozenset[str]
    mount_keys: dict[str, str]  # mount method → the keyword giving its prefix besides `prefix`
    route_configs: dict[str, str]  # traced route-config builder → the route method that registers it
    handlers: frozenset[str]  # app / router methods registering request handlers that are no route
    handler_keys: tuple[str, ...]  # route-method keywords giving the handler (`view_func`)
    router_keys: dict[str, str]  # router constructor → the keyword giving its own prefix besides `prefix`
    named_routers: frozenset[str]  # routers whose own prefix is `/` and their name when none is given
    replacing_mounts: frozenset[str]  # mounts whose prefix, when given, replaces the router's own
    attached_routers: frozenset[str]  # routers built on the app or blueprint given first (`Api(bp)`)
    attach_methods: frozenset[str]  # router methods attaching it to the app or blueprint given first
    merge_mounts: frozenset[str]  # methods mounting a router's routes as they are, with no prefix


@cache
def specs() -> tuple[Spec, ...]:
    data = load_rules(Frameworks)
    out = []
    for family in Family:
        for name, entry in data.family(family).items():
            out.append(
                Spec(
                    name,
                    family,
                    apps=frozenset(entry.apps),
                    routers=frozenset(entry.routers),
                    routes=dict(entry.routes),
                    route_calls=dict(entry.route_calls),
                    prefix=entry.prefix,
                    mounts=frozenset(entry.mounts),
                    listen=frozenset(entry.listen),
                    path_arg=dict(entry.path_arg),
                    method_arg=dict(entry.method_arg),
                    app_prefix=frozenset(entry.app_prefix),
                    nested_apps=entry.nested_apps,
                    chained=frozenset(entry.chained),
                    groups=frozenset(entry.groups),
                    plugin_mounts=entry.plugin_mounts,
                    autoload=entry.autoload,
                    plugin_wrappers=entry.plugin_wrappers,
                    unwrap=frozenset(entry.unwrap),
                    controllers=frozenset(entry.controllers),
                    route_paths=frozenset(entry.route_paths),
                    route_tables=frozenset(entry.route_tables),
                    relative_paths=entry.relative_paths,
                    url_includes=entry.url_includes,
                    url_attributes=frozenset(entry.url_attributes),
                    chained_paths=entry.chained_paths,
                    named_routes=entry.named_routes,
                    mount_calls=frozenset(entry.mount_calls),
                    mount_keys=dict(entry.mount_keys),
                    route_configs=dict(entry.route_configs),
                    handlers=frozenset(entry.handlers),
                    handler_keys=entry.handler_keys,
                    router_keys=dict(entry.router_keys),
                    named_routers=frozenset(entry.named_routers),
                    replacing_mounts=frozenset(entry.replacing_mounts),
                    attached_routers=frozenset(entry.attached_routers),
                    attach_methods=frozenset(entry.attach_methods),
                    merge_mounts=frozenset(entry.merge_mounts),
                )
            )
    return tuple(out)


def conventions() -> Conventions:
    return load_rules(Frameworks).conventions


def autoload_rules() -> Autoload:
    return load_rules(Frameworks).autoload


@cache
def servers(family: Family) -> frozenset[str]:
    """Functions that start an HTTP server around an app, whatever the framework."""
    return frozenset(load_rules(Frameworks).servers[family])


@cache
def server_methods(family: Family) -> tuple[str, ...]:
    """`.listen`: methods that start an HTTP server on any object (`server.listen(3000)`), as the end of
    a traced name."""
    return tuple(f".{method}" for method in load_rules(Frameworks).server_methods.get(family, ()))


@cache
def _chained() -> tuple[str, ...]:
    """Methods that return the app / router they are called on (`app.use(…).get(…)`)."""
    return tuple(sorted({f".{m}()" for spec in specs() for m in spec.chained}))


@cache
def _route_tables() -> tuple[str, ...]:
    """Attributes of an app that hold its routes (aiohttp `app.router`)."""
    return tuple(sorted({f".{m}" for spec in specs() for m in spec.route_tables}))


def table_owner(receiver: str) -> str:
    """The app whose route table a receiver is (`api.router` → `api`), or the receiver itself."""
    for table in _route_tables():
        if receiver.endswith(table):
            return receiver.removesuffix(table)
    return receiver


@cache
def unwrapped() -> tuple[str, ...]:
    """Calls on a router whose result is mounted in its place (`.routes()`)."""
    return tuple(sorted({f".{m}()" for spec in specs() for m in spec.unwrap}))


@cache
def constructors() -> dict[str, tuple[str, Spec]]:
    """Traced app / router constructor → ("app" | "router", its framework)."""
    out: dict[str, tuple[str, Spec]] = {}
    for spec in specs():
        for name in spec.routers:
            out.setdefault(name, ("router", spec))
        for name in spec.apps:
            out[name] = ("app", spec)
    return out


@lru_cache(maxsize=1 << 14)  # pure, and asked again and again for the same names on a big tree
def split(callee: str) -> tuple[str, str]:
    """The constructor an app/router call is made on, and the method: `flask.Blueprint().route` →
    (`flask.Blueprint`, `route`); `hono.Hono().basePath().get` → (`hono.Hono`, `get`). The method must
    be called on the object itself (or on aiohttp's `.router`): `app.config.get(...)` is no route. A
    constructor that is itself a method of a call's result (hono/factory `createFactory().createApp`) is
    one object as well: `hono/factory.createFactory().createApp().get` →
    (`hono/factory.createFactory().createApp`, `get`)."""
    if "()" not in callee:  # no call on the way: no app or router object (read without parsing)
        return callee, ""
    name = Callee.of(callee)
    receiver = name.receiver
    for chained in _chained():  # methods that return the same app / router
        receiver = receiver.replace(chained, "")
    for table in _route_tables():  # aiohttp: app.router.add_get
        receiver = receiver.removesuffix(table)
    if not receiver.endswith("()") or ("()" in receiver[:-2] and receiver[:-2] not in constructors()):
        return callee, ""  # a constructor may be a call's method itself (`createFactory().createApp`)
    # an untraced name keeps its mark (`?db.connection().execute` → `?db.connection`): no constructor
    return str(Callee("", receiver[:-2], name.traced)), name.method


@cache
def _index(family: Family) -> dict[str, tuple[Spec, ...]]:
    """Traced name → the frameworks whose apps, routers or route functions it names."""
    out: dict[str, list[Spec]] = {}
    for spec in specs():
        if spec.family == family:
            for name in {*spec.apps, *spec.routers, *spec.route_calls, *spec.mount_calls}:
                out.setdefault(name, []).append(spec)
    return {name: tuple(found) for name, found in out.items()}


def relevant(family: Family, callee: str, base: str) -> tuple[Spec, ...]:
    """The frameworks a call may be of: those naming its callee, then those naming its constructor."""
    index = _index(family)
    first = index.get(callee, ())
    second = index.get(base, ()) if base != callee else ()
    return first + tuple(spec for spec in second if spec not in first)


@cache
def python_mounts() -> tuple[frozenset[str], frozenset[str]]:
    """The mount methods of the Python frameworks (`register_blueprint`, `include_router`, …), and the
    keywords that give their prefixes (`url_prefix`, `prefix`, `path`)."""
    python = [spec for spec in specs() if spec.family == Family.PYTHON]
    methods = frozenset(m for spec in python for m in spec.mounts)
    keys = frozenset(k for spec in python for k in (*spec.prefix, *spec.mount_keys.values()))
    return methods, keys


@cache
def path_methods() -> frozenset[str]:
    """Methods that return a route object for a path (`route_paths`)."""
    return frozenset(m for spec in specs() for m in spec.route_paths)


@cache
def route_methods() -> frozenset[str]:
    """HTTP methods of route objects (those of frameworks with `route_paths`)."""
    return frozenset(m for spec in specs() if spec.route_paths for m in spec.routes)


@cache
def prefix_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Keyword / option names that give prefixes, and methods whose first argument may be one."""
    keys = frozenset(k for spec in specs() for k in spec.prefix)
    methods = frozenset(m for spec in specs() for m in (*spec.mounts, *spec.app_prefix))
    return keys, methods
