"""Files that run queries through a project's mapped models (`User.objects.filter(…)` after `from shop.models
import User`: the architecture preset's `[roles.model_queries]`): a Django `selectors.py` of read-only
queries is data access, as a module opening a client is."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import architecture_preset
from cdverify.detect.tracing import foreign

if TYPE_CHECKING:
    from cdverify.detect.orm import OrmReport
    from cdverify.detect.tracing import Instances
    from cdverify.model import CallFact, FileFacts
    from cdverify.resolve.graph import ImportEdge, ImportGraph
    from cdverify.rules_schema.architecture import LayerRoles

_ALIAS = re.compile(r"\bas\s+(\w+)")


def model_queriers(
    facts: Mapping[str, FileFacts],
    application: Iterable[str],
    preset: str,
    orm: OrmReport,
    graph: ImportGraph,
    unnamed: Collection[str] = (),
) -> frozenset[str]:
    """Application files that run a query through a mapped model another project module defines
    (`User.objects.filter(…)` after `from shop.models import User`: `[roles.model_queries]`; or through the
    models package's `__init__.py` re-exporting it), and those of
    `unnamed` (whose path names no layer) calling a model class's own query method (`PlayerModel.findAll()`:
    `[roles.model_methods]`; a controller or a model module doing so keeps its path's say)."""
    found = _roles_and_models(preset, orm, facts, graph)
    if found is None:
        return frozenset()
    roles, models = found
    out = set()
    for path in application:
        file_facts = facts.get(path)
        family = file_facts.language.family if file_facts else None
        attributes = roles.model_queries.get(family, ()) if family else ()
        methods = (
            frozenset(roles.model_methods.get(family, ())) if family and path in unnamed else frozenset()
        )
        if not (attributes or methods) or file_facts is None:
            continue
        edges = _model_imports(path, graph, models)
        prefixes = _imported_names(edges, models)
        # a default or `require`d import is the module's default export: its model (`PlayerModel.findAll()`
        # after `import PlayerModel from "../models/player-model"` reads `../models/player-model.findAll`)
        prefixes |= {edge.fact.specifier for edge in edges if not edge.fact.names and family == "node"}
        starts = tuple(f"{prefix}.{attribute}." for prefix in prefixes for attribute in attributes)
        through = bool(starts) and any(call.callee.startswith(starts) for call in file_facts.calls)
        if through or (
            methods and any(_model_method(call.callee, prefixes, methods) for call in file_facts.calls)
        ):
            out.add(path)
    return frozenset(out)


def session_queriers(
    facts: Mapping[str, FileFacts],
    application: Iterable[str],
    preset: str,
    orm: OrmReport,
    graph: ImportGraph,
) -> frozenset[str]:
    """Application files that hand a mapped model another project module defines to a session's query method
    (`session.query(User)` after `from shop.tables import User`, on the session their callers pass in:
    `[roles.session_queries]`): they run the query, whatever object the session is."""
    found = _roles_and_models(preset, orm, facts, graph)
    if found is None:
        return frozenset()
    roles, models = found
    out = set()
    for path in application:
        file_facts = facts.get(path)
        methods = roles.session_queries.get(file_facts.language.family, ()) if file_facts else ()
        if not methods or file_facts is None:
            continue
        edges = _model_imports(path, graph, models)
        names = _imported_names(edges, models)
        if names and any(
            call.name.method in methods and call.args and not names.isdisjoint(call.args[0].calls)
            for call in file_facts.calls
        ):
            out.add(path)
    return frozenset(out)


def handle_queriers(
    facts: Mapping[str, FileFacts], unnamed: Iterable[str], preset: str, instances: Instances
) -> frozenset[str]:
    """Files of `unnamed` (whose path names no layer) that define no class and two functions or more, every
    one of which runs a query through an ORM's global handle (`db.session.add(…)`, `Token.query.filter_by(…)`:
    `[roles.handle_queries]`, traced): a module of data-access functions. One function blending a query with
    the rules computed on its rows (`get_dashboard_metrics`) shows no module's role."""
    roles = architecture_preset(preset).roles
    if roles is None:
        return frozenset()
    out = set()
    for path in unnamed:
        file_facts = facts.get(path)
        handles = roles.handle_queries.get(file_facts.language.family, ()) if file_facts else ()
        if not handles or file_facts is None or file_facts.classes or not file_facts.defines:
            continue
        family = file_facts.language.family
        prefixes = tuple(f"{handle}." for handle in handles)
        functions, starts = _own_functions(file_facts)
        querying = {
            _function_of(call, starts)
            for call in file_facts.calls
            if (foreign(call.callee, path, family, instances) or call.callee).startswith(prefixes)
        }
        if len(functions) > 1 and functions <= querying:
            out.add(path)
    return frozenset(out)


def _own_functions(file_facts: FileFacts) -> tuple[set[str], dict[int, str]]:
    """The names a Python module binds at module level that no import and no module-level assignment binds
    (a function's `return`, recorded as an assignment to its name, does not count): its functions (a
    superset); and the first line of each whose calls or assignments name it (`store_token@7`)."""
    scopes = {call.scope for call in file_facts.calls if call.scope}
    scopes |= {assignment.scope for assignment in file_facts.assignments if assignment.scope}
    bound = {a.target for a in file_facts.assignments if not a.scope and not a.text.startswith("return")}
    for fact in file_facts.imports:
        bound |= set(fact.names) | {fact.specifier.partition(".")[0]} | set(_ALIAS.findall(fact.text))
    functions = set(file_facts.defines or ()) - bound
    named = (scope.rpartition("@") for scope in scopes)
    return functions, {int(line): name for name, _, line in named if name in functions and line.isdigit()}


def _function_of(call: CallFact, starts: Mapping[int, str]) -> str:
    """The function a call runs in: its scope, else (a call handed no value records none:
    `db.session.commit()`) the function starting last above it."""
    if call.scope:
        return call.scope.rpartition("@")[0]
    lines = sorted(starts)
    at = bisect_right(lines, call.line)
    return starts[lines[at - 1]] if at else ""


def _roles_and_models(
    preset: str, orm: OrmReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> tuple[LayerRoles, dict[str, set[str]]] | None:
    """The preset's layer roles and the project's model files (`_project_models`); None where the preset
    assigns layers by name only or the project maps no model."""
    roles = architecture_preset(preset).roles
    models = _project_models(orm, facts, graph) if roles is not None else {}
    return (roles, models) if roles is not None and models else None


def _model_imports(path: str, graph: ImportGraph, models: Mapping[str, set[str]]) -> list[ImportEdge]:
    """The file's imports of another file defining or re-exporting mapped models."""
    return [edge for edge in graph.imports_of(path) if edge.target in models and edge.target != path]


def _imported_names(edges: Iterable[ImportEdge], models: Mapping[str, set[str]]) -> set[str]:
    """How the file's calls name the models its imports (`edges`, into model files) bring:
    `shop.models.User` after `from shop.models import User`."""
    return {
        name
        for edge in edges
        for model in models[edge.target or ""]
        for name in model_names(edge.fact.specifier, edge.fact.names, model)
    }


def _project_models(orm: OrmReport, files: Iterable[str], graph: ImportGraph) -> dict[str, set[str]]:
    """Model file → the mapped models it defines (the ORM report's), with the packages re-exporting them."""
    models: dict[str, set[str]] = {}
    for use in orm.libraries.values():
        for file, _line, model in use.models:
            models.setdefault(file, set()).add(model)
    return _with_packages(models, files, graph) if models else models


def _with_packages(
    models: dict[str, set[str]], files: Iterable[str], graph: ImportGraph
) -> dict[str, set[str]]:
    """`models` (file → the models it defines) with the package `__init__.py` files re-exporting them by name
    (`from .fixture import LightFixture` in `designer/models/__init__.py`, the models package Django's
    `from ..models import LightFixture` reaches): a query through the package is one through the model."""
    out = {file: set(names) for file, names in models.items()}
    for path in files:
        if path.rpartition("/")[2] != "__init__.py":
            continue
        for edge in graph.imports_of(path):
            offered = models.get(edge.target or "", set()) & set(edge.fact.names)
            if offered and edge.target != path:
                out.setdefault(path, set()).update(offered)
    return out


def statement_runners(
    facts: Mapping[str, FileFacts],
    application: Iterable[str],
    preset: str,
    models: Collection[str],
    graph: ImportGraph,
) -> list[str]:
    """Application files that call a query library's statement constructor in a function (`sa.select(…)`,
    `sqlalchemy.insert(…)`: `[roles.statements]`) and import a project module of the models layer (`models`):
    they build and run queries on the connection or session their callers hand in."""
    roles = architecture_preset(preset).roles
    if roles is None or not models:
        return []
    out = []
    for path in application:
        file_facts = facts.get(path)
        constructors = roles.statements.get(file_facts.language.family, ()) if file_facts else ()
        if not constructors or file_facts is None:
            continue
        if any(call.scope and call.callee in constructors for call in file_facts.calls) and any(
            edge.target in models and edge.target != path for edge in graph.imports_of(path)
        ):
            out.append(path)
    return out


def model_names(specifier: str, names: tuple[str, ...], model: str) -> tuple[str, ...]:
    """How a call names `model` of the module an import brings: `shop.models.User` after
    `from shop.models import User`, `import shop.models` or `from shop import models`."""
    if not names:
        return (f"{specifier}.{model}",)
    return tuple(f"{specifier}.{model}" if name == model else f"{specifier}.{name}.{model}" for name in names)


def _model_method(callee: str, prefixes: set[str], methods: frozenset[str]) -> bool:
    """`callee` is a query method called on one of the models (`../models/user.findAll`)."""
    owner, _, method = callee.rpartition(".")
    return method in methods and owner in prefixes
