"""What a JavaScript / TypeScript name is traced to: imports and `require`s, member chains, `this` in a
data-access class, and what the file's own factory functions return.

Traced names are written `module.path`: `import { Pool } from "pg"` makes `new Pool()` a call of
`pg.Pool`; `const app = express()` makes `app.get(...)` a call of `express().get`; a default or
namespace import is the module itself (`express`, `better-sqlite3`). This is the first layer of the
node scanner (jsnames → jsvalues → jsbindings → jscode).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from cdverify.model import EnvHelper, FunctionFact, Value
from cdverify.parse.jsguards import GuardIndex
from cdverify.parse.jssyntax import (
    FUNCTION_NODES,
    SCOPE_NODES,
    is_default_export,
    property_key,
    quoted,
    returned_expressions,
    string_value,
    strip,
    swallowed,
    this_scope,
)
from cdverify.parse.libraries import node_libraries
from cdverify.parse.memo import UNSET, Memo, Watched, WatchedSet
from cdverify.parse.scanner import Around, Scanner
from cdverify.parse.sharing import shared_value
from cdverify.parse.treesitter import one_line, text
from cdverify.parse.values import merge

# the memo's tables (scanner.Scanner.memo): traced names, values, a call's arguments
_QUALIFIED, VALUES, ARGUMENTS = range(3)


class NodeNameScanner(Scanner):
    """A JavaScript / TypeScript file's traced names."""

    SCOPE_NODES = SCOPE_NODES
    MEMBER = ("member_expression", "property")
    GUARDS = frozenset({"if_statement", "ternary_expression"})
    GUARD_LIMITS = FUNCTION_NODES
    LITERAL = "object"
    SCOPE_CAPTURES = ("function", "method")

    def __init__(self, found: dict[str, list[Node]]) -> None:
        super().__init__(found)
        self.libraries = node_libraries()
        # calls recorded with the guard `try` inside a `try`: file reads, calls throwing on undefined, and
        # checks of the environment (`dotenv-safe.config()`)
        checks = self.libraries.unset_throws | self.libraries.startup_checks
        self.try_guarded = self.libraries.file_reads | checks
        self.scoped = checks
        # `await client.connect()` and `app.listen(…)`, recorded with their function (server_urls.py)
        self.connect_methods = self.libraries.connect_methods
        self.connect_awaited = True
        self.awaited_project = True
        self.default_function = ""  # the scope of the function written as the default export (jsbindings)
        self.scoped_methods = self.libraries.listen_methods
        # what the scanner has worked out about a node (`qualify`, `value`, `arguments`), kept while the
        # names it read stay bound: what they depend on is `Watched` (memo.py). Python's scan asks again
        # about few nodes, and keeping its answers cost more than it saved (django's package: +1 %).
        memo = self.memo = Memo(3)
        self.bindings = Watched(memo)  # empty until now, as the two below
        self.local = Watched(memo)
        self.local_names = WatchedSet(memo)
        # module-level functions by name ("default" when exported so)
        self.functions: dict[str, Node] = Watched(memo)
        # those returning an environment read of a parameter
        self.env_helpers: dict[str, EnvHelper] = Watched(memo)
        # (function scope, name) → the object literals a variable is built from, the later-winning first
        # (`const options = Object.assign(base, { type })`, `{ ...base, type }`): a call's options
        self.option_objects: dict[tuple[str, str], list[Node]] = Watched(memo)
        self.option_names: set[str] = WatchedSet(memo)  # the names in `option_objects`
        # (function scope, name) → the string a `const` declares (`const sql = `INSERT …``, a module's `const
        # SELECT_BY_SLUG = "SELECT …"`): what a SQL method on an untraced object handed the name runs
        self.string_constants: dict[tuple[str, str], Value] = {}
        # function → (traced value, variable) returned: an entry, once added, stays (a traced name kept in
        # `memo` read the same entry), but clearing it forgets the memo (`forget_returns`)
        self.returns: dict[str, tuple[str | None, str]] = {}
        self.returning: set[str] = set()  # functions whose return is being traced (recursion guard)
        self.helpers: list[FunctionFact] = []  # functions that hand a parameter on to a call
        # what `this` is in a class (by its node's span) or an object literal handed to `<repository>.extend`
        self.this_values: dict[tuple[int, int], str] = Watched(memo)
        # a class (by its node's span) → its traced base
        self.bases: dict[tuple[int, int], str] = Watched(memo)
        self.guard_index: GuardIndex | None = None  # built when a call's guard is first asked for

    def swallowed(self, node: Node) -> bool:
        """A `try` whose `catch` always throws again or exits lets the failure through (jssyntax.py)."""
        return swallowed(node)

    def guard(self, node: Node) -> Value | None:
        """The condition around `node` (scanner.py), its text `if <condition>` or, in the `else` or the
        conditional expression's alternative, `else <condition>`; else, in a `case` of a `switch` in its
        function, the switched value and the case's (`switch (db_type) { case "mysql": … }`: `db_type` and
        `"mysql"`), its text `switch (…) case …`."""
        # one walk up for both (`guards`): a condition anywhere up to the function wins over a nearer case
        condition, case_node = self.guards(node)
        if condition is not None:
            # its text says the branch: `if (client === "sqlite")`, or `else (…)` in the alternative
            holder = condition.parent
            other = holder.child_by_field_name("alternative") if holder is not None else None
            start, end = node.start_byte, node.end_byte
            inside = other is not None and other.start_byte <= start <= end <= other.end_byte
            written = f"{'else' if inside else 'if'} {one_line(condition, 80)}"
            return shared_value(self.value(condition)._replace(text=written))
        if case_node is None:
            return None
        case = case_node.child_by_field_name("value")
        statement = case_node.parent.parent if case_node.parent is not None else None
        switched = statement.child_by_field_name("value") if statement is not None else None
        if case is None or switched is None:
            return None
        written = f"switch {one_line(switched, 60)} case {one_line(case, 40)}"
        return shared_value(merge(self.value(switched), self.value(case))._replace(text=written))

    def guard_ranges(self) -> GuardIndex:
        """The file's conditionals, cases and functions by byte range, indexed when first asked for."""
        index = self.guard_index
        if index is None:
            found = self.found
            functions = (*found.get("function", ()), *found.get("method", ()))
            limits = (node for node in functions if node.type in self.GUARD_LIMITS)
            index = self.guard_index = GuardIndex(found.get("guard", ()), found.get("case", ()), limits)
        return index

    def guards(self, node: Node) -> Around:
        """`Scanner.guards`, from the byte ranges of the file's conditionals, cases and functions
        (jsguards.py); by the walk up where they cannot tell."""
        around = self.guard_ranges().around(node)
        return around if around is not None else super().guards(node)

    def branch(self, node: Node) -> str:
        """`Scanner.branch`, from the byte ranges of the file's conditionals and functions (jsguards.py);
        by the walk up where they cannot tell."""
        found = self.guard_ranges().branch(node)
        if found is None:
            return super().branch(node)
        condition, otherwise = found
        if condition is None:
            return ""
        written = one_line(condition, 80)
        return f"not ({written})" if otherwise else written

    def bind_imports(self) -> None:
        """Names bound by `import` statements (and TypeScript's `import x = require(…)`)."""
        for node in self.found.get("import", []):
            source = node.child_by_field_name("source")
            for child in node.named_children:
                if child.type == "import_require_clause":  # TS: import x = require("m")
                    local = child.named_children[0] if child.named_children else None
                    required = child.child_by_field_name("source")
                    if local is not None and required is not None:
                        self.bindings[text(local)] = quoted(required)
            if source is None:
                continue
            module = quoted(source)
            clause = next((c for c in node.named_children if c.type == "import_clause"), None)
            if clause is None:
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.bindings[text(part)] = module
                elif part.type == "namespace_import" and part.named_children:
                    self.bindings[text(part.named_children[-1])] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self.bindings[text(alias)] = f"{module}.{property_key(name)}"

    def qualify(self, node: Node) -> str | None:
        """The traced name of an expression: `pg.Pool()`, `express().get`, `process.env`, or None. Kept per
        node while the names stay bound; while a function's return is traced (`returned`), a name of a
        function under way is not known yet, so nothing is read from or kept in the memo."""
        if self.returning:
            return self.traced(node)
        # `Memo.kept`, written out: the scan's most frequent question (ts-mono: 650 k), and a call less
        memo = self.memo
        table = memo.tables[_QUALIFIED]
        found = table.get(node, UNSET)
        if found is UNSET:
            changes = memo.changes
            found = self.traced(node)
            if memo.changes == changes:
                table[node] = found
        return found  # type: ignore[no-any-return]

    def forget_returns(self) -> None:
        """Trace the module functions' returns afresh (the names they read were bound since)."""
        self.returns.clear()
        self.memo.forget()

    def traced(self, node: Node) -> str | None:
        """`qualify`, worked out."""
        node = strip(node)
        kind = node.type
        if kind == "identifier":
            return self.name(node)
        if kind == "this":
            return None
        if kind == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            if strip(obj).type == "this":
                bound = self.bindings.get(f"this.{text(prop)}")
                if bound is None and self.this_values:
                    owner = self.this_value(obj)
                    return f"{owner}.{text(prop)}" if owner else None
                return bound
            base = self.qualify(obj)
            return f"{base}.{text(prop)}" if base else None
        if kind == "call_expression":
            function = node.child_by_field_name("function")
            if function is None:
                return None
            if function.type == "identifier" and text(function) == "require":
                module = self.require_source(node)
                return module
            bound = self.bound_method(function, node)
            if bound is not None:
                return bound
            base = self.qualify(function)
            if base in self.libraries.wrappers:  # `util.promisify(db.query)` is called as `db.query`
                arguments = node.child_by_field_name("arguments")
                wrapped = arguments.named_children if arguments is not None else []
                return self.qualify(wrapped[0]) if wrapped else None
            if base is None and function.type == "identifier" and text(function) in self.functions:
                return self.returned(text(function))[0]  # a factory of this module: what it returns
            return f"{base}()" if base else None
        if kind == "new_expression":
            constructor = node.child_by_field_name("constructor")
            if constructor is not None and constructor.type == "identifier" and text(constructor) == "Proxy":
                return self.proxied(node)
            base = self.qualify(constructor) if constructor is not None else None
            return f"{base}()" if base else None
        if kind == "binary_expression":
            # `globalThis.prisma ?? new PrismaClient()`: a singleton kept across reloads, else made here
            operator = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if operator is None or left is None or right is None or text(operator) not in ("??", "||"):
                return None
            # an object made (`…()`), never a read with a default (`process.env.PORT || 3000`)
            made = [found for side in (left, right) if (found := self.qualify(side)) and found.endswith("()")]
            return made[0] if made else _interop(self.qualify(left), self.qualify(right))
        if kind == "ternary_expression":
            # `url ? new Sequelize(url) : new Sequelize({ dialect: "sqlite" })`: the same kind of object
            # made either way (the options differ); two different ones (`new Pool()` or `new Database()`)
            # are neither
            sides = [node.child_by_field_name(field) for field in ("consequence", "alternative")]
            # `url && key ? createClient(url, key) : null`: a client or none, so a call on it is the client's
            present = [side for side in sides if side is not None and not _nothing(side)]
            if len(present) == 1 and None not in sides:
                client = self.qualify(present[0])
                return client if client is not None and client.endswith("()") else None
            either = {self.qualify(side) if side is not None else None for side in sides}
            (only,) = either if len(either) == 1 else (None,)
            if only is not None and only.endswith("()"):
                return only
            return _interop(*either) if len(either) == 2 else None
        return None

    def proxied(self, proxy: Node) -> str | None:
        """What a `new Proxy(target, handler)` stands for: the object its `get` trap reads from, made by a
        function of this module (`new Proxy({} as DrizzleDb, { get(_, prop) { return getDb()[prop]; } })`, a
        client made on first use rather than at import), else the target when that is an object made
        (`new Proxy(prisma, { get … })`)."""
        arguments = proxy.child_by_field_name("arguments")
        given = [child for child in arguments.named_children if child.type != "comment"] if arguments else []
        if len(given) != 2:
            return None
        target, handler = strip(given[0]), strip(given[1])
        for member in handler.named_children if handler.type == "object" else ():
            key = member.child_by_field_name("name" if member.type == "method_definition" else "key")
            if key is None or property_key(key) != "get" or member.type not in ("method_definition", "pair"):
                continue
            trap = member.child_by_field_name("body" if member.type == "method_definition" else "value")
            for call in _calls_in(trap):
                function = call.child_by_field_name("function")
                name = text(function) if function is not None and function.type == "identifier" else ""
                if name in self.functions:
                    made = self.returned(name)[0]
                    if made is not None and made.endswith("()"):
                        return made
        made = self.qualify(target) if target.type != "object" else None
        return made if made is not None and made.endswith("()") else None

    def bound_method(self, function: Node, call: Node) -> str | None:
        """`f.bind(thisArg)` stands for `f` when `f` is a traced method, not an object: the driver's
        `promisify(connection.query).bind(connection)` or `pool.query.bind(pool)` runs `query` when
        called. An object's own `bind` (a statement's `stmt.bind(params)`, a container's or a socket's)
        is left alone: its receiver traces to an object made (`…()`), and the call stays that method's."""
        if function.type != "member_expression":
            return None
        prop = function.child_by_field_name("property")
        if prop is None or text(prop) != "bind":  # first: every member call is asked, few are `bind`
            return None
        receiver = function.child_by_field_name("object")
        arguments = call.child_by_field_name("arguments")
        if receiver is None or arguments is None or not arguments.named_children:
            return None
        method = self.qualify(receiver)
        return method if method and not method.endswith("()") else None

    def require_source(self, call: Node) -> str | None:
        """The module a `require("…")` names, when it is a literal."""
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        if first is not None and first.type in ("string", "template_string"):
            value = string_value(first)
            return value if isinstance(value, str) else None
        return None

    def this_value(self, node: Node) -> str | None:
        """What `this` is at `node`: an instance of a traced base class in its methods (the class itself in
        a static method), or the repository an object literal of methods extends."""
        function = this_scope(node)
        if function is None or function.type in ("function_declaration", "generator_function_declaration"):
            return None
        if function.type in ("class_declaration", "class"):  # a field initialiser
            base = self.this_values.get((function.start_byte, function.end_byte))
            return f"{base}()" if base else None
        holder = function.parent  # class_body, object, or a pair of an object
        if holder is not None and holder.type == "pair":
            holder = holder.parent
        if holder is None:
            return None
        if holder.type == "class_body" and function.type == "method_definition" and holder.parent is not None:
            base = self.this_values.get((holder.parent.start_byte, holder.parent.end_byte))
            static = any(child.type == "static" for child in function.children)
            return (base if static else f"{base}()") if base else None
        return self.this_values.get((holder.start_byte, holder.end_byte)) if holder.type == "object" else None

    def module_functions(self) -> dict[str, Node]:
        """Functions declared at module level, by name; a default-exported one as `default`."""
        out: dict[str, Node] = {}
        for node in self.found.get("function", []):
            parent = node.parent
            if parent is None:
                continue
            name = node.child_by_field_name("name")
            if node.type == "function_declaration" and name is not None:
                if parent.type in ("program", "export_statement"):
                    out.setdefault(text(name), node)
            elif parent.type == "variable_declarator":
                declared = parent.child_by_field_name("name")
                if declared is not None and declared.type == "identifier" and not self.scope(parent):
                    out.setdefault(text(declared), node)
            elif is_default_export(node):
                out.setdefault("default", node)
        return out

    def returned(self, name: str) -> tuple[str | None, str]:
        """What a module-level function returns: its traced value (the shortest when it returns several,
        `createApp()` → `fastify()`), and the variable it returns by name (`return router`)."""
        if name in self.returns:
            return self.returns[name]
        if name in self.returning or name not in self.functions:
            return None, ""
        self.returning.add(name)
        values, variable = [], ""
        for expression in returned_expressions(self.functions[name]):
            value = self.qualify(expression)
            if value is not None:
                values.append(value)
            if not variable and expression.type == "identifier":
                variable = text(expression)
        self.returning.discard(name)
        result = (min(values, key=len) if values else None, variable)
        self.returns[name] = result
        return result


def _calls_in(node: Node | None) -> Iterator[Node]:
    """The calls inside `node`, in document order."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            yield current
        stack.extend(reversed(current.named_children))


def _interop(one: str | None, other: str | None) -> str | None:
    """A module or its `default` export, whichever the loader gave (`mod.default ?? mod`, `typeof
    mod.default === "function" ? mod.default : mod`: the ES-module / CommonJS interop shim): the module.
    Any other pair of values is neither."""
    if one is None or other is None or one.endswith("()") or other.endswith("()"):
        return None
    if one == f"{other}.default":
        return other
    return one if other == f"{one}.default" else None


def _nothing(node: Node) -> bool:
    """`null`, `undefined` (or `void 0`): no object at all."""
    if node.type == "parenthesized_expression" and node.named_children:
        return _nothing(node.named_children[0])
    return (
        node.type in ("null", "undefined")
        or (node.type == "identifier" and text(node) == "undefined")
        or (node.type == "unary_expression" and text(node).replace(" ", "") == "void0")
    )
