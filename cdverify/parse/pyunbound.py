"""Names a Python module reads as it is imported that nothing binds: `class ImportView(TemplateView):` with
`TemplateView` never imported raises `NameError` when the module is imported, wherever it runs.

Only code that runs whatever happens before it counts: module-level statements under no `if`, loop, `try`,
`with` or `match` (an `if`'s test, a `while`'s test and a `for`'s iterable do run), class bodies, decorators,
base classes and their keywords, and default values. Never a function or lambda body, an annotation
(deferred by `from __future__ import annotations` and by Python 3.14), a type alias, an `assert` (gone under
`-O`), the branches of `a if c else b` nor the right of `and`/`or` (either may not run). A name counts as
bound when any statement of the file binds it, in any scope (a superset of the module's own bindings, so a
name is never claimed where the module might define it): imports, `def`, `class`, assignments (tuple and
star targets too), `for`/`with`/`except … as` targets, the walrus, `global`, `del`, `match` captures,
parameters, type aliases; a comprehension's own variables are its own. Builtins (of every Python 3), the
attributes the import system sets on a module and the names of a class body are bound too
(rules/parse.toml `python.import_time`).

A module that reaches its namespace or the builtins other than by name (`globals()`, `exec`, `vars()`,
`sys.modules`, `builtins`, a module-level `__getattr__`), has a star import, holds Python 2 statements or
any syntax error is not judged. The common case costs one walk of the code that runs at import (the
bindings come from the `code` captures the scanner has); the rest of the file is read, by the `bindings`
query, only when a name is left over.

`module_names` gives, for another module's `from this import name`, the names the module may bind at module
level (`FileFacts.defines`, DB001's ImportError stop): one walk of the module-level statements, never into a
function or class body; a walrus is found from the `:=` in the file's text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from tree_sitter import Node

from cdverify.catalog import load_rules
from cdverify.model import Language
from cdverify.parse.sharing import shared, shared_tuple
from cdverify.parse.treesitter import captures, holds, inside, occurrences, text

Unbound = tuple[tuple[str, int, int], ...]  # (name, line, column) of each name's first read

_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "generator_expression", "dictionary_comprehension"}
)
_DEFAULTS = frozenset({"default_parameter", "typed_default_parameter"})
_SKIPPED = frozenset({"type", "comment", "lambda_parameters"})
_LEAVES = frozenset({"integer", "float", "true", "false", "none", "ellipsis"})
_DYNAMIC_CALLS = frozenset({"globals", "locals", "vars", "exec", "eval", "execfile"})
# the text of a file that may reach a namespace other than by name: not judged (a match in a comment or a
# string costs the file its judgement only)
_DYNAMIC_TEXT = (b"builtins", b"__builtin__", b"sys.modules", b"_convert_")


@cache
def known_names() -> frozenset[str]:
    """The builtins of every Python 3, the module attributes the import system sets, class-body names."""
    from cdverify.rules_schema import ParseBindings

    names = load_rules(ParseBindings).python.import_time
    return frozenset({*names.builtins, *names.module, *names.classes})


def unbound_at_import(root: Node, found: dict[str, list[Node]]) -> Unbound:
    """(name, line, column) of the first read of each name the module evaluates as it is imported, under
    no condition, that nothing in the file binds and no builtin is; () for a module not judged."""
    if root.has_error:
        return ()
    reads: list[Node] = []
    _statements(root.named_children, reads)
    known = known_names()
    named = [(name, node) for node in reads if (name := text(node)) not in known]
    if not named:
        return ()
    unbound = _unbound_by_captures({name for name, _ in named}, found)
    left = [(name, node) for name, node in named if name in unbound]
    if not left or _not_judged(root, found):
        return ()
    other = _other_bindings(root)
    if other is None:
        return ()
    out: dict[str, Node] = {}
    for name, node in left:
        if name not in other and name not in out:
            out[name] = node
    return shared_tuple(
        tuple((shared(name), node.start_point[0] + 1, node.start_point[1] + 1) for name, node in out.items())
    )


def star_module(found: dict[str, list[Node]]) -> str | None:
    """The module of the file's only star import at module level (`from app.models import *`); None for none,
    or for several (which of them binds a name is not known here)."""
    stars = [
        node
        for node in found.get("import", ())
        if node.type == "import_from_statement" and any(c.type == "wildcard_import" for c in node.children)
    ]
    if len(stars) != 1 or inside(stars[0], ("function_definition", "class_definition")):
        return None
    module = stars[0].child_by_field_name("module_name")
    return text(module).replace(" ", "") if module is not None else None


def star_names(root: Node, found: dict[str, list[Node]]) -> Callable[[str], bool] | None:
    """For a file whose names may come from a star import: whether no statement of the file binds a name, in
    any scope, and no builtin is it (so the star-imported module is what binds it); None for a file of
    Python 2 statements."""
    other = _other_bindings(root)
    if other is None:
        return None
    known = known_names()

    @cache
    def unbound(name: str) -> bool:
        return name not in known and name not in other and bool(_unbound_by_captures({name}, found))

    return unbound


# -- what runs as the module is imported -------------------------------------------------------------


def _statements(statements: Iterable[Node], reads: list[Node]) -> None:
    """The reads of the statements of a module or class body that run whatever comes before them."""
    for statement in statements:
        kind = statement.type
        if kind == "expression_statement":
            for child in statement.named_children:
                if child.type in ("assignment", "augmented_assignment"):
                    _assignment(child, reads)
                else:
                    _expression(child, reads)
        elif kind == "decorated_definition":
            for child in statement.named_children:
                if child.type == "decorator":
                    for expression in child.named_children:
                        _expression(expression, reads)
            definition = statement.child_by_field_name("definition")
            if definition is not None:
                _statements((definition,), reads)
        elif kind == "function_definition":
            parameters = statement.child_by_field_name("parameters")
            if parameters is not None:
                _defaults(parameters, reads)
        elif kind == "class_definition":
            superclasses = statement.child_by_field_name("superclasses")
            if superclasses is not None:
                _expression(superclasses, reads)
            body = statement.child_by_field_name("body")
            if body is not None:
                _statements(body.named_children, reads)
        elif kind in ("if_statement", "while_statement"):
            _field(statement, "condition", reads)
        elif kind == "for_statement":
            _field(statement, "right", reads)
        # imports, `global` and `del` bind; `try`, `with` and `match` may catch or skip; a type alias is
        # evaluated lazily; `assert` goes under -O; a `raise` stops the module anyway


def _field(node: Node, name: str, reads: list[Node]) -> None:
    child = node.child_by_field_name(name)
    if child is not None:
        _expression(child, reads)


def _defaults(parameters: Node, reads: list[Node]) -> None:
    if not holds(parameters, b"="):  # no default value
        return
    for parameter in parameters.named_children:
        if parameter.type in _DEFAULTS:
            _field(parameter, "value", reads)


def _assignment(node: Node, reads: list[Node]) -> None:
    """`x = y`: the right runs, and the left's objects and indexes (`os.environ["X"] = …`); `x += y` reads
    `x` too. Annotations do not count."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is not None:
        if node.type == "augmented_assignment":
            _expression(left, reads)
        else:
            _target(left, reads)
    if right is not None:
        if right.type in ("assignment", "augmented_assignment"):  # `a = b = f()`
            _assignment(right, reads)
        else:
            _expression(right, reads)


