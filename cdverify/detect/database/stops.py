"""Start-up checks that stop the application: a `throw` or a `process.exit(1)` at module level, under an `if`,
in application code that runs at start-up (the entry modules and what they import at module level, not
request handlers): `if (!process.env.DATABASE_URL) throw new Error(…)` for any variable (the paper's harness
gives the app none: `JWT_SECRET` stops it as surely as `DATABASE_URL`, as Python's required reads do,
startup.py), or `const envFound = dotenv.config(); if (envFound.error) throw …`
(rules/database/connections.toml `startup_files`), or a failed start-up schema requiring a variable with no
default (`if (!parsed.success) process.exit(1)` after `envSchema.safeParse(…)`; a throwing
`envSchema.parse(process.env)` at module level or in a function a start-up module calls at module level,
`env_schemas.throws`: schema_stops.py). A relative `require` or import at module level of a module that is
not there (`require('./config/db')` with `config/` left out of the repository, and not made by a build step:
shipped.py) throws MODULE_NOT_FOUND as surely, as does one of a package named in another case than the
dependency declared (`koa-bodyParser` for koa-bodyparser, on Linux's case-sensitive file system), and so
does a module-level call of a project helper that throws on an unset variable (`EnvHelper.get('NODE_PORT')`,
`requireEnv("JWT_SECRET")`), or of a library that
throws without an option given only an unset variable (`expressjwt({ secret: process.env.X })`), and so does
the registration at start-up of a Fastify plugin that fails without one (`app.register(fastifyJwt, { secret:
process.env.X })` in a `buildServer()` the entry calls), and so does a SQLite file opened at start-up in a
folder the project lacks and nothing creates (sqlite_folders.py), and so does a file read then that the
project does not ship and nothing writes (`open("config.json")` with config.json git-ignored:
unshipped_files.py), or a Python module loaded then that evaluates a name nothing defines
(undefined_names.py) or makes a logging file handler whose folder the project lacks (log_folders.py) or
imports one Python cannot find from the path the run script's server is given
(start_paths.py) or hands Django's `static()` a prefix the settings never set (static_prefixes.py), and
so does a check in the body of a Fastify plugin registered then (plugin_stops.py) or dotenv-safe's check
of `.env` against its example file made then (envexamples.py). Where the check fails,
the application cannot start, whatever engine it is configured for: no engine holds in that harness
environment (harness.py). So does a connection made then to a server URL whose host, user, port or database
a variable with no default fills (`f"postgresql://{DB_USER}@{DB_HOST}/{DB_NAME}"`: server_urls.py; a Flask
extension's URL key so written and connected by a schema step in the app factory, `db.create_all()`:
config_servers.py), and a
Prisma client's `$connect()` awaited before the server listens where its schema's `env("DATABASE_URL")` is
unset (prisma_connects.py), and a start script running a Prisma schema command before its server (`prisma
db push && node …`) where that variable is unset (schema_steps.py), and a check in a function awaited
before the server listens (awaited_stops.py) or
called by a started module as it loads (`export const prisma = createPrismaClient()`: loaded_stops.py), and a
route path the installed Express 5 rejects, registered as the app starts (`app.use('/api/auth/*', …)`:
route_paths.py), and a get at start-up of a node-config key only an unset variable gives
(`config.get("jwtPrivateKey")` with the key only in custom-environment-variables.json: config_gets.py)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, partial
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.autoloaded_schemas import validator_plugins
from cdverify.detect.database.awaited_stops import awaited_checks
from cdverify.detect.database.config_gets import unset_config_gets
from cdverify.detect.database.config_servers import holed_config_servers
from cdverify.detect.database.dotenv_order import node_before_loading
from cdverify.detect.database.envexamples import example_checks
from cdverify.detect.database.fallbacks import mode_fallbacks
from cdverify.detect.database.jsonschemas import (
    at_start,
    started_functions,
    validations,
)
from cdverify.detect.database.loaded_stops import loaded_checks
from cdverify.detect.database.local_modules import missing_local_modules
from cdverify.detect.database.log_folders import missing_log_folders
from cdverify.detect.database.optional_packages import missing_optional_packages
from cdverify.detect.database.plugin_stops import (
    imported_field,
    plugin_checks,
    registered_plugins,
    runner_functions,
    unset_operands,
)
from cdverify.detect.database.prisma_connects import unset_prisma_urls
from cdverify.detect.database.report import StartupStop, stop_verb
from cdverify.detect.database.route_paths import rejected_paths
from cdverify.detect.database.schema_steps import schema_step_stops
from cdverify.detect.database.schema_stops import (
    failed_schema,
    parsed_at_start,
    throwing_parses,
    validated_at_start,
)
from cdverify.detect.database.server_urls import unset_servers
from cdverify.detect.database.shipped import (
    Shipped,
    miscased_packages,
    missing_env_files,
    missing_modules,
    relative_unresolved,
)
from cdverify.detect.database.sqlite_folders import missing_folders
from cdverify.detect.database.start_paths import unfound_at_start
from cdverify.detect.database.static_prefixes import empty_prefixes
from cdverify.detect.database.undefined_names import undefined_at_start
from cdverify.detect.database.unlocked_packages import unlocked_packages
from cdverify.detect.database.unparsable import unparsable_at_start
from cdverify.detect.database.unset_config import unset_configs
from cdverify.detect.database.unshipped_files import unshipped_reads
from cdverify.detect.database.workers import worker_only
from cdverify.manifest_records import catalogue
from cdverify.model import OWN_HELPER, CallFact, EnvHelper, Family, FileFacts, Scope, Stop, Value
from cdverify.package_scripts import run_files
from cdverify.parse.jsenv import VARIABLE_NAME as _VARIABLE
from cdverify.resolve.graph import reachable
from cdverify.rules_schema import (
    Connections,
    ParseBindings,
    Reader,
    RequiredOption,
    StartupFile,
)

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

# `|| (() => { throw …` / `?? (function () { throw …`: the fallback of a value is a function that throws
_THROWING_FALLBACK = re.compile(
    r"(?:\|\||\?\?)\s*\(\s*(?:\(\s*\)\s*=>|function\s*[\w$]*\s*\(\s*\))\s*\{\s*throw\b"
)


def startup_stops(
    found: Collection, graph: ImportGraph | None, root: Path | None = None
) -> tuple[StartupStop, ...]:
    """The start-up checks of the application's start-up code (every application file without `graph`),
    and the modules it requires at start-up that are not in the project (`root`: where to look)."""
    application = [path for path in found.facts if found.scope_of(path) is Scope.APPLICATION]
    files = [path for path in application if any(not stop.scope for stop in found.facts[path].stops)]
    plugged = any(stop.scope for path in application for stop in found.facts[path].stops)
    required_options = load_rules(Connections).required_options
    options = {call: entry for entry in required_options for call in entry.calls}
    plugins = {module: entry for entry in required_options for module in entry.plugins}
    registering = [path for path in application if _registrations(found.facts[path], plugins)]
    fallbacks = {
        path: stops
        for path in application
        if (
            stops := [
                *_throwing_fallbacks(found.facts[path]),
                *_missing_options(found.facts[path], options),
                *_unset_arguments(found.facts[path]),
            ]
        )
    }
    schemas = found.catalogue.env_schemas
    throwing = throwing_parses(schemas)
    parsed = [
        path for path, facts in found.facts.items() if any(call.callee in throwing for call in facts.calls)
    ]
    missing = root is not None and graph is not None and any(relative_unresolved(e) for e in graph.edges)
    local = missing_local_modules(found, graph, root) if root is not None and graph is not None else {}
    broken = [p for p in application if found.facts[p].syntax_issues] if root is not None else []
    validating = validations({p: found.facts[p] for p in application}, found.catalogue.env_json_schemas)
    # `export default env` beside `export const autoConfig = { schema }`, for @fastify/autoload to register
    autoloading = validator_plugins(
        {p: found.facts[p] for p in application}, found.catalogue.env_json_schemas
    )
    requiring = any(h.required for p in application for h in found.facts[p].env_helpers)
    unloaded = [_shipped(item) for item in missing_env_files(found, root)] if root is not None else []
    if root is not None:  # a Cloudflare Worker: wrangler serves it, nothing listens under Node
        unloaded += worker_only(found, root)
        unloaded += schema_step_stops(found, root)  # `prisma db push && node …`, its URL's variable unset
    # the modules run at start-up, found once and only when asked for
    started_files = (
        cache(partial(started_modules, found.facts, found.scopes, graph, _start_files(found)))
        if graph is not None
        else None
    )
    if root is not None and graph is not None and started_files is not None:  # a SQLite file's folder
        unloaded += missing_folders(found, graph, root, started_files)
        unloaded += unshipped_reads(found, graph, root, started_files)
        unloaded += example_checks(found, started_files)
        unloaded += unset_servers(found, graph, started_files)
        unloaded += unset_prisma_urls(found, graph)
        unloaded += awaited_checks(found, graph)  # `await runMigrations(); app.listen()`, it throws
        # `import bodyParser from 'koa-bodyParser'` with koa-bodyparser declared: not found on Linux
        unloaded += miscased_packages(found, graph, root, started_files)
        # `import { open } from 'sqlite'`, declared nowhere and named by no lockfile: nothing installs it
        unloaded += unlocked_packages(found, graph, root)
        unloaded += loaded_checks(
            found, graph, started_files
        )  # `export const db = createClient()`, it throws
        # `app.use("/api/auth/*", …)` as the app starts, under Express 5: "Missing parameter name"
        unloaded += rejected_paths(found, graph, root, started_files)
        # `config.get("jwtPrivateKey")` as the app starts, the key only mapped to an unset variable
        unloaded += unset_config_gets(found, graph, root, started_files)
        # an import at start-up the run script's sys.path cannot satisfy (`from routers import …`)
        reported = {(path, line) for path, items in local.items() for line, _text, _reason in items}
        unloaded += [_shipped(item) for item in unfound_at_start(found, root) if item[:2] not in reported]
    if graph is not None:  # a module loaded at start-up that raises NameError as it is imported
        unloaded += [
            StartupStop(path, line, name, (), why)
            for path, line, name, why in undefined_at_start(found, graph, root)
        ]
        # `urlpatterns += static(settings.MEDIA_URL, …)` with MEDIA_URL never set: ImproperlyConfigured
        unloaded += empty_prefixes(found, graph)
        if root is not None:  # `email: EmailStr` in a model, with email-validator installed by nothing
            unloaded += missing_optional_packages(found, graph, root)
            # `db.init_app(app)` on a URI from an unset variable: Flask-SQLAlchemy 3 raises
            unloaded += unset_configs(found, graph, root)
            # `logging.FileHandler("logs/app.log")` or Django's LOGGING as the app starts, logs/ absent
            unloaded += missing_log_folders(found, graph, root)
    if graph is not None and started_files is not None:
        # `app.config[URI] = f"mysql://{user}@{host}/db"` (host unset), `db.create_all()` in the app factory
        unloaded += holed_config_servers(found, graph, started_files)
    if not (
        files
        or parsed
        or fallbacks
        or missing
        or local
        or validating
        or autoloading
        or requiring
        or registering
        or plugged
    ):
        if not broken or graph is None or root is None:
            return tuple(unloaded)
        return (*unloaded, *_unparsable(found, graph, root))
    started = started_files() if started_files is not None else {*files, *fallbacks}
    out = list(unloaded)
    if parsed and graph is not None:
        out += parsed_at_start(found, started, graph, throwing)
    if missing and root is not None and graph is not None:
        out += [_shipped(item) for item in missing_modules(found, started, graph, root)]
    for path, items in sorted(local.items()):  # `import config` with config.py left out
        out += [StartupStop(path, line, text, (), reason) for line, text, reason in items if path in started]
    out += [stop for path, stops in fallbacks.items() if path in started for stop in stops]
    if (validating or autoloading) and graph is not None:
        out += validated_at_start(found, started, graph, validating)
    if requiring and graph is not None:
        out += _required_at_start(found, started, graph)
    if registering and graph is not None:
        out += _registered_at_start(found, started, graph, registering, plugins)
    if plugged and graph is not None:  # a check in a Fastify plugin the app registers as it starts
        running = started_functions(found.facts, started, graph)
        for path, functions in runner_functions(found.facts, found.manifests.start_scripts()).items():
            running.setdefault(path, set()).update(functions)  # `fastify start app.js`: its plugin runs
        application_facts = {path: found.facts[path] for path in application}
        failed = partial(failed_schema, found, graph=graph)  # `if (!parsed.success) throw …` in a plugin
        out += plugin_checks(application_facts, started, running, graph, failed)
    if broken and graph is not None and root is not None:
        out += _unparsable(found, graph, root)
    loaders = load_rules(Connections).startup_files
    present = {
        posixpath.basename(setting.file)
        for setting in found.manifests.settings
        if setting.source is Reader.ENV_FILE
    }
    for path in files:
        if path not in started:
            continue
        for stop in found.facts[path].stops:
            if stop.scope:  # in a function: a plugin's, read above
                continue
            item = (
                _unset(found, path, stop)
                or failed_schema(found, path, stop, graph)
                or _missing_file(path, stop, loaders, present)
            )
            if item is not None:
                out.append(item)
    return _before_loading(out, found, graph)


def _before_loading(
    stops: list[StartupStop], found: Collection, graph: ImportGraph | None
) -> tuple[StartupStop, ...]:
    """`stops`, those needing a variable in a Node module evaluated before the project's `.env` is loaded
    marked `unloaded` (dotenv_order.py `node_before_loading`): the file does not lift them."""
    node = {path: facts for path, facts in found.facts.items() if facts.language.family == Family.NODE}
    early = node_before_loading(node, graph) if node and any(stop.variables for stop in stops) else None
    if early is None:
        return tuple(stops)
    return tuple(
        stop._replace(unloaded=True) if stop.variables and stop.file in node and early(stop.file) else stop
        for stop in stops
    )


def _shipped(item: Shipped) -> StartupStop:
    """A stop of the project as shipped (shipped.py): no variable lifts it."""
    file, line, text, reason = item
    return StartupStop(file, line, text, (), reason)


def _unparsable(found: Collection, graph: ImportGraph, root: Path) -> list[StartupStop]:
    """An app module Python cannot parse stops the app wherever it runs (unparsable.py)."""
    return [
        StartupStop(path, line, text, (), reason)
        for path, line, text, reason in unparsable_at_start(found, graph, root)
    ]


def _required_at_start(found: Collection, started: set[str], graph: ImportGraph) -> list[StartupStop]:
    """Module-level calls, in modules run at start-up, of a project helper that throws when the variable it
    reads is unset (`EnvHelper.get('NODE_PORT')` in a static field, `const port = requireEnv("PORT")`;
    `EnvHelper.required`) another module declares, called without the fallback the helper takes
    (`getEnv("PORT", "3000")` does not throw): the application stops as it loads where that variable is
    unset. A static field's initializer runs as its class is defined, at module level; so, here, does an
    instance field's (it runs when the class is instantiated: read as at start-up too)."""
    helpers = {
        path: {helper.name: helper for helper in found.facts[path].env_helpers if helper.required}
        for path in found.facts
        if any(helper.required for helper in found.facts[path].env_helpers)
    }
    out = []
    for path in sorted(started):
        file_facts = found.facts.get(path)
        if file_facts is None or file_facts.language.family != Family.NODE:
            continue
        sources = [
            (f"{edge.fact.specifier}.", edge.target)
            for edge in graph.imports_of(path)
            if edge.target in helpers and edge.runtime
        ]
        if path in helpers:  # the module's own helper, called as it loads
            sources.append((OWN_HELPER, path))
        for call in file_facts.calls:
            if call.scope:
                continue
            for prefix, target in sources:
                if not call.callee.startswith(prefix):
                    continue
                helper = helpers[target or ""].get(call.callee.removeprefix(prefix))
                if helper is None:
                    continue
                key = call.args[helper.key].literals if helper.key < len(call.args) else ()
                if key and _VARIABLE.fullmatch(key[0]) and not _falls_back(call, helper):
                    reason = f"throws when ${key[0]} is unset (the helper {helper.name} requires it)"
                    out.append(StartupStop(path, call.line, call.text, (key[0],), reason))
                break
    return out


