"""The traced instances (`tracing.instances_of`) kept between runs and brought up to date after an edit.

A full computation reads every file's exports and resolves every entry (160,000 on Home Assistant). After
an edit only a few files' exports change: the entries those files define are read again, and resolved
again together with every entry whose lookups their coming or going can change and every entry that
found its value through one of them (transitively, by what the last resolution recorded: `Trail`);
every other entry keeps its stored value. The entries resolved again are resolved in the order, and
with the values around them, of a full computation: an entry they find that is not among them must
be one whose value the resolution never changes, else it joins them and they are resolved again. The
names a Python module passes on from its imports (`tracing.passed_through`) depend on other files'
imports: they are read whole from every file at each bringing up to date (50 ms on Home Assistant), and
those come, gone or changed are resolved again like the entries of a changed file. So the result is the
one `instances_of` gives (tests/pipeline/test_traced_state.py compares them on every corpus app and on
chains of edits); when that cannot be shown cheaply (many files changed, a Node
default export come or gone, the files out of order) the whole is computed again.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any, NamedTuple

from cdverify.detect.traced_pack import packed, unpacked
from cdverify.detect.tracing import (
    Instances,
    Trail,
    bound_to_project,
    instances_of,
    module_keys,
    package_imports,
    passed_through,
    resolve_rounds,
    unaliased_in,
)
from cdverify.generated_clients import GeneratedClient
from cdverify.model import Family, FileFacts
from cdverify.resolve.graph import reachable

Entry = tuple[str, str]  # (module key, exported name)
Aliases = tuple[tuple[str, str], ...]
# what `instances_of` reads of a file with exports: its family, its exports, its Node path aliases
Part = tuple[Family, tuple[tuple[str, str], ...], Aliases | None]
Passed = dict[Entry, tuple[str, str]]  # a name passed through (`tracing.passed_through`) → (value, file)
# where a full computation starts resolving an entry: an export's (0, first file, key, export), a name
# passed through's (1, "", its number among them, 0), after every export
Place = tuple[int, str, int, int]
Definition = tuple[str, tuple[str, Family], Place]  # first value, home, place

# more changed files than this share of all files with exports, and than a few: computed whole (as fast)
_MOST_CHANGED = 0.05
_FEW = 20
# more entries to resolve again than this share of all: computed whole (resolving them costs as much)
_MOST_RESOLVED = 0.1
_MANY_RESOLVED = 2_000


class TracedState(NamedTuple):
    """The traced instances and what is needed to bring them up to date."""

    parts: dict[str, Part]  # each file with exports → what the computation read of it, in path order
    packaged: frozenset[tuple[str, str]]
    heads: frozenset[str]
    names: dict[Entry, str]  # the answer: (module key, name) → traced value
    held: dict[Entry, list[str]]  # entries the resolution changed → the values they held, first to last
    readers: dict[Entry, set[Entry]]  # an entry → the entries that found a value through it
    by_key: dict[str, list[str]]  # module key → the files with exports it names, in path order
    passed: Passed  # the names passed through that no export defines, in the order of the computation

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its groups flattened (`traced_pack`): fewer objects in pickle's memo."""
        return _restored, (packed(self),)

    def instances(
        self, generated: tuple[GeneratedClient, ...], aliased: Mapping[str, Aliases] | None
    ) -> Instances:
        return Instances(self.names, self.heads, {}, self.packaged, generated, aliased)


def parts_of(facts: Mapping[str, FileFacts], aliased: Mapping[str, Aliases] | None) -> dict[str, Part]:
    """What `instances_of` reads of each file with exports (the imports by dots alone apart)."""
    return {
        path: (file_facts.language.family, file_facts.exports, aliased.get(path) if aliased else None)
        for path, file_facts in facts.items()
        if file_facts.exports
    }


def computed(
    facts: Mapping[str, FileFacts],
    generated: tuple[GeneratedClient, ...],
    aliased: Mapping[str, Aliases] | None,
) -> TracedState:
    """The state of a full computation."""
    trail = Trail({}, {}, {})
    instances = instances_of(facts, generated, aliased, trail)
    parts = parts_of(facts, aliased)
    by_key: dict[str, list[str]] = {}
    for path, part in parts.items():
        for key in module_keys(path, part[0]):
            by_key.setdefault(key, []).append(path)
    held, readers, passed = trail
    return TracedState(
        parts, instances.packaged, instances.heads, instances.names, held, readers, by_key, passed
    )


