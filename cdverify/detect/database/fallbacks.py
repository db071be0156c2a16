"""A module-level value whose fallback for an unset variable picks, by the run mode, a function called on
the spot that throws: `JWT_SECRET: process.env.JWT_SECRET ?? (nodeEnv === 'test' ? 'test-secret' : (() =>
{ throw new Error(…) })())` with `const nodeEnv = process.env.NODE_ENV ?? 'development'`. Where the mode
variable is unset too (the paper's harness sets none) the mode is its default, which is not the one the
condition spares, so the module throws as it loads wherever the value's own variable is unset. Claimed only
where that is certain: the mode is `process.env.X` itself (unset: undefined) or a module-level name of the
same file holding one variable's read with string defaults, none of them the compared literal (read by
stops.py beside the plain `?? (() => { throw … })()` fallback)."""

from __future__ import annotations

import re

from cdverify.model import FileFacts

Fallback = tuple[int, str, tuple[str, ...], str]  # (line, text, variables it needs, reason)

_CALLED_THROW = r"\(\s*(?:\(\s*\)\s*=>|function\s*[\w$]*\s*\(\s*\))\s*\{\s*throw\b"
_COMPARED = r"\(\s*(?P<mode>[\w$][\w$.]*)\s*(?P<op>[!=]==?)\s*(?P<q>['\"])(?P<literal>[\w.-]*)(?P=q)\s*\?\s*"
# the throw in the branch taken when the mode is NOT the literal: `m === 'test' ? v : (() => { throw`,
# `m !== 'test' ? (() => { throw`
_SPARED = re.compile(
    rf"(?:\|\||\?\?)\s*{_COMPARED}(?:(?P<otherwise>[^:?()]*?\s*:\s*{_CALLED_THROW})|(?P<then>{_CALLED_THROW}))"
)
_ENV = "process.env."


def mode_fallbacks(facts: FileFacts) -> list[Fallback]:
    """The file's module-level values whose fallback throws unless the run mode is the one spared, when the
    mode, unset, is certainly not that one."""
    defaults = {
        assignment.target: assignment.value
        for assignment in facts.assignments
        if not assignment.scope and len(assignment.value.env) == 1
    }
    out: list[Fallback] = []
    for assignment in facts.assignments:
        if assignment.scope:
            continue
        found = _SPARED.search(assignment.text)
        if found is None:
            continue
        mode, literal = found["mode"], found["literal"]
        equal = found["op"].startswith("=")
        if equal != (found["otherwise"] is not None):  # `m !== 'x' ? … : (() => { throw`: thrown in mode x
            continue
        if mode.startswith(_ENV):
            spared_by = mode.removeprefix(_ENV)
            unset_values: tuple[str, ...] = ("",)
        elif mode in defaults and defaults[mode].strings:
            spared_by = defaults[mode].env[0]
            unset_values = tuple(text for text in defaults[mode].strings if isinstance(text, str))
        else:
            continue
        if not unset_values or literal in unset_values:
            continue
        variables = tuple(name for name in assignment.value.env if name != spared_by)
        if len(variables) != 1:
            continue
        reason = f"throws when ${variables[0]} is unset (unless ${spared_by} is {literal})"
        out.append((assignment.line, assignment.text, variables, reason))
    return out
