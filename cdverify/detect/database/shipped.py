"""What the project, as shipped, lacks that its start-up needs (read by stops.py): a relative `require` or
import at module level of a module that is not on disk under any name Node tries (`require('./config/db')`
with `config/` left out of the repository, and not made by a build step: MODULE_NOT_FOUND), and the env file
every start script passes Node with `--env-file` when the project ships none (Node refuses to start), and an
import at start-up of a package named in another case than the dependency declared (`koa-bodyParser` for
koa-bodyparser: not found on the case-sensitive file system the harness runs on). Each is `(file, line,
text, reason)`: it stops the application wherever it runs as shipped (on Linux)."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.optional_packages import LOCK_LIMIT
from cdverify.detect.database.report import StartupStop
from cdverify.discover import classify_scope
from cdverify.files import NotReadable, list_dir, probe, read_regular
from cdverify.model import Family, FileFacts, ImportKind, Language, Scope, TargetKind
from cdverify.rules_schema import Connections, EnvFileFlag

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.package_scripts import PackageScript
    from cdverify.resolve.graph import ImportEdge, ImportGraph

Shipped = tuple[str, int, str, str]  # (file, line, text as written, reason): a stop wherever it runs

# the extensions Node and TypeScript's loaders try for a relative specifier, and the emitted ones a source
# is imported by (`./db.js` for `db.ts`)
_NODE_EXTENSIONS = (".js", ".mjs", ".cjs", ".json", ".node", ".ts", ".tsx", ".mts", ".cts", ".jsx")
_EMITTED = frozenset({".js", ".mjs", ".cjs", ".jsx"})
_ABSOLUTE = re.compile(r"^(?:[/\\~]|[A-Za-z]:[/\\])")
# the lockfiles whose entries name the packages an install puts in node_modules
LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock")


def project_path(literal: str) -> str | None:
    """A path as written, taken from the project's root (where the harness starts the application) and
    normalised (`./data/app.db` → `data/app.db`); None for an empty or absolute path (`/`, `~`, `C:\\`) and
    one leading outside the project."""
    text = literal.strip()
    if not text or _ABSOLUTE.match(text):
        return None
    normal = posixpath.normpath(text.replace("\\", "/"))
    return None if normal in (".", "..") or normal.startswith("../") else normal


def relative_unresolved(edge: ImportEdge) -> bool:
    """A run-time import at module level of a relative path that no project file answers."""
    fact = edge.fact
    return (
        edge.resolution.kind is TargetKind.UNRESOLVED
        and edge.runtime
        and not fact.in_function
        and fact.specifier.startswith(("./", "../"))
    )


def missing_modules(found: Collection, started: set[str], graph: ImportGraph, root: Path) -> list[Shipped]:
    """Relative `require`s and imports at module level of Node modules run at start-up whose file is not on
    disk under any of the names Node tries (`require('./config/db')` with `config/` left out of the
    repository): Node throws MODULE_NOT_FOUND as the module loads, so the application cannot start."""
    out = []
    for path in sorted(started):
        facts = found.facts.get(path)
        if facts is None or facts.language.family != Family.NODE:
            continue
        for edge in graph.imports_of(path):
            if not relative_unresolved(edge):
                continue
            base = posixpath.normpath(posixpath.join(posixpath.dirname(path), edge.fact.specifier))
            if base.startswith("../") or _generated(found, base) or _on_disk(root, base):
                continue
            reason = f"throws MODULE_NOT_FOUND: {edge.fact.specifier} is not in the project"
            other = _other_case(found, base)
            if other is not None:  # `require('./Routes')` for routes.js
                reason += (
                    f" ({other} differs in case, which a case-sensitive file system, as Linux's, tells apart)"
                )
            out.append((path, edge.fact.line, edge.fact.text, reason))
    return out


def _names_tried(base: str) -> list[str]:
    """The files Node and TypeScript's loaders try for a relative specifier's path `base`."""
    stem, extension = posixpath.splitext(base)
    names = [base, *(base + ext for ext in _NODE_EXTENSIONS)]
    names += [f"{base}/index{ext}" for ext in _NODE_EXTENSIONS]
    if extension in _EMITTED:  # `./db.js` written for `db.ts`
        names += [stem + ext for ext in _NODE_EXTENSIONS]
    return names


def _other_case(found: Collection, base: str) -> str | None:
    """The project file a specifier's path names but in another case (`Routes` for routes.js)."""
    wanted = {name.lower() for name in _names_tried(base)}
    return next((path for path in sorted(found.facts) if path.lower() in wanted), None)


