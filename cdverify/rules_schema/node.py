"""Node.js (rules/node/builtins.toml, rules/node/resolution.toml): the built-in modules and the
resolver's conventions.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings

# -- node/builtins.toml -----------------------------------------------------------------------------


class NodeBuiltins(Record, frozen=True):
    FILE: ClassVar[str] = "node/builtins"
    modules: Strings
    prefix_only: Strings = ()


# -- node/resolution.toml ---------------------------------------------------------------------------


class WorkspaceFormat(StrEnum):
    JSON = "json"
    YAML = "yaml"


class WorkspaceFile(Record, frozen=True):
    """A workspace manifest (`pnpm-workspace.yaml`, `lerna.json`): where its member globs are."""

    format: WorkspaceFormat
    key: str
    default: Strings = ()  # the globs meant when `key` is absent


class NodeResolution(Record, frozen=True):
    """The conventions the Node.js / TypeScript resolver follows (names, not the order of its steps)."""

    FILE: ClassVar[str] = "node/resolution"
    extensions: Strings  # probe order after a path as written
    conditions: Strings  # export conditions, most preferred first
    entry_fields: Strings  # package.json fields naming the entry point, most preferred first
    build_dirs: Strings
    build_formats: Strings
    config_files: Strings  # tsconfig.json, jsconfig.json
    dependency_fields: Strings
    local_protocols: Strings  # dependency specs pointing into the project
    path_protocols: Strings  # those of them carrying a path
    module_aliases_field: str
    alias_prefixes: Strings  # specifier prefixes no npm package can have
    runtime_path_loaders: Strings  # packages applying tsconfig `paths` at run time
    sources_of_emitted: Mapping[str, Strings]  # `.js` → the sources it is emitted from
    emitted_of_declaration: Mapping[str, str]  # `.d.ts` → `.js`
    workspace_files: Mapping[str, WorkspaceFile]


# -- node/route_paths.toml --------------------------------------------------------------------------


class RejectedPath(Record, frozen=True):
    """Route-path syntax a router rejects: the pattern, what it is, and the syntax to write instead."""

    pattern: str
    problem: str
    replace: str
    fix: str


class PathRouter(Record, frozen=True):
    """A router package whose versions from `since` throw on the `rejected` path syntax at registration."""

    package: str
    since: str
    constructors: Strings
    methods: Strings
    rejected: tuple[RejectedPath, ...]


class RoutePaths(Record, frozen=True):
    FILE: ClassVar[str] = "node/route_paths"
    routers: tuple[PathRouter, ...]
