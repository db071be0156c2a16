"""Connection calls (`create_engine(URL)`, `new Sequelize({dialect})`, `sqlite3.connect(…)`; listed in
rules/database/connections.toml): the engines each can reach, from its URL, its dialect, its driver,
or — when the URL only comes at run time — the drivers the project declares; and the environment
variable or condition that makes it optional."""

from __future__ import annotations

import re
from typing import NamedTuple

from cdverify.detect.database.catalogue import engine_of_url, engine_of_value, in_memory, label
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.options import with_environment_options, with_named_options
from cdverify.detect.database.report import Evidence, EvidenceKind, StartupStop
from cdverify.detect.database.settings import required_setting
from cdverify.detect.database.values import Candidate
from cdverify.model import CallFact, Location, Scope, Value, shown
from cdverify.rules_schema import Connection


def connection(found_in: Collection, path: str, scope: Scope, call: CallFact, entry: Connection) -> None:
    """Add the engines a connection call reaches (one item each), and its URLs SQLAlchemy rejects."""
    if found_in.idle and _idle(found_in, path, call):
        _idle_client(found_in, path, scope, call, entry)
        return
    values = found_in.values
    if entry.dialect:  # an options object handed by name: `createConnection(connectionOptions)`
        own = found_in.facts.get(path)
        call = with_named_options(call, path, own, found_in.runtime_facts())
        if entry.env_options is not None:  # options the library reads from the environment (TypeORM)
            call = with_environment_options(call, own, entry, found_in.has_file, values.env.__contains__)
    switch = ""
    found: list[tuple[str, str, str, bool]] = []  # (engine, detail, switch, the switch's default)
    url_values = [v for v in map(call.argument, entry.url) if v is not None]
    if not url_values and entry.default_env:
        url_values = [Value(env=(entry.default_env,))]  # `dj_database_url.config()` reads $DATABASE_URL
    candidates = []
    for value in url_values:
        switch = switch or values.switch(path, value)
        candidates.extend(values.urls(path, value))
        for url, detail, url_switch, default in values.urls(path, value):
            parsed = engine_of_url(url)
            engine = entry.engine or parsed
            if engine is not None and parsed is not None:
                described = f"URL {shown(url)}" + (f", {detail}" if detail else "")
                memory = " (in memory)" if in_memory(url) else ""
                found.append((engine, described + memory, url_switch, default))
            if entry.sqlalchemy and found_in.rejects(url, value):
                found_in.reject(Location(path, call.line, call.col), call.text, url, detail)
    dialect_reads: dict[str, str] = {}  # variable a dialect is read from → the dialect's key (`type`)
    stated = False  # a literal dialect names the engine whatever the URL
    for key in entry.dialect:
        dialect = call.kwarg(key)
        if dialect is None:
            continue
        read = values.switch(path, dialect)  # the variable it reads, itself or through names (`env.db.type`)
        switch = switch or read
        for variable in (*dialect.env, read):
            if variable:
                dialect_reads.setdefault(variable, key)
        variables = dialect if dialect.env or not read else Value(env=(read,))
        tests_file = found_in.tests_file if scope is not Scope.TEST else None  # `.env.test`: the tests'
        for engine, detail, variable in values.env_engines(variables, engine_of_value, tests_file):
            found.append((engine, f"{key}: {detail}", variable, False))  # `client: process.env.DB_CLIENT`
        for engine, detail, variable, default in values.config_engines(path, dialect, engine_of_value):
            found.append((engine, f"{key}: {detail}", variable, default))  # `client: config.get("db.client")`
        for literal in dialect.literals:
            engine = engine_of_value(literal)
            if engine is not None:
                found.append(
                    (engine, f"{key}: {literal!r}", dialect.env[0] if dialect.env else "", bool(dialect.env))
                )
                # `dialect: "postgresql"` beside a URL from the environment: the URL may change the server,
                # not the engine
                stated = stated or not (dialect.env or read)
    option = _option(call, entry)
    fixed = entry.engine
    if option is not None:  # whatever the URL says, only this engine's driver takes the option
        option_key, only = option
        fixed = only
        found = [item for item in found if item[0] == only] or [
            (only, f"{option_key}, an option only {label(only)}'s driver takes", "", False)
        ]
    if fixed is not None and not any(item[0] == fixed for item in found):
        found.append((fixed, f"driver {call.callee}", "", False))
    url_switch_env = switch  # the URL itself reads an environment variable
    if not switch and call.guard is not None:
        # `DATABASE_URL ? new Sequelize(url) : …`, or `if (!databaseUrl) return new Sequelize(…)`
        # where the URL arrives as a parameter: the condition names the switch
        switch = values.switch(path, call.guard) or next(
            (name for name in call.guard.names if found_in.catalogue.switch_name.search(name)), ""
        )
    if (
        url_switch_env
        and option is None  # an engine's own option rules out the others
        and not stated
        and found
        and not any(item[2] for item in found if item[2] != url_switch_env)
    ):
        # `DATABASE_URL or "sqlite://…"`: whatever $DATABASE_URL names is possible too, and with
        # no `.env` saying which, the declared drivers tell
        _alternatives(found_in, path, scope, call, entry, switch, {item[0] for item in found})
    inferred = False
    if not found and (switch or url_values):
        # The URL is only known at run time: the engines whose drivers are declared.
        inferred = True
        source = f"${switch}" if switch else "a value computed at run time"
        what = dialect_reads.get(switch, "URL")  # `type from $TYPEORM_CONNECTION`
        for engine in found_in.drivers(entry.engines, entry.unusable_drivers):
            found.append(
                (engine, f"{what} from {source}; engine inferred from the declared driver", switch, False)
            )
    if fixed is not None and call.guard is None:
        switch = ""  # a driver talks to one engine whatever its URL: only a guard makes it optional
        found = [(engine, detail, "", False) for engine, detail, _, _ in found]
    branch = _branch(found_in, path, call.guard) if fixed is not None and call.guard is not None else None
    if branch is not None:
        # `if (client === "sqlite") new Database(file)`: the branch picks the driver, not the file's variable
        switch, url_switch_env = branch.variable, ""
        found = [(engine, detail, "", False) for engine, detail, _, _ in found]
    # an options object in the URL's place (`new Sequelize({ dialect, storage })`) gives no URL to require:
    # its dialect's variable (`process.env.DB_DIALECT || "sqlite"`) is a switch, with its fallback
    written = any(not value.empty for value in url_values)
    required = _required(candidates, url_switch_env) if written and entry.url_required else ""
    required_by = ""
    if not required and not candidates:  # `drizzle(client)` of a client that needs its URL's variable
        required, required_by = _handed_client(found_in, path, call)
    # a settings class's field (`database_url: PostgresDsn`): required unless it has a default, or a dotenv
    # file outside the project may set it
    field = next(filter(None, map(values.settings_field, url_values)), None)
    if field is not None:
        unknown = field.default or field.elsewhere
        required, required_by = ("", "") if unknown else (field.variable, field.describe())
    settings = url_values or _options(call, entry)  # the URL, else its parts (`connection: { host, … }`)
    if settings and not required:  # a start-up schema stops the app without the variable, whatever the call
        setting = required_setting(settings, found_in.catalogue.env_schemas, found_in.runtime_facts())
        if setting is None:  # `.env` loaded by dotenv-safe, the URL's variable listed in `.env.example`
            listed = [c.switch for c in candidates if c.switch and engine_of_url(c.url)]  # URLs first
            listed += [c.switch for c in candidates if c.switch]
            setting = found_in.listed_setting(dict.fromkeys(listed))
        if setting is None:  # `required` without a `default` in a JSON schema of @fastify/env, env-schema
            setting = found_in.schema_setting(settings)
        if setting is not None:
            required, required_by = setting.variable, setting.describe()
    names_engine = tuple(entry.dialect_values.items())
    for engine, detail, item_switch, default in found:
        item = _at_call(engine, scope, path, call, detail, item_switch or switch, inferred=inferred)
        guarded = bool(switch) and not item_switch and not url_switch_env  # the condition's branch, unknown
        item = item._replace(
            default=branch.unset if branch is not None else default and bool(item_switch),
            required_env=required,
            required_by=required_by,
            guarded=guarded,
            when=(branch.value if branch is not None else _case(call.guard)) if guarded else "",
            otherwise=branch is not None and branch.otherwise,
            # the variable names the engine (`type: process.env.TYPEORM_CONNECTION`), not a URL
            switch_values=names_engine if item.switch in dialect_reads else None,
        )
        found_in.add(item, claims=True)


