"""Prisma clients connected before the server listens with a datasource URL the environment lacks: a schema's
`datasource db { provider = "postgresql"  url = env("DATABASE_URL") }` makes every connection of the generated
client fail where `DATABASE_URL` is unset (Prisma: "Environment variable not found: DATABASE_URL"). Prisma
connects lazily, at the first query, so an application that never calls `$connect()` starts and fails only its
requests; one that awaits `prisma.$connect()` at start-up before its `listen` call stops there. Two shapes are
certain (server_urls.py `listens_after`: the application's every listen call is below, in the same function,
under the same condition or none):

- `await prisma.$connect()` in the function that then listens;
- `await prisma.$connect()` in a function of another module (`connectDatabase()` in `config/database.ts`),
  itself awaited in the function that then listens (`await connectDatabase(); app.listen(…)`);
- `prisma.$connect().then(main)`: a promise chain started with the client's `$connect()` (the client made
  in the module, or imported from a project module exporting `new PrismaClient()`) handing `.then` one
  function of the module, alone, in which the application's every listen call is, under no condition of its
  own, the function neither run as the module loads, nor handed to another call, nor named in a handler
  the chain goes on with (`.catch(() => main())`, read in the chain's text, none where it is cut short): the
  server listens only where the connection resolves, whatever the chain's `.catch` does;
- a Fastify plugin that makes the client and awaits its `$connect()` as it is registered
  (rules/database/connections.toml `connecting_plugins`: `await fastify.register(fastifyPrisma)`), registered
  above every listen call, in the same function or at module level, under no condition: Fastify loads it
  before it listens;
- the same of a plugin module of the project (its default export, a function or one wrapped in `fp(…)`,
  awaiting its client's `$connect()` under no condition), registered so or in a function whose result is
  handed to the `.then` callback that holds every listen call (`buildServer().then((app) => app.listen(…))`).

Neither the `$connect()` nor the call awaiting its function may be in a `try` whose `catch` handles the
failure (one that always throws again or exits lets it through: `catch (error) { console.error(error);
process.exit(1) }`) or under an `if` of its own. Nothing is claimed where any schema's datasource URL is
written in the schema, or a client is made with a URL or a driver adapter of its own (`new PrismaClient({
datasourceUrl })`, `datasources`, `adapter`): the variable is then not all the client reads. Whether the
variable is set where the application runs (the project's `.env`, the run script, a declared environment) is
the harness's to say (`StartupStop.stops`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.server_urls import listen_calls, listens_after
from cdverify.model import CallFact, Family, FileFacts, Scope, scope_start
from cdverify.rules_schema import Connections, Reader

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

_LIBRARY = "prisma"
_CLIENT = "PrismaClient"
_CONNECT = ".$connect"
_THEN = ".$connect().then"
_OWN_URL = ("datasource", "adapter", "...")  # options giving the client a URL or a driver of its own (or may)


def unset_prisma_urls(found: Collection, graph: ImportGraph) -> list[StartupStop]:
    """The start-up connections of a Prisma client whose schemas' datasource URL only a variable gives."""
    connects = [
        (path, call)
        for path in sorted(found.facts)
        if found.scope_of(path) is Scope.APPLICATION and found.facts[path].language.family is Family.NODE
        for call in found.facts[path].calls
        if call.callee.endswith(_CONNECT) and f"{_CLIENT}()" in call.callee and call.scope
    ]
    registered = [*_connecting_registrations(found), *_own_plugin_registrations(found, graph)]
    chained = _chained_connects(found, graph)
    if not connects and not registered and not chained:
        return []
    source = datasource_variable(found)
    if source is None or _own_urls(found):
        return []
    variable, where = source
    listens = listen_calls(found)
    out = []
    for path, call in connects:
        reason = (
            f'fails where ${variable} is unset: the Prisma schema\'s datasource URL is env("{variable}") '
            f"({where}), and Prisma rejects every connection without it (Environment variable not found), "
            "before the server listens"
        )
        if listens_after(listens, path, call):  # in the function that listens, under its condition or none
            out.append(StartupStop(path, call.line, call.text, (variable,), reason))
        elif call.guard is None:  # in a function of its own: under no `if`, in no `try` handling it
            function = call.scope.partition("@")[0]
            callers = _awaited_callers(found, graph, path, function)
            awaited = next((c for c in callers if listens_after(listens, *c)), None)
            if awaited is not None:
                via = f" (awaited at start-up at {awaited[0]}:{awaited[1].line})"
                out.append(StartupStop(path, call.line, call.text, (variable,), reason + via))
    for path, call, function in chained:
        reason = (
            f'fails where ${variable} is unset: the Prisma schema\'s datasource URL is env("{variable}") '
            f"({where}), and Prisma rejects every connection without it (Environment variable not found), "
            f"and the server listens only in {function}(), run where the connection resolves"
        )
        out.append(StartupStop(path, call.line, call.text, (variable,), reason))
    for path, call, plugin in registered:
        reason = (
            f"fails where ${variable} is unset: {plugin} awaits the Prisma client's $connect() as it is "
            "registered, "
            f'the Prisma schema\'s datasource URL is env("{variable}") ({where}), and Prisma rejects every '
            "connection without it (Environment variable not found), before the server listens"
        )
        out.append(StartupStop(path, call.line, call.text, (variable,), reason))
    return out


