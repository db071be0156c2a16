"""The script engine's own process: Postman scripts in V8 (the `mini-racer` package), one context per script.

The runner never hosts V8 itself. It starts `python -m cdverify.contract.engine` and talks to it over a pipe,
one JSON message per line, so whatever a hostile script does to the engine — an allocation V8 cannot
survive, a promise chain that never ends, a crash — ends this process, never the runner; the runner
(sandbox.py) kills it at the script's deadline and starts another for the next script.

In here: each script gets a fresh V8 context, `js/sandbox.js` evaluated in it, and the files of the npm
packages it can reach (jsmodules.py). The script's synchronous part runs first; then every due timer and
every pm.sendRequest callback in its own call into the context, so promise callbacks run in between, as
in Node. Every call shares the script's deadline; a heap limit turns a huge allocation into an error.

Messages in: {"op": "execute", "payload": {...}, "limit": seconds}, {"op": "dynamic", "name": "$guid"}.
Messages out: {"op": "send", "request": {...}} (the host answers {"op": "response", "result": {...}}),
then {"op": "done", "result": {...}}.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from functools import cache
from typing import IO, Any

from cdverify.contract.jsmodules import JS_DIR, ScriptModules, module_set, required_names

MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
MAX_TIMER_STEPS = 10_000  # callbacks of one script's timers (an endless setInterval stops here)
MAX_SEND_REQUESTS = 100  # pm.sendRequest calls of one script
# what every script may need without naming it: pm.expect and pm.response.to load chai with chai-postman,
# and Node's Buffer global, which newman's scripts have
CORE_MODULES = ("chai", "chai-postman", "lodash", "ajv", "buffer")
# the words of a script that may reach them (console.log of an object formats it with chai's inspect;
# pm.sendRequest is held back in a context without them, see Readiness.LEAN)
CORE_HINT = re.compile(r"\b(?:expect|to|Buffer|console|sendRequest)\b")
WITHHELD = "<withheld>"  # sandbox.js's root of a package withheld from a lean context
# globals that load a package although the script has no require() of it: the legacy sandbox's libraries
IMPLICIT_MODULES = {
    re.compile(r"\batob\b"): ("atob",),
    re.compile(r"\bbtoa\b"): ("btoa",),
    re.compile(r"(?<![\w$.])_(?![\w$])"): ("lodash3",),
    re.compile(r"\bCryptoJS\b"): ("crypto-js",),
    re.compile(r"\btv4\b"): ("tv4",),
    re.compile(r"\bcheerio\b"): ("cheerio",),
    re.compile(r"\bxml2Json\b"): ("xml2js",),
}
DYNAMIC_MODULE = "cdverify:dynamic"

Send = Callable[[dict[str, Any]], dict[str, Any]]


class Readiness(StrEnum):
    """What a context made in advance holds when the script arrives.

    LEAN: the core packages withheld (a script whose words name none of them runs without the ~1.4 MB of
    their sources; one that reaches them anyway, or calls pm.sendRequest, is run again from the start in
    a context that has them, its first run discarded whole); CORE: installed; CHAI: chai loaded as well."""

    LEAN = "lean"
    CORE = "core"
    CHAI = "chai"


class EngineLimit(Exception):
    """A limit the engine enforced (time, memory), as a script error's name and message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@cache
def _bootstrap() -> str:
    return (JS_DIR / "sandbox.js").read_text(encoding="utf-8")


@cache
def _dynamic_source() -> str:
    return (JS_DIR / "dynamic.js").read_text(encoding="utf-8")


def script_names(code: str) -> tuple[str, ...]:
    """The packages a script can reach beyond the core ones: what it requires by name, what its globals
    load, and faker for pm.variables.replaceIn's dynamic variables."""
    names = required_names(code)
    for pattern, implied in IMPLICIT_MODULES.items():
        if pattern.search(code):
            names += implied
    if "replaceIn" in code:
        names.append("faker")
    return tuple(sorted(set(names) - set(CORE_MODULES)))


@cache
def bundle_texts(names: tuple[str, ...]) -> tuple[str, str]:
    """The roots and the files of these packages as the JSON texts sandbox.js's install() takes, made once."""
    bundle = module_set().for_names(list(names))
    if "faker" in names:
        add_dynamic(bundle)
    return json.dumps(bundle.roots), json.dumps(bundle.files)


