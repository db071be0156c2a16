"""The import graph: resolved import edges between the project's files, behind a small interface.

networkx does the graph algorithms; it is imported only when an algorithm is asked for, because
importing it costs more than parsing a typical generated app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise

from cdverify.model import ImportFact, Resolution, TargetKind


@dataclass(frozen=True)
class ImportEdge:
    """One import of one file and where it lands."""

    source: str  # importing file, project-relative POSIX path
    fact: ImportFact
    resolution: Resolution

    @property
    def target(self) -> str | None:
        return self.resolution.target if self.resolution.kind is TargetKind.INTERNAL else None

    @property
    def runtime(self) -> bool:
        return not self.fact.kind.type_only


def _acyclic(pairs: Iterable[tuple[str, str]]) -> bool:
    """Cheap cycle test with the standard library's topological sorter."""
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for source, target in pairs:
        sorter.add(source, target)
    try:
        sorter.prepare()
    except CycleError:
        return False
    return True


class ImportGraph:
    def __init__(self, files: Iterable[str], edges: Iterable[ImportEdge]) -> None:
        self.files = tuple(sorted(files))
        self.edges = tuple(edges)
        self._by_source: dict[str, list[ImportEdge]] = defaultdict(list)
        for edge in self.edges:
            self._by_source[edge.source].append(edge)

    def imports_of(self, path: str) -> list[ImportEdge]:
        return self._by_source.get(path, [])

    def internal_edges(self) -> list[ImportEdge]:
        return [edge for edge in self.edges if edge.target is not None]

    def cycles(
        self, group: Mapping[str, str] | None = None, keep: Callable[[ImportEdge], bool] = lambda e: True
    ) -> list[list[str]]:
        """Strongly connected components with more than one member (or a self-import), sorted.

        With `group` (file → group name) the graph is first collapsed to groups, so the result is
        the cycles between groups (e.g. layers); files missing from `group` are left out.
        """
        pairs: set[tuple[str, str]] = set()
        for edge in self.internal_edges():
            if not keep(edge):
                continue
            assert edge.target is not None
            if group is None:
                pairs.add((edge.source, edge.target))
            elif edge.source in group and edge.target in group:
                source, target = group[edge.source], group[edge.target]
                if source != target:
                    pairs.add((source, target))
        if _acyclic(pairs):
            return []  # the common case, answered without importing networkx
        import networkx as nx

        graph = nx.DiGraph(list(pairs))
        components = [
            sorted(component)
            for component in nx.strongly_connected_components(graph)
            if len(component) > 1 or any(graph.has_edge(n, n) for n in component)
        ]
        return sorted(components)

    def cycle_through(
        self, start: str, members: Iterable[str], keep: Callable[[ImportEdge], bool] = lambda e: True
    ) -> list[ImportEdge]:
        """One shortest real cycle from `start` back to itself inside `members`, as the import edges
        that make it (the first import statement of each step)."""
        import networkx as nx

        allowed = set(members)
        graph = nx.DiGraph()
        first: dict[tuple[str, str], ImportEdge] = {}
        for edge in self.internal_edges():
            target = edge.target
            if target is None or edge.source not in allowed or target not in allowed or not keep(edge):
                continue
            pair = (edge.source, target)
            current = first.get(pair)
            if current is None or (edge.fact.line, edge.fact.col) < (current.fact.line, current.fact.col):
                first[pair] = edge
            graph.add_edge(*pair)
        if (start, start) in first:
            return [first[(start, start)]]
        best: list[str] | None = None
        for successor in sorted(graph.successors(start)) if start in graph else []:
            try:
                path = nx.shortest_path(graph, successor, start)
            except nx.NetworkXNoPath:
                continue
            if best is None or len(path) < len(best):
                best = path
        if best is None:
            return []
        nodes = [start, *best]
        return [first[(a, b)] for a, b in pairwise(nodes)]
