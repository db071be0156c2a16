"""Raw-SQL detection: the string half (is this string hand-written SQL?).

Importing this package is cheap: the classifier (its regular expressions take milliseconds to compile)
loads on first use of its names, and sqlglot on the first string that passes the prefilter.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdverify.sql.classify import MAX_CLASSIFIED_CHARS, SqlKind, SqlString, classify

__all__ = ["MAX_CLASSIFIED_CHARS", "SqlKind", "SqlString", "classify"]


def __getattr__(name: str) -> Any:
    """The classifier's names, loaded on first use. They are bound here once loaded: the submodule's import
    binds `classify` to the module, which the function of that name replaces, as an eager import did."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module("cdverify.sql.classify")
    globals().update({exported: getattr(module, exported) for exported in __all__})
    return globals()[name]
