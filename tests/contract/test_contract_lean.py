"""Lean script contexts: a script whose words name none of the core packages (chai, chai-postman, lodash,
ajv, buffer) runs in a context without their sources; one that reaches them anyway, through a name the
engine cannot see, runs again from the start with them, and only that second run counts.

These drive the engine's process through the sandbox, as the runner does, and compare with what the same
script gives when its words name the packages.
"""

from __future__ import annotations

from typing import Any

import pytest
from script_payloads import RESPONSE, script_context

from cdverify.contract import engine
from cdverify.contract.sandbox import Sandbox, ScriptOutcome

pytestmark = pytest.mark.integration  # a V8 engine process

# a script that counts its runs in a global before it reaches chai through a computed name
COUNTED = (
    "pm.globals.set('runs', (pm.globals.get('runs') || 0) + 1);"
    "var check = pm['exp' + 'ect'];"
    "pm.test('status', function () { check(pm.response.code)['t' + 'o'].equal(200); });"
    "pm.test('fails', function () { check(1)['t' + 'o'].equal(2); });"
)


class Recorder:
    """pm.sendRequest's way out: every request the engine asks the runner to send."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(request)
        return {"response": {**RESPONSE, "body": '{"echo": true}'}}


def _run(code: str, send: Recorder | None = None) -> tuple[ScriptOutcome, dict[str, Any]]:
    with Sandbox({"globals": {}}, send_request=send) as sandbox:
        outcome = sandbox.execute(script_context(code))
        return outcome, sandbox.state()["globals"]


def _verdicts(outcome: ScriptOutcome) -> list[tuple[str, bool, str | None]]:
    return [(a.name, a.passed, a.error.message if a.error else None) for a in outcome.assertions]


def test_the_words_that_need_the_core_packages() -> None:
    assert not engine.needs_core("tests['ok'] = JSON.parse(responseBody).user.hasOwnProperty('token');")
    assert not engine.needs_core("var total = 0; pm.globals.set('toString', total);")  # words, not `to`
    for code in (
        "pm.expect(1).to.equal(1);",
        "pm.response.to.have.status(200);",
        "console.log({a: 1});",
        "Buffer.from('x');",
        "pm.sendRequest('http://localhost/', function () {});",
        "var _ = require('lodash');",
        'require("chai").expect(1);',
    ):
        assert engine.needs_core(code), code


def test_chai_reached_through_a_computed_name_runs_once_with_every_package() -> None:
    hidden, scopes = _run(COUNTED)
    plain, _ = _run(COUNTED.replace("['exp' + 'ect']", ".expect").replace("['t' + 'o']", ".to"))
    assert hidden.error is None
    assert _verdicts(hidden) == _verdicts(plain)
    assert _verdicts(hidden)[0] == ("status", True, None)
    assert _verdicts(hidden)[1][:2] == ("fails", False)
    assert "expected 1 to equal 2" in str(_verdicts(hidden)[1][2])
    assert scopes["runs"] == 1  # the lean run's changes were discarded whole


def test_packages_and_buffer_through_computed_names() -> None:
    outcome, scopes = _run(
        "var lib = require('lo' + 'dash'); pm.globals.set('chunks', lib.chunk([1, 2, 3], 2));"
        "tests['buffer'] = globalThis['Buf' + 'fer'].from('hi').toString('base64') === 'aGk=';"
    )
    assert outcome.error is None
    assert [(a.name, a.passed) for a in outcome.assertions] == [("buffer", True)]
    assert scopes["chunks"] == [[1, 2], [3]]


def test_send_request_through_a_computed_name_goes_out_once() -> None:
    recorder = Recorder()
    outcome, scopes = _run(
        "pm.globals.set('runs', (pm.globals.get('runs') || 0) + 1);"
        "pm['send' + 'Request']('http://localhost/echo', function (error, response) {"
        "  pm.test('echoed', function () { pm['exp' + 'ect'](response.json().echo)['t' + 'o'].equal(true); });"
        "});",
        recorder,
    )
    assert outcome.error is None
    assert [(a.name, a.passed) for a in outcome.assertions] == [("echoed", True)]
    assert [request["url"] for request in recorder.sent] == ["http://localhost/echo"]
    assert scopes["runs"] == 1


def test_a_lean_context_holds_no_core_package_and_reports_what_it_withheld() -> None:
    payload = {"context": {"target": "prerequest"}, "scopes": {}, "code": "tests['plain'] = true;"}
    result, used = engine.execute(
        payload, 10.0, Recorder(), engine.prepared_context(10.0, engine.Readiness.LEAN)
    )
    assert used is not None and used.lean
    used.close()
    assert result["error"] is None and result["raw"]["withheld"] is False
    hidden = {**payload, "code": "tests['chai'] = typeof require('ch' + 'ai')['exp' + 'ect'] === 'function';"}
    context = engine.prepared_context(10.0, engine.Readiness.LEAN)
    result, used = engine.execute(hidden, 10.0, Recorder(), context)
    assert used is not None and not used.lean  # the second run's context, with the core packages
    used.close()
    assert result["error"] is None
    assert result["raw"]["assertions"][0]["passed"] is True