def _falls_back(call: CallFact, helper: EnvHelper) -> bool:
    """The call hands the helper a fallback for an unset variable (`getEnv("PORT", "3000")` of
    `getEnv(key, fallback?)` returning `process.env[key] ?? fallback`): it does not throw there. An empty
    string or `undefined` is no fallback (`if (!value) throw` still holds)."""
    if helper.fallback < 0 or helper.fallback >= len(call.args):
        return False
    given = call.args[helper.fallback]
    return given.literals not in ((), ("",)) or given.names not in ((), ("undefined",))


def _unset(found: Collection, path: str, stop: Stop) -> StartupStop | None:
    """A check that throws where a variable is unset: every `||` operand of its condition is an unset test
    and at least one reads an environment variable (itself or through the names it reads), a name the
    module assigns with a fallback the test passes excepted."""
    if not unset_operands(stop.condition):
        return None
    variables = list(stop.guard.env)
    for name in stop.guard.names:
        if _falls_back_in_module(found.facts[path], name):
            continue
        variable = found.values.switch(path, Value(names=(name,)))
        if variable:
            variables.append(variable)
    if not variables:
        return None
    unset = tuple(dict.fromkeys(variables))
    shown = " or ".join(f"${name}" for name in unset)
    return StartupStop(path, stop.line, stop.text, unset, f"{stop_verb(stop)} when {shown} is unset")


