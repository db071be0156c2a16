"""The contract runner's parts on real inputs: collections (v2.0 and v2.1), variables, scripts that misbehave,
the three report formats, the command line and its exit codes, and the server lifecycle (a server that
crashes, one that never becomes healthy, Ctrl-C) — each leaving no process or temporary directory behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import psutil
import pytest
from parity import reset_faulty_server

from cdverify.contract.collection import CollectionError, bundled_path, load_collection, load_variables
from cdverify.contract.results import CONTRACT_SCHEMA_VERSION, render_junit, render_text, to_json
from cdverify.contract.runner import RunOptions, run_collection
from cdverify.contract.server import HarnessDatabase, ServeOptions, served

pytestmark = pytest.mark.integration  # runs collections against the faulty server and serves projects

REPO_ROOT = Path(__file__).resolve().parents[2]
FAULTY_SERVER = REPO_ROOT / "tests" / "contract" / "faulty_server.py"


def _collection(tmp_path: Path, items: list[dict[str, Any]], **extra: Any) -> Path:
    document = {
        "info": {
            "name": "unit",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": items,
        **extra,
    }
    path = tmp_path / "unit.postman_collection.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _test(*lines: str) -> list[dict[str, Any]]:
    return [{"listen": "test", "script": {"exec": list(lines)}}]


def _get(name: str, url: str, *lines: str, **request: Any) -> dict[str, Any]:
    return {"name": name, "event": _test(*lines), "request": {"method": "GET", "url": url, **request}}


@pytest.fixture
def server(faulty_server: str) -> str:
    return faulty_server


# --- collections --------------------------------------------------------------------------------------


def test_v20_collection_with_string_url_and_object_auth(tmp_path: Path, server: str) -> None:
    path = tmp_path / "v20.json"
    path.write_text(
        json.dumps(
            {
                "info": {
                    "name": "v2.0",
                    "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json",
                },
                "item": [
                    {
                        "name": "echo",
                        "event": _test(
                            "var body = JSON.parse(responseBody);",
                            "tests['bearer from a v2.0 auth object'] = body.headers.authorization === 'Bearer t0k';",
                        ),
                        "request": {
                            "url": "{{baseUrl}}/sandbox/echo",
                            "method": "GET",
                            "auth": {"type": "bearer", "bearer": {"token": "t0k"}},
                        },
                    }
                ],
            }
        )
    )
    result = run_collection(load_collection(path), RunOptions(globals={"baseUrl": server}))
    assert [(a.name, a.passed) for a in result.assertions] == [("bearer from a v2.0 auth object", True)]


def test_folder_and_collection_scripts_run_in_order(tmp_path: Path, server: str) -> None:
    order = "pm.globals.set('order', (pm.globals.get('order') || '') + '{}');"
    path = _collection(
        tmp_path,
        [
            {
                "name": "folder",
                "event": [{"listen": "prerequest", "script": {"exec": [order.format("F")]}}],
                "item": [
                    {
                        "name": "inner",
                        "event": [
                            {"listen": "prerequest", "script": {"exec": [order.format("R")]}},
                            *_test(
                                "tests['collection, folder, request'] = pm.globals.get('order') === 'CFR';"
                            ),
                        ],
                        "request": {"method": "GET", "url": "{{baseUrl}}/sandbox/echo"},
                    }
                ],
            }
        ],
        event=[{"listen": "prerequest", "script": {"exec": [order.format("C")]}}],
    )
    result = run_collection(load_collection(path), RunOptions(globals={"baseUrl": server}))
    assert [(a.name, a.passed) for a in result.assertions] == [("collection, folder, request", True)]
    assert result.executions[0].path == ("folder",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"info": {"name": "x"}}', "not a Postman v2 collection"),
        (
            '{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v1.0.0/collection.json"}, "item": []}',
            "unsupported collection schema",
        ),
    ],
)
def test_bad_collections_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CollectionError, match=message):
        load_collection(path)


def test_missing_collection_and_environment_files(tmp_path: Path) -> None:
    with pytest.raises(CollectionError, match="not found"):
        load_collection(tmp_path / "absent.json")
    env = tmp_path / "env.json"
    env.write_text(
        json.dumps({"values": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "enabled": False}]})
    )
    assert load_variables(env) == {"a": "1"}


def test_bundled_realworld_collection_is_upstream() -> None:
    collection = load_collection("realworld")
    assert len(collection.items) == 32
    upstream = bundled_path("realworld")
    assert [i.name for i in collection.items] == [i.name for i in load_collection(upstream).items]


# --- scripts that misbehave -----------------------------------------------------------------------------


def test_endless_script_is_stopped_and_the_run_goes_on(
    tmp_path: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cdverify.contract.sandbox.SCRIPT_TIME_LIMIT_S", 0.5)
    path = _collection(
        tmp_path,
        [
            _get("loops", "{{baseUrl}}/sandbox/echo", "tests['before the loop'] = true;", "while (true) {}"),
            _get("after", "{{baseUrl}}/sandbox/echo", "tests['the next request still runs'] = true;"),
        ],
    )
    result = run_collection(load_collection(path), RunOptions(globals={"baseUrl": server}))
    first, second = result.executions
    assert first.script_errors and "timed out" in first.script_errors[0].error.message.lower()
    assert [a.name for a in second.assertions] == ["the next request still runs"]


def test_script_has_no_file_network_or_process_access(tmp_path: Path, server: str) -> None:
    """require() gives Postman's packages and nothing of the machine; pm.sendRequest goes through the runner."""
    path = _collection(
        tmp_path,
        [
            _get(
                "isolated",
                "{{baseUrl}}/sandbox/echo",
                "tests['no process'] = typeof process === 'undefined';",
                "tests['no std or os modules'] = typeof std === 'undefined' && typeof os === 'undefined';",
                "pm.test('no fs, child_process or net', function () {",
                "  ['fs', 'child_process', 'net', 'http', 'os', '../../sandbox.js'].forEach(function (name) {",
                "    pm.expect(function () { require(name); }).to.throw(/Cannot find module/);",
                "  });",
                "});",
                "pm.test('Postman packages load', function () {",
                "  pm.expect(require('lodash').chunk([1, 2, 3], 2)).to.eql([[1, 2], [3]]);",
                "  pm.expect(require('moment')('2024-01-02').format('YYYY')).to.equal('2024');",
                "});",
                "pm.sendRequest(pm.variables.get('baseUrl') + '/sandbox/echo', function (err, res) {",
                "  pm.test('pm.sendRequest reaches the server', function () {",
                "    pm.expect(err).to.equal(null);",
                "    pm.expect(res.code).to.equal(200);",
                "  });",
                "});",
            )
        ],
    )
    result = run_collection(load_collection(path), RunOptions(globals={"baseUrl": server}))
    assert [(a.name, a.passed) for a in result.assertions] == [
        ("no fs, child_process or net", True),
        ("Postman packages load", True),
        ("no process", True),
        ("no std or os modules", True),
        ("pm.sendRequest reaches the server", True),
    ]


