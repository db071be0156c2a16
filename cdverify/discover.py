"""Stage 1 — discovery: walk a project root into a list of files with their language and scope.

Honours `.gitignore` files (nested ones too), skips dependency trees, virtual environments, build and
cache folders, never follows a symlink, and classifies every file's scope from `rules/scopes.toml`
plus the user's overrides. Problems (symlinks, over-large files, unreadable folders) become findings;
nothing here raises on bad input.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache, cached_property
from pathlib import Path, PurePosixPath

from pathspec import GitIgnoreSpec, PathSpec

from cdverify.catalog import load_rules
from cdverify.config import Config
from cdverify.model import Finding, Language, Location, Scope, SourceFile, make_finding

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


@dataclass(frozen=True)
class _ScopeRules:
    skip_dirs: frozenset[str]
    venv_markers: tuple[str, ...]
    skip_files: tuple[str, ...]
    scope_dirs: tuple[tuple[Scope, frozenset[str]], ...]
    scope_files: tuple[tuple[Scope, tuple[str, ...]], ...]
    package_scopes: tuple[tuple[Scope, frozenset[str]], ...]  # package.json deps that set a folder's scope
    extensions: dict[str, Language]


@cache
def _scope_rules() -> _ScopeRules:
    data = load_rules("scopes")
    extensions = {ext: Language(language) for language, exts in data["sources"].items() for ext in exts}
    return _ScopeRules(
        skip_dirs=frozenset(data["skip_directories"]),
        venv_markers=tuple(data["virtualenv_markers"]),
        skip_files=tuple(data["skip_file_patterns"]),
        scope_dirs=tuple(
            (scope, frozenset(d.lower() for d in data["scopes"][scope.value]["directories"]))
            for scope in _SCOPE_ORDER
        ),
        scope_files=tuple((scope, tuple(data["scopes"][scope.value]["files"])) for scope in _SCOPE_ORDER),
        package_scopes=tuple(
            (scope, frozenset(data["scopes"][scope.value]["packages"]))
            for scope in _SCOPE_ORDER
            if data["scopes"][scope.value].get("packages")
        ),
        extensions=extensions,
    )


def language_of(path: str) -> Language | None:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".d.ts"):
        return Language.TYPESCRIPT
    suffix = PurePosixPath(name).suffix
    return _scope_rules().extensions.get(suffix)


def classify_scope(path: str, package_dirs: Mapping[str, Scope] | None = None) -> Scope:
    """Scope of a project-relative POSIX path from the shipped rules (user overrides are applied later).
    `package_dirs` maps sub-package folders to the scope their package.json gives them."""
    rules = _scope_rules()
    parts = path.split("/")
    dirs = [d.lower() for d in parts[:-1]]
    name = parts[-1]
    for prefix, scope in (package_dirs or {}).items():
        if path.startswith(prefix + "/"):
            return scope
    for (scope, names), (_, patterns) in zip(rules.scope_dirs, rules.scope_files, strict=True):
        if any(d in names for d in dirs) or any(fnmatch(name, pattern) for pattern in patterns):
            return scope
    return Scope.APPLICATION


def _finding(rule: str, path: str, message: str, hint: str) -> Finding:
    return make_finding(rule, Location(path), message, evidence=path, hint=hint)


def _package_scope(
    package_json: Path, package_scopes: tuple[tuple[Scope, frozenset[str]], ...]
) -> Scope | None:
    """The scope a sub-package's dependencies give it (a React app is front-end, a CDK app deployment)."""
    try:
        data = json.loads(package_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    return next((scope for scope, packages in package_scopes if packages & deps), None)


def discover(root: Path, config: Config) -> Project:
    """Walk `root` and classify what it holds. Pure apart from reading the directory tree."""
    root = root.resolve()
    rules = _scope_rules()
    findings: list[Finding] = []
    files: list[SourceFile] = []
    exclude = PathSpec.from_lines("gitignore", config.exclude) if config.exclude else None
    overrides = [(PathSpec.from_lines("gitignore", [glob]), scope) for glob, scope in config.scope_overrides]
    package_dirs: dict[str, Scope] = {}
    # (directory prefix, spec) for every .gitignore met; a path is tested against each ancestor's spec.
    ignore_specs: list[tuple[str, GitIgnoreSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        for prefix, spec in ignore_specs:
            if prefix and not rel.startswith(prefix + "/"):
                continue
            sub = rel[len(prefix) + 1 :] if prefix else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return bool(exclude and exclude.match_file(rel + "/" if is_dir else rel))

    def walk(directory: Path, rel_dir: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            findings.append(
                _finding(
                    "DISC005",
                    rel_dir or ".",
                    f"cannot read directory: {exc.strerror}",
                    "fix the permissions or exclude the folder",
                )
            )
            return
        names = {entry.name for entry in entries}
        if rel_dir and any(marker in names for marker in rules.venv_markers):
            return  # a virtual environment under another name
        if ".gitignore" in names:
            try:
                lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
                ignore_specs.append((rel_dir, GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        if rel_dir and "package.json" in names:
            package_scope = _package_scope(directory / "package.json", rules.package_scopes)
            if package_scope is not None:
                package_dirs[rel_dir] = package_scope
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_symlink():
                findings.append(_symlink_finding(root, Path(entry.path), rel))
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name in rules.skip_dirs or any(fnmatch(entry.name, p) for p in rules.skip_files):
                    continue
                if not ignored(rel, True):
                    walk(Path(entry.path), rel)
                continue
            if any(fnmatch(entry.name, p) for p in rules.skip_files) or ignored(rel, False):
                continue
            try:
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            language = language_of(rel)
            scope = classify_scope(rel, package_dirs)
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
            files.append(SourceFile(rel, language, scope, size))

    walk(root, "")
    return Project(root=root, files=tuple(files), findings=tuple(findings))


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
