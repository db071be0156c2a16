"""Raw SQL: the statement or piece one sink call is handed (`raw_sql`), read by the string classifier
(cdverify/sql, sqlglot imported only when a candidate string needs it), and the statements of
hand-written `.sql` files (`sql_file_statements`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.orm.catalogue import Sink, bootstrap_statements, startup_schema
from cdverify.detect.orm.report import Purpose, RawKind, RawSql, where
from cdverify.model import CallFact, FileFacts, Scope, Template, Text, Value, rendered, scope_start, shown
from cdverify.rules_schema import OrmLibraries, Sinks

if TYPE_CHECKING:
    from cdverify.sql import SqlString

_SQL_NAME = re.compile(r"^--\s*name:\s*(\S+)", re.M)
_PLACEHOLDER = re.compile(r"\s*(?:\?\??|\$\d+|:\w+|@\w+|%s|%\(\w+\)s)\s*")  # a bound value alone
# `article.created`, `user`, `${alias}.createdAt` (a hole stands for a name: it is read as `_`)
_FORMAT_FIELD = re.compile(r"(\{\{|\}\}|\{[^{}]*\})")  # a `str.format` field, or a doubled brace
_PERCENT_FIELD = re.compile(r"(%%|%(?:\d+\$)?[A-Za-z])")  # a `%` placeholder of pg-format, `util.format`
_COLUMN_PATH = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
# the text of `INSERT INTO books ${values}` before its first hole: the verb, the table, perhaps its columns
_INSERT_HEAD = re.compile(
    r"\s*(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+[\w$.`\"]+\s*(?:\([^()]*\)\s*)?(?:VALUES|SET)?\s*",
    re.IGNORECASE,
)


def sql_file_statements(path: str, text: str, scope: Scope) -> list[RawSql]:
    """Statements of a hand-written `.sql` file, one per aiosql `-- name:` block (or per `;`)."""
    from cdverify.sql.classify import classify

    blocks: list[tuple[int, str, str]] = []  # (line, name, text)
    marks = list(_SQL_NAME.finditer(text))
    if marks:
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            body = text[mark.end() : end]
            line = text.count("\n", 0, mark.end()) + 2
            blocks.append((line, mark.group(1), body))
    else:
        start = 0
        for piece in text.split(";"):
            if piece.strip():
                offset = start + len(piece) - len(piece.lstrip())
                blocks.append((text.count("\n", 0, offset) + 1, "", piece))
            start += len(piece) + 1
    names = load_rules(OrmLibraries).sql_files
    out = []
    for line, name, body in blocks:
        statement = "\n".join(row for row in body.splitlines() if not row.strip().startswith("--")).strip()
        if not statement:
            continue
        result = classify(statement, at_sink=True)
        if not result.is_sql:
            continue
        api = f"{names.named} {name}" if name else names.unnamed
        flat = " ".join(statement.split())
        out.append(
            RawSql(
                path,
                line,
                1,
                api,
                flat[:200],
                flat,
                RawKind(result.kind.value),
                result.statement.upper(),
                result.tables,
                where(scope),
            )
        )
    return out


def at(call: CallFact) -> tuple[int, int]:
    """Where a finding on the call is reported: at the called name (`.whereRaw(` in a chain)."""
    return call.at or (call.line, call.col)


def with_enclosing(
    assigned: Mapping[tuple[str, str], Value], file_facts: FileFacts, scopes: Iterable[str]
) -> Mapping[tuple[str, str], Value]:
    """`assigned` ((function, name) → value), where each of `scopes` (the functions sink calls are in) also
    sees the names the functions around it bind and it does not: a callback written where it is handed
    (`sqlite.transaction(() => { sqlite.exec(sql) })`) reads the `sql` its enclosing function assigned. The
    function around a callback is the one the statement on the callback's first line is in, when that is
    one function (facts name a function by its first line, `function@35`), or the one the facts say it is
    written in (`FileFacts.enclosing`: `return new Promise((resolve) => { db.run(sql, …) })`, on a line
    holding no other fact). A parameter of the callback of the same name (`(sql) => db.exec(sql)`) hides
    the enclosing function's."""
    params = {function.scope: set(function.params) for function in file_facts.functions}
    written_in = dict(file_facts.enclosing)
    at_line: dict[int, set[str]] = {}
    placed = [(a.line, a.scope) for a in file_facts.assignments]
    placed += [(c.line, c.scope) for c in file_facts.calls]
    for line, function in placed:
        if function:
            at_line.setdefault(line, set()).add(function)
    extra: dict[tuple[str, str], Value] = {}
    for scope in set(scopes):
        seen, current = {scope}, scope
        while (start := current.rpartition("@")[2]).isdigit():
            around = at_line.get(int(start), set()) - seen
            if len(around) != 1:
                around = {written_in[current]} - seen if current in written_in else set()
            if len(around) != 1:
                break
            current = around.pop()
            seen.add(current)
            hidden = set().union(*(params.get(inner, ()) for inner in seen - {current}))
            for (function, name), value in assigned.items():
                if function == current and (scope, name) not in assigned and name not in hidden:
                    extra.setdefault((scope, name), value)
    return {**assigned, **extra} if extra else assigned


