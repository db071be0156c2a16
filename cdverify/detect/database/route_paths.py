"""Route paths a router rejects as they are registered at start-up: Express 5 (router 2, path-to-regexp 8)
parses each string path when `app.get(path, …)` / `router.use(path, …)` runs, and throws a TypeError on
the Express 4 syntax it dropped — an unnamed wildcard (`app.use("/api/auth/*", …)`, `app.all("*", …)`:
"Missing parameter name"), an optional parameter `:id?`, a regular-expression group `:id(\\d+)` / `(.*)`, a
reserved character (rules/node/route_paths.toml). A registration made as the application starts (at module
level of a module run then, or in a function run then: `const app = createApp()`) stops it wherever it runs,
whatever variables are set: no engine holds (harness.py), and DB001 names the path to write instead.

The version is the one the project installs: the lockfile's (package-lock.json, npm-shrinkwrap.json,
yarn.lock, pnpm-lock.yaml, bun.lock beside the manifest declaring the package, or at the root) where one
resolves it, else the declared range's where it admits one major only (`^5.1.0`, `~5.0.1`, `5.x`);
`latest`, `*`, `>=4`, a prerelease and an unreadable lockfile judge nothing. Only a path written as one string
literal is read (a template, a name or an array of paths is not)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.jsonschemas import at_start, started_functions
from cdverify.detect.database.optional_packages import LOCK_LIMIT
from cdverify.detect.database.plugin_stops import called_functions
from cdverify.detect.database.report import StartupStop
from cdverify.detect.framework.catalogue import split
from cdverify.files import NotReadable, probe, read_regular
from cdverify.model import CallFact, Family, FileFacts, Scope
from cdverify.rules_schema import PathRouter, RoutePaths

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.manifest_records import Dependency
    from cdverify.resolve.graph import ImportGraph

_NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json")
_VERSION = re.compile(r"v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(-[\w.]+)?")
_ESCAPED = re.compile(r"\\.")  # a backslash escape: the router takes the character as written


def rejected_paths(
    found: Collection, graph: ImportGraph, root: Path, started: Callable[[], set[str]]
) -> list[StartupStop]:
    """The registrations, made as the application starts, of a path the installed router rejects."""
    routers = [
        router
        for router in load_rules(RoutePaths).routers
        if any(dep.name == router.package for dep in found.manifests.dependencies)
    ]
    if not routers:
        return []
    application = {
        path: facts
        for path, facts in found.facts.items()
        if found.scope_of(path) is Scope.APPLICATION and facts.language.family is Family.NODE
    }
    out: list[StartupStop] = []
    running: dict[str, set[str]] | None = None
    for router in routers:
        versions: dict[str, str | None] = {}  # manifest → the version it installs, where known
        for path, facts in sorted(application.items()):
            registered = list(_registrations(facts, router))
            if not registered:
                continue
            dependency = _declaring(found.manifests.dependencies, router.package, path)
            if dependency is None:
                continue
            if dependency.file not in versions:
                versions[dependency.file] = _installed(root, dependency)
            version = versions[dependency.file]
            if version is None or not _at_least(version, router.since):
                continue
            if running is None:
                running = _running(application, started(), graph)
            for call, written in registered:
                if not at_start(call, facts, path in started(), running.get(path, set())):
                    continue
                rejected = _rejected(router, written)
                if rejected is None:
                    continue
                problem, how = rejected
                installed = f"{router.package} {version}"
                reason = f"throws as it registers {written!r}: {installed}'s router rejects {problem}"
                rewrite = fix_of(written, router)
                fix = (
                    f"{how}: {rewrite} for {written!r} ({installed} rejects it at start-up)"
                    if rewrite
                    else f"{how} in {written!r} ({installed} rejects it at start-up)"
                )
                out.append(StartupStop(path, call.line, call.text, (), reason, fix))
    return out


def _registrations(facts: FileFacts, router: PathRouter) -> Iterable[tuple[CallFact, str]]:
    """(call, path) of each call of a path method on one of the router's apps or routers given a path as
    one string literal."""
    for call in facts.calls:
        if not call.args:
            continue
        constructor, method = split(call.callee)
        if method not in router.methods or constructor not in router.constructors:
            continue
        given = call.args[0]
        if len(given.strings) == 1 and given.literals and not (given.names or given.calls or given.env):
            yield call, given.literals[0]


def _rejected(router: PathRouter, written: str) -> tuple[str, str] | None:
    """(problem, fix) of the first rejected syntax the path holds, as the router reads it."""
    read = _ESCAPED.sub("", written)
    for rejected in router.rejected:
        if _compiled(rejected.pattern).search(read):
            return rejected.problem, rejected.fix
    return None


def fix_of(written: str, router: PathRouter) -> str:
    """The path rewritten where each rejected syntax it holds has one rewrite (`'/api/auth/*splat'`), ""
    where one has none. Escapes are left as written."""
    fixed = written
    for rejected in router.rejected:
        pattern = _compiled(rejected.pattern)
        if not pattern.search(_ESCAPED.sub("", fixed)):
            continue
        if not rejected.replace:
            return ""
        fixed = pattern.sub(rejected.replace, fixed)
    return repr(fixed) if fixed != written else ""


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _running(facts: Mapping[str, FileFacts], started: set[str], graph: ImportGraph) -> dict[str, set[str]]:
    """File → its functions that run as the application starts: those jsonschemas.py `started_functions`
    finds, and those a started module, or a function already found, surely calls by name as a step of its
    own (`const app = createApp()`: plugin_stops.py `called_functions`), its own or imported."""
    running = started_functions(facts, started, graph)
    starts = [(path, "") for path in started if path in facts]
    starts += [(path, name) for path, names in running.items() for name in names]
    for file, function in called_functions(starts, facts, graph):
        running.setdefault(file, set()).add(function)
    return running


def _declaring(dependencies: Iterable[Dependency], package: str, path: str) -> Dependency | None:
    """The declaration of `package` in the manifest nearest above `path` that declares it."""
    best: Dependency | None = None
    for dep in dependencies:
        if dep.name != package or dep.ecosystem is not Family.NODE:
            continue
        folder = posixpath.dirname(dep.file)
        if folder and not path.startswith(f"{folder}/"):
            continue
        if best is None or len(folder) > len(posixpath.dirname(best.file)):
            best = dep
    return best


def _installed(root: Path, dependency: Dependency) -> str | None:
    """The version an install puts in place: the lockfile's, else the declared range's lowest where the
    range admits one major only; None where unknown."""
    folder = posixpath.dirname(dependency.file)
    spec = dependency.spec.removeprefix(
        f"{dependency.name}@"
    )  # `express@^5.1.0` as the manifest reader writes it
    for where in dict.fromkeys((folder, "")):
        for name in (*_NPM_LOCKS, "yarn.lock", "pnpm-lock.yaml", "bun.lock"):
            lockfile = root / where / name if where else root / name
            if probe(lockfile) is None:
                continue
            try:
                text = read_regular(lockfile, LOCK_LIMIT).decode("utf-8", "replace")
            except NotReadable:
                return None
            importer = "." if where == folder else folder  # the manifest's folder, from the lockfile's
            locked = _locked(name, text, dependency.name, spec, importer)
            if locked is not None:
                return locked
    return _declared(spec)


def _locked(lockfile: str, text: str, package: str, spec: str, importer: str) -> str | None:
    """The version of `package` a lockfile resolves for the manifest (`importer`: its folder from the
    lockfile's), None where it names none it can tell."""
    escaped = re.escape(package)
    if lockfile in _NPM_LOCKS:
        try:
            document = json.loads(text)
        except ValueError:
            return None
        prefix = "" if importer == "." else f"{importer}/"
        packages = document.get("packages") if isinstance(document, dict) else None
        if isinstance(packages, dict):
            for key in (f"{prefix}node_modules/{package}", f"node_modules/{package}"):
                entry = packages.get(key)
                if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                    return str(entry["version"])
        dependencies = document.get("dependencies") if isinstance(document, dict) else None
        entry = dependencies.get(package) if isinstance(dependencies, dict) else None
        return (
            str(entry["version"])
            if isinstance(entry, dict) and isinstance(entry.get("version"), str)
            else None
        )
    if lockfile == "yarn.lock":
        return _yarn_locked(text, package, spec)
    if lockfile == "pnpm-lock.yaml":
        return _pnpm_locked(text, package)
    match = re.search(rf'"{escaped}": \["{escaped}@(\d[^"]*)"', text)  # bun.lock
    return match.group(1) if match else None


def _yarn_locked(text: str, package: str, spec: str) -> str | None:
    """yarn.lock (v1 `express@^5.1.0:` then `  version "5.1.0"`; berry `"express@npm:^5.1.0":` then
    `  version: 5.1.0`): the version of the entry whose header names the declared range. Read line by line,
    one pass (a pattern spanning an entry's lines backtracked exponentially on an entry with no version)."""
    wanted = {f"{package}@{spec}", f"{package}@npm:{spec}"}
    inside = False
    for line in text.splitlines():
        if not line[:1].isspace():  # a header, a comment or a blank line ends the entry
            descriptors = (d.strip().strip('"') for d in line.rstrip().removesuffix(":").split(","))
            inside = bool(line) and not line.startswith("#") and any(d in wanted for d in descriptors)
            continue
        if inside:
            key, _, value = line.strip().partition(" ")
            if key in ("version", "version:") and value:
                return value.strip().strip('"') or None
    return None


def _pnpm_locked(text: str, package: str) -> str | None:
    """pnpm-lock.yaml (`  express:` then `    specifier: ^5.1.0` and `    version: 5.1.0(…)`): the version
    the first importer entry of the package resolves. Read line by line, one pass (a pattern whose leading
    `\\s+` spanned blank lines was quadratic on a lockfile of blank lines)."""
    names = {f"{package}:", f"'{package}':", f'"{package}":'}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not line[:1].isspace() or line.strip() not in names:
            continue
        following = [entry.strip() for entry in lines[index + 1 : index + 3]]
        if (
            len(following) == 2
            and following[0].startswith("specifier:")
            and following[1].startswith("version:")
        ):
            version = following[1].removeprefix("version:").strip().strip("'\"")
            match = re.match(r"\d[^\s(]*", version)
            return match.group(0) if match else None
    return None


def _declared(spec: str) -> str | None:
    """The lowest version a range admits where it admits one major only (`^5.1.0` → 5.1.0, `5.x` → 5.0.0,
    `~5.0.1`, `5.1.0`); None for any other range (`>=4`, `*`, `latest`, `4 || 5`, a URL, a prerelease)."""
    written = spec.strip()
    caret = written[:1] in ("^", "~")
    match = _VERSION.fullmatch(written[1:] if caret else written)
    if match is None or match.group(4):
        return None
    major, minor, patch = match.group(1), match.group(2), match.group(3)
    if major == "0" and caret:
        return None
    parts = [major, minor if minor and minor.isdigit() else "0", patch if patch and patch.isdigit() else "0"]
    return ".".join(parts)


def _at_least(version: str, since: str) -> bool:
    """Whether a release version is `since` or later (a prerelease is not judged)."""
    match = _VERSION.match(version)
    if match is None or match.group(4) or "-" in version:
        return False
    have = tuple(int(p) if p and p.isdigit() else 0 for p in match.group(1, 2, 3))
    need = tuple(int(p) for p in since.split("."))
    return have >= need
