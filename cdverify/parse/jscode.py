"""JavaScript / TypeScript calls, assignments and values from a tree-sitter tree (never executed): the
node scanner's core, which runs the layers below it in order and records the file's facts.

The scanner is built in layers, each a module: jsnames (what a name is traced to), jsvalues (what an
expression evaluates to), jsbindings (what libraries hand functions and classes: plugins, routers,
transactions, factories, exports), and this one (the scan itself, assignments, instances of the file's
classes); jssyntax holds the grammar-only helpers, scanner.py what Python shares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Set

from tree_sitter import Node

from cdverify.model import OWN_HELPER, PARAM_PLACEHOLDER, Assignment, FunctionFact, Stop, Value
from cdverify.parse.jsbindings import NodeBindingScanner
from cdverify.parse.jsenv import destructured_env, env_helpers, static_methods
from cdverify.parse.jsglobals import GLOBAL_OBJECTS, free_calls
from cdverify.parse.jsindexed import index_names
from cdverify.parse.jsinherited import class_fields, inherited_route
from cdverify.parse.jslazy import empty_module_variables, lazy_assignments
from cdverify.parse.jsmodes import untaken_branch
from cdverify.parse.jsrecords import collections
from cdverify.parse.jsrequired import required_names, run_from
from cdverify.parse.jssteps import steps, sure_gets
from cdverify.parse.jssyntax import (
    assigned_name,
    describe_function,
    first_parameter,
    is_default_export,
    local_callee_of,
    property_key,
    scope_of,
    string_value,
    strip,
    swallowed,
    target_name,
)
from cdverify.parse.jstypes import alias_exports, client_aliases, type_aliases
from cdverify.parse.param_defaults import NODE, parameter_values
from cdverify.parse.sharing import shared, shared_tuple
from cdverify.parse.treesitter import one_line, scope_key, text
from cdverify.parse.values import Code, entry_assignment, instance_exports, interesting, url_literals

_FUNCTION_VALUES = ("arrow_function", "function_expression", "function")
# `process.env` handed whole to a call: `schema.safeParse(process.env)`, `cleanEnv(process.env, {…})`
_WHOLE_ENV = re.compile(r"[(,]\s*process\.env\s*[,)]")
_TYPED_CALLEES = ("non_null_expression", "instantiation_expression")  # `x.query<T>…`, `x.query!(…)`


class NodeScanner(NodeBindingScanner):
    """A JavaScript / TypeScript file's scan: declarations and assignments, the library bindings, then
    the calls."""

    SUBSCRIPT = "subscript_expression"

    def scan(self) -> None:
        self.functions.update(self.module_functions())  # the scanner's own (Watched) dicts, empty until now
        helpers = {**self.functions, **static_methods(self.found.get("method", []))}
        self.env_helpers.update({h.name: h for h in env_helpers(helpers, self.libraries.env_objects)})
        if self.libraries.injected:
            self.bind_injected()  # before the assignments: `this.users = db.selectFrom("User")`
        for node in self.found.get("declarator", []):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None and value is not None:
                self.assign(name, value, node)
                if name.type == "identifier" and strip(value).type in _STRINGS and _constant(node):
                    held = self.value(value)
                    if held.strings:
                        self.string_constants[(self.scope(node), text(name))] = held
        self.bind_defaults()  # after the module's requires, before `this.db = db`
        for node in self.found.get("assignment", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None:
                self.assign(left, right, node)
        self.record_returned_statements()
        named = {name: node for name, node in self.functions.items() if name != "default"}
        self.assignments += parameter_values(named, self.found.get("call", ()), self.value, NODE)
        self.bind_lazy()
        self.record_default_export()
        if self.functions:
            self.bind_factory_results()
            self.bind_resolved_callbacks()
        self.class_facts = self.classes()  # after the requires they extend, before the calls on them
        self.bind_fields()
        self.bind_extended()
        before = set(self.bindings)
        self.bind_plugins()
        if len(self.bindings) > len(before):
            self.bind_plugin_reads(self.bindings.keys() - before)
        self.bind_parameter_properties()
        self.bind_router_parameters()
        self.yield_typed()
        pending = self.scan_calls()
        self.helpers = self.find_helpers(
            (*self.found.get("function", []), *self.found.get("method", [])), pending
        )
        self.pending = pending

    def bind_resolved_callbacks(self) -> None:
        """`buildServer().then((app) => { app.listen(…) })`: the first parameter of the function handed to
        `.then` on a call of the file's own function stands for what that function returns (resolves to),
        as `const app = await buildServer()` would (`bind_factory_results`)."""
        for node in self.found.get("call", []):
            function = node.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            prop, obj = function.child_by_field_name("property"), function.child_by_field_name("object")
            if prop is None or obj is None or text(prop) != "then" or strip(obj).type != "call_expression":
                continue
            called = strip(obj).child_by_field_name("function")
            if called is None or called.type != "identifier" or text(called) not in self.functions:
                continue
            arguments = node.child_by_field_name("arguments")
            handed = arguments.named_children if arguments is not None else []
            callback = strip(handed[0]) if handed else None
            if callback is None or callback.type not in ("arrow_function", "function_expression"):
                continue
            name, _ = first_parameter(callback)
            resolved = self.qualify(strip(obj))
            if name and resolved is not None:
                self.local[(scope_key(callback), name)] = shared(resolved)
                self.local_names.add(name)

    def record_returned_statements(self) -> None:
        """The statement of the query-config object a module-level function returns (`export const getUser =
        (id) => ({ text: "SELECT … WHERE id = $1", values: [id] })`, `function getUser(id) { return { text:
        …, values } }`), as `getUser().text`: what another module's `pool.query(getUser(id))` runs (an
        object's function entries are read with its entries: jsvalues.py `returned_statements`)."""
        for function in self.found.get("function", ()):
            holder = function.parent
            if function.type == "function_declaration":
                name = function.child_by_field_name("name")
            elif holder is not None and holder.type == "variable_declarator":
                name, holder = holder.child_by_field_name("name"), holder.parent
            else:
                continue
            above = holder.parent if holder is not None else None
            if above is not None and above.type == "export_statement":
                above = above.parent
            if name is None or name.type != "identifier" or above is None or above.type != "program":
                continue
            for key, entry, where in self.returned_statements(function, f"{text(name)}()."):
                self.assignments.append(entry_assignment(key, entry, where, ""))

    def bind_plugin_reads(self, parameters: Set[str]) -> None:
        """`const db = fastify.sqlite.db` in a plugin (`async function routes(fastify) { … }`): a variable
        read off a parameter that `bind_plugins` bound after the declarations were read (the app a plugin or
        route installer receives) holds what the app holds, as it would off a module-level app; so does one
        a method of the parameter returns (`const f = fastify.withTypeProvider<ZodTypeProvider>()`, then
        `f.get("/todos", …)`)."""
        for node in self.found.get("declarator", []):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is None or value is None or name.type != "identifier":
                continue
            inner = strip(value)
            root: Node | None = inner
            if inner.type == "call_expression":  # `fastify.withTypeProvider()`: the app, returned
                called = inner.child_by_field_name("function")
                method = called.child_by_field_name("property") if called is not None else None
                if called is None or method is None or text(method) not in self.libraries.app_returning:
                    continue
                root = called.child_by_field_name("object")
            while root is not None and root.type == "member_expression":
                root = root.child_by_field_name("object")
            if root is None or root.type != "identifier" or text(root) not in parameters:
                continue
            if self.name(name) is not None:
                continue
            qualified = self.qualify(inner)
            if qualified is not None:
                self.bind(node, text(name), qualified)

    def bind_lazy(self) -> None:
        """A module variable declared empty and assigned in a function (`let pool = null; function getPool()
        { if (!pool) pool = new Pool(…); return pool; }`): the module's other functions read the object the
        function made (`pool.query(…)`), as they read a `const pool = new Pool()`. Only when every value it
        is assigned is the same object made (a client, `pg.Pool()`): one assigned two kinds of object, or
        anything untraced, is bound to neither."""
        declarators = self.found.get("declarator", ())
        names = empty_module_variables(declarators) if declarators else set()
        if not names:
            return
        lazy = lazy_assignments(names - self.bindings.keys(), declarators, self.found.get("assignment", ()))
        for name, rights in lazy.items():
            made = {self.qualify(right) for right in rights}
            (only,) = made if len(made) == 1 else (None,)
            if only is not None and only.endswith("()"):
                self.bindings[name] = only

    def module_stops(self) -> tuple[Stop, ...]:
        """The `throw`s and `process.exit(1)`s under an `if` (start-up checks), with what the condition
        reads: at module level where no `catch` around them swallows the failure, and in a function where in
        no `try` and the condition reads an environment variable (a plugin's check, run when the app
        registers it). A check over a literal list of names (jsrequired.py) is one stop per name."""
        out = []
        handed: dict[str, set[str]] = {}  # filled at the first stop in a function that needs it
        destructured: dict[tuple[str, str], str] = {}  # filled at the first stop reading a name
        exits = [node for node in self.found.get("call", []) if _exits(node)]
        for node in sorted((*self.found.get("throw", []), *exits), key=lambda node: node.start_byte):
            condition = self.guard_node(node)
            if condition is None:
                continue
            declarators = self.found.get("declarator", [])
            if untaken_branch(node, self.assignments, declarators):
                continue  # `if (process.env.NODE_ENV === 'production') { … throw }`: not where it is unset
            row, column = node.start_point
            names = required_names(node, condition, declarators)
            if names:  # a check over a list of names: one stop per name, as if each were checked alone
                place = run_from(node)
                scope = self.scope(place)
                if swallowed(place) or (scope and self.in_try(place)):
                    continue
                for name in names:
                    guard = Value(env=(name,))
                    out.append(
                        Stop(row + 1, column + 1, one_line(node), guard, f"!process.env.{name}", scope)
                    )
                continue
            scope = self.scope(node)
            guard = self.env_names(self.value(condition), scope, destructured)
            if swallowed(node) or (
                scope
                and (
                    self.in_try(node)
                    or not (
                        guard.env or self.read_env(guard.names, scope) or self.checked(guard, scope, handed)
                    )
                )
            ):
                continue
            out.append(Stop(row + 1, column + 1, one_line(node), guard, one_line(condition), scope))
        return tuple(out)

    def env_names(self, guard: Value, scope: str, destructured: dict[tuple[str, str], str]) -> Value:
        """A condition's value with the names a `const` destructuring of `process.env` in its function or at
        module level reads read as those variables: `!clusterUrl` after `const { MONGODB_CLUSTER_URL:
        clusterUrl } = process.env` tests $MONGODB_CLUSTER_URL."""
        if not guard.names:
            return guard
        if not destructured:  # once per file; `("", "")` marks a file with none
            found = destructured_env(self.found.get("declarator", ()), self.scope)
            destructured.update(found or {("", ""): ""})
        read = [destructured.get((scope, name)) or destructured.get(("", name)) for name in guard.names]
        if not any(read):
            return guard
        names = tuple(name for name, variable in zip(guard.names, read, strict=True) if not variable)
        env = tuple(dict.fromkeys((*guard.env, *(variable for variable in read if variable))))
        return guard._replace(names=names, env=env)

    def handed_environment(self) -> dict[str, set[str]]:
        """Traced callee → the scopes of its calls handed the environment: `process.env` itself
        (`schema.safeParse(process.env)`) or a value reading a variable (`Value.Check(Schema, { DATABASE_URL:
        process.env.DATABASE_URL })`, also through a name bound to such an object)."""
        out: dict[str, set[str]] = {}
        for call in self.calls:
            values = (*call.args, *(value for _key, value in call.kwargs))
            if any(value.env for value in values) or _WHOLE_ENV.search(call.text):
                out.setdefault(call.callee, set()).add(call.scope)
        return out

    def checked(self, guard: Value, scope: str, handed: dict[str, set[str]]) -> bool:
        """Whether a condition reads the result of a call its function (or the module) makes handing it the
        environment: `!parsed.success` after `const parsed = schema.safeParse(process.env)`, `!Value.Check(
        EnvSchema, raw)` with `raw` built from `process.env` reads (a schema check, schema_stops.py)."""
        if guard.calls and not handed:  # once per file; `""` (no call's) marks a file with none
            handed.update(self.handed_environment() or {"": set()})
        return any(
            traced.startswith(f"{callee}()") and (scope in scopes or "" in scopes)
            for traced in guard.calls
            for callee, scopes in handed.items()
        )

    def read_env(self, names: Iterable[str], scope: str) -> bool:
        """Whether one of `names` is assigned an environment read in the function `scope` or at module
        level (`const url = process.env.DATABASE_URL`)."""
        wanted = set(names)
        return any(a.target in wanted and a.scope in (scope, "") and a.value.env for a in self.assignments)

    def record_default_export(self) -> None:
        """`export default { development: { client: … } }` (an ESM knexfile or settings module): its entries,
        recorded as `module.exports = { … }`'s are (an `Object.assign(base, { … })`'s objects too)."""
        for node in self.found.get("export", []):
            value = node.child_by_field_name("value")
            if value is None or not any(child.type == "default" for child in node.children):
                continue
            inner = strip(value)
            if inner.type == "object":
                self.record(node, "module.exports", inner, node)
            elif inner.type == "call_expression":
                for part in self.objects_of(inner):
                    self.record(node, "module.exports", part, None)

    def called(self, call: Node) -> tuple[Node, bool] | None:
        new = call.type == "new_expression"
        function = call.child_by_field_name("constructor" if new else "function")
        # `prisma.$queryRaw<User[]>\`…\``: the grammar reads a type argument before a template as an
        # instantiation inside a non-null assertion; the called name is the member inside
        while function is not None and function.type in _TYPED_CALLEES and function.named_children:
            function = function.named_children[0]
        if (
            function is not None
            and function.type == "await_expression"
            and function.named_children
            and call.child_by_field_name("type_arguments") is not None
        ):
            # `await c.var.pool.query<User>(q)`: the grammar reads the type arguments as those of a call
            # of the awaited name (`(await c.var.pool.query)<User>(q)`); the call is inside the `await`
            function = function.named_children[0]
        if function is None or (function.type == "identifier" and text(function) == "require"):
            return None
        return function, new

    def callee(self, function: Node) -> str | None:
        callee = self.qualify(function)
        if callee is None and function.type == "identifier":
            # `getEnv('JWT_SECRET')` of this module's own helper that throws when the variable is unset: kept,
            # so start-up checks see it as they see an imported helper's calls
            own = self.env_helpers.get(text(function))
            if own is not None and own.required:
                return f"{OWN_HELPER}{own.name}"
        if callee is not None and callee.startswith(PARAM_PLACEHOLDER) and not self.on_router(callee):
            return None  # `req.db.query(…)` in a handler that also calls `req.get(…)`
        if callee is None and text(function) in self.libraries.unset_throws:
            return text(function)  # `Buffer.from(process.env.KEY)`, `new URL(…)` of the global, unbound
        if callee is None and self.bases:  # `this.router.get('/', list)` on a router a base class made
            return inherited_route(function, self.bases, self.libraries.router_methods)
        return callee

    def indexed(self, function: Node) -> tuple[str, ...]:
        """`client[method](…)` on a traced object: a call of each method the index can name
        (jsindexed.py), kept as `callee` keeps a call (`client.query`)."""
        obj, index = function.child_by_field_name("object"), function.child_by_field_name("index")
        base = self.qualify(obj) if obj is not None and index is not None else None
        if base is None or index is None:
            return ()
        named = (f"{base}.{name}" for name in index_names(index, self.found))
        return tuple(c for c in named if not c.startswith(PARAM_PLACEHOLDER) or self.on_router(c))

    def assigned_to(self, call: Node) -> str:
        return assigned_name(call)

    def describe(self, function: Node) -> tuple[FunctionFact, bool] | None:
        return describe_function(function)

    def local_callee(self, function: Node) -> str:
        return local_callee_of(function)

    def assign(self, left: Node, right: Node, statement: Node) -> None:
        """`const x = …` / `x = …`: bind a traced value (destructured names too) and record the value when
        the name is one detection reads."""
        inner = strip(right)
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
                        self.bindings[text(local)] = f"{module}.{property_key(key_node)}"
            return
        target = target_name(left)
        if target is None:
            return
        if inner.type in (
            "call_expression",
            "new_expression",
            "member_expression",
            "identifier",
            "binary_expression",
            "ternary_expression",
        ):
            qualified = self.qualify(inner)
            if qualified is not None:
                self.bind(statement, target, qualified)
        built = self.objects_of(inner) if inner.type in ("object", "call_expression") else []
        if built:  # `const options = Object.assign(base, { type })`: what a call handed `options` reads
            self.option_objects[(self.scope(statement), target)] = built
            self.option_names.add(target)
        if inner.type != "object" and built:  # `Object.assign(…)`: its entries, as an object literal's
            for part in built:
                self.record(statement, target, part, None)
            return
        if target.startswith(GLOBAL_OBJECTS) and inner.type in _FUNCTION_VALUES:
            # `globalThis.query = async (sql) => …`: the global calls the function its property names
            row, column = statement.start_point
            name = target.split(".", 1)[1]
            value = Value(names=(name,), text=one_line(statement))
            scope = self.scope(statement)
            self.assignments.append(Assignment(target, value, row + 1, column + 1, value.text, scope))
            return
        if inner.type != "object" and not _recorded(target) and not target.startswith(GLOBAL_OBJECTS):
            return
        declaration = statement.type == "variable_declarator" and statement.parent
        written = statement.parent if declaration and statement.parent else statement
        self.record(statement, target, inner, written)


