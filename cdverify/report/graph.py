"""The import graph as DOT, Mermaid or JSON, at file or layer level."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdverify.analysis import Analysis


def _edges(analysis: Analysis, level: str, scope_files: set[str]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for edge in analysis.graph.internal_edges():
        assert edge.target is not None
        if edge.source not in scope_files or edge.target not in scope_files:
            continue
        if level == "layer":
            source = analysis.layers.files.get(edge.source)
            target = analysis.layers.files.get(edge.target)
            if source is None or target is None or source == target:
                continue
            counts[(source, target)] += 1
        else:
            counts[(edge.source, edge.target)] += 1
    return counts


def render_graph(analysis: Analysis, fmt: str, level: str = "file", include_all: bool = False) -> str:
    from cdverify.model import Scope

    files = {f.path for f in analysis.project.sources if include_all or f.scope is Scope.APPLICATION}
    edges = _edges(analysis, level, files)
    layer_of = analysis.layers.files
    nodes = sorted({n for pair in edges for n in pair} | (set() if level == "layer" else files))
    if fmt == "json":
        return json.dumps(
            {
                "level": level,
                "nodes": [{"id": n, "layer": n if level == "layer" else layer_of.get(n)} for n in nodes],
                "edges": [{"source": s, "target": t, "imports": c} for (s, t), c in sorted(edges.items())],
            },
            indent=2,
        )
    ids = {node: f"n{index}" for index, node in enumerate(nodes)}
    if fmt == "mermaid":
        lines = ["graph TD"]
        groups: dict[str | None, list[str]] = {}
        for node in nodes:
            groups.setdefault(None if level == "layer" else layer_of.get(node), []).append(node)
        for group, members in sorted(groups.items(), key=lambda item: item[0] or "~"):
            indent = "  "
            if group:
                lines.append(f"  subgraph {group}")
                indent = "    "
            lines.extend(f'{indent}{ids[m]}["{m}"]' for m in members)
            if group:
                lines.append("  end")
        lines.extend(f"  {ids[s]} --> {ids[t]}" for (s, t) in sorted(edges))
        return "\n".join(lines)
    # DOT
    lines = ["digraph imports {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    clusters: dict[str | None, list[str]] = {}
    for node in nodes:
        clusters.setdefault(None if level == "layer" else layer_of.get(node), []).append(node)
    for group, members in sorted(clusters.items(), key=lambda item: item[0] or "~"):
        if group:
            lines.append(f'  subgraph "cluster_{group}" {{ label="{group}";')
        lines.extend(f'    "{m}";' for m in members)
        if group:
            lines.append("  }")
    lines.extend(
        f'  "{s}" -> "{t}"' + (f' [label="{c}"]' if level == "layer" else "") + ";"
        for (s, t), c in sorted(edges.items())
    )
    lines.append("}")
    return "\n".join(lines)
