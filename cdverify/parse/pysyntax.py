"""Python syntax, read without a scanner's state: unwrapping an expression, a string literal's value as
Python reads it, an assignment's target as a dotted name, the class a function or an assignment belongs to,
the module-level instances of the file's own classes, the name a `*name` argument spreads and the name an
f-string opens with.

These are the questions parse/pycode.py's scanner asks of a node that depend on the grammar alone (the
JavaScript side's are parse/jssyntax.py).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.model import FunctionFact, Template, Text, shown, text_of
from cdverify.parse.pyannotations import class_body
from cdverify.parse.sharing import shared
from cdverify.parse.treesitter import text
from cdverify.parse.values import parameter_names


def strip(node: Node) -> Node:
    """The expression inside parentheses and `await`."""
    while node.type in ("parenthesized_expression", "await") and node.named_children:
        node = node.named_children[-1] if node.type == "await" else node.named_children[0]
    return node


def read_from_query(returned: Node, traced: str, query_results: frozenset[str]) -> bool:
    """Whether `return <returned>`, traced to `traced`, returns a value read from a query's result
    (rules/parse.toml `query_results`): `row["value"]` after `row = db.fetchone(…)` (`app.db.fetchone()`
    subscripted), `cur.fetchone()[0]`, `result.scalar()` (`….execute().scalar()`),
    `conn.execute(sql).fetchall()`. Such a function returns data, and stands for no call; one returning the
    query's call itself (`return conn.execute(sql)`, or the name holding it), a client or a cursor (`return
    client["db"]`) does."""
    own = traced.split(".")
    if strip(returned).type != "subscript":
        own = own[:-1]  # the call returned (or the name or attribute holding its result) is the function's
    return any(part.endswith("()") and part[:-2] in query_results for part in own)


def runs_own_statement(returned: Node, query_results: frozenset[str]) -> bool:
    """Whether `return <returned>` returns a query method's call (rules/parse.toml `query_results`) running a
    statement the function writes itself, its first argument a string: `return await pool.fetchrow("SELECT …
    WHERE id = $1", id)`. Such a function returns the rows its own statement reads, and stands for no call:
    what its callers hand it (a pool, an id) is no statement. One handing the call a parameter (`return
    conn.execute(sql)`) stands for the call."""
    call = strip(returned)
    if call.type != "call":
        return False
    callee = call.child_by_field_name("function")
    method = callee.child_by_field_name("attribute") if callee is not None else None
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return (
        method is not None
        and text(method) in query_results
        and first is not None
        and first.type in ("string", "concatenated_string")
    )


def runs_handed_statement(function: Node, calls: Iterable[Node], query_results: frozenset[str]) -> bool:
    """Whether `function` hands a parameter of its own to a query method (rules/parse.toml `query_results`) as
    the statement, its first argument: `executed = session.execute(stmt); return executed.all()` in
    `def execute_stmt(session, stmt)`. Such a function wraps the query whatever it returns of its result, and
    its calls hand it the statement; one running its own (`db.fetchone("SELECT …", (key,))`) does not."""
    params = {name for name in parameter_names(function) if name}
    start, end = function.start_byte, function.end_byte
    for call in calls:
        if not start <= call.start_byte < end:
            continue
        callee = call.child_by_field_name("function")
        method = callee.child_by_field_name("attribute") if callee is not None else None
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        handed = first is not None and first.type == "identifier" and text(first) in params
        if handed and method is not None and text(method) in query_results:
            return True
    return False


def string_value(node: Node) -> Text:
    """A string literal's value: a `Template` when it has interpolations. Escapes read as Python reads
    them (`'\\"Users\\"'` is `"Users"`); a raw string has none."""
    out: list[str] = []  # the current piece, joined once: a literal may have thousands of parts
    pieces: list[str] = []
    for part in node.named_children if node.type == "concatenated_string" else (node,):
        for child in part.children:
            kind = child.type
            if kind == "string_content":
                out.append(_unescaped(child) if child.named_children else text(child))
            elif kind == "escape_sequence":
                out.append(_escape(text(child)))
            elif kind == "interpolation":
                pieces.append("".join(out))
                out = []
    pieces.append("".join(out))
    return text_of(pieces)


# Python's escape sequences (an unknown one, `\\d`, stays as written, as Python keeps it)
_ESCAPE = re.compile(
    r"\\(?:\r?\n|[\\'\"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\})"
)


def _unescaped(content: Node) -> str:
    """A piece of a literal with its escape sequences replaced by what they stand for (the parser marks
    them; a raw string has none)."""
    return _ESCAPE.sub(lambda found: _escape(found.group()), text(content))


def _escape(written: str) -> str:
    """What one escape sequence stands for (`\\"` → `"`, `\\n` → a new line, `\\<new line>` → nothing)."""
    if written.startswith("\\\r"):
        return ""
    try:
        return codecs.decode(written, "unicode_escape")
    except UnicodeDecodeError:
        return written


def owner_class(function: Node) -> str:
    """The class a function is a method of ("" for a function)."""
    parent = function.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    if parent is not None and parent.type == "block" and parent.parent is not None:
        cls = parent.parent
        if cls.type == "class_definition":
            name = cls.child_by_field_name("name")
            return text(name) if name is not None else ""
    return ""


def module_class(node: Node) -> str:
    """The name of the module-level class without bases whose body holds the assignment `node` directly
    ("" if none): a holder of objects (`class UserDto: api = Namespace(…)`), not a model whose attributes
    are its columns."""
    statement = node.parent
    block = statement.parent if statement is not None else None
    cls = block.parent if block is not None else None
    if cls is None or not class_body(node) or cls.child_by_field_name("superclasses") is not None:
        return ""
    outer = cls.parent
    if outer is not None and outer.type == "decorated_definition":
        outer = outer.parent
    name = cls.child_by_field_name("name")
    return text(name) if name is not None and outer is not None and outer.type == "module" else ""


def assignment_target(node: Node) -> str | None:
    """`X`, `self.x`, `app.config["KEY"]` → `app.config.KEY`; None for tuples and other patterns."""
    if node.type == "identifier":
        return text(node)
    if node.type == "attribute":
        obj = node.child_by_field_name("object")
        attr = node.child_by_field_name("attribute")
        base = assignment_target(obj) if obj is not None else None
        return f"{base}.{text(attr)}" if base and attr is not None else None
    if node.type == "subscript":
        obj = node.child_by_field_name("value")
        index = node.child_by_field_name("subscript")
        base = assignment_target(obj) if obj is not None else None
        if base and index is not None and index.type == "string":
            return f"{base}.{shown(string_value(index))}"
    return None


def module_instances(
    found: dict[str, list[Node]], functions: list[FunctionFact]
) -> tuple[tuple[str, str], ...]:
    """(name, class) of module-level `db = Database(…)`, for the file's classes with helper methods (a
    method handing a parameter on to a call), whose calls other modules make through the instance."""
    owners = {function.owner for function in functions if function.owner}
    if not owners:
        return ()
    out = []
    for node in found.get("assignment", []):
        statement = node.parent
        if statement is None or statement.parent is None or statement.parent.type != "module":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        call = strip(right) if right is not None else None
        called = call.child_by_field_name("function") if call is not None and call.type == "call" else None
        if left is None or left.type != "identifier" or called is None or called.type != "identifier":
            continue
        if text(called) in owners:
            out.append((text(left), text(called)))
    return tuple(sorted(set(out)))


def config_default(call: Node) -> tuple[str, Node] | None:
    """`app.config.setdefault("SQLALCHEMY_DATABASE_URI", uri)` → (`app.config.SQLALCHEMY_DATABASE_URI`, the
    `uri` node): a Flask-style config mapping (an attribute chain ending in `config`) given a key's value
    unless one is set, as `app.config["…"] = uri` gives it; None for any other call."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or arguments is None or function.type != "attribute":
        return None
    method = function.child_by_field_name("attribute")
    mapping = function.child_by_field_name("object")
    if method is None or mapping is None or text(method) != "setdefault" or mapping.type != "attribute":
        return None
    owner = assignment_target(mapping)
    args = [child for child in arguments.named_children if child.type != "comment"]
    if owner is None or not owner.endswith(".config") or len(args) != 2 or args[0].type != "string":
        return None
    key = string_value(args[0])
    return (f"{owner}.{key}", args[1]) if isinstance(key, str) and key else None


