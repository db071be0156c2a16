"""What JavaScript / TypeScript libraries hand a function or a class, bound before the calls are read:
Fastify plugins and their wrappers, route installers and the routers handed to them, transactions,
`this` in data-access classes and TypeORM repositories, class fields and NestJS-injected properties,
factory functions and what the module exports. The third layer of the node scanner (jsnames → jsvalues →
jsbindings → jscode); the libraries' names are in rules/parse.toml.
"""

from __future__ import annotations

from tree_sitter import Node

from cdverify.model import APP_PLACEHOLDER, PARAM_PLACEHOLDER
from cdverify.parse.jssyntax import (
    FUNCTION_NODES,
    bound_name,
    called_function,
    first_parameter,
    instance_fields,
    is_default_export,
    is_exported,
    parameter_at,
    parameter_owner,
    property_key,
    returned_expressions,
    string_value,
    strip,
)
from cdverify.parse.jstypes import TypeAlias, instance_of, project_type
from cdverify.parse.jsvalues import NodeValueScanner
from cdverify.parse.scanner import ClassFacts
from cdverify.parse.treesitter import scope_key, text
from cdverify.rules_schema import ParameterBinding


class NodeBindingScanner(NodeValueScanner):
    """A JavaScript / TypeScript file's library bindings, factories and exports."""

    def __init__(self, found: dict[str, list[Node]]) -> None:
        super().__init__(found)
        self.type_aliases: dict[str, TypeAlias] = {}  # the module's `type X = …` (jscode.node_code sets them)
        # (function scope, name) of parameters bound by a project type (`db: DB`): other binders win
        self.project_typed: set[tuple[str, str]] = set()

    def classes(self) -> ClassFacts:
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
                self.bases[(node.start_byte, node.end_byte)] = base
                if base.startswith(self.libraries.this_bases):
                    self.this_values[(node.start_byte, node.end_byte)] = base
        return tuple(out)

    def bind_fields(self) -> None:
        """Class fields set to a traced value (`private pool = new Pool()`): `this.pool`, as when the
        constructor assigns it."""
        for node in self.found.get("class", []):
            for name, value in instance_fields(node):
                qualified = self.qualify(value)
                if qualified is not None:
                    self.bindings.setdefault(f"this.{text(name)}", qualified)

    def bind_extended(self) -> None:
        """`dataSource.getRepository(User).extend({ findByName(n) { return this.createQueryBuilder(…) } })`:
        `this` in the methods of the object literal is the repository extended."""
        libraries = self.libraries
        for node in self.found.get("call", []):
            function = node.child_by_field_name("function")
            prop = function.child_by_field_name("property") if function is not None else None
            if prop is None or text(prop) not in libraries.extend or function is None:
                continue
            receiver = function.child_by_field_name("object")
            owner = self.qualify(receiver) if receiver is not None else None
            if owner is None or not (
                owner.endswith(libraries.repositories) or owner.startswith(libraries.this_bases)
            ):
                continue
            arguments = node.child_by_field_name("arguments")
            first = (
                strip(arguments.named_children[0])
                if arguments is not None and arguments.named_children
                else None
            )
            if first is not None and first.type == "object":
                self.this_values[(first.start_byte, first.end_byte)] = owner

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
                self.export_function(right, wrapped)
        for node in self.found.get("export", []):
            value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
            if value is not None and value.type == "identifier":
                exported_names.add(text(value))
            elif value is not None and is_default_export(value):
                self.unwrap_plugin(value, exported_names, wrapped)
                self.export_function(value, wrapped)
        self.bind_parameters(exported_names, wrapped)
        self.bind_registered()
        self.bind_app_callbacks()

    def bind_parameters(self, exported_names: set[str], wrapped: set[tuple[int, int]]) -> None:
        """A function's first parameter that is a library's object by its name or type (rules/parse.toml:
        `fastify`, `knex: Knex`), or the app handed to an exported route installer or plugin."""
        options = self.plugin_options()
        for declared in self.found.get("function", []):
            name, annotation = first_parameter(declared)
            if not name:
                continue
            plugin = (
                is_exported(declared, exported_names) or (declared.start_byte, declared.end_byte) in wrapped
            )
            second = parameter_at(declared, 1) if options and plugin else ""
            if second:  # `fp(async (fastify, opts) => { knex(opts) })` beside `export const autoConfig`
                self.option_objects[(scope_key(declared), second)] = options
                self.option_names.add(second)
            binding = self.parameter_binding(name, annotation)
            if binding is not None:
                self.bindings.setdefault(name, binding.value)
                second = parameter_at(declared, 1) if binding.second else ""
                if second:  # `up: (queryInterface, Sequelize) => … Sequelize.literal("CURRENT_TIMESTAMP")`
                    self.bindings.setdefault(second, binding.second)
            elif plugin:
                # `module.exports = (app) => { app.get(…) }` / `export default async function (app)`:
                # a route installer or plugin; its parameter is the app of whichever framework
                # serves the project (settled in cdverify/detect/framework/installers.py)
                self.bindings.setdefault(name, f"{APP_PLACEHOLDER}()")

    def plugin_options(self) -> list[Node]:
        """The object literals of the module's exported plugin options (`export const autoConfig = { … }`,
        or a function returning one), the exported plugin's second parameter when a loader registers it."""
        found: list[Node] = []
        for node in self.found.get("declarator", []):
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is None or value is None or text(name) not in self.libraries.plugin_options:
                continue
            holder = node.parent.parent if node.parent is not None else None
            if holder is None or holder.type != "export_statement":
                continue  # the loader reads the module's exports only
            value = strip(value)
            returned = returned_expressions(value) if value.type in FUNCTION_NODES else [value]
            found += [part for expression in returned for part in self.objects_of(expression)]
        return found

    def parameter_binding(self, name: str, annotation: str) -> ParameterBinding | None:
        """The first catalogued binding of a parameter so named or typed (the annotation as written,
        `: Knex`)."""
        declared = annotation.lstrip(":").strip()
        for binding in self.libraries.parameters:
            if (
                name in binding.names
                or any(part in annotation for part in binding.type_contains)
                or declared in binding.types
            ):
                return binding
        return None

    def bind_registered(self) -> None:
        """`x.register(fn, …)`: the first parameter of `fn` is `x` (a Fastify plugin); and the first
        parameter of a callback handed to `db.transaction(…)` is a transaction of `db`."""
        libraries = self.libraries
        handed_methods = {callee.rpartition(".")[2] for callee in libraries.handed_callbacks}
        for node in self.found.get("call", []):
            callee_node = node.child_by_field_name("function")
            if callee_node is None or callee_node.type != "member_expression":
                continue
            prop = callee_node.child_by_field_name("property")
            receiver = callee_node.child_by_field_name("object")
            if prop is not None and receiver is not None and text(prop) in libraries.transactions:
                self.bind_transaction(node, receiver, text(prop))
                continue
            if prop is not None and receiver is not None and text(prop) in handed_methods:
                self.bind_handed(node, callee_node)
                continue
            if prop is None or receiver is None or text(prop) not in libraries.plugin_registers:
                continue
            owner = self.qualify(receiver)
            arguments = node.child_by_field_name("arguments")
            plugin = (
                arguments.named_children[0] if arguments is not None and arguments.named_children else None
            )
            if owner is None or plugin is None or plugin.type not in FUNCTION_NODES:
                continue
            name, _ = first_parameter(plugin)
            if name:
                self.bindings[name] = owner

    def bind_app_callbacks(self) -> None:
        """`createFactory({ initApp(app) { … } })`: the first parameter of a catalogued option callback is
        a new app."""
        for callback_rule in self.libraries.app_callbacks:
            factory, option, app = callback_rule.call, callback_rule.option, callback_rule.app
            for node in self.found.get("call", []):
                function = node.child_by_field_name("function")
                if function is None or self.qualify(function) != factory:
                    continue
                arguments = node.child_by_field_name("arguments")
                options = (
                    strip(arguments.named_children[0]) if arguments and arguments.named_children else None
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
                    if key is None or callback is None or property_key(key) != option:
                        continue
                    name, _ = first_parameter(callback)
                    if name:
                        self.bindings.setdefault(name, app)

    def on_router(self, callee: str) -> bool:
        """`<param:…>().get`, `<param:…>().route().post`: route methods called on a parameter (and on what
        they return), nothing else."""
        rest = callee.partition(">()")[2]
        parts = rest.split(".")[1:]
        methods = self.libraries.router_methods
        return bool(parts) and all(part.removesuffix("()") in methods for part in parts)

    def export_function(self, node: Node, wrapped: set[tuple[int, int]]) -> None:
        """Record the scope of the function written as the default export, or inside its plugin wrapper."""
        node = strip(node)
        if node.type not in FUNCTION_NODES and node.type == "call_expression":
            arguments = node.child_by_field_name("arguments")
            first = (
                arguments.named_children[0] if arguments is not None and arguments.named_children else None
            )
            node = strip(first) if first is not None else node
            if (node.start_byte, node.end_byte) not in wrapped:
                return
        if node.type in FUNCTION_NODES:
            self.default_function = scope_key(node)

    def unwrap_plugin(self, node: Node, exported_names: set[str], wrapped: set[tuple[int, int]]) -> None:
        """`fp(plugin)` / `fp(async (fastify, opts) => …)`: the plugin inside a fastify-plugin wrapper is
        what the module exports."""
        node = strip(node)
        function = node.child_by_field_name("function") if node.type == "call_expression" else None
        if function is None or self.qualify(function) not in self.libraries.plugin_wrappers:
            return
        arguments = node.child_by_field_name("arguments")
        first = (
            strip(arguments.named_children[0]) if arguments is not None and arguments.named_children else None
        )
        if first is None:
            return
        if first.type == "identifier":
            exported_names.add(text(first))
        elif first.type in FUNCTION_NODES:
            wrapped.add((first.start_byte, first.end_byte))

    def bind_transaction(self, call: Node, receiver: Node, method: str) -> None:
        """`db.transaction(async (trx) => { trx.raw(…) })`: the callback's first parameter is the
        transaction of a traced connection (knex, TypeORM, Prisma), bound within the callback."""
        owner = self.qualify(receiver)
        arguments = call.child_by_field_name("arguments")
        if owner is None or arguments is None:
            return
        callback = next((c for c in arguments.named_children if c.type in FUNCTION_NODES), None)
        name, _ = first_parameter(callback) if callback is not None else ("", "")
        if callback is None or not name:
            return
        self.local[(scope_key(callback), name)] = f"{owner}.{method}()"
        self.local_names.add(name)

    def bind_handed(self, call: Node, callee: Node) -> None:
        """`io.on("connection", (socket) => { socket.on(…) })`: the first parameter of a callback handed to
        a catalogued call (rules/parse.toml `handed_callbacks`) is the call's result, bound within the
        callback."""
        qualified = self.qualify(callee)
        arguments = call.child_by_field_name("arguments")
        if qualified not in self.libraries.handed_callbacks or arguments is None:
            return
        callback = next((c for c in arguments.named_children if c.type in FUNCTION_NODES), None)
        name, _ = first_parameter(callback) if callback is not None else ("", "")
        if callback is None or not name:
            return
        self.local[(scope_key(callback), name)] = f"{qualified}()"
        self.local_names.add(name)

    def bind_parameter_properties(self) -> None:
        """TypeScript constructor parameter properties typed with an imported class (NestJS injection:
        `private readonly users: Repository<User>`, a project's `private readonly db: DatabaseService`):
        `this.users` is an instance of that class."""
        for _method, parameter, pattern, qualified, nested in self.typed_constructor_parameters():
            if nested:
                continue  # `Knex.Transaction`: a plain imported class only
            if any(child.type in ("accessibility_modifier", "readonly") for child in parameter.children):
                self.bindings.setdefault(f"this.{text(pattern)}", f"{qualified}()")

    def bind_injected(self) -> None:
        """Parameters typed with a catalogued data client (`constructor(db: Kysely<Database>)`, `function
        following(eb: ExpressionBuilder<DB, "users">)`, `({ db }: { db: LibSQLDatabase<S> }) => …`; rules/
        parse.toml `[node.injected]`): within the function the parameter is an instance of it, so
        `this.users = db.selectFrom("User")` and the calls on it trace. Bound before assignments are read.
        So are parameters typed with the project's own type (`db: DB`, see `typed_instance`)."""
        clients = self.libraries.injected
        methods = self.found.get("method", [])
        method_set = set(methods)
        for function in (*self.found.get("function", []), *methods):
            for name, kind in typed_parameters(function):
                # a type no import binds is a global one (Cloudflare's `KVNamespace`, `D1Database`)
                qualified = self.type_name(kind) or (text(kind) if kind.type == "type_identifier" else None)
                instance = f"{qualified}()" if qualified in clients else self.typed_instance(kind, qualified)
                if instance is None:
                    continue  # the cheap test first: most parameters are typed with neither
                if function not in method_set and self.parameter_binding(name, text(kind)) is not None:
                    continue  # a catalogued first parameter (`up(db: Knex)` → `knex()`) keeps its binding
                self.local[(scope_key(function), name)] = instance
                self.local_names.add(name)
                if qualified not in clients:
                    self.project_typed.add((scope_key(function), name))

    def typed_instance(self, kind: Node, qualified: str | None) -> str | None:
        """What a parameter typed with the project's own type holds (jstypes.py): an instance of a type
        another project module exports (`db: DB` → `../db.DB()`, traced to that module's `DB()` entry), or
        what a type alias of this module names (`type Database = NodePgDatabase<S>`)."""
        alias = self.type_aliases.get(text(kind)) if kind.type == "type_identifier" else None
        if alias is not None:
            return instance_of(alias.value, self.qualify, self.type_name)
        return f"{qualified}()" if project_type(qualified) else None

    def yield_typed(self) -> None:
        """Parameters bound by a project type give way to a file-wide binding of their name (a plugin's or
        a route installer's app parameter, `export default (app: App) => …`)."""
        for key in self.project_typed:
            if key[1] in self.bindings:
                self.local.pop(key, None)

    def bind_defaults(self) -> None:
        """Parameters whose default value is a traced object (`constructor(db = new Database(path))`, `(db:
        DatabaseType = defaultDb)`): within the function the parameter holds it unless a caller hands
        another, so `this.db = db` and the calls on it trace. A parameter already bound (a catalogued client
        type) keeps its binding; a TypeScript parameter property (`private db = new Database(path)`) is
        `this.db`."""
        for function in (*self.found.get("function", []), *self.found.get("method", [])):
            parameters = function.child_by_field_name("parameters")
            for parameter in parameters.named_children if parameters is not None else ():
                name, value = defaulted_parameter(parameter)
                if name is None or value is None:
                    continue
                key = scope_key(function)
                if (key, text(name)) in self.local:
                    continue
                value = strip(value)
                qualified = self.qualify(value) if value.type in _DEFAULTS else None
                if qualified is None:
                    continue
                self.local[(key, text(name))] = qualified
                self.local_names.add(text(name))
                if any(child.type == "accessibility_modifier" for child in parameter.children):
                    self.bindings.setdefault(f"this.{text(name)}", qualified)

    def typed_constructor_parameters(self) -> list[tuple[Node, Node, Node, str, bool]]:
        """(constructor, parameter, its name, the traced type, whether the type is a member of an imported
        name) of every constructor parameter annotated with an imported type (`Repository<User>`,
        `Knex.Transaction`) or with a catalogued global one no import binds (Cloudflare's `D1Database`,
        rules/parse.toml `[node.injected]`)."""
        clients = self.libraries.injected
        out = []
        for method in self.found.get("method", []):
            name = method.child_by_field_name("name")
            parameters = method.child_by_field_name("parameters")
            if name is None or parameters is None or text(name) != "constructor":
                continue
            for parameter in parameters.named_children:
                if parameter.type != "required_parameter":
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
                if pattern is None or pattern.type != "identifier" or kind is None:
                    continue
                qualified = self.type_name(kind)
                if qualified is None and kind.type == "type_identifier" and text(kind) in clients:
                    qualified = text(kind)  # a global type of the runtime: `private db: D1Database`
                if qualified is not None:
                    out.append((method, parameter, pattern, qualified, kind.type != "type_identifier"))
        return out

    def type_name(self, kind: Node) -> str | None:
        """The traced name of a type: `Knex` → `knex.Knex`, `Knex.Transaction` → `knex.Knex.Transaction`."""
        if kind.type == "type_identifier":
            return self.bindings.get(text(kind))
        if kind.type == "nested_type_identifier":
            head, _, rest = text(kind).partition(".")
            bound = self.bindings.get(head)
            return f"{bound}.{rest}" if bound is not None and rest else None
        return None

    def bind_router_parameters(self) -> None:
        """`function init(router) { router.get("/users", …) }`: a parameter that route methods are called
        on stands for whatever router or app callers hand the function (settled in
        cdverify/detect/framework/installers.py), bound within the function as PARAM_PLACEHOLDER. Names
        bound in the whole file (an imported or module-level `app`) keep their binding."""
        for node in self.found.get("call", []):
            function = node.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            obj = function.child_by_field_name("object")
            prop = function.child_by_field_name("property")
            if obj is None or prop is None or obj.type != "identifier":
                continue
            if text(prop) not in self.libraries.router_methods:
                continue
            name = text(obj)
            if name in self.bindings:
                continue
            owner = parameter_owner(obj, name)
            if owner is None:
                continue
            declared, index = owner
            key = scope_key(declared)
            typed = (key, name) in self.project_typed or project_type(self.local.get((key, name)))
            if (key, name) in self.local and not typed:
                continue  # a client's parameter keeps its binding; a project type's is a router's first
            label = bound_name(declared) or key.split("@")[0]
            self.local[(key, name)] = f"{PARAM_PLACEHOLDER}{key}#{index}#{label}>()"
            self.local_names.add(name)

    def bind_factory_results(self) -> None:
        """`const router = makeRouter()` written before `function makeRouter() { … }`: bound once every
        name of the file is, since the function's own names were not yet when the call was met."""
        self.forget_returns()
        for node in self.found.get("declarator", []):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is None or value is None or name.type != "identifier":
                continue
            inner = strip(value)
            function = inner.child_by_field_name("function") if inner.type == "call_expression" else None
            if function is None or function.type != "identifier" or text(function) not in self.functions:
                continue
            qualified = self.qualify(inner)
            if qualified is not None:
                self.bind(node, text(name), qualified)

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
        `module.exports = { users: usersRouter }`, `export { router as users }`, `export const users =
        router`, and the variable a module-level function returns (`makeRouter()` → `router`)."""
        out: list[tuple[str, str]] = []
        for node in self.found.get("assignment", []):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            written, inner = text(left), strip(right)
            if written in ("module.exports", "exports.default"):
                if inner.type == "identifier":
                    out.append(("default", text(inner)))
                elif (called := called_function(inner)) in self.functions:  # `module.exports = build()`
                    out.append(("default", f"{called}()"))
                elif inner.type == "object":
                    for pair in inner.named_children:
                        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                        if pair.type != "pair" or key is None or value is None:
                            continue
                        if value.type == "identifier" and property_key(key) != text(value):
                            out.append((property_key(key), text(value)))
            elif written.startswith(("module.exports.", "exports.")) and inner.type == "identifier":
                exported = written.rsplit(".", 1)[1]
                if exported != text(inner):
                    out.append((exported, text(inner)))
        for node in self.found.get("export", []):
            value = node.child_by_field_name("value")
            if value is not None and strip(value).type == "identifier" and is_default_export(value):
                out.append(("default", text(strip(value))))
            elif value is not None and (called := called_function(strip(value))) in self.functions:
                out.append(("default", f"{called}()"))
            declaration = node.child_by_field_name("declaration")
            if declaration is not None and declaration.type in (
                "lexical_declaration",
                "variable_declaration",
            ):
                out.extend(_renamed(declaration))  # `export const apiRoutes = api`
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    local, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                    if spec.type == "export_specifier" and local is not None and alias is not None:
                        out.append((property_key(alias), property_key(local)))
        for function in self.functions:
            variable = self.returned(function)[1]
            if variable:
                out.append((f"{function}()", variable))
        return tuple(dict.fromkeys(out))

    def reexports(self) -> list[tuple[str, str]]:
        """(name, what it is) of each name a module re-exports from a relative one: `export { default as
        posts } from "./posts"` → (`posts`, `./posts`), `export { users } from "./users"` → (`users`,
        `./users.users`), as if imported and exported."""
        out = []
        for node in self.found.get("export", []):
            source = node.child_by_field_name("source")
            spec = string_value(source) if source is not None else ""
            if not isinstance(spec, str) or not spec.startswith(("./", "../")):
                continue
            for clause in node.named_children:
                for item in clause.named_children if clause.type == "export_clause" else ():
                    local, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                    if item.type != "export_specifier" or local is None:
                        continue
                    name = property_key(local)
                    value = spec if name == "default" else f"{spec}.{name}"
                    out.append((property_key(alias) if alias is not None else name, value))
        return out

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


def _renamed(declaration: Node) -> list[tuple[str, str]]:
    """(name, variable) of each `name = variable` exported (`export const users = router`)."""
    out = []
    for declarator in declaration.named_children:
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if declarator.type != "variable_declarator" or name is None or value is None:
            continue
        value = strip(value)
        if name.type == "identifier" and value.type == "identifier" and text(name) != text(value):
            out.append((text(name), text(value)))
    return out


# the default values a parameter is bound to: a client made there, or an object imported or made in the module
_DEFAULTS = ("new_expression", "call_expression", "identifier", "member_expression")


def defaulted_parameter(parameter: Node) -> tuple[Node | None, Node | None]:
    """The name and default value of a parameter with one (`db = new Database()`, TypeScript's `db: T = x`);
    (None, None) for any other parameter."""
    if parameter.type == "assignment_pattern":
        name, value = parameter.child_by_field_name("left"), parameter.child_by_field_name("right")
    elif parameter.type in ("required_parameter", "optional_parameter"):
        name, value = parameter.child_by_field_name("pattern"), parameter.child_by_field_name("value")
    else:
        return None, None
    return (name, value) if name is not None and name.type == "identifier" else (None, None)


def typed_parameters(function: Node) -> list[tuple[str, Node]]:
    """(name, type) of a function's parameters annotated with a named type (`db: Kysely<DB>`: the type
    `Kysely`, its arguments dropped), also the names a destructured parameter takes from an object type
    (`{ db, me }: { db: LibSQLDatabase<S>; me: number }`)."""
    parameters = function.child_by_field_name("parameters")
    out: list[tuple[str, Node]] = []
    for parameter in parameters.named_children if parameters is not None else ():
        if parameter.type not in ("required_parameter", "optional_parameter"):
            continue
        pattern = parameter.child_by_field_name("pattern")
        kind = _annotated(parameter)
        if pattern is None or kind is None:
            continue
        if pattern.type == "identifier":
            if kind.type != "object_type":
                out.append((text(pattern), kind))
            continue
        if pattern.type != "object_pattern" or kind.type != "object_type":
            continue
        taken = {text(c) for c in pattern.named_children if c.type == "shorthand_property_identifier_pattern"}
        for member in kind.named_children:
            key = member.child_by_field_name("name") if member.type == "property_signature" else None
            member_kind = _annotated(member) if key is not None else None
            if key is not None and member_kind is not None and text(key) in taken:
                out.append((text(key), member_kind))
    return out


def _annotated(node: Node) -> Node | None:
    """The type a parameter or property is annotated with, its generic arguments dropped."""
    annotation = node.child_by_field_name("type")
    kind = annotation.named_children[0] if annotation is not None and annotation.named_children else None
    if kind is not None and kind.type == "generic_type" and kind.named_children:
        kind = kind.named_children[0]  # `Repository<User>`
    return kind
