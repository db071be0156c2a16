"""GitHub Actions annotations (`--format github`): one workflow command per finding, which GitHub shows on
the file and line of a pull request's diff and in the run's summary, without code scanning (docs/ci.md).

    ::error file=app/api/articles.py,line=3,col=1,title=ARCH002::routes reach repositories directly …

Errors are `error` annotations, warnings `warning`, infos `notice`; `--min-severity` and `--max-findings`
choose which are written, as in the text report. A whole-file finding (line 0) has no line. Files are
relative to the working directory when the project is below it (`ReportOptions.path_prefix`), as GitHub
reads them from the repository's root. The last line,
the verdicts, is plain log text. Values are escaped as the runner reads them back: `%`, CR and LF in the
message, and also `:` and `,` in the properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdverify.model import Finding, Severity
from cdverify.report.concise import verdict_line

if TYPE_CHECKING:
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message as the runner expects it (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property's value (`file=`, `title=`): the message's escapes and `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, path: str | None = None) -> str:
    """The workflow command of one finding: its file and position, its rule as the title, its message and
    fix as the text; `path` replaces the finding's file (`ReportOptions.ci_path`)."""
    loc = finding.location
    properties = [("file", loc.path if path is None else path)]
    if loc.line > 0:
        properties.append(("line", str(loc.line)))
        if loc.col > 0:
            properties.append(("col", str(loc.col)))
    properties.append(("title", finding.rule))
    message = finding.message + (f"\nfix: {finding.hint}" if finding.hint else "")
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity]} {listed}::{escape_data(message)}"


def render(report: Report, options: ReportOptions) -> str:
    """One annotation per finding shown, then the verdict line."""
    shown = [f for f in report.findings if f.severity.rank <= options.min_severity.rank]
    shown.sort(key=lambda f: (f.severity.rank, f.sort_key()))  # errors first: GitHub caps each kind per step
    lines = [annotation(f, options.ci_path(f.location.path)) for f in shown[: options.max_findings]]
    return "\n".join([*lines, verdict_line(report, options)])
