"""Data-access libraries, raw-SQL sinks and ORM fix hints (rules/orm/libraries.toml, sinks.toml,
fixes.toml).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings, table

# -- orm/libraries.toml, orm/sinks.toml and orm/fixes.toml ---------------------------------------


class LibraryKind(StrEnum):
    """What a data-access library is; `OrmReport.used` lists the libraries in this order."""

    ORM = "orm"  # maps classes to tables
    ODM = "odm"  # a document mapper
    CORE = "core"  # a SQL expression language / query builder
    DRIVER = "driver"  # a database driver used directly
    SQL_FILES = "sql-files"  # runs hand-written SQL kept in .sql files


class OrmLibrary(Record, frozen=True):
    kind: LibraryKind = LibraryKind.ORM
    python: Strings = ()
    npm: Strings = ()
    models: Strings = ()
    constraint: str | None = None  # the `orm` constraint value this library satisfies
    # methods of the library's client through which it reads or writes data (Supabase's `from`, `rpc`); given,
    # the library is data access only in a project calling one on a client (detect/data_calls.py)
    data_methods: Strings = ()
    # names an import may bring from the library without using it for data: value types other libraries take
    # too (the BSON `ObjectId` of `mongodb`, which Mongoose queries accept); an import of only these is no use
    values: Strings = ()


class SqlFiles(Record, frozen=True):
    """How a statement of a hand-written `.sql` file is named in its ORM001 (`api`)."""

    named: str  # before the name of a `-- name: get_user` block
    unnamed: str  # any other statement


class ErrorImports(Record, frozen=True):
    """How a Python import that brings only a library's exceptions is told (`from asyncpg import
    UniqueViolationError`): catching what the data access raises is no use of the library."""

    modules: Strings  # submodules of exceptions (`psycopg2.errors`, `sqlalchemy.exc`), imported or named
    suffixes: Strings  # endings of exception class names (`IntegrityError`, `UniqueViolation`)


class OrmLibraries(Record, frozen=True):
    FILE: ClassVar[str] = "orm/libraries"
    libraries: Mapping[str, OrmLibrary]
    sql_files: SqlFiles
    errors: ErrorImports


class Sink(Record, frozen=True):
    """Calls whose argument is raw SQL (ORM001)."""

    name: str
    calls: Strings = ()
    receivers: Strings = ()
    methods: Strings = ()
    arg: int = 0
    keys: Strings = ()
    fragment: bool = False
    receiver_suffixes: Strings = ()
    untraced: bool = False
    statement_or_fragment: bool = False
    receiver_contains: Strings = ()
    literals_only: bool = False
    expressions_only: bool = False
    format_holes: bool = False
    project_methods: Strings = ()  # of an untraced sink: SQL methods on another project module's object only
    # of an untraced sink: app instances whose properties are what a plugin decorated them with
    # (`fastify().sqlite.db`): `project_methods` count on those too
    app_holders: Strings = ()
    # of an untraced sink: methods that count on any object where the call hands an inline callback last
    # (sqlite3's `db.all(sql, params, (err, rows) => …)`)
    callback_methods: Strings = ()
    # of an untraced sink: app instances (`fastify()`) whose own methods the project decorated them with, a
    # SQL tag or function (`fastify.decorate("sql", postgres(url))`, then fastify.sql`SELECT …`): any method
    # counts
    app_receivers: Strings = ()
    # the call builds a statement object the code runs elsewhere (`query = text("SELECT …")`, a `sql`
    # template): where its result is bound to a name that a later call hands on first, the site is that call
    builds: bool = False


class Sinks(Record, frozen=True):
    FILE: ClassVar[str] = "orm/sinks"
    prepared: Strings  # a receiver holding one of these is a prepared statement: its methods take no SQL
    bootstrap: Strings  # statement starts that set a connection up rather than query data
    # schema statements that are bootstrap too when run in a start-up function named one of `startup`
    schema: Strings = ()
    startup: Strings = ()  # lower case, without `_`: `init_db` and `initDb` are both `initdb`
    # calls returning a file's text: a name bound to one holds a `.sql` file's statements, not SQL in code
    file_reads: Strings = ()
    # calls writing a statement from a format string (`format('SELECT … %I', table)`): its placeholders holes
    formatters: Strings = ()
    # template tags writing a statement for a driver (`SQL`SELECT …``); the fields holding its text
    statement_tags: Strings = ()
    statement_fields: Strings = ()
    # migration runners (traced) → option keys of the callbacks they call with their own SQL
    runner_callbacks: Mapping[str, Strings] = table()
    python: tuple[Sink, ...] = ()
    node: tuple[Sink, ...] = ()

    def family(self, family: str) -> tuple[Sink, ...]:
        return self.python if family == "python" else self.node


class OrmFix(Record, frozen=True):
    """How to do with one required ORM what raw SQL did: the hints of ORM001 and ORM002."""

    models: str  # ORM002: define the models and query them with the ORM
    no_models: str  # ORM002: why an import without a mapped model is not the ORM doing the data access
    health_check: str  # a trivial `SELECT 1`
    bootstrap: str  # a statement that sets the connection up (`PRAGMA`, `SET`)
    schema: str  # CREATE / ALTER / DROP
    statements: Mapping[str, str]  # SELECT, INSERT, … → the ORM's way; `{model}` names the model
    # by_key / by_column / insert → the ORM's call for a statement of that shape (verifiers/orm_hints.py);
    # `field`: how `{fields}` writes each column of an insert
    shapes: Mapping[str, str] = table()


class OrmFixes(Record, frozen=True):
    FILE: ClassVar[str] = "orm/fixes"
    kinds: Mapping[str, str]  # library kind → how ORM003 names a library of that kind
    orms: Mapping[str, OrmFix]  # value of the `orm` constraint → its fixes
