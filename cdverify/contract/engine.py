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

import json
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import IO, Any

from cdverify.contract.jsmodules import JS_DIR, ScriptModules, module_set, required_names

MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
MAX_TIMER_STEPS = 10_000  # callbacks of one script's timers (an endless setInterval stops here)
MAX_SEND_REQUESTS = 100  # pm.sendRequest calls of one script
# what every script may need without naming it: pm.expect and pm.response.to load chai with chai-postman
CORE_MODULES = ("chai", "chai-postman", "lodash", "ajv")
# globals that load a package although the script has no require() of it
IMPLICIT_MODULES = {"atob": ("atob", "buffer"), "btoa": ("btoa", "buffer"), "Buffer": ("buffer",)}
DYNAMIC_MODULE = "cdverify:dynamic"

Send = Callable[[dict[str, Any]], dict[str, Any]]


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


def script_modules(code: str) -> ScriptModules:
    """The files a script can reach: the core packages, what it requires by name, the dynamic variables."""
    required = required_names(code)
    # packages written for Node use its Buffer global without requiring it (csv-parse, btoa)
    names = [*CORE_MODULES, *required, *(("buffer",) if required else ())]
    for word, implied in IMPLICIT_MODULES.items():
        if word in code:
            names += implied
    wants_dynamic = "replaceIn" in code
    if wants_dynamic:
        names.append("faker")
    bundle = module_set().for_names(names)
    if wants_dynamic:
        add_dynamic(bundle)
    return bundle


def add_dynamic(bundle: ScriptModules) -> None:
    bundle.files["cdverify/dynamic.js"] = {
        "source": _dynamic_source(),
        "requires": {"faker": bundle.roots.get("faker")},
        "json": False,
    }
    bundle.roots[DYNAMIC_MODULE] = "cdverify/dynamic.js"


class Context:
    """One V8 context with sandbox.js in it, and the handles of its entry points (never globals)."""

    def __init__(self, limit: float) -> None:
        from py_mini_racer import MiniRacer

        self.limit = limit
        self.deadline = time.monotonic() + limit
        self.racer = MiniRacer()
        self.racer.set_hard_memory_limit(MEMORY_LIMIT_BYTES)
        factory: Any = self.racer.eval(_bootstrap(), timeout_sec=self.remaining())
        api: Any = factory(timeout_sec=self.remaining())
        names = ("run", "tick", "takeRequests", "deliver", "collect", "dynamic")
        self.functions = {name: api[name] for name in names}

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


def execute(payload: dict[str, Any], limit: float, send: Send) -> dict[str, Any]:
    """Run one script; {"raw": what sandbox.js collected or None, "error": an engine limit or None}."""
    modules = script_modules(str(payload.get("code", "")))
    payload = {**payload, "modules": {"files": modules.files, "roots": modules.roots}}
    context = None
    error: dict[str, str] | None = None
    raw: Any = None
    try:
        context = Context(limit)
        pending = int(context.call("run", json.dumps(payload)))
        _drive(context, pending, send)
        raw = json.loads(context.call("collect"))
    except EngineLimit as limit_hit:
        error = {"name": limit_hit.name, "message": limit_hit.message}
    except Exception as problem:  # the engine refused the call: the context cannot go on
        lines = str(problem).strip().splitlines()
        error = {"name": "Error", "message": lines[0] if lines else type(problem).__name__}
    if raw is None and context is not None and error is not None:
        raw = _salvage(context)
    if context is not None:
        context.close()
    return {"raw": raw, "error": error}


def _drive(context: Context, pending: int, send: Send) -> None:
    """Timers and pm.sendRequest callbacks, one call each, so promise callbacks run in between."""
    steps = sends = 0
    while True:
        requests = json.loads(context.call("takeRequests"))
        if requests:
            for request in requests:
                sends += 1
                if sends > MAX_SEND_REQUESTS:
                    message = f"more than {MAX_SEND_REQUESTS} pm.sendRequest calls in one script"
                    result: dict[str, Any] = {"error": {"name": "Error", "message": message}}
                else:
                    started = time.monotonic()
                    result = send(request)
                    context.deadline += time.monotonic() - started  # the host's HTTP time is not the script's
                context.call("deliver", request["id"], json.dumps(result))
            pending = 1
            continue
        if pending <= 0:
            return
        steps += 1
        if steps > MAX_TIMER_STEPS:
            raise EngineLimit("Error", f"Script timers ran more than {MAX_TIMER_STEPS} callbacks")
        pending = int(context.call("tick"))


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
            bundle = module_set().for_names(["faker"])
            add_dynamic(bundle)
            setup = {
                "context": {"target": "prerequest"},
                "scopes": {},
                "modules": {"files": bundle.files, "roots": bundle.roots},
                "code": "",
            }
            self._context.call("run", json.dumps(setup))
        self._context.deadline = time.monotonic() + limit
        found, value = json.loads(self._context.call("dynamic", name))
        return [bool(found), value]


def _write(stream: IO[bytes], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message).encode("utf-8") + b"\n")
    stream.flush()


def main() -> None:
    """Serve the runner until it closes the pipe."""
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

    for line in iter(incoming.readline, b""):
        message = json.loads(line)
        limit = float(message.get("limit", 10.0))
        if message["op"] == "execute":
            result = execute(message["payload"], limit, send)
        elif message["op"] == "dynamic":
            try:
                result = {"value": dynamic.value(str(message["name"]), limit)}
            except Exception as problem:
                result = {"value": [False, None], "error": str(problem)}
        else:
            result = {"error": {"name": "Error", "message": f"unknown operation {message['op']!r}"}}
        _write(outgoing, {"op": "done", "result": result})


if __name__ == "__main__":
    main()
