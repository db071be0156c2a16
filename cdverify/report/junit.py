"""JUnit XML (`--format junit`): the report as test results, which GitLab's merge-request test report,
Jenkins, Azure Pipelines and CircleCI show without a plugin (docs/ci.md).

One `<testsuite>` per constraint (for `check`, the constraints checked and `project`; for `inspect`, every
constraint of the catalogue). In it, each catalogued rule of that constraint is one passing test case when
it found nothing, and one test case per finding otherwise: an error finding fails (`<failure>`, typed with
its rule, its text the evidence, the fix and the rule's page), a warning or an info passes and says so in
`<system-out>`, a finding an `[[ignore]]` hides is skipped with the ignore's reason. Test cases are named
`RULE file:line` so that a CI page lists violations the way the text report does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cdverify.locations import doc_url
from cdverify.model import Finding, Severity

if TYPE_CHECKING:
    from cdverify.pipeline import Report
    from cdverify.report import ReportOptions


def render(report: Report, options: ReportOptions) -> str:
    """The `<testsuites>` document (every finding, whatever `--min-severity`: a test report is complete)."""
    from cdverify.catalog import finding_rules

    rules = finding_rules()
    constraints = list(dict.fromkeys(entry.constraint for entry in rules.values()))
    if report.constraints is not None:
        constraints = [*report.verdicts, "project"]
    root = ET.Element("testsuites", name="cdverify")
    for constraint in constraints:
        ids = [rule for rule, entry in rules.items() if entry.constraint == constraint]
        ids += sorted({f.rule for f in report.findings if f.constraint == constraint} - set(ids))
        suite = ET.SubElement(root, "testsuite", name=constraint)
        for rule in ids:
            found = [f for f in report.findings if f.rule == rule]
            hidden = [f for f in report.suppressed if f.rule == rule]
            if not found and not hidden:
                name = rules[rule].name if rule in rules else rule
                ET.SubElement(suite, "testcase", name=f"{rule} {name}", classname=f"cdverify.{constraint}")
            for finding in found:
                _finding_case(suite, finding, options)
            for finding in hidden:
                case = _finding_case(suite, finding, options, failing=False)
                reason = report.config.suppression_reason(finding)
                ET.SubElement(case, "skipped", message=f"ignored: {reason}")
        _count(suite)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _finding_case(
    suite: ET.Element, finding: Finding, options: ReportOptions, failing: bool = True
) -> ET.Element:
    loc = finding.location
    attributes = {
        "name": f"{finding.rule} {options.ci_path(str(loc))}",
        "classname": f"cdverify.{finding.constraint}",
        "file": options.ci_path(loc.path),
    }
    if loc.line > 0:
        attributes["line"] = str(loc.line)
    case = ET.SubElement(suite, "testcase", attributes)
    details = _details(finding)
    if not failing:
        return case
    if finding.severity is Severity.ERROR:
        failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule)
        failure.text = details
    else:
        out = ET.SubElement(case, "system-out")
        out.text = f"{finding.severity.value}: {finding.message}\n{details}"
    return case


def _details(finding: Finding) -> str:
    lines: Sequence[str] = (
        f"{finding.location}: {finding.rule} {finding.name}",
        *([f"evidence: {finding.evidence}"] if finding.evidence else []),
        *([f"fix: {finding.hint}"] if finding.hint else []),
        f"rule: {doc_url(finding.rule)}",
    )
    return "\n".join(lines)


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(1 for case in cases if case.find("skipped") is not None)))
