"""Python `raise` statements that may run as the application starts: at module level, or in a module-level
function, which runs at import when the module calls it at module level (`def validate_config(): … raise
ValueError(…)`, then `validate_config()`: `FileFacts.at_import`) and at start-up when a web framework's hook
runs it (detect/database/startup.py). The parser records them (`?raise.ValueError`, with the function's scope)
for the start-up checks of detect/database/startup.py; an `assert` run at import is one too (`assert
DATABASE_URI, "…"` raises AssertionError where the value is empty). A condition testing several values at once
(`if not (a and b):`, `if not all([a, b]):`, `if not a or not b:`) holds where any one is empty: one stop per
value.

A check over a list of names (`for name in REQUIRED: if not os.getenv(name): raise …`, or `missing = [n for n
in REQUIRED if not os.environ.get(n)]` then `if missing: raise …` — or `sys.exit(…)`, which stops the import
as surely) requires each name of the list: the parser
records one stop per name, guarded by the read of that variable, as if each were checked on its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Protocol

from tree_sitter import Node

from cdverify.model import RAISED, CallFact, Value
from cdverify.parse.sharing import shared, shared_value
from cdverify.parse.treesitter import inside, one_line, text

_BODIES = ("function_definition", "class_definition", "lambda")


@cache
def exit_calls() -> frozenset[str]:
    """The traced calls that stop the import as a `raise` does (`sys.exit(…)`, `os._exit(…)`): the start-up
    checks' catalogue, rules/database/connections.toml `required_reads` `stops`."""
    from cdverify.catalog import load_rules
    from cdverify.rules_schema import Connections

    return frozenset(call for entry in load_rules(Connections).required_reads for call in entry.stops)


def run_at_import(calls: Iterable[Node]) -> frozenset[str]:
    """The names called by themselves at module level (`validate_config()`), not under `if __name__ ==
    "__main__":`: the module's functions of those names run as it is imported."""
    return frozenset(
        text(function)
        for call in calls
        if (function := call.child_by_field_name("function")) is not None
        and function.type == "identifier"
        and not inside(call, _BODIES)
        and not run_as_main(call)
    )


class _Scanner(Protocol):
    found: dict[str, list[Node]]
    calls: list[CallFact]

    @property
    def run_at_import(self) -> frozenset[str]: ...

    def guard_node(self, node: Node) -> Node | None: ...

    def value(self, node: Node | None) -> Value: ...

    def scope(self, node: Node) -> str: ...


def import_stops(scanner: _Scanner, tests: EnvTests) -> list[CallFact]:
    """The scanner's calls with the stops at import made plain: a `raise` checking a list of names becomes
    one stop per name (guarded by the read of its variable), and each `assert` run at import is one
    (`?raise.AssertionError`, guarded by its condition, or one per name it checks in a loop). Sorted as
    the calls are."""
    run = scanner.run_at_import
    exits = exit_calls()
    raised = {(c.line, c.col): c for c in scanner.calls if c.callee.startswith(RAISED) or c.callee in exits}
    split: dict[tuple[int, int], list[CallFact]] = {}
    assigned = scanner.found.get("assignment", [])
    for node in scanner.found.get("call", []) if raised else ():
        fact = raised.get((node.start_point[0] + 1, node.start_point[1] + 1))
        if fact is None or (fact.callee in exits and not at_import(node, run)):
            continue
        condition = scanner.guard_node(node)
        names = each_name(node, condition, tests, assigned)
        scope = scanner.scope(node)
        split[(fact.line, fact.col)] = [
            fact._replace(guard=Value(env=(shared(name),)), scope=scope) for name in names
        ] or [
            fact._replace(guard=shared_value(scanner.value(operand)), scope=scope)
            for operand in each_operand(condition)
        ]
    asserted: list[CallFact] = []
    for statement in scanner.found.get("assert", []):
        condition = statement.named_children[0] if statement.named_children else None
        if condition is None or not at_import(statement, run):
            continue
        row, column = statement.start_point
        fact = CallFact(f"{RAISED}AssertionError", row + 1, column + 1, one_line(statement))
        fact = fact._replace(scope=scanner.scope(statement))
        names = each_name(statement, condition, tests, assigned, asserted=True)
        guards = [Value(env=(shared(name),)) for name in names] or [shared_value(scanner.value(condition))]
        asserted.extend(fact._replace(guard=guard) for guard in guards)
    if not asserted and not any(split.values()):
        return scanner.calls
    out = [c for c in scanner.calls if not split.get((c.line, c.col))]
    out.extend(fact for facts in split.values() for fact in facts)
    out.extend(asserted)
    return sorted(out, key=lambda call: (call.line, call.col))


