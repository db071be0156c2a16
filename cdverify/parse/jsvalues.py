"""What a JavaScript / TypeScript expression may evaluate to (`Value`): literals and template literals with
their substitutions, environment reads, `path.join(__dirname, …)` paths, and a call's arguments, with
object-literal arguments flattened into keyword-like entries (`new Sequelize({dialect: "sqlite"})` →
`dialect`). The second layer of the node scanner (jsnames → jsvalues → jsbindings → jscode); the
libraries' environment objects and path functions are in rules/parse.toml.
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from cdverify.model import Text, Value, joined, text_of
from cdverify.parse.jsenv import handed, helper_read
from cdverify.parse.jsnames import ARGUMENTS, VALUES, NodeNameScanner
from cdverify.parse.jssyntax import (
    HERE,
    SCOPE_NODES,
    instance_fields,
    is_cwd,
    is_here,
    no_parameter,
    property_key,
    string_value,
    strip,
    this_class,
)
from cdverify.parse.scanner import Arguments, Entries
from cdverify.parse.treesitter import holds, one_line, scope_key, text
from cdverify.parse.values import (
    concat,
    first_key,
    merge,
    number,
    parameter_names,
    rewritten,
    statement_text_fields,
    untraced_sql_keys,
)
from cdverify.sql.starts import statement_like

_OBJECT_DEPTH = 4
_STRINGS = ("string", "template_string")
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})  # an entry's function value
_BUILT = frozenset({"identifier", "call_expression"})  # an argument that may be an options object built
_HANDED = 3  # arguments kept of a call handed a variable's name (the name, a fallback)
_HEAD_LENGTH = 120  # of an inline callback's head (its parameters)


def function_head(function: Node) -> str:
    """An inline callback's head on one line: `(req, res) =>`, `async (request, reply) =>`, `ctx =>`,
    `function (req, res)`; a route's inline handler is read from it (detect/layers/delegation.py)."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    written = " ".join(text(parameters).split()) if parameters is not None else "()"
    head = f"{written} =>" if function.type == "arrow_function" else f"function {written}"
    if function.children and function.children[0].type == "async":
        head = f"async {head}"
    return head if len(head) <= _HEAD_LENGTH else head[: _HEAD_LENGTH - 1] + "…"