def _falls_back_in_module(facts: FileFacts, name: str) -> bool:
    """The module assigns `name`, at module level, a variable's read with a fallback the unset test passes
    (`const key = process.env.KEY || "development-key"`): the check never throws for it."""
    return any(
        not assignment.scope
        and assignment.target == name
        and assignment.value.env
        and any(literal not in ("", 0) for literal in (*assignment.value.strings, *assignment.value.numbers))
        for assignment in facts.assignments
    )


def _missing_options(facts: FileFacts, options: Mapping[str, RequiredOption]) -> list[StartupStop]:
    """Module-level calls of a library that throws when an option is missing, given a variable with no
    fallback for it (`expressjwt({ secret: process.env.JWT_SECRET, algorithms: ["HS256"] })`)."""
    out = []
    for call in facts.calls:
        entry = options.get(call.callee)
        if entry is None or not _at_module_level(call, facts):
            continue
        out += _unset_options(facts.path, call, entry)
    return out


def _unset_arguments(facts: FileFacts) -> list[StartupStop]:
    """Module-level calls, under no `if` and in no `try`, of a function that throws when its first argument
    is undefined (`Buffer.from(process.env.KEY, "utf-8")`, `JSON.parse(process.env.CONFIG)`: rules/parse.toml
    `unset_throws`), handed a variable with no fallback: it throws as the module loads where it is unset."""
    throwing = _unset_throws()
    out = []
    for call in facts.calls:
        if call.callee not in throwing or call.scope or call.guard is not None or not call.args:
            continue
        value = call.args[0]
        if len(value.env) == 1 and value._replace(env=()).empty:  # no fallback
            (variable,) = value.env
            made = f"new {call.callee}" if call.new else call.callee
            reason = f"throws when ${variable} is unset ({made} is handed undefined)"
            out.append(StartupStop(facts.path, call.line, call.text, (variable,), reason))
    return out


