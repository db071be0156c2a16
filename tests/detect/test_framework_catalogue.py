"""`split`, the detector's reading of a traced call as a method called on an app or router constructor
(through model.Callee): chained methods and aiohttp's route table (rules/frameworks.toml) are skipped,
an untraced name keeps its mark."""

from __future__ import annotations

import pytest

from cdverify.detect.framework.catalogue import split


@pytest.mark.parametrize(
    ("callee", "expected"),
    [
        ("flask.Blueprint().route", ("flask.Blueprint", "route")),
        ("hono.Hono().basePath().get", ("hono.Hono", "get")),  # a chained method returns the app
        ("express().use().get", ("express", "get")),
        ("aiohttp.web.Application().router.add_get", ("aiohttp.web.Application", "add_get")),
        ("flask.Flask().config.get", ("flask.Flask().config.get", "")),  # not on the object itself
        ("sqlalchemy.create_engine", ("sqlalchemy.create_engine", "")),  # no call on the way
        ("express.Router()", ("express.Router()", "")),  # the call itself, no method on its result
        ("a().b().c", ("a().b().c", "")),  # two calls on the way: not one object
        ("?db.connection().execute", ("?db.connection", "execute")),  # untraced: keeps its mark
    ],
)
def test_split_reads_the_constructor_and_the_method(callee: str, expected: tuple[str, str]) -> None:
    assert split(callee) == expected
