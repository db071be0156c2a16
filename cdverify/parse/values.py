"""The facts and values both grammars' scanners build: the `Code` a file yields, call and assignment facts,
the file's helper functions (`passing_functions`), the untraced SQL calls kept, and how `Value`s combine
(`merge`, `concat`, `rewritten`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import NamedTuple

from tree_sitter import Node

from cdverify.model import (
    Assignment,
    Callee,
    CallFact,
    EnvHelper,
    FunctionFact,
    Member,
    Stop,
    Text,
    Value,
    joined,
    shown,
)
from cdverify.parse.sharing import shared, shared_tuple, shared_value
from cdverify.parse.treesitter import one_line, text


class Code(NamedTuple):
    """A file's code facts, as the scanners return them."""

    calls: tuple[CallFact, ...]
    assignments: tuple[Assignment, ...]
    urls: tuple[tuple[int, Text], ...]
    exports: tuple[tuple[str, str], ...]
    classes: tuple[tuple[str, tuple[str, ...], int], ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    functions: tuple[FunctionFact, ...] = ()
    local_calls: tuple[CallFact, ...] = ()
    objects: tuple[tuple[str, str], ...] = ()
    stops: tuple[Stop, ...] = ()
    members: tuple[Member, ...] = ()
    env_helpers: tuple[EnvHelper, ...] = ()
    runs: tuple[str, ...] = ()  # JS: names called by themselves at module level (`main()`)
    declared: tuple[str, ...] = ()  # JS: exported names the module declares itself
    exporting: bool = False  # JS: the module exports anything
    free_calls: tuple[CallFact, ...] = ()  # JS: calls of names the file does not bind, handed SQL
    steps: tuple[tuple[str, str], ...] = ()  # (function, name) a function calls by itself
    default_function: str = ""  # JS: the scope of the function the module exports as its default
    unbound: tuple[tuple[str, int, int], ...] = ()  # Python: names read at import that nothing binds
    defines: tuple[str, ...] | None = None  # Python: the names the module may bind at module level
    at_import: tuple[str, ...] = ()  # Python: names called by themselves at module level (`validate()`)
    sure_gets: tuple[tuple[int, int], ...] = ()  # JS: `….get("key")` calls surely made where they are
    decorators: tuple[str, ...] = ()  # Python: traced names of bare decorators (`@sio.event`)
    collections: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # JS: arrays and Maps records are kept in
    enclosing: tuple[tuple[str, str], ...] = ()  # JS: (function, the function it is written in)


def call_fact(
    node: Node,
    callee: str,
    args: tuple[Value, ...],
    kwargs: tuple[tuple[str, Value], ...],
    *,
    new: bool,
    guard: Value | None,
    receiver: str,
    target: str,
    scope_of: Callable[[Node], str],
    decorates: str = "",
    scoped: bool = False,
    firsts: tuple[tuple[int, Value], ...] = (),
) -> CallFact:
    """The fact of one traced call. Its enclosing function is recorded only when the arguments name
    variables, whose values are then looked up in that function, or hold strings (a statement's purpose
    depends on the function it runs in: `CREATE TABLE` in `init_db`), or when `scoped` (a call throwing on
    an unset variable: whether it runs at module level decides)."""
    names = scoped or any(v.names or v.strings for v in args) or any(v.names or v.strings for _, v in kwargs)
    row, column = node.start_point
    return CallFact(
        shared(callee),
        row + 1,
        column + 1,
        one_line(node),
        shared_tuple(tuple(map(shared_value, args))),
        shared_tuple(tuple(shared_tuple((shared(key), shared_value(value))) for key, value in kwargs)),
        new,
        guard if guard is None else shared_value(guard),
        shared(receiver),
        shared(target),
        shared(scope_of(node)) if names else "",
        _name_at(node, row),
        shared(decorates),
        tuple((position, shared_value(value)) for position, value in firsts) if firsts else (),
    )


def entry_assignment(key: str, value: Value, entry: Node, scope: str, branch: str = "") -> Assignment:
    """One entry of an assigned dict / object literal, at the entry's own line and column and shown as
    written (`"ENGINE": "django.db.backends.sqlite3"`), not as the whole assignment statement."""
    row, column = entry.start_point
    return Assignment(
        shared(key), shared_value(value), row + 1, column + 1, one_line(entry), shared(scope), shared(branch)
    )


def local_call_fact(
    node: Node,
    callee: str,
    args: tuple[Value, ...],
    kwargs: tuple[tuple[str, Value], ...],
    scope_of: Callable[[Node], str],
    firsts: tuple[tuple[int, Value], ...] = (),
) -> CallFact:
    """A call of the file's own function (`query(…)`, `self.run(…)`): what it hands over, where, and the
    enclosing function when it hands over names (they may be that function's parameters)."""
    return call_fact(
        node,
        callee,
        args,
        kwargs,
        new=False,
        guard=None,
        receiver="",
        target="",
        scope_of=scope_of,
        firsts=firsts,
    )


def passing_functions(
    nodes: Iterable[Node],
    key_of: Callable[[Node], str],
    describe: Callable[[Node], tuple[FunctionFact, bool] | None],
    calls: list[CallFact],
    pending: list[tuple[Node, Node]],
    callee_of: Callable[[Node], str],
    local_call: Callable[[Node, str], CallFact | None],
    depth: int = 3,
) -> tuple[list[FunctionFact], list[CallFact]]:
    """The file's functions that hand one of their parameters to a call (a traced call, or a call of
    another such function of the file, a few levels deep), and the file's calls of them. Only these
    may run SQL they are given, so nothing else is described: most files cost one pass over `calls`.

    `nodes` are the function nodes, `key_of` names one as `CallFact.scope` does, `describe` gives its
    fact and whether a bare name calls it; `pending` are (call node, callee node) of calls that may be
    of the file's own functions, `callee_of` writes a callee (`query`, `self.query`, "" for anything
    else) and `local_call` makes the fact of such a call."""
    if not any(call.scope for call in calls):
        return [], []
    by_key: dict[str, Node] = {}
    spans: dict[tuple[int, int], str] = {}
    for node in nodes:
        by_key.setdefault(key_of(node), node)
        spans.setdefault((node.start_byte, node.end_byte), key_of(node))
    described: dict[str, tuple[FunctionFact, bool] | None] = {}
    # a function → the functions in it that hand on its parameters, with those parameters
    closures: dict[str, dict[str, set[str]]] = {}

    def passing(facts: Iterable[CallFact]) -> set[str]:
        out = set()
        for fact in facts:
            if not fact.scope or fact.scope not in by_key:
                continue
            names = {name for value in (*fact.args, *(v for _, v in fact.kwargs)) for name in value.names}
            key, used = _handing(fact.scope, names, by_key, spans, described, describe)
            if key:
                out.add(key)
                if key != fact.scope:
                    closures.setdefault(key, {}).setdefault(fact.scope, set()).update(used)
        return out

    keys = passing(calls)
    local_calls: list[CallFact] = []
    done: set[int] = set()
    callees: list[str] | None = None
    new = set(keys)
    for _ in range(depth):
        if not new:
            break
        bare: set[str] = set()  # called by name: `query(…)`
        methods: set[str] = set()  # called on `self` / `this`
        for key in new:
            entry = described[key]
            if entry is not None:
                function, by_name = entry
                (methods if function.owner else bare if by_name else set()).add(function.name)
        if not (bare or methods):
            break  # nothing of the file's own is called through these functions
        if callees is None:  # how each pending call is written, read once for every round
            callees = [callee_of(callee_node) for _, callee_node in pending]
        found = []
        for index, (node, _) in enumerate(pending):
            if index in done:
                continue
            callee = callees[index]
            name = callee.rsplit(".", 1)[-1]
            if name in (methods if "." in callee else bare):
                done.add(index)
                fact = local_call(node, callee)
                if fact is not None:
                    found.append(fact)
        local_calls.extend(found)
        new = passing(found) - keys
        keys |= new
    local_calls.sort(key=lambda call: (call.line, call.col))
    functions = [
        d[0]._replace(
            closures=tuple((inner, tuple(sorted(used))) for inner, used in sorted(closures[k].items()))
        )
        if k in closures
        else d[0]
        for k in sorted(keys)
        if (d := described[k]) is not None
    ]
    return functions, local_calls


def _handing(
    scope: str,
    names: set[str],
    by_key: Mapping[str, Node],
    spans: Mapping[tuple[int, int], str],
    described: dict[str, tuple[FunctionFact, bool] | None],
    describe: Callable[[Node], tuple[FunctionFact, bool] | None],
) -> tuple[str, set[str]]:
    """The function whose parameters a call in `scope` hands on, and those parameters: the function it
    is in, or one around it whose parameter it uses (a closure: `function execute(sql) {
    pool.getConnection((err, conn) => conn.query(sql)) }`), past the parameters of the functions between,
    which hide the outer ones; "" for none."""
    node: Node | None = by_key[scope]
    key = scope
    for _ in range(_CLOSURE_DEPTH):
        if not names or node is None:
            return "", set()
        if key not in described:
            described[key] = describe(node)
        function = described[key]
        params = function[0].params if function is not None else parameter_names(node)
        if function is not None and (used := names.intersection(params)):
            return key, used
        names = names.difference(params)  # a parameter of an inner function hides the outer one's
        node = node.parent
        while node is not None and (node.start_byte, node.end_byte) not in spans:
            node = node.parent
        key = spans[(node.start_byte, node.end_byte)] if node is not None else ""
    return "", set()


def _name_at(call: Node, row: int) -> tuple[int, int] | None:
    """(line, col) of the name a call calls (`where` in `qb\n  .where(…)`) when it is on a later line."""
    if call.end_point[0] == row:
        return None
    function = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    if function is None:
        return None
    name = function.child_by_field_name("property") or function.child_by_field_name("attribute")
    if name is None or name.start_point[0] == row:
        return None
    return name.start_point[0] + 1, name.start_point[1] + 1


def url_literals(strings: Iterable[Node], value_of: Callable[[Node], Text]) -> tuple[tuple[int, Text], ...]:
    """(line, value) of every `scheme://…` string literal (the scheme is literal: before any hole)."""
    out = []
    for node in strings:
        value = value_of(node)
        if URL.match(value if isinstance(value, str) else value.head):
            out.append((node.start_point[0] + 1, value))
    return tuple(out)


def instance_exports(bindings: Mapping[str, str], default: str | None = None) -> tuple[tuple[str, str], ...]:
    """Names a module binds to traced values (`app = Flask(__name__)` → (`app`, `flask.Flask()`);
    `Model = db.Model` → (`Model`, `.extensions.db.Model`)), for other modules that import them;
    `default` is what `module.exports` / `export default` holds."""
    # a plain import passed through (`from flask import jsonify`) is imported from the library itself
    out = [
        shared_tuple((shared(name), shared(value)))
        for name, value in bindings.items()
        if "." not in name and (value.startswith(".") or not value.endswith("." + name))
    ]
    if default is not None:
        out.append(("default", default))
    return tuple(sorted(out))


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# Assigned names whose values detection reads (database URLs and settings, ports, config objects);
# other assignments only feed name tracing, which needs no value. Evaluating every assignment's
# value costs about half of the parse time of a typical file.
INTERESTING_NAME = re.compile(
    r"url|uri|dsn|database|db|port|engine|dialect|client|provider|host|conn|config|settings|storage"
    r"|sqlite|postgres|mysql|mongo|exports|sql|query|stmt|statement|^[A-Z][A-Z0-9_]*$",
    re.IGNORECASE,
)


@cache
def untraced_sql_methods() -> frozenset[str]:
    """Methods that execute SQL on objects cdverify cannot trace (`self._session.connection().execute(…)`,
    a cursor from a `with` block): those of the `untraced` sinks of rules/orm/sinks.toml, in any language.
    Such calls are kept, named `?<receiver>.<method>`, only when their first argument holds a string
    literal; ORM detection (cdverify/detect/orm/) then requires a complete statement."""
    from cdverify.catalog import load_rules
    from cdverify.rules_schema import Sinks

    sinks = load_rules(Sinks)
    untraced = (sink for sink in (*sinks.python, *sinks.node) if sink.untraced)
    return frozenset(method for sink in untraced for method in sink.methods)


@cache
def untraced_callback_methods() -> frozenset[str]:
    """Methods that execute SQL on any object when the call hands an inline callback last (sqlite3's
    `db.all(sql, params, (err, rows) => …)`): the `callback_methods` of the `untraced` sinks."""
    from cdverify.catalog import load_rules
    from cdverify.rules_schema import Sinks

    sinks = load_rules(Sinks)
    untraced = (sink for sink in (*sinks.python, *sinks.node) if sink.untraced)
    return frozenset(method for sink in untraced for method in sink.callback_methods)


_CALLBACKS = ("arrow_function", "function_expression", "function")  # JavaScript's inline functions


def _hands_callback(arguments: Node | None) -> bool:
    """A call's last argument is an inline function (`(err, rows) => …`, `function (err) {…}`)."""
    last = arguments.named_children[-1] if arguments is not None and arguments.named_children else None
    return last is not None and last.type in _CALLBACKS


@cache
def untraced_sql_keys() -> frozenset[str]:
    """Keys of a query-config object that hold its statement (`{ text: "SELECT …", values }`): those of the
    `untraced` sinks of rules/orm/sinks.toml. A call of an untraced SQL method handed such an object, written
    in the call or held by a variable, is kept as one handed the string is."""
    from cdverify.catalog import load_rules
    from cdverify.rules_schema import Sinks

    sinks = load_rules(Sinks)
    return frozenset(key for sink in (*sinks.python, *sinks.node) if sink.untraced for key in sink.keys)


@cache
def statement_text_fields() -> frozenset[str]:
    """The traced reads of a tagged statement's text (`@nearform/sql().text`): `statement_tags` and
    `statement_fields` of rules/orm/sinks.toml. `statement.text` after `const statement = SQL`…`` is read as
    the name `statement`, whose template the ORM detector follows."""
    from cdverify.catalog import load_rules
    from cdverify.rules_schema import Sinks

    sinks = load_rules(Sinks)
    return frozenset(f"{tag}().{field}" for tag in sinks.statement_tags for field in sinks.statement_fields)


def untraced_callee(receiver: str, method: str) -> str:
    return str(Callee(receiver, method, traced=False))


def untraced_sink(
    function: Node, call: Node, member: tuple[str, str], value_of: Callable[[Node], Value]
) -> str | None:
    """`?cursor.execute` for a SQL-executing method on an untraced object, called with a string (or a
    query-config object holding one: `value_of` reads it, parse/jsvalues.py).
    `member` names the grammar's member access node and its property field (`attribute`/`attribute`
    in Python, `member_expression`/`property` in JavaScript)."""
    member_type, property_field = member
    if function.type != member_type:
        return None
    prop = function.child_by_field_name(property_field)
    obj = function.child_by_field_name("object")
    if prop is None or obj is None:
        return None
    arguments = call.child_by_field_name("arguments")
    if text(prop) not in untraced_sql_methods() and not (
        text(prop) in untraced_callback_methods() and _hands_callback(arguments)
    ):
        return None
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    if first is not None and first.type == "keyword_argument":  # `db.fetch(query=GET_CHATS)`: by its key
        first = _keyed_statement(arguments.named_children if arguments is not None else [])
    if first is None:
        return None
    if first.type == "list_splat":  # `dbc.execute(*sql_and_args)`: a parameter spread, handed on
        spread = first.named_children[0] if first.named_children else None
        if spread is None or not _parameter(spread):
            return None
    elif not _handed_statement(first, value_of(first)):
        return None
    if text(obj) in ("this", "self") and text(prop) in _own_methods(call):
        return None  # `this.execute(sql)` of the class's own `execute`: its body runs it, or not
    return untraced_callee(one_line(obj, 80), text(prop))


def _keyed_statement(arguments: list[Node]) -> Node | None:
    """The value of the Python keyword argument naming the statement (`untraced_sql_keys`: asyncpg's
    `query=`, `command=`), if the call has one."""
    for argument in arguments:
        name = argument.child_by_field_name("name") if argument.type == "keyword_argument" else None
        if name is not None and text(name) in untraced_sql_keys():
            return argument.child_by_field_name("value")
    return None


_CLASS_BODIES = ("class_body", "block")  # JS, and a Python class's block
_METHODS = ("method_definition", "function_definition")


def _own_methods(node: Node) -> set[str]:
    """The names of the methods the class around `node` declares (none outside a class)."""
    parent = node.parent
    while parent is not None and parent.type not in ("class_declaration", "class", "class_definition"):
        parent = parent.parent
    body = parent.child_by_field_name("body") if parent is not None else None
    if body is None or body.type not in _CLASS_BODIES:
        return set()
    names = set()
    for child in body.named_children:
        method = child.child_by_field_name("definition") if child.type == "decorated_definition" else child
        name = method.child_by_field_name("name") if method is not None and method.type in _METHODS else None
        if name is not None:
            names.add(text(name))
    return names


def _imported(value: Value) -> bool:
    """The value is another module's, read by name (`this.db.prepare(Q.ALL_TAGS)` after `const Q =
    require("./queries")`, `conn.fetch(SQL_DROP_TABLE)` after `from app.models.dao import SQL_DROP_TABLE`, or
    a member of an imported module): ORM detection looks the statement up there (detect/orm/constants.py),
    and reports nothing when it is none."""
    return not value.strings and not value.env and len(value.calls) == 1 and not value.calls[0].endswith(")")


_CLOSURE_DEPTH = 4  # the functions around a call whose parameters it may hand on
_FUNCTIONS = frozenset(
    (
        "function_definition",
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
    )
)


def _handed_statement(first: Node, held: Value) -> bool:
    """The first argument of a SQL method on an untraced object may be a statement: a string, a parameter
    passed on, or another module's value read by name (`Q.ALL_TAGS`, `queries.GET_USER`, or a name
    imported from it)."""
    read = first.type in ("identifier", "member_expression", "attribute")
    return bool(held.strings) or _parameter(first) or (read and _imported(held))


def _parameter(node: Node) -> bool:
    """`node` is a parameter of the function it is in, passed on as it came (`execute(sql) { return
    this.pool.query(sql) }`), or of a function around that one (a closure: `execute(sql) {
    pool.getConnection((err, conn) => conn.query(sql)) }`): the function is then a helper whose callers
    hold the SQL."""
    if node.type != "identifier":
        return False
    name, parent = text(node), node.parent
    for _ in range(_CLOSURE_DEPTH):
        while parent is not None and parent.type not in _FUNCTIONS:
            parent = parent.parent
        if parent is None:
            return False
        if name in parameter_names(parent):
            return True
        parent = parent.parent
    return False


def parameter_names(function: Node) -> tuple[str, ...]:
    """A function's parameter names in order, "" for a pattern or a splat."""
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if params is None:
        return ()
    if params.type == "identifier":  # `sql => db.query(sql)`
        return (text(params),)
    return tuple(_parameter_name(param) for param in params.named_children)


def _parameter_name(param: Node) -> str:
    """A plain, defaulted or typed parameter's name (`sql`, `sql=None`, `sql: str`, `sql = ""`); "" for a
    pattern or a splat."""
    if param.type == "identifier":
        return text(param)
    inner = (
        param.child_by_field_name("name")  # Python's default_parameter
        or param.child_by_field_name("pattern")  # TypeScript's required_parameter
        or param.child_by_field_name("left")  # JavaScript's assignment_pattern
        or (param.named_children[0] if param.type == "typed_parameter" and param.named_children else None)
    )
    return text(inner) if inner is not None and inner.type == "identifier" else ""


def interesting(target: str) -> bool:
    return bool(INTERESTING_NAME.search(target.rsplit(".", 1)[-1])) or target.isupper()


def merge(base: Value, *parts: Value, keep_strings: bool = True) -> Value:
    """`base` plus everything the `parts` may evaluate to (their strings only when `keep_strings`)."""
    strings = list(base.strings)
    numbers, env, names, calls, rewrites = (
        list(base.numbers),
        list(base.env),
        list(base.names),
        list(base.calls),
        list(base.rewrites),
    )
    for part in parts:
        if keep_strings:
            strings.extend(part.strings)
        numbers.extend(part.numbers)
        env.extend(part.env)
        names.extend(part.names)
        calls.extend(part.calls)
        rewrites.extend(part.rewrites)
    return Value(
        tuple(dict.fromkeys(strings)),
        tuple(dict.fromkeys(numbers)),
        tuple(dict.fromkeys(env)),
        tuple(dict.fromkeys(names)),
        tuple(dict.fromkeys(calls)),
        tuple(dict.fromkeys(rewrites)),
        base.text,
        handed=base.handed + tuple(handed for part in parts for handed in part.handed),
    )


def concat(left: Value, right: Value) -> tuple[Text, ...]:
    """The string `left + right` builds when either side is a string; a side that is not is a hole."""
    if not (left.strings or right.strings):
        return ()
    return (joined((left.strings[0] if left.strings else None, right.strings[0] if right.strings else None)),)


def first_key(value: Value) -> tuple[str, ...]:
    """The value's first string as a name (an environment variable, a key), holes shown as `{…}`."""
    return (shown(value.strings[0]),) if value.strings else ()


def number(literal: Node) -> Value:
    """An integer literal's value (`8_080`, `0x1F`); an empty value for any other number."""
    try:
        return Value(numbers=(int(text(literal).replace("_", ""), 0),))
    except ValueError:
        return Value()


def rewritten(inner: Value, old: Value, new: Value, as_written: str) -> Value:
    """The value of `inner.replace(old, new)`: the same candidates, with the rewrite recorded."""
    if not (old.strings and new.strings):
        return inner
    written = (shown(old.strings[0]), shown(new.strings[0]))
    return Value(
        inner.strings,
        inner.numbers,
        inner.env,
        inner.names,
        inner.calls,
        (*inner.rewrites, written),
        as_written,
    )
