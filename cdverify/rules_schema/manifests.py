"""The manifest files (rules/manifests.toml): which non-code file goes to which reader."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings, table

# -- manifests.toml ---------------------------------------------------------------------------------


class Reader(StrEnum):
    """The reader a project file goes to (cdverify/manifests.py); a settings reader's value is also the
    `source` of the settings it reads."""

    REQUIREMENTS = "requirements"
    PYPROJECT = "pyproject"
    PIPFILE = "pipfile"
    PACKAGE_JSON = "package-json"
    ENV_FILE = "env-file"
    COMPOSE = "compose"
    PRISMA = "prisma"
    ALEMBIC = "alembic"
    SEQUELIZE_CONFIG = "sequelize-config"
    TYPEORM_CONFIG = "typeorm-config"
    NODE_CONFIG = "node-config"
    DYNACONF = "dynaconf"
    SQL = "sql"
    DATABASE_FILE = "database-file"
    RUN_SCRIPT = "run-script"


class ManifestFile(Record, frozen=True):
    """Which files one reader gets: every condition set must hold (the first matching entry wins)."""

    reader: Reader
    names: Strings = ()  # the file name is one of these
    pattern: str = ""  # a regex the whole file name matches
    suffixes: Strings = ()  # the file name ends with one of these
    parent: str = ""  # the name of the folder holding the file
    path: str = ""  # the path from the project root
    keys: Strings = ()  # the settings the reader takes from the file
    # read only when the file is a JSON object with one of these top-level keys (sequelize-cli's NODE_ENVs)
    sections: Strings = ()
    # Prisma `generator` providers → the npm package their `output` folder stands for
    generators: Mapping[str, str] = table()
    # calls that load such files (dynaconf's `Dynaconf(…)`): their settings count only where run-time code
    # makes one of these
    loaders: Strings = ()
    # calls, among `loaders`, that copy the file's settings into the web app's configuration (dynaconf's
    # `FlaskDynaconf(app)` fills `app.config`): where run-time code makes one, the settings that hold without
    # an environment switch are the app's configuration, read by its extensions with no code naming them
    app_loaders: Strings = ()


class DependencyTables(Record, frozen=True):
    dependencies: Strings
    dev_dependencies: Strings
    runners: Strings = ()  # commands whose first source-file argument a package.json script runs
    start_scripts: Strings = ()  # the package scripts that start the application (`start`, `dev`)
    start_prefixes: Strings = ()  # how the names of other scripts starting it begin (`start:` of `start:dev`)
    # commands that set variables and run the rest of the line (`cross-env NODE_ENV=development tsx …`)
    env_setters: Strings = ()
    # commands that enter a folder (`cd frontend && pnpm run dev`): a script starting with one of them
    # entering a folder with a package.json of its own starts that package, not this one
    folder_changes: Strings = ()


class ManifestFiles(Record, frozen=True):
    FILE: ClassVar[str] = "manifests"
    dev_words: Strings
    env_files_beside: Strings  # `.env` files are looked for beside files whose path ends with these
    package_json: DependencyTables
    pipfile: DependencyTables
    file: tuple[ManifestFile, ...]
