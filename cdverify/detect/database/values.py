"""What a value in code may be at run time, for the database detector: the URLs it can hold, the
environment variable that switches it, and whether its scheme is rewritten on the way. Follows names
assigned elsewhere in run-time code (`create_engine(settings.DATABASE_URL)`), at most `HOPS` deep, and
the variables that `.env` files and Compose set."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import NamedTuple, TypeVar

from cdverify.catalog import load_rules
from cdverify.detect.database.settings import SettingsField
from cdverify.manifest_records import Manifests, Setting
from cdverify.model import FileFacts, Scope, Text, Value
from cdverify.rules_schema import ManifestFiles, Reader

HOPS = 3  # how many assignments deep a name is followed
# node-config's getter (`config.get("db.url")`, also through a default import); `config.db.url` reads the
# same key as a property of the package
NODE_CONFIG_GETTERS = ("config.get", "config.default.get")
_NODE_CONFIG_ROOTS = ("config.default.", "config.")
_NODE_ENV_BASE = ("default", "development", "local")  # files node-config loads when NODE_ENV is unset
# dynaconf's environments that hold where ENV_FOR_DYNACONF is unset ("": a top-level key)
DYNACONF_BASE = ("", "default", "global", "development")
# settings that are environment variables: env files, Compose `environment`, the run script's exports
ENVIRONMENT_SOURCES = (Reader.ENV_FILE, Reader.COMPOSE, Reader.RUN_SCRIPT)
_RUNTIME_SCOPES = frozenset({Scope.APPLICATION, Scope.CONFIG})
T = TypeVar("T")


class Candidate(NamedTuple):
    """A URL a value may hold, where it comes from, and the variable that selects it ("" = none)."""

    url: Text
    detail: str
    switch: str
    default: bool = False  # the fallback of `switch`: the URL holds when the variable is unset


class Trail(NamedTuple):
    """What a walk (or one file's read) looked up and claimed so far (see `Values.reading`)."""

    names: set[str]  # names looked up in `assigned`
    claims: set[tuple[str, Text]]  # URLs claimed
    walks: set[tuple[str, int, int]]  # memoised walks whose names and claims are noted here


class Values:
    """Follows values through assignments and the environment, each value and hop at most once."""

    def __init__(
        self,
        facts: Mapping[str, FileFacts],
        scopes: Mapping[str, Scope],
        manifests: Manifests,
        fields: Mapping[str, list[SettingsField]] | None = None,
    ) -> None:
        # Fields of settings classes (pydantic `BaseSettings`) by name in lower case: each reads its variable.
        self.fields: Mapping[str, list[SettingsField]] = fields or {}
        defaults = {
            (f.file, f.line): f.variable for found in self.fields.values() for f in found if f.default
        }
        self.field_defaults: dict[int, str] = {}  # id of a field's default value → the variable it reads
        # Names assigned anywhere in run-time code, for `create_engine(settings.DATABASE_URL)`.
        self.assigned: dict[str, list[tuple[str, Value]]] = {}
        for path, file_facts in facts.items():
            if scopes.get(path) not in _RUNTIME_SCOPES:
                continue
            for assignment in file_facts.assignments:
                self.assigned.setdefault(assignment.key.lower(), []).append((path, assignment.value))
                variable = defaults.get((path, assignment.line)) if defaults else None
                if variable is not None and not assignment.scope and assignment.key.lower() in self.fields:
                    self.field_defaults[id(assignment.value)] = variable
        self.env: dict[str, list[Setting]] = {}  # variable → where `.env` files and Compose set it
        for setting in manifests.settings:
            if setting.source in ENVIRONMENT_SOURCES:
                self.env.setdefault(setting.key, []).append(setting)
        self.node_config: dict[str, list[Setting]] = {}  # dotted key → its values in node-config files
        self.node_env: dict[str, str] = {}  # dotted key → the variable custom-environment-variables maps
        for setting in manifests.settings:
            if setting.source is Reader.NODE_CONFIG and setting.env_var:
                self.node_env[setting.key] = setting.env_var
            elif setting.source is Reader.NODE_CONFIG:
                self.node_config.setdefault(setting.key, []).append(setting)
        # key in lower case → its values in dynaconf settings files, where run-time code makes such an object
        self.dynaconf: dict[str, list[Setting]] = {}
        loaded = [setting for setting in manifests.settings if setting.source is Reader.DYNACONF]
        if loaded and _loads_dynaconf(facts, scopes):
            for setting in loaded:
                self.dynaconf.setdefault(setting.key.lower(), []).append(setting)
        self.config_keys: dict[str, tuple[str, ...]] = {}  # file → the keys its `config.get("…")` calls read
        if self.node_config or self.node_env:  # only projects with node-config files pay for the walk
            for path, file_facts in facts.items():
                keys = tuple(
                    call.args[0].literals[0]
                    for call in file_facts.calls
                    if call.callee in NODE_CONFIG_GETTERS and call.args and call.args[0].literals
                )
                if keys and scopes.get(path) in _RUNTIME_SCOPES:
                    self.config_keys[path] = keys
        self.claimed_urls: set[tuple[str, Text]] = set()  # (file, URL) used by a connection or config
        # what following an assigned value gave, by (id of the value in `assigned`, hop)
        self._urls: dict[tuple[int, int], list[Candidate]] = {}
        self._switches: dict[tuple[int, int], str] = {}
        self._rewrites: dict[tuple[int, int], bool] = {}
        # the names each walk looked up in `assigned` and the URLs it claimed, innermost walk last, and
        # those of every memoised walk by (memo, value id, hop): see `reading`
        self._trail: list[Trail] = [Trail(set(), set(), set())]
        self._under: dict[tuple[str, int, int], tuple[set[str], set[tuple[str, Text]]]] = {}

    def reading(self) -> Values:
        """These values as one file's read sees them: its own claimed URLs and trail, so that what the read
        looked up in `assigned` is known (`looked`), memoised walks included (each walk keeps what it
        looked up and claimed, `_memoised`)."""
        mine = copy.copy(self)
        mine.claimed_urls = set()
        mine._trail = [Trail(set(), set(), set())]
        return mine

    def looked(self) -> list[str]:
        """The names a read looked up in `assigned` (see `reading`), sorted."""
        return sorted(self._trail[0].names)

    def _memoised(
        self, kind: str, memo: dict[tuple[int, int], T], key: tuple[int, int], walk: Callable[[], T]
    ) -> T:
        """`walk()`, once per `key` in `memo`; what it looked up and claimed is noted again on each use (once
        per walk that uses it)."""
        under = (kind, *key)
        top = self._trail[-1]
        if key in memo:
            if under in top.walks:  # noted there already
                return memo[key]
            names, claims = self._under[under]
        else:
            self._trail.append(Trail(set(), set(), set()))
            try:
                memo[key] = walk()
            finally:
                names, claims, _ = self._trail.pop()
            self._under[under] = (names, claims)
        top.walks.add(under)
        if names:
            top.names.update(names)
        if claims:
            top.claims.update(claims)
            self.claimed_urls.update(claims)
        return memo[key]

    def _claim(self, path: str, url: Text) -> None:
        self.claimed_urls.add((path, url))
        self._trail[-1].claims.add((path, url))

    def _others(self, value: Value) -> list[tuple[str, Value]]:
        """The values assigned to the names `value` reads, and returned by the project functions it calls
        (`config.get_postgres_uri()`: a return is recorded as an assignment to the function's name), itself
        excepted."""
        looked = self._trail[-1].names
        out = []
        for name in value.names:
            looked.add(name.lower())
            out.extend(self.assigned.get(name.lower(), []))
        for callee in value.calls:
            module, _, function = callee.rpartition(".")
            if not module:  # a bare call names no module to find the function in
                continue
            looked.add(function.lower())
            for path, other in self.assigned.get(function.lower(), []):
                owner = _module_of(path)
                if owner == module or owner.endswith(f".{module}"):
                    out.append((path, other))
        return [(path, other) for path, other in out if other is not value]

    def urls(self, path: str, value: Value, depth: int = 0) -> list[Candidate]:
        """The URL candidates of a value: literals, env defaults, `.env` values, and the values of names
        assigned elsewhere (one hop per level, at most `HOPS`), each candidate once."""
        out: list[Candidate] = []
        for literal in value.strings:
            self._claim(path, literal)
        switch = value.env[0] if value.env else ""
        if not switch and value.strings and self.fields:  # `self.database_url or f"mysql+aiomysql://…"`
            switch = next(filter(None, map(self._unset_field, value.names)), "")
        for literal in value.strings:
            detail = f"default when ${switch} is unset" if switch else ""
            out.append(Candidate(literal, detail, switch, default=bool(switch)))
        for variable in value.env:
            for setting in self.env.get(variable, []):
                out.append(
                    Candidate(setting.value, f"${variable} in {setting.file}:{setting.line}", variable)
                )
        for key in self.node_keys(path, value):
            out.extend(self._node_candidates(key))
        if depth < HOPS:
            others = self._others(value)
            read = "" if switch else self._bare_read(other for _, other in others)
            for other_path, other in others:
                field = self.field_defaults.get(id(other), "")  # a settings field's default
                for inner in self._assigned_urls(other_path, other, depth + 1):
                    self._claim(other_path, inner.url)
                    if field and not inner.switch:  # the URL where the field's variable is unset
                        detail = f"default of a settings field when ${field} is unset"
                        inner = inner._replace(switch=field, default=True, detail=detail)
                    elif read and not inner.switch:  # `if self.database_url: return self.database_url`
                        detail = f"default when ${read} is unset"
                        inner = inner._replace(switch=read, default=True, detail=detail)
                    out.append(inner._replace(switch=inner.switch or switch))
            for name in (*value.names, *self._dynaconf_paths(value)):
                out.extend(self._dynaconf_candidates(name))
                # pydantic-style settings read the variable of the same name from the environment
                variable = name.upper()
                for setting in self.env.get(variable, []):
                    out.append(
                        Candidate(setting.value, f"${variable} in {setting.file}:{setting.line}", variable)
                    )
        return list(dict.fromkeys(out))

    def _bare_read(self, alternatives: Iterable[Value]) -> str:
        """The variable one of a value's alternatives (the returns of a function, the assignments of a name)
        is alone, with nothing written beside it: `return os.environ.get("DATABASE_URL")`, or `return
        self.database_url` of a settings field whose default is no URL (pydantic's `database_url: str | None
        = None`). The others are then what the value is where that variable is unset (`if
        self.database_url: return self.database_url` then `return f"mysql+aiomysql://…"`); "" for none."""
        for other in alternatives:
            if other.strings or other.numbers or other.calls:
                continue
            if len(other.env) == 1 and not other.names:
                return other.env[0]
            if len(other.names) == 1 and not other.env:
                variable = self._unset_field(other.names[0])
                if variable:
                    return variable
        return ""

    def _unset_field(self, name: str) -> str:
        """The variable of the settings field `name` where it has a default that is no URL (`None`, `""`),
        "" otherwise (no such field, one with a written default, or one a dotenv file outside the project
        may set)."""
        found = self.fields.get(name.lower())
        if not found or not found[0].default or found[0].elsewhere:
            return ""
        defaults = [v for _, v in self.assigned.get(name.lower(), []) if id(v) in self.field_defaults]
        if any(v.env or v.names or v.calls or any(v.strings) for v in defaults):
            return ""
        return found[0].variable

    def node_keys(self, path: str, value: Value) -> list[str]:
        """The node-config keys a value reads: `config.get("db.url")` (the literal keys of the file's
        getter calls) or `config.db.url` (a key the config files define)."""
        if not (self.node_config or self.node_env) or not value.calls:
            return []
        keys: list[str] = []
        for callee in value.calls:
            if callee.removesuffix("()") in NODE_CONFIG_GETTERS:
                keys += self.config_keys.get(path, ())
                continue
            root = next((r for r in _NODE_CONFIG_ROOTS if callee.startswith(r)), "")
            key = callee[len(root) :]
            if root and (key in self.node_config or key in self.node_env):
                keys.append(key)
        return list(dict.fromkeys(keys))

    def config_engines(
        self, path: str, value: Value, engine_of: Callable[[str], str | None]
    ) -> list[tuple[str, str, str, bool]]:
        """The engines the node-config values a value reads name (`client: config.get("db.client")` with
        `client: sqlite3` in config/default.yml): (engine, detail, switch, the switch's default)."""
        out = []
        for key in self._node_keys_followed(path, value):
            for candidate in self._node_candidates(key):
                engine = engine_of(candidate.url) if isinstance(candidate.url, str) else None
                if engine is not None:
                    out.append(
                        (
                            engine,
                            f"{candidate.url!r}, {candidate.detail}",
                            candidate.switch,
                            candidate.default,
                        )
                    )
        return out

    def _node_keys_followed(self, path: str, value: Value, depth: int = 0) -> list[str]:
        """`node_keys` of the value and of the values assigned to the names it reads (`const client =
        config.get("db.client")` then `{ client }`), at most `HOPS` deep."""
        if not (self.node_config or self.node_env):
            return []
        keys = self.node_keys(path, value)
        if depth < HOPS:
            for other_path, other in self._others(value):
                keys += self._node_keys_followed(other_path, other, depth + 1)
        return list(dict.fromkeys(keys))

    def _node_candidates(self, key: str) -> list[Candidate]:
        """A node-config key's values: default/development/local files hold when NODE_ENV is unset (and the
        variable custom-environment-variables maps the key to is unset); other NODE_ENV files only when
        NODE_ENV names them; test files never at run time; the mapped variable's `.env` values too."""
        variable = self.node_env.get(key, "")
        out = []
        for setting in self.node_config.get(key, []):
            section = setting.section
            if section == "test" or section.startswith(("test-", "test.")):
                continue
            base = section.split("-")[0].split(".")[0] in _NODE_ENV_BASE
            where = f"{key} in {setting.file}:{setting.line}"
            if base:
                detail = f"{where}, unless ${variable} is set" if variable else where
                out.append(Candidate(setting.value, detail, variable, default=bool(variable)))
            else:
                out.append(
                    Candidate(setting.value, f"{where}, when NODE_ENV={section}", variable or "NODE_ENV")
                )
        for setting in self.env.get(variable, []) if variable else []:
            out.append(Candidate(setting.value, f"${variable} in {setting.file}:{setting.line}", variable))
        return out

    def _dynaconf_paths(self, value: Value) -> list[str]:
        """The dotted paths of nested dynaconf values a value may read (`settings.db.url` → `db.url`,
        `settings.db.url`, …), where the settings files have nested values."""
        if not any("." in key for key in self.dynaconf):
            return []
        out = []
        for callee in value.calls:
            if callee.endswith(")"):
                continue
            parts = callee.split(".")
            out += [".".join(parts[i:]) for i in range(len(parts) - 2, -1, -1)]
        return out

    def _dynaconf_candidates(self, name: str) -> list[Candidate]:
        """The values dynaconf settings files give an attribute of the settings object (`settings.DB_URL`):
        top-level values and those of the `default`, `global` and `development` environments hold where
        ENV_FOR_DYNACONF is unset (the harness); another environment's only where it names that one; test
        environments never at run time. Where another environment sets the key too, the values that hold are
        ENV_FOR_DYNACONF's defaults."""
        found = [s for s in self.dynaconf.get(name.lower(), []) if not s.section.startswith("test")]
        chosen = any(s.section not in DYNACONF_BASE for s in found)
        out = []
        for setting in found:
            section = setting.section
            where = f"{setting.key} in {setting.file}:{setting.line}"
            if section in DYNACONF_BASE and chosen:
                detail = f"{where}, unless ENV_FOR_DYNACONF names another environment"
                out.append(Candidate(setting.value, detail, "ENV_FOR_DYNACONF", default=True))
            elif section in DYNACONF_BASE:
                out.append(Candidate(setting.value, where, ""))
            else:
                detail = f"{where}, when ENV_FOR_DYNACONF={section}"
                out.append(Candidate(setting.value, detail, "ENV_FOR_DYNACONF"))
        return out

    def env_engines(
        self,
        value: Value,
        engine_of: Callable[[str], str | None],
        skip: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, str, str]]:
        """The engines the variables a value reads are set to in `.env` files (examples included) and
        Compose — `client: process.env.DB_CLIENT` with `DB_CLIENT=pg`: (engine, detail, variable); a file
        `skip` says (the tests' `.env.test`, for run-time code) is not read."""
        out = []
        for variable in value.env:
            for setting in self.env.get(variable, []):
                if skip is not None and skip(setting.file):
                    continue
                engine = engine_of(setting.value)
                if engine is not None:
                    detail = f"${variable}={setting.value} in {setting.file}:{setting.line}"
                    out.append((engine, detail, variable))
        return out

    def _assigned_urls(self, path: str, value: Value, depth: int) -> list[Candidate]:
        """`urls` of an assigned value, computed once per value and hop: a name assigned from itself a
        thousand times (`DATABASE_URL = DATABASE_URL`) would otherwise cost a thousand cubed walks."""
        return self._memoised("urls", self._urls, (id(value), depth), lambda: self.urls(path, value, depth))

    def switch(self, path: str, value: Value, depth: int = 0) -> str:
        """The environment variable the value reads, itself or through the names it reads ("" = none)."""
        if value.env:
            return value.env[0]
        field = next(
            (
                f[0].variable
                for name in value.names
                if (f := self.fields.get(name.lower())) and not f[0].elsewhere
            ),
            "",
        )
        if field:
            return field  # `settings.database_url` of a settings class reads $DATABASE_URL
        mapped = next((self.node_env[k] for k in self.node_keys(path, value) if k in self.node_env), "")
        if mapped:
            return mapped
        if depth < HOPS:
            for _, other in self._others(value):
                if other is not value:
                    key = (id(other), depth + 1)  # once per value and hop, as `_assigned_urls`
                    walk = functools.partial(self.switch, path, other, depth + 1)
                    found = self._memoised("switch", self._switches, key, walk)
                    if found:
                        return found
        return ""

    def settings_field(self, value: Value, depth: int = 0) -> SettingsField | None:
        """The settings field a value reads, itself or through the names it reads: one with no default
        when no class gives the name one, else one with a default."""
        for name in value.names:
            found = self.fields.get(name.lower())
            if found:
                return next((f for f in found if f.default), found[0])
        if depth < HOPS and self.fields:
            for _, other in self._others(value):
                if other is not value and (field := self.settings_field(other, depth + 1)) is not None:
                    return field
        return None

    def rewritten(self, value: Value, prefix: str, depth: int = 0) -> bool:
        """Whether the value, or one it reads, has `.replace(old, …)` applied with `old` starting `prefix`."""
        if any(old.startswith(prefix) for old, _ in value.rewrites):
            return True
        if depth < HOPS:
            for _, other in self._others(value):
                if other is value:
                    continue
                key = (id(other), depth + 1)  # once per value and hop, as `_assigned_urls`
                walk = functools.partial(self.rewritten, other, prefix, depth + 1)
                if self._memoised("rewritten", self._rewrites, key, walk):
                    return True
        return False


def _loads_dynaconf(facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope]) -> bool:
    """Whether run-time code makes a dynaconf settings object (the `loaders` of rules/manifests.toml)."""
    entries = [entry for entry in load_rules(ManifestFiles).file if entry.reader is Reader.DYNACONF]
    loaders = {loader for entry in entries for loader in entry.loaders}
    return any(
        call.callee.removesuffix("()") in loaders
        for path, file_facts in facts.items()
        if scopes.get(path) in _RUNTIME_SCOPES
        for call in file_facts.calls
    )


@cache  # asked for every assignment of a called function's name, by every value calling it
def _module_of(path: str) -> str:
    """The dotted Python module of a project file: `src/allocation/config.py` → `src.allocation.config`."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
