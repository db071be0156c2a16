"""`cdverify grade --html`: the page in a real headless Chromium, the failing assertions it shows (read from
real newman and cdverify reports), untrusted text escaped, the optional extra loaded only when asked for."""

from __future__ import annotations

import base64
import json
import pickle
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import Loaded, load
from grade.test_grade_inputs import CSV_HEADER
from parity import reset_faulty_server, run_newman

from cdverify.contract.collection import bundled_path, load_collection
from cdverify.contract.results import to_json
from cdverify.contract.runner import RunOptions, run_collection
from cdverify.grading.grader import Grading, RunGrade, grade
from cdverify.grading.html import render_html
from cdverify.grading.layout import PatchCode, RunInputError, RunKind, RunSource
from cdverify.grading.metrics import summarise
from cdverify.grading.records import (
    MAX_FAILURES,
    AssertionFailure,
    Assertions,
    Axis,
    GradedRun,
    Verdict,
)
from cdverify.grading.reports import read_report
from cdverify.grading.store import RunStore
from cdverify.grading.tables import paper_tables, percent
from cdverify.model import Location

pytestmark = pytest.mark.integration  # headless Chromium, newman

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "corpus" / "experiments" / "sample"
CREDENTIALS = {"USERNAME": "user", "EMAIL": "user@mail.com", "PASSWORD": "password"}


# --- The DOM, read back -------------------------------------------------------------------------------------


class Dom(HTMLParser):
    """What the tests look at in a page: the tables by id (cell texts), the run drill-downs, figures."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.runs: dict[str, dict[str, Any]] = {}  # data-run → {"summary", "text", "tables": {class: rows}}
        self.figures: dict[str, str] = {}  # figure id → img src
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._table: list[list[str]] | None = None
        self._tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._figure: str | None = None
        self._run: list[dict[str, Any]] = []
        self._depth: list[str] = []
        self._summary: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "table":
            rows: list[list[str]] = []
            name = attributes.get("id") or attributes.get("class", "")
            self._tables.append((name, rows))
            if "id" in attributes:
                self.tables[attributes["id"]] = rows
            if self._run and "class" in attributes:
                self._run[-1]["tables"][attributes["class"]] = rows
        elif tag == "tr" and self._tables:
            self._tables[-1][1].append([])
        elif tag in ("td", "th") and self._tables:
            self._cell = []
        elif tag == "figure":
            self._figure = attributes.get("id")
        elif tag == "img" and self._figure is not None:
            self.figures[self._figure] = attributes.get("src", "")
        elif tag == "details":
            self._depth.append(attributes.get("data-run", ""))
            if attributes.get("data-run"):
                run = {"id": attributes.get("id"), "summary": "", "text": [], "tables": {}}
                self.runs[attributes["data-run"]] = run
                self._run.append(run)
        elif tag == "summary" and self._run and self._depth[-1]:
            self._summary = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._tables:
            self._tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._tables:
            self._tables.pop()
        elif tag == "details" and self._depth:
            if self._depth.pop():
                self._run.pop()
        elif tag == "summary" and self._summary is not None:
            self._run[-1]["summary"] = " ".join("".join(self._summary).split())
            self._summary = None
        elif tag == "figure":
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._summary is not None:
            self._summary.append(data)
        if self._run:
            self._run[-1]["text"].append(data)


def body(rows: list[list[str]]) -> list[tuple[str, ...]]:
    """A table's rows without its header row."""
    return [tuple(row) for row in rows[1:]]


def svg_texts(uri: str) -> list[str]:
    """The texts of an SVG figure given as a data: URI, parsed as XML."""
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    root = ElementTree.fromstring(base64.b64decode(uri[len(prefix) :]))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not [element for element in root.iter() if element.tag.endswith("script")]
    return [text for element in root.iter("{http://www.w3.org/2000/svg}text") for text in element.itertext()]


# --- The sample experiment's page in Chromium ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_grading() -> Grading:
    return grade(SAMPLE, store=None, jobs=2)


@pytest.fixture(scope="module")
def sample_page(sample_grading: Grading, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Loaded]:
    page = tmp_path_factory.mktemp("html") / "grade.html"
    text = render_html(sample_grading)
    page.write_text(text, encoding="utf-8")
    return text, load(page)


