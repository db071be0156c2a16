"""Validators of the process environment against a JSON schema, run at start-up (rules/database/
connections.toml `env_json_schemas`, `json_schema_builders`): `app.register(fastifyEnv, { schema })`
(@fastify/env fails the instance's start-up where the environment fails the schema) and `envSchema({ schema
})` (env-schema throws). The schema is a JSON literal (`{ required: ['PORT'], properties: {…} }`), a builder
(TypeBox's `Type.Object({ PORT: Type.Number() })`, which requires every property not wrapped in
`Type.Optional`; fluent-json-schema's `S.object().prop('PORT', S.string().required())`), or a name bound
to one in the module or in a module it imports (through one barrel). A property it requires with no default
stops the application where its variable is unset, as any start-up check does (stops.py): where the paper's
harness gives the app none, the app cannot start.

A validation runs at start-up when it is made at module level of a module the application loads as it
starts, or in a function such a module runs as it loads: one it calls by itself (`main()`) or one of another
module it calls from there (`const config = await getConfig()` in `main`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.database.settings import field_required, required_fields
from cdverify.model import CallFact, FileFacts, Value
from cdverify.rules_schema import EnvJsonSchema, JsonSchemaBuilder

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph


def validations(
    facts: Mapping[str, FileFacts], schemas: Iterable[EnvJsonSchema]
) -> list[tuple[str, CallFact, EnvJsonSchema]]:
    """(file, call, validator) of every call validating the environment against a schema: a catalogued
    call (`envSchema({ schema })`) or the registration of a catalogued plugin (`app.register(fastifyEnv,
    { schema })`)."""
    calls = {callee: schema for schema in schemas for callee in schema.calls}
    plugins = {module: schema for schema in schemas for module in schema.plugins}
    out = []
    for path, file_facts in facts.items():
        for call in file_facts.calls:
            schema = calls.get(call.callee)
            if schema is None and plugins and call.callee.endswith(".register") and call.args:
                schema = next((plugins[c] for c in call.args[0].calls if c in plugins), None)
            if schema is not None and call.kwarg(schema.schema_key) is not None:
                out.append((path, call, schema))
    return out


def started_functions(
    facts: Mapping[str, FileFacts], started: Iterable[str], graph: ImportGraph
) -> dict[str, set[str]]:
    """File → the names of its functions that run as the application starts: those a started module calls
    by itself at module level (`main()`), and, transitively, the imported ones called where one of those
    runs (`const config = await getConfig()` in `main`; a default export by its variable's name). A Python
    entry's `if __name__ == "__main__":` block runs the project functions it calls
    (`run_app(setup_app())`)."""
    running: dict[str, set[str]] = {path: set(facts[path].runs) for path in started if path in facts}
    for path in list(running):
        for target, function in main_block_functions(path, facts, graph):
            running.setdefault(target, set()).add(function)
    pending = list(running)
    while pending:
        path = pending.pop()
        file_facts, names = facts[path], running[path]
        called = [
            callee
            for assignment in file_facts.assignments
            if runs_in(assignment.scope, names)
            for callee in assignment.value.calls
            if callee.endswith("()")
        ]
        for callee in called:
            found = imported_function(callee.removesuffix("()"), path, facts, graph)
            if found is None:
                continue
            target, function = found
            if function not in running.setdefault(target, set()):
                running[target].add(function)
                pending.append(target)
    return running


def main_block_calls(file_facts: FileFacts) -> list[CallFact]:
    """The calls under the Python module's `if __name__ == "__main__":`."""
    return [call for call in file_facts.calls if call.guard is not None and call.guard.names == ("__name__",)]


def main_block_functions(
    path: str, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> list[tuple[str, str]]:
    """(file, function) of the project functions the module's `if __name__ == "__main__":` block calls
    (`run_app(setup_app())` → `setup_app` of the module it is imported from)."""
    found = (
        imported_function(call.callee, path, facts, graph)
        for call in main_block_calls(facts[path])
        if "." in call.callee
    )
    return [item for item in found if item is not None]


def at_start(call: CallFact, file_facts: FileFacts, started: bool, running: set[str]) -> bool:
    """Whether a call runs as the application starts: at module level of a started module, or in one of the
    functions that run then. A call's scope is recorded only when it is handed names or strings: else the
    scope of the assignment taking its result decides, and with neither nothing is known."""
    scope: str | None = call.scope
    if not scope:
        assigned = [
            a.scope for a in file_facts.assignments if a.line == call.line and a.target == call.target
        ]
        handed = any(v.names or v.strings for v in (*call.args, *(value for _k, value in call.kwargs)))
        scope = assigned[0] if call.target and assigned else "" if handed else None
    if scope is None:
        return False
    return started if not scope else runs_in(scope, running)


def runs_in(scope: str, names: set[str]) -> bool:
    """Whether a function named by its scope (`main@12`, `function@16`) is one of `names`: by its name, or by
    its scope where it has none (`(async () => { … })()`, a default-exported `function (fastify) {…}`)."""
    return not scope or scope in names or scope.partition("@")[0] in names


def neighbour_scope(call: CallFact, facts: FileFacts) -> str:
    """The function a call whose scope the facts leave unrecorded (a call handed nothing: `makeDeps()`) is
    written in: the one whose recorded calls come right before and right after it, as a function's body is
    contiguous; "" where those differ or one is missing."""
    recorded = sorted((c.line, c.scope) for c in facts.calls if c.scope)
    before = [scope for line, scope in recorded if line < call.line]
    after = [scope for line, scope in recorded if line > call.line]
    return before[-1] if before and after and before[-1] == after[0] else ""


def imported_function(
    callee: str, path: str, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> tuple[str, str] | None:
    """(file, function) a traced call of an imported project function names (`./config()` → the default
    export's variable, `./config.loadEnv()` → `loadEnv`)."""
    for edge in graph.imports_of(path):
        specifier, target = edge.fact.specifier, edge.target
        if target is None or target not in facts:
            continue
        if callee == specifier or callee == f"{specifier}.default":
            aliases = dict(facts[target].aliases)
            return (target, aliases["default"]) if "default" in aliases else None
        if callee.startswith(f"{specifier}.") and "." not in callee[len(specifier) + 1 :]:
            return target, callee[len(specifier) + 1 :]
    return None


def required_properties(
    path: str,
    call: CallFact,
    schema: EnvJsonSchema,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    builders: Iterable[JsonSchemaBuilder],
) -> list[str]:
    """The variables the schema handed to a validation requires with no default."""
    key = schema.schema_key
    given = call.kwarg(key)
    if given is None:
        return []
    literal = _literal(f"{key}.", call.kwargs)  # `{ schema: { required: […], properties: {…} } }`
    if literal is not None:
        return literal
    by_call = {callee: builder for builder in builders for callee in builder.calls}
    if given.calls and given.calls[0].endswith(")"):  # a builder written in place
        return _built(facts[path], given.calls[0], call.line, by_call)
    bound = _bound(path, given, facts, graph)
    if bound is None:
        return []
    where, assignment_line, value, name = bound
    assigned = [
        (a.target[len(name) + 1 :], a.value)
        for a in facts[where].assignments
        if a.target.startswith(f"{name}.") and not a.scope
    ]
    literal = _literal("", assigned)
    if literal is not None:
        return literal
    if value.calls and value.calls[0].endswith(")"):
        return _built(facts[where], value.calls[0], assignment_line, by_call)
    return []


def _literal(prefix: str, entries: Iterable[tuple[str, Value]]) -> list[str] | None:
    """The variables a JSON literal's `required` lists minus the properties given a `default`; None when the
    entries hold no `required` list."""
    entries = list(entries)
    listed = next((v.literals for k, v in entries if k == f"{prefix}required" and v.literals), None)
    if listed is None:
        return None
    properties = f"{prefix}properties."
    defaulted = {
        k[len(properties) :].rpartition(".")[0]
        for k, _v in entries
        if k.startswith(properties) and k.endswith(".default")
    }
    return [name for name in listed if name not in defaulted]


def _bound(
    path: str, given: Value, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> tuple[str, int, Value, str] | None:
    """(file, line, value, name) of the module-level binding a schema option names: in the module itself,
    or in the module it is imported from or one that module imports (a barrel's `export * from`). A JSON
    literal (`export const envSchema = { required: [...], properties: {...} }`) is bound as its keys: its
    value is then empty."""
    if len(given.names) != 1:
        return None
    (name,) = given.names
    places = [path]
    imported = [c.rpartition(".")[0] for c in given.calls if c.endswith(f".{name}")]
    if imported:
        first = [e.target for e in graph.imports_of(path) if e.target and e.fact.specifier == imported[0]]
        places = first + [e.target for t in first for e in graph.imports_of(t) if e.target]
    for where in places:
        if where not in facts:
            continue
        for assignment in facts[where].assignments:
            if assignment.target == name and not assignment.scope:
                return where, assignment.line, assignment.value, name
        # an object literal is recorded as its keys (`envSchema.required`, `envSchema.properties.X.default`)
        keyed = [a for a in facts[where].assignments if a.target.startswith(f"{name}.") and not a.scope]
        if keyed:
            return where, keyed[0].line, Value(), name
    return None


def _built(
    file_facts: FileFacts, chain: str, line: int, builders: Mapping[str, JsonSchemaBuilder]
) -> list[str]:
    """The properties a builder's chain (`@sinclair/typebox.Type.Object()`, `fluent-json-schema.object()
    .prop().prop()`) written from `line` on requires with no default."""
    root = chain.split("(", 1)[0]
    builder = builders.get(root)
    if builder is None:
        return []
    calls = file_facts.calls
    if not builder.property:  # the call's object keys
        index = next((i for i, c in enumerate(calls) if c.callee == root and c.line >= line), None)
        if index is None:
            return []
        return required_fields(calls[index], builder, calls[index:])
    # each `.prop(name, chain)` of the chain is a call whose callee is a prefix of it, written where it starts
    adding = [
        c
        for c in calls
        if c.callee.endswith(f".{builder.property}") and chain.startswith(f"{c.callee}()") and c.line >= line
    ]
    if not adding:
        return []
    first = min(c.line for c in adding)
    out = []
    for c in adding:
        if c.line != first or len(c.args) < 2 or len(c.args[0].literals) != 1:
            continue
        if c.args[1].calls and field_required(builder, c.args[1].calls[0]):
            out.append(c.args[0].literals[0])
    return list(dict.fromkeys(out))