def _chained_connects(found: Collection, graph: ImportGraph) -> list[tuple[str, CallFact, str]]:
    """(file, call, function) of the `.then(function)` calls chained on a Prisma client's `$connect()`
    (`prisma.$connect().then(main).catch(…)`) where `function` is the module's own, holds the application's
    every listen call (under no condition of its own), and is neither called nor handed anywhere else in the
    module: the server listens only where the connection resolves."""
    listens = listen_calls(found)
    if not listens:
        return []
    out = []
    for path, facts in _node_sources(found):
        for call in facts.calls:
            if not call.callee.endswith(_THEN) or call.guard is not None or call.kwargs:
                continue
            if len(call.args) != 1:  # `.then(main, onRejected)`
                continue
            handed = call.args[0]
            if len(handed.names) != 1 or handed.calls or handed.strings or handed.env:
                continue
            (function,) = handed.names
            client = call.callee[: -len(_THEN)]
            if not _prisma_client(client, path, found, graph) or not _only_in(listens, path, function):
                continue
            if _used_elsewhere(facts, call, function):
                continue
            out.append((path, call, function))
    return out


def _prisma_client(client: str, path: str, found: Collection, graph: ImportGraph) -> bool:
    """Whether `client` (a traced receiver) is a Prisma client: made in place
    (`@prisma/client.PrismaClient()`) or a name a project module exports as one (`./lib/prisma.prisma`
    with `export const prisma = new PrismaClient()` there)."""
    if f"{_CLIENT}()" in client:
        return True
    for edge in graph.imports_of(path):
        target, prefix = edge.target, f"{edge.fact.specifier}."
        if not target or target == path or target not in found.facts or not client.startswith(prefix):
            continue
        exported = dict(found.facts[target].exports).get(client[len(prefix) :], "")
        return f"{_CLIENT}()" in exported
    return False


def _only_in(listens: list[tuple[str, CallFact]], path: str, function: str) -> bool:
    """Whether the application's every listen call is in `function` of the module at `path`, under no
    condition of its own."""
    return all(
        file == path and call.scope.partition("@")[0] == function and call.guard is None
        for file, call in listens
    )


def _used_elsewhere(facts: FileFacts, chained: CallFact, function: str) -> bool:
    """Whether the module may run `function` where the connection fails: it calls it as it loads (`main()`),
    hands it to a call other than `chained` (a `.catch(main)`, a `.finally(main)`), or continues the chain
    with a handler written in place whose whole text is not shown or names it (`.catch(() => main())`)."""
    if function in facts.runs:
        return True
    named = re.compile(rf"(?<![\w$.]){re.escape(function)}(?![\w$])")
    continued = f"{chained.callee}()."
    for call in facts.calls:
        if call is chained:
            continue
        if any(function in value.names for value in call.args):
            return True
        if call.callee.startswith(continued) and call.line == chained.line:
            rest = call.text.removeprefix(chained.text)
            if rest.endswith("…") or named.search(rest):
                return True
    return False


def _connecting_registrations(found: Collection) -> list[tuple[str, CallFact, str]]:
    """(file, call, plugin) of the registrations of a Fastify plugin that makes a Prisma client and connects
    it as it is registered (rules/database/connections.toml `connecting_plugins`: `await
    fastify.register(fastifyPrisma)`), under no condition, followed by the application's every listen call in
    the same function (or at module level), under none either: Fastify loads the plugin before it listens, and
    its failure fails the start-up."""
    plugins = {
        plugin
        for entry in load_rules(Connections).connecting_plugins
        if entry.library == _LIBRARY
        for plugin in entry.plugins
    }
    if not plugins:
        return []
    listens = listen_calls(found)
    out = []
    for path, facts in _node_sources(found):
        for call in _registrations(facts):
            plugin = next((p for p in plugins for c in call.args[0].calls if c in (p, f"{p}.default")), None)
            if plugin is not None and _listened_after(listens, path, call):
                out.append((path, call, plugin))
    return out


