"""Stray modules: source files beside the application that nothing imports and nothing runs
(rules/scopes.toml `[stray]`), found once the files are parsed and the imports resolved.

An uploaded snippet pasted into the back end's folder, an agent's leftover draft, the old version of the
server beside the new one: no project file imports it, no entry of its package runs it, and it requires
packages its package does not declare, so it could not even load there. Its imports are not the app's
framework, engines or data-access libraries, and its SQL is not the app's. Such a file is in the `stray`
scope: discovered and counted, then set aside as a docs snippet is (its facts are not read), and listed
with its reason (`project.stray` of the JSON, DISC009).

A file is stray only when all of these hold (precision first: a file wrongly set aside loses real
findings, so each condition is one a loaded module cannot escape):

1. nothing imports it: no import of any project file, whatever its scope, lands on it (static, dynamic,
   `require`, re-export, a package's index), and no loader the project uses reaches its folder
   (@fastify/autoload, detect/framework/autoload.py);
2. nothing runs it: no package.json script or pyproject entry point runs it (`Manifests.script_files`), it
   is no program of its own (a shebang, `process.argv`, `if __name__ == "__main__":` — someone runs it by
   hand), and no other file of the project mentions its name at all (`server-old.js` in a Dockerfile, a
   Procfile, a README, `wrangler.toml`, a readdir loader's list, `"myapp.legacy"` in Django's settings):
   every way of running or loading a file by name names it;
3. its package has an entry that reaches the rest of the app: a file its package.json `main` / `module` /
   `bin` / scripts, a pyproject entry point or the run script run, other than it, that imports project
   files (without a known entry, the imports cdverify sees are no proof that the file is unused);
4. it imports at module level, at run time, a third-party package that no manifest of the project
   declares: it cannot load where the app runs. This is what keeps the rule narrow — a file of the app
   that a convention cdverify does not know loads (file-based routing, a serverless handler) uses the
   app's own packages.

A user's `[scopes]` glob naming the file keeps the scope it gives (`application = ["legacy.js"]` brings a
stray file back), and `stray = ["drafts/**"]` sets files aside by hand.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules, make_finding
from cdverify.config import Config
from cdverify.detect.layers.programs import runs_itself
from cdverify.files import NotReadable, read_regular
from cdverify.model import Family, FileFacts, Finding, ImportKind, Location, Scope, TargetKind
from cdverify.rules_schema import Scopes
from cdverify.test_code import placed_by_user

if TYPE_CHECKING:
    from cdverify.discover import Project
    from cdverify.manifest_records import Manifests
    from cdverify.resolve.graph import ImportGraph

_MODULE = re.compile(r"[A-Za-z_][\w.]*(?::[\w.]+)?")
_PYTHON_MANIFESTS = ("requirements", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg")


class StrayModule(NamedTuple):
    """A source file nothing imports and nothing runs, and why it is set aside."""

    path: str
    packages: tuple[str, ...]  # the undeclared packages it imports at module level
    entries: tuple[str, ...]  # its package's entries, none of which reaches it

    @property
    def reason(self) -> str:
        entries, packages = ", ".join(self.entries), ", ".join(self.packages)
        return (
            f"nothing imports it and nothing runs or names it (the app starts from {entries}), "
            f"and it imports {packages}, which no manifest declares"
        )


def with_stray_modules(
    project: Project,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    manifests: Manifests,
    config: Config,
) -> tuple[Project, tuple[StrayModule, ...]]:
    """`project` with its stray modules in the `stray` scope, and those modules."""
    rules = load_rules(Scopes).stray
    declared = {family: set(manifests.declared(family)) for family in Family}
    folders = {family: _manifest_folders(manifests, family) for family in Family}
    importers = {edge.target for edge in graph.internal_edges() if edge.target != edge.source}
    scopes = {f.path: f.scope for f in project.files}
    run = set(manifests.script_files)
    families = {Family(name) for name in rules.families}
    candidates: dict[str, tuple[str, ...]] = {}
    for path, file_facts in facts.items():
        family = file_facts.language.family
        if family not in families or scopes.get(path) is not Scope.APPLICATION or not folders[family]:
            continue
        if path in importers or path in run or file_facts.program or runs_itself(file_facts):
            continue  # imported, run by a package script, or a program someone runs by hand
        packages = _undeclared(path, graph, family, declared[family], rules.runtime_modules)
        if packages:
            candidates[path] = packages
    if not candidates:
        return project, ()
    placed = placed_by_user(config)
    from cdverify.detect.framework.autoload import loaded_folders

    loaded = {p for paths in loaded_folders(facts, (f.path for f in project.sources)).values() for p in paths}
    named = _entries(project, manifests, rules.entry_keys)
    entries = {path for path in named if any(edge.target for edge in graph.imports_of(path))}
    found: list[StrayModule] = []
    for path, packages in candidates.items():
        family = facts[path].language.family
        home = _home(path, folders[family])
        reaching = sorted(e for e in entries if e != path and _home(e, folders[family]) == home)
        if placed(path) or path in loaded or path in named or not reaching:
            continue
        found.append(StrayModule(path, packages, tuple(reaching)))
    if len(found) > rules.max_modules:
        return project, ()  # so many: the project loads modules in a way cdverify does not see
    mentioned = _mentioned(project, [module.path for module in found]) if found else set()
    stray = tuple(module for module in found if module.path not in mentioned)
    if not stray:
        return project, ()
    names = {module.path for module in stray}
    files = tuple(f._replace(scope=Scope.STRAY) if f.path in names else f for f in project.files)
    return replace(project, files=files, stray=stray), stray


def stray_finding(module: StrayModule) -> Finding:
    """DISC009: what was set aside, and why."""
    return make_finding(
        "DISC009",
        Location(module.path),
        f"stray module set aside: {module.reason}",
        evidence=", ".join(module.packages),
        hint="delete the file if it is a leftover; if the app needs it, import it and declare its packages "
        "(or place it with [scopes] in cdverify.toml)",
    )


def _undeclared(
    path: str, graph: ImportGraph, family: Family, declared: set[str], runtime: tuple[str, ...]
) -> tuple[str, ...]:
    """The third-party packages `path` imports at module level and at run time that no manifest declares
    (a runtime's own modules aside: `bun`, `node:fs`, `cloudflare:workers`)."""
    from cdverify.resolve.python import python_declared

    prefixes = tuple(name for name in runtime if name.endswith(":"))
    out: list[str] = []
    for edge in graph.imports_of(path):
        fact, resolution = edge.fact, edge.resolution
        package = resolution.package
        if (
            resolution.kind is not TargetKind.EXTERNAL
            or not package
            or fact.in_function
            or fact.kind.type_only
            or fact.kind is ImportKind.DYNAMIC
            or package in out
            or package in runtime
            or package.startswith(prefixes)
        ):
            continue
        if not (python_declared(package, declared) if family == Family.PYTHON else package in declared):
            out.append(package)
    return tuple(out)


def _manifest_folders(manifests: Manifests, family: Family) -> tuple[str, ...]:
    """The folders of the family's manifests (package.json; requirements files, pyproject.toml, …)."""
    out = set()
    for path in manifests.manifest_files:
        name = posixpath.basename(path)
        node = name == "package.json"
        python = name.startswith(_PYTHON_MANIFESTS)
        if (family == Family.NODE and node) or (family == Family.PYTHON and python):
            out.add(posixpath.dirname(path))
    return tuple(sorted(out, key=len, reverse=True))


def _home(path: str, folders: tuple[str, ...]) -> str | None:
    """The nearest folder holding a manifest of the file's family (deepest first in `folders`)."""
    return next((f for f in folders if not f or path.startswith(f + "/")), None)


def _entries(project: Project, manifests: Manifests, keys: tuple[str, ...]) -> set[str]:
    """The project files an entry runs: what package.json scripts and pyproject entry points run,
    package.json `main` / `module` / `bin`, the files and modules the run script names."""
    named = set(manifests.script_files)
    for manifest in manifests.manifest_files:
        if posixpath.basename(manifest) == "package.json":
            named.update(_package_entries(project, manifest, keys))
    if manifests.run_script is not None:
        folder = posixpath.dirname(manifests.run_script.path)
        for word in re.split(r"[\s'\"=;&|()]+", manifests.run_script.text):
            named.update(_named_file(project, folder, word))
    return named


def _package_entries(project: Project, manifest: str, keys: tuple[str, ...]) -> list[str]:
    """The files a package.json's entry keys (`main`, `module`, `bin`) name that exist."""
    try:
        data = json.loads(read_regular(project.root / manifest, 1 << 20))
    except (NotReadable, ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    folder = posixpath.dirname(manifest)
    out: list[str] = []
    for key in keys:
        value = data.get(key)
        for target in value.values() if isinstance(value, dict) else [value]:
            if isinstance(target, str):
                out.extend(_named_file(project, folder, target))
    return out


def _named_file(project: Project, folder: str, word: str) -> list[str]:
    """The project file a word names: a path relative to `folder` (extensionless too, as Node resolves
    it), or a dotted module (`app.main:app`)."""
    word = word.strip()
    if not word or word.startswith("-") or len(word) > 300:
        return []
    guesses = [word, *(word + ext for ext in (".js", ".ts", ".mjs", ".cjs", "/index.js", "/index.ts"))]
    if _MODULE.fullmatch(word) and not word.endswith((".py", ".js", ".ts")):
        module = word.partition(":")[0].replace(".", "/")
        guesses += [module + ".py", module + "/__init__.py"]
    for guess in guesses:
        path = posixpath.normpath(posixpath.join(folder, guess))
        if path in project.paths:
            return [path]
    return []


def _mentioned(project: Project, paths: list[str]) -> set[str]:
    """Those of `paths` whose name (without its extension; a package index's folder) another project file
    mentions, in any scope and any format: read only when candidates remain."""
    words = {path: _name(path).lower() for path in paths}
    alternatives = "|".join(re.escape(word) for word in sorted(set(words.values())))
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
    seen: dict[str, set[str]] = {}  # a lowered name → the files that mention it
    limit = load_rules(Scopes).limits.max_file_bytes
    for file in project.files:
        if file.size > limit:
            continue
        try:
            text = read_regular(project.root / file.path, limit).decode("utf-8", "replace")
        except NotReadable:
            continue
        for match in pattern.finditer(text):
            seen.setdefault(match.group().lower(), set()).add(file.path)
    return {path for path in paths if seen.get(words[path], set()) - {path}}


def _name(path: str) -> str:
    """What a file is named by: `server-old` for `server-old.js`, `legacy` for `legacy/index.js`."""
    stem = posixpath.basename(path).split(".", 1)[0]
    if stem in ("index", "__init__") and "/" in path:
        return posixpath.basename(posixpath.dirname(path))
    return stem