def test_syntax_error_is_a_script_error_not_a_crash(tmp_path: Path, server: str) -> None:
    path = _collection(tmp_path, [_get("broken", "{{baseUrl}}/sandbox/echo", "tests['x'] = (;")])
    result = run_collection(load_collection(path), RunOptions(globals={"baseUrl": server}))
    assert result.total == 0
    assert result.executions[0].script_errors[0].error.name == "SyntaxError"


# --- reports --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def realworld_on_faulty(faulty_server: str) -> Any:
    reset_faulty_server(faulty_server)
    globals_ = {"APIURL": f"{faulty_server}/api", "USERNAME": "u", "EMAIL": "u@mail.com", "PASSWORD": "p"}
    return run_collection(load_collection("realworld"), RunOptions(globals=globals_, timeout_request_ms=2000))


def test_json_report_is_versioned_and_counts_agree(realworld_on_faulty: Any) -> None:
    document = to_json(realworld_on_faulty)
    assert document["schema_version"] == CONTRACT_SCHEMA_VERSION
    summary = document["summary"]
    assertions = [a for e in document["executions"] for a in e["assertions"]]
    assert summary["assertions"] == len(assertions) == realworld_on_faulty.total
    assert summary["failed"] == sum(not a["passed"] for a in assertions) > 0
    assert summary["score"] == pytest.approx(summary["passed"] / summary["assertions"], abs=1e-6)
    timed_out = [e for e in document["executions"] if e["request"] and e["request"]["error"]]
    assert timed_out and "ESOCKETTIMEDOUT" in timed_out[0]["request"]["error"]
    assert summary["failed_requests"] == len(timed_out)


