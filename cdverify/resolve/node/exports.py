"""The `exports` and `imports` maps of a package.json: which target strings a request selects.

A map's value may be a string, an array of fallbacks, or an object of conditions (`types`, `import`,
`node` … in the catalogue's order of preference, rules/node/resolution.toml), nested at will; keys
starting with `.` (exports) or `#` (imports) are subpaths, matched as Node matches them (exact key,
else the `*` pattern with the longest prefix). Pure functions: which of the targets exists is the
prober's question.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.resolve.node.specifiers import best_pattern, conventions


def exports_targets(exports: object, subpath: str) -> list[str] | None:
    """`exports` in any of its shapes: a string, an array, a conditions object (all sugar for `"."`),
    or a subpath map."""
    if isinstance(exports, dict) and any(isinstance(k, str) and k.startswith(".") for k in exports):
        return subpath_targets(exports, subpath)
    return subpath_targets({".": exports}, subpath)


def subpath_targets(mapping: Mapping[str, object], request: str) -> list[str] | None:
    """Targets of an `exports`/`imports` subpath map for `request`: None when no key matches, an empty
    list when the matching key is blocked (`null`)."""
    match = best_pattern((k for k in mapping if isinstance(k, str)), request)
    if match is None:
        return None
    key, captured = match
    return [target.replace("*", captured) for target in condition_targets(mapping[key])]


def condition_targets(value: object) -> list[str]:
    """Target strings of an exports/imports value, most preferred first (conditions flattened; walked
    with a stack of its own, as a hostile package.json may nest them hundreds deep)."""
    conditions = conventions().conditions
    rank = {condition: index for index, condition in enumerate(conditions)}
    last = len(conditions)
    targets: list[str] = []
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            targets.append(value)
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            keys = [k for k in value if isinstance(k, str) and not k.startswith(".")]
            keys.sort(key=lambda k: rank.get(k, last))
            stack.extend(value[key] for key in reversed(keys))
    return targets
