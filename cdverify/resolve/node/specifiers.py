"""Pure helpers on Node.js specifiers and project paths: no file is read and no state is kept.

Splitting a specifier (`@scope/name/sub` → package and subpath), telling its shape (relative, URL, alias),
normalising project-relative POSIX paths, choosing among `*` patterns as Node and TypeScript do, and the
`Resolution` values the resolver answers with. The names they look for come from
`rules/node/resolution.toml` and `rules/node/builtins.toml`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import cache

from cdverify.catalog import load_rules
from cdverify.model import Resolution, TargetKind
from cdverify.rules_schema import NodeBuiltins, NodeResolution

# Two letters at least, so that a Windows drive (`C:`) is not taken for a scheme.
URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]+):")


def conventions() -> NodeResolution:
    """The resolver's catalogue, rules/node/resolution.toml."""
    return load_rules(NodeResolution)


@cache
def node_builtin_names() -> frozenset[str]:
    """Top-level names of the Node built-ins importable without `node:` (rules/node/builtins.toml)."""
    return frozenset(m.split("/")[0] for m in load_rules(NodeBuiltins).modules)


def join(*parts: str) -> str:
    """Normalised project-relative POSIX path; the root is ``""``."""
    path = posixpath.normpath(posixpath.join(*parts)) if any(parts) else "."
    return "" if path == "." else path


def parent_dirs(files: Iterable[str]) -> frozenset[str]:
    """Every directory holding a file, the root included as ``""``."""
    dirs = {""}
    for path in files:
        cut = path.rfind("/")
        while cut > 0:
            directory = path[:cut]
            if directory in dirs:
                break
            dirs.add(directory)
            cut = directory.rfind("/")
    return frozenset(dirs)


def under_node_modules(path: str) -> bool:
    return "node_modules" in path.split("/")


def is_relative(specifier: str) -> bool:
    return specifier in (".", "..") or specifier.startswith(("./", "../"))


def strip_query(specifier: str) -> str:
    """`./x?raw` and `./x#frag` name `./x` (bundler suffixes); a leading `#` is a package import."""
    cut = len(specifier)
    for mark, start in (("?", 0), ("#", 1)):
        at = specifier.find(mark, start)
        if at >= 0:
            cut = min(cut, at)
    return specifier[:cut]


def split_package(specifier: str) -> tuple[str, str]:
    """`@scope/name/sub/path` → (`@scope/name`, `./sub/path`); `lodash` → (`lodash`, `.`)."""
    parts = specifier.split("/")
    size = 2 if specifier.startswith("@") and len(parts) > 1 else 1
    rest = "/".join(parts[size:])
    return "/".join(parts[:size]), "./" + rest if rest else "."


def looks_like_alias(specifier: str, alias_prefixes: tuple[str, ...]) -> bool:
    """Specifiers no npm package can have, which projects use as path aliases (`@/x`, `~/x`, `$lib`):
    a catalogued prefix, or a scope (`@name`) without the `/` that npm's grammar requires."""
    return specifier.startswith(alias_prefixes) or (specifier.startswith("@") and "/" not in specifier)


def best_pattern(patterns: Iterable[str], request: str) -> tuple[str, str] | None:
    """The pattern matching `request` and the text its `*` captured: an exact pattern first, else the
    wildcard with the longest prefix (then the longest pattern), as both Node and TypeScript choose."""
    best: tuple[int, int, str, str] | None = None
    for pattern in patterns:
        star = pattern.find("*")
        if star < 0:
            if pattern == request:
                return pattern, ""
            continue
        prefix, suffix = pattern[:star], pattern[star + 1 :]
        fits = len(request) >= len(prefix) + len(suffix) and request != prefix
        if fits and request.startswith(prefix) and request.endswith(suffix):
            rank = (len(prefix), len(pattern))
            if best is None or rank > best[:2]:
                captured = request[len(prefix) : len(request) - len(suffix)]
                best = (*rank, pattern, captured)
    return (best[2], best[3]) if best else None


def string_list(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def builtin(specifier: str) -> Resolution:
    return Resolution(TargetKind.STDLIB, package=specifier.split("/")[0], via="builtin")


def internal(target: str, via: str) -> Resolution:
    return Resolution(TargetKind.INTERNAL, target=target, via=via)


def unresolved(specifier: str, via: str | None) -> Resolution:
    return Resolution(TargetKind.UNRESOLVED, package=specifier, via=via)
