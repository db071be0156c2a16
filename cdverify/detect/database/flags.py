"""Configurations picked by a flag read from the environment (rules/database/connections.toml
`config_flags`): `CONFIG = DevConfig if get_debug_flag() else ProdConfig`, or `… if os.getenv("DEBUG") else
…`, at module level. The settings of the class on each side hold only where the flag is in the state that
picks it (the evidence's `flag` and `flag_on`): a harness that leaves FLASK_DEBUG unset runs ProdConfig,
so DevConfig's SQLite URL is not what the application runs on there."""

from __future__ import annotations

import re
from collections.abc import Mapping

from cdverify.catalog import load_rules
from cdverify.detect.database.collection import Collection
from cdverify.model import Assignment, Family, FileFacts
from cdverify.rules_schema import Connections

# `NAME = A if CONDITION else B`, A and B names of classes (dotted or not)
_PICK = re.compile(r"^[\w.]+\s*(?::[^=]+)?=\s*([\w.]+)\s+if\s+(.+?)\s+else\s+([\w.]+)\s*$")
_READ = re.compile(r"^(?:os\.getenv|os\.environ\.get|getenv|environ\.get)\(\s*(['\"])(\w+)\1\s*\)$")


def flag_configurations(found_in: Collection) -> None:
    """Mark the configuration evidence of the classes a flag picks with the flag's variable and state."""
    flags = {call: entry.variable for entry in load_rules(Connections).config_flags for call in entry.calls}
    picked: dict[str, tuple[str, bool]] = {}  # class name → (variable, picked when the flag is on)
    for facts in found_in.runtime_facts().values():
        if facts.language.family != Family.PYTHON:
            continue
        for assignment in facts.assignments:
            if not assignment.scope and " if " in assignment.text and " else " in assignment.text:
                found = _picks(assignment, facts, flags)
                if found is not None:
                    variable, on, off = found
                    picked.setdefault(on, (variable, True))
                    picked.setdefault(off, (variable, False))
    if not picked:
        return
    owners = _owners(found_in.facts)
    for index, item in enumerate(found_in.evidence):
        owner = owners.get((item.file, item.line), "")
        if owner in picked:
            variable, state = picked[owner]
            found_in.evidence[index] = item._replace(flag=variable, flag_on=state)


def _picks(assignment: Assignment, facts: FileFacts, flags: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(the flag's variable, the class picked where it is on, the class picked where it is off)."""
    found = _PICK.match(assignment.text)
    if found is None:
        return None
    on, condition, off = found.group(1), found.group(2).strip(), found.group(3)
    read = _READ.match(condition)
    if read is not None:
        variable = read.group(2)
    else:
        called = condition.removesuffix("()")
        if condition == called or not called.replace(".", "").replace("_", "").isalnum():
            return None
        line = [c.callee for c in facts.calls if c.line == assignment.line and c.callee in flags]
        if len(line) != 1 or not line[0].endswith(called.rpartition(".")[2]):
            return None
        variable = flags[line[0]]
    return variable, on.rpartition(".")[2], off.rpartition(".")[2]


def _owners(facts: Mapping[str, FileFacts]) -> dict[tuple[str, int], str]:
    """(file, line) → the class whose body makes the assignment there."""
    return {
        (path, assignment.line): assignment.owner
        for path, file_facts in facts.items()
        for assignment in file_facts.assignments
        if assignment.owner
    }
