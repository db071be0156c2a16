"""What a file's imports of the web framework say about it: whether it handles requests (imports the
framework's request API, not only the app's class, type or context), whether it is a use case (a command
or query handler orchestrating project modules without the framework), whether a module importing
response builders only is the module opening the connection, and which modules subclass a project's own
view class. Pure predicates over parsed facts, used by roles.py to decide each file's role.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.config import normalise_dir_name
from cdverify.detect.layers.names import framework_of
from cdverify.detect.layers.owners import imported_names
from cdverify.detect.tracing import Instances, foreign
from cdverify.model import Family, FileFacts, ImportFact
from cdverify.rules_schema import Frameworks

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph


def use_case(path: str, file_facts: FileFacts, graph: ImportGraph) -> bool:
    """A command or query handler: a class with a recorded method (`execute`, `handle`, `__call__`:
    rules/parse.toml `recorded_methods`) in a file that does not import the web framework and imports
    project modules (what it orchestrates)."""
    return (
        any(member.method for member in file_facts.members)
        and not handles_requests(file_facts, module_from=False)
        and any(edge.target and edge.target != path for edge in graph.imports_of(path))
    )


def business_modules(
    facts: Mapping[str, FileFacts],
    application: Iterable[str],
    folders: Collection[str],
    handling: Collection[str],
    graph: ImportGraph,
) -> set[str]:
    """Python modules directly in one of `folders` (`controllers/`: `[roles] business_folders`) whose code
    handles no request (imports no request API of the framework) and defines functions or classes, imported
    at run time by a module that handles requests (`handling`: those registering routes or handlers, or
    importing the request API): the business logic its handlers call, a use case by its code."""
    names = {folder.lower() for folder in folders}
    application = list(application)
    candidates = {
        path
        for path in application
        if path in facts
        and facts[path].language.family is Family.PYTHON
        and path.lower().rpartition("/")[0].rpartition("/")[2] in names
        and not handles_requests(facts[path])
        and (facts[path].classes or any(call.scope for call in facts[path].calls))
    }
    out: set[str] = set()
    for path in application if candidates else ():
        if path not in facts:
            continue
        if path not in handling and not handles_requests(facts[path]):
            continue
        out |= {e.target for e in graph.imports_of(path) if e.target in candidates and e.runtime}
    return out


def business_package(path: str, file_facts: FileFacts, business: Collection[str], graph: ImportGraph) -> bool:
    """The package `__init__.py` of business modules that only imports them (`from . import rules`, with an
    `__all__`): it calls nothing, defines no class, and every import it makes is of one of `business`."""
    if file_facts.calls or file_facts.classes or any(a.target != "__all__" for a in file_facts.assignments):
        return False
    targets = [edge.target for edge in graph.imports_of(path)]
    return bool(targets) and all(target in business for target in targets)


def handles_requests(file_facts: FileFacts, responding: bool = False, module_from: bool = True) -> bool:
    """The file imports the web framework (`Request`, `Depends`, `HTTPException`): it handles requests.
    An import of the app class or type alone (`from aiohttp.web_app import Application`, `import type {
    FastifyInstance } from "fastify"`, to type the app a pool or a transaction helper is set up on) or of
    the app's context (`from flask import current_app, g`, where a module keeps the connection it opens) is
    not; nor, when `responding`, one of response builders only (`from flask import jsonify`). `module_from`:
    whether `from aiohttp import web` used for no call counts as naming the app's type (`_module_quiet`): not
    for a use case, whose methods may take `web.Request` in annotations the facts do not keep."""
    family = file_facts.language.family
    apps, quiet = _app_classes(family, responding)
    return any(
        framework_of(fact.specifier, family)
        and not _handles_none(fact, apps, quiet)
        and not _module_quiet(fact, file_facts, quiet, apps, module_from)
        for fact in file_facts.imports
    )


def _module_quiet(
    fact: ImportFact,
    file_facts: FileFacts,
    quiet: tuple[str, ...],
    apps: frozenset[str],
    module_from: bool = True,
) -> bool:
    """A Python import of a whole framework module (`import aiohttp.web`) of which the file calls nothing:
    it names the app's type (`async def initialize(app: aiohttp.web.Application)`), handles no request; nor
    does one of which it calls only the app's context (`import flask` for `flask.current_app.config.get(…)`
    in the module opening the connection), as `from flask import current_app` would. So too `from aiohttp
    import web`, the module holding an app class, when it is the file's only import of the framework
    (`def __init__(self, app: web.Application)`); beside a direct import of the app class (`from
    aiohttp.web_app import Application`) it is taken for the request API. A call on the app the file is handed
    (`app["db"].close()` in a clean-up hook typed `app: aiohttp.web.Application`, traced
    `aiohttp.web.Application().close`) handles no request either, unless it reaches the app's router."""
    if file_facts.language.family != Family.PYTHON:
        return False
    if fact.text.startswith("import ") and not fact.names:
        modules = [fact.specifier]
    elif module_from and fact.text.startswith("from ") and fact.names:
        modules = [f"{fact.specifier}.{name}" for name in imported_names(fact)]
        if not modules or not all(any(app.startswith(f"{module}.") for app in apps) for module in modules):
            return (
                False  # a name that is no module holding an app class (`from aiohttp import ClientSession`)
            )
        framework = framework_of(fact.specifier, Family.PYTHON)
        if any(
            other is not fact and framework_of(other.specifier, Family.PYTHON) == framework
            for other in file_facts.imports
        ):
            return False
    else:
        return False
    prefixes = tuple(f"{module}." for module in modules)
    objects, routers = _app_objects()
    return all(
        call.callee.startswith(quiet)
        or (call.callee.startswith(objects) and not call.callee.startswith(routers))
        for call in file_facts.calls
        if call.callee.startswith(prefixes)
    )


