"""Access to the data files that ship with cdverify: rule catalogues (`rules/`) and tree-sitter
queries (`grammars/`).

In an installed wheel both folders live inside the package as `cdverify/_data/{rules,grammars}`; in a
source checkout (editable install, or running from the repository) they are the top-level folders of
the repository. Either way they are found relative to this file, never relative to the working
directory.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(kind: str) -> Path:
    """Folder holding the shipped `rules` or `grammars`."""
    for candidate in (_PACKAGE_DIR / "_data" / kind, _PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cdverify data folder {kind!r} not found next to {_PACKAGE_DIR}")


@cache
def load_rules(name: str) -> dict[str, Any]:
    """Load `rules/<name>.toml` (name may contain a sub-folder, e.g. `architecture/clean_architecture`)."""
    path = data_dir("rules") / f"{name}.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def load_query(language: str, name: str) -> str:
    """Text of `grammars/<language>/<name>.scm`."""
    return (data_dir("grammars") / language / f"{name}.scm").read_text(encoding="utf-8")
