"""What is around a JavaScript / TypeScript call in its function — the condition of the nearest `if` or
conditional expression, else the nearest `switch` case (`Scanner.guards`) — found from the byte ranges
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
        start, end = node.start_byte, node.end_byte
        if not self.usable or start == end:
            return None
        starts, ends, parents = self.starts, self.ends, self.parents
        index = bisect_right(starts, start) - 1
        while index >= 0 and ends[index] < end:
            index = parents[index]
        if index >= 0 and starts[index] == start and ends[index] == end:
            return None  # `node` itself, or a node of its range
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
            index = parents[index]
        return None, case

    def field(self, index: int) -> tuple[Node | None, tuple[int, int]]:
        """The condition of a conditional, or the value of a case, with its range."""
        known = self.fields.get(index)
        if known is None:
            name = "condition" if self.kinds[index] == _GUARD else "value"
            field = self.nodes[index].child_by_field_name(name)
            span = (field.start_byte, field.end_byte) if field is not None else _FAR
            known = self.fields[index] = (field, span)
        return known
