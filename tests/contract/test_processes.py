"""Processes a run starts are found by their mark wherever they went, and a killed cdverify's leftovers are
reaped by the next one. Real processes: daemons that leave the tree, children that ignore SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from cdverify.contract.processes import (
    MARK_VARIABLE,
    claim,
    marked,
    marked_environment,
    new_mark,
    reap_orphans,
    stop_marked,
)

pytestmark = pytest.mark.integration  # real daemons and processes that ignore SIGTERM

# a server that leaves: a daemon in its own session, re-parented away, and a child that ignores SIGTERM
ESCAPING = textwrap.dedent(
    """
    setsid bash -c 'sleep 300' < /dev/null > /dev/null 2>&1 &
    ( trap '' TERM; exec -a stubborn sleep 300 ) &
    ( ( sleep 300 ) & ) &
    sleep 0.3
    """
)


def _wait_for(predicate: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_every_marked_process_is_stopped_also_those_that_left_the_tree() -> None:
    mark = new_mark()
    parent = subprocess.Popen(["bash", "-c", ESCAPING], env=marked_environment(mark))
    parent.wait(timeout=10)  # the parent is gone: what it started is no longer in any tree of ours
    assert _wait_for(lambda: len(marked(mark)) >= 3), marked(mark)
    me = psutil.Process()
    assert not any(process in me.children(recursive=True) for process in marked(mark))
    assert stop_marked(mark, grace_s=1.0) >= 3
    assert marked(mark) == []


def test_another_runs_processes_are_left_alone() -> None:
    mine, theirs = new_mark(), new_mark()
    other = subprocess.Popen(["sleep", "300"], env=marked_environment(theirs))
    try:
        assert _wait_for(lambda: len(marked(theirs)) == 1)
        assert stop_marked(mine) == 0
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


OWNER = textwrap.dedent(
    """
    import subprocess, sys, tempfile, time
    from pathlib import Path
    from cdverify.contract.processes import claim, marked_environment, new_mark
    folder = claim(Path(tempfile.mkdtemp(prefix="cdverify-serve-", dir=sys.argv[1])))
    subprocess.Popen(["sleep", "300"], env=marked_environment(new_mark()), start_new_session=True)
    print(folder, flush=True)
    time.sleep(300)
    """
)


def test_the_leftovers_of_a_killed_cdverify_are_reaped_by_the_next(tmp_path: Path) -> None:
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert owner.stdout is not None
    folder = Path(owner.stdout.readline().strip())
    assert folder.is_dir()
    owner_mark_prefix = f"{owner.pid}."

    def orphans() -> list[psutil.Process]:
        found = []
        for process in psutil.process_iter():
            try:
                if process.environ().get(MARK_VARIABLE, "").startswith(owner_mark_prefix):
                    found.append(process)
            except psutil.Error:
                continue
        return found

    assert _wait_for(lambda: len(orphans()) == 1)
    os.kill(owner.pid, signal.SIGKILL)  # no chance to clean up
    owner.wait()
    mine = claim(Path(tempfile.mkdtemp(prefix="cdverify-serve-", dir=tmp_path)))  # a live owner's folder
    unclaimed = Path(tempfile.mkdtemp(prefix="cdverify-serve-", dir=tmp_path))  # being made: not claimed yet
    stopped, removed = reap_orphans(tmp_path, grace_s=1.0)
    assert stopped >= 1 and removed == 1
    assert orphans() == [] and not folder.exists()
    assert mine.is_dir() and unclaimed.is_dir()


HEALTHY_SERVER = textwrap.dedent(
    """
    import http.server, os, sys
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args):
            sys.stdout.write("request " + "x" * 200 + "\\n")
    http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Health).serve_forever()
    """
)


def _project_starting(tmp_path: Path, before: str) -> Path:
    """A healthy server whose run.sh first runs the shell lines `before`."""
    project = tmp_path / "app"
    project.mkdir()
    (project / "server.py").write_text(HEALTHY_SERVER, encoding="utf-8")
    (project / "run.sh").write_text(f"{before}exec {sys.executable} server.py\n", encoding="utf-8")
    return project


def _running(*arguments: str) -> list[psutil.Process]:
    """The processes with one of `arguments` on their command line."""
    return [p for p in psutil.process_iter(["cmdline"]) if set(arguments) & set(p.info["cmdline"] or ())]


def test_a_served_project_leaves_nothing_running_even_what_escaped(tmp_path: Path) -> None:
    from cdverify.contract.server import ServeOptions, served

    # a daemon in its own session, and a child that ignores SIGTERM: neither is in the server's tree at the end
    project = _project_starting(
        tmp_path,
        "( setsid sleep 31337 < /dev/null > /dev/null 2>&1 & )\n( ( trap '' TERM; sleep 31338 ) & )\n",
    )
    with served(project, ServeOptions(health_timeout_s=20)) as server:
        assert server.healthy
        assert _wait_for(lambda: len(_running("31337", "31338")) == 2)
        scratch = server.workdir.parent
    assert _running("31337", "31338") == [] and not scratch.exists()


def test_a_process_that_clears_its_environment_is_still_stopped_through_the_runs_cgroup(
    tmp_path: Path,
) -> None:
    from cdverify.contract.cgroups import RunGroup
    from cdverify.contract.server import ServeOptions, served

    probe = RunGroup.create(new_mark())
    assert probe is not None, "this machine offers cgroup v2 (the tests expect it to)"
    probe.remove()
    assert not probe.path.exists()
    # no mark can find this one: it drops its environment and leaves the tree
    project = _project_starting(
        tmp_path, "( setsid env -i /bin/sleep 31339 < /dev/null > /dev/null 2>&1 & )\n"
    )
    with served(project, ServeOptions(health_timeout_s=20)) as server:
        assert server.healthy and _wait_for(lambda: len(_running("31339")) == 1)
        assert MARK_VARIABLE not in _running("31339")[0].environ()
    assert _running("31339") == []


def test_an_owner_is_alive_though_its_start_time_reads_a_hundredth_apart() -> None:
    from cdverify.contract import processes

    me = psutil.Process()
    started = me.create_time()
    assert processes._owner_alive(f"{me.pid}.{started + 0.01:.2f}")  # a later reading, rounded otherwise
    assert processes._owner_alive(processes._owner())
    assert not processes._owner_alive(f"{me.pid}.{started + 5:.2f}")  # the pid reused by a later process
