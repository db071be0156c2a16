"""The progress line: on a terminal's stderr only (a real pseudo-terminal here), erased at the end, never
on a pipe nor with CDVERIFY_NO_PROGRESS, and the report on stdout the same bytes either way."""

from __future__ import annotations

import io
import os
import pty
import shutil
import sys
from pathlib import Path

import pytest

from cdverify import progress
from cdverify.cli import cli

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _drain(fd: int) -> bytes:
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):  # nothing left, or the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, terminal: bool) -> tuple[int, str, bytes]:
    """`cdverify ARGS` with stdout captured and stderr on a pseudo-terminal (or a pipe): exit code, stdout,
    and the bytes stderr received."""
    reader, writer = pty.openpty() if terminal else os.pipe()
    stderr = os.fdopen(writer, "w")
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main(args, prog_name="cdverify")
        stderr.flush()
        received = _drain(reader)
    finally:
        stderr.close()
        os.close(reader)
    return int(exited.value.code or 0), stdout.getvalue(), received


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus app, and a progress line drawn at once (no run of a test lasts the usual delay)."""
    monkeypatch.setattr(progress, "DELAY_S", 0.0)
    monkeypatch.setattr(progress, "_EVERY_S", 0.0)
    monkeypatch.delenv("CDVERIFY_NO_PROGRESS", raising=False)
    root = tmp_path / "app"
    shutil.copytree(CORPUS / "conduit-flask-clean", root, symlinks=True)
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["check", "-c", "clean_architecture", "--no-cache", "-j1"],
        ["inspect", "--format", "json", "--no-cache"],
        ["check", "-c", "clean_architecture", "--since", "HEAD", "--no-cache"],
    ],
)
def test_progress_on_a_terminal_only_and_the_report_unchanged(
    app: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    if "--since" in args:  # the baseline path of `check`, outside the result cache
        import subprocess

        subprocess.run(["git", "init", "-q"], cwd=app, check=True)
        subprocess.run(["git", "add", "-A"], cwd=app, check=True)
        git_id = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(["git", *git_id, "commit", "-q", "-m", "base"], cwd=app, check=True)
    command = [args[0], str(app), *args[1:]]
    code, shown, drawn = run(command, monkeypatch, terminal=True)
    text = drawn.decode()
    if "--since" not in args:
        assert "cdverify: discovering files" in text and "cdverify: writing the report" in text
        assert "cdverify: parsing" in text and "resolving imports" in text
    assert "detecting and verifying" in text
    assert text.endswith("\r") and text.rstrip("\r").split("\r")[-1].strip() == ""  # erased at the end
    assert "\n" not in text  # one line, redrawn
    piped = run(command, monkeypatch, terminal=False)
    assert piped == (code, shown, b"")  # the same report; nothing on a pipe
    monkeypatch.setenv("CDVERIFY_NO_PROGRESS", "1")
    assert run(command, monkeypatch, terminal=True) == (code, shown, b"")


def test_a_short_run_shows_nothing(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY_S", 60.0)
    code, shown, drawn = run(["inspect", str(app), "--no-cache"], monkeypatch, terminal=True)
    assert code == 0 and "layers" in shown.lower() and drawn == b""


def test_the_server_stages_follow_the_same_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`contract serve` and `evaluate` show where the server is on a terminal, unless CDVERIFY_NO_PROGRESS."""
    pytest.importorskip("rich")
    from cdverify.contract.cli import _stages

    reader, writer = pty.openpty()
    terminal = os.fdopen(writer, "w")
    monkeypatch.setattr(sys, "stderr", terminal)
    try:
        monkeypatch.delenv("CDVERIFY_NO_PROGRESS", raising=False)
        with _stages(tmp_path) as on_stage:
            assert on_stage is not None
            on_stage("starting")
        monkeypatch.setenv("CDVERIFY_NO_PROGRESS", "1")
        with _stages(tmp_path) as on_stage:
            assert on_stage is None
        terminal.flush()
        assert tmp_path.name.encode() in _drain(reader)
    finally:
        terminal.close()
        os.close(reader)
