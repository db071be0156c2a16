"""The baseline as a library (cdverify/baseline.py), as the MCP server and other programs call it."""

from __future__ import annotations

from pathlib import Path

import pytest

import cdverify
from cdverify.baseline import Baseline, against, read_baseline
from cdverify.config import ConfigError

SAMPLE = Path(cdverify.__file__).parent.parent / "corpus" / "py-flask-layers"


def test_a_report_against_its_own_baseline_has_nothing_new(tmp_path: Path) -> None:
    report = cdverify.verify(SAMPLE, "flask+clean_architecture", use_cache=False)
    assert not report.passed and len(report.findings) == 5
    written = tmp_path / "baseline.json"
    written.write_text(Baseline.of(report).dumps())
    baseline = read_baseline(written)
    assert baseline.fingerprints == {f.fingerprint for f in report.findings}
    assert baseline.constraints == "flask+clean_architecture" and baseline.source == str(written)
    same = against(report, baseline)
    assert same.findings == () and same.passed and same.exit_code == 0
    assert same.baseline is not None and len(same.baseline.known) == 5 and same.baseline.fixed == ()
    assert same.verdicts["architecture"].reason == "5 baselined errors not counted"
    assert same.to_json()["baseline"]["known_errors"] == 5


def test_fixed_findings_are_the_baselined_ones_of_the_checked_constraints_no_longer_found() -> None:
    report = cdverify.verify(SAMPLE, "flask+clean_architecture", use_cache=False)
    recorded = Baseline.of(report)
    first = report.findings[0]
    fewer = cdverify.verify(SAMPLE, "flask", use_cache=False)  # architecture not checked: nothing fixed
    assert against(fewer, recorded).baseline.fixed == ()  # type: ignore[union-attr]
    without_first = type(report)(report.analysis, report.config, report.findings[1:], (), report.constraints)
    delta = against(without_first, recorded).baseline
    assert delta is not None and [e.fingerprint for e in delta.fixed] == [first.fingerprint]


def test_reading_a_file_that_is_not_a_baseline_raises_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(
        '{"version": 1, "findings": [{"fingerprint": "", "rule": "A", "constraint": "c",'
        ' "severity": "error", "file": "f", "line": 1, "message": "m"}]}'
    )
    with pytest.raises(ConfigError, match="empty fingerprint"):
        read_baseline(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="cannot read the baseline"):
        read_baseline(path)
