"""A server's log, bounded in memory and on disk, whatever the server prints.

A generated server may print without end (a request loop that logs a stack trace per millisecond). The
log keeps the first `head_bytes` on disk as they come, then only the last `tail_bytes` in memory, and on
close writes a line saying how much was left out followed by that tail: the start (how it set up and
started) and the end (how it failed) are what a reader needs. Output reaches it through `pump`, a thread
that drains a process's pipe, so a chatty server never blocks on a full pipe.
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path
from typing import IO

HEAD_BYTES = 1024 * 1024
TAIL_BYTES = 256 * 1024


class CappedLog:
    """A write-only log file of at most about head_bytes + tail_bytes; thread-safe."""

    def __init__(self, path: Path, head_bytes: int = HEAD_BYTES, tail_bytes: int = TAIL_BYTES) -> None:
        self.path = path
        self._file: IO[bytes] | None = path.open("wb")
        self._head_left = head_bytes
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._tail_bytes = tail_bytes
        self._dropped = 0
        self._lock = threading.Lock()
        self._pumps: list[threading.Thread] = []

    def write(self, data: bytes) -> int:
        with self._lock:
            if self._file is None:
                return len(data)
            if self._head_left > 0:
                head = data[: self._head_left]
                self._file.write(head)
                self._file.flush()
                self._head_left -= len(head)
                data = data[len(head) :]
            if data:
                self._tail.append(data)
                self._tail_size += len(data)
                while self._tail_size - len(self._tail[0]) >= self._tail_bytes:
                    self._dropped += len(self._tail[0])
                    self._tail_size -= len(self._tail.popleft())
        return len(data)

    def tail(self, limit: int) -> bytes:
        """The last `limit` bytes written so far (the file's head, then the tail kept in memory)."""
        with self._lock:
            kept = b"".join(self._tail)
            if len(kept) >= limit or self._file is None:
                return (kept if self._file is not None else self.path.read_bytes())[-limit:]
            self._file.flush()
            return (self.path.read_bytes() + kept)[-limit:]

    def flush(self) -> None:
        """Part of the file protocol (setup commands write to the log with write + flush)."""

    def pump(self, stream: IO[bytes]) -> threading.Thread:
        """Drain `stream` (a process's stdout pipe) into the log on a thread of its own until it closes."""

        def drain() -> None:
            try:
                for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[attr-defined]
                    self.write(chunk)
            except (OSError, ValueError):
                pass  # the pipe was closed under us: the process is gone
            finally:
                stream.close()

        thread = threading.Thread(target=drain, name="cdverify-log", daemon=True)
        thread.start()
        self._pumps.append(thread)
        return thread

    def close(self, wait_s: float = 2.0) -> None:
        """Wait briefly for the pumps (their processes are stopped by now), then write the kept tail."""
        for thread in self._pumps:
            thread.join(timeout=wait_s)
        with self._lock:
            if self._file is None:
                return
            tail = b"".join(self._tail)
            self._dropped += max(0, len(tail) - self._tail_bytes)
            tail = tail[-self._tail_bytes :]
            if self._dropped:
                self._file.write(f"\n[cdverify: {self._dropped} bytes of output left out]\n".encode())
            self._file.write(tail)
            self._file.close()
            self._file = None

    def __enter__(self) -> CappedLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