def brought_up_to_date(
    state: TracedState | None,
    facts: Mapping[str, FileFacts],
    generated: tuple[GeneratedClient, ...],
    aliased: Mapping[str, Aliases] | None,
) -> TracedState:
    """`state` (computed for the same generated clients; None when there is none) brought up to date with
    `facts`: the state `computed(facts, generated, aliased)` gives. The stored state is changed in place."""
    if not isinstance(state, TracedState) or any(a >= b for a, b in pairwise(facts)):
        return computed(facts, generated, aliased)
    parts = parts_of(facts, aliased)
    packaged = package_imports(facts)
    changed = {path for path in parts.keys() | state.parts.keys() if parts.get(path) != state.parts.get(path)}
    # a file's imports by dots alone change where its own entries are found
    changed.update(path for path, _ in packaged ^ state.packaged if path in parts or path in state.parts)
    # the names passed through depend on every Python file's imports: read whole (cheap), compared whole
    offered = passed_through(facts)
    if not changed and list(_unexported(offered, state.by_key, parts).items()) == list(state.passed.items()):
        return state
    # the stored parts of unchanged files, which share their strings with the stored entries: stored again,
    # the state stays as small as a computed one
    parts = {path: part if path in changed else state.parts[path] for path, part in parts.items()}
    packaged = state.packaged if packaged == state.packaged else packaged
    if len(changed) > max(_FEW, _MOST_CHANGED * len(parts)):
        return computed(facts, generated, aliased)
    update = _Update(state, parts, packaged, aliased, changed, offered)
    # a module head come or gone: whether values under it name a project module, and lookups by it
    arrived = update.heads ^ state.heads
    touched = {
        (key, name)
        for path in changed
        for part in (state.parts.get(path), parts.get(path))
        if part is not None
        for key in module_keys(path, part[0])
        for name, _ in part[1]
    }
    # a name passed through come, gone, or given another value or file
    touched.update(
        entry
        for entry in state.passed.keys() | update.passed.keys()
        if state.passed.get(entry) != update.passed.get(entry)
    )
    touched |= update.headed(arrived)
    moved = update.define(touched)
    found_anew = update.finders({name for _, name in moved} | arrived)
    if found_anew is None:
        return computed(facts, generated, aliased)
    if not update.resolve(touched | found_anew):
        return computed(facts, generated, aliased)
    names, held, readers, by_key = state.names, state.held, state.readers, state.by_key
    return TracedState(parts, packaged, update.heads, names, held, readers, by_key, update.passed)


def _unexported(offered: Passed, by_key: Mapping[str, list[str]], parts: Mapping[str, Part]) -> Passed:
    """The names passed through `offered` that no file's exports define (a full computation's)."""
    return {
        entry: offer
        for entry, offer in offered.items()
        if not any(entry[1] == name for path in by_key.get(entry[0], ()) for name, _ in parts[path][1])
    }


