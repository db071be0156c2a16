"""In-memory stores: a module whose class keeps the app's records in collections it makes as it is built, and
that makes the one instance of it the app uses as it loads (`[roles.memory_stores]` of the preset,
rules/architecture/clean_architecture.toml). Replit Agent's full-stack template writes `class MemStorage
implements IStorage { constructor() { this.tasks = new Map(); } … }` (its newer one `private tasks:
Map<number, Task> = new Map()`, a field's initializer) and `export const storage = new
MemStorage()` in server/storage.ts; the routes call `storage.getTask(id)`, and the same interface later gets
a `DatabaseStorage` of Drizzle queries. Where no database is used it is the persistence layer by role, as a
JSON-file store is (file_stores.py). A store also keeps its records in an array its functions add to and look
up (`private users: User[] = []` with `this.users.push(user)` and `this.users.find(…)`, or a module-level `let
todos: Todo[] = []` of a `store.ts`): `records` below."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import NamedTuple

from cdverify.catalog import architecture_preset
from cdverify.model import Family, FileFacts
from cdverify.resolve.node.specifiers import is_relative


@cache
def _listed(preset: str, family: Family) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The preset's collections and store class names for `family`; None when it lists no store there."""
    listed = _table(preset, family)
    collections, names = frozenset(listed.get("collections", ())), tuple(listed.get("class_suffixes", ()))
    return (collections, names) if collections and names else None


def _table(preset: str, family: Family) -> Mapping[str, Sequence[str]]:
    roles = architecture_preset(preset).roles
    return roles.memory_stores.get(family, {}) if roles is not None else {}


class _Records(NamedTuple):
    """What says a collection keeps records, and what names their store (`[roles.memory_stores]`)."""

    writes: frozenset[str]
    reads: frozenset[str]
    suffixes: tuple[str, ...]  # `class_suffixes` and `record_suffixes`
    prefixes: tuple[str, ...]
    words: frozenset[str]


@cache
def _records(preset: str, family: Family) -> _Records | None:
    listed = _table(preset, family)
    writes, reads = frozenset(listed.get("writes", ())), frozenset(listed.get("reads", ()))
    if not writes or not reads:
        return None
    suffixes = (*listed.get("class_suffixes", ()), *listed.get("record_suffixes", ()))
    return _Records(
        writes,
        reads,
        suffixes,
        tuple(listed.get("class_prefixes", ())),
        frozenset(listed.get("module_words", ())),
    )


_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def _named_store(path: str, words: frozenset[str]) -> bool:
    """The file's name ends with one of `words` (`store.ts`, `todoStore.js`, `todos.store.ts`), or a folder of
    its path is one (`data/users.ts`)."""
    folders = path.lower().split("/")[:-1]
    stem = path.rsplit("/", 1)[-1].split(".")
    parts = _WORDS.findall(stem[-2] if len(stem) > 1 else stem[0])
    return bool(parts and parts[-1].lower() in words) or any(folder in words for folder in folders)


def records(file_facts: FileFacts, preset: str) -> bool:
    """The module keeps records in an array its functions add to and look up (`FileFacts.collections`, a
    method of `writes` and one of `reads` called on it): a class's field, the class made once as the module
    loads (`export default new UserStore()`) and named as a store, or named `InMemory…Repository` wherever it
    is made; or a module-level array of a module named as a store (`store.ts`)."""
    listed = _records(preset, file_facts.language.family)
    if listed is None or not file_facts.collections:
        return False
    made = {name for scope, name in file_facts.steps if not scope}
    for holder, _name, methods in file_facts.collections:
        if listed.writes.isdisjoint(methods) or listed.reads.isdisjoint(methods):
            continue
        if not holder and _named_store(file_facts.path, listed.words):
            return True
        if (
            holder
            and holder.endswith(listed.suffixes)
            and (holder in made or holder.startswith(listed.prefixes))
        ):
            return True
    return False


def memory_store(file_facts: FileFacts, preset: str) -> bool:
    """The module keeps records in memory (`records`), or makes, as it loads, an instance of a class whose
    name ends with a store's word (`MemStorage`, `InMemoryUserRepository`) and whose constructor makes a
    collection (`this.users = new Map()`), or an instance field's initializer does (`private users = new
    Map()`): the file's surely-run calls (`FileFacts.steps`) show `new MemStorage()` at module level, the
    constructor it runs and the `Map` that runs (or the `Map` the class makes itself). A cache, a rate
    limiter's counters or a socket registry built the same way is named otherwise; a class only
    instantiated in a function (per request, per test) holds nothing for the app. Replit's template, once
    given a database, keeps `MemStorage` beside the `IStorage` it implements and exports instead the
    instance of the `DatabaseStorage` it imports (`export const storage = new DatabaseStorage()`, or
    `process.env.DATABASE_URL ? new DatabaseStorage() : new MemStorage()`): a module declaring such a store
    class and making at module level one of a store's name that a project module holds is the storage
    module all the same (`made_stores`)."""
    listed = _listed(preset, file_facts.language.family)
    if listed is None:
        return records(file_facts, preset)
    collections, names = listed
    steps = file_facts.steps
    stores = _store_classes(steps, collections, names)
    if any(not scope and made in stores for scope, made in steps):
        return True
    return bool(stores and made_stores(file_facts, names)) or records(file_facts, preset)


def _store_classes(
    steps: Sequence[tuple[str, str]], collections: frozenset[str], names: tuple[str, ...]
) -> frozenset[str]:
    """The module's classes of a store's name whose constructor makes a collection: `new MemStorage()`
    runs `constructor@57` (`(MemStorage, constructor@57)`), which makes a `Map` (`(constructor@57,
    Map)`); or which make one in an instance field's initializer (`private users: Map<string, User> = new
    Map()`: `(MemStorage, Map)`). A function's scope is named with its line (`createStore@12`), so only a
    class is an owner of a store's name."""
    making = {owner for owner, called in steps if called in collections}
    return frozenset(
        owner
        for owner, called in steps
        if owner.endswith(names) and (called in making or called in collections)
    )


def made_stores(file_facts: FileFacts, names: tuple[str, ...]) -> bool:
    """The module makes at module level, under a condition or not, an instance of a class of a store's
    name that another project module holds (`new DatabaseStorage()` from `./database-storage`): a call
    traced to a relative import whose class is so named."""
    return any(
        call.new
        and not call.scope
        and is_relative(call.callee)
        and call.callee.rpartition(".")[2].endswith(names)
        for call in file_facts.calls
    )
