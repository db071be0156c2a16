"""Connection calls (`create_engine(URL)`, `new Sequelize({dialect})`, `sqlite3.connect(…)`; listed in
rules/database/connections.toml): the engines each can reach, from its URL, its dialect, its driver,
or — when the URL only comes at run time — the drivers the project declares; and the environment
variable or condition that makes it optional."""

from __future__ import annotations

from cdverify.detect.database.catalogue import engine_of_url, engine_of_value, in_memory
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.report import Evidence, EvidenceKind
from cdverify.model import CallFact, Location, Scope, Value, shown
from cdverify.rules_schema import Connection


def connection(found_in: Collection, path: str, scope: Scope, call: CallFact, entry: Connection) -> None:
    """Add the engines a connection call reaches (one item each), and its URLs SQLAlchemy rejects."""
    values = found_in.values
    switch = ""
    found: list[tuple[str, str, str]] = []  # (engine, detail, switch)
    url_values = [v for v in (_argument(call, key) for key in entry.url) if v is not None]
    if not url_values and entry.default_env:
        url_values = [Value(env=(entry.default_env,))]  # `dj_database_url.config()` reads $DATABASE_URL
    for value in url_values:
        switch = switch or values.switch(path, value)
        for url, detail, url_switch in values.urls(path, value):
            parsed = engine_of_url(url)
            engine = entry.engine or parsed
            if engine is not None and parsed is not None:
                described = f"URL {shown(url)}" + (f", {detail}" if detail else "")
                found.append((engine, described + (" (in memory)" if in_memory(url) else ""), url_switch))
            if entry.sqlalchemy and found_in.rejects(url, value):
                found_in.reject(Location(path, call.line, call.col), call.text, url, detail)
    for key in entry.dialect:
        dialect = call.kwarg(key)
        if dialect is None:
            continue
        switch = switch or values.switch(path, dialect)
        for literal in dialect.literals:
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
        switch = values.switch(path, call.guard) or next(
            (name for name in call.guard.names if found_in.catalogue.switch_name.search(name)), ""
        )
    if (
        url_switch_env
        and found
        and not any(url_switch for _, _, url_switch in found if url_switch != url_switch_env)
    ):
        # `DATABASE_URL or "sqlite://…"`: whatever $DATABASE_URL names is possible too, and with
        # no `.env` saying which, the declared drivers tell
        _alternatives(found_in, path, scope, call, entry, switch, {engine for engine, _, _ in found})
    inferred = False
    if not found and (switch or url_values):
        # The URL is only known at run time: the engines whose drivers are declared.
        inferred = True
        source = f"${switch}" if switch else "a value computed at run time"
        for engine in found_in.drivers(entry.engines):
            found.append((engine, f"URL from {source}; engine inferred from the declared driver", switch))
    if fixed is not None and call.guard is None:
        switch = ""  # a driver talks to one engine whatever its URL: only a guard makes it optional
        found = [(engine, detail, "") for engine, detail, _ in found]
    for engine, detail, item_switch in found:
        found_in.add(
            _at_call(engine, scope, path, call, detail, item_switch or switch, inferred=inferred), claims=True
        )


def _alternatives(
    found_in: Collection,
    path: str,
    scope: Scope,
    call: CallFact,
    entry: Connection,
    switch: str,
    resolved: set[str],
) -> None:
    """The engines of the declared drivers, as alternatives of a URL an environment variable may replace
    (unless a `.env` file sets it)."""
    if found_in.values.env.get(switch):
        return
    engines = found_in.catalogue.engines
    for engine in found_in.drivers(entry.engines):
        spec = engines.get(engine)
        if engine not in resolved and (spec is None or spec.inferred_alternative):
            detail = f"URL from ${switch}; engine inferred from the declared driver"
            found_in.add(_at_call(engine, scope, path, call, detail, switch, inferred=True))


def _at_call(
    engine: str, scope: Scope, path: str, call: CallFact, detail: str, switch: str, *, inferred: bool
) -> Evidence:
    """Evidence of a connection call (`create_engine(…)`, `new Sequelize(…)`), located at the call."""
    line, text = call.line, call.text
    return Evidence(
        engine, EvidenceKind.CONNECTION, scope, path, line, text, detail, switch, inferred, call.col
    )


def _argument(call: CallFact, key: str) -> Value | None:
    """A positional argument by its index (`"0"`) or a keyword / object key by name."""
    if key.isdigit():
        index = int(key)
        return call.args[index] if index < len(call.args) else None
    return call.kwarg(key)
