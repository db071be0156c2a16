"""Every process a run starts, found and stopped — also those that leave the process tree.

A server may start children that open their own session, double-fork into daemons (re-parented away from
cdverify) or ignore SIGTERM. Walking the tree misses the first two, so each run marks what it starts: the
variable CDVERIFY_RUN_MARK=`{owner pid}.{owner start time}.{run id}` is in the environment of the run's
commands, every descendant inherits it, and `/proc/*/environ` finds them all, wherever they went. (Where
the machine offers cgroup v2, each run also has a cgroup of its own: cgroups.py.)

Because the owner is named in the mark, a later cdverify can tell the leftovers of one that was killed
(SIGKILL gives no chance to clean up): `reap_orphans` stops every marked process whose owner is gone and
removes the scratch folders such an owner left (`cdverify-serve-*`, `cdverify-pg-*`, each with an `owner`
file written when it was made).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import psutil

MARK_VARIABLE = "CDVERIFY_RUN_MARK"
OWNER_FILE = ".cdverify-owner"
SCRATCH_PREFIXES = ("cdverify-serve-", "cdverify-pg-", "cdverify-grade-")


def _owner() -> str:
    """This process, as `{pid}.{start time}`: a pid reused by another program is not mistaken for us."""
    me = psutil.Process()
    return f"{me.pid}.{me.create_time():.2f}"


def new_mark() -> str:
    return f"{_owner()}.{uuid.uuid4().hex[:12]}"


# how far two readings of one process's start time may differ: psutil derives it from the boot time, which
# the kernel's clock adjustments may move by hundredths of a second between readings (the likely cause of a
# CI run whose live PostgreSQL cluster folder was reaped before its teardown); a reused pid starts later still
_START_TOLERANCE_S = 1.0


def _owner_alive(owner: str) -> bool:
    pid_text, _, started = owner.partition(".")
    try:
        process = psutil.Process(int(pid_text))
        return abs(process.create_time() - float(started)) < _START_TOLERANCE_S
    except (ValueError, psutil.Error):
        return False


def _marks() -> Iterable[tuple[psutil.Process, str]]:
    """Every process that carries a mark, with the mark (other users' processes are unreadable: skipped)."""
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            mark = process.environ().get(MARK_VARIABLE)
            if mark:
                yield process, mark


def marked(mark: str) -> list[psutil.Process]:
    """The processes that carry `mark`."""
    return [process for process, found in _marks() if found == mark]


def _running(process: psutil.Process) -> bool:
    """Alive, and not a zombie: a killed process that left our tree is reaped by init when init gets to
    it (a second later in some containers), but it is gone for us."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def wait_gone(processes: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """Wait until every process has ended (or is a zombie), at most `timeout_s`; those still running."""
    deadline = time.monotonic() + timeout_s
    pause = 0.01
    while (alive := [process for process in processes if _running(process)]) and time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
        processes = alive
    return alive


def stop(processes: list[psutil.Process], grace_s: float = 5.0) -> None:
    """SIGTERM, then SIGKILL what is still alive after `grace_s`."""
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    alive = wait_gone(processes, grace_s)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    wait_gone(alive, grace_s)


def stop_marked(mark: str, grace_s: float = 5.0) -> int:
    """Stop every process that carries `mark`; how many there were."""
    found = marked(mark)
    stop(found, grace_s)
    return len(found)


def _process_tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def stop_tree(process: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    """SIGTERM the process group and every descendant (also those that left the group), then SIGKILL."""
    tree = _process_tree(process.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    for member in tree:
        with contextlib.suppress(psutil.Error):
            member.terminate()
    alive = wait_gone(tree, grace_s)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for member in alive:
        with contextlib.suppress(psutil.Error):
            member.kill()
    wait_gone(alive, grace_s)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_s)


def claim(folder: Path) -> Path:
    """Write the owner file into a scratch folder this process made, so that a later cdverify can remove it
    if this one is killed before it does."""
    (folder / OWNER_FILE).write_text(_owner(), encoding="utf-8")
    return folder


def reap_orphans(scratch_root: Path | None = None, grace_s: float = 2.0) -> tuple[int, int]:
    """What cdverify processes that are gone left: their marked processes stopped, their runs' cgroups
    emptied and removed, their scratch folders removed. Returns (processes stopped, folders removed)."""
    from cdverify.contract.cgroups import orphaned

    for group in orphaned(_owner_alive):
        group.remove()
    orphans = [process for process, mark in _marks() if not _owner_alive(mark.rsplit(".", 1)[0])]
    stop(orphans, grace_s)
    root = scratch_root or Path(tempfile.gettempdir())
    removed = 0
    for folder in root.iterdir() if root.is_dir() else ():
        if not folder.name.startswith(SCRATCH_PREFIXES) or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            owner = (folder / OWNER_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            continue  # not claimed (yet): never ours to remove
        if not _owner_alive(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return len(orphans), removed


def marked_environment(mark: str, base: dict[str, str] | None = None) -> dict[str, str]:
    return {**(os.environ if base is None else base), MARK_VARIABLE: mark}
