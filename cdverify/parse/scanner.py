"""The scanner both grammars share: the state a file's scan builds (traced names, calls, assignments,
helpers) and the steps that read the same in Python and in JavaScript — looking a name up through the
enclosing functions, binding one where it is assigned, recording a traced call with its arguments, its
guard and its scope, recording an assigned value, and finding the file's helper functions.

A grammar's subclass (`pycode.PythonScanner`, `jscode.NodeScanner`) says how its syntax is written: its
scope and member node types, and how it traces (`qualify`), evaluates (`value`, `arguments`, `entries`)
and describes (`describe`, `local_callee`, `assigned_to`) a node.
"""

from __future__ import annotations

from operator import attrgetter
from typing import ClassVar

from tree_sitter import Node

from cdverify.model import Assignment, CallFact, FunctionFact, Value
from cdverify.parse.sharing import shared, shared_value
from cdverify.parse.treesitter import index_scopes, one_line, scope, scope_key, scopes, text
from cdverify.parse.values import (
    call_fact,
    entry_assignment,
    local_call_fact,
    passing_functions,
    untraced_callee,
    untraced_sink,
)

Arguments = tuple[tuple[Value, ...], tuple[tuple[str, Value], ...]]
ClassFacts = tuple[tuple[str, tuple[str, ...], int], ...]
Entries = list[tuple[str, Value, Node]]


def receiver(function: Node, member: str, subscript: str = "") -> str:
    """The object a method is called on, as written (`users` in `users.post(…)`, `client` in
    `client[method](…)`); "" otherwise. `member` and `subscript` are the grammar's member access and
    subscript node types."""
    if function.type != member and (not subscript or function.type != subscript):
        return ""
    obj = function.child_by_field_name("object")
    return text(obj) if obj is not None and obj.type in ("identifier", member) else ""


# (the condition node of the nearest `if` or conditional expression, the nearest `switch_case`): `guards`
Around = tuple[Node | None, Node | None]
_NOTHING_AROUND: Around = (None, None)
_AT = attrgetter("line", "col")  # where a fact is, to sort facts by
# the guard of a `try_guarded` call inside a `try` (rules/parse.toml `file_reads`…): its failure is handled
TRY_GUARD = Value(text="try")


