"""Programs run over the app: a module in a layer's folder that runs as a program of its own and imports the
app only to read it (`src/api/generate_openapi.py` writing `app.openapi()` to a file), no part of the running
app."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cdverify.detect.layers.names import Named
from cdverify.model import Family, FileFacts
from cdverify.resolve.graph import ImportGraph


def app_tools(
    named: Mapping[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    apps: Collection[str],
    roles: Collection[str],
) -> tuple[str, ...]:
    """Python modules a layer's folder places that run as programs of their own (`if __name__ ==
    "__main__":`), that no application file imports, whose code shows no role (`roles`: it registers no
    route, defines no model, runs no query), that build and start no app (`apps`) and that import the
    module building one: a layer's code never imports the app, a tool reading it does (the OpenAPI dump
    `generate_openapi.py` of an `api/` folder calling `app.openapi()`). Scripts, in no layer. A program in
    a layer's folder importing no app (a queue consumer in `entrypoints/`) keeps the folder's layer."""
    candidates = [
        path
        for path, name in named.items()
        if name.glob is None
        and name.folders
        and path in facts
        and facts[path].language.family == Family.PYTHON
        and facts[path].program
        and path not in apps
        and path not in roles
        and any(edge.target in apps and edge.runtime for edge in graph.imports_of(path))
    ]
    imported = {
        edge.target for edge in graph.internal_edges() if edge.source != edge.target and edge.source in named
    }
    return tuple(sorted(path for path in candidates if path not in imported))
