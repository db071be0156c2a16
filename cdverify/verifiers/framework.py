"""The framework verifier (FW001-FW003): does the required web framework serve the application, and
does another one? It judges the report of cdverify/detect/framework/ (which frameworks build an app or
register routes, which are only imported or declared). Rule texts live in docs/rules/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdverify.catalog import make_finding
from cdverify.detect.framework import RANK, SERVING, EvidenceKind, FrameworkReport
from cdverify.detect.layers import implied_frameworks
from cdverify.model import Finding, Location

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "framework"


def check(report: FrameworkReport, required: str) -> list[Finding]:
    """FW001 the required framework does not serve the application; FW002 another framework does;
    FW003 (warning) another framework is imported by application code."""
    findings: list[Finding] = []
    serving = report.serving()
    implied = implied_frameworks()
    mine = [e for e in report.evidence if e.framework == required]
    if required not in serving:
        imported = [e for e in mine if e.kind is EvidenceKind.IMPORT]
        declared = [e for e in mine if e.kind is EvidenceKind.DEPENDENCY]
        if imported:
            article = "an" if required[0] in "aeiou" else "a"
            message = (
                f"{required} is imported but the application never builds {article} {required} app "
                "or registers a route with it"
            )
            where = imported[0]
        elif declared:
            message = f"{required} is only declared as a dependency; no application code uses it"
            where = declared[0]
        else:
            message = f"{required} is required but the application does not use it"
            where = None
        if serving:
            message += f" (the application is served by {', '.join(serving)})"
        findings.append(
            make_finding(
                "FW001",
                where.location if where else Location("."),
                message,
                evidence=where.text if where else "",
                hint=f"build the application with {required} and register its routes there",
                data={"required": required, "serving": serving},
            )
        )
    for other in serving:
        if other == required or required in implied.get(other, set()):
            continue
        first = min(
            (e for e in report.evidence if e.framework == other and e.kind in SERVING),
            key=lambda e: (RANK[e.kind], e.file, e.line),
        )
        findings.append(
            make_finding(
                "FW002",
                first.location,
                f"another web framework, {other}, serves part of the application ({first.kind})",
                evidence=first.text,
                hint=f"serve every route with {required}; remove the {other} app and its routes",
                data={"framework": other, "required": required},
            )
        )
    flagged = set(serving)
    for item in report.evidence:
        if item.kind is not EvidenceKind.IMPORT or item.framework in flagged or item.framework == required:
            continue
        if required in implied.get(item.framework, set()):
            continue
        flagged.add(item.framework)
        findings.append(
            make_finding(
                "FW003",
                item.location,
                f"application code imports another web framework, {item.framework}",
                evidence=item.text,
                hint=f"use {required}'s own API instead of {item.framework}",
                data={"framework": item.framework, "required": required},
            )
        )
    return findings


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    if constraints is None or not constraints.framework:
        return []
    return check(analysis.frameworks, constraints.framework)
