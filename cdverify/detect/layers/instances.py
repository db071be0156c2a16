"""Modules whose only role is to build the ORM or database instance that models bind to: `config/database.js`
with `export const sequelize = new Sequelize(…)`, which `models/post.js` must import for
`sequelize.define("Post", …)` or `Post.init(…, { sequelize })` (a mongoose connection's `connection.model()`,
a TypeORM `DataSource` alike). By its code such a module is data access (it opens the connection), so a model
importing it reads as an upward import; but a model cannot be defined without its instance, so the import is
no architectural violation (the models are bound to the instance, not to data access above them). So is a
model's import of only the declarative base a module makes (`Base = declarative_base()`), whatever else the
module does.

A module is such an instance module when it builds a catalogued connection (rules/database/connections.toml
`calls`) and exports what it built, and does nothing else a layer is made of: it defines no model, runs no
raw SQL, registers no routes, and imports no layered project module."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import base_makers
from cdverify.detect.tracing import Instances, foreign
from cdverify.model import FileFacts

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport
    from cdverify.detect.layers.names import LayerAssignment
    from cdverify.detect.orm import OrmReport
    from cdverify.resolve.graph import ImportGraph

_DATA_ACCESS = ("statement", "command", "dynamic")  # raw SQL that runs queries (as roles.py counts it)


def instance_imports(
    assignment: LayerAssignment,
    graph: ImportGraph,
    facts: Mapping[str, FileFacts],
    frameworks: FrameworkReport,
    orm: OrmReport,
    instances: Instances,
    models: str,
) -> frozenset[tuple[str, str]]:
    """(model file, instance module) of every import by a file of the `models` layer of a module that only
    builds the ORM or database instance."""
    out = set()
    checked: dict[str, bool] = {}
    for source, layer in assignment.files.items():
        if layer != models:
            continue
        for edge in graph.imports_of(source):
            target = edge.target
            if target is None or target == source or assignment.files.get(target) in (None, models):
                continue
            if edge.fact.kind.type_only:
                continue  # types only (`DbError` beside the instance): nothing to bind to at run time
            if _takes_the_base_only(edge.fact.names, facts.get(target), assignment.preset):
                out.add((source, target))
                continue
            if target not in checked:
                checked[target] = _builds_only_the_instance(
                    target, assignment, graph, facts, frameworks, orm, instances
                )
            if checked[target]:
                out.add((source, target))
    return frozenset(out)


def _takes_the_base_only(names: tuple[str, ...], target: FileFacts | None, preset: str) -> bool:
    """The import takes only the base of mapped models the module makes (`from .database import Base`
    after `Base = declarative_base()` beside the engine and session): a model cannot be declared without
    it, whatever else the module does, so the import is no upward one."""
    if target is None or not names or not preset:
        return False
    makers = base_makers(preset, target.language.family)
    bases = {call.target for call in target.calls if call.callee in makers and call.target and not call.scope}
    return bool(bases) and set(names) <= bases


def _builds_only_the_instance(
    path: str,
    assignment: LayerAssignment,
    graph: ImportGraph,
    facts: Mapping[str, FileFacts],
    frameworks: FrameworkReport,
    orm: OrmReport,
    instances: Instances,
) -> bool:
    from cdverify.detect.database import catalogue

    file_facts = facts.get(path)
    if file_facts is None:
        return False
    family = file_facts.language.family
    connections = catalogue().connections[family]
    built = {
        callee
        for call in file_facts.calls
        if (callee := foreign(call.callee, path, family, instances) or call.callee) in connections
    }
    exported = {value for _name, value in file_facts.exports}
    if not any(f"{callee}()" in exported or callee in exported for callee in built):
        return False
    if any(path == file for use in orm.libraries.values() for file, _line, _model in use.models):
        return False
    if any(item.file == path and item.kind in _DATA_ACCESS for item in orm.raw_sql):
        return False
    if any(route.file == path for route in frameworks.routes):
        return False
    return not any(
        edge.target is not None and edge.target != path and edge.target in assignment.files
        for edge in graph.imports_of(path)
    )
