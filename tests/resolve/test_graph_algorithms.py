"""The import graph's own algorithms (resolve/graph.py) against networkx, the library they replaced
(a dev dependency, kept as the oracle): the same components, the same shortest path on every graph."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from cdverify.model import ImportFact, ImportKind, Resolution, TargetKind
from cdverify.resolve.graph import ImportEdge, ImportGraph, reachable, shortest_path, strongly_connected

NODES = [f"m{i}.py" for i in range(9)]
edge_lists = st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=30)


def _adjacency(edges: list[tuple[str, str]]) -> tuple[dict[str, dict[str, None]], dict[str, dict[str, None]]]:
    successors: dict[str, dict[str, None]] = {}
    predecessors: dict[str, dict[str, None]] = {}
    for source, target in edges:
        successors.setdefault(source, {})[target] = None
        predecessors.setdefault(target, {})[source] = None
    return successors, predecessors


@settings(max_examples=200, deadline=None)
@given(edge_lists)
def test_components_are_networkx_components(edges: list[tuple[str, str]]) -> None:
    successors, _ = _adjacency(edges)
    ours = sorted(sorted(component) for component in strongly_connected(successors))
    expected = sorted(sorted(component) for component in nx.strongly_connected_components(nx.DiGraph(edges)))
    assert ours == expected


@settings(max_examples=200, deadline=None)
@given(edge_lists, st.lists(st.sampled_from(NODES), max_size=3))
def test_reachable_is_the_roots_and_their_networkx_descendants(
    edges: list[tuple[str, str]], roots: list[str]
) -> None:
    successors, _ = _adjacency(edges)
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(roots)
    expected = set(roots).union(*(nx.descendants(graph, root) for root in roots))
    assert reachable(roots, lambda node: successors.get(node, {})) == expected


@settings(max_examples=300, deadline=None)
@given(edge_lists, st.sampled_from(NODES), st.sampled_from(NODES))
def test_shortest_path_is_the_path_networkx_returns(
    edges: list[tuple[str, str]], source: str, target: str
) -> None:
    graph = nx.DiGraph(edges)
    successors, predecessors = _adjacency(edges)
    ours = shortest_path(successors, predecessors, source, target)
    if source not in graph or target not in graph:
        assert ours == ([source] if source == target else None)
        return
    try:
        expected: list[str] | None = nx.shortest_path(graph, source, target)
    except nx.NetworkXNoPath:
        expected = None
    assert ours == expected


def test_a_long_chain_does_not_recurse() -> None:
    chain = [f"f{i}" for i in range(20_000)]
    successors = {a: [b] for a, b in zip(chain, [*chain[1:], chain[0]], strict=True)}
    assert [sorted(c) for c in strongly_connected(successors)] == [sorted(chain)]


def _edge(source: str, target: str, line: int) -> ImportEdge:
    fact = ImportFact(specifier=target, kind=ImportKind.STATIC, line=line, col=1, text=f"import {target}")
    return ImportEdge(source, fact, Resolution(TargetKind.INTERNAL, target))


def test_cycles_and_the_cycle_shown() -> None:
    edges = [
        _edge("a", "b", 1),
        _edge("b", "c", 1),
        _edge("c", "a", 1),
        _edge("b", "a", 2),
        _edge("d", "d", 1),
    ]
    graph = ImportGraph(["a", "b", "c", "d", "e"], [*edges, _edge("e", "a", 1)])
    assert graph.cycles() == [["a", "b", "c"], ["d"]]
    assert graph.cycles(group={"a": "x", "b": "x", "c": "y"}) == [["x", "y"]]
    assert [(e.source, e.target) for e in graph.cycle_through("a", ["a", "b", "c"])] == [
        ("a", "b"),
        ("b", "a"),
    ]
    assert [(e.source, e.target) for e in graph.cycle_through("d", ["d"])] == [("d", "d")]
    assert graph.cycle_through("e", ["a", "e"]) == []
