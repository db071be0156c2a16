"""The HTTP side of a contract run, on httpx: one client per run (cookie jar, redirects, gzip), and one
`Exchange` per request, failures included. Imported only by contract runs.

A server under test may misbehave in every way, so two limits hold each request whatever it does:

- **a total deadline** (`--timeout-request`): connecting, sending and every read share it. The network
  backend below gives each socket operation only what is left of it, so a server that drips one byte a
  second, or sends 1xx responses for ever, is cut at the limit. (newman's limit bounds the time between
  two reads, so such a server holds newman for ever.)
- **a cap on the body** (`--max-body-size`), counted on the decoded body and read as a stream: a 200 MB
  body or a gzip bomb fails the request without ever being held in memory whole.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# httpx imports its command-line client (click, rich, pygments: ~40 ms of a run's start) whenever they are
# installed; a run never uses it, and None in sys.modules turns that import into httpx's own fallback
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpcore  # noqa: E402
import httpx  # noqa: E402

from cdverify.contract.results import Exchange  # noqa: E402

MIB = 1024 * 1024
MAX_REDIRECTS = 10  # postman-request's default, which newman keeps
WRITE_PIECE = 8192  # a write waits at most once for the socket per piece: the deadline holds for slow readers

# when the request being sent must end (time.monotonic()), or None for no limit
_DEADLINE: ContextVar[float | None] = ContextVar("cdverify_http_deadline", default=None)


class BodyTooLarge(Exception):
    pass


class _Undecodable(Exception):
    pass


@dataclass(frozen=True)
class Limits:
    timeout_ms: int  # the total deadline of one request; 0: none
    max_body_bytes: int  # of the decoded body; 0: none


@dataclass(frozen=True)
class Client:
    """The run's HTTP client (its cookie jar lasts the run, like newman's) and the limits of each request."""

    http: httpx.Client
    limits: Limits

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()


def _within(timeout: float | None, expired: type[Exception]) -> float | None:
    """`timeout` cut to what is left of the request's deadline; `expired` once nothing is left."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the request's time limit ran out")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), WRITE_PIECE):
            self._inner.write(buffer[start : start + WRITE_PIECE], _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        bounded = _within(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, each operation held to the request's deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _within(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        bounded = _within(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# httpcore's errors, raised again as httpx's of the same name (which httpx's client and ours expect)
_CORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
)


@contextlib.contextmanager
def _as_httpx(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except _CORE_ERRORS as error:
        kind = getattr(httpx, type(error).__name__, httpx.TransportError)
        raise kind(str(error), request=request) from error


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, core: httpcore.Response, request: httpx.Request) -> None:
        self._core = core
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx(self._request):
            yield from self._core.iter_stream()

    def close(self) -> None:
        with _as_httpx(self._request):
            self._core.close()


class _Transport(httpx.BaseTransport):
    """httpx's HTTP/1.1 transport on a pool whose network backend keeps each request's deadline."""

    def __init__(self, *, verify: bool = True, tls: bool = False, uds: str | None = None) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify) if tls else None,
            uds=uds,
            network_backend=_DeadlineBackend(),
            # a fresh connection per request: bytes a server sends past the end of one response would
            # otherwise be read as the next one's
            max_keepalive_connections=0,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx(request):
            response = self._pool.handle_request(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response, request),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _LazyTransport(httpx.BaseTransport):
    """A transport built on first use: the TLS one, which only https:// requests need (its certificate
    store costs ~30 ms to load)."""

    def __init__(self, build: Callable[[], httpx.BaseTransport]) -> None:
        self._build = build
        self._inner: httpx.BaseTransport | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            self._inner = self._build()
        return self._inner.handle_request(request)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()


def open_client(limits: Limits, insecure: bool, routes: dict[str, str] | None = None) -> Client:
    """A client for one run. `routes`: origins (`http://127.0.0.1:8080`) reached through a Unix socket
    instead (a server in its own network namespace, netns.py)."""
    tls = _LazyTransport(lambda: _Transport(verify=not insecure, tls=True))
    mounts: dict[str, httpx.BaseTransport] = {"http://": _Transport()}
    mounts |= {origin: _Transport(uds=path) for origin, path in (routes or {}).items()}
    # the deadline is ours (_DEADLINE); httpx's own time limits stay off
    return Client(httpx.Client(follow_redirects=False, timeout=None, transport=tls, mounts=mounts), limits)


def exchange(
    client: Client, method: str, url: str, headers: list[tuple[str, str]], content: bytes | None
) -> Exchange:
    """Send one request, redirects followed, within the client's limits; a refused connection, a time-out,
    a protocol error or a body past the cap becomes Exchange.error."""
    started = time.perf_counter()
    limits = client.limits
    token = _DEADLINE.set(time.monotonic() + limits.timeout_ms / 1000 if limits.timeout_ms else None)
    try:
        request = client.http.build_request(method, url, headers=headers, content=content)
        response, body = _fetch(client.http, request, limits.max_body_bytes)
    except _REQUEST_ERRORS as error:  # whatever the server did, the request fails and the run goes on
        elapsed = round((time.perf_counter() - started) * 1000)
        return Exchange(method, url, tuple(headers), time_ms=elapsed, error=describe(error, limits))
    finally:
        _DEADLINE.reset(token)
    return Exchange(
        method=method,
        url=url,  # as requested: scripts see the original URL after redirects, as in newman
        request_headers=_raw_headers(response.request.headers.raw),
        status=response.status_code,
        reason=response.reason_phrase,
        response_headers=_raw_headers(response.headers.raw),
        body=body,
        time_ms=round((time.perf_counter() - started) * 1000),
        size=len(body),
    )


