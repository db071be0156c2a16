"""Hostile HTTP servers for the contract runner's hostile cases: a socket-level server that answers
`/case/NAME` with the misbehaviour NAME (and `/ok` like a healthy API), so that the runner meets each
way a server can break HTTP — drips, silences, floods, bombs, broken framing, resets and garbage.

Each behaviour is a function that writes to the connection's socket; it stops when the server stops
(`stopping` is set) or when the client goes away.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator

MIB = 1024 * 1024
OK_BODY = b'{"ok": true}'


class Connection:
    """One accepted connection: the request's path, and helpers to answer on the socket."""

    def __init__(self, sock: socket.socket, path: str, port: int, stopping: threading.Event) -> None:
        self.sock = sock
        self.path = path
        self.port = port
        self.stopping = stopping

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(self, status: str = "200 OK", *headers: str) -> None:
        self.send(
            f"HTTP/1.1 {status}\r\n".encode() + b"".join(h.encode() + b"\r\n" for h in headers) + b"\r\n"
        )

    def answer(self, body: bytes, *headers: str, status: str = "200 OK") -> None:
        self.head(status, f"Content-Length: {len(body)}", *headers)
        self.send(body)

    def drip(self, data: bytes, every_s: float) -> None:
        """Send `data` one byte at a time, every `every_s` seconds (until the client or the server goes)."""
        for index in range(len(data)):
            if self.stopping.wait(every_s):
                return
            self.send(data[index : index + 1])

    def stream(self, chunk: bytes, total: int | None = None, every_s: float = 0.0) -> None:
        """Send `chunk` again and again (`total` bytes, or until the client goes)."""
        sent = 0
        while (total is None or sent < total) and not self.stopping.is_set():
            self.send(chunk)
            sent += len(chunk)
            if every_s:
                time.sleep(every_s)

    def hold(self) -> None:
        """Say nothing, until the client or the server goes."""
        self.sock.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                if self.sock.recv(65536) == b"":
                    return
            except TimeoutError:
                continue

    def reset(self) -> None:
        """Close with a TCP reset (SO_LINGER 0) instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Behaviour = Callable[[Connection], None]


@functools.cache
def _zeros_deflated(decoded_mib: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of `decoded_mib` MiB of zeros (about 1 KiB per MiB), its CRC-32 and Adler-32:
    one MiB compressed and fully flushed, repeated, so that a bomb of GiBs costs no more than one MiB."""
    block = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()  # an empty last block
    crc, adler = 0, 1
    for _ in range(decoded_mib):
        crc, adler = zlib.crc32(block, crc), zlib.adler32(block, adler)
    return segment * decoded_mib + final, crc, adler


def _gzip_bomb(decoded_mib: int) -> bytes:
    stream, crc, _ = _zeros_deflated(decoded_mib)
    size = (decoded_mib * MIB) & 0xFFFFFFFF
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream + struct.pack("<II", crc, size)


def _deflate_bomb(decoded_mib: int) -> bytes:
    stream, _, adler = _zeros_deflated(decoded_mib)
    return b"\x78\xda" + stream + struct.pack(">I", adler)


def _chunked(parts: list[bytes]) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


def _redirect_loop(c: Connection) -> None:
    c.answer(b"", f"Location: http://127.0.0.1:{c.port}{c.path}", status="302 Found")


def _redirect_chain(c: Connection) -> None:
    hop = int(c.path.rsplit("/", 1)[-1]) if c.path.rsplit("/", 1)[-1].isdigit() else 0
    target = "/ok" if hop >= 5 else f"/case/redirect-chain/{hop + 1}"
    c.answer(b"", f"Location: {target}", status="302 Found")


def _extra_bytes(c: Connection) -> None:
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: application/json\r\n\r\n")
    c.send(OK_BODY + b"HTTP/1.1 500 Surprise\r\nContent-Length: 0\r\n\r\ngarbage")


