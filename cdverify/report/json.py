"""The JSON report (schema documented in docs/json-output.md; bump SCHEMA_VERSION on any breaking change)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from cdverify import __version__
from cdverify.model import Scope, TargetKind
from cdverify.verifiers.architecture import violations

if TYPE_CHECKING:
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions

# 1.6: `project.build_output` (what the build configuration writes), `project.stray` and the `stray`
# scope; 1.5: `fix` on findings and `fix_diff` (`check --fix-diff`); 1.4: `fingerprint`, `doc_url`, `baseline`
SCHEMA_VERSION = "1.6"


def render(report: Report, options: ReportOptions) -> str:
    """The JSON object below, indented; the options are for text (JSON always carries every finding)."""
    return json.dumps(report_to_json(report), indent=2)


def report_to_json(report: Report) -> dict[str, Any]:
    """The documented, versioned JSON object (docs/json-output.md)."""
    analysis = report.analysis
    project = analysis.project
    scopes = Counter(f.scope.value for f in project.sources)
    languages = Counter(f.language.value for f in project.sources if f.language is not None)
    application = {f.path for f in project.sources if f.scope is Scope.APPLICATION}
    external: Counter[str] = Counter()
    unresolved = 0
    internal = 0
    for edge in analysis.graph.edges:
        if edge.source not in application:
            continue
        kind = edge.resolution.kind
        if kind is TargetKind.EXTERNAL and edge.resolution.package:
            external[edge.resolution.package] += 1
        elif kind is TargetKind.INTERNAL:
            internal += 1
        elif kind is TargetKind.UNRESOLVED:
            unresolved += 1
    stray = [
        {"file": module.path, "packages": list(module.packages), "reason": module.reason}
        for module in project.stray
    ]
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cdverify", "version": __version__},
        "root": str(report.root),
        "config": report.config.source,
        "project": {
            "source_files": len(project.sources),
            "by_scope": dict(sorted(scopes.items())),
            "by_language": dict(sorted(languages.items())),
            "parsed_files": len(analysis.facts),
            **({"stray": stray} if stray else {}),
        },
        "framework": {
            "detected": analysis.frameworks.detected(),
            "serving": analysis.frameworks.serving(),
            "evidence": [item.to_dict() for item in analysis.frameworks.evidence],
            "routes": [
                {
                    "method": r.method,
                    "path": r.path,
                    "framework": r.framework,
                    "file": r.file,
                    "line": r.line,
                    "col": r.col,
                }
                for r in analysis.frameworks.routes
            ],
            "prefixes": sorted({*analysis.frameworks.prefixes, *analysis.frameworks.app_prefixes}),
            "values": [value.to_dict() for value in analysis.frameworks.values],
        },
        "orm": {
            "libraries": analysis.orm.used(),
            "kinds": {name: use.kind for name, use in sorted(analysis.orm.libraries.items())},
            "models": {
                name: [{"file": f, "line": line, "model": m} for f, line, m in use.models]
                for name, use in sorted(analysis.orm.libraries.items())
                if use.models
            },
            "raw_sql": [item.to_dict() for item in analysis.orm.raw_sql],
            "fragments": [item.to_dict() for item in analysis.orm.fragments],
        },
        "database": {
            "engines": analysis.database.runtime,
            "usage": {engine: use.status for engine, use in sorted(analysis.database.uses.items())},
            "evidence": [item.to_dict() for item in analysis.database.evidence],
        },
        "architecture": {
            "preset": report.config.preset,
            "layers": {name: analysis.layers.locations.get(name, []) for name in report.config.layer_order},
            "files": dict(sorted(analysis.layers.files.items())),
            "evidence": {path: str(kind) for path, kind in sorted(analysis.layers.evidence.items())},
            "composition_roots": list(analysis.layers.composition_roots),
            "violations": violations(report.findings),
        },
        "imports": {
            "internal": internal,
            "unresolved": unresolved,
            "external": dict(sorted(external.items())),
        },
        "findings": [f.to_dict() for f in report.findings],
        "suppressed": [f.to_dict() for f in report.suppressed],
        "summary": {
            severity: sum(1 for f in report.findings if f.severity.value == severity)
            for severity in ("error", "warning", "info")
        },
    }
    if project.built:  # the folders the project's build configuration writes, left out as generated
        out["project"]["build_output"] = [output._asdict() for output in project.built]
    if report.constraints is not None:
        out["constraints"] = {
            "spec": str(report.constraints),
            "level": report.constraints.level,
            **report.constraints.active(),
        }
        out["verdicts"] = {axis: verdict.to_json() for axis, verdict in report.verdicts.items()}
        out["passed"] = report.passed
    if report.baseline is not None:
        out["baseline"] = report.baseline.to_json()
    if report.fix_diff is not None:
        out["fix_diff"] = report.fix_diff
    return out