def run_as_main(node: Node) -> bool:
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
    return place(statement)


def place(statement: Node) -> str | None:
    """Where a statement runs: "" at module level, the name of the module-level function it is in, None in
    a method, a nested function or a lambda."""
    parent = statement.parent
    while parent is not None and parent.type not in _BODIES:
        parent = parent.parent
    if parent is None:
        return ""
    name = parent.child_by_field_name("name") if parent.type == "function_definition" else None
    return text(name) if name is not None and not inside(parent, _BODIES) else None


def at_import(statement: Node, run: frozenset[str]) -> bool:
    """The statement runs as its module is imported: at module level (not under the `__main__` guard), or
    in a module-level function of `run` (those the module calls at module level)."""
    where = place(statement)
    return where is not None and (where in run if where else not run_as_main(statement))


class EnvTests:
    """How a condition tests the environment: the traced calls reading a variable by name (`os.getenv`,
    `os.environ.get`) and the mappings holding them (`os.environ`), and how the file's names are traced."""

    def __init__(
        self, qualify: Callable[[Node], str | None], getters: frozenset[str], mappings: frozenset[str]
    ) -> None:
        self.qualify, self.getters, self.mappings = qualify, getters, mappings

    def tested(self, condition: Node) -> tuple[str, bool] | None:
        """(the name whose variable the condition tests, whether the condition holds where that variable is
        unset or empty): `not os.getenv(name)` → (name, True); `os.environ.get(name)`, `name in
        os.environ` → (name, False). None for any other condition (`os.getenv(name, "x")` has a default)."""
        node = _bare(condition)
        if node.type == "not_operator":
            argument = node.child_by_field_name("argument")
            inner = self.tested(argument) if argument is not None else None
            return (inner[0], not inner[1]) if inner is not None else None
        if node.type == "comparison_operator":
            return self._compared(node)
        name = self._read(node)
        return (name, False) if name is not None else None

    def _compared(self, node: Node) -> tuple[str, bool] | None:
        """`os.getenv(name) is None`, `… == ""` (and their negations); `name not in os.environ`."""
        operands = node.named_children
        operators = [text(child) for child in node.children if not child.is_named]
        if len(operands) != 2 or len(operators) not in (1, 2):
            return None
        operator = " ".join(operators)
        left, right = operands
        if operator in ("in", "not in"):
            mapping = self.qualify(_bare(right))
            held = mapping is not None and mapping.removesuffix(".keys()") in self.mappings
            return (text(left), operator == "not in") if held and left.type == "identifier" else None
        name = self._read(left)
        if name is None or text(right) not in ("None", '""', "''"):
            return None
        if operator in ("is", "=="):
            return name, True
        return (name, False) if operator in ("is not", "!=") else None

    def _read(self, node: Node) -> str | None:
        """The name a call reading one variable is handed (`os.getenv(name)`, `os.environ.get(name, "")`,
        also stripped: `….strip()`), when an unset variable leaves it empty; None otherwise."""
        node = _bare(node)
        function = node.child_by_field_name("function") if node.type == "call" else None
        if function is None:
            return None
        attribute = function.child_by_field_name("attribute") if function.type == "attribute" else None
        if attribute is not None and text(attribute) in ("strip", "lower", "upper"):
            receiver = function.child_by_field_name("object")
            return self._read(receiver) if receiver is not None else None
        arguments = node.child_by_field_name("arguments")
        given = arguments.named_children if arguments is not None else []
        if self.qualify(function) not in self.getters or not given or given[0].type != "identifier":
            return None
        if len(given) > 2 or (len(given) == 2 and text(given[1]) not in ("None", '""', "''")):
            return None
        return text(given[0])