@cache
def _app_objects() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a call on a Python framework's app object starts with (`aiohttp.web.Application().`), and what one
    on its router does (`aiohttp.web.Application().router.`: rules/frameworks.toml `routers`)."""
    entries = load_rules(Frameworks).family(Family.PYTHON).values()
    objects = tuple(f"{app}()." for entry in entries for app in entry.apps)
    routers = tuple(
        f"{router}." for entry in entries for router in entry.routers if router.startswith(objects)
    )
    return objects, routers


def _handles_none(fact: ImportFact, apps: frozenset[str], quiet: tuple[str, ...]) -> bool:
    """The import takes only app classes, app types or the app's context (`import django.db` too)."""
    names = imported_names(fact)
    if not names:
        return (fact.specifier + ".").startswith(quiet)
    return all(
        f"{fact.specifier}.{name}" in apps or f"{fact.specifier}.{name}".startswith(quiet) for name in names
    )


def raises_errors_only(file_facts: FileFacts) -> bool:
    """Of the web framework the file imports by name only its HTTP error classes (`from aiohttp.web import
    HTTPNotFound`, `from fastapi import HTTPException, status`, `import { HTTPException } from
    "hono/http-exception"`: rules/frameworks.toml `http_errors`) and names handling no request: it raises
    errors the framework answers with, reads no request, returns no response and registers nothing, so its
    code decides what it is (a data-access class raising `HTTPNotFound` for a missing row is data access).
    A Python import of the whole module (`from aiohttp import web`) is not read so."""
    family = file_facts.language.family
    errors, quiet = _errors(family)
    if not errors:
        return False
    imports = [fact for fact in file_facts.imports if not fact.kind.type_only]
    taken = [fact for fact in imports if framework_of(fact.specifier, family)]
    if family == Family.NODE:  # the facts keep no imported names: what the file calls of the module tells
        return bool(taken) and all(_throws_only(fact.specifier, file_facts, errors) for fact in taken)
    return bool(taken) and all(
        fact.names
        and all(
            _an_error(f"{fact.specifier}.{name}", errors) or f"{fact.specifier}.{name}".startswith(quiet)
            for name in fact.names
        )
        for fact in taken
    )


