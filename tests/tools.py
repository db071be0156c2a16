"""The outside tools some tests need (npm, newman, PostgreSQL, Chromium, Ray, unshare): a missing one skips
the test with the reason on a developer's machine, and fails it in CI (`CI` set, as `.ci/run` does), so that
CI can never pass by skipping."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

from cdverify.contract.postgres import PostgresError, find_bin_dir


def in_ci() -> bool:
    """True under CI: `CI` set to anything but empty, 0 or false (GitHub Actions and `.ci/run` set `CI=true`)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def tool_missing(message: str) -> NoReturn:
    """Skip the test for a missing tool (the message says what to install); under CI, fail it."""
    if in_ci():
        pytest.fail(f"{message} (CI is set: a missing tool fails instead of skipping)", pytrace=False)
    pytest.skip(message)


def require_tool(name: str, install: str) -> str:
    """The path of the program `name` on PATH; skipped (failed under CI) when it is missing. `install` says how
    to get it, e.g. "Debian: apt-get install chromium"."""
    found = shutil.which(name)
    if found is None:
        tool_missing(f"{name} is needed and not on PATH ({install})")
    return found


def require_postgres() -> None:
    """PostgreSQL's server binaries (Debian's `postgresql`), or the test is skipped (failed under CI)."""
    try:
        find_bin_dir()
    except PostgresError as error:
        tool_missing(str(error))
