"""Terminal manners (cdverify/terminal.py): the text of check, inspect, evaluate and rules is coloured on a
terminal, and only there — `cdverify` runs in a subprocess whose standard output is a pseudo-terminal (pty)
or a pipe; NO_COLOR turns colour off, FORCE_COLOR on even through a pipe, `--color` decides over both, and a
file written with `-o` never has a colour code."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from cli.test_cli import BYPASS  # a route reads the repository: ARCH002

from cdverify.terminal import use_color

Make = Callable[[dict[str, str | bytes]], Path]

ANSI = re.compile(r"\x1b\[[0-9;]*m")
RED_BOLD = click.style("error", fg="red", bold=True)
FAIL = click.style("FAIL", fg="red", bold=True)
COLOUR_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "TERM", "CLICOLOR", "CLICOLOR_FORCE")


def _env(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in COLOUR_VARIABLES}
    env["CDVERIFY_CACHE_DIR"] = str(tmp_path / "cache")
    env["TERM"] = "xterm-256color"
    return {**env, **variables}


def _on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """`cdverify ARGS` with its standard output on a pseudo-terminal: exit code and what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cdverify", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=120)
    assert process.stderr is not None
    process.stderr.close()
    return process.returncode, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def _piped(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "cdverify", *args], capture_output=True, text=True, env=env, timeout=120
    )
    return done.returncode, done.stdout


@pytest.fixture
def bypass(make_project: Make) -> Path:
    return make_project(BYPASS)


def test_check_is_coloured_on_a_terminal_and_plain_through_a_pipe(bypass: Path, tmp_path: Path) -> None:
    args = ["check", str(bypass), "-c", "clean_architecture"]
    code, shown = _on_terminal(args, _env(tmp_path))
    assert code == 1
    assert RED_BOLD in shown and f"architecture [clean_architecture]: {FAIL}" in shown
    piped_code, piped = _piped(args, _env(tmp_path))
    assert piped_code == 1 and not ANSI.search(piped)
    assert ANSI.sub("", shown).rstrip("\n") == piped.rstrip("\n")  # colour is all that differs
    assert "ARCH002 error route-bypasses-service" in piped


def test_no_color_turns_colour_off_on_a_terminal(bypass: Path, tmp_path: Path) -> None:
    args = ["inspect", str(bypass)]
    assert ANSI.search(_on_terminal(args, _env(tmp_path))[1])
    for value in ("1", "0", "anything"):  # any non-empty value
        code, shown = _on_terminal(args, _env(tmp_path, NO_COLOR=value))
        assert code == 0 and "ARCH002 error" in shown and not ANSI.search(shown), value
    assert ANSI.search(_on_terminal(args, _env(tmp_path, NO_COLOR=""))[1])  # empty: as if unset
    assert not ANSI.search(_on_terminal(args, _env(tmp_path, TERM="dumb"))[1])


def test_force_color_colours_a_pipe_but_not_a_file(bypass: Path, tmp_path: Path) -> None:
    args = ["check", str(bypass), "-c", "clean_architecture"]
    assert RED_BOLD in _piped(args, _env(tmp_path, FORCE_COLOR="1"))[1]
    assert not ANSI.search(_piped(args, _env(tmp_path, FORCE_COLOR="0"))[1])
    assert not ANSI.search(_piped(args, _env(tmp_path, FORCE_COLOR="1", NO_COLOR="1"))[1])
    report = tmp_path / "report.txt"
    code, printed = _piped([*args, "-o", str(report)], _env(tmp_path, FORCE_COLOR="1"))
    assert code == 1 and printed == ""
    written = report.read_text(encoding="utf-8")
    assert "ARCH002 error" in written and not ANSI.search(written)
    assert _on_terminal([*args, "-o", str(report), "--color", "always"], _env(tmp_path)) == (1, "")
    assert not ANSI.search(report.read_text(encoding="utf-8"))  # not even when asked


def test_the_color_option_decides_over_the_terminal_and_the_variables(bypass: Path, tmp_path: Path) -> None:
    args = ["check", str(bypass), "-c", "clean_architecture"]
    assert RED_BOLD in _piped([*args, "--color", "always"], _env(tmp_path, NO_COLOR="1"))[1]
    assert not ANSI.search(_on_terminal([*args, "--color", "never"], _env(tmp_path, FORCE_COLOR="1"))[1])
    json_text = _piped([*args, "--format", "json", "--color", "always"], _env(tmp_path))[1]
    assert not ANSI.search(json_text)  # JSON is never coloured
    assert _piped([*args, "--color", "sometimes"], _env(tmp_path))[0] == 2


def test_rules_list_severities_coloured_only_on_a_terminal(tmp_path: Path) -> None:
    code, shown = _on_terminal(["rules"], _env(tmp_path))
    assert code == 0 and click.style("warning", fg="yellow", bold=True) in shown
    assert not ANSI.search(_piped(["rules"], _env(tmp_path))[1])


def test_rule_page_on_a_terminal_is_rendered(tmp_path: Path) -> None:
    """With rich (installed by the [contract] extra, so in the dev environment): the Markdown rendered,
    headings styled and their `#` gone; through a pipe, the Markdown as written."""
    code, shown = _on_terminal(["rule", "ARCH002"], _env(tmp_path, COLUMNS="100"))
    plain = ANSI.sub("", shown)
    assert code == 0 and ANSI.search(shown)
    assert "What it checks" in plain and "## What it checks" not in plain
    assert "## What it checks" in _piped(["rule", "ARCH002"], _env(tmp_path))[1]


def test_use_color_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for variable in COLOUR_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    terminal, pipe = Terminal(), io.StringIO()
    assert use_color("auto", stream=terminal) and not use_color("auto", stream=pipe)
    assert not use_color("auto", tmp_path / "out.txt", terminal)
    assert use_color("always", stream=pipe) and not use_color("never", stream=terminal)
    assert not use_color("always", tmp_path / "out.txt", terminal)
    monkeypatch.setenv("FORCE_COLOR", "true")
    assert use_color("auto", stream=pipe)
    monkeypatch.setenv("FORCE_COLOR", "false")
    assert not use_color("auto", stream=pipe)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not use_color("auto", stream=terminal) and use_color("always", stream=pipe)


def test_evaluate_text_colours_its_verdicts_and_outcome() -> None:
    """evaluate's text (TaskResult.to_text) with a real static report and a contract run built in memory:
    coloured, the failing framework verdict is red, the outcome `no` red; without colour, the same text."""
    from cdverify.config import load_config
    from cdverify.constraints import parse_constraints
    from cdverify.contract.results import Exchange, Execution, RunResult
    from cdverify.contract.sandbox import AssertionResult
    from cdverify.evaluate import TaskResult
    from cdverify.pipeline import verify

    app = Path(__file__).resolve().parents[2] / "corpus" / "conduit-flask-clean"
    run = RunResult(
        "Conduit",
        executions=[
            Execution("Tags", "1", (), Exchange("GET", "u", status=200), (AssertionResult("ok", True),))
        ],
    )
    report = verify(app, parse_constraints("django+sqlite"), load_config(app))
    outcome = TaskResult(report, run, {"healthy": True})
    coloured, plain = outcome.to_text(color=True), outcome.to_text()
    assert not ANSI.search(plain) and ANSI.sub("", coloured) == plain
    assert f"django               {FAIL}" in coloured and RED_BOLD in coloured
    assert f"success       {click.style('no', fg='red', bold=True)}" in coloured
