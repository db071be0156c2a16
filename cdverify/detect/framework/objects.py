"""App and router objects across modules: where each is built (its site), what mounts which, and how a
name in one file is traced to an object built in another (an import, `require`, the result of an
exported factory function). `record` reads the calls; `installers`, `autoload` and `settle` finish
the picture once every file is read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from cdverify.detect.framework.catalogue import (
    Spec,
    constructors,
    python_mounts,
    relevant,
    split,
    table_owner,
    unwrapped,
)
from cdverify.detect.framework.pymodules import (
    Member,
    imported_from,
    module_files,
    module_level,
    module_member,
)
from cdverify.detect.framework.routes import CHAIN_EXPORTS, own_prefix
from cdverify.detect.framework.values import RunValues, first_string
from cdverify.detect.layers import framework_of
from cdverify.detect.tracing import (
    Instances,
    bound_to_project,
    dots_after,
    foreign,
    module_keys,
    node_stem,
    relative_stem,
    unaliased,
)
from cdverify.model import (
    APP_PLACEHOLDER,
    PARAM_PLACEHOLDER,
    UNTRACED,
    Callee,
    CallFact,
    Family,
    FileFacts,
    ImportKind,
    Scope,
    Value,
)
from cdverify.resolve.node import node_builtin_names

Key = tuple[str, str]  # (file, module-level variable) of an app or router object
# `export * from "./route"` (not `export * as api from …`, which exports one name)
_STAR_EXPORT = re.compile(r"export\s*\*\s*from\b")
NOT_A_ROUTER = ("", "")  # a mounted value that is no app or router object (middleware, a plugin)
UNKNOWN: None = None  # a mounted value that could not be traced

_PACKAGE = re.compile(r"@[^/]+/[^/.(]+|[^/.(]+")  # the npm package of a traced name


class Site(NamedTuple):
    kind: str  # app | router | param (a route installer's parameter: whatever its callers hand it)
    own: str  # its own prefix (`APIRouter(prefix=…)`, `new Hono().basePath(…)`)
    nested: bool  # apps of this framework are mounted in each other (Hono)
    family: Family
    ctor: str = ""  # the traced constructor of the object (`express.Router`)


class Mount(NamedTuple):
    file: str
    family: Family
    holder: tuple[str, str, str]  # (receiver, callee as written, target): the object mounted on
    prefix: str | None  # the `prefix` keyword / option, when given
    args: tuple[Value, ...]
    replaces: bool = False  # its prefix, when given, replaces the mounted router's own (`replacing_mounts`)


class Edge(NamedTuple):
    """An object is mounted on `mounter` (None: an untraced one) under `prefix`."""

    mounter: Key | None
    prefix: str
    replaces: bool = False  # the prefix stands instead of the mounted object's own


class AutoloadCall(NamedTuple):
    """`app.register(autoload, { dir, … })`: the folder-loading plugin registered on an object."""

    file: str
    holder: tuple[str, str, str]
    options: dict[str, Value]
    spec: Spec
    line: int = 0


class Recorded(NamedTuple):
    """What one file's calls record besides the sites (see `Objects`)."""

    factories: tuple[tuple[Key, str], ...]
    derived: tuple[tuple[Key, tuple[str, str, str], str], ...]
    mounts: tuple[Mount, ...]
    autoloads: tuple[AutoloadCall, ...]
    passes: tuple[tuple[str, str, CallFact], ...]
    # (router, its file, the app or blueprint it is attached to: `Api(bp)`, `api.init_app(app)`)
    attached: tuple[tuple[Key, str, Value], ...] = ()


