"""File-backed stores: a module that keeps the app's records in a data file it reads, parses and writes
back (`[roles.file_stores]` of the preset, rules/architecture/clean_architecture.toml). In place of a database
it is the persistence layer by role, as a module opening a database client is."""

from __future__ import annotations

from functools import cache

from cdverify.catalog import architecture_preset
from cdverify.model import Family, FileFacts

_PARTS = ("reads", "writes", "parses")


@cache
def _calls(preset: str, family: Family) -> tuple[frozenset[str], ...] | None:
    """The preset's reads, writes and parses for `family`; None when it lists no file store there."""
    roles = architecture_preset(preset).roles
    listed = roles.file_stores.get(family, {}) if roles is not None else {}
    sets = tuple(frozenset(listed.get(part, ())) for part in _PARTS)
    return sets if all(sets) else None


def file_store(file_facts: FileFacts, preset: str) -> bool:
    """The module calls one of each of the store's reads, writes and parses: `JSON.parse(fs.readFileSync(FILE,
    "utf8"))` and `fs.writeFileSync(FILE, JSON.stringify(records))`, `json.load(f)` and `json.dump(data, f)`.
    A default import's calls count as the module's (`import fs from "fs"`: `fs.default.readFileSync`)."""
    listed = _calls(preset, file_facts.language.family)
    if listed is None:
        return False
    callees = {call.callee.replace(".default.", ".", 1) for call in file_facts.calls}
    return all(callees & part for part in listed)