@cache
def _unset_throws() -> frozenset[str]:
    return frozenset(load_rules(ParseBindings).node.unset_throws)


def _unset_options(
    path: str, call: CallFact, entry: RequiredOption, read: Callable[[Value], Value] | None = None
) -> list[StartupStop]:
    """The stops of a call whose required options only a variable gives, with no fallback in code; `read`:
    what a value reading another module's config object holds (`serverConfig.MONGODB_URI`)."""
    out = []
    for option in entry.options:
        value = call.kwarg(option)
        if value is not None and read is not None and not value.env:
            value = read(value)
        if value is not None and len(value.env) == 1 and value._replace(env=()).empty:  # no fallback
            (variable,) = value.env
            reason = f"{entry.label} when ${variable} is unset"
            out.append(StartupStop(path, call.line, call.text, (variable,), reason))
    return out


def _registrations(
    facts: FileFacts, plugins: Mapping[str, RequiredOption]
) -> list[tuple[CallFact, RequiredOption]]:
    """Registrations of a catalogued plugin (`app.register(fastifyJwt, { secret })`) and its entry."""
    out = []
    for call in facts.calls:
        if call.callee.endswith(".register") and call.args:
            entry = next((plugins[c] for c in call.args[0].calls if c in plugins), None)
            if entry is not None:
                out.append((call, entry))
    return out


