"""Setup functions of the wiring: the composition root hands the app object it made to a function of another
module (`setup_app(app, config_path)` of `app/web/app.py`, called by `main.py`), and that function hands the
app on to the setup functions of the app's parts (`setup_routes(app)`, `setup_store(app)`,
`setup_middlewares(app)`). It wires the app as the root does, one step further in: the outermost ring, which
may import every layer (the aiohttp layout of `app/web/app.py` and `app/store/__init__.py`)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Protocol

from cdverify.detect.layers.names import Named, without_folders
from cdverify.detect.layers.role import Role
from cdverify.model import CallFact, FileFacts
from cdverify.resolve.graph import ImportEdge, ImportGraph

if TYPE_CHECKING:
    from cdverify.detect.framework import FrameworkReport


class _Found(Protocol):
    @property
    def of(self) -> dict[str, Role]: ...  # the files whose code shows a role

    @property
    def apps(self) -> frozenset[str]: ...  # the app files


def setup_wiring(
    roots: tuple[str, ...],
    named: dict[str, Named],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    frameworks: FrameworkReport,
    found: _Found,
    routing: Collection[str],
    top: str,
    layer_of: Callable[[str], str | None],
) -> tuple[tuple[str, ...], dict[str, Named]]:
    """The composition roots with the setup steps they hand the app to (`setup_steps`), and the paths' say
    without the folders those roots make the app's package (`root_packages`)."""
    registrars = {e.file for e in frameworks.evidence if e.kind == "routes"} | {
        r.file for r in frameworks.routes
    }
    coded = {path for path, role in found.of.items() if role is not Role.ROUTES} | registrars | found.apps
    roots = (*roots, *setup_steps(roots, facts, graph, coded, layer_of))
    return roots, root_packages(named, top, roots, {*routing, *registrars})


def setup_steps(
    roots: Collection[str],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    coded: Collection[str],
    layer_of: Callable[[str], str | None],
) -> tuple[str, ...]:
    """Modules a composition root (`roots`) calls a function of, handing it something the root made (`app =
    Application()`, then `setup_app(app=app)`), whose code shows no role (`coded`: files whose code decided
    one, route registrations among them), and whose function hands a parameter it takes, in every call it
    makes, to functions of other project modules — at least two, of at least two layers (`layer_of`: the
    layer a module's path gives it), so that more than the routes are set up there. A routes aggregator
    handing the app to each feature's `setup_routes(app)` sets up one layer only and stays a router."""
    out: set[str] = set()
    for root in roots:
        root_facts = facts.get(root)
        if root_facts is None:
            continue
        made = {call.target for call in root_facts.calls if call.target}
        for edge in graph.imports_of(root):
            target = edge.target
            if (
                target is None
                or target == root
                or target in out
                or target in coded
                or edge.fact.kind.type_only
            ):
                continue
            called = _handed_calls(edge, root_facts, made)
            target_facts = facts.get(target)
            if (
                called
                and target_facts is not None
                and _sets_up(target, target_facts, graph, called, layer_of)
            ):
                out.add(target)
    return tuple(sorted(out))


def _handed_calls(edge: ImportEdge, root_facts: FileFacts, made: set[str]) -> set[str]:
    """The names of the functions the import brings that the root calls handing one of its made objects."""
    prefix = f"{edge.fact.specifier}."
    return {
        call.callee[len(prefix) :]
        for call in root_facts.calls
        if call.callee.startswith(prefix) and "." not in call.callee[len(prefix) :] and made & _names(call)
    }


def _names(call: CallFact) -> set[str]:
    return {name for arg in call.args for name in arg.names} | {
        name for _key, value in call.kwargs for name in value.names
    }


def _sets_up(
    path: str,
    file_facts: FileFacts,
    graph: ImportGraph,
    called: set[str],
    layer_of: Callable[[str], str | None],
) -> bool:
    """A function of `path` the root calls hands one of its parameters on in each of its calls, to functions
    of at least two other project modules of at least two layers."""
    edges = [e for e in graph.imports_of(path) if e.target not in (None, path) and not e.fact.kind.type_only]
    for function in file_facts.functions:
        if function.name not in called or function.owner:
            continue
        inside = [call for call in file_facts.calls if call.scope == function.scope]
        for param in (p for p in function.params if p):
            if not inside or not all(param in _names(call) for call in inside):
                continue
            reached = {
                edge.target
                for call in inside
                for edge in edges
                if edge.target and call.callee.startswith(f"{edge.fact.specifier}.")
            }
            layers = {layer_of(target) for target in reached}
            if len(reached) >= 2 and len(layers - {None}) >= 2:
                return True
    return False


def root_packages(
    named: dict[str, Named],
    top: str,
    roots: Collection[str],
    handling: Collection[str],
) -> dict[str, Named]:
    """A folder named for the top layer that directly holds a composition root (`app/web/app.py` making the
    aiohttp `Application` and its `setup_app`), while no other file in it or under it handles a request or
    registers a route (`handling`) and some file outside it does (the features' `views.py`): it is the
    package of the app's own glue (`web/utils.py` of response helpers, `web/session.py`, its `__init__.py`),
    not the routes layer, and its files take no layer from it. A file named for a layer keeps its name's
    (`web/routes.py`, `web/models.py`)."""
    folders = {
        folder
        for root in roots
        if root in named
        and named[root].folders
        and named[root].folders[0] == (top, folder := posixpath.dirname(root))
    }
    others = [path for path in handling if path not in roots]
    packages = {
        folder
        for folder in folders
        if not any(path.startswith(f"{folder}/") for path in others)
        and any(not path.startswith(f"{folder}/") for path in others)
    }
    return without_folders(named, packages)