class Objects:
    """Where app and router objects are built (sites), what mounts which, and the @fastify/autoload
    calls, as the calls of every file are read (`record`); the names of a file traced to those objects."""

    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        scopes: Mapping[str, Scope],
        declared: Mapping[str, tuple[Family, str, int]],
        instances: Instances,
        values: RunValues,
    ) -> None:
        self.facts, self.scopes, self.declared, self.instances = facts, scopes, declared, instances
        self.values = values
        self.sites: dict[Key, Site] = {}
        self.factories: list[tuple[Key, str]] = []  # (object, factory call as written) to link
        self.derived: list[tuple[Key, tuple[str, str, str], str]] = []  # `api = app.basePath("/api")`
        self.mounts: list[Mount] = []
        self.autoloads: list[AutoloadCall] = []
        self.passes: list[tuple[str, str, CallFact]] = []  # calls of project functions, with arguments
        self.attached: list[tuple[Key, str, Value]] = []
        self.stems: dict[str, str] = {}
        self.modules = module_files(facts)  # Python: dotted module name → its file
        for path, file_facts in facts.items():
            if file_facts.language.family == "node":
                stem = node_stem(path)
                self.stems.setdefault(stem, path)
                if stem.endswith("/index"):
                    self.stems.setdefault(stem.removesuffix("/index"), path)
        self.incoming: dict[Key, list[Edge]] = {}
        # objects a mount call mounts on an object not traced (`app.add_subapp("/auth/", auth_api)` on the
        # `app: web.Application` parameter of `setup_routes`): sub-applications (collect.py `mounted_apps`)
        self.mounted_untraced: set[Key] = set()
        self.links: dict[Key, Key] = {}
        # plugin file loaded by @fastify/autoload → the `prefix` option Fastify hands it (`opts.prefix`),
        # when it is known; set even when Fastify does not apply it (a fastify-plugin plugin)
        self.options: dict[str, str] = {}

    def fresh(self, instances: Instances) -> Objects:
        """These objects with nothing recorded, tracing names through `instances`: what one file's calls
        record, added to these (`take`) in the order of the files."""
        mine = Objects({}, self.scopes, self.declared, instances, self.values)
        mine.facts, mine.stems, mine.modules = self.facts, self.stems, self.modules
        return mine

    def take(self, sites: Iterable[tuple[Key, Site]], mine: Recorded) -> None:
        """Add one file's records (in the order of the files: the first site of a key stays)."""
        for key, site in sites:
            self.sites.setdefault(key, site)
        self.factories.extend(mine.factories)
        self.derived.extend(mine.derived)
        self.mounts.extend(mine.mounts)
        self.autoloads.extend(mine.autoloads)
        self.passes.extend(mine.passes)
        self.attached.extend(mine.attached)

    # -- reading calls ------------------------------------------------------------------------------
    def record(self, path: str, family: Family, written: str, call: CallFact, base: str, method: str) -> None:
        """A call that builds an object (assigned to a variable), mounts one, or registers autoload."""
        known = constructors()
        holder = (call.receiver, written, call.target)
        target = CHAIN_EXPORTS.get(call.target, call.target)
        if target and "." not in target:
            key = (path, target)
            if call.callee in known:
                kind, spec = known[call.callee]
                own = own_prefix(spec, call) or ""
                self.sites.setdefault(key, Site(kind, own, spec.nested_apps, family, call.callee))
                if call.callee in spec.attached_routers and call.args:  # `api = Api(bp)`
                    self.attached.append((key, path, call.args[0]))
            elif base in known and (method in known[base][1].chained or method in known[base][1].app_prefix):
                kind, spec = known[base]
                prefixed = method in spec.app_prefix or method in spec.groups  # `router.newGroup("/api")`
                own = (first_string(call.args[:1]) or "") if prefixed else ""
                if call.receiver:  # `const api = app.basePath("/api")`: under wherever `app` is
                    self.sites.setdefault(key, Site(kind, "", spec.nested_apps, family, base))
                    self.derived.append((key, holder, own))
                else:
                    self.sites.setdefault(key, Site(kind, own, spec.nested_apps, family, base))
            elif written.startswith(("./", "../")):  # `const articles = createRouter()`
                made = foreign(written + "()", path, family, self.instances)
                if made is not None and made.removesuffix("()") in known:
                    kind, spec = known[made.removesuffix("()")]
                    ctor = made.removesuffix("()")
                    self.sites.setdefault(key, Site(kind, "", spec.nested_apps, family, ctor))
                    self.factories.append((key, written + "()"))
        specs = relevant(family, base, base)
        if family == "python" and not specs:
            self.unfollowed(path, call)
        for spec in specs:
            if method in spec.attach_methods and call.args:  # `api.init_app(app)`
                mounted = self.holder(path, *holder)
                if mounted is not None:
                    self.attached.append((mounted, path, call.args[0]))
            if method in spec.merge_mounts:  # aiohttp `app.add_routes(routes)`
                self.mounts.append(Mount(path, family, holder, "", call.args))
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
                self.autoloads.append(AutoloadCall(path, holder, dict(call.kwargs), spec, call.line))
            elif not spec.plugin_mounts:  # Fastify's `register` mounts plugin functions, not objects
                keys = (*spec.prefix, spec.mount_keys.get(method, ""))
                prefix = first_string(v for k, v in call.kwargs if k in keys)
                replaces = method in spec.replacing_mounts
                values = _mounted_values(call, keys) if family == "python" else call.args
                self.mounts.append(Mount(path, family, holder, prefix, values, replaces))

    def unfollowed(self, path: str, call: CallFact) -> None:
        """A Python mount call on an object not traced to its app or router (`current_app.register_blueprint(
        bp)`, one on an app imported from where it cannot be followed, on a parameter no call hands an
        app): a mount on an unknown object."""
        methods, keys = python_mounts()
        if call.callee.rpartition(".")[2] in methods and _loose(call.callee):
            prefix = first_string(v for k, v in call.kwargs if k in keys)
            self.mounts.append(Mount(path, Family.PYTHON, ("", "", ""), prefix, _mounted_values(call, keys)))

    def edge(self, key: Key, mounter: Key | None, prefix: str, replaces: bool = False) -> None:
        """`key` is mounted on `mounter` under `prefix`, and so is the object a factory returned it."""
        seen = set()
        target: Key | None = key
        while target is not None and target not in seen:
            seen.add(target)
            self.incoming.setdefault(target, []).append(Edge(mounter, prefix, replaces))
            target = self.links.get(target)

    # -- tracing names to objects ------------------------------------------------------------------
    def holder(self, path: str, receiver: str, written: str, target: str) -> Key | None:
        """The object a call is made on: a route installer's parameter or `<app>` its callers hand it, a
        variable of its file, one imported from another module (`import { app } from "./app"`), or, for a
        chained call, the variable it is assigned to."""
        if written.startswith(PARAM_PLACEHOLDER):
            key = parameter_key(path, written)
            return key if key in self.sites else None
        if written.startswith(APP_PLACEHOLDER) and (path, APP_PLACEHOLDER) in self.sites:
            return (path, APP_PLACEHOLDER)
        receiver = table_owner(receiver)  # aiohttp `api.router.add_get(…)` is a call on `api`
        if receiver and (path, receiver) in self.sites:
            return (path, receiver)
        target = CHAIN_EXPORTS.get(target, target)
        if not receiver and target and (path, target) in self.sites:
            return (path, target)
        # `./routes.router.get` → `./routes.router`
        reference = unaliased(Callee.of(written).receiver, path, self.instances)
        if receiver and reference.startswith(("./", "../")):
            found = self.module_member(path, reference)
            return self.exported(found) if found is not None else None
        if receiver and self.python(path):  # `from app.views import bp` then `@bp.get(…)`
            member = module_member(self.modules, path, table_owner(reference), self.instances)
            return self.python_object(member) if member is not None else None
        return None

    def python(self, path: str) -> bool:
        facts = self.facts.get(path)
        return facts is not None and facts.language.family == "python"

    def python_object(self, member: Member, hops: int = 3) -> Key | None:
        """The object a Python module's module-level name is (`exported`'s Python equivalent): one it
        builds, or one it imports from another project module (a package's `from .routes import
        api_router`), a few hops deep."""
        if not module_level(self.facts, member):
            return None
        if member in self.sites:
            return member
        passed = imported_from(self.facts, member)
        if not hops or not bound_to_project(passed, self.instances.heads):
            return None
        further = module_member(self.modules, member[0], passed, self.instances)
        return self.python_object(further, hops - 1) if further is not None else None

    def module_member(self, importer: str, reference: str) -> tuple[str, str] | None:
        """`./routes/users.userRouter` → (`src/routes/users.ts`, `userRouter`); `./routes` → (…, "")
        (the default export); `./routes.makeRouter()` → (…, `makeRouter()`); `./routes()` →
        (…, `default()`)."""
        slash = reference.rfind("/")
        splits = [(reference, "")]
        splits += [(reference[:i], reference[i + 1 :]) for i in reversed(dots_after(reference, slash))]
        for spec, member in splits:
            if spec.endswith("()"):
                spec, member = spec[:-2], "default()" + (f".{member}" if member else "")
            stem = relative_stem(importer, spec)
            if stem in self.stems:
                return self.stems[stem], member
        return None

    def exported(self, found: tuple[str, str], hops: int = 3) -> Key | None:
        """The object a module exports under a name ("" for its default export), also one it imports and
        re-exports from another module (`export { default as posts } from "./posts"`, `export * from
        "./route"`), a few hops deep."""
        path, member = found
        key = self._exported_here(path, member)
        if key is not None or not hops or "." in member:
            return key
        passed = "" if member.endswith("()") else dict(self.facts[path].exports).get(member or "default", "")
        if passed.startswith(("./", "../")):
            further = self.module_member(path, passed)
            return self.exported(further, hops - 1) if further is not None else None
        if not member or member.endswith("()"):
            return None
        # `export * from "./route"` in an index.ts: each star source may export the name (not its default)
        for fact in self.facts[path].imports:
            if fact.kind is ImportKind.REEXPORT and _STAR_EXPORT.match(fact.text):
                further = self.module_member(path, f"{fact.specifier}.{member}")
                key = self.exported(further, hops - 1) if further is not None else None
                if key is not None:
                    return key
        return None

    def _exported_here(self, path: str, member: str) -> Key | None:
        """The object of this module's own variable exported under `member`."""
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
        """The object a mounted value is: a site, NOT_A_ROUTER (middleware, an external package's
        object, an inline function), or UNKNOWN."""
        if self.python(path):
            return self._python_mounted(path, value)
        if value.names and (path, value.names[0]) in self.sites:
            return (path, value.names[0])
        reference = value.calls[0] if value.calls else ""
        if not reference:
            return UNKNOWN if value.names else NOT_A_ROUTER
        if reference.startswith(APP_PLACEHOLDER):
            return UNKNOWN
        for unwrap in unwrapped():  # koa-router `app.use(users.routes())` mounts `users`
            reference = reference.removesuffix(unwrap)
        reference = unaliased(reference, path, self.instances)  # `@/routes/users.users`
        if reference.startswith(("./", "../")):
            found = self.module_member(path, reference)
            if found is None:
                return UNKNOWN
            return self.exported(found) or (UNKNOWN if self.routerish(found) else NOT_A_ROUTER)
        known = constructors()
        if reference.removesuffix("()") in known:
            return NOT_A_ROUTER  # a fresh inline router holds no routes registered elsewhere
        if split(reference)[0] in known:
            return UNKNOWN  # `api.routes()`: a router, but which one is not traced
        package = _PACKAGE.match(reference)
        name = package.group(0) if package is not None else ""
        if name in self.declared or name.startswith("node:") or name in node_builtin_names():
            return NOT_A_ROUTER
        return UNKNOWN

    def _python_mounted(self, path: str, value: Value) -> Key | None:
        """`mounted` for a Python value: a name of another project module (`items.router`, `bp` after
        `from .views import bp`) is the object that module builds or imports; a variable of the file is
        its own; a library's object (`StaticFiles(…)`, a fresh `APIRouter()`) holds no route of the
        project; anything else (a loop variable, a factory's result) is not traced."""
        reference = value.calls[0] if value.calls else ""
        if reference and bound_to_project(reference, self.instances.heads):
            member = module_member(self.modules, path, reference, self.instances)
            if member is None:
                return UNKNOWN
            found = self.python_object(member)
            if found is not None:
                return found
            traced = next(
                (
                    self.instances.names[(module, member[1])]
                    for module in module_keys(member[0], Family.PYTHON)
                    if (module, member[1]) in self.instances.names
                ),
                "",
            )
            known = constructors()
            return UNKNOWN if not traced or traced.removesuffix("()") in known else NOT_A_ROUTER
        if value.names and (path, value.names[0]) in self.sites:
            return (path, value.names[0])
        if not reference:
            return UNKNOWN if value.names else NOT_A_ROUTER
        known = constructors()
        if split(reference)[0] in known or reference.startswith(APP_PLACEHOLDER):
            return UNKNOWN  # an app or router's method, which one not traced
        return NOT_A_ROUTER  # a library's object, or a fresh inline router

    def made_by_factory(self, path: str, value: Value) -> str | None:
        """The other project file whose exported function a mounted value calls, where that function
        returns a fresh app or router chain, built in no variable (`export function todosGet(deps) {
        return new Hono().get("/todos", …) }`, mounted as `app.route("", todosGet(deps))`): that file's
        app is mounted."""
        if self.python(path) or not value.calls:
            return None
        reference = unaliased(value.calls[0], path, self.instances)
        if not reference.startswith(("./", "../")) or not reference.endswith("()"):
            return None
        found = self.module_member(path, reference)
        if found is None or found[0] == path or not found[1].endswith("()") or "." in found[1]:
            return None
        returned = dict(self.facts[found[0]].exports).get(found[1], "")
        return found[0] if split(returned.removesuffix("()"))[0] in constructors() else None

    def routerish(self, found: tuple[str, str]) -> bool:
        """The module member is an app or router object, though not one traced to where it is built."""
        path, member = found
        value = self.instances.names.get((node_stem(path), member or "default"))
        if value is None:
            return False
        known = constructors()
        return value.removesuffix("()") in known or split(value)[0] in known