def _registered_at_start(
    found: Collection,
    started: set[str],
    graph: ImportGraph,
    registering: Iterable[str],
    plugins: Mapping[str, RequiredOption],
) -> list[StartupStop]:
    """Registrations made as the app starts (module level of a started module, or a function that runs
    then: `const server = buildServer()`) of a plugin that fails the start-up without an option, given a
    variable with no fallback for it: the instance never serves where the variable is unset. The function a
    plugin runner loads (`fastify start app.js`) runs then, with the plugins it registers (autoloaded too)."""
    running = started_functions(found.facts, started, graph)
    for path, functions in runner_functions(found.facts, found.manifests.start_scripts()).items():
        running.setdefault(path, set()).update(functions)
    running = registered_plugins(found.facts, started, running, graph)
    out = []
    for path in registering:
        facts = found.facts[path]
        read = partial(imported_field, path, found.facts, graph)
        for call, entry in _registrations(facts, plugins):
            if at_start(call, facts, path in started, running.get(path, set())):
                out += _unset_options(facts.path, call, entry, read)
    return out


def _at_module_level(call: CallFact, facts: FileFacts) -> bool:
    """Whether a call runs as its module loads: its scope is recorded (it is handed names or strings, or
    assigned at module level, or its result is handed to a call that runs then: `app.use("/api/*", jwt({
    secret }))`) and is the module's."""
    assigned = any(a.line == call.line and not a.scope for a in facts.assignments)
    made = f"{call.callee}()"
    handed = any(
        outer is not call
        and outer.line == call.line
        and not outer.scope
        and _handed_values(outer)
        and any(made in value.calls for value in (*outer.args, *(v for _key, v in outer.kwargs)))
        for outer in facts.calls
    )
    return not call.scope and (_handed_values(call) or assigned or handed)


