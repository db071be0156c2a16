"""Reads of the process environment that stop an application at start-up where a variable is unset
(rules/database/connections.toml `required_reads`): `SECRET_KEY = os.environ["SECRET_KEY"]` at module level
of a settings module raises KeyError as the module is imported, so an application whose database settings
live there cannot start in a harness that leaves SECRET_KEY unset, whatever engine the settings name.

Only module-level reads count (a function's run when it is called, maybe never), and a variable assigned
a second time at module level is left out: the other assignment may be the fallback of a `try` /
`except KeyError` or of an `if` the facts do not show."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import FileFacts
from cdverify.rules_schema import Connections


class StartupRead(NamedTuple):
    """A module-level read that raises where `variable` is unset."""

    variable: str
    file: str
    line: int
    text: str  # the assignment as written
    label: str  # what the read does (`raises KeyError at import`)

    def describe(self) -> str:
        return f"{self.text} at {self.file}:{self.line} {self.label} when ${self.variable} is unset"


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(a subscript of one of the catalogue's mappings with a literal key, its label) per entry."""
    out = []
    for entry in load_rules(Connections).required_reads:
        names = "|".join(re.escape(name) for name in sorted(entry.subscripts, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\w.])(?:{names})\s*\[\s*(['\"])(\w+)\1\s*\]")
        out.append((pattern, entry.label))
    return tuple(out)


def startup_reads(facts: Mapping[str, FileFacts], paths: Iterable[str]) -> tuple[StartupRead, ...]:
    """The module-level reads of `paths` (application and configuration modules) that raise where their
    variable is unset."""
    patterns = _patterns()
    if not patterns:
        return ()
    out: list[StartupRead] = []
    for path in paths:
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family != "python":
            continue
        module_level = [a for a in file_facts.assignments if not a.scope]
        counts: dict[str, int] = {}
        for assignment in module_level:
            counts[assignment.target] = counts.get(assignment.target, 0) + 1
        for assignment in module_level:
            if counts[assignment.target] > 1 or not assignment.value.env:
                continue
            _target, _equals, right = assignment.text.partition("=")
            for pattern, label in patterns:
                found = pattern.search(right)
                if found is not None and found.group(2) in assignment.value.env:
                    out.append(StartupRead(found.group(2), path, assignment.line, assignment.text, label))
                    break
    return tuple(out)