class _Update:
    """One bringing up to date: the stored state, changed in place."""

    def __init__(
        self,
        state: TracedState,
        parts: dict[str, Part],
        packaged: frozenset[tuple[str, str]],
        aliased: Mapping[str, Aliases] | None,
        changed: set[str],
        offered: Passed,
    ) -> None:
        self.state = state
        self.parts = parts
        self.packaged = packaged
        self.aliased = aliased
        self.by_key = state.by_key
        self.heads = state.heads
        come_or_gone = [path for path in changed if (path in parts) != (path in state.parts)]
        for path in come_or_gone:  # the others keep their keys (a file's keys are its path's)
            old, new = state.parts.get(path), parts.get(path)
            for key in module_keys(path, (old or new)[0]):  # type: ignore[index]
                paths = self.by_key.setdefault(key, [])
                if new is None:
                    paths.remove(path)
                    if not paths:
                        del self.by_key[key]
                else:
                    bisect.insort(paths, path)
        self.passed = _unexported(offered, self.by_key, parts)
        self._numbers = {entry: number for number, entry in enumerate(self.passed)}
        passed_heads = {key.split(".")[0] for key, _ in self.passed}
        if come_or_gone or passed_heads != {key.split(".")[0] for key, _ in state.passed}:
            # the module heads, as `instances_of` finds them
            exported = {key.split(".")[0] for key in self.by_key if "/" not in key}
            self.heads = frozenset(exported | passed_heads)
        self._exported: dict[str, dict[str, int]] = {}  # file → exported name → its first position
        # an entry resolved again → (its first value, its home, its place in the order of resolution)
        self.defined: dict[Entry, Definition | None] = {}

    def definition(self, entry: Entry) -> Definition | None:
        """What a full computation starts `entry` with: the value of the first file defining it, the last
        such file (its home), and its place in the order (`Place`); for a name passed through, its value
        and file; None when no file defines it."""
        if entry in self.defined:
            return self.defined[entry]
        key, name = entry
        definers = [path for path in self.by_key.get(key, ()) if name in self._names(path)]
        found = None
        if definers:
            first, last = definers[0], definers[-1]
            family, exports, _ = self.parts[first]
            position = self._names(first)[name]
            value = unaliased_in(exports[position][1], first, self.aliased)
            place = (0, first, module_keys(first, family).index(key), position)
            found = (value, (last, self.parts[last][0]), place)
        elif entry in self.passed:
            value, home = self.passed[entry]
            found = (value, (home, Family.PYTHON), (1, "", self._numbers[entry], 0))
        self.defined[entry] = found
        return found

    def _names(self, path: str) -> dict[str, int]:
        names = self._exported.get(path)
        if names is None:
            names = self._exported[path] = {}
            for position, (name, _) in enumerate(self.parts[path][1]):
                names.setdefault(name, position)
        return names

    def define(self, touched: set[Entry]) -> set[Entry]:
        """Give the `touched` entries their first values (dropping those no longer kept); the entries that
        arrived or went."""
        names = self.state.names
        moved = set()
        for entry in touched:
            found = self.definition(entry)
            kept = found is not None and (
                bound_to_project(found[0], self.heads)
                or not found[0].endswith("." + entry[1])
                or entry in self.passed
            )
            if (entry in names) != kept:
                moved.add(entry)
            if kept:
                assert found is not None
                names[entry] = found[0]
            else:
                names.pop(entry, None)
        return moved

    def headed(self, heads: set[str] | frozenset[str]) -> set[Entry]:
        """The entries whose value, as written, starts with one of `heads`."""
        if not heads:
            return set()
        return {
            (key, name)
            for path, part in self.parts.items()
            if any(value.split(".", 1)[0] in heads for _, value in part[1])
            for key in module_keys(path, part[0])
            for name, _ in part[1]
        }

    def finders(self, wanted: set[str]) -> set[Entry] | None:
        """The entries whose lookups can change when entries of the `wanted` names come or go, or a module
        head of those names: those that held a value naming one, or that a file whose path names it
        defines (a relative Python import counts the importer's folders). None when that can be every
        Node entry (a default export)."""
        if any(not name or name.startswith("default") for name in wanted) and any(
            part[0] == Family.NODE for part in self.parts.values()
        ):
            return None
        state = self.state
        found: set[Entry] = set()
        for name in wanted:
            found.update([entry for entry, value in state.names.items() if name in value])
            found.update([entry for entry, values in state.held.items() for value in values if name in value])
            for path in self.parts.keys() | state.parts.keys():
                if name not in path:
                    continue
                for part in (state.parts.get(path), self.parts.get(path)):
                    if part is not None:
                        found.update((key, each) for key in module_keys(path, part[0]) for each, _ in part[1])
        return found

    def resolve(self, seeds: set[Entry]) -> bool:
        """Resolve again the `seeds` and every entry that found its value through one of them
        (transitively), in the order of a full computation, until no entry they find can still change;
        False, and nothing resolved, when they are too many to be worth it."""
        state = self.state
        again = _found_through(seeds, state.readers)
        if len(again) > max(_MANY_RESOLVED, len(state.names) * _MOST_RESOLVED):
            return False
        while True:
            trail = Trail({}, {}, {})
            pending = self._pending(again)
            homes = {entry: defined[1] for entry, defined in pending.items()}
            for entry, defined in pending.items():
                state.names[entry] = defined[0]
            resolve_rounds(list(pending), state.names, homes, self.heads, self.packaged, trail)
            # an entry found that is resolved apart but whose value the last resolution changed
            moving = {entry for entry in trail.readers if entry not in again and entry in state.held}
            if not moving:
                break
            again |= moving
        for entry in again:
            state.held.pop(entry, None)
        state.held.update(trail.held)
        for entry, readers in trail.readers.items():
            state.readers.setdefault(entry, set()).update(readers)
        return True

    def _pending(self, entries: Iterable[Entry]) -> dict[Entry, Definition]:
        """The `entries` the resolution reads again (kept, with a value naming a project module), each
        with its definition, in the order of a full computation."""
        pending = {}
        for entry in entries:
            found = self.definition(entry)
            if found is not None and entry in self.state.names and bound_to_project(found[0], self.heads):
                pending[entry] = found
        return dict(sorted(pending.items(), key=lambda item: item[1][2]))


def _found_through(seeds: Iterable[Entry], readers: Mapping[Entry, set[Entry]]) -> set[Entry]:
    """The `seeds` and every entry that found its value through one of them, transitively."""
    return reachable(seeds, lambda entry: readers.get(entry, ()))


def _restored(data: tuple[Any, ...]) -> TracedState:
    """A `TracedState` read back from its flattened form (`traced_pack.unpacked`)."""
    return TracedState(*unpacked(data))
