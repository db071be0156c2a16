"""The engines an application runs on in a declared harness environment: the variables the harness sets
(the paper's sets none: no DATABASE_URL; PostgreSQL tasks give the agent literal settings instead), and
the project's own `.env` files for what the harness leaves unset.

An evidence item switched by a variable holds in that environment when the variable is unset and the
item is the variable's fallback (`os.getenv("DATABASE_URL", "sqlite://…")`), or when the variable is set
and the item needs it set — to a value naming the item's engine, when the value names one. Hard-wired
items, and items chosen by one of several configurations (which the environment does not say), hold.
A connection whose URL only an unset variable gives (no fallback in code) means the application cannot
start there: no engine holds. An application with no run-time engine that holds there has no database
it can start with either."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from cdverify import run_script
from cdverify.detect.database.catalogue import engine_of_url, engine_of_value, label
from cdverify.detect.database.report import DatabaseReport, EngineStatus, Evidence, EvidenceKind, StartupStop
from cdverify.detect.database.startup import StartupRead
from cdverify.model import Scope

PAPER = "paper"  # the name of the paper's harness environment
DECLARED = "declared"  # an environment the user declares (`harness_env`, `--env`) for another task


class HarnessEnvironment(msgspec.Struct, frozen=True):
    """The variables the app sees where it is evaluated: `name` says which (`paper`, `declared`)."""

    name: str
    variables: Mapping[str, str] = msgspec.field(default_factory=dict)

    def describe(self) -> str:
        """How messages name it: `the paper's harness (no DATABASE_URL or other app variables)`."""
        if self.name == PAPER and not self.variables:
            return "the paper's harness environment (no DATABASE_URL or other app variables)"
        shown = ", ".join(f"{key}={value}" for key, value in sorted(self.variables.items()))
        where = (
            "the paper's harness environment" if self.name == PAPER else "the declared harness environment"
        )
        return f"{where} ({shown or 'no variables'})"

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "variables": dict(sorted(self.variables.items()))}


PAPER_ENVIRONMENT = HarnessEnvironment(PAPER)
_FALSE = frozenset({"0", "false", "no"})  # values that leave a flag off (Flask's `get_debug_flag`)
_SETTINGS = (EvidenceKind.CONNECTION, EvidenceKind.CONFIG)  # what a module's import must run to connect


class HarnessEngines(msgspec.Struct, frozen=True):
    """The run-time engines that hold in an environment, each with the evidence that holds there, and the
    run-time items that do not (for the explanation)."""

    environment: HarnessEnvironment
    holding: dict[str, tuple[Evidence, ...]]  # engine → its run-time evidence that holds
    dropped: tuple[Evidence, ...]  # run-time evidence that does not hold there
    # connections whose URL only a variable unset there gives: the application cannot start, no engine holds
    blocked: tuple[Evidence, ...] = ()
    # start-up checks that fail there (`if (!process.env.DATABASE_URL) throw …`): it cannot start at all
    stopped: tuple[StartupStop, ...] = ()

    @property
    def engines(self) -> list[str]:
        return sorted(self.holding)

    def why_not(self, engine: str) -> str:
        """Why `engine`'s run-time evidence does not hold: the first dropped item, explained."""
        if self.stopped:
            return self.stopped[0].describe()
        if self.blocked:
            item = self.blocked[0]
            reason = f" ({item.required_by})" if item.required_by else ""
            needs = f"needs ${item.required_env}, which is unset there"
            return f"{item.text} at {item.file}:{item.line} {needs}{reason}"
        dropped = next((e for e in self.dropped if e.engine == engine), None)
        if dropped is None:
            return ""
        item = dropped
        state = "unset" if item.default else "set"
        return f"{item.detail or item.kind}: holds only when ${item.switch} is {state}"