def _target(node: Node, reads: list[Node]) -> None:
    pending = [node]
    while pending:
        item = pending.pop()
        if item.type == "attribute":
            _field(item, "object", reads)
        elif item.type == "subscript":
            _expression(item, reads)
        elif item.type != "identifier":  # a tuple, list or star pattern: its parts
            pending.extend(item.named_children)


def _expression(node: Node, reads: list[Node], local: frozenset[str] = frozenset()) -> None:
    """The names `node` reads where it is evaluated: a lambda's body, the branches of a conditional
    expression and the right of `and`/`or` apart, a comprehension's variables (`local`) its own."""
    pending = [node]
    while pending:
        item = pending.pop()
        kind = item.type
        if kind == "identifier":
            if not local or text(item) not in local:
                reads.append(item)
        elif kind in _LEAVES:
            continue
        elif kind == "string":  # only an f-string's holes read names
            if holds(item, b"{"):
                pending.extend(child for child in item.named_children if child.type == "interpolation")
        elif kind == "attribute":
            obj = item.child_by_field_name("object")
            if obj is not None:
                pending.append(obj)
        elif kind == "keyword_argument" or kind == "named_expression":
            value = item.child_by_field_name("value")
            if value is not None:
                pending.append(value)
        elif kind == "lambda":  # its defaults run where it is made; its body when it is called
            parameters = item.child_by_field_name("parameters")
            for parameter in parameters.named_children if parameters is not None else ():
                if parameter.type in _DEFAULTS and (value := parameter.child_by_field_name("value")):
                    pending.append(value)
        elif kind in _COMPREHENSIONS:
            for part, names in _comprehension(item, local):
                _expression(part, reads, names)
        elif kind == "conditional_expression":
            if item.named_child_count > 1:
                pending.append(item.named_children[1])  # the condition; a branch may not run
        elif kind == "boolean_operator":
            left = item.child_by_field_name("left")
            if left is not None:
                pending.append(left)
        elif kind not in _SKIPPED:
            pending.extend(item.named_children)


