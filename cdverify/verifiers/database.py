"""The database-engine verifier: which engines the application really talks to, from evidence.

Evidence is ranked (strongest first): a connection call or configuration key whose URL or dialect is
known (`create_engine(URL)`, `new Sequelize({dialect})`, `DATABASES[...]['ENGINE']`, Prisma
`provider`, `.env` `DATABASE_URL`), an engine-only module in code (dialect types, driver imports),
a declared dependency, a Compose service or data file, a URL merely written down. Each item has the
scope of its file, so tests and migrations never decide the run-time engine. Comments never count:
every code fact comes from the syntax tree. Pure functions over the project model; no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

from cdverify.catalog import load_rules, make_finding
from cdverify.manifests import Manifests, Setting
from cdverify.model import (
    HOLE,
    Assignment,
    CallFact,
    FileFacts,
    Finding,
    Language,
    Location,
    Scope,
    Value,
)
from cdverify.rules_schema import Connection, Connections, Engine, Engines, Scopes

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "database"

# kind → rank (lower is stronger)
KIND_RANK = {
    "connection": 1,
    "config": 2,
    "dialect": 3,
    "import": 4,
    "dependency": 5,
    "service": 6,
    "mention": 7,
}
_RUNTIME_SCOPES = frozenset({Scope.APPLICATION, Scope.CONFIG})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9.-]*)(?:\+([A-Za-z0-9_.-]+))?:")
CONFIGURATION_SWITCH = "<configuration>"  # one of several configurations of the same setting
_SWITCH_NAME = re.compile(r"(url|uri|dsn|database|db)", re.I)
_DJANGO_DEFAULT = "django.db.backends.sqlite3"


class Evidence(NamedTuple):
    engine: str
    kind: str  # see KIND_RANK
    scope: str  # the file's scope: application, test, migration, script, config
    file: str
    line: int
    text: str
    detail: str = ""
    switch: str = ""  # environment variable that selects this engine or its alternative ("" = hard-wired)
    inferred: bool = False  # the URL is only known at run time; the engine is inferred from the drivers
    col: int = 0  # 1-based column in code; 0 in manifests and config files

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.col)

    @property
    def rank(self) -> int:
        return KIND_RANK[self.kind]

    def to_dict(self) -> dict[str, Any]:
        out = {
            "engine": self.engine,
            "kind": self.kind,
            "scope": self.scope,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "text": self.text,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.switch:
            out["switch"] = self.switch
        if self.inferred:
            out["inferred"] = True
        return out


class EngineStatus(StrEnum):
    """How the project uses an engine: from application code at run time, else where its code is."""

    RUNTIME = "runtime"
    TESTS = "tests"
    MIGRATIONS = "migrations"
    SCRIPTS = "scripts"
    DECLARED = "declared"  # only a dependency or a service
    MENTIONED = "mentioned"  # nothing stronger, e.g. a URL written in code that nothing connects to


_SCOPE_STATUS = {
    Scope.TEST: EngineStatus.TESTS,
    Scope.MIGRATION: EngineStatus.MIGRATIONS,
    Scope.SCRIPT: EngineStatus.SCRIPTS,
}


class EngineUse(NamedTuple):
    engine: str
    status: EngineStatus
    hard_wired: bool  # some run-time evidence does not depend on an environment switch
    evidence: tuple[Evidence, ...]

    @property
    def strongest(self) -> Evidence:
        return min(self.evidence, key=lambda e: (e.rank, e.scope != "application", e.file, e.line))


class DatabaseReport(NamedTuple):
    uses: dict[str, EngineUse]  # engine → how it is used
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...] = ()  # constraint-independent (DB003, DB005, DB006)

    @property
    def runtime(self) -> list[str]:
        """Engines the application uses at run time (caches included), strongest evidence first."""
        used = [use for use in self.uses.values() if use.status is EngineStatus.RUNTIME]
        return [use.engine for use in sorted(used, key=lambda u: (u.strongest.rank, u.engine))]


# -- catalogue ------------------------------------------------------------------------------------


class _Catalogue(NamedTuple):
    engines: Mapping[str, Engine]
    by_scheme: dict[str, str]
    by_value: dict[str, str]
    by_python_package: dict[str, str]
    by_python_module: dict[str, str]
    by_npm: dict[str, str]
    dialect_modules: dict[str, str]  # module → engine
    by_image: dict[str, str]
    env_prefixes: tuple[tuple[str, str], ...]
    connections: dict[str, dict[str, Connection]]  # family → traced callee → entry
    url_keys: frozenset[str]
    value_keys: frozenset[str]
    sqlalchemy_keys: frozenset[str]
    memory_markers: tuple[str, ...]


@cache
def catalogue() -> _Catalogue:
    data = load_rules(Engines)
    engines = data.engines

    def index(field_name: str, lower: bool = True) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, spec in engines.items():
            for item in getattr(spec, field_name):
                out.setdefault(item.lower() if lower else item, name)
        return out

    connections = load_rules(Connections)
    config = connections.config
    return _Catalogue(
        engines=engines,
        by_scheme=index("url_schemes"),
        by_value=index("values"),
        by_python_package=index("python_packages"),
        by_python_module=index("python_modules", lower=False),
        by_npm=index("npm_packages", lower=False),
        dialect_modules={m: n for n, s in engines.items() for m in s.dialect_modules},
        by_image=index("images"),
        env_prefixes=tuple((p, n) for n, s in engines.items() for p in s.env_prefixes),
        connections={
            family: {call: entry for entry in connections.family(family) for call in entry.calls}
            for family in ("python", "node")
        },
        url_keys=frozenset(k.lower() for k in config.url_keys),
        value_keys=frozenset(k.lower() for k in config.value_keys),
        sqlalchemy_keys=frozenset(k.lower() for k in config.sqlalchemy_keys),
        memory_markers=data.memory_markers.strings,
    )


@cache
def _example_settings() -> re.Pattern[str]:
    """A settings file's last suffix that marks it an example (`config.json.sample`; rules/scopes.toml)."""
    words = "|".join(map(re.escape, load_rules(Scopes).example_files.words))
    return re.compile(rf"\.({words})$")


