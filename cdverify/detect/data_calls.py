"""Libraries whose client does more than data access (rules/orm/libraries.toml `data_methods`): Supabase's
client signs users in (`supabase.auth.getUser()`) and keeps files (`supabase.storage.from("avatars")`) as well
as reading the app's tables (`supabase.from("notes").select()`, `.table("notes")`, `.rpc("fn")`). Such a
library is idle — no data-access library (ORM003), no database engine's connection, no data client of the
layers — in a project whose application code calls its clients through other members only: never one of
its data methods, in the module making the client or in another one reaching it (`from app.db import sb;
sb.table("notes")`, traced through `foreign`), and at least once something else (`sb.auth.get_user(…)`).
The three detectors ask `idle_libraries` alike (cdverify/analysis.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from cdverify.detect.orm.catalogue import libraries, library_of
from cdverify.detect.tracing import Instances, foreign
from cdverify.model import Family, FileFacts, Scope


@cache
def gated() -> dict[str, frozenset[str]]:
    """Library → its data methods, for the libraries that list them."""
    return {name: frozenset(entry.data_methods) for name, entry in libraries().items() if entry.data_methods}


def library_of_name(name: str, family: Family) -> str | None:
    """The gated library of a traced name: `supabase.create_client`, `@supabase/ssr.createServerClient`
    (its npm package is what comes before the first dot after the last slash); None for any other."""
    if not gated():
        return None
    if family == Family.PYTHON:
        library = library_of(name, True)
    else:
        dot = name.find(".", name.rfind("/") + 1)
        library = library_of(name[:dot] if dot > 0 else name, False)
    return library if library in gated() else None


def idle_libraries(
    facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope], instances: Callable[[], Instances]
) -> frozenset[str]:
    """The gated libraries application code imports and calls its clients through other members only
    (`supabase.auth.get_user(…)`, `supabase.storage.from_(…)`), never through a data method: used for
    sign-in or file storage. A library whose clients application code calls nothing on that cdverify can
    trace (a client kept on the request, `req.supabase.from(…)`) is not: its use is not known.
    `instances`: the traced objects, asked for only when a gated library is imported."""
    imported = _imported(facts, scopes)
    if not imported:
        return frozenset()
    objects = instances()
    data: set[str] = set()
    other: set[str] = set()
    for path, file_facts in facts.items():
        if scopes.get(path, Scope.APPLICATION) is not Scope.APPLICATION:
            continue
        family = file_facts.language.family
        for call in file_facts.calls:
            found = _client_call(foreign(call.callee, path, family, objects) or call.callee, family)
            if found is None:
                continue
            library, member = found
            if member in gated()[library]:
                data.add(library)
                if imported <= data:
                    return frozenset()
            else:
                other.add(library)
    return frozenset((imported & other) - data)


def _imported(facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope]) -> set[str]:
    """The gated libraries application files import (type imports included: `import type { SupabaseClient }`
    types a client handed in)."""
    out: set[str] = set()
    for path, file_facts in facts.items():
        if scopes.get(path, Scope.APPLICATION) is not Scope.APPLICATION:
            continue
        python = file_facts.language.family == Family.PYTHON
        starts = _starts(python)
        for fact in file_facts.imports:
            if fact.specifier.startswith(starts):  # most imports: no gated library's module
                library = library_of(fact.specifier, python)
                if library is not None and library in gated():
                    out.add(library)
    return out


@cache
def _starts(python: bool) -> tuple[str, ...]:
    """What the modules of the gated libraries start with (Python modules, npm packages)."""
    entries = (libraries()[name] for name in gated())
    return tuple(module for entry in entries for module in (entry.python if python else entry.npm))


def _client_call(callee: str, family: Family) -> tuple[str, str] | None:
    """(gated library, member) of a call made through a member of a client the library's call made, the
    member right after it: `supabase.create_client().table` → (`supabase`, `table`),
    `@supabase/supabase-js.createClient().auth.getUser` → (`supabase`, `auth`); None for any other call."""
    made = callee.find("().")
    if made < 0 or "(" in callee[:made]:
        return None
    library = library_of_name(callee[:made], family)
    if library is None:
        return None
    member = callee[made + 3 :].split(".", 1)[0]
    return library, member.removesuffix("()")
