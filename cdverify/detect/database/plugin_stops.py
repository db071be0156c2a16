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
named export (`import { dbPlugin } from './db'`). Only a `throw` in the plugin's own body counts: one in a
function it defines (a route handler) runs when that is called."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.database.jsonschemas import at_start
from cdverify.detect.database.report import StartupStop
from cdverify.model import FileFacts, Stop, Value
from cdverify.parse.libraries import node_libraries

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph

# One operand that is unset when the condition holds: `!x`, `!process.env.X`, `x === undefined`, `x == null`,
# `typeof x === "undefined"`; a condition of such operands joined by `||` holds when any of them is unset.
_NAME = r"[\w$][\w$.]*(?:\[['\"][\w$]+['\"]\])*"
UNSET = re.compile(
    rf"!\s*{_NAME}|{_NAME}\s*===?\s*(?:undefined|null|''|\"\")|typeof\s+{_NAME}\s*===?\s*['\"]undefined['\"]"
)


def unset_operands(condition: str) -> bool:
    """Whether every `||` operand of a condition is an unset test (`!url || !key`)."""
    condition = condition.strip()
    while condition.startswith("(") and condition.endswith(")"):
        condition = condition[1:-1].strip()
    return all(UNSET.fullmatch(part.strip()) for part in condition.split("||"))


def plugin_checks(
    facts: Mapping[str, FileFacts], started: set[str], running: Mapping[str, set[str]], graph: ImportGraph
) -> list[StartupStop]:
    """The checks in the bodies of plugins registered as the application starts that stop it where a
    variable is unset, each with the registration that runs it."""
    checking = {path for path, f in facts.items() if any(stop.scope for stop in f.stops)}
    if not checking:
        return []
    registers = node_libraries().plugin_registers
    out: list[StartupStop] = []
    for path, file_facts in facts.items():
        for call in file_facts.calls:
            if call.callee.rpartition(".")[2] not in registers or not call.args:
                continue
            plugins = [(t, s) for t, s in _registered(path, call.args[0], facts, graph) if t in checking]
            if not plugins or not at_start(call, file_facts, path in started, running.get(path, set())):
                continue
            via = f" (in a plugin registered at start-up at {path}:{call.line})"
            for target, scopes in plugins:
                out += _checks(target, facts[target], scopes, via)
    return list(dict.fromkeys(out))


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
                yield target, {called[len(specifier) + 1 :]}


def _default_plugin(file_facts: FileFacts) -> set[str]:
    """The names the scope of a module's default-exported plugin function may take: the variable it exports
    (`export default plugin`), or the function a catalogued wrapper is handed at module level (`export
    default fp(plugin)`, `fp(async (app) => …)`: `function@<line>`)."""
    aliases = dict(file_facts.aliases)
    if "default" in aliases:
        return {aliases["default"]}
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


def _checks(path: str, file_facts: FileFacts, scopes: set[str], via: str) -> list[StartupStop]:
    out = []
    for stop in file_facts.stops:
        function = stop.scope.partition("@")[0]
        if (
            not stop.scope
            or (function not in scopes and stop.scope not in scopes)
            or not unset_operands(stop.condition)
        ):
            continue
        variables = _variables(file_facts, stop)
        if variables:
            shown = " or ".join(f"${name}" for name in variables)
            verb = "exits" if stop.text.startswith("process.exit") else "throws"
            out.append(
                StartupStop(path, stop.line, stop.text, variables, f"{verb} when {shown} is unset{via}")
            )
    return out


def _variables(file_facts: FileFacts, stop: Stop) -> tuple[str, ...]:
    """The variables a check's condition tests: read in it, or through a name its function or the module
    assigns one read (`const url = process.env.DATABASE_URL`); none where a name is anything else."""
    out = list(stop.guard.env)
    for name in stop.guard.names:
        reads = [
            a.value.env for a in file_facts.assignments if a.target == name and a.scope in (stop.scope, "")
        ]
        if len(reads) != 1 or len(reads[0]) != 1:
            return ()
        out.append(reads[0][0])
    return tuple(dict.fromkeys(out))
