"""The short text each tool result carries beside its structured content: a verdict line and the first
findings or failures, one line each.

SEAM (issue 19, `--format concise`): these are stand-ins for the concise reporter. When it lands, `check_text`
and `evaluate_text` should call its renderer on the same documents (the check JSON, the evaluation JSON) and
this module keeps only what the reporter does not cover (the contract run, the graph).
"""

from __future__ import annotations

from typing import Any

from cdverify.contract.failures import compared

# how many findings or failures the text names; the structured content has every one (up to the caps)
TEXT_ITEMS = 10


def _finding_line(finding: dict[str, Any]) -> str:
    hint = f" → {finding['hint']}" if finding.get("hint") else ""
    return f"{finding['file']}:{finding['line']} {finding['rule']} {finding['message']}{hint}"


def _failure_line(failure: dict[str, Any]) -> str:
    status = f" [{failure['status']}]" if failure.get("status") is not None else ""
    what = failure.get("assertion") or failure["kind"]
    values = compared(failure.get("expected"), failure.get("actual"))
    return f"{failure['request']}{status} {what}: {failure['message']}{f' ({values})' if values else ''}"


def _verdicts_line(verdicts: dict[str, dict[str, Any]]) -> str:
    failed = [
        f"{axis} ({v['errors']} error{'s' if v['errors'] != 1 else ''})"
        for axis, v in verdicts.items()
        if v["status"] == "fail"
    ]
    passed = [axis for axis, v in verdicts.items() if v["status"] == "pass"]
    parts = []
    if failed:
        parts.append("FAIL " + ", ".join(failed))
    if passed:
        parts.append("pass " + ", ".join(passed))
    return "; ".join(parts) or "no constraint judged"


def _listed(lines: list[str], total: int) -> list[str]:
    shown = lines[:TEXT_ITEMS]
    return [f"- {line}" for line in shown] + (
        [f"- … {total - len(shown)} more"] if total > len(shown) else []
    )


def _report(head: str, lines: list[str], omitted: int) -> str:
    return "\n".join([head, *_listed(lines, len(lines) + omitted)])


def check_text(document: dict[str, Any]) -> str:
    summary = document["summary"]
    head = (
        f"{'PASSED' if document['passed'] else 'FAILED'}: {_verdicts_line(document['verdicts'])}. "
        f"{summary.get('error', 0)} errors, {summary.get('warning', 0)} warnings."
    )
    lines = [_finding_line(f) for f in document["findings"]]
    text = _report(head, lines, document["findings_omitted"])
    if document.get("fix_diff"):  # the patch last, whole: an agent applies it as it is
        return f"{text}\nMechanical fixes (git apply from the project root):\n{document['fix_diff']}"
    if "fix_diff" in document:
        return f"{text}\nNo mechanical fix for these findings."
    return text


def evaluate_text(document: dict[str, Any]) -> str:
    contract = document["contract"]
    head = (
        f"{'SUCCESS' if document['success'] else 'NO SUCCESS'}: {_verdicts_line(document['verifiers'])}; "
        f"contract {contract['passed']}/{contract['assertions']} assertions passed "
        f"(A% {100 * document['score']:.1f}, strict {100 * document['strict_score']:.1f})"
        + (f"; interrupted by {document['interrupted']}" if document.get("interrupted") else "")
        + "."
    )
    errors = [f for f in document["findings"] if f["severity"] == "error"]
    failures = contract["failures"]
    lines = [head]
    if errors:
        lines.append("Failing findings:")
        lines.extend(_listed([_finding_line(f) for f in errors], len(errors)))
    if failures:
        lines.append("Failing assertions:")
        lines.extend(
            _listed([_failure_line(f) for f in failures], len(failures) + contract["failures_omitted"])
        )
    return "\n".join(lines)


def contract_text(document: dict[str, Any]) -> str:
    s = document["summary"]
    head = (
        f"{document['collection']}: {s['passed']}/{s['assertions']} assertions passed, {s['failed']} failed, "
        f"{s['script_errors']} script errors, {s['failed_requests']} failed requests."
    )
    return _report(head, [_failure_line(f) for f in document["failures"]], document["failures_omitted"])


def graph_text(document: dict[str, Any]) -> str:
    edges = sorted(document["edges"], key=lambda edge: -edge["imports"])
    lines = [f"{len(document['nodes'])} {document['level']} nodes, {len(document['edges'])} import edges."]
    lines.extend(f"- {e['source']} → {e['target']} ({e['imports']})" for e in edges[:TEXT_ITEMS])
    return "\n".join(lines)


def explain_text(document: dict[str, Any]) -> str:
    return (
        f"{document['rule']} {document['name']} ({document['constraint']}, {document['severity']}): "
        f"{document['summary']}\n\n{document['documentation']}"
    )
