"""Package markers: a Python package's `__init__.py` with no code of its own follows its folder, as every
code-silent file does; but where the code of every module of the package overrules that folder's layer (a
`handlers/` folder, routes by name, whose modules are all use cases), the marker goes with its modules, and
where the package holds modules but none of the application (`api/management/__init__.py` above Django's
`management/commands/`, whose commands are scripts) it has no layer. In a folder that names no layer
(`db/__init__.py` beside a repository module) it stays in none. A marker whose only code brings names of its
own package's modules up to the package (`from app.services.books.views import book_bp`, `from .views
import bp`: the blueprint the app registers) is a marker too; one importing a module itself (`from . import
views`) or doing anything else is not."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.detect.layers.names import Evidence, LayerAssignment
from cdverify.model import FileFacts

_MARKER = "__init__.py"


def package_markers(
    assignment: LayerAssignment, facts: Mapping[str, FileFacts]
) -> dict[str, tuple[str, Evidence] | None]:
    """Marker → (layer, `package`) for every code-silent `__init__.py` (no import, call, class, assignment or
    function) placed by its folder whose package's other modules, in its sub-packages too, all have one
    other layer; → None (no layer) where they are all outside the application (scripts, tests: parsed, in
    `facts`, but not among the application's files). A package with a module in no layer (a helper, a
    composition root), of two layers, or one left in the folder's layer keeps its marker in the folder's
    layer; so does a user glob, and a marker alone in its package."""
    markers = [
        path
        for path, evidence in assignment.evidence.items()
        if evidence is Evidence.FOLDER
        and path.endswith("/" + _MARKER)
        and _marker_only(path, facts.get(path))
    ]
    if not markers:
        return {}
    wanted = {marker[: -len(_MARKER) - 1] for marker in markers}
    below: dict[str, set[str | None]] = {}  # a marker's folder → the layers of the modules under it
    for path in assignment.named:
        if path.endswith("/" + _MARKER) and _marker_only(path, facts.get(path)):
            continue
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in wanted:
                below.setdefault(folder, set()).add(assignment.files.get(path))
    outside = {  # a marker's folder holding modules the application does not run
        folder
        for path in facts
        if path not in assignment.named
        for folder in _folders(path)
        if folder in wanted
    }
    out: dict[str, tuple[str, Evidence] | None] = {}
    for marker in markers:
        folder = marker[: -len(_MARKER) - 1]
        if folder not in below and folder in outside:
            out[marker] = None
            continue
        layers = below.get(folder, set())
        layer = next(iter(layers)) if len(layers) == 1 else None
        if layer is not None and layer != assignment.files.get(marker):
            out[marker] = (layer, Evidence.PACKAGE)
    return out


def _folders(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _silent(file_facts: FileFacts | None) -> bool:
    return file_facts is not None and not (
        file_facts.imports
        or file_facts.calls
        or file_facts.classes
        or file_facts.assignments
        or file_facts.functions
        or file_facts.exports
        or file_facts.syntax_issues
    )


def _marker_only(path: str, file_facts: FileFacts | None) -> bool:
    """No code of its own, or only imports of names from its own package's modules (its re-exports)."""
    if _silent(file_facts) or file_facts is None:
        return _silent(file_facts)
    package = path[: -len(_MARKER) - 1].split("/")
    return not (
        file_facts.calls
        or file_facts.classes
        or file_facts.assignments
        or file_facts.functions
        or file_facts.syntax_issues
    ) and all(fact.names and _of_package(fact.specifier, package) for fact in file_facts.imports)


def _of_package(specifier: str, package: list[str]) -> bool:
    """`.views`, or an absolute `app.services.books.views` whose package path ends the folder's: a module of
    the package itself, named (not `.`, which imports modules by the names)."""
    if specifier.startswith("."):
        return specifier.count(".") == 1 and len(specifier) > 1
    parents = specifier.split(".")[:-1]
    return bool(parents) and len(parents) <= len(package) and package[-len(parents) :] == parents
