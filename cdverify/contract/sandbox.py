"""Postman scripts and variables as the runner sees them: scopes, {{variable}} resolution, scripts.

The variable scopes live here, in the runner: each script receives them as JSON and hands back what it
changed, as Postman's sandbox hands its scopes to postman-runtime. The scripts themselves run in the
engine's own process (engine.py: V8 through `mini-racer`, a fresh context per script, the npm packages the
build bundles), so that nothing a script does — replacing globals, looping, recursing, allocating, crashing
V8 — can reach the runner: the runner kills that process at the script's deadline (plus a grace period for
what V8 cannot time itself) and starts another for the next script. The only way out of a script is
pm.sendRequest, which the engine hands back to the runner to send with the run's own HTTP client.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cdverify.contract.jsmodules import JS_DIR

SCRIPT_TIME_LIMIT_S = 10.0
# beyond the script's own limit (which the engine process enforces), how long the runner waits before it
# kills the engine process: a chain of promise callbacks runs outside any call the engine can time
KILL_GRACE_S = 2.0
SCOPES = ("globals", "environment", "collectionVariables", "data", "local")
VARIABLE = re.compile(r"\{\{([^{}]*?)}}")
MAX_DEPTH = 19

SendRequest = Callable[[dict[str, Any]], dict[str, Any]]


class SandboxUnavailable(RuntimeError):
    """The build did not bundle the sandbox's npm packages (cdverify/contract/js/node_modules)."""


@dataclass(frozen=True)
class ScriptError:
    name: str
    message: str
    # a failed chai assertion's expected and actual values, previewed as JSON text (None for other errors)
    expected: str | None = None
    actual: str | None = None


@dataclass(frozen=True)
class AssertionResult:
    name: str
    passed: bool
    skipped: bool = False
    error: ScriptError | None = None