def miscased_packages(
    found: Collection, graph: ImportGraph, root: Path, started_files: Callable[[], set[str]]
) -> list[StartupStop]:
    """Imports at module level of modules run at start-up (`started_files()`, asked for only when one is
    found) of a package that no declared dependency names but one names in another case (`import * as
    bodyParser from 'koa-bodyParser'` with `koa-bodyparser` declared): npm installs the package in a folder
    of its declared name, which a case-sensitive file system (Linux's, where the harness runs the app) does
    not match, so Node throws MODULE_NOT_FOUND (TypeScript's build fails first, TS2307). Not claimed: a
    package any lockfile names in the written case (another dependency installs it), a dynamic import, and
    a TypeScript import whose bindings no call uses (the compiler may leave it out)."""
    declared = found.manifests.declared(Family.NODE)
    lowered: dict[str, str] = {}
    for name in sorted(declared):
        lowered.setdefault(name.lower(), name)
    candidates: list[tuple[str, ImportEdge, str]] = []
    for path, facts, edge, package in package_imports(found, graph):
        named = lowered.get(package.lower()) if package not in declared else None
        if named is not None and loaded_at_import(edge, facts):
            candidates.append((path, edge, named))
    if not candidates:
        return []
    started = started_files()
    out: list[StartupStop] = []
    for path, edge, named in candidates:
        package = edge.resolution.package or ""
        if path not in started or lock_names(root, package, posixpath.dirname(declared[named].file)):
            continue
        manifest = declared[named].file
        reason = (
            f"throws MODULE_NOT_FOUND on a case-sensitive file system, as Linux's: {manifest} declares "
            f"{named}, installed as node_modules/{named}, not {package}"
        )
        fix = f"import {named} as {manifest} names it, not {package} (a case-sensitive disk finds only that)"
        out.append(StartupStop(path, edge.fact.line, edge.fact.text, (), reason, fix))
    return out


def package_imports(
    found: Collection, graph: ImportGraph
) -> Iterator[tuple[str, FileFacts, ImportEdge, str]]:
    """(file, its facts, import, package) of each import of a third-party package in the application's Node
    modules, in path order."""
    for path in sorted(found.facts):
        facts = found.facts[path]
        if facts.language.family != Family.NODE or found.scope_of(path) is not Scope.APPLICATION:
            continue
        for edge in graph.imports_of(path):
            package = edge.resolution.package or ""
            if edge.resolution.kind is TargetKind.EXTERNAL and package:
                yield path, facts, edge, package


def loaded_at_import(edge: ImportEdge, facts: FileFacts) -> bool:
    """The import runs as its module loads: at module level, not dynamic nor for types; in TypeScript, a
    `require`, a bare `import "x"`, or an import whose package a call uses (`bodyParser()`)."""
    fact = edge.fact
    if not edge.runtime or fact.in_function or fact.kind is ImportKind.DYNAMIC:
        return False
    if facts.language not in (Language.TYPESCRIPT, Language.TSX) or fact.kind is ImportKind.REQUIRE:
        return True
    if " from " not in fact.text:  # `import "reflect-metadata"`: loaded for its effect
        return fact.kind is ImportKind.STATIC
    spec = fact.specifier
    return any(
        call.callee == spec or call.callee.startswith((f"{spec}.", f"{spec}(")) for call in facts.calls
    )


def lock_names(root: Path, package: str, folder: str) -> bool:
    """Whether a lockfile at the root or beside the manifest names `package` in the case written."""
    pattern = re.compile(rf"(?<![\w.@-]){re.escape(package)}(?![\w.-])")
    for where in dict.fromkeys(("", folder)):
        for name in LOCKFILES:
            lockfile = root / where / name
            if probe(lockfile) is None:
                continue
            try:  # bounded and non-blocking (a FIFO named package-lock.json), and logged for the cache
                text = read_regular(lockfile, LOCK_LIMIT).decode("utf-8", "replace")
            except NotReadable:
                return True  # unread: it may name the package
            if pattern.search(text):
                return True
    return False


def _generated(found: Collection, base: str) -> bool:
    """Whether a build step makes the module: a client generated into the project (Prisma's `output`), or
    a path in a generated scope (`src/generated/…`, `*.gen.ts`: rules/scopes.toml)."""
    if any(base == c.folder or base.startswith(f"{c.folder}/") for c in found.manifests.generated):
        return True
    return classify_scope(f"{base}.ts") is Scope.GENERATED


