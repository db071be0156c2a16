"""How a call reaches another project module's object: through a Node barrel that re-exports it
(`export * from "./knex"`), through what a module exports when it is called
(`require("./db")("users")`), and whether a callee names a project module at all."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from cdverify.detect.tracing import Instances, foreign, module_keys
from cdverify.model import Family, FileFacts, ImportKind

_CALLED = "__called__"  # stands for `()` after a module (its default export) or a Python factory


def traced(callee: str, path: str, family: Family, instances: Instances) -> str | None:
    """The callee traced through another module's instance (`require("./db")("users").whereRaw(…)`, after
    `module.exports = knex(config)`, is traced by `foreign`); also what a Python factory returns."""
    found = foreign(callee, path, family, instances)
    if found is None and family == "python" and "()." in callee:
        # `conn = await get_conn()` of `from app.db import get_conn`, whose `return asyncpg.connect(…)`
        # is exported as `get_conn` → `asyncpg.connect`: the call stands for what the factory returns
        head, _, rest = callee.partition("().")
        found = foreign(f"{head}.{_CALLED}.{rest}", path, family, instances)
        return found.replace(f".{_CALLED}", "()", 1) if found and f".{_CALLED}" in found else None
    return found


def through_barrels(facts: Mapping[str, FileFacts], instances: Instances) -> Instances:
    """`instances` plus what a Node module re-exports from another (`export * from "./knex"` in
    `database/knex/index.ts`), so `import { knex } from "../knex"` finds the instance. A few barrels deep."""
    barrels = [
        (module_keys(path, Family.NODE), _node_stem(posixpath.join(posixpath.dirname(path), fact.specifier)))
        for path, file_facts in facts.items()
        if file_facts.language.family == "node"
        for fact in file_facts.imports
        if fact.kind is ImportKind.REEXPORT and fact.specifier.startswith(("./", "../"))
    ]
    if not barrels:
        return instances
    by_module: dict[str, dict[str, str]] = {}
    for (key, name), value in instances.names.items():
        by_module.setdefault(key, {})[name] = value
    names = dict(instances.names)
    for _ in range(3):
        added = False
        for keys, target in barrels:
            exported = by_module.get(target) or by_module.get(f"{target}/index") or {}
            for key in keys:
                for name, value in exported.items():
                    if name != "default" and (key, name) not in names:
                        names[(key, name)] = value
                        by_module.setdefault(key, {})[name] = value
                        added = True
        if not added:
            break
    return instances._replace(names=names, answers={})


def _node_stem(path: str) -> str:
    """A Node module's key: its normalised path without extension."""
    return module_keys(posixpath.normpath(path), Family.NODE)[0]


def python_heads(facts: Mapping[str, FileFacts]) -> frozenset[str]:
    """The first names of the project's own Python modules (`app` for `app/db.py`, `db` too)."""
    return frozenset(
        key.split(".")[0]
        for path, file_facts in facts.items()
        if file_facts.language.family == "python"
        for key in module_keys(path, Family.PYTHON)
    )


def project_name(callee: str, family: Family, heads: frozenset[str]) -> bool:
    """The callee names something of another project module (`./db.query`, `.db.conn.execute`)."""
    if family == "node":
        return callee.startswith(("./", "../"))
    return callee.startswith(".") or callee.split(".", 1)[0] in heads