def sql_argument(call: CallFact, sink: Sink) -> Value | None:
    if sink.first_item and (first := handed_first(call, sink)) is not None:
        return first  # `fetchall(dbc, ("SELECT …", (id,)))` of `dbc.execute(*sql_and_args)`
    value = call.args[sink.arg] if sink.arg < len(call.args) else None
    if (value is None or not value.strings) and sink.keys:
        # `pool.query({ text: "SELECT …", values })`, `fetch_all(query="SELECT …")`; a variable holding a
        # query-config object (`const queryConf = { text: "SELECT …", values }; pool.query(queryConf)`):
        # the object's entries are the call's (parse/jsvalues.py `objects_of`)
        keyed = call.kwarg(*sink.keys)
        if value is None or value.empty or (keyed is not None and keyed.strings):
            value = keyed or value
    return value


def handed_first(call: CallFact, sink: Sink) -> Value | None:
    """The first item of the tuple or list a call writes at the sink's argument position, if it writes one."""
    return next((value for position, value in call.firsts if position == sink.arg), None)


def statement_formats(file_facts: FileFacts) -> dict[tuple[str, int], Value]:
    """The format strings of the file's calls of a formatter (rules/orm/sinks.toml `formatters`: pg-format's
    `format('SELECT * FROM %I WHERE id = %L', table, id)`), by the call's function and line, each `%`
    placeholder a hole (`SELECT * FROM {…} WHERE id = {…}`): the statement the call returns. The templates
    of the file's statement tags (`statement_tags`: `SQL`DELETE FROM notes WHERE id = ${id}``) too."""
    sinks = load_rules(Sinks)
    formatters, tags = frozenset(sinks.formatters), frozenset(sinks.statement_tags)
    out: dict[tuple[str, int], Value] = {}
    for call in file_facts.calls:
        if not call.args or not call.args[0].strings:
            continue
        if f"{call.callee}()" in formatters:
            strings = tuple(_percent_holes(text) for text in call.args[0].strings)
            out.setdefault((call.scope, call.line), call.args[0]._replace(strings=strings))
        elif call.callee in tags:  # `SQL`SELECT … ${id}``: the template as written, each hole a value
            out.setdefault((call.scope, call.line), call.args[0])
    return out


def runner_callbacks(file_facts: FileFacts) -> frozenset[str]:
    """The functions (`name@line`, as `FunctionFact.scope` names them) the file hands a migration runner as
    the callbacks it runs its own SQL with (rules/orm/sinks.toml `runner_callbacks`: `new Postgrator({
    execQuery: async (query) => client.query(query) })`): an option of that name of the runner's call,
    written below the call (the nearest runner call above the function's first line)."""
    keys = load_rules(Sinks).runner_callbacks
    runners = [(call.line, keys[call.callee]) for call in file_facts.calls if call.callee in keys]
    if not runners:
        return frozenset()
    out = set()
    for function in file_facts.functions:
        start = scope_start(function.scope)
        if start < 0:
            continue
        above = [(line, names) for line, names in runners if line <= start]
        if above and function.name in max(above)[1]:
            out.add(function.scope)
    return frozenset(out)