def _recorded(target: str) -> bool:
    """Whether the value assigned to `target` is recorded: a name detection reads, also one a leading
    underscore marks private (`const _secret = process.env.JWT_SECRET || undefined`, then `if (!_secret)
    throw …`: the check's variable is found through it)."""
    return interesting(target) or ("." not in target and interesting(target.lstrip("_")))


_STRINGS = ("string", "template_string")


def _constant(declarator: Node) -> bool:
    """`declarator` is of a `const` declaration: the name holds its string wherever it is read."""
    declaration = declarator.parent
    if declaration is None or declaration.type != "lexical_declaration":
        return False
    return text(declaration).startswith("const")


_EXIT_WIDTH = len(b"process.exit")


def _exits(call: Node) -> bool:
    """`process.exit(1)`, `process.exit(code)`: leaving with a failure (not `process.exit()` nor `(0)`)."""
    function = call.child_by_field_name("function")
    # the width first: most calls are not 12 bytes long, and their text is never sliced
    if function is None or function.end_byte - function.start_byte != _EXIT_WIDTH:
        return False
    arguments = call.child_by_field_name("arguments")
    if arguments is None or text(function) != "process.exit":
        return False
    given = arguments.named_children
    return bool(given) and text(given[0]) != "0"


_DECLARATIONS = (
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "abstract_class_declaration",
    "type_alias_declaration",
    "interface_declaration",
    "enum_declaration",
)


