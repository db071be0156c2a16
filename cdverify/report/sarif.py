"""SARIF 2.1.0 (`--format sarif`): the report as a static-analysis log that GitHub code scanning, the VS Code
SARIF viewer and other SARIF readers take (docs/ci.md).

One run. `tool.driver.rules` lists every catalogued rule (rules/findings.toml), with its summary, the "What
it checks" section of its page as the full description, its page as `helpUri` and its default severity;
each finding is a result pointing at its rule by id and index. A result's location is the file relative to
the project (`uriBaseId` `%SRCROOT%`, the project's root in `originalUriBaseIds`), or to the working
directory when the project is below it (`ReportOptions.path_prefix`: GitHub reads paths from the
repository's root), with the line and column when the finding has them (line 0 is a whole-file finding:
no region). The finding's stable fingerprint
(cdverify/fingerprint.py) is its partial fingerprint, so code scanning follows an alert across commits that
move it; `properties` carry the constraint and the rule's data fields, as the JSON output has them.
Findings hidden by an `[[ignore]]` are results too, with an external suppression giving the ignore's reason.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cdverify import __version__
from cdverify.fingerprint import FINGERPRINT_VERSION
from cdverify.locations import doc_url, docs_base_url
from cdverify.model import Finding, Severity

if TYPE_CHECKING:
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"  # the URI GitHub's documentation gives
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = f"cdverify/v{FINGERPRINT_VERSION}"  # a new fingerprint recipe is a new key
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFORMATION_URI = "https://cdverify.dev/"


def render(report: Report, options: ReportOptions) -> str:
    """The SARIF log, indented; like JSON it carries every finding (the options are for text)."""
    return json.dumps(sarif_log(report, options), indent=2, ensure_ascii=False, default=str)


def sarif_log(report: Report, options: ReportOptions) -> dict[str, Any]:
    rules = list(rule_descriptors(docs_base_url()))
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    for finding in (*report.findings, *report.suppressed):
        if finding.rule not in index:  # not catalogued (none today): described by the finding itself
            index[finding.rule] = len(rules)
            rules.append(_uncatalogued(finding))
    results = [_result(finding, index[finding.rule], options) for finding in report.findings]
    for finding in report.suppressed:
        reason = report.config.suppression_reason(finding)
        results.append(
            {**_result(finding, index[finding.rule], options), "suppressions": [_suppression(reason, report)]}
        )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cdverify",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            SOURCE_ROOT: {
                "uri": _source_root(report, options).as_uri().rstrip("/") + "/",
                "description": {"text": "The folder the results' files are relative to."},
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,  # findings are results; a failed run writes no report
                "exitCode": report.exit_code,
            }
        ],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if report.constraints is not None:
        run["properties"] = {
            "constraints": str(report.constraints),
            "passed": report.passed,
            "verdicts": {axis: verdict.to_json() for axis, verdict in report.verdicts.items()},
        }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _result(finding: Finding, rule_index: int, options: ReportOptions) -> dict[str, Any]:
    loc = finding.location
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": quote(options.ci_path(loc.path)), "uriBaseId": SOURCE_ROOT}
    }
    if loc.line > 0:
        physical["region"] = {"startLine": loc.line, **({"startColumn": loc.col} if loc.col > 0 else {})}
    text = finding.message + (f"\nFix: {finding.hint}" if finding.hint else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "properties": {
            "constraint": finding.constraint,
            "name": finding.name,
            "severity": finding.severity.value,
            "evidence": finding.evidence,
            "hint": finding.hint,
            "data": finding.data,
        },
    }
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    return result


def _source_root(report: Report, options: ReportOptions) -> Path:
    """The project's root, or the folder `options.path_prefix` is relative to (the working directory)."""
    root = report.root.resolve()
    for _ in PurePosixPath(options.path_prefix).parts if options.path_prefix else ():
        root = root.parent
    return root


def _suppression(reason: str, report: Report) -> dict[str, Any]:
    """An `[[ignore]]` of the configuration file: an external suppression, accepted, with its reason."""
    out: dict[str, Any] = {"kind": "external", "status": "accepted", "justification": reason}
    if report.config.source:
        out["properties"] = {"configuration": report.config.source}
    return out


@cache
def rule_descriptors(base_url: str) -> tuple[dict[str, Any], ...]:
    """A SARIF `reportingDescriptor` per catalogued rule, in the catalogue's order (cached per docs base:
    the pages are read once)."""
    from cdverify.rule_docs import all_rules

    out = []
    for doc in all_rules():
        entry = doc.entry
        checks = doc.section("What it checks") or entry.summary
        out.append(
            {
                "id": doc.rule,
                "name": entry.name,
                "shortDescription": {"text": entry.summary},
                "fullDescription": {"text": _plain(checks)},
                "help": {
                    "text": f"{entry.summary} See {doc.url}",
                    "markdown": f"{checks}\n\n[{doc.rule}: why, an example and the fix]({doc.url})",
                },
                "helpUri": doc.url,
                "defaultConfiguration": {"level": LEVELS[entry.severity]},
                "properties": {"tags": [entry.constraint], "constraint": entry.constraint},
            }
        )
    return tuple(out)


def _uncatalogued(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.message},
        "helpUri": doc_url(finding.rule),
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
    }


def _plain(markdown: str) -> str:
    """Markdown paragraphs as plain text: one line each, code marks and emphasis dropped."""
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", markdown)]
    return "\n\n".join(re.sub(r"\*\*|`", "", p) for p in paragraphs if p)
