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


def _statement(sql: str, statement: str, table: str, kind: RawKind = RawKind.STATEMENT) -> RawSql:
    return RawSql("app/db.py", 3, 5, "pg query", "q(…)", sql, kind, statement, (table,), "application")


def test_the_hint_proposes_the_orm_call_of_the_statement_with_the_projects_model() -> None:
    """issue 19: a lookup by key → findByPk / session.get, by one column → findOne / a where on it, an
    insert → create / session.add with its columns; the model is the project's, named with its file."""
    models = (("src/models/user.js", 4, "User"), ("src/models/tag.js", 2, 'sequelize.define("ArticleTag", {'))
    orm = LibraryUse("sequelize", LibraryKind.ORM, ("src/db.js",), models, ("src/db.js", 1, "x"), "sequelize")
    items = (
        _statement('SELECT * FROM "Users" WHERE id = $1', "SELECT", "Users"),
        _statement("SELECT * FROM users WHERE users.email = ?", "SELECT", "users"),
        _statement("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)", "INSERT", "article_tags"),
        _statement("SELECT name FROM tags ORDER BY name", "SELECT", "tags"),  # no shape, no model
        _statement("SELECT * FROM users WHERE id = {…}", "SELECT", "users", RawKind.DYNAMIC),
    )
    hints = [f.hint for f in check(OrmReport({"sequelize": orm}, items, ()), "sequelize")]
    assert hints == [
        "use the ORM: User.findByPk(…) (User is in src/models/user.js)",
        "use the ORM: User.findAll({ where: { email: … } }) (User is in src/models/user.js)",
        "use the ORM: ArticleTag.create({ article_id: …, tag_id: … }) (ArticleTag is in src/models/tag.js)",
        "use the ORM: Tag.findAll({ where: … }) / Tag.findOne(...)",
        "use the ORM: User.findAll({ where: … }) / User.findOne(...) (User is in src/models/user.js)",
    ]
    sqlalchemy = LibraryUse(
        "sqlalchemy",
        LibraryKind.ORM,
        ("app/db.py",),
        (("app/models.py", 9, "Category"),),
        ("app/db.py", 1, "x"),
        "sqlalchemy",
    )
    items = (
        _statement("SELECT * FROM categories WHERE id = %s", "SELECT", "categories"),
        _statement("INSERT INTO categories (name) VALUES (:name)", "INSERT", "categories"),
        _statement("SELECT * FROM categories WHERE name = %(name)s", "SELECT", "categories"),
    )
    hints = [f.hint for f in check(OrmReport({"sqlalchemy": sqlalchemy}, items, ()), "sqlalchemy")]
    assert hints == [
        "use the ORM: session.get(Category, ...) (Category is in app/models.py)",
        "use the ORM: session.add(Category(name=...)); session.commit() (Category is in app/models.py)",
        "use the ORM: session.scalars(select(Category).where(Category.name == ...)) (Category is in app/models.py)",
    ]


def test_statement_shapes() -> None:
    from cdverify.sql.shape import Shape, ShapeKind, shape_of

    assert shape_of("SELECT id FROM users WHERE email = :email") == Shape(
        ShapeKind.BY_COLUMN, "users", "email"
    )
    assert shape_of("select * from Users u where u.ID = ?") == Shape(ShapeKind.BY_KEY, "Users")
    assert shape_of("INSERT INTO tags VALUES (?)") == Shape(ShapeKind.INSERT, "tags")
    for other in (
        "SELECT * FROM users WHERE id = ? AND active = 1",  # two conditions
        "SELECT * FROM users u JOIN posts p ON p.user_id = u.id WHERE u.id = ?",  # a join
        "SELECT * FROM users WHERE a.x = b.y",  # two columns
        "UPDATE users SET name = ? WHERE id = ?",
        "not sql at all (",
    ):
        assert shape_of(other) is None, other
