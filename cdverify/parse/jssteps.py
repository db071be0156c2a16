"""What a JavaScript / TypeScript function surely runs by name, for following what runs as an application
starts (`FileFacts.steps`): each call of a bare name a function makes as a statement of its own, its
result assigned, awaited or returned (`resolvePath()`, `const file = resolvePath()`, `await openDb()`), under
no `if`, conditional expression, `switch` case or loop of the function and in no `try` whose `catch` may carry
on (jssyntax.py `swallowed`). A throw in the function so called throws in its caller.
Calls at module level are the file's `runs` instead."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.parse.jssyntax import SCOPE_NODES, swallowed
from cdverify.parse.sharing import shared, shared_tuple
from cdverify.parse.treesitter import text

# what a call is made as, for it to be a step: a statement, a declared, assigned or returned value
_STATEMENTS = ("expression_statement", "variable_declarator", "assignment_expression", "return_statement")
_LOOPS = ("for_statement", "for_in_statement", "while_statement")  # bodies that may run no time


def steps(
    calls: Iterable[Node], scope_of: Callable[[Node], str], guarded: Callable[[Node], bool]
) -> tuple[tuple[str, str], ...]:
    """(function, name) for each call of a bare name a function surely makes as a step of its own."""
    out: set[tuple[str, str]] = set()
    for call in calls:
        if call.type != "call_expression":
            continue
        function = call.child_by_field_name("function")
        if function is None or function.type != "identifier":
            continue
        parent = call.parent
        if parent is not None and parent.type == "await_expression":
            parent = parent.parent
        if parent is None or parent.type not in _STATEMENTS:
            continue
        scope = scope_of(call)
        if not scope or guarded(call) or swallowed(call) or _in_loop(call):
            continue
        out.add((shared(scope), shared(text(function))))
    return shared_tuple(tuple(sorted(out)))


def _in_loop(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        if parent.type in _LOOPS:
            return True
        parent = parent.parent
    return False
