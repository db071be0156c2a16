"""The Clean Architecture verifier: assign application files to layers, then check every import.

Pure functions over the project model and the import graph; no I/O. Rule texts (what, why, how to
fix) live in docs/rules/; the hints below are the one-line fixes shown with each finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from pathspec import PathSpec

from cdverify.catalog import load_rules, make_finding
from cdverify.config import Config, LayerSpec, normalise_dir_name
from cdverify.model import (
    Finding,
    ImportKind,
    Language,
    Location,
    Scope,
    SourceFile,
    TargetKind,
)
from cdverify.resolve.graph import ImportEdge, ImportGraph
from cdverify.rules_schema import Frameworks

CONSTRAINT = "architecture"


@dataclass(frozen=True)
class LayerAssignment:
    """Which layer each application file is in, and where each layer lives."""

    files: dict[str, str]  # file → layer
    locations: dict[str, list[str]]  # layer → sorted folders (or files, when known by name only)
    by_name_only: dict[str, str] = field(default_factory=dict)  # file → layer, no layer folder

    def layer_of(self, path: str) -> str | None:
        return self.files.get(path)


def _suffix_layer(name: str, layers: Iterable[LayerSpec]) -> str | None:
    """Layer named by a file name alone: `users.service.ts`, `user_repository.py`, `models.py`."""
    base = name.rsplit(".", 1)[0] if "." in name else name
    base = normalise_dir_name(base.removesuffix(".d"))
    for spec in layers:
        for suffix in spec.file_suffixes:
            if base == suffix or base.endswith(("_" + suffix, "." + suffix)):
                return spec.name
    return None


_PACKAGE_MANIFESTS = ("package.json", "pyproject.toml", "setup.py", "setup.cfg")


def package_roots(paths: Iterable[str]) -> frozenset[str]:
    """Folders below the project root that hold their own package manifest (monorepo members)."""
    return frozenset(
        path.rsplit("/", 1)[0]
        for path in paths
        if "/" in path and path.rsplit("/", 1)[1] in _PACKAGE_MANIFESTS
    )


def assign_layers(
    sources: Iterable[SourceFile], config: Config, packages: frozenset[str] = frozenset()
) -> LayerAssignment:
    """Layer of every application source file: user globs first, then the deepest layer folder on the
    path, then the file name. In a monorepo only folders inside a member package count, so a package
    folder named `api/` or `domain/` is not itself a layer."""
    globs = [
        (spec.name, PathSpec.from_lines("gitignore", spec.paths)) for spec in config.layers if spec.paths
    ]
    files: dict[str, str] = {}
    locations: dict[str, set[str]] = {spec.name: set() for spec in config.layers}
    by_name: dict[str, str] = {}
    for source in sources:
        if source.scope is not Scope.APPLICATION or source.language is None:
            continue
        path = source.path
        parts = path.split("/")
        layer = next((name for name, spec in globs if spec.match_file(path)), None)
        if layer is not None:
            files[path] = layer
            locations[layer].add("/".join(parts[:-1]) or ".")
            continue
        lowest = max(
            (i + 1 for i in range(len(parts) - 1) if "/".join(parts[: i + 1]) in packages), default=0
        )
        for depth in range(len(parts) - 2, lowest - 1, -1):
            name = normalise_dir_name(parts[depth])
            match = next((spec.name for spec in config.layers if name in spec.directories), None)
            if match is not None:
                files[path] = match
                locations[match].add("/".join(parts[: depth + 1]))
                break
        else:
            if any(normalise_dir_name(d) in config.abstraction_dirs for d in parts[:-1]):
                continue
            by_suffix = _suffix_layer(parts[-1], config.layers)
            if by_suffix is not None:
                files[path] = by_suffix
                by_name[path] = by_suffix
                locations[by_suffix].add(path)
    return LayerAssignment(files, {k: sorted(v) for k, v in locations.items()}, by_name)


@cache
def framework_packages(family: str) -> tuple[tuple[str, str], ...]:
    """(package pattern, framework name) pairs for `python` or `node`, from rules/frameworks.toml."""
    data = load_rules(Frameworks).family(family)
    return tuple((pattern, name) for name, entry in data.items() for pattern in entry.packages)


@cache
def implied_frameworks() -> dict[str, set[str]]:
    """Framework → the frameworks built on it (`starlette` → {`fastapi`}), from rules/frameworks.toml."""
    data = load_rules(Frameworks)
    return {
        name: set(entry.implied_by) for family in (data.python, data.node) for name, entry in family.items()
    }


def framework_of(specifier: str, family: str) -> str | None:
    """The web framework an external import belongs to, if any."""
    for pattern, name in framework_packages(family):
        if family == "python":
            if specifier == pattern or specifier.startswith(pattern + "."):
                return name
        elif pattern.endswith("/*"):
            if specifier.startswith(pattern[:-1]):
                return name
        elif specifier == pattern or specifier.startswith(pattern + "/"):
            return name
    return None


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


def check_imports(
    graph: ImportGraph,
    assignment: LayerAssignment,
    config: Config,
    languages: Mapping[str, Language],
) -> list[Finding]:
    """ARCH001 upward imports, ARCH002 routes reaching repositories, ARCH003 frameworks in services."""
    order = config.layer_order
    bypass = set(config.bypass)
    findings: dict[tuple[str, str, int, int, str], Finding] = {}

    def add(finding: Finding) -> None:
        loc = finding.location
        findings.setdefault((finding.rule, loc.path, loc.line, loc.col, finding.evidence), finding)

    for source, from_layer in assignment.files.items():
        for edge in graph.imports_of(source):
            resolution = edge.resolution
            if resolution.kind is TargetKind.EXTERNAL and from_layer == "services":
                family = languages[source].family
                framework = framework_of(edge.fact.specifier, family)
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
            reached = (
                [(target, [])] if target in assignment.files else _barrel_targets(graph, target, assignment)
            )
            for layered, via in reached:
                to_layer = assignment.files[layered]
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
                    add(
                        _violation(
                            "bypass",
                            edge,
                            from_layer,
                            to_layer,
                            f"{from_layer} reach {to_layer} directly ({layered}), not through a service",
                            f"call a service that wraps {layered}; only services may use {to_layer}",
                            via,
                        )
                    )
    return list(findings.values())


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
