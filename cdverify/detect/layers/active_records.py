"""Active Record classes without an ORM: a Python class that keeps its record's fields and runs the SQL that
stores them itself (`class Event:` whose `__init__` sets `self.description = description`, whose `store()`
runs `INSERT INTO Event … VALUES (?, ?)` with `(self.description, self.group_id)`).

Such a class is the entity of its record (models), not a table gateway: a gateway (`class UserGateway:`
keeping only the connection it is handed, `self.db = db`) runs statements with the values its methods are
handed, never with fields of its own. Read only where the path names no layer or names models
(detect/layers/roles.py `by_role`); the label policy: docs/accuracy.md, "How the labels were made".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdverify.detect.orm.report import RawSql
from cdverify.model import CallFact, FileFacts, Language

_INIT = "__init__@"


def record_fields(file_facts: FileFacts) -> frozenset[str]:
    """The instance fields a constructor sets from its parameter of the same name (`self.email = email`)."""
    return frozenset(
        field
        for assignment in file_facts.assignments
        if assignment.scope.startswith(_INIT) and assignment.target.startswith("self.")
        for field in (assignment.target[len("self.") :],)
        if "." not in field and field in assignment.value.names
    )


def _binds_fields(call: CallFact, fields: frozenset[str], params: frozenset[str]) -> bool:
    """Whether a statement call's parameters (every argument after the statement) read one of `fields`, not
    a parameter of the calling function of the same name (`execute(sql, (self.name, self.email))`)."""
    bound = (*call.args[1:], *(value for _key, value in call.kwargs))
    return any((fields - params) & set(value.names) for value in bound)


def active_records(
    facts: Mapping[str, FileFacts], paths: Iterable[str], raw_sql: Iterable[RawSql]
) -> frozenset[str]:
    """The Python files among `paths` whose raw SQL binds, as its parameters, a field the file's own
    constructor sets from a parameter of the same name (the value's last name: `self.email` reads `email`;
    a parameter of that name of the calling function, where recorded, is no field): Active Record classes
    (models) rather than table gateways."""
    wanted = frozenset(paths)
    lines: dict[str, set[int]] = {}
    for item in raw_sql:
        if item.file in wanted:
            lines.setdefault(item.file, set()).add(item.line)
    found = set()
    for path, at in lines.items():
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language is not Language.PYTHON:
            continue
        fields = record_fields(file_facts)
        params = {function.scope: frozenset(function.params) for function in file_facts.functions}
        if fields and any(
            call.line in at and _binds_fields(call, fields, params.get(call.scope, frozenset()))
            for call in file_facts.calls
        ):
            found.add(path)
    return frozenset(found)