def seen(report: DatabaseReport, environment: HarnessEnvironment, env_file: bool = True) -> dict[str, str]:
    """The variables the application sees in `environment`: those it sets and those the run script that
    starts the server sets on top (`export DATABASE_URL=…` in run.sh), else the project's `.env` files
    (not before they are loaded: `env_file` False), else (in the paper's harness) a runtime's file the
    application loads."""
    runtime = dict(report.paper_runtime) if environment.name == PAPER else {}
    started = run_script.environment(report.run_script, environment.variables)
    return {**runtime, **(dict(report.env_file) if env_file else {}), **started}


def unset_reads(report: DatabaseReport, environment: HarnessEnvironment) -> list[StartupRead]:
    """The reads at start-up that raise in `environment`: their variable is unset there (where a read is made
    before the project's `.env` is loaded, that file does not set it)."""
    variables = seen(report, environment)
    early = seen(report, environment, env_file=False)
    return [
        read
        for read in report.startup_reads
        if not (early if read.unloaded else variables).get(read.variable)
    ]


def in_harness(report: DatabaseReport, environment: HarnessEnvironment) -> HarnessEngines:
    """Which of the application's run-time engines it runs on in `environment`."""
    variables = seen(report, environment)
    holding: dict[str, tuple[Evidence, ...]] = {}
    dropped: list[Evidence] = []
    blocked: list[Evidence] = []
    for use in report.uses.values():
        if use.status is not EngineStatus.RUNTIME:
            continue
        for item in use.evidence:
            if not item.at_run_time:
                continue
            if item.required_env and not variables.get(item.required_env) and item.scope is Scope.APPLICATION:
                blocked.append(item)
            if holds(item, variables):
                holding[use.engine] = (*holding.get(use.engine, ()), item)
            else:
                dropped.append(item)
    early = seen(report, environment, env_file=False)  # for a check evaluated before `.env` is loaded
    stopped = tuple(stop for stop in report.stops if stop.stops(early if stop.unloaded else variables))
    if stopped:  # the application stops at start-up: no engine holds
        return HarnessEngines(environment, {}, tuple(dropped), tuple(blocked), stopped)
    # a dialect named in a tool's configuration file (drizzle.config.ts's `dialect: 'turso'`) connects
    # nothing: it is no other connection that holds
    connected = any(
        item.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG)
        and item not in blocked
        and not (item.value_key and item.scope is Scope.CONFIG)
        for items in holding.values()
        for item in items
    )
    if blocked and not connected:  # another connection that holds says the blocked one is a branch not taken
        return HarnessEngines(environment, {}, tuple(dropped), tuple(blocked))
    holding, undecided = _selected(holding)
    holding, lazy = _lazy_only(holding)
    dropped.extend(lazy)
    dropped.extend(undecided)
    read = next(iter(unset_reads(report, environment)), None)
    if read is not None and holding:  # a read at start-up raises: the application cannot start
        raising = _stopped(holding, read)
        if raising is not None:  # blocking the connection or configuration it would run with
            return HarnessEngines(environment, {}, tuple(dropped), (raising,))
        reason = f"{read.label} when ${read.variable} is unset"
        stop = StartupStop(read.file, read.line, read.text, (read.variable,), reason)
        return HarnessEngines(environment, {}, tuple(dropped), (), (stop,))
    return HarnessEngines(environment, holding, tuple(dropped))


