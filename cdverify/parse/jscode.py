"""JavaScript / TypeScript calls, assignments and values from a tree-sitter tree (never executed).

Traced names are written `module.path`: `import { Pool } from "pg"` makes `new Pool()` a call of
`pg.Pool`; `const app = express()` makes `app.get(...)` a call of `express().get`; a default or
namespace import is the module itself (`express`, `better-sqlite3`). Object-literal arguments are
flattened into keyword-like entries (`new Sequelize({dialect: "sqlite"})` → `dialect`).
"""

from __future__ import annotations

from tree_sitter import Node

from cdverify.model import (
    APP_PLACEHOLDER,
    HOLE,
    PARAM_PLACEHOLDER,
    Assignment,
    CallFact,
    FunctionFact,
    Language,
    Value,
)
from cdverify.parse.treesitter import captures, one_line, scope, scopes, text
from cdverify.parse.values import (
    Code,
    call_fact,
    entry_assignment,
    instance_exports,
    interesting,
    local_call_fact,
    merge,
    passing_functions,
    rewritten,
    untraced_sink,
    url_literals,
)

_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)
_FUNCTION_NODES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition", "program"}
)
_ENV_OBJECTS = ("process.env", "import.meta.env", "Bun.env")
_KNEX_TYPES = frozenset({"Knex", "Knex.Transaction"})  # a parameter so typed is a knex instance
_TRANSACTIONS = frozenset({"transaction", "$transaction"})  # methods whose callback gets a transaction
# Classes extending one of these are data-access objects whose `this` is traced (a TypeORM custom
# repository: `class UserRepository extends Repository<User>`, then `this.createQueryBuilder("user")`)
_THIS_BASES = ("typeorm.",)
_OBJECT_DEPTH = 4
# `module.exports = fp(plugin)`: wrappers whose first argument is the exported Fastify plugin
_PLUGIN_WRAPPERS = frozenset({"fastify-plugin", "fastify-plugin.default", "fastify-plugin.fastifyPlugin"})
# `createFactory({ initApp(app) { … } })`: option callbacks whose first parameter is a new app
_APP_CALLBACKS = {("hono/factory.createFactory", "initApp"): "hono.Hono()"}
# `path.join(…)` / `path.resolve(…)`, whose arguments make a file-system path (Value.paths)
_PATH_JOINS = frozenset(
    f"{module}.{function}()"
    for module in ("path", "node:path", "path.posix", "node:path.posix")
    for function in ("join", "resolve")
)
_HERE = "./"  # a path relative to the file's own folder, in Value.paths
# methods that register routes or mount routers: a function parameter they are called on may be a router
# handed to a route installer (`function init(router) { router.get(…) }`)
_ROUTER_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "del", "all", "options", "head", "use", "route"}
    | {"register", "on", "prefix", "basePath"}
)


def _strip(node: Node) -> Node:
    while node.type in _WRAPPERS and node.named_children:
        node = node.named_children[0]
    return node


def string_value(node: Node) -> str:
    """A string or template literal's value; substitutions become HOLE."""
    out = []
    for child in node.children:
        if child.type == "string_fragment":
            out.append(text(child))
        elif child.type == "escape_sequence":
            out.append(_ESCAPES.get(text(child), text(child)[1:]))
        elif child.type == "template_substitution":
            out.append(HOLE)
    return "".join(out)


# `\<newline>` continues a line inside a literal; the others stand for one character
_ESCAPES = {"\\\n": "", "\\\r\n": "", "\\n": "\n", "\\t": "\t", "\\r": "\r"}


def _key(node: Node) -> str:
    if node.type in ("property_identifier", "identifier", "number"):
        return text(node)
    if node.type == "string":
        return string_value(node)
    return ""


