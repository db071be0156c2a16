"""Start-up checks inside Fastify plugins: a plugin function handed to `app.register(…)` runs as the
instance starts (Fastify loads every registered plugin before `ready()` / `listen()` resolve, and a plugin
that throws fails the start-up), so a `throw` in its body under an `if` testing an environment variable
(`const url = process.env.DATABASE_URL; if (!url) throw new Error(…)`) stops the application where the
variable is unset, as a module-level check does (stops.py). A registration counts where it runs as the app
starts (module level of a started module, or a function that runs then: `await fastify.register(dbPlugin)`
in the `buildServer()` the entry awaits: jsonschemas.py `at_start`).

The plugin registered is a function of the registering module (`app.register(plugin)`), the default export of
a module it imports (`export default plugin`, `export default fp(plugin)` / `module.exports = fp(plugin)` of a
catalogued wrapper, rules/parse.toml `plugin_wrappers`, also an inline function handed to the wrapper), or a
named export (`import { dbPlugin } from './db'`), or each plugin file an @fastify/autoload registration loads
from its folder (`fastify.register(AutoLoad, { dir: path.join(__dirname, 'plugins') })`: its default-exported
function, `FileFacts.default_function`). A `throw` counts in the plugin's own body, and in a function the body
surely calls by name, followed through the project modules it is imported from (`const sqlite = openSqlite()`
in the plugin, `const file = resolveDatabasePath()` in `openSqlite`, which throws without `DATABASE_PATH`:
`FileFacts.steps`, calls under no `if` and in no `try` that carries on); one in a function the plugin only
defines (a route handler) runs when that is called. The function a plugin runner loads (fastify-cli's
`fastify start app.js` as the start script: rules/database/connections.toml `plugin_runners`) runs at
start-up, with the registrations in it."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.jsonschemas import at_start, imported_function
from cdverify.detect.database.report import StartupStop
from cdverify.detect.framework.autoload import autoload_modules, autoloaded_files
from cdverify.model import Family, FileFacts, Scope, Stop, Value
from cdverify.package_scripts import PackageScript
from cdverify.parse.libraries import node_libraries
from cdverify.rules_schema import Connections, PluginRunner

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

# One operand that is unset when the condition holds: `!x`, `!process.env.X`, `x === undefined`, `x == null`,
# `typeof x === "undefined"`; a condition of such operands joined by `||` holds when any of them is unset.
_NAME = r"[\w$][\w$.]*(?:\[['\"][\w$]+['\"]\])*"
UNSET = re.compile(
    rf"!\s*{_NAME}|{_NAME}\s*===?\s*(?:undefined|null|''|\"\")|typeof\s+{_NAME}\s*===?\s*['\"]undefined['\"]"
)


# `= process.env.A && process.env.B`: a value of variables joined by `&&` only, unset where any of them is
_ALL_SET = re.compile(r"=\s*\(?\s*process\.env\.[\w$]+(?:\s*&&\s*process\.env\.[\w$]+)+\s*\)?\s*;?\s*$")


def unset_operands(condition: str) -> bool:
    """Whether every `||` operand of a condition is an unset test (`!url || !key`)."""
    condition = condition.strip()
    while condition.startswith("(") and condition.endswith(")"):
        condition = condition[1:-1].strip()
    return all(UNSET.fullmatch(part.strip()) for part in condition.split("||"))


def plugin_checks(
    facts: Mapping[str, FileFacts],
    started: set[str],
    running: Mapping[str, set[str]],
    graph: ImportGraph,
    failed: Failed | None = None,
) -> list[StartupStop]:
    """The checks in the bodies of plugins registered as the application starts, and in the functions they
    surely call, that stop it where a variable is unset, each with the registration that runs it; with
    `failed`, also those that stop where the environment fails a start-up schema (an env plugin's `const
    parsed = EnvSchema.safeParse(process.env); if (!parsed.success) throw …`)."""
    if not any(stop.scope for f in facts.values() for stop in f.stops):
        return []
    registers = node_libraries().plugin_registers
    loaders = autoload_modules()
    out: list[StartupStop] = []
    for path, file_facts in facts.items():
        for call in file_facts.calls:
            if call.callee.rpartition(".")[2] not in registers or not call.args:
                continue
            if not at_start(call, file_facts, path in started, running.get(path, set())):
                continue
            plugins = list(_registered(path, call.args[0], facts, graph))
            if any(ref == m or ref.startswith(f"{m}.") for ref in call.args[0].calls for m in loaders):
                loaded = autoloaded_files(path, call, facts)
                plugins += [(p, {facts[p].default_function}) for p in loaded if facts[p].default_function]
            via = f" (in a plugin registered at start-up at {path}:{call.line})"
            for target, scopes in plugins:
                out += function_checks(target, scopes, facts, graph, via, failed)
    return list(dict.fromkeys(out))


def checked_application(found: Collection) -> dict[str, FileFacts]:
    """The application's Node modules, when one has a check in a function (`Stop.scope`); else none."""
    application = {
        path: facts
        for path, facts in found.facts.items()
        if found.scope_of(path) is Scope.APPLICATION and facts.language.family is Family.NODE
    }
    return application if any(stop.scope for f in application.values() for stop in f.stops) else {}


# what a check in a function that fails a start-up schema stops on (schema_stops.py `failed_schema`)
Failed = Callable[[str, Stop], "StartupStop | None"]


def function_checks(
    path: str,
    scopes: str | set[str],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    via: str,
    failed: Failed | None = None,
) -> list[StartupStop]:
    """The checks that stop the application where a variable is unset in the body of the function of `path`
    named by `scopes` (a name, or the names its scope may take) and in the functions it surely calls; with
    `failed`, also those that stop where the environment fails a schema (`if (!parsed.success) …`)."""
    named = {scopes} if isinstance(scopes, str) else scopes
    out = _checks(path, facts[path], named, via, failed)
    for file, function in _followed(path, named, facts, graph):
        out += _checks(file, facts[file], {function}, via, failed)
    return out


def registered_plugins(
    facts: Mapping[str, FileFacts], started: set[str], running: Mapping[str, set[str]], graph: ImportGraph
) -> dict[str, set[str]]:
    """File → its functions that run as the app starts (`running`), with the plugin functions registered then
    and, in turn, those such a plugin registers in its body (`fastify.register(app)` in the entry, whose
    plugin registers `mongoDBPlugin`, whose body registers @fastify/mongodb), a few registrations deep; an
    @fastify/autoload registration registers the default-exported function of each plugin file it loads."""
    registers = node_libraries().plugin_registers
    loaders = autoload_modules()
    out = {path: set(names) for path, names in running.items()}
    for _ in range(_HOPS):
        added = False
        for path, file_facts in facts.items():
            for call in file_facts.calls:
                if call.callee.rpartition(".")[2] not in registers or not call.args:
                    continue
                if not at_start(call, file_facts, path in started, out.get(path, set())):
                    continue
                plugins = list(_registered(path, call.args[0], facts, graph))
                if any(ref == m or ref.startswith(f"{m}.") for ref in call.args[0].calls for m in loaders):
                    loaded = autoloaded_files(path, call, facts)
                    plugins += [(p, {facts[p].default_function}) for p in loaded if facts[p].default_function]
                for target, scopes in plugins:
                    if not scopes <= out.setdefault(target, set()):
                        out[target] |= scopes
                        added = True
        if not added:
            break
    return out


def imported_field(path: str, facts: Mapping[str, FileFacts], graph: ImportGraph, value: Value) -> Value:
    """What a value reading a field of another project module's object holds (`serverConfig.MONGODB_URI`,
    traced `../config/serverConfig.js.MONGODB_URI`, with `export default serverConfig` after `const
    serverConfig = { MONGODB_URI: process.env.MONGODB_URI }`): the field's one module-level value, else
    the value itself."""
    if len(value.calls) != 1 or value.env or value.strings or value.numbers:
        return value
    (traced,) = value.calls
    for edge in graph.imports_of(path):
        target, prefix = edge.target, f"{edge.fact.specifier}."
        if not target or target == path or target not in facts or not traced.startswith(prefix):
            continue
        field = traced[len(prefix) :]
        owner = dict(facts[target].aliases).get("default", "")
        wanted = {field, f"{owner}.{field}"} if owner else {field}
        found = [a.value for a in facts[target].assignments if not a.scope and a.target in wanted]
        return found[0] if len(found) == 1 else value
    return value


def runner_functions(facts: Mapping[str, FileFacts], scripts: Iterable[PackageScript]) -> dict[str, set[str]]:
    """File → the default-exported function a plugin runner the start scripts (`scripts`) name loads and runs
    at start-up (`"start": "fastify start -l info app.js"` → app.js's `module.exports = async function
    (fastify) {…}`)."""
    out: dict[str, set[str]] = {}
    for runner in load_rules(Connections).plugin_runners:
        for script in scripts:
            file = _runner_file(script.command, runner)
            path = posixpath.normpath(posixpath.join(posixpath.dirname(script.package), file)) if file else ""
            if path in facts and facts[path].default_function:
                out.setdefault(path, set()).add(facts[path].default_function)
    return out


def _runner_file(command: str, runner: PluginRunner) -> str | None:
    """The module a command runs with `runner` (`fastify start -o -l info app.js` → `app.js`)."""
    for part in re.split(r"&&|\|\||[;|]", command):
        words = [word.strip("'\"") for word in part.split()]
        at = next(
            (i for i, word in enumerate(words[:-1]) if posixpath.basename(word) in runner.runners), None
        )
        if at is None or words[at + 1] not in runner.commands:
            continue
        files = [word for word in words[at + 2 :] if word.endswith(runner.files) and not word.startswith("-")]
        return files[-1] if files else None
    return None


_HOPS = 6  # calls followed from a plugin's body to the function that throws (a class's constructor is one)


def _followed(
    path: str, scopes: set[str], facts: Mapping[str, FileFacts], graph: ImportGraph
) -> list[tuple[str, str]]:
    """(file, function) of the project functions a plugin's body surely calls by name, and those they call in
    turn, up to `_HOPS` calls deep."""
    return called_functions([(path, scope) for scope in scopes], facts, graph, _HOPS)


def called_functions(
    starts: Iterable[tuple[str, str]],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    hops: int | None = None,
) -> list[tuple[str, str]]:
    """(file, function) of the project functions the `starts` ((file, function); "" for a module's own
    level) surely call by name (`FileFacts.steps`), their own or imported (`const { openSqlite } =
    require('../db')`), and those they call in turn, each once: up to `hops` calls deep, all where None."""
    pending = [(file, function, 0) for file, function in starts]
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    while pending:
        file, scope, depth = pending.pop()
        exported = dict(facts[file].exports)
        for owner, name in facts[file].steps:
            if owner != scope and owner.partition("@")[0] != scope:
                continue
            found = called_function(file, name, exported, facts, graph)
            if found is None or found in seen:
                continue
            seen.add(found)
            out.append(found)
            if hops is None or depth + 1 < hops:
                pending.append((*found, depth + 1))
    return out


def called_function(
    path: str, name: str, exported: Mapping[str, str], facts: Mapping[str, FileFacts], graph: ImportGraph
) -> tuple[str, str] | None:
    """(file, function) a bare name called in the module at `path` is: one a project module it is imported
    from defines (`exported`: the module's traced names, `openSqlite` → `../db.openSqlite`), else its own."""
    traced = exported.get(name) or _imported_call(path, name, facts, graph)
    found = imported_function(traced, path, facts, graph) if traced else (path, name)
    return found if found is not None and found[0] in facts else None


def _imported_call(path: str, name: str, facts: Mapping[str, FileFacts], graph: ImportGraph) -> str:
    """The traced callee of a call of `name` imported from a project module the traced names leave out (an
    alias specifier reads as a package's: `import { getClient } from "@/lib/minio"`), "" for none."""
    callees = {call.callee for call in facts[path].calls}
    for edge in graph.imports_of(path):
        traced = f"{edge.fact.specifier}.{name}"
        if edge.target is not None and edge.target != path and traced in callees:
            return traced
    return ""


def _registered(
    path: str, plugin: Value, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> Iterator[tuple[str, set[str]]]:
    """(file, the scopes its function may be named by) of the plugin a registration hands over."""
    if len(plugin.names) == 1 and not plugin.calls:  # the module's own function
        yield path, {plugin.names[0]}
    for edge in graph.imports_of(path):
        target, specifier = edge.target, edge.fact.specifier
        if target is None or target == path or target not in facts or not edge.runtime:
            continue
        for called in plugin.calls:
            if called in (specifier, f"{specifier}.default"):
                yield target, _default_plugin(facts[target])
            elif called.startswith(f"{specifier}.") and "." not in called[len(specifier) + 1 :]:
                name = called[len(specifier) + 1 :]
                yield target, {name, *_wrapped(facts[target], name)}


def _default_plugin(file_facts: FileFacts) -> set[str]:
    """The names the scope of a module's default-exported plugin function may take: the variable it exports
    (`export default plugin`), or the function a catalogued wrapper is handed at module level (`export
    default fp(plugin)`, `fp(async (app) => …)`: `function@<line>`)."""
    aliases = dict(file_facts.aliases)
    if "default" in aliases:
        return {aliases["default"]}
    if file_facts.default_function:  # `module.exports = fp(async function db(fastify) {…})`: `db@7`
        return {file_facts.default_function}
    exports = dict(file_facts.exports)
    exported = exports.get("default", "") or exports.get("module.exports", "")
    wrappers = node_libraries().plugin_wrappers
    if exported.removesuffix("()") not in wrappers:
        return set()
    out = set()
    for call in file_facts.calls:
        if call.callee in wrappers and not call.scope and call.args:
            handed = call.args[0]
            out.add(handed.names[0] if len(handed.names) == 1 else f"function@{call.line}")
    return out if len(out) == 1 else set()


def _wrapped(file_facts: FileFacts, name: str) -> set[str]:
    """The scope of the function a catalogued plugin wrapper is handed for a named export (`export const
    mongoDBPlugin = fp(async function (fastify) {…})`: `function@6`), or the function's name."""
    wrappers = node_libraries().plugin_wrappers
    return {
        call.args[0].names[0] if len(call.args[0].names) == 1 else f"function@{call.line}"
        for call in file_facts.calls
        if call.callee in wrappers and not call.scope and call.target == name and call.args
    }


def _checks(
    path: str, file_facts: FileFacts, scopes: set[str], via: str, failed: Failed | None
) -> list[StartupStop]:
    out = []
    for stop in file_facts.stops:
        function = stop.scope.partition("@")[0]
        if not stop.scope or (function not in scopes and stop.scope not in scopes):
            continue
        variables = _variables(file_facts, stop) if unset_operands(stop.condition) else ()
        schema = failed(path, stop) if failed is not None and not variables else None
        if schema is not None:  # `!parsed.success`: a failed schema, not an unset name
            out.append(schema._replace(reason=schema.reason + via))
        elif variables:
            shown = " or ".join(f"${name}" for name in variables)
            verb = "exits" if stop.text.startswith("process.exit") else "throws"
            out.append(
                StartupStop(path, stop.line, stop.text, variables, f"{verb} when {shown} is unset{via}")
            )
    return out


def _variables(file_facts: FileFacts, stop: Stop) -> tuple[str, ...]:
    """The variables a check's condition tests: read in it, or through a name its function or the module
    assigns one read (`const url = process.env.DATABASE_URL`); none where a name is anything else, or falls
    back to a default where the variable is unset (`process.env.DATABASE_URL ?? "postgres://…"`). A name
    assigned several variables joined by `&&` only (`const hasKeys = process.env.A && process.env.B`) is unset
    where any of them is: each counts."""
    out = list(stop.guard.env)
    for name in stop.guard.names:
        reads = [a for a in file_facts.assignments if a.target == name and a.scope in (stop.scope, "")]
        if len(reads) != 1 or not reads[0].value.env or not reads[0].value._replace(env=()).empty:
            return ()
        if len(reads[0].value.env) > 1 and not _ALL_SET.search(reads[0].text):
            return ()
        out.extend(reads[0].value.env)
    return tuple(dict.fromkeys(out))
