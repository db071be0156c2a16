"""Connections to a database server whose URL is written with holes (rules/database/connections.toml
`server_engines`): `DB_HOST = os.getenv("DB_HOST")` … `engine = create_engine(f"postgresql://{DB_USER}:
{DB_PASSWORD}@{DB_HOST}:5432/{DB_NAME}")`, connected as the application starts (`Base.metadata.create_all(
bind=engine)` at module level, `await database.connect()` in an aiohttp `on_startup` hook, a FastAPI
`lifespan`), or made by a call that connects as it is awaited (`await aiopg.sa.create_engine(dsn=…)`,
`asyncpg.create_pool(dsn)`: `opens`) in such a hook. A hole may be an entry of a settings mapping
(`{conf["host"]}` after `conf = {"host": env.get("POSTGRES_HOST"), …}`), and the scheme a hole whose
variable has a default (`{conf["engine"]}://…` with `env.get("ENGINE", "postgresql")`: the scheme where it
is unset). Where a variable filling the user, the host, the port or the database is unset, the hole holds
`None`: the driver looks for a host "None", a role "None", a database "None", and the connection fails, so the
application stops there (uvicorn's "Application startup failed", an import that raises). In JavaScript the
hole holds `undefined` (`` `postgres://${process.env.DB_USER}@${process.env.DB_HOST}/todos` ``) and the
connection is a promise that rejects: it keeps the server from starting where it is awaited in the function
that then calls `listen` (`await client.connect()` in `main()`), the application's only listen call
(`listens_after`). SQLAlchemy parses a port as it makes the engine: an unset port hole (`{DB_PORT}`) raises
then, connected or not.

Nothing is claimed where it is not certain: a hole with a default (`os.getenv("DB_HOST", "localhost")`), a
password hole alone (a server trusting its clients takes any), a URL that another value may replace
(`os.getenv("DATABASE_URL") or f"…"`), a name bound more than once, a SQLite URL, a connection under an `if`
or in a `try`, or one made only in request handlers. Whether the variables are set where the application runs
(its `.env`, the run script, a declared environment) is the harness's to say (`StartupStop.stops`).

A call connecting as it is made (`opens`) handed the URL as a read raising where its variable is unset
(`asyncpg.create_pool(os.environ["DSN"])` in an aiohttp `cleanup_ctx` hook) stops the application as it
starts too: KeyError before any connection is tried."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.detect.database.catalogue import engine_of_url
from cdverify.detect.database.jsonschemas import at_start
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.sqlite_engines import Engine, Opening, engines, openings, running_at_start
from cdverify.model import CallFact, Family, Scope, Template, Text, Value
from cdverify.parse.libraries import node_libraries
from cdverify.rules_schema import Connections, ServerEngine

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

_HOPS = 2  # names followed to the module-level value holding the URL, or a hole's variable
_MARK = "\x00{}\x00"  # a hole, written into the URL to find which of its parts holds it
# scheme://[userinfo@]host[:port][/database][?…]: the authority and the path after it
_URL = re.compile(r"^[\w+.-]+://(?:(?P<userinfo>[^@/?#]*)@)?(?P<hostport>[^/?#]*)(?:/(?P<database>[^?#]*))?")
STOPPING_PARTS = ("user", "host", "port", "database")  # parts whose "None" fails the connection
_NO_SERVER = frozenset({"sqlite"})  # engines whose URL names a file, not a server


class Hole(NamedTuple):
    """A part of a URL (`host`) filled by a variable read with no default (`DB_HOST`)."""

    part: str
    variable: str


class HoledUrl(NamedTuple):
    """A server URL with holes of parts that fail where their variable is unset."""

    url: Template
    holes: tuple[Hole, ...]


def unset_servers(
    found: Collection, graph: ImportGraph, started_files: Callable[[], set[str]]
) -> list[StartupStop]:
    """The connections made at start-up (at module level of a module `started_files()` names, or in a
    function that runs then) to a server URL whose user, host, port or database a variable with no default
    fills. The modules run at start-up are asked for only when such a URL reaches an engine."""
    kinds = load_rules(Connections).server_engines
    lazy = [kind for kind in kinds if not kind.opens]
    made = [
        engine for engine in (*engines(found, lazy), *_opening(found, kinds)) if engine.call.guard is None
    ]
    holed = [(engine, url) for engine in made if (url := _holed(found, engine.file, engine.value, 0))]
    required = [(engine, name) for engine in made if (name := _required(engine))]
    if not holed and not required:
        return []
    started = started_files()
    running = running_at_start(found.facts, started, graph)
    out: list[StartupStop] = [
        _stop(
            engine.file,
            engine.call,
            [Hole("url", name)],
            f"raises KeyError as the application starts when ${name} is unset: the URL it connects to is "
            f"read with no default ({engine.entry.label})",
        )
        for engine, name in required
        if at_start(
            engine.call, found.facts[engine.file], engine.file in started, running.get(engine.file, set())
        )
    ]
    listens: list[tuple[str, CallFact]] | None = None  # the listen calls, found once when a Node app connects
    for engine, url in holed:
        entry = engine.entry
        if not isinstance(entry, ServerEngine):
            continue
        port = [hole for hole in url.holes if hole.part == "port"]
        if entry.parses_port and port and engine.file in started:  # made at module level as it loads
            reason = (
                f"raises as the engine is made: the URL's port comes from ${port[0].variable} with no "
                "default, and where it is unset SQLAlchemy reads the port None (ValueError: invalid literal "
                "for int())"
            )
            out.append(_stop(engine.file, engine.call, port, reason))
            continue
        if entry.opens:  # the call itself connects, where it runs as the application starts
            runs = at_start(
                engine.call, found.facts[engine.file], engine.file in started, running.get(engine.file, set())
            )
            connected = Opening(engine.file, engine.call, engine) if runs else None
        else:
            connected = next(iter(openings(found, graph, [engine], started, running)), None)
        if connected is None or connected.call.guard is not None:  # connected under an `if`, in a `try`
            continue
        node = found.facts[connected.file].language.family is Family.NODE
        if node:
            listens = listen_calls(found) if listens is None else listens
            if not listens_after(listens, connected.file, connected.call):
                continue
        holes = list(url.holes)
        reason = (
            f"connects at start-up to {url.url} (the engine {engine.call.text} at {engine.file}:"
            f"{engine.call.line}), whose {_listed([h.part for h in holes])} come from "
            f"{_listed(['$' + h.variable for h in holes])} with no default: where one is unset, the URL "
            f"holds {'undefined' if node else 'None'} in its place and the connection fails ({entry.label})"
            + (" before the server listens" if node else "")
        )
        out.append(_stop(connected.file, connected.call, holes, reason))
    return out


def _opening(found: Collection, kinds: tuple[ServerEngine, ...]) -> Iterator[Engine]:
    """The application's calls that connect as they are made (`opens`: `await asyncpg.create_pool(dsn)`),
    at module level or in a function, with the argument holding the URL."""
    entries = {callee: entry for entry in kinds if entry.opens for callee in entry.calls}
    if not entries:
        return
    for path in sorted(found.facts):
        if found.scope_of(path) is not Scope.APPLICATION:
            continue
        for call in found.facts[path].calls:
            entry = entries.get(call.callee)
            value = call.argument(*entry.path) if entry is not None else None
            if entry is not None and value is not None:
                yield Engine(path, call, entry, value)


def _required(engine: Engine) -> str:
    """The variable of the URL of a call connecting as it is made (`opens`) when that URL is a read that
    raises where the variable is unset, written in the call (`asyncpg.create_pool(os.environ["DSN"])`:
    rules/database/connections.toml `required_reads` `subscripts`); "" otherwise. Such a call's `try` is
    recorded (its guard)."""
    entry, value = engine.entry, engine.value
    if not (isinstance(entry, ServerEngine) and entry.opens) or len(value.env) != 1:
        return ""
    if value.strings or value.numbers or value.names or value.calls:
        return ""
    name = value.env[0]
    return name if _subscripts(name).search(engine.call.text) else ""


@cache
def _subscripts(name: str) -> re.Pattern[str]:
    """`os.environ["NAME"]` and the catalogue's other mappings raising KeyError on a missing key."""
    mappings = [m for entry in load_rules(Connections).required_reads for m in entry.subscripts]
    written = "|".join(re.escape(m) for m in sorted(mappings, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<![\w.])(?:{written})\s*\[\s*(['\"]){re.escape(name)}\1\s*\]")


def listen_calls(found: Collection) -> list[tuple[str, CallFact]]:
    """(file, call) of every call of the application that starts a server listening (`app.listen(…)`)."""
    methods = node_libraries().listen_methods
    return [
        (file, call)
        for file in sorted(found.facts)
        if found.scope_of(file) is Scope.APPLICATION
        for call in found.facts[file].calls
        if call.callee.rpartition(".")[2] in methods
    ]


def listens_after(listens: list[tuple[str, CallFact]], path: str, connected: CallFact) -> bool:
    """Whether the server is started only after a Node connection awaited in a function (`await
    client.connect()` in `main()`): the application's every listen call (`listens`: `listen_calls`) is in
    that function, below it, and under the same condition as the connection where it is under one (`if
    (process.env.NODE_ENV !== 'test') { await connect(); app.listen(…) }`). Where the connection rejects,
    the function stops there, and whatever its caller does with the rejection (a `.catch(console.error)`, a
    `try`), nothing listens. A connection at module level (a top-level `await` or one not awaited) is not
    read."""
    scope, line = connected.scope, connected.line
    if not scope:
        return False
    return bool(listens) and all(
        file == path and call.scope == scope and call.line > line and connected.guard in (None, call.guard)
        for file, call in listens
    )


def _listed(words: list[str]) -> str:
    """`host`, `user and host`, `user, host and database`."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _stop(file: str, call: CallFact, holes: list[Hole], reason: str) -> StartupStop:
    variables = tuple(dict.fromkeys(hole.variable for hole in holes))
    return StartupStop(file, call.line, call.text, variables, reason)


def _holed(found: Collection, path: str, value: Value, depth: int) -> HoledUrl | None:
    """The server URL a value certainly is, with the holes of its user, host, port or database that a
    variable with no default fills; None when the value may be anything else (a fallback, a second
    binding), names no server, or has no such hole."""
    if value.env or value.numbers:  # `os.getenv("DATABASE_URL") or f"…"`: replaced where set
        return None
    if value.strings:
        url = value.strings[0]
        if value.names or value.calls or len(value.strings) != 1 or not isinstance(url, Template):
            return None
        if len(value.parts) != url.holes:
            return None
        url, parts = _schemed(found, path, url, value.parts)
        if engine_of_url(url) in (None, *_NO_SERVER):
            return None
        if not isinstance(url, Template):
            return None
        holes = tuple(
            Hole(part, variable)
            for part, hole in zip(url_parts(url), parts, strict=True)
            if part in STOPPING_PARTS and (variable := _unset(found, path, hole, 0))
        )
        return HoledUrl(url, holes) if holes else None
    if len(value.names) != 1 or len(value.calls) > 1 or depth >= _HOPS:  # a name (its import traced)
        return None
    bound = _bound(found, path, value.names[0])
    return _holed(found, bound[0], bound[1], depth + 1) if bound is not None else None


def _schemed(
    found: Collection, path: str, url: Template, parts: tuple[Value, ...]
) -> tuple[Text, tuple[Value, ...]]:
    """The URL with its scheme written in where a hole gives it (`f"{conf['engine']}://…"` after `conf =
    {"engine": env.get("ENGINE", "postgresql")}`): the one literal the hole holds, itself or through a name
    bound once, as the default of a variable read or alone. Where that variable is set the scheme may be
    another; where it is not (the harness gives the app none) it is this one. The URL unchanged otherwise."""
    if url.head.strip() or not url.pieces[1].startswith("://"):
        return url, parts
    hole: Value | None = parts[0]
    for _ in range(_HOPS):
        if hole is None or hole.strings or len(hole.names) != 1 or hole.calls or hole.numbers:
            break
        bound = _bound(found, path, hole.names[0])
        path, hole = bound if bound is not None else (path, None)
    if (
        hole is None
        or len(hole.strings) != 1
        or not isinstance(hole.strings[0], str)
        or hole.names
        or hole.calls
    ):
        return url, parts
    pieces = (hole.strings[0] + url.pieces[1], *url.pieces[2:])
    return (Template(pieces) if len(pieces) > 1 else pieces[0]), parts[1:]


def url_parts(url: Template) -> Iterator[str]:
    """Which part of the URL each hole is in: `user`, `password`, `host`, `port`, `database`, `query`."""
    written = url.fill(_MARK.format(index) for index in range(url.holes))
    matched = _URL.match(written)
    spans: list[tuple[str, int, int]] = []
    if matched is not None:
        userinfo = matched.group("userinfo")
        if userinfo is not None:
            user, colon, _password = userinfo.partition(":")
            start = matched.start("userinfo")
            spans.append(("user", start, start + len(user)))
            if colon:
                spans.append(("password", start + len(user) + 1, matched.end("userinfo")))
        hostport, start = matched.group("hostport"), matched.start("hostport")
        host, colon, _port = hostport.rpartition(":")
        host = host if colon else hostport
        spans.append(("host", start, start + len(host)))
        if colon:
            spans.append(("port", start + len(host) + 1, matched.end("hostport")))
        if matched.group("database") is not None:
            spans.append(("database", matched.start("database"), matched.end("database")))
    for index in range(url.holes):
        at = written.find(_MARK.format(index))
        yield next((part for part, start, end in spans if start <= at < end), "query")


def _unset(found: Collection, path: str, hole: Value, depth: int) -> str:
    """The variable a hole reads with no default, itself (`{os.getenv('DB_HOST')}`) or through a name bound
    once (`{DB_HOST}` after `DB_HOST = os.getenv("DB_HOST")`); "" for anything else."""
    if len(hole.env) == 1 and not (hole.strings or hole.numbers or hole.names or hole.calls):
        return hole.env[0]
    if hole.env or len(hole.names) != 1 or len(hole.calls) > 1 or hole.strings or hole.numbers:
        return ""
    if depth >= _HOPS:
        return ""
    bound = _bound(found, path, hole.names[0])
    return _unset(found, bound[0], bound[1], depth + 1) if bound is not None else ""


def _bound(found: Collection, path: str, name: str) -> tuple[str, Value] | None:
    """(file, value) of the one module-level binding of `name`: in the module itself, else in the one
    application or configuration module binding it (`from app.config import DATABASE_URL`)."""
    own = [a.value for a in found.facts[path].assignments if not a.scope and a.target == name]
    if own:
        return (path, own[0]) if len(own) == 1 else None
    elsewhere = [
        (other, a.value)
        for other in sorted(found.facts)
        if other != path and found.scope_of(other) in (Scope.APPLICATION, Scope.CONFIG)
        for a in found.facts[other].assignments
        if not a.scope and a.target == name
    ]
    return elsewhere[0] if len(elsewhere) == 1 else None
