"""Framework configuration modules: a Django app's `apps.py` (its `AppConfig`) and `admin.py` (the admin
site's registrations, or only the `from django.contrib import admin` that `startapp` writes) configure the
app for the framework, which reads them by module name (rules/frameworks.toml `configuration_modules`).
That role is none of the four layers', so such a module takes no layer from its folder (`api/apps.py` of a
Django app named `api`): its code says what it is (rules/frameworks.toml `configuration`)."""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping
from functools import cache

from cdverify.catalog import load_rules
from cdverify.detect.django_entry import settings_modules
from cdverify.detect.layers.names import Named, framework_of, without_folders
from cdverify.model import Family, FileFacts
from cdverify.rules_schema import Frameworks


@cache
def _configuration() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """(configuration names, names handling no request, configuration module names) of the Python
    frameworks' catalogue."""
    entries = load_rules(Frameworks).python.values()
    configuring = tuple(name for entry in entries for name in entry.configuration)
    quiet = tuple(name for entry in entries for name in entry.no_request)
    modules = frozenset(name for entry in entries for name in entry.configuration_modules)
    return configuring, quiet, modules


def _under(name: str, names: Iterable[str]) -> bool:
    return any(name == listed or name.startswith(listed + ".") for listed in names)


def configuration_modules(
    named: Mapping[str, Named], facts: Mapping[str, FileFacts], placed: Collection[str]
) -> frozenset[str]:
    """Python modules whose path would give them a layer but that only configure the framework's app: named
    as the framework reads its configuration (`apps.py`, `admin.py`, or in an `admin/` package); of the web
    framework they import configuration names only (`django.apps.AppConfig`, `django.contrib.admin`;
    besides the names handling no request, `django.db`), at least one; every class they define extends only
    such names; every framework call they make is one (`admin.site.register(Note)`). Also the modules of the
    app state's keys (`state_key_modules`). `placed`: files whose code already decided a role or that build
    the app, left as they are; a user glob places a file anyway."""
    configuring, quiet, modules = _configuration()
    out = set()
    for path, name in named.items() if configuring else ():
        file_facts = facts.get(path)
        if (
            file_facts is None
            or file_facts.language.family != Family.PYTHON
            or not _path_placed_only(path, name, placed)
            or not _named_for(path, modules)
        ):
            continue
        if _configures(file_facts, configuring, quiet):
            out.add(path)
    return frozenset(out) | state_key_modules(named, facts, placed)  # and aiohttp's `AppKey`s


def _path_placed_only(path: str, name: Named, placed: Collection[str]) -> bool:
    """The file's path would give it a layer, and neither its code (`placed`) nor a user glob places it."""
    return path not in placed and name.glob is None and bool(name.folders or name.suffix)


# the modules `django-admin startproject` writes beside the settings module: the project package's own
_PROJECT_MODULES = ("urls.py", "wsgi.py", "asgi.py")


def project_packages(named: dict[str, Named], facts: Mapping[str, FileFacts]) -> dict[str, Named]:
    """A Django project package, the folder holding the settings module an entry point names
    (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")` in `manage.py` or `wsgi.py`) beside
    the URL configuration or the WSGI/ASGI module `startproject` writes there, is named for the project, not a
    layer (`service/`, `api/`): its files take no layer from it, their own names and code decide
    (`service/urls.py` registering routes stays routes, `service/settings.py` has none). A settings package
    (`config/settings/dev.py`) counts from the folder above it."""
    python = {path for path, file_facts in facts.items() if file_facts.language.family == Family.PYTHON}
    projects = set()
    for module in settings_modules(facts, python, python).values():
        folder = posixpath.dirname(module)
        for candidate in (folder, posixpath.dirname(folder)):
            if candidate and any(posixpath.join(candidate, name) in python for name in _PROJECT_MODULES):
                projects.add(candidate)
                break
    return without_folders(named, projects)


