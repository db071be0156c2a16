"""Start-up checks in a function a started module calls as it loads: `export const prisma =
createPrismaClient()`, with `createPrismaClient()` throwing where a variable is unset (`const url =
process.env.DATABASE_URL; if (!url) throw new Error(…)`) before it builds the client. The call runs as the
module is imported, so the throw fails the import of that module and of every module importing it at module
level, up to the entry: nothing listens, and the application cannot start where the variable is unset, as
with a check at module level (stops.py), in a Fastify plugin registered at start-up (plugin_stops.py) or in a
function awaited before the server listens (awaited_stops.py).

The call is a module-level step of a module run at start-up (`FileFacts.steps` with the function `""`): a call
of a bare name whose result is declared, assigned or exported (`export default makeDb()`, `module.exports =
makeDb()`), under no `if`, conditional expression or loop and in no `try` whose `catch` carries on; the Prisma
singleton idiom counts too (`globalForPrisma.prisma ?? createPrismaClient()`, `globalThis.db ||= makeDb()`: on
a fresh start the global object holds nothing, so the right side runs), but no other `??` / `||` right side.
The function is the module's own or one a project module it imports defines (plugin_stops.py
`called_function`); the check counts in its body and in a function that body surely calls, with the same test
as the siblings' (plugin_stops.py `function_checks`, also through a class instantiated there, `return new
StoreService()`, to what its constructor surely calls, and a lazy singleton getter's first call:
jssteps.py): a `throw` or `process.exit(<non-zero>)` in no `try`, under an `if` whose every `||` operand
tests an environment variable unset, not a name read with a default), or a check of a failed start-up schema
(`const parsed = schema.safeParse(process.env); if (!parsed.success) process.exit(1)`, TypeBox's `if
(!Value.Check(EnvSchema, raw))`: schema_stops.py `failed_schema`). A call made as a statement of its own
(`start();`, `connectDb();`: `FileFacts.runs`) is left out: it is the start-up routine's shape, whose function
is often `async`, and an `async` function's throw only rejects the
promise the call drops, which awaited_stops.py leaves to the process too; a factory whose client is assigned
is written synchronous in practice (it returns the client). A function only a handler calls, or one called
under an `if` or in a `try` that carries on, claims nothing. Whether the variable is set where the application
runs (the project's `.env`, the run script, a declared environment) is the harness's to say
(`StartupStop.stops`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from cdverify.detect.database.plugin_stops import called_function, checked_application, function_checks
from cdverify.detect.database.schema_stops import failed_schema
from cdverify.model import FileFacts

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.detect.database.report import StartupStop
    from cdverify.resolve.graph import ImportGraph


def loaded_checks(
    found: Collection, graph: ImportGraph, started: Callable[[], set[str]]
) -> list[StartupStop]:
    """The checks, in project functions the modules run at start-up call as they load, that stop the
    application where a variable is unset, each with the module-level call."""
    application = checked_application(found)
    if not application:
        return []
    failed = partial(failed_schema, found, graph=graph)  # `if (!parsed.success) process.exit(1)`
    out: list[StartupStop] = []
    for path in sorted(set(started()) & set(application)):
        file_facts = application[path]
        exported = dict(file_facts.exports)
        for owner, name in file_facts.steps:
            if owner or name in file_facts.runs:  # `start();`: a start-up routine, its result dropped
                continue
            called = called_function(path, name, exported, application, graph)
            if called is None:
                continue
            via = f" (in {called[1]}(), called at start-up {_where(file_facts, name, exported.get(name))})"
            out += function_checks(*called, application, graph, via, failed)
    return list(dict.fromkeys(out))


def _where(file_facts: FileFacts, name: str, traced: str | None) -> str:
    """Where the module calls `name` as it loads: `at src/lib/prisma.ts:18` where a module-level call of an
    imported function or a module-level assignment shows the line, else `by src/lib/prisma.ts`."""
    lines = [call.line for call in file_facts.calls if traced and call.callee == traced and not call.scope]
    written = re.compile(rf"(?<![\w.$]){re.escape(name)}\s*\(")
    lines += [a.line for a in file_facts.assignments if not a.scope and written.search(a.text)]
    return f"at {file_facts.path}:{min(lines)}" if lines else f"by {file_facts.path}"
