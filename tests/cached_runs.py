"""Helpers of the result-cache tests (tests/pipeline): the CLI run as a user runs it (the count of full
analyses a test caused is the `analyses` fixture of tests/conftest.py)."""

from __future__ import annotations

from click.testing import CliRunner

from cdverify.cli import cli


def run(*args: str) -> tuple[int, str]:
    """`cdverify ARGS` in this process: its exit code (0 or 1, else the test fails) and its output."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout
