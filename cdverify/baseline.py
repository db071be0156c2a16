"""Only what is new: a baseline of findings, and a report that leaves out what the baseline holds.

`cdverify baseline PATH … -o FILE` writes `Baseline.to_json()` (the format is in docs/agent-loop.md);
`check --baseline FILE` reads it back with `read_baseline`, and `check --since REF` builds one from the
findings of a git revision (cdverify/revision.py). `against` turns a report into the report of the findings
the baseline lacks: verdicts judged on those alone, and a `Delta` saying how many were known and which
baselined findings are gone (fixed). Findings are matched by fingerprint (cdverify/fingerprint.py), so
moving code keeps a finding known and changing the violating code makes it new.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdverify import __version__
from cdverify.config import ConfigError
from cdverify.model import Finding, Severity

if TYPE_CHECKING:
    from cdverify.pipeline import Report

BASELINE_VERSION = 1  # the `version` of the file; a reader refuses any other
_ENTRY_KEYS = ("fingerprint", "rule", "constraint", "severity", "file", "line", "message")


@dataclass(frozen=True)
class BaselineEntry:
    """One recorded finding: its fingerprint, and what a person reading the file needs to recognise it."""

    fingerprint: str
    rule: str
    constraint: str
    severity: str
    file: str
    line: int
    message: str

    @classmethod
    def of(cls, finding: Finding) -> BaselineEntry:
        loc = finding.location
        return cls(
            finding.fingerprint,
            finding.rule,
            finding.constraint,
            finding.severity.value,
            loc.path,
            loc.line,
            finding.message,
        )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Baseline:
    """The findings of a project at one moment (a file written by `cdverify baseline`, or a revision)."""

    entries: tuple[BaselineEntry, ...]
    constraints: str | None = None  # the constraints they were found under (`flask+clean_architecture`)
    tool_version: str = __version__
    source: str = ""  # where it came from: the file, or `git REF`

    @classmethod
    def of(cls, report: Report, source: str = "") -> Baseline:
        """Every finding of the report (all severities; suppressed ones are not findings)."""
        spec = str(report.constraints) if report.constraints is not None else None
        return cls(tuple(BaselineEntry.of(f) for f in report.findings), spec, __version__, source)

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(entry.fingerprint for entry in self.entries)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": BASELINE_VERSION,
            "tool": {"name": "cdverify", "version": self.tool_version},
            "constraints": self.constraints,
            "findings": [entry.to_json() for entry in self.entries],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


def read_baseline(path: Path) -> Baseline:
    """The baseline written to `path`; a `ConfigError` (exit 2) naming the problem when it is not one."""
    where = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{where}: no such baseline file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{where}: cannot read the baseline: {error}"]) from None
    except json.JSONDecodeError as error:
        raise ConfigError([f"{where}: not a baseline (invalid JSON: {error})"]) from None
    if not isinstance(document, dict) or "version" not in document or "findings" not in document:
        raise ConfigError([f"{where}: not a baseline (written by `cdverify baseline PATH … -o FILE`)"])
    if document["version"] != BASELINE_VERSION:
        raise ConfigError(
            [f"{where}: baseline version {document['version']!r} is not supported (this cdverify reads 1)"]
        )
    constraints = document.get("constraints")
    tool = document.get("tool")
    findings = document["findings"]
    if not isinstance(findings, list) or not (constraints is None or isinstance(constraints, str)):
        raise ConfigError([f"{where}: `findings` must be a list and `constraints` a string or null"])
    entries = [_entry(item, where, number) for number, item in enumerate(findings, 1)]
    version = tool.get("version", "") if isinstance(tool, dict) else ""
    return Baseline(tuple(entries), constraints, str(version), where)


def _entry(item: object, where: str, number: int) -> BaselineEntry:
    problem = f"{where}: finding {number} must be an object with {', '.join(_ENTRY_KEYS)}"
    if not isinstance(item, dict) or not all(key in item for key in _ENTRY_KEYS):
        raise ConfigError([problem])
    if not isinstance(item["line"], int) or not all(
        isinstance(item[key], str) for key in _ENTRY_KEYS if key != "line"
    ):
        raise ConfigError([f"{problem} (`line` an integer, the others strings)"])
    if item["severity"] not in {s.value for s in Severity} or not item["fingerprint"]:
        raise ConfigError([f"{where}: finding {number}: unknown severity or empty fingerprint"])
    return BaselineEntry(**{key: item[key] for key in _ENTRY_KEYS})


@dataclass(frozen=True)
class Delta:
    """What a report is against a baseline: the findings it shows are the new ones."""

    source: str  # the baseline file, or `git REF`
    known: tuple[Finding, ...]  # findings the baseline holds: left out of the report
    fixed: tuple[BaselineEntry, ...]  # baselined findings of the checked constraints no longer found

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "known": len(self.known),
            "known_errors": sum(1 for f in self.known if f.severity is Severity.ERROR),
            "fixed": len(self.fixed),
            "fixed_findings": [entry.to_json() for entry in self.fixed],
        }

    def summary(self) -> str:
        """One line: `baseline FILE: 12 known findings not shown, 3 fixed`."""
        known = len(self.known)
        return (
            f"baseline {self.source}: {known} known finding{'s' if known != 1 else ''} not shown,"
            f" {len(self.fixed)} fixed"
        )


def against(report: Report, baseline: Baseline) -> Report:
    """The report of the findings `baseline` lacks: verdicts judged on them alone (exit 1 only on a new
    error), and `Report.baseline` saying what was known and what was fixed."""
    from cdverify.pipeline import judge

    recorded = baseline.fingerprints
    new = tuple(f for f in report.findings if f.fingerprint not in recorded)
    known = tuple(f for f in report.findings if f.fingerprint in recorded)
    present = {f.fingerprint for f in (*report.findings, *report.suppressed)}
    checked = _checked_constraints(report)
    fixed = tuple(
        entry
        for entry in baseline.entries
        if entry.fingerprint not in present and (checked is None or entry.constraint in checked)
    )
    verdicts = report.verdicts
    if report.constraints is not None:
        verdicts = judge(report.constraints, new, _reasons(known))
    delta = Delta(baseline.source, known, fixed)
    return dataclasses.replace(report, findings=new, verdicts=verdicts, baseline=delta)


def _checked_constraints(report: Report) -> set[str] | None:
    if report.constraints is None:
        return None  # `inspect`: every axis
    return {"project", *report.constraints.active()}


def _reasons(known: Iterable[Finding]) -> dict[str, str]:
    errors: dict[str, int] = {}
    for finding in known:
        if finding.severity is Severity.ERROR:
            errors[finding.constraint] = errors.get(finding.constraint, 0) + 1
    return {
        axis: f"{count} baselined error{'s' if count != 1 else ''} not counted"
        for axis, count in errors.items()
    }
