"""Is this string hand-written SQL? A pure classifier of one string.

This is the string half of the ORM-adherence check; the sink half (which call receives the string) lives
elsewhere. sqlglot alone cannot answer the question: it reads `update available` as an UPDATE and
`select a file` as a SELECT. So the cheap checks come first and the parser only confirms
(docs/research recipe, cheapest first):

1. a trivial statement (`BEGIN`, `COMMIT`, `PRAGMA x=v`, `SELECT 1`, `SELECT 1 + 1`, `SHOW TABLES`,
   `DESCRIBE t`, …) is SQL only at a known sink;
2. an anchored prefilter needs a verb *and* its structural partner (`SELECT … FROM`, `UPDATE x … SET`,
   `CREATE TABLE x`, …), rejects a Title-case verb (`Delete from cart`) and English function words
   outside quotes (`select user from the dropdown`). Almost every non-SQL string stops here;
3. placeholders and holes are rewritten into something every dialect parses;
4. sqlglot, hinted dialect first, must yield DML/DDL roots that are structurally complete.

The string is a `model.Text`: a `Template` where f-strings, template literals or `+` concatenation had
computed parts. Internally the classifier renders it into its own private text, each hole written as
`_HOLE` (a control character source text does not hold), so that its regular expressions and sqlglot can
read it; that marker never leaves this module. sqlglot is imported on the first string that passes the
prefilter and is not remembered from an earlier run of the project (cdverify/sql/memo.py).

Cost is bounded whatever the string: only its first `MAX_CLASSIFIED_CHARS` characters are classified
(cut back to the end of a statement or of a row of values when one is in reach), and the prefilter tries
the first `_MAX_STATEMENT_STARTS` statements only. A string longer than that is `truncated`; at a SQL sink
one whose start is a strong SQL form stays a statement even when the cut leaves it incomplete.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING

from cdverify.model import Text, rendered
from cdverify.sql.memo import recalled

if TYPE_CHECKING:
    from sqlglot import exp

_HOLE = "\x00"  # a hole in the private text the classifier reads (never in shared data)
MAX_CLASSIFIED_CHARS = 65_536  # a longer string is classified on its start
_MAX_STATEMENT_STARTS = 64  # statement starts (the string's, then after each `;`) the prefilter tries


class SqlKind(StrEnum):
    STATEMENT = "statement"  # parsed into complete DML/DDL
    COMMAND = "command"  # a strong SQL form sqlglot keeps as an opaque Command (CREATE EXTENSION, …)
    FRAGMENT = "fragment"  # a strong SQL form that is not a complete statement: SQL being built
    TRIVIAL = "trivial"  # BEGIN / COMMIT / PRAGMA / SELECT 1 / …, given to a known SQL sink
    NOT_SQL = "not_sql"


@dataclass(frozen=True)
class SqlString:
    """The verdict on one string."""

    kind: SqlKind
    text: str  # the input as given, holes shown as `{}`
    statement: str = ""  # verb-level type: "SELECT", "INSERT", "CREATE TABLE", "PRAGMA"; "" for not_sql
    tables: tuple[str, ...] = ()  # as written (case kept), unquoted, schema-qualified; no CTEs, no holes
    dialect: str | None = None  # the sqlglot dialect that accepted it
    truncated: bool = False  # longer than MAX_CLASSIFIED_CHARS: only its start was classified

    @property
    def is_sql(self) -> bool:
        """A complete SQL statement (fragments are pieces of one, not statements)."""
        return self.kind in (SqlKind.STATEMENT, SqlKind.COMMAND, SqlKind.TRIVIAL)


# --- 1. trivial statements -------------------------------------------------------------------------------

_TRIVIAL = re.compile(
    r"""\s*(?:
        BEGIN(?:\s+(?:TRANSACTION|WORK|DEFERRED|IMMEDIATE|EXCLUSIVE))?
      | START\s+TRANSACTION
      | (?:COMMIT|END)(?:\s+(?:TRANSACTION|WORK))?
      | ROLLBACK(?:\s+(?:TRANSACTION|WORK))?(?:\s+TO\s+(?:SAVEPOINT\s+)?\w+)?
      | (?:RELEASE\s+)?SAVEPOINT\s+\w+
      | (?:VACUUM|ANALYZE)(?:\s+\w+)?
      | PRAGMA\s+[\w.]+\s*(?:=\s*[\w'"-]+|\(\s*[\w'"-]+\s*\))?
      | SELECT\s+(?:\d+(?:\s*[-+*/]\s*\d+)*|[\w.]+\s*\([^()]*\))(?:\s+AS\s+\w+)?
      | SET\s+(?:SESSION\s+|LOCAL\s+)?[\w.]+\s*(?:=|\bTO\b)\s*[^;]+?
      | SHOW\s+(?:FULL\s+|GLOBAL\s+|SESSION\s+)?(?:TABLES|DATABASES|SCHEMAS|(?:TABLE\s+)?STATUS|VARIABLES
          |PROCESSLIST|WARNINGS|ERRORS|GRANTS|ENGINES|TRIGGERS|ALL|SERVER_VERSION|SEARCH_PATH|TIME\s*ZONE
          |(?:COLUMNS|FIELDS|INDEX|INDEXES|KEYS|CREATE\s+TABLE)\s+(?:(?:FROM|IN)\s+)?[\w.`"]+)
          (?:\s+(?:FROM|IN)\s+[\w`"]+)?(?:\s+(?:LIKE|WHERE)\s+[^;]+?)?
      | DESC(?:RIBE)?\s+(?!(?:the|a|an|this|that|my|your|it)\b)[\w.`"]+(?:\s+[\w`"%]+)?
    )\s*;?\s*""",
    re.IGNORECASE | re.VERBOSE,
)

# a table-less SELECT of values the server computes (`SELECT version() AS v, NOW()`, `select current_user,
# current_setting('search_path')`): names, numbers, strings, calls (nested once), one call at least
_SELECT_ITEM = r"(?:\d+|'[^'\n]*'|[\w.]+(?:\s*\((?:[^()]|\([^()]*\))*\))?)(?:\s*::\s*\w+)?(?:\s+AS\s+\w+)?"
_TABLELESS_SELECT = re.compile(
    rf"\s*SELECT\s+{_SELECT_ITEM}(?:\s*,\s*{_SELECT_ITEM})*\s*;?\s*", re.IGNORECASE
)


def _trivial(text: str) -> bool:
    return _TRIVIAL.fullmatch(text) is not None or (
        "(" in text and _TABLELESS_SELECT.fullmatch(text) is not None
    )


# --- 2. prefilter: an anchored verb with its structural partner ------------------------------------------

# a name as written: plain (holes included), knex `??`, a `{name}`/`${x}` hole, or quoted "…", `…`, […]
_NAME = r"""(?:[\w$\x00]+|\?\?|\{\w*\}|\$\{[^{}\n]*\}|"[^"\n]*"|`[^`\n]*`|\[[^\]\n]*\])"""
_IDENT = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
_OBJECT = r"(?:TABLE|INDEX|VIEW|SCHEMA|SEQUENCE|DATABASE|EXTENSION|TRIGGER|FUNCTION|PROCEDURE|TYPE|DOMAIN)"
_ALTER_ACTION = (
    r"(?:ADD|DROP|ALTER|RENAME|SET|RESET|OWNER|ENABLE|DISABLE|VALIDATE|ATTACH|DETACH|MODIFY|CHANGE"
    r"|CLUSTER|INHERIT|NO|REPLICA|FORCE|NOT|CONVERT|ENGINE|AUTO_INCREMENT|RESTART|INCREMENT|OWNED)\b"
)
_EXPLAIN_PREFIX = (
    r"EXPLAIN\s+(?:(?:ANALY[SZ]E|VERBOSE|QUERY\s+PLAN|FORMAT\s*=?\s*\w+)\s+|\([^()]*\)\s*)*"
    r"(?=(?:SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE|MERGE)\b)"
)

# One alternative per statement form; the group name is the verb. Anchored at the start of the string or
# of a statement (after `;`), past comments and opening parentheses, so log prose such as
# "Error: delete from cache" never matches.
_PREFILTER = re.compile(
    r"(?:^|;)\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*\(*\s*(?:"
    rf"(?P<with>WITH)\s+(?:RECURSIVE\s+)?{_IDENT}\s*(?:\([^()]*\)\s*)?AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\("
    r"|(?P<select>SELECT)[\s(*].*?[\s)*\"`\]]FROM\b"
    rf"|(?P<insert>INSERT)\s+(?:OR\s+\w+\s+)?(?:IGNORE\s+)?INTO\s+{_IDENT}"
    rf"|(?P<replace>REPLACE)\s+INTO\s+{_IDENT}"
    rf"|(?P<update>UPDATE)\s+(?:ONLY\s+)?{_IDENT}.*?\sSET\s"
    rf"|(?P<delete>DELETE)\s+FROM\s+{_IDENT}"
    r"|(?P<create>CREATE)\s+(?:OR\s+REPLACE\s+)?"
    r"(?:(?:GLOBAL|LOCAL|TEMP|TEMPORARY|UNLOGGED|UNIQUE|MATERIALIZED|VIRTUAL|FULLTEXT|SPATIAL)\s+)*(?:"
    rf"(?:TABLE|INDEX|VIEW|SCHEMA|SEQUENCE|DATABASE)\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?{_IDENT}"
    rf"|EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?{_IDENT}\s*(?:$|;|\b(?:WITH|SCHEMA|VERSION|CASCADE)\b)"
    rf"|(?:FUNCTION|PROCEDURE)\s+{_IDENT}\s*\("
    rf"|(?:CONSTRAINT\s+)?TRIGGER\s+{_IDENT}\s+(?:BEFORE|AFTER|INSTEAD\s+OF)\b"
    rf"|(?:TYPE|DOMAIN)\s+{_IDENT}\s+AS\b)"
    rf"|(?P<drop>DROP)\s+(?:MATERIALIZED\s+)?{_OBJECT}\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?{_IDENT}"
    r"|(?P<alter>ALTER)\s+(?:MATERIALIZED\s+)?(?:TABLE|INDEX|VIEW|SCHEMA|SEQUENCE|TYPE|DATABASE)\s+"
    rf"(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_IDENT}\s+{_ALTER_ACTION}"
    rf"|(?P<truncate>TRUNCATE)\s+(?:TABLE\s+(?:ONLY\s+)?{_IDENT}"
    rf"|(?!TABLE\b){_IDENT}\s*(?:$|[;,]|\b(?:RESTART|CONTINUE|CASCADE|RESTRICT)\b))"
    rf"|(?P<explain>{_EXPLAIN_PREFIX})"
    rf"|(?P<merge>MERGE)\s+INTO\s+{_IDENT}.*?\sUSING\s"
    rf"|(?P<copy>COPY)\s+(?:{_IDENT}\s*(?:\([^()]*\)\s*)?(?:FROM|TO)\s+(?:STDIN|STDOUT|PROGRAM|'|\")"
    r"|\(\s*(?:SELECT|WITH)\b)"
    rf"|(?P<refresh>REFRESH)\s+MATERIALIZED\s+VIEW\s+(?:CONCURRENTLY\s+)?{_IDENT})",
    re.IGNORECASE | re.DOTALL,
)
_KIND_WORD = re.compile(rf"\b(?:MATERIALIZED\s+VIEW|{_OBJECT})\b", re.IGNORECASE)

# Words English needs and SQL never uses as a keyword or a plausible name. Outside quotes and comments they
# mark prose that happens to parse: "select user from the dropdown", "update your settings set …".
_PROSE_WORD = re.compile(
    r"\b(?:the|your|my|our|their|this|these|those|please|you|we)\b",
    re.IGNORECASE,
)
# an unterminated `/*` runs to the end (as in SQL): a string of many of them stays a linear scan
_QUOTED_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|`[^`]*`|--[^\n]*|/\*.*?(?:\*/|\Z)", re.DOTALL)

# --- 3. normalisation ------------------------------------------------------------------------------------

_ORDER_DIRECTION_HOLE = re.compile(r"(\bORDER\s+BY\s+[\w.\"`\x00]+)\s+\x00", re.IGNORECASE)
# `${x}` or a `.format` `{name}` left in the text, or a pg-promise raw/identifier variable (`$1:raw`, `$1^`)
_TEMPLATE_HOLE = re.compile(r"\$\{[^{}]*\}|\{\w*\}|\$\d+(?::(?:raw|value|name|alias|json|csv|list)\b|[\^~#])")
_KNEX_IDENTIFIER = re.compile(r"\?\?")
_PYFORMAT_NAMED = re.compile(r"%\((\w+)\)s")
_PYFORMAT_POSITIONAL = re.compile(r"%[sdif]")
_NUMBERED_COLON = re.compile(r"(?<![:\w]):(\d+)\b")
_SYNTHETIC_NAME = re.compile(r"__[hi]\d+__")
_HOLE_NAME = re.compile(r"__h\d+__")
# The whole SET list of an INSERT or UPDATE given as one placeholder or hole (mysql/mysql2:
# `INSERT INTO posts SET ?` with an object bound, "objects are turned into key = 'val' pairs",
# https://github.com/mysqljs/mysql#escaping-query-values): assignments bound at run time
_SET_LIST_HOLE = re.compile(
    rf"(?<=\sSET\s)\s*(\?|{_HOLE})(?=\s*(?:$|;|WHERE\b|ON\s+DUPLICATE\b))", re.IGNORECASE
)
# A hole standing where a clause stands, after a complete part and before the end or the next clause:
# `FROM garmin_activities a {where}` (unaliased, the hole parses as the alias), `ORDER BY created_at ASC
# {limit_clause}`, `WHERE post_id = ? {and_filters} ORDER BY …`: a clause built at run time
_CLAUSE_HOLE = re.compile(
    r"\s+__h\d+__"
    r"(?=\s*(?:$|[;)]|(?:WHERE|ORDER|GROUP|HAVING|LIMIT|OFFSET|UNION|WINDOW|RETURNING"
    r"|(?:LEFT|RIGHT|INNER|CROSS|FULL)?\s*(?:OUTER\s+)?JOIN)\b))",
    re.IGNORECASE,
)
# A hole ending the select list, after a complete column and before FROM: `SELECT id, geom AS g
# {extra_columns} FROM …` (`, a, b` joined at run time; unaliased, the hole parses as the alias)
# clause holes in a row dropped one by one from the end of the run (`_clauses_off`)
_MAX_CLAUSE_HOLES = 6
_SELECT_LIST_HOLE = re.compile(r"(?<=[\w)\"`\]])\s+__h\d+__(?=\s*FROM\b)", re.IGNORECASE)

# --- 4. parsing ------------------------------------------------------------------------------------------

_DIALECT_ORDER = ("postgres", "sqlite", "mysql", "", "tsql")  # "" is sqlglot's default dialect
_DIALECT_ALIASES = {
    "postgresql": "postgres",
    "pg": "postgres",
    "sqlite3": "sqlite",
    "mariadb": "mysql",
    "mssql": "tsql",
    "sqlserver": "tsql",
}
_COMPLETE_OBJECTS = frozenset(
    {"TABLE", "INDEX", "VIEW", "SCHEMA", "SEQUENCE", "DATABASE", "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE"}
)
_TABLE_OBJECTS = frozenset({"TABLE", "VIEW"})  # whose own name is a table touched
# Companions of a real statement in a script; `EndStatement` is the `END` of a trigger body split at `;`.
_NEUTRAL_ROOTS = frozenset(
    {"Transaction", "Commit", "Rollback", "Pragma", "Set", "Semicolon", "Use", "EndStatement"}
)
_DDL_ROOTS = frozenset({"Create", "Drop", "Alter", "AlterTable"})


def _display(text: str) -> str:
    return text.replace(_HOLE, "{}")


def _is_title_case(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _has_prose_words(text: str) -> bool:
    return _PROSE_WORD.search(_QUOTED_OR_COMMENT.sub(" ", text)) is not None


def _form_label(match: re.Match[str]) -> str:
    """`SELECT`, `CREATE TABLE`, `REFRESH MATERIALIZED VIEW`, … for the form the prefilter matched."""
    verb = (match.lastgroup or "").upper()
    if verb in ("CREATE", "DROP", "ALTER"):
        kind = _KIND_WORD.search(match.group(0))
        return f"{verb} {kind.group(0).upper().split()[-1]}" if kind else verb
    if verb == "REFRESH":
        return "REFRESH MATERIALIZED VIEW"
    return verb


def _normalise(sql: str) -> str:
    """Rewrite placeholders and holes into forms every dialect parses.

    Holes become identifiers `__hN__`, valid in value and in table/column position; a hole inside quotes
    stays part of its literal. Knex `??` identifier bindings become `__iN__`.
    """
    sql = _ORDER_DIRECTION_HOLE.sub(r"\1 ASC", sql)  # ORDER BY ${column} ${direction}
    sql = _TEMPLATE_HOLE.sub(_HOLE, sql)
    sql = _SET_LIST_HOLE.sub(r"__set__ = \1", sql)  # INSERT INTO posts SET ?
    sql = _PYFORMAT_NAMED.sub(r":\1", sql)
    sql = _PYFORMAT_POSITIONAL.sub("?", sql).replace("%%", "%")
    sql = _NUMBERED_COLON.sub("?", sql)
    counter = itertools.count()
    sql = _KNEX_IDENTIFIER.sub(lambda _: f"__i{next(counter)}__", sql)
    parts = sql.split(_HOLE)
    return "".join(part + (f"__h{i}__" if i < len(parts) - 1 else "") for i, part in enumerate(parts))


@cache
def _quiet_sqlglot() -> None:
    """Drop sqlglot's warning on every fallback to a Command: for this classifier it is an expected path."""

    class _NoCommandFallback(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return "Falling back to parsing as a 'Command'" not in record.getMessage()

    logging.getLogger("sqlglot").addFilter(_NoCommandFallback())


def _class_names(node: exp.Expr) -> frozenset[str]:
    # By name, so that the check survives sqlglot renames (AlterTable → Alter, Union → SetOperation).
    return frozenset(cls.__name__ for cls in type(node).__mro__)


def _kind(node: exp.Expr) -> str:
    kind = node.args.get("kind")
    return str(kind).upper() if kind else ""


def _root_verdict(node: exp.Expr) -> str:
    """`complete`, `command`, `neutral` (transaction control, PRAGMA, SET) or `incomplete`."""
    from sqlglot import exp

    names = _class_names(node)
    if "Command" in names:
        return "command"
    if names & _NEUTRAL_ROOTS:
        return "neutral"
    if "Select" in names or "SetOperation" in names or "Union" in names:
        complete = node.find(exp.From) is not None
    elif "Insert" in names:  # rows given, or `DEFAULT VALUES` (a row of column defaults)
        complete = node.args.get("expression") is not None or bool(node.args.get("default"))
    elif "Update" in names:  # every SET item an assignment: `update yourself set goals` has none
        items = node.args.get("expressions") or []
        complete = bool(items) and all(isinstance(item, exp.EQ) or _assignments_hole(item) for item in items)
    elif names & {"Delete", "Merge", "TruncateTable", "Copy"}:
        complete = node.args.get("this") is not None or bool(node.args.get("expressions"))
    elif "Create" in names:
        kind = _kind(node)
        if kind == "TABLE":  # a bare `create table users` is prose-shaped, not a definition
            complete = isinstance(node.this, exp.Schema) or node.args.get("expression") is not None
        else:
            complete = kind in _COMPLETE_OBJECTS
    elif "Drop" in names:
        complete = _kind(node) in _COMPLETE_OBJECTS | {"EXTENSION"}
    elif "Alter" in names or "AlterTable" in names:
        complete = bool(node.args.get("actions"))
    else:
        complete = False
    return "complete" if complete else "incomplete"


def _assignments_hole(item: exp.Expr) -> bool:
    """A hole in a SET list (`UPDATE users SET ${fields} WHERE id = $1`): assignments built at run time."""
    from sqlglot import exp

    return isinstance(item, exp.Column) and not item.table and bool(_HOLE_NAME.fullmatch(item.name))


def _statement_label(node: exp.Expr, explain: bool) -> str:
    if explain:
        return "EXPLAIN"
    names = _class_names(node)
    if "Select" in names or "SetOperation" in names or "Union" in names:
        return "SELECT"
    if "TruncateTable" in names:
        return "TRUNCATE"
    for verb in ("Create", "Drop", "Alter"):
        if verb in names:
            return f"{verb.upper()} {_kind(node)}".strip()
    return type(node).__name__.upper()


def _owner_kind(table: exp.Table) -> str:
    """Kind of the nearest enclosing CREATE/DROP/ALTER (`TABLE`, `INDEX`, `CONSTRAINT`…), else `TABLE`."""
    parent = table.parent
    while parent is not None:
        if _class_names(parent) & _DDL_ROOTS:
            return _kind(parent) or "TABLE"
        parent = parent.parent
    return "TABLE"


def _table_nodes(node: exp.Expr) -> Iterator[exp.Table]:
    """The Table nodes of one root that name tables touched, not index, constraint or schema names."""
    from sqlglot import exp

    for table in node.find_all(exp.Table):
        kind = _owner_kind(table)
        on_index = kind == "INDEX" and isinstance(table.parent, exp.Index) and table.arg_key == "table"
        if kind in _TABLE_OBJECTS or on_index:  # an index's opclass may parse as a Table too
            yield table


def _tables(roots: list[exp.Expr]) -> tuple[str, ...]:
    from sqlglot import exp

    found: list[tuple[int, int, str, str]] = []  # (root, position, name as written, identity)
    for number, root in enumerate(roots):
        ctes = {cte.alias_or_name.lower() for cte in root.find_all(exp.CTE)}
        for order, table in enumerate(_table_nodes(root)):
            parts = table.parts
            names = [part.name for part in parts]
            name = ".".join(names)
            if not name or any(not part or _SYNTHETIC_NAME.search(part) for part in names):
                continue  # a function in FROM, or a hole / knex `??` in table position
            if len(parts) == 1 and name.lower() in ctes:
                continue
            start = table.this.meta.get("start") if isinstance(table.this, exp.Expr) else None
            found.append((number, start if isinstance(start, int) else order, name, _identity(parts)))
    first: dict[str, str] = {}
    for _, _, name, identity in sorted(found):
        first.setdefault(identity, name)
    return tuple(first.values())


def _identity(parts: list[exp.Expr]) -> str:
    """Which table a name means: a quoted identifier is case-sensitive, an unquoted one is not (`Users`
    and `users` are one table, `"Users"` another)."""
    return ".".join(part.name if part.args.get("quoted") else part.name.lower() for part in parts)


def _dialects(hint: str | None) -> tuple[str, ...]:
    first = _DIALECT_ALIASES.get(hint.lower(), hint.lower()) if hint else None
    return tuple(dict.fromkeys(([first] if first is not None else []) + list(_DIALECT_ORDER)))


def _parse(sql: str, text: str, hint: str | None, label: str, explain: bool) -> SqlString:
    import sqlglot

    _quiet_sqlglot()
    command_dialect: str | None = None
    for dialect in _dialects(hint):
        try:
            roots = [root for root in sqlglot.parse(sql, read=dialect or None) if root is not None]
        except Exception:  # any parser failure on arbitrary text is a verdict, not a crash
            continue
        verdicts = [_root_verdict(root) for root in roots]
        if "incomplete" in verdicts or not verdicts:
            continue
        if "complete" in verdicts:
            first = roots[verdicts.index("complete")]
            return SqlString(
                SqlKind.STATEMENT,
                _display(text),
                _statement_label(first, explain),
                _tables(roots),
                dialect or "default",
            )
        if "command" in verdicts and command_dialect is None:
            command_dialect = dialect or "default"
    if command_dialect is not None:
        return SqlString(SqlKind.COMMAND, _display(text), label, (), command_dialect)
    return SqlString(SqlKind.FRAGMENT, _display(text), label)


def _prefilter(text: str) -> re.Match[str] | None:
    """The first strong SQL form at the start of one of the first statements. Each attempt scans at most
    the rest of the string once, so the cost is linear (a search from every `;` of `SELECT x; ` repeated
    100,000 times was quadratic)."""
    starts = itertools.chain(
        (0,), itertools.islice((m.start() for m in _SEMICOLON.finditer(text)), _MAX_STATEMENT_STARTS)
    )
    for start in starts:
        match = _PREFILTER.match(text, start)
        if match is not None and match.lastgroup is not None:
            return match
    return None


_SEMICOLON = re.compile(";")
_ROW_END = re.compile(r"\)\s*,")


def _window(text: str) -> str:
    """The start of an over-long string that is classified: up to the last statement end in reach, else
    the last complete row of a VALUES list, else the first MAX_CLASSIFIED_CHARS characters."""
    head = text[:MAX_CLASSIFIED_CHARS]
    end = head.rfind(";")
    if end > 0:
        return head[: end + 1]
    rows = [m.start() for m in _ROW_END.finditer(head, max(0, len(head) - 4096))]
    return head[: rows[-1] + 1] if rows else head


def _classify_long(text: str, hint: str | None, at_sink: bool) -> SqlString:
    """An over-long string, classified on its window (not cached: the cache would keep every such string)."""
    result = _classify(_window(text), hint, at_sink)
    kind, label = result.kind, result.statement
    if kind is SqlKind.FRAGMENT and at_sink:  # complete past the cut, as far as can be told
        kind = SqlKind.STATEMENT
    return SqlString(kind, _display(text), label, result.tables, result.dialect, truncated=True)


@lru_cache(maxsize=2048)
def _classify(text: str, hint: str | None, at_sink: bool) -> SqlString:
    match = _prefilter(text)
    if match is None:
        if not _trivial(text):
            return SqlString(SqlKind.NOT_SQL, _display(text))
        if not at_sink:  # saleor has a bare 'commit' that is no SQL at all
            return SqlString(SqlKind.NOT_SQL, _display(text))
        return SqlString(SqlKind.TRIVIAL, _display(text), text.split()[0].upper().rstrip(";"))
    group = match.lastgroup or ""  # _prefilter returns only matches of a named form
    verb_at = match.start(group)
    verb = text[verb_at : verb_at + len(group)]
    if _is_title_case(verb) or _has_prose_words(text):
        return SqlString(SqlKind.NOT_SQL, _display(text))
    sql = text
    if match.lastgroup == "replace":  # MySQL/SQLite REPLACE INTO parses as a Command; read it as an INSERT
        sql = f"{text[:verb_at]}INSERT{text[verb_at + len('REPLACE') :]}"
    elif match.lastgroup == "explain":  # classify the explained statement
        sql = text[match.end() :]
    label = _form_label(match)
    explain = match.lastgroup == "explain"
    normalised = _normalise(sql)
    result = recalled(
        (normalised, text, hint, label, explain), lambda: _parse(normalised, text, hint, label, explain)
    )
    if result.kind is SqlKind.FRAGMENT and (
        _CLAUSE_HOLE.search(normalised) or _SELECT_LIST_HOLE.search(normalised)
    ):
        # read without the clauses, the select list's tail, or both: complete then, the statement is complete
        # whatever they are
        listed = _SELECT_LIST_HOLE.sub("", normalised)
        unclaused = _CLAUSE_HOLE.sub("", normalised)
        for bare in dict.fromkeys(
            (unclaused, listed, _CLAUSE_HOLE.sub("", listed), *_clauses_off(unclaused))
        ):
            if bare == normalised:
                continue
            retried = recalled(
                (bare, text, hint, label, explain), partial(_parse, bare, text, hint, label, explain)
            )
            if retried.kind is SqlKind.STATEMENT:
                result = retried
                break
    if match.lastgroup == "replace" and result.kind is SqlKind.STATEMENT:
        return SqlString(result.kind, result.text, "REPLACE", result.tables, result.dialect)
    return result


def _clauses_off(sql: str) -> Iterator[str]:
    """`FROM {table} {where_sql} {order_sql} {page_sql}`: clauses built at run time, one hole each, in a
    row. `_CLAUSE_HOLE` drops only the last of a run (the others are followed by a hole, not a clause), so
    the run is dropped from its end one hole at a time (at most `_MAX_CLAUSE_HOLES`), each text a retry:
    the first that parses complete is the verdict, before the table's own hole would go."""
    for _ in range(_MAX_CLAUSE_HOLES):
        shorter = _CLAUSE_HOLE.sub("", sql)
        if shorter == sql:
            return
        sql = shorter
        yield sql


def classify(written: Text, *, dialect: str | None = None, at_sink: bool = False) -> SqlString:
    """Classify one string (a `Template` when parts of it are computed).

    `dialect` is a hint (a sqlglot dialect name such as `postgres`, `sqlite`, `mysql`, `tsql`), tried
    first. `at_sink` says the string is given to a known raw-SQL call, which alone makes a trivial
    statement such as `COMMIT` or `SELECT 1` count as SQL. A string over MAX_CLASSIFIED_CHARS is
    classified on its start (`truncated` in the result).
    """
    text = rendered(written, _HOLE)
    if len(text) > MAX_CLASSIFIED_CHARS:
        return _classify_long(text, dialect, at_sink)
    return _classify(text, dialect, at_sink)