def with_formats(
    assigned: Mapping[tuple[str, str], Value], file_facts: FileFacts, formats: Mapping[tuple[str, int], Value]
) -> Mapping[tuple[str, str], Value]:
    """`assigned`, where a name the formatter's result alone is bound to (`const q = format('DELETE FROM %I
    WHERE id = %L', table, id)`, the binding `assigned` keeps) holds the statement written
    (`statement_formats`)."""
    if not formats:
        return assigned
    out = dict(assigned)
    for assignment in file_facts.assignments:
        value, slot = assignment.value, (assignment.scope, assignment.key)
        written = formats.get((assignment.scope, assignment.line))
        if written is not None and assigned.get(slot) is value and _formatted(value):
            out[slot] = written
    return out


def _formatted(value: Value) -> bool:
    """The value is only a formatter's result (`format(…)` of pg-format) or a statement tag's
    (`SQL`…``)."""
    sinks = load_rules(Sinks)
    made = (*sinks.formatters, *(f"{tag}()" for tag in sinks.statement_tags))
    return _built_object(value) and all(callee in made for callee in value.calls)


def _percent_holes(text: Text) -> Text:
    """A format string (`SELECT * FROM %I WHERE id = %L`) with each placeholder a hole and `%%` a `%`."""
    if isinstance(text, Template):
        return text
    pieces = [""]
    for part in _PERCENT_FIELD.split(text):
        if part == "%%":
            pieces[-1] += "%"
        elif _PERCENT_FIELD.fullmatch(part):
            pieces.append("")
        else:
            pieces[-1] += part
    return Template(tuple(pieces)) if len(pieces) > 1 else pieces[0]


def raw_sql(
    path: str,
    scope: Scope,
    call: CallFact,
    sink: Sink,
    assigned: Mapping[tuple[str, str], Value],
    sql_text: bool = False,
    formats: Mapping[tuple[str, int], Value] | None = None,
) -> RawSql | None:
    """The finding on one sink call. `sql_text`: the argument is known to be SQL text (it is handed to a
    helper that runs it), so a value read from elsewhere is dynamic SQL, never a query object. `formats`:
    the statements the file writes through a formatter (`statement_formats`), for one handed to the sink as
    it is made (`client.query(format('SELECT … %I', table))`)."""
    from cdverify.sql.classify import SqlKind, classify

    value = sql_argument(call, sink)
    if value is None:
        return None
    if formats and _formatted(value):  # the one formatter call on the sink's line (facts may not scope it)
        made = [written for (_scope, line), written in formats.items() if line == call.line]
        value = made[0] if len(made) == 1 else value
    if not value.strings:  # `sql = "SELECT …"; cursor.execute(sql)`: the string assigned in this file
        # assigned in the same function, or at module level: never another function's local
        bound = [v for n in value.names for scope in (call.scope, "") if (v := assigned.get((scope, n)))]
        if bound and all(_read_from_file(v) for v in bound):
            return None  # `sql = fs.readFileSync(file); db.exec(sql)`: a `.sql` file's statements
        if bound and not sql_text and all(_built_object(v) for v in bound):
            return None  # `query = todos.select().where(…); database.fetch_all(query)`: as given inline
        value = next((v for v in bound if v.strings), value)
    value = _on_base(value, call.scope, assigned)
    shown_scope = where(scope)
    candidates = [s for s in value.strings if isinstance(s, Template) or s.strip()]
    if sink.format_holes:  # `sql.SQL("INSERT INTO {} …")`: `{}` is an identifier `.format(…)` fills in
        candidates = [_format_holes(s) for s in candidates]
    if candidates and all(isinstance(s, str) and _PLACEHOLDER.fullmatch(s) for s in candidates):
        return None  # `knex.raw("?", [userId])` binds a value: no SQL is written
    if sink.expressions_only:  # `orderBy("article.created")` names a column: only an expression is SQL
        candidates = [s for s in candidates if not _COLUMN_PATH.fullmatch(rendered(s, "_").strip())]
        if not candidates:
            return None
    if not candidates:
        literal = sink.untraced or sink.literals_only or sink.format_holes
        if literal or value.empty or (value.calls and not sql_text):
            return None  # a query object built some other way (`select(User)`, `text(…)` already seen)
        read = value.text or ", ".join(value.names) or ", ".join(value.calls)
        return RawSql(path, *at(call), sink.name, call.text, read, RawKind.DYNAMIC, "", (), shown_scope)
    if sink.mixed and not any(classify(t, at_sink=True).is_sql for t in candidates):
        sql = shown(candidates[0])  # `sql` tags hold pieces as often as statements
        return RawSql(path, *at(call), sink.name, call.text, sql, RawKind.FRAGMENT, "", (), shown_scope)
    if sink.fragment:  # the API only takes SQL: whatever the string is, it is a piece of SQL
        sql = shown(candidates[0])
        return RawSql(path, *at(call), sink.name, call.text, sql, RawKind.FRAGMENT, "", (), shown_scope)
    best = None
    written: Text = ""
    for text in candidates:
        result = classify(text, at_sink=True)
        if result.kind is SqlKind.NOT_SQL:
            continue
        if best is None or (best.kind is SqlKind.FRAGMENT and result.kind is not SqlKind.FRAGMENT):
            best, written = result, text
    if best is None or (
        (sink.untraced or sink.format_holes) and not _complete(best) and not _rows_interpolated(best, written)
    ):
        # on an untraced object only a complete statement is evidence enough; of psycopg's composable
        # pieces (`sql.SQL(", ")`, `sql.SQL("WHERE {} = %s")`) only a complete statement is written SQL
        return None
    kind = RawKind(best.kind.value)
    if sink.fragment or (sink.mixed and kind is RawKind.FRAGMENT):
        kind = RawKind.FRAGMENT
    elif kind is RawKind.FRAGMENT and isinstance(written, Template):
        # a statement sink runs it whole: the computed parts complete it (`INSERT INTO ${table} ${values}`)
        kind = RawKind.DYNAMIC
    elif kind is RawKind.FRAGMENT:
        # a statement sink runs it whole, as written: a verb and its partner the parser cannot complete
        # (`select * from otps where email=? and otp=? expires_at > now()`, an AND left out) is a statement
        # the database will reject, still SQL written by hand — no piece of a query builder's
        kind = RawKind.STATEMENT
    statement = best.statement.upper()
    purpose = None
    if statement.startswith(bootstrap_statements()) or startup_schema(statement, call.scope):
        purpose = Purpose.BOOTSTRAP
    elif best.kind is SqlKind.TRIVIAL and statement.startswith("SELECT") and not best.tables:
        purpose = Purpose.HEALTH_CHECK
    sql = shown(written)
    return RawSql(
        path, *at(call), sink.name, call.text, sql, kind, statement, best.tables, shown_scope, purpose
    )