def _on_disk(root: Path, base: str) -> bool:
    """Whether a file or folder Node would load for `base` exists (a file the discovery left out too: an
    ignored `config/db.js` in a working copy), named in the case written, as a case-sensitive file system
    (the harness's) wants it, wherever cdverify runs."""
    stem, extension = posixpath.splitext(base)
    names = [base, *(base + ext for ext in _NODE_EXTENSIONS)]
    if extension in _EMITTED:  # `./db.js` written for `db.ts`
        names += [stem + ext for ext in _NODE_EXTENSIONS]
    return any(probe(root / name) is not None and _same_case(root, name) for name in names)


def _same_case(root: Path, name: str) -> bool:
    """Whether each part of the path `name` under `root` is on disk in that case (`Routes.js` is not
    `routes.js`, though a case-insensitive file system opens the one for the other)."""
    folder = root
    for part in name.split("/"):
        try:
            if part not in list_dir(folder):
                return False
        except OSError:
            return False
        folder = folder / part
    return True


def missing_env_files(found: Collection, root: Path) -> list[Shipped]:
    """The start scripts of the application's package.json (`start`, `dev`, `start:dev`) when every one it
    has runs Node with `--env-file=F` (or env-cmd with `-f F`) and the project ships no F (connections.toml
    `env_file_flags`): Node refuses to start. A project with a run.sh starts with it; a file another script
    writes (`cp .env.example .env`), or that a runtime of the paper's harness puts beside the app, may be
    there."""
    if found.manifests.run_script is not None:
        return []
    runtime = {
        entry.file
        for entry in load_rules(Connections).paper_runtime_files
        if any(name in found.manifests.declared(Family.NODE) for name in entry.packages)
    }
    out: list[Shipped] = []
    for entry in load_rules(Connections).env_file_flags:
        packages: dict[str, list[tuple[PackageScript, str]]] = {}
        for script in found.manifests.start_scripts():
            named = _env_file(script.command, entry)
            packages.setdefault(script.package, []).append((script, named or ""))
        for package, starts in packages.items():
            folder = posixpath.dirname(package)
            files = {named for _script, named in starts}
            if "" in files or files & runtime or not application_package(found, folder):
                continue  # a start script loads no such file, or the harness may give it
            if any(
                probe(root / folder / named) is not None or _written(found, named, entry) for named in files
            ):
                continue
            for script, named in starts:
                reason = f"exits: {entry.label} names {named}, which the project does not ship"
                text = f'"{script.name}": "{script.command}"'
                out.append((package, script.line, text, reason))
    return out


def _env_file(command: str, entry: EnvFileFlag) -> str | None:
    """The file a command's runner of `entry` is told to load (`node --env-file=.env dist/index.js`), its
    options read up to a `--`; None when a flag of `tolerant` lets it carry on without the file."""
    for part in re.split(r"&&|\|\||[;|]", command):
        words = [word.strip("'\"") for word in part.split()]
        runner = next((i for i, word in enumerate(words) if posixpath.basename(word) in entry.runners), None)
        if runner is None:
            continue
        options = words[runner + 1 :]
        options = options[: options.index("--")] if "--" in options else options
        if any(word.partition("=")[0] in entry.tolerant for word in options):
            return None
        for index, word in enumerate(options, runner + 1):
            flag, equals, value = word.partition("=")
            if flag in entry.flags:
                named = value if equals else (words[index + 1] if index + 1 < len(words) else "")
                return posixpath.normpath(named) if named else None
    return None


def _written(found: Collection, named: str, entry: EnvFileFlag) -> bool:
    """Whether a package script names the file otherwise than as a flag's value (`cp .env.example .env`)."""
    flags = "|".join(re.escape(flag) for flag in entry.flags)
    given = re.compile(rf"(?:{flags})(?:=|\s+)\S+")
    pattern = re.compile(rf"(?<![\w.-]){re.escape(named)}(?![\w.-])")
    return any(pattern.search(given.sub(" ", script.command)) for script in found.manifests.scripts)


def application_package(found: Collection, folder: str) -> bool:
    """Whether the package folder holds an application module (not a frontend's or a tool's package)."""
    prefix = f"{folder}/" if folder else ""
    return any(path.startswith(prefix) and found.scope_of(path) is Scope.APPLICATION for path in found.facts)