def _own_plugin_registrations(found: Collection, graph: ImportGraph) -> list[tuple[str, CallFact, str]]:
    """(file, call, plugin) of the registrations of a plugin module of the project whose default export (a
    function, or one wrapped in `fp(…)`) makes a Prisma client and awaits its `$connect()` under no
    condition (`export default fp(async (fastify) => { const prisma = new PrismaClient(); await
    prisma.$connect(); … })`), registered under no condition and followed by the application's every listen
    call in the same function, or in the callback that function's result is handed to
    (`buildServer().then((app) => app.listen(…))`): the registration rejects, and nothing listens."""
    plugins = {
        path
        for path, facts in found.facts.items()
        if facts.default_function
        and found.scope_of(path) is Scope.APPLICATION
        and any(
            c.callee.endswith(_CONNECT)
            and f"{_CLIENT}()" in c.callee
            and c.scope == facts.default_function
            and c.guard is None
            for c in facts.calls
        )
    }
    if not plugins:
        return []
    listens = listen_calls(found)
    out = []
    for path, facts in _node_sources(found):
        imported = {
            edge.fact.specifier: edge.target
            for edge in graph.imports_of(path)
            if edge.target in plugins and edge.runtime
        }
        for call in _registrations(facts) if imported else ():
            plugin = next(
                (imported[c] for c in call.args[0].calls if c.removesuffix(".default") in imported), None
            )
            if plugin is None:
                continue
            if _listened_after(listens, path, call) or _listened_on_result(listens, facts, call):
                out.append((path, call, plugin))
    return out


def _node_sources(found: Collection) -> Iterator[tuple[str, FileFacts]]:
    """(path, facts) of the application's Node files, in path order."""
    for path in sorted(found.facts):
        facts = found.facts[path]
        if found.scope_of(path) is Scope.APPLICATION and facts.language.family is Family.NODE:
            yield path, facts


def _registrations(facts: FileFacts) -> Iterator[CallFact]:
    """The file's `register(plugin, …)` calls made under no condition."""
    for call in facts.calls:
        if call.callee.rpartition(".")[2] == "register" and call.args and call.guard is None:
            yield call


def _listened_on_result(
    listens: list[tuple[str, CallFact]], facts: FileFacts, registration: CallFact
) -> bool:
    """Whether the application's every listen call is, under no condition of its own, in the callback handed
    to `.then` on a call of the function `registration` is in (`buildServer().then((app) => { app.listen(…)
    })`, the callback written on the line of the `.then` call): it runs only where that function resolves."""
    function = registration.scope.partition("@")[0]
    if not function or not listens:
        return False
    lines = {
        call.line
        for call in facts.calls
        if call.callee.endswith(".then") and call.text.startswith(f"{function}(")
    }
    return all(
        file == facts.path and call.guard is None and scope_start(call.scope) in lines
        for file, call in listens
    )


def _listened_after(listens: list[tuple[str, CallFact]], path: str, registration: CallFact) -> bool:
    """Whether the application's every listen call is below `registration`, in its file and function (module
    level too), under no condition of its own."""
    return bool(listens) and all(
        file == path
        and call.scope == registration.scope
        and call.line > registration.line
        and call.guard is None
        for file, call in listens
    )


def datasource_variable(found: Collection) -> tuple[str, str] | None:
    """(variable, `file:line`) of the one variable every Prisma schema's datasource `url` reads; None where
    a schema writes its URL, or the schemas read different variables."""
    urls = [s for s in found.manifests.settings if s.source is Reader.PRISMA and s.key == "url"]
    variables = {setting.env_var for setting in urls}
    if len(variables) != 1 or "" in variables:
        return None
    first = min(urls, key=lambda s: (s.file, s.line))
    return first.env_var, f"{first.file}:{first.line}"


def _own_urls(found: Collection) -> bool:
    """Whether a Prisma client is made with a URL or a driver adapter of its own."""
    for path, facts in found.facts.items():
        if found.scope_of(path) is not Scope.APPLICATION:
            continue
        for call in facts.calls:
            if call.callee.rpartition(".")[2] != _CLIENT:
                continue
            written = " ".join([*(value.text for value in call.args), *(key for key, _value in call.kwargs)])
            if any(word in written for word in _OWN_URL) or any(
                value.names and not value.text.startswith("{") for value in call.args
            ):
                return True
    return False


def _awaited_callers(
    found: Collection, graph: ImportGraph, path: str, function: str
) -> Iterator[tuple[str, CallFact]]:
    """The awaited calls, with no argument, of `function` of the module at `path` in the modules importing it
    (`await connectDatabase()` after `import { connectDatabase } from './config/database'`), recorded with
    their function (rules/parse.toml `node.connect_methods`)."""
    for edge in graph.internal_edges():
        caller_path, specifier = edge.source, edge.fact.specifier
        if edge.target != path or caller_path == path or not edge.runtime or caller_path not in found.facts:
            continue
        for call in found.facts[caller_path].calls:
            if call.callee == f"{specifier}.{function}" and call.scope and not call.args:
                yield caller_path, call