# name → behaviour; the names are the cases of tests/hostile/test_contract_hostile.py
BEHAVIOURS: dict[str, Behaviour] = {
    # silences and drips: only the request's total deadline ends them
    "silent": lambda c: c.hold(),
    "drip-status-line": lambda c: c.drip(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0.05),
    "drip-headers": lambda c: (c.send(b"HTTP/1.1 200 OK\r\n"), c.drip(b"X-Slow: " + b"a" * 200, 0.05)),
    "drip-body": lambda c: (c.head("200 OK", "Content-Length: 400"), c.drip(b"x" * 400, 0.05)),
    "drip-chunked": lambda c: (
        c.head("200 OK", "Transfer-Encoding: chunked"),
        c.stream(b"1\r\nx\r\n", every_s=0.05),
    ),
    "headers-then-silence": lambda c: (c.head("200 OK", "Content-Length: 100"), c.send(b"x" * 10), c.hold()),
    "endless-1xx": lambda c: c.stream(b"HTTP/1.1 102 Processing\r\n\r\n", every_s=0.01),
    "unread-request-body": lambda c: c.stopping.wait(60),  # never reads the body the client sends
    # floods and bombs: the body cap ends them
    "huge-content-length": lambda c: (c.head("200 OK", f"Content-Length: {200 * MIB}"), c.stream(bytes(MIB))),
    "endless-chunked": lambda c: (
        c.head("200 OK", "Transfer-Encoding: chunked"),
        c.stream(b"10000\r\n" + bytes(0x10000) + b"\r\n"),
    ),
    "endless-until-close": lambda c: (c.head("200 OK"), c.stream(bytes(MIB))),
    "gzip-bomb": lambda c: c.answer(_gzip_bomb(64), "Content-Encoding: gzip"),
    "gzip-bomb-1g": lambda c: c.answer(_gzip_bomb(1024), "Content-Encoding: gzip"),
    "deflate-bomb": lambda c: c.answer(_deflate_bomb(64), "Content-Encoding: deflate"),
    "double-gzip-bomb": lambda c: c.answer(gzip.compress(_gzip_bomb(64)), "Content-Encoding: gzip, gzip"),
    "chunked-gzip-bomb": lambda c: (
        c.head("200 OK", "Content-Encoding: gzip", "Transfer-Encoding: chunked"),
        c.send(_chunked([_gzip_bomb(64)])),
    ),
    "gzip-under-cap": lambda c: c.answer(
        gzip.compress(b'{"ok": true, "pad": "' + b"a" * 100_000 + b'"}'),
        "Content-Encoding: gzip",
        "Content-Type: application/json",
    ),
    "body-at-cap": lambda c: c.answer(b"a" * MIB),
    "body-over-cap": lambda c: c.answer(b"a" * (MIB + 1)),
    "invalid-gzip": lambda c: c.answer(b"this is not gzip at all", "Content-Encoding: gzip"),
    "truncated-gzip": lambda c: c.answer(gzip.compress(OK_BODY * 100)[:30], "Content-Encoding: gzip"),
    "unknown-encoding": lambda c: c.answer(OK_BODY, "Content-Encoding: br", "Content-Type: application/json"),
    "huge-header": lambda c: c.head("200 OK", "X-Huge: " + "a" * MIB, "Content-Length: 0"),
    "thousands-of-headers": lambda c: c.head(
        "200 OK", *(f"X-Header-{i}: {i}" for i in range(10_000)), "Content-Length: 0"
    ),
    "many-headers": lambda c: c.answer(OK_BODY, *(f"X-H{i}: {i}" for i in range(200))),
    "cookie-flood": lambda c: c.answer(
        OK_BODY, *(f"Set-Cookie: c{i}={'v' * 40}; Path=/" for i in range(300))
    ),
    "huge-cookie": lambda c: c.answer(OK_BODY, "Set-Cookie: big=" + "v" * 12_000 + "; Path=/"),
    # broken framing
    "invalid-chunk-size": lambda c: (
        c.head("200 OK", "Transfer-Encoding: chunked"),
        c.send(b"zz\r\nhello\r\n"),
    ),
    "overflowing-chunk-size": lambda c: (
        c.head("200 OK", "Transfer-Encoding: chunked"),
        c.send(b"ffffffffffffffffffffffff\r\nhello\r\n"),
    ),
    "chunk-without-crlf": lambda c: (
        c.head("200 OK", "Transfer-Encoding: chunked"),
        c.send(b"5\r\nhelloXX0\r\n\r\n"),
    ),
    "close-mid-body": lambda c: (c.head("200 OK", "Content-Length: 100"), c.send(b"x" * 50), c.sock.close()),
    "close-mid-chunked": lambda c: (c.head("200 OK", "Transfer-Encoding: chunked"), c.send(b"5\r\nhel")),
    "close-before-answer": lambda c: None,
    "reset-before-answer": lambda c: c.reset(),
    "reset-mid-body": lambda c: (c.head("200 OK", "Content-Length: 100"), c.send(b"x" * 50), c.reset()),
    "lying-content-length": lambda c: (c.head("200 OK", "Content-Length: 999999999999"), c.send(b"short")),
    "negative-content-length": lambda c: (c.head("200 OK", "Content-Length: -5"), c.send(b"hello")),
    "conflicting-content-length": lambda c: (
        c.head("200 OK", "Content-Length: 5", "Content-Length: 7"),
        c.send(b"hello"),
    ),
    "header-without-colon": lambda c: c.send(
        b"HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n"
    ),
    "null-in-header": lambda c: c.send(b"HTTP/1.1 200 OK\r\nX-Null: a\x00b\r\nContent-Length: 0\r\n\r\n"),
    "extra-bytes-after-body": _extra_bytes,
    # not HTTP at all
    "ssh-banner": lambda c: c.send(b"SSH-2.0-OpenSSH_9.6\r\n"),
    "binary-garbage": lambda c: c.send(bytes(range(256)) * 64),
    "http09-body": lambda c: c.send(OK_BODY),  # HTTP/0.9: the body alone, then close
    "bad-status-code": lambda c: c.send(b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"),
    "status-999": lambda c: c.answer(OK_BODY, status="999 Whatever"),
    "status-line-only": lambda c: c.send(b"HTTP/1.1 200 OK\r\n"),
    "http2-preface": lambda c: c.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes(64)),
    # redirects
    "redirect-loop": _redirect_loop,
    "redirect-chain": _redirect_chain,
    "redirect-refused": lambda c: c.answer(b"", "Location: http://127.0.0.1:9/x", status="302 Found"),
    "redirect-no-location": lambda c: c.answer(b"moved", status="302 Found"),
    "redirect-bad-location": lambda c: c.answer(b"", "Location: http://[::1", status="302 Found"),
    "redirect-other-scheme": lambda c: c.answer(b"", "Location: gopher://127.0.0.1/x", status="302 Found"),
    # bodies scripts choke on (the request itself is fine)
    "truncated-json": lambda c: c.answer(b'{"user": {"email": "a@b', "Content-Type: application/json"),
    "empty-json": lambda c: c.answer(b"", "Content-Type: application/json"),
    "non-utf8-body": lambda c: c.answer(b'{"a": "\xff\xfe\xc3"}', "Content-Type: application/json"),
}


