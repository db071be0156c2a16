"""What a raw statement does, for the ORM001 hint that proposes the ORM call doing the same (issue 19).

`shape_of` reads a statement with sqlglot: a lookup by primary key (`SELECT … FROM users WHERE id = ?`), a
lookup by one column (`… WHERE email = :email`), an insert with its columns (`INSERT INTO users (email,
username) …`). The ORM verifier (cdverify/verifiers/orm.py) fills the catalogue's template for the shape
(`shapes` in rules/orm/fixes.toml) with the project's model.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sqlglot import exp

_PARAMETER = re.compile(r"\{…\}|%\(\w+\)s|%s")  # a computed part, or a DB-API parameter sqlglot misreads
_DIALECTS = ("postgres", "sqlite", "mysql")


class ShapeKind(StrEnum):
    """The statements the catalogue has an ORM call for (the keys of `shapes` in rules/orm/fixes.toml)."""

    BY_KEY = "by_key"  # SELECT … WHERE id = ?
    BY_COLUMN = "by_column"  # SELECT … WHERE column = ?
    INSERT = "insert"  # INSERT INTO table (columns) …


class Shape(NamedTuple):
    """What a statement does, as far as the ORM's hint needs it."""

    kind: ShapeKind
    table: str
    column: str = ""  # by_column: the column compared
    fields: tuple[str, ...] = ()  # insert: the columns given


def shape_of(sql: str) -> Shape | None:
    """The statement's shape when it is one of the three the catalogue has a template for, else None."""
    import sqlglot
    from sqlglot import exp

    text = _PARAMETER.sub("?", sql)
    for dialect in _DIALECTS:
        try:
            tree = sqlglot.parse_one(text, read=dialect)
        except Exception:  # any parser failure is "no shape", never a crash
            continue
        if isinstance(tree, exp.Insert):
            return _insert(tree)
        if isinstance(tree, exp.Select):
            return _lookup(tree)
        return None
    return None


def _insert(tree: exp.Insert) -> Shape | None:
    from sqlglot import exp

    target = tree.this
    if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
        return Shape(ShapeKind.INSERT, target.this.name, fields=tuple(c.name for c in target.expressions))
    if isinstance(target, exp.Table):
        return Shape(ShapeKind.INSERT, target.name)
    return None


def _lookup(tree: exp.Select) -> Shape | None:
    """`SELECT … FROM one_table WHERE column = value`: by key when the column is `id`."""
    from sqlglot import exp

    source = tree.args.get("from_") or tree.args.get("from")
    where = tree.args.get("where")
    if source is None or where is None or tree.args.get("joins") or not isinstance(source.this, exp.Table):
        return None
    condition = where.this
    if not isinstance(condition, exp.EQ):
        return None
    sides = (condition.this, condition.expression)
    columns = [side for side in sides if isinstance(side, exp.Column)]
    if len(columns) != 1:
        return None
    table = source.this.name
    column = columns[0].name
    if column.lower() == "id":
        return Shape(ShapeKind.BY_KEY, table)
    return Shape(ShapeKind.BY_COLUMN, table, column=column)