def _named_for(path: str, modules: frozenset[str]) -> bool:
    """`admin.py`, `apps.py`, or a module of an `admin/` package."""
    parts = path.split("/")
    return parts[-1].removesuffix(".py") in modules or (len(parts) > 1 and parts[-2] in modules)


def _configures(file_facts: FileFacts, configuring: tuple[str, ...], quiet: tuple[str, ...]) -> bool:
    taken = [
        [f"{fact.specifier}.{n}" for n in fact.names] if fact.names else [fact.specifier]
        for fact in file_facts.imports
        if framework_of(fact.specifier, Family.PYTHON) and not fact.kind.type_only
    ]
    names = [n for group in taken for n in group]
    if not any(_under(n, configuring) for n in names):
        return False
    if not all(_under(n, configuring) or _under(n, quiet) for n in names):
        return False
    bases = [base for _name, written, _line in file_facts.classes for base in written]
    if not all(_under(base, configuring) for base in bases):
        return False
    return all(
        _under(call.callee, configuring) or _under(call.callee, quiet)
        for call in file_facts.calls
        if framework_of(call.callee, Family.PYTHON)
    )


def logging_modules(
    named: Mapping[str, Named], names: Collection[str], placed: Collection[str]
) -> frozenset[str]:
    """Files whose path would give them a layer but whose module name (`_module_word`) names a logging
    module (`logger.js`, `logger.service.ts`, `logger/index.ts`; the preset's `roles.logging_names`): logging
    serves every layer, none of the four. Also settings modules (`config/index.ts`; `roles.settings_names`),
    read by every layer. `placed`: files whose code decided a role (a logger storing its lines with a query is
    data access) or that build the app, left as they are; a user glob places a file anyway."""
    wanted = {name.lower() for name in names}
    return frozenset(
        path
        for path, name in named.items()
        if _path_placed_only(path, name, placed) and _module_word(path) in wanted
    )


_INDEXES = ("index", "__init__")


def _module_word(path: str) -> str:
    """The first dotted word of the file name (`logger` of `logger.service.ts`), or, for a folder's index
    (`index.ts`, `__init__.py`), of the folder's name (`logger` of `logger/index.ts`), lower case."""
    parts = path.split("/")
    word = parts[-1].split(".")[0]
    if word in _INDEXES and len(parts) > 1:
        word = parts[-2].split(".")[0]
    return word.lower()


@cache
def _state_keys() -> tuple[str, ...]:
    return tuple(name for entry in load_rules(Frameworks).python.values() for name in entry.state_keys)


def state_key_modules(
    named: Mapping[str, Named], facts: Mapping[str, FileFacts], placed: Collection[str]
) -> frozenset[str]:
    """Python modules whose path would give them a layer but whose every call makes a typed key of the
    app's state (rules/frameworks.toml `state_keys`: `user_service_key = web.AppKey("user_service",
    UserService)` in aiohttp's `infrastructure/typedefs.py`), one at least, binding no other name of their
    own: the keys every layer reads the app's state with, in no layer; the classes they name are their types.
    `placed`: files whose code already decided a role, left as they are; a user glob places a file anyway."""
    keys = _state_keys()
    return frozenset(
        path
        for path, name in named.items()
        if _path_placed_only(path, name, placed)
        and (file_facts := facts.get(path)) is not None
        and file_facts.language.family == Family.PYTHON
        and file_facts.calls
        and all(call.callee in keys for call in file_facts.calls)
        and _binds_only_keys(file_facts)
    )


def _binds_only_keys(file_facts: FileFacts) -> bool:
    """The module binds no name of its own but the keys it makes (and the names it imports)."""
    if file_facts.defines is None:
        return False
    bound = {call.target for call in file_facts.calls}
    for fact in file_facts.imports:
        bound.update(fact.names or (fact.specifier.split(".")[0],))
    bound.update(alias for alias, _target in file_facts.aliases)
    return set(file_facts.defines) <= bound
