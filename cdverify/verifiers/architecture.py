"""The Clean Architecture verifier: check every import against the layers detect/layers.py assigned.

Pure functions over the project model and the import graph; no I/O. Rule texts (what, why, how to
fix) live in docs/rules/; the hints below are the one-line fixes shown with each finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import make_finding
from cdverify.config import Config, TypeOnlyImports
from cdverify.detect.layers import LayerAssignment, web_module
from cdverify.model import (
    Finding,
    ImportKind,
    Language,
    Location,
    TargetKind,
)
from cdverify.resolve.graph import ImportEdge, ImportGraph

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.constraints import Constraints

CONSTRAINT = "architecture"


_KIND_RULES = {
    "upward": "ARCH001",
    "bypass": "ARCH002",
    "framework": "ARCH003",
    "cycle": "ARCH006",
}


def _violation(
    kind: str,
    edge: ImportEdge,
    from_layer: str,
    to_layer: str | None,
    message: str,
    hint: str,
    via: list[str] | None = None,
) -> Finding:
    rule = _KIND_RULES[kind]
    fact = edge.fact
    type_only = fact.kind.type_only
    data: dict[str, object] = {
        "import": fact.specifier,
        "target": edge.resolution.target or edge.resolution.package,
        "from_layer": from_layer,
        "to_layer": to_layer,
        "kind": kind,
        "type_only": type_only,
        "import_kind": fact.kind.value,
    }
    if via:
        data["via"] = via
    return make_finding(
        rule,
        Location(edge.source, fact.line, fact.col),
        message,
        evidence=fact.text,
        hint=hint,
        data=data,
    )


def _barrel_targets(
    graph: ImportGraph, start: str, assignment: LayerAssignment
) -> list[tuple[str, list[str]]]:
    """Layered files reached from an unlayered JS/TS barrel through `export … from` only."""
    found: list[tuple[str, list[str]]] = []
    seen = {start}
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        current, chain = stack.pop()
        for edge in graph.imports_of(current):
            target = edge.target
            if target is None or target in seen:
                continue
            if edge.fact.kind not in (ImportKind.REEXPORT, ImportKind.REEXPORT_TYPE):
                continue
            seen.add(target)
            if target in assignment.files:
                found.append((target, chain))
            else:
                stack.append((target, [*chain, target]))
    return found


_NAMED_ONLY = re.compile(r"^import\s+(?:type\s+)?\{([^}]*)\}\s*from\b")


def _own_names_only(edge: ImportEdge, declared: tuple[str, ...]) -> bool:
    """Whether the import takes only names (`import { A, B as C } from …`) that its target module declares
    itself."""
    if not declared:
        return False
    found = _NAMED_ONLY.match(edge.fact.text)
    if found is None:
        return False
    written = [item.split() for item in found.group(1).split(",") if item.split()]
    names = [words[1] if words[0] == "type" and len(words) > 1 else words[0] for words in written]
    return bool(names) and all(name in declared for name in names)


def check_imports(
    graph: ImportGraph,
    assignment: LayerAssignment,
    config: Config,
    languages: Mapping[str, Language],
    declared: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Finding]:
    """ARCH001 upward imports, ARCH002 routes reaching repositories, ARCH003 frameworks in services.
    `declared`: the names each JS/TS module exports that it declares itself (an import taking only those
    from a barrel reaches none of the modules it re-exports)."""
    order = config.layer_order
    bypass = set(config.bypass)
    run_time_only = config.type_only_imports is TypeOnlyImports.IGNORE
    findings: dict[tuple[str, str, int, int, str], Finding] = {}
    into: dict[str, list[ImportEdge]] | None = None  # built on the first bypass

    def add(finding: Finding) -> None:
        loc = finding.location
        findings.setdefault((finding.rule, loc.path, loc.line, loc.col, finding.evidence), finding)

    for source, from_layer in assignment.files.items():
        for edge in graph.imports_of(source):
            if run_time_only and edge.fact.kind.type_only:
                continue
            resolution = edge.resolution
            if resolution.kind is TargetKind.EXTERNAL and from_layer == "services":
                family = languages[source].family
                framework = web_module(edge.fact.specifier, family, edge.fact.names)
                if framework is not None:
                    add(
                        _violation(
                            "framework",
                            edge,
                            from_layer,
                            None,
                            f"services layer imports the web framework {framework} ({resolution.package})",
                            "keep services framework-agnostic: raise a domain error or return a result, "
                            "and let the route translate it into an HTTP response",
                        )
                    )
                continue
            target = edge.target
            if target is None:
                continue
            reached: list[tuple[str, list[str]]]
            if target in assignment.files:
                reached = [(target, [])]
            elif _own_names_only(edge, (declared or {}).get(target, ())):
                reached = []  # `import { DLoader } from "./DLoader"`, a barrel declaring it beside `export *`
            else:
                reached = _barrel_targets(graph, target, assignment)
            for layered, via in reached:
                to_layer = assignment.files[layered]
                if (source, layered) in assignment.instance_imports:
                    continue  # a model binding to the ORM instance a module builds (layers/instances.py)
                if order[from_layer] > order[to_layer]:
                    add(
                        _violation(
                            "upward",
                            edge,
                            from_layer,
                            to_layer,
                            f"{from_layer} imports {to_layer}, a layer above it ({layered})",
                            f"invert the dependency: move what {from_layer} needs from {layered} down into "
                            f"{from_layer} or a lower layer, or pass it in from {to_layer}",
                            via,
                        )
                    )
                elif (from_layer, to_layer) in bypass:
                    between = [name for name in order if order[from_layer] < order[name] < order[to_layer]]
                    if into is None:
                        into = importers(graph)
                    wrappers = wrappers_of(into, assignment, layered, between, source)
                    finding = _violation(
                        "bypass",
                        edge,
                        from_layer,
                        to_layer,
                        f"{from_layer} reach {to_layer} directly ({layered}), not through a service",
                        _bypass_hint(layered, to_layer, wrappers),
                        via,
                    )
                    if wrappers:
                        finding.data["wrapped_by"] = wrappers
                    add(finding)
    return list(findings.values())


def importers(graph: ImportGraph) -> dict[str, list[ImportEdge]]:
    """The run-time imports landing in each project file (type-only ones left out)."""
    into: dict[str, list[ImportEdge]] = {}
    for edge in graph.internal_edges():
        if edge.target is not None and not edge.fact.kind.type_only:
            into.setdefault(edge.target, []).append(edge)
    return into


def wrappers_of(
    into: Mapping[str, list[ImportEdge]],
    assignment: LayerAssignment,
    target: str,
    layers: list[str],
    caller: str = "",
) -> list[str]:
    """The files of `layers` (the layers between a route and a repository: the services) that already
    import `target` at run time: first the one named like `caller` (`routes/profiles.py` →
    `services/profiles.py`), then like `target`, then by path. The service a bypassing route should call."""
    wanted = set(layers)
    found = {e.source for e in into.get(target, []) if assignment.files.get(e.source) in wanted}
    caller_topic, target_topic = _topic(caller), _topic(target)
    return sorted(found, key=lambda path: (_topic(path) != caller_topic, _topic(path) != target_topic, path))


def _topic(path: str) -> str:
    """What a file is about, by name: `src/services/tag-service.js` → `tag`, `routes/profiles.py` →
    `profile`."""
    stem = path.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    first = re.split(r"[-_]", stem, maxsplit=1)[0]
    return first.removesuffix("s")


def _bypass_hint(layered: str, to_layer: str, wrappers: list[str]) -> str:
    if not wrappers:
        return f"call a service that wraps {layered}; only services may use {to_layer}"
    others = len(wrappers) - 1
    also = f" (so do {others} other file{'s' if others != 1 else ''} of its layer)" if others else ""
    return f"call {wrappers[0]}, which already wraps {layered}{also}; only services may use {to_layer}"


def check_layout(assignment: LayerAssignment, config: Config) -> list[Finding]:
    """ARCH004 required layer missing, ARCH005 layer recognised by file name only."""
    findings = []
    for name in config.required_layers:
        spec = config.layer(name)
        if not assignment.locations.get(name):
            others = sorted(d for d in spec.directories if d != name)[:3]
            examples = ", ".join(f"{d}/" for d in [name, *others])
            findings.append(
                make_finding(
                    "ARCH004",
                    Location("."),
                    f"no {spec.title} layer: no application file lives in a {name} folder",
                    evidence=name,
                    hint=f"create a {name} folder (e.g. {examples}) and move that responsibility into it",
                    data={"layer": name},
                )
            )
    for path, name in sorted(assignment.by_name_only.items()):
        findings.append(
            make_finding(
                "ARCH005",
                Location(path),
                f"{path} looks like part of the {name} layer but is not in a {name} folder",
                evidence=path,
                hint=f"move it into the project's {name} folder (each layer in its own directory)",
                data={"layer": name},
            )
        )
    return findings


def check_cycles(
    graph: ImportGraph, assignment: LayerAssignment, config: Config, application: Iterable[str]
) -> list[Finding]:
    """ARCH006 cycles between layers (at the upward import closing them), ARCH007 file cycles (info).
    Type-only imports vanish at run time, so they never make a cycle."""
    findings = []
    order = config.layer_order

    def upward(edge: ImportEdge) -> bool:
        source = assignment.files.get(edge.source)
        target = assignment.files.get(edge.target or "")
        if (edge.source, edge.target or "") in assignment.instance_imports:
            return False
        return source is not None and target is not None and order[source] > order[target]

    for layers in graph.cycles(group=assignment.files, keep=lambda e: e.runtime):
        members = set(layers)
        closing = sorted(
            (
                edge
                for edge in graph.internal_edges()
                if edge.runtime
                and assignment.files.get(edge.source) in members
                and assignment.files.get(edge.target or "") in members
                and upward(edge)
            ),
            key=lambda e: (e.source, e.fact.line, e.fact.col),
        )
        if not closing:
            continue
        edge = closing[0]
        from_layer = assignment.files[edge.source]
        to_layer = assignment.files[edge.target or ""]
        finding = _violation(
            "cycle",
            edge,
            from_layer,
            to_layer,
            f"import cycle between the layers {', '.join(layers)}",
            f"remove this upward import ({from_layer} → {to_layer}) to break the cycle",
        )
        finding.data["cycle"] = layers
        findings.append(finding)
    app = set(application)

    def runtime_app(edge: ImportEdge) -> bool:
        return edge.runtime and edge.source in app and (edge.target or "") in app

    for files in graph.cycles(keep=runtime_app):
        path = graph.cycle_through(files[0], files, runtime_app)
        if not path:
            continue
        steps = " → ".join(f"{e.source}:{e.fact.line}" for e in path) + f" → {path[0].source}"
        findings.append(
            make_finding(
                "ARCH007",
                Location(path[0].source, path[0].fact.line, path[0].fact.col),
                f"import cycle through {len(path)} file(s); {len(files)} files import each other in all",
                evidence=steps,
                hint="move the code both sides need into a module that imports neither, or pass it in",
                data={"cycle": [e.source for e in path], "files": files},
            )
        )
    return findings


def violations(findings: Iterable[Finding]) -> list[dict[str, object]]:
    """`architecture.violations` records: the import findings in the stable shape harnesses read."""
    out = []
    for finding in findings:
        if finding.constraint != CONSTRAINT or "kind" not in finding.data:
            continue
        record = {
            "rule": finding.rule,
            "file": finding.location.path,
            "line": finding.location.line,
            "col": finding.location.col,
            "severity": finding.severity.value,
        }
        record.update(finding.data)
        out.append(record)
    return out


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    """Every import against the layers, the layout and the cycles: always, asked for or not."""
    languages = {path: facts.language for path, facts in analysis.facts.items()}
    declared = {path: facts.declared for path, facts in analysis.facts.items() if facts.declared}
    return [
        *check_imports(analysis.graph, analysis.layers, config, languages, declared),
        *check_layout(analysis.layers, config),
        *check_cycles(analysis.graph, analysis.layers, config, analysis.application),
    ]