_REQUEST_ERRORS = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    ValueError,
    BodyTooLarge,
    _Undecodable,
)


def _fetch(client: httpx.Client, request: httpx.Request, cap: int) -> tuple[httpx.Response, bytes]:
    """The final response of `request` (redirects followed, their bodies never read) and its body."""
    for _ in range(MAX_REDIRECTS + 1):
        response = client.send(request, stream=True, follow_redirects=False)
        if response.next_request is None:
            break
        response.close()
        request = response.next_request
    else:
        raise httpx.TooManyRedirects(
            f"Exceeded maxRedirects. Probably stuck in a redirect loop {request.url}", request=request
        )
    try:
        return response, _read_body(response, cap)
    finally:
        response.close()


def _read_body(response: httpx.Response, cap: int) -> bytes:
    """The body, decoded as its Content-Encoding says (gzip, deflate), never more than `cap` bytes
    decoded at any step."""
    encodings = [e.strip().lower() for e in response.headers.get_list("content-encoding", split_commas=True)]
    decoders = [_Inflater(e, cap) for e in reversed(encodings) if e in _WBITS]
    body = bytearray()
    for raw in response.iter_raw():
        pieces = [raw]
        for decoder in decoders:
            pieces = [decoder.feed(piece) for piece in pieces]
        for piece in pieces:
            body += piece
        if cap and len(body) > cap:
            raise BodyTooLarge(cap)
    return bytes(body)


# zlib's window bits for each encoding: gzip has a header of its own, deflate is zlib's (or raw, below)
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class _Inflater:
    """One Content-Encoding undone, chunk by chunk, its output bounded by the cap (a bomb stops early)."""

    def __init__(self, encoding: str, cap: int) -> None:
        self._encoding = encoding
        self._inflater = zlib.decompressobj(_WBITS[encoding])
        self._cap = cap
        self._out = 0
        self._first = True

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data and not self._inflater.eof:
            room = self._cap - self._out + 1 if self._cap else 0  # 0: unbounded, as zlib reads it
            try:
                piece = self._inflater.decompress(data, room)
            except zlib.error as error:
                if self._first and self._encoding == "deflate":  # a raw deflate stream, without zlib's header
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._first = False
                    continue
                raise _Undecodable(f"{error} ({self._encoding})") from None
            self._first = False
            out += piece
            self._out += len(piece)
            if self._cap and self._out > self._cap:
                raise BodyTooLarge(self._cap)
            data = self._inflater.unconsumed_tail
        return bytes(out)


def describe(error: BaseException, limits: Limits) -> str:
    """A failed request as `CODE: text`, the code newman gives where there is one (`ESOCKETTIMEDOUT`, …)."""
    if isinstance(error, BodyTooLarge):
        return (
            f"Maximum response size reached: the body is over {_size(limits.max_body_bytes)}"
            " (--max-body-size)"
        )
    if isinstance(error, _Undecodable):
        return f"Z_DATA_ERROR: the body cannot be decoded: {error}"
    if isinstance(error, httpx.ConnectTimeout):
        return f"ETIMEDOUT: no connection within the request's time limit of {limits.timeout_ms} ms"
    if isinstance(error, httpx.TimeoutException):
        return (
            f"ESOCKETTIMEDOUT: no complete response within the request's time limit of {limits.timeout_ms} ms"
        )
    if isinstance(error, httpx.TooManyRedirects):
        return str(error)
    cause = _os_error(error)
    if isinstance(error, httpx.ConnectError):
        code = "ENOTFOUND" if isinstance(cause, socket.gaierror) else _errno_name(cause, "ECONNREFUSED")
        return f"{code}: {error}"
    text = str(error)
    if isinstance(error, httpx.RemoteProtocolError) and ("disconnected" in text or "peer closed" in text):
        return f"ECONNRESET: socket hang up ({text})"
    if isinstance(error, httpx.NetworkError) and cause is not None:
        return f"{_errno_name(cause, 'ECONNRESET')}: {text}"
    return f"{type(error).__name__}: {text}"


def _os_error(error: BaseException) -> OSError | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _errno_name(error: OSError | None, default: str) -> str:
    number = getattr(error, "errno", None)
    return errno.errorcode.get(number, default) if isinstance(number, int) else default


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{count} bytes"


def cookies(client: Client) -> list[dict[str, str]]:
    """The run's cookie jar, as pm.cookies and responseCookies see it."""
    return [
        {"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path}
        for c in client.http.cookies.jar
    ]


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body of text fields, and its Content-Type (with the boundary)."""
    request = httpx.Request("POST", "http://localhost/", data={}, files=[(k, (None, v)) for k, v in fields])
    return request.read(), request.headers["Content-Type"]


def _raw_headers(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    """Header names as the server wrote them (httpx lower-cases its own view)."""
    return tuple((key.decode("latin-1"), value.decode("latin-1")) for key, value in raw)
