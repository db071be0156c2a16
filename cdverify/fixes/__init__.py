"""Mechanical fixes as unified diffs (`check --fix-diff`): each finding whose rule has a fixer
(`rules.FIXERS`) and whose code is as the fixer expects gets a `Fix`; the report gets every fix as one
patch, which `git apply` or `patch -p1` applies from the project's root.

The edits are text replacements on exact ranges of the files as they are (no re-formatting, no parser
round trip), so a fix changes only what it names.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from cdverify.fixes.edits import Edit, Files, overlaps, unified_diff
from cdverify.fixes.rules import FIXERS, Context, Planned
from cdverify.model import Finding, Fix

if TYPE_CHECKING:
    from cdverify.pipeline import Report

__all__ = ["FIXERS", "with_fixes", "with_patch"]


def with_fixes(report: Report) -> Report:
    """The report with a `fix` on each finding that has a mechanical one, and `fix_diff`: every fix in one
    patch (a fix whose edits overlap an earlier one's is left out of it, and stays on its finding)."""
    files = Files(report.root)
    context = Context(files, report.analysis)
    findings: list[Finding] = []
    combined: list[Edit] = []
    for finding in report.findings:
        planned = _plan(finding, context)
        if planned is None:
            findings.append(finding)
            continue
        fix = Fix(planned.description, unified_diff(files, planned.edits))
        findings.append(dataclasses.replace(finding, fix=fix))
        fresh = [edit for edit in planned.edits if edit not in combined]
        if not any(overlaps(edit, combined) for edit in fresh):
            combined.extend(fresh)
    return dataclasses.replace(report, findings=tuple(findings), fix_diff=unified_diff(files, combined))


def _plan(finding: Finding, context: Context) -> Planned | None:
    fixer = FIXERS.get(finding.rule)
    return fixer(finding, context) if fixer is not None else None


def with_patch(rendered: str, report: Report) -> str:
    """A text or concise report of `with_fixes`, then a line naming the fixes, then the patch: last, so that
    the whole output can go to `git apply` or `patch -p1`, which skip the text before a patch."""
    fixed = [(f.rule, f.fix) for f in report.findings if f.fix is not None]
    if not report.fix_diff:
        return f"{rendered}\nfix-diff: no mechanical fix for these findings"
    named = "; ".join(f"{rule} {fix.description}" for rule, fix in fixed)
    count = f"{len(fixed)} mechanical fix{'es' if len(fixed) != 1 else ''}"
    header = f"fix-diff: {count} ({named}); apply from the project root: git apply / patch -p1"
    return f"{rendered}\n{header}\n{report.fix_diff.rstrip(chr(10))}"