def _idle(found_in: Collection, path: str, call: CallFact) -> bool:
    """The call makes a client of a library the application uses for no data."""
    from cdverify.detect.data_calls import library_of_name

    return library_of_name(call.callee, found_in.facts[path].language.family) in found_in.idle


def _idle_client(found_in: Collection, path: str, scope: Scope, call: CallFact, entry: Connection) -> None:
    """A client of a library the application uses for no data (`create_client(url, key)` of Supabase, for
    sign-in alone): no engine. Its constructor still throws without the URL it requires, so a URL only an
    unset variable gives stops the application as it makes the client."""
    url_values = [v for v in map(call.argument, entry.url) if v is not None]
    if not entry.url_required or scope is not Scope.APPLICATION or all(v.empty for v in url_values):
        return
    values = found_in.values
    candidates = [candidate for value in url_values for candidate in values.urls(path, value)]
    switch = next(filter(None, (values.switch(path, value) for value in url_values)), "")
    required = _required(candidates, switch)
    if required:
        reason = f"throws when ${required} is unset ({call.callee} requires its URL)"
        found_in.client_stops.append(StartupStop(path, call.line, call.text, (required,), reason))


class Branch(NamedTuple):
    """The branch of a comparison of one variable with a literal that a call is in (`if (client ===
    "sqlite")`, its `else`): the variable, the literal, whether the call runs where the variable has another
    value, and whether it runs where the variable is unset (its fallback in code decides)."""

    variable: str
    value: str
    otherwise: bool
    unset: bool


