"""Scopes (rules/scopes.toml): which files are application, test, migration, script, config, vendored…."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings, table

# -- scopes.toml ------------------------------------------------------------------------------------


class ScopeRule(Record, frozen=True):
    directories: Strings
    files: Strings
    packages: Strings = ()  # a package.json depending on one of these gives its folder this scope
    folders: Strings = ()  # folder paths (consecutive path components): `management/commands`
    # a listed folder name → the parent folder names inside which it gives no scope (`plugins/external/`)
    not_inside: Mapping[str, Strings] = table()
    # a listed folder holding one of these files gives no scope (a Python package: `__init__.py`)
    not_holding: Strings = ()
    # globs on the file name that give the scope only at the project's top (invoke's `tasks.py`; a Celery
    # `tasks.py` or a `models/tasks.py` in a package is application code)
    root_files: Strings = ()
    # globs on the file name of the `files` patterns that give no scope inside a Python package (a folder
    # below the project's top holding `__init__.py`): a tool's script name there is a module of the package
    # (`src/database/setup.py` making an engine, `app/conf.py` settings), never setuptools' or Sphinx's
    module_files: Strings = ()
    # listed folder names whose source files are application code once application code imports them (an
    # `examples/` feature folder the app mounts, a `scripts/` module a route handler calls); a file the
    # scope's `files` patterns name (`seed.*`) keeps the scope
    joining: Strings = ()
    # globs on the file name of files the scope's `files` patterns place (none of their folders does) that are
    # application code once application code imports them: `app/test_routes.py`, a blueprint the app factory
    # registers though pytest would collect it; one importing a test runner at module level stays a test
    joining_files: Strings = ()


class Limits(Record, frozen=True):
    max_file_bytes: int


class ExampleFiles(Record, frozen=True):
    words: Strings
    copies: Strings = ()  # last suffixes of an env file's saved copy (`.env.backup`): no loader reads it
    # suffixes of `.env.<suffix>` files dotenv loaders read by themselves (`.env.local`, `.env.development`)
    modes: Strings = ()


class TestCode(Record, frozen=True):
    """Test code found by what a file imports (cdverify/test_code.py), not by its path."""

    node_runners: Strings  # a Node file importing one of these modules is a test
    python_runners: Strings  # a Python module importing one of these is a test
    # words of a file's name (split at `-`, `_`, `.` and case changes) marking a test-support module: one
    # only tests import is test code
    support_words: Strings


class Stray(Record, frozen=True):
    """Stray modules: files nothing imports and nothing runs (cdverify/stray_modules.py)."""

    entry_keys: Strings  # package.json keys naming the package's entry files
    families: Strings  # the language families the rule is sound for (`node`)
    # a runtime's own modules, never a package to declare: a name, or a prefix ending in `:` (`node:`)
    runtime_modules: Strings
    max_modules: int  # more stray-looking files than this: the project loads modules in a way not seen


class MigrationFolder(Record, frozen=True):
    file: str  # the tool's configuration file (`alembic.ini`)
    section: str  # its INI section
    key: str  # the key naming the scripts' folder (`script_location`)


class JsonBuild(Record, frozen=True):
    """A JSON build configuration (tsconfig.json): dotted keys into it."""

    files: Strings  # globs on the file name
    folder: Strings  # keys naming the output folder (`compilerOptions.outDir`)
    sources: Strings = ()  # keys naming its sources (`compilerOptions.rootDir`, `include`)
    no_output: Strings = ()  # keys that, true, say it writes nothing (`compilerOptions.noEmit`)


class CodeBuild(Record, frozen=True):
    """A build configuration written as code, read from its parsed facts (tsup.config.ts, vite.config.ts)."""

    files: Strings  # globs on the file name
    folder: Strings  # option keys naming the output folder (`outDir`, `build.outDir`)
    file: Strings = ()  # option keys naming the one output file (`output.file`)
    sources: Strings = ()  # option keys naming its sources, sub-keys included (`entry`)
    calls: Strings = ()  # calls read in any file importing their module (`esbuild.build`)
    root: str = ""  # the option key the other paths are relative to (vite's `root`)


class CommandBuild(Record, frozen=True):
    """A build tool run by a package.json script (`tsc --outDir lib`, `babel src -d lib`)."""

    words: Strings  # the command's first words (`tsc`; `bun build`)
    folder: Strings  # options naming the output folder
    file: Strings = ()  # options naming the one output file
    sources: Strings = ()  # options naming its sources (its other words are sources too)


class BuildOutputRules(Record, frozen=True):
    """Build output the project's own build configuration names (cdverify/build_output.py)."""

    typescript: Strings  # TypeScript source suffixes: an output folder holds none…
    declarations: Strings  # …but declaration files
    roots: Strings  # file names marking a source root: a folder holding one is no build output
    launchers: tuple[Strings, ...]  # words run before a tool in a script (`npx`, `pnpm exec`)
    json: tuple[JsonBuild, ...] = ()
    code: tuple[CodeBuild, ...] = ()
    commands: tuple[CommandBuild, ...] = ()


class Scopes(Record, frozen=True):
    FILE: ClassVar[str] = "scopes"
    skip_directories: Strings
    skip_hidden_directories: bool  # a folder whose name starts with a dot is never walked
    virtualenv_markers: Strings
    skip_file_patterns: Strings
    scopes: Mapping[str, ScopeRule]
    sources: Mapping[str, Strings]  # language → file extensions
    example_files: ExampleFiles
    limits: Limits
    test_code: TestCode
    build_output: BuildOutputRules
    stray: Stray
    migration_folders: tuple[MigrationFolder, ...] = ()
