"""The reporter registry (cdverify/report/): what `--format` offers, and each reporter reading the report's
own objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cdverify
from cdverify.cli import REPORT_FORMATS
from cdverify.model import Severity
from cdverify.pipeline import Report
from cdverify.report import REPORTERS, ReportOptions
from cdverify.report import json as json_reporter

SAMPLE = Path(cdverify.__file__).parent.parent / "corpus" / "py-flask-layers"


@pytest.fixture(scope="module")
def checked() -> Report:
    return cdverify.verify(SAMPLE, "flask+clean_architecture", use_cache=False)


def test_the_command_line_offers_exactly_the_registered_formats() -> None:
    assert tuple(REPORTERS) == REPORT_FORMATS


def test_json_reporter_prints_the_versioned_object(checked: Report) -> None:
    printed = json.loads(REPORTERS["json"](checked, ReportOptions()))
    assert printed == checked.to_json()
    assert printed["schema_version"] == json_reporter.SCHEMA_VERSION
    assert printed["verdicts"]["architecture"]["status"] == "fail"


def test_text_reporter_reads_the_report_not_its_json(
    checked: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the text reporter went through the JSON object")

    monkeypatch.setattr(Report, "to_json", refuse)
    monkeypatch.setattr(json_reporter, "report_to_json", refuse)
    text = REPORTERS["text"](checked, ReportOptions(Severity.ERROR, show_detected=True))
    assert "  services      app/use_cases" in text.splitlines()
    assert "Framework:  flask" in text
    assert text.splitlines()[-3:] == [
        f"{checked.root}: 5 errors, 0 warnings, 0 infos",
        "framework [flask]: PASS",
        "architecture [clean_architecture]: FAIL (5 errors)",
    ]
