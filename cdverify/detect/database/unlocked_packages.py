"""An `import … from "pkg"` in a module a start script runs, of a package that no package.json of the project
declares and that the lockfile beside the app's package.json does not name (`import { open } from 'sqlite'`
with only sqlite3 declared and locked): the paper's set-up (`npm install`) installs what the lockfile names
and nothing else, so Node throws (ERR_MODULE_NOT_FOUND, MODULE_NOT_FOUND once compiled to CommonJS) as the
module graph links and the application cannot start, whatever engine it is configured for (read by stops.py).

Claimed only where the lockfile proves the package absent: each package.json between the module and the
project's root has a lockfile beside it, read in full, that names every dependency that package.json
declares (in step with it: `npm install` resolves no new tree) and names the package nowhere — not as a
dependency of a dependency, a peer or an optional one; nor does a lockfile at the root. Not claimed: a
`require` (it may sit in a `try` that carries on without the package) or a dynamic import, a TypeScript
import whose bindings no call uses (the compiler may leave it out), a package declared in another case
(shipped.py `miscased_packages`), the name of a package.json of the project or of a project file or folder
(a workspace, a path alias the resolver left out), a project with workspaces, and a module no start script
reaches (a stray file no one runs). Only npm package names count (`bun:sqlite`, `npm:x`, `#db` are not)."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from cdverify.detect.database.optional_packages import LOCK_LIMIT
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.shipped import LOCKFILES, loaded_at_import, lock_names, package_imports
from cdverify.files import NotReadable, probe, read_regular
from cdverify.model import Family, ImportKind
from cdverify.package_scripts import script_words
from cdverify.resolve.graph import reachable

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportEdge, ImportGraph

# a package name npm accepts (lower case; a scope of its own)
_NPM_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")
_WORKSPACE_FILES = ("pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json")


def unlocked_packages(found: Collection, graph: ImportGraph, root: Path) -> list[StartupStop]:
    """The first import, per module a start script reaches, of a package nothing installs (above)."""
    declared = found.manifests.declared(Family.NODE)
    lowered = {name.lower() for name in declared}
    candidates: list[tuple[str, ImportEdge, str]] = []
    for path, facts, edge, package in package_imports(found, graph):
        static = edge.fact.kind is ImportKind.STATIC and package.lower() not in lowered
        if static and _NPM_NAME.match(package) and loaded_at_import(edge, facts):
            candidates.append((path, edge, package))
    if not candidates:
        return []
    manifests = _package_jsons(found, root)
    if manifests is None:
        return []
    started = _started(found, graph)
    own = _project_names(found) | {name for name in manifests.values() if name}
    out: list[StartupStop] = []
    stopped: set[str] = set()
    for path, edge, package in candidates:
        if path in stopped or path not in started or package in own or package.split("/")[0] in own:
            continue
        folders = [folder for folder in manifests if _contains(folder, path)]
        if not folders or not all(_absent(found, root, folder, package) for folder in folders):
            continue
        manifest = posixpath.join(max(folders, key=len), "package.json")
        reason = (
            f"throws MODULE_NOT_FOUND: {package} is not declared in {manifest} and its lockfile does not "
            "name it, so npm install does not install it"
        )
        fix = f"declare {package} in {manifest} (and update the lockfile), or stop importing it"
        out.append(StartupStop(path, edge.fact.line, edge.fact.text, (), reason, fix))
        stopped.add(path)
    return out


def _package_jsons(found: Collection, root: Path) -> dict[str, str] | None:
    """The folders of the project's package.json files and each one's `name`; None where the project has
    workspaces (a package.json's `workspaces`, pnpm's or another monorepo tool's file)."""
    out: dict[str, str] = {}
    for package in found.manifests.packages:
        folder = posixpath.dirname(package.path)
        if package.workspaces or any(probe(root / folder / name) is not None for name in _WORKSPACE_FILES):
            return None
        out[folder] = package.name
    return out


def _project_names(found: Collection) -> set[str]:
    """Every folder and file stem of the project's paths (`utils` of src/utils/db.ts, `db`)."""
    names: set[str] = set()
    for path in found.facts:
        for part in path.split("/"):
            names.add(part)
            names.add(posixpath.splitext(part)[0])
    return names


def _contains(folder: str, path: str) -> bool:
    return not folder or path.startswith(f"{folder}/")


def _started(found: Collection, graph: ImportGraph) -> set[str]:
    """The project modules a start script names (`node index.js`, `tsx src/server.ts`), and what they import
    at module level, transitively."""
    entries: list[str] = []
    for script in found.manifests.start_scripts():
        folder = posixpath.dirname(script.package)
        for words in script_words(script.command):
            for word in words[1:]:
                path = posixpath.normpath(posixpath.join(folder, word))
                if path in found.facts and path not in entries:
                    entries.append(path)
    return reachable(
        entries,
        lambda path: [
            edge.target
            for edge in graph.imports_of(path)
            if edge.target is not None and edge.runtime and not edge.fact.in_function
        ],
    )


def _absent(found: Collection, root: Path, folder: str, package: str) -> bool:
    """Whether the lockfile beside the package.json in `folder` proves `package` is not installed: it names
    every dependency that package.json declares but not `package`, and no lockfile at the root names it."""
    manifest = posixpath.join(folder, "package.json")
    wanted = [dep.name for dep in found.manifests.dependencies if dep.file == manifest]
    for name in LOCKFILES:
        lockfile = root / folder / name
        if probe(lockfile) is None:
            continue
        try:
            text = read_regular(lockfile, LOCK_LIMIT).decode("utf-8", "replace")
        except NotReadable:
            return False
        if len(text) >= LOCK_LIMIT or not all(_names(text, dep) for dep in wanted):
            return False
        return not lock_names(root, package, folder)
    return False


def _names(text: str, package: str) -> bool:
    return re.search(rf"(?<![\w.@-]){re.escape(package)}(?![\w.-])", text) is not None
