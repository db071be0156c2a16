"""A missing outside tool skips a test on a developer's machine and fails it under CI (tests/tools.py)."""

from __future__ import annotations

import pytest
from tools import in_ci, require_tool

MISSING = "cdverify-no-such-tool-on-any-path"


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no"])
def test_a_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(
        pytest.skip.Exception, match=f"{MISSING} is needed and not on PATH \\(how to get it\\)"
    ):
        require_tool(MISSING, "how to get it")


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE"])
def test_a_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="CI is set: a missing tool fails instead of skipping"):
        require_tool(MISSING, "how to get it")


def test_a_present_tool_is_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert require_tool("sh", "a POSIX shell").endswith("/sh")
