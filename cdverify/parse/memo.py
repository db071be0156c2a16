"""What a scanner has worked out about a node, kept while what it depends on stays the same.

A JavaScript file's scan asks again and again what the same nodes are: every call's callee is traced
once to find the plugin callbacks and again to record it, a chained call (`a.b().c()`) traces its inner
calls once for itself and once for each call around it, and a call's arguments are read for its value,
its fact, and the global helpers' test (ts-mono: 62 % of the traced names asked, 37 % of the arguments,
are asked again). The answers depend on the node and on the scan's state — the names bound so far, the
functions' returns, the option objects — so they are kept (`Memo`) and forgotten whenever that state
changes: the state lives in `Watched` containers, which forget the memo on any change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo:
    """The answers a scanner keeps (one table per question, keyed by node) and a count of the changes
    of the state they depend on: an answer worked out while the state changed is not kept."""

    __slots__ = ("changes", "tables")

    def __init__(self, questions: int) -> None:
        self.tables: tuple[dict[Any, Any], ...] = tuple({} for _ in range(questions))
        self.changes = 0

    def kept(self, question: int, node: Any, work: Callable[[Any], Any]) -> Any:
        """`work(node)`, the answer to `question` (a table), kept unless the state changed meanwhile."""
        table = self.tables[question]
        found = table.get(node, UNSET)
        if found is UNSET:
            changes = self.changes
            found = work(node)
            if self.changes == changes:  # nothing it read changed while it was worked out
                table[node] = found
        return found

    def forget(self) -> None:
        """The state changed: every answer kept may be wrong now."""
        self.changes += 1
        for table in self.tables:
            if table:
                table.clear()


class Watched(dict[K, V], Generic[K, V]):
    """A dict of a scanner's state: any change to it forgets the memo (reads cost what a dict's do)."""

    __slots__ = ("memo",)

    def __init__(self, memo: Memo) -> None:
        super().__init__()
        self.memo = memo

    def __setitem__(self, key: K, value: V) -> None:
        self.memo.forget()
        super().__setitem__(key, value)

    def __delitem__(self, key: K) -> None:
        self.memo.forget()
        super().__delitem__(key)

    def setdefault(self, key: K, default: V = None) -> V:  # type: ignore[assignment]
        if key not in self:
            self.memo.forget()
        return super().setdefault(key, default)

    def update(self, *others: Any, **more: V) -> None:
        self.memo.forget()
        super().update(*others, **more)

    def pop(self, key: K, *default: V) -> V:  # type: ignore[override]
        if key in self:
            self.memo.forget()
        return super().pop(key, *default)

    def popitem(self) -> tuple[K, V]:
        self.memo.forget()
        return super().popitem()

    def clear(self) -> None:
        self.memo.forget()
        super().clear()

    def __ior__(self, other: Any) -> Watched[K, V]:  # type: ignore[override,misc]
        self.memo.forget()
        return super().__ior__(other)


class WatchedSet(set[K], Generic[K]):
    """A set of a scanner's state: any change to it forgets the memo."""

    __slots__ = ("memo",)

    def __init__(self, memo: Memo) -> None:
        super().__init__()
        self.memo = memo

    def add(self, item: K) -> None:
        if item not in self:
            self.memo.forget()
            super().add(item)

    def update(self, *others: Iterable[K]) -> None:
        self.memo.forget()
        super().update(*others)

    def discard(self, item: object) -> None:
        if item in self:
            self.memo.forget()
            super().discard(item)

    def remove(self, item: K) -> None:
        self.memo.forget()
        super().remove(item)

    def pop(self) -> K:
        self.memo.forget()
        return super().pop()

    def clear(self) -> None:
        self.memo.forget()
        super().clear()

    def __ior__(self, other: Any) -> WatchedSet[K]:  # type: ignore[override,misc]
        self.memo.forget()
        return super().__ior__(other)

    def __isub__(self, other: Any) -> WatchedSet[K]:  # type: ignore[misc]
        self.memo.forget()
        return super().__isub__(other)

    def __iand__(self, other: Any) -> WatchedSet[K]:  # type: ignore[misc]
        self.memo.forget()
        return super().__iand__(other)

    def __ixor__(self, other: Any) -> WatchedSet[K]:  # type: ignore[override,misc]
        self.memo.forget()
        return super().__ixor__(other)

    def difference_update(self, *others: Iterable[Any]) -> None:
        self.memo.forget()
        super().difference_update(*others)

    def intersection_update(self, *others: Iterable[Any]) -> None:
        self.memo.forget()
        super().intersection_update(*others)

    def symmetric_difference_update(self, other: Iterable[K]) -> None:
        self.memo.forget()
        super().symmetric_difference_update(other)


# what a memo table holds for a node it has no answer for (None is an answer)
UNSET: Any = object()
