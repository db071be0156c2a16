"""An application that cannot be imported because a module it loads as it starts evaluates a name that
nothing defines: `class ImportLandingView(TemplateView):` with `TemplateView` never imported raises
`NameError` as the module is imported, so the application cannot start in any environment: no engine holds
in the harness (harness.py), as for a module Python cannot parse (unparsable.py).

Which names a module reads unbound as it is imported is a parse fact (`FileFacts.unbound`,
cdverify/parse/pyunbound.py: only code that runs whatever comes before it, a name bound anywhere in the
file, a builtin, a module with a star import or a dynamic namespace not judged); nothing here reads a
source. The modules loaded at start-up are the modules building the app and what they import at module
level, transitively; for Django (whose `manage.py` names its settings by a string) also the settings
module, the URL configuration its `ROOT_URLCONF` names with the URL modules it `include`s (Django's system
checks, run by `migrate` and `runserver`, import them), and the packages, `apps` and `models` modules of
the project's INSTALLED_APPS (`django.setup()` imports them; `admin` too where django.contrib.admin is
installed): rules/python/startup.toml. A project module that imports `builtins` may add names for every
other module: then nothing is claimed."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.imported_names import missing_imports
from cdverify.detect.database.startup import app_modules, application_python
from cdverify.detect.django_entry import module_file as _module
from cdverify.detect.django_entry import settings_modules
from cdverify.model import FileFacts
from cdverify.resolve.graph import reachable
from cdverify.rules_schema import PythonStartup

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

_BUILTINS_MODULES = frozenset({"builtins", "__builtin__"})


def undefined_at_start(
    found: Collection, graph: ImportGraph, root: Path | None = None
) -> list[tuple[str, int, str, str]]:
    """The modules loaded at start-up that evaluate an undefined name as they are imported, or import from a
    project module a name it does not define (imported_names.py): (file, line, the name or the import, why
    it stops the app) each, the first such line of each module, for a start-up stop. `root`: the project's
    folder, where a submodule left out of the analysis is looked for."""
    python = application_python(found)
    unbound = any(found.facts[path].unbound for path in python)
    if unbound and any(i.specifier in _BUILTINS_MODULES for p in python for i in found.facts[p].imports):
        unbound = False  # a module adding to the builtins defines names for every other module
    missing = missing_imports(found, graph, python, root)
    if not unbound and not missing:
        return []
    out = []
    for path in sorted(loaded_at_start(found.facts, python, graph)):
        facts = found.facts[path]
        first = missing.get(path)
        if unbound and facts.unbound and not facts.syntax_issues and facts.too_deep is None:
            name, line, _col = min(facts.unbound, key=lambda item: (item[1], item[2]))
            if first is None or line < first[1]:
                reason = f"raises NameError (name '{name}' is not defined) as it is imported"
                first = (path, line, name, reason)
        if first is not None:
            out.append(first)
    return out


def loaded_at_start(facts: Mapping[str, FileFacts], python: set[str], graph: ImportGraph) -> set[str]:
    """The application's Python modules imported as it starts."""

    def loads(path: str) -> Iterator[str]:
        for edge in graph.imports_of(path):
            target = edge.target
            if target in python and edge.runtime and not edge.fact.in_function:
                yield from _parent_packages(edge.fact.specifier, target, python)
                yield target

    return reachable((set(app_modules(facts)) | _django_loaded(facts, python)) & python, loads)


def _parent_packages(specifier: str, target: str, python: set[str]) -> list[str]:
    """The `__init__.py` files Python runs before the module an absolute dotted import names: `import
    app.models.deals` (or `from app.models.deals import …`) runs app/__init__.py and app/models/__init__.py
    first. As many folders above the target as the name has dots, each only where it holds an `__init__.py`
    of the application (a namespace portion runs nothing); none for a relative import, whose package the
    importing module's own import already ran."""
    if specifier.startswith(".") or "." not in specifier:
        return []
    depth = specifier.count(".")
    folder = posixpath.dirname(target)
    if posixpath.basename(target) == "__init__.py":
        folder = posixpath.dirname(folder)  # `app.models` resolved to app/models/__init__.py
        depth -= 1
    out = []
    for _ in range(depth):
        init = posixpath.join(folder, "__init__.py") if folder else "__init__.py"
        if init in python:
            out.append(init)
        folder = posixpath.dirname(folder)
    return out[::-1]


def _django_loaded(facts: Mapping[str, FileFacts], python: set[str]) -> set[str]:
    """The Django settings module a module names (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", …)`),
    with the modules Django imports at set-up and the URL modules its ROOT_URLCONF reaches."""
    out: set[str] = set()
    for path, settings in settings_modules(facts, python, python).items():
        out.add(settings)
        out |= started_by(facts, settings, posixpath.dirname(path), python)
    return out


def started_by(facts: Mapping[str, FileFacts], settings: str, base: str, python: set[str]) -> set[str]:
    """The installed apps' packages and modules, and the URL modules the settings' ROOT_URLCONF names or
    reaches through `include("app.urls")`."""
    django = load_rules(PythonStartup).django
    values = {a.target: a.value for a in facts[settings].assignments if not a.scope}
    out: set[str] = set()
    apps = [s for s in values[django.apps].strings if isinstance(s, str)] if django.apps in values else []
    submodules = [*django.app_modules, *([django.admin_module] if django.admin_app in apps else [])]
    for app in apps:
        package = _app_package(app, base, python)
        if package is not None:
            out.add(package)
            folder = posixpath.dirname(package)
            out.update(m for name in submodules if (m := _module(name, folder, python)) is not None)
    urlconf = values.get(django.urlconf)
    pending = []
    if urlconf is not None and len(urlconf.strings) == 1 and isinstance(urlconf.strings[0], str):
        pending = [m for m in [_module(urlconf.strings[0], base, python)] if m is not None]
    while pending:
        path = pending.pop()
        out.add(path)
        for call in facts[path].calls:
            if call.callee in django.includes and not call.scope and call.args:
                named = call.args[0].strings
                if len(named) == 1 and isinstance(named[0], str):
                    target = _module(named[0], base, python)
                    if target is not None and target not in out:
                        pending.append(target)
    return out


def _app_package(app: str, base: str, python: set[str]) -> str | None:
    """The `__init__.py` of an INSTALLED_APPS entry (`shop`, `shop.apps.ShopConfig`) in the project."""
    parts = app.split(".")
    for end in range(len(parts), 0, -1):
        found = _module(".".join(parts[:end]), base, python)
        if found is not None and found.endswith("/__init__.py"):
            return found
    return None