def engine_of_url(url: str) -> str | None:
    """`postgresql+asyncpg://…` → postgresql; `sqlite::memory:` → sqlite; None when not a database URL."""
    match = _SCHEME.match(url.strip())
    if match is None:
        return None
    scheme = match.group(1).lower()
    if scheme == "file" and not re.search(r"\.(db|sqlite3?)\b|:memory:", url):
        return None
    return catalogue().by_scheme.get(scheme)


def engine_of_value(value: str) -> str | None:
    return catalogue().by_value.get(value.strip().lower())


def in_memory(url: str) -> bool:
    return any(marker == url or url.endswith(marker) for marker in catalogue().memory_markers) or url in (
        ":memory:",
    )


def _shown(text: str) -> str:
    return text.replace(HOLE, "{…}")


_HOPS = 3  # how many assignments deep a name is followed

# -- collecting evidence ----------------------------------------------------------------------------


class _Collector:
    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        scopes: Mapping[str, Scope],
        manifests: Manifests,
    ) -> None:
        self.facts = facts
        self.scopes = scopes
        self.manifests = manifests
        self.catalogue = catalogue()
        self.evidence: list[Evidence] = []
        self.findings: list[Finding] = []
        self.claimed: set[tuple[str, int]] = set()  # (file, line) already explained by a stronger item
        self.claimed_urls: set[tuple[str, str]] = set()  # (file, URL) already used by a connection or config
        # Names assigned anywhere in run-time code, for `create_engine(settings.DATABASE_URL)`.
        self.assigned: dict[str, list[tuple[str, Value]]] = {}
        for path, file_facts in facts.items():
            if scopes.get(path) not in _RUNTIME_SCOPES:
                continue
            for assignment in file_facts.assignments:
                self.assigned.setdefault(assignment.key.lower(), []).append((path, assignment.value))
        # what following an assigned value gave, by (id of the value in `assigned`, hop)
        self.followed_urls: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
        self.followed_switches: dict[tuple[int, int], str] = {}
        self.followed_rewrites: dict[tuple[int, int], bool] = {}
        self.env: dict[str, list[Setting]] = {}
        for setting in manifests.settings:
            if setting.source in ("env-file", "compose"):
                self.env.setdefault(setting.key, []).append(setting)

    def scope_of(self, path: str) -> str:
        scope = self.scopes.get(path, Scope.APPLICATION)
        return scope.value

    def add(self, evidence: Evidence) -> None:
        self.evidence.append(evidence)

    # -- resolving a value to URLs ---------------------------------------------------------------
    def urls(self, path: str, value: Value, depth: int = 0) -> list[tuple[str, str, str]]:
        """(url, detail, switch) candidates of a value: literals, env defaults, `.env` values, and the
        values of names assigned elsewhere (one hop per level, at most three), each candidate once."""
        out: list[tuple[str, str, str]] = []
        for literal in value.strings:
            self.claimed_urls.add((path, literal))
        switch = value.env[0] if value.env else ""
        for literal in value.strings:
            detail = f"default when ${switch} is unset" if switch else ""
            out.append((literal, detail, switch))
        for variable in value.env:
            for setting in self.env.get(variable, []):
                out.append((setting.value, f"${variable} in {setting.file}:{setting.line}", variable))
        if depth < _HOPS:
            for name in value.names:
                for other_path, other in self.assigned.get(name.lower(), []):
                    if other is value:
                        continue
                    for url, detail, inner_switch in self.assigned_urls(other_path, other, depth + 1):
                        self.claimed_urls.add((other_path, url))
                        out.append((url, detail, inner_switch or switch))
                # pydantic-style settings read the variable of the same name from the environment
                for setting in self.env.get(name.upper(), []):
                    out.append(
                        (setting.value, f"${name.upper()} in {setting.file}:{setting.line}", name.upper())
                    )
        return list(dict.fromkeys(out))

    def assigned_urls(self, path: str, value: Value, depth: int) -> list[tuple[str, str, str]]:
        """`urls` of an assigned value, computed once per value and hop: a name assigned from itself a
        thousand times (`DATABASE_URL = DATABASE_URL`) would otherwise cost a thousand cubed walks."""
        key = (id(value), depth)
        if key not in self.followed_urls:
            self.followed_urls[key] = self.urls(path, value, depth)
        return self.followed_urls[key]

    def env_switch(self, path: str, value: Value, depth: int = 0) -> str:
        if value.env:
            return value.env[0]
        if depth < _HOPS:
            for name in value.names:
                for _, other in self.assigned.get(name.lower(), []):
                    if other is not value:
                        key = (id(other), depth + 1)
                        if key not in self.followed_switches:  # once per value and hop, as `assigned_urls`
                            self.followed_switches[key] = self.env_switch(path, other, depth + 1)
                        if self.followed_switches[key]:
                            return self.followed_switches[key]
        return ""

    # -- code ------------------------------------------------------------------------------------
    def code(self) -> None:
        for path, file_facts in self.facts.items():
            family = file_facts.language.family
            scope = self.scope_of(path)
            entries = self.catalogue.connections[family]
            for call in file_facts.calls:
                entry = entries.get(call.callee)
                if entry is not None:
                    self.connection(path, scope, call, entry)
                    continue
                for key, value in call.kwargs:
                    # `app.config.update(SQLALCHEMY_DATABASE_URI=…)`, `config.from_mapping(…)`
                    if key.lower() in self.catalogue.url_keys:
                        self.config_key(path, scope, key, value, call.line, call.text, call.col)
            keys = self.catalogue.url_keys | self.catalogue.value_keys
            settings = [
                a
                for a in file_facts.assignments
                if a.key.lower() in keys and not _superseded(a, file_facts.assignments)
            ]  # a later `DATABASES["default"] = dj_database_url.config(…)` replaces the default
            repeated = {k for k, n in Counter(a.key.lower() for a in settings).items() if n > 1}
            for assignment in settings:
                before = len(self.evidence)
                self.config_key(
                    path,
                    scope,
                    assignment.key,
                    assignment.value,
                    assignment.line,
                    assignment.text,
                    assignment.col,
                )
                if assignment.key.lower() in repeated:
                    # the same setting in several configurations (`DevConfig` / `ProdConfig`,
                    # `development:` / `production:`): which one runs is chosen at run time
                    self.evidence[before:] = [
                        e if e.switch else e._replace(switch=CONFIGURATION_SWITCH)
                        for e in self.evidence[before:]
                    ]
            self.imports(path, scope, file_facts)
            for line, url in file_facts.urls:
                engine = engine_of_url(url)
                if engine and _SCHEME.match(url) and "://" in url and len(url.split("://", 1)[1]) > 0:
                    self.mention(path, scope, line, url, engine)

    def connection(self, path: str, scope: str, call: CallFact, entry: Connection) -> None:
        switch = ""
        found: list[tuple[str, str, str]] = []  # (engine, detail, switch)
        url_values = [v for v in (_argument(call, key) for key in entry.url) if v is not None]
        if not url_values and entry.default_env:
            url_values = [Value(env=(entry.default_env,))]  # `dj_database_url.config()` reads $DATABASE_URL
        for value in url_values:
            switch = switch or self.env_switch(path, value)
            for url, detail, url_switch in self.urls(path, value):
                parsed = engine_of_url(url)
                engine = entry.engine or parsed
                if engine is not None and parsed is not None:
                    shown = f"URL {_shown(url)}" + (f", {detail}" if detail else "")
                    found.append((engine, shown + (" (in memory)" if in_memory(url) else ""), url_switch))
                if entry.sqlalchemy and self.rejects_postgres_scheme(url, value):
                    self.postgres_scheme(path, call.line, call.text, url, detail, call.col)
        for key in entry.dialect:
            dialect = call.kwarg(key)
            if dialect is None:
                continue
            switch = switch or self.env_switch(path, dialect)
            for literal in dialect.strings:
                engine = engine_of_value(literal)
                if engine is not None:
                    found.append((engine, f"{key}: {literal!r}", dialect.env[0] if dialect.env else ""))
        fixed = entry.engine
        if fixed is not None and not any(engine == fixed for engine, _, _ in found):
            found.append((fixed, f"driver {call.callee}", ""))
        url_switch_env = switch  # the URL itself reads an environment variable
        if not switch and call.guard is not None:
            # `DATABASE_URL ? new Sequelize(url) : …`, or `if (!databaseUrl) return new Sequelize(…)`
            # where the URL arrives as a parameter: the condition names the switch
            switch = self.env_switch(path, call.guard) or next(
                (name for name in call.guard.names if _SWITCH_NAME.search(name)), ""
            )
        if (
            url_switch_env
            and found
            and not any(url_switch for _, _, url_switch in found if url_switch != url_switch_env)
        ):
            # `DATABASE_URL or "sqlite://…"`: whatever $DATABASE_URL names is possible too, and with
            # no `.env` saying which, the declared drivers tell
            resolved = {engine for engine, _, _ in found}
            if not self.env.get(switch):
                for engine in self.drivers(entry.engines):
                    # SQLite drivers are as often the tests' database: they do not make SQLite a
                    # run-time alternative by themselves
                    if engine not in resolved and engine != "sqlite":
                        detail = f"URL from ${switch}; engine inferred from the declared driver"
                        self.add(_connection(engine, scope, path, call, detail, switch, inferred=True))
        inferred = False
        if not found and (switch or url_values):
            # The URL is only known at run time: the engines whose drivers are declared.
            inferred = True
            source = f"${switch}" if switch else "a value computed at run time"
            for engine in self.drivers(entry.engines):
                found.append((engine, f"URL from {source}; engine inferred from the declared driver", switch))
        if fixed is not None and call.guard is None:
            switch = ""  # a driver talks to one engine whatever its URL: only a guard makes it optional
            found = [(engine, detail, "") for engine, detail, _ in found]
        for engine, detail, item_switch in found:
            self.add(_connection(engine, scope, path, call, detail, item_switch or switch, inferred=inferred))
            self.claimed.add((path, call.line))

    def rejects_postgres_scheme(self, url: str, value: Value) -> bool:
        if not url.lower().startswith("postgres://"):
            return False
        return not any(old.startswith("postgres:") for old, _ in value.rewrites) and not self.rewritten(value)

    def rewritten(self, value: Value, depth: int = 0) -> bool:
        if any(old.startswith("postgres:") for old, _ in value.rewrites):
            return True
        if depth < _HOPS:
            for name in value.names:
                for _, other in self.assigned.get(name.lower(), []):
                    if other is value:
                        continue
                    key = (id(other), depth + 1)
                    if key not in self.followed_rewrites:  # once per value and hop, as `assigned_urls`
                        self.followed_rewrites[key] = self.rewritten(other, depth + 1)
                    if self.followed_rewrites[key]:
                        return True
        return False

    def postgres_scheme(self, path: str, line: int, text: str, url: str, detail: str, col: int = 0) -> None:
        self.findings.append(
            make_finding(
                "DB003",
                Location(path, line, col),
                "SQLAlchemy rejects the URL scheme postgres:// at run time (NoSuchModuleError); "
                + f"this URL reaches it: {_shown(url)}"
                + (f" ({detail})" if detail else ""),
                evidence=text,
                hint='write "postgresql://" (or "postgresql+psycopg://"), or rewrite the variable: '
                'url.replace("postgres://", "postgresql://", 1)',
                data={"url": _shown(url)},
            )
        )

    def drivers(self, engines: Iterable[str]) -> list[str]:
        declared: set[str] = set()
        for dep in self.manifests.dependencies:
            if dep.dev:
                continue
            engine = (
                self.catalogue.by_python_package if dep.ecosystem == "python" else self.catalogue.by_npm
            ).get(dep.name)
            if engine is not None:
                declared.add(engine)
        return [engine for engine in engines if engine in declared]

    def config_key(
        self, path: str, scope: str, key: str, value: Value, line: int, text: str, col: int = 0
    ) -> None:
        lowered = key.lower()
        switch = self.env_switch(path, value)
        if not switch and key.islower() and key.upper() in self.env:
            # a settings field (`database_url: str = "sqlite://…"` in a pydantic BaseSettings) is
            # overridden by the environment variable of the same name, here set in a `.env` file
            switch = key.upper()
        if lowered in self.catalogue.url_keys:
            for url, detail, url_switch in self.urls(path, value):
                engine = engine_of_url(url)
                if engine is None:
                    continue
                shown = f"{key} = {_shown(url)}" + (f", {detail}" if detail else "")
                if in_memory(url):
                    shown += " (in memory)"
                switched = url_switch or switch
                self.add(Evidence(engine, "config", scope, path, line, text, shown, switched, col=col))
                self.claimed.add((path, line))
                if lowered in self.catalogue.sqlalchemy_keys and self.rejects_postgres_scheme(url, value):
                    self.postgres_scheme(path, line, text, url, detail, col)
        else:
            for literal in value.strings:
                engine = engine_of_value(literal)
                if engine is None:
                    continue
                detail = f"{key} = {literal!r}"
                if literal == _DJANGO_DEFAULT:
                    detail += " (Django's startproject default)"
                self.add(Evidence(engine, "config", scope, path, line, text, detail, switch, col=col))
                self.claimed.add((path, line))

    def imports(self, path: str, scope: str, file_facts: FileFacts) -> None:
        modules = (
            self.catalogue.by_python_module
            if file_facts.language is Language.PYTHON
            else self.catalogue.by_npm
        )
        python = file_facts.language is Language.PYTHON
        dialects = self.catalogue.dialect_modules
        for fact in file_facts.imports:
            spec = fact.specifier
            if python:
                # `from sqlalchemy.dialects import postgresql` names the module by the imported name
                full = [f"{spec}.{name}" for name in fact.names]
                spec = next((f for f in full if _module_engine(f, dialects, python)), spec)
            module = _longest_module(spec, dialects, python)
            if module is not None:
                self.add(
                    Evidence(
                        dialects[module],
                        "dialect",
                        scope,
                        path,
                        fact.line,
                        fact.text,
                        f"imports {module}",
                        col=fact.col,
                    )
                )
                continue
            engine = _module_engine(spec, modules, python)
            if engine is not None:
                detail = f"imports {spec}"
                self.add(Evidence(engine, "import", scope, path, fact.line, fact.text, detail, col=fact.col))

    def mention(self, path: str, scope: str, line: int, url: str, engine: str) -> None:
        if (path, line) in self.claimed or (path, url) in self.claimed_urls:
            return
        self.add(
            Evidence(engine, "mention", scope, path, line, _shown(url), "URL written in code, not connected")
        )

    # -- files outside code ----------------------------------------------------------------------
    def project_files(self) -> None:
        for dep in self.manifests.dependencies:
            index = self.catalogue.by_python_package if dep.ecosystem == "python" else self.catalogue.by_npm
            engine = index.get(dep.name)
            if engine is not None:
                detail = "development dependency" if dep.dev else "declared dependency"
                self.add(
                    Evidence(
                        engine,
                        "dependency",
                        "test" if dep.dev else "application",
                        dep.file,
                        dep.line,
                        dep.spec,
                        detail,
                    )
                )
        consumed_env = {e.switch for e in self.evidence if e.switch}
        consumed_env |= {s.value[4:] for s in self.manifests.settings if s.value.startswith("env:")}
        for setting in self.manifests.settings:
            self.setting(setting, consumed_env)
        for service in self.manifests.services:
            image = service.image.split("@")[0].rsplit(":", 1)[0].lower()
            image = image.removeprefix("docker.io/").removeprefix("library/")
            engine = self.catalogue.by_image.get(image)
            if engine is not None:
                self.add(
                    Evidence(
                        engine,
                        "service",
                        "application",
                        service.file,
                        service.line,
                        f"{service.name}: {service.image}",
                        "Compose service",
                    )
                )
        for data_file in self.manifests.data_files:
            self.add(
                Evidence(
                    "sqlite",
                    "service",
                    self.scope_of(data_file),
                    data_file,
                    0,
                    data_file,
                    "SQLite data file in the tree",
                )
            )

    def setting(self, setting: Setting, consumed_env: set[str]) -> None:
        key = setting.key.lower()
        scope = "application"
        name = PurePosixPath(setting.file).name
        if name.endswith(".test") or ".test." in name:
            scope = "test"
        if setting.source == "alembic":
            scope = "migration"
        if setting.section == "test":
            scope = "test"  # the `test` environment of sequelize-cli's config.json
        example = bool(_example_settings().search(name))
        detail_suffix = " (example file)" if example else ""
        engine: str | None = None
        if setting.source == "prisma":
            if setting.key == "provider":
                engine = engine_of_value(setting.value)
            elif not setting.value.startswith("env:"):
                engine = engine_of_url(setting.value)
            kind = "config"
        elif key in self.catalogue.url_keys or (
            setting.source in ("alembic", "sequelize-config", "typeorm-config") and key == "url"
        ):
            engine = engine_of_url(setting.value)
            kind = "config"
        elif key in self.catalogue.value_keys or (
            setting.source in ("sequelize-config", "typeorm-config") and key in ("dialect", "type")
        ):
            engine = engine_of_value(setting.value)
            kind = "config"
        else:
            engine = next(
                (e for prefix, e in self.catalogue.env_prefixes if setting.key.startswith(prefix)), None
            )
            kind = "service"
        if engine is None:
            return
        if setting.source in ("env-file", "compose") and kind == "config" and setting.key not in consumed_env:
            kind = "service"  # nothing in code reads it: it only hints at the deployment
        detail = f"{setting.key}={_shown(setting.value)} ({setting.source})" + detail_suffix
        switch = setting.key if setting.source in ("env-file", "compose") else ""
        if example:
            switch = switch or setting.key
        self.add(
            Evidence(
                engine,
                kind,
                scope,
                setting.file,
                setting.line,
                f"{setting.key}={setting.value}",
                detail,
                switch,
            )
        )
        if setting.source == "alembic" and setting.value.lower().startswith("postgres://"):
            text = f"{setting.key} = {setting.value}"
            self.postgres_scheme(setting.file, setting.line, text, setting.value, "")


