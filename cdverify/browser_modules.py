"""Browser bundles: the modules an HTML page of the project loads, found once the files are parsed.

Discovery sets a front end aside by its folder (`client/`, `frontend/`) or by its own package.json (a
member depending on React). A full-stack package keeps both in one manifest instead: Vite's layout puts
`index.html` at the package's top, its `<script type="module" src="/src/main.tsx">` the client's entry,
the React app under `src/` beside the server's `server/` folder, and the client's API wrappers in
`src/services/` (axios calls to the server), which are no services layer of the back end. What a page's
`<script src>` names runs in the browser, and so does everything it imports: those modules are front-end
code (scope `frontend`), their layers, SQL and imports not the back end's.

Precision first (a back-end file set aside loses its findings), so a module the page reaches stays
application code when the server reaches it too: when a module the page does not reach imports it, when a
package script runs it, or when it imports a Node built-in (`fs`, `node:path`: no browser has them) — and so
does everything such a module imports. A file a user's `[scopes]` glob places keeps its scope.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.config import Config
from cdverify.files import NotReadable, read_regular
from cdverify.model import Family, FileFacts, Scope, TargetKind
from cdverify.resolve.graph import reachable
from cdverify.rules_schema import Scopes
from cdverify.test_code import placed_by_user

if TYPE_CHECKING:
    from cdverify.discover import Project
    from cdverify.manifest_records import Manifests
    from cdverify.resolve.graph import ImportGraph

_PAGES = (".html", ".htm")
_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"'<>]+)["']""", re.IGNORECASE)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # `https://cdn…`, `//cdn…`, `data:`


def with_browser_modules(
    project: Project,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    manifests: Manifests,
    config: Config,
) -> tuple[Project, frozenset[str]]:
    """`project` with the application modules only its HTML pages' scripts reach in the `frontend` scope,
    and those modules."""
    scopes = {f.path: f.scope for f in project.files}

    def node_code(path: str) -> bool:
        file_facts = facts.get(path)
        return (
            scopes.get(path) is Scope.APPLICATION
            and file_facts is not None
            and file_facts.language.family is Family.NODE
        )

    if not any(node_code(path) for path in facts):
        return project, frozenset()  # no Node application module: no page is read
    entries = {path for path in _page_scripts(project) if node_code(path)}
    if not entries:
        return project, frozenset()
    successors: dict[str, set[str]] = {}
    for edge in graph.internal_edges():
        if edge.target is not None and edge.target != edge.source and node_code(edge.target):
            successors.setdefault(edge.source, set()).add(edge.target)
    reached = _closure(entries, successors)
    servers = {path for path in facts if node_code(path) and path not in reached}
    servers |= reached & set(manifests.script_files)
    servers |= {path for path in reached if _imports_builtin(graph, path)}
    placed = placed_by_user(config)
    browser = frozenset(path for path in reached - _closure(servers, successors) if not placed(path))
    if not browser:
        return project, frozenset()
    files = tuple(f._replace(scope=Scope.FRONTEND) if f.path in browser else f for f in project.files)
    return replace(project, files=files), browser


def _page_scripts(project: Project) -> set[str]:
    """The project files the `<script src>` of its HTML pages name: a path from the page's folder (a leading
    `/` too: Vite and a static folder serve the page's folder as `/`), without a query or fragment."""
    limit = load_rules(Scopes).limits.max_file_bytes
    out: set[str] = set()
    for file in project.files:
        if not file.path.lower().endswith(_PAGES) or file.size > limit:
            continue
        try:
            text = read_regular(project.root / file.path, limit).decode("utf-8", "replace")
        except NotReadable:
            continue
        folder = posixpath.dirname(file.path)
        for src in _script_sources(text):
            src = src.split("?", 1)[0].split("#", 1)[0].strip()
            if not src or _URL.match(src):
                continue
            path = posixpath.normpath(posixpath.join(folder, src.lstrip("/")))
            if path in project.paths:
                out.add(path)
    return out


def _script_sources(text: str) -> list[str]:
    """The `src` of each `<script …>` tag of a page, in one pass: each tag is read up to its `>` (a page of
    unclosed tags costs its length, not its length squared, as a pattern spanning the tag would)."""
    out = []
    at = 0
    while (found := _OPEN.search(text, at)) is not None:
        end = text.find(">", found.end())
        if end < 0:
            break  # no tag closes after this one
        if (src := _SRC.search(text, found.end(), end)) is not None:
            out.append(src.group(1))
        at = end + 1
    return out


def _closure(roots: Iterable[str], successors: Mapping[str, Iterable[str]]) -> set[str]:
    """`roots` and every file they import, directly or not."""
    return reachable(roots, lambda path: successors.get(path, ()))


def _imports_builtin(graph: ImportGraph, path: str) -> bool:
    """Whether the module imports a Node built-in at run time (`fs`, `node:path`): server code."""
    return any(edge.resolution.kind is TargetKind.STDLIB and edge.runtime for edge in graph.imports_of(path))
