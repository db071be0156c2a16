"""Hostile HTML pages (issue 15's bar, found in session 2026-12-06 (13)'s last read): the modules a page's
`<script src>` names are read from every HTML page of a project with Node code (cdverify/browser_modules.py).
A page of a million bytes of unclosed `<script` tags made the first reader, one pattern spanning each tag,
scan to the end of the page from every tag — quadratic, twenty minutes and more for one file. Each tag is
now read up to its `>`: the run ends, and the rest of the project is analysed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdverify.browser_modules import _script_sources
from hostile.projects import check_json, expect_analysed, python_project

SIZE = 1_000_000  # under the scanned-file limit (rules/scopes.toml max_file_bytes), so the page is read


def _project(root: Path, page: str) -> Path:
    python_project(root)
    (root / "package.json").write_text('{"name": "site", "scripts": {"start": "node server.js"}}')
    (root / "server.js").write_text("const http = require('node:http');\nhttp.createServer().listen(3000);\n")
    (root / "web").mkdir()
    (root / "web" / "main.js").write_text("document.title = 'x';\n")
    (root / "index.html").write_text(page)
    return root


@pytest.mark.parametrize(
    "page",
    [
        ("<script a" * (SIZE // 9)),  # no tag ever closes
        ("<script " + "x" * (SIZE - 20) + ">"),  # one tag as long as the page
        ('<script src="/web/main.js">' + "<script a>" * (SIZE // 10)),  # many closed tags
    ],
    ids=["unclosed", "one-long-tag", "many-tags"],
)
def test_a_hostile_page_ends_and_the_rest_is_analysed(hostile: Any, tmp_path: Path, page: str) -> None:
    outcome = check_json(hostile, _project(tmp_path / "p", page), timeout_s=60)
    expect_analysed(outcome, max_wall_s=20)


def test_the_sources_of_script_tags() -> None:
    page = (
        '<script type="module" src="/src/main.tsx?v=1"></script><SCRIPT SRC=\'a.js\'></SCRIPT>'
        '<script>const src = "inline.js"</script><script src="b.js"'
    )
    # the inline script's text is no tag; the last tag never closes
    assert _script_sources(page) == ["/src/main.tsx?v=1", "a.js"]
