"""A literal dialect beside a URL from the environment (issue 18, the eighty-ninth set): drizzle-kit's
`defineConfig({ dialect: "postgresql", dbCredentials: { url: process.env.DATABASE_URL } })` in a project that
also declares mysql2. The URL the environment gives may change the server, not the engine the dialect names,
so the declared drivers add no alternative engine. Where no dialect is given, the URL may still name any declared
driver's engine."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

PACKAGE = '{"dependencies": {"drizzle-orm": "^0.36.0", "postgres": "^3.4.5", "mysql2": "^3.11.5"}}'


def drizzle_config(dialect: str) -> str:
    return (
        'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
        f'  schema: "./db/schema.ts",\n  out: "./migrations",\n  dialect: {dialect},\n'
        "  dbCredentials: { url: process.env.DATABASE_URL },\n});\n"
    )


@pytest.mark.parametrize(
    ("dialect", "engines"),
    [
        ('"postgresql"', ["postgresql"]),
        ('"mysql"', ["mysql"]),
    ],
    ids=["stated-postgresql", "stated-mysql"],
)
def test_a_stated_dialect_is_the_engine_whatever_the_url(
    make_project: MakeProject, dialect: str, engines: list[str]
) -> None:
    files = {"drizzle.config.ts": drizzle_config(dialect), "package.json": PACKAGE}
    assert inspect_json(make_project, files)["database"]["engines"] == engines


def test_a_url_without_a_dialect_still_takes_the_declared_drivers(make_project: MakeProject) -> None:
    """`new Sequelize(process.env.DATABASE_URL)` names no dialect: every declared driver's engine may serve."""
    files = {
        "src/db.js": 'const { Sequelize } = require("sequelize");\n\n'
        "module.exports = new Sequelize(process.env.DATABASE_URL);\n",
        "package.json": '{"dependencies": {"sequelize": "^6.0.0", "pg": "^8.11.0", "mysql2": "^3.11.5"}}',
    }
    assert inspect_json(make_project, files)["database"]["engines"] == ["mysql", "postgresql"]
