"""A server in a network namespace of its own, reached through a Unix socket.

The paper tells every generated server its port (8080 for Python, 3000 for Node), and many hard-code it.
Side by side on one machine they would collide; moved to another port, a hard-coded one would fail a test
it passes in the paper's harness. So each server gets a network namespace of its own (`unshare --net`),
where its port is free and nothing else listens, and this module, started inside the namespace in front
of the server, bridges it to the outside through Unix sockets, which cross namespaces by path:

- `--http SOCKET:PORT`: connections to the Unix socket SOCKET reach 127.0.0.1:PORT (else [::1]:PORT)
  inside the namespace — the contract runner and the health check talk HTTP over SOCKET;
- `--tcp PORT:SOCKET`: connections to 127.0.0.1:PORT inside the namespace reach the Unix socket SOCKET
  outside — the server's database (a PostgreSQL cluster's socket) at the address it was given.

Then it runs the server's command, passes SIGTERM/SIGINT on to it, and exits with its exit code. The
namespace has no other network: a server cannot reach the internet, nor another run's server.

    python -m cdverify.contract.netns --http /tmp/x/http.sock:8080 [--tcp 5432:/tmp/pg/.s.PGSQL.5432] -- CMD…
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
_IFREQ = "16sH14s"  # struct ifreq: the name, then the flags (and padding)


@functools.cache
def unshare_prefix() -> list[str] | None:
    """The command that starts a process in a new network namespace, or None when this machine cannot
    (no `unshare`, or neither root nor unprivileged user namespaces)."""
    tool = shutil.which("unshare")
    if tool is None:
        return None
    # as root a plain network namespace; otherwise one inside a user namespace where we are root
    base = [tool, "--net", "--fork", "--kill-child"] if os.geteuid() == 0 else [tool, "-rn", "--fork"]
    try:
        done = subprocess.run([*base, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return base if done.returncode == 0 else None


def loopback_up() -> None:
    """Bring `lo` up: a new namespace starts with it down."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
        request = struct.pack(_IFREQ, b"lo", 0, b"")
        flags = struct.unpack(_IFREQ, fcntl.ioctl(handle, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(handle, SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | IFF_UP, b""))


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


def _bridge(accepted: socket.socket, connect: Callable[[], socket.socket]) -> None:
    try:
        upstream = connect()
    except OSError:
        accepted.close()  # nothing listens yet: the client sees a closed connection, as a refused one
        return
    back = threading.Thread(target=_pipe, args=(upstream, accepted), daemon=True)
    back.start()
    _pipe(accepted, upstream)
    back.join()
    accepted.close()
    upstream.close()


def _serve(listener: socket.socket, connect: Callable[[], socket.socket]) -> None:
    while True:
        try:
            accepted, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_bridge, args=(accepted, connect), daemon=True).start()


def _tcp_connector(port: int) -> Callable[[], socket.socket]:
    def connect() -> socket.socket:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            return socket.create_connection(("::1", port), timeout=10)  # a server bound to ::1 only

    return connect


def _unix_connector(path: str) -> Callable[[], socket.socket]:
    def connect() -> socket.socket:
        handle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        handle.connect(path)
        return handle

    return connect


def _start_bridges(http: Sequence[str], tcp: Sequence[str]) -> None:
    for spec in http:
        path, _, port = spec.rpartition(":")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(128)
        threading.Thread(target=_serve, args=(listener, _tcp_connector(int(port))), daemon=True).start()
    for spec in tcp:
        port, _, path = spec.partition(":")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", int(port)))
        listener.listen(128)
        threading.Thread(target=_serve, args=(listener, _unix_connector(path)), daemon=True).start()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cdverify.contract.netns", description=__doc__)
    parser.add_argument("--http", action="append", default=[], metavar="SOCKET:PORT")
    parser.add_argument("--tcp", action="append", default=[], metavar="PORT:SOCKET")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server's command after --")
    loopback_up()
    _start_bridges(args.http, args.tcp)
    server = subprocess.Popen(command)

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            server.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return server.wait()


if __name__ == "__main__":
    sys.exit(main())
