"""Rebuilt strings with computed parts: `model.Template` (literal pieces around holes) and the helpers
that build and show them, and what the parsers make of f-strings, template literals, `+` concatenation
and `path.join` — a hole is a place in the value, never a character inside a string."""

from __future__ import annotations

import pytest

from cdverify.model import SHOWN_HOLE, FileFacts, Language, Template, Value, joined, rendered, shown, text_of
from cdverify.parse import parse_source


def parse(path: str, source: str) -> FileFacts:
    language = Language.PYTHON if path.endswith(".py") else Language.JAVASCRIPT
    return parse_source(path, language, source.encode())


def test_a_template_keeps_its_literal_pieces_around_its_holes() -> None:
    url = Template(("postgres://", "@db/", ""))
    assert (url.holes, url.head) == (2, "postgres://")
    assert url.render("?") == "postgres://?@db/?"
    assert url.fill(["user", "app"]) == "postgres://user@db/app"
    assert str(url) == shown(url) == f"postgres://{SHOWN_HOLE}@db/{SHOWN_HOLE}"
    with pytest.raises(ValueError):  # one value per hole, no fewer
        url.fill(["user"])


def test_a_text_without_holes_is_a_plain_string() -> None:
    assert text_of(["SELECT 1"]) == "SELECT 1"
    assert text_of(["a", "b"]) == Template(("a", "b"))
    assert rendered("plain", "*") == shown("plain") == "plain"
    assert Value(strings=("a", Template(("", "/users")))).literals == ("a",)


def test_joined_merges_literals_and_keeps_each_hole_in_its_place() -> None:
    assert joined(["/api", "/users"]) == "/api/users"
    assert joined([None, "/users"]) == Template(("", "/users"))
    assert joined(["/api/", Template(("", "/x/", "")), None]) == Template(("/api/", "/x/", "", ""))
    assert joined([Template(("a", "b")), Template(("c", "d"))]) == Template(("a", "bc", "d"))


def _assigned(source: str, path: str, name: str) -> Value:
    facts = parse(path, source)
    return next(a.value for a in facts.assignments if a.target == name)


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "db.py",
            'DATABASE_URL = f"postgresql://{user}@{host}/app"\n',
            Template(("postgresql://", "@", "/app")),
        ),
        ("db.py", 'DATABASE_URL = "sqlite:///" f"{name}.db"\n', Template(("sqlite:///", ".db"))),
        ("db.py", 'DATABASE_URL = "postgresql://" + HOST\n', Template(("postgresql://", ""))),
        ("db.py", 'DATABASE_URL = "postgresql://" + "db/app"\n', "postgresql://db/app"),
        ("db.js", "const DATABASE_URL = `postgres://${host}/app`;\n", Template(("postgres://", "/app"))),
        ("db.js", "const DATABASE_URL = 'postgres://' + host;\n", Template(("postgres://", ""))),
        ("db.js", "const DATABASE_URL = `${scheme}${rest}`;\n", Template(("", "", ""))),
    ],
)
def test_computed_parts_of_strings_are_holes(path: str, source: str, expected: object) -> None:
    assert _assigned(source, path, "DATABASE_URL").strings[0] == expected


def test_a_path_join_on_a_computed_part_keeps_it_a_hole() -> None:
    facts = parse(
        "app.js",
        'const express = require("express");\nconst path = require("path");\n'
        "express.static(path.join(__dirname, 'public', version));\n"
        "express.static(`${__dirname}/assets/${name}`);\n"
        "express.static(path.join(root, 'files'));\n",
    )
    paths = [fact.args[0].paths for fact in facts.calls if fact.callee == "express.static"]
    assert paths == [
        (Template(("./public/", "")),),
        (Template(("./assets/", "")),),
        (Template(("", "/files")),),
    ]


def test_a_computed_key_is_shown_not_hidden_in_a_name() -> None:
    facts = parse("settings.py", 'import os\n\nURL = os.environ[f"{PREFIX}_URL"]\n')
    assert facts.assignments[0].value.env == (f"{SHOWN_HOLE}_URL",)
    assert not any("\x00" in str(fact) for fact in (*facts.assignments, *facts.calls, *facts.urls))
