"""Patterns of the sixty-fifth and sixty-sixth unseen labelled sets (issue 18, docs/accuracy.md "The sixty-fifth
and sixty-sixth sets' disagreements"), with violating and clean projects written for the test:

- Drizzle's `relations` imported from the package's `drizzle-orm/relations` entry point (the import `drizzle-kit
  pull` writes into the relations file it generates) defines the models' relations as the package's own export
  does: the module is models.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json, layers_of

_SCHEMA = """import { int, mysqlTable, varchar } from "drizzle-orm/mysql-core";

export const authors = mysqlTable("authors", { id: int("id").primaryKey(), name: varchar("name", { length: 80 }) });
export const books = mysqlTable("books", { id: int("id").primaryKey(), authorId: int("author_id") });
"""

_RELATIONS = """import { relations } from "drizzle-orm/relations";
import { authors, books } from "./tables";

export const authorLinks = relations(authors, ({ many }) => ({ books: many(books) }));
export const bookLinks = relations(books, ({ one }) => ({
  author: one(authors, { fields: [books.authorId], references: [authors.id] }),
}));
"""

_QUERIES = """import { drizzle } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import * as tables from "../db/tables";
import * as links from "../db/links";

const db = drizzle(mysql.createPool({ host: "db", user: "shelf" }), { schema: { ...tables, ...links }, mode: "default" });

export const booksOf = (authorId: number) => db.query.books.findMany({ where: (b, { eq }) => eq(b.authorId, authorId) });
"""


def _shelf(links: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "shelf", "dependencies": {"hono": "4", "drizzle-orm": "0.44", "mysql2": "3"}}',
        "src/db/tables.ts": _SCHEMA,
        "src/db/links.ts": links,
        "src/books/queries.ts": _QUERIES,
    }


def test_relations_from_the_relations_entry_point_are_models(make_project: MakeProject) -> None:
    layers = layers_of(inspect_json(make_project, _shelf(_RELATIONS)))
    assert layers["src/db/links.ts"] == "models"
    assert layers["src/db/tables.ts"] == "models"


def test_a_module_without_relation_definitions_is_not_models(make_project: MakeProject) -> None:
    plain = (
        'import { authors, books } from "./tables";\n\nexport const tableNames = [authors, books].length;\n'
    )
    layers = layers_of(inspect_json(make_project, _shelf(plain)))
    assert "src/db/links.ts" not in layers
