"""The ORM-adherence verifier: ORM001 raw SQL in application code, ORM002 the required ORM not doing the
data access, ORM003 another data-access library, ORM004 raw SQL inside the query builder, each with a
hint written for the required ORM (rules/orm/fixes.toml). What the project uses and runs is detected
by `cdverify.detect.orm`; this module only checks it."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules, make_finding
from cdverify.detect.orm import OrmReport, Purpose, RawKind, RawSql
from cdverify.detect.orm.catalogue import libraries
from cdverify.model import Finding, Location, Severity
from cdverify.rules_schema import OrmFix, OrmFixes

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "orm"


@cache
def _fixes() -> OrmFixes:
    return load_rules(OrmFixes)


def check(report: OrmReport, required: str) -> list[Finding]:
    """ORM001 raw SQL in application code (information elsewhere), ORM002 the required ORM does not do
    the data access, ORM003 another data-access library or a raw driver in application code, ORM004
    raw SQL pieces inside the query builder."""
    findings: list[Finding] = []
    fix = _fixes().orms.get(required)
    wanted = next((n for n, e in libraries().items() if e.constraint == required), required)
    use = report.libraries.get(wanted)
    if use is None:
        findings.append(
            make_finding(
                "ORM002",
                Location("."),
                f"the {required} ORM is required but no application code imports it",
                hint=fix.models if fix else f"define the models and queries with {required}",
                data={"required": required, "libraries": report.used()},
            )
        )
    elif not use.models:
        file, line, text = use.first
        findings.append(
            make_finding(
                "ORM002",
                Location(file, line),
                f"{required} is imported but defines no mapped model: "
                + (fix.no_models if fix else "the ORM is not used for the data"),
                evidence=text,
                hint=fix.models if fix else "",
                data={"required": required, "reason": "no-models"},
            )
        )
    for name, other in sorted(report.libraries.items()):
        if name == wanted:
            continue
        file, line, text = other.first
        what = _fixes().kinds.get(other.kind, f"another data-access library ({other.kind})")
        findings.append(
            make_finding(
                "ORM003",
                Location(file, line),
                f"application code uses {what}, {other.module or name}, beside {required}",
                evidence=text,
                hint=f"do this data access through {required} models and sessions, and remove {name}",
                data={"library": name, "kind": other.kind, "required": required},
            )
        )
    for item in report.raw_sql:
        findings.append(_raw_finding(item, required))
    for item in report.fragments:
        via = f" via {item.via}" if item.via else ""
        where = f" in {item.scope}" if item.scope != "application" else ""
        fragment = make_finding(
            "ORM004",
            Location(item.file, item.line, item.col),
            f"raw SQL inside the query builder ({item.api}){via}{where}: {_one_line(item.sql)}",
            evidence=item.call,
            hint=f"express the condition with {required} operators instead of a SQL string",
            data={
                "api": item.api,
                "sql": item.sql,
                "scope": item.scope,
                **({"via": item.via} if item.via else {}),
            },
        )
        # information in tests, migrations, scripts and configuration, as raw statements there are
        findings.append(replace(fragment, severity=Severity.INFO) if where else fragment)
    return findings


def _raw_finding(item: RawSql, required: str) -> Finding:
    info = item.scope != "application" or item.purpose
    why = (
        f" in {item.scope}" if item.scope != "application" else (f" ({item.purpose})" if item.purpose else "")
    )
    tables = f" on {', '.join(item.tables)}" if item.tables else ""
    kind = "dynamic SQL" if item.kind is RawKind.DYNAMIC else f"raw SQL {item.statement or item.kind}"
    via = f" via {item.via}" if item.via else ""
    finding = make_finding(
        "ORM001",
        Location(item.file, item.line, item.col),
        f"{kind}{tables} through {item.api}{via}{why}: {_shown(item.sql)}",
        evidence=item.call,
        hint=_fix(item, required),
        data={
            "api": item.api,
            "sql": item.sql,
            "tables": list(item.tables),
            "scope": item.scope,
            **({"via": item.via} if item.via else {}),
        },
    )
    return replace(finding, severity=Severity.INFO) if info else finding


def _one_line(sql: str) -> str:
    """A statement written over several lines (a triple-quoted string), shown on the message's one line."""
    return " ".join(sql.split())


def _shown(sql: str) -> str:
    """The statement on one line; one too long to classify whole is shown by its start, and says so."""
    from cdverify.sql import MAX_CLASSIFIED_CHARS

    if len(sql) <= MAX_CLASSIFIED_CHARS:
        return _one_line(sql)
    size = f"{len(sql):,} characters; the first {MAX_CLASSIFIED_CHARS:,} were classified"
    return f"{_one_line(sql[:200])}… ({size})"


def _fix(item: RawSql, required: str) -> str:
    """The ORM001 hint: how the required ORM does what the statement does."""
    fix: OrmFix | None = _fixes().orms.get(required)
    generic = f"use the ORM: a {required} model and its query methods"
    if fix is None:
        return generic
    if item.purpose is Purpose.HEALTH_CHECK:
        return "fine as a health check; with the ORM: " + fix.health_check
    verb = item.statement.split(" ")[0] if item.statement else ""
    schema = verb in ("CREATE", "ALTER", "DROP") and item.statement != "CREATE EXTENSION"
    if item.purpose is Purpose.BOOTSTRAP:  # `CREATE TABLE` in `init_db`: the ORM owns the schema
        return "fine at start-up; with the ORM: " + (fix.schema if schema else fix.bootstrap)
    if schema:
        return "let the ORM own the schema: " + fix.schema
    way = fix.statements.get(verb)
    if way is None:
        return generic
    model = item.tables[0].rstrip("s").capitalize() if item.tables else "the model"
    return "use the ORM: " + way.replace("{model}", model)


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    if constraints is None or not constraints.orm:
        return []
    return check(analysis.orm, constraints.orm)
