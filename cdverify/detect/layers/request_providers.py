"""Request providers placed by their name or folder alone: FastAPI dependency functions that only build the
project's objects for the handlers (`def get_book_service(repo = Depends(get_book_repository)): return
BookService(repo)` in `depends/book_service.py`, `def get_book_repository(db = Depends(get_db)): return
BookRepository(db)` in `depends/repository/book_repository.py`). Named like the layer of what they build,
they hold none of its code: each is the composition root of a request, as `wiring.providers` finds in a
routes folder, in no layer and free to import what it wires."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.names import Evidence, LayerAssignment
from cdverify.detect.layers.wiring import injection_markers, injects_only
from cdverify.model import Family, FileFacts

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph

_RAISE = "?raise."  # how the parser writes the exception class a `raise` statement makes


def request_providers(
    assignment: LayerAssignment, graph: ImportGraph, facts: Mapping[str, FileFacts]
) -> list[str]:
    """Python files only their file name or folder places, defining no class, importing of the web framework
    only its injection markers and calling one, and whose every other call constructs a class another
    project module exports (or is raised): request providers, in no layer."""
    markers = injection_markers(Family.PYTHON)
    found = []
    for path, kind in assignment.evidence.items():
        file_facts = facts.get(path)
        if (
            kind not in (Evidence.FILE_NAME, Evidence.FOLDER)
            or file_facts is None
            or file_facts.language.family != Family.PYTHON
            or file_facts.classes
            or not injects_only(file_facts)
        ):
            continue
        classes = {
            f"{edge.fact.specifier}.{name}"
            for edge in graph.imports_of(path)
            if edge.target not in (None, path)
            for name in edge.fact.names
            if name[:1].isupper()
        }
        calls = [call.callee for call in file_facts.calls if not call.callee.startswith(_RAISE)]
        injected = any(callee in markers for callee in calls)
        built = [callee for callee in calls if callee not in markers]
        if injected and built and all(callee in classes for callee in built):
            found.append(path)
    return found