def _exporting(found: dict[str, list[Node]]) -> bool:
    """Whether the module exports anything: an `export` statement, or an assignment to `module.exports`,
    `exports` or a property of either."""
    if found.get("export"):
        return True
    for node in found.get("assignment", []):
        left = node.child_by_field_name("left")
        target = target_name(left) if left is not None else None
        if target is not None and (target.split(".")[0] == "exports" or target.startswith("module.exports")):
            return True
    return False


def _enclosing(functions: Iterable[Node], scope_of: Callable[[Node], str]) -> tuple[tuple[str, str], ...]:
    """(function, the function it is written in) of each function written inside another
    (`FileFacts.enclosing`)."""
    out = set()
    for function in functions:
        around = scope_of(function)
        if around:
            out.add((shared(scope_key(function)), shared(around)))
    return shared_tuple(tuple(sorted(out)))


def _declared(found: dict[str, list[Node]]) -> tuple[str, ...]:
    """The names the module exports that it declares itself: `export function DLoader`, `export class C`,
    `export const x = …` (not those an `export … from` passes on)."""
    out = set()
    for node in found.get("export", []):
        declaration = node.child_by_field_name("declaration")
        if declaration is None:
            continue
        if declaration.type in _DECLARATIONS:
            name = declaration.child_by_field_name("name")
            if name is not None:
                out.add(text(name))
        elif declaration.type in ("lexical_declaration", "variable_declaration"):
            for child in declaration.named_children:
                name = child.child_by_field_name("name") if child.type == "variable_declarator" else None
                if name is not None and name.type == "identifier":
                    out.add(text(name))
    return tuple(sorted(out))


