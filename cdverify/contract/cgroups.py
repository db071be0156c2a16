"""A cgroup per run, where the machine offers one: every process the run starts, found and killed at once.

The mark in the environment (processes.py) finds a run's processes wherever they went, unless one clears
its environment (`env -i`) before it leaves the tree. A cgroup cannot be left that way: a process and all
it starts stay in it, and `cgroup.kill` kills them all at once. Where cdverify may create cgroups (cgroup
v2, mounted at /sys/fs/cgroup or at /sys/fs/cgroup/unified on a hybrid host, and writable: root, or a
delegated subtree), each run's commands join one of their own, named after the run's mark, before they
start: `{ echo $$ > …/cgroup.procs; } 2>/dev/null; exec …`. Where it may not, the commands run unchanged
and the mark alone does the work (so it does with CDVERIFY_CGROUPS=0, which the tests use to check it).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import time
from dataclasses import dataclass
from pathlib import Path

PREFIX = "cdverify-"
SWITCH = "CDVERIFY_CGROUPS"  # "0": no cgroups, the marks alone


def _own_cgroup() -> Path | None:
    """Where this process's cgroup v2 lives in the file system, or None without a cgroup v2."""
    try:
        lines = Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    relative = next((line[3:] for line in lines if line.startswith("0::")), None)
    if relative is None:
        return None
    for mount in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        if (mount / "cgroup.procs").is_file() and (mount / "cgroup.controllers").is_file():
            return mount / relative.lstrip("/")
    return None


@dataclass(frozen=True)
class RunGroup:
    """The cgroup of one run."""

    path: Path

    @classmethod
    def create(cls, mark: str) -> RunGroup | None:
        """A new cgroup for the run marked `mark`, or None where this machine does not let us make one."""
        parent = _own_cgroup()
        if parent is None or os.environ.get(SWITCH) == "0":
            return None
        path = parent / f"{PREFIX}{mark}"
        try:
            path.mkdir()
        except OSError:
            return None
        return cls(path)

    def wrap(self, command: str) -> str:
        """The shell command `command`, run from inside this cgroup (unchanged if it cannot join)."""
        procs = shlex.quote(str(self.path / "cgroup.procs"))
        return f"{{ echo $$ > {procs}; }} 2>/dev/null; exec bash -c {shlex.quote(command)}"

    def pids(self) -> list[int]:
        try:
            return [int(line) for line in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def remove(self, wait_s: float = 5.0) -> None:
        """Kill every process in the cgroup (`cgroup.kill`, else SIGKILL one by one), then remove it."""
        kill = self.path / "cgroup.kill"
        deadline = time.monotonic() + wait_s
        while self.pids() and time.monotonic() < deadline:
            try:
                kill.write_text("1")
            except OSError:  # a kernel before 5.14: one by one
                for pid in self.pids():
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def orphaned(owner_alive: object) -> list[RunGroup]:
    """The run cgroups whose owner (the first two parts of the mark in their name) is gone.
    `owner_alive`: a predicate on an owner (processes.py)."""
    parent = _own_cgroup()
    if parent is None or not parent.is_dir():
        return []
    found = []
    for path in parent.glob(f"{PREFIX}*"):
        owner = path.name[len(PREFIX) :].rsplit(".", 1)[0]
        if path.is_dir() and not owner_alive(owner):  # type: ignore[operator]
            found.append(RunGroup(path))
    return found