def spread_name(splat: Node) -> str:
    """The name a `*name` argument spreads; "" for any other expression spread (`*rows[1:]`)."""
    inner = splat.named_children[0] if splat.named_children else None
    return text(inner) if inner is not None and inner.type == "identifier" else ""


def leading_hole(node: Node, written: Text) -> tuple[str, ...]:
    """The name an f-string starts with (`f"{select} FROM notes WHERE id = ?"` → `select`), which may hold
    the statement's start (detect/orm/raw_sql.py `_on_base`); () for any other string."""
    if not isinstance(written, Template) or written.head.strip() or node.type != "string":
        return ()
    hole = next((child for child in node.children if child.type == "interpolation"), None)
    inner = hole.named_children[0] if hole is not None and hole.named_children else None
    return (shared(text(inner)),) if inner is not None and inner.type == "identifier" else ()


_HERE_CALLS = ("os.path.realpath", "os.path.abspath")
_HERE_PATHS = ("pathlib.Path", "Path")


def _called(node: Node) -> tuple[Node | None, list[Node]]:
    """A call's function and its arguments, unwrapped; (None, []) for any other node."""
    if node.type != "call":
        return None, []
    arguments = node.child_by_field_name("arguments")
    given = [strip(a) for a in arguments.named_children] if arguments is not None else []
    return node.child_by_field_name("function"), given


