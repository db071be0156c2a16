"""Servers kept in a scripts folder: the application's entry when nothing else in its package serves.

Discovery gives `scripts/`, `bin/` and `tools/` folders the `script` scope (seeds, maintenance programs,
build helpers). A small Node back end sometimes keeps its whole server there instead:
`"server": "nodemon scripts/server.js"`, the module creating the Fastify or Express app, registering its
handlers and calling `listen`, beside `scripts/lib/prisma.js`. Such a module is the application: left a
script, the project would have no framework, no layers and no ORM at all.

Once the files are parsed, a script-scope Node module of one of the script scope's `joining` folders
(rules/scopes.toml; not a seed or a fixture) is application code when all of these hold:

- a package.json script runs it (`Manifests.script_files`): it is an entry, not a helper;
- it imports a web framework's package (rules/frameworks.toml `packages`) and starts a server itself (a
  `listen` method, `serve` of @hono/node-server: rules/frameworks.toml `servers`, `server_methods`);
- no application module of its package starts a server: a mock or preview server in `scripts/` beside the
  real entry (`src/server.ts` listening) stays a script.

The modules it imports then join the application as `with_imported_code` brings in any script-folder module
the application imports. A file a user's `[scopes]` glob places keeps its scope.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from cdverify.config import Config
from cdverify.detect.framework.catalogue import server_methods, servers
from cdverify.detect.layers.names import framework_of
from cdverify.discover import joins_application
from cdverify.model import Family, FileFacts, Scope
from cdverify.test_code import placed_by_user

if TYPE_CHECKING:
    from cdverify.discover import Project
    from cdverify.manifest_records import Manifests


def with_served_scripts(
    project: Project, facts: Mapping[str, FileFacts], manifests: Manifests, config: Config
) -> Project:
    """`project`, where the scripts-folder modules that are their package's only server are application
    code."""
    run = set(manifests.script_files)
    if not run:
        return project
    scopes = {f.path: f.scope for f in project.files}
    placed = placed_by_user(config)
    candidates = [
        path
        for path in sorted(run)
        if scopes.get(path) is Scope.SCRIPT
        and (file_facts := facts.get(path)) is not None
        and file_facts.language.family is Family.NODE
        and joins_application(path, Scope.SCRIPT)
        and _serves(file_facts)
        and not placed(path)
    ]
    if not candidates:
        return project
    manifests_at = _package_folders(project.paths)
    serving = {
        _package_of(path, manifests_at)
        for path, file_facts in facts.items()
        if scopes.get(path) is Scope.APPLICATION
        and file_facts.language.family is Family.NODE
        and _starts_server(file_facts)
    }
    moved = {path for path in candidates if _package_of(path, manifests_at) not in serving}
    if not moved:
        return project
    files = tuple(f._replace(scope=Scope.APPLICATION) if f.path in moved else f for f in project.files)
    return replace(project, files=files)


def _serves(file_facts: FileFacts) -> bool:
    """The module imports a web framework and starts a server."""
    return _starts_server(file_facts) and any(
        framework_of(fact.specifier, Family.NODE) is not None for fact in file_facts.imports
    )


def _starts_server(file_facts: FileFacts) -> bool:
    """A call of the module starts an HTTP server (`app.listen(3000)`, `serve({ fetch: app.fetch })`)."""
    started = servers(Family.NODE)
    methods = server_methods(Family.NODE)
    return any(call.callee in started or call.callee.endswith(methods) for call in file_facts.calls)


def _package_folders(paths: Iterable[str]) -> Collection[str]:
    """The folders holding a package.json ("" for the project's top)."""
    return frozenset(posixpath.dirname(path) for path in paths if posixpath.basename(path) == "package.json")


def _package_of(path: str, folders: Collection[str]) -> str:
    """The folder of the nearest package.json above `path` ("" when none is: the project's top)."""
    folder = posixpath.dirname(path)
    while folder:
        if folder in folders:
            return folder
        folder = posixpath.dirname(folder)
    return ""
