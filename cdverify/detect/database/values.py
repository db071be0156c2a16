"""What a value in code may be at run time, for the database detector: the URLs it can hold, the
environment variable that switches it, and whether its scheme is rewritten on the way. Follows names
assigned elsewhere in run-time code (`create_engine(settings.DATABASE_URL)`), at most `HOPS` deep, and
the variables that `.env` files and Compose set."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from cdverify.manifests import Manifests, Setting
from cdverify.model import FileFacts, Scope, Text, Value
from cdverify.rules_schema import Reader

HOPS = 3  # how many assignments deep a name is followed
ENVIRONMENT_SOURCES = (Reader.ENV_FILE, Reader.COMPOSE)  # settings that are environment variables
_RUNTIME_SCOPES = frozenset({Scope.APPLICATION, Scope.CONFIG})


class Candidate(NamedTuple):
    """A URL a value may hold, where it comes from, and the variable that selects it ("" = none)."""

    url: Text
    detail: str
    switch: str
    default: bool = False  # the fallback of `switch`: the URL holds when the variable is unset


class Values:
    """Follows values through assignments and the environment, each value and hop at most once."""

    def __init__(
        self, facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope], manifests: Manifests
    ) -> None:
        # Names assigned anywhere in run-time code, for `create_engine(settings.DATABASE_URL)`.
        self.assigned: dict[str, list[tuple[str, Value]]] = {}
        for path, file_facts in facts.items():
            if scopes.get(path) not in _RUNTIME_SCOPES:
                continue
            for assignment in file_facts.assignments:
                self.assigned.setdefault(assignment.key.lower(), []).append((path, assignment.value))
        self.env: dict[str, list[Setting]] = {}  # variable → where `.env` files and Compose set it
        for setting in manifests.settings:
            if setting.source in ENVIRONMENT_SOURCES:
                self.env.setdefault(setting.key, []).append(setting)
        self.claimed_urls: set[tuple[str, Text]] = set()  # (file, URL) used by a connection or config
        # what following an assigned value gave, by (id of the value in `assigned`, hop)
        self._urls: dict[tuple[int, int], list[Candidate]] = {}
        self._switches: dict[tuple[int, int], str] = {}
        self._rewrites: dict[tuple[int, int], bool] = {}

    def _others(self, value: Value) -> list[tuple[str, Value]]:
        """The values assigned to the names `value` reads, and returned by the project functions it calls
        (`config.get_postgres_uri()`: a return is recorded as an assignment to the function's name), itself
        excepted."""
        out = [(path, other) for name in value.names for path, other in self.assigned.get(name.lower(), [])]
        for callee in value.calls:
            module, _, function = callee.rpartition(".")
            for path, other in self.assigned.get(function.lower(), []):
                owner = _module_of(path)
                if module and (owner == module or owner.endswith(f".{module}")):
                    out.append((path, other))
        return [(path, other) for path, other in out if other is not value]

    def urls(self, path: str, value: Value, depth: int = 0) -> list[Candidate]:
        """The URL candidates of a value: literals, env defaults, `.env` values, and the values of names
        assigned elsewhere (one hop per level, at most `HOPS`), each candidate once."""
        out: list[Candidate] = []
        for literal in value.strings:
            self.claimed_urls.add((path, literal))
        switch = value.env[0] if value.env else ""
        for literal in value.strings:
            detail = f"default when ${switch} is unset" if switch else ""
            out.append(Candidate(literal, detail, switch, default=bool(switch)))
        for variable in value.env:
            for setting in self.env.get(variable, []):
                out.append(
                    Candidate(setting.value, f"${variable} in {setting.file}:{setting.line}", variable)
                )
        if depth < HOPS:
            for other_path, other in self._others(value):
                for inner in self._assigned_urls(other_path, other, depth + 1):
                    self.claimed_urls.add((other_path, inner.url))
                    out.append(inner._replace(switch=inner.switch or switch))
            for name in value.names:
                # pydantic-style settings read the variable of the same name from the environment
                variable = name.upper()
                for setting in self.env.get(variable, []):
                    out.append(
                        Candidate(setting.value, f"${variable} in {setting.file}:{setting.line}", variable)
                    )
        return list(dict.fromkeys(out))

    def env_engines(self, value: Value, engine_of: Callable[[str], str | None]) -> list[tuple[str, str, str]]:
        """The engines the variables a value reads are set to in `.env` files (examples included) and
        Compose — `client: process.env.DB_CLIENT` with `DB_CLIENT=pg`: (engine, detail, variable)."""
        out = []
        for variable in value.env:
            for setting in self.env.get(variable, []):
                engine = engine_of(setting.value)
                if engine is not None:
                    detail = f"${variable}={setting.value} in {setting.file}:{setting.line}"
                    out.append((engine, detail, variable))
        return out

    def _assigned_urls(self, path: str, value: Value, depth: int) -> list[Candidate]:
        """`urls` of an assigned value, computed once per value and hop: a name assigned from itself a
        thousand times (`DATABASE_URL = DATABASE_URL`) would otherwise cost a thousand cubed walks."""
        key = (id(value), depth)
        if key not in self._urls:
            self._urls[key] = self.urls(path, value, depth)
        return self._urls[key]

    def switch(self, path: str, value: Value, depth: int = 0) -> str:
        """The environment variable the value reads, itself or through the names it reads ("" = none)."""
        if value.env:
            return value.env[0]
        if depth < HOPS:
            for _, other in self._others(value):
                if other is not value:
                    key = (id(other), depth + 1)
                    if key not in self._switches:  # once per value and hop, as `_assigned_urls`
                        self._switches[key] = self.switch(path, other, depth + 1)
                    if self._switches[key]:
                        return self._switches[key]
        return ""

    def rewritten(self, value: Value, prefix: str, depth: int = 0) -> bool:
        """Whether the value, or one it reads, has `.replace(old, …)` applied with `old` starting `prefix`."""
        if any(old.startswith(prefix) for old, _ in value.rewrites):
            return True
        if depth < HOPS:
            for _, other in self._others(value):
                if other is value:
                    continue
                key = (id(other), depth + 1)
                if key not in self._rewrites:  # once per value and hop, as `_assigned_urls`
                    self._rewrites[key] = self.rewritten(other, prefix, depth + 1)
                if self._rewrites[key]:
                    return True
        return False


def _module_of(path: str) -> str:
    """The dotted Python module of a project file: `src/allocation/config.py` → `src.allocation.config`."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
