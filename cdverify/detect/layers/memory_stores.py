"""In-memory stores: a module whose class keeps the app's records in collections it makes as it is built, and
that makes the one instance of it the app uses as it loads (`[roles.memory_stores]` of the preset,
rules/architecture/clean_architecture.toml). Replit Agent's full-stack template writes `class MemStorage
implements IStorage { constructor() { this.tasks = new Map(); } … }` and `export const storage = new
MemStorage()` in server/storage.ts; the routes call `storage.getTask(id)`, and the same interface later gets
a `DatabaseStorage` of Drizzle queries. Where no database is used it is the persistence layer by role, as a
JSON-file store is (file_stores.py)."""

from __future__ import annotations

from functools import cache

from cdverify.catalog import architecture_preset
from cdverify.model import Family, FileFacts


@cache
def _listed(preset: str, family: Family) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The preset's collections and store class names for `family`; None when it lists no store there."""
    roles = architecture_preset(preset).roles
    listed = roles.memory_stores.get(family, {}) if roles is not None else {}
    collections, names = frozenset(listed.get("collections", ())), tuple(listed.get("class_suffixes", ()))
    return (collections, names) if collections and names else None


def memory_store(file_facts: FileFacts, preset: str) -> bool:
    """The module makes, as it loads, an instance of a class whose name ends with a store's word
    (`MemStorage`, `InMemoryUserRepository`) and whose constructor makes a collection (`this.users = new
    Map()`): the file's surely-run calls (`FileFacts.steps`) show `new MemStorage()` at module level, the
    constructor it runs and the `Map` that runs. A cache, a rate limiter's counters or a socket registry
    built the same way is named otherwise; a class only instantiated in a function (per request, per test)
    holds nothing for the app."""
    listed = _listed(preset, file_facts.language.family)
    if listed is None:
        return False
    collections, names = listed
    steps = file_facts.steps
    for scope, made in steps:
        if scope or not made.endswith(names):
            continue
        runs = {called for owner, called in steps if owner == made}  # the constructor `new Class()` runs
        if any(owner in runs and called in collections for owner, called in steps):
            return True
    return False
