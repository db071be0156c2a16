"""Dependency-injection registries: a Node module that fills the container the app resolves its parts from
(awilix's `asFunction(makeExamplesRepository)`, `asValue(db)`; `@fastify/awilix`'s `app.diContainer.register`
in a Fastify plugin) is wiring, whatever its folder."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from cdverify.detect.layers.catalogue import matches, names_of
from cdverify.detect.layers.owners import query_methods
from cdverify.model import APP_PLACEHOLDER, Family, FileFacts
from cdverify.parse.libraries import node_libraries
from cdverify.resolve.graph import ImportGraph
from cdverify.resolve.node.specifiers import node_builtin_names


def registries(
    files: Mapping[str, str],
    placed: Collection[str],
    graph: ImportGraph,
    facts: Mapping[str, FileFacts],
    registering: Iterable[str],
) -> list[str]:
    """Layered Node files whose code showed no role (`placed`: those that did, and the app files) that
    hand something they import from the project to a dependency-injection registration (`registering`:
    awilix's `asFunction(makeExamplesRepository)`, `asValue(db)`) and whose every other call is of what they
    import from the project (`makeConfig()`, `makeLogger(config)`) or a step of a plugin (`_plugin_step`):
    they fill the container the app resolves its parts from, wiring rather than one of its layers."""
    names = names_of(registering)
    if not names.names:
        return []
    found = []
    for path in files:
        file_facts = facts.get(path)
        if path in placed or file_facts is None or file_facts.language.family == Family.PYTHON:
            continue
        own = tuple(
            edge.fact.specifier + "."
            for edge in graph.imports_of(path)
            if edge.target and edge.target != path and not edge.fact.kind.type_only
        )
        if not own or not all(
            matches(call.callee, names) or _plugin_step(call.callee, own) for call in file_facts.calls
        ):
            continue
        handed = (
            callee
            for call in file_facts.calls
            if matches(call.callee, names)
            for value in (*call.args, *(v for _k, v in call.kwargs))
            for callee in value.calls
        )
        if any(callee.startswith(own) for callee in handed):
            found.append(path)
    return found


def _plugin_step(callee: str, own: tuple[str, ...]) -> bool:
    """A call a Fastify plugin filling the container makes besides the registrations: on the app it is handed
    (`app.register(fastifyAwilixPlugin)`, `app.diContainer.register({…})`, `.loadModules([…])`), of a Node
    built-in (`path.join`, `fileURLToPath(import.meta.url)`), the plugin wrapper (`fp(awilixPlugin)`,
    rules/parse.toml `plugin_wrappers`), or what the project's modules bring, but for a method running SQL
    (`logger.debug(…)`, not `db.execute("select 1")`: a module using the client is no registry)."""
    head = callee.split(".", 1)[0].split("/", 1)[0]
    return (
        callee.startswith(APP_PLACEHOLDER)
        or (callee.startswith(own) and callee.rpartition(".")[2] not in query_methods())
        or head.startswith("node:")
        or head in node_builtin_names()
        or callee in node_libraries().plugin_wrappers
    )
