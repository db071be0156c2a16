"""Postman scripts, evaluated in an embedded QuickJS engine (the `quickjs` package) with chai.

One JavaScript context serves a whole run: `js/chai.js` (chai 4.4.1, the version postman-sandbox ships) and
`js/sandbox.js` (our Postman globals, pm API and variable scopes) are evaluated once, then each script runs
in a fresh function scope. The context has no file-system, network or process access: QuickJS exposes none
unless a host adds it, and we add nothing. A time and memory limit stop runaway scripts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SCRIPT_TIME_LIMIT_S = 10.0
MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
API = ("init", "resolve", "execute", "state")


@dataclass(frozen=True)
class ScriptError:
    name: str
    message: str


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


@cache
def _sources() -> tuple[str, str]:
    folder = Path(__file__).resolve().parent / "js"
    return (folder / "chai.js").read_text(encoding="utf-8"), (folder / "sandbox.js").read_text(
        encoding="utf-8"
    )


def _error(raw: dict[str, str] | None) -> ScriptError | None:
    return None if raw is None else ScriptError(raw["name"], raw["message"])


class Sandbox:
    """The JavaScript side of a run: variable scopes, {{variable}} resolution and script execution."""

    def __init__(self, scopes: dict[str, dict[str, Any]]) -> None:
        import quickjs  # imported here: only contract runs pay for the engine

        self._quickjs = quickjs
        self._context = quickjs.Context()
        self._context.set_memory_limit(MEMORY_LIMIT_BYTES)
        chai, sandbox = _sources()
        # chai's browser bundle looks for a global object under one of these names; sandbox.js evaluates
        # the bundle when a script first needs chai
        self._context.eval("var global = globalThis, self = globalThis, window = globalThis;")
        self._context.set("__cdverifyChaiSource", chai)
        self._context.eval(sandbox)
        self._functions = {name: self._context.eval(f"__cdverify.{name}") for name in API}
        self._call("init", json.dumps(scopes))

    def _call(self, method: str, payload: str) -> Any:
        return self._functions[method](payload)

    def resolve(self, texts: list[str]) -> list[str]:
        """Substitute {{variables}} (and {{$dynamic}} ones) from the run's current scopes."""
        if not any("{{" in text for text in texts):
            return texts
        resolved: list[str] = json.loads(self._call("resolve", json.dumps(texts)))
        return resolved

    def state(self) -> dict[str, dict[str, Any]]:
        scopes: dict[str, dict[str, Any]] = json.loads(self._call("state", ""))
        return scopes

    def execute(self, context: dict[str, Any]) -> ScriptOutcome:
        """Run one script (context["code"]) and report its assertions, error and requests to the runner."""
        self._context.set_time_limit(SCRIPT_TIME_LIMIT_S)
        try:
            raw = json.loads(self._call("execute", json.dumps(context)))
        except self._quickjs.JSException as error:  # the time or memory limit, or a bug of ours
            name, _, message = str(error).partition(": ")
            return ScriptOutcome(
                error=ScriptError(name or "Error", message.splitlines()[0] if message else "")
            )
        finally:
            self._context.set_time_limit(-1)
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
            error=_error(raw["error"]),
            next_request=(bool(next_request["set"]), next_request.get("value")),
            skip_request=bool(raw["skipRequest"]),
            request_headers=None if headers is None else tuple((str(k), str(v)) for k, v in headers),
            request_url=raw.get("requestUrl"),
            console=tuple((item["level"], item["text"]) for item in raw["console"]),
        )
