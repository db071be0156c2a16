"""A method chosen by a string, read by the JavaScript / TypeScript parser (issue 18): `client[method](…)` on a
traced object is a call of each method the index can name — a string, a `const` holding one, or a parameter
whose values are the string literals the file's calls of its function pass (cdverify/parse/jsindexed.py)."""

from __future__ import annotations

from cdverify.model import FileFacts, Language
from cdverify.parse import parse_source

POOL = "import mysql from 'mysql2/promise';\nconst pool = mysql.createPool({ host: 'localhost' });\n"


def parse(source: str) -> FileFacts:
    return parse_source("app.js", Language.JAVASCRIPT, (POOL + source).encode())


def on_pool(facts: FileFacts) -> list[tuple[int, str]]:
    """(line, method) of the calls recorded on the pool."""
    prefix = "mysql2/promise.createPool()."
    return [(c.line, c.callee.removeprefix(prefix)) for c in facts.calls if c.callee.startswith(prefix)]


def test_a_string_index_or_a_constant_names_the_method() -> None:
    facts = parse(
        "pool['query']('SELECT 1');\n"
        "const RUN = 'execute';\n"
        "async function save(name) {\n"
        "  const verb = `query`;\n"
        "  await pool[verb]('INSERT INTO t (name) VALUES (?)', [name]);\n"
        "  return pool[RUN]('DELETE FROM t');\n"
        "}\n"
    )
    assert on_pool(facts) == [(3, "query"), (7, "query"), (8, "execute")]
    (call,) = [c for c in facts.calls if c.line == 3]
    assert call.receiver == "pool"


def test_a_parameter_names_each_method_the_file_calls_its_function_with() -> None:
    facts = parse(
        "async function run(method, sql, params, attempt = 0) {\n"
        "  try { return await pool[method](sql, params); }\n"
        "  catch (err) { if (attempt < 2) return run(method, sql, params, attempt + 1); throw err; }\n"
        "}\n"
        "const select = (sql, params) => run('query', sql, params);\n"
        "const change = (sql, params) => run('execute', sql, params);\n"
        "const again = (sql) => run('query', sql);\n"
    )
    assert on_pool(facts) == [(4, "query"), (4, "execute")]
    assert {f.name for f in facts.functions} >= {"run", "select", "change"}


def test_a_method_of_a_class_is_named_by_its_calls_through_this() -> None:
    facts = parse(
        "class Store {\n"
        "  call(kind, sql) { return pool[kind](sql); }\n"
        "  list() { return this.call('query', 'SELECT * FROM t'); }\n"
        "}\n"
    )
    assert on_pool(facts) == [(4, "query")]


def test_no_method_from_values_that_are_not_literals_or_on_untraced_objects() -> None:
    facts = parse(
        "function run(method, sql) { return pool[method](sql); }\n"
        "function handle(req) { return run(req.query.op, 'SELECT 1'); }\n"
        "function other(op) { return pool[op.name]('SELECT 1'); }\n"
        "const cache = new Map();\n"
        "function read(method, key) { return cache[method](key); }\n"
        "read('get', 'k');\n"
        "pool['not a method']('SELECT 1');\n"
    )
    assert on_pool(facts) == []
    assert not [c for c in facts.calls if "get" in c.callee]
