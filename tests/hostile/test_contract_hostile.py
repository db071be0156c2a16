"""The contract runner against hostile servers (issue 15): each way a server can break HTTP, with the
outcome `cdverify contract run` must give — the request fails with a clear error (or succeeds, where
HTTP allows it), within its deadline, with bounded memory, and the next request still runs.

Most cases share one run (`shared_run`): one collection with, for each case, the hostile request and a
healthy request after it. Cases about the whole process (the default body cap's memory, newman's verdict
on a timeout or on script errors) run on their own.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parity import assert_same_outcomes, newman_exit_and_report, newman_outcomes

from cdverify.contract.collection import PAPER_GLOBALS, bundled_path
from cdverify.contract.server import free_port
from hostile.conftest import Outcome, expect_clean, run_cdverify
from hostile.hostile_http import BEHAVIOURS, HostileServer, hostile_server

pytestmark = pytest.mark.integration  # hostile HTTP servers, newman

DEADLINE_MS = 500
MARGIN_MS = 1500  # what a deadline may overrun by on a loaded 2-core machine
CAP = "1M"
TIMEOUT = f"ESOCKETTIMEDOUT: no complete response within the request's time limit of {DEADLINE_MS} ms"
TOO_LARGE = "Maximum response size reached: the body is over 1 MiB (--max-body-size)"
HANG_UP = "ECONNRESET: socket hang up"


@dataclass(frozen=True)
class Expect:
    """What the hostile request gives: an error (a prefix of Exchange.error), or a status (and a size)."""

    error: str | None = None
    status: int | None = None
    size: int | None = None


CASES: dict[str, Expect] = {
    # a total deadline, whatever the server trickles
    "silent": Expect(TIMEOUT),
    "drip-status-line": Expect(TIMEOUT),
    "drip-headers": Expect(TIMEOUT),
    "drip-body": Expect(TIMEOUT),
    "drip-chunked": Expect(TIMEOUT),
    "headers-then-silence": Expect(TIMEOUT),
    "endless-1xx": Expect(TIMEOUT),
    "unread-request-body": Expect(TIMEOUT),
    # a cap on the decoded body
    "huge-content-length": Expect(TOO_LARGE),
    "endless-chunked": Expect(TOO_LARGE),
    "endless-until-close": Expect(TOO_LARGE),
    "gzip-bomb": Expect(TOO_LARGE),
    "deflate-bomb": Expect(TOO_LARGE),
    "double-gzip-bomb": Expect(TOO_LARGE),
    "chunked-gzip-bomb": Expect(TOO_LARGE),
    "body-over-cap": Expect(TOO_LARGE),
    "body-at-cap": Expect(status=200, size=1024 * 1024),
    "gzip-under-cap": Expect(status=200, size=100_023),
    "invalid-gzip": Expect("Z_DATA_ERROR: the body cannot be decoded"),
    "truncated-gzip": Expect(status=200),  # what inflates is kept, as newman keeps it
    "unknown-encoding": Expect(status=200, size=12),  # passed on as it came
    # headers
    "huge-header": Expect("RemoteProtocolError"),
    "thousands-of-headers": Expect("RemoteProtocolError"),
    "many-headers": Expect(status=200, size=12),
    "cookie-flood": Expect(status=200, size=12),  # 18 KiB of headers: newman's limit is 16 KiB
    "huge-cookie": Expect(status=200, size=12),
    "header-without-colon": Expect("RemoteProtocolError"),
    "null-in-header": Expect("RemoteProtocolError"),
    "conflicting-content-length": Expect("RemoteProtocolError"),
    "negative-content-length": Expect("RemoteProtocolError"),
    # framing, and connections that end
    "invalid-chunk-size": Expect("RemoteProtocolError"),
    "overflowing-chunk-size": Expect("RemoteProtocolError"),
    "chunk-without-crlf": Expect("RemoteProtocolError"),
    "close-mid-body": Expect(HANG_UP),
    "close-mid-chunked": Expect(HANG_UP),
    "close-before-answer": Expect(HANG_UP),
    "reset-before-answer": Expect("ECONNRESET"),
    "reset-mid-body": Expect("ECONNRESET"),
    "lying-content-length": Expect(HANG_UP),
    "status-line-only": Expect(HANG_UP),
    "extra-bytes-after-body": Expect(status=200, size=12),  # and the stray bytes never reach the next
    # not HTTP
    "ssh-banner": Expect(HANG_UP),
    "binary-garbage": Expect("RemoteProtocolError"),
    "http09-body": Expect(HANG_UP),
    "bad-status-code": Expect("RemoteProtocolError"),
    "http2-preface": Expect("RemoteProtocolError"),
    "status-999": Expect(status=999, size=12),
    # redirects
    "redirect-loop": Expect("Exceeded maxRedirects. Probably stuck in a redirect loop http://127.0.0.1:"),
    "redirect-chain": Expect(status=200, size=12),
    "redirect-refused": Expect("ECONNREFUSED"),
    "redirect-no-location": Expect(status=302, size=5),
    "redirect-bad-location": Expect("RemoteProtocolError"),
    "redirect-other-scheme": Expect("UnsupportedProtocol"),
}


def _item(name: str, url: str, tests: list[str], prerequest: list[str] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": name,
        "request": {"method": "GET", "url": url},
        "event": [{"listen": "test", "script": {"exec": tests}}],
    }
    if prerequest:
        item["event"].append({"listen": "prerequest", "script": {"exec": prerequest}})
    return item


def hostile_collection(names: list[str]) -> dict[str, Any]:
    """For each case, its request (`case NAME`) and a healthy one after it (`after NAME`)."""
    items = []
    for name in names:
        item = _item(f"case {name}", "{{baseUrl}}/case/" + name, ["pm.test('answered', function () {", "  pm.expect(pm.response.code).to.be.a('number');", "});"])  # fmt: skip
        if name == "unread-request-body":  # 8 MB the server never reads
            item["request"] |= {"method": "POST", "body": {"mode": "raw", "raw": "{{big}}"}}
            item["event"].append({"listen": "prerequest", "script": {"exec": ["pm.variables.set('big', 'x'.repeat(8e6));"]}})  # fmt: skip
            item["event"][0]["script"]["exec"].append("pm.variables.unset('big');")
        items.append(item)
        items.append(_item(f"after {name}", "{{baseUrl}}/ok", ["pm.test('healthy', function () {", "  pm.response.to.have.status(200);", "  pm.expect(pm.response.json().ok).to.equal(true);", "});"]))  # fmt: skip
    return {
        "info": {"name": "hostile", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items,
    }  # fmt: skip


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def contract_run(
    run: Callable[..., Outcome], collection: Path, base_url: str, report: Path, *extra: str
) -> tuple[Outcome, dict[str, Any]]:
    outcome = run(
        ["contract", "run", str(collection), "--base-url", base_url, "--format", "json", "-o", str(report),
         *extra],
        timeout_s=120,
    )  # fmt: skip
    assert report.exists(), outcome.describe()
    return outcome, json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shared_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcome, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("contract-hostile")
    collection = _write(folder / "hostile.json", hostile_collection(list(CASES)))
    with hostile_server() as server:
        counter = iter(range(100))
        yield contract_run(
            lambda args, **options: run_cdverify(args, folder / f"tmp{next(counter)}", **options),
            collection,
            server.url,
            folder / "report.json",
            "--timeout-request",
            str(DEADLINE_MS),
            "--max-body-size",
            CAP,
        )


def test_the_shared_run_ends_cleanly(shared_run: tuple[Outcome, dict[str, Any]]) -> None:
    outcome, report = shared_run
    timeouts = sum(expect.error == TIMEOUT for expect in CASES.values())
    # every case ran, each once; the deadlines add up, nothing else takes long
    expect_clean(outcome, codes=(1,), max_wall_s=timeouts * (DEADLINE_MS + 300) / 1000 + 15, max_rss_mb=400)
    assert [e["name"] for e in report["executions"]] == [f"{kind} {n}" for n in CASES for kind in ("case", "after")]  # fmt: skip
    errors = sum(expect.error is not None for expect in CASES.values())
    assert report["summary"]["failed_requests"] == errors
    assert report["summary"]["failures"] == errors * 2  # each failed request also fails its assertion


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_server_case(name: str, shared_run: tuple[Outcome, dict[str, Any]]) -> None:
    _, report = shared_run
    executions = {e["name"]: e for e in report["executions"]}
    case, after = executions[f"case {name}"], executions[f"after {name}"]
    expect, request = CASES[name], case["request"]
    if expect.error is not None:
        assert request["error"] is not None and request["error"].startswith(expect.error), request
        assert request["status"] is None
        assert [a["passed"] for a in case["assertions"]] == [False]  # its tests ran, with no response
    else:
        assert request["error"] is None, request
        assert request["status"] == expect.status
        if expect.size is not None:
            assert request["size"] == expect.size
        assert [a["passed"] for a in case["assertions"]] == [True]
    assert case["script_errors"] == []
    assert request["time_ms"] <= DEADLINE_MS + MARGIN_MS, request
    # the run goes on: the next request gets its healthy answer
    assert after["request"]["status"] == 200 and [a["passed"] for a in after["assertions"]] == [True], after


def test_every_behaviour_has_a_case() -> None:
    alone = {"gzip-bomb-1g", "truncated-json", "empty-json", "non-utf8-body"}  # run in tests of their own
    assert set(BEHAVIOURS) == set(CASES) | alone


# ---- cases with a run of their own -----------------------------------------------------------------


BEYOND_DEFAULT_CAP = ["huge-content-length", "gzip-bomb-1g", "endless-chunked"]


@pytest.fixture(scope="module")
def default_cap_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("contract-cap")
    collection = _write(folder / "c.json", hostile_collection(BEYOND_DEFAULT_CAP))
    with hostile_server() as server:
        return contract_run(
            lambda args, **options: run_cdverify(args, folder / "tmp", **options),
            collection,
            server.url,
            folder / "r.json",
        )


@pytest.mark.parametrize("name", BEYOND_DEFAULT_CAP)
def test_default_cap_bounds_memory(name: str, default_cap_run: tuple[Outcome, dict[str, Any]]) -> None:
    """A 200 MB body, a gzip bomb of 1 GiB and a chunked body without end, under the default cap (16 MiB):
    the request fails, memory stays bounded (a 200 MB body took 1 GB before the cap), the run goes on."""
    outcome, report = default_cap_run
    expect_clean(outcome, codes=(1,), max_wall_s=30, max_rss_mb=250)
    executions = {e["name"]: e for e in report["executions"]}
    case, after = executions[f"case {name}"], executions[f"after {name}"]
    assert (
        case["request"]["error"] == "Maximum response size reached: the body is over 16 MiB (--max-body-size)"
    )
    assert after["request"]["status"] == 200 and after["assertions"][0]["passed"]


def test_drip_is_cut_at_the_deadline(hostile: Callable[..., Outcome], tmp_path: Path) -> None:
    """A server dripping its body held a request for as long as it dripped (each read had its own limit);
    the limit is now the whole request's. The wall time is one deadline, plus start-up."""
    collection = _write(tmp_path / "c.json", hostile_collection(["drip-body"]))
    with hostile_server() as server:
        started = time.monotonic()
        outcome, report = contract_run(
            hostile, collection, server.url, tmp_path / "r.json", "--timeout-request", "2000"
        )
    expect_clean(outcome, codes=(1,), max_wall_s=2 + 6)
    assert time.monotonic() - started >= 2
    assert report["executions"][0]["request"]["error"].startswith("ESOCKETTIMEDOUT")
    assert 2000 <= report["executions"][0]["request"]["time_ms"] <= 2000 + MARGIN_MS


