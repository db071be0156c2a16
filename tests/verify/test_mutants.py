"""Seeded violations (corpus/mutants/, issue 5): each mutant edits a copy of a reference app, and cdverify
must report exactly the findings it lists, no more and no fewer. The unmodified apps report none.

The format is described in corpus/mutants/README.md. Every edit fails loudly when its anchor is not found
exactly once, so a change to a reference app can never silently turn a mutant into a no-op.
"""

from __future__ import annotations

import shutil
import stat
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cdverify import verify
from cdverify.constraints import parse_constraints

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
MUTANTS = CORPUS / "mutants"
# Never copied: installed dependencies and database files a local run may have left behind.
COPY_IGNORE = shutil.ignore_patterns(
    "node_modules", ".venv", "__pycache__", "*.db", "*.sqlite", "*.sqlite3", ".cdverify-cache"
)

ACTIONS = ("replace", "insert_after", "insert_before", "append", "create", "delete", "move", "chmod")
EDIT_KEYS = {"file", "text", *ACTIONS}
MUTANT_KEYS = {"app", "description", "constraints", "pending", "xfail", "edit", "expect", "expect_none"}
EXPECT_KEYS = {"rule", "file", "line", "contains", "data"}
REPORTED = {"error", "warning"}  # info findings are not part of a mutant's expectation


class MutantError(Exception):
    """The mutant file is malformed, or one of its edits does not apply exactly."""


@dataclass(frozen=True)
class Mutant:
    name: str
    app: str
    description: str
    constraints: str
    edits: list[dict[str, Any]]
    expected: list[dict[str, Any]]
    pending: str | None
    xfail: str | None

    @property
    def expected_keys(self) -> Counter[tuple[str, str, int]]:
        return Counter((e["rule"], e["file"], e["line"]) for e in self.expected)


def load_mutant(path: Path) -> Mutant:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    name = path.stem
    unknown = set(data) - MUTANT_KEYS
    if unknown:
        raise MutantError(f"{name}: unknown keys {sorted(unknown)}")
    for key in ("app", "description", "constraints"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise MutantError(f"{name}: `{key}` must be a non-empty string")
    if not (CORPUS / data["app"]).is_dir():
        raise MutantError(f"{name}: no reference app corpus/{data['app']}")
    edits = data.get("edit", [])
    if not edits:
        raise MutantError(f"{name}: a mutant needs at least one [[edit]]")
    for number, edit in enumerate(edits, 1):
        unknown = set(edit) - EDIT_KEYS
        actions = [key for key in ACTIONS if key in edit]
        if unknown or len(actions) != 1 or not isinstance(edit.get("file"), str):
            raise MutantError(
                f"{name}: edit {number} needs `file` and exactly one of {ACTIONS}"
                + (f" (unknown keys {sorted(unknown)})" if unknown else "")
            )
        if ("text" in edit) != (actions[0] in ("insert_after", "insert_before")):
            raise MutantError(f"{name}: edit {number}: `text` goes with insert_after / insert_before only")
    expected = data.get("expect", [])
    for number, expect in enumerate(expected, 1):
        unknown = set(expect) - EXPECT_KEYS
        if unknown or not {"rule", "file", "line"} <= set(expect):
            raise MutantError(
                f"{name}: expect {number} needs rule, file and line (unknown keys {sorted(unknown)})"
            )
        if not isinstance(expect["line"], int):
            raise MutantError(f"{name}: expect {number}: `line` must be an integer (0 for a whole file)")
    # A near miss (code that looks like a violation but is none) says so explicitly, so that a mutant whose
    # [[expect]] entries were forgotten cannot pass vacuously.
    if not isinstance(data.get("expect_none", False), bool):
        raise MutantError(f"{name}: `expect_none` must be true or false")
    if data.get("expect_none") and expected:
        raise MutantError(f"{name}: `expect_none = true` and [[expect]] entries contradict each other")
    if not expected and not data.get("expect_none") and "pending" not in data:
        raise MutantError(f"{name}: a mutant must expect at least one finding, or say `expect_none = true`")
    return Mutant(
        name=name,
        app=data["app"],
        description=data["description"],
        constraints=data["constraints"],
        edits=edits,
        expected=expected,
        pending=data.get("pending"),
        xfail=data.get("xfail"),
    )


def _target(root: Path, rel: str, where: str) -> Path:
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()):
        raise MutantError(f"{where}: {rel} is outside the app")
    return path


