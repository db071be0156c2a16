"""The HTTP side of a contract run, on httpx: one client per run (cookie jar, redirects, gzip, time limits),
and one `Exchange` per request, failures included. Imported only by contract runs."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from cdverify.contract.results import Exchange


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


def open_client(timeout_ms: int, insecure: bool, routes: dict[str, str] | None = None) -> httpx.Client:
    """A client for one run: its cookie jar lasts the run, like newman's; 0 ms means no time limit.
    `routes`: origins (`http://127.0.0.1:8080`) reached through a Unix socket instead (a server in its own
    network namespace, netns.py)."""
    timeout = httpx.Timeout(timeout_ms / 1000 if timeout_ms else None)
    plain = httpx.HTTPTransport(verify=False)  # http:// needs no TLS context
    tls = _LazyTransport(lambda: httpx.HTTPTransport(verify=not insecure))
    mounts: dict[str, httpx.BaseTransport] = {"http://": plain}
    mounts |= {origin: httpx.HTTPTransport(uds=path) for origin, path in (routes or {}).items()}
    return httpx.Client(follow_redirects=True, timeout=timeout, transport=tls, mounts=mounts)


def exchange(
    client: httpx.Client, method: str, url: str, headers: list[tuple[str, str]], content: bytes | None
) -> Exchange:
    """Send one request; a refused connection, a time-out or a protocol error becomes Exchange.error."""
    started = time.perf_counter()
    try:
        response = client.request(method, url, headers=headers, content=content)
        body = response.content
    except httpx.TimeoutException:
        return Exchange(method, url, tuple(headers), error="ESOCKETTIMEDOUT: the request timed out")
    except httpx.ConnectError as error:
        return Exchange(method, url, tuple(headers), error=f"ECONNREFUSED: {error}")
    except (httpx.HTTPError, ValueError) as error:
        return Exchange(method, url, tuple(headers), error=f"{type(error).__name__}: {error}")
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


def cookies(client: httpx.Client) -> list[dict[str, str]]:
    """The run's cookie jar, as pm.cookies and responseCookies see it."""
    return [
        {"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path}
        for c in client.cookies.jar
    ]


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body of text fields, and its Content-Type (with the boundary)."""
    request = httpx.Request("POST", "http://localhost/", data={}, files=[(k, (None, v)) for k, v in fields])
    return request.read(), request.headers["Content-Type"]


def _raw_headers(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    """Header names as the server wrote them (httpx lower-cases its own view)."""
    return tuple((key.decode("latin-1"), value.decode("latin-1")) for key, value in raw)
