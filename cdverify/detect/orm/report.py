"""What ORM detection reports: the data-access libraries application code uses (`LibraryUse`) and every
raw SQL statement or piece found at an execution sink (`RawSql`), gathered in an `OrmReport`."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any, NamedTuple

from cdverify.model import Scope
from cdverify.rules_schema import LibraryKind

_OUTSIDE = {
    Scope.TEST: "tests",
    Scope.MIGRATION: "migrations",
    Scope.SCRIPT: "scripts",
    Scope.CONFIG: "config",
}


def where(scope: Scope) -> str:
    """How a finding names the scope of its file: `application`, `tests`, `migrations`, …"""
    return _OUTSIDE.get(scope, "application")


class RawKind(StrEnum):
    """What the SQL at a sink is."""

    STATEMENT = "statement"  # a complete statement
    COMMAND = "command"  # a statement the parser keeps opaque (`CREATE EXTENSION`)
    TRIVIAL = "trivial"  # BEGIN / COMMIT / PRAGMA / SELECT 1
    FRAGMENT = "fragment"  # a piece of SQL inside a query builder (ORM004)
    DYNAMIC = "dynamic"  # SQL cdverify cannot read: a variable from elsewhere, computed parts


class Purpose(StrEnum):
    """Why a raw statement is only information: it does no data access."""

    BOOTSTRAP = "bootstrap"  # sets the connection up (`PRAGMA`, `SET`)
    HEALTH_CHECK = "health check"  # `SELECT 1`


class LibraryUse(NamedTuple):
    name: str
    kind: LibraryKind
    files: tuple[str, ...]  # application files that import it
    models: tuple[tuple[str, int, str], ...]  # (file, line, model) mapped models it defines
    first: tuple[str, int, str]  # (file, line, import text) of the first import
    module: str = ""  # the module first imported (`asyncpg` for the PostgreSQL driver group)


class RawSql(NamedTuple):
    file: str
    line: int
    col: int
    api: str  # the sink, e.g. "sqlalchemy.text", "DB-API cursor / connection"
    call: str  # the call as written
    sql: str  # the statement, holes shown as `{…}`
    kind: RawKind
    statement: str  # SELECT, INSERT, CREATE TABLE, …
    tables: tuple[str, ...]
    scope: str  # application | tests | migrations | scripts | config
    purpose: Purpose | None = None
    via: str = ""  # the project helpers the SQL is handed to, outermost first: `query (app/db.py:12)`
    # handed to a helper another module installed on the global object (`db('SELECT …')` after `global.db =
    # execute`): the caller imports nothing of the data access, so its code says nothing of its layer
    through_global: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "api": self.api,
            "sql": self.sql,
            "kind": self.kind,
            "statement": self.statement,
            "tables": list(self.tables),
            "scope": self.scope,
            **({"purpose": self.purpose} if self.purpose else {}),
            **({"via": self.via} if self.via else {}),
        }


class OrmReport(NamedTuple):
    libraries: dict[str, LibraryUse]
    raw_sql: tuple[RawSql, ...]  # complete statements (and dynamic SQL at a sink)
    fragments: tuple[RawSql, ...]  # SQL pieces inside a query builder

    def in_scripts(self, sites: Collection[tuple[str, int]]) -> OrmReport:
        """The report with the raw SQL at `sites` ((file, line) a command-line script runs: `fix_version.py`
        at the project's top, a seed a package.json script runs) in the `scripts` scope, as the SQL of a
        scripts folder is."""
        application = where(Scope.APPLICATION)

        def moved(items: tuple[RawSql, ...]) -> tuple[RawSql, ...]:
            return tuple(
                item._replace(scope=where(Scope.SCRIPT))
                if (item.file, item.line) in sites and item.scope == application
                else item
                for item in items
            )

        if not sites:
            return self
        return self._replace(raw_sql=moved(self.raw_sql), fragments=moved(self.fragments))

    def used(self) -> list[str]:
        """Data-access libraries used by application code, ORMs first."""
        order = list(LibraryKind)
        return sorted(self.libraries, key=lambda n: (order.index(self.libraries[n].kind), n))
