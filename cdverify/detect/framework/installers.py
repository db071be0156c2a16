"""Route installers: project functions that register routes on a router or app they are handed
(`function init(router) { router.get(…) }`, a plugin's `<app>`), linked to what their callers hand
them, so that the routes registered on a parameter sit where the handed object does."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.detect.framework.catalogue import constructors
from cdverify.detect.framework.objects import NOT_A_ROUTER, Key, Objects, Site, parameter, parameter_key
from cdverify.detect.framework.values import first_string
from cdverify.model import APP_PLACEHOLDER, PARAM_PLACEHOLDER, CallFact, Family, Scope, Value
from cdverify.parse.libraries import node_libraries


def hand_over(objects: Objects, app_of: Mapping[str, str]) -> dict[Key, str]:
    """Link every parameter that routes are registered on (`function init(router) { router.get(…) }`,
    PARAM_PLACEHOLDER) and every `<app>` of an exported installer to what its callers hand it
    (`initControllers(router)`, `userController.init(router)` handing on its own parameter,
    `require("./routes")(router)`, a plugin registration: `plugin_pass`), as a mount with no prefix but the
    one a registration's options give (`register(items, { prefix: "/v1" })`). → the constructor of each
    parameter whose callers reach an app or router (its calls are read with it); a function nobody calls,
    or calls with something else, registers nothing."""
    named: dict[tuple[str, str], set[str]] = {}  # (file, the name callers use) → function scopes
    params: dict[tuple[str, str], tuple[str, ...]] = {}  # (file, function scope) → parameters
    for path, file_facts in objects.facts.items():
        if objects.scopes.get(path) is not Scope.APPLICATION:
            continue
        for function in file_facts.functions:
            named.setdefault((path, function.name), set()).add(function.scope)
            params[(path, function.scope)] = function.params
        for call in file_facts.calls:
            if call.callee.startswith(PARAM_PLACEHOLDER):
                scope, _, label = parameter(call.callee)
                named.setdefault((path, label), set()).add(scope)
    # parameter → what callers hand it (None: unknown), with the prefix a plugin registration gives
    handed: dict[Key, list[tuple[Key | None, str]]] = {}
    for path, written, call in objects.passes:
        targets = _installers(objects, path, written, named)
        registered = call.callee.startswith(_REGISTERED)
        prefix = _registration_prefix(call) if registered else ""
        for index, value in enumerate(call.args if targets else ()):
            given = _handed(objects, path, call, value, params)
            if given == NOT_A_ROUTER:
                continue
            for file, scope in targets:
                if scope == APP_PLACEHOLDER:
                    # a registered default-export plugin's `<app>` is read as the app already (its routes
                    # under whatever prefix a registration gives): only a call hands it on
                    if index == 0 and not registered:
                        handed.setdefault((file, APP_PLACEHOLDER), []).append((given, prefix))
                else:
                    parameter_at = (file, f"{PARAM_PLACEHOLDER}{scope}#{index}>")
                    handed.setdefault(parameter_at, []).append((given, prefix))
    known = constructors()
    made: dict[Key, str] = {}

    def constructor(key: Key, stack: frozenset[Key]) -> str | None:
        """What a parameter is built by: the first object handed to it that is traced to one."""
        if key in made:
            return made[key]
        family = objects.facts[key[0]].language.family
        for given, _prefix in handed.get(key, ()):
            if given is None or (given[1] == APP_PLACEHOLDER and given not in handed):
                found = app_of.get(family)  # an app known only as the app
            elif given in handed:
                found = constructor(given, stack | {key}) if given not in stack else None
            else:
                site = objects.sites.get(given)
                found = site.ctor if site is not None and site.kind != "param" else None
            if found:
                made[key] = found
                return found
        return None

    for key in handed:
        found = constructor(key, frozenset())
        if found is not None and found in known:
            spec = known[found][1]
            objects.sites[key] = Site("param", "", spec.nested_apps, spec.family, found)
    for key, givens in handed.items():
        if key in objects.sites:
            for given, prefix in givens:
                objects.edge(key, given if given is None or given in objects.sites else None, prefix)
    return {key: ctor for key, ctor in made.items() if key in objects.sites}


# marks a pass that a plugin registration makes (`plugin_pass`): its options may give the plugin a prefix
_REGISTERED = "<register>"


def plugin_pass(written: str, call: CallFact, family: Family) -> tuple[str, CallFact] | None:
    """`app.register(items, { prefix: "/v1" })` of a project function (Fastify's `register`, rules/parse.toml
    `plugin_registers`): Fastify calls the plugin with the instance it is registered on, as `items(app)`
    would, so the call hands its receiver to the plugin's first parameter — a named export (`export async
    function items(app) { app.route({ … }) }`) or a plugin registering further plugins on the parameter it
    was handed.
    → (the plugin as written, the call as that pass), None for any other call."""
    if family != Family.NODE or not call.args or not call.receiver:
        return None
    receiver, _, method = written.rpartition(".")
    plugin = call.args[0].calls[0] if call.args[0].calls else ""
    if method not in node_libraries().plugin_registers or not plugin.startswith(("./", "../")):
        return None
    given = Value(names=(call.receiver,), calls=(receiver,))  # `fastify()`, `<param:v1@5#0#v1>()`
    return plugin, call._replace(callee=_REGISTERED + call.callee, args=(given, *call.args[1:]))