def _selected(
    holding: dict[str, tuple[Evidence, ...]],
) -> tuple[dict[str, tuple[Evidence, ...]], list[Evidence]]:
    """`holding` narrowed by the engine a value key names where it holds (`DB_ENGINE = os.getenv("DB_ENGINE",
    "sqlite")`, a settings field `DB_ENGINE: str = "sqlite"`), and the items left out: another engine goes
    when all its items are URLs one of several configurations gives (`if DB_ENGINE == "postgres": return
    …`) or connections at a call that reaches the named engine too (its URL is one of those). None goes
    when no value key, or value keys naming several engines, hold."""
    named = {
        e.engine
        for items in holding.values()
        for e in items
        if e.value_key and not e.configuration and e.kind is EvidenceKind.CONFIG
    }
    if len(named) != 1:
        return holding, []
    (chosen,) = named
    sites = {(e.file, e.line) for e in holding[chosen] if e.kind is EvidenceKind.CONNECTION}

    def undecided(item: Evidence) -> bool:
        if item.kind is EvidenceKind.CONFIG:
            return item.configuration and not item.value_key
        return item.kind is EvidenceKind.CONNECTION and not item.switch and (item.file, item.line) in sites

    kept: dict[str, tuple[Evidence, ...]] = {}
    left: list[Evidence] = []
    for engine, items in holding.items():
        if engine != chosen and all(undecided(item) for item in items):
            left.extend(items)
        else:
            kept[engine] = items
    return kept, left


def _lazy_only(
    holding: dict[str, tuple[Evidence, ...]],
) -> tuple[dict[str, tuple[Evidence, ...]], list[Evidence]]:
    """`holding` without the engines only engine modules imported inside a function show (`lazy`: a
    TypeDecorator's `load_dialect_impl` importing PostgreSQL's UUID under `if dialect.name == "postgresql"`),
    where a connection or configuration of another engine holds: that function runs on the engine connected,
    and the import says the code supports another, not that the application connects to it. The items left
    out are returned."""
    connected = any(item.kind in _SETTINGS for items in holding.values() for item in items)
    if not connected:
        return holding, []
    kept: dict[str, tuple[Evidence, ...]] = {}
    left: list[Evidence] = []
    for engine, items in holding.items():
        if all(item.kind is EvidenceKind.DIALECT and item.lazy for item in items):
            left.extend(items)
        else:
            kept[engine] = items
    return kept, left


def _stopped(holding: Mapping[str, tuple[Evidence, ...]], read: StartupRead) -> Evidence | None:
    """The strongest connection or configuration that holds, as blocked by `read`, a read at start-up that
    raises where its variable is unset (`SECRET_KEY = os.environ["SECRET_KEY"]` in a settings module);
    None when only other evidence holds (a dialect's import: the read stops the application all the same)."""
    items = [e for items in holding.values() for e in items if e.kind in _SETTINGS]
    if not items:
        return None
    item = min(items, key=lambda e: (e.file != read.file, e.rank, e.file, e.line))
    return item._replace(required_env=read.variable, required_by=read.describe())


def holds(item: Evidence, variables: Mapping[str, str]) -> bool:
    """Whether an evidence item holds when exactly `variables` are set."""
    if item.flag:  # a configuration a flag picks: on where its variable (one of them) is set to a true value
        flags = (variables.get(name, "").strip().lower() for name in item.flag.split(","))
        return any(flag and flag not in _FALSE for flag in flags) == item.flag_on
    if item.guarded and item.when:  # a `case` of a `switch` on the variable: taken on its value only
        given = variables.get(item.switch, "").strip().lower()
        if not given:  # unset: a branch of `if (client === "sqlite")` is taken as the fallback in code says
            return item.default
        return (given == item.when.strip().lower()) != item.otherwise
    if not item.switch or item.guarded:
        return True  # hard-wired, chosen by a configuration or a condition the environment does not decide
    value = variables.get(item.switch)
    if value is None or value == "":
        return item.default
    if item.default:
        return False
    named = engine_of_url(value) or engine_of_value(value)
    return named is None or named == item.engine


def describe_run(found: HarnessEngines) -> str:
    """`SQLite (URL sqlite:///app.db, default when $DATABASE_URL is unset)`: what the app runs on there."""
    parts = []
    for engine in found.engines:
        strongest = min(found.holding[engine], key=lambda e: (e.rank, e.file, e.line))
        parts.append(f"{label(engine)} ({strongest.detail or strongest.kind})")
    return ", ".join(parts)
