"""How a SQL statement may start, past comments and an opening parenthesis: a cheap test, with no parser,
for strings worth keeping as possible statements (the classifier decides on those kept)."""

from __future__ import annotations

import re

from cdverify.model import Text

STATEMENT_START = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*\(?\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|REPLACE|"
    r"MERGE|TRUNCATE|UPSERT|PRAGMA|EXPLAIN|COPY|BEGIN|CALL|EXEC)\b",
    re.IGNORECASE | re.DOTALL,
)


def statement_like(text: Text) -> bool:
    """The string (its first piece, when parts of it are computed) may start a statement."""
    return STATEMENT_START.match(text if isinstance(text, str) else text.pieces[0]) is not None
