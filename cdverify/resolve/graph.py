"""The import graph: resolved import edges between the project's files, behind a small interface.

The two graph algorithms it needs, strongly connected components (Tarjan) and a shortest path (a
breadth-first search from both ends), are written here rather than taken from networkx: importing
networkx costs 90 to 130 ms, more than a whole check of a typical generated app, and it was paid on every
project with a cycle. Both are textbook and short; tests/resolve checks them against networkx.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from itertools import pairwise
from typing import TypeVar

import msgspec

from cdverify.model import ImportFact, Resolution, TargetKind


class ImportEdge(msgspec.Struct, frozen=True):
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


Adjacency = Mapping[str, Iterable[str]]
Node = TypeVar("Node", bound=Hashable)


def reachable(roots: Iterable[Node], successors: Callable[[Node], Iterable[Node]]) -> set[Node]:
    """`roots` and every node their successors reach, directly or not (an explicit stack: linear in what it
    visits, whatever the depth)."""
    seen = set(roots)
    pending = list(seen)
    while pending:
        for node in successors(pending.pop()):
            if node not in seen:
                seen.add(node)
                pending.append(node)
    return seen


def strongly_connected(successors: Adjacency) -> list[list[str]]:
    """The strongly connected components of a directed graph (node → its successors; a node that is only
    a successor need not be a key), by Tarjan's algorithm with an explicit stack, so that a long import
    chain cannot exhaust Python's recursion limit. Linear in nodes plus edges."""
    index: dict[str, int] = {}  # discovery order
    low: dict[str, int] = {}  # smallest index reachable through the node's subtree and one back edge
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> Iterator[str]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return iter(successors.get(node, ()))

    for root in successors:
        if root in index:
            continue
        work = [(root, visit(root))]
        while work:
            node, pending = work[-1]
            for child in pending:
                if child not in index:
                    work.append((child, visit(child)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:  # every successor done: close the node
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while not component or component[-1] != node:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                    components.append(component)
    return components


def shortest_path(
    successors: Adjacency, predecessors: Adjacency, source: str, target: str
) -> list[str] | None:
    """One shortest path from `source` to `target` (their nodes, both ends included), or None. The search
    grows from both ends, one whole level at a time from the smaller frontier (the forward one on a tie),
    and stops at the first node both searches reached, visiting neighbours in the order the mappings give
    them: the path networkx's `shortest_path` returns on the same graph, which this replaced."""
    if source == target:
        return [source]
    before: dict[str, str | None] = {source: None}  # node → its predecessor on the way from source
    after: dict[str, str | None] = {target: None}  # node → its successor on the way to target
    forward, backward = [source], [target]
    meeting: str | None = None
    while forward and backward and meeting is None:
        if len(forward) <= len(backward):
            forward, meeting = _grow(forward, successors, before, after)
        else:
            backward, meeting = _grow(backward, predecessors, after, before)
    if meeting is None:
        return None
    path: list[str] = []
    node: str | None = meeting
    while node is not None:
        path.append(node)
        node = before[node]
    path.reverse()
    node = after[path[-1]]
    while node is not None:
        path.append(node)
        node = after[node]
    return path


def _grow(
    frontier: list[str], neighbours: Adjacency, reached: dict[str, str | None], other: Mapping[str, object]
) -> tuple[list[str], str | None]:
    """One level of a breadth-first search: the next frontier, or the first node the other search reached."""
    following: list[str] = []
    for node in frontier:
        for neighbour in neighbours.get(node, ()):
            if neighbour not in reached:
                reached[neighbour] = node
                following.append(neighbour)
            if neighbour in other:
                return following, neighbour
    return following, None


class ImportGraph:
    def __init__(self, files: Iterable[str], edges: Iterable[ImportEdge]) -> None:
        self.files = tuple(sorted(files))
        self.edges = tuple(edges)
        self._by_source: dict[str, list[ImportEdge]] = defaultdict(list)
        for edge in self.edges:
            self._by_source[edge.source].append(edge)
        self._internal: tuple[ImportEdge, ...] | None = None
        self._by_target: dict[str, list[ImportEdge]] | None = None

    def imports_of(self, path: str) -> list[ImportEdge]:
        return self._by_source.get(path, [])

    def importers_of(self, path: str) -> list[ImportEdge]:
        """The edges landing on `path`, from other files or its own (indexed once, on the first question)."""
        if self._by_target is None:
            self._by_target = defaultdict(list)
            for edge in self.internal_edges():
                self._by_target[edge.target or ""].append(edge)
        return self._by_target.get(path, [])

    def internal_edges(self) -> tuple[ImportEdge, ...]:
        """The edges that land on a project file, in order (found once: every detector and check asks)."""
        if self._internal is None:
            self._internal = tuple(edge for edge in self.edges if edge.target is not None)
        return self._internal

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
        successors: dict[str, list[str]] = defaultdict(list)
        for source, target in pairs:
            successors[source].append(target)
        components = [
            sorted(component)
            for component in strongly_connected(successors)
            if len(component) > 1 or component[0] in successors[component[0]]
        ]
        return sorted(components)

    def cycle_through(
        self, start: str, members: Iterable[str], keep: Callable[[ImportEdge], bool] = lambda e: True
    ) -> list[ImportEdge]:
        """One shortest real cycle from `start` back to itself inside `members`, as the import edges
        that make it (the first import statement of each step)."""
        allowed = set(members)
        successors: dict[str, dict[str, None]] = defaultdict(dict)  # insertion-ordered sets
        predecessors: dict[str, dict[str, None]] = defaultdict(dict)
        first: dict[tuple[str, str], ImportEdge] = {}
        for edge in self.edges:  # in graph order: it decides which of two equally short paths is shown
            if edge.source not in allowed:  # first: the cheapest test, and the one most edges fail
                continue
            target = edge.target
            if target is None or target not in allowed or not keep(edge):
                continue
            pair = (edge.source, target)
            current = first.get(pair)
            if current is None or (edge.fact.line, edge.fact.col) < (current.fact.line, current.fact.col):
                first[pair] = edge
            successors[edge.source][target] = None
            predecessors[target][edge.source] = None
        if (start, start) in first:
            return [first[(start, start)]]
        best: list[str] | None = None
        for successor in sorted(successors.get(start, ())):
            path = shortest_path(successors, predecessors, successor, start)
            if path is not None and (best is None or len(path) < len(best)):
                best = path
        if best is None:
            return []
        nodes = [start, *best]
        return [first[(a, b)] for a, b in pairwise(nodes)]