def settled(item: RawSql, sink: Sink) -> RawSql:
    """The site as recorded once no caller holds its SQL: a value cdverify cannot read (dynamic) that
    reaches a builder's raw clause (`whereRaw(filter)`, `filter` assembled at run time) is a piece of a
    statement, as any string there is (`fragment` sinks), not a statement built at run time."""
    if sink.fragment and item.kind is RawKind.DYNAMIC:
        return item._replace(kind=RawKind.FRAGMENT)
    return item


def _on_base(value: Value, scope: str, assigned: Mapping[tuple[str, str], Value]) -> Value:
    """`query = base_query + " ORDER BY name"`, `` `${SELECT_TODO} WHERE id = ?` ``: a statement extended
    from a variable holding its start, that variable assigned a string in the same function or at module
    level; the leading hole (blank text before it aside) is filled with that string (`SELECT … ORDER BY
    name`), as the statement runs."""
    leading = [t for t in value.strings if isinstance(t, Template) and not t.head.strip()]
    name = _leading_name(value)
    if not leading or name is None:
        return value
    base = next((v for s in (scope, "") if (v := assigned.get((s, name))) is not None), None)
    if base is None or base is value or not base.strings:
        return value
    strings: list[Text] = []
    for text in value.strings:
        if isinstance(text, Template) and not text.head.strip():
            strings.extend(_joined(start, text) for start in base.strings)
        else:
            strings.append(text)
    # a template literal's substitutions: the first is now written in
    parts = value.parts[1:] if value.parts and all(isinstance(s, str) for s in base.strings) else ()
    return value._replace(strings=tuple(strings), parts=parts)


