"""Stage 1 — discovery: walk a project root into a list of files with their language and scope.

Inside a git work tree keeps the files git lists (cdverify/gitfiles.py), elsewhere honours `.gitignore`
files itself (nested ones too); either way skips dependency trees, virtual environments, build and
cache folders, never follows a symlink, never opens anything but a regular file, and classifies every
file's scope from `rules/scopes.toml` plus the user's overrides. Problems (symlinks, FIFOs and other
special files, over-large files, unreadable folders, invalid .gitignore lines) become findings; nothing
here raises on bad input.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from fnmatch import translate as fnmatch_translate
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from cdverify.catalog import load_rules, make_finding
from cdverify.config import Config, ConfigError, pattern_error
from cdverify.files import NotReadable, kind_of, note, probe, read_regular
from cdverify.gitfiles import git_view
from cdverify.model import BuildOutput, Finding, Language, Location, Scope, SourceFile
from cdverify.rules_schema import Scopes
from cdverify.test_code import name_words

if TYPE_CHECKING:  # pathspec loads only when a .gitignore or a glob is met
    from pathspec import GitIgnoreSpec, PathSpec

    from cdverify.stray_modules import StrayModule

_MAX_CONTROL_BYTES = 1_048_576  # .gitignore and package.json read during the walk

# Scope precedence: the first scope whose directory or file pattern matches wins.
_SCOPE_ORDER = (
    Scope.TEST,
    Scope.MIGRATION,
    Scope.SCRIPT,
    Scope.FRONTEND,
    Scope.VENDORED,
    Scope.GENERATED,
    Scope.CONFIG,
    Scope.DOCS,
)


@dataclass(frozen=True)
class Project:
    """What discovery found: every file kept (sources and others), and the problems met on the way."""

    root: Path
    files: tuple[SourceFile, ...]
    findings: tuple[Finding, ...]
    # the folders (or files) the project's build configuration writes, left out as `generated` once the files
    # are parsed (cdverify/build_output.py)
    built: tuple[BuildOutput, ...] = ()
    # the files set aside in the `stray` scope once parsed, with their reasons (cdverify/stray_modules.py)
    stray: tuple[StrayModule, ...] = ()

    @property
    def sources(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.language is not None)

    @cached_property
    def paths(self) -> frozenset[str]:
        return frozenset(f.path for f in self.files)

    @cached_property
    def _scopes(self) -> dict[str, Scope]:
        return {f.path: f.scope for f in self.files}

    def scope_of(self, path: str) -> Scope | None:
        return self._scopes.get(path)


def _name_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One compiled test equal to `any(fnmatch(name, p) for p in patterns)` (same translation, same
    case rule), so that a file costs one regular-expression match instead of one `fnmatch` per pattern.
    It is compiled on its first use: a small project never asks most scopes' tests (~0.5 ms each)."""
    normalised = [os.path.normcase(pattern) for pattern in patterns]
    if not normalised:
        return lambda name: False
    compiled: list[Callable[[str], re.Match[str] | None]] = []

    def matches(name: str) -> bool:
        if not compiled:
            compiled.append(re.compile("|".join(fnmatch_translate(p) for p in normalised)).match)
        return compiled[0](os.path.normcase(name)) is not None

    return matches


class _ScopeRules(msgspec.Struct, frozen=True):
    skip_dirs: frozenset[str]
    skip_hidden: bool  # a folder named with a leading dot (`.claude/`, `.local/`) holds tools, not the app
    venv_markers: tuple[str, ...]
    skip_file: Callable[[str], bool]  # the name matches a skip_file_patterns glob
    # the scope a folder name gives (lowercased): the first of _SCOPE_ORDER that lists it
    dir_scopes: dict[str, Scope]
    # the scope a folder path gives (`/management/commands/`, lowercased), in _SCOPE_ORDER
    folder_scopes: tuple[tuple[str, Scope], ...]
    # a folder name (lowercased) → the parent folder names inside which it gives no scope
    not_inside: dict[str, frozenset[str]]
    # a scope → the files whose presence in a folder named for it cancels the name (`__init__.py`)
    not_holding: dict[Scope, frozenset[str]]
    file_scopes: tuple[tuple[Scope, Callable[[str], bool]], ...]  # in _SCOPE_ORDER
    root_scopes: tuple[tuple[Scope, Callable[[str], bool]], ...]  # `root_files`, in _SCOPE_ORDER
    module_scopes: tuple[Callable[[str], bool], ...]  # `module_files`, in _SCOPE_ORDER
    scope_file: Callable[[str], bool]  # the name matches one of file_scopes (most names match none)
    package_scopes: tuple[tuple[Scope, frozenset[str]], ...]  # package.json deps that set a folder's scope
    migration_folders: dict[str, tuple[str, str]]  # a migration tool's config file → (section, key)
    extensions: dict[str, Language]


