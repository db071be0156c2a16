"""Rule docs at hand (issue 20): `cdverify rule ID` prints the rule's page, `cdverify rules` lists the
catalogue, and every finding's JSON links to its page (`doc_url`), whose path is the page's in the
repository."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from cli.test_cli import BYPASS  # a route reads the repository: ARCH002
from click.testing import CliRunner

from cdverify.catalog import finding_rules
from cdverify.cli import cli
from cdverify.locations import DOCS_BASE_URL, doc_url
from cdverify.rule_cli import page_for_terminal
from cdverify.schemas import schema

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "docs" / "rules"
Make = Callable[[dict[str, str | bytes]], Path]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "asked", ["ARCH002", "arch002", " Arch002 ", "route-bypasses-service", "route_bypasses_service"]
)
def test_rule_prints_the_page_by_id_in_any_case_or_by_name(asked: str) -> None:
    code, printed, _ = invoke("rule", asked)
    page = (PAGES / "ARCH002.md").read_text(encoding="utf-8")
    assert code == 0
    assert printed.startswith("# ARCH002 route-bypasses-service\n")
    for part in ("## What it checks", "## Why it matters", "## Example", "## How to fix"):
        assert part in printed
    assert "<!--" not in printed  # the markers of the examples the tests run are not for the reader
    kept = [line for line in page.splitlines() if not line.strip().startswith("<!--")]
    assert printed.splitlines() == page_for_terminal(page, doc_url("ARCH002")).splitlines()
    assert len(printed.splitlines()) == len(kept)


@pytest.mark.parametrize("rule", sorted(finding_rules()))
def test_every_catalogued_rule_has_its_page_printed(rule: str) -> None:
    code, printed, _ = invoke("rule", rule)
    assert code == 0 and printed.startswith(f"# {rule} {finding_rules()[rule].name}\n")


def test_relative_links_of_a_page_become_absolute() -> None:
    code, printed, _ = invoke("rule", "CFG001")
    assert code == 0
    assert f"[configuration.md]({DOCS_BASE_URL}docs/configuration.md#ignore)" in printed
    assert "](../" not in printed
    text = "see [DB001](DB001.md), [top](#why), [site](https://example.org/x) and [up](../a/b.md)"
    assert page_for_terminal(text, "https://h.example/docs/rules/DB002.md") == (
        "see [DB001](https://h.example/docs/rules/DB001.md), [top](#why), [site](https://example.org/x)"
        " and [up](https://h.example/docs/a/b.md)"
    )


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        ("ARCH02", "unknown rule 'ARCH02' (did you mean 'ARCH002'?)"),
        (
            "route-bypasses-servce",
            "unknown rule 'route-bypasses-servce' (did you mean 'route-bypasses-service'?)",
        ),
        ("ARCH999", "unknown rule 'ARCH999' (the ARCH rules are ARCH001, ARCH002,"),
        ("cobol", "unknown rule 'cobol'; `cdverify rules` lists them"),
    ],
)
def test_an_unknown_rule_exits_2_with_the_closest(asked: str, words: str) -> None:
    code, printed, errors = invoke("rule", asked)
    assert code == 2 and printed == ""
    assert errors.startswith("cdverify: error: ") and words in errors


def test_rules_lists_the_catalogue_in_text() -> None:
    code, printed, _ = invoke("rules")
    rules = finding_rules()
    lines = printed.splitlines()
    assert code == 0 and len(lines) == len(rules)
    for line, (rule, entry) in zip(lines, rules.items(), strict=True):
        assert re.split(r"\s{2,}", line, maxsplit=4) == [
            rule,
            entry.name,
            entry.constraint,
            str(entry.severity),
            entry.summary,
        ]


def test_rules_json_is_the_catalogue_with_each_page_url(tmp_path: Path) -> None:
    code, printed, _ = invoke("rules", "--format", "json")
    document = json.loads(printed)
    assert code == 0 and document["schema_version"] == "1.0"
    assert [item["rule"] for item in document["rules"]] == list(finding_rules())
    for item in document["rules"]:
        entry = finding_rules()[item["rule"]]
        assert item == {
            "rule": item["rule"],
            "name": entry.name,
            "constraint": entry.constraint,
            "severity": str(entry.severity),
            "summary": entry.summary,
            "doc_url": f"{DOCS_BASE_URL}docs/rules/{item['rule']}.md",
        }
    strict = copy.deepcopy(schema("rules"))
    for model in strict["$defs"].values():
        model["additionalProperties"] = False  # every key declared
    jsonschema.Draft202012Validator(strict).validate(document)
    target = tmp_path / "rules.json"
    assert invoke("rules", "--format", "json", "-o", str(target))[:2] == (0, "")
    assert json.loads(target.read_text(encoding="utf-8")) == document


def test_every_finding_links_to_its_page(make_project: Make) -> None:
    """In check's and inspect's JSON, `doc_url` is the base and the page's path in the repository: the
    path names a page that exists."""
    root = make_project(BYPASS)
    for args in (["check", str(root), "-c", "flask+clean_architecture"], ["inspect", str(root)]):
        code, printed, _ = invoke(*args, "--format", "json")
        findings = json.loads(printed)["findings"]
        assert code in (0, 1) and "ARCH002" in {f["rule"] for f in findings}
        for finding in findings:
            assert finding["doc_url"] == f"{DOCS_BASE_URL}docs/rules/{finding['rule']}.md"
            assert (REPO / finding["doc_url"].removeprefix(DOCS_BASE_URL)).is_file()


@pytest.mark.parametrize(
    ("base", "url"),
    [
        (
            "https://github.com/o/cdverify/blob/v0.2.0/",
            "https://github.com/o/cdverify/blob/v0.2.0/docs/rules/DB001.md",
        ),
        ("file:///home/me/cdverify", "file:///home/me/cdverify/docs/rules/DB001.md"),
        ("", f"{DOCS_BASE_URL}docs/rules/DB001.md"),
    ],
)
def test_cdverify_docs_url_replaces_the_base(monkeypatch: pytest.MonkeyPatch, base: str, url: str) -> None:
    monkeypatch.setenv("CDVERIFY_DOCS_URL", base)
    assert doc_url("DB001") == url
    code, printed, _ = invoke("rules", "--format", "json")
    assert code == 0
    assert {item["rule"]: item["doc_url"] for item in json.loads(printed)["rules"]}["DB001"] == url
