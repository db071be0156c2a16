"""Start-up checks made by an environment schema (stops.py gathers them): a throwing parse of a schema that
requires a variable with no default, made as a start-up module loads (`export const env =
envSchema.parse(process.env)`, also through a function such a module calls then, or one a function run
at start-up reaches through the imported functions it calls: `start()` → the app's builder → `makeConfig()`),
a check on a failed
`safeParse` or `validate` (`if (!parsed.success) process.exit(1)`), and a validation against a JSON schema
made at start-up (`app.register(fastifyEnv, { schema })`: jsonschemas.py). Each stops the application where
a required variable is unset: the paper's harness sets none."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.autoloaded_schemas import autoloaded_validations
from cdverify.detect.database.jsonschemas import (
    at_start,
    imported_function,
    neighbour_scope,
    required_properties,
    runs_in,
    started_functions,
)
from cdverify.detect.database.report import StartupStop, stop_verb
from cdverify.detect.database.settings import required_fields
from cdverify.model import CallFact, FileFacts, Stop
from cdverify.rules_schema import Connections, EnvJsonSchema, EnvSchema

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph


# `process.env` handed whole to a check: `Value.Check(EnvSchema, process.env)`
_WHOLE_ENV = re.compile(r",\s*process\.env\s*\)")


def throwing_parses(schemas: Mapping[str, EnvSchema]) -> dict[str, str]:
    """The traced calls that parse a start-up schema and throw where it fails, each with the schema call
    it parses (`zod.z.object().parse` → `zod.z.object`, also through kept chains such as
    `.strict().superRefine()`), and the schema calls that validate as they are made."""
    throwing = {
        f"{callee}().{chain}{method}": callee
        for callee, schema in schemas.items()
        for chain in _kept_chains(schema.keeps)
        for method in schema.throws
    }
    throwing.update({callee: callee for callee, schema in schemas.items() if schema.validates})
    return throwing


def parsed_at_start(
    found: Collection, started: set[str], graph: ImportGraph, throwing: Mapping[str, str]
) -> tuple[StartupStop, ...]:
    """Start-up schemas parsed with a method that throws (`envSchema.parse(process.env)`) at module level
    of a module run at start-up, or in a function such a module calls at module level (`const env =
    loadEnvConfig()`): they stop the application where a database variable they require is unset."""
    out: list[StartupStop] = []
    for path in sorted(started):
        file_facts = found.facts.get(path)
        if file_facts is None:
            continue
        for call in file_facts.calls:  # a call handed names records its scope: "" is module level
            if call.callee in throwing and not call.scope and any(a.names for a in call.args):
                out += _schema_stop(found, path, call, throwing, "")
        for assignment in file_facts.assignments:
            if assignment.scope:
                continue
            for called in assignment.value.calls:
                specifier, _, function = called.removesuffix("()").rpartition(".")
                target = next(
                    (e.target for e in graph.imports_of(path) if e.target and e.fact.specifier == specifier),
                    None,
                )
                if target is None or target not in found.facts:
                    continue
                via = f" (called at start-up at {path}:{assignment.line})"
                for inner in found.facts[target].calls:
                    if inner.callee in throwing and inner.scope.startswith(f"{function}@"):
                        out += _schema_stop(found, target, inner, throwing, via)
        out += _own_parse_at_start(found, path, throwing)
    out += _parsed_in_running(found, started, graph, throwing)
    return tuple(dict.fromkeys(out))


def _parsed_in_running(
    found: Collection, started: set[str], graph: ImportGraph, throwing: Mapping[str, str]
) -> list[StartupStop]:
    """Throwing parses made in a function that runs as the application starts, followed through the calls
    of imported functions it makes as a statement (`await app(fastify)` in `start()`, then
    `makeInfrastructureDependencies()` in that app's function, then `const config = makeConfig()`): the
    parse throws before the server listens where a variable the schema requires is unset."""
    running = started_functions(found.facts, started, graph)
    pending = [path for path, names in running.items() if names]
    while pending:
        path = pending.pop()
        file_facts = found.facts[path]
        for call in file_facts.calls:
            if not _in_running(call, file_facts, running[path]):
                continue
            target = _called_function(call.callee, path, found.facts, graph)
            if target is None:
                continue
            file, function = target
            if function not in running.setdefault(file, set()):
                running[file].add(function)
                pending.append(file)
    out: list[StartupStop] = []
    for path, names in sorted(running.items()):
        for call in found.facts[path].calls if names else ():
            if call.callee in throwing and call.scope and runs_in(call.scope, names):
                out += _schema_stop(found, path, call, throwing, f" (in {call.scope}, run at start-up)")
    return out


def _called_function(
    callee: str, path: str, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> tuple[str, str] | None:
    """(file, function) of an imported project function a call names, a default export written as a
    function declaration included (`import app from "./app"` of `export default async function makeApp`)."""
    found = imported_function(callee, path, facts, graph)
    if found is not None:
        return found
    for edge in graph.imports_of(path):
        target = edge.target
        if target is None or target not in facts:
            continue
        if callee in (edge.fact.specifier, f"{edge.fact.specifier}.default"):
            default = facts[target].default_function
            return (target, default) if default else None
    return None


def _in_running(call: CallFact, facts: FileFacts, names: set[str]) -> bool:
    """Whether a call is made in one of the module's running functions `names`: by its recorded scope, or,
    where none is recorded (a call handed nothing: `makeDeps()`), by its line lying between two calls
    recorded in one such function with no other function's recorded call between (functions are
    contiguous: it is written in that function's body), or by the scope of the assignment taking its
    result."""
    if call.scope:
        return runs_in(call.scope, names)
    if any(value.names or value.strings for value in (*call.args, *(v for _k, v in call.kwargs))):
        return False  # recorded: module level
    assigned = [a.scope for a in facts.assignments if a.line == call.line and a.target == call.target]
    if call.target and assigned:  # `const config = makeConfig()`: the assignment's scope
        return bool(assigned[0]) and runs_in(assigned[0], names)
    written_in = neighbour_scope(call, facts)
    return bool(written_in) and runs_in(written_in, names)


def _own_parse_at_start(found: Collection, path: str, throwing: Mapping[str, str]) -> list[StartupStop]:
    """The module's own function returning a throwing parse, called at its module level (`export const
    env = parseEnv()` after `const parseEnv = () => envSchema.parse(process.env)`), or run by itself."""
    file_facts = found.facts[path]
    own = {
        call.scope.partition("@")[0]: call
        for call in file_facts.calls
        if call.callee in throwing and call.scope
    }
    out = []
    for assignment in (a for a in file_facts.assignments if not a.scope) if own else ():
        for function, parse in own.items():
            called = re.search(rf"(?<![\w.$]){re.escape(function)}\s*\(", assignment.value.text)
            if called and f"{parse.callee}()" in assignment.value.calls:
                out += _schema_stop(
                    found, path, parse, throwing, f" (called at start-up at {path}:{assignment.line})"
                )
    for function in set(file_facts.runs) & set(own):
        out += _schema_stop(found, path, own[function], throwing, f" (run at start-up by {path})")
    return out


def validated_at_start(
    found: Collection,
    started: set[str],
    graph: ImportGraph,
    validating: list[tuple[str, CallFact, EnvJsonSchema]],
) -> list[StartupStop]:
    """Validations of the environment against a JSON schema made at start-up (`app.register(fastifyEnv, {
    schema })`, `envSchema({ schema })` in a function `main()` awaits, a validator plugin autoloaded with its
    exported `autoConfig`: autoloaded_schemas.py): they stop the application where a
    property the schema requires with no default is unset (jsonschemas.py)."""
    running = started_functions(found.facts, started, graph)
    builders = load_rules(Connections).json_schema_builders
    # a variable a connection's URL reads from the schema is explained there (`needs $DATABASE_URL …`)
    explained = {item.required_env for item in found.evidence if item.required_env}
    # a validator plugin @fastify/autoload registers as the app starts, its options exported beside it
    loaded = autoloaded_validations(found.facts, started, running, found.catalogue.env_json_schemas, graph)
    out = []
    for path, call, schema in [*validating, *loaded]:
        if (path, call, schema) not in loaded and not at_start(
            call, found.facts[path], path in started, running.get(path, set())
        ):
            continue
        required = required_properties(path, call, schema, found.facts, graph, builders)
        variables = tuple(dict.fromkeys(name for name in required if name not in explained))
        if variables:
            shown = " or ".join(f"${name}" for name in variables)
            reason = f"throws when {schema.label} finds {shown} unset"
            out.append(StartupStop(path, call.line, call.text, variables, reason))
    return out


def _kept_chains(keeps: tuple[str, ...], depth: int = 2) -> list[str]:
    """The chains of up to `depth` schema-keeping methods written between a schema and its parse, as traced
    (`""`, `"superRefine()."`, `"strict().superRefine()."`)."""
    chains = last = [""]
    for _ in range(depth):
        last = [f"{chain}{keep}()." for chain in last for keep in keeps]
        chains = chains + last
    return chains


def _schema_stop(
    found: Collection, path: str, parse: CallFact, throwing: Mapping[str, str], via: str
) -> list[StartupStop]:
    """The stop a throwing parse of the module's start-up schema makes, when the schema requires a variable
    with no default."""
    callee = throwing[parse.callee]
    schema = found.catalogue.env_schemas[callee]
    calls = found.facts[path].calls
    required = [
        name
        for index, call in enumerate(calls)
        if call.callee == callee
        for name in required_fields(call, schema, calls[index:])
    ]
    # a variable a connection's URL reads from the schema is explained there (`needs $DATABASE_URL …`)
    explained = {item.required_env for item in found.evidence if item.required_env}
    variables = tuple(dict.fromkeys(name for name in required if name not in explained))
    if not variables:
        return []
    shown = " or ".join(f"${name}" for name in variables)
    verb = "exits" if schema.validates and parse.callee == callee else "throws"
    reason = f"{verb} when {schema.label} finds {shown} unset{via}"
    return [StartupStop(path, parse.line, parse.text, variables, reason)]


def failed_schema(
    found: Collection, path: str, stop: Stop, graph: ImportGraph | None = None
) -> StartupStop | None:
    """A check that stops where the environment fails a start-up schema of the same module
    (`const parsed = envSchema.safeParse(process.env); if (!parsed.success) process.exit(1)`, `const {
    error } = schema.validate(process.env); if (error) throw …`) or one it imports (`import { envSchema }
    from "./env-schema"`, whose module exports `z.object({…})`), which requires a variable with no
    default: it stops where that one is unset."""
    negated = stop.condition.lstrip("( ").startswith("!")
    schemas = found.catalogue.env_schemas
    if negated and (by_check := _failed_check(found, path, stop)) is not None:
        return _required_stop(found, path, stop, *by_check)
    checked: dict[str, list[tuple[str, str]]] = {}  # schema call → (file, the variable it is assigned to)
    for traced in stop.guard.calls:
        for callee, file, name, read in _schemas_read(found, path, traced, graph):
            failed = (
                read.endswith(".success")
                if negated
                else any(read.endswith(f".{member}") for member in schemas[callee].errors)
            )
            if failed:
                checked.setdefault(callee, []).append((file, name))
    if not checked:
        return None
    required: list[str] = []
    for callee, places in checked.items():
        for file, name in dict.fromkeys(places):
            calls = found.facts[file].calls
            for index, call in enumerate(calls):
                if call.callee == callee and (not name or call.target == name):
                    required += required_fields(call, schemas[callee], calls[index:])
    return _required_stop(found, path, stop, schemas[next(iter(checked))].label, required)


def _required_stop(
    found: Collection, path: str, stop: Stop, label: str, required: list[str]
) -> StartupStop | None:
    # a variable a connection's URL reads from the schema is explained there (`needs $DATABASE_URL …`)
    explained = {item.required_env for item in found.evidence if item.required_env}
    variables = tuple(dict.fromkeys(name for name in required if name not in explained))
    if not variables:
        return None
    shown = " or ".join(f"${name}" for name in variables)
    return StartupStop(
        path, stop.line, stop.text, variables, f"{stop_verb(stop)} when {label} finds {shown} unset"
    )


def _failed_check(found: Collection, path: str, stop: Stop) -> tuple[str, list[str]] | None:
    """(the schema's label, the variables it finds unset) of a negated check function in the stop's
    condition (`if (!Value.Check(EnvSchema, raw)) process.exit(1)`, `env_schemas.checks`), handed a schema
    the module builds (`const EnvSchema = Type.Object({…})`) and the environment: `process.env` itself (every
    field the schema requires with no default), or an object of reads (`{ DATABASE_URL:
    process.env.DATABASE_URL }`: the variables its required fields read with no fallback)."""
    schemas = found.catalogue.env_schemas
    checks = {check: schema for schema in schemas.values() for check in schema.checks}
    calls = found.facts[path].calls
    for traced in stop.guard.calls:
        schema = checks.get(traced.removesuffix("()"))
        if schema is None:
            continue
        made = [
            call
            for call in calls
            if call.callee == traced[:-2] and call.scope == stop.scope and call.line <= stop.line
        ]
        if not made or len(made[-1].args) < 2 or len(made[-1].args[0].names) != 1:
            continue
        check, handed = made[-1], made[-1].args[0]
        built = [
            index
            for index, call in enumerate(calls)
            if call.target == handed.names[0]
            and f"{call.callee}()" in handed.calls
            and call.callee in schema.calls
        ]
        if len(built) != 1:
            continue
        fields = required_fields(calls[built[0]], schema, calls[built[0] :])
        if _WHOLE_ENV.search(check.text):
            return schema.label, fields
        reads = [check.kwarg(key) for key in fields]
        return schema.label, [
            name
            for value in reads
            if value is not None and value.env and value._replace(env=()).empty
            for name in value.env
        ]
    return None


def _schemas_read(
    found: Collection, path: str, traced: str, graph: ImportGraph | None
) -> list[tuple[str, str, str, str]]:
    """The start-up schemas a traced value reads, as (schema call, the file making it, the variable it is
    assigned to, "" for any in the file; the value as read off the schema call): `zod.z.object().safeParse()
    .success` of the module's own schema, or `./env-schema.envSchema.safeParse().success` of one another
    module exports (`export const envSchema = z.object({…})`)."""
    schemas = found.catalogue.env_schemas
    out = [(callee, path, "", traced) for callee in schemas if traced.startswith(f"{callee}().")]
    for edge in graph.imports_of(path) if graph is not None and not out else ():
        target, prefix = edge.target, edge.fact.specifier + "."
        if not target or target == path or target not in found.facts or not traced.startswith(prefix):
            continue
        exported = dict(found.facts[target].exports)
        name, _, rest = traced.removeprefix(prefix).partition(".")
        if (
            name not in exported
        ):  # the default export, traced as the module itself (`import envSchema from …`)
            name, rest = dict(found.facts[target].aliases).get("default", ""), traced.removeprefix(prefix)
            exported[name] = exported.get("default", "")
        made = exported.get(name, "").removesuffix("()")
        if made in schemas and rest:
            out.append((made, target, name, f"{made}().{rest}"))
    return out
