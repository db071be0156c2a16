"""Python `raise` statements that run as a module is imported: at module level, or in a module-level function
the module calls at module level (`def validate_config(): … raise ValueError(…)`, then `validate_config()`).
The parser records them (`?raise.ValueError`) for the start-up checks of detect/database/startup.py."""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from cdverify.parse.treesitter import inside, text

_BODIES = ("function_definition", "class_definition", "lambda")


def run_at_import(calls: Iterable[Node]) -> frozenset[str]:
    """The names called by themselves at module level (`validate_config()`), not under `if __name__ ==
    "__main__":`: the module's functions of those names run as it is imported."""
    return frozenset(
        text(function)
        for call in calls
        if (function := call.child_by_field_name("function")) is not None
        and function.type == "identifier"
        and not inside(call, _BODIES)
        and not _run_as_main(call)
    )


def _run_as_main(node: Node) -> bool:
    """`node` is under `if __name__ == "__main__":`: it runs when the module is run, not imported."""
    parent = node.parent
    while parent is not None:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            if condition is not None and "__main__" in text(condition) and "__name__" in text(condition):
                return True
        parent = parent.parent
    return False


def raised_in(function: Node) -> str | None:
    """Where a `raise` of the call of `function` is (`raise ValueError(…)`): "" at module level, the name of
    the module-level function it is in (run at import when the module calls it there), None for any other
    place (a method, a nested function) or no `raise`."""
    call = function.parent
    statement = call.parent if call is not None else None
    if statement is None or statement.type != "raise_statement":
        return None
    parent = statement.parent
    while parent is not None and parent.type not in _BODIES:
        parent = parent.parent
    if parent is None:
        return ""
    name = parent.child_by_field_name("name") if parent.type == "function_definition" else None
    return text(name) if name is not None and not inside(parent, _BODIES) else None
