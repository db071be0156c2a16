"""Which of the project's files are manifests, and which reader reads each (stage 2b, before the reading in
manifests.py). The `[[file]]` entries of rules/manifests.toml are tried in order against a project path
(`reader_for`), with one quick test of the name first, so that most of a big tree's files are turned down at
once. `manifest_paths` lists the files to read: the project's own, plus the `.env` files beside its
manifests (git-ignored, so not among the project's files, yet loaded by the app), in the scopes that speak
for the backend. Nothing here reads a file's contents.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from functools import cache
from pathlib import PurePosixPath

import msgspec

from cdverify.catalog import load_rules
from cdverify.discover import Project
from cdverify.files import list_dir
from cdverify.model import Scope
from cdverify.rules_schema import ManifestFile, ManifestFiles, Reader


class _FileRule(msgspec.Struct, frozen=True):
    """A `[[file]]` entry of rules/manifests.toml, ready to match."""

    entry: ManifestFile
    names: frozenset[str]
    pattern: re.Pattern[str] | None

    def matches(self, rel: str, name: str, parent: str) -> bool:
        entry = self.entry
        return (
            (not self.names or name in self.names)
            and (self.pattern is None or self.pattern.fullmatch(name) is not None)
            and (not entry.suffixes or name.endswith(entry.suffixes))
            and (not entry.parent or parent == entry.parent)
            and (not entry.path or rel == entry.path)
        )


def _catalogue() -> ManifestFiles:
    return load_rules(ManifestFiles)


@cache
def _file_rules() -> tuple[_FileRule, ...]:
    return tuple(
        _FileRule(entry, frozenset(entry.names), re.compile(entry.pattern) if entry.pattern else None)
        for entry in _catalogue().file
    )


@cache
def _may_match() -> Callable[[str], bool] | None:
    """A test every file name a `[[file]]` entry matches passes (one of the entries' names, the name of
    its path, its patterns or suffixes), so that most of a big tree's files are turned down at once; None
    when an entry has none of these (any name may match it)."""
    rules = _file_rules()
    if any(
        not rule.names and rule.pattern is None and not rule.entry.suffixes and not rule.entry.path
        for rule in rules
    ):
        return None
    named = [rule.names for rule in rules]
    names = frozenset().union(*named, (posixpath.basename(r.entry.path) for r in rules if r.entry.path))
    patterns = [rule.pattern.pattern for rule in rules if rule.pattern is not None]
    either = re.compile("|".join(f"(?:{pattern})" for pattern in patterns)) if patterns else None
    suffixes = tuple(suffix for rule in rules for suffix in rule.entry.suffixes)

    def may_match(name: str) -> bool:
        return (
            name in names
            or name.endswith(suffixes)
            or (either is not None and either.fullmatch(name) is not None)
        )

    return may_match


def reader_for(rel: str) -> ManifestFile | None:
    """The first `[[file]]` entry of rules/manifests.toml that `rel` (a project path) matches."""
    parent, _, name = rel.rpartition("/")
    may_match = _may_match()
    if may_match is not None and not may_match(name):
        return None
    parent = parent.rpartition("/")[2]
    return next((rule.entry for rule in _file_rules() if rule.matches(rel, name, parent)), None)


def _in_scope(project: Project, rel: str) -> bool:
    """Manifests of front-end, vendored, generated and docs folders say nothing about the backend."""
    scope = project.scope_of(rel)
    return scope not in (Scope.FRONTEND, Scope.VENDORED, Scope.GENERATED, Scope.DOCS, Scope.STRAY)


def manifest_paths(project: Project) -> list[tuple[str, ManifestFile]]:
    """(path, its `[[file]]` entry) of every file to read, in path order."""
    paths = set(project.paths)
    # `.env` files are usually git-ignored, yet the app loads them: read them where manifests live.
    beside = _catalogue().env_files_beside
    env_files = [rule for rule in _file_rules() if rule.entry.reader is Reader.ENV_FILE]
    folders = {""} | {PurePosixPath(p).parent.as_posix() for p in paths if p.endswith(beside)}
    for folder in folders:
        folder = "" if folder == "." else folder
        try:
            names = list_dir(project.root / folder) if folder else list_dir(project.root)
        except OSError:
            continue
        for name in names:
            rel = f"{folder}/{name}" if folder else name
            if any(rule.matches(rel, name, posixpath.basename(folder)) for rule in env_files):
                paths.add(rel)
    out = []
    for rel in sorted(paths):
        if not _in_scope(project, rel):
            continue
        entry = reader_for(rel)
        if entry is not None:
            out.append((rel, entry))
    return out