def each_name(
    call: Node, condition: Node | None, tests: EnvTests, assigned: Sequence[Node], asserted: bool = False
) -> tuple[str, ...]:
    """The variables a `raise` (its exception's `call`) under `condition` stops the module for, one by one,
    when it checks a list of names: in a loop over them (`for name in REQUIRED: if not os.getenv(name):`),
    or after collecting the unset ones (`missing = [n for n in REQUIRED if not os.getenv(n)]`, or appended
    in such a loop; then `if missing:`). `assigned`: the file's assignment statements, where a list's name
    is looked up (in the function, else at module level). `asserted`: `call` is an `assert` and stops
    where its condition fails (`for name in REQUIRED: assert os.getenv(name)`). () for any other raise."""
    if condition is None:
        return ()
    tested = tests.tested(condition)
    if tested is not None:
        name, when_unset = tested
        loop = _loop_over(call, name)
        return _names(loop, assigned) if loop is not None and when_unset != asserted else ()
    collected = _collected(condition) if not asserted else ""
    return _missing(call, collected, tests, assigned) if collected else ()


_OPERANDS = ("identifier", "attribute", "call", "subscript")


def each_operand(condition: Node | None) -> list[Node]:
    """The values a condition holds for where any one of them is empty, when it tests several at once: `not
    (a and b and c)`, `not all([a, b, c])` and `not a or not b` → a, b (c): a `raise` under it stops where
    any is unset, as one under `if not a:` does. [] for any other condition (`not (a or b)` holds only where
    all are empty)."""
    node = _bare(condition) if condition is not None else None
    if node is None:
        return []
    if node.type == "not_operator":
        argument = node.child_by_field_name("argument")
        bare = _bare(argument) if argument is not None else None
        operands = (_all_of(bare) or _chain(bare, "and")) if bare is not None else []
    else:
        negations = _chain(node, "or")
        arguments = [n.child_by_field_name("argument") for n in negations if n.type == "not_operator"]
        found = [_bare(argument) for argument in arguments if argument is not None]
        operands = found if len(found) == len(negations) else []
    return operands if len(operands) > 1 and all(n.type in _OPERANDS for n in operands) else []


def _all_of(node: Node) -> list[Node]:
    """The items of `all([a, b, c])` (a list or tuple literal, the builtin's only argument): `not all([…])`
    holds where any one is empty, as `not (a and b and c)` does. [] for anything else."""
    function = node.child_by_field_name("function") if node.type == "call" else None
    arguments = node.child_by_field_name("arguments")
    if function is None or function.type != "identifier" or text(function) != "all" or arguments is None:
        return []
    given = arguments.named_children
    if len(given) != 1 or given[0].type not in ("list", "tuple"):
        return []
    return [_bare(item) for item in given[0].named_children]


def _chain(node: Node, operator: str) -> list[Node]:
    """The operands of a chain of one boolean operator (`a and b and c` → a, b, c), unparenthesised."""
    written = node.child_by_field_name("operator") if node.type == "boolean_operator" else None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if written is None or text(written) != operator or left is None or right is None:
        return [node]
    return [*_chain(_bare(left), operator), *_chain(_bare(right), operator)]


def _loop_over(node: Node, name: str) -> Node | None:
    """The `for name in …:` around `node` in its function, the list it iterates; None when there is none."""
    parent = node.parent
    while parent is not None and parent.type not in _BODIES:
        if parent.type == "for_statement":
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "identifier" and text(left) == name:
                return parent.child_by_field_name("right")
        parent = parent.parent
    return None


def _collected(condition: Node) -> str:
    """The list a condition tests for being non-empty: `missing`, `len(missing)`, `len(missing) > 0`; ""."""
    node = _bare(condition)
    if node.type == "comparison_operator" and len(node.named_children) == 2:
        left, right = node.named_children
        operator = " ".join(text(child) for child in node.children if not child.is_named)
        if (operator, text(right)) not in ((">", "0"), ("!=", "0"), (">=", "1")):
            return ""
        node = left
    if node.type == "call":
        function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        given = arguments.named_children if arguments is not None else []
        if function is None or text(function) != "len" or len(given) != 1:
            return ""
        node = given[0]
    return text(node) if node.type == "identifier" else ""


