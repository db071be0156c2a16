"""GitLab Code Quality (`--format gitlab`): the report as the JSON array GitLab reads from a job's
`artifacts:reports:codequality` file and shows in the merge request's widget and diff (docs/ci.md).

One issue per finding, with the keys GitLab requires: `description` (the message, and the fix), `check_name`
(the rule id), `fingerprint` (the finding's stable fingerprint, cdverify/fingerprint.py: unique in a
report, and the same across commits that only move the code), `severity` and `location.path` with
`location.lines.begin`. A whole-file finding (line 0) begins at line 1, since GitLab needs a line. Errors
are `major`, warnings `minor`, infos `info`; GitLab's `blocker` and `critical` are left for what breaks a
build or a security hole. Paths are below `ReportOptions.path_prefix`, as with GitHub. Findings hidden by
an `[[ignore]]` are left out, as GitLab has no suppression.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cdverify.locations import doc_url
from cdverify.model import Finding, Severity

if TYPE_CHECKING:
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report, options: ReportOptions) -> str:
    """The Code Quality array, indented; every finding (a report artifact is complete)."""
    issues = [issue(finding, options.ci_path(finding.location.path)) for finding in report.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False)


def issue(finding: Finding, path: str) -> dict[str, Any]:
    """The Code Quality issue of one finding, in file `path` (relative to the repository's root)."""
    loc = finding.location
    description = finding.message + (f" (fix: {finding.hint})" if finding.hint else "")
    page = f"[{finding.rule} {finding.name}]({doc_url(finding.rule)})"
    return {
        "type": "issue",
        "check_name": finding.rule,
        "description": description,
        "content": {"body": f"{finding.evidence}\n\n{page}" if finding.evidence else page},
        "fingerprint": finding.fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": max(loc.line, 1)}},
        "engine_name": "cdverify",
    }