def _leading_name(value: Value) -> str | None:
    """The variable in the value's leading hole: the first name of a concatenation (`base_query + "…"`),
    or a template literal's first substitution when that is a variable alone (`${SELECT_TODO}`, JS)."""
    if value.parts:
        first = value.parts[0]
        alone = len(value.strings) == 1 and isinstance(value.strings[0], Template)
        only_name = len(first.names) == 1 and not (first.strings or first.calls or first.env)
        return first.names[0] if alone and only_name else None
    return value.names[0] if value.names else None


def _joined(start: Text, rest: Template) -> Text:
    """`start` written into the leading hole of `rest`."""
    pieces = list(start.pieces if isinstance(start, Template) else (start,))
    pieces[0] = rest.head + pieces[0]
    pieces[-1] += rest.pieces[1]
    joined = (*pieces, *rest.pieces[2:])
    return Template(joined) if len(joined) > 1 else joined[0]


def _format_holes(text: Text) -> Text:
    """A `str.format` template (psycopg's `sql.SQL("SELECT {} FROM {table}")`) with each replacement
    field (`{}`, `{0}`, `{table}`) a hole and each doubled brace (`{{`, `}}`) one brace."""
    if isinstance(text, Template):
        return text
    pieces = [""]
    for part in _FORMAT_FIELD.split(text):
        if part in ("{{", "}}"):
            pieces[-1] += part[0]
        elif part.startswith("{"):
            pieces.append("")
        else:
            pieces[-1] += part
    return Template(tuple(pieces)) if len(pieces) > 1 else pieces[0]


def _read_from_file(value: Value) -> bool:
    """The value is only what calls of `file_reads` (rules/orm/sinks.toml) return: a file's text."""
    reads = load_rules(Sinks).file_reads
    return bool(value.calls) and all(call in reads for call in value.calls) and not value.names


def _built_object(value: Value) -> bool:
    """The value is only a call's result, no string nor variable in it (`todos.select().where(todos.c.id ==
    todo_id)`, `select(User)`): a query object some other API built, as when the call is the sink's argument
    itself — not SQL written here."""
    return bool(value.calls) and not (value.strings or value.names or value.env)


def _rows_interpolated(found: SqlString, written: Text) -> bool:
    """`INSERT INTO books ${values}`, `INSERT INTO books SET ${fields}`: an insert into a named table whose
    columns and rows are computed, the rest of the template after it. A complete statement once the
    values are in, which no other kind of string starts with."""
    return (
        isinstance(written, Template)
        and found.statement.upper() in ("INSERT", "REPLACE")
        and _INSERT_HEAD.fullmatch(written.pieces[0]) is not None
    )


def _complete(found: SqlString) -> bool:
    """A complete statement: parsed DML/DDL, an opaque command, or a table-less `SELECT` (`SELECT 1`,
    `SELECT pg_advisory_xact_lock($1)`), which no other kind of string starts with (`BEGIN`, `END` or `SET`
    alone may be words of anything)."""
    from cdverify.sql import SqlKind

    if found.kind is SqlKind.TRIVIAL:
        return found.statement.upper() == "SELECT"
    return found.kind in (SqlKind.STATEMENT, SqlKind.COMMAND)


def run_of_bound(built: CallFact, file_facts: FileFacts) -> CallFact | None:
    """The call that runs a statement object `built` made and bound to a name (`query = text("SELECT …")`,
    `const query = sql\\`…\\``): the first later call handing that name on first, in the same function or in
    one written after the statement (a handler registered below it: `app.get("/health", async () => { await
    db.execute(query) })`), with no other statement bound to the name in between. None when the result is
    bound to no name or nothing hands the name on; a function taking a parameter of that name runs its own."""
    name = built.target
    if not name or not built.scope:
        return None
    taking = {function.scope for function in file_facts.functions if name in function.params}
    later = sorted((c for c in file_facts.calls if c.line > built.line), key=lambda c: (c.line, c.col))
    for call in later:
        if call.target == name and call.callee == built.callee:
            return None  # the name is bound to another statement first
        if (
            call.args
            and call.args[0].names == (name,)
            and call.scope not in taking
            and _inside(call.scope, built)
        ):
            return call
    return None


def _inside(scope: str, built: CallFact) -> bool:
    """`scope` is the function `built` is in, or one starting after it (a nested callback)."""
    if scope == built.scope:
        return True
    _name, _at, line = scope.rpartition("@")
    return line.isdigit() and int(line) >= built.line
