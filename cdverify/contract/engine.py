"""The script engine's own process: Postman scripts in V8 (the `mini-racer` package), one context per script.

The runner never hosts V8 itself. It starts `python -m cdverify.contract.engine` and talks to it over a pipe,
one JSON message per line, so whatever a hostile script does to the engine — an allocation V8 cannot
survive, a promise chain that never ends, a crash — ends this process, never the runner; the runner
(sandbox.py) kills it at the script's deadline and starts another for the next script.

In here: each script gets a fresh V8 context, `js/sandbox.js` evaluated in it, and the files of the npm
packages it can reach (jsmodules.py). The script's synchronous part runs first; then every due timer and
every pm.sendRequest callback in its own call into the context, so promise callbacks run in between, as
in Node. Every call shares the script's deadline; a heap limit turns a huge allocation into an error.
Contexts are made in advance, and used ones closed, on a thread of their own (`Standbys`), while the
runner waits for the server: a script finds its context ready.

Messages in: {"op": "execute", "payload": {...}, "limit": seconds}, {"op": "dynamic", "name": "$guid"}.
Messages out: {"op": "send", "request": {...}} (the host answers {"op": "response", "result": {...}}),
then {"op": "done", "result": {...}}.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from functools import cache, lru_cache
from typing import IO, TYPE_CHECKING, Any

from cdverify.contract.jsmodules import JS_DIR, ScriptModules, module_set, required_names

if TYPE_CHECKING:
    from py_mini_racer import MiniRacer

MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
SCRIPT_LIMIT_S = 10.0  # a standby's own limit while it is made (each script sets its own on arrival)
MAX_TIMER_STEPS = 10_000  # callbacks of one script's timers (an endless setInterval stops here)
MAX_SEND_REQUESTS = 100  # pm.sendRequest calls of one script
STANDBY_DEPTH = 2  # contexts kept ready for the next scripts
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


_ISOLATES = threading.Lock()  # one isolate made at a time (see _new_isolate)


@cache
def _start_v8() -> None:
    """V8 with eager compilation (`--no-lazy`), before the first context: a function is compiled with the
    code around it, not on its first call. sandbox.js is evaluated while a context is made in advance,
    off the runner's path, so its functions no longer compile while a script runs (a script's own
    run takes ~1 ms instead of ~1.7); loading the packages costs about the same."""
    from py_mini_racer import DEFAULT_V8_FLAGS, init_mini_racer

    init_mini_racer(flags=(*DEFAULT_V8_FLAGS, "--no-lazy"), ignore_duplicate_init=True)


def _new_isolate() -> MiniRacer:
    """A MiniRacer (a V8 isolate of its own). Made one at a time: V8's first isolate sets up memory pools
    for the whole process, and two threads making the first ones at once crash it (`Check failed:
    !IsConfigurablePoolInitialized()`), which mini-racer does not guard against; the standbys' thread
    and the main thread (its dynamic variables, a script run again) both make isolates."""
    from py_mini_racer import MiniRacer

    with _ISOLATES:
        _start_v8()
        return MiniRacer()


@cache
def _bootstrap() -> str:
    return (JS_DIR / "sandbox.js").read_text(encoding="utf-8")


@cache
def _dynamic_source() -> str:
    return (JS_DIR / "dynamic.js").read_text(encoding="utf-8")


@lru_cache(maxsize=256)  # a collection runs the same scripts again and again
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
        self.limit = limit
        self.deadline = time.monotonic() + limit
        self.lean = False
        self.closed = False
        self.racer = _new_isolate()
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
            raise self.timed_out() from None
        except Exception as error:
            # the heap limit terminates the script; mini-racer reports that as JSOOMException or, when
            # the limit struck inside a call, as an exception with no message
            if isinstance(error, JSOOMException) or self.racer.was_hard_memory_limit_reached():
                raise self.out_of_memory() from None
            raise

    def timed_out(self) -> EngineLimit:
        return EngineLimit("Error", f"Script execution timed out after {self.limit:g} s")

    @staticmethod
    def out_of_memory() -> EngineLimit:
        return EngineLimit(
            "RangeError", f"Script exceeded the memory limit of {MEMORY_LIMIT_BYTES // 2**20} MB"
        )

    def cut_short(self) -> bool:
        """Whether the heap limit ended promise callbacks that ran between two calls. V8 runs them after
        each call has returned (mini-racer's isolate thread drains the microtask queue between its tasks):
        a chain of them that never ends keeps the next call waiting, unless the heap limit strikes first
        — an endless chain grows the heap by ~160 MB a second — and terminates them silently: the next
        call then runs as if the script had finished."""
        return bool(self.racer.was_hard_memory_limit_reached())

    def close(self) -> None:
        self.racer.close()
        self.closed = True


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


class Standbys:
    """Contexts made in advance, and used ones closed, on a thread of the engine's own.

    Making a context (a V8 isolate with sandbox.js) takes 3 to 10 ms, closing one ~0.5 ms. Done in the
    engine's loop, after a script's report, that work stood between two scripts whenever the runner's
    request in between was answered sooner (most of the collection's requests take 2 to 5 ms); on this
    thread it runs while the runner sends the request and the server answers, or while a script runs,
    and `depth` contexts wait ready. mini-racer hands every call to the isolate's own thread, so a context
    made here is used on the main thread like any other, and each is still used by one script only.
    Each is made as the last script needed (`want`); one made before that changed is used all the same
    (a lean context installs the core packages when its script names them)."""

    def __init__(self, readiness: Readiness, depth: int = STANDBY_DEPTH) -> None:
        self._changed = threading.Condition()
        self._ready: deque[Context] = deque()
        self._used: deque[Context] = deque()
        self._readiness = readiness
        self._depth = depth
        self._failed = False  # the last one could not be made: the script makes its own, the thread waits
        self._closing = False
        # V8 is set up on this thread before the standbys' thread makes its first isolate: set up there, an
        # isolate this thread makes later (the dynamic variables' context, a script's own when no standby
        # is ready) crashes the process in mini-racer's context set-up (a segmentation fault); which thread
        # came first was a race, lost whenever the engine's first message was not a script
        _start_v8()
        self._thread = threading.Thread(target=self._work, name="standbys", daemon=True)
        self._thread.start()

    def take(self) -> Context | None:
        """A ready context, waiting for the one under way (sooner than making another), or None when the
        thread could not make one (or is closed)."""
        with self._changed:
            while not self._ready and not self._failed and not self._closing:
                self._changed.wait()
            context = self._ready.popleft() if self._ready else None
            self._failed = False
            self._changed.notify_all()
            return context

    def want(self, readiness: Readiness) -> None:
        with self._changed:
            self._readiness = readiness

    def retire(self, context: Context) -> None:
        """Close a used context on the thread."""
        with self._changed:
            self._used.append(context)
            self._changed.notify_all()

    def close(self) -> None:
        """Close every context the thread holds, and stop it (the engine's process need not: it leaves
        with os._exit)."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()

    def _work(self) -> None:
        while (task := self._next()) is not None:
            used, readiness = task
            if used is not None:
                with contextlib.suppress(Exception):  # the thread must go on: a script waits on it
                    used.close()
                continue
            try:
                context = prepared_context(SCRIPT_LIMIT_S, readiness)
            except Exception:
                with self._changed:
                    self._failed = True
                    self._changed.notify_all()
                continue
            with self._changed:
                self._ready.append(context)
                self._changed.notify_all()
        with self._changed:
            left = [*self._used, *self._ready]
            self._used.clear()
            self._ready.clear()
        for context in left:
            with contextlib.suppress(Exception):
                context.close()

    def _next(self) -> tuple[Context | None, Readiness] | None:
        """A used context to close, or (None, the readiness to make one with); None once closing."""
        with self._changed:
            while not self._used and not self._closing and (self._failed or len(self._ready) >= self._depth):
                self._changed.wait()
            if self._closing:
                return None
            # the next script's context first, unless used ones pile up
            if self._used and (self._ready or len(self._used) > self._depth):
                return self._used.popleft(), self._readiness
            return None, self._readiness


@lru_cache(maxsize=256)
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
        if context.cut_short():
            # the script's promise callbacks had not finished when the heap limit ended them: the script
            # never completed (in newman such a chain runs on), and what stopped it is the heap limit, which
            # the error says (every call before this settle is followed by one, so no callback the limit
            # ended goes unnoticed)
            raise context.out_of_memory()
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
    # Ctrl-C reaches the runner's whole process group: the runner ends this process (it closes the pipe, or
    # kills it), which must not die half-way through its own teardown first
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    incoming = sys.stdin.buffer
    # the pipe to the runner carries messages only: whatever else writes to file descriptor 1 (print, or
    # the engine's own C code) goes to stderr
    outgoing = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # whichever way it ends, the process leaves with os._exit: V8's teardown of the contexts still open
    # would keep the runner waiting (and mini-racer's may never return)
    try:
        _serve(incoming, outgoing)
    except BaseException:
        traceback.print_exc()  # on stderr, which the runner reads when the engine stopped
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)  # the runner closed the pipe: nothing is left to report


def _serve(incoming: IO[bytes], outgoing: IO[bytes]) -> None:
    dynamic = DynamicVariables()

    def send(request: dict[str, Any]) -> dict[str, Any]:
        _write(outgoing, {"op": "send", "request": request})
        answer = json.loads(incoming.readline() or b"{}")
        result: dict[str, Any] = answer.get("result") or {"error": {"name": "Error", "message": "no answer"}}
        return result

    # the first script's context is made while the runner loads the collection and sends the first
    # request; the next ones as the last script needed (scripts of one collection tend to be alike)
    standbys = Standbys(Readiness.LEAN)
    for line in iter(incoming.readline, b""):
        message = json.loads(line)
        limit = float(message.get("limit", SCRIPT_LIMIT_S))
        used: Context | None = None
        if message["op"] == "execute":
            result, used = execute(message["payload"], limit, send, standbys.take())
            if (result.get("raw") or {}).get("usedChai"):
                standbys.want(Readiness.CHAI)
            elif needs_core(str(message["payload"].get("code", ""))):
                standbys.want(Readiness.CORE)
            else:
                standbys.want(Readiness.LEAN)
        elif message["op"] == "dynamic":
            try:
                result = {"value": dynamic.value(str(message["name"]), limit)}
            except Exception as problem:
                result = {"value": [False, None], "error": str(problem)}
        else:
            result = {"error": {"name": "Error", "message": f"unknown operation {message['op']!r}"}}
        _write(outgoing, {"op": "done", "result": result})
        if used is not None:
            standbys.retire(used)


if __name__ == "__main__":
    main()
