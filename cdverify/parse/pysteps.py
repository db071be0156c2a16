"""What a Python function runs by name, for following what runs as an application starts: the function a
decorator call decorates (`@app.on_event("startup")` over `def startup()`), and the names each function, or
the module as it is imported, calls as a step of its own (`create_db_and_tables()`, `await init_db()`,
`app = create_app()`), whose functions then run with it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.parse.pyraises import run_as_main
from cdverify.parse.sharing import shared, shared_tuple
from cdverify.parse.treesitter import inside, scope_key, text

_BODIES = ("function_definition", "class_definition", "lambda")
_STATEMENTS = ("expression_statement", "assignment")  # a call made as a step of its own


def decorated(call: Node) -> str:
    """`startup@8` (as `CallFact.scope` names it) for the call `app.on_event("startup")` written as the
    decorator of `def startup()` on line 8; "" for a call that is no decorator of a function."""
    decorator = call.parent
    if decorator is None or decorator.type != "decorator" or decorator.parent is None:
        return ""
    definition = decorator.parent.child_by_field_name("definition")
    if definition is None or definition.type != "function_definition":
        return ""
    return scope_key(definition)


def bare_decorators(functions: Iterable[Node], qualify: Callable[[Node], str | None]) -> tuple[str, ...]:
    """The traced names of the decorators written bare over `functions` (`@sio.event` →
    `socketio.AsyncServer().event`), sorted; a decorator call (`@sio.on("join")`) is a call fact of its own,
    and an untraced name (`@staticmethod`, `@wraps`) is left out."""
    out: set[str] = set()
    for function in functions:
        holder = function.parent
        if holder is None or holder.type != "decorated_definition":
            continue
        for decorator in holder.named_children:
            if decorator.type != "decorator" or not decorator.named_children:
                continue
            expression = decorator.named_children[0]
            if expression.type not in ("identifier", "attribute"):
                continue
            name = qualify(expression)
            if name is not None:
                out.add(shared(name))
    return shared_tuple(tuple(sorted(out)))


def steps(calls: Iterable[Node], scope_of: Callable[[Node], str]) -> tuple[tuple[str, str], ...]:
    """(function, name) for each call of a bare name made as a statement of its own, its result assigned
    or awaited (`init_db()`, `await init_db()`, `app = create_app()`): in a function, named as
    `CallFact.scope` names it, or at module level ("") where it runs as the module is imported (not in a
    class body, nor under `if __name__ == "__main__":`)."""
    out: set[tuple[str, str]] = set()
    for call in calls:
        function = call.child_by_field_name("function")
        if function is None or function.type != "identifier" or text(function)[:1].isupper():
            continue  # a class made (`app = FastAPI()`) runs no function of the project's by its name
        parent = call.parent
        if parent is not None and parent.type == "await":
            parent = parent.parent
        if parent is None or parent.type not in _STATEMENTS:
            continue
        scope = scope_of(call)
        if not scope and (inside(call, _BODIES) or run_as_main(call)):
            continue
        out.add((shared(scope), shared(text(function))))
    return shared_tuple(tuple(sorted(out)))
