"""A run's behaviour report, read into the three counts the paper's metrics use: total, passed, failed.

Three formats are read, and they agree on what *passed* means: an assertion that ran and held (a skipped
assertion is in the total, but neither passed nor failed).

- **newman-reporter-csv** (`newman-run-report-*.csv`, what the paper's harness keeps): one row per request,
  with `totalAssertions`, `executedCount`, `failedCount` and `skippedCount`; the run's counts are the column
  sums, as the paper computes them. Checked against newman-reporter-csv 1.3.0 under newman 6.2.2 (see
  docs/grading-inputs.md): `executedCount` counts the assertions that passed, not those that ran, and
  `totalAssertions` = executed + failed + skipped on every row. The reporter resets a row's counters when
  its request starts, so assertions made in a pre-request script are not in the CSV (newman's own JSON
  counts them); a row whose request never started has empty counters, which count as 0.
- **newman's JSON reporter**: `run.stats.assertions` (`total`, `failed`); the skipped assertions are those
  marked `skipped` in `run.executions`.
- **cdverify's contract JSON** (`cdverify contract run --format json`): `summary.assertions`, `passed`,
  `failed` and `skipped`; its `passed` includes the skipped assertions, which are taken out here.

Each reader also keeps the first failing assertions (`Assertions.failures`, at most MAX_FAILURES): the
request, the assertion's name and its error message. newman's JSON and the contract JSON hold all three; a
newman CSV row holds only the names of its failed assertions, joined with ", " in its `failed` column, so
there the message is the response's status, and a cell whose names cannot be told apart (a name holding
", ") is kept whole. A failure that cannot be read is left out; it never makes the report unreadable.

A report that cannot be read gives a `ReportError` value, never an exception: one broken run must not
stop the grading of the others. A run without a report scores 0 assertions, as in the paper.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdverify.grading.records import MAX_FAILURES, AssertionFailure, Assertions

CSV_COLUMNS = ("totalAssertions", "executedCount", "failedCount")
CSV_SKIPPED_COLUMN = "skippedCount"
CSV_FAILED_NAMES = "failed"  # the names of the row's failed assertions, joined with ", "
CSV_NAME_SEPARATOR = ", "
# Counter cells that hold no count: empty (the request never started) or JavaScript's NaN (an assertion
# counted before the reporter set the row's counters up). Both are summed as 0, as a column sum skips them.
CSV_NO_COUNT = ("", "NaN")
CONTRACT_SCHEMA_MAJOR = "1"


NO_ASSERTIONS = Assertions(0, 0, 0)  # a run without a report, as the paper scores it


@dataclass(frozen=True)
class ReportError:
    """A report that could not be read, and why."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def read_run_report(report: Path | None) -> Assertions | ReportError:
    """The counts of a run: NO_ASSERTIONS without a report, else the report's (or why it is unreadable)."""
    return NO_ASSERTIONS if report is None else read_report(report)


