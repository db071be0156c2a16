"""Python calls, assignments and values from a tree-sitter tree (never executed).

Names are traced to imports (`from sqlalchemy import create_engine as ce` makes `ce(...)` a call of
`sqlalchemy.create_engine`) and to the results of traced calls (`app = Flask(__name__)` makes
`@app.get(...)` a call of `flask.Flask().get`). Only calls traced this way are kept: they are the ones
catalogues can name. Values are summarised by `Value` (literals, environment reads, names); how libraries
read the environment is in rules/parse.toml.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from cdverify.model import (
    RAISED,
    SPLAT,
    Assignment,
    CallFact,
    FunctionFact,
    Member,
    Template,
    Text,
    Value,
    joined,
)
from cdverify.parse.libraries import python_libraries
from cdverify.parse.param_defaults import PYTHON, parameter_values, python_functions
from cdverify.parse.pyannotations import annotated_value, class_body, class_members
from cdverify.parse.pyglobals import global_assignments
from cdverify.parse.pyparams import app_parameters, handed_here, on_app, parameter_name
from cdverify.parse.pyraises import EnvTests, import_stops, raised_in, run_at_import
from cdverify.parse.pysteps import bare_decorators, decorated, steps
from cdverify.parse.pysyntax import (
    assignment_target,
    config_default,
    divided_here,
    joined_here,
    leading_hole,
    module_class,
    module_instances,
    owner_class,
    read_from_query,
    runs_handed_statement,
    runs_own_statement,
    spread_name,
    string_value,
    strip,
)
from cdverify.parse.pyunbound import module_names, star_module, star_names, unbound_at_import
from cdverify.parse.scanner import Arguments, Entries, Scanner
from cdverify.parse.sharing import shared
from cdverify.parse.treesitter import one_line, scope_key, text
from cdverify.parse.values import (
    Code,
    concat,
    first_key,
    instance_exports,
    interesting,
    merge,
    number,
    rewritten,
    url_literals,
)

_DICT_DEPTH = 4


class PythonScanner(Scanner):
    """A Python file's scan: imports, `with … as`, assignments, returns, classes, then the calls."""

    SCOPE_NODES = ("function_definition", "lambda")
    CLASS_NODES = ("class_definition",)
    MEMBER = ("attribute", "attribute")
    GUARDS = frozenset({"if_statement", "conditional_expression", "elif_clause"})
    GUARD_LIMITS = frozenset({"function_definition", "module"})
    LITERAL = "dictionary"
    SCOPE_CAPTURES = ("function", "lambda")

    def __init__(self, found: dict[str, list[Node]]) -> None:
        super().__init__(found)
        self.libraries = python_libraries()
        self.try_guarded = self.libraries.file_reads | self.libraries.opening_calls
        # a connection made as it is called records the function it runs in, whatever it is handed
        # (`asyncpg.create_pool(os.environ["DSN"])` in a `cleanup_ctx` hook: database/server_urls.py)
        self.scoped = self.libraries.opening_calls
        self.connect_methods = self.libraries.connect_methods
        self.untraced_hooks = self.libraries.untraced_hooks
        self.handed_connects = self.libraries.handed_connects
        self.factories = False  # a function returns a traced instance
        self._own_classes: frozenset[str] | None = None
        self.functions: list[FunctionFact] = []
        self.member_facts: tuple[Member, ...] = ()
        self.app_params: set[tuple[str, str]] = set()  # (function, parameter) standing for an app handed in
        self._run_at_import: frozenset[str] | None = None
        self._held: dict[tuple[str, str], list[Value]] | None = None  # (scope, name) → values assigned
        # `Class.attr` → traced value of a module-level class's attribute (`class UserDto: api =
        # Namespace(…)`), for other modules that reach it through the class (`api = UserDto.api`)
        self.class_attributes: dict[str, str] = {}
        self.imported: dict[str, str] = {}  # name → what an import statement binds it to
        # the module of the file's only star import, and whether a name nothing in the file binds (which
        # that module then binds: `from app.models import *` then `db.status(…)` is `app.models.db.status`)
        self.star: tuple[str, Callable[[str], bool]] | None = None

    @property
    def run_at_import(self) -> frozenset[str]:
        """The names the module calls by themselves at module level (`validate_config()`)."""
        if self._run_at_import is None:
            self._run_at_import = run_at_import(self.found.get("call", []))
        return self._run_at_import

    # -- names ----------------------------------------------------------------------------------
    def bind_imports(self) -> None:
        for node in self.found.get("import", []):
            if node.type == "import_statement":
                for name in node.children_by_field_name("name"):
                    if name.type == "aliased_import":
                        alias = name.child_by_field_name("alias")
                        target = name.child_by_field_name("name")
                        if alias is not None and target is not None:
                            self.bindings[text(alias)] = self.imported[text(alias)] = text(target)
                    else:
                        root = text(name).split(".")[0]
                        self.bindings[root] = self.imported[root] = root
            else:  # import_from_statement
                module = node.child_by_field_name("module_name")
                if module is None:
                    continue
                prefix = text(module).replace(" ", "")
                for name in node.children_by_field_name("name"):
                    if name.type == "aliased_import":
                        alias = name.child_by_field_name("alias")
                        target = name.child_by_field_name("name")
                        if alias is not None and target is not None:
                            bound = self.imported[text(alias)] = shared(f"{prefix}.{text(target)}")
                            self.bindings[text(alias)] = bound
                    else:
                        bound = self.imported[text(name)] = shared(f"{prefix}.{text(name)}")
                        self.bindings[text(name)] = bound

    def star_import(self, root: Node) -> None:
        """Note the file's only star import, for the names nothing else in the file binds."""
        module = star_module(self.found)
        unbound = star_names(root, self.found) if module is not None else None
        if module is not None and unbound is not None:
            self.star = (module, unbound)

    def name(self, node: Node) -> str | None:
        found = super().name(node)
        if found is None and self.star is not None:
            module, unbound = self.star
            name = text(node)
            if not name.startswith("_") and unbound(name):  # a star import takes no `_name`
                return shared(f"{module}.{name}")
        return found

    def qualify(self, node: Node) -> str | None:
        """The traced name of an expression: `sqlalchemy.create_engine`, `flask.Flask()`, `os.environ`."""
        node = strip(node)
        if node.type == "identifier":
            return self.name(node)
        if node.type == "attribute":
            obj = node.child_by_field_name("object")
            attr = node.child_by_field_name("attribute")
            if obj is None or attr is None:
                return None
            if obj.type == "identifier" and text(obj) == "self":
                return self.bindings.get(f"self.{text(attr)}")
            base = self.qualify(obj)
            return f"{base}.{text(attr)}" if base else None
        if node.type == "call":
            function = node.child_by_field_name("function")
            base = self.qualify(function) if function is not None else None
            if base in self.libraries.wrappers:  # `closing(sqlite3.connect(path))` is the connection
                arguments = node.child_by_field_name("arguments")
                wrapped = arguments.named_children if arguments is not None else []
                return self.qualify(wrapped[0]) if wrapped else None
            if base in self.libraries.type_aliases:  # `NewType("AuthSession", AsyncSession)`: the type
                arguments = node.child_by_field_name("arguments")
                named = arguments.named_children if arguments is not None else []
                return self.qualify(named[1]) if len(named) > 1 else None
            return f"{base}()" if base else None
        if node.type == "subscript":  # `connections["default"]` is one of `connections`
            value = node.child_by_field_name("value")
            return self.qualify(value) if value is not None else None
        return None

    # -- values ---------------------------------------------------------------------------------
    def env_holes(self, node: Node, written: Text) -> tuple[Value, ...]:
        """The values of an f-string's holes, one per hole, when one of them reads the environment
        (`f"{os.environ.get('DATABASE_TYPE')}://…"`) or the string is a URL from its start (`f"postgresql://
        {DB_USER}@{DB_HOST}/…"`, whose holes may be names read from it); () otherwise, as for most f-strings
        (messages)."""
        if not isinstance(written, Template):
            return ()
        holes = [
            self.hole(child.named_children[0])
            for part in (node.named_children if node.type == "concatenated_string" else (node,))
            for child in part.children
            if child.type == "interpolation" and child.named_children
        ]
        scheme = not written.head.strip() and written.pieces[1].startswith("://")  # `f"{engine}://…"`
        return tuple(holes) if "://" in written.head or scheme or any(hole.env for hole in holes) else ()

    def hole(self, node: Node) -> Value:
        """A URL hole's value; an entry of a mapping by a literal key (`{conf["host"]}`) names the entry as
        its assignment does (`conf.host`, from `conf = {"host": os.environ.get("DB_HOST")}`)."""
        value = self.value(node)
        node = strip(node)
        if node.type == "subscript" and not value.env and (entry := assignment_target(node)) and "." in entry:
            return Value(names=(shared(entry),))
        return value

    def value(self, node: Node | None) -> Value:
        if node is None:
            return Value()
        node = strip(node)
        kind = node.type
        if kind in ("string", "concatenated_string"):
            written = string_value(node)
            leading = leading_hole(node, written)
            return Value(strings=(written,), parts=self.env_holes(node, written), names=leading)
        if kind == "integer":
            return number(node)
        if kind in ("boolean_operator", "binary_operator"):
            left = self.value(node.child_by_field_name("left"))
            right = self.value(node.child_by_field_name("right"))
            operator = node.child_by_field_name("operator")
            if operator is not None and text(operator) == "+" and left.strings and right.strings:
                both = tuple(joined((a, b)) for a in left.strings[:4] for b in right.strings[:4])
                return merge(Value(strings=both), left, right, keep_strings=False)
            if operator is not None and text(operator) == "+":
                return merge(Value(strings=concat(left, right)), left, right, keep_strings=False)
            if kind == "binary_operator" and (
                here := divided_here(node, self.qualify, self.found.get("assignment", []))
            ):
                return Value(strings=right.strings, paths=(here,))  # `Path(__file__).parent / "config.yaml"`
            return merge(Value(), left, right)
        if kind == "not_operator":
            return self.value(node.child_by_field_name("argument"))
        if kind == "comparison_operator":
            return merge(Value(), *(self.value(child) for child in node.named_children))
        if kind == "conditional_expression":
            branches = [self.value(child) for child in node.named_children]
            # children: consequence, condition, alternative — the condition is not a result
            return merge(Value(), branches[0], *branches[2:])
        if kind in ("list", "tuple", "set"):
            return merge(Value(), *(self.value(child) for child in node.named_children[:16]))
        if kind == "identifier":
            name = shared(text(node))
            qualified = self.bindings.get(name)
            return Value(names=(name,), calls=(qualified,) if qualified else ())
        if kind == "attribute":
            attr = node.child_by_field_name("attribute")
            member = self.module_member(node)  # `items.router`: another module's object, by its import
            names = (shared(text(attr)),) if attr is not None else ()
            return Value(names=names, calls=(member,) if member else ())
        if kind == "subscript":
            target = self.qualify(node.child_by_field_name("value") or node)
            index = node.child_by_field_name("subscript")
            key = self.value(index)
            if target in self.libraries.env_mappings and key.strings:
                return Value(env=first_key(key))
            return Value(names=first_key(key))
        if kind == "call":
            return self.call_value(node)
        return Value()

    def module_member(self, node: Node) -> str | None:
        """`items.router` after `from app.api.routes import items` → `app.api.routes.items.router`: an
        attribute chain on a name an import binds (and nothing rebinds), the member of another module it
        may name (a router mounted by `app.include_router(items.router)`); None otherwise."""
        root = node
        while root.type == "attribute":
            obj = root.child_by_field_name("object")
            if obj is None:
                return None
            root = obj
        if root.type != "identifier" or text(root) not in self.imported:
            return None
        if self.name(root) != self.imported[text(root)]:
            return None
        return self.qualify(node)

    def statement(self, node: Node) -> Value:
        """A name holds the statement assigned to it in its function, or else at module level (`query =
        "SELECT …"` then `await connection.fetchrow(query, id)` on a connection a project wrapper hands
        out): the call on the untraced connection is kept, and detection reads the statement."""
        value = self.value(node)
        if node.type != "identifier" or value.strings or value.calls:
            return value
        if self._held is None:  # the assignments are all recorded before the calls are
            self._held = {}
            for assignment in self.assignments:
                self._held.setdefault((assignment.scope, assignment.target), []).append(assignment.value)
        name, function = text(node), self.scope(node)
        held = self._held.get((function, name)) or self._held.get(("", name), [])
        return merge(value, *held)

    def call_value(self, node: Node) -> Value:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is not None and function.type == "attribute":
            attr = function.child_by_field_name("attribute")
            receiver = function.child_by_field_name("object")
            method = text(attr) if attr is not None else ""
            if method == "replace" and receiver is not None:
                args, _ = self.arguments(arguments)
                if len(args) >= 2:
                    return rewritten(self.value(receiver), args[0], args[1], "")
            if method in ("strip", "lower", "rstrip", "lstrip", "format") and receiver is not None:
                inner = self.value(receiver)
                return inner if method != "format" else merge(inner, *self.arguments(arguments)[0])
        callee = self.qualify(function) if function is not None else None
        name = text(function) if function is not None else ""
        libraries = self.libraries
        if (
            callee in libraries.env_getters
            or name in libraries.env_helpers
            or (callee or "").endswith(libraries.env_getter_suffixes)
        ):
            args, kwargs = self.arguments(arguments)
            env = first_key(args[0]) if args else ()
            default = args[1] if len(args) > 1 else dict(kwargs).get("default", Value())
            return Value(default.strings, default.numbers, env, default.names, default.calls, ())
        if callee in libraries.url_builders:  # `URL.create(drivername="postgresql", …)`: a URL of that scheme
            args, kwargs = self.arguments(arguments)
            driver = dict(kwargs).get("drivername") or (args[0] if args else Value())
            return Value(strings=tuple(f"{scheme}://" for scheme in driver.literals), calls=(shared(callee),))
        if callee == "os.path.join" and (here := joined_here(node, self.qualify)) is not None:
            return Value(
                calls=(shared(callee),), paths=(here,)
            )  # `os.path.join(os.path.dirname(__file__), …)`
        if callee in ("int", "str") or name in ("int", "str", "Path", "pathlib.Path"):
            return merge(Value(), *self.arguments(arguments)[0])
        if callee is not None and callee.endswith(
            ".Field"
        ):  # a pydantic field's default: `Field("sqlite://…")`
            args, kwargs = self.arguments(arguments)
            return args[0] if args else dict(kwargs).get("default", Value())
        if callee is None and function is not None and function.type == "identifier":
            # a project function: `create_engine(database_url())` is looked up by the function's
            # name among the recorded `return` values
            return Value(names=(shared(text(function)),))
        if callee is None and function is not None and function.type == "attribute":
            # a static or class method called through the module's own class (`Config.get_database_url()`):
            # looked up by the method's name among the recorded `return` values, as a project function is
            owner, called = function.child_by_field_name("object"), function.child_by_field_name("attribute")
            if owner is not None and called is not None and text(owner) in self.own_classes():
                return Value(names=(shared(text(called)),))
        return Value(calls=(shared(callee),) if callee else ())

    def own_classes(self) -> frozenset[str]:
        """The names of the classes the module defines."""
        if self._own_classes is None:
            names = (node.child_by_field_name("name") for node in self.found.get("class", []))
            self._own_classes = frozenset(text(name) for name in names if name is not None)
        return self._own_classes

    def arguments(self, node: Node | None) -> Arguments:
        if node is None:
            return (), ()
        args: list[Value] = []
        kwargs: list[tuple[str, Value]] = []
        for child in node.named_children:
            if child.type == "list_splat":  # `execute(*sql_and_args)`: a name spread is kept, by name
                spread = spread_name(child)
                if spread:
                    args.append(Value(names=(shared(spread),), text=shared(SPLAT + spread)))
            elif child.type == "keyword_argument":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                if name is not None and value is not None:
                    if strip(value).type == "dictionary":
                        kwargs.extend((k, v) for k, v, _ in self.entries(strip(value), text(name) + ".", 1))
                    kwargs.append((text(name), self.value(value)))
            elif child.type == "dictionary":
                kwargs.extend((key, value) for key, value, _ in self.entries(child, "", 1))
                args.append(Value(text=one_line(child, 120)))
            elif child.type not in ("comment", "dictionary_splat"):
                args.append(self.value(child))
        return tuple(args), tuple(kwargs)

    def first_items(self, node: Node | None) -> tuple[tuple[int, Value], ...]:
        """(position, value) of the first item of each positional tuple or list argument, positions
        counted as `arguments` counts them (`fetchall(dbc, ("SELECT …", (id,)))` → `((1, "SELECT …"),)`)."""
        if node is None:
            return ()
        out: list[tuple[int, Value]] = []
        position = 0
        for child in node.named_children:
            if child.type in ("comment", "keyword_argument", "dictionary_splat"):
                continue
            if child.type == "list_splat" and not spread_name(child):
                continue
            inner = strip(child)
            if inner.type in ("tuple", "list") and inner.named_children:
                first = self.value(inner.named_children[0])
                if not first.empty:
                    out.append((position, first))
            position += 1
        return tuple(out)

    def entries(self, node: Node, prefix: str, depth: int) -> Entries:
        """Entries of a dict literal by dotted key, nested dicts flattened, each with its own node."""
        out: Entries = []
        for pair in node.named_children:
            if pair.type != "pair":
                continue
            key_node = pair.child_by_field_name("key")
            value_node = pair.child_by_field_name("value")
            if key_node is None or value_node is None:
                continue
            key = self.value(key_node)
            label = first_key(key)[0] if key.strings else (key.names[0] if key.names else "")
            if not label:
                continue
            inner = strip(value_node)
            if inner.type == "dictionary" and depth < _DICT_DEPTH:
                out.extend(self.entries(inner, f"{prefix}{label}.", depth + 1))
            else:
                out.append((prefix + label, self.value(inner), pair))
        return out

    # -- statements -----------------------------------------------------------------------------
    def classes(self) -> tuple[tuple[str, tuple[str, ...], int], ...]:
        """Classes with their traced bases. A class is bound to its first traced base, so that after
        `class Base(DeclarativeBase)`, `class User(Base)` derives from `sqlalchemy.orm.DeclarativeBase`."""
        out = []
        for node in self.found.get("class", []):
            name = node.child_by_field_name("name")
            superclasses = node.child_by_field_name("superclasses")
            if name is None or superclasses is None:
                continue
            bases = tuple(
                q
                for child in superclasses.named_children
                if child.type != "keyword_argument"
                if (q := self.qualify(child)) is not None
            )
            if bases:
                self.bindings.setdefault(text(name), bases[0])
                out.append((shared(text(name)), tuple(map(shared, bases)), node.start_point[0] + 1))
        return tuple(out)

    def annotated(self, annotation: Node | None) -> str | None:
        """The value a name annotated so stands for (rules/parse.toml `[python.annotated]`), or None."""
        return annotated_value(annotation, self.qualify, self.bindings, self.libraries.annotated)

    def bind_parameters(self) -> None:
        """Parameters annotated with a catalogued client type (`session: AsyncSession`) stand for one,
        also through a new name for it (`UserSession = NewType("UserSession", AsyncSession)`)."""
        for node in self.found.get("assignment", []):
            right = node.child_by_field_name("right")
            function = (
                right.child_by_field_name("function") if right is not None and right.type == "call" else None
            )
            if function is not None and self.qualify(function) in self.libraries.type_aliases:
                self.assignment(node, record=False)
        for function in self.found.get("function", []):
            parameters = function.child_by_field_name("parameters")
            for child in parameters.named_children if parameters is not None else ():
                if child.type not in ("typed_parameter", "typed_default_parameter"):
                    continue
                value = self.annotated(child.child_by_field_name("type"))
                name = parameter_name(child)
                if value is not None and name not in ("", "*"):
                    self.local[(scope_key(function), name)] = value
                    self.local_names.add(name)
                    if value in self.libraries.app_values:  # `def register_routes(app: Flask)`
                        self.app_params.add((scope_key(function), name))
        # un-annotated app parameters last: an annotated one is bound already
        handed = app_parameters(self.found.get("call", []), self.libraries.app_methods, self.local)
        self.local.update(handed)
        self.local_names.update(name for _, name in handed)
        self.app_params.update(handed)

    def scan(self) -> None:
        self.bind_parameters()
        for node in self.found.get("assignment", []):
            self.assignment(node)
        functions = python_functions(self.found.get("function", ()))
        self.assignments += parameter_values(functions, self.found.get("call", ()), self.value, PYTHON)
        self.config_defaults()
        if "global" in self.found:
            self.bind_globals()
        for node in self.found.get("return", []):
            self.returned(node)
        for node in self.found.get("with", []):  # `with sqlite3.connect(…) as conn:`
            value = node.child_by_field_name("value")
            inner = value.named_children[0] if value is not None and value.type == "as_pattern" else None
            alias = (
                value.child_by_field_name("alias")
                if value is not None and value.type == "as_pattern"
                else None
            )
            bound = alias.named_children[0] if alias is not None and alias.named_children else None
            qualified = self.qualify(inner) if inner is not None else None
            if qualified is not None and bound is not None and bound.type == "identifier":
                self.bind(node, text(bound), qualified)
        # factories: `app = create_app()` after `def create_app(): … return Flask(__name__)`
        if self.factories:
            for node in self.found.get("assignment", []):
                self.assignment(node, record=False)
        self.class_facts = self.classes()  # after the bindings their bases use (`db = SQLAlchemy()`)
        based = {name for name, _bases, _line in self.class_facts}
        classes = self.found.get("class", [])
        self.member_facts = class_members(classes, based, self.libraries.recorded_methods, self.qualify)
        pending = self.scan_calls()
        tests = EnvTests(self.qualify, self.libraries.env_getters, self.libraries.env_mappings)
        self.calls = import_stops(self, tests)
        self.calls = handed_here(self.calls, pending, self.qualify, self.libraries.app_values)
        self.functions = self.find_helpers(tuple(self.found.get("function", [])), pending)

    def config_defaults(self) -> None:
        """`app.config.setdefault("KEY", value)` recorded as `app.config["KEY"] = value`, unless the same
        function already set the key (then the default is not taken)."""
        for node in self.found.get("call", []):
            default = config_default(node)
            if default is None or not interesting(default[0]):
                continue
            target, value = default
            where, line = self.scope(node), node.start_point[0] + 1
            if not any(a.target == target and a.scope == where and a.line < line for a in self.assignments):
                self.record(node, target, strip(value), node)

    def bind_globals(self) -> None:
        """A module variable a function assigns under `global` (`_conn = None` … `global _conn; _conn =
        sqlite3.connect(…)`): the module's other functions read the object made (`_conn.execute(…)`), as
        they read a module-level `conn = sqlite3.connect(…)`. Only when every value it is assigned is the
        same object made (a client): one assigned two kinds of object, or anything untraced, is neither."""
        assigned = global_assignments(self.found["global"], self.found.get("assignment", ()), self.scope)
        for name, rights in assigned.items():
            if name in self.bindings:
                continue
            made = {self.qualify(strip(right)) for right in rights}
            (only,) = made if len(made) == 1 else (None,)
            if only is not None and only.endswith("()"):
                self.bindings[name] = only

    def called(self, call: Node) -> tuple[Node, bool] | None:
        function = call.child_by_field_name("function")
        return (function, False) if function is not None else None

    def callee(self, function: Node) -> str | None:
        qualified = self.qualify(function)
        if qualified is not None and self.app_params and not on_app(function, qualified, self):
            return None  # `app.config.from_object(…)`, `app.errorhandler(…)` on an app handed in
        raised = raised_in(function) if qualified is None and function.type == "identifier" else None
        if raised is not None:  # at module level or in a module-level function (`FileFacts.at_import`)
            return f"{RAISED}{text(function)}"  # `raise ValueError("SECRET_KEY is unset")`
        if qualified is None and function.type == "identifier" and text(function) in self.libraries.builtins:
            return f"builtins.{text(function)}"  # `open("config.json")`, where nothing binds `open`
        return qualified

    def condition(self, guard: Node) -> Node | None:
        if guard.type != "conditional_expression":
            return guard.child_by_field_name("condition")
        return guard.named_children[1] if len(guard.named_children) > 2 else None

    def assigned_to(self, call: Node) -> str:
        """The name a call's result is assigned to (`api` in `api = Blueprint(…)`); "" otherwise."""
        parent = call.parent
        if parent is not None and parent.type == "assignment" and parent.child_by_field_name("right") == call:
            left = parent.child_by_field_name("left")
            return assignment_target(left) or "" if left is not None else ""
        return ""

    def decorated(self, call: Node) -> str:
        return decorated(call)

    def describe(self, function: Node) -> tuple[FunctionFact, bool] | None:
        """A function's or method's fact, and whether its bare name calls it in the file (a method is
        called as `self.name(…)`)."""
        name = function.child_by_field_name("name")
        parameters = function.child_by_field_name("parameters")
        if name is None or parameters is None:
            return None
        params = tuple(
            parameter_name(child)
            for child in parameters.named_children
            if child.type not in ("comment", "positional_separator")
        )
        owner = owner_class(function)
        fact = FunctionFact(scope_key(function), shared(text(name)), tuple(map(shared, params)), owner)
        return fact, not owner

    def local_callee(self, function: Node) -> str:
        """`query` / `self.query` as a call of the file's own function or method may be written; ""."""
        if function.type == "identifier":
            return text(function)
        obj = function.child_by_field_name("object")
        attr = function.child_by_field_name("attribute")
        if obj is not None and attr is not None and obj.type == "identifier" and text(obj) in ("self", "cls"):
            return f"{text(obj)}.{text(attr)}"
        return ""

    def assignment(self, node: Node, record: bool = True) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is not None and right is None and record and left.type == "identifier":
            value = self.annotated(node.child_by_field_name("type"))  # a class's `session: Session`
            if value is not None and class_body(node):
                self.bindings[f"self.{text(left)}"] = value
        if left is None or right is None:
            return
        target = assignment_target(left)
        if target is None:
            return
        inner = strip(right)
        qualified = self.qualify(inner) if inner.type in ("call", "attribute", "identifier") else None
        if qualified is None and record and self.libraries.annotated:  # `self.db: Session = make()`
            qualified = self.annotated(node.child_by_field_name("type"))
            if qualified is not None and left.type == "identifier" and class_body(node):
                self.bindings[f"self.{target}"] = qualified  # a class attribute: what its methods see
        if qualified is not None and left.type in ("identifier", "attribute"):
            self.bind(node, target, qualified)
            owner = module_class(node) if left.type == "identifier" else ""
            if owner:
                self.class_attributes[f"{owner}.{target}"] = qualified
        if not record or (inner.type != "dictionary" and not interesting(target)):
            return
        self.record(node, target, inner, node)

    def returned(self, node: Node) -> None:
        """`return <expr>` of a named function, recorded as an assignment to the function's name."""
        function = node.parent
        while function is not None and function.type not in (
            "function_definition",
            "lambda",
            "class_definition",
        ):
            function = function.parent
        if function is None or function.type != "function_definition" or not node.named_children:
            return
        name = function.child_by_field_name("name")
        if name is None:
            return
        returned = self.qualify(node.named_children[0])
        query_results = self.libraries.query_results
        if (
            returned is not None
            and returned.endswith("()")
            and (
                not (
                    read_from_query(node.named_children[0], returned, query_results)
                    or runs_own_statement(node.named_children[0], query_results)
                )
                or runs_handed_statement(function, self.found.get("call", ()), query_results)
            )
        ):
            self.bindings.setdefault(text(name), returned[:-2])  # a factory of traced instances
            self.factories = True
        if not interesting(text(name)):
            return
        value = self.value(node.named_children[0])
        if name is not None and (value.strings or value.env or value.names):
            row, column = node.start_point
            # a function defined in another function returns a local value (`def _check_port(s): return
            # len(s) == 5` inside `validate`): its return is in the outer function's scope, no module constant
            where = self.scope(function.parent) if function.parent is not None else ""
            self.assignments.append(Assignment(text(name), value, row + 1, column + 1, one_line(node), where))


