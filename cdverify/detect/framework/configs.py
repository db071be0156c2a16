"""Routes declared by a configuration object built apart from the call that registers them:
@hono/zod-openapi's `createRoute({ method: "get", path: "/users/{id}", … })` handed to
`app.openapi(route, handler)` (`route_configs` in rules/frameworks.toml). The registering call is read
with the configuration's path and HTTP method, as if they were written in it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from cdverify.detect.framework.catalogue import constructors, conventions, specs
from cdverify.detect.framework.objects import Objects
from cdverify.model import CallFact, FileFacts, Scope, Value


@cache
def _builders() -> frozenset[str]:
    """Traced functions that build a route configuration (`@hono/zod-openapi.createRoute`)."""
    return frozenset(builder for spec in specs() for builder in spec.route_configs)


class RouteConfigs:
    """The route configurations of the application: those assigned to a module variable
    (`const route = createRoute(…)`, `export const getUser = createRoute(…)`) and those written inline in
    the registering call (`app.openapi(createRoute(…), handler)`)."""

    def __init__(self, facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope]) -> None:
        self.named: dict[tuple[str, str], CallFact] = {}  # (file, variable) → the building call
        self.inline: dict[str, list[CallFact]] = {}  # file → building calls assigned to nothing, in order
        builders = _builders()
        if not builders:
            return
        for path, file_facts in facts.items():
            if scopes.get(path) is not Scope.APPLICATION:
                continue
            for call in file_facts.calls:
                if call.callee not in builders:
                    continue
                if call.target and "." not in call.target:
                    self.named.setdefault((path, call.target), call)
                elif not call.target:
                    self.inline.setdefault(path, []).append(call)
        for calls in self.inline.values():
            calls.sort(key=lambda call: (call.line, call.col))

    def given(self, objects: Objects, path: str, call: CallFact, base: str, method: str) -> CallFact:
        """`call` with the path and HTTP method of the configuration it registers, when it is a route
        method taking one (`openapi`) and the configuration is found; else `call` as it is."""
        if not (self.named or self.inline) or not call.args or call.args[0].strings:
            return call
        known = constructors().get(base)
        if known is None or method not in known[1].route_configs.values():
            return call
        config = self._config(objects, path, call, call.args[0])
        if config is None:
            return call
        rules = conventions()
        where = config.kwarg(*rules.path_keywords)
        if where is None:
            return call
        http = config.kwarg(*rules.method_keywords)
        kwargs = call.kwargs if http is None else (*call.kwargs, (rules.method_keywords[-1], http))
        return call._replace(args=(where, *call.args[1:]), kwargs=kwargs)

    def _config(self, objects: Objects, path: str, call: CallFact, value: Value) -> CallFact | None:
        """The configuration a value is: a variable of the module, one imported from another module
        (`./routes.getUser`), or the first configuration built inline after the call starts."""
        for name in value.names:
            if (path, name) in self.named:
                return self.named[(path, name)]
        for ref in value.calls:
            if ref.removesuffix("()") in _builders():
                after = [c for c in self.inline.get(path, ()) if (c.line, c.col) > (call.line, call.col)]
                if after:
                    return after[0]
            elif ref.startswith(("./", "../")):
                member = objects.module_member(path, ref)
                if member is not None and member in self.named:
                    return self.named[member]
        return None
