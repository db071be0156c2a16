"""Start-up checks in a function awaited before the server listens: `async function start() { await
runMigrations(); app.listen(…) }`, with `runMigrations()` imported from another module and throwing where a
variable is unset (`const url = process.env.DATABASE_URL; if (!url) throw new Error(…)`). The awaited call
rejects, so the function that listens stops before its `listen` call, and whatever its caller does with the
rejection nothing listens: the application cannot start where the variable is unset, as with a check at
module level (stops.py) or in a Fastify plugin registered at start-up (plugin_stops.py).

The shape is the one prisma_connects.py reads for `await connectDatabase()`: an awaited call with no
argument of a function a relative import names (rules/parse.toml `node.connect_methods`), in the function
that then listens, below it, under the same condition or none, the application's only listen call
(server_urls.py `listens_after`), and in no `try` whose `catch` carries on (one that always throws again or
exits lets the failure through). The check counts in the awaited function's own body — a `throw` or
`process.exit(<non-zero>)` in no `try`, under an `if` whose every `||` operand tests an environment variable
unset, directly or through a name assigned from one (`FileFacts.stops`) — and in a function that body surely
calls by name, followed through the project modules it is imported from (plugin_stops.py `_followed`). A
check inside a callback the function only defines, a call handed arguments, a call not awaited and a listen
call elsewhere claim nothing. Whether the variable is set where the application runs (the project's `.env`,
the run script, a declared environment) is the harness's to say (`StartupStop.stops`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdverify.detect.database.jsonschemas import imported_function
from cdverify.detect.database.plugin_stops import checked_application, function_checks
from cdverify.detect.database.server_urls import listen_calls, listens_after

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.detect.database.report import StartupStop
    from cdverify.resolve.graph import ImportGraph


def awaited_checks(found: Collection, graph: ImportGraph) -> list[StartupStop]:
    """The checks, in project functions awaited before the application's only listen call, that stop it
    where a variable is unset, each with the awaiting call."""
    application = checked_application(found)
    if not application:
        return []
    listens = listen_calls(found)
    out: list[StartupStop] = []
    for path in sorted(application):
        for call in application[path].calls:
            if not call.scope or call.args or call.kwargs or not call.callee.startswith("."):
                continue
            if not listens_after(listens, path, call):
                continue
            awaited = imported_function(call.callee, path, application, graph)
            if awaited is None or awaited[0] == path:
                continue
            via = f" (in {awaited[1]}(), awaited at start-up at {path}:{call.line} before the server listens)"
            out += function_checks(*awaited, application, graph, via)
    return list(dict.fromkeys(out))
