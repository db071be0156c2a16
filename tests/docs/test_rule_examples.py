"""The examples of the rule pages (docs/rules/<ID>.md) are run: each is written into a project, checked
as the page shows, and held to what the page says. How a page marks its examples (file blocks, run
blocks, `<!-- example: base | bad | fixed -->` markers) is told in docs/rules/index.md, "Examples that
are run", and in tests/docs/doc_blocks.py.

Each run's output must be what the page shows (`docs.doc_blocks.mismatch`; the project is `~/<name>`,
`~/shop` unless the shown summary names another folder), with the same exit code. Then the library,
`cdverify.verify(project, constraints)`, must report the page's rule for a violating example, and
must not at the rule's own severity for a fixed one; and no finding may name the folder the project was
written to (project paths only). A page whose example cannot be run says why in
EXCEPTIONS."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pytest
from click.testing import CliRunner

import cdverify
from cdverify.catalog import finding_rules
from cdverify.cli import cli
from docs.doc_blocks import DOCS, Block, Command, ExampleFile, blocks, commands, example_files, mismatch

RULE_PAGES = sorted(p for p in (DOCS / "rules").glob("*.md") if p.name != "index.md")

# rule → why its page's example is not run
EXCEPTIONS: dict[str, str] = {
    "DISC005": "an unreadable folder cannot be made for the root user the documentation and CI run as",
}

_SUMMARY = re.compile(r"^~/([\w.-]+): \d+ errors?,")
_CONSTRAINT_OPTIONS = ("-c", "--constraints", "--task")


class Kind(StrEnum):
    BAD = "bad"  # the page's rule must be reported
    FIXED = "fixed"  # it must not be, at its own severity


@dataclass
class Example:
    """One project of a page: its files, the commands the page shows on it, and what it must show."""

    page: str
    kind: Kind
    line: int
    heading: str
    files: dict[str, ExampleFile] = field(default_factory=dict)
    runs: list[Command] = field(default_factory=list)
    run_line: int = 0
    closed: bool = False

    @property
    def where(self) -> str:
        return f"docs/rules/{self.page}:{self.line}"


def _is_run(block: Block) -> bool:
    return block.info in ("text", "console") and block.text.startswith("$ ")


def examples_of(page: Path) -> list[Example]:
    found: list[Example] = []
    base: dict[str, ExampleFile] = {}
    current: Example | None = None
    for block in blocks(page.read_text(encoding="utf-8")):
        marker = block.marker
        if current is not None and block.heading != current.heading:
            current.closed = True  # an example ends with its section
        if marker == "example: base":
            base.update((file.path, file) for file in example_files(block))
            continue
        if marker.startswith("example:"):
            words = marker.removeprefix("example:").split(",")
            assert words[0].strip() in set(Kind), (
                f"docs/rules/{page.name}:{block.line}: unknown marker {marker!r}"
            )
            kind = Kind(words[0].strip())
            files = dict(found[-1].files) if kind is Kind.FIXED and found else dict(base)
            for word in words[1:]:
                verb, _, what = word.strip().partition(" ")
                if verb == "of" and kind is Kind.FIXED and what.isdigit() and 0 < int(what) <= len(found):
                    files = dict(found[int(what) - 1].files)  # fixes the page's n-th example
                    continue
                assert verb == "delete" and what in files, f"docs/rules/{page.name}:{block.line}: {word!r}"
                del files[what]
            current = Example(page.name, kind, block.line, block.heading, files)
            found.append(current)
        elif (
            (current is None or current.closed)
            and block.heading == "Example"
            and (example_files(block) or _is_run(block))
        ):
            current = Example(page.name, Kind.BAD, block.line, block.heading, dict(base))
            found.append(current)
        if current is None or current.closed:
            continue
        written = example_files(block)
        for file in written:
            current.files[file.path] = file
        if not written and _is_run(block):
            current.runs, current.run_line, current.closed = commands(block), block.line, True
    return found


def _project(example: Example, home: Path) -> Path:
    name = "shop"
    for command in example.runs:
        for line in command.shown:
            if match := _SUMMARY.match(line):
                name = match.group(1)
    root = home / name
    for file in example.files.values():
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.text, encoding="utf-8")
        if file.executable:
            target.chmod(0o755)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _constraints(runs: list[Command], files: dict[str, ExampleFile] | None = None) -> str | None:
    """The constraints a shown `cdverify check` gives (`-c`, `--task`), else the project's cdverify.toml's."""
    if files and "cdverify.toml" in files:
        configured = tomllib.loads(files["cdverify.toml"].text).get("constraints")
        if isinstance(configured, str) and not any(o in c.command for c in runs for o in _CONSTRAINT_OPTIONS):
            return configured
    for command in runs:
        words = shlex.split(command.command)
        if words[:1] != ["cdverify"]:
            continue
        for option in _CONSTRAINT_OPTIONS:
            if option in words:
                return words[words.index(option) + 1]
    return None


def _run_shown(example: Example, root: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    last: int | None = None
    where = f"docs/rules/{example.page}:{example.run_line}"
    for step in example.runs:
        if step.command == "echo $?":
            assert last is not None and step.shown[:1] == (str(last),), (
                f"{where}: exit code {last}, shown {step.shown}"
            )
            continue
        words = shlex.split(step.command)
        if words[0] == "cdverify":
            result = CliRunner().invoke(cli, words[1:])
            printed, last = result.output, result.exit_code
        else:
            done = subprocess.run(
                step.command, shell=True, cwd=root, capture_output=True, text=True, timeout=60
            )
            printed, last = done.stdout + done.stderr, done.returncode
        problem = mismatch(step.shown, printed.replace(str(home), "~"))
        assert problem is None, f"{where}: `{step.command}`: {problem}"


def _cases() -> list[object]:
    cases: list[object] = []
    for page in RULE_PAGES:
        for index, example in enumerate(examples_of(page)):
            cases.append(pytest.param(page.stem, example, id=f"{page.stem}-{index + 1}-{example.kind}"))
    return cases


@pytest.mark.parametrize(("rule", "example"), _cases())
def test_rule_example(rule: str, example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if rule in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[rule])
    home = tmp_path / "home"
    root = _project(example, home)
    if example.runs:
        _run_shown(example, root, home, monkeypatch)
    constraints = _constraints(example.runs, example.files) or _constraints(
        next(
            (
                e.runs
                for e in reversed(examples_of(DOCS / "rules" / example.page))
                if e.runs and e.line < example.line
            ),
            [],
        )
    )
    assert constraints, f"{example.where}: no `cdverify check … -c/--task` to take the constraints from"
    report = cdverify.verify(root, constraints)  # the facts the CLI run cached
    reported = {finding.rule for finding in report.findings}
    machine = [  # a finding names project paths, never where the project happens to be
        finding.to_dict()
        for finding in (*report.findings, *report.suppressed)
        if any(str(tmp_path) in str(value) for value in finding.to_dict().values())
    ]
    assert not machine, f"{example.where}: findings that name a machine path: {machine}"
    if example.kind is Kind.BAD:
        assert rule in reported, f"{example.where}: {rule} not reported (got {sorted(reported)})"
    else:  # fixed: not at the rule's own severity (an ORM001 `info` in tests may stay)
        severity = finding_rules()[rule].severity
        left = [f for f in report.findings if f.rule == rule and f.severity == severity]
        assert not left, f"{example.where}: the fixed example still reports {rule}: {left}"


def test_every_rule_page_has_a_run_example() -> None:
    """A page shows a project that breaks its rule, or says in EXCEPTIONS why it cannot."""
    missing = [
        page.stem
        for page in RULE_PAGES
        if page.stem not in EXCEPTIONS and not any(e.kind is Kind.BAD and e.runs for e in examples_of(page))
    ]
    assert not missing, f"rule pages with no example that is run: {missing}"
    assert set(EXCEPTIONS) <= {page.stem for page in RULE_PAGES}


def test_pages_show_project_paths_not_machine_paths() -> None:
    # `~/shop/…` too: the runs print the project's folder as `~/shop`, so a finding naming a path inside
    # it by its absolute path would show so (only the summary line names the folder itself, `~/shop:`)
    machine = re.compile(r"(?<![\w~])/(?:tmp|home|work|root|Users|private|var)/[\w.-]+/|~/[\w.-]+/")
    shown = [
        f"docs/rules/{page.name}:{number}"
        for page in RULE_PAGES
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        if machine.search(line)
    ]
    assert not shown, f"machine paths in rule pages (write ~/shop): {shown}"