_WRAPPING = ("await_expression", "unary_expression", "parenthesized_expression")


def _runs(program: Node | None) -> tuple[str, ...]:
    """The names the module calls by themselves at module level (`main()`, `bootstrap().catch(…)`, `void
    start()`, `await main()`, also under a module-level `if (require.main === module)`): the file's own
    functions that run as it loads, when it declares them; a function called where it is written (`(async
    () => { … })()`) by its scope key (`function@7`, as `CallFact.scope` names it). Read from the program's
    statements down (a node's parent costs a walk from the root)."""
    if program is None:
        return ()
    out: set[str] = set()
    statements = list(program.named_children)
    for statement in statements:
        if statement.type == "if_statement":
            consequence = statement.child_by_field_name("consequence")
            if consequence is not None:
                body = consequence.named_children if consequence.type == "statement_block" else [consequence]
                statements.extend(s for s in body if s.type == "expression_statement")
            continue
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        node = statement.named_children[0]
        while node.type in _WRAPPING and node.named_children:
            node = node.named_children[-1]
        for _ in range(4):  # `main().catch(…)`, `main().then(…).catch(…)`: the call the chain starts with
            if node.type != "call_expression":
                break
            function = node.child_by_field_name("function")
            if function is None:
                break
            if function.type == "identifier":
                out.add(text(function))
                break
            while function.type == "parenthesized_expression" and function.named_children:
                function = function.named_children[-1]
            if function.type in ("arrow_function", "function_expression", "function"):
                out.add(scope_key(function))  # `(async () => { … })()`: the function runs as the module loads
                break
            chained = function.child_by_field_name("object") if function.type == "member_expression" else None
            if chained is None:
                break
            node = chained
    return tuple(sorted(out))


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
        node = strip(node) if node is not None else None
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
        target = target_name(left) if left is not None else None
        if target is None or right is None or scope_of(node):
            continue
        if target in ("module.exports", "exports.default"):
            inner = strip(right)
            if owner := created(inner):
                out["default"] = owner
            elif inner.type == "object":
                for pair in inner.named_children:
                    key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    if pair.type == "pair" and key is not None and (owner := created(value)):
                        out[property_key(key)] = owner
        elif target.startswith(("module.exports.", "exports.")) and (owner := created(right)):
            out[target.rsplit(".", 1)[1]] = owner
    for node in found.get("export", []):
        value = node.child_by_field_name("value")
        declaration = node.child_by_field_name("declaration")
        if value is not None and is_default_export(value) and (owner := created(value)):
            out["default"] = owner
        elif declaration is not None and declaration.type == "class_declaration":
            name = declaration.child_by_field_name("name")
            if name is not None and text(name) in owners and is_default_export(declaration):
                out["default()"] = text(name)
    for exported, variable in aliases:
        if (
            variable in out and exported not in out
        ):  # `export default db`, `module.exports = { database: db }`
            out[exported] = out[variable]
        elif variable in owners:  # `module.exports = Db`, `export { Db as Database }`
            out[f"{exported}()"] = variable
    return tuple(sorted(out.items()))


