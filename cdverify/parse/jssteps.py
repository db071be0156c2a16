"""What a JavaScript / TypeScript function, or the module as it loads, surely runs by name, for
following what runs as an application starts (`FileFacts.steps`): each call of a bare name a function makes as
a statement of its own, its result assigned, awaited, returned or exported (`resolvePath()`, `const file =
resolvePath()`, `await openDb()`, `export default makeDb()`), under no `if`, conditional expression, `switch`
case or loop of the function and in no `try` whose `catch` may carry on (jssyntax.py `swallowed`). A throw in
the function so called throws in its caller. At module level (the function `""`, as in Python) the same calls
count, and one more: the right side of the global-object singleton idiom, `globalThis.prisma ??
createPrismaClient()` (also `||`, `??=`, `||=`, the left side a property of `globalThis` / Node's `global` or
of a module-level name assigned from one: `const globalForPrisma = globalThis as unknown as {…}`), which runs
on every fresh start, the global being unset then.

A class instantiated so (`return new MinioStorageService()`) is called by its name, and a module-level class
calls its constructor (the step (`MinioStorageService`, `constructor@30`)) and what its instance fields'
initializers instantiate (`private users = new Map()`: (`MemStorage`, `Map`)): what the constructor surely
runs runs where the class is instantiated. The lazy singleton's first call counts too: `if (!client) {
client = createClient() }` (also `client == null`, `=== undefined`), the name a module-level `let` / `var`
holding nothing or `null` / `undefined` to start with, assigned the call directly in the `if`'s branch: it
runs the first time the function does.

`sure_gets` records the same of a getter handed a literal key (node-config's `config.get("jwtPrivateKey")`),
whatever it is made as (`if (!config.get("key"))` evaluates its condition), for the start-up check of a key
the configuration leaves undefined (detect/database/config_gets.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.parse.jssyntax import SCOPE_NODES, strip, swallowed
from cdverify.parse.sharing import shared, shared_tuple
from cdverify.parse.treesitter import text

# what a call is made as, for it to be a step: a statement, a declared, assigned, returned or exported value
_STATEMENTS = (
    "expression_statement",
    "variable_declarator",
    "assignment_expression",
    "return_statement",
    "export_statement",
)
_LOOPS = ("for_statement", "for_in_statement", "while_statement")  # bodies that may run no time
_GLOBAL_OBJECTS = frozenset({"globalThis", "global"})  # the global object, empty on a fresh start
_UNSET_OR = ("??", "||")  # `left ?? right` / `left || right`: the right side runs where the left is unset
_NOTHING = frozenset({"null", "undefined"})  # what a lazy singleton's variable holds before its first call
_CONSTRUCTOR = "constructor"


def steps(
    calls: Iterable[Node],
    scope_of: Callable[[Node], str],
    guarded: Callable[[Node], bool],
    program: Node | None,
) -> tuple[tuple[str, str], ...]:
    """(function, name) for each call of a bare name a function, or the module (`""`), surely makes as a step
    of its own."""
    out: set[tuple[str, str]] = set()
    globals_: frozenset[str] | None = None  # the module-level names of the global object, read when needed
    empty: frozenset[str] | None = None  # the module-level names declared holding nothing, read when needed
    for call in calls:
        if call.type not in ("call_expression", "new_expression"):
            continue
        field = "function" if call.type == "call_expression" else "constructor"
        function = call.child_by_field_name(field)
        if function is None or function.type != "identifier":
            continue
        scope = scope_of(call)
        parent = call.parent
        if parent is not None and parent.type == "await_expression":
            parent = parent.parent
        if parent is not None and not scope and _defaulted(parent, call):
            if globals_ is None:
                globals_ = _global_names(program)
            parent = _singleton(parent, globals_)
        if parent is None or parent.type not in _STATEMENTS:
            continue
        if swallowed(call) or _in_loop(call):
            continue
        if guarded(call):
            if not scope or parent.type != "assignment_expression":
                continue
            if empty is None:
                empty = _empty_names(program)
            branch = _first_run(parent, empty)
            if branch is None or guarded(branch) or swallowed(branch) or _in_loop(branch):
                continue
        out.add((shared(scope), shared(text(function))))
    out.update(_constructors(program, scope_of))
    return shared_tuple(tuple(sorted(out)))


def _first_run(assignment: Node, empty: frozenset[str]) -> Node | None:
    """The `if` of a lazy singleton (`if (!client) { client = createClient() }`) whose branch makes the
    assignment, where it tests the module-level name assigned unset; else None."""
    left = assignment.child_by_field_name("left")
    statement = assignment.parent
    if left is None or left.type != "identifier" or text(left) not in empty:
        return None
    if statement is None or statement.type != "expression_statement" or statement.parent is None:
        return None
    holder = statement.parent  # the branch: a block, or the statement itself (`if (!db) db = open()`)
    branch = holder.parent if holder.type == "statement_block" else holder
    if holder.type != "statement_block":
        holder = statement
    if branch is None or branch.type != "if_statement" or branch.child_by_field_name("consequence") != holder:
        return None
    condition = branch.child_by_field_name("condition")
    tested = text(strip(condition)) if condition is not None else ""
    name = re.escape(text(left))
    unset = rf"!\s*{name}|{name}\s*===?\s*(?:null|undefined)|(?:null|undefined)\s*===?\s*{name}"
    return branch if re.fullmatch(unset, tested.strip("() ")) else None


def _empty_names(program: Node | None) -> frozenset[str]:
    """The module-level names a `let` / `var` declares holding nothing to start with (`let client: Client |
    null = null`, `let db;`)."""
    out = set()
    for statement in program.named_children if program is not None else ():
        if statement.type == "export_statement":
            statement = statement.child_by_field_name("declaration") or statement
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        if statement.type == "lexical_declaration" and not text(statement).startswith("let"):
            continue
        for declarator in statement.named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is not None and name.type == "identifier" and (value is None or text(value) in _NOTHING):
                out.add(text(name))
    return frozenset(out)


def _constructors(program: Node | None, scope_of: Callable[[Node], str]) -> list[tuple[str, str]]:
    """(class, its constructor's scope) of each module-level class that declares a constructor, and (class,
    name) of each class an instance field's initializer instantiates by its bare name (`private users:
    Map<string, User> = new Map()`): the fields are set as the class is instantiated, before its
    constructor's body runs. A `static` field's is set once as the class is declared, and makes nothing per
    instance."""
    out = []
    for statement in program.named_children if program is not None else ():
        if statement.type == "export_statement":
            statement = statement.child_by_field_name("declaration") or statement
        if statement.type not in ("class_declaration", "abstract_class_declaration"):
            continue
        name, body = statement.child_by_field_name("name"), statement.child_by_field_name("body")
        if name is None:
            continue
        for member in body.named_children if body is not None else ():
            if member.type in _FIELDS:
                if (made := _initializer(member)) is not None:
                    out.append((shared(text(name)), shared(made)))
                continue
            key = member.child_by_field_name("name") if member.type == "method_definition" else None
            inside = member.child_by_field_name("body")
            if key is not None and text(key) == _CONSTRUCTOR and inside is not None:
                out.append((shared(text(name)), shared(scope_of(inside))))
    return out


_FIELDS = ("public_field_definition", "field_definition")  # TypeScript's and JavaScript's class fields


def _initializer(field: Node) -> str | None:
    """The class an instance field's value instantiates by its bare name (`= new Map()`)."""
    if any(child.type == "static" for child in field.children):
        return None
    value = field.child_by_field_name("value")
    value = strip(value) if value is not None else None
    if value is None or value.type != "new_expression":
        return None
    made = value.child_by_field_name("constructor")
    return text(made) if made is not None and made.type == "identifier" else None


def _defaulted(parent: Node, call: Node) -> bool:
    """Whether `call` is the right side of `??` / `||` (or `??=` / `||=`): run where the left is unset."""
    if parent.type not in ("binary_expression", "augmented_assignment_expression"):
        return False
    operator = parent.child_by_field_name("operator")
    written = text(operator).removesuffix("=") if operator is not None else ""
    return written in _UNSET_OR and parent.child_by_field_name("right") == call


def _singleton(parent: Node, globals_: frozenset[str]) -> Node | None:
    """What a defaulted call's expression is made as, when its left side is a property of the global object
    (`globalForPrisma.prisma ?? f()`): the statement, declarator or assignment holding it; else None."""
    left = parent.child_by_field_name("left")
    left = strip(left) if left is not None else None
    if left is None or left.type != "member_expression":
        return None
    holder = left.child_by_field_name("object")
    if holder is None or holder.type != "identifier" or text(holder) not in globals_:
        return None
    if (
        parent.type == "augmented_assignment_expression"
    ):  # `globalThis.db ??= f()`: the assignment is the step
        above = parent.parent
        return above if above is not None and above.type == "expression_statement" else None
    return parent.parent


def _global_names(program: Node | None) -> frozenset[str]:
    """`globalThis`, `global` and the module-level names declared from one (`const g = globalThis as any`)."""
    out = set(_GLOBAL_OBJECTS)
    for statement in program.named_children if program is not None else ():
        if statement.type == "export_statement":
            statement = statement.child_by_field_name("declaration") or statement
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in statement.named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is not None and value is not None and text(strip(value)) in _GLOBAL_OBJECTS:
                out.add(text(name))
    return frozenset(out)


def _in_loop(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        if parent.type in _LOOPS:
            return True
        parent = parent.parent
    return False


# `a && f()`, `a || f()`, `a ?? f()` (and `a ??= f()`, …): the right side runs only where the left says so
_SHORT_CIRCUITS = frozenset({"&&", "||", "??", "&&=", "||=", "??="})
# branches of these run only where their condition says so: (node type, the field that always runs)
_BRANCHING = {"if_statement": "condition", "ternary_expression": "condition"}
_MAYBE = frozenset({"switch_case", "switch_default", "catch_clause", "class_body", *_LOOPS})


def sure_gets(calls: Iterable[Node]) -> tuple[tuple[int, int], ...]:
    """(line, column) of each `….get("key")` call (a literal first argument) made whenever its function, or
    the module, runs: under no `if` / conditional branch (its condition runs), `switch` case or loop, not on
    the right of `&&` / `||` / `??`, in no `try` whose `catch` may carry on, not optional (`?.`)."""
    out = []
    for call in calls:
        if call.type != "call_expression" or not _keyed_get(call):
            continue
        if swallowed(call) or not _surely_reached(call):
            continue
        row, column = call.start_point
        out.append((row + 1, column + 1))
    return shared_tuple(tuple(out))


def _keyed_get(call: Node) -> bool:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or function.type != "member_expression" or arguments is None:
        return False
    field = function.child_by_field_name("property")
    if field is None or text(field) != "get" or "?." in text(function):
        return False
    first = arguments.named_children[0] if arguments.named_children else None
    return first is not None and first.type == "string"


def _surely_reached(node: Node) -> bool:
    """Whether nothing between `node` and its function (or the module) makes its running conditional."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        kind = parent.type
        if kind in _MAYBE:
            return False
        always = _BRANCHING.get(kind)
        if always is not None and child != parent.child_by_field_name(always):
            return False
        if kind in ("binary_expression", "augmented_assignment_expression"):
            operator = parent.child_by_field_name("operator")
            if (
                operator is not None
                and text(operator) in _SHORT_CIRCUITS
                and child != parent.child_by_field_name("left")
            ):
                return False
        child, parent = parent, parent.parent
    return True