def _module_folder(node: Node, qualify: Callable[[Node], str | None]) -> bool:
    """`os.path.dirname(__file__)` (also of its `realpath` / `abspath`), `Path(__file__).parent` (also of its
    `resolve()` / `absolute()`): the module's own folder."""
    node = strip(node)
    if node.type == "call":
        function, given = _called(node)
        if function is None or len(given) != 1 or qualify(function) != "os.path.dirname":
            return False
        return _module_file(given[0], qualify)
    if node.type == "attribute":
        attr = node.child_by_field_name("attribute")
        owner = node.child_by_field_name("object")
        return (
            attr is not None
            and text(attr) == "parent"
            and owner is not None
            and _path_of_file(owner, qualify)
        )
    return False


def _module_file(node: Node, qualify: Callable[[Node], str | None]) -> bool:
    """`__file__`, or its `os.path.realpath(…)` / `os.path.abspath(…)`."""
    if node.type == "identifier":
        return text(node) == "__file__"
    function, given = _called(node)
    return (
        function is not None
        and qualify(function) in _HERE_CALLS
        and len(given) == 1
        and _module_file(given[0], qualify)
    )


def _path_of_file(node: Node, qualify: Callable[[Node], str | None]) -> bool:
    """`Path(__file__)`, also `.resolve()` / `.absolute()` of it."""
    function, given = _called(strip(node))
    if function is not None and function.type == "attribute" and not given:
        attr, owner = function.child_by_field_name("attribute"), function.child_by_field_name("object")
        return (
            attr is not None
            and text(attr) in ("resolve", "absolute")
            and owner is not None
            and _path_of_file(owner, qualify)
        )
    return (
        function is not None
        and (qualify(function) in _HERE_PATHS or text(function) in _HERE_PATHS)
        and len(given) == 1
        and _module_file(given[0], qualify)
    )


def divided_here(node: Node, qualify: Callable[[Node], str | None], assigned: Iterable[Node]) -> str | None:
    """The path `Path(__file__).parent / "config.yaml"` builds from the module's own folder (`./config.yaml`,
    for Value.paths), also through a name the file's `assigned` nodes give that folder once (`BASE_DIR /
    "local/config.yaml"` after `BASE_DIR = Path(__file__).resolve().parent`); None for any other binary
    operation."""
    operator = node.child_by_field_name("operator")
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if operator is None or text(operator) != "/" or left is None or right is None:
        return None
    right = strip(right)
    part = string_value(right) if right.type == "string" else None
    if not isinstance(part, str) or not part.strip("/"):
        return None
    left = strip(left)
    named = left.type == "identifier" and _names_folder(text(left), assigned, qualify)
    if not (named or _module_folder(left, qualify)):
        return None
    return "./" + part.strip("/")


def _names_folder(name: str, assigned: Iterable[Node], qualify: Callable[[Node], str | None]) -> bool:
    """The file's `assigned` nodes give `name` one value, the module's own folder (`BASE_DIR =
    Path(__file__).resolve().parent`)."""
    given = [
        node.child_by_field_name("right")
        for node in assigned
        if (target := node.child_by_field_name("left")) is not None
        and target.type == "identifier"
        and text(target) == name
    ]
    return len(given) == 1 and given[0] is not None and _module_folder(given[0], qualify)


def joined_here(call: Node, qualify: Callable[[Node], str | None]) -> str | None:
    """The path `os.path.join(os.path.dirname(__file__), "config.yaml")` builds from the module's own folder
    (`./config.yaml`, for Value.paths), its other parts literals; None for any other call."""
    _function, given = _called(call)
    if len(given) < 2 or not _module_folder(given[0], qualify):
        return None
    parts = [string_value(part) if part.type == "string" else None for part in given[1:]]
    if not all(isinstance(part, str) and part for part in parts):
        return None
    return "./" + "/".join(str(part).strip("/") for part in parts)
