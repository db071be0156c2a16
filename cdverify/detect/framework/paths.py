"""Route paths put together: a prefix joined with a path, and the bounded set of places an object may
sit when the mounts that reach it are not all known."""

from __future__ import annotations

from collections.abc import Iterable

# Bounds on where an object may sit, for hostile applications (1,000 blueprints, each under its own
# prefix, registered on one another): without them the places multiply along every chain of mounts.
_PAIRED_PREFIXES = 24
_MAX_PLACES = 1024


def join(prefix: str, path: str) -> str:
    parts = [p for p in (_clean(prefix), _clean(path)) if p]
    return "/" + "/".join(parts)


def _clean(part: str) -> str:
    """A path piece without its slashes, and without Django's regex anchors (`^api/`, `^users/?$`)."""
    return part.strip("/").removeprefix("^").removesuffix("$").removesuffix("/?").strip("/")


def anywhere(prefixes: Iterable[str]) -> frozenset[str]:
    """Where an object mounted by untraced code may sit: at the root, or under one or two prefixes
    (under one only when the application has more than _PAIRED_PREFIXES, as pairs grow quadratically)."""
    prefixes = tuple(prefixes)
    one = {"", *prefixes}
    if len(prefixes) > _PAIRED_PREFIXES:
        return places(one)
    return places(one | {join(a, b) for a in prefixes for b in prefixes})


def places(paths: Iterable[str]) -> frozenset[str]:
    """A set of places, cut to the _MAX_PLACES shortest (then alphabetical: the cut is deterministic)."""
    found = set(paths)
    if len(found) <= _MAX_PLACES:
        return frozenset(found)
    return frozenset(sorted(found, key=lambda path: (len(path), path))[:_MAX_PLACES])