def python_code(found: dict[str, list[Node]], root: Node) -> Code:
    """A Python file's code facts, from the captures of its `code` query (and its tree, `root`)."""
    scanner = PythonScanner(found)
    scanner.bind_imports()
    scanner.star_import(root)
    scanner.scan()
    urls = url_literals(found.get("string", []), string_value)
    exports = tuple(sorted((*instance_exports(scanner.bindings), *scanner.class_attributes.items())))
    return Code(
        tuple(scanner.calls),
        tuple(scanner.assignments),
        urls,
        exports,
        scanner.class_facts,
        functions=tuple(scanner.functions),
        local_calls=tuple(scanner.local_calls),
        objects=module_instances(found, scanner.functions),
        members=scanner.member_facts,
        steps=steps(found.get("call", []), scanner.scope),
        unbound=unbound_at_import(root, found),
        defines=module_names(root, found),
        # what of a function's `raise` runs as the module is imported (read only where there is one)
        at_import=tuple(sorted(scanner.run_at_import))
        if any(_raised_later(c) for c in scanner.calls)
        else (),
        decorators=bare_decorators(found.get("function", ()), scanner.qualify),
    )


def _raised_later(call: CallFact) -> bool:
    """A `raise` in a module-level function: it runs when the function is called."""
    return bool(call.scope) and call.callee.startswith(RAISED)