_PACKAGE_MARKER = "__init__.py"  # a folder holding it is a Python package (`module_files`)


@cache
def _scope_rules() -> _ScopeRules:
    data = load_rules(Scopes)
    extensions = {ext: Language(language) for language, exts in data.sources.items() for ext in exts}
    dir_scopes: dict[str, Scope] = {}
    not_inside: dict[str, frozenset[str]] = {}
    for scope in _SCOPE_ORDER:
        rule = data.scopes[scope.value]
        for directory in rule.directories:
            dir_scopes.setdefault(directory.lower(), scope)
        for directory, parents in rule.not_inside.items():
            not_inside[directory.lower()] = frozenset(parent.lower() for parent in parents)
    return _ScopeRules(
        skip_dirs=frozenset(data.skip_directories),
        skip_hidden=data.skip_hidden_directories,
        venv_markers=tuple(data.virtualenv_markers),
        skip_file=_name_matcher(data.skip_file_patterns),
        dir_scopes=dir_scopes,
        folder_scopes=tuple(
            (f"/{folder.strip('/').lower()}/", scope)
            for scope in _SCOPE_ORDER
            for folder in data.scopes[scope.value].folders
        ),
        not_inside=not_inside,
        not_holding={
            scope: frozenset(data.scopes[scope.value].not_holding)
            for scope in _SCOPE_ORDER
            if data.scopes[scope.value].not_holding
        },
        file_scopes=tuple((scope, _name_matcher(data.scopes[scope.value].files)) for scope in _SCOPE_ORDER),
        root_scopes=tuple(
            (scope, _name_matcher(data.scopes[scope.value].root_files)) for scope in _SCOPE_ORDER
        ),
        module_scopes=tuple(_name_matcher(data.scopes[scope.value].module_files) for scope in _SCOPE_ORDER),
        scope_file=_name_matcher(
            pattern for scope in _SCOPE_ORDER for pattern in data.scopes[scope.value].files
        ),
        package_scopes=tuple(
            (scope, frozenset(data.scopes[scope.value].packages))
            for scope in _SCOPE_ORDER
            if data.scopes[scope.value].packages
        ),
        extensions=extensions,
        migration_folders={m.file: (m.section, m.key) for m in data.migration_folders},
    )


def language_of(path: str) -> Language | None:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".d.ts"):
        return Language.TYPESCRIPT
    dot = name.rfind(".")  # PurePosixPath(name).suffix: a leading or trailing dot is no suffix
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""
    return _scope_rules().extensions.get(suffix)


# A folder's verdict on its files' scope: (rank, scope). The rank is the scope's place in _SCOPE_ORDER; a
# sub-package's scope ranks before every file pattern, no folder name at all after every one.
_Verdict = tuple[int, Scope]
_RANKS = {scope: rank for rank, scope in enumerate(_SCOPE_ORDER)}
_NO_VERDICT: _Verdict = (len(_SCOPE_ORDER), Scope.APPLICATION)


