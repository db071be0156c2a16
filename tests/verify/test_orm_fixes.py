"""The ORM verifier's hints come from rules/orm/fixes.toml: every value of the `orm` constraint has its
fixes, every library kind its ORM003 wording, and `check` writes them into the findings."""

from __future__ import annotations

from cdverify.catalog import load_rules
from cdverify.detect.orm import LibraryUse, OrmReport, Purpose, RawKind, RawSql
from cdverify.rules_schema import LibraryKind, OrmFixes, OrmLibraries
from cdverify.verifiers.orm import check


def _raw(statement: str, tables: tuple[str, ...] = ("users",), purpose: Purpose | None = None) -> RawSql:
    sql = f"{statement} … FROM {tables[0]}" if tables else statement
    return RawSql(
        "app/db.py",
        3,
        5,
        "pg query",
        "q(…)",
        sql,
        RawKind.STATEMENT,
        statement,
        tables,
        "application",
        purpose,
    )


def test_every_orm_constraint_and_library_kind_has_its_texts() -> None:
    fixes = load_rules(OrmFixes)
    constraints = {e.constraint for e in load_rules(OrmLibraries).libraries.values() if e.constraint}
    assert constraints == {"sqlalchemy", "sequelize"}
    assert constraints <= fixes.orms.keys()
    assert {kind.value for kind in LibraryKind} <= fixes.kinds.keys()
    for fix in fixes.orms.values():
        assert {"SELECT", "INSERT", "UPDATE", "DELETE"} <= fix.statements.keys()


def test_check_writes_the_catalogued_hints() -> None:
    driver = LibraryUse("pg", LibraryKind.DRIVER, ("app/db.py",), (), ("app/db.py", 1, 'require("pg")'), "pg")
    items = (
        _raw("SELECT"),
        _raw("CREATE TABLE"),
        _raw("SELECT", (), Purpose.HEALTH_CHECK),
        _raw("PRAGMA", (), Purpose.BOOTSTRAP),
    )
    findings = check(OrmReport({"pg": driver}, items, ()), "sequelize")
    hints = [(f.rule, f.hint) for f in findings]
    assert hints[0] == (
        "ORM002",
        "define models with Model.init / sequelize.define and query them with Model.findAll / findOne / create",
    )
    assert findings[1].message == "application code uses a raw database driver, pg, beside sequelize"
    assert hints[2:] == [
        ("ORM001", "use the ORM: User.findAll({ where: … }) / User.findOne(...)"),
        ("ORM001", "let the ORM own the schema: sequelize.sync(), or a migration"),
        ("ORM001", "fine as a health check; with the ORM: sequelize.authenticate()"),
        ("ORM001", "fine at start-up; with the ORM: the dialectOptions of new Sequelize(…)"),
    ]


def test_sqlalchemy_imported_without_a_model_is_core_not_the_orm() -> None:
    use = LibraryUse("sqlalchemy", LibraryKind.ORM, ("app/db.py",), (), ("app/db.py", 1, "import sqlalchemy"))
    (finding, raw) = check(OrmReport({"sqlalchemy": use}, (_raw("DELETE", ("articles",)),), ()), "sqlalchemy")
    assert finding.message.endswith("defines no mapped model: SQLAlchemy Core is not the ORM")
    assert raw.hint == "use the ORM: session.delete(obj) or session.execute(delete(Article).where(...))"