def _comprehension(node: Node, local: frozenset[str]) -> list[tuple[Node, frozenset[str]]]:
    """The parts of a comprehension with the names each sees as its own: the first iterable runs outside
    it, everything else inside, where its `for` targets are bound."""
    clauses = [child for child in node.named_children if child.type == "for_in_clause"]
    inner = set(local)
    for clause in clauses:
        for target in clause.children_by_field_name("left"):
            inner.update(_identifiers(target))
    own = frozenset(inner)
    out = []
    for child in node.named_children:
        if child.type != "for_in_clause":
            out.append((child, own))
            continue
        for right in child.children_by_field_name("right"):
            out.append((right, local if child == clauses[0] else own))
    return out


# -- what the file binds -------------------------------------------------------------------------------


def _texts(node: Node, kind: str, opaque: tuple[str, ...] = ()) -> set[str]:
    """The texts of the `kind` nodes in `node`, not looking inside the `opaque` types."""
    out: set[str] = set()
    pending = [node]
    while pending:
        item = pending.pop()
        if item.type == kind:
            out.add(text(item))
        elif item.type not in opaque:
            pending.extend(item.named_children)
    return out


def _identifiers(node: Node) -> set[str]:
    """The identifiers in `node` (a target, an import, a pattern)."""
    return _texts(node, "identifier")


def _imported(node: Node) -> Iterable[str]:
    """The names an import statement binds: their aliases, an `import a.b`'s `a`."""
    for name in node.children_by_field_name("name"):
        if name.type == "aliased_import":
            alias = name.child_by_field_name("alias")
            yield text(alias) if alias is not None else ""
        else:
            yield text(name).split(".")[0].strip()


