"""What is around a JavaScript / TypeScript call in its function — the condition of the nearest `if` or
conditional expression, else the nearest `switch` case (`Scanner.guards`), and the `if` whose branch
holds an assignment (`Scanner.branch`) — found from the byte ranges
of the file's conditionals, cases and functions (captured by its `code` query) instead of by walking the
call's parents, each of which costs tree-sitter a walk down from the root (ts-mono: 80 k calls).

Ranges in a syntax tree nest, so the nodes of the index around a call are those whose range holds the
call's; a call of no width, or of the same range as a node of the index, is left to the walk (`around`
says None), as is every call of a file where two nodes of the index share a range.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from tree_sitter import Node

_GUARD, _CASE, _LIMIT = range(3)
_FAR = (-1, -1)  # the range of a field a node lacks: it holds nothing


class GuardIndex:
    """A file's conditionals (`guards`), `switch` cases and functions (`limits`: a guard is looked for up
    to the nearest one) by byte range, each with the index of the nearest one around it."""

    def __init__(self, guards: Iterable[Node], cases: Iterable[Node], limits: Iterable[Node]) -> None:
        items = sorted(
            (
                (node.start_byte, node.end_byte, kind, node)
                for kind, nodes in ((_GUARD, guards), (_CASE, cases), (_LIMIT, limits))
                for node in nodes
            ),
            key=lambda item: (item[0], -item[1]),
        )
        self.starts = [start for start, _, _, _ in items]
        self.ends = [end for _, end, _, _ in items]
        self.kinds = [kind for _, _, kind, _ in items]
        self.nodes = [node for _, _, _, node in items]
        self.fields: dict[int, tuple[Node | None, tuple[int, int]]] = {}  # a condition or a case's value
        self.elses: dict[int, tuple[int, int]] = {}  # an `if`'s `else` clause
        self.parents: list[int] = []
        stack: list[int] = []
        self.usable = True
        for index, (start, end, _, _) in enumerate(items):
            if start == end or (index and self.starts[index - 1] == start and self.ends[index - 1] == end):
                self.usable = False  # an order of nesting the ranges cannot tell
            while stack and self.ends[stack[-1]] < end:
                stack.pop()
            self.parents.append(stack[-1] if stack else -1)
            stack.append(index)

    def around(self, node: Node) -> tuple[Node | None, Node | None] | None:
        """(the condition node of the nearest conditional around `node` in its function, not one `node`
        is in; the nearest case around it, below that conditional, whose value `node` is not in), as
        `Scanner.guards` finds them; None when the ranges cannot tell."""
        index = self.innermost(node)
        if index is None:
            return None
        start, end = node.start_byte, node.end_byte
        case: Node | None = None
        while index >= 0:
            kind = self.kinds[index]
            if kind == _LIMIT:
                return None, case
            if kind == _GUARD or case is None:
                field, (first, last) = self.field(index)
                if not (first <= start and end <= last):  # `node` is not in the condition / the value
                    if kind == _GUARD:
                        if field is not None:
                            return field, case
                    else:
                        case = self.nodes[index]
            index = self.parents[index]
        return None, case

    def branch(self, node: Node) -> tuple[Node | None, bool] | None:
        """(the condition of the nearest `if` around `node` in its function whose branch holds it, whether
        `node` is in its `else`), as `Scanner.branch` finds them; None when the ranges cannot tell."""
        index = self.innermost(node)
        if index is None:
            return None
        start, end = node.start_byte, node.end_byte
        otherwise = False
        while index >= 0:
            kind = self.kinds[index]
            if kind == _LIMIT:
                return None, otherwise
            if kind == _GUARD and self.nodes[index].type == "if_statement":
                first, last = self.alternative(index)
                if first <= start and end <= last:
                    otherwise = True  # the walk up passed its `else`
                field, (first, last) = self.field(index)
                if field is not None and not (first <= start and end <= last):
                    return field, otherwise
            index = self.parents[index]
        return None, otherwise

    def innermost(self, node: Node) -> int | None:
        """The index of the nearest node of the index around `node` (-1: none); None when the ranges
        cannot tell."""
        start, end = node.start_byte, node.end_byte
        if not self.usable or start == end:
            return None
        starts, ends, parents = self.starts, self.ends, self.parents
        index = bisect_right(starts, start) - 1
        while index >= 0 and ends[index] < end:
            index = parents[index]
        if index >= 0 and starts[index] == start and ends[index] == end:
            return None  # `node` itself, or a node of its range
        return index

    def alternative(self, index: int) -> tuple[int, int]:
        """The range of an `if`'s `else` clause."""
        known = self.elses.get(index)
        if known is None:
            clause = self.nodes[index].child_by_field_name("alternative")
            known = self.elses[index] = (clause.start_byte, clause.end_byte) if clause is not None else _FAR
        return known

    def field(self, index: int) -> tuple[Node | None, tuple[int, int]]:
        """The condition of a conditional, or the value of a case, with its range."""
        known = self.fields.get(index)
        if known is None:
            name = "condition" if self.kinds[index] == _GUARD else "value"
            field = self.nodes[index].child_by_field_name(name)
            span = (field.start_byte, field.end_byte) if field is not None else _FAR
            known = self.fields[index] = (field, span)
        return known
