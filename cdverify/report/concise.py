"""Feedback for a coding agent in few tokens (`--format concise`, issue 19): one line per finding,
`file:line RULE message → fix`, errors first, grouped by constraint, then one verdict line.

```
[architecture]
app/api/articles.py:3 ARCH002 routes reach repositories directly (…), not through a service → call …
FAIL architecture (1 error); pass framework
```

The evidence (the code as written) is left out: the agent has the file, and the line points into it. A
finding below the error severity says so after its rule (`ORM004 warning`). `ReportOptions.max_findings`
caps the finding lines, saying how many were left out; `min_severity` hides as in the text report.
`render` is the reporter of `check` and `inspect`; `render_task` renders `evaluate`'s task result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cdverify.model import Finding, Severity

if TYPE_CHECKING:
    from cdverify.evaluate import TaskResult
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions


def finding_line(finding: Finding) -> str:
    """`file:line RULE message → fix` (`file` alone for a whole file; `RULE warning` below errors)."""
    loc = finding.location
    where = f"{loc.path}:{loc.line}" if loc.line else loc.path
    rule = finding.rule if finding.severity is Severity.ERROR else f"{finding.rule} {finding.severity.value}"
    marker = " [type-only]" if finding.data.get("type_only") else ""
    fix = f" → {finding.hint}" if finding.hint else ""
    return f"{where} {rule} {finding.message}{marker}{fix}"


def ordered(report: Report, findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings by constraint: constraints with errors first (in the verdicts' order, then by name),
    and within one, errors before warnings before infos, each in file order."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.constraint, []).append(finding)
    axes = list(report.verdicts)

    def rank(name: str) -> tuple[int, int, str]:
        errors = any(f.severity is Severity.ERROR for f in groups[name])
        return (0 if errors else 1, axes.index(name) if name in axes else len(axes), name)

    return [
        (name, sorted(groups[name], key=lambda f: (f.severity.rank, f.sort_key())))
        for name in sorted(groups, key=rank)
    ]


def finding_lines(report: Report, options: ReportOptions) -> list[str]:
    """The grouped finding lines, capped at `options.max_findings` with a line saying what was left out."""
    shown = [f for f in report.findings if f.severity.rank <= options.min_severity.rank]
    cap = len(shown) if options.max_findings is None else options.max_findings
    lines: list[str] = []
    written: list[Finding] = []
    for constraint, group in ordered(report, shown):
        if len(written) >= cap:
            break
        lines.append(f"[{constraint}]")
        for finding in group[: cap - len(written)]:
            lines.append(finding_line(finding))
            written.append(finding)
    left = len(shown) - len(written)
    if left:
        errors = sum(1 for f in shown if f.severity is Severity.ERROR) - sum(
            1 for f in written if f.severity is Severity.ERROR
        )
        lines.append(
            f"… {_plural(left, 'more finding')} not shown ({_plural(errors, 'error')}; --max-findings {cap})"
        )
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def verdict_line(report: Report, options: ReportOptions) -> str:
    """`FAIL architecture (2 errors); pass framework, orm; 1 warning; 3 infos hidden`: the failing
    constraints, the passing ones, the findings shown below the error severity and those hidden (for
    `inspect`, which judges nothing, the errors are counted too)."""
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    shown = {s: n for s, n in counts.items() if n and s.rank <= options.min_severity.rank}
    hidden = sum(n for s, n in counts.items() if s.rank > options.min_severity.rank)
    failing = [
        f"FAIL {axis} ({_plural(verdict.errors, 'error')})"
        for axis, verdict in report.verdicts.items()
        if verdict.errors
    ]
    passing = [axis for axis, verdict in report.verdicts.items() if not verdict.errors]
    parts = [*failing, *([f"pass {', '.join(passing)}"] if passing else [])]
    parts += [_plural(n, s.value) for s, n in shown.items() if s is not Severity.ERROR or not report.verdicts]
    if hidden:
        below = [s for s in Severity if s.rank > options.min_severity.rank and counts[s]]
        parts.append(f"{_plural(hidden, below[0].value) if len(below) == 1 else f'{hidden} findings'} hidden")
    return "; ".join(parts) or "no findings"


def _detected(report: Report) -> str:
    analysis = report.analysis
    layers = " ".join(
        f"{name}={','.join(analysis.layers.locations.get(name, [])) or '-'}"
        for name in report.config.layer_order
    )
    framework = ",".join(analysis.frameworks.serving()) or "-"
    database = ",".join(analysis.database.runtime) or "-"
    orm = ",".join(analysis.orm.used()) or "-"
    return f"detected: framework {framework} · database {database} · orm {orm} · layers {layers}"


def render(report: Report, options: ReportOptions) -> str:
    """The concise report of `check` or `inspect`."""
    lines = finding_lines(report, options)
    if options.show_detected:
        lines.append(_detected(report))
    if report.baseline is not None:
        lines.append(report.baseline.summary())
    lines.append(verdict_line(report, options))
    return "\n".join(lines)


def render_task(result: TaskResult, options: ReportOptions) -> str:
    """`evaluate`'s task result: the static findings as above, the contract run, its failed assertions
    (one line each, capped by `--max-findings` like the findings) and the outcome."""
    from cdverify.contract.failures import render_failures

    lines = finding_lines(result.report, options)
    run = result.run
    healthy = "healthy" if result.server.get("healthy") else "NOT healthy"
    lines.append(
        f"contract {run.passed}/{run.total} assertions passed (A% {100 * result.score:.1f},"
        f" strict A% {100 * result.strict_score:.1f}); server {healthy}"
        + (f"; {run.script_errors} script errors" if run.script_errors else "")
        + (f"; interrupted by {result.interrupted}" if result.interrupted else "")
    )
    lines.extend(render_failures(result.failures, options.max_findings))
    lines.append(f"{'success' if result.success else 'no success'}: {verdict_line(result.report, options)}")
    return "\n".join(lines)
