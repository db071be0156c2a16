"""Python app installers: module-level functions that register routes, mounts or handlers on an app they
are handed (`def init_routes(app): @app.route(…)`, `def setup_routes(app): app.router.add_get(…)`; the
parser binds the parameter as PARAM_PLACEHOLDER, cdverify/parse/pyparams.py), linked to the project's calls
of them (`register_routes(app)` after `from routes import register_routes`) that hand them an app object:
the parameter stands for that app, as if annotated with its class."""

from __future__ import annotations

from collections.abc import Iterable

from cdverify.detect.framework.catalogue import specs
from cdverify.detect.framework.objects import Key, Objects, parameter, parameter_key
from cdverify.detect.tracing import absolute_parts, foreign, module_keys
from cdverify.model import PARAM_PLACEHOLDER, CallFact, Family, Scope, Value


def python_handed(
    objects: Objects, on_parameters: Iterable[tuple[str, Family, str, CallFact]]
) -> dict[Key, str]:
    """Parameter (`parameter_key`) → the app constructor every call of its function hands it, for the Python
    calls made on a parameter (`on_parameters`); a parameter no call hands an app (or calls hand different
    apps) stands for nothing."""
    wanted: dict[str, list[tuple[str, str, int]]] = {}  # function name → (file, parameter key, position)
    for path, family, written, _call in on_parameters:
        if family == Family.PYTHON:
            _scope, position, label = parameter(written)
            key = parameter_key(path, written)[1]
            if (path, key, int(position)) not in wanted.get(label, ()):
                wanted.setdefault(label, []).append((path, key, int(position)))
    if not wanted:
        return {}
    apps = {app for spec in specs() if spec.family == "python" for app in spec.apps}
    given: dict[Key, set[str]] = {}
    for caller, file_facts in objects.facts.items():
        if objects.scopes.get(caller) is not Scope.APPLICATION or file_facts.language.family != Family.PYTHON:
            continue
        for call in file_facts.calls:
            label = call.callee.rpartition(".")[2]
            if label not in wanted or call.callee.startswith(PARAM_PLACEHOLDER):
                continue
            module = ".".join(absolute_parts(call.callee, caller, objects.instances.packaged)[:-1])
            for path, key, index in wanted[label]:
                if index < len(call.args) and module in module_keys(path, Family.PYTHON):
                    app = _app(objects, caller, call.args[index], apps)
                    given.setdefault((path, key), set()).add(app or "")
    return {key: ctors.pop() for key, ctors in given.items() if len(ctors) == 1 and "" not in ctors}


def _app(objects: Objects, caller: str, value: Value, apps: set[str]) -> str | None:
    """The app constructor an argument is built by: a variable of the caller's file built by one, an app
    imported from another module (`from app import app`), or an app built in place."""
    name = value.names[0] if value.names else ""
    site = objects.sites.get((caller, name)) if name else None
    if site is not None:
        return site.ctor if site.kind == "app" and site.ctor in apps else None
    traced = foreign(name, caller, Family.PYTHON, objects.instances) if name else None
    traced = traced or (value.calls[0] if value.calls else "")
    return traced.removesuffix("()") if traced.removesuffix("()") in apps else None