def node_code(found: dict[str, list[Node]], program: Node | None = None) -> Code:
    """A JavaScript / TypeScript / TSX file's code facts, from the captures of its `code` query."""
    scanner = NodeScanner(found)
    scanner.type_aliases = type_aliases(program)
    scanner.bind_imports()
    if scanner.libraries.injected:  # `type DbClient = DrizzleD1Database<any>`: the alias is the client type
        client_types = client_aliases(scanner.type_aliases, scanner.type_name, scanner.libraries.injected)
        scanner.bindings.update(
            {name: value for name, value in client_types.items() if name not in scanner.bindings}
        )
    scanner.scan()
    urls = url_literals(found.get("string", []), string_value)
    default = scanner.default_export()
    exports = instance_exports(scanner.bindings, default)
    if scanner.functions:
        exports = tuple(sorted((*exports, *scanner.factory_exports())))
    if fields := class_fields(found.get("assignment", []), scanner.qualify):
        exports = tuple(sorted((*exports, *fields)))
    if reexports := [pair for pair in scanner.reexports() if pair[0] not in dict(exports)]:
        exports = tuple(sorted((*exports, *reexports)))
    typed = alias_exports(scanner.type_aliases, scanner.qualify, scanner.type_name)
    if typed := [pair for pair in typed if pair[0] not in dict(exports)]:
        exports = tuple(sorted((*exports, *typed)))  # `export type DB = typeof db`: a `DB()` is `db`
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
        env_helpers=tuple(scanner.env_helpers.values()),
        stops=scanner.module_stops(),
        runs=_runs(program),
        steps=steps(
            found.get("call", []), scanner.scope, lambda call: scanner.guards(call) != (None, None), program
        ),
        default_function=scanner.default_function,
        sure_gets=sure_gets(found.get("call", [])),
        collections=collections(found),
        enclosing=_enclosing(found.get("function", ()), scanner.scope),
        declared=_declared(found),
        exporting=_exporting(found),
        free_calls=free_calls(scanner.pending, scanner.arguments, scanner.scope, program),
    )
