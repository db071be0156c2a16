"""An application that cannot be imported: a Python module building the web app (`app = FastAPI()`), or one
it imports at module level, that Python itself cannot parse (an `IndentationError` an LLM's output kept, a
Markdown fence around the code) raises `SyntaxError` as the server imports it, so the application cannot
start in any environment: no engine holds in the harness (harness.py). A syntax issue the tree-sitter
grammar reports is confirmed with Python's own parser first, so newer syntax the grammar does not know
stops nothing."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from cdverify.detect.database.startup import app_modules, application_python
from cdverify.files import NotReadable, read_regular

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

_MAX_CONFIRMED_BYTES = 4 * 1_048_576  # past this, the file is not read again: nothing stops


def unparsable_at_start(found: Collection, graph: ImportGraph, root: Path) -> list[tuple[str, int, str, str]]:
    """The app-building Python modules and what they import at module level, that do not parse: (file,
    line, the syntax issue, why it stops the app) each, for a start-up stop (stops.py)."""
    python = application_python(found)
    pending = sorted(set(app_modules(found.facts)) & python)
    loaded = set(pending)
    out = []
    while pending:
        path = pending.pop()
        facts = found.facts[path]
        if facts.syntax_issues and facts.too_deep is None and (error := _python_error(root / path)):
            issue = facts.syntax_issues[0]
            reason = f"raises {error} as it is imported"
            out.append((path, issue.line, issue.message, reason))
        for edge in graph.imports_of(path):
            target = edge.target
            if target in python and target not in loaded and edge.runtime and not edge.fact.in_function:
                loaded.add(target)
                pending.append(target)
    return sorted(out)


def _python_error(path: Path) -> str | None:
    """`IndentationError: unexpected unindent (line 43)` when Python cannot parse the file, else None."""
    try:
        ast.parse(read_regular(path, _MAX_CONFIRMED_BYTES), filename=path.name)
    except SyntaxError as exc:
        return f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})"
    except (NotReadable, ValueError, RecursionError, MemoryError):
        return None
    return None