def _unbound_by_captures(names: set[str], found: dict[str, list[Node]]) -> set[str]:
    """`names` less those the statements the `code` query captures bind, in any scope: imports (their
    aliases, an `import a.b`'s `a`), classes, functions, assignment targets, `with … as` targets, `global`
    names. Read kind by kind, the commonest first, until no name is left."""
    left = set(names)
    for node in found.get("import", ()):
        left.difference_update(_imported(node))
    for key in ("class", "function"):
        if not left:
            return left
        for node in found.get(key, ()):
            defined = node.child_by_field_name("name")
            if defined is not None:
                left.discard(text(defined))
    for node in found.get("assignment", ()) if left else ():
        target = node.child_by_field_name("left")
        if target is None or target.type in ("attribute", "subscript"):
            continue
        if target.type == "identifier":
            left.discard(text(target))
        else:
            left.difference_update(_identifiers(target))
    for node in found.get("with", ()) if left else ():
        value = node.child_by_field_name("value")
        if value is not None and value.type == "as_pattern" and (alias := value.child_by_field_name("alias")):
            left.difference_update(_identifiers(alias))
    for node in found.get("global", ()) if left else ():
        left.difference_update(_identifiers(node))
    return left


def _not_judged(root: Node, found: dict[str, list[Node]]) -> bool:
    """A star import, a namespace reached other than by name, a module-level `__getattr__`."""
    if any(child.type == "wildcard_import" for node in found.get("import", ()) for child in node.children):
        return True
    if any(holds(root, fragment) for fragment in _DYNAMIC_TEXT):
        return True
    for node in found.get("call", ()):
        function = node.child_by_field_name("function")
        if function is not None and function.type == "identifier" and text(function) in _DYNAMIC_CALLS:
            return True
    for child in root.named_children:
        if child.type == "decorated_definition":
            child = child.child_by_field_name("definition") or child
        if child.type == "function_definition" and _name(child) == "__getattr__":
            return True
    return False


def _name(definition: Node) -> str:
    name = definition.child_by_field_name("name")
    return text(name) if name is not None else ""


def _other_bindings(root: Node) -> set[str] | None:
    """The names every other binding of the file binds (the `bindings` query: loop, comprehension and
    `as` targets, the walrus, `del`, `match` captures, parameters, type aliases, `nonlocal`); None for a
    file holding Python 2 statements, which Python 3 does not import."""
    found = captures(Language.PYTHON, "bindings", root)
    if "python2" in found:
        return None
    out: set[str] = set()
    for node in found.get("target", ()):
        out.update(_identifiers(node))
    return out


# -- what the module binds, for another module's `from X import name` ---------------------------------------

# a call of a builtin that reaches a namespace other than by name (`execfile(` too), not as a method
# (`model.eval()`): the module is not judged (a search of the file for each word, the word first so that
# the search is fast; a match in a comment or a string costs the file its judgement)
_NAMESPACE_TEXT = (b"builtin", b"sys.modules", b"_convert_")  # `_DYNAMIC_TEXT`, one search for both builtins
_DYNAMIC_CALLS_TEXT = tuple(
    (word, re.compile(word + rb"(?:file)?\s*\("))
    for word in (b"globals", b"locals", b"vars", b"exec", b"eval")
)
# module-level names that make a module's attributes other than its bindings: a lazy `__getattr__` (a `def`
# or `__getattr__, __dir__, __all__ = lazy.attach(…)`), a package `__path__` reaching other folders
_DYNAMIC_NAMES = frozenset({"__getattr__", "__path__"})
_PYTHON2 = frozenset({"print_statement", "exec_statement"})
_SIMPLE = frozenset(
    {
        "pass_statement",
        "break_statement",
        "continue_statement",
        "return_statement",
        "raise_statement",
        "assert_statement",
        "comment",
    }
)


