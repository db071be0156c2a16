"""One collection of database evidence in progress: the project it reads (facts, scopes, manifests),
the catalogue, the value follower, and what has been found so far. The readers of code
(`connections.py`, `code.py`, `imports.py`) and of the other project files (`files.py`) add to it."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from cdverify.detect.database.catalogue import Catalogue, catalogue
from cdverify.detect.database.report import Evidence, EvidenceKind, RejectedUrl, StartupStop
from cdverify.detect.database.settings import (
    RequiredSetting,
    example_loader,
    json_schema_settings,
    listed_setting,
    settings_fields,
)
from cdverify.detect.database.values import Values
from cdverify.manifest_records import Manifests, Setting
from cdverify.model import FileFacts, Location, Scope, Text, Value, shown
from cdverify.rules_schema import Reader


class Collection:
    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        scopes: Mapping[str, Scope],
        manifests: Manifests,
        idle: frozenset[str] = frozenset(),
    ) -> None:
        self.facts = facts
        # libraries application code uses for no data (Supabase for sign-in alone: detect/data_calls.py):
        # their clients reach no engine, and the start-up stops their calls make are `client_stops`
        self.idle = idle
        self.client_stops: list[StartupStop] = []
        self.scopes = scopes
        self.manifests = manifests
        self.catalogue: Catalogue = catalogue()
        self.evidence: list[Evidence] = []
        self.rejected: list[RejectedUrl] = []
        self.claimed: set[tuple[str, int]] = set()  # (file, line) already explained by a stronger item
        self._runtime_facts: dict[str, FileFacts] | None = None
        self.settings_fields = settings_fields(self.runtime_facts(), self.catalogue.settings_classes)
        self.values = Values(facts, scopes, manifests, self.settings_fields)
        # where run-time code loads `.env` checking the example's variables (dotenv-safe), once asked
        self._example_loader: tuple[str, str, int] | bool | None = False
        self._json_required: dict[str, RequiredSetting] | None = None
        self._file_names: frozenset[str] | None = None  # the names of the project's files, once asked
        # (specifier, names, Python?) → what importing it shows (imports.py): computed once per import
        self.import_verdicts: dict[
            tuple[str, tuple[str, ...], bool], tuple[str, EvidenceKind, str] | tuple[()]
        ] = {}

    def reading(self) -> Collection:
        """This collection as one file's read sees it: nothing found yet, its values noting what the read
        looks up (`Values.reading`); what it finds is added to this one in the order of the files."""
        mine = copy.copy(self)
        mine.evidence, mine.rejected, mine.claimed = [], [], set()
        mine.values = self.values.reading()
        return mine

    def schema_setting(self, values: Iterable[Value]) -> RequiredSetting | None:
        """The first variable `values` read by name (`fastify.config.MYSQL_USER`) that a JSON schema of the
        environment (@fastify/env, env-schema) requires with no default; None otherwise."""
        if self._json_required is None:
            schemas = self.catalogue.env_json_schemas
            self._json_required = json_schema_settings(self.runtime_facts(), schemas)
        if not self._json_required:
            return None
        names = (name for value in values for name in value.names)
        return next((self._json_required[n] for n in names if n in self._json_required), None)

    def listed_setting(self, variables: Iterable[str]) -> RequiredSetting | None:
        """The first of `variables` an example env file lists, when run-time code loads its `.env` with a
        loader that throws while one of those is unset (dotenv-safe); None otherwise."""
        if self._example_loader is False:
            self._example_loader = example_loader(self.runtime_facts(), self.catalogue.env_example_loaders)
        if not isinstance(self._example_loader, tuple):
            return None
        examples: dict[str, list[Setting]] = {}
        for setting in self.manifests.settings:
            name = PurePosixPath(setting.file).name
            if setting.source is Reader.ENV_FILE and self.catalogue.example_settings.search(name):
                examples.setdefault(setting.key, []).append(setting)
        return listed_setting(variables, self._example_loader, examples)

    def runtime_facts(self) -> dict[str, FileFacts]:
        """The facts of application and configuration files (where start-up code is)."""
        if self._runtime_facts is None:
            runtime = (Scope.APPLICATION, Scope.CONFIG)
            self._runtime_facts = {p: f for p, f in self.facts.items() if self.scope_of(p) in runtime}
        return self._runtime_facts

    def tests_file(self, path: str) -> bool:
        """Whether a settings file's name says it is the tests' (`.env.test`, `config.test.json`)."""
        name = PurePosixPath(path).name
        words = self.catalogue.settings_files.test_words
        return any(name.endswith(f".{word}") or f".{word}." in name for word in words)

    def has_file(self, name: str) -> bool:
        """Whether the project has a file of that name (`ormconfig.yml`), in any folder."""
        if self._file_names is None:
            self._file_names = frozenset(PurePosixPath(path).name for path in self.scopes)
        return name in self._file_names

    def scope_of(self, path: str) -> Scope:
        return self.scopes.get(path, Scope.APPLICATION)

    def add(self, evidence: Evidence, *, claims: bool = False) -> None:
        """Record an item; `claims`: its line is explained, a URL written there is no mere mention."""
        self.evidence.append(evidence)
        if claims:
            self.claimed.add((evidence.file, evidence.line))

    def rejected_scheme(self, url: Text) -> bool:
        """Whether SQLAlchemy rejects the URL's scheme (`postgres://`)."""
        head = url if isinstance(url, str) else url.head
        return head.lower().startswith(self.catalogue.sqlalchemy.rejected_scheme)

    def rejects(self, url: Text, value: Value) -> bool:
        """Whether the URL reaches SQLAlchemy in the rejected scheme: nothing on the way rewrites it."""
        known = self.catalogue.sqlalchemy
        prefix = known.rejected_scheme.removesuffix("//")
        legacy = any(callee in known.legacy_builders for callee in value.calls)  # `URL('postgres', …)`
        return self.rejected_scheme(url) and not legacy and not self.values.rewritten(value, prefix)

    def reject(self, location: Location, text: str, url: Text, detail: str) -> None:
        self.rejected.append(RejectedUrl(location, text, shown(url), detail))

    def drivers(self, engines: Iterable[str], unusable: Iterable[str] = ()) -> list[str]:
        """Those of `engines` whose driver the project declares as a run-time dependency (not one of the
        `unusable` packages)."""
        declared: set[str] = set()
        skipped = {name.lower() for name in unusable}
        for dep in self.manifests.dependencies:
            if dep.dev or dep.name.lower() in skipped:
                continue
            index = self.catalogue.by_python_package if dep.ecosystem == "python" else self.catalogue.by_npm
            engine = index.get(dep.name)
            if engine is not None:
                declared.add(engine)
        return [engine for engine in engines if engine in declared]
