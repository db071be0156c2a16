"""Where cdverify's own files are: the data it ships (rule catalogues, tree-sitter queries) and the user's
cache folder. A leaf module: the catalogue loader and the caches both build on it.

In an installed wheel the data lives inside the package as `cdverify/_data/{rules,grammars}`; in a source
checkout (editable install, or running from the repository) it is the top-level folders of the
repository. Either way it is found relative to this file, never relative to the working directory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(kind: str) -> Path:
    """Folder holding the shipped `rules` or `grammars`."""
    for candidate in (PACKAGE_DIR / "_data" / kind, PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cdverify data folder {kind!r} not found next to {PACKAGE_DIR}")


def cache_dir() -> Path:
    """The user's cdverify cache: $CDVERIFY_CACHE_DIR, else $XDG_CACHE_HOME/cdverify or ~/.cache/cdverify."""
    explicit = os.environ.get("CDVERIFY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cdverify"


# The rule pages' URLs (`doc_url` of every finding) and installed pages: see cdverify/rule_docs.py.
DOCS_BASE_URL = "https://cdverify.dev/"  # the site of the schemas' `$id` (cdverify/schemas/__init__.py)
DOCS_URL_VARIABLE = "CDVERIFY_DOCS_URL"


def docs_base_url() -> str:
    """The base the rule pages' URLs start with: `$CDVERIFY_DOCS_URL`, else `DOCS_BASE_URL`; ends with `/`."""
    base = os.environ.get(DOCS_URL_VARIABLE, "").strip() or DOCS_BASE_URL
    return base if base.endswith("/") else base + "/"


def doc_url(rule: str) -> str:
    """The URL of rule `rule`'s page (`https://cdverify.dev/docs/rules/ARCH001.md`)."""
    return f"{docs_base_url()}docs/rules/{rule}.md"


def page_path(rule: str) -> Path:
    """The installed page of rule `rule`: docs/rules/<ID>.md in a checkout, cdverify/_data/… in a wheel."""
    return data_dir("docs/rules") / f"{rule}.md"