def test_junit_report_parses_and_matches(realworld_on_faulty: Any) -> None:
    root = ET.fromstring(render_junit(realworld_on_faulty))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == realworld_on_faulty.total
    assert len(root.findall("./testsuite/testcase/failure")) == realworld_on_faulty.failed
    assert root.get("tests") == str(realworld_on_faulty.total)
    assert len(root.findall("./testsuite")) == len(realworld_on_faulty.executions)


def test_text_report_names_failures_and_score(realworld_on_faulty: Any) -> None:
    text = render_text(realworld_on_faulty)
    assert f"{realworld_on_faulty.total} total, {realworld_on_faulty.passed} passed" in text
    assert "✗" in text and "errored: ESOCKETTIMEDOUT" in text


# --- command line ---------------------------------------------------------------------------------------


def _cdverify(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cdverify", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_cli_run_exit_codes_and_formats(tmp_path: Path, server: str) -> None:
    passing = _collection(
        tmp_path,
        [_get("ok", "{{baseUrl}}/sandbox/echo", "tests['echo answers'] = responseCode.code === 200;")],
    )
    run = _cdverify(
        "contract",
        "run",
        str(passing),
        "--base-url",
        server,
        "--format",
        "json",
        "--junit",
        str(tmp_path / "j.xml"),
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["summary"]["passed"] == 1
    assert ET.parse(tmp_path / "j.xml").getroot().get("tests") == "1"
    failing = _cdverify("contract", "run", str(passing), "--base-url", server + "/nowhere")
    assert failing.returncode == 1 and "0 passed" in failing.stdout
    usage = _cdverify("contract", "run", str(tmp_path / "absent.json"))
    assert usage.returncode == 2 and "not found" in usage.stderr
    bad_global = _cdverify("contract", "run", str(passing), "--global", "novalue")
    assert bad_global.returncode == 2 and "KEY=VALUE" in bad_global.stderr


def test_failures_name_request_assertion_values_and_status(tmp_path: Path, server: str) -> None:
    """Each failure says which request, which assertion, what was expected and what came, and the status
    code; `--failures-only` keeps only the items that failed, in text and JSON, while the totals count all."""
    collection = _collection(
        tmp_path,
        [
            _get(
                "fine",
                "{{baseUrl}}/sandbox/echo",
                "pm.test('answers', () => pm.response.to.have.status(200));",
            ),
            _get(
                "wrong",
                "{{baseUrl}}/sandbox/echo",
                "pm.test('created', () => pm.response.to.have.status(201));",
                "pm.test('method', () => pm.expect(pm.request.method).to.eql('POST'));",
                "pm.test('plain', () => { throw new TypeError('not chai'); });",
                "pm.test('passes', () => {});",
            ),
            _get("gone", "http://127.0.0.1:9/refused", "pm.test('never', () => {});"),
            _get("throws", "{{baseUrl}}/sandbox/echo", "undefinedFunction();"),
        ],
    )
    run = _cdverify(
        "contract", "run", str(collection), "--base-url", server, "--format", "json", "--failures-only"
    )
    assert run.returncode == 1, run.stderr
    document = json.loads(run.stdout)
    assert (
        document["schema_version"] == CONTRACT_SCHEMA_VERSION == "1.3" and document["failures_only"] is True
    )
    assert [e["name"] for e in document["executions"]] == ["wrong", "gone", "throws"]
    assert document["summary"]["assertions"] == 6 and document["summary"]["passed"] == 3
    url = f"{server}/sandbox/echo"
    assert document["failures"][:3] == [
        {
            "kind": "assertion",
            "request": "wrong",
            "method": "GET",
            "url": url,
            "status": 200,
            "assertion": "created",
            "message": "expected response to have status code 201 but got 200",
            "expected": "201",
            "actual": "200",
        },
        {
            "kind": "assertion",
            "request": "wrong",
            "method": "GET",
            "url": url,
            "status": 200,
            "assertion": "method",
            "message": "expected 'GET' to deeply equal 'POST'",
            "expected": '"POST"',
            "actual": '"GET"',
        },
        {
            "kind": "assertion",
            "request": "wrong",
            "method": "GET",
            "url": url,
            "status": 200,
            "assertion": "plain",
            "message": "not chai",
            "expected": None,
            "actual": None,
        },
    ]
    gone, throws = document["failures"][3:]
    assert (gone["kind"], gone["status"], gone["assertion"]) == ("request_error", None, None)
    assert "ECONNREFUSED" in gone["message"]
    assert (throws["kind"], throws["status"]) == ("script_error", 200)
    assert "ReferenceError" in throws["message"]
    wrong = document["executions"][0]["assertions"][0]["error"]
    assert (wrong["expected"], wrong["actual"]) == ("201", "200")

    text = _cdverify("contract", "run", str(collection), "--base-url", server, "--failures-only").stdout
    assert "→ fine" not in text and "→ wrong" in text and "✓" not in text
    assert "✗ created  (expected response to have status code 201 but got 200; expected 201, got 200)" in text
    assert "6 total, 3 passed, 3 failed" in text
    everything = json.loads(
        _cdverify("contract", "run", str(collection), "--base-url", server, "--format", "json").stdout
    )
    assert len(everything["executions"]) == 4 and everything["failures"] == document["failures"]


# --- server lifecycle -----------------------------------------------------------------------------------


def _project(tmp_path: Path, run_sh: str) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "run.sh").write_text(
        "#!/usr/bin/env bash\n" + run_sh + "\n"
    )  # not executable: serve chmods it
    (project / "old.db").write_bytes(b"stale data")
    return project


def _no_leftovers(marker: str) -> None:
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]
    assert not leftovers, f"processes left behind: {[p.info['cmdline'] for p in leftovers]}"


