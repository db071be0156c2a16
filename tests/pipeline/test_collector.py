"""The analysis runs with fewer garbage collections, and gives the caller its own setting back."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cdverify import inspect, pipeline
from cdverify.collector import ANALYSIS_THRESHOLDS

Make = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def caller_thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    yield (1234, 5, 6)
    gc.set_threshold(*saved)


def test_thresholds_during_and_after_an_analysis(
    make_project: Make, monkeypatch: pytest.MonkeyPatch, caller_thresholds: tuple[int, int, int]
) -> None:
    seen: list[tuple[int, int, int]] = []
    analyse = pipeline.analyse

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold())
        return analyse(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", watched)
    root = make_project({"app/services/s.py": "import os\n"})
    inspect(root)
    assert seen == [ANALYSIS_THRESHOLDS]
    assert gc.get_threshold() == caller_thresholds


def test_thresholds_restored_when_the_analysis_fails(
    make_project: Make, monkeypatch: pytest.MonkeyPatch, caller_thresholds: tuple[int, int, int]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        assert gc.get_threshold() == ANALYSIS_THRESHOLDS
        raise RuntimeError("analysis broke")

    monkeypatch.setattr(pipeline, "analyse", broken)
    with pytest.raises(RuntimeError, match="analysis broke"):
        inspect(make_project({"app/services/s.py": "import os\n"}))
    assert gc.get_threshold() == caller_thresholds


def test_an_analysis_is_frozen_until_the_next_one_begins(
    make_project: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an analysis made is kept out of the collector's walks after it (gc.freeze), and handed back
    to the collector when the next one begins, so that a process analysing again and again keeps nothing
    frozen for good."""
    root = make_project({"app/services/s.py": "import os\n"})
    gc.unfreeze()
    try:
        frozen_at_start: list[int] = []
        analyse = pipeline.analyse

        def watched(*args: Any, **kwargs: Any) -> Any:
            frozen_at_start.append(gc.get_freeze_count())
            return analyse(*args, **kwargs)

        monkeypatch.setattr(pipeline, "analyse", watched)
        report = inspect(root)
        assert gc.get_freeze_count() > 0  # the report's objects among them
        inspect(root)
        assert frozen_at_start == [0, 0]
        assert report.analysis.facts
    finally:
        gc.unfreeze()
