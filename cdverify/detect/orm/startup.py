"""Schema statements the application runs as it starts, wherever their function's name: a `CREATE TABLE`
in a function a web framework's start-up hook is handed (FastAPI's `lifespan`, aiohttp's `on_startup`,
`cleanup_ctx`), or one such a function calls by name (`await open_db()` in the hook), sets the app up as
one in a function named for it (`init_db`, rules/orm/sinks.toml `startup`) does: bootstrap, not the
application querying by hand; so does one made at module level of a module that runs at start-up (the
entry, or a module it imports at module level: `db/index.ts` opening the database and creating its tables
as it loads). A schema statement anywhere else (a route, a service) stays application SQL."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.orm.report import Purpose
from cdverify.model import FileFacts, Scope
from cdverify.rules_schema import Sinks

if TYPE_CHECKING:
    from cdverify.detect.orm.constants import Key
    from cdverify.detect.orm.report import RawSql
    from cdverify.resolve.graph import ImportGraph


def started_schema(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    graph: ImportGraph,
    found: MutableMapping[Key, RawSql],
) -> None:
    """Mark in `found` the application's schema statements run in a function that runs at start-up."""
    schema = load_rules(Sinks).schema
    pending = [
        (key, item)
        for key, item in found.items()
        if item.purpose is None
        and item.scope == Scope.APPLICATION.value
        and item.statement.startswith(schema)
    ]
    if not pending:
        return
    from cdverify.detect.database.sqlite_engines import running_at_start
    from cdverify.detect.database.stops import started_modules

    started = started_modules(facts, scopes, graph)
    running = running_at_start(facts, started, graph)
    for key, item in pending:
        function = _function_of(facts.get(item.file), item.line, key[3])
        if (function and function in running.get(item.file, ())) or (
            item.file in started and _at_module_level(facts.get(item.file), item.line, key[3])
        ):
            found[key] = item._replace(purpose=Purpose.BOOTSTRAP)


def _function_of(file_facts: FileFacts | None, line: int, text: str) -> str:
    """The name of the function around the call written `text` at `line` ("" at module level or unknown)."""
    if file_facts is None:
        return ""
    scopes = {c.scope for c in file_facts.calls if c.line == line and c.text == text and c.scope}
    return scopes.pop().partition("@")[0] if len(scopes) == 1 else ""


def _at_module_level(file_facts: FileFacts | None, line: int, text: str) -> bool:
    """The call written `text` at `line` is made at module level (`sqlite.exec(`CREATE TABLE …`)` as
    the module loads): in a module that runs at start-up, it runs as the application starts."""
    if file_facts is None:
        return False
    scopes = {c.scope for c in file_facts.calls if c.line == line and c.text == text}
    return scopes == {""}
