"""The traced-name value type: a call's name read into receiver and method, written back unchanged."""

from __future__ import annotations

import pytest

from cdverify.model import Callee, CallFact


@pytest.mark.parametrize(
    ("written", "receiver", "method", "traced", "calls"),
    [
        ("flask.Flask().route", "flask.Flask()", "route", True, True),
        ("express().get", "express()", "get", True, True),
        ("sqlalchemy.create_engine", "sqlalchemy", "create_engine", True, False),
        ("?cursor.execute", "cursor", "execute", False, False),
        ("?self._session.connection().execute", "self._session.connection()", "execute", False, True),
        ("require", "", "require", True, False),
    ],
)
def test_a_callee_reads_into_parts_and_writes_back(
    written: str, receiver: str, method: str, traced: bool, calls: bool
) -> None:
    callee = Callee.of(written)
    assert (callee.receiver, callee.method, callee.traced, callee.calls) == (receiver, method, traced, calls)
    assert str(callee) == written
    assert CallFact(written, 1, 0, "").name == callee
