"""Reads at import made before the project's `.env` file is loaded (rules/database/connections.toml
`python_env_loaders`): python-dotenv's `load_dotenv()` sets the file's variables when it is called, and Python
runs a module's imports in order, so a read at module level of a module imported above the call —

    from config.config import Config      # Config's class body reads os.environ["DB_HOST"]
    ...
    if __name__ == "__main__":
        load_dotenv()

— is made while the file's variables are still unset: it raises KeyError where the harness leaves the
variable unset, whatever the committed `.env` holds (the harness's `seen`, which counts that file, does not
apply to it).

A read counts as made before the file is loaded when it is so for every loader call of the application: in a
module the loader's module imports at module level above the call, or one those import in turn (not through a
module calling a loader itself), or at module level of the loader's own module above it. Nothing is claimed
where a loader is called in a function (when it runs is not read), where the application has no loader
call (the file may be loaded some other way), or for a Flask application (`flask run` loads `.env` before it
imports the app)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.model import FileFacts
from cdverify.resolve.graph import reachable
from cdverify.rules_schema import Connections

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph

_CLI_LOADERS = ("flask.Flask",)  # apps whose CLI loads `.env` before it imports the application


@cache
def _loaders() -> frozenset[str]:
    return frozenset(load_rules(Connections).python_env_loaders)


def before_loading(python: Mapping[str, FileFacts], graph: ImportGraph | None) -> Callable[[str, int], bool]:
    """Whether a module-level read (file, line) of the application's Python modules (`python`) runs before
    every call loading the project's `.env`."""
    loaders = _loaders()
    calls = [(path, call) for path, facts in python.items() for call in facts.calls if call.callee in loaders]
    if (
        graph is None
        or not calls
        or any(call.scope or _in_function(python[path], call.callee) for path, call in calls)
        or any(c.callee.startswith(_CLI_LOADERS) for facts in python.values() for c in facts.calls)
    ):
        return lambda _path, _line: False
    loading = {path for path, _call in calls}
    earlier = [
        (path, call.line, _imported_above(path, call.line, python, graph, loading)) for path, call in calls
    ]

    def early(path: str, line: int) -> bool:
        return all(path in imported or (path == at and line < above) for at, above, imported in earlier)

    return early


def node_before_loading(node: Mapping[str, FileFacts], graph: ImportGraph | None) -> Callable[[str], bool]:
    """Whether a Node module of the application (`node`) is evaluated before every import loading the
    project's `.env` (connections.toml `node_env_loader_imports`): a module imported at module level above
    it, or one those import in turn; nothing is claimed where no module imports a loader."""
    modules = frozenset(load_rules(Connections).node_env_loader_imports)
    loads = [
        (path, fact.line)
        for path, facts in node.items()
        for fact in facts.imports
        if fact.specifier in modules and not fact.in_function
    ]
    if graph is None or not loads:
        return lambda _path: False
    loading = {path for path, _line in loads}
    earlier = [_imported_above(path, line, node, graph, loading) for path, line in loads]
    return lambda path: all(path in imported for imported in earlier)


def _in_function(file_facts: FileFacts, callee: str) -> bool:
    """Whether the module calls the loader in a function (a call handed nothing records no scope: the
    function's steps, the names it calls, say it)."""
    name = callee.rpartition(".")[2]
    return any(scope and called.rpartition(".")[2] == name for scope, called in file_facts.steps)


def _imported_above(
    path: str, line: int, python: Mapping[str, FileFacts], graph: ImportGraph, loading: set[str]
) -> set[str]:
    """The modules `path` imports at module level above `line`, and those they import at module level in turn,
    not followed through a module that loads the file itself."""

    def loads(module: str, above: int | None = None) -> list[str]:
        """The project modules `module` imports at module level (above line `above`), not through `path`
        or a module that loads the file itself."""
        return [
            target
            for edge in graph.imports_of(module)
            if edge.runtime and not edge.fact.in_function and (above is None or edge.fact.line < above)
            if (target := edge.target) is not None and target != path and target in python
            if target not in loading
        ]

    return reachable(loads(path, line), loads)