def _folder_verdict(
    rel_dir: str, package_dirs: Mapping[str, Scope], holding: Mapping[str, frozenset[str]] | None = None
) -> _Verdict:
    """What a file's folder alone decides: its sub-package's scope (the first of `package_dirs` holding
    it), else the first scope of _SCOPE_ORDER naming one of its folders or a folder path it is in.
    `holding` maps folders to the `not_holding` files they hold, which cancel their names' scope."""
    for prefix, scope in package_dirs.items():
        if rel_dir == prefix or rel_dir.startswith(prefix + "/"):
            return (-1, scope)
    rules = _scope_rules()
    dir_scopes = rules.dir_scopes
    parts = rel_dir.lower().split("/") if rel_dir else []

    def cancelled(i: int, scope: Scope) -> bool:
        held = holding.get("/".join(rel_dir.split("/")[: i + 1])) if holding else None
        return bool(held and held & rules.not_holding.get(scope, frozenset()))

    named = [
        dir_scopes[d]
        for i, d in enumerate(parts)
        if d in dir_scopes
        and not (i and parts[i - 1] in rules.not_inside.get(d, ()))
        and not cancelled(i, dir_scopes[d])
    ]
    if rel_dir and rules.folder_scopes:
        inside = f"/{rel_dir.lower()}/"
        named += [scope for folder, scope in rules.folder_scopes if folder in inside]
    return min(((_RANKS[scope], scope) for scope in named), default=_NO_VERDICT)


def _scope_in(verdict: _Verdict, name: str, at_top: bool = False, in_package: bool = False) -> Scope:
    """The scope of the file `name` in a folder of that verdict: the first scope whose folder or file
    pattern matches (`root_files` patterns only when the file is `at_top`, in the project's folder;
    `module_files` patterns not when it is `in_package`, in a folder below the top holding `__init__.py`)."""
    rank, scope = verdict
    rules = _scope_rules()
    if rank <= 0:
        return scope
    if at_top:
        pairs = zip(rules.file_scopes[:rank], rules.root_scopes[:rank], strict=True)
        for (pattern_scope, matches), (_scope, top) in pairs:
            if matches(name) or top(name):
                return pattern_scope
        return scope
    if not rules.scope_file(name):
        return scope
    for (pattern_scope, matches), module in zip(rules.file_scopes[:rank], rules.module_scopes, strict=False):
        if matches(name) and not (in_package and module(name)):
            return pattern_scope
    return scope


def classify_scope(path: str, package_dirs: Mapping[str, Scope] | None = None) -> Scope:
    """Scope of a project-relative POSIX path from the shipped rules (user overrides are applied later).
    `package_dirs` maps sub-package folders to the scope their package.json gives them."""
    rel_dir, _, name = path.rpartition("/")
    return _scope_in(_folder_verdict(rel_dir, package_dirs or {}), name, not rel_dir)


def _finding(rule: str, path: str, message: str, hint: str) -> Finding:
    return make_finding(rule, Location(path), message, evidence=path, hint=hint)


def _package_scope(
    package_json: Path, package_scopes: tuple[tuple[Scope, frozenset[str]], ...]
) -> Scope | None:
    """The scope a sub-package's dependencies give it (a React app is front-end, a CDK app deployment)."""
    try:
        data = json.loads(read_regular(package_json, _MAX_CONTROL_BYTES, follow_symlinks=False))
    except (NotReadable, ValueError, RecursionError):
        return None  # the manifest reader reports what is wrong with it
    if not isinstance(data, dict):
        return None
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    return next((scope for scope, packages in package_scopes if packages & deps), None)