def _connection(
    engine: str, scope: str, path: str, call: CallFact, detail: str, switch: str, *, inferred: bool
) -> Evidence:
    """Evidence of a connection call (`create_engine(…)`, `new Sequelize(…)`), located at the call."""
    line, text = call.line, call.text
    return Evidence(engine, "connection", scope, path, line, text, detail, switch, inferred, call.col)


def _argument(call: CallFact, key: str) -> Value | None:
    if key.isdigit():
        index = int(key)
        return call.args[index] if index < len(call.args) else None
    return call.kwarg(key)


def _superseded(assignment: Assignment, assignments: Iterable[Assignment]) -> bool:
    """Whether a later assignment in the same file replaces this one, or the dict holding it."""
    target = assignment.target
    # only a later assignment of the dict holding it (a strict prefix): equal names may be fields of
    # different classes (`ProdConfig.SQLALCHEMY_DATABASE_URI`, `DevConfig.…`)
    return any(
        other.line > assignment.line and target.startswith(other.target + ".") for other in assignments
    )


def _longest_module(spec: str, modules: Mapping[str, str], python: bool) -> str | None:
    """The catalogued module `spec` is or lies in: `sqlalchemy.dialects.postgresql.json` →
    `sqlalchemy.dialects.postgresql`; `drizzle-orm/pg-core` → itself; `@scope/pkg/sub` → `@scope/pkg`."""
    parts = spec.split("." if python else "/")
    separator = "." if python else "/"
    for end in range(len(parts), 0, -1):
        candidate = separator.join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _module_engine(spec: str, modules: Mapping[str, str], python: bool) -> str | None:
    module = _longest_module(spec, modules, python)
    return modules[module] if module is not None else None


