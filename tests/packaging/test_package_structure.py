"""The shape of the cdverify package itself: no import cycle between its modules, no oversized module, and
the public functions not shadowed by subpackages of the same name.

The import graph is cdverify's own: `analyse` run over this repository, read at file level.

Which imports count: every import that runs, at module level or inside a function (a lazy import is still
a dependency: it only hides the cycle from the interpreter until the function is called). Imports that never
run are left out: those under `if TYPE_CHECKING:` (annotations may name a type of the module that imports
this one) and dynamic imports of a computed name (the lazy exports of `cdverify/__init__.py`).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import cdverify
from cdverify.analysis import Analysis
from cdverify.config import load_config
from cdverify.pipeline import analyse
from cdverify.resolve.graph import ImportEdge

PACKAGE = Path(cdverify.__file__).parent
REPOSITORY = PACKAGE.parent
PREFIX = f"{PACKAGE.name}/"
MAX_LINES = 700


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(REPOSITORY, load_config(REPOSITORY), use_cache=False)


def _counts(edge: ImportEdge) -> bool:
    target = edge.target
    return (
        edge.runtime and edge.source.startswith(PREFIX) and target is not None and target.startswith(PREFIX)
    )


def _cycles(analysis: Analysis) -> list[list[str]]:
    return analysis.graph.cycles(keep=_counts)


def _explain(analysis: Analysis, cycle: list[str]) -> str:
    steps = analysis.graph.cycle_through(cycle[0], cycle, keep=_counts)
    where = "function-level" if any(step.fact.in_function for step in steps) else "module-level"
    return f"{where}: " + " -> ".join(f"{step.source}:{step.fact.line}" for step in steps) + f" -> {cycle[0]}"


def test_the_graph_sees_the_package(analysis: Analysis) -> None:
    edges = [edge for edge in analysis.graph.internal_edges() if _counts(edge)]
    lazy = [edge for edge in edges if edge.fact.in_function]
    assert len({edge.source for edge in edges}) > 50, "the package's imports were not resolved"
    assert lazy, "function-level imports are missing from the graph"
    pipeline = {edge.target for edge in edges if edge.source == "cdverify/pipeline.py"}
    assert {"cdverify/discover.py", "cdverify/parse/__init__.py", "cdverify/resolve/__init__.py"} <= pipeline


def test_no_import_cycle_between_the_packages_modules(analysis: Analysis) -> None:
    cycles = _cycles(analysis)
    assert not cycles, "import cycles:\n" + "\n".join(_explain(analysis, cycle) for cycle in cycles)


def _line_counts() -> dict[str, int]:
    counts = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(REPOSITORY).as_posix()
        if "node_modules" not in relative:
            counts[relative] = len(path.read_text(encoding="utf-8").splitlines())
    return counts


def test_no_module_over_the_size_limit() -> None:
    counts = _line_counts()
    assert len(counts) > 50 and "cdverify/pipeline.py" in counts  # the walk really found the package
    over = {path: lines for path, lines in counts.items() if lines > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines (split them by responsibility): {over}"


def test_public_functions_are_not_shadowed_by_subpackages() -> None:
    for module in pkgutil.walk_packages(cdverify.__path__, "cdverify."):
        if module.ispkg:  # importing a subpackage sets it as an attribute of its parent
            importlib.import_module(module.name)
    from cdverify.grading.grader import grade
    from cdverify.pipeline import inspect, verify

    assert cdverify.verify is verify
    assert cdverify.grade is grade
    assert cdverify.inspect is inspect