def _migration_folder(config: Path, rel_dir: str, section: str, key: str) -> str | None:
    """The project folder a migration tool's INI file names as its scripts' (`script_location = db` in
    alembic.ini's `[alembic]`), relative to the file's folder `rel_dir`; None when it names none, a module
    (`package:path`), the folder itself or a folder outside it."""
    import configparser  # only projects with such a file pay for it

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_regular(config, _MAX_CONTROL_BYTES, follow_symlinks=False).decode())
        location = parser.get(section, key, fallback="").strip()
    except (NotReadable, UnicodeDecodeError, configparser.Error):
        return None  # the manifest reader reports what is wrong with it
    location = location.replace("%(here)s", ".").replace("\\", "/")
    if not location or ":" in location or location.startswith("/"):
        return None
    parts = [part for part in location.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join([rel_dir, *parts] if rel_dir else parts)


def _gitignore(path: Path, rel: str, findings: list[Finding]) -> GitIgnoreSpec | None:
    """The spec of a `.gitignore` that is a regular file. A line git cannot use either (`[z-a]`, a lone
    `!`) is left out with a DISC008 finding, as git itself skips it; the other lines still apply."""
    from pathspec import GitIgnoreSpec

    try:
        lines = read_regular(path, _MAX_CONTROL_BYTES, follow_symlinks=False).decode("utf-8", "replace")
    except NotReadable as exc:
        findings.append(
            _finding("DISC005", rel, f"cannot read .gitignore: {exc.reason}", "fix or remove the .gitignore")
        )
        return None
    rows = lines.splitlines()
    try:
        return GitIgnoreSpec.from_lines(rows)
    except (ValueError, re.error):
        pass
    kept = []
    for number, row in enumerate(rows, 1):
        try:
            GitIgnoreSpec.from_lines([row])
        except (ValueError, re.error) as exc:
            findings.append(
                make_finding(
                    "DISC008",
                    Location(rel, number),
                    f"invalid pattern {row.strip()!r} skipped ({pattern_error(exc)}); "
                    "the file's other patterns apply",
                    evidence=row.strip(),
                    hint="fix or remove the pattern: what it was meant to ignore is analysed",
                )
            )
            kept.append("")  # keeps the other lines' numbers; an empty line matches nothing
        else:
            kept.append(row)
    return GitIgnoreSpec.from_lines(kept)


def _globs(lines: Iterable[str]) -> PathSpec[Any]:
    from pathspec import PathSpec

    return PathSpec.from_lines("gitignore", lines)


def discover_project(root: Path, config: Config) -> Project:
    """What discovery finds under `root`; a ConfigError when `root` is not a folder."""
    if not root.exists():
        raise ConfigError([f"{root}: no such file or directory"])
    if not root.is_dir():
        raise ConfigError([f"{root}: not a directory (give the project's root folder)"])
    return discover(root, config)


def discover(root: Path, config: Config) -> Project:
    """Walk `root` and classify what it holds. Pure apart from reading the directory tree.

    The walk is iterative (a folder nested thousands deep costs no recursion) and never opens anything but
    a regular file: FIFOs, sockets and devices are reported (DISC007) and skipped, symlinks reported
    (DISC004) and not followed."""
    root = root.resolve()
    probe(root)  # logged, as every folder and file below (see files.recording)
    rules = _scope_rules()
    findings: list[Finding] = []
    files: list[SourceFile] = []
    exclude = _globs(config.exclude) if config.exclude else None
    overrides = [(_globs([glob]), scope) for glob, scope in config.scope_overrides]
    package_dirs: dict[str, Scope] = {}
    verdicts: dict[str, _Verdict] = {}  # per folder, its files' scope by folder
    holding: dict[str, frozenset[str]] = {}  # per folder, the `not_holding` files it holds
    marker_files = frozenset().union(*rules.not_holding.values(), (_PACKAGE_MARKER,))
    # (directory prefix, spec) for every .gitignore met; a path is tested against each ancestor's spec.
    ignore_specs: list[tuple[str, GitIgnoreSpec]] = []

    git = git_view(root)  # inside a git work tree, the files git lists (see cdverify/gitfiles.py)

    def ignored(rel: str, is_dir: bool, special: bool = False) -> bool:
        if git is not None:  # git never lists a special file: its folder being walked, it is reported
            if not special and rel not in (git.folders if is_dir else git.files):
                return True
        else:
            for prefix, spec in ignore_specs:
                if prefix and not rel.startswith(prefix + "/"):
                    continue
                sub = rel[len(prefix) + 1 :] if prefix else rel
                if spec.match_file(sub + "/" if is_dir else sub):
                    return True
        return bool(exclude and exclude.match_file(rel + "/" if is_dir else rel))

    def enter(directory: Path, rel_dir: str) -> Iterator[os.DirEntry[str]]:
        """The folder's entries in name order, once its .gitignore and package.json are taken in."""
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            message = f"cannot read directory: {exc.strerror}"
            findings.append(
                _finding("DISC005", rel_dir or ".", message, "fix the permissions or exclude the folder")
            )
            return iter(())
        by_name = {entry.name: entry for entry in entries}
        if rel_dir and any(marker in by_name for marker in rules.venv_markers):
            return iter(())  # a virtual environment under another name
        gitignore = by_name.get(".gitignore")
        if gitignore is not None and _is_regular(gitignore):
            spec = _gitignore(directory / ".gitignore", _join(rel_dir, ".gitignore"), findings)
            if spec is not None:
                ignore_specs.append((rel_dir, spec))
        package = by_name.get("package.json")
        if rel_dir and package is not None and _is_regular(package):
            package_scope = _package_scope(directory / "package.json", rules.package_scopes)
            if package_scope is not None:
                package_dirs[rel_dir] = package_scope
        held = frozenset(name for name in marker_files if name in by_name and _is_regular(by_name[name]))
        if rel_dir and held:
            holding[rel_dir] = held
        for name, (section, key) in rules.migration_folders.items():
            config = by_name.get(name)
            if config is not None and _is_regular(config):
                folder = _migration_folder(directory / name, rel_dir, section, key)
                if folder is not None:
                    package_dirs.setdefault(folder, Scope.MIGRATION)
        return iter(entries)

    stack: list[tuple[str, Iterator[os.DirEntry[str]]]] = [("", enter(root, ""))]
    while stack:
        rel_dir, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        rel = _join(rel_dir, entry.name)
        if entry.is_symlink():
            findings.append(_symlink_finding(root, Path(entry.path), rel))
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as exc:  # gone since it was listed, or its path is past PATH_MAX
            findings.append(
                _finding("DISC005", rel, f"cannot read: {exc.strerror}", "shorten or exclude the path")
            )
            continue
        if stat.S_ISDIR(info.st_mode):
            if entry.name in rules.skip_dirs or rules.skip_file(entry.name):
                continue
            if rules.skip_hidden and entry.name.startswith("."):
                continue
            if not ignored(rel, True):
                note(entry.path, info)  # logged (see files.recording): an entry coming or going changes it
                stack.append((rel, enter(Path(entry.path), rel)))
            continue
        regular = stat.S_ISREG(info.st_mode)
        if rules.skip_file(entry.name) or ignored(rel, False, special=not regular):
            continue
        if not regular:
            findings.append(
                _finding(
                    "DISC007",
                    rel,
                    f"skipped: {kind_of(info.st_mode)}, not a regular file; it was not opened",
                    "remove it from the project, or exclude it",
                )
            )
            continue
        if rel_dir not in verdicts:  # every folder above is entered by now: its package.json is known
            verdicts[rel_dir] = _folder_verdict(rel_dir, package_dirs, holding)
        in_package = _PACKAGE_MARKER in holding.get(rel_dir, ())
        verdict = verdicts[rel_dir]
        if in_package and entry.name.endswith(".py") and verdict[0] < 0:
            # a package.json's dependencies scope its JavaScript; a Python package beside it (a Django app
            # `frontend/` holding its React sources) is judged by the Python rules
            verdict = _folder_verdict(rel_dir, {}, holding)
        scope = _scope_in(verdict, entry.name, not rel_dir, in_package)
        note(entry.path, info)
        files.append(_source_file(rel, info.st_size, scope, config, overrides, findings))
    return Project(root=root, files=tuple(files), findings=tuple(findings))


def with_imported_code(project: Project, imported: Mapping[str, Iterable[str]], config: Config) -> Project:
    """`project`, where a docs- or script-scope source file that application code imports (`imported`: each
    file → the project files it imports) is application code when a folder on its path is one of its scope's
    `joining` folders (rules/scopes.toml): a feature folder named `examples/` whose router the app mounts is
    part of the app, as is a `scripts/` module whose function a route handler calls; a docs folder's snippets
    and a seed script import the app, and nothing imports them. One import deep (the files moved are parsed,
    then asked again); a scope a user's glob gave stands."""
    scopes = {f.path: f.scope for f in project.files}
    overrides = [_globs([glob]) for glob, _scope in config.scope_overrides]
    support = frozenset(load_rules(Scopes).test_code.support_words)
    moved = {
        target
        for path, targets in imported.items()
        if scopes.get(path) is Scope.APPLICATION
        for imported_module in targets
        for target in _with_packages(imported_module, scopes)
        if _joins(target, scopes.get(target))
        and not any(spec.match_file(target) for spec in overrides)
        # a module named for tests (`staticfiles/testing.py`, `test-utils.ts`) importing a test folder's is
        # test support, whatever its scope so far (test_code.py): it brings no test module into the app
        and not (scopes.get(target) is Scope.TEST and support.intersection(name_words(path)))
    }
    if not moved:
        return project
    files = tuple(f._replace(scope=Scope.APPLICATION) if f.path in moved else f for f in project.files)
    return replace(project, files=files)


def _with_packages(path: str, scopes: Mapping[str, Scope]) -> Iterator[str]:
    """`path` and, for a Python module, the `__init__.py` of each package above it: Python runs them on
    the way to it (`demo.models.news` runs `demo/__init__.py` and `demo/models/__init__.py`)."""
    yield path
    if path.endswith(".py"):
        folder = posixpath.dirname(path)
        while folder:
            marker = f"{folder}/__init__.py"
            if marker != path and marker in scopes:
                yield marker
            folder = posixpath.dirname(folder)


def _joins(path: str, scope: Scope | None) -> bool:
    """Whether `path`, of `scope`, becomes application code when the application imports it."""
    if scope is None:
        return False
    folders, named, by_name = _joining().get(scope, (frozenset(), _never, _never))
    *parents, name = path.lower().split("/")
    if by_name(name):  # named like the scope's files, in none of its folders (`app/test_routes.py`)
        return not _scope_rules().dir_scopes.keys() & set(parents)
    return bool(folders.intersection(parents)) and not named(name)


def joins_application(path: str, scope: Scope) -> bool:
    """Whether a file of `scope` at `path` may become application code (`_joins`): a module of a `joining`
    folder (`scripts/server.js`), not one named like the scope's own files (`scripts/seed.js`)."""
    return _joins(path, scope)


def _never(_name: str) -> bool:
    return False


@cache
def _joining() -> dict[Scope, tuple[frozenset[str], Callable[[str], bool], Callable[[str], bool]]]:
    data = load_rules(Scopes)
    return {
        scope: (
            frozenset(d.lower() for d in rule.joining),
            _name_matcher(rule.files),
            _name_matcher(rule.joining_files) if rule.joining_files else _never,
        )
        for scope in _SCOPE_ORDER
        if (rule := data.scopes[scope.value]).joining or rule.joining_files
    }


def joining_scopes() -> frozenset[Scope]:
    """The scopes some of whose files can become application code (`with_imported_code`)."""
    return frozenset(_joining())


def _source_file(
    rel: str,
    size: int,
    scope: Scope,
    config: Config,
    overrides: list[tuple[PathSpec[Any], Scope]],
    findings: list[Finding],
) -> SourceFile:
    language = language_of(rel)
    for spec, override in overrides:
        if spec.match_file(rel):
            scope = override
    if language is not None and size > config.max_file_bytes:
        findings.append(
            _finding(
                "DISC002",
                rel,
                f"skipped: {size:,} bytes is over the {config.max_file_bytes:,}-byte limit",
                "raise max_file_bytes in cdverify.toml if this is hand-written code",
            )
        )
        language = None
    return SourceFile(rel, language, scope, size)


def _join(rel_dir: str, name: str) -> str:
    return f"{rel_dir}/{name}" if rel_dir else name


def _is_regular(entry: os.DirEntry[str]) -> bool:
    try:
        return stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return False


def _symlink_finding(root: Path, link: Path, rel: str) -> Finding:
    try:
        target = link.resolve(strict=True)
        where = "inside the project" if target.is_relative_to(root) else "outside the project"
        detail = f"symbolic link to {where} ({os.readlink(link)}) was not followed"
    except (OSError, RuntimeError):
        detail = "broken or looping symbolic link was not followed"
    return _finding(
        "DISC004",
        rel,
        detail,
        "symlinks are never followed; configure the real path if its code belongs to the project",
    )
