"""Environment schemas validated by a plugin @fastify/autoload registers from its folder: a plugin file whose
default export is a catalogued validator plugin (`import env from '@fastify/env'` … `export default env`) and
whose exported options hold the schema (`export const autoConfig = { schema, dotenv: true }`, rules/parse.toml
`plugin_options`). The loader registers the plugin with those options as the instance starts, so the schema
is validated then, as `app.register(fastifyEnv, { schema })` would (jsonschemas.py `validations`): a property
it requires with no default stops the application where its variable is unset. The fastify/demo layout
(`src/plugins/external/env.ts`) and the templates copying it write the environment so."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.database.jsonschemas import at_start
from cdverify.detect.framework.autoload import autoload_modules, autoloaded_files
from cdverify.model import CallFact, FileFacts, Value
from cdverify.parse.libraries import node_libraries
from cdverify.rules_schema import EnvJsonSchema

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph


def validator_plugins(facts: Mapping[str, FileFacts], schemas: Iterable[EnvJsonSchema]) -> bool:
    """Whether a module default-exports a catalogued validator plugin (`export default env`), for a loader to
    register: the cheap test before the registrations are followed."""
    plugins = {module for schema in schemas for module in schema.plugins}
    return bool(plugins) and any(dict(f.exports).get("default", "") in plugins for f in facts.values())


def autoloaded_validations(
    facts: Mapping[str, FileFacts],
    started: set[str],
    running: Mapping[str, set[str]],
    schemas: Iterable[EnvJsonSchema],
    graph: ImportGraph,
) -> list[tuple[str, CallFact, EnvJsonSchema]]:
    """(plugin file, its options as a call, validator) for each validator plugin an autoload registration
    made at start-up loads: the call's `kwargs` are the options' schema key, with an object literal written
    in place flattened as a registration's would be (`schema.required`, `schema.properties.X.default`)."""
    plugins = {module: schema for schema in schemas for module in schema.plugins}
    loaders = autoload_modules()
    if not plugins or not loaders:
        return []
    registers = node_libraries().plugin_registers
    out: list[tuple[str, CallFact, EnvJsonSchema]] = []
    for path, file_facts in facts.items():
        if not any(fact.specifier in loaders for fact in file_facts.imports):
            continue  # only a module importing the loader registers it
        for call in file_facts.calls:
            if call.callee.rpartition(".")[2] not in registers or not call.args:
                continue
            if not any(ref == m or ref.startswith(f"{m}.") for ref in call.args[0].calls for m in loaders):
                continue
            if not at_start(call, file_facts, path in started, running.get(path, set())) and not (
                call.scope
                and call.scope == file_facts.default_function
                and _registered(path, facts, started, graph)
            ):
                continue
            for loaded in autoloaded_files(path, call, facts):
                schema = plugins.get(dict(facts[loaded].exports).get("default", ""))
                options = _options(facts[loaded], schema.schema_key) if schema is not None else None
                if schema is not None and options is not None:
                    out.append((loaded, options, schema))
    return list(dict.fromkeys(out))


def _registered(path: str, facts: Mapping[str, FileFacts], started: set[str], graph: ImportGraph) -> bool:
    """Whether a started module importing the module registers its default-exported plugin function at module
    level: `app.register(serviceApp)`, or wrapped (`app.register(fp(serviceApp))`, the wrapper's argument
    not traced: a wrapper registered by a module importing this one)."""
    libraries = node_libraries()
    wrapped = {f"{wrapper}()" for wrapper in libraries.plugin_wrappers}
    for importer in started:
        importer_facts = facts.get(importer)
        if importer_facts is None:
            continue
        specifiers = {e.fact.specifier for e in graph.imports_of(importer) if e.target == path and e.runtime}
        if not specifiers:
            continue
        for call in importer_facts.calls:
            if (
                call.scope
                or call.callee.rpartition(".")[2] not in libraries.plugin_registers
                or not call.args
            ):
                continue
            handed = call.args[0].calls
            if any(
                c in wrapped or c in specifiers or c.removesuffix(".default") in specifiers for c in handed
            ):
                return True
    return False


def _options(file_facts: FileFacts, key: str) -> CallFact | None:
    """The module's exported plugin options as the registration call a loader makes with them; None when
    they give no schema."""
    for option in sorted(node_libraries().plugin_options):
        inner = f"{option}.{key}."
        module_level = [a for a in file_facts.assignments if not a.scope]
        given = next((a for a in module_level if a.target == f"{option}.{key}"), None)
        flattened = tuple(
            (f"{key}.{a.target[len(inner) :]}", a.value) for a in module_level if a.target.startswith(inner)
        )
        if given is None and not flattened:
            continue
        first = given or next(a for a in module_level if a.target.startswith(inner))
        value = given.value if given is not None else Value()
        return CallFact(
            f"{option}.{key}", first.line, first.col, first.text, kwargs=((key, value), *flattened)
        )
    return None
