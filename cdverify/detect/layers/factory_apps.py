"""Files where the app is built from a factory another module exports: they are the app file."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport
    from cdverify.model import FileFacts
    from cdverify.resolve.graph import ImportGraph


def factory_apps(
    apps: Collection[str], frameworks: FrameworkReport, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> frozenset[str]:
    """Files that take their app from the factory an app file exports (`const app = honoApp()` after
    `export const honoApp = () => new OpenAPIHono(…)` in `config/hono.ts`), at module level, and register
    routes on it, and that no project file imports at run time nor mounts as a router: the app is built
    there (`app.route("/api/v1", api)`, `export default app` served by Bun), so they are the app file, as
    one calling `new Hono()` itself is; the factory's module only makes the object."""
    receivers: dict[str, set[str]] = {}
    for route in frameworks.routes:
        if route.file not in apps and route.receiver:
            receivers.setdefault(route.file, set()).add(route.receiver)
    if not receivers:
        return frozenset()
    imported = {
        edge.target
        for edge in graph.internal_edges()
        if edge.source != edge.target and not edge.fact.kind.type_only
    }
    out = set()
    for path, names in receivers.items():
        if path in imported or path in frameworks.mounted_apps or path not in facts:
            continue
        factories = tuple(
            f"{edge.fact.specifier}."
            for edge in graph.imports_of(path)
            if edge.target in apps and edge.target != path and not edge.fact.kind.type_only
        )
        if factories and any(
            not call.scope and call.target in names and _called(call.callee, factories)
            for call in facts[path].calls
        ):
            out.add(path)
    return frozenset(out)


def _called(callee: str, factories: tuple[str, ...]) -> bool:
    """`callee` is a function one of the modules exports, called itself (`./config/hono.honoApp`), not a
    member of what it returns."""
    return any(callee.startswith(prefix) and callee[len(prefix) :].isidentifier() for prefix in factories)
