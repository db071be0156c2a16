"""The project's own packages: which package name a bare specifier may mean, and where it lives.

npm/yarn `workspaces`, pnpm-workspace.yaml and lerna.json declare members by glob; `file:`/`link:`
dependencies wire a folder under the dependency's name; any other named package.json of the tree counts
too, as undeclared. The index is built once, on the first bare specifier that needs it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cdverify.resolve.node.manifests import ManifestReader, Package
from cdverify.resolve.node.specifiers import conventions, join, string_list, under_node_modules
from cdverify.rules_schema import WorkspaceFormat


@dataclass(frozen=True)
class LocalPackage:
    """A package of the project that a bare specifier may name. `declared` is False for a package.json
    found in the tree that no workspace, `file:` or `link:` dependency wires up."""

    dir: str
    declared: bool


def index_local_packages(manifests: ManifestReader, dirs: frozenset[str]) -> dict[str, LocalPackage]:
    """Name → directory of every package of the project (`dirs`: every folder holding a file).

    Precedence when two packages share a name: declared workspace members, then packages wired by
    `file:`/`link:` dependencies (under the dependency's name), then any other named package.json.
    Two members of one name are reported in the reader's `problems`.
    """
    paths = sorted(
        path
        for path in manifests.files
        if posixpath.basename(path) == "package.json" and not under_node_modules(path)
    )
    found = (manifests.package_at(posixpath.dirname(path)) for path in paths)
    packages = [package for package in found if package is not None]
    includes, excludes = _compile_globs(_workspace_globs(manifests, packages))
    members = {
        p.dir
        for p in packages
        if any(g.fullmatch(p.dir + "/") for g in includes)
        and not any(g.fullmatch(p.dir + "/") for g in excludes)
    }
    table: dict[str, LocalPackage] = {}
    for package in packages:
        if package.dir in members and package.name:
            known = table.get(package.name)
            if known is None:
                table[package.name] = LocalPackage(package.dir, declared=True)
            elif known.dir != package.dir:
                where = join(package.dir, "package.json")
                message = f"workspace package name {package.name!r} also used by {known.dir}/"
                manifests.problems.append((where, message))
    path_protocols = conventions().path_protocols
    for package in packages:
        for name, spec in package.dependency_specs():
            if spec.startswith(path_protocols):
                target = join(package.dir, spec.split(":", 1)[1])
                if target in dirs and name not in table:
                    table[name] = LocalPackage(target, declared=True)
    for package in packages:
        if package.name and package.name not in table:
            table[package.name] = LocalPackage(package.dir, declared=False)
    return table


def depends_on_registry(package: Package, name: str) -> bool:
    """`package` depends on `name` as published on a registry (not through a local protocol)."""
    local = conventions().local_protocols
    return any(dep == name and not spec.startswith(local) for dep, spec in package.dependency_specs())


def _workspace_globs(manifests: ManifestReader, packages: Iterable[Package]) -> Iterator[str]:
    """Every workspace glob of the project, made project-relative (`!` kept in front)."""
    for package in packages:
        yield from _relative_globs(package.dir, _workspaces_field(package.data.get("workspaces")))
    workspace_files = conventions().workspace_files
    configs = sorted(
        path
        for path in manifests.files
        if posixpath.basename(path) in workspace_files and not under_node_modules(path)
    )
    for path in configs:
        kind = workspace_files[posixpath.basename(path)]
        yaml = kind.format is WorkspaceFormat.YAML
        data = manifests.read_yaml(path) if yaml else manifests.read_json(path)
        if isinstance(data, dict):
            patterns = data.get(kind.key, list(kind.default))
            yield from _relative_globs(posixpath.dirname(path), string_list(patterns))


def _workspaces_field(value: object) -> list[str]:
    """`workspaces` as npm/yarn write it: a list of globs, or `{packages: [...]}`."""
    if isinstance(value, dict):
        return string_list(value.get("packages"))
    return string_list(value)


def _relative_globs(config_dir: str, patterns: Iterable[str]) -> Iterator[str]:
    for pattern in patterns:
        negated = pattern.startswith("!")
        path = join(config_dir, pattern.lstrip("!").strip())
        if not path.startswith("../"):
            yield ("!" if negated else "") + path


def _compile_globs(patterns: Iterable[str]) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """Include and exclude regexes, matched against a directory path plus a trailing `/`."""
    includes: list[re.Pattern[str]] = []
    excludes: list[re.Pattern[str]] = []
    for pattern in patterns:
        target = excludes if pattern.startswith("!") else includes
        target.append(_glob_regex(pattern.lstrip("!")))
    return includes, excludes


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A workspace glob as a regex: `*` and `?` within one segment, `**` across any number of them,
    `{a,b}` alternatives."""
    parts: list[str] = []
    for segment in pattern.split("/") if pattern else []:
        parts.append("(?:[^/]+/)*" if segment == "**" else _glob_segment(segment) + "/")
    return re.compile("".join(parts) if parts else "/")


def _glob_segment(segment: str) -> str:
    out: list[str] = []
    for char in segment:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            out.append("(?:")
        elif char == "}":
            out.append(")")
        elif char == ",":
            out.append("|")
        else:
            out.append(re.escape(char))
    return "".join(out)