def read_report(path: Path) -> Assertions | ReportError:
    """Read a newman CSV, newman JSON or cdverify contract JSON report; the format is recognised."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return ReportError(path, f"not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        return ReportError(path, f"cannot be read ({error.strerror or error})")
    if not text.strip():
        return ReportError(path, "the report is empty")
    # `.csv` files are newman CSV; `.json` files and texts opening with `{` are JSON (newman's or cdverify's).
    suffix = path.suffix.lower()
    if suffix == ".csv" or (suffix != ".json" and not text.lstrip().startswith("{")):
        return _newman_csv(path, text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return ReportError(path, f"not valid JSON ({error.msg} at line {error.lineno})")
    if not isinstance(document, dict):
        return ReportError(path, "a JSON report must be an object")
    if "run" in document:
        return _newman_json(path, document)
    if "summary" in document and "schema_version" in document:
        return _contract_json(path, document)
    return ReportError(path, "neither newman's JSON report (`run`) nor cdverify's contract JSON (`summary`)")


def _csv_count(cell: str | None) -> int | None:
    value = (cell or "").strip()
    if value in CSV_NO_COUNT:
        return 0
    return int(value) if value.isascii() and value.isdigit() else None


def _newman_csv(path: Path, text: str) -> Assertions | ReportError:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        missing = [column for column in CSV_COLUMNS if column not in header]
        if missing:
            return ReportError(
                path, f"not a newman-reporter-csv report: no column {', '.join(missing)} in its header"
            )
        columns = (*CSV_COLUMNS, CSV_SKIPPED_COLUMN) if CSV_SKIPPED_COLUMN in header else CSV_COLUMNS
        sums = dict.fromkeys(columns, 0)
        failures: list[AssertionFailure] = []
        for row in reader:
            for column in columns:
                count = _csv_count(row.get(column))
                if count is None:
                    line = reader.line_num
                    return ReportError(path, f"line {line}: {column} is not a count: {row.get(column)!r}")
                sums[column] += count
            if len(failures) < MAX_FAILURES:
                failures += _csv_failures(row)
    except csv.Error as error:
        return ReportError(path, f"malformed CSV ({error})")
    total, passed, failed = (sums[column] for column in CSV_COLUMNS)
    if CSV_SKIPPED_COLUMN in sums and passed + failed + sums[CSV_SKIPPED_COLUMN] != total:
        return ReportError(
            path,
            f"the counts disagree: totalAssertions {total} != executedCount {passed} + failedCount "
            f"{failed} + skippedCount {sums[CSV_SKIPPED_COLUMN]}",
        )
    return _counts(path, total, passed, failed, failures)


def _csv_failures(row: dict[str, str | None]) -> list[AssertionFailure]:
    """The failed assertions of one newman CSV row, one per name when the names can be told apart."""
    failed = _csv_count(row.get("failedCount")) or 0
    if failed == 0:
        return []
    request = (row.get("requestName") or "").strip()
    code, status = (row.get("code") or "").strip(), (row.get("status") or "").strip()
    message = f"response {code} {status}".strip() if code else "no response"
    cell = (row.get(CSV_FAILED_NAMES) or "").strip()
    names = cell.split(CSV_NAME_SEPARATOR)
    if len(names) != failed:  # a name holding ", ", or no names at all: keep the cell as it is
        names = [cell or f"{failed} assertions (their names are not in the report)"]
    return [AssertionFailure(request, name, message) for name in names]


def _error_message(error: Any) -> str:
    """An assertion's `error.message` (newman's JSON and the contract JSON both keep it there)."""
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else ""


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _newman_json(path: Path, document: dict[str, Any]) -> Assertions | ReportError:
    run = document["run"]
    stats = run.get("stats") if isinstance(run, dict) else None
    assertions = stats.get("assertions") if isinstance(stats, dict) else None
    if not isinstance(assertions, dict):
        return ReportError(path, "newman JSON without run.stats.assertions")
    total, failed = _count(assertions.get("total")), _count(assertions.get("failed"))
    if total is None or failed is None:
        return ReportError(path, "run.stats.assertions.total and .failed must be counts")
    skipped = 0
    failures: list[AssertionFailure] = []
    executions = run.get("executions", [])
    if not isinstance(executions, list):
        return ReportError(path, "run.executions must be a list")
    for execution in executions:
        listed = execution.get("assertions", []) if isinstance(execution, dict) else None
        if not isinstance(listed, list):
            return ReportError(path, "an execution's assertions must be a list")
        skipped += sum(1 for item in listed if isinstance(item, dict) and item.get("skipped") is True)
        item = execution.get("item")
        request = item.get("name") if isinstance(item, dict) else None
        failures += [
            AssertionFailure(str(request or ""), str(entry.get("assertion") or ""), _error_message(error))
            for entry in listed
            if isinstance(entry, dict) and isinstance(error := entry.get("error"), dict)
        ]
    return _counts(path, total, total - failed - skipped, failed, failures)


def _contract_json(path: Path, document: dict[str, Any]) -> Assertions | ReportError:
    version = str(document["schema_version"])
    if version.split(".")[0] != CONTRACT_SCHEMA_MAJOR:
        return ReportError(path, f"cdverify contract JSON schema {version} is not supported (1.x is)")
    summary = document["summary"]
    if not isinstance(summary, dict):
        return ReportError(path, "summary must be an object")
    counts = {key: _count(summary.get(key, 0 if key == "skipped" else None)) for key in _CONTRACT_KEYS}
    bad = [key for key, value in counts.items() if value is None]
    if bad:
        return ReportError(path, f"summary.{', summary.'.join(bad)} must be counts")
    total, passed, failed, skipped = (counts[key] or 0 for key in _CONTRACT_KEYS)
    return _counts(path, total, passed - skipped, failed, _contract_failures(document.get("executions")))


def _contract_failures(executions: Any) -> list[AssertionFailure]:
    """The assertions that did not pass, from the contract JSON's `executions[].assertions[]`."""
    failures = []
    for execution in executions if isinstance(executions, list) else []:
        listed = execution.get("assertions") if isinstance(execution, dict) else None
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict) and entry.get("passed") is False:
                name = entry.get("name")
                failures.append(
                    AssertionFailure(
                        str(execution.get("name") or ""), str(name or ""), _error_message(entry.get("error"))
                    )
                )
    return failures


_CONTRACT_KEYS = ("assertions", "passed", "failed", "skipped")


def _counts(
    path: Path, total: int, passed: int, failed: int, failures: list[AssertionFailure]
) -> Assertions | ReportError:
    try:
        return Assertions(total, passed, failed, tuple(failures[: min(failed, MAX_FAILURES)]))
    except ValueError:
        return ReportError(path, f"inconsistent counts: total {total}, passed {passed}, failed {failed}")
