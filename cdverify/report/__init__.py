"""Stage 6 — reporting: pure functions from a Report to text, JSON, concise agent feedback or what CI
systems read (SARIF, GitHub annotations, JUnit XML, GitLab Code Quality; docs/ci.md), and from the project
model to a graph drawing (`graph.py`).

`REPORTERS` is the registry the command line picks `--format` from: a format name → a function of the
`Report` and the `ReportOptions`, returning the whole output as one string. A new format is one module and
one entry here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from cdverify.model import Severity

if TYPE_CHECKING:
    from cdverify.pipeline import Report


class ReportOptions(msgspec.Struct, frozen=True):
    """What a reporter may be asked besides the report itself."""

    min_severity: Severity = Severity.INFO  # findings below it are counted, not shown (text)
    show_detected: bool = False  # `inspect`: also what was detected (framework, database, layers)
    max_findings: int | None = None  # show at most this many findings, saying how many were left out
    color: bool = False  # text: severities and verdicts in colour (cdverify/terminal.py decides when)
    # sarif, github, junit, gitlab: the project's folder relative to the working directory (`services/api`),
    # written before each file path, since CI reads paths from the repository's root (`ci_path`)
    path_prefix: str = ""

    def ci_path(self, path: str) -> str:
        """A finding's file as the CI formats write it: below `path_prefix`, else project-relative."""
        return f"{self.path_prefix}/{path}" if self.path_prefix else path


def path_prefix(root: Path, cwd: Path) -> str:
    """The project's root relative to the working directory (`services/api`), "" when it is the working
    directory or outside it (then the paths stay relative to the project)."""
    try:
        relative = root.resolve().relative_to(cwd.resolve())
    except ValueError:
        return ""
    return "" if relative == Path() else relative.as_posix()


Reporter = Callable[["Report", ReportOptions], str]

# format name → the module of cdverify/report/ whose `render` writes it
_FORMATS = ("text", "json", "concise", "sarif", "github", "junit", "gitlab")


class _Reporters(Mapping[str, Reporter]):
    """The registry, each reporter's module imported when its format is asked for: a run renders one
    format, and a result-cache hit none."""

    def __getitem__(self, name: str) -> Reporter:
        if name not in _FORMATS:
            raise KeyError(name)
        render: Reporter = importlib.import_module(f"cdverify.report.{name}").render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATS)

    def __len__(self) -> int:
        return len(_FORMATS)


REPORTERS: Mapping[str, Reporter] = _Reporters()