def add_dynamic(bundle: ScriptModules) -> None:
    """dynamic.js, with faker and the catalogue of rules/postman_dynamic_variables.toml as a JSON module."""
    from cdverify.catalog import load_rules_file
    from cdverify.rules_schema import DynamicVariables

    table: dict[str, dict[str, Any]] = {}
    for entry in load_rules_file(DynamicVariables).variable:
        kind, value = ("faker", entry.faker) if entry.faker is not None else ("special", entry.special)
        table[entry.name] = {kind: value, "args": entry.args}
    bundle.files["cdverify/dynamic-variables.json"] = {
        "source": json.dumps(table, separators=(",", ":")),
        "requires": {},
        "json": True,
    }
    bundle.files["cdverify/dynamic.js"] = {
        "source": _dynamic_source(),
        "requires": {
            "faker": bundle.roots.get("faker"),
            "cdverify:dynamic-table": "cdverify/dynamic-variables.json",
        },
        "json": False,
    }
    bundle.roots[DYNAMIC_MODULE] = "cdverify/dynamic.js"


class Context:
    """One V8 context with sandbox.js in it, and the handles of its entry points (never globals)."""

    def __init__(self, limit: float) -> None:
        from py_mini_racer import MiniRacer

        self.limit = limit
        self.deadline = time.monotonic() + limit
        self.lean = False
        self.racer = MiniRacer()
        self.racer.set_hard_memory_limit(MEMORY_LIMIT_BYTES)
        factory: Any = self.racer.eval(_bootstrap(), timeout_sec=self.remaining())
        api: Any = factory(timeout_sec=self.remaining())
        names = ("run", "settle", "tick", "deliver", "collect", "dynamic", "install", "warm")
        self.functions = {name: api[name] for name in names}

    def install(self, names: tuple[str, ...]) -> None:
        if names:
            self.call("install", *bundle_texts(names))
        self.lean = self.lean and not set(CORE_MODULES) <= set(names)

    def withhold_core(self) -> None:
        self.call("install", json.dumps(dict.fromkeys(CORE_MODULES, WITHHELD)), "")
        self.lean = True

    def start(self, limit: float) -> None:
        """The script's own clock starts now (a standby context was made before the script arrived)."""
        self.limit = limit
        self.deadline = time.monotonic() + limit

    def remaining(self) -> float:
        return max(0.001, self.deadline - time.monotonic())

    def call(self, name: str, *args: Any) -> Any:
        from py_mini_racer import JSOOMException, JSTimeoutException

        try:
            return self.functions[name](*args, timeout_sec=self.remaining())
        except JSTimeoutException:
            raise EngineLimit("Error", f"Script execution timed out after {self.limit:g} s") from None
        except Exception as error:
            # the heap limit terminates the script; mini-racer reports that as JSOOMException or, when
            # the limit struck inside a call, as an exception with no message
            if isinstance(error, JSOOMException) or self.racer.was_hard_memory_limit_reached():
                raise EngineLimit(
                    "RangeError", f"Script exceeded the memory limit of {MEMORY_LIMIT_BYTES // 2**20} MB"
                ) from None
            raise

    def close(self) -> None:
        self.racer.close()


def prepared_context(limit: float, readiness: Readiness) -> Context:
    """A fresh context with sandbox.js, and the core packages as `readiness` says, ready for a script."""
    context = Context(limit)
    if readiness is Readiness.LEAN:
        context.withhold_core()
        return context
    context.install(CORE_MODULES)
    if readiness is Readiness.CHAI:
        context.call("warm")
    return context


def needs_core(code: str) -> bool:
    """Whether a script's words may reach the core packages (a false "no" costs a second run, not a
    wrong result)."""
    return bool(CORE_HINT.search(code)) or not set(required_names(code)).isdisjoint(CORE_MODULES)


def execute(
    payload: dict[str, Any], limit: float, send: Send, standby: Context | None = None
) -> tuple[dict[str, Any], Context | None]:
    """Run one script; {"raw": what sandbox.js collected or None, "error": an engine limit or None}, and
    the context it ran in, for the caller to close once it has reported (closing a V8 isolate takes a
    while, and the runner need not wait for it), or None when it is closed already. `standby` is a
    context prepared for it in advance; it is used once, like any other. A lean context the script
    outgrew is discarded, and the script runs again in a context with the core packages."""
    code = str(payload.get("code", ""))
    context = None
    error: dict[str, str] | None = None
    raw: Any = None
    try:
        context = standby if standby is not None else prepared_context(limit, Readiness.CORE)
        context.start(limit)
        if context.lean and needs_core(code):
            context.install(CORE_MODULES)
        context.install(script_names(code))
        context.call("run", json.dumps(payload))
        raw = _drive(context, send)
    except EngineLimit as limit_hit:
        error = {"name": limit_hit.name, "message": limit_hit.message}
    except Exception as problem:  # the engine refused the call: the context cannot go on
        lines = str(problem).strip().splitlines()
        error = {"name": "Error", "message": lines[0] if lines else type(problem).__name__}
    if raw is None and context is not None and error is not None:
        raw = _salvage(context)
    used = context if context is not None else standby
    rerun = context is not None and context.lean and isinstance(raw, dict) and raw.get("withheld") is True
    if (error is not None or rerun) and used is not None:
        # a context a limit stopped may still be busy (an endless chain of promise callbacks): closing it
        # waits for V8, which must count against this script's deadline, not the next one's
        used.close()
        used = None
    if rerun:
        return execute(payload, limit, send)
    return {"raw": raw, "error": error}, used


