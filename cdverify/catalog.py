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
    return _all_rules()[name]


@cache
def _all_rules() -> dict[str, dict[str, Any]]:
    """Every catalogue, parsed once and kept as a pickle in the user's cache folder keyed by the
    catalogues' content: parsing the TOML costs more than a short run of cdverify can spare."""
    import hashlib
    import os
    import pickle
    import tempfile

    from cdverify.cache import cache_dir

    root = data_dir("rules")
    files = sorted(root.rglob("*.toml"))
    contents = {path.relative_to(root).with_suffix("").as_posix(): path.read_bytes() for path in files}
    digest = hashlib.blake2b(digest_size=16)
    for name, data in contents.items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    cached = cache_dir() / f"rules-{digest.hexdigest()}.pickle"
    try:
        with cached.open("rb") as handle:
            loaded: dict[str, dict[str, Any]] = pickle.load(handle)
        if loaded.keys() == contents.keys():
            return loaded
    except Exception:
        pass  # absent, unreadable or stale: parse the TOML
    parsed = {name: tomllib.loads(data.decode("utf-8")) for name, data in contents.items()}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".rules-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(parsed, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home is no reason to fail
    return parsed


@cache
def load_rules_file(name: str) -> dict[str, Any]:
    """Parse `rules/<name>.toml` alone, for a process that needs one catalogue and not all of them."""
    return tomllib.loads((data_dir("rules") / f"{name}.toml").read_text(encoding="utf-8"))


@cache
def load_query(language: str, name: str) -> str:
    """Text of `grammars/<language>/<name>.scm`."""
    return (data_dir("grammars") / language / f"{name}.scm").read_text(encoding="utf-8")
