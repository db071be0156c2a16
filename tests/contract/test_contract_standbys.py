"""Contexts made in advance on the engine's own thread (engine.Standbys): each script still gets a fresh
context of its own, used once; used ones are closed on that thread; a context made there runs a script
exactly as one made where the script runs; when one cannot be made, the script makes its own; and the
engine's process, interrupted by Ctrl-C with the runner, leaves nothing behind. `evaluate` starts the
engine when the server starts, for a collection with scripts.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from script_payloads import script_context

from cdverify.contract import engine
from cdverify.contract.collection import load_collection
from cdverify.contract.sandbox import Sandbox, ScriptEngine

pytestmark = pytest.mark.integration  # V8 contexts, an engine process

SCRIPT = (
    "pm.globals.set('seen', (pm.globals.get('seen') || 0) + 1);"
    "globalThis.leftover = (globalThis.leftover || 0) + 1;"  # a context used twice would count 2
    "tests['fresh context'] = globalThis.leftover === 1;"
    "tests['status'] = responseCode.code === 200;"
    "var body = JSON.parse(responseBody);"
    "pm.test('named', function () { pm.expect(body.user.name).to.equal('ann'); });"
)


def _payload() -> dict[str, Any]:
    context = script_context(SCRIPT)
    code = context.pop("code")
    return {"context": context, "scopes": {"globals": {"seen": 0}}, "code": code}


def _no_send(request: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError(f"nothing is sent: {request}")


def _closed_soon(contexts: list[engine.Context]) -> bool:
    deadline = time.monotonic() + 10
    while not all(context.closed for context in contexts) and time.monotonic() < deadline:
        time.sleep(0.01)
    return all(context.closed for context in contexts)


def test_each_script_gets_a_fresh_context_and_the_used_ones_are_closed_on_the_thread() -> None:
    standbys = engine.Standbys(engine.Readiness.LEAN, depth=2)
    used: list[engine.Context] = []
    with contextlib.closing(standbys):
        _use_five(standbys, used)
        assert _closed_soon(used)
        with standbys._changed:  # the thread keeps `depth` ready, no more
            ready = list(standbys._ready)
        assert len(ready) <= 2
    assert all(context.closed for context in ready)  # closing closes what the thread held


def _use_five(standbys: engine.Standbys, used: list[engine.Context]) -> None:
    for _ in range(5):
        context = standbys.take()
        assert context is not None and not context.closed
        assert all(context is not earlier for earlier in used)
        result, after = engine.execute(_payload(), 10.0, _no_send, context)
        assert result["error"] is None
        # pm.test's assertion when it completes, the legacy tests after the script's synchronous part
        assert [(a["name"], a["passed"]) for a in result["raw"]["assertions"]] == [
            ("named", True),
            ("fresh context", True),
            ("status", True),
        ]
        assert json.loads(result["raw"]["scopes"]["globals"]["seen"]) == 1
        assert after is not None
        standbys.retire(after)
        used.append(after)


def test_a_context_made_on_the_thread_runs_a_script_as_one_made_here() -> None:
    with contextlib.closing(engine.Standbys(engine.Readiness.CORE, depth=1)) as standbys:
        _compare(standbys)


def _compare(standbys: engine.Standbys) -> None:
    made_there = standbys.take()
    assert made_there is not None
    there, used_there = engine.execute(_payload(), 10.0, _no_send, made_there)
    here, used_here = engine.execute(
        _payload(), 10.0, _no_send, engine.prepared_context(10.0, engine.Readiness.CORE)
    )
    assert there == here and there["error"] is None
    for context in (used_there, used_here):
        assert context is not None
        standbys.retire(context)
    assert _closed_soon([context for context in (used_there, used_here) if context is not None])


def test_when_no_context_can_be_made_in_advance_the_script_makes_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(limit: float, readiness: engine.Readiness) -> engine.Context:
        raise RuntimeError("no isolate")

    monkeypatch.setattr(engine, "prepared_context", refused)
    with contextlib.closing(engine.Standbys(engine.Readiness.LEAN)) as standbys:
        _refused_then_made(standbys, monkeypatch)
    assert standbys.take() is None  # closed: no context, and no wait


def _refused_then_made(standbys: engine.Standbys, monkeypatch: pytest.MonkeyPatch) -> None:
    assert standbys.take() is None  # it does not wait for ever
    monkeypatch.undo()
    result, used = engine.execute(_payload(), 10.0, _no_send, None)
    assert result["error"] is None and len(result["raw"]["assertions"]) == 3
    assert used is not None
    used.close()
    context = standbys.take()  # the thread tries again once a script has asked
    assert context is not None
    context.close()


def _blocked_sigint() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


@pytest.mark.parametrize("inherited", ["default", "blocked"])
def test_ctrl_c_ends_the_run_and_its_engine_without_a_trace(faulty_server: str, inherited: str) -> None:
    """Also when the parent hands SIGINT down blocked (a signal mask survives exec: the full suite once ran
    this with it blocked, and the run sat through Ctrl-C until the 15 s timeout)."""
    from parity import reset_faulty_server

    reset_faulty_server(faulty_server)
    globals_ = [f"APIURL={faulty_server}/api", "USERNAME=u", "EMAIL=u@mail.com", "PASSWORD=p"]
    command = [sys.executable, "-m", "cdverify", "contract", "run", "realworld", "--timeout-request", "30000"]
    command += [flag for pair in globals_ for flag in ("--global", pair)]
    # the faulty server's Feed (the 11th request) hangs for 60 s: the run waits there, its engine between
    # two scripts, with contexts made in advance and used ones maybe not closed yet
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_blocked_sigint if inherited == "blocked" else None,
    )
    deadline = time.monotonic() + 30
    engines: list[psutil.Process] = []
    while not engines:
        assert time.monotonic() < deadline and process.poll() is None, "the engine never started"
        engines = psutil.Process(process.pid).children()
        time.sleep(0.05)
    time.sleep(3)
    assert process.poll() is None
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the runner and its engine
    _, err = process.communicate(timeout=15)
    assert process.returncode != 0
    assert "Traceback" not in err.decode()
    time.sleep(0.2)
    assert not [
        child.pid for child in engines if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    ]


def test_evaluate_starts_the_engine_with_the_server(tmp_path: Path) -> None:
    from cdverify.contract.runner import engine_with_server

    heard: list[str] = []
    scripted = load_collection("realworld")
    with ScriptEngine() as engine:
        stages = engine_with_server(engine, scripted, heard.append)
        stages("setting up")  # a set-up may take minutes: no engine waits through it
        assert engine._process is None
        stages("starting")
        started = engine._process
        assert started is not None and started.poll() is None
    assert started.poll() is not None  # closed with the run
    assert heard == ["setting up", "starting"]
    bare = tmp_path / "bare.postman_collection.json"
    item = {"name": "ping", "request": {"method": "GET", "url": "http://localhost/"}}
    bare.write_text(json.dumps({"info": {"name": "bare"}, "item": [item]}), encoding="utf-8")
    with ScriptEngine() as engine:
        engine_with_server(engine, load_collection(bare), None)("starting")
        assert engine._process is None  # no script, no engine


def test_a_dynamic_variable_first_meets_the_standbys_thread_without_a_crash() -> None:
    # {{$guid}} in the first request's URL: the engine's main thread makes the dynamic variables' context
    # while the standbys' thread makes the first script's; two isolates made at once, V8's first ones,
    # crashed V8 in about one engine start in twenty before they were made one at a time
    values = []
    for _ in range(12):
        with Sandbox({}) as sandbox:
            values.append(sandbox.resolve(["{{$guid}}"])[0])
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", v)
        for v in values
    )
    assert len(set(values)) == len(values)


def test_a_dynamic_variable_after_the_standbys_thread_made_its_context() -> None:
    # the engine's main thread makes the dynamic variables' context only once the standbys' thread has made
    # the first script's: V8 set up on that thread crashed the main thread's first isolate (a segmentation
    # fault in mini-racer's context set-up, the engine gone and every {{$…}} left unresolved) until the
    # engine set V8 up on its main thread before starting the standbys
    with Sandbox({}) as sandbox:
        sandbox.start()
        time.sleep(1.5)  # the standbys' thread has made its isolate by now
        values = sandbox.resolve(["{{$guid}}", "{{$randomInt}}"])
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", values[0])
    assert re.fullmatch(r"\d+", values[1])