def _drive(context: Context, send: Send) -> Any:
    """Timers and pm.sendRequest callbacks, one call each, so promise callbacks run in between; then what
    the script did (sandbox.js's report, which comes with the call that finds nothing left to run)."""
    steps = sends = 0
    while True:
        answer = json.loads(context.call("settle"))
        if "done" in answer:
            return answer["done"]
        if "requests" in answer:
            for request in answer["requests"]:
                sends += 1
                if sends > MAX_SEND_REQUESTS:
                    message = f"more than {MAX_SEND_REQUESTS} pm.sendRequest calls in one script"
                    result: dict[str, Any] = {"error": {"name": "Error", "message": message}}
                else:
                    started = time.monotonic()
                    result = send(request)
                    context.deadline += time.monotonic() - started  # the host's HTTP time is not the script's
                context.call("deliver", request["id"], json.dumps(result))
            continue
        steps += 1
        if steps > MAX_TIMER_STEPS:
            raise EngineLimit("Error", f"Script timers ran more than {MAX_TIMER_STEPS} callbacks")
        context.call("tick")


def _salvage(context: Context) -> Any:
    """What a script reported before a limit ended it (a context past its heap limit answers nothing)."""
    try:
        context.deadline = time.monotonic() + 1.0
        return json.loads(context.call("collect"))
    except Exception:
        return None


class DynamicVariables:
    """{{$guid}}, {{$randomFirstName}}, ...: one long-lived context that no script ever runs in."""

    def __init__(self) -> None:
        self._context: Context | None = None

    def value(self, name: str, limit: float) -> list[Any]:
        if self._context is None:
            self._context = Context(limit)
            self._context.install(("faker",))
            setup = {"context": {"target": "prerequest"}, "scopes": {}, "code": ""}
            self._context.call("run", json.dumps(setup))
        self._context.deadline = time.monotonic() + limit
        found, value = json.loads(self._context.call("dynamic", name))
        return [bool(found), value]


def _write(stream: IO[bytes], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message).encode("utf-8") + b"\n")
    stream.flush()


def _die_with_parent() -> None:
    """Linux: the kernel ends this process when the runner ends, however it ends (even by SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the runner ended before the request took effect
        os._exit(0)


def main() -> None:
    """Serve the runner until it closes the pipe."""
    _die_with_parent()
    incoming = sys.stdin.buffer
    # the pipe to the runner carries messages only: whatever else writes to file descriptor 1 (print, or
    # the engine's own C code) goes to stderr
    outgoing = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    dynamic = DynamicVariables()

    def send(request: dict[str, Any]) -> dict[str, Any]:
        _write(outgoing, {"op": "send", "request": request})
        answer = json.loads(incoming.readline() or b"{}")
        result: dict[str, Any] = answer.get("result") or {"error": {"name": "Error", "message": "no answer"}}
        return result

    # the first script's context, made while the runner loads the collection and sends the first request;
    # the next ones are made as the last script needed (scripts of one collection tend to be alike)
    readiness = Readiness.LEAN
    standby: Context | None = prepared_context(10.0, readiness)
    for line in iter(incoming.readline, b""):
        message = json.loads(line)
        limit = float(message.get("limit", 10.0))
        used: Context | None = None
        if message["op"] == "execute":
            result, used = execute(message["payload"], limit, send, standby)
            standby = None
            readiness = Readiness.LEAN
            if (result.get("raw") or {}).get("usedChai"):
                readiness = Readiness.CHAI
            elif needs_core(str(message["payload"].get("code", ""))):
                readiness = Readiness.CORE
        elif message["op"] == "dynamic":
            try:
                result = {"value": dynamic.value(str(message["name"]), limit)}
            except Exception as problem:
                result = {"value": [False, None], "error": str(problem)}
        else:
            result = {"error": {"name": "Error", "message": f"unknown operation {message['op']!r}"}}
        _write(outgoing, {"op": "done", "result": result})
        if used is not None:
            used.close()
        if standby is None and message["op"] == "execute":
            # the next script's context, made while the runner sends its request and waits for the server
            try:
                standby = prepared_context(limit, readiness)
            except Exception:
                standby = None
    # the runner closed the pipe: nothing is left to report, and V8's teardown of the contexts still open
    # would only keep the runner waiting
    os._exit(0)


if __name__ == "__main__":
    main()