def _throws_only(specifier: str, file_facts: FileFacts, errors: tuple[str, ...]) -> bool:
    """The file calls something of the Node module `specifier` and all of it is its HTTP errors (`throw new
    HTTPException(404, …)`)."""
    called = [
        call.callee for call in file_facts.calls if call.callee.partition("(")[0].startswith(f"{specifier}.")
    ]
    return bool(called) and all(_an_error(callee.partition("(")[0], errors) for callee in called)


@cache
def _errors(family: Family) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(HTTP error names, names handling no request + ".") of the `family`'s frameworks' catalogue."""
    entries = load_rules(Frameworks).family(family).values()
    errors = tuple(name for entry in entries for name in entry.http_errors)
    return errors, tuple(f"{name}." for entry in entries for name in entry.no_request)


def _an_error(name: str, errors: tuple[str, ...]) -> bool:
    return any(name.startswith(error[:-1]) if error.endswith("*") else name == error for error in errors)


def types_requests_only(file_facts: FileFacts) -> bool:
    """Of the web framework the file imports only the request class (`from fastapi import Request`, to
    take the app's state in a dependency): no response, router or error, as a request handler would."""
    family = file_facts.language.family
    return all(
        fact.names and all(name.endswith("Request") for name in fact.names)
        for fact in file_facts.imports
        if framework_of(fact.specifier, family)
    )


@cache
def _app_classes(family: Family, responding: bool = False) -> tuple[frozenset[str], tuple[str, ...]]:
    """The frameworks' app constructors (`flask.Flask`, `aiohttp.web_app.Application`), the types of their
    app objects (`fastify.FastifyInstance`: rules/frameworks.toml `app_types`), and what a name handling no
    request starts with (`no_request`: `flask.g`, `django.db.`; with `responding`, `responses` too)."""
    entries = load_rules(Frameworks).family(family).values()
    quiet = [
        name for entry in entries for name in (*entry.no_request, *(entry.responses if responding else ()))
    ]
    apps = frozenset(name for entry in entries for name in (*entry.apps, *entry.app_types, *quiet))
    return apps, tuple(name + "." for name in quiet)


def connection_module(path: str, file_facts: FileFacts, instances: Instances) -> bool:
    """Of the web framework the file imports only response builders (`from flask import jsonify`), and it
    opens the database connection itself: a catalogued connection call (`psycopg2.connect(…)` in `def
    connect_sql(): return …`; rules/database/connections.toml `calls`). It hands rows back as responses
    (`jsonify(rows)`) but reads no request: a connection module, not a request handler."""
    from cdverify.detect.database import catalogue

    if handles_requests(file_facts, responding=True):
        return False
    family = file_facts.language.family
    connections = catalogue().connections[family]
    return any(
        (foreign(call.callee, path, family, instances) or call.callee) in connections
        for call in file_facts.calls
    )


def context_typed_connection_module(
    path: str, file_facts: FileFacts, instances: Instances, database_names: Collection[str]
) -> bool:
    """A Node module whose path names the database (a folder or its file named as `database_names`:
    `[roles] data_file_names`, `db/pay/index.ts`), that imports of the web framework only types, erased from
    the emitted code (`import { Context } from "koa"` read only in annotations), and opens the database
    connection itself (a catalogued connection call: `mysql.createConnection(config)` in each function):
    a module of data functions handed the request context to write the answer in (`addExpense(params,
    ctx)` setting `ctx.body`), as `connection_module` is one handing rows to `jsonify`. The handlers that
    read the request and call it are elsewhere; one a route table names stays a handler (roles.py)."""
    from cdverify.detect.database import catalogue

    family = file_facts.language.family
    if family != Family.NODE:
        return False
    words = {normalise_dir_name(part.partition(".")[0]) for part in path.lower().split("/")}
    if not words & {normalise_dir_name(name) for name in database_names}:
        return False
    framework = [fact for fact in file_facts.imports if framework_of(fact.specifier, family)]
    if not framework or not all(_types_only(fact) for fact in framework):
        return False
    connections = catalogue().connections[family]
    return any(
        (foreign(call.callee, path, family, instances) or call.callee) in connections
        for call in file_facts.calls
    )


def _types_only(fact: ImportFact) -> bool:
    """A TypeScript import whose every name the code reads only as a type: `import type { … }`, or one
    whose names the facts record as types (erased from the emitted JavaScript)."""
    if fact.kind.type_only:
        return True
    names = imported_names(fact)
    return bool(names) and names <= set(fact.types)


def probe_lines(probes: frozenset[int], file_facts: FileFacts) -> frozenset[int]:
    """The lines of the calls running a health probe: for each probe, the last call starting on its line or
    up to two lines above (a call written over several lines), not every call near it (`PG()` and its
    `init(…)` just above a `fetchval("SELECT 1")` open the pool: data access)."""
    if not probes:
        return frozenset()
    lines = {call.line for call in file_facts.calls}
    return frozenset(
        max(found) for probe in probes if (found := [line for line in lines if probe - 2 <= line <= probe])
    )


def view_subclasses(
    facts: Mapping[str, FileFacts], application: Iterable[str], handlers: Collection[str], graph: ImportGraph
) -> frozenset[str]:
    """Python modules with a class extending a project view class: a class of another project module,
    imported by name, that extends one of the frameworks' class-based views (`handlers`: `[roles.handlers]`,
    `class AbstractView(web.View)` in handlers/abstract.py) or such a project class in turn (three steps at
    most). `class UserEntity(AbstractView)` answers requests as its base does, whatever its file is named."""
    python = [path for path in application if path in facts and facts[path].language.family == Family.PYTHON]
    views = {  # (module, class) of the project's view classes
        (path, name)
        for path in python
        for name, bases, _line in facts[path].classes
        if any(base in handlers for base in bases)
    }
    found: set[str] = set()
    for _step in range(3):
        added = False
        for path in python:
            for name, bases, _line in facts[path].classes:
                extends = any(_project_base(path, base, views, graph) for base in bases)
                if extends and (path, name) not in views:
                    views.add((path, name))
                    found.add(path)
                    added = True
        if not added:
            break
    return frozenset(found)


def _project_base(path: str, base: str, views: Collection[tuple[str, str]], graph: ImportGraph) -> bool:
    """`base` (`app.handlers.abstract.AbstractView`, as the facts qualify it) is a view class of the module
    an import of `path` names it from (`from app.handlers.abstract import AbstractView`)."""
    for edge in graph.imports_of(path):
        target = edge.target
        if not target or target == path:
            continue
        for name in edge.fact.names:
            if base in (name, f"{edge.fact.specifier}.{name}") and (target, name) in views:
                return True
    return False


def through_reexports(path: str, facts: Mapping[str, FileFacts], graph: ImportGraph) -> FileFacts:
    """The Python file's facts with each name it imports from a project module that imports that name from
    the web framework at its top (`from app.settings import web`, settings.py holding `from aiohttp import
    web`) read as imported from the framework, its calls through the name too (`web.HTTPForbidden`): a
    module's namespace holds every name it imports, so the framework is what the file imports."""
    file_facts = facts[path]
    if file_facts.language.family != Family.PYTHON:
        return file_facts
    imports, renamed = list(file_facts.imports), {}
    for edge in graph.imports_of(path):
        source = facts.get(edge.target) if edge.target and edge.fact.names else None
        for fact in source.imports if source is not None else ():
            if fact.in_function or not framework_of(fact.specifier, Family.PYTHON):
                continue
            for name in set(fact.names) & set(edge.fact.names):
                imports.append(fact._replace(names=(name,), text=f"from {fact.specifier} import {name}"))
                renamed[f"{edge.fact.specifier}.{name}"] = f"{fact.specifier}.{name}"
    if not renamed:
        return file_facts
    calls = [call._replace(callee=_renamed(call.callee, renamed)) for call in file_facts.calls]
    return file_facts._replace(imports=tuple(imports), calls=tuple(calls))


def _renamed(callee: str, renamed: Mapping[str, str]) -> str:
    for written, framework in renamed.items():
        if callee == written or callee.startswith((f"{written}.", f"{written}(")):
            return framework + callee[len(written) :]
    return callee