def test_serve_runs_a_healthy_project_then_cleans_up(tmp_path: Path) -> None:
    marker = f"cdverify-serve-{os.getpid()}"
    project = _project(tmp_path, f'exec -a {marker} "{sys.executable}" "{FAULTY_SERVER}" --port "$PORT"')
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    os.environ["TMPDIR"] = str(scratch_parent)
    try:
        import tempfile

        tempfile.tempdir = None
        with served(project, ServeOptions(database=HarnessDatabase.SQLITE)) as server:
            assert server.healthy and server.health_status == 200
            assert not (server.workdir / "old.db").exists()  # a fresh database: no SQLite files copied
            result = run_collection(
                load_collection("realworld"),
                RunOptions(
                    globals={"APIURL": server.base_url, "USERNAME": "u", "EMAIL": "e@x", "PASSWORD": "p"},
                    timeout_request_ms=2000,
                ),
            )
            log = server.log_tail()
        assert result.total > 0 and result.passed > 0
        assert "$ ./run.sh" in log
        assert list(scratch_parent.iterdir()) == []
    finally:
        del os.environ["TMPDIR"]
        tempfile.tempdir = None
    _no_leftovers(marker)


def test_serve_crashing_server_still_gives_a_result(tmp_path: Path) -> None:
    project = _project(tmp_path, "echo 'boom: missing module' >&2; exit 3")
    with served(project, ServeOptions(health_timeout_s=10)) as server:
        result = run_collection(
            load_collection("realworld"),
            RunOptions(globals={"APIURL": server.base_url}, timeout_request_ms=1000),
        )
        record = server.describe()
    assert not record["healthy"] and record["exit_code"] == 3
    assert "boom: missing module" in record["log"]
    assert result.passed == 0 and len(result.executions) == 32


def test_serve_hanging_server_times_out_and_its_tree_is_killed(tmp_path: Path) -> None:
    marker = f"cdverify-hang-{os.getpid()}"
    # a child that leaves the process group, and a foreground process that never listens
    project = _project(tmp_path, f"setsid bash -c 'exec -a {marker} sleep 300' &\nexec -a {marker} sleep 300")
    with served(project, ServeOptions(health_timeout_s=1.5)) as server:
        assert not server.healthy
        assert any("not healthy after" in note for note in server.notes)
        assert [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]
    _no_leftovers(marker)


def test_ctrl_c_during_serve_stops_everything(tmp_path: Path) -> None:
    marker = f"cdverify-ctrlc-{os.getpid()}"
    project = _project(tmp_path, f"exec -a {marker} sleep 300")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "cdverify", "contract", "serve", str(project), "--health-timeout", "120"],
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]:
        assert time.monotonic() < deadline, "the server never started"
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    assert process.returncode != 0
    _no_leftovers(marker)
    assert list(scratch.iterdir()) == []


