"""Database evidence outside code: declared drivers (manifests), settings in configuration and
environment files (`.env`, Compose `environment`, Prisma, alembic.ini, sequelize-cli and TypeORM
config; per-file rules in rules/database/connections.toml `[settings_files]`), Compose services
running a database image, and SQLite data files in the tree."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import PurePosixPath

from cdverify.catalog import load_rules
from cdverify.detect.database.catalogue import engine_of_url, engine_of_value
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.report import COMPOSE_SERVICE, Evidence, EvidenceKind
from cdverify.detect.database.values import DYNACONF_BASE, ENVIRONMENT_SOURCES
from cdverify.manifest_records import Manifests, Setting
from cdverify.model import Family, Location, Scope, shown
from cdverify.rules_schema import Connections, ManifestFiles, Reader, Scopes, SettingsSource
from cdverify.run_script import Assignment, assignment_lines, assignments

_NO_RULES = SettingsSource()


def project_files(found_in: Collection, run_steps: Sequence[Assignment] = ()) -> None:
    """Add the evidence of the manifests; after the code's, whose switches say which variables are read.
    `run_steps`: what the run script sets (`run_script`), read once by the caller."""
    known = found_in.catalogue
    manifests = found_in.manifests
    for dep in manifests.dependencies:
        index = known.by_python_package if dep.ecosystem == "python" else known.by_npm
        engine = index.get(dep.name)
        if engine is not None:
            detail = "development dependency" if dep.dev else "declared dependency"
            scope = Scope.TEST if dep.dev else Scope.APPLICATION
            found_in.add(
                Evidence(engine, EvidenceKind.DEPENDENCY, scope, dep.file, dep.line, dep.spec, detail)
            )
    consumed_env = {e.switch for e in found_in.evidence if e.switch}
    pinned = {key: engines for key, engines in _prisma_engines(found_in).items() if key not in consumed_env}
    consumed_env |= {s.env_var for s in manifests.settings if s.env_var}
    for setting in manifests.settings:
        _setting(found_in, setting, consumed_env, pinned)
    for setting in _run_script_defaults(run_steps):
        _setting(found_in, setting, consumed_env, pinned)
    for service in manifests.services:
        image = service.image.split("@")[0].rsplit(":", 1)[0].lower()
        for prefix in known.image_prefixes:
            image = image.removeprefix(prefix)
        engine = known.by_image.get(image)
        if engine is not None:
            text = f"{service.name}: {service.image}"
            kind = EvidenceKind.SERVICE
            found_in.add(
                Evidence(engine, kind, Scope.APPLICATION, service.file, service.line, text, COMPOSE_SERVICE)
            )
    for data_file in manifests.data_files:
        detail = "SQLite data file in the tree"
        scope = found_in.scope_of(data_file)
        found_in.add(Evidence("sqlite", EvidenceKind.SERVICE, scope, data_file, 0, data_file, detail))


def project_environment(found_in: Collection) -> tuple[tuple[str, str], ...]:
    """The variables the project's own `.env` files set: not an example's (`.env.example`), not a saved
    copy's that no loader reads (`.env.backup`: rules/scopes.toml `example_files.copies`), not the tests'
    (`.env.test`), not a framework command line's (`.flaskenv`) where the app lacks what loads it
    (connections.toml `cli_env_files`); the first file setting a variable wins."""
    known = found_in.catalogue
    unloaded = _unloaded_cli_files(found_in.manifests)
    out: dict[str, str] = {}
    for setting in found_in.manifests.settings:
        if setting.source is not Reader.ENV_FILE:
            continue
        name = PurePosixPath(setting.file).name
        saved = known.saved_settings is not None and known.saved_settings.search(name)
        if saved or known.example_settings.search(name) or name in unloaded:
            continue
        if _unread_variant(found_in, name):
            continue
        if _scope(found_in, setting, _NO_RULES) is Scope.TEST:
            continue
        out.setdefault(setting.key, setting.value)
    return tuple(out.items())


def _unread_variant(found_in: Collection, name: str) -> bool:
    """`.env.simple`: a variant of the env file no loader reads by itself (rules/scopes.toml
    `example_files.modes`) that the project names nowhere it could be loaded from (its code, its package
    scripts, its run script)."""
    if not name.startswith(".env."):
        return False
    if all(part.lower() in _loaded_modes() for part in name[len(".env.") :].split(".")):
        return False
    if any(name in command for command in found_in.manifests.commands()):
        return False
    return not _named_in_code(found_in, name, any_family=True)


@cache
def _loaded_modes() -> frozenset[str]:
    return frozenset(mode.lower() for mode in load_rules(Scopes).example_files.modes)


def _unloaded_cli_files(manifests: Manifests) -> frozenset[str]:
    """The names of the dotenv files a framework's command line loads (`.flaskenv`) that this app's does not:
    it declares no package of the framework or none of the loaders (python-dotenv)."""
    declared = manifests.declared(Family.PYTHON)
    return frozenset(
        entry.file
        for entry in load_rules(Connections).cli_env_files
        if declared.keys().isdisjoint(entry.packages) or declared.keys().isdisjoint(entry.loaders)
    )


def paper_runtime(found_in: Collection) -> tuple[tuple[str, str], ...]:
    """The variables a runtime of the paper's harness sets for this application (connections.toml
    `paper_runtime_files`): it declares one of the runtime's packages and loads the runtime's file by name,
    in a package script (`dotenv -e .env.development -- …`) or a string of its code."""
    declared = found_in.manifests.declared(Family.NODE)
    out: dict[str, str] = {}
    for runtime in load_rules(Connections).paper_runtime_files:
        if not any(name in declared for name in runtime.packages):
            continue
        scripts = any(runtime.file in script.command for script in found_in.manifests.scripts)
        if scripts or _named_in_code(found_in, runtime.file):
            for key, value in runtime.variables.items():
                out.setdefault(key, value)
    return tuple(out.items())


def run_script(manifests: Manifests) -> tuple[Assignment, ...]:
    """The variables the project's run script sets for its server (cdverify/run_script.py), with the
    entries of the env files it loads (`set -a; source .env`, `export $(cat .env | xargs)`)."""
    script = manifests.run_script
    if script is None:
        return ()
    entries: dict[str, list[tuple[str, str]]] = {}
    for setting in manifests.settings:
        if setting.source is Reader.ENV_FILE:
            entries.setdefault(setting.file, []).append((setting.key, setting.value))
    steps = assignments(script.text, lambda path: entries.get(path, ()))
    lines = assignment_lines(script.text)
    return tuple(
        step._replace(file=script.path, line=0 if step.literal else lines.get(step.name, 0)) for step in steps
    )


def _run_script_defaults(steps: Sequence[Assignment]) -> list[Setting]:
    """The defaults the run script gives variables the harness may set (`export DATABASE_URL=
    "${DATABASE_URL:-sqlite:///app.db}"`): each a setting of the variable that holds where it is unset
    (the harness's `seen` applies it), while code reading the variable still infers what else it may be."""
    last = {step.name: step for step in steps if step.value is not None}
    return [
        Setting(step.name, step.fallback, step.file, step.line, Reader.RUN_SCRIPT)
        for step in last.values()
        if step.fallback
    ]


def _named_in_code(found_in: Collection, name: str, any_family: bool = False) -> bool:
    """Whether an application Node module (`any_family`: or Python module) hands `name` to a call
    (`dotenv.config({ path: name })`, `load_dotenv(".env.docker")`)."""
    for facts in found_in.runtime_facts().values():
        if facts.language.family != Family.NODE and not any_family:
            continue
        for call in facts.calls:
            values = (*call.args, *(value for _key, value in call.kwargs))
            if any(str(text).endswith(name) for value in values for text in value.strings):
                return True
    return False


def _prisma_engines(found_in: Collection) -> dict[str, set[str]]:
    """Variable → the engines of the Prisma schemas whose datasource `url` reads it (`url =
    env("DATABASE_URL")` under `provider = "postgresql"`): Prisma refuses a URL of another engine there."""
    providers: dict[str, set[str]] = {}
    variables: dict[str, set[str]] = {}
    for setting in found_in.manifests.settings:
        if setting.source is not Reader.PRISMA:
            continue
        if setting.key == "provider" and (engine := engine_of_value(setting.value)) is not None:
            providers.setdefault(setting.file, set()).add(engine)
        elif setting.key == "url" and setting.env_var:
            variables.setdefault(setting.env_var, set()).add(setting.file)
    out: dict[str, set[str]] = {}
    for variable, files in variables.items():
        if all(file in providers for file in files):
            out[variable] = {engine for file in files for engine in providers[file]}
    return out


def _app_configuration(found_in: Collection, setting: Setting) -> bool:
    """A setting of a file read only where code reads it (dynaconf's) that run-time code loads into the web
    app's configuration (`FlaskDynaconf(app)`, the `app_loaders` of rules/manifests.toml), in an environment
    that holds where ENV_FOR_DYNACONF is unset: the app's extensions read it (Flask-SQLAlchemy's
    `SQLALCHEMY_DATABASE_URI`) with no code naming it."""
    if setting.section not in DYNACONF_BASE or "." in setting.key:  # `db.url`: code names nested values
        return False
    entries = [entry for entry in load_rules(ManifestFiles).file if entry.reader is setting.source]
    loaders = {loader for entry in entries for loader in entry.app_loaders}
    return bool(loaders) and any(
        call.callee.removesuffix("()") in loaders
        for facts in found_in.runtime_facts().values()
        for call in facts.calls
    )


def _setting(
    found_in: Collection, setting: Setting, consumed_env: set[str], pinned: dict[str, set[str]]
) -> None:
    """A setting of a configuration or environment file: a URL, a value naming the engine, or a
    variable with an engine's prefix (`POSTGRES_USER`). A URL of a variable only Prisma schemas read, of an
    engine none of their providers names (`DATABASE_URL=mysql://…` in `.env.example` with `provider =
    "postgresql"`), connects to nothing: Prisma rejects it (`pinned`: variable → the providers' engines)."""
    known = found_in.catalogue
    rules = known.settings_files.sources.get(setting.source, _NO_RULES)
    if rules.read_in_code and not _app_configuration(found_in, setting):
        return
    key = setting.key.lower()
    name = PurePosixPath(setting.file).name
    scope = _scope(found_in, setting, rules)
    example = bool(known.example_settings.search(name))
    engine: str | None = None
    kind = EvidenceKind.CONFIG
    if rules.every_key_url:
        if setting.key in rules.value_keys:
            engine = engine_of_value(setting.value)
        elif not setting.env_var:
            engine = engine_of_url(setting.value)
    elif key in known.url_keys or setting.key in rules.url_keys:
        engine = engine_of_url(setting.value)
    elif key in known.value_keys or setting.key in rules.value_keys:
        engine = engine_of_value(setting.value)
    else:
        engine = next((e for prefix, e in known.env_prefixes if setting.key.startswith(prefix)), None)
        kind = EvidenceKind.SERVICE
    if engine is None:
        return
    environment = setting.source in ENVIRONMENT_SOURCES
    if environment and kind is EvidenceKind.CONFIG and setting.key not in consumed_env:
        kind = EvidenceKind.SERVICE  # nothing in code reads it: it only hints at the deployment
    if environment and kind is EvidenceKind.CONFIG and engine not in pinned.get(setting.key, {engine}):
        kind = EvidenceKind.SERVICE  # Prisma's provider refuses it: another engine is what runs
    detail = f"{setting.key}={shown(setting.value)} ({setting.source})" + (
        " (example file)" if example else ""
    )
    switch = setting.key if environment or example else ""
    text = f"{setting.key}={setting.value}"
    found_in.add(Evidence(engine, kind, scope, setting.file, setting.line, text, detail, switch))
    if rules.sqlalchemy and found_in.rejected_scheme(setting.value):
        text = f"{setting.key} = {setting.value}"
        found_in.reject(Location(setting.file, setting.line), text, setting.value, "")


def _scope(found_in: Collection, setting: Setting, rules: SettingsSource) -> Scope:
    """A settings file's scope: the tests' when its name says so (`.env.test`) or its section is the
    tests' (sequelize-cli's `test` block), else the one its rules give, else the application's."""
    if setting.section in rules.test_sections:
        return Scope.TEST
    if rules.scope is not None:
        return rules.scope
    return Scope.TEST if found_in.tests_file(setting.file) else Scope.APPLICATION
