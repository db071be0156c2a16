"""The Postman script sandbox against hostile scripts: each class of attack an audit found, with its outcome.

A script runs in a V8 context of its own (cdverify/contract/sandbox.py). These tests drive the sandbox
directly, script by script, as the runner does; the runner-level cases (setNextRequest loops, deeply
nested collections, the command line) are at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from script_payloads import script_context

from cdverify.contract import engine
from cdverify.contract.collection import CollectionError, load_collection
from cdverify.contract.runner import RunOptions, run_collection
from cdverify.contract.sandbox import Sandbox, ScriptOutcome

pytestmark = pytest.mark.integration  # a V8 sandbox process per script, hanging scripts run to their limits


def _run(sandbox: Sandbox, *lines: str, target: str = "test") -> ScriptOutcome:
    return sandbox.execute(script_context("\n".join(lines), target))


def _verdicts(outcome: ScriptOutcome) -> list[tuple[str, bool]]:
    return [(a.name, a.passed) for a in outcome.assertions]


@pytest.fixture
def sandbox() -> Any:
    box = Sandbox({"globals": {}, "environment": {}, "collectionVariables": {}})
    yield box
    box.close()


@pytest.fixture
def short_limit(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr("cdverify.contract.sandbox.SCRIPT_TIME_LIMIT_S", 1.0)
    return 1.0


# --- forging: a script that replaces what the runner uses changes nothing the runner reports ------------

FORGERIES = {
    "JSON.stringify": 'JSON.stringify = function () { return \'{"assertions": [], "error": null}\'; };',
    "JSON.parse": "JSON.parse = function () { return {}; };",
    "Object.keys": "Object.keys = function () { return []; };",
    "String.prototype.replace": "String.prototype.replace = function () { return 'forged'; };",
    "Array.prototype.push": "Array.prototype.push = function () { return 0; };",
    "Object.prototype.toJSON": "Object.prototype.toJSON = function () { return {passed: true}; };",
    "Array.prototype.toJSON": "Array.prototype.toJSON = function () { return []; };",
    "an index setter on Array.prototype": (
        "Object.defineProperty(Array.prototype, '0', {set: function () {}, configurable: true});"
        "Object.defineProperty(Array.prototype, '1', {set: function () {}, configurable: true});"
    ),
    "a passed getter on Object.prototype": (
        "Object.defineProperty(Object.prototype, 'passed', {get: function () { return true; }, set: function () {}});"
    ),
    "String": "String = function () { return 'forged'; };",
}


@pytest.mark.parametrize("replaced", sorted(FORGERIES))
def test_replacing_a_global_forges_no_pass(sandbox: Sandbox, replaced: str) -> None:
    outcome = _run(
        sandbox,
        "pm.test('fails before', function () { pm.expect(1).to.equal(2); });",
        FORGERIES[replaced],
        "pm.test('fails after', function () { throw new Error('no'); });",
        "tests['legacy fails'] = false;",
        "pm.environment.set('kept', 'yes');",
    )
    assert _verdicts(outcome) == [("fails before", False), ("fails after", False), ("legacy fails", False)]
    assert sandbox.scopes["environment"] == {"kept": "yes"}
    # the next script is not touched by what this one replaced
    after = _run(
        sandbox, "pm.test('clean', function () { pm.expect(JSON.stringify({a: 1})).to.equal('{\"a\":1}'); });"
    )
    assert _verdicts(after) == [("clean", True)]


def test_failed_assertions_carry_previews_a_script_cannot_turn_against_the_host(sandbox: Sandbox) -> None:
    """chai's expected and actual come back as JSON text, cut at 300 characters; an error whose properties
    throw, a toJSON that throws or a replaced String.prototype.slice costs only the preview."""
    outcome = _run(
        sandbox,
        "String.prototype.slice = function () { return 'forged'; };",
        "pm.test('status', () => pm.response.to.have.status(201));",
        "pm.test('name', () => pm.expect(pm.response.json().user.name).to.eql('bob'));",
        "pm.test('long', () => pm.expect('a'.repeat(1000)).to.eql('b'));",
        "pm.test('toJSON', () => pm.expect({toJSON() { throw new Error('no'); }}).to.eql(1));",
        "pm.test('getter', () => { var e = new Error('x'); e.name = 'AssertionError';"
        " Object.defineProperty(e, 'expected', {get() { throw 1; }}); throw e; });",
        "pm.test('plain', () => { throw new Error('boom'); });",
    )
    errors = {a.name: a.error for a in outcome.assertions}
    assert not any(a.passed for a in outcome.assertions)
    assert (errors["status"].expected, errors["status"].actual) == ("201", "200")
    assert (errors["name"].expected, errors["name"].actual) == ('"bob"', '"ann"')
    long = errors["long"].actual
    assert long is not None and long == '"' + "a" * 299 + "…"
    assert errors["toJSON"].expected == "1" and errors["toJSON"].actual == "[object Object]"
    assert (errors["getter"].message, errors["getter"].expected, errors["getter"].actual) == ("x", None, None)
    assert (errors["plain"].expected, errors["plain"].actual) == (None, None)


def test_runner_entry_points_are_not_reachable(sandbox: Sandbox) -> None:
    outcome = _run(
        sandbox,
        "var names = Object.getOwnPropertyNames(globalThis).filter(function (n) {",
        "  return /cdverify|collect|deliver|settle|takeRequests|withheld|^run$|^tick$/i.test(n); });",
        "pm.test('no runner names on the global object: ' + names.join(','), function () {",
        "  pm.expect(names).to.eql([]);",
        "});",
        "pm.test('no entry point by name', function () {",
        "  pm.expect([typeof collect, typeof deliver, typeof tick, typeof settle, typeof __cdverify])",
        "    .to.eql(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);",
        "});",
    )
    assert [passed for _, passed in _verdicts(outcome)] == [True, True]


def test_globals_do_not_leak_into_the_next_script(sandbox: Sandbox) -> None:
    _run(
        sandbox,
        "globalThis.leaked = 1; var declared = 2; Array.prototype.evil = 3;",
        "Object.prototype.polluted = 4; pm.expect = null; Math.random = function () { return 0; };",
        "setInterval(function () { globalThis.tick = (globalThis.tick || 0) + 1; }, 10);",
        target="prerequest",
    )
    outcome = _run(
        sandbox,
        "pm.test('nothing of the previous script', function () {",
        "  pm.expect(typeof leaked + typeof declared + typeof [].evil + typeof ({}).polluted + typeof tick)",
        "    .to.equal('undefinedundefinedundefinedundefinedundefined');",
        "  pm.expect(Math.random()).to.not.equal(0);",
        "});",
    )
    assert _verdicts(outcome) == [("nothing of the previous script", True)]


def test_variables_are_what_postman_keeps_between_scripts(sandbox: Sandbox) -> None:
    _run(
        sandbox,
        "pm.environment.set('token', 'abc'); pm.globals.set('n', 3); pm.collectionVariables.set('o', {a: [1]});",
        target="prerequest",
    )
    outcome = _run(
        sandbox,
        "pm.test('kept', function () {",
        "  pm.expect(pm.environment.get('token')).to.equal('abc');",
        "  pm.expect(pm.globals.get('n')).to.equal(3);",
        "  pm.expect(pm.collectionVariables.get('o')).to.eql({a: [1]});",
        "});",
    )
    assert _verdicts(outcome) == [("kept", True)]
    assert sandbox.resolve(["{{token}}-{{n}}-{{o}}"]) == ['abc-3-{"a":[1]}']


# --- hanging: every piece of script work is bounded ---------------------------------------------------

HANGS = {
    "an endless loop": "while (true) {}",
    "a catastrophic regular expression": "/(a+)+$/.test('a'.repeat(40) + '!');",
    "an endless timer": "setInterval(function () { var x = 0; for (var i = 0; i < 1e6; i++) { x += i; } }, 1);",
    "an endless promise chain": "(function next() { return Promise.resolve().then(next); })();",
    "an endless loop in a timer": "setTimeout(function () { while (true) {} }, 5);",
    "an endless loop in a promise callback": "Promise.resolve().then(function () { while (true) {} });",
    "a getter that loops when the runner reads the error": (
        "var e = new Error('x'); Object.defineProperty(e, 'message', {get: function () { while (true) {} }}); throw e;"
    ),
}


@pytest.mark.parametrize("hang", sorted(HANGS))
def test_hanging_script_ends_within_its_limit(sandbox: Sandbox, short_limit: float, hang: str) -> None:
    started = time.monotonic()
    outcome = _run(sandbox, "tests['before'] = true;", HANGS[hang])
    elapsed = time.monotonic() - started
    assert elapsed < short_limit + 3.0, f"{hang} took {elapsed:.1f} s"
    assert outcome.error is not None
    after = _run(sandbox, "tests['the next script runs'] = true;")
    assert _verdicts(after) == [("the next script runs", True)]


def test_an_endless_promise_chain_is_never_taken_for_a_finished_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # V8 runs promise callbacks between the engine's calls; an endless chain of them grows the heap until
    # the heap limit silently ends them (at 256 MB, ~1.6 s in: before a longer time limit, and before a
    # 1 s one on a loaded machine), and the next call then found nothing left to run. Here, in the test's
    # own process, a small heap limit and a long time limit make that order certain.
    monkeypatch.setattr(engine, "MEMORY_LIMIT_BYTES", 64 * 2**20)
    code = "tests['before'] = true; (function next() { return Promise.resolve().then(next); })();"
    context = script_context(code)
    payload = {"context": context, "scopes": {}, "code": context.pop("code")}
    for _ in range(3):
        started = time.monotonic()
        result, used = engine.execute(payload, 60.0, _no_send)
        assert used is None  # a context a limit stopped is closed at once
        assert result["error"] == {
            "name": "RangeError",
            "message": "Script exceeded the memory limit of 64 MB",
        }
        assert time.monotonic() - started < 30.0
        assert [(record["name"], record["passed"]) for record in result["raw"]["assertions"]] == [
            ("before", True)
        ]


def test_a_huge_allocation_in_a_promise_callback_is_a_script_error(
    sandbox: Sandbox, short_limit: float
) -> None:
    outcome = _run(
        sandbox,
        "tests['before'] = true;",
        "Promise.resolve().then(function () { var all = []; while (true) { all.push(new Array(1e6).fill(1.5)); } });",
    )
    assert outcome.error is not None
    after = _run(sandbox, "tests['the next script runs'] = true;")
    assert _verdicts(after) == [("the next script runs", True)]


def _no_send(request: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError(f"nothing is sent: {request}")


def test_timeout_keeps_what_the_script_reported_before(sandbox: Sandbox, short_limit: float) -> None:
    outcome = _run(sandbox, "pm.test('reported', function () {});", "while (true) {}")
    assert outcome.error is not None and "timed out" in outcome.error.message
    assert _verdicts(outcome) == [("reported", True)]


# --- crashing: recursion and allocation end as script errors --------------------------------------------


def test_deep_recursion_is_a_range_error(sandbox: Sandbox) -> None:
    outcome = _run(sandbox, "function down(n) { return down(n + 1) + 1; }", "down(0);")
    assert outcome.error is not None
    assert (outcome.error.name, outcome.error.message) == ("RangeError", "Maximum call stack size exceeded")


def test_huge_allocation_is_a_script_error_and_the_run_goes_on(sandbox: Sandbox) -> None:
    outcome = _run(sandbox, "var all = []; while (true) { all.push(new Array(1e6).fill(1.5)); }")
    assert outcome.error is not None and "memory" in outcome.error.message.lower()
    after = _run(sandbox, "pm.test('fine', function () { pm.expect(1).to.equal(1); });")
    assert _verdicts(after) == [("fine", True)]


def test_a_deeply_nested_variable_does_not_break_the_run(sandbox: Sandbox) -> None:
    _run(sandbox, "var v = []; for (var i = 0; i < 100000; i++) { v = [v]; } pm.environment.set('deep', v);")
    outcome = _run(sandbox, "tests['still running'] = true;")
    assert _verdicts(outcome) == [("still running", True)]


# --- asynchronous work finishes before the script does ----------------------------------------------------


def test_promise_callbacks_and_timers_count(sandbox: Sandbox) -> None:
    outcome = _run(
        sandbox,
        "Promise.resolve(1).then(function () { pm.test('in then', function () {}); });",
        "(async function () { await null; pm.test('after await', function () {}); })();",
        "setTimeout(function () {",
        "  Promise.resolve().then(function () { pm.test('then inside a timer', function () {}); });",
        "}, 20);",
        "pm.test('async done', function (done) { setTimeout(function () { done(); }, 50); });",
    )
    assert sorted(_verdicts(outcome)) == sorted(
        [("in then", True), ("after await", True), ("then inside a timer", True), ("async done", True)]
    )


# --- the packages Postman's sandbox provides --------------------------------------------------------------

MODULES = {
    "lodash": "pm.expect(require('lodash').sum([1, 2, 3])).to.equal(6);",
    "moment": "pm.expect(require('moment').utc('2024-03-01T10:00:00Z').format('YYYY-MM-DD')).to.equal('2024-03-01');",
    "uuid": "pm.expect(require('uuid').v4()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);",
    "ajv": (
        "var Ajv = require('ajv'); var ajv = new Ajv();"
        "pm.expect(ajv.validate({type: 'object', required: ['a']}, {a: 1})).to.equal(true);"
    ),
    "tv4": "pm.expect(require('tv4').validate({a: 1}, {type: 'object'})).to.equal(true);",
    "crypto-js": "pm.expect(require('crypto-js').MD5('abc').toString()).to.equal('900150983cd24fb0d6963f7d28e17f72');",
    "cheerio": "var $ = require('cheerio').load('<ul><li>a</li><li>b</li></ul>'); pm.expect($('li').length).to.equal(2);",
    "xml2js": (
        "require('xml2js').parseString('<a><b>1</b></a>', function (err, out) {"
        "  pm.test('xml2js callback', function () { pm.expect(err).to.equal(null); pm.expect(out.a.b[0]).to.equal('1'); });"
        "});"
    ),
    "csv-parse/lib/sync": (
        "pm.expect(require('csv-parse/lib/sync')('a,b\\n1,2', {columns: true})).to.eql([{a: '1', b: '2'}]);"
    ),
    "atob and btoa": "pm.expect(btoa('hi:there')).to.equal('aGk6dGhlcmU='); pm.expect(atob('aGk=')).to.equal('hi');",
    "chai": "require('chai').expect([1, 2]).to.have.lengthOf(2);",
    "buffer": "pm.expect(require('buffer').Buffer.from('hi').toString('hex')).to.equal('6869');",
    "events": "var E = require('events'); var e = new E(); var got; e.on('x', function (v) { got = v; }); e.emit('x', 7); pm.expect(got).to.equal(7);",
    "url": "pm.expect(require('url').parse('http://a.b/c?d=1').pathname).to.equal('/c');",
    "util": "pm.expect(require('util').format('%s=%d', 'a', 1)).to.equal('a=1');",
    "path": "pm.expect(require('path').join('/a', 'b', '../c')).to.equal('/a/c');",
    "querystring": "pm.expect(require('querystring').stringify({a: 1, b: 'x y'})).to.equal('a=1&b=x%20y');",
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_postman_packages_load(sandbox: Sandbox, name: str) -> None:
    outcome = _run(sandbox, f"pm.test({name!r}, function () {{ {MODULES[name]} }});")
    assert outcome.error is None, outcome.error
    assert all(passed for _, passed in _verdicts(outcome)), outcome.assertions
    assert outcome.assertions


def test_response_assertions_are_chai_postmans(sandbox: Sandbox) -> None:
    outcome = _run(
        sandbox,
        "pm.test('status', function () { pm.response.to.have.status(200); });",
        "pm.test('wrong status', function () { pm.response.to.have.status(201); });",
        "pm.test('json body', function () { pm.response.to.have.jsonBody('user.name', 'ann'); });",
        "pm.test('schema', function () {",
        "  pm.response.to.have.jsonSchema({type: 'object', required: ['user']});",
        "});",
        "pm.test('header', function () { pm.response.to.have.header('Content-Type', 'application/json'); });",
    )
    assert _verdicts(outcome) == [
        ("status", True),
        ("wrong status", False),
        ("json body", True),
        ("schema", True),
        ("header", True),
    ]
    assert outcome.assertions[1].error is not None
    assert outcome.assertions[1].error.message == "expected response to have status code 201 but got 200"


# --- the runner: loops and nesting --------------------------------------------------------------------------


def _collection(tmp_path: Path, items: list[Any]) -> Path:
    path = tmp_path / "c.postman_collection.json"
    document = {
        "info": {
            "name": "c",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": items,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_set_next_request_loop_is_capped(tmp_path: Path, faulty_server: str) -> None:
    item = {
        "name": "again",
        "event": [{"listen": "test", "script": {"exec": ["postman.setNextRequest('again');"]}}],
        "request": {"method": "GET", "url": f"{faulty_server}/sandbox/echo"},
    }
    result = run_collection(load_collection(_collection(tmp_path, [item])), RunOptions(max_executions=25))
    assert len(result.executions) == 25
    assert result.stopped is not None and "25" in result.stopped


def _nested_folders(depth: int) -> list[Any]:
    items: list[Any] = [{"name": "leaf", "request": {"method": "GET", "url": "http://localhost/"}}]
    for level in range(depth):
        items = [{"name": f"folder {level}", "item": items}]
    return items


def test_collection_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    path = _collection(tmp_path, [])
    path.write_text(
        '{"info": {"name": "c"}, "item": ' + '[{"name": "f", "item": ' * 5000 + "[]" + "}]" * 5000 + "}",
        encoding="utf-8",
    )
    with pytest.raises(CollectionError, match="nested too deeply"):
        load_collection(path)
    with pytest.raises(CollectionError, match="folders nested more than"):
        load_collection(_collection(tmp_path, _nested_folders(300)))
    assert len(load_collection(_collection(tmp_path, _nested_folders(50))).items) == 1


def test_deep_json_body_is_a_clear_error_on_the_command_line(tmp_path: Path) -> None:
    path = _collection(tmp_path, [])
    body = "[" * 100_000 + "]" * 100_000
    path.write_text(
        '{"info": {"name": "c"}, "item": [{"name": "x", "request": {"method": "POST", "url": "http://localhost/",'
        ' "body": {"mode": "raw", "options": ' + body + "}}}]}",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "contract", "run", str(path), "--base-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "nested too deeply" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_engine_process_ends_with_the_runner(tmp_path: Path) -> None:
    """Nothing the runner starts outlives it: SIGKILL the runner while its engine is busy with a script."""
    import psutil

    runner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from cdverify.contract.sandbox import Sandbox\n"
            "box = Sandbox({})\n"
            "print(box._engine.start().pid, flush=True)\n"
            "box.execute({'target': 'prerequest', 'request': None, 'code': 'while (true) {}'})\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert runner.stdout is not None
    engine = psutil.Process(int(runner.stdout.readline()))
    time.sleep(1.0)  # the engine is now inside the endless loop
    assert engine.is_running()
    runner.kill()
    runner.wait(timeout=10)
    gone, alive = psutil.wait_procs([engine], timeout=10)
    assert engine in gone and not alive
