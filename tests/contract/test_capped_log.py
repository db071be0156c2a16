"""A server that prints without end leaves a bounded log: its start on disk, its end kept, the rest counted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cdverify.contract.logs import CappedLog

pytestmark = pytest.mark.integration  # a process flooding its log for seconds

FLOOD = "import sys\nfor i in range(1_000_000):\n    sys.stdout.write(f'line {i:07d} ' + 'x' * 40 + '\\n')\n"


def test_a_flooding_process_leaves_its_head_and_tail_and_a_count(tmp_path: Path) -> None:
    log = CappedLog(tmp_path / "server.log", head_bytes=64 * 1024, tail_bytes=32 * 1024)
    log.write(b"$ ./run.sh\n")
    process = subprocess.Popen(
        [sys.executable, "-c", FLOOD], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    log.pump(process.stdout)
    assert process.wait(timeout=120) == 0
    log.close()
    data = (tmp_path / "server.log").read_bytes()
    assert len(data) < 64 * 1024 + 32 * 1024 + 100  # 55 MB were printed
    assert data.startswith(b"$ ./run.sh\nline 0000000 ")
    assert data.rstrip().endswith(b"line 0999999 " + b"x" * 40)
    marker = next(line for line in data.splitlines() if line.startswith(b"[cdverify:"))
    left_out = int(marker.split()[1])
    assert left_out == 11 + 1_000_000 * 54 - (64 * 1024) - (32 * 1024)  # every byte accounted for


def test_a_quiet_process_keeps_everything(tmp_path: Path) -> None:
    with CappedLog(tmp_path / "server.log") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "print('listening on 8080')"], stdout=subprocess.PIPE
        )
        assert process.stdout is not None
        log.pump(process.stdout)
        process.wait(timeout=30)
    assert (tmp_path / "server.log").read_bytes() == b"listening on 8080\n"


def test_writes_after_close_are_ignored(tmp_path: Path) -> None:
    log = CappedLog(tmp_path / "server.log")
    log.write(b"kept\n")
    log.close()
    log.write(b"late\n")
    log.close()
    assert (tmp_path / "server.log").read_bytes() == b"kept\n"
