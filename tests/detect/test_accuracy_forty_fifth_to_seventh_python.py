"""Patterns of the forty-fifth to forty-seventh unseen labelled sets' Python half (issue 18, docs/accuracy.md
"Disagreements of the forty-fifth to forty-seventh sets, Python half"), each with violating and clean
projects written for the test:

- a class that runs the SQL it is given (`Database.fetch_all(self, query, params)`) and table classes that
  receive an instance of it in their constructor (`def __init__(self, db: Database): self.db = db`) and call
  `self.db.fetch_all("SELECT …")`: the statements are reported at those calls, through the helper, and the
  helper's own `cursor.execute(query, params)` is not reported besides.
"""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json

API = "DB-API cursor / connection"
UNTRACED = "execute on an untraced object"

STORE = """import sqlite3


class Store:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def execute(self, sql, args=()):
        cursor = self.conn.cursor()
        cursor.execute(sql, args)
        self.conn.commit()
        return cursor

    def fetch_all(self, sql, args=()):
        cursor = self.conn.cursor()
        cursor.execute(sql, args)
        return cursor.fetchall()
"""
BOOKS = """from library.store import Store


class BookTable:
    def __init__(self, store: Store):
        self.store = store

    def every(self):
        return self.store.fetch_all("SELECT * FROM books ORDER BY title")

    def add(self, title):
        return self.store.execute("INSERT INTO books (title) VALUES (?)", (title,))
"""
SAME_FILE_TABLE = """

class ShelfTable:
    def __init__(self, store):
        self.store = store

    def every(self):
        return self.store.fetch_all("SELECT * FROM shelves")
"""


def _raw(files: dict[str, str], make_project: MakeProject) -> list[tuple[Any, ...]]:
    data = inspect_json(make_project, {path: textwrap.dedent(text) for path, text in files.items()})
    return [(i["file"], i["line"], i["kind"], i["api"], i.get("via", "")) for i in data["orm"]["raw_sql"]]


def test_helper_instance_handed_to_a_constructor_is_reported_at_its_callers(
    make_project: MakeProject,
) -> None:
    """`self.store.fetch_all("SELECT …")` on the instance a table class was given: each statement at its call,
    through the helper (`via`), and the helper's own `cursor.execute(sql, args)` lines are gone — in another
    module importing the class, and in the class's own module."""
    files = {
        "library/__init__.py": "",
        "library/store.py": STORE + SAME_FILE_TABLE,
        "library/books.py": BOOKS,
    }
    assert sorted(_raw(files, make_project)) == [
        ("library/books.py", 9, "statement", API, "fetch_all (library/store.py:16)"),
        ("library/books.py", 12, "statement", API, "execute (library/store.py:10)"),
        ("library/store.py", 25, "statement", API, "fetch_all (library/store.py:16)"),
    ]


def test_attribute_call_matching_no_single_visible_helper_class_is_no_guess(
    make_project: MakeProject,
) -> None:
    """No guess when the file neither defines nor imports the helper's class (`self.store` may be anything),
    or when two classes it sees have a helper method of that name: the calls stay untraced sinks and the
    helpers keep their own dynamic findings."""
    other = STORE.replace("class Store", "class Archive")
    unrelated = BOOKS.replace("from library.store import Store\n", "").replace("store: Store", "store")
    both = "from library.archive import Archive\n" + BOOKS
    for books in (unrelated, both):
        files = {"library/__init__.py": "", "library/store.py": STORE, "library/archive.py": other}
        files["library/books.py"] = books
        shift = books.count("\n") - BOOKS.count("\n")
        modules = ("library/store.py", "library/archive.py")
        helpers = [(path, line, "dynamic", API, "") for path in modules for line in (10, 16)]
        assert sorted(_raw(files, make_project)) == sorted(
            [
                *helpers,
                ("library/books.py", 9 + shift, "statement", UNTRACED, ""),
                ("library/books.py", 12 + shift, "statement", UNTRACED, ""),
            ]
        )