def _handed_values(call: CallFact) -> bool:
    """Whether a call is handed names or strings, so that the parser records its scope."""
    return any(v.names or v.strings for v in (*call.args, *(value for _key, value in call.kwargs)))


def _throwing_fallbacks(facts: FileFacts) -> list[StartupStop]:
    """Module-level values whose fallback for an unset variable is a function called on the spot that
    throws (`DATABASE_URL: process.env.DATABASE_URL || (() => { throw new Error("…") })()`), also one a
    run-mode condition picks outside the mode it spares (fallbacks.py): evaluated as the module loads, they
    stop the application where the variable is unset."""
    out = []
    for assignment in facts.assignments:
        if (
            assignment.scope
            or len(assignment.value.env) != 1
            or not _THROWING_FALLBACK.search(assignment.text)
        ):
            continue
        (variable,) = assignment.value.env
        reason = f"throws when ${variable} is unset"
        out.append(StartupStop(facts.path, assignment.line, assignment.text, (variable,), reason))
    # `?? (nodeEnv === 'test' ? 'test-secret' : (() => { throw … })())`: thrown outside the spared mode
    out += [StartupStop(facts.path, *fallback) for fallback in mode_fallbacks(facts)]
    return out


def _missing_file(
    path: str, stop: Stop, loaders: Iterable[StartupFile], present: set[str]
) -> StartupStop | None:
    """A check that throws where a loader finds no file (`envFound.error`), when the project ships none."""
    negated = stop.condition.lstrip("( ").startswith("!")
    for loader in loaders:
        if negated or not any(call in loader.results for call in stop.guard.calls):
            continue
        if loader.file in present:
            return None
        reason = f"{stop_verb(stop)} when {loader.label} finds no {loader.file} file"
        return StartupStop(path, stop.line, stop.text, (), reason)
    return None


def _start_files(found: Collection) -> frozenset[str]:
    """The project files the package scripts starting the application run (`"dev": "tsx server/index.ts"`)."""
    runners, known = catalogue().package_json.runners, found.facts.__contains__
    return frozenset(
        path
        for script in found.manifests.start_scripts()
        for path in run_files(script.package, {script.name: script.command}, runners, known)
    )


def started_modules(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    graph: ImportGraph,
    run: Iterable[str] = (),
) -> set[str]:
    """Application files that run at start-up: the entries (application files no application file
    imports at run time) and what they import at module level, transitively. A module named like a tool's
    configuration (`env.config.ts`, config scope) that they import runs with them too: a tool reads its own
    configuration file, the application runs what it imports (`export const env = envSchema.parse(…)`).
    Where the package scripts starting the application `run` an entry of a Node application (`"dev": "tsx
    server/index.ts"`), the Node entries they do not run (`scratch/test-db.ts`, a connection probe beside
    the server that nothing imports) are run by hand, not as the application starts; so long as what they run
    loads project modules cdverify resolves (an entry reaching the app through module aliases it cannot
    follow, `require("@loaders/fastify")`, leaves every entry in)."""
    application = {path for path in facts if scopes.get(path, Scope.APPLICATION) is Scope.APPLICATION}
    loaded = application | {path for path in facts if scopes.get(path) is Scope.CONFIG}
    loads: dict[str, list[str]] = {}
    imported: set[str] = set()
    for path in loaded:
        for edge in graph.imports_of(path):
            target = edge.target
            if target is None or target == path or target not in loaded or not edge.runtime:
                continue
            if path in application:
                imported.add(target)
            if not edge.fact.in_function:
                loads.setdefault(path, []).append(target)
    entries = application - imported
    named = entries & set(run)
    if any(facts[path].language.family is Family.NODE and loads.get(path) for path in named):
        entries = {p for p in entries if p in named or facts[p].language.family is not Family.NODE}
    return reachable(entries, lambda path: loads.get(path, ()))
