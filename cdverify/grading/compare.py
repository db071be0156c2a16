"""cdverify's verdicts beside the paper's (`--compare paper`): a confusion table per axis (cdverify
pass/fail by the paper's pass/fail) and, run by run, where they disagree with what explains it on each side.

Only the paper's success-rule axes (architecture, database, ORM) are compared, and only where both sides
judged the run (pass or fail): a run that could not be graded, or an axis the task does not constrain,
is left out of the counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdverify.grading.paper import PAPER_VERIFIED_AXES, Evidence, evidence_json
from cdverify.grading.records import Axis, Verdict

if TYPE_CHECKING:
    from cdverify.grading.grader import RunGrade  # the grader imports this module (--compare)


@dataclass(frozen=True)
class Confusion:
    """cdverify pass/fail by the paper's pass/fail, over the runs both judged on one axis."""

    both_pass: int = 0
    both_fail: int = 0
    cdverify_only_fail: int = 0
    paper_only_fail: int = 0

    @property
    def runs(self) -> int:
        return self.both_pass + self.both_fail + self.cdverify_only_fail + self.paper_only_fail

    @property
    def agreement(self) -> float:
        """The share of runs on which both agree; 1.0 when none was judged by both."""
        return (self.both_pass + self.both_fail) / self.runs if self.runs else 1.0


@dataclass(frozen=True)
class CdverifyFinding:
    """cdverify's first error finding on the axis: what made its verdict fail."""

    rule: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.file}:{self.line} {self.message}"


@dataclass(frozen=True)
class Disagreement:
    run_id: str
    origin: str
    agent: str
    model: str
    task: str
    trial: int
    axis: Axis
    cdverify: Verdict
    paper: Verdict
    finding: CdverifyFinding | None  # None when cdverify passes (or failed without a finding)
    paper_reason: str
    paper_evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Comparison:
    axes: Mapping[Axis, Confusion]
    disagreements: tuple[Disagreement, ...]


_JUDGED = (Verdict.PASS, Verdict.FAIL)


def first_finding(findings: Iterable[Mapping[str, Any]], axis: Axis) -> CdverifyFinding | None:
    for item in findings:
        if item.get("constraint") == axis.value:
            return CdverifyFinding(
                str(item.get("rule", "")),
                str(item.get("file", "")),
                int(item.get("line") or 0),
                str(item.get("message", "")),
            )
    return None


def compare_runs(runs: Sequence[RunGrade]) -> Comparison:
    """Count and list the disagreements of the runs graded with `compare="paper"`."""
    counts = {
        axis: {"both_pass": 0, "both_fail": 0, "cdverify_only_fail": 0, "paper_only_fail": 0}
        for axis in PAPER_VERIFIED_AXES
    }
    disagreements = []
    for item in runs:
        if item.paper is None or item.run.error is not None:
            continue
        for axis in PAPER_VERIFIED_AXES:
            ours, theirs = item.run.verdicts[axis], item.paper.of(axis)
            if ours not in _JUDGED or theirs.verdict not in _JUDGED:
                continue
            if ours is theirs.verdict:
                counts[axis]["both_pass" if ours is Verdict.PASS else "both_fail"] += 1
                continue
            counts[axis]["cdverify_only_fail" if ours is Verdict.FAIL else "paper_only_fail"] += 1
            run = item.run
            disagreements.append(
                Disagreement(
                    item.run_id,
                    item.origin,
                    run.agent,
                    run.model,
                    run.task,
                    run.trial,
                    axis,
                    ours,
                    theirs.verdict,
                    first_finding(item.findings, axis) if ours is Verdict.FAIL else None,
                    theirs.reason,
                    theirs.evidence,
                )
            )
    return Comparison({axis: Confusion(**counts[axis]) for axis in PAPER_VERIFIED_AXES}, tuple(disagreements))


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "axes": {
            axis.value: {
                "both_pass": c.both_pass,
                "both_fail": c.both_fail,
                "cdverify_only_fail": c.cdverify_only_fail,
                "paper_only_fail": c.paper_only_fail,
            }
            for axis, c in comparison.axes.items()
        },
        "disagreements": [
            {
                "run": d.run_id,
                "origin": d.origin,
                "agent": d.agent,
                "model": d.model,
                "task": d.task,
                "trial": d.trial,
                "axis": d.axis.value,
                "cdverify": d.cdverify.value,
                "paper": d.paper.value,
                "cdverify_finding": None
                if d.finding is None
                else {
                    "rule": d.finding.rule,
                    "file": d.finding.file,
                    "line": d.finding.line,
                    "message": d.finding.message,
                },
                "paper_reason": d.paper_reason,
                "paper_evidence": [evidence_json(e) for e in d.paper_evidence],
            }
            for d in comparison.disagreements
        ],
    }


def comparison_lines(comparison: Comparison, most: int = 20) -> list[str]:
    """The confusion tables and the first `most` disagreements, for the terminal summary."""
    lines = ["cdverify against the paper's verifiers (runs both judged, per axis)"]
    header = ("axis", "both pass", "both fail", "cdverify only fails", "paper only fails", "agreement")
    rows = [
        (
            axis.value,
            str(c.both_pass),
            str(c.both_fail),
            str(c.cdverify_only_fail),
            str(c.paper_only_fail),
            f"{100 * c.agreement:.1f}%",
        )
        for axis, c in comparison.axes.items()
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if not comparison.disagreements:
        return lines
    lines += ["", f"Disagreements ({len(comparison.disagreements)})"]
    for d in comparison.disagreements[:most]:
        lines.append(f"  {d.run_id} [{d.axis.value}] cdverify {d.cdverify.value}, paper {d.paper.value}")
        if d.finding is not None:
            lines.append(f"    cdverify: {d.finding}")
        lines.append(f"    paper: {d.paper_reason}")
        lines += [f"      {e}" for e in d.paper_evidence[:3]]
    if len(comparison.disagreements) > most:
        lines.append(f"  … and {len(comparison.disagreements) - most} more (see --format json)")
    return lines
