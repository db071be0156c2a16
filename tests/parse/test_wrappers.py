"""Code an LLM handed back inside a wrapper (a Markdown fence, <CODE> tags, a line of prose) still yields
its facts, at the lines and columns of the file as written; the file itself still does not parse, so its
syntax issues stay (PARSE001)."""

from __future__ import annotations

import pytest

from cdverify.model import Language
from cdverify.parse import parse_source

EXPRESS = b"""const express = require("express");
const { Pool } = require("pg");
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const app = express();
app.get("/api/users", async (req, res) => {
  const r = await pool.query("SELECT id, name FROM users");
  res.json(r.rows);
});
app.listen(3000);
"""


def _callees(source: bytes, language: Language = Language.JAVASCRIPT) -> dict[str, int]:
    facts = parse_source("index.js", language, source)
    return {call.callee: call.line for call in facts.calls}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"<CODE>\n", b"</CODE>\n"),
        (b"```javascript\n", b"```\n"),
        (b"Here is the server you asked for:\n```js\n", b"```\nIt listens on port 3000.\n"),
    ],
    ids=["code-tags", "fence", "prose-and-fence"],
)
def test_wrapped_code_keeps_its_facts_and_its_syntax_issues(before: bytes, after: bytes) -> None:
    wrapped = before + EXPRESS + after
    shift = before.count(b"\n")
    plain = _callees(EXPRESS)
    assert "express().get" in plain and "pg.Pool().query" in plain
    assert _callees(wrapped) == {callee: line + shift for callee, line in plain.items()}
    facts = parse_source("index.js", Language.JAVASCRIPT, wrapped)
    assert facts.syntax_issues, "the file as written does not parse: PARSE001 stays"
    assert {i.specifier for i in facts.imports} == {"express", "pg"}


def test_a_stray_first_line_is_read_past() -> None:
    source = b"Sure! Here is the Flask app.\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.get('/api/x')\ndef x():\n    return {}\n"
    facts = parse_source("app.py", Language.PYTHON, source)
    assert facts.syntax_issues
    assert any(call.callee == "flask.Flask().get" and call.line == 5 for call in facts.calls)


def test_a_broken_file_without_a_wrapper_is_read_as_before() -> None:
    broken = EXPRESS.replace(b"app.listen(3000);", b"app.listen(3000;")
    facts = parse_source("index.js", Language.JAVASCRIPT, broken)
    assert facts.syntax_issues
    assert "pg.Pool().query" in {call.callee for call in facts.calls}


def test_a_fence_inside_a_string_is_not_a_wrapper() -> None:
    source = b'DOC = """\n```python\nx = 1\n```\n"""\nimport sqlite3\nsqlite3.connect("a.db")\n'
    facts = parse_source("doc.py", Language.PYTHON, source)
    assert not facts.syntax_issues  # it parses and does not open with a wrapper: read as written
    assert [a.key for a in facts.assignments if a.key == "DOC"] == ["DOC"]
    assert facts.assignments[0].value.strings == ("\n```python\nx = 1\n```\n",)


def test_a_fence_javascript_parses_is_still_unwrapped_and_reported() -> None:
    source = b"```js\n" + EXPRESS + b"```\n"  # valid JavaScript: an empty template tags the next one
    facts = parse_source("index.js", Language.JAVASCRIPT, source)
    assert "pg.Pool().query" in {call.callee for call in facts.calls}
    assert [(i.line, i.message) for i in facts.syntax_issues] == [
        (1, "the code is wrapped in '```js': the file does not run as written")
    ]
