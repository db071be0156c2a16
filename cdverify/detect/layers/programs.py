"""Programs in no layer: files that run by themselves rather than serve the app — command-line scripts in a
layer's folder (`commands/`), programs whose path names no layer, modules at the project's top run by hand,
helpers only the migrations import, and the files package.json scripts or pyproject entry points run. Each
is kept only when no application file imports it (`_not_imported`). detect/layers/roles.py takes them out of
the layers; the app's own wiring (composition roots, containers) is detect/layers/wiring.py."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import Names, matches, names_of
from cdverify.detect.layers.names import Named
from cdverify.model import CallFact, Family, FileFacts
from cdverify.parse.libraries import node_libraries

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph


def scripts(
    named: Mapping[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    directories: Iterable[str],
) -> tuple[str, ...]:
    """Files whose layer only a folder of `directories` gives (`commands/`), that run as programs of their
    own (`FileFacts.program`: a shebang, `process.argv`, `process.exit`, Python's `__main__` guard) and
    that no project file imports: command-line scripts, in no layer. CQRS commands (imported by the app,
    running no program) keep the folder's layer."""
    wanted = {_folder_key(directory) for directory in directories}
    candidates = [
        path
        for path, name in named.items()
        if wanted
        and name.glob is None
        and name.folders
        and _folder_key(name.folders[0][1].rpartition("/")[2]) in wanted
        and path in facts
        and facts[path].program
    ]
    return _not_imported(candidates, graph, named)


def stray_programs(
    named: Mapping[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    apps: Collection[str],
    routes: Collection[str],
) -> tuple[str, ...]:
    """Files whose path names no layer that run as programs of their own (`FileFacts.program`: a shebang,
    `process.argv`, `process.exit`, Python's `__main__` guard), that no application file imports, that
    build or start no app, register no routes (`routes`) and import no module that does either: scripts
    run by hand, in no layer (`utils/sequelize-migrate.js` running the migrations with Umzug, then
    `process.exit(0)`). A Node module calling a function of its own as it loads (`resetDatabase()` at the
    bottom of `database/reset-db.js`: `runs_itself`) is such a program too, as is one exporting nothing that
    makes calls as it loads (`runs_unexported`). A `models.py` with a `__main__`
    guard creating its tables keeps its layer, an entry serving the project's MCP tools over stdio
    (exiting on a failed start) is no script, and neither is a Fastify plugin migrating its pool as it loads
    (`wraps_plugin`)."""
    serving = {*apps, *routes}
    candidates = [
        path
        for path, name in named.items()
        if name.glob is None
        and not name.folders
        and name.suffix is None
        and path in facts
        and (facts[path].program or runs_itself(facts[path]) or runs_unexported(facts[path]))
        and not wraps_plugin(facts[path])
        and path not in apps
        and path not in routes
        and not any(edge.target in serving and edge.runtime for edge in graph.imports_of(path))
    ]
    return _not_imported(candidates, graph, named)


def runs_unexported(file_facts: FileFacts) -> bool:
    """Whether a Node module exports nothing and makes calls at module level (`const db = new Database(…)`
    then `db.prepare(…).get()` in a `check-database.js`): nothing can use it but by running it, so when
    nothing imports it either it is a program run by hand."""
    if file_facts.language.family is not Family.NODE:
        return False
    return not file_facts.exporting and any(not call.scope for call in file_facts.calls)


def runs_itself(file_facts: FileFacts) -> bool:
    """Whether a Node module calls, by itself at module level, a function it declares (one whose body
    makes calls: `main()`, `resetDatabase()`; not `config()` of `import { config } from "dotenv"`): it
    runs as it loads, a program when nothing imports it; so does a function called where it is written, whose
    body makes calls (`(async () => { await pool.query(…) })()`, named by its scope key)."""
    if not file_facts.runs:
        return False
    scopes = {call.scope for call in file_facts.calls if call.scope}
    own = {scope.partition("@")[0] for scope in scopes}
    return not own.isdisjoint(file_facts.runs) or not scopes.isdisjoint(file_facts.runs)


def job_workers(facts: Mapping[str, FileFacts], files: Iterable[str], consumers: Collection[str]) -> set[str]:
    """The `files` that start a long-running consumer of a job queue or message broker (`consumers`,
    rules/architecture `job_consumers`: BullMQ's `new Worker(…)`): worker processes of the application,
    deployed beside the server (`"worker": "node src/workers/emailWorker.js"`), not scripts run by hand,
    though nothing imports them and they run by themselves."""
    if not consumers:
        return set()
    wanted = set(consumers)
    return {
        path
        for path in files
        if (found := facts.get(path)) is not None and any(call.callee in wanted for call in found.calls)
    }


def migration_helpers(
    named: Mapping[str, Named], graph: ImportGraph, migrations: Collection[str]
) -> tuple[str, ...]:
    """Application files whose path names no layer, that migration files (`migrations`: migration-scope
    sources) import and no application file does: helpers of the migrations (`utils/migrations.ts`
    building the timestamp columns and triggers the `migrations/*.ts` add), no part of the running app,
    in no layer. Models the migrations import for their metadata (`app/models/`, `models.py`) keep their
    layer."""
    if not migrations:
        return ()
    wanted = set(migrations)
    used = {
        edge.target
        for edge in graph.internal_edges()
        if edge.source in wanted
        and (name := named.get(edge.target or "")) is not None
        and name.glob is None
        and not name.folders
        and name.suffix is None
    }
    return _not_imported(sorted(path for path in used if path), graph, named)


def root_scripts(
    named: Mapping[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    apps: Collection[str],
    runners: Iterable[str] = (),
    routes: Collection[str] = (),
    settings: Collection[str] = (),
) -> tuple[str, ...]:
    """Python modules at the project's top that no application module imports and that build no app
    (`create_start_data.py` filling the tables, `start_server.py` calling the app package's `main()`):
    scripts and entry points run by hand, in no layer. A single-module app builds its app and stays; so
    does a module registering routes (`routes`: a `routes.py` Blueprint nothing registers yet), which
    handles requests wherever it is mounted and is run by no one.
    Deeper down, the programs of `_programs` too (`settings`: app files only by a port value among settings,
    which build no app for them); and Node programs in no layer's folder running the
    migrations (a call of `runners`: `postgrator.js` making a `new Postgrator(…)`, `database/migrate.ts`
    calling drizzle's `migrate(db, …)`, imported by nothing)."""
    candidates = [
        path
        for path, name in named.items()
        if "/" not in path
        and name.glob is None
        and path not in apps
        and path not in routes
        and path in facts
        and facts[path].language.family == "python"
    ]
    migrators = _root_migrators(named, facts, graph, apps, names_of(runners)) if runners else []
    programs = _programs(named, facts, graph, set(apps) - set(settings))
    return _not_imported([*candidates, *programs, *migrators], graph, named)


def _root_migrators(
    named: Mapping[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    apps: Collection[str],
    runners: Names,
) -> list[str]:
    """Node modules at the project's top, or in folders naming no layer calling it as they load
    (`database/migrate.ts`: `await migrate(db, …)` at module level, where a Fastify plugin calls it in the
    plugin's function), under no file name of a layer, that call a migration runner (`runners`), build no
    app and import no module building one. A module wrapping a Fastify plugin (`export default fp(…)`,
    rules/parse.toml `plugin_wrappers`) is loaded by the app that registers or autoloads it, whatever it
    runs as it loads (`src/plugins/db.ts` migrating its pool, then decorating the instance with it)."""
    return [
        path
        for path, name in named.items()
        if not name.folders
        and name.glob is None
        and name.suffix is None
        and path not in apps
        and path in facts
        and facts[path].language.family == Family.NODE
        and any(
            matches(call.callee, runners) and ("/" not in path or _loading(call))
            for call in facts[path].calls
        )
        and not any(edge.target in apps for edge in graph.imports_of(path))
        and not wraps_plugin(facts[path])
    ]


def wraps_plugin(file_facts: FileFacts) -> bool:
    """Whether a Node module wraps a Fastify plugin (`export default fp(async (fastify) => …)`,
    rules/parse.toml `plugin_wrappers`): the app registers or autoloads it (`@fastify/autoload` over
    `plugins/`), so it is part of the app whatever it runs as it loads, even when no file imports it."""
    wrappers = node_libraries().plugin_wrappers
    return any(call.callee in wrappers for call in file_facts.calls)


def _loading(call: CallFact) -> bool:
    """The call is made as its module loads: the parser records the scope of a call handed names or strings
    (`migrate(db, { migrationsFolder })`), so an empty one there is the module's."""
    return not call.scope and any(value.names or value.strings for value in call.args)


def _programs(
    named: Mapping[str, Named], facts: Mapping[str, FileFacts], graph: ImportGraph, apps: Collection[str]
) -> list[str]:
    """Python modules inside a package that run as programs of their own (`if __name__ == "__main__":`),
    in no folder and under no file name of a layer, that build no app and import no module building one
    (`app/backend_pre_start.py` waiting for the database, `app/initial_data.py` seeding it, both run by a
    start-up shell script): scripts, whatever their code touches. In a layer's folder (`entrypoints/` of
    a queue consumer) the folder still decides. A settings module holding the server's port among its values
    (`SERVER_PORT = int(os.getenv("SERVER_PORT", 5000))`, imported by `database_initialization/init_db.py`)
    is no module building an app here: the caller leaves it out of `apps`."""
    return [
        path
        for path, name in named.items()
        if "/" in path
        and name.glob is None
        and not name.folders
        and name.suffix is None
        and path not in apps
        and path in facts
        and facts[path].language.family == "python"
        and facts[path].program
        and not any(edge.target in apps for edge in graph.imports_of(path))
    ]


def package_scripts(
    run: Iterable[str],
    named: Mapping[str, Named],
    graph: ImportGraph,
    apps: Collection[str],
    routing: Collection[str] = (),
) -> tuple[str, ...]:
    """Files a package.json script runs directly (`"db:migrate": "tsx src/db/migrate.ts"`) or a pyproject
    console entry point names (`db-seed = "app.db.cli:db_seed"`; Manifests.script_files) that no project
    file imports, that build or start no app and import no module that builds one or registers request
    handlers (`routing`): scripts, in no layer. The server entry a `start`
    script runs (`app.listen(…)` on the app of `./app`) stays, as does one serving the project's MCP tools
    over stdio (`"mcp": "node dist/mcp/index.js"` importing the module registering them)."""
    serving = {*apps, *routing}
    candidates = [
        path
        for path in run
        if path in named
        and named[path].glob is None
        and path not in serving
        and not any(edge.target in serving and edge.runtime for edge in graph.imports_of(path))
    ]
    return _not_imported(candidates, graph, named)


def _not_imported(candidates: list[str], graph: ImportGraph, named: Collection[str]) -> tuple[str, ...]:
    """The candidates no other application file (`named`) imports, sorted: a test helper running the
    migrations (`tests/helpers/db.ts`) leaves `src/db/migrate.ts` a script."""
    if not candidates:
        return ()
    imported = {
        edge.target for edge in graph.internal_edges() if edge.source != edge.target and edge.source in named
    }
    return tuple(sorted(path for path in candidates if path not in imported))


def _folder_key(folder: str) -> str:
    return folder.lower().replace("-", "_")
