"""App and router objects across modules: where each is built (its site), what mounts which, and how a
name in one file is traced to an object built in another (an import, `require`, the result of an
exported factory function). `record` reads the calls; `installers`, `autoload` and `settle` finish
the picture once every file is read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from cdverify.detect.framework.catalogue import Spec, constructors, relevant, split, unwrapped
from cdverify.detect.framework.routes import CHAIN_EXPORTS
from cdverify.detect.framework.values import RunValues, first_string
from cdverify.detect.tracing import Instances, dots_after, foreign, node_stem, relative_stem, unaliased
from cdverify.model import (
    APP_PLACEHOLDER,
    PARAM_PLACEHOLDER,
    Callee,
    CallFact,
    Family,
    FileFacts,
    Scope,
    Value,
)
from cdverify.resolve.node import node_builtin_names

Key = tuple[str, str]  # (file, module-level variable) of an app or router object
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
        self.stems: dict[str, str] = {}
        for path, file_facts in facts.items():
            if file_facts.language.family == "node":
                stem = node_stem(path)
                self.stems.setdefault(stem, path)
                if stem.endswith("/index"):
                    self.stems.setdefault(stem.removesuffix("/index"), path)
        self.incoming: dict[Key, list[tuple[Key | None, str]]] = {}
        self.links: dict[Key, Key] = {}
        # plugin file loaded by @fastify/autoload → the `prefix` option Fastify hands it (`opts.prefix`),
        # when it is known; set even when Fastify does not apply it (a fastify-plugin plugin)
        self.options: dict[str, str] = {}

    def fresh(self, instances: Instances) -> Objects:
        """These objects with nothing recorded, tracing names through `instances`: what one file's calls
        record, added to these (`take`) in the order of the files."""
        mine = Objects({}, self.scopes, self.declared, instances, self.values)
        mine.facts, mine.stems = self.facts, self.stems
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
                own = first_string(v for k, v in call.kwargs if k in spec.prefix) or ""
                self.sites.setdefault(key, Site(kind, own, spec.nested_apps, family, call.callee))
            elif base in known and (method in known[base][1].chained or method in known[base][1].app_prefix):
                kind, spec = known[base]
                own = (first_string(call.args[:1]) or "") if method in spec.app_prefix else ""
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
        for spec in relevant(family, base, base):
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
                self.mounts.append(Mount(path, family, holder, prefix, call.args))

    def edge(self, key: Key, mounter: Key | None, prefix: str) -> None:
        """`key` is mounted on `mounter` under `prefix`, and so is the object a factory returned it."""
        seen = set()
        target: Key | None = key
        while target is not None and target not in seen:
            seen.add(target)
            self.incoming.setdefault(target, []).append((mounter, prefix))
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
        return None

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
        re-exports from another module (`export { default as posts } from "./posts"`), a few hops deep."""
        path, member = found
        key = self._exported_here(path, member)
        if key is not None or not hops or "." in member:
            return key
        passed = "" if member.endswith("()") else dict(self.facts[path].exports).get(member or "default", "")
        if not passed.startswith(("./", "../")):
            return None
        further = self.module_member(path, passed)
        return self.exported(further, hops - 1) if further is not None else None

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

    def routerish(self, found: tuple[str, str]) -> bool:
        """The module member is an app or router object, though not one traced to where it is built."""
        path, member = found
        value = self.instances.names.get((node_stem(path), member or "default"))
        if value is None:
            return False
        known = constructors()
        return value.removesuffix("()") in known or split(value)[0] in known


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
