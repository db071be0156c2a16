"""`--format concise` (cdverify/report/concise.py): one line per finding, errors first, grouped by
constraint, a verdict line — and over the reference-app mutants every error of the text report in at most
60% of its bytes."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from benchmark_modules import load

import cdverify
from cdverify.contract.results import Exchange, Execution, RunResult
from cdverify.contract.sandbox import AssertionResult
from cdverify.evaluate import TaskResult
from cdverify.model import Severity
from cdverify.pipeline import Report
from cdverify.report import REPORTERS, ReportOptions
from cdverify.report.concise import render_task

SAMPLE = Path(cdverify.__file__).parent.parent / "corpus" / "py-flask-layers"
WARNING = ReportOptions(Severity.WARNING)


@pytest.fixture(scope="module")
def checked() -> Report:
    return cdverify.verify(SAMPLE, "flask+clean_architecture", use_cache=False)


def test_one_line_per_finding_grouped_with_a_verdict_line(checked: Report) -> None:
    lines = REPORTERS["concise"](checked, WARNING).splitlines()
    assert lines[0] == "[architecture]"
    assert lines[1] == (
        "app/api/articles.py:3 ARCH002 routes reach repositories directly (app/data_access/articles.py), not"
        " through a service → call app/use_cases/articles.py, which already wraps app/data_access/articles.py;"
        " only services may use repositories"
    )
    assert lines[4].startswith("app/entities/user.py:12 ARCH001 models imports services") and (
        "[type-only] → invert the dependency" in lines[4]
    )
    assert len(lines) == 7
    assert lines[-1] == "FAIL architecture (5 errors); pass framework"


def test_max_findings_caps_and_says_what_was_left_out(checked: Report) -> None:
    lines = REPORTERS["concise"](checked, ReportOptions(Severity.WARNING, max_findings=2)).splitlines()
    assert lines[:3] == ["[architecture]", lines[1], lines[2]]
    assert lines[3] == "… 3 more findings not shown (3 errors; --max-findings 2)"
    assert lines[-1] == "FAIL architecture (5 errors); pass framework"
    nothing = REPORTERS["concise"](checked, ReportOptions(Severity.WARNING, max_findings=0)).splitlines()
    assert nothing[0] == "… 5 more findings not shown (5 errors; --max-findings 0)"


def test_errors_come_first_and_lesser_findings_say_their_severity(make_project) -> None:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "app.py": (
                "from flask import Flask\nfrom sqlalchemy import create_engine\n\n"
                'app = Flask(__name__)\nengine = create_engine("sqlite:///app.db")\n'
            ),
            "models.py": (
                "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
                "class Base(DeclarativeBase):\n    pass\n\n\n"
                'class User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n'
            ),
            # a file sorted after the test below: its error still comes first
            "users.py": (
                "from sqlalchemy import text\n\n\ndef one(session, uid):\n"
                '    return session.execute(text("SELECT * FROM users WHERE id = :id"), {"id": uid})\n'
            ),
            "tests/test_db.py": (
                'import sqlite3\n\n\ndef test_db():\n    sqlite3.connect(":memory:").execute("SELECT 1")\n'
            ),
        }
    )
    report = cdverify.verify(root, "flask+sqlite+sqlalchemy", use_cache=False)
    assert [f.location.path for f in report.findings if f.rule == "ORM001"] == [
        "tests/test_db.py",
        "users.py",
    ]
    lines = REPORTERS["concise"](report, ReportOptions(Severity.INFO)).splitlines()
    assert lines[0] == "[orm]"
    assert lines[1].startswith("users.py:5 ORM001 raw SQL SELECT on users through sqlalchemy.text")
    assert lines[2].startswith("tests/test_db.py:5 ORM001 info raw SQL SELECT")
    assert lines[-1] == "FAIL orm (1 error); pass framework, database; 1 info"
    hidden = REPORTERS["concise"](report, WARNING).splitlines()
    assert len(hidden) == 3 and hidden[-1] == "FAIL orm (1 error); pass framework, database; 1 info hidden"


_TEXT_HEAD = re.compile(r"^(?P<file>\S+?)(?::(?P<line>\d+):\d+)?: (?P<rule>[A-Z]+\d+) error \S+: ")


def _text_errors(text: str) -> list[tuple[str, str, int, str]]:
    """(rule, file, line, fix) of every error the text report shows."""
    errors = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        head = _TEXT_HEAD.match(line)
        if not head:
            continue
        fix = ""
        for follow in lines[number + 1 : number + 3]:
            if follow.startswith("    = fix: "):
                fix = follow.removeprefix("    = fix: ")
        errors.append((head["rule"], head["file"], int(head["line"] or 0), fix))
    return errors


def test_concise_carries_every_error_of_the_text_in_at_most_60_percent_of_its_bytes() -> None:
    bench = load("bench_feedback")
    module = bench.mutants_module()
    text_bytes = concise_bytes = errors_seen = 0
    for path in sorted(module.MUTANTS.glob("*.toml")):
        mutant = module.load_mutant(path)
        if mutant.pending:
            continue
        with tempfile.TemporaryDirectory() as folder:
            root = module.materialise(mutant, Path(folder))
            rendered, report = bench.reports(root, mutant.constraints)
        text, concise = rendered["text"], rendered["concise"]
        expected = _text_errors(text)
        assert len(expected) == sum(1 for f in report.findings if f.severity is Severity.ERROR), mutant.name
        lines = concise.splitlines()
        for rule, file, line, fix in expected:
            where = f"{file}:{line}" if line else file
            assert any(
                entry.startswith(f"{where} {rule} ") and entry.endswith(f" → {fix}" if fix else "")
                for entry in lines
            ), f"{mutant.name}: {rule} {where} missing from\n{concise}"
        errors_seen += len(expected)
        assert len(concise.encode()) < len(text.encode()), mutant.name
        text_bytes += len(text.encode())
        concise_bytes += len(concise.encode())
    assert errors_seen >= 90  # the mutants seed about a hundred errors
    assert concise_bytes <= 0.60 * text_bytes, f"concise is {concise_bytes / text_bytes:.0%} of text"


def test_evaluate_in_concise_adds_the_contract_and_the_outcome(checked: Report) -> None:
    run = RunResult(
        "Conduit",
        executions=[
            Execution("Tags", "1", (), Exchange("GET", "u", status=200), (AssertionResult("ok", True),)),
            Execution("Login", "2", (), Exchange("POST", "u", status=500), (AssertionResult("200", False),)),
        ],
    )
    outcome = TaskResult(checked, run, {"healthy": True})
    lines = render_task(outcome, ReportOptions(Severity.WARNING, max_findings=1)).splitlines()
    assert lines[0] == "[architecture]" and lines[1].startswith("app/api/articles.py:3 ARCH002 ")
    assert lines[2] == "… 4 more findings not shown (4 errors; --max-findings 1)"
    assert lines[3] == "contract 1/2 assertions passed (A% 50.0, strict A% 0.0); server healthy"
    assert lines[4] == "✗ Login [500] — 200: failed"  # the failed assertion, one line
    assert lines[5] == "no success: FAIL architecture (5 errors); pass framework"


def test_inspect_in_concise_says_what_it_detected() -> None:
    from click.testing import CliRunner

    from cdverify.cli import cli

    result = CliRunner().invoke(cli, ["inspect", str(SAMPLE), "--format", "concise", "--max-findings", "1"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "[architecture]" and lines[1].startswith("app/api/articles.py:3 ARCH002 ")
    assert lines[2].startswith("… ") and "--max-findings 1" in lines[2]
    assert lines[3] == (
        "detected: framework flask · database sqlite · orm sqlalchemy · layers routes=app/api"
        " services=app/use_cases repositories=app/data_access models=app/entities"
    )
    assert lines[4] == "5 errors"