# `if (client === "sqlite")`, `else (process.env.DB_CLIENT !== 'postgres')`, `if ("pg" == dialect)`
_COMPARED = re.compile(
    r"(if|else) \(?\s*(?:(?P<name>[\w.$]+)\s*(?P<op>[!=]==?)\s*(?P<q>['\"])(?P<lit>[\w:+.-]+)(?P=q)"
    r"|(?P<q2>['\"])(?P<lit2>[\w:+.-]+)(?P=q2)\s*(?P<op2>[!=]==?)\s*(?P<name2>[\w.$]+))\s*\)?"
)


def _branch(found_in: Collection, path: str, guard: Value) -> Branch | None:
    """The `Branch` of a JS condition comparing a variable (read in place, or a name assigned from it,
    `const client = process.env.DB_CLIENT || "postgres"`) with a literal; None for any other condition."""
    matched = _COMPARED.fullmatch(guard.text)
    if matched is None or len(guard.literals) != 1:
        return None
    variable = found_in.values.switch(path, guard)
    if not variable:
        return None
    equal = (matched.group("op") or matched.group("op2")).startswith("=")
    otherwise = (matched.group(1) == "else") == equal  # `else` of `===`, or the branch of `!==`
    value = str(matched.group("lit") or matched.group("lit2"))
    fallbacks = [
        c.url
        for c in found_in.values.urls(path, Value(env=guard.env, names=guard.names))
        if c.default and c.switch == variable
    ]
    unset = (str(fallbacks[0]).lower() == value.lower()) != otherwise if len(fallbacks) == 1 else otherwise
    return Branch(variable, value, otherwise, unset)


def _case(guard: Value | None) -> str:
    """The literal of the `case` of a `switch` a call is in (`switch (db_type) { case "mysql": … }`); ""."""
    if guard is None or not guard.text.startswith("switch ") or len(guard.literals) != 1:
        return ""
    return guard.literals[0]


def _required(candidates: list[Candidate], switch: str) -> str:
    """The variable a connection's URL comes from with no fallback in code ("" = none or several): the
    application cannot connect, nor usually start, where it is unset (`mongoose.connect(process.env.URI)`,
    a settings field without default that only `.env.example` or Compose sets). An empty fallback
    (`process.env.MONGO_URL ?? ""`, written to satisfy a type checker) gives the call no URL either."""
    variables = {candidate.switch for candidate in candidates}
    if any(c.default and c.url != "" for c in candidates) or "" in variables or len(variables) > 1:
        return ""
    return next(iter(variables), switch)


def _handed_client(found_in: Collection, path: str, call: CallFact) -> tuple[str, str]:
    """The variable (and why) the client handed to `call` needs: `drizzle(client)` of `const client =
    createClient({ url: process.env.TURSO_DATABASE_URL })` earlier in the same file, a connection that
    throws where its URL's variable is unset (`url_required`). The wrapper connects through that client
    only, so it cannot connect without the variable either; ("", "") otherwise."""
    made = {called.removesuffix("()") for called in call.args[0].calls} if call.args else set()
    if not made:
        return "", ""
    places = {(c.line, c.col) for c in found_in.facts[path].calls if c.callee in made and c.line <= call.line}
    for item in found_in.evidence:
        if item.required_env and item.file == path and (item.line, item.col) in places:
            return item.required_env, item.required_by
    return "", ""


def _options(call: CallFact, entry: Connection) -> list[Value]:
    """The values of the object entries under a URL key (`connection.host`, `connection.user`): the
    connection's settings when no URL is given."""
    keys = [key for key in entry.url if not key.isdigit()]
    return [value for key, value in call.kwargs if any(key.startswith(f"{url}.") for url in keys)]


def _option(call: CallFact, entry: Connection) -> tuple[str, str] | None:
    """A keyword only one engine's driver accepts, and that engine (`connect_args.check_same_thread`)."""
    return next(
        ((key, engine) for key, engine in entry.engine_options.items() if call.kwarg(key) is not None), None
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
    for engine in found_in.drivers(entry.engines, entry.unusable_drivers):
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
