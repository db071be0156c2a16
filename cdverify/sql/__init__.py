"""Raw-SQL detection: the string half (is this string hand-written SQL?).

Importing this package is cheap: sqlglot loads on the first string that passes the prefilter.
"""

from __future__ import annotations

from cdverify.sql.classify import MAX_CLASSIFIED_CHARS, SqlKind, SqlString, classify

__all__ = ["MAX_CLASSIFIED_CHARS", "SqlKind", "SqlString", "classify"]
