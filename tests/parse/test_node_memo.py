"""What the JavaScript / TypeScript scanner keeps while it scans (parse/memo.py, parse/jsguards.py): the
answers kept per node are forgotten whenever a name is bound, so a name bound after a call was first traced
is seen; and a call's guard and branch found from the byte ranges of the file's conditionals are the ones
the walk up its parents finds."""

from __future__ import annotations

from cdverify.model import Language
from cdverify.parse import parse_source
from cdverify.parse.jscode import NodeScanner
from cdverify.parse.memo import Memo, Watched, WatchedSet
from cdverify.parse.scanner import Scanner
from cdverify.parse.treesitter import captures, parser, reading


def test_a_change_to_the_watched_state_forgets_the_answers_kept() -> None:
    memo = Memo(1)
    names: Watched[str, str] = Watched(memo)
    seen: WatchedSet[str] = WatchedSet(memo)
    memo.tables[0]["node"] = "kept"
    names.setdefault("app", "express()")
    assert memo.tables[0] == {} and memo.changes == 1
    memo.tables[0]["node"] = "kept"
    names.setdefault("app", "fastify()")  # already bound: nothing changes
    names.pop("other", None)
    seen.discard("other")
    assert memo.tables[0] == {"node": "kept"} and memo.changes == 1
    names["app"] = "fastify()"
    assert memo.tables[0] == {} and memo.changes == 2
    for change in (lambda: seen.add("x"), lambda: names.update(db="pg.Pool()"), lambda: names.pop("app")):
        memo.tables[0]["node"] = "kept"
        change()
        assert memo.tables[0] == {}
    assert memo.changes == 5


def test_a_name_bound_after_a_call_was_first_traced_is_seen() -> None:
    # `registerRoutes(app)` is traced while the plugins are bound (before `app`'s parameter binding by the
    # router methods called on it), and again when the calls are recorded: the later answer holds
    source = (
        "import express from 'express';\n"
        "export function registerRoutes(router) {\n"
        "  router.get('/users', list);\n"
        "}\n"
        "registerRoutes(express());\n"
    )
    facts = parse_source("routes.js", Language.JAVASCRIPT, source.encode())
    callees = [fact.callee for fact in facts.calls]
    assert "express" in callees
    assert any(callee.endswith(">().get") for callee in callees)  # the router parameter's route method


def test_the_guard_and_branch_from_byte_ranges_are_the_ones_the_walk_finds() -> None:
    source = (
        "function pick(kind, db) {\n"
        "  if (db.ready()) { db.query('a'); } else { db.query('b'); }\n"
        "  const x = check(db.ok()) ? db.one() : db.two();\n"
        "  switch (kind) {\n"
        "    case load(): db.three(); break;\n"
        "    case 'mysql': if (db.deep()) db.four(); else { db.five(); }\n"
        "  }\n"
        "  return () => db.six();\n"
        "}\n"
        "if (process.env.X) { start(); }\n"
    )
    data = source.encode()
    root = parser(Language.JAVASCRIPT).parse(data).root_node
    with reading(data):
        scanner = NodeScanner(captures(Language.JAVASCRIPT, "code", root))
        found = [(scanner.guards(call), Scanner.guards(scanner, call)) for call in scanner.found["call"]]
        branches = [(scanner.branch(call), Scanner.branch(scanner, call)) for call in scanner.found["call"]]
    assert len(found) == 14
    assert all(by_ranges == walked for by_ranges, walked in found)
    assert all(by_ranges == walked for by_ranges, walked in branches)
    assert [walked for _, walked in branches if walked] == [
        "(db.ready())",
        "not ((db.ready()))",
        "(db.deep())",
        "not ((db.deep()))",
        "(process.env.X)",
    ]
