"""Helpers of the command-line scripts: the modules only scripts use, no part of the running app."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cdverify.detect.layers.names import Named
from cdverify.resolve.graph import ImportGraph


def script_helpers(
    named: Mapping[str, Named],
    graph: ImportGraph,
    scripts: Collection[str],
    serving: Collection[str] = (),
    outside: Collection[str] = (),
) -> tuple[str, ...]:
    """Application files whose path names no layer that the command-line `scripts` import, directly or
    through one another, and no other application file does (tests aside, as they import anything): the
    scripts' own helpers, in no layer (`src/migrate.ts` holding the `MigrationRunner` that only
    `src/run-migrate.ts`, the `npm run migrate` program, imports). The sources of the scripts scope
    (`outside`: seeds, `scripts/` programs) count as scripts: `src/db/factory.ts` of the fake rows only
    `src/db/seed.ts` imports is the seed's helper. A module the running app imports
    (the database module both the server and the script open) stays, as do those of `serving` (they
    build an app, register routes, or create at module level the client other files import: the
    project's database module, whoever imports it yet) and files a layer folder, a layer's file name or a
    glob places."""
    ring = {*scripts, *outside}
    if not ring:
        return ()
    importers: dict[str, set[str]] = {}
    for edge in graph.internal_edges():
        target = edge.target
        if target and target != edge.source and (edge.source in named or edge.source in ring):
            importers.setdefault(target, set()).add(edge.source)
    found: set[str] = set()
    changed = True
    while changed:  # a helper of a helper serves the scripts too
        changed = False
        for path, sources in importers.items():
            name = named.get(path)
            if (
                path in ring
                or path in serving
                or name is None
                or name.glob is not None
                or name.folders
                or name.suffix is not None
                or not sources <= ring
            ):
                continue
            ring.add(path)
            found.add(path)
            changed = True
    return tuple(sorted(found))
