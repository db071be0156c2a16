"""The ORM-adherence verifier: ORM001 raw SQL in application code, ORM002 the required ORM not doing the
data access, ORM003 another data-access library, ORM004 raw SQL inside the query builder, each with a
hint written for the required ORM (rules/orm/fixes.toml). What the project uses and runs is detected
by `cdverify.detect.orm`; this module only checks it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules, make_finding
from cdverify.detect.orm import OrmReport, Purpose, RawKind, RawSql
from cdverify.detect.orm.catalogue import libraries
from cdverify.model import Finding, Location, Severity
from cdverify.rules_schema import OrmFix, OrmFixes
from cdverify.sql.shape import Shape, shape_of

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "orm"
Models = tuple[tuple[str, int, str], ...]  # (file, line, model) of the required ORM's mapped models
_DEFINED = re.compile(r"""\bdefine\(\s*["'`](\w+)["'`]""")  # sequelize.define("User", …)


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
        module = other.module or name  # named, not asked to be removed: it may be the ORM's own driver
        findings.append(
            make_finding(
                "ORM003",
                Location(file, line),
                f"application code uses {what}, {module}, beside {required}",
                evidence=text,
                hint=f"do this data access through {required} models and sessions, not {module} directly",
                data={"library": name, "kind": other.kind, "required": required},
            )
        )
    models = use.models if use is not None else ()
    for item in report.raw_sql:
        findings.append(_raw_finding(item, required, models))
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


def _raw_finding(item: RawSql, required: str, models: Models = ()) -> Finding:
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
        hint=_fix(item, required, models),
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
    from cdverify.sql.classify import MAX_CLASSIFIED_CHARS

    if len(sql) <= MAX_CLASSIFIED_CHARS:
        return _one_line(sql)
    size = f"{len(sql):,} characters; the first {MAX_CLASSIFIED_CHARS:,} were classified"
    return f"{_one_line(sql[:200])}… ({size})"


def _fix(item: RawSql, required: str, models: Models = ()) -> str:
    """The ORM001 hint: how the required ORM does what the statement does, with the project's model of
    the statement's table (`models`: the required ORM's mapped models) when it has one."""
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
    shape = shape_of(item.sql) if verb in ("SELECT", "INSERT") and item.kind is not RawKind.DYNAMIC else None
    table = shape.table if shape is not None else (item.tables[0] if item.tables else "")
    found = model_for(table, models) if table else None
    model = found[0] if found else guessed_model(table) if table else "the model"
    where = f" ({model} is in {found[1]})" if found else ""
    if shape is not None and shape.kind in fix.shapes:
        call = render(fix.shapes[shape.kind], shape, model, fix.shapes.get("field", ""))
        return f"use the ORM: {call}{where}"
    way = fix.statements.get(verb)
    if way is None:
        return generic
    return "use the ORM: " + way.replace("{model}", model) + where


def _key(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _singulars(table: str) -> list[str]:
    """`categories` → category, `boxes` → box, `users` → user; the table itself first."""
    name = _key(table)
    out = [name]
    if name.endswith("ies"):
        out.append(name[:-3] + "y")
    if name.endswith("es"):
        out.append(name[:-2])
    if name.endswith("s"):
        out.append(name[:-1])
    return out


def model_name(written: str) -> str:
    """A model as the ORM detector records it: a class name, or a `sequelize.define("User", …)` call."""
    defined = _DEFINED.search(written)
    return defined.group(1) if defined else written


def model_for(table: str, models: Iterable[tuple[str, int, str]]) -> tuple[str, str] | None:
    """(model, file) of the project's model for `table`, matched by name (`users` → `User`)."""
    by_key: dict[str, tuple[str, str]] = {}
    for file, _, written in models:
        name = model_name(written)
        by_key.setdefault(_key(name), (name, file))
    for candidate in _singulars(table):
        if candidate in by_key:
            return by_key[candidate]
    return None


def guessed_model(table: str) -> str:
    """A model name for a table the project has no model for: `article_tags` → `ArticleTag`."""
    words = [word for word in table.split("_") if word]
    if words:
        last = _singulars(words[-1])
        words[-1] = last[-1] if len(last) > 1 else words[-1]
    return "".join(word[:1].upper() + word[1:] for word in words) or "the model"


def render(template: str, shape: Shape, model: str, field: str) -> str:
    """A `shapes` template with `{model}`, `{column}` and `{fields}` (each column through `field`)."""
    fields = ", ".join(field.replace("{column}", name) for name in shape.fields)
    return template.replace("{model}", model).replace("{column}", shape.column).replace("{fields}", fields)


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    if constraints is None or not constraints.orm:
        return []
    return check(analysis.orm, constraints.orm)