class Scanner:
    """One file's scan: what its names are traced to, and the facts recorded on the way."""

    SCOPE_NODES: ClassVar[tuple[str, ...]]  # the nodes that make a scope (functions)
    CLASS_NODES: ClassVar[tuple[str, ...]] = ()  # the nodes of a class whose body assigns fields
    MEMBER: ClassVar[tuple[str, str]]  # the member access node type and its property field
    GUARDS: ClassVar[frozenset[str]]  # the conditional nodes whose condition guards what they hold
    GUARD_LIMITS: ClassVar[frozenset[str]]  # a guard is looked for up to one of these
    LITERAL: ClassVar[str]  # the dict / object literal node, whose entries are recorded one by one
    SCOPE_CAPTURES: ClassVar[tuple[str, ...]]  # the captures that hold every scope node
    SUBSCRIPT: ClassVar[str] = ""  # the subscript node whose call is a method chosen by a string (`indexed`)

    def __init__(self, found: dict[str, list[Node]]) -> None:
        self.found = found
        # calls recorded with the guard `try` inside a `try` (a file read: `fs.readFileSync`, a call throwing
        # on undefined): their failure is handled there
        self.try_guarded: frozenset[str] = frozenset()
        self.scoped: frozenset[str] = frozenset()  # calls whose enclosing function is always recorded
        # methods whose calls with no argument are recorded with their function, and `try` around them;
        # methods whose `try` around them is recorded, whatever their arguments
        self.connect_methods: frozenset[str] = frozenset()
        self.handed_connects: frozenset[str] = frozenset()
        # start-up hook registrations recorded on an untraced name: `?app.on_startup.append`
        self.untraced_hooks: frozenset[str] = frozenset()
        self.connect_awaited = False  # JavaScript's: only an awaited call connects (its rejection is thrown)
        # JavaScript's: an awaited call with no argument of a function a relative import names (`await
        # connectDatabase()` from './config/database') is recorded as a connection is (its function, `try`)
        self.awaited_project = False
        self.scoped_methods: frozenset[str] = frozenset()  # methods whose calls record their scope: `listen`
        self.bindings: dict[str, str] = {}  # module-level names (and `self.<attr>` / `this.<field>`)
        self.local: dict[tuple[str, str], str] = {}  # (function scope, name): a function's own names
        self.local_names: set[str] = set()
        self.calls: list[CallFact] = []
        self.assignments: list[Assignment] = []
        self.class_facts: ClassFacts = ()
        self.local_calls: list[CallFact] = []
        # node → what is around it in its function (`guards`): the calls of a statement share their walk
        self.guard_memo: dict[Node, Around] = {}
        index_scopes((node for key in self.SCOPE_CAPTURES for node in found.get(key, ())), self.SCOPE_NODES)

    # -- the grammar's part ---------------------------------------------------------------------
    def qualify(self, node: Node) -> str | None:
        """The traced name of an expression (`sqlalchemy.create_engine`, `express().get`), or None."""
        raise NotImplementedError

    def value(self, node: Node | None) -> Value:
        """What an expression may evaluate to."""
        raise NotImplementedError

    def statement(self, node: Node) -> Value:
        """What the first argument of a SQL method on an untraced object holds (the grammar may follow a
        name to the statement it was assigned)."""
        return self.value(node)

    def arguments(self, node: Node | None) -> Arguments:
        """A call's positional values, and its keyword (or object-literal) entries by dotted key."""
        raise NotImplementedError

    def first_items(self, node: Node | None) -> tuple[tuple[int, Value], ...]:
        """(position, value) of the first item of each positional tuple / list argument (`CallFact.firsts`);
        none by default."""
        return ()

    def entries(self, node: Node, prefix: str, depth: int) -> Entries:
        """The entries of a dict / object literal by dotted key, nested literals flattened."""
        raise NotImplementedError

    def called(self, call: Node) -> tuple[Node, bool] | None:
        """The node a call calls, and whether it is a `new`; None for a call that is not traced."""
        raise NotImplementedError

    def callee(self, function: Node) -> str | None:
        """The traced name a call is recorded under, or None."""
        return self.qualify(function)

    def assigned_to(self, call: Node) -> str:
        """The name a call's result is assigned to; "" otherwise."""
        raise NotImplementedError

    def indexed(self, function: Node) -> tuple[str, ...]:
        """The traced names a call of a subscript (`client[method](…)`) is recorded under, one per method
        its index can name; () for none (a grammar that reads no such call)."""
        return ()

    def describe(self, function: Node) -> tuple[FunctionFact, bool] | None:
        """A function's fact, and whether its bare name calls it in the file."""
        raise NotImplementedError

    def local_callee(self, function: Node) -> str:
        """How a call of the file's own function or method is written (`query`, `self.query`); ""."""
        raise NotImplementedError

    def decorated(self, call: Node) -> str:
        """The function a decorator call decorates, as `scope` names it; "" (a grammar that reads none)."""
        return ""

    def condition(self, guard: Node) -> Node | None:
        """The condition of a conditional node."""
        return guard.child_by_field_name("condition")

    # -- names ----------------------------------------------------------------------------------
    def name(self, node: Node) -> str | None:
        """The traced name an identifier is bound to: in the functions around it, or in the module."""
        name = text(node)
        if name in self.local_names:
            for key in scopes(node, self.SCOPE_NODES):
                found = self.local.get((key, name))
                if found is not None:
                    return found
        return self.bindings.get(name)

    def scope(self, node: Node) -> str:
        """The function `node` is in, as `CallFact.scope` names it ("" at module level)."""
        return scope(node, self.SCOPE_NODES)

    def bind(self, statement: Node, name: str, qualified: str) -> None:
        """Bind `name` where `statement` assigns it: in its function, or at module level (an attribute,
        `self.x` / `this.x`, is kept per class, which is per file here)."""
        key = self.scope(statement) if "." not in name else ""
        qualified = shared(qualified)
        if key:
            self.local[(key, name)] = qualified
            self.local_names.add(name)
        else:
            self.bindings[shared(name)] = qualified

    def untraced_hook(self, function: Node) -> str | None:
        """`?app.on_startup.append` for a start-up hook registration (`untraced_hooks`) on a plain name
        nothing traces (the app a helper is handed)."""
        receiver, dot, registration = text(function).partition(".")
        if not dot or registration not in self.untraced_hooks or not receiver.isidentifier():
            return None
        return untraced_callee(receiver, registration)

    # -- facts ----------------------------------------------------------------------------------
    def scan_calls(self) -> list[tuple[Node, Node]]:
        """Record every traced call (and every untraced one that runs SQL), in source order; return the
        (call, callee) nodes of the calls that may be of the file's own functions."""
        member, _ = self.MEMBER
        pending: list[tuple[Node, Node]] = []
        for node in self.found.get("call", []):
            called = self.called(node)
            if called is None:
                continue
            function, new = called
            if not new and function.type in ("identifier", member):
                pending.append((node, function))
            if function.type == self.SUBSCRIPT:  # `client[method](…)`: each method it may name
                callees = self.indexed(function)
            else:
                callee = self.callee(function)
                if callee is None:
                    callee = untraced_sink(function, node, self.MEMBER, self.statement)
                if callee is None and self.untraced_hooks:
                    callee = self.untraced_hook(function)
                callees = (callee,) if callee is not None else ()
            if not callees:
                continue
            arguments = node.child_by_field_name("arguments")
            args, kwargs = self.arguments(arguments)
            firsts = self.first_items(arguments)
            guard, target = self.guard(node), self.assigned_to(node)
            connecting = tried = False
            if self.connect_methods:  # `await database.connect()`, `create_all(bind=engine)`
                methods = {callee.rpartition(".")[2] for callee in callees}
                connecting = not (args or kwargs) and (
                    not methods.isdisjoint(self.connect_methods)
                    or (self.awaited_project and any(callee.startswith(".") for callee in callees))
                )
                if connecting and self.connect_awaited:  # JavaScript's `await client.connect()`
                    connecting = node.parent is not None and node.parent.type == "await_expression"
                tried = connecting or not methods.isdisjoint(self.handed_connects)
                connecting = connecting or not methods.isdisjoint(self.scoped_methods)
            if guard is None and (tried or self.try_guarded.intersection(callees)) and self.swallowed(node):
                guard = TRY_GUARD
            for callee in callees:
                self.calls.append(
                    call_fact(
                        node,
                        callee,
                        args,
                        kwargs,
                        new=new,
                        guard=guard,
                        receiver=receiver(function, member, self.SUBSCRIPT),
                        target=target,
                        scope_of=self.scope,
                        decorates=self.decorated(node),
                        scoped=connecting or callee in self.scoped,
                        firsts=firsts,
                    )
                )
        self.calls.sort(key=_AT)  # (line, col), read in C
        return pending

    def find_helpers(
        self, functions: tuple[Node, ...], pending: list[tuple[Node, Node]]
    ) -> list[FunctionFact]:
        """The file's functions that hand a parameter on to a call; their calls go to `local_calls`."""
        found, self.local_calls = passing_functions(
            functions, scope_key, self.describe, self.calls, pending, self.local_callee, self.local_call
        )
        return found

    def local_call(self, node: Node, callee: str) -> CallFact | None:
        """The fact of a call of this file's own function, when it hands over something."""
        arguments = node.child_by_field_name("arguments")
        args, kwargs = self.arguments(arguments)
        if kwargs or any(not value.empty for value in args):
            return local_call_fact(node, callee, args, kwargs, self.scope, self.first_items(arguments))
        return None

    def guard(self, node: Node) -> Value | None:
        """The condition of the nearest `if` or conditional expression around `node` in its function."""
        condition = self.guard_node(node)
        return self.value(condition) if condition is not None else None

    def in_try(self, node: Node) -> bool:
        """Whether a `try` statement in `node`'s function holds it."""
        parent = node.parent
        while parent is not None and parent.type not in self.SCOPE_NODES:
            if parent.type == "try_statement":
                return True
            parent = parent.parent
        return False

    def swallowed(self, node: Node) -> bool:
        """Whether a `try` around `node` handles what it throws (the guard `try` of the calls recorded so)."""
        return self.in_try(node)

    def owner(self, node: Node) -> str:
        """The class whose body holds `node` directly (not in one of its methods), "" for none."""
        if not self.CLASS_NODES:
            return ""  # a grammar whose class bodies assign no fields: no walk up (JavaScript)
        parent = node.parent
        while parent is not None and parent.type not in self.SCOPE_NODES:
            if parent.type in self.CLASS_NODES:
                name = parent.child_by_field_name("name")
                return text(name) if name is not None else ""
            parent = parent.parent
        return ""

    def branch(self, node: Node) -> str:
        """The condition of the nearest `if` whose branch holds `node` in its function, on one line;
        `not (…)` when `node` is in its `else`; "" outside any."""
        child, parent = node, node.parent
        otherwise = False
        while parent is not None and parent.type not in self.GUARD_LIMITS:
            if parent.type == "else_clause":
                otherwise = True
            elif parent.type in ("if_statement", "elif_clause"):
                condition = self.condition(parent)
                if condition is not None and condition != child:
                    written = one_line(condition, 80)
                    return f"not ({written})" if otherwise else written
            child, parent = parent, parent.parent
        return ""

    def guard_node(self, node: Node) -> Node | None:
        """The condition node of the nearest `if` or conditional expression around `node` in its function."""
        return self.guards(node)[0]

    def guards(self, node: Node) -> Around:
        """What is around `node` in its function: the condition node of the nearest `if` or conditional
        expression (not one `node` is in), and, when there is none, the nearest `switch_case` (JavaScript)
        whose value `node` is not in. Each node's answer is kept: a node's parent is a walk down from the
        root in tree-sitter, and the calls of one statement share every step above the statement."""
        memo = self.guard_memo
        steps: list[tuple[Node, Around | None]] = []  # (node, its own answer when its parent settles it)
        above: Around = _NOTHING_AROUND
        child = node
        while True:
            known = memo.get(child)
            if known is not None:
                above = known
                break
            parent = child.parent
            if parent is None or parent.type in self.GUARD_LIMITS:
                steps.append((child, _NOTHING_AROUND))
                break
            kind = parent.type
            if kind in self.GUARDS:
                condition = self.condition(parent)
                if condition is not None and condition != child:
                    steps.append((child, (condition, None)))
                    break
            elif kind == "switch_case" and child != parent.child_by_field_name("value"):
                steps.append((child, (None, parent)))
                child = parent
                continue
            steps.append((child, None))
            child = parent
        for step, own in reversed(steps):
            if own is None:
                pass  # nothing of its own: the answer above it
            elif own[0] is not None or own is _NOTHING_AROUND:
                above = own  # a condition (the case above no longer matters), or the function's edge
            else:
                above = (above[0], own[1])  # the nearest case, under whatever condition is above
            memo[step] = above
        return above

    def record(self, statement: Node, target: str, inner: Node, written: Node | None) -> None:
        """Record the value `statement` assigns to `target`, shown as `written` is (the statement, or the
        declaration around it; None: not shown, a part of a built object): each entry of a literal on its
        own line."""
        if inner.type == self.LITERAL:
            branch, function = self.branch(statement), self.scope(statement)
            for key, entry, where in self.entries(inner, target + ".", 1):
                if not entry.empty:
                    self.assignments.append(entry_assignment(key, entry, where, function, branch))
            return
        value = self.value(inner)
        if not value.empty:  # `empty` does not read `text`: the statement is shortened only when recorded
            shown = one_line(written) if written is not None else ""
            value = value._replace(text=shown)
            row, column = statement.start_point
            self.assignments.append(
                Assignment(
                    shared(target),
                    shared_value(value),
                    row + 1,
                    column + 1,
                    shown,
                    shared(self.scope(statement)),
                    shared(self.branch(statement)),
                    shared(self.owner(statement)),
                )
            )
