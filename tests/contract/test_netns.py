"""Servers in network namespaces of their own: side by side on the same hard-coded port, each reached
through its Unix socket, with no way out to the machine's network. Real servers, real namespaces."""

from __future__ import annotations

import socket
import sys
import textwrap
from pathlib import Path

import pytest
from tools import tool_missing

from cdverify.contract.netns import unshare_prefix
from cdverify.contract.server import ServeOptions, health_status, served

pytestmark = pytest.mark.integration  # servers in network namespaces (unshare)

# a server that ignores $PORT, as many generated ones do, and says who it is; at start it tries to reach
# a port on the machine's loopback (given as argument) and prints whether it could
SERVER = textwrap.dedent(
    """
    import http.server, socket, sys
    name, outside = sys.argv[1], int(sys.argv[2])
    try:
        socket.create_connection(("127.0.0.1", outside), timeout=2).close()
        print("reached the machine's network", flush=True)
    except OSError:
        print("no way out", flush=True)
    class Who(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(name.encode())
        def log_message(self, *args):
            pass
    http.server.HTTPServer(("127.0.0.1", 18080), Who).serve_forever()
    """
)


@pytest.fixture(autouse=True)
def namespaces() -> None:
    if unshare_prefix() is None:
        tool_missing("network namespaces are needed: `unshare` (util-linux), as root or with user namespaces")


def _project(root: Path, name: str, outside: int) -> Path:
    root.mkdir()
    (root / "server.py").write_text(SERVER, encoding="utf-8")
    (root / "run.sh").write_text(f"exec {sys.executable} server.py {name} {outside}\n", encoding="utf-8")
    return root


def test_two_servers_on_one_hard_coded_port_run_side_by_side(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as machine:  # a service on the machine's own loopback
        outside = machine.getsockname()[1]
        first, second = (_project(tmp_path / name, name, outside) for name in ("first", "second"))
        options = ServeOptions(port=18080, health="/", isolate_network=True, health_timeout_s=20)
        with served(first, options) as one, served(second, options) as two:
            assert one.healthy and two.healthy and one.notes == [] and two.notes == []
            assert one.unix_socket != two.unix_socket and one.routes != two.routes
            import httpx

            for server, name in ((one, "first"), (two, "second")):
                assert server.unix_socket is not None
                transport = httpx.HTTPTransport(uds=str(server.unix_socket))
                with httpx.Client(transport=transport) as client:
                    assert client.get("http://127.0.0.1:18080/").text == name
                assert "no way out" in server.log_tail()
        # the machine's own port 18080 was never taken
        assert health_status("http://127.0.0.1:18080/", timeout=0.5) is None


def test_without_isolation_the_same_server_reaches_the_machine(tmp_path: Path) -> None:
    """The control: the probe above does see the machine's network when the server shares it."""
    with socket.create_server(("127.0.0.1", 0)) as machine:
        project = _project(tmp_path / "shared", "shared", machine.getsockname()[1])
        with served(project, ServeOptions(port=18080, health="/", health_timeout_s=20)) as server:
            assert server.healthy and server.unix_socket is None
            assert "reached the machine's network" in server.log_tail()
