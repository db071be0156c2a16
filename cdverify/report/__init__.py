"""Stage 6 — reporting: pure functions from a Report to text, JSON, concise agent feedback or what CI
systems read (SARIF, GitHub annotations, JUnit XML, GitLab Code Quality; docs/ci.md), and from the project
model to a graph drawing (`graph.py`).

`REPORTERS` is the registry the command line picks `--format` from: a format name → a function of the
`Report` and the `ReportOptions`, returning the whole output as one string. A new format is one module and
one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cdverify.model import Severity
from cdverify.report import concise, github, gitlab, json, junit, sarif, text

if TYPE_CHECKING:
    from cdverify.pipeline import Report


@dataclass(frozen=True)
class ReportOptions:
    """What a reporter may be asked besides the report itself."""

    min_severity: Severity = Severity.INFO  # findings below it are counted, not shown (text)
    show_detected: bool = False  # `inspect`: also what was detected (framework, database, layers)
    max_findings: int | None = None  # show at most this many findings, saying how many were left out
    color: bool = False  # text: severities and verdicts in colour (cdverify/terminal.py decides when)


Reporter = Callable[["Report", ReportOptions], str]

REPORTERS: Mapping[str, Reporter] = {
    "text": text.render,
    "json": json.render,
    "concise": concise.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "gitlab": gitlab.render,
}
