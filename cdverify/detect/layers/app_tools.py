"""Programs run over the app: a module in a layer's folder that runs as a program of its own and imports the
app only to read it (`src/api/generate_openapi.py` writing `app.openapi()` to a file), or boots the framework
itself (`django.setup()` at module level of `api/import_data.py`), no part of the running app."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache

from cdverify.catalog import load_rules
from cdverify.detect.layers.names import Named
from cdverify.model import Family, FileFacts
from cdverify.resolve.graph import ImportGraph
from cdverify.rules_schema import Frameworks


def app_tools(
    named: Mapping[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    apps: Collection[str],
    roles: Collection[str],
    routes: Collection[str] = (),
) -> tuple[str, ...]:
    """Python modules a layer's folder places that run as programs of their own (`if __name__ ==
    "__main__":`), that no application file imports, whose code shows no role (`roles`: it registers no
    route, defines no model, runs no query), that build and start no app (`apps`) and that import the
    module building one: a layer's code never imports the app, a tool reading it does (the OpenAPI dump
    `generate_openapi.py` of an `api/` folder calling `app.openapi()`). Scripts, in no layer. A program in
    a layer's folder importing no app (a queue consumer in `entrypoints/`) keeps the folder's layer. So does
    a program booting the framework by itself at module level (`django.setup()`, rules/frameworks.toml
    `boots`: Django's own processes make that call for the app) whatever its code does (a seed script
    `update_or_create`-ing rows), unless it registers routes or builds an app."""
    boots = _boots()
    candidates = [
        path
        for path, name in named.items()
        if name.glob is None
        and name.folders
        and path in facts
        and facts[path].language.family == Family.PYTHON
        and facts[path].program
        and path not in apps
        and (
            (path not in roles and any(e.target in apps and e.runtime for e in graph.imports_of(path)))
            or (path not in routes and any(not c.scope and c.callee in boots for c in facts[path].calls))
        )
    ]
    imported = {
        edge.target for edge in graph.internal_edges() if edge.source != edge.target and edge.source in named
    }
    return tuple(sorted(path for path in candidates if path not in imported))


@cache
def _boots() -> frozenset[str]:
    """The calls booting a Python framework in a stand-alone program (rules/frameworks.toml `boots`)."""
    return frozenset(name for entry in load_rules(Frameworks).python.values() for name in entry.boots)