class _Scanner:
    def __init__(self, found: dict[str, list[Node]]) -> None:
        self.found = found
        self.bindings: dict[str, str] = {}
        self.calls: list[CallFact] = []
        self.assignments: list[Assignment] = []
        self.class_facts: tuple[tuple[str, tuple[str, ...], int], ...] = ()
        self.local: dict[tuple[str, str], str] = {}  # (function scope, name): a function's own names
        self.local_names: set[str] = set()
        self.functions: dict[str, Node] = {}  # module-level functions by name ("default" when exported so)
        self.returns: dict[str, tuple[str | None, str]] = {}  # function → (traced value, variable) returned
        self.returning: set[str] = set()  # functions whose return is being traced (recursion guard)
        self.helpers: list[FunctionFact] = []  # functions that hand a parameter on to a call
        self.local_calls: list[CallFact] = []
        # what `this` is in a class (by its node's span) or an object literal handed to `<repository>.extend`
        self.this_values: dict[tuple[int, int], str] = {}

    # -- names ----------------------------------------------------------------------------------
    def bind_imports(self) -> None:
        for node in self.found.get("import", []):
            source = node.child_by_field_name("source")
            for child in node.named_children:
                if child.type == "import_require_clause":  # TS: import x = require("m")
                    local = child.named_children[0] if child.named_children else None
                    required = child.child_by_field_name("source")
                    if local is not None and required is not None:
                        self.bindings[text(local)] = string_value(required)
            if source is None:
                continue
            module = string_value(source)
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
                            self.bindings[text(alias)] = f"{module}.{_key(name)}"

    def qualify(self, node: Node) -> str | None:
        node = _strip(node)
        kind = node.type
        if kind == "identifier":
            name = text(node)
            if name in self.local_names:
                for scope in _scopes(node):
                    found = self.local.get((scope, name))
                    if found is not None:
                        return found
            return self.bindings.get(name)
        if kind == "this":
            return None
        if kind == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            if _strip(obj).type == "this":
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
                module = self._require_source(node)
                return module
            base = self.qualify(function)
            if base is None and function.type == "identifier" and text(function) in self.functions:
                return self.returned(text(function))[0]  # a factory of this module: what it returns
            return f"{base}()" if base else None
        if kind == "new_expression":
            constructor = node.child_by_field_name("constructor")
            base = self.qualify(constructor) if constructor is not None else None
            return f"{base}()" if base else None
        return None

    def _require_source(self, call: Node) -> str | None:
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        if first is not None and first.type in ("string", "template_string"):
            value = string_value(first)
            return value if HOLE not in value else None
        return None

    # -- values ---------------------------------------------------------------------------------
    def value(self, node: Node | None) -> Value:
        if node is None:
            return Value()
        node = _strip(node)
        kind = node.type
        shown = ""  # filled in only where the text is shown (assignments)
        if kind in ("string", "template_string"):
            literal = string_value(node)
            opening = node.named_children[0] if node.named_children else None
            if opening is not None and opening.type == "template_substitution" and literal.startswith(HOLE):
                inner = opening.named_children[0] if opening.named_children else None
                if inner is not None and _here(_strip(inner)):  # `${__dirname}/routes`
                    return Value(strings=(literal,), text=shown, paths=(_HERE + literal[1:].lstrip("/"),))
            if HOLE in literal:  # `${process.env.PREFIX}/users`: what each substitution is
                parts = [
                    self.value(child.named_children[0])
                    for child in node.named_children
                    if child.type == "template_substitution" and child.named_children
                ]
                return Value(strings=(literal,), text=shown, parts=tuple(parts))
            return Value(strings=(literal,), text=shown)
        if kind in ("true", "false"):
            return Value(text=kind)  # empty, but an option's `true` / `false` can be read from its text
        if kind == "number":
            try:
                return Value(numbers=(int(text(node).replace("_", ""), 0),), text=shown)
            except ValueError:
                return Value(text=shown)
        if kind == "binary_expression":
            left = self.value(node.child_by_field_name("left"))
            right = self.value(node.child_by_field_name("right"))
            operator = node.child_by_field_name("operator")
            if operator is not None and text(operator) == "+":
                first = left.strings[0] if left.strings else HOLE
                second = right.strings[0] if right.strings else HOLE
                strings = (first + second,) if (left.strings or right.strings) else ()
                return merge(Value(strings=strings, text=shown), left, right, keep_strings=False)
            return merge(Value(text=shown), left, right)
        if kind == "unary_expression":
            return self.value(node.child_by_field_name("argument"))
        if kind == "ternary_expression":
            return merge(
                Value(text=shown),
                self.value(node.child_by_field_name("consequence")),
                self.value(node.child_by_field_name("alternative")),
            )
        if kind == "array":
            return merge(Value(text=shown), *(self.value(child) for child in node.named_children[:16]))
        if kind in ("member_expression", "subscript_expression"):
            obj = node.child_by_field_name("object")
            if obj is not None and text(_strip(obj)) in _ENV_OBJECTS:
                if kind == "member_expression":
                    prop = node.child_by_field_name("property")
                    return Value(env=(text(prop),) if prop is not None else (), text=shown)
                index = self.value(node.child_by_field_name("index"))
                return Value(env=index.strings[:1], text=shown)
            if kind == "member_expression":
                prop = node.child_by_field_name("property")
                qualified = _no_parameter(self.qualify(node))
                return Value(
                    names=(text(prop),) if prop is not None else (),
                    calls=(qualified,) if qualified else (),
                    text=shown,
                )
            index = self.value(node.child_by_field_name("index"))
            return Value(names=index.strings[:1], text=shown)
        if kind == "identifier":
            name = text(node)
            qualified = self.bindings.get(name)
            return Value(names=(name,), calls=(qualified,) if qualified else (), text=shown)
        if kind in ("call_expression", "new_expression"):
            return self.call_value(node, shown)
        return Value(text=shown)

    def call_value(self, node: Node, shown: str) -> Value:
        function = node.child_by_field_name("function")
        if function is not None and function.type == "member_expression":
            prop = function.child_by_field_name("property")
            receiver = function.child_by_field_name("object")
            method = text(prop) if prop is not None else ""
            args, _ = self.arguments(node.child_by_field_name("arguments"))
            if method in ("replace", "replaceAll") and receiver is not None and len(args) >= 2:
                return rewritten(self.value(receiver), args[0], args[1], shown)
            if receiver is not None and text(_strip(receiver)) in ("Deno.env",) and method == "get" and args:
                return Value(env=args[0].strings[:1], text=shown)
        if function is not None and text(function) in ("Number", "parseInt", "String", "parseFloat"):
            args, _ = self.arguments(node.child_by_field_name("arguments"))
            return merge(Value(text=shown), *args[:1])
        qualified = _no_parameter(self.qualify(node))
        if qualified in _PATH_JOINS:
            return Value(calls=(qualified,), text=shown, paths=self.joined_path(node))
        return Value(calls=(qualified,) if qualified else (), text=shown)

    def joined_path(self, call: Node) -> tuple[str, ...]:
        """The path `path.join(__dirname, "routes")` builds (`./routes`), for Value.paths."""
        arguments = call.child_by_field_name("arguments")
        parts = [
            _strip(c)
            for c in (arguments.named_children if arguments is not None else [])
            if c.type != "comment"
        ]
        if not parts:
            return ()
        head = ""
        if _here(parts[0]):
            head, parts = _HERE, parts[1:]
        elif _cwd(parts[0]):
            parts = parts[1:]
        pieces = [string_value(p) if p.type in ("string", "template_string") else HOLE for p in parts]
        joined = "/".join(piece for piece in pieces if piece)
        return (head + (joined if head else joined.removeprefix("./")),)

    def arguments(self, node: Node | None) -> tuple[tuple[Value, ...], tuple[tuple[str, Value], ...]]:
        if node is None:
            return (), ()
        if node.type == "template_string":  # a tagged template: sql`SELECT …`, prisma.$queryRaw`…`
            return (Value(strings=(string_value(node),)),), ()
        args: list[Value] = []
        kwargs: list[tuple[str, Value]] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            inner = _strip(child)
            if inner.type == "object":
                kwargs.extend((key, value) for key, value, _ in self.properties(inner, "", 1))
                args.append(Value(text=one_line(inner, 120)))
            elif inner.type != "spread_element":
                args.append(self.value(inner))
        return tuple(args), tuple(kwargs)

    def properties(self, node: Node, prefix: str, depth: int) -> list[tuple[str, Value, Node]]:
        """Entries of an object literal by dotted key, nested objects flattened, each with its own node."""
        out: list[tuple[str, Value, Node]] = []
        for prop in node.named_children:
            if prop.type == "shorthand_property_identifier":
                name = text(prop)
                qualified = self.bindings.get(name)
                out.append(
                    (prefix + name, Value(names=(name,), calls=(qualified,) if qualified else ()), prop)
                )
                continue
            if prop.type != "pair":
                continue
            key_node = prop.child_by_field_name("key")
            value_node = prop.child_by_field_name("value")
            if key_node is None or value_node is None:
                continue
            label = _key(key_node)
            if not label:
                continue
            inner = _strip(value_node)
            if inner.type == "object" and depth < _OBJECT_DEPTH:
                out.extend(self.properties(inner, f"{prefix}{label}.", depth + 1))
            else:
                out.append((prefix + label, self.value(inner), prop))
        return out

    # -- statements -----------------------------------------------------------------------------
    def scan(self) -> None:
        self.functions = self.module_functions()
        for node in self.found.get("declarator", []):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None and value is not None:
                self.bind(name, value, node)
        for node in self.found.get("assignment", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None:
                self.bind(left, right, node)
        if self.functions:
            self.bind_factory_results()
        self.class_facts = self.classes()  # after the requires they extend, before the calls on them
        self.bind_fields()
        self.bind_extended()
        self.bind_plugins()
        self.bind_parameter_properties()
        self.bind_router_parameters()
        pending: list[tuple[Node, Node]] = []  # calls that may be of the file's own functions
        for node in self.found.get("call", []):
            is_new = node.type == "new_expression"
            function = node.child_by_field_name("constructor" if is_new else "function")
            if function is None or (function.type == "identifier" and text(function) == "require"):
                continue
            if not is_new and function.type in ("identifier", "member_expression"):
                pending.append((node, function))
            callee = self.qualify(function)
            if callee is not None and callee.startswith(PARAM_PLACEHOLDER) and not _on_router(callee):
                callee = None  # `req.db.query(…)` in a handler that also calls `req.get(…)`
            if callee is None:
                callee = untraced_sink(function, node, ("member_expression", "property"), self.value)
            if callee is None:
                continue
            args, kwargs = self.arguments(node.child_by_field_name("arguments"))
            self.calls.append(
                call_fact(
                    node,
                    callee,
                    args,
                    kwargs,
                    new=is_new,
                    guard=self.guard(node),
                    receiver=_receiver(function),
                    target=_assigned_to(node),
                    scope_of=_scope,
                )
            )
        self.calls.sort(key=lambda call: (call.line, call.col))
        self.helpers, self.local_calls = passing_functions(
            (*self.found.get("function", []), *self.found.get("method", [])),
            _scope_key,
            _describe,
            self.calls,
            pending,
            _local_callee,
            self.local_call,
        )

    def local_call(self, node: Node, callee: str) -> CallFact | None:
        """The fact of a call of this file's own function, when it hands over something."""
        args, kwargs = self.arguments(node.child_by_field_name("arguments"))
        if kwargs or any(not value.empty for value in args):
            return local_call_fact(node, callee, args, kwargs, _scope)
        return None

    # -- functions that return traced objects (factories) -----------------------------------------
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
                if declared is not None and declared.type == "identifier" and not _scope(parent):
                    out.setdefault(text(declared), node)
            elif _default_export(node):
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
        for expression in _returned_expressions(self.functions[name]):
            value = self.qualify(expression)
            if value is not None:
                values.append(value)
            if not variable and expression.type == "identifier":
                variable = text(expression)
        self.returning.discard(name)
        result = (min(values, key=len) if values else None, variable)
        self.returns[name] = result
        return result

    def bind_factory_results(self) -> None:
        """`const router = makeRouter()` written before `function makeRouter() { … }`: bound once every
        name of the file is, since the function's own names were not yet when the call was met."""
        self.returns.clear()
        for node in self.found.get("declarator", []):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is None or value is None or name.type != "identifier":
                continue
            inner = _strip(value)
            function = inner.child_by_field_name("function") if inner.type == "call_expression" else None
            if function is None or function.type != "identifier" or text(function) not in self.functions:
                continue
            qualified = self.qualify(inner)
            if qualified is not None:
                self.bind_traced(text(name), qualified, node)

    def factory_exports(self) -> list[tuple[str, str]]:
        """(`makeRouter()`, traced value) for module-level functions that return a traced object."""
        out = []
        for name in self.functions:
            value = self.returned(name)[0]
            if value is not None:
                out.append((f"{name}()", value))
        return out

    def aliases(self) -> tuple[tuple[str, str], ...]:
        """(exported name, module-level variable) where they differ: `export default router`,
        `module.exports = { users: usersRouter }`, `export { router as users }`, and the variable a
        module-level function returns (`makeRouter()` → `router`)."""
        out: list[tuple[str, str]] = []
        for node in self.found.get("assignment", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            written, inner = text(left), _strip(right)
            if written in ("module.exports", "exports.default"):
                if inner.type == "identifier":
                    out.append(("default", text(inner)))
                elif (called := _called_function(inner)) in self.functions:  # `module.exports = build()`
                    out.append(("default", f"{called}()"))
                elif inner.type == "object":
                    for pair in inner.named_children:
                        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                        if pair.type != "pair" or key is None or value is None:
                            continue
                        if value.type == "identifier" and _key(key) != text(value):
                            out.append((_key(key), text(value)))
            elif written.startswith(("module.exports.", "exports.")) and inner.type == "identifier":
                exported = written.rsplit(".", 1)[1]
                if exported != text(inner):
                    out.append((exported, text(inner)))
        for node in self.found.get("export", []):
            value = node.child_by_field_name("value")
            if value is not None and _strip(value).type == "identifier" and _default_export(value):
                out.append(("default", text(_strip(value))))
            elif value is not None and (called := _called_function(_strip(value))) in self.functions:
                out.append(("default", f"{called}()"))
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    local, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                    if spec.type == "export_specifier" and local is not None and alias is not None:
                        out.append((_key(alias), _key(local)))
        for function in self.functions:
            variable = self.returned(function)[1]
            if variable:
                out.append((f"{function}()", variable))
        return tuple(dict.fromkeys(out))

    def bind_plugins(self) -> None:
        """Fastify-style plugins: the first parameter of a function passed to `x.register(fn, …)` is
        `x` again, and so is a first parameter named `fastify` or typed `FastifyInstance`."""
        exported_names = set()
        wrapped: set[tuple[int, int]] = set()  # plugin functions written inside `fp(…)`
        for node in self.found.get("assignment", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None and text(left) == "module.exports":
                exported_names.add(text(right))
                self.unwrap_plugin(right, exported_names, wrapped)
        for node in self.found.get("export", []):
            value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
            if value is not None and value.type == "identifier":
                exported_names.add(text(value))
            elif value is not None and _default_export(value):
                self.unwrap_plugin(value, exported_names, wrapped)
        for declared in self.found.get("function", []):
            name, annotation = _first_parameter(declared)
            if name and (name == "fastify" or "FastifyInstance" in annotation):
                self.bindings.setdefault(name, "fastify()")
            elif name == "sequelize" and "sequelize" not in self.bindings:
                # sequelize-cli model files: `module.exports = (sequelize, DataTypes) => sequelize.define(…)`
                self.bindings[name] = "sequelize.Sequelize()"
            elif name == "queryInterface":
                # sequelize-cli migrations: `up: (queryInterface) => queryInterface.sequelize.query(…)`
                self.bindings.setdefault(name, "sequelize.QueryInterface()")
                # and `up: (queryInterface, Sequelize) => … Sequelize.literal("CURRENT_TIMESTAMP")`
                second = _parameter_at(declared, 1)
                if second:
                    self.bindings.setdefault(second, "sequelize.Sequelize")
            elif name and (name == "knex" or annotation.lstrip(":").strip() in _KNEX_TYPES):
                # knex model factories, migrations and seeds: `module.exports = function (knex) { … }`
                self.bindings.setdefault(name, "knex()")
            elif name and (
                _exported(declared, exported_names) or (declared.start_byte, declared.end_byte) in wrapped
            ):
                # `module.exports = (app) => { app.get(…) }` / `export default async function (app)`:
                # a route installer or plugin; its parameter is the app of whichever framework
                # serves the project (settled in cdverify/verifiers/framework.py)
                self.bindings.setdefault(name, f"{APP_PLACEHOLDER}()")
        for node in self.found.get("call", []):
            callee_node = node.child_by_field_name("function")
            if callee_node is None or callee_node.type != "member_expression":
                continue
            prop = callee_node.child_by_field_name("property")
            receiver = callee_node.child_by_field_name("object")
            if prop is not None and receiver is not None and text(prop) in _TRANSACTIONS:
                self.bind_transaction(node, receiver, text(prop))
                continue
            if prop is None or receiver is None or text(prop) != "register":
                continue
            owner = self.qualify(receiver)
            arguments = node.child_by_field_name("arguments")
            plugin = (
                arguments.named_children[0] if arguments is not None and arguments.named_children else None
            )
            if owner is None or plugin is None or plugin.type not in _FUNCTION_NODES:
                continue
            name, _ = _first_parameter(plugin)
            if name:
                self.bindings[name] = owner
        for (factory, option), app in _APP_CALLBACKS.items():
            for node in self.found.get("call", []):
                function = node.child_by_field_name("function")
                if function is None or self.qualify(function) != factory:
                    continue
                arguments = node.child_by_field_name("arguments")
                options = (
                    _strip(arguments.named_children[0]) if arguments and arguments.named_children else None
                )
                for entry in (
                    options.named_children if options is not None and options.type == "object" else []
                ):
                    if entry.type == "pair":
                        key, callback = entry.child_by_field_name("key"), entry.child_by_field_name("value")
                    elif entry.type == "method_definition":
                        key, callback = entry.child_by_field_name("name"), entry
                    else:
                        continue
                    if key is None or callback is None or _key(key) != option:
                        continue
                    name, _ = _first_parameter(callback)
                    if name:
                        self.bindings.setdefault(name, app)

    def bind_router_parameters(self) -> None:
        """`function init(router) { router.get("/users", …) }`: a parameter that route methods are called
        on stands for whatever router or app callers hand the function (settled in
        cdverify/verifiers/framework.py), bound within the function as PARAM_PLACEHOLDER. Names bound in
        the whole file (an imported or module-level `app`) keep their binding."""
        for node in self.found.get("call", []):
            function = node.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            obj = function.child_by_field_name("object")
            prop = function.child_by_field_name("property")
            if obj is None or prop is None or obj.type != "identifier" or text(prop) not in _ROUTER_METHODS:
                continue
            name = text(obj)
            if name in self.bindings:
                continue
            owner = _parameter_owner(obj, name)
            if owner is None:
                continue
            declared, index = owner
            key = _scope_key(declared)
            if (key, name) in self.local:
                continue
            label = _bound_name(declared) or key.split("@")[0]
            self.local[(key, name)] = f"{PARAM_PLACEHOLDER}{key}#{index}#{label}>()"
            self.local_names.add(name)

    def unwrap_plugin(self, node: Node, exported_names: set[str], wrapped: set[tuple[int, int]]) -> None:
        """`fp(plugin)` / `fp(async (fastify, opts) => …)`: the plugin inside a fastify-plugin wrapper is
        what the module exports."""
        node = _strip(node)
        function = node.child_by_field_name("function") if node.type == "call_expression" else None
        if function is None or self.qualify(function) not in _PLUGIN_WRAPPERS:
            return
        arguments = node.child_by_field_name("arguments")
        first = (
            _strip(arguments.named_children[0])
            if arguments is not None and arguments.named_children
            else None
        )
        if first is None:
            return
        if first.type == "identifier":
            exported_names.add(text(first))
        elif first.type in _FUNCTION_NODES:
            wrapped.add((first.start_byte, first.end_byte))

    def this_value(self, node: Node) -> str | None:
        """What `this` is at `node`: an instance of a traced base class in its methods (the class itself in
        a static method), or the repository an object literal of methods extends."""
        function = node.parent
        while function is not None and function.type not in (
            "method_definition",
            "function_expression",
            "function_declaration",
            "class_declaration",
            "class",
        ):
            function = function.parent  # an arrow function keeps the `this` around it
        if function is None or function.type == "function_declaration":
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

    def bind_extended(self) -> None:
        """`dataSource.getRepository(User).extend({ findByName(n) { return this.createQueryBuilder(…) } })`:
        `this` in the methods of the object literal is the repository extended."""
        for node in self.found.get("call", []):
            function = node.child_by_field_name("function")
            prop = function.child_by_field_name("property") if function is not None else None
            if prop is None or text(prop) != "extend" or function is None:
                continue
            receiver = function.child_by_field_name("object")
            owner = self.qualify(receiver) if receiver is not None else None
            if owner is None or not (owner.endswith("getRepository()") or owner.startswith(_THIS_BASES)):
                continue
            arguments = node.child_by_field_name("arguments")
            first = (
                _strip(arguments.named_children[0])
                if arguments is not None and arguments.named_children
                else None
            )
            if first is not None and first.type == "object":
                self.this_values[(first.start_byte, first.end_byte)] = owner

    def bind_fields(self) -> None:
        """Class fields set to a traced value (`private pool = new Pool()`): `this.pool`, as when the
        constructor assigns it."""
        for node in self.found.get("class", []):
            body = node.child_by_field_name("body")
            for field in body.named_children if body is not None else ():
                if field.type not in ("field_definition", "public_field_definition"):
                    continue
                name = field.child_by_field_name("property") or field.child_by_field_name("name")
                value = field.child_by_field_name("value")
                if name is None or value is None or any(child.type == "static" for child in field.children):
                    continue
                qualified = self.qualify(value)
                if qualified is not None:
                    self.bindings.setdefault(f"this.{text(name)}", qualified)

    def bind_parameter_properties(self) -> None:
        """TypeScript constructor parameter properties typed with an imported class (NestJS injection:
        `private readonly users: Repository<User>`, a project's `private readonly db: DatabaseService`):
        `this.users` is an instance of that class."""
        for method in self.found.get("method", []):
            name = method.child_by_field_name("name")
            parameters = method.child_by_field_name("parameters")
            if name is None or parameters is None or text(name) != "constructor":
                continue
            for parameter in parameters.named_children:
                if parameter.type != "required_parameter" or not any(
                    child.type in ("accessibility_modifier", "readonly") for child in parameter.children
                ):
                    continue
                pattern = parameter.child_by_field_name("pattern")
                annotation = parameter.child_by_field_name("type")
                kind = (
                    annotation.named_children[0]
                    if annotation is not None and annotation.named_children
                    else None
                )
                if kind is not None and kind.type == "generic_type" and kind.named_children:
                    kind = kind.named_children[0]  # `Repository<User>`
                if (
                    pattern is None
                    or pattern.type != "identifier"
                    or kind is None
                    or kind.type != "type_identifier"
                ):
                    continue
                qualified = self.bindings.get(text(kind))
                if qualified is not None:
                    self.bindings.setdefault(f"this.{text(pattern)}", f"{qualified}()")

    def bind_transaction(self, call: Node, receiver: Node, method: str) -> None:
        """`db.transaction(async (trx) => { trx.raw(…) })`: the callback's first parameter is the
        transaction of a traced connection (knex, TypeORM, Prisma), bound within the callback."""
        owner = self.qualify(receiver)
        arguments = call.child_by_field_name("arguments")
        if owner is None or arguments is None:
            return
        callback = next((c for c in arguments.named_children if c.type in _FUNCTION_NODES), None)
        name, _ = _first_parameter(callback) if callback is not None else ("", "")
        if callback is None or not name:
            return
        own = callback.child_by_field_name("name")
        scope_key = f"{text(own) if own is not None else 'function'}@{callback.start_point[0] + 1}"
        self.local[(scope_key, name)] = f"{owner}.{method}()"
        self.local_names.add(name)

    def classes(self) -> tuple[tuple[str, tuple[str, ...], int], ...]:
        """Classes with their traced superclass; the class name is bound to it (`class User extends
        Model` makes `User.init(…)` a call of `sequelize.Model.init`)."""
        out = []
        for node in self.found.get("class", []):
            name = node.child_by_field_name("name")
            heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
            if name is None or heritage is None:
                continue
            clause = next((c for c in heritage.named_children if c.type == "extends_clause"), heritage)
            value = clause.child_by_field_name("value") or (
                clause.named_children[0] if clause.named_children else None
            )
            base = self.qualify(value) if value is not None else None
            if base is not None:
                self.bindings.setdefault(text(name), base)
                out.append((text(name), (base,), node.start_point[0] + 1))
                if base.startswith(_THIS_BASES):
                    self.this_values[(node.start_byte, node.end_byte)] = base
        return tuple(out)

    def default_export(self) -> str | None:
        """The traced value of `module.exports = x` / `export default x`, when it is one."""
        for node in self.found.get("assignment", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None and text(left) == "module.exports":
                return self.qualify(right)
        for node in self.found.get("export", []):
            if any(child.type == "default" for child in node.children):
                value = node.child_by_field_name("value")
                if value is not None:
                    return self.qualify(value)
        return None

    def guard(self, node: Node) -> Value | None:
        """The condition of the nearest `if` or ternary around `node` within its function."""
        child, parent = node, node.parent
        while parent is not None and parent.type not in _FUNCTION_NODES:
            if parent.type in ("if_statement", "ternary_expression"):
                condition = parent.child_by_field_name("condition")
                if condition is not None and condition != child:
                    return self.value(condition)
            child, parent = parent, parent.parent
        return None

    def bind_traced(self, target: str, qualified: str, statement: Node) -> None:
        scope = _scope(statement) if "." not in target else ""
        if scope:
            self.local[(scope, target)] = qualified  # a function's own `const client = …`
            self.local_names.add(target)
        else:
            self.bindings[target] = qualified

    def bind(self, left: Node, right: Node, statement: Node) -> None:
        inner = _strip(right)
        if left.type == "object_pattern":
            module = self.qualify(inner)
            if module is None:
                return
            for prop in left.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    self.bindings[text(prop)] = f"{module}.{text(prop)}"
                elif prop.type == "pair_pattern":
                    key_node = prop.child_by_field_name("key")
                    local = prop.child_by_field_name("value")
                    if key_node is not None and local is not None and local.type == "identifier":
                        self.bindings[text(local)] = f"{module}.{_key(key_node)}"
            return
        target = _target(left)
        if target is None:
            return
        if inner.type in ("call_expression", "new_expression", "member_expression", "identifier"):
            qualified = self.qualify(inner)
            if qualified is not None:
                self.bind_traced(target, qualified, statement)
        if inner.type != "object" and not interesting(target):
            return
        row, column = statement.start_point
        shown = one_line(
            statement.parent if statement.type == "variable_declarator" and statement.parent else statement
        )
        if inner.type == "object":
            for key, entry, where in self.properties(inner, target + ".", 1):
                if not entry.empty:
                    self.assignments.append(entry_assignment(key, entry, where, _scope(statement)))
            return
        result = self.value(inner)._replace(text=shown)
        if not result.empty:
            self.assignments.append(Assignment(target, result, row + 1, column + 1, shown, _scope(statement)))


_SCOPE_NODES = ("function_declaration", "function_expression", "arrow_function", "method_definition")


def _scopes(node: Node) -> list[str]:
    return scopes(node, _SCOPE_NODES)


def _scope(node: Node) -> str:
    return scope(node, _SCOPE_NODES)


def _receiver(function: Node) -> str:
    """The object a method is called on, as written (`router` in `router.get(…)`); "" otherwise."""
    if function.type != "member_expression":
        return ""
    obj = function.child_by_field_name("object")
    return text(obj) if obj is not None and obj.type in ("identifier", "member_expression") else ""


def _holder(node: Node) -> tuple[Node | None, str]:
    """The node that receives `node`'s value, past parentheses and `await`, and the variable name when
    that node declares one (`api` in `const api = Router()`)."""
    parent = node.parent
    while parent is not None and parent.type in _WRAPPERS:
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return parent, text(name) if name is not None and name.type == "identifier" else ""
    return parent, ""


def _assigned_to(call: Node) -> str:
    """The name a call's result is declared or assigned as (`api` in `const api = Router()`)."""
    parent, declared = _holder(call)
    if parent is None or parent.type == "variable_declarator":
        return declared
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return (_target(left) or "") if left is not None else ""
    if parent.type == "export_statement" and any(child.type == "default" for child in parent.children):
        return "exports.default"  # `export default new Hono().route(…)`, as TypeScript compiles it
    return ""


def _called_function(node: Node) -> str:
    """`build` in `build(…)`, when a function is called by its name."""
    function = node.child_by_field_name("function") if node.type == "call_expression" else None
    return text(function) if function is not None and function.type == "identifier" else ""


def _default_export(node: Node) -> bool:
    """`export default <node>` / `module.exports = <node>`."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "export_statement":
        return any(child.type == "default" for child in parent.children)
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left is not None and text(left) in ("module.exports", "exports.default")
    return False


def _returned_expressions(function: Node) -> list[Node]:
    """The expressions a function returns (an arrow function's body expression, or every `return x`
    outside nested functions), unwrapped."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [_strip(body)]
    out = []
    stack = list(reversed(body.named_children))
    while stack:
        node = stack.pop()
        if node.type in _FUNCTION_NODES or node.type in ("class_declaration", "class"):
            continue
        if node.type == "return_statement":
            returned = [c for c in node.named_children if c.type != "comment"]
            if returned:
                out.append(_strip(returned[0]))
            continue
        stack.extend(reversed(node.named_children))
    return out


def _here(node: Node) -> bool:
    """The file's own folder: `__dirname`, `import.meta.dirname`, `dirname(fileURLToPath(import.meta.url))`,
    `path.dirname(__filename)`."""
    if node.type == "identifier":
        return text(node) == "__dirname"
    if node.type == "member_expression":
        return text(node) == "import.meta.dirname"
    if node.type != "call_expression":
        return False
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if (
        function is None
        or arguments is None
        or not text(function).endswith("dirname")
        or not arguments.named_children
    ):
        return False
    inner = _strip(arguments.named_children[0])
    if inner.type == "call_expression":  # fileURLToPath(import.meta.url)
        inner_arguments = inner.child_by_field_name("arguments")
        if inner_arguments is None or not inner_arguments.named_children:
            return False
        inner = _strip(inner_arguments.named_children[0])
    return text(inner) in ("__filename", "import.meta.url", "import.meta.filename")


def _cwd(node: Node) -> bool:
    function = node.child_by_field_name("function") if node.type == "call_expression" else None
    return function is not None and text(function) == "process.cwd"


def _exported(function: Node, exported_names: set[str]) -> bool:
    """`module.exports = <function>` or `export default <function>`, also by the function's name."""
    parent = function.parent
    if parent is None:
        return False
    name = function.child_by_field_name("name")
    if name is not None and text(name) in exported_names:
        return True
    if parent.type == "export_statement":
        return any(child.type == "default" for child in parent.children)
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left is not None and text(left) in ("module.exports", "exports.default")
    return False


def _bound_name(function: Node) -> str:
    """The name an anonymous function is bound to: `const query = (…) => …`, `exports.query = function
    (…)`, `{ query: (…) => … }`; `default` for `module.exports = …` / `export default …`; "" otherwise."""
    if function.type == "method_definition":
        return ""
    parent, declared = _holder(function)
    if parent is None or parent.type == "variable_declarator":
        return declared
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        target = _target(left) if left is not None else None
        if target in ("module.exports", "exports.default"):
            return "default"
        return target.rsplit(".", 1)[-1] if target else ""
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return _key(key) if key is not None else ""
    if parent.type == "export_statement" and any(child.type == "default" for child in parent.children):
        return "default"
    return ""


def _scope_key(function: Node) -> str:
    """`name@line` of a function, as `CallFact.scope` names the function a call is in."""
    own = function.child_by_field_name("name")
    return f"{text(own) if own is not None else 'function'}@{function.start_point[0] + 1}"


def _describe(function: Node) -> tuple[FunctionFact, bool] | None:
    """A named function's fact (an arrow function or function expression is named by the variable,
    property or export it is bound to), and whether its bare name calls it in the file."""
    own = function.child_by_field_name("name")
    name = _bound_name(function) or (text(own) if own is not None else "")
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if not name or parameters is None:
        return None
    if parameters.type == "identifier":  # `sql => …`
        params: tuple[str, ...] = (text(parameters),)
    else:
        params = tuple(_parameter(p) for p in parameters.named_children if p.type != "comment")
    owner = _owner(function)
    bare = not owner and (function.type == "function_declaration" or _declared(function))
    return FunctionFact(_scope_key(function), name, params, owner), bare


def _local_callee(function: Node) -> str:
    """`query` / `this.query` as a call of the file's own function or method may be written; ""."""
    if function.type == "identifier":
        return text(function)
    obj = function.child_by_field_name("object")
    prop = function.child_by_field_name("property")
    if obj is not None and prop is not None and obj.type == "this":
        return f"this.{text(prop)}"
    return ""


def _declared(function: Node) -> bool:
    """`const query = (…) => …`: a function bound to a variable of its own."""
    parent = function.parent
    while parent is not None and parent.type in _WRAPPERS:
        parent = parent.parent
    return parent is not None and parent.type == "variable_declarator"


def _parameter(node: Node) -> str:
    """A parameter's name (TS `required_parameter` / `optional_parameter` too); `*` for `...rest`, "" for
    a destructuring pattern."""
    if node.type == "identifier":
        return text(node)
    if node.type in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        if pattern is not None and pattern.type == "rest_pattern":
            return "*"
        return text(pattern) if pattern is not None and pattern.type == "identifier" else ""
    if node.type == "assignment_pattern":
        left = node.child_by_field_name("left")
        return text(left) if left is not None and left.type == "identifier" else ""
    if node.type == "rest_pattern":
        return "*"
    return ""


def _owner(function: Node) -> str:
    """The class a method belongs to ("" for a function or an object literal's method)."""
    if function.type != "method_definition" or function.parent is None:
        return ""
    body = function.parent
    if body.type != "class_body" or body.parent is None:
        return ""
    name = body.parent.child_by_field_name("name")
    return text(name) if name is not None else "class"


def _parameter_at(function: Node, index: int) -> str:
    """The name of a function's parameter at `index` ("" when it has none there, or a pattern)."""
    parameters = function.child_by_field_name("parameters")
    found = [p for p in parameters.named_children if p.type != "comment"] if parameters is not None else []
    return _parameter(found[index]) if index < len(found) else ""


def _parameter_owner(node: Node, name: str) -> tuple[Node, int] | None:
    """The innermost function enclosing `node` that has a parameter `name`, and its position."""
    parent = node.parent
    while parent is not None:
        if parent.type in _SCOPE_NODES:
            parameters = parent.child_by_field_name("parameters") or parent.child_by_field_name("parameter")
            if parameters is not None and parameters.type == "identifier":  # `router => …`
                if text(parameters) == name:
                    return parent, 0
            elif parameters is not None:
                named = [p for p in parameters.named_children if p.type != "comment"]
                for index, parameter in enumerate(named):
                    if _parameter(parameter) == name:
                        return parent, index
        parent = parent.parent
    return None


def _on_router(callee: str) -> bool:
    """`<param:…>().get`, `<param:…>().route().post`: route methods called on a parameter (and on what
    they return), nothing else."""
    rest = callee.partition(">()")[2]
    parts = rest.split(".")[1:]
    return bool(parts) and all(part.removesuffix("()") in _ROUTER_METHODS for part in parts)


def _no_parameter(qualified: str | None) -> str | None:
    """Values do not carry parameters bound as routers (`req.body` where `req.get(…)` is called)."""
    return None if qualified is not None and qualified.startswith(PARAM_PLACEHOLDER) else qualified


def _first_parameter(function: Node) -> tuple[str, str]:
    """Name and type annotation (TS) of a function's first parameter."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return "", ""
    if parameters.type == "identifier":  # `fastify => …`
        return text(parameters), ""
    first = parameters.named_children[0] if parameters.named_children else None
    if first is None:
        return "", ""
    if first.type == "identifier":
        return text(first), ""
    pattern = first.child_by_field_name("pattern")
    annotation = first.child_by_field_name("type")
    if pattern is not None and pattern.type == "identifier":
        return text(pattern), text(annotation) if annotation is not None else ""
    return "", ""


def _target(node: Node) -> str | None:
    node = _strip(node)
    if node.type in ("identifier", "this"):
        return text(node)
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = _target(obj) if obj is not None else None
        return f"{base}.{text(prop)}" if base and prop is not None else None
    if node.type == "subscript_expression":
        obj = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        base = _target(obj) if obj is not None else None
        if base and index is not None and index.type == "string":
            return f"{base}.{string_value(index)}"
    return None


def _objects(
    found: dict[str, list[Node]], functions: list[FunctionFact], aliases: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """(name, class) of module-level instances of the file's classes with helper methods (`const db = new
    Db()`, `export const db = …`, `exports.db = …`; "default" for `module.exports = new Db()` / `export
    default new Db()`), and ("default()", class) / ("Name()", class) for a class exported itself."""
    owners = {function.owner for function in functions if function.owner}
    if not owners:
        return ()

    def created(node: Node | None) -> str:  # `new Db(…)` → `Db`
        node = _strip(node) if node is not None else None
        constructor = node.child_by_field_name("constructor") if node is not None else None
        if node is None or node.type != "new_expression" or constructor is None:
            return ""
        return text(constructor) if constructor.type == "identifier" and text(constructor) in owners else ""

    out: dict[str, str] = {}
    for node in found.get("declarator", []):
        name = node.child_by_field_name("name")
        holder = node.parent.parent if node.parent is not None else None
        if holder is None or holder.type not in ("program", "export_statement"):
            continue  # not at module level
        if (
            name is not None
            and name.type == "identifier"
            and (owner := created(node.child_by_field_name("value")))
        ):
            out[text(name)] = owner
    for node in found.get("assignment", []):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        target = _target(left) if left is not None else None
        if target is None or right is None or _scope(node):
            continue
        if target in ("module.exports", "exports.default"):
            inner = _strip(right)
            if owner := created(inner):
                out["default"] = owner
            elif inner.type == "object":
                for pair in inner.named_children:
                    key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    if pair.type == "pair" and key is not None and (owner := created(value)):
                        out[_key(key)] = owner
        elif target.startswith(("module.exports.", "exports.")) and (owner := created(right)):
            out[target.rsplit(".", 1)[1]] = owner
    for node in found.get("export", []):
        value = node.child_by_field_name("value")
        declaration = node.child_by_field_name("declaration")
        if value is not None and _default_export(value) and (owner := created(value)):
            out["default"] = owner
        elif declaration is not None and declaration.type == "class_declaration":
            name = declaration.child_by_field_name("name")
            if name is not None and text(name) in owners and _default_export(declaration):
                out["default()"] = text(name)
    for exported, variable in aliases:
        if (
            variable in out and exported not in out
        ):  # `export default db`, `module.exports = { database: db }`
            out[exported] = out[variable]
        elif variable in owners:  # `module.exports = Db`, `export { Db as Database }`
            out[f"{exported}()"] = variable
    return tuple(sorted(out.items()))


def node_code(language: Language, root: Node) -> Code:
    found = captures(language, "code", root)
    scanner = _Scanner(found)
    scanner.bind_imports()
    scanner.scan()
    urls = url_literals(found.get("string", []), string_value)
    default = scanner.default_export()
    exports = instance_exports(scanner.bindings, default)
    if scanner.functions:
        exports = tuple(sorted((*exports, *scanner.factory_exports())))
    aliases = scanner.aliases()
    return Code(
        tuple(scanner.calls),
        tuple(scanner.assignments),
        urls,
        exports,
        scanner.class_facts,
        aliases=aliases,
        functions=tuple(scanner.helpers),
        local_calls=tuple(scanner.local_calls),
        objects=_objects(found, scanner.helpers, aliases),
    )