def test_refused_connection(hostile: Callable[..., Outcome], tmp_path: Path) -> None:
    collection = _write(tmp_path / "c.json", hostile_collection(["silent"]))
    outcome, report = contract_run(
        hostile, collection, f"http://127.0.0.1:{free_port()}", tmp_path / "r.json"
    )
    expect_clean(outcome, codes=(1,), max_wall_s=20)
    assert all(e["request"]["error"].startswith("ECONNREFUSED") for e in report["executions"])
    assert report["summary"]["failures"] == 4


def test_body_cap_option_is_checked(hostile: Callable[..., Outcome], tmp_path: Path) -> None:
    outcome = hostile(["contract", "run", "realworld", "--max-body-size", "lots"])
    expect_clean(outcome, codes=(2,))
    assert "--max-body-size" in outcome.stderr and "16M or 1G" in outcome.stderr


# ---- script errors, as newman counts them ------------------------------------------------------------


def test_script_errors_fail_the_run_as_in_newman(
    hostile: Callable[..., Outcome], tmp_path: Path, newman: Path
) -> None:
    """A server answering truncated JSON everywhere, with the RealWorld collection: each test script stops at
    its parse (a script error; the assertions after it never ran). newman exits 1 and lists each script
    error among its failures; so does cdverify (it exited 0 before, with A% 100). A% counts only the
    assertions that ran: the paper's A%, from newman's CSV, does the same."""
    with hostile_server(fallback=BEHAVIOURS["truncated-json"]) as server:
        outcome, report = contract_run(
            hostile, bundled_path("realworld"), server.url + "/api", tmp_path / "r.json"
        )
        newman_code, theirs = _newman(
            newman, bundled_path("realworld"), tmp_path / "n.json", "--global-var", f"APIURL={server.url}/api",
            *(arg for key, value in PAPER_GLOBALS.items() for arg in ("--global-var", f"{key}={value}")),
        )  # fmt: skip
        text = hostile(["contract", "run", "realworld", "--base-url", server.url + "/api"])
    expect_clean(outcome, codes=(1,), max_wall_s=30)
    expect_clean(text, codes=(1,), max_wall_s=30)
    summary = report["summary"]
    assert newman_code == outcome.code == 1
    assert summary["script_errors"] == theirs["stats"]["testScripts"]["failed"] == 30
    assert summary["failures"] == len(theirs["failures"]) == 30
    assert (summary["assertions"], summary["failed"], summary["score"]) == (18, 0, 1.0)
    assert theirs["stats"]["assertions"] == {"total": 18, "pending": 0, "failed": 0}
    errors = [f for e in report["executions"] for f in e["script_errors"]]
    assert {(f["event"], f["name"]) for f in errors} == {("test", "JSONError")}
    assert "script errors: 30 (each ends its script: its later assertions never ran)" in text.stdout