@dataclass(frozen=True)
class ScriptOutcome:
    """What one pre-request or test script did."""

    assertions: tuple[AssertionResult, ...] = ()
    error: ScriptError | None = None
    next_request: tuple[bool, str | None] = (False, None)
    skip_request: bool = False
    request_headers: tuple[tuple[str, str], ...] | None = None
    request_url: str | None = None
    console: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _decoded(text: str) -> Any:
    """A variable's value from its JSON text; the text itself when it is nested too deeply to decode."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _error(raw: dict[str, str] | None) -> ScriptError | None:
    if raw is None:
        return None
    expected, actual = raw.get("expected"), raw.get("actual")
    return ScriptError(
        str(raw["name"]),
        str(raw["message"]),
        None if expected is None else str(expected),
        None if actual is None else str(actual),
    )


class ScriptEngine:
    """The engine's own process (engine.py), started on first use and again after it had to be killed.

    A run makes its own; `evaluate` starts one as it starts the server, so that the engine is ready (V8
    loaded, the first contexts made) by the time the server answers, and hands it to the run
    (`run_collection`)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._stderr: Any = None

    def start(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            if not (JS_DIR / "node_modules").is_dir():
                raise SandboxUnavailable(
                    f"the Postman sandbox's npm packages are missing from {JS_DIR / 'node_modules'}: "
                    "reinstall cdverify (its build fetches them), or run `python hatch_build.py` in a "
                    "source checkout"
                )
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept open while the engine runs
            self._process = subprocess.Popen(
                [sys.executable, "-m", "cdverify.contract.engine"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
            self._buffer = b""
        return self._process

    def request(
        self, line: bytes, limit: float, send: SendRequest | None
    ) -> tuple[dict[str, Any] | None, str | None]:
        """Send one operation (`message_line`) and serve its pm.sendRequest calls; (result, None), or (None,
        why it failed)."""
        process = self.start()
        assert process.stdin is not None and process.stdout is not None
        deadline = time.monotonic() + limit + KILL_GRACE_S
        try:
            process.stdin.write(line)
            process.stdin.flush()
            while True:
                answer = self._read(process, deadline)
                if answer is None:
                    return None, self._stop(f"Script execution timed out after {limit:g} s")
                if answer.get("op") != "send":
                    return answer.get("result") or {}, None
                started = time.monotonic()
                result = send(answer["request"]) if send is not None else _no_send()
                deadline += time.monotonic() - started  # the host's HTTP time is not the script's
                process.stdin.write(json.dumps({"op": "response", "result": result}).encode("utf-8") + b"\n")
                process.stdin.flush()
        except (BrokenPipeError, EOFError, OSError, ValueError):
            return None, self._stop("the script engine stopped")

    def _read(self, process: subprocess.Popen[bytes], deadline: float) -> dict[str, Any] | None:
        """The next message, or None when the deadline passes first; EOFError when the engine died."""
        assert process.stdout is not None
        stream = process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([stream], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(stream, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        message: dict[str, Any] = json.loads(line)
        return message

    def _stop(self, reason: str) -> str:
        """Kill the engine (another starts for the next script); the reason, with what V8 said if it died."""
        process, self._process = self._process, None
        if process is None:
            return reason
        died = process.poll() is not None
        if not died:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        said = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            said = self._stderr.read().decode("utf-8", "replace")
            self._stderr.close()
            self._stderr = None
        if "out of memory" in said.lower() or "heap limit" in said.lower():
            return "Script exceeded the memory limit of the script engine"
        if died:
            return f"the script engine stopped (exit status {process.returncode})"
        return reason

    def close(self) -> None:
        if self._process is not None:
            if self._process.stdin is not None:
                with contextlib.suppress(OSError):
                    self._process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=2)
        self._stop("closed")

    def __enter__(self) -> ScriptEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def message_line(message: dict[str, Any], limit: float) -> bytes:
    """One operation for the engine, as the line it reads. Raises ValueError or RecursionError for values
    JSON cannot hold (variables nested too deeply)."""
    return json.dumps({**message, "limit": limit}).encode("utf-8") + b"\n"


def _no_send() -> dict[str, Any]:
    return {"error": {"name": "Error", "message": "pm.sendRequest is not available in this run"}}


class Sandbox:
    """The variable scopes of a run, {{variable}} resolution, and one fresh context per script."""

    def __init__(
        self,
        scopes: dict[str, dict[str, Any]],
        send_request: SendRequest | None = None,
        engine: ScriptEngine | None = None,
    ) -> None:
        """`engine`: one started already, which the sandbox then uses and closes like its own."""
        self.scopes: dict[str, dict[str, Any]] = {name: dict(scopes.get(name, {})) for name in SCOPES}
        self._send_request = send_request
        self._engine = engine if engine is not None else ScriptEngine()

    def start(self) -> None:
        """Start the engine's process now, so that it is ready by the time the first script runs."""
        self._engine.start()

    # ---- variables ------------------------------------------------------------------------------------

    def _lookup(self, name: str) -> tuple[bool, Any]:
        for scope in ("local", "data", "environment", "collectionVariables", "globals"):
            values = self.scopes[scope]
            if name in values:
                return True, values[name]
        if name.startswith("$"):
            return self._dynamic_value(name)
        return False, None

    def _dynamic_value(self, name: str) -> tuple[bool, Any]:
        """{{$guid}}, {{$randomFirstName}}, ...: generated by the engine, in a context no script runs in."""
        line = message_line({"op": "dynamic", "name": name}, SCRIPT_TIME_LIMIT_S)
        result, _ = self._engine.request(line, SCRIPT_TIME_LIMIT_S, None)
        found, value = (result or {}).get("value") or (False, None)
        return bool(found), value

    def _substitute(self, text: str) -> str:
        for _ in range(MAX_DEPTH):
            if "{{" not in text:
                break
            changed = False

            def replace(match: re.Match[str]) -> str:
                nonlocal changed
                found, value = self._lookup(match.group(1))
                if not found:
                    return match.group(0)
                changed = True
                if isinstance(value, dict | list):
                    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
                if isinstance(value, bool):
                    return "true" if value else "false"
                if value is None:
                    return "null"
                if isinstance(value, float) and value.is_integer():
                    return str(int(value))
                return str(value)

            text = VARIABLE.sub(replace, text)
            if not changed:
                break
        return text

    def resolve(self, texts: list[str]) -> list[str]:
        """Substitute {{variables}} (and {{$dynamic}} ones) from the run's current scopes."""
        return [self._substitute(text) if "{{" in text else text for text in texts]

    def state(self) -> dict[str, dict[str, Any]]:
        return {name: dict(values) for name, values in self.scopes.items()}

    def close(self) -> None:
        """Stop the engine process; the sandbox starts another if used again."""
        self._engine.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- scripts --------------------------------------------------------------------------------------

    def execute(self, context: dict[str, Any]) -> ScriptOutcome:
        """Run one script (context["code"]) in a fresh context and report what it did."""
        payload = {
            "context": {key: value for key, value in context.items() if key != "code"},
            "scopes": self.scopes,
            "code": str(context.get("code", "")),
        }
        try:
            line = message_line({"op": "execute", "payload": payload}, SCRIPT_TIME_LIMIT_S)
        except (ValueError, RecursionError):
            return ScriptOutcome(
                error=ScriptError("RangeError", "variables nested too deeply to hand to a script")
            )
        result, failure = self._engine.request(line, SCRIPT_TIME_LIMIT_S, self._send_request)
        if result is None:
            return ScriptOutcome(error=ScriptError("Error", failure or "the script engine stopped"))
        engine_error = result.get("error")
        return self._outcome(result.get("raw"), _error(engine_error))

    def _outcome(self, raw: dict[str, Any] | None, error: ScriptError | None) -> ScriptOutcome:
        if raw is None:
            return ScriptOutcome(error=error)
        for name in SCOPES:
            encoded = raw.get("scopes", {}).get(name)
            if isinstance(encoded, dict):
                self.scopes[name] = {key: _decoded(text) for key, text in encoded.items()}
        assertions = tuple(
            AssertionResult(
                item["name"], bool(item["passed"]), bool(item.get("skipped")), _error(item["error"])
            )
            for item in raw["assertions"]
        )
        next_request = raw["nextRequest"]
        headers = raw.get("requestHeaders")
        return ScriptOutcome(
            assertions=assertions,
            error=error or _error(raw["error"]),
            next_request=(bool(next_request["set"]), next_request.get("value")),
            skip_request=bool(raw["skipRequest"]),
            request_headers=None if headers is None else tuple((str(k), str(v)) for k, v in headers),
            request_url=raw.get("requestUrl"),
            console=tuple((item["level"], item["text"]) for item in raw["console"]),
        )
