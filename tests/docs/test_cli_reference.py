"""docs/cli.md is generated from the click commands (cdverify/cli_reference.py): the committed page must
be what the commands say today, and the shell completion it documents must really load."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cdverify import cli_reference
from docs.doc_blocks import DOCS


def test_committed_page_is_the_generated_one() -> None:
    committed = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference.render(), (
        "docs/cli.md is out of date: run `python -m cdverify.cli_reference --write`"
    )


def test_page_lists_every_command_and_option() -> None:
    page = cli_reference.render()
    for heading in (
        "`cdverify check`",
        "`cdverify contract run`",
        "`cdverify grade`",
        "`cdverify cache clean`",
    ):
        assert heading in page
    assert "| `-c, --constraints SPEC` |" in page
    assert "| `--format [text|json" not in page  # pipes inside a table cell are escaped
    assert "\\|" in page


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o nosort -F"), ("zsh", "compdef"), ("fish", "complete")]
)
def test_documented_completion_script_loads(shell: str, marker: str) -> None:
    done = _completion(_CDVERIFY_COMPLETE=f"{shell}_source")
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout
    assert "_CDVERIFY_COMPLETE" in done.stdout or shell == "fish"


def test_completion_completes_subcommands() -> None:
    done = _completion(_CDVERIFY_COMPLETE="bash_complete", COMP_WORDS="cdverify ch", COMP_CWORD="1")
    assert "plain,check" in done.stdout.splitlines()


def _completion(**variables: str) -> subprocess.CompletedProcess[str]:
    """cdverify run the way a shell's completion runs it: the variables say what to print."""
    return subprocess.run(
        [sys.executable, "-c", "from cdverify.cli import main; main()"],
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
