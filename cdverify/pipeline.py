"""The whole program in one place: discover → parse → resolve → verify → report.

`analyse` builds the project model; `inspect` reports what was detected whatever the constraints;
`verify` adds a verdict per requested constraint. Both return a `Report` with `to_json()`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from cdverify.config import Config, ConfigError, load_config
from cdverify.constraints import Constraints
from cdverify.discover import Project, discover
from cdverify.model import FileFacts, Finding, Language, Location, Scope, Severity, TargetKind, make_finding
from cdverify.parse import parse_file
from cdverify.resolve import ImportGraph, build_graph
from cdverify.verify import architecture
from cdverify.verify.architecture import LayerAssignment

SCHEMA_VERSION = "1.0"

# Scopes whose code is parsed: the application plus the code that later verifiers must tell apart
# from it (tests, migrations, scripts, tooling config). Front-end, vendored, generated and docs code
# is discovered (imports may land there) but never parsed.
_PARSED_SCOPES = frozenset({Scope.APPLICATION, Scope.TEST, Scope.MIGRATION, Scope.SCRIPT, Scope.CONFIG})


@dataclass(frozen=True)
class Analysis:
    """The project model every verifier reads."""

    project: Project
    facts: dict[str, FileFacts]
    graph: ImportGraph
    layers: LayerAssignment
    findings: tuple[Finding, ...]  # discovery, parsing and resolution problems


@dataclass(frozen=True)
class Verdict:
    constraint: str  # axis: "architecture", "framework", …
    required: str  # the value asked for: "clean_architecture", "flask", …
    status: str  # "pass" | "fail" | "not_applicable" | "not_checked"
    errors: int = 0
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "status": self.status,
            "errors": self.errors,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Report:
    """The result of `inspect` or `verify`."""

    analysis: Analysis
    config: Config
    findings: tuple[Finding, ...]  # sorted, suppressions removed
    suppressed: tuple[Finding, ...] = ()
    constraints: Constraints | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.analysis.project.root

    @property
    def passed(self) -> bool:
        return all(v.status != "fail" for v in self.verdicts.values())

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def to_json(self) -> dict[str, Any]:
        """The documented, versioned JSON object (see docs/json-output.md)."""
        from cdverify.report.json import report_to_json

        return report_to_json(self)


def parse_all(project: Project) -> tuple[dict[str, FileFacts], list[Finding]]:
    facts: dict[str, FileFacts] = {}
    findings: list[Finding] = []
    for source in project.sources:
        if source.scope not in _PARSED_SCOPES:
            continue
        file_facts, problems = parse_file(project.root, source)
        findings.extend(problems)
        if file_facts is not None:
            facts[source.path] = file_facts
    return facts, findings


def analyse(root: Path, config: Config) -> Analysis:
    if not root.exists():
        raise ConfigError([f"{root}: no such file or directory"])
    if not root.is_dir():
        raise ConfigError([f"{root}: not a directory (give the project's root folder)"])
    project = discover(root, config)
    facts, parse_findings = parse_all(project)
    graph, resolve_findings = build_graph(project, facts)
    layers = architecture.assign_layers(project.sources, config)
    findings = (*project.findings, *parse_findings, *resolve_findings)
    return Analysis(project, facts, graph, layers, findings)


def architecture_findings(analysis: Analysis, config: Config) -> list[Finding]:
    languages = {path: facts.language for path, facts in analysis.facts.items()}
    application = [f.path for f in analysis.project.sources if f.scope is Scope.APPLICATION]
    return [
        *architecture.check_imports(analysis.graph, analysis.layers, config, languages),
        *architecture.check_layout(analysis.layers, config),
        *architecture.check_cycles(analysis.graph, analysis.layers, config, application),
    ]


def apply_ignores(findings: list[Finding], config: Config) -> tuple[list[Finding], list[Finding]]:
    """Split findings into kept and suppressed; every ignore that matched nothing is itself reported."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    used = [False] * len(config.ignores)
    for finding in findings:
        hit = None
        for index, ignore in enumerate(config.ignores):
            if ignore.rule not in (finding.rule, finding.name):
                continue
            if not fnmatch(finding.location.path, ignore.path):
                continue
            if ignore.import_pattern and not fnmatch(
                str(finding.data.get("import", "")), ignore.import_pattern
            ):
                continue
            hit = index
            break
        if hit is None:
            kept.append(finding)
        else:
            used[hit] = True
            suppressed.append(finding)
    for ignore, was_used in zip(config.ignores, used, strict=True):
        if not was_used:
            kept.append(
                make_finding(
                    "CFG001",
                    Location(config.source or "."),
                    f"ignore for {ignore.rule} on {ignore.path!r} matches no finding",
                    evidence=f"{ignore.rule} {ignore.path} ({ignore.reason})",
                    hint="delete the stale ignore so that it cannot hide a new violation",
                )
            )
    return kept, suppressed


def _build_report(
    path: str | Path, config: Config | None, constraints: Constraints | None, **overrides: Any
) -> Report:
    root = Path(path)
    config = config or load_config(root, **overrides)
    analysis = analyse(root, config)
    raw = [*analysis.findings, *architecture_findings(analysis, config)]
    kept, suppressed = apply_ignores(raw, config)
    kept.sort(key=Finding.sort_key)
    verdicts = _verdicts(constraints, kept) if constraints is not None else {}
    return Report(analysis, config, tuple(kept), tuple(suppressed), constraints, verdicts)


def _verdicts(constraints: Constraints, findings: list[Finding]) -> dict[str, Verdict]:
    verdicts = {}
    for axis, required in constraints.active().items():
        if axis != "architecture":
            verdicts[axis] = Verdict(
                axis,
                required,
                "not_checked",
                reason=f"this version of cdverify has no {axis} verifier yet; the constraint was not checked",
            )
            continue
        errors = sum(1 for f in findings if f.constraint == axis and f.severity is Severity.ERROR)
        verdicts[axis] = Verdict(axis, required, "fail" if errors else "pass", errors)
    return verdicts


def inspect(path: str | Path, config: Config | None = None, **overrides: Any) -> Report:
    """What cdverify detects in the project at `path`, whatever the constraints."""
    return _build_report(path, config, None, **overrides)


def verify(
    path: str | Path, constraints: Constraints | str, config: Config | None = None, **overrides: Any
) -> Report:
    """Check `constraints` (a `Constraints` or a string such as `flask+clean_architecture`)."""
    from cdverify.constraints import parse_constraints

    if isinstance(constraints, str):
        constraints = parse_constraints(constraints)
    return _build_report(path, config, constraints, **overrides)


def detected_frameworks(analysis: Analysis) -> list[str]:
    """Web frameworks imported by application code (import evidence only)."""
    counts: Counter[str] = Counter()
    for edge in analysis.graph.edges:
        if edge.resolution.kind is not TargetKind.EXTERNAL:
            continue
        source = analysis.facts[edge.source]
        if _scope_of(analysis, edge.source) is not Scope.APPLICATION:
            continue
        family = "python" if source.language is Language.PYTHON else "node"
        name = architecture.framework_of(edge.fact.specifier, family)
        if name is not None:
            counts[name] += 1
    return sorted(counts, key=lambda n: (-counts[n], n))


def _scope_of(analysis: Analysis, path: str) -> Scope | None:
    return analysis.project.scope_of(path)