# -- deciding -----------------------------------------------------------------------------------------


def collect(
    facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope], manifests: Manifests
) -> DatabaseReport:
    collector = _Collector(facts, scopes, manifests)
    collector.code()
    collector.project_files()
    evidence = sorted(collector.evidence, key=lambda e: (e.rank, e.file, e.line, e.engine))
    uses = {engine: _use(engine, items) for engine, items in _group(evidence).items()}
    findings = list(collector.findings)
    findings.extend(_unused(uses))
    return DatabaseReport(uses, tuple(evidence), tuple(_dedupe(findings)))


def _group(evidence: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for item in evidence:
        out.setdefault(item.engine, []).append(item)
    return out


def _runtime(item: Evidence) -> bool:
    if item.scope not in ("application", "config"):
        return False
    return item.kind in ("connection", "config") or (
        item.kind in ("dialect", "import") and item.scope == "application"
    )


def _use(engine: str, items: list[Evidence]) -> EngineUse:
    runtime = [item for item in items if _runtime(item)]
    if runtime:
        hard_wired = any(not item.switch and not item.inferred for item in runtime)
        return EngineUse(engine, EngineStatus.RUNTIME, hard_wired, tuple(items))
    code = [item for item in items if item.kind in ("connection", "config", "dialect", "import")]
    if code:
        order = {"test": 0, "migration": 1, "script": 2}
        first = min(code, key=lambda item: order.get(item.scope, 3)).scope
        status = _SCOPE_STATUS.get(Scope(first), EngineStatus.MENTIONED)
        return EngineUse(engine, status, False, tuple(items))
    if any(item.kind in ("dependency", "service") for item in items):
        return EngineUse(engine, EngineStatus.DECLARED, False, tuple(items))
    return EngineUse(engine, EngineStatus.MENTIONED, False, tuple(items))


def _unused(uses: Mapping[str, EngineUse]) -> list[Finding]:
    findings = []
    for use in uses.values():
        if use.status is EngineStatus.RUNTIME:
            continue
        for item in use.evidence:
            if item.kind == "dependency" and item.scope == "application":
                findings.append(
                    make_finding(
                        "DB005",
                        item.location,
                        f"{_label(use.engine)} driver declared but nothing in the application connects to it"
                        + ("" if use.status is EngineStatus.DECLARED else f" (used in {use.status} only)"),
                        evidence=item.text,
                        hint="remove the dependency, or make it a development dependency if tests need it",
                        data={"engine": use.engine},
                    )
                )
            elif item.kind == "service" and item.detail == "Compose service":
                findings.append(
                    make_finding(
                        "DB006",
                        item.location,
                        f"Compose service runs {_label(use.engine)} but the application never connects to it",
                        evidence=item.text,
                        hint="remove the service, or point the application's database URL at it",
                        data={"engine": use.engine},
                    )
                )
    return findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, int, str]] = set()
    out = []
    for finding in findings:
        key = (finding.rule, finding.location.path, finding.location.line, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _label(engine: str) -> str:
    spec = catalogue().engines.get(engine)
    return engine if spec is None else spec.label


def check(report: DatabaseReport, required: str) -> list[Finding]:
    """DB001 the required engine does not serve the application; DB002 another engine does; DB004
    (information) engines the application switches to through an environment variable."""
    wanted = load_rules(Engines).constraint.get(required, required)
    roles = {name: spec.role for name, spec in catalogue().engines.items()}
    findings: list[Finding] = []
    use = report.uses.get(wanted)
    others = [
        other
        for other in report.uses.values()
        if other.engine != wanted
        and other.status is EngineStatus.RUNTIME
        and roles.get(other.engine) != "cache"
    ]
    if use is None or use.status is not EngineStatus.RUNTIME:
        findings.append(_missing(wanted, use, others, report))
    for other in others:
        strongest = other.strongest
        if other.hard_wired:
            # point at what ties the application to the other engine, not at an optional branch
            wired = [e for e in other.evidence if _runtime(e) and not e.switch and not e.inferred]
            strongest = min(wired, key=lambda e: (e.rank, e.file, e.line))
        location = strongest.location
        if other.hard_wired and use is not None and use.status is EngineStatus.RUNTIME:
            findings.append(
                make_finding(
                    "DB002",
                    location,
                    f"the application also uses {_label(other.engine)} "
                    f"({strongest.detail or strongest.kind}); only {_label(wanted)} may serve it",
                    evidence=strongest.text,
                    hint=f"connect through the {_label(wanted)} engine/session the application already has, "
                    f"and remove the {_label(other.engine)} code",
                    data={"engine": other.engine, "required": wanted},
                )
            )
        elif not other.hard_wired and use is not None and use.status is EngineStatus.RUNTIME:
            switch = next((e.switch for e in other.evidence if e.switch), "")
            findings.append(
                make_finding(
                    "DB004",
                    location,
                    f"{_label(other.engine)} is used instead {_when(switch)} ({strongest.detail})",
                    evidence=strongest.text,
                    hint=f"fine for development; make sure the deployed configuration uses {_label(wanted)}",
                    data={"engine": other.engine, "required": wanted, "switch": switch},
                )
            )
    return findings


_STACKS = (
    ("django", ("ENGINE", "django.db", "dj_database_url")),
    ("prisma", ("prisma",)),
    ("sequelize", ("Sequelize", "sequelize")),
    ("knex", ("knex", "client:")),
    ("typeorm", ("DataSource", "TypeOrmModule", "typeorm", "type:")),
    ("sqlalchemy", ("create_engine", "create_async_engine", "SQLALCHEMY", "sqlalchemy")),
)


def _hint(wanted: str, evidence: list[Evidence], report: DatabaseReport) -> str:
    """The DB001 fix in the application's own database stack (rules/database/engines.toml hints)."""
    spec = catalogue().engines.get(wanted)
    hints = spec.hints if spec is not None else {}
    seen = [*evidence, *report.evidence]
    for stack, markers in _STACKS:
        found = any(marker in f"{item.text} {item.detail} {item.file}" for item in seen for marker in markers)
        if found and stack in hints:
            return hints[stack]
    node = any(item.file.endswith((".js", ".ts", ".mjs", ".cjs", "package.json")) for item in seen)
    return hints.get("node" if node else "python", f"connect the application to {_label(wanted)}")


def _when(switch: str) -> str:
    if switch == CONFIGURATION_SWITCH:
        return "when another of the project's configurations is selected"
    return f"depending on ${switch}"


def _missing(wanted: str, use: EngineUse | None, others: list[EngineUse], report: DatabaseReport) -> Finding:
    label = _label(wanted)
    if others:
        strongest = others[0].strongest
        used = ", ".join(_label(o.engine) for o in others)
        detail = strongest.detail or strongest.kind
        message = f"{label} is required but the application uses {used} ({detail})"
        if detail.endswith(" (Django's startproject default)"):
            detail = detail.removesuffix(" (Django's startproject default)")
            message = (
                f"{label} is required but the project still has Django's default SQLite settings ({detail})"
            )
        location = strongest.location
        evidence = strongest.text
    elif use is not None:
        strongest = use.strongest
        message = (
            f"{label} is required but only appears in {use.status} ({strongest.detail or strongest.kind})"
        )
        location = strongest.location
        evidence = strongest.text
    else:
        message = f"{label} is required but no database connection was found in the application"
        location = Location(".")
        evidence = ""
    hint = _hint(wanted, [*(o.strongest for o in others), *(use.evidence if use else ())], report)
    return make_finding(
        "DB001",
        location,
        message,
        evidence=evidence,
        hint=hint,
        data={"required": wanted, "engines": report.runtime},
    )


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    """The findings every project gets (unused engines, …), then the required engine's check."""
    findings = list(analysis.database.findings)
    if constraints is not None and constraints.database:
        findings.extend(check(analysis.database, constraints.database))
    return findings