def _lines(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _find_once(content: str, anchor: str, where: str) -> int:
    count = content.count(anchor)
    if count != 1:
        raise MutantError(f"{where}: anchor {anchor!r} found {count} times, expected exactly once")
    return content.index(anchor)


def apply_edit(root: Path, edit: dict[str, Any], where: str) -> None:
    """Apply one scripted edit to the app copy at `root`; raise MutantError unless it applies exactly."""
    path = _target(root, edit["file"], where)
    if "create" in edit:
        if path.exists():
            raise MutantError(f"{where}: create {edit['file']}: it already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_lines(edit["create"]), encoding="utf-8")
        return
    if not path.exists():
        raise MutantError(f"{where}: {edit['file']} does not exist")
    if "delete" in edit:
        if edit["delete"] is not True:
            raise MutantError(f"{where}: `delete` must be true")
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        return
    if "move" in edit:
        destination = _target(root, edit["move"], where)
        if destination.exists():
            raise MutantError(f"{where}: move to {edit['move']}: it already exists")
        destination.parent.mkdir(parents=True, exist_ok=True)
        path.rename(destination)
        return
    if "chmod" in edit:
        executable = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
        mode = path.stat().st_mode
        if edit["chmod"] == "-x":
            if not mode & executable:
                raise MutantError(f"{where}: chmod -x {edit['file']}: it is not executable")
            path.chmod(mode & ~executable)
        elif edit["chmod"] == "+x":
            if mode & executable:
                raise MutantError(f"{where}: chmod +x {edit['file']}: it is already executable")
            path.chmod(mode | executable)
        else:
            raise MutantError(f"{where}: chmod must be '+x' or '-x'")
        return
    content = path.read_text(encoding="utf-8")
    if "replace" in edit:
        spec = edit["replace"]
        if (
            not isinstance(spec, dict)
            or set(spec) - {"old", "new", "count"}
            or not {"old", "new"} <= set(spec)
        ):
            raise MutantError(f"{where}: replace = {{old = ..., new = ..., count = N (default 1)}}")
        expected_count = spec.get("count", 1)
        found = content.count(spec["old"])
        if found != expected_count:
            raise MutantError(
                f"{where}: replace in {edit['file']}: {spec['old']!r} found {found} times, "
                f"expected {expected_count}"
            )
        content = content.replace(spec["old"], spec["new"])
    elif "insert_after" in edit:
        start = _find_once(content, edit["insert_after"], f"{where}: insert_after in {edit['file']}")
        end = content.find("\n", start + len(edit["insert_after"]))
        end = len(content) if end == -1 else end + 1
        content = _lines(content[:end]) + _lines(edit["text"]) + content[end:]
    elif "insert_before" in edit:
        start = _find_once(content, edit["insert_before"], f"{where}: insert_before in {edit['file']}")
        line_start = content.rfind("\n", 0, start) + 1
        content = content[:line_start] + _lines(edit["text"]) + content[line_start:]
    elif "append" in edit:
        content = _lines(content) + edit["append"]
    path.write_text(content, encoding="utf-8")


def hand_in(app: str, constraints: str, destination: Path) -> Path:
    """A copy of a reference app as a task hands it in: for a PostgreSQL task with the `.env` the app loads
    (its `tasks/postgres.env`), since the paper's harness sets no DATABASE_URL."""
    root = destination / app
    shutil.copytree(CORPUS / app, root, ignore=COPY_IGNORE)
    if parse_constraints(constraints).database == "postgres":
        shutil.copy(root / "tasks" / "postgres.env", root / ".env")
    return root


def materialise(mutant: Mutant, destination: Path) -> Path:
    """A copy of the mutant's reference app, as its task hands it in, with every edit applied, in order."""
    root = hand_in(mutant.app, mutant.constraints, destination)
    for number, edit in enumerate(mutant.edits, 1):
        apply_edit(root, edit, f"{mutant.name}: edit {number}")
    return root


def reported(root: Path, constraints: str) -> list[Any]:
    report = verify(root, constraints, use_cache=False)
    return [f for f in report.findings if f.severity.value in REPORTED]


def _describe(finding: Any) -> str:
    return f"{finding.rule} {finding.location.path}:{finding.location.line} [{finding.severity.value}] {finding.message}"


def _detail_problems(mutant: Mutant, findings: list[Any]) -> list[str]:
    """The optional `contains` (message substring) and `data` (structured fields) of each expectation."""
    problems = []
    for expect in mutant.expected:
        key = (expect["rule"], expect["file"], expect["line"])
        candidates = [f for f in findings if (f.rule, f.location.path, f.location.line) == key]
        contains, data = expect.get("contains", ""), expect.get("data", {})
        if not any(
            contains in f.message and all(f.data.get(k) == v for k, v in data.items()) for f in candidates
        ):
            got = [(f.message, {k: f.data.get(k) for k in data}) for f in candidates]
            problems.append(
                f"  ~ details:    {key[0]} {key[1]}:{key[2]} should have message containing {contains!r} "
                f"and data {data}, got {got}"
            )
    return problems


def mismatch(mutant: Mutant, findings: list[Any]) -> str | None:
    """None when the findings are exactly the expected ones; else a readable diff."""
    actual = Counter((f.rule, f.location.path, f.location.line) for f in findings)
    expected = mutant.expected_keys
    problems = []
    missing, unexpected = expected - actual, actual - expected
    for rule, file, line in sorted(missing.elements()):
        problems.append(f"  - missing:    {rule} {file}:{line}")
    for key in sorted(unexpected.elements()):
        matching = [_describe(f) for f in findings if (f.rule, f.location.path, f.location.line) == key]
        problems.append(f"  + unexpected: {matching[0]}")
    if not problems:
        problems.extend(_detail_problems(mutant, findings))
    if not problems:
        return None
    everything = "\n".join(f"    {_describe(f)}" for f in findings) or "    (none)"
    return (
        f"mutant {mutant.name} ({mutant.app}, {mutant.constraints}): {mutant.description}\n"
        + "\n".join(problems)
        + f"\n  all findings above info:\n{everything}"
    )


MUTANT_FILES = sorted(MUTANTS.glob("*.toml"))


def test_the_mutant_corpus_is_there() -> None:
    assert len(MUTANT_FILES) >= 30, f"expected the mutants of issue 5 in {MUTANTS}"


@pytest.mark.parametrize("path", MUTANT_FILES, ids=[p.stem for p in MUTANT_FILES])
def test_mutant_reports_exactly_its_findings(path: Path, tmp_path: Path) -> None:
    mutant = load_mutant(path)
    # Pending mutants are still applied, so that their edits cannot rot before their verifier lands.
    root = materialise(mutant, tmp_path)
    if mutant.pending:
        pytest.skip(f"pending: {mutant.pending}")
    problem = mismatch(mutant, reported(root, mutant.constraints))
    if mutant.xfail:
        if problem is None:
            pytest.fail(f"{mutant.name} now passes: remove its `xfail` ({mutant.xfail})", pytrace=False)
        pytest.xfail(f"{mutant.xfail}\n{problem}")
    if problem is not None:
        pytest.fail(problem, pytrace=False)


def _clean_cases() -> list[tuple[str, str]]:
    """Each (app, constraints) pair the mutants use; a malformed mutant fails in its own test, not here."""
    cases = set()
    for path in MUTANT_FILES:
        try:
            mutant = load_mutant(path)
        except (MutantError, tomllib.TOMLDecodeError, KeyError):
            continue
        cases.add((mutant.app, mutant.constraints))
    return sorted(cases)


@pytest.mark.parametrize(("app", "constraints"), _clean_cases())
def test_reference_app_is_clean(app: str, constraints: str, tmp_path: Path) -> None:
    """The unmodified app, copied the same way, reports nothing above info for each mutant's constraints."""
    root = hand_in(app, constraints, tmp_path)
    findings = reported(root, constraints)
    assert not findings, "\n".join(_describe(f) for f in findings)


# --- the edit language itself -------------------------------------------------------------------------


def _edit(tmp_path: Path, content: str, edit: dict[str, Any]) -> str:
    (tmp_path / "f.py").write_text(content, encoding="utf-8")
    apply_edit(tmp_path, {"file": "f.py", **edit}, "test")
    return (tmp_path / "f.py").read_text(encoding="utf-8")


def test_edits_insert_whole_lines(tmp_path: Path) -> None:
    source = "a = 1\nb = 2\nc = 3\n"
    assert (
        _edit(tmp_path, source, {"insert_after": "b = ", "text": "x = 0"}) == "a = 1\nb = 2\nx = 0\nc = 3\n"
    )
    assert (
        _edit(tmp_path, source, {"insert_before": "= 2", "text": "x = 0\n"}) == "a = 1\nx = 0\nb = 2\nc = 3\n"
    )
    assert _edit(tmp_path, "a = 1", {"append": "b = 2\n"}) == "a = 1\nb = 2\n"
    assert _edit(tmp_path, source, {"replace": {"old": " = ", "new": "=", "count": 3}}) == "a=1\nb=2\nc=3\n"


@pytest.mark.parametrize(
    "edit",
    [
        {"insert_after": "missing", "text": "x"},
        {"insert_before": "= ", "text": "x"},  # ambiguous: three matches
        {"replace": {"old": "a = 1", "new": "a = 2", "count": 2}},
        {"replace": {"old": "z", "new": "y"}},
        {"create": "already there"},
        {"chmod": "+x-x"},
    ],
)
def test_edits_fail_loudly(tmp_path: Path, edit: dict[str, Any]) -> None:
    with pytest.raises(MutantError):
        _edit(tmp_path, "a = 1\nb = 2\nc = 3\n", edit)


def test_edits_fail_on_missing_files(tmp_path: Path) -> None:
    for edit in ({"file": "nope.py", "delete": True}, {"file": "nope.py", "append": "x"}):
        with pytest.raises(MutantError):
            apply_edit(tmp_path, edit, "test")
    with pytest.raises(MutantError):
        apply_edit(tmp_path, {"file": "../escape.py", "create": "x"}, "test")


def test_edits_move_and_chmod(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n", encoding="utf-8")
    apply_edit(tmp_path, {"file": "pkg", "move": "lib/pkg"}, "test")
    assert (tmp_path / "lib" / "pkg" / "a.py").exists() and not (tmp_path / "pkg").exists()
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    apply_edit(tmp_path, {"file": "run.sh", "chmod": "-x"}, "test")
    assert script.stat().st_mode & 0o111 == 0
    with pytest.raises(MutantError):
        apply_edit(tmp_path, {"file": "run.sh", "chmod": "-x"}, "test")


@pytest.mark.parametrize(
    "text",
    [
        'app = "conduit-flask-clean"\ndescription = "d"\nconstraints = "flask"\n[[edit]]\nfile = "app.py"\nappend = "x"\n',
        'app = "conduit-flask-clean"\ndescription = "d"\nconstraints = "flask"\nexpect_none = true\n[[edit]]\nfile = "app.py"\ninsert_afer = "x"\n',
        'app = "conduit-flask-clean"\ndescription = "d"\nconstraints = "flask"\nexpect_none = true\n[[edit]]\nfile = "app.py"\nappend = "x"\ntext = "y"\n',
        'app = "no-such-app"\ndescription = "d"\nconstraints = "flask"\nexpect_none = true\n[[edit]]\nfile = "app.py"\nappend = "x"\n',
    ],
    ids=["no-expectation", "misspelt-action", "stray-text", "unknown-app"],
)
def test_malformed_mutants_are_rejected(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MutantError):
        load_mutant(path)
