"""The import graph as DOT, Mermaid or JSON, at file or layer level, its layer violations drawn in red.

Names are the project's file paths, which may hold any character: DOT gets them as quoted strings with
`\\` and `"` escaped (and a line break as `\\n`), Mermaid as labels with `"` written `#quot;`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdverify.analysis import Analysis

Edge = tuple[str, str]
VIOLATION_COLOUR = "red"


def _edges(analysis: Analysis, level: str, scope_files: set[str]) -> Counter[Edge]:
    counts: Counter[Edge] = Counter()
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


def violating_edges(violations: Iterable[Mapping[str, object]], level: str) -> dict[Edge, list[str]]:
    """The edges of `architecture.violations` records (`verifiers.architecture.violations`) at `level`,
    each with the rule ids it breaks: file → the file it imports (the barrel for an import through one),
    or importing layer → imported layer. A framework import (ARCH003) has no edge in the graph."""
    found: dict[Edge, list[str]] = {}
    for record in violations:
        if level == "layer":
            pair = (record.get("from_layer"), record.get("to_layer"))
        else:
            pair = (record.get("file"), record.get("target"))
        if isinstance(pair[0], str) and isinstance(pair[1], str):
            rules = found.setdefault((pair[0], pair[1]), [])
            if str(record.get("rule")) not in rules:
                rules.append(str(record.get("rule")))
    return found


def dot_string(text: str) -> str:
    """`text` as a DOT quoted string (its only escape is `\\"`; `\\\\` and `\\n` are what labels render)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{escaped}"'


def mermaid_label(text: str) -> str:
    """`text` as a Mermaid node label: `"` and line breaks as entity codes, inside double quotes."""
    return '"' + text.replace('"', "#quot;").replace("\n", "#10;").replace("\r", "#13;") + '"'


def render_graph(
    analysis: Analysis,
    fmt: str,
    level: str = "file",
    include_all: bool = False,
    violations: Iterable[Mapping[str, object]] = (),
) -> str:
    """The graph in `fmt`; the edges of `violations` (architecture violation records) marked."""
    from cdverify.model import Scope

    files = {f.path for f in analysis.project.sources if include_all or f.scope is Scope.APPLICATION}
    edges = _edges(analysis, level, files)
    bad = {edge: rules for edge, rules in violating_edges(violations, level).items() if edge in edges}
    layer_of = analysis.layers.files
    nodes = sorted({n for pair in edges for n in pair} | (set() if level == "layer" else files))
    groups: dict[str | None, list[str]] = {}
    for node in nodes:
        groups.setdefault(None if level == "layer" else layer_of.get(node), []).append(node)
    ordered = sorted(groups.items(), key=lambda item: item[0] or "~")
    if fmt == "json":
        return json.dumps(
            {
                "level": level,
                "nodes": [{"id": n, "layer": n if level == "layer" else layer_of.get(n)} for n in nodes],
                "edges": [
                    {"source": s, "target": t, "imports": c, "violations": bad.get((s, t), [])}
                    for (s, t), c in sorted(edges.items())
                ],
            },
            indent=2,
        )
    if fmt == "mermaid":
        return _mermaid(ordered, sorted(edges), bad)
    return _dot(ordered, edges, bad, level)


def _mermaid(
    groups: list[tuple[str | None, list[str]]], edges: list[Edge], bad: Mapping[Edge, list[str]]
) -> str:
    ids = {
        node: f"n{index}" for index, node in enumerate(sorted(n for _, members in groups for n in members))
    }
    lines = ["graph TD"]
    for group, members in groups:
        indent = "  "
        if group:
            lines.append(f"  subgraph {group}")
            indent = "    "
        lines.extend(f"{indent}{ids[m]}[{mermaid_label(m)}]" for m in members)
        if group:
            lines.append("  end")
    lines.extend(f"  {ids[s]} --> {ids[t]}" for (s, t) in edges)
    marked = [str(index) for index, edge in enumerate(edges) if edge in bad]
    if marked:  # link indexes count the edges in the order they were written
        lines.append(f"  linkStyle {','.join(marked)} stroke:{VIOLATION_COLOUR},stroke-width:2px")
    return "\n".join(lines)


def _dot(
    groups: list[tuple[str | None, list[str]]],
    edges: Counter[Edge],
    bad: Mapping[Edge, list[str]],
    level: str,
) -> str:
    lines = ["digraph imports {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    for group, members in groups:
        if group:
            lines.append(f"  subgraph {dot_string(f'cluster_{group}')} {{ label={dot_string(group)};")
        lines.extend(f"    {dot_string(m)};" for m in members)
        if group:
            lines.append("  }")
    for (s, t), count in sorted(edges.items()):
        attributes = [f"label={dot_string(str(count))}"] if level == "layer" else []
        if (s, t) in bad:
            rules = ", ".join(bad[(s, t)])
            attributes += [f"color={VIOLATION_COLOUR}", "penwidth=2", f"tooltip={dot_string(rules)}"]
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {dot_string(s)} -> {dot_string(t)}{suffix};")
    lines.append("}")
    return "\n".join(lines)