def _registration_prefix(call: CallFact) -> str:
    """The prefix a plugin registration's options give (`register(items, { prefix: "/v1" })`), "" for none."""
    keys = {key for _kind, spec in constructors().values() if spec.plugin_mounts for key in spec.prefix}
    return first_string(value for key, value in call.kwargs if key in keys) or ""


def _installers(
    objects: Objects, path: str, written: str, named: Mapping[tuple[str, str], set[str]]
) -> list[tuple[str, str]]:
    """(file, function scope) of the project functions a call may be of (`./routes.registerRoutes`,
    `./controllers.userController.init`, `require("./routes")(…)`), and (file, `<app>`) for the
    default export of a module whose exported installer receives the app."""
    found = objects.module_member(path, written)
    if found is None:
        return []
    file, member = found
    facts = objects.facts[file]
    aliases = dict(facts.aliases)
    default = member in ("", "default()")
    last = "default" if default else member.split(".")[-1].removesuffix("()")
    names = {last, aliases.get(last, "")} - {""}
    out = [(file, scope) for name in names for scope in sorted(named.get((file, name), ()))]
    if default and f"{APP_PLACEHOLDER}()" in dict(facts.exports).values():
        out.append((file, APP_PLACEHOLDER))
    return out


def _handed(
    objects: Objects,
    path: str,
    call: CallFact,
    value: Value,
    params: Mapping[tuple[str, str], tuple[str, ...]],
) -> Key | None:
    """The object an argument is: a parameter of the function the call is made in, handed on; this
    module's `<app>`; a site; None (an app or router of unknown place); or NOT_A_ROUTER, also for
    a name traced to nothing (`const cache = new Map()`)."""
    name = value.names[0] if value.names else ""
    own = params.get((path, call.scope), ()) if call.scope else ()
    if name and name in own:
        return (path, f"{PARAM_PLACEHOLDER}{call.scope}#{own.index(name)}>")
    reference = value.calls[0] if value.calls else ""
    if reference.startswith(PARAM_PLACEHOLDER):  # a plugin's own parameter, registering another plugin
        return parameter_key(path, reference)
    if reference.startswith(APP_PLACEHOLDER):
        return (path, APP_PLACEHOLDER)
    if name and (path, name) not in objects.sites and reference.removesuffix("()") in constructors():
        return None  # a parameter bound as the app (`fastify`)
    found = objects.mounted(path, value)
    return NOT_A_ROUTER if found is None and not reference else found