def _newman(newman: Path, collection: Path, report: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """newman's exit code and its JSON report's `run`."""
    code, document = newman_exit_and_report(newman, collection, {}, report, *args)
    return code, document["run"]


def _report_outcomes(report: dict[str, Any]) -> list[Any]:
    """parity.cdverify_outcomes, from cdverify's JSON report."""
    return [
        (
            e["name"],
            tuple((a["name"], a["passed"], a["skipped"]) for a in e["assertions"]),
            len(e["script_errors"]),
        )
        for e in report["executions"]
    ]


@pytest.mark.parametrize("body", ["empty-json", "non-utf8-body"])
def test_unreadable_bodies_as_in_newman(
    body: str, hostile: Callable[..., Outcome], tmp_path: Path, newman: Path
) -> None:
    """An empty body fails every parse as truncated JSON does; a body that is not UTF-8 is read with
    replacement characters (valid JSON here), and the scripts fail further on. Item by item the same
    assertions, verdicts and script errors as newman, and the same exit code."""
    realworld = bundled_path("realworld")
    with hostile_server(fallback=BEHAVIOURS[body]) as server:
        outcome, report = contract_run(hostile, realworld, server.url + "/api", tmp_path / "r.json")
        code, theirs = _newman(
            newman, realworld, tmp_path / "n.json", "--global-var", f"APIURL={server.url}/api",
            *(arg for key, value in PAPER_GLOBALS.items() for arg in ("--global-var", f"{key}={value}")),
        )  # fmt: skip
    expect_clean(outcome, codes=(1,), max_wall_s=30)
    assert code == outcome.code == 1
    assert_same_outcomes(_report_outcomes(report), newman_outcomes({"run": theirs}))
    summary = report["summary"]
    assert summary["script_errors"] == theirs["stats"]["testScripts"]["failed"] > 0
    assert summary["failures"] == len(theirs["failures"])


def test_timeout_as_in_newman(hostile: Callable[..., Outcome], tmp_path: Path, newman: Path) -> None:
    """A server that never answers: newman reports ESOCKETTIMEDOUT, runs the tests with no response and
    exits 1; cdverify the same, assertion by assertion."""
    document = hostile_collection(["silent"])
    collection = _write(tmp_path / "c.json", document)
    with hostile_server() as server:
        outcome, report = contract_run(
            hostile, collection, server.url, tmp_path / "r.json", "--timeout-request", "1000"
        )
        newman_code, theirs = _newman(
            newman, collection, tmp_path / "n.json", "--timeout-request", "1000", "--global-var",
            f"baseUrl={server.url}",
        )  # fmt: skip
    expect_clean(outcome, codes=(1,), max_wall_s=15)
    assert newman_code == outcome.code == 1
    assert theirs["executions"][0]["requestError"]["code"] == "ESOCKETTIMEDOUT"
    assert report["executions"][0]["request"]["error"].startswith("ESOCKETTIMEDOUT")
    assert_same_outcomes(_report_outcomes(report), newman_outcomes({"run": theirs}))
    assert report["summary"]["failures"] == len(theirs["failures"]) == 2


# ---- any bytes at all, in-process ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def garbage_server() -> Iterator[HostileServer]:
    with hostile_server() as server:
        yield server


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answer=st.one_of(
        st.binary(max_size=2000),
        st.builds(
            lambda head, body: b"HTTP/1.1 " + head + b"\r\n\r\n" + body,
            st.binary(max_size=300),
            st.binary(max_size=300),
        ),
    )
)
def test_any_answer_gives_a_response_or_an_error(garbage_server: HostileServer, answer: bytes) -> None:
    """Whatever bytes a server sends (then closing), the exchange ends within its deadline with a response
    or an error, never an exception."""
    from cdverify.contract import http

    garbage_server.fallback = lambda c: c.send(answer)
    with http.open_client(http.Limits(timeout_ms=500, max_body_bytes=4096), insecure=False) as client:
        started = time.monotonic()
        exchange = http.exchange(client, "GET", garbage_server.url + "/any", [], None)
    assert time.monotonic() - started < 0.5 + MARGIN_MS / 1000
    assert (exchange.status is None) == (exchange.error is not None)
    assert exchange.status is None or len(exchange.body) <= 4096


def test_deadline_covers_connecting() -> None:
    """A listener whose backlog is full never completes the handshake: the connect is cut at the deadline
    (newman's ETIMEDOUT)."""
    from cdverify.contract import http

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(8):  # fill the accept queue (never accepted)
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        try:
            with http.open_client(http.Limits(timeout_ms=500, max_body_bytes=0), insecure=False) as client:
                started = time.monotonic()
                exchange = http.exchange(client, "GET", f"http://127.0.0.1:{port}/", [], None)
            elapsed = time.monotonic() - started
        finally:
            for filler in fillers:
                filler.close()
    assert exchange.error is not None and exchange.error.split(":")[0] in {"ETIMEDOUT", "ESOCKETTIMEDOUT"}
    assert elapsed < 0.5 + MARGIN_MS / 1000
