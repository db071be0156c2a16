"""The traced state (detect/traced_state.py) as it is stored: its mappings of groups (the values an entry
held, an entry's readers, a module key's files, a file's exports) flattened into one list of their items
and an array of the groups' lengths each.

Pickle's memo holds every object written, so that it writes each once. Pickled as it is, the state of
Home Assistant made 404 k of them (the 49 k lists of values held, the 17 k lists of files, the export pairs
among them): the memo's table doubled to 16 MB (24 MB while it did), on top of the state, and that was the
peak of a cold run. Flattened, 286 k objects: a table of 8 MB. The strings and entries are the same
objects as before, shared where the state shares them; only the containers are rebuilt on reading.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable, Mapping
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TypeVar

from cdverify.model import Family

if TYPE_CHECKING:
    from cdverify.detect.traced_state import TracedState

K = TypeVar("K")
V = TypeVar("V")
flat = chain.from_iterable
Grouped = tuple[list[Any], "array[int]", list[Any]]  # keys, their groups' lengths, the groups' items in order


def packed(state: TracedState) -> tuple[Any, ...]:
    """`state` with its groups flattened (`Grouped`), in C but for a list of the parts' families."""
    parts = state.parts.values()
    exports = [exported for _, exported, _ in parts]
    return (
        (list(state.parts), array("i", map(len, exports)), list(flat(flat(exports)))),  # two strings a pair
        [family.value for family, _, _ in parts],
        [aliases for _, _, aliases in parts],
        state.packaged,
        state.heads,
        state.names,
        _flattened(state.held),
        _flattened(state.readers),
        _flattened(state.by_key),
        state.passed,
    )


def unpacked(data: tuple[Any, ...]) -> tuple[Any, ...]:
    """The fields of the state `packed` gave, in `TracedState`'s order."""
    exports, families, aliases, packaged, heads, names, held, readers, by_key, passed = data
    paths, lengths, strings = exports
    every = iter(strings)
    pairs = zip(every, every, strict=True)
    parts = {
        path: (Family(family), tuple(islice(pairs, length)), aliased)
        for path, length, family, aliased in zip(paths, lengths, families, aliases, strict=True)
    }
    held, readers, by_key = _grouped(held, list), _grouped(readers, set), _grouped(by_key, list)
    return parts, packaged, heads, names, held, readers, by_key, passed


def _flattened(mapping: Mapping[K, Collection[V]]) -> Grouped:
    """`mapping`'s keys, the lengths of their groups and the groups' items one after the other."""
    groups = mapping.values()
    return list(mapping), array("i", map(len, groups)), list(flat(groups))


def _grouped(data: Grouped, kind: Callable[[Iterable[Any]], Any]) -> dict[Any, Any]:
    """The mapping `_flattened` wrote, each group made a `kind`."""
    keys, lengths, flat = data
    items = iter(flat)
    return dict(zip(keys, (kind(islice(items, length)) for length in lengths), strict=True))
