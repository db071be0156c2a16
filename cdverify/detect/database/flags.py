"""Configurations picked by a flag read from the environment (rules/database/connections.toml
`config_flags`): `CONFIG = DevConfig if get_debug_flag() else ProdConfig`, or `… if os.getenv("DEBUG") else
…`, at module level. The settings of the class on each side hold only where the flag is in the state that
picks it (the evidence's `flag` and `flag_on`): a harness that leaves FLASK_DEBUG unset runs ProdConfig,
so DevConfig's SQLite URL is not what the application runs on there.

Settings assigned under a module-level `if` on variables being set do the same (`if os.environ.get(
"DATABASE_URL") or os.environ.get("USE_POSTGRES"): DATABASES = {…postgresql…} else: DATABASES = {…sqlite3…}`):
the settings made on both sides hold only where one of the variables is set (the `else`'s, where none is).
Settings whose value itself reads a variable keep being decided by it. After an `elif`, the `else` is read
as the first test's alone: kept where the `elif` takes over, never dropped where it runs. The `elif`'s own
side (`if os.getenv("TEST_MODE") == "true": … elif os.getenv("DB_HOST"): DATABASES = {…postgresql…} else:
DATABASES = {…sqlite3…}`) holds only where its variables are set, when an `else` after it in the file sets
the same setting (what runs where it is not taken)."""

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
# a variable being set, as a condition tests it: `os.environ.get("X")`, `os.getenv('X')`, `"X" in os.environ`
_SET = re.compile(
    r"^(?:(?:os\.getenv|os\.environ\.get|getenv|environ\.get)\(\s*(['\"])(\w+)\1\s*\)"
    r"|(['\"])(\w+)\3 in os\.environ)$"
)


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


def flag_branches(found_in: Collection) -> None:
    """Mark the settings assigned on both sides of a module-level `if` testing whether variables are set
    (`Assignment.branch`), and not read from a variable themselves, with those variables (joined by ",")
    and the state that takes the side. A setting on one side only is left as it is: what runs where that
    side is not taken (an earlier assignment, a default) may be nothing the evidence shows."""
    branches: dict[tuple[str, int], tuple[str, bool]] = {}
    for path, facts in found_in.runtime_facts().items():
        if facts.language.family != Family.PYTHON:
            continue
        sides: dict[str, dict[tuple[str, bool], list[int]]] = {}  # setting → (variables, state) → lines
        tests: dict[str, dict[tuple[str, bool], list[int]]] = {}  # the same, of `if`/`elif` tests only
        elses: dict[str, int] = {}  # setting → the last line of an `else` assigning it
        for assignment in facts.assignments:
            if not assignment.scope and assignment.branch:
                target, line = assignment.target, assignment.line
                if assignment.branch.startswith("not ("):
                    elses[target] = max(elses.get(target, 0), line)
                tested = _tested(assignment.branch)
                if tested is not None:
                    sides.setdefault(target, {}).setdefault(tested, []).append(line)
                    if not assignment.branch.startswith("not ("):
                        tests.setdefault(target, {}).setdefault(tested, []).append(line)
        for found in sides.values():  # set on both sides: which side runs is what the variables decide
            for (variables, on), lines in found.items():
                if (variables, not on) in found:
                    branches.update(((path, line), (variables, on)) for line in lines)
        for target, found in tests.items():  # an `elif`'s side, an `else` after it setting it too
            for tested, lines in found.items():
                if max(lines) < elses.get(target, 0):
                    branches.update(((path, line), tested) for line in lines if (path, line) not in branches)
    if not branches:
        return
    for index, item in enumerate(found_in.evidence):
        tested = branches.get((item.file, item.line))
        if tested is not None and not item.flag and not item.switch:
            found_in.evidence[index] = item._replace(flag=tested[0], flag_on=tested[1])


def _tested(branch: str) -> tuple[str, bool] | None:
    """(the variables, comma-separated, whether the branch is taken where one is set) of a condition that
    tests variables being set, joined by `or` (`not (…)`: the `else` branch; `not X`: X unset)."""
    on = True
    if branch.startswith("not (") and branch.endswith(")"):
        branch, on = branch[5:-1], False
    if branch.startswith("not ") and " or " not in branch:
        branch, on = branch[4:], not on
    variables = []
    for term in branch.split(" or "):
        found = _SET.match(term.strip())
        if found is None:
            return None
        variables.append(found.group(2) or found.group(4))
    return ",".join(variables), on


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
