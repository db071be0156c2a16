"""Human-readable output: one line per finding (`file:line:col: RULE severity message`), like ruff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdverify.model import Finding, Severity
from cdverify.terminal import LOCATION_STYLE, SEVERITY_STYLES, STATUS_STYLES, paint

if TYPE_CHECKING:
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions


def format_finding(finding: Finding, show_hint: bool = True, color: bool = False) -> str:
    """The finding on one line (its evidence and fix under it); its severity coloured when `color`."""
    marker = " [type-only]" if finding.data.get("type_only") else ""
    severity = paint(finding.severity.value, SEVERITY_STYLES.get(finding.severity.value), color)
    head = f"{paint(str(finding.location), LOCATION_STYLE, color)}: {finding.rule} {severity} {finding.name}"
    lines = [f"{head}: {finding.message}{marker}"]
    if finding.evidence and finding.evidence != finding.location.path:
        lines.append(f"    | {finding.evidence}")
    if show_hint and finding.hint:
        lines.append(f"    = fix: {finding.hint}")
    return "\n".join(lines)


def render(report: Report, options: ReportOptions) -> str:
    """The findings, one per line, then (for `inspect`) what was detected, a summary and the verdicts."""
    shown = [f for f in report.findings if f.severity.rank <= options.min_severity.rank]
    color = options.color
    out = [format_finding(f, color=color) for f in shown[: options.max_findings]]
    if options.max_findings is not None and len(shown) > options.max_findings:
        left = len(shown) - options.max_findings
        out.append(f"… {left} more finding{'s' if left != 1 else ''} not shown (--max-findings)")
    if options.show_detected:
        analysis = report.analysis
        out.append("")
        serving = analysis.frameworks.serving()
        others = [f for f in analysis.frameworks.detected() if f not in serving]
        out.append(
            "Framework:  "
            + (", ".join(serving) or "(none serving)")
            + (f"; also imported: {', '.join(others)}" if others else "")
        )
        uses = analysis.database.uses
        runtime = analysis.database.runtime
        rest = [f"{engine} ({use.status})" for engine, use in sorted(uses.items()) if engine not in runtime]
        out.append(
            "Database:   "
            + (", ".join(runtime) or "(no run-time engine found)")
            + (f"; also {', '.join(rest)}" if rest else "")
        )
        out.append("Layers:")
        for name in report.config.layer_order:
            places = analysis.layers.locations.get(name, [])
            out.append(f"  {name:<13} {', '.join(places) if places else '(none)'}")
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    hidden = len(report.findings) - len(shown)
    summary = ", ".join(f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items())
    out.append("")
    out.append(
        f"{report.root}: {summary}" + (f" ({hidden} below --min-severity not shown)" if hidden else "")
    )
    if report.suppressed:
        out.append(f"{len(report.suppressed)} finding(s) suppressed by configured ignores")
    if report.baseline is not None:
        out.append(report.baseline.summary())
    for axis, verdict in report.verdicts.items():
        status = paint(verdict.status.upper().replace("_", " "), STATUS_STYLES.get(verdict.status), color)
        detail = f" ({verdict.errors} error{'s' if verdict.errors != 1 else ''})" if verdict.errors else ""
        reason = f" - {verdict.reason}" if verdict.reason else ""
        out.append(f"{axis} [{verdict.required}]: {status}{detail}{reason}")
    return "\n".join(out).lstrip("\n")
