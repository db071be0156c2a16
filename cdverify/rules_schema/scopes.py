"""Scopes (rules/scopes.toml): which files are application, test, migration, script, config, vendored…."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from cdverify.rules_schema.base import Strings

# -- scopes.toml ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRule:
    directories: Strings
    files: Strings
    packages: Strings = ()  # a package.json depending on one of these gives its folder this scope


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int


@dataclass(frozen=True)
class ExampleFiles:
    words: Strings


@dataclass(frozen=True)
class Scopes:
    FILE: ClassVar[str] = "scopes"
    skip_directories: Strings
    virtualenv_markers: Strings
    skip_file_patterns: Strings
    scopes: Mapping[str, ScopeRule]
    sources: Mapping[str, Strings]  # language → file extensions
    example_files: ExampleFiles
    limits: Limits