def module_names(root: Node, found: dict[str, list[Node]]) -> tuple[str, ...] | None:
    """The names the module may bind at module level, sorted: a superset (imports, `def`, `class`, assignment
    targets, anything named in the parts of an `if`, loop, `try`, `with` or `match` other than their blocks,
    whose statements count too, `global` names of any scope, a walrus anywhere, the strings of a literal
    `__all__`), so that a name not in it is one `from module import name` cannot find as an attribute.
    None for a module not judged: a syntax error, a star import, a namespace reached other than by name
    (`globals()`, `exec`, `sys.modules`, `builtins`), a module-level `__getattr__` or `__path__`, Python 2."""
    source = root.text or b""  # the file's text, searched as bytes: the cheapest way for every file
    if root.has_error or any(fragment in source for fragment in _NAMESPACE_TEXT) or _dynamic_call(source):
        return None
    imports = found.get("import", ())
    if b"*" in source and any(c.type == "wildcard_import" for node in imports for c in node.children):
        return None
    names: set[str] = set()
    if not _bound_by(root.named_children, names):
        return None
    for node in found.get("global", ()):
        names.update(_identifiers(node))
    if b":=" in source:  # the walrus binds in the module from any expression it runs (comprehensions too)
        names |= _walrus_names(root)
    if names & _DYNAMIC_NAMES:
        return None
    names.discard("")
    return shared_tuple(tuple(sorted(map(shared, names))))


def _dynamic_call(source: bytes) -> bool:
    """Whether the file's text calls `globals`, `locals`, `vars`, `exec` or `eval` by itself (not after a
    `.` or as the end of a longer name)."""
    for word, pattern in _DYNAMIC_CALLS_TEXT:
        if word not in source:
            continue
        for match in pattern.finditer(source):
            before = source[match.start() - 1 : match.start()] if match.start() else b""
            if not before or not (before.isalnum() or before in b"_."):
                return True
    return False


def _walrus_names(root: Node) -> set[str]:
    """The names every walrus of the file binds (found from the `:=` in its text, not by a query)."""
    out: set[str] = set()
    for at in occurrences(root, b":=") or ():
        node: Node | None = root.descendant_for_byte_range(at, at + 2)
        while node is not None and node.type != "named_expression":
            node = node.parent
        name = node.child_by_field_name("name") if node is not None else None
        if name is not None:
            out.add(text(name))
    return out


def _bound_by(statements: Iterable[Node], names: set[str]) -> bool:
    """Add what `statements` bind at their level (and in the blocks of their `if`, loop, `try`, `with` and
    `match`, never in a function or class body) to `names`; False for a Python 2 statement."""
    for statement in statements:
        kind = statement.type
        if kind == "expression_statement":
            for first in statement.named_children:
                child: Node | None = first
                while child is not None and child.type in ("assignment", "augmented_assignment"):
                    left = child.child_by_field_name("left")
                    right = child.child_by_field_name("right")
                    if left is not None and left.type == "identifier":  # the common case, first
                        name = text(left)
                        names.add(name)
                        if name == "__all__" and right is not None:
                            names.update(_strings(right))
                    elif left is not None:
                        names.update(_target_names(left))
                    child = right
        elif kind in ("import_statement", "import_from_statement", "future_import_statement"):
            names.update(_imported(statement))
        elif kind in ("function_definition", "class_definition"):
            names.add(_name(statement))
        elif kind == "decorated_definition":
            definition = statement.child_by_field_name("definition")
            names.add(_name(definition) if definition is not None else "")
        elif kind in _PYTHON2 or (kind not in _SIMPLE and not _compound(statement, names)):
            return False
    return True


def _compound(node: Node, names: set[str]) -> bool:
    """An `if`, loop, `try`, `with`, `match`, one of their clauses, or any other statement: the identifiers
    of its parts count as bound, the statements of its blocks as at module level."""
    for child in node.named_children:
        if child.type == "block":
            if not _bound_by(child.named_children, names):
                return False
        elif child.type.endswith("_clause"):
            if not _compound(child, names):
                return False
        else:
            names.update(_identifiers(child))
    return True


def _target_names(node: Node) -> set[str]:
    """The names an assignment's left binds: not an attribute's or a subscript's."""
    return _texts(node, "identifier", ("attribute", "subscript"))


def _strings(node: Node) -> set[str]:
    """The contents of the string literals in `node` (a literal `__all__`)."""
    return _texts(node, "string_content")
