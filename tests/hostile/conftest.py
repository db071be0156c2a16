"""The hostile-input suite (issue 15): cdverify run as a user runs it, on inputs built to break it.

Every case runs `python -m cdverify …` in a process of its own, in a session of its own, with its own
temporary folder (TMPDIR) and a token in its environment, and gives an `Outcome`: exit code, output, wall
time, peak RSS, and what it left behind — processes that carry the token or run in the case's folders, and
files in its temporary folder. `expect_clean` asserts the common contract of the issue: no traceback, no
"internal error", no hang, no death by a signal, nothing left running or lying about.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

TOKEN_VARIABLE = "CDVERIFY_HOSTILE_CASE"
# files cdverify keeps in its temporary folder by design: machine-wide port locks (behaviour.port_lock)
KEPT_IN_TMP = (".lock",)


@dataclass
class Outcome:
    command: list[str]
    code: int  # negative: killed by that signal
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_mb: float
    hung: bool = False
    leaked: list[str] = field(default_factory=list)  # processes still running after cdverify ended
    leftovers: list[str] = field(default_factory=list)  # what stayed in its temporary folder

    def describe(self) -> str:
        return (
            f"$ {' '.join(self.command)}\nexit {self.code} in {self.wall_s:.1f} s, {self.peak_rss_mb:.0f} MB"
            f"{' (HUNG: killed)' if self.hung else ''}\nleaked: {self.leaked}\nleftovers: {self.leftovers}\n"
            f"--- stdout (end)\n{self.stdout[-1500:]}\n--- stderr (end)\n{self.stderr[-3000:]}"
        )


def _strays(token: str, folders: Iterable[Path]) -> list[psutil.Process]:
    """Processes that carry the case's token, or whose working folder or command line is in its folders."""
    roots = [str(folder) for folder in folders]
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if process.environ().get(TOKEN_VARIABLE) == token:
                found.append(process)
                continue
            cwd = process.cwd()
            line = " ".join(process.cmdline())
        except (psutil.Error, OSError):
            continue
        if any(cwd.startswith(root) or root in line for root in roots):
            found.append(process)
    return found


class PeakMemory:
    """The largest resident set any process of cdverify's tree reached (VmHWM from /proc, sampled every
    20 ms while it runs). Not wait4's ru_maxrss: a forked child starts with its parent's high-water mark,
    so under a test process grown to 300 MB every case would read 300 MB."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                tree = []
            for process in tree:
                try:
                    status = Path(f"/proc/{process.pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            self._done.wait(0.02)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024


def run_cdverify(
    args: list[str],
    tmp: Path,
    *,
    timeout_s: float = 60.0,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    watch: Iterable[Path] = (),
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Outcome:
    """Run cdverify with `args`; `tmp` becomes its TMPDIR (and must be empty afterwards). A run past
    `timeout_s` is killed with its whole session and marked hung. `watch`: more folders whose processes
    count as the case's (the project, say). `on_start` is called with the process once it runs."""
    token = uuid.uuid4().hex
    tmp.mkdir(parents=True, exist_ok=True)
    logs = tmp.parent / f"{tmp.name}.logs"
    logs.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "cdverify", *args]
    environment = {**os.environ, **(env or {}), TOKEN_VARIABLE: token, "TMPDIR": str(tmp)}
    environment.pop("CDVERIFY_DEBUG", None)
    started = time.monotonic()
    with (logs / "out").open("wb") as out, (logs / "err").open("wb") as err:
        process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, env=environment,
            start_new_session=True,
        )  # fmt: skip
        reaped: dict[str, tuple[int, int, object]] = {}
        waiter = threading.Thread(target=lambda: reaped.setdefault("status", os.wait4(process.pid, 0)))
        memory = PeakMemory(process.pid)  # sampled until it is reaped (a zombie has no memory left)
        waiter.start()
        if on_start is not None:
            on_start(process)
        waiter.join(timeout_s)
        hung = waiter.is_alive()
        if hung:
            os.killpg(process.pid, signal.SIGKILL)
            waiter.join()
    wall = time.monotonic() - started
    _, status, _ = reaped["status"]
    peak_rss_mb = memory.stop()
    process.returncode = code = os.waitstatus_to_exitcode(status)
    leaked = []
    deadline = time.monotonic() + 3.0  # what cdverify stopped on its way out may take a moment to go
    while strays := _strays(token, [tmp, *watch]):
        if time.monotonic() > deadline:
            leaked = [f"{p.pid} {' '.join(p.cmdline())[:200]}" for p in strays if p.is_running()]
            for stray in strays:
                with contextlib.suppress(psutil.Error):
                    stray.kill()
            break
        time.sleep(0.1)
    leftovers = sorted(
        str(path.relative_to(tmp)) for path in tmp.iterdir() if not path.name.endswith(KEPT_IN_TMP)
    )
    return Outcome(
        command=[*args],
        code=code,
        stdout=(logs / "out").read_text(encoding="utf-8", errors="replace"),
        stderr=(logs / "err").read_text(encoding="utf-8", errors="replace"),
        wall_s=wall,
        peak_rss_mb=peak_rss_mb,
        hung=hung,
        leaked=leaked,
        leftovers=leftovers,
    )


def expect_clean(
    outcome: Outcome,
    codes: Iterable[int] = (0, 1),
    *,
    max_wall_s: float | None = None,
    max_rss_mb: float = 1024.0,
) -> Outcome:
    """The contract every hostile case keeps, whatever its input."""
    text = outcome.describe()
    assert not outcome.hung, text
    assert outcome.code >= 0, f"killed by signal {-outcome.code}\n{text}"
    assert "Traceback (most recent call last)" not in outcome.stderr + outcome.stdout, text
    assert "internal error" not in outcome.stderr, text
    assert outcome.code in set(codes), text
    assert not outcome.leaked, text
    assert not outcome.leftovers, text
    if max_wall_s is not None:
        assert outcome.wall_s <= max_wall_s, text
    assert outcome.peak_rss_mb <= max_rss_mb, text
    return outcome


@pytest.fixture
def hostile(tmp_path: Path) -> Callable[..., Outcome]:
    """`hostile(args, **options)`: run_cdverify with a fresh temporary folder of the test's own."""
    counter = iter(range(1_000_000))

    def run(args: list[str], **options: object) -> Outcome:
        return run_cdverify(args, tmp_path / f"tmp{next(counter)}", **options)  # type: ignore[arg-type]

    return run