def _read_head(sock: socket.socket) -> tuple[str, int] | None:
    """The request's path and how much of its body is still to read, or None when the client sent no
    request."""
    data = b""
    sock.settimeout(5.0)
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(65536)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
        if len(data) > 1_000_000:
            return None
    head_bytes, rest = data.split(b"\r\n\r\n", 1)
    head = head_bytes.decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    length = 0
    for line in lines[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "content-length" and value.strip().isdigit():
            length = int(value.strip())
    return (parts[1] if len(parts) > 1 else "/"), max(0, length - len(rest))


class HostileServer:
    """Serves the behaviours above on 127.0.0.1 (a port of its own), one thread per connection. Paths
    other than /case/NAME get `fallback`: a healthy JSON answer unless told otherwise."""

    def __init__(self, fallback: Behaviour | None = None) -> None:
        self.fallback = fallback
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)  # accept() wakes to see the server stopping
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> HostileServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self._lock:
                self._sockets.add(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, sock: socket.socket) -> None:
        try:
            while not self._stopping.is_set():
                request = _read_head(sock)
                if request is None:
                    return
                path, length = request
                name = path.split("/")[2] if path.startswith("/case/") else ""
                if name != "unread-request-body":
                    self._discard(sock, length)
                behaviour = BEHAVIOURS.get(name, self.fallback)
                if behaviour is None:
                    Connection(sock, path, self.port, self._stopping).answer(
                        OK_BODY, "Content-Type: application/json"
                    )
                    continue  # keep-alive: the healthy answer leaves the connection usable
                behaviour(Connection(sock, path, self.port, self._stopping))
                if not name.startswith("redirect") and name not in KEEP_ALIVE:
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._sockets.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

    @staticmethod
    def _discard(sock: socket.socket, length: int) -> None:
        while length > 0:
            chunk = sock.recv(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)


# behaviours after which the connection stays open for the next request (keep-alive)
KEEP_ALIVE = {"extra-bytes-after-body", "many-headers", "cookie-flood", "huge-cookie", "gzip-under-cap"}


@contextlib.contextmanager
def hostile_server(fallback: Behaviour | None = None) -> Iterator[HostileServer]:
    server = HostileServer(fallback).start()
    try:
        yield server
    finally:
        server.stop()