def test_the_page_loads_nothing(sample_page: tuple[str, Loaded]) -> None:
    text, loaded = sample_page
    # in the browser: the page itself, and data: URIs (its figures), nothing else
    assert loaded.requests[0].startswith("file://")
    assert [url for url in loaded.requests[1:] if not url.startswith("data:")] == []
    assert [scheme for scheme, _ in loaded.images] == ["data"] * 3
    assert all(width > 0 for _, width in loaded.images), loaded.images  # every figure decoded and drawn
    # in the text: no script, no external reference; the CSP tells the browser the same
    dom = Dom(text)
    assert not [tag for tag, _ in dom.tags if tag in ("script", "link", "iframe", "object", "embed")]
    references = [
        value
        for _, attributes in dom.tags
        for key, value in attributes.items()
        if key in ("src", "href", "action", "srcset", "poster")
    ]
    assert references and all(value.startswith(("#", "data:image/svg+xml;base64,")) for value in references)
    # no stylesheet loads anything (a finding's evidence may well read `database_url()`: that is text)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", text, re.S)
    styles += [value for _, attributes in dom.tags for key, value in attributes.items() if key == "style"]
    assert styles and not [style for style in styles if "@import" in style or "url(" in style]
    (csp,) = [
        a["content"]
        for tag, a in dom.tags
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp.startswith("default-src 'none'")


def test_the_control_page_shows_the_detector_sees_requests(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><img src="http://example.invalid/a.png"><p>x</p>')
    loaded = load(page)
    assert loaded.requests[1:] == ("http://example.invalid/a.png",)
    assert loaded.images == (("http", 0),)


def test_the_tables_in_the_browser_are_the_gradings(
    sample_grading: Grading, sample_page: tuple[str, Loaded]
) -> None:
    dom = Dom(sample_page[1].dom)
    levels, effects, frameworks = paper_tables(sample_grading.tables)
    for table_id, table in (
        ("table-levels", levels),
        ("table-effects", effects),
        ("table-frameworks", frameworks),
    ):
        assert dom.tables[table_id][0] == list(table.headers)
        assert body(dom.tables[table_id]) == list(table.rows), table_id
    # the level table by hand: agent_b / model-2 at L3 (docs/grading-inputs.md's sample plan)
    assert ("agent_b", "model-2", "L3", "16.7", "0.167", "69.2", "52.5", "-16.9") in body(
        dom.tables["table-levels"]
    )
    tasks = body(dom.tables["table-tasks"])
    assert len(tasks) == len(sample_grading.tables.tasks) == 16
    for cells, row in zip(tasks, sample_grading.tables.tasks, strict=True):
        assert cells[:3] == (row.agent, row.model, row.task)
        assert cells[5:9] == (str(row.n), str(row.successes), str(row.errors), f"{row.pass_at_1:.3f}")
        assert cells[-1] == f"{percent(row.strict_a)} ± {percent(row.strict_a_stdev)}"
    assert '<dd id="summary-runs">48</dd>' in sample_page[1].dom
    assert '<dd id="summary-successes">24</dd>' in sample_page[1].dom


def test_the_figures_show_every_configuration(sample_page: tuple[str, Loaded]) -> None:
    dom = Dom(sample_page[1].dom)
    assert set(dom.figures) == {"figure-decay", "figure-effects", "figure-frameworks"}
    decay = svg_texts(dom.figures["figure-decay"])
    assert {"Strict A% by level", "pass@1 by level", "agent_a / model-1", "agent_b / model-2"} <= set(decay)
    assert {"L0", "L1", "L2", "L3", "100%"} <= set(decay)
    frameworks = svg_texts(dom.figures["figure-frameworks"])
    assert {"express", "flask", "agent_a / model-1", "agent_b / model-2"} <= set(frameworks)
    assert any("±1 SE" in text for text in frameworks)
    effects = svg_texts(dom.figures["figure-effects"])
    # the pooled rows: clean_architecture over 6 pairs, postgres 4, sqlalchemy 2
    assert {"clean_architecture (n=6)", "postgres (n=4)", "sqlalchemy (n=2)"} <= set(effects)


def test_one_drill_down_per_run(sample_grading: Grading, sample_page: tuple[str, Loaded]) -> None:
    dom = Dom(sample_page[1].dom)
    assert set(dom.runs) == {item.run_id for item in sample_grading.runs}
    for item in sample_grading.runs:
        shown, run = dom.runs[item.run_id], item.run
        assert f"trial {run.trial} " in shown["summary"]
        assert f"A% {percent(run.a)} · strict A% {percent(run.strict_a)}" in shown["summary"]
        assert ("✓ success" in shown["summary"]) is run.success
        verdicts = shown["tables"]["verdicts"]
        assert [cell.rstrip("*") for cell in verdicts[0][1:]] == [axis.value for axis in Axis]
        assert [cell.split()[-1] for cell in verdicts[1][1:]] == [
            {"pass": "pass", "fail": "fail", "not_applicable": "n/a"}[run.verdicts[axis].value]
            for axis in Axis
        ]
        findings = body(shown["tables"].get("findings", [[]]))
        assert len(findings) == len(item.findings)
        for cells, finding in zip(findings, item.findings, strict=True):
            assert cells[0].startswith(finding["rule"])
            assert cells[1] == str(Location(finding["file"], finding["line"], finding["col"]))
            assert finding["message"] in cells[2] and cells[3] == " ".join(finding["hint"].split())
        failures = body(shown["tables"].get("failures", [[]]))
        expected = [] if run.assertions is None else run.assertions.failures
        assert failures == [(f.request, f.assertion, f.message) for f in expected]


def test_a_run_with_failing_assertions_and_findings(
    sample_grading: Grading, sample_page: tuple[str, Loaded]
) -> None:
    """agent_b's express-openapi-postgres-sequelize run 2: raw SQL beside Sequelize, and 135 of 159 fail."""
    dom = Dom(sample_page[1].dom)
    (item,) = [
        item
        for item in sample_grading.runs
        if (item.run.agent, item.run.task, item.run.trial)
        == ("agent_b", "express-openapi-postgres-sequelize", 2)
    ]
    shown = dom.runs[item.run_id]
    assert "24/159 assertions passed" in shown["summary"] and "2 findings" in shown["summary"]
    assert "Failing assertions: 135 of 159; the report's first 20 listed" in "".join(shown["text"])
    failures = body(shown["tables"]["failures"])
    assert len(failures) == MAX_FAILURES
    assert failures[0] == (
        "Register",
        'Response contains "user" property',
        "response 500 Internal Server Error",
    )
    rules = [cells[0].split()[0] for cells in body(shown["tables"]["findings"])]
    assert sorted(rules) == ["ORM001", "ORM003"]


def test_the_page_is_the_same_for_the_same_grading(sample_grading: Grading) -> None:
    assert render_html(sample_grading) == render_html(pickle.loads(pickle.dumps(sample_grading)))


def test_beside_the_papers_verdicts() -> None:
    grading = grade(SAMPLE, store=None, jobs=2, compare="paper")
    assert grading.comparison is not None
    dom = Dom(render_html(grading))
    assert body(dom.tables["table-comparison"]) == [
        (axis.value, str(c.both_pass), str(c.both_fail), str(c.cdverify_only_fail), str(c.paper_only_fail),
         f"{percent(c.agreement)}%")
        for axis, c in grading.comparison.axes.items()
    ]  # fmt: skip
    for item in grading.runs:
        assert item.paper is not None
        mine, papers = dom.runs[item.run_id]["tables"]["verdicts"][1:]
        assert mine[0] == "cdverify" and papers[0] == "the paper"
        shown = [cell.split()[-1] for cell in papers[1:]]
        assert shown == [
            {"pass": "pass", "fail": "fail"}.get(item.paper.of(axis).verdict.value, "n/a") for axis in Axis
        ]


# --- Untrusted text ------------------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script>'
HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def hostile_grading() -> Grading:
    assertions = Assertions(3, 1, 2, (AssertionFailure(HOSTILE, HOSTILE_ATTRIBUTE, "</td>" + HOSTILE),))
    run = GradedRun.generation(
        HOSTILE, "$m$ " + HOSTILE_ATTRIBUTE, "flask-openapi-clean_architecture", 1, assertions,
        {Axis.ARCHITECTURE: Verdict.FAIL}, error=None,
    )  # fmt: skip
    finding = {
        "rule": "ARCH001", "name": HOSTILE, "constraint": "architecture", "severity": "error",
        "file": f"src/{HOSTILE}.py", "line": 3, "col": 1, "message": HOSTILE, "evidence": HOSTILE_ATTRIBUTE,
        "hint": "<!-- " + HOSTILE,
    }  # fmt: skip
    item = RunGrade(run, HOSTILE_ATTRIBUTE, f"results/{HOSTILE}", (finding,))
    return Grading(Path(HOSTILE), (item,), summarise([run]))


def test_untrusted_text_is_escaped(tmp_path: Path) -> None:
    text = render_html(hostile_grading())
    assert "<script" not in text.lower() and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    page = tmp_path / "hostile.html"
    page.write_text(text, encoding="utf-8")
    loaded = load(page)
    dom = Dom(loaded.dom)
    assert not [tag for tag, _ in dom.tags if tag == "script"]
    # one run has no matched pair: the decay and framework figures, no marginal effects
    assert [attributes.get("src", "")[:5] for tag, attributes in dom.tags if tag == "img"] == ["data:"] * 2
    assert [url for url in loaded.requests[1:] if not url.startswith("data:")] == []
    # the browser shows the text as written
    (shown,) = dom.runs.values()
    assert body(shown["tables"]["failures"]) == [(HOSTILE, HOSTILE_ATTRIBUTE, "</td>" + HOSTILE)]
    (finding,) = body(shown["tables"]["findings"])
    assert (
        finding[1] == f"src/{HOSTILE}.py:3:1" and finding[2] == HOSTILE + HOSTILE_ATTRIBUTE
    )  # message, <br>, evidence
    assert body(dom.tables["table-levels"])[0][:2] == (HOSTILE, "$m$ " + HOSTILE_ATTRIBUTE)
    # and so do the figures' legends: escaped by matplotlib's SVG writer, `$` not read as mathtext
    assert f"{HOSTILE} / $m$ {HOSTILE_ATTRIBUTE}" in svg_texts(dom.figures["figure-decay"])


def test_runs_that_could_not_be_graded_and_what_was_not_a_run() -> None:
    broken = GradedRun.generation(
        "a", "m", "flask-openapi-postgres", 1, None, {}, error="PatchError: <no apply>"
    )
    unreadable = RunInputError("x", "results/x", "no agent in the path")
    grading = Grading(Path("r"), (RunGrade(broken, "r1", "results/r1"),), summarise([broken]), (unreadable,))
    dom = Dom(render_html(grading))
    assert body(dom.tables["table-errors"]) == [
        ("a", "m", "flask-openapi-postgres", "1", "PatchError: <no apply>")
    ]
    assert body(dom.tables["table-unreadable"]) == [("results/x", "no agent in the path")]
    assert "Error: PatchError: <no apply>" in "".join(dom.runs["r1"]["text"])
    # an empty experiment is a page too: no rows, no figures
    empty = Dom(render_html(Grading(Path("empty"), (), summarise([]))))
    assert body(empty.tables["table-levels"]) == [] and empty.figures == {} and empty.runs == {}


# --- The failing assertions, read from real reports --------------------------------------------------------


def test_failing_assertions_from_newman_and_cdverify_reports(
    faulty_server: str, tmp_path: Path, newman: Path
) -> None:
    """newman's JSON and CSV reports and cdverify's contract JSON of the same run name the same failures."""
    globals_ = {**CREDENTIALS, "APIURL": f"{faulty_server}/api"}
    collection = bundled_path("realworld")
    reset_faulty_server(faulty_server)
    csv_report = tmp_path / "newman-run-report.csv"
    extra = ("--timeout-request", "2000", "--reporters", "json,csv", "--reporter-csv-export", str(csv_report))
    run_newman(newman, collection, globals_, tmp_path / "newman.json", *extra)
    reset_faulty_server(faulty_server)
    result = run_collection(
        load_collection(collection), RunOptions(globals=globals_, timeout_request_ms=2000)
    )
    (tmp_path / "contract.json").write_text(json.dumps(to_json(result)))
    newman_json, newman_csv, contract = (
        read_report(path) for path in (tmp_path / "newman.json", csv_report, tmp_path / "contract.json")
    )
    assert isinstance(newman_json, Assertions) and isinstance(newman_csv, Assertions)
    assert isinstance(contract, Assertions)
    assert newman_json.failed == contract.failed >= MAX_FAILURES
    assert len(newman_json.failures) == len(contract.failures) == MAX_FAILURES
    # the same requests and assertions, and the same assertion messages, from newman and from cdverify
    assert newman_json.failures == contract.failures
    assert all(failure.message for failure in contract.failures)
    # the CSV names the same requests and assertions; its message is the response's status
    names = [(f.request, f.assertion) for f in newman_json.failures]
    assert [(f.request, f.assertion) for f in newman_csv.failures] == names
    assert all(re.fullmatch(r"response \d{3} .+|no response", f.message) for f in newman_csv.failures)


def failing_row(
    name: str, failed_names: str, failed: int, code: str = "404", status: str = "Not Found"
) -> str:
    total = failed + 1
    return f'"1","Conduit","{name}","GET","http://x/api",{status},{code},"3","9","ok","{failed_names}",,"{total}","1","{failed}","0"\n'


def test_a_csv_cell_whose_names_cannot_be_told_apart_is_kept_whole(tmp_path: Path) -> None:
    report = tmp_path / "r.csv"
    # three failed assertions, one of whose names holds ", ": four parts, so the cell stays one failure
    report.write_text(
        CSV_HEADER
        + failing_row("Tags", "a, b, has x, y", 3)
        + failing_row("Feed", "c, d", 2, code="", status="")
    )
    counts = read_report(report)
    assert counts == Assertions(7, 2, 5)
    assert isinstance(counts, Assertions)
    assert counts.failures == (
        AssertionFailure("Tags", "a, b, has x, y", "response 404 Not Found"),
        AssertionFailure("Feed", "c", "no response"),
        AssertionFailure("Feed", "d", "no response"),
    )


def test_failures_are_bounded_and_consistent() -> None:
    many = tuple(AssertionFailure("r", f"a{i}") for i in range(MAX_FAILURES + 5))
    assert len(Assertions(30, 0, 30, many).failures) == MAX_FAILURES
    with pytest.raises(ValueError, match="2 failures listed for 1 failed assertion"):
        Assertions(3, 2, 1, many[:2])
    # the counts decide equality; failures are evidence beside them
    assert Assertions(3, 2, 1, many[:1]) == Assertions(3, 2, 1)


def test_failures_survive_the_store_and_pickling(tmp_path: Path) -> None:
    assertions = Assertions(5, 3, 2, (AssertionFailure("Register", "has user", "expected 404 to equal 200"),))
    run = GradedRun.generation("a", "m", "flask-openapi-unconstrained", 1, assertions)
    assert pickle.loads(pickle.dumps(run)).assertions.failures == assertions.failures
    store = RunStore(tmp_path)
    source = RunSource(
        run_id="r", agent="a", model="m", task="flask-openapi-unconstrained", trial=1, runtime="uv",
        kind=RunKind.GENERATION, code=PatchCode(tmp_path / "p"), report=None, origin="r",
    )  # fmt: skip
    store.save("ab" * 32, run, ())
    loaded = store.load("ab" * 32, source)
    assert loaded is not None and loaded[0].assertions is not None
    assert loaded[0].assertions.failures == assertions.failures


# --- The command line and the optional extra ---------------------------------------------------------------


def test_html_beside_the_json_report(tmp_path: Path) -> None:
    page, report = tmp_path / "grade.html", tmp_path / "grade.json"
    command = [sys.executable, "-m", "cdverify", "grade", str(SAMPLE), "--no-store", "-j", "2"]
    done = subprocess.run(
        [*command, "--format", "json", "-o", str(report), "--html", str(page)],
        capture_output=True, text=True, check=False, cwd=REPO_ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(report.read_text())
    dom = Dom(page.read_text(encoding="utf-8"))
    assert len(dom.runs) == document["summary"]["runs"] == 48
    levels = body(dom.tables["table-levels"])
    assert [(row[0], row[2], row[3]) for row in levels] == [
        (level["agent"], f"L{level['level']}", percent(level["strict_a"])) for level in document["levels"]
    ]


def test_without_the_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    page = tmp_path / "grade.html"
    script = (
        "import sys; sys.modules['matplotlib'] = None; from cdverify.cli import main; "
        f"sys.argv = ['cdverify', 'grade', {str(SAMPLE)!r}, '--no-store', '--html', {str(page)!r}]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 2
    assert (
        "the HTML report needs matplotlib" in done.stderr and "pip install 'cdverify[report]'" in done.stderr
    )
    assert done.stdout == "" and not page.exists()  # nothing graded, nothing written


def test_the_extra_is_imported_only_to_render() -> None:
    script = (
        "import sys, cdverify, cdverify.grading.cli, cdverify.grading.output, cdverify.grading.html, cdverify.grading.plots; "
        "print(sorted(name for name in ('jinja2', 'matplotlib') if name in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
