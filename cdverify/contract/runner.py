"""Run a Postman collection against a server, the way newman does, and collect per-assertion results.

The loop, in one place: for each item in collection order, run its pre-request scripts (collection,
folders, item), resolve {{variables}}, apply the inherited auth, send the request (redirects followed,
gzip decoded, cookies kept for the run, the per-request timeout), run its test scripts with the response
(or with none when the request failed, as newman does), then honour setNextRequest.
"""

from __future__ import annotations

import base64
import contextlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from cdverify import __version__
from cdverify.contract.collection import Auth, Body, Collection, Item, KeyValue
from cdverify.contract.results import Exchange, Execution, RunResult, ScriptEvent, ScriptFailure
from cdverify.contract.sandbox import (
    AssertionResult,
    Sandbox,
    SandboxUnavailable,
    ScriptEngine,
    ScriptOutcome,
)

if TYPE_CHECKING:
    from cdverify.contract.openapi import SchemaIssue

# setNextRequest can loop for ever; newman lets it, a grader cannot: a run sends at most this many requests
# per item of the collection
MAX_EXECUTIONS_PER_ITEM = 100
# a response body larger than this (decoded) fails its request: far above any API's answer, and low enough
# that the body's way into the script engine (as JSON text, where a control character takes six bytes)
# stays under ~0.5 GB at worst
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
UNRESOLVED = re.compile(r"\{\{([^{}]*?)}}")
# methods whose body Postman prunes unless told otherwise (protocolProfileBehavior.disableBodyPruning)
BODYLESS = {"GET", "HEAD", "COPY", "PURGE", "UNLOCK"}
RAW_CONTENT_TYPES = {
    "json": "application/json",
    "text": "text/plain",
    "xml": "application/xml",
    "html": "text/html",
    "javascript": "application/javascript",
}
DEFAULT_HEADERS = (
    ("User-Agent", f"cdverify/{__version__} (PostmanRuntime-compatible)"),
    ("Accept", "*/*"),
    ("Cache-Control", "no-cache"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Connection", "keep-alive"),
)


class ResponseChecker(Protocol):
    def check(
        self, method: str, url: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> Sequence[SchemaIssue]: ...


@dataclass(frozen=True)
class RunOptions:
    globals: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    timeout_request_ms: int = 0  # the total deadline of each request; 0: no limit (newman's default)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES  # of each decoded response body; 0: no limit
    delay_request_ms: int = 0
    bail: bool = False
    insecure: bool = False
    checker: ResponseChecker | None = None
    openapi: str | None = None
    on_execution: Callable[[Execution], None] | None = None
    max_executions: int = 0  # 0: MAX_EXECUTIONS_PER_ITEM per item of the collection
    budget_s: float = 0.0  # 0: none; else no item starts once the run has lasted this long
    routes: dict[str, str] = field(default_factory=dict)  # origin → Unix socket (a namespaced server)


def has_scripts(collection: Collection) -> bool:
    """Whether any item has a pre-request or test script (else the run needs no script engine)."""
    return any(item.prerequest or item.tests for item in collection.items)


def engine_with_server(
    engine: ScriptEngine, collection: Collection, progress: Callable[[str], None] | None
) -> Callable[[str], None]:
    """The server's stages, told to `progress`; when the server starts, the script engine starts too, so
    that V8 is loaded and the first script's context made by the time the server answers (a failure to
    start is left for the run to report, as without this)."""

    def heard(stage: str) -> None:
        if stage == "starting" and has_scripts(collection):
            with contextlib.suppress(SandboxUnavailable, OSError):
                engine.start()
        if progress is not None:
            progress(stage)

    return heard


def run_collection(
    collection: Collection, options: RunOptions, engine: ScriptEngine | None = None
) -> RunResult:
    """Run the collection; `engine`, a script engine started before (while the server started), is used
    and closed like the run's own."""
    started = time.time()
    clock = time.perf_counter()
    result = RunResult(collection=collection.name, started=started, openapi=options.openapi)
    scopes = {
        "globals": dict(options.globals),
        "environment": dict(options.environment),
        "collectionVariables": dict(collection.variables),
    }
    clients: list[Any] = []  # the run's HTTP client, once open: pm.sendRequest goes out through it
    with Sandbox(
        scopes, send_request=lambda request: _script_request(clients[0], request), engine=engine
    ) as sandbox:
        if has_scripts(collection):
            # the engine gets ready while the HTTP side is imported and the first request is on its way
            sandbox.start()
        from cdverify.contract import http  # imported here: static verification never pays for httpx

        limits = http.Limits(options.timeout_request_ms, options.max_body_bytes)
        with http.open_client(limits, options.insecure, options.routes) as client:
            clients.append(client)
            _run_items(collection, sandbox, client, options, result)
    result.variables = sandbox.state()
    result.unresolved = sorted(
        {
            name
            for execution in result.executions
            if execution.exchange is not None
            for text in (execution.exchange.url, *(value for _, value in execution.exchange.request_headers))
            for name in UNRESOLVED.findall(text)
        }
    )
    result.duration_ms = round((time.perf_counter() - clock) * 1000)
    return result


def _run_items(
    collection: Collection, sandbox: Sandbox, client: Any, options: RunOptions, result: RunResult
) -> None:
    """The items in run order, following setNextRequest, up to the execution cap."""
    positions = {item.name: index for index, item in enumerate(collection.items)}
    positions.update({item.id: index for index, item in enumerate(collection.items)})
    index = 0
    limit = options.max_executions or MAX_EXECUTIONS_PER_ITEM * max(1, len(collection.items))
    started = time.monotonic()
    while 0 <= index < len(collection.items):
        if len(result.executions) >= limit:  # a setNextRequest loop: newman would run forever
            result.stopped = f"stopped after {limit} request executions (a setNextRequest loop?)"
            break
        if options.budget_s and time.monotonic() - started >= options.budget_s:
            done = len(result.executions)
            result.stopped = f"stopped at its time budget of {options.budget_s:g} s ({done} executions run)"
            break
        item = collection.items[index]
        if options.delay_request_ms and result.executions:
            time.sleep(options.delay_request_ms / 1000)
        execution, next_request = _run_item(item, sandbox, client, options)
        result.executions.append(execution)
        if options.on_execution is not None:
            options.on_execution(execution)
        if options.bail and _failed(execution):
            break
        if next_request[0]:  # setNextRequest: a name or id jumps; null or an unknown name ends the run
            target = next_request[1]
            index = positions.get(target, -1) if isinstance(target, str) else -1
        else:
            index += 1


def _script_request(client: Any, request: dict[str, Any]) -> dict[str, Any]:
    """pm.sendRequest, sent with the run's client (its cookies, time limit, TLS setting), as newman does."""
    from cdverify.contract import http

    url = str(request.get("url", ""))
    if url and "://" not in url.split("?")[0]:
        url = "http://" + url
    headers = [(str(key), str(value)) for key, value in request.get("headers", [])]
    body = request.get("body")
    exchange = http.exchange(
        client,
        str(request.get("method", "GET")),
        url,
        headers,
        None if body is None else str(body).encode("utf-8"),
    )
    if exchange.status is None:
        code, _, message = (exchange.error or "request failed").partition(": ")
        return {"error": {"name": "Error", "code": code, "message": message or code}}
    return {"response": _response_view(exchange, client)}


def _response_view(exchange: Exchange, client: Any) -> dict[str, Any]:
    """pm.response (and a pm.sendRequest response) as the sandbox builds it."""
    from cdverify.contract import http

    return {
        "code": exchange.status,
        "status": exchange.reason,
        "headers": [list(pair) for pair in exchange.response_headers],
        "body": exchange.body.decode("utf-8-sig", errors="replace"),
        "responseTime": exchange.time_ms,
        "responseSize": exchange.size,
        "headerSize": sum(len(k) + len(v) + 4 for k, v in exchange.response_headers),
        "cookies": http.cookies(client),
    }


def _failed(execution: Execution) -> bool:
    exchange = execution.exchange
    return (
        bool(execution.script_errors)
        or any(not a.passed for a in execution.assertions)
        or (exchange is not None and exchange.error is not None)
    )


def _script_context(
    item: Item, target: str, request: dict[str, Any], response: dict[str, Any] | None
) -> dict[str, Any]:
    """What the sandbox needs besides the script's code (added per script by _run_scripts)."""
    return {
        "target": target,
        "iteration": 0,
        "iterationCount": 1,
        "location": [*item.path, item.name],
        "request": request,
        "response": response,
    }


def _request_view(
    item: Item, url: str, headers: Sequence[tuple[str, str]], body: Body | None
) -> dict[str, Any]:
    legacy_data: Any = {}
    if body is not None and body.mode == "raw":
        legacy_data = body.raw
    elif body is not None and body.mode in {"urlencoded", "formdata"}:
        legacy_data = {field.key: field.value for field in body.fields if not field.disabled}
    return {
        "id": item.id,
        "name": item.name,
        "description": item.request.description,
        "method": item.request.method,
        "url": url,
        "headers": [list(pair) for pair in headers],
        "body": None if body is None else _body_view(body),
        "legacyData": legacy_data,
    }


def _body_view(body: Body) -> dict[str, Any]:
    """pm.request.body: {mode, raw} or {mode, urlencoded|formdata: [[key, value], ...]}."""
    if body.mode in {"urlencoded", "formdata"}:
        return {"mode": body.mode, body.mode: [[f.key, f.value] for f in body.fields]}
    return {"mode": body.mode, "raw": body.raw}


def _run_scripts(
    scripts: Sequence[str], event: ScriptEvent, sandbox: Sandbox, context: dict[str, Any]
) -> tuple[list[AssertionResult], list[ScriptFailure], list[tuple[str, str]], list[ScriptOutcome]]:
    assertions: list[AssertionResult] = []
    failures: list[ScriptFailure] = []
    console: list[tuple[str, str]] = []
    outcomes: list[ScriptOutcome] = []
    for code in scripts:
        outcome = sandbox.execute({**context, "code": code})
        outcomes.append(outcome)
        assertions += outcome.assertions
        console += outcome.console
        if outcome.error is not None:
            failures.append(ScriptFailure(event, outcome.error))
        if outcome.request_headers is not None and event is ScriptEvent.PREREQUEST:
            context["request"]["headers"] = [list(pair) for pair in outcome.request_headers]
        if outcome.skip_request:
            break
    return assertions, failures, console, outcomes


def _run_item(
    item: Item, sandbox: Sandbox, client: Any, options: RunOptions
) -> tuple[Execution, tuple[bool, str | None]]:
    request = item.request
    headers = [(h.key, h.value) for h in request.headers if not h.disabled]
    view = _request_view(item, request.url, headers, request.body)
    pre_assertions, failures, console, outcomes = _run_scripts(
        item.prerequest, ScriptEvent.PREREQUEST, sandbox, _script_context(item, "prerequest", view, None)
    )
    next_request = _next_request(outcomes)
    if any(outcome.skip_request for outcome in outcomes):
        execution = Execution(item.name, item.id, item.path, None, tuple(pre_assertions), tuple(failures))
        return execution, next_request
    headers = [(str(key), str(value)) for key, value in view["headers"]]
    exchange, sent_body = _send(item, sandbox, client, headers)
    response = None if exchange.status is None else _response_view(exchange, client)
    sent_view = _request_view(item, exchange.url, exchange.request_headers, sent_body)
    test_assertions, test_failures, test_console, test_outcomes = _run_scripts(
        item.tests, ScriptEvent.TEST, sandbox, _script_context(item, "test", sent_view, response)
    )
    later = _next_request(test_outcomes)
    issues: tuple[SchemaIssue, ...] = ()
    if options.checker is not None and exchange.status is not None:
        issues = tuple(
            options.checker.check(
                exchange.method, exchange.url, exchange.status, list(exchange.response_headers), exchange.body
            )
        )
    execution = Execution(
        item.name,
        item.id,
        item.path,
        exchange,
        tuple(pre_assertions + test_assertions),
        tuple(failures + test_failures),
        tuple(console + test_console),
        issues,
    )
    return execution, later if later[0] else next_request


def _next_request(outcomes: Sequence[ScriptOutcome]) -> tuple[bool, str | None]:
    chosen: tuple[bool, str | None] = (False, None)
    for outcome in outcomes:
        if outcome.next_request[0]:
            chosen = outcome.next_request
    return chosen


def _resolved_body(item: Item, sandbox: Sandbox) -> Body | None:
    body = item.request.body
    if body is None:
        return None
    if body.mode == "raw":
        return Body("raw", raw=sandbox.resolve([body.raw])[0], language=body.language)
    fields = [f for f in body.fields if not f.disabled]
    texts = sandbox.resolve([text for f in fields for text in (f.key, f.value)])
    return Body(
        body.mode,
        fields=tuple(KeyValue(texts[2 * i], texts[2 * i + 1]) for i in range(len(fields))),
    )


def _auth_headers(auth: Auth | None, sandbox: Sandbox) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Headers and query parameters an auth block adds."""
    if auth is None or auth.type == "noauth":
        return [], []
    params = dict(zip([k for k, _ in auth.params], sandbox.resolve([v for _, v in auth.params]), strict=True))
    if auth.type == "bearer":
        return [("Authorization", f"Bearer {params.get('token', '')}")], []
    if auth.type == "basic":
        pair = f"{params.get('username', '')}:{params.get('password', '')}".encode()
        return [("Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))], []
    if auth.type == "apikey":
        entry = (params.get("key", ""), params.get("value", ""))
        return ([], [entry]) if params.get("in") == "query" else ([entry], [])
    raise ValueError(f"auth type {auth.type!r} is not supported (bearer, basic, apikey and noauth are)")


def _send(
    item: Item, sandbox: Sandbox, client: Any, headers: list[tuple[str, str]]
) -> tuple[Exchange, Body | None]:
    """Resolve and send the request; the exchange, and the body as resolved (once: {{$guid}} differs
    on every resolution, and the test scripts must see what was sent)."""
    from cdverify.contract import http

    method = item.request.method
    resolved_body = _resolved_body(item, sandbox)
    resolved = sandbox.resolve([item.request.url] + [text for pair in headers for text in pair])
    url = resolved[0]
    headers = [(resolved[1 + 2 * i], resolved[2 + 2 * i]) for i in range(len(headers))]
    if url and "://" not in url.split("?")[0]:
        url = "http://" + url
    try:
        auth_headers, auth_query = _auth_headers(item.auth, sandbox)
    except ValueError as error:
        return Exchange(method, url, tuple(headers), error=str(error)), resolved_body
    if auth_query:
        url += ("&" if "?" in url else "?") + urlencode(auth_query)
    names = {key.lower() for key, _ in headers}
    headers += [pair for pair in auth_headers if pair[0].lower() not in names]
    content, extra = _encode_body(None if method in BODYLESS else resolved_body)
    names = {key.lower() for key, _ in headers}
    headers += [pair for pair in extra if pair[0].lower() not in names]
    headers += [pair for pair in DEFAULT_HEADERS if pair[0].lower() not in names]
    return http.exchange(client, method, url, headers, content), resolved_body


def _encode_body(body: Body | None) -> tuple[bytes | None, list[tuple[str, str]]]:
    """The bytes to send and the Content-Type Postman would add when the request sets none."""
    if body is None:
        return None, []
    if body.mode == "raw":
        if not body.raw:
            return None, []
        content_type = RAW_CONTENT_TYPES.get(body.language, "text/plain")
        return body.raw.encode("utf-8"), [("Content-Type", content_type)]
    if body.mode == "urlencoded":
        encoded = urlencode([(f.key, f.value) for f in body.fields])
        return encoded.encode("ascii"), [("Content-Type", "application/x-www-form-urlencoded")]
    if body.mode == "formdata":
        from cdverify.contract import http

        content, content_type = http.multipart([(f.key, f.value) for f in body.fields])
        return content, [("Content-Type", content_type)]
    return None, []