class NodeValueScanner(NodeNameScanner):
    """A JavaScript / TypeScript file's values."""

    def __init__(self, found: dict[str, list[Node]]) -> None:
        super().__init__(found)
        # field name → its initialiser by class (span), indexed when a `this.x` is first read
        self.field_initialisers: dict[str, dict[tuple[int, int], Node]] | None = None
        self.reading_fields: set[tuple[int, str]] = set()  # fields whose initialiser is being read

    def value(self, node: Node | None) -> Value:
        """What an expression may evaluate to; kept per node as `qualify` is (jsnames.py)."""
        if node is None:
            return Value()
        if self.returning:
            return self.evaluated(node)
        return self.memo.kept(VALUES, node, self.evaluated)  # type: ignore[no-any-return]

    def evaluated(self, node: Node) -> Value:
        """`value`, worked out."""
        node = strip(node)
        kind = node.type
        if kind in ("string", "template_string"):
            literal = string_value(node)
            if isinstance(literal, str):
                return Value(strings=(literal,))
            opening = node.named_children[0] if node.named_children else None
            if opening is not None and opening.type == "template_substitution" and not literal.head:
                inner = opening.named_children[0] if opening.named_children else None
                if inner is not None and is_here(strip(inner)):  # `${__dirname}/routes`
                    rest = text_of((literal.pieces[1].lstrip("/"), *literal.pieces[2:]))
                    return Value(strings=(literal,), paths=(joined((HERE, rest)),))
            parts = [  # `${process.env.PREFIX}/users`: what each substitution is
                self.value(child.named_children[0])
                for child in node.named_children
                if child.type == "template_substitution" and child.named_children
            ]
            return Value(strings=(literal,), parts=tuple(parts))
        if kind in ("true", "false"):
            return Value(text=kind)  # empty, but an option's `true` / `false` can be read from its text
        if kind == "number":
            return number(node)
        if kind == "binary_expression":
            left = self.value(node.child_by_field_name("left"))
            right = self.value(node.child_by_field_name("right"))
            operator = node.child_by_field_name("operator")
            if operator is not None and text(operator) == "+":
                return merge(Value(strings=concat(left, right)), left, right, keep_strings=False)
            merged = merge(Value(), left, right)
            if operator is not None and text(operator) in ("??", "||") and (left.paths or right.paths):
                # `process.env.DB_PATH ?? path.join(__dirname, "../data/app.db")`: the fallback's path
                return merged._replace(paths=(*left.paths, *right.paths))
            return merged
        if kind == "unary_expression":
            return self.value(node.child_by_field_name("argument"))
        if kind == "ternary_expression":
            return merge(
                Value(),
                self.value(node.child_by_field_name("consequence")),
                self.value(node.child_by_field_name("alternative")),
            )
        if kind == "array":
            return merge(Value(), *(self.value(child) for child in node.named_children[:16]))
        if kind in ("member_expression", "subscript_expression"):
            obj = node.child_by_field_name("object")
            if obj is not None and text(strip(obj)) in self.libraries.env_objects:
                if kind == "member_expression":
                    prop = node.child_by_field_name("property")
                    return Value(env=(text(prop),) if prop is not None else ())
                index = self.value(node.child_by_field_name("index"))
                return Value(env=first_key(index))
            if kind == "member_expression":
                prop = node.child_by_field_name("property")
                qualified = no_parameter(self.qualify(node))
                read = Value(
                    names=(text(prop),) if prop is not None else (),
                    calls=(qualified,) if qualified else (),
                )
                if obj is not None and prop is not None and strip(obj).type == "this":
                    return self.field_value(node, text(prop), read)
                held = strip(obj) if obj is not None else None
                if held is not None and held.type == "identifier" and qualified in statement_text_fields():
                    return read._replace(names=(text(held),))  # `statement.text` of `SQL`…``
                return read
            index = self.value(node.child_by_field_name("index"))
            return Value(names=first_key(index))
        if kind == "identifier":
            name = text(node)
            qualified = self.bindings.get(name)
            return Value(names=(name,), calls=(qualified,) if qualified else ())
        if kind in ("call_expression", "new_expression"):
            return self.call_value(node)
        return Value()

    def field_value(self, node: Node, name: str, read: Value) -> Value:
        """`this.name` read in a method of a class declaring the field with an initialiser (`private readonly
        dialect = (process.env.DB_DIALECT || "sqlite") as Dialect`): `read` and what the initialiser may
        evaluate to (a constructor's `this.name = …` is an assignment, found by the name)."""
        fields = self.field_initialisers
        if fields is None:
            fields = self.field_initialisers = field_initialisers(self.found.get("class", ()))
        declared = fields.get(name)
        owner = this_class(node) if declared else None
        if not declared or owner is None:
            return read
        initialiser = declared.get((owner.start_byte, owner.end_byte))
        key = (owner.start_byte, name)
        if initialiser is None or key in self.reading_fields:  # `a = this.b` and `b = this.a`: read once
            return read
        self.reading_fields.add(key)
        try:
            return merge(self.value(initialiser), read)
        finally:
            self.reading_fields.discard(key)

    def call_value(self, node: Node) -> Value:
        function = node.child_by_field_name("function")
        if function is not None and function.type == "member_expression":
            prop = function.child_by_field_name("property")
            receiver = function.child_by_field_name("object")
            method = text(prop) if prop is not None else ""
            args, _ = self.arguments(node.child_by_field_name("arguments"))
            if method in ("replace", "replaceAll") and receiver is not None and len(args) >= 2:
                return rewritten(self.value(receiver), args[0], args[1], "")
            if method in self.libraries.same_value_methods and receiver is not None and not args:
                return self.value(receiver)  # `(process.env.DB_CLIENT || "postgres").toLowerCase()`
            getter = f"{text(strip(receiver))}.{method}" if receiver is not None else ""
            if args and getter in self.libraries.env_getters:  # `Deno.env.get("PORT")`
                return Value(env=first_key(args[0]))
        if function is not None and text(function) in ("Number", "parseInt", "String", "parseFloat"):
            args, _ = self.arguments(node.child_by_field_name("arguments"))
            return merge(Value(), *args[:1])
        arguments = node.child_by_field_name("arguments")
        if function is not None and handed(arguments):  # `getOsEnv('DATABASE_URL')`
            args = self.arguments(arguments)[0][:_HANDED]
            own = self.env_helpers.get(text(function)) if function.type == "identifier" else None
            read = helper_read(own, args) if own is not None and text(function) not in self.bindings else None
            if read is not None:
                return read
            qualified = no_parameter(self.qualify(node))
            return Value(calls=(qualified,), handed=((qualified, args),)) if qualified else Value()
        qualified = no_parameter(self.qualify(node))
        if qualified in self.libraries.path_joins:
            return Value(calls=(qualified,), paths=self.joined_path(node))
        return Value(calls=(qualified,) if qualified else ())

    def joined_path(self, call: Node) -> tuple[Text, ...]:
        """The path `path.join(__dirname, "routes")` builds (`./routes`), for Value.paths."""
        arguments = call.child_by_field_name("arguments")
        parts = [
            strip(c)
            for c in (arguments.named_children if arguments is not None else [])
            if c.type != "comment"
        ]
        if not parts:
            return ()
        head = ""
        if is_here(parts[0]):
            head, parts = HERE, parts[1:]
        elif is_cwd(parts[0]):
            parts = parts[1:]
        written = [string_value(p) if p.type in ("string", "template_string") else None for p in parts]
        between: list[Text | None] = []
        for piece in (piece for piece in written if piece != ""):
            between += ("/", piece) if between else (piece,)
        path = joined(between)
        if head:
            return (joined((head, path)),)
        if isinstance(path, str):
            return (path.removeprefix("./"),)
        return (text_of((path.head.removeprefix("./"), *path.pieces[1:])),)

    def arguments(self, node: Node | None) -> Arguments:
        """A call's positional values and object-literal entries; kept per node as `qualify` is."""
        if node is None:
            return (), ()
        if self.returning:
            return self.read_arguments(node)
        return self.memo.kept(ARGUMENTS, node, self.read_arguments)  # type: ignore[no-any-return]

    def read_arguments(self, node: Node) -> Arguments:
        """`arguments`, worked out."""
        if node.type == "template_string":  # a tagged template: sql`SELECT …`, prisma.$queryRaw`…`
            return (Value(strings=(string_value(node),)),), ()
        args: list[Value] = []
        kwargs: list[tuple[str, Value]] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            inner = strip(child)
            if inner.type == "object":
                kwargs.extend((key, value) for key, value, _ in self.entries(inner, "", 1))
                args.append(Value(text=one_line(inner, 120)))
            elif inner.type in _FUNCTIONS:  # an inline callback: its head, which names its parameters
                args.append(Value(text=function_head(inner)))
            elif inner.type != "spread_element":
                args.append(self.value(inner))
                for built in self.objects_of(inner) if inner.type in _BUILT else ():
                    kwargs.extend((key, value) for key, value, _ in self.entries(built, "", 1))
        return tuple(args), tuple(kwargs)

    def statement(self, node: Node) -> Value:
        """What the first argument of a SQL method on an untraced object holds: a string, or the statement
        of a query-config object (`{ text: "SELECT …", values }` written in the call, or the object literal
        a variable holds: `const queryConf = { text: …, values }`), read from the keys the `untraced` sinks
        name (rules/orm/sinks.toml)."""
        value = self.value(node)
        inner = strip(node)
        if value.strings or inner.type not in ("object", "identifier"):
            return value
        if inner.type == "identifier":  # `this.pool.query(sql)` after `const sql = `INSERT …``
            constant = self.enclosing_constant(inner)
            if constant is not None:
                return merge(value, constant)
        keys = untraced_sql_keys()
        held = [
            entry
            for built in self.objects_of(inner)
            for key, entry, _ in self.entries(built, "", 1)
            if key in keys and entry.strings
        ]
        return merge(value, *held) if held else value

    def enclosing_constant(self, name_node: Node) -> Value | None:
        """The string constant a name reads: declared in its function, in a function around it (`const
        sql = `INSERT …`; return new Promise((resolve) => { db.run(sql, …) })`: a callback reads its
        enclosing function's), or at module level; a parameter of the same name in between hides those
        further out."""
        constants, name = self.string_constants, text(name_node)
        parent = name_node.parent
        while parent is not None:
            if parent.type in SCOPE_NODES:
                constant = constants.get((scope_key(parent), name))
                if constant is not None:
                    return constant
                if name in parameter_names(parent):
                    return None
            parent = parent.parent
        return constants.get(("", name))

    def objects_of(self, node: Node) -> list[Node]:
        """The object literals an options value is built from, the later-winning first: the variable's
        (`options` after `const options = …`), `Object.assign(base, { type })`'s, an object literal and
        those it spreads (`{ ...base, type }`)."""
        if node.type == "identifier":
            name = text(node)
            if name not in self.option_names:
                return []
            return self.option_objects.get((self.scope(node), name)) or self.option_objects.get(
                ("", name), []
            )
        if node.type == "object":
            if not holds(node, b"..."):
                return [node]
            spread = [strip(c.named_children[0]) for c in node.named_children if c.type == "spread_element"]
            return [node, *(part for base in reversed(spread) for part in self.objects_of(base))]
        function = node.child_by_field_name("function") if node.type == "call_expression" else None
        if function is None or function.type != "member_expression" or text(function) != "Object.assign":
            return []
        arguments = node.child_by_field_name("arguments")
        if arguments is None:
            return []
        parts = [strip(c) for c in arguments.named_children if c.type != "comment"]
        return [o for part in reversed(parts) for o in self.objects_of(part)]

    def entries(self, node: Node, prefix: str, depth: int) -> Entries:
        """Entries of an object literal by dotted key, nested objects flattened, each with its own node."""
        out: Entries = []
        for prop in node.named_children:
            if prop.type == "shorthand_property_identifier":
                name = text(prop)
                qualified = self.bindings.get(name)
                out.append(
                    (prefix + name, Value(names=(name,), calls=(qualified,) if qualified else ()), prop)
                )
                continue
            if prop.type == "method_definition":  # `byId(id) { return { text: "SELECT …", values } }`
                key_node = prop.child_by_field_name("name")
                label = property_key(key_node) if key_node is not None else ""
                if label:
                    out.extend(self.returned_statements(prop, f"{prefix}{label}()."))
                continue
            if prop.type != "pair":
                continue
            key_node = prop.child_by_field_name("key")
            value_node = prop.child_by_field_name("value")
            if key_node is None or value_node is None:
                continue
            label = property_key(key_node)
            if not label:
                continue
            inner = strip(value_node)
            if inner.type == "object" and depth < _OBJECT_DEPTH:
                out.extend(self.entries(inner, f"{prefix}{label}.", depth + 1))
            elif inner.type in _FUNCTIONS:
                out.extend(self.returned_statements(inner, f"{prefix}{label}()."))
            else:
                out.append((prefix + label, self.value(inner), prop))
        return out

    def returned_statements(self, function: Node, prefix: str) -> Entries:
        """The statement of a query-config object an entry's function returns (`byId: (id) => ({ text:
        "SELECT … WHERE id = $1", values: [id] })`, a `return { text, values }` of its body): its statement
        key (node-postgres' `text`, mysql2's `sql`: `untraced_sql_keys`) as `prefix` + key
        (`queries.byId().text`), when written as a string there. Only the body's own statements are read
        (cheap: most function entries are handlers and return no object literal)."""
        body = function.child_by_field_name("body")
        if body is None:
            return []
        returned = strip(body)
        if returned.type == "statement_block":
            results = [
                strip(statement.named_children[0])
                for statement in returned.named_children
                if statement.type == "return_statement" and statement.named_children
            ]
        else:
            results = [returned]
        objects = [result for result in results if result.type == "object"]
        keys = untraced_sql_keys()
        out: Entries = []
        for result in results:  # `list: () => `SELECT * FROM ${resource}``: the statement itself, as `list()`
            if result.type in _STRINGS:
                value = self.value(result)
                if any(statement_like(written) for written in value.strings):
                    out.append((prefix.removesuffix("."), value, result))
        for built in objects:
            for prop in built.named_children:
                key_node = prop.child_by_field_name("key") if prop.type == "pair" else None
                value_node = prop.child_by_field_name("value")
                if key_node is None or value_node is None or property_key(key_node) not in keys:
                    continue
                value = self.value(value_node)
                if value.strings:
                    out.append((prefix + property_key(key_node), value, prop))
        return out


def field_initialisers(classes: Iterable[Node]) -> dict[str, dict[tuple[int, int], Node]]:
    """The instance fields the classes declare with an initialiser: name → initialiser by class (span)."""
    out: dict[str, dict[tuple[int, int], Node]] = {}
    for node in classes:
        for name, value in instance_fields(node):
            out.setdefault(text(name), {})[(node.start_byte, node.end_byte)] = value
    return out