def test_openapi_issues_are_reported_apart_from_the_score(faulty_server: str) -> None:
    from cdverify.contract.openapi import OpenAPIChecker

    globals_ = {"APIURL": f"{faulty_server}/api", "USERNAME": "u", "EMAIL": "u@mail.com", "PASSWORD": "p"}
    reset_faulty_server(faulty_server)
    plain = run_collection(
        load_collection("realworld"), RunOptions(globals=globals_, timeout_request_ms=2000)
    )
    reset_faulty_server(faulty_server)
    checked = run_collection(
        load_collection("realworld"),
        RunOptions(
            globals=globals_,
            timeout_request_ms=2000,
            checker=OpenAPIChecker.load("realworld"),
            openapi="realworld",
        ),
    )
    assert [(a.name, a.passed) for a in checked.assertions] == [(a.name, a.passed) for a in plain.assertions]
    issues: dict[str, Any] = {}
    for execution in checked.executions:  # names repeat in the collection: keep the first
        issues.setdefault(execution.name, execution.schema_issues)
    assert ("body", "/article/favoritesCount") in {(i.kind, i.pointer) for i in issues["Create Article"]}
    assert {i.kind for i in issues["Single Article by slug"]} & {"content-type", "unparseable-body"}
    assert issues["Profile"] and issues["Profile"][0].kind == "undocumented-status"
    assert issues["All Articles"] == ()  # the empty list conforms (null author bios come later)
    assert issues["Feed"] == ()  # timed out: no response to check
    assert to_json(checked)["openapi"] == {"spec": "realworld", "issues": checked.schema_issue_count}


def test_json_report_keys_are_the_documented_ones(realworld_on_faulty: Any) -> None:
    """docs/contract.md#reports lists these; removing or renaming one needs a new major schema version."""
    document = to_json(realworld_on_faulty)
    assert set(document) == {
        "schema_version",
        "collection",
        "summary",
        "failures",
        "failures_only",
        "executions",
    }
    assert set(document["failures"][0]) == {
        "kind",
        "request",
        "method",
        "url",
        "status",
        "assertion",
        "message",
        "expected",
        "actual",
    }
    assert set(document["summary"]) == {
        "requests",
        "failed_requests",
        "assertions",
        "passed",
        "failed",
        "skipped",
        "score",
        "script_errors",
        "failures",
        "duration_ms",
        "unresolved_variables",
        "stopped",
    }
    execution = document["executions"][0]
    assert set(execution) == {"name", "id", "folder", "request", "assertions", "script_errors", "console"}
    assert set(execution["request"]) == {"method", "url", "status", "reason", "time_ms", "size", "error"}
    assert set(execution["assertions"][0]) == {"name", "passed", "skipped", "error"}


def test_legacy_json_parse_throws_json_errors_and_unset_variables_are_reported(
    tmp_path: Path, server: str
) -> None:
    path = _collection(
        tmp_path,
        [
            _get("html body", "{{baseUrl}}/sandbox/html", "var data = JSON.parse(responseBody);"),
            _get("unset variable", "{{baseUrl}}/sandbox/echo?user={{nobody}}", "tests['sent'] = true;"),
        ],
    )
    result = run_collection(load_collection(path), RunOptions(globals={"baseUrl": server}))
    assert result.executions[0].script_errors[0].error.name == "JSONError"  # as newman names it
    assert result.unresolved == ["nobody"]
    run = _cdverify("contract", "run", str(path), "--base-url", server)
    assert "variables never set" in run.stderr and "nobody" in run.stderr


def test_test_scripts_see_the_body_that_was_sent(tmp_path: Path, server: str) -> None:
    """A {{$guid}} resolves once per request: the echo and pm.request.body agree."""
    item = _get(
        "post",
        "{{baseUrl}}/sandbox/echo",
        "tests['same guid'] = JSON.parse(pm.response.json().body).id === JSON.parse(pm.request.body.raw).id;",
    )
    item["request"].update(method="POST", body={"mode": "raw", "raw": '{"id": "{{$guid}}"}'})
    result = run_collection(
        load_collection(_collection(tmp_path, [item])), RunOptions(globals={"baseUrl": server})
    )
    assert [(a.name, a.passed) for a in result.assertions] == [("same guid", True)]