def _missing(call: Node, collected: str, tests: EnvTests, assigned: Sequence[Node]) -> tuple[str, ...]:
    """The names `collected` gathers where their variables are unset, in the function of `call`:
    `collected = [n for n in LIST if not os.getenv(n)]`, or `collected.append(n)` under such a test in a
    `for n in LIST:` loop."""
    where = _scope(call)
    for statement in assigned:
        left, right = statement.child_by_field_name("left"), statement.child_by_field_name("right")
        if left is None or right is None or text(left) != collected or _scope(statement) != where:
            continue
        if right.type == "list_comprehension":
            return _comprehended(right, tests, assigned)
    body = where if where is not None else call
    while where is None and body.parent is not None:
        body = body.parent  # up to the module
    return _appended(body, collected, tests, assigned)


def _comprehended(comprehension: Node, tests: EnvTests, assigned: Sequence[Node]) -> tuple[str, ...]:
    """`[n for n in LIST if not os.getenv(n)]`: LIST's names."""
    body = comprehension.child_by_field_name("body")
    clauses = [child for child in comprehension.named_children if child != body]
    if body is None or body.type != "identifier" or len(clauses) != 2:
        return ()
    loop, test = clauses
    if loop.type != "for_in_clause" or test.type != "if_clause" or not test.named_children:
        return ()
    left, right = loop.child_by_field_name("left"), loop.child_by_field_name("right")
    tested = tests.tested(test.named_children[0])
    if left is None or right is None or tested != (text(body), True) or text(left) != text(body):
        return ()
    return _names(right, assigned)


def _appended(body: Node, collected: str, tests: EnvTests, assigned: Sequence[Node]) -> tuple[str, ...]:
    """`for n in LIST: if not os.getenv(n): collected.append(n)` in `body`: LIST's names."""
    pending = [body]
    while pending:
        node = pending.pop()
        if node.type in _BODIES and node != body:
            continue
        pending.extend(node.named_children)
        function = node.child_by_field_name("function") if node.type == "call" else None
        if function is None or text(function) != f"{collected}.append":
            continue
        arguments = node.child_by_field_name("arguments")
        given = arguments.named_children if arguments is not None else []
        guard = _if_around(node)
        tested = tests.tested(guard) if guard is not None else None
        if len(given) == 1 and tested == (text(given[0]), True):
            loop = _loop_over(node, text(given[0]))
            return _names(loop, assigned) if loop is not None else ()
    return ()


def _if_around(node: Node) -> Node | None:
    """The condition of the `if` statement around `node` in its function."""
    parent = node.parent
    while parent is not None and parent.type not in _BODIES:
        if parent.type == "if_statement":
            return parent.child_by_field_name("condition")
        parent = parent.parent
    return None


def _names(iterated: Node, assigned: Sequence[Node]) -> tuple[str, ...]:
    """The names a loop iterates: a list, tuple or set of strings (a dict's string keys), written there or
    assigned to the name it iterates in its function, else at module level. () where anything else is."""
    node = _bare(iterated)
    if node.type == "identifier":
        where = _scope(node)
        bound = [s for s in assigned if _assigns(s, text(node)) and _scope(s) == where]
        if not bound and where is not None:
            bound = [s for s in assigned if _assigns(s, text(node)) and _scope(s) is None]
        right = bound[0].child_by_field_name("right") if len(bound) == 1 else None
        node = _bare(right) if right is not None else node
    if node.type == "dictionary":
        items = [pair.child_by_field_name("key") for pair in node.named_children if pair.type == "pair"]
    elif node.type in ("list", "tuple", "set"):
        items = list(node.named_children)
    else:
        return ()
    names = [text(item)[1:-1] for item in items if item is not None and _plain_string(item)]
    return tuple(names) if names and len(names) == len(items) and all(map(str.isidentifier, names)) else ()


def _assigns(statement: Node, name: str) -> bool:
    left = statement.child_by_field_name("left")
    return left is not None and left.type == "identifier" and text(left) == name


def _plain_string(node: Node) -> bool:
    """A string literal with no prefix and no interpolation (`"DATABASE_URL"`)."""
    written = text(node)
    return node.type == "string" and len(written) >= 2 and written[0] in "'\"" and written[-1] == written[0]


def _scope(node: Node) -> Node | None:
    """The function `node` is in (None at module level)."""
    parent = node.parent
    while parent is not None and parent.type not in _BODIES:
        parent = parent.parent
    return parent


def _bare(node: Node) -> Node:
    """`node` without the parentheses around it."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node