def _mounted_values(call: CallFact, prefix_keys: Iterable[str]) -> tuple[Value, ...]:
    """What a Python mount call mounts: its arguments, the keyword ones too but its prefix
    (`include_router(router=users.router, prefix="/user")`); options (`tags=["users"]`) mount nothing."""
    keys = set(prefix_keys)
    return (*call.args, *(v for k, v in call.kwargs if k not in keys and "." not in k))


def _loose(callee: str) -> bool:
    """A Python mount call on an object that is not traced to its app or router: untraced, on a
    parameter, on a name of a project module that could not be followed, or on a framework's proxy
    (`current_app`)."""
    if callee.startswith((UNTRACED, PARAM_PLACEHOLDER, APP_PLACEHOLDER, ".")):
        return True
    head = callee.partition(".")[0]
    return "()" not in callee or framework_of(head, Family.PYTHON) is not None


def parameter(written: str) -> tuple[str, str, str]:
    """`<param:init@4#0#init>().get` → (`init@4`, `0`, `init`): the function scope, the parameter's
    position and the name callers call the function by."""
    scope, index, label = written[len(PARAM_PLACEHOLDER) :].partition(">")[0].split("#", 2)
    return scope, index, label


def on_parameter(written: str) -> str:
    """`<param:init@4#0#init>().get` → `().get`: what is called on the parameter."""
    return written.partition(">")[2]


def parameter_key(path: str, written: str) -> Key:
    """`<param:init@4#0#init>().get` → (path, `<param:init@4#0>`): the parameter a call is made on."""
    scope, index, _ = parameter(written)
    return (path, f"{PARAM_PLACEHOLDER}{scope}#{index}>")
