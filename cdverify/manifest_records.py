"""The records of a project's non-code files that manifests.py reads: declared dependencies, configuration
settings, Compose services, the run script, package.json files, and `Manifests`, which holds them all.
Detection and the verifiers read these records, never the files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.generated_clients import GeneratedClient
from cdverify.model import Family, Finding
from cdverify.package_scripts import PackageScript
from cdverify.rules_schema import ManifestFiles, Reader


def catalogue() -> ManifestFiles:
    """rules/manifests.toml."""
    return load_rules(ManifestFiles)


class Dependency(NamedTuple):
    """A package a manifest declares. `name` is normalised (PEP 503 for Python, as written for npm)."""

    name: str
    ecosystem: Family
    file: str
    line: int
    dev: bool = False
    spec: str = ""  # the requirement as written


class Setting(NamedTuple):
    """A configuration value outside code: `.env` entries, Compose `environment`, Prisma `provider`/`url`,
    `alembic.ini` `sqlalchemy.url`, sequelize-cli and TypeORM JSON config."""

    key: str
    value: str
    file: str
    line: int
    source: Reader  # the reader of the file: env-file, compose, prisma, alembic, sequelize-config, …
    section: str = ""  # the environment block of a sequelize-cli config ("development", "test", …)
    env_var: str = ""  # the variable the value is read from (Prisma's `env("X")`; `value` is then as written)


class Service(NamedTuple):
    """A Docker Compose service."""

    name: str
    image: str
    file: str
    line: int


class RunScript(NamedTuple):
    path: str
    text: str
    executable: bool


class PackageJson(NamedTuple):
    """A package.json read: its path, its `name` ("" when it has none) and whether it declares
    `workspaces` (a monorepo's root, whose packages install into one tree)."""

    path: str
    name: str
    workspaces: bool


@dataclass(frozen=True)
class Manifests:
    dependencies: tuple[Dependency, ...] = ()
    settings: tuple[Setting, ...] = ()
    services: tuple[Service, ...] = ()
    manifest_files: tuple[str, ...] = ()  # requirements*.txt, pyproject.toml, Pipfile, package.json read
    run_script: RunScript | None = None
    data_files: tuple[str, ...] = ()  # *.db / *.sqlite / *.sqlite3 files in the tree
    sql_files: tuple[tuple[str, str], ...] = ()  # (path, text) of hand-written *.sql files
    findings: tuple[Finding, ...] = field(default=(), compare=False)
    # files that exist but could not be parsed at all (DISC006); a file of which only a line or a table
    # was skipped is not one of them: the rest of it was read
    unreadable: frozenset[str] = frozenset()
    generated: tuple[GeneratedClient, ...] = ()  # data-access clients generated into the project (Prisma)
    script_files: tuple[str, ...] = ()  # files package.json scripts, entry points run (package_scripts)
    scripts: tuple[PackageScript, ...] = ()  # every package script
    packages: tuple[PackageJson, ...] = ()  # every package.json read

    def commands(self) -> list[str]:
        """What the project's start may run, as written: every package script and the run script."""
        texts = [script.command for script in self.scripts]
        return [*texts, self.run_script.text] if self.run_script is not None else texts

    def start_scripts(self) -> list[PackageScript]:
        """The package scripts that start the application (rules/manifests.toml `package_json.start_scripts`
        and `start_prefixes`: `start`, `dev`, `start:dev`), in every package.json."""
        tables = catalogue().package_json
        prefixes = tuple(tables.start_prefixes)
        return [s for s in self.scripts if s.name in tables.start_scripts or s.name.startswith(prefixes)]

    def declared(self, ecosystem: Family) -> dict[str, Dependency]:
        out: dict[str, Dependency] = {}
        for dep in self.dependencies:
            if dep.ecosystem == ecosystem and (dep.name not in out or (out[dep.name].dev and not dep.dev)):
                out[dep.name] = dep
        return out
