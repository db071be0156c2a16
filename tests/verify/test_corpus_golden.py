"""The architecture verifier on the sample projects of `corpus/`, against hand-written golden files.

Each `corpus/expected/<sample>.json` was written by a reviewer from the rules (never generated from
cdverify's output). It holds the layer directories, the architecture violations and every finding as
(rule, file, line). `corpus/py-broken-input` also needs its symlinks, which a checkout may not have
restored; they are recreated here from the golden file's `symlinks` map.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import cdverify

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GOLDEN_FILES = sorted((CORPUS / "expected").glob("*.json"))

VIOLATION_KEYS = ("file", "line", "kind", "from_layer", "to_layer", "import", "type_only")
RULE_OF_KIND = {"upward": "ARCH001", "bypass": "ARCH002", "framework": "ARCH003", "cycle": "ARCH006"}


def load_golden(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def ensure_symlinks(root: Path, links: dict[str, str]) -> None:
    """Recreate the sample's symlinks when the checkout turned them into plain files (or dropped them)."""
    for relative, target in links.items():
        link = root / relative
        if link.is_symlink():
            if os.readlink(link) == target:
                continue
            link.unlink()
        elif link.exists():
            # git with core.symlinks=false writes the target path as a small text file.
            link.unlink()
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)


def project_violation(violation: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(violation.get(key) for key in VIOLATION_KEYS)


def sort_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(value) for value in row)


def explain(what: str, expected: list[tuple[Any, ...]], actual: list[tuple[Any, ...]]) -> str:
    """A diff people can read: what the golden file wants and cdverify missed, and what it added."""
    missing = list(expected)
    unexpected = []
    for row in actual:
        if row in missing:
            missing.remove(row)
        else:
            unexpected.append(row)
    lines = [f"{what} differ from the golden file:"]
    lines += [f"  missing    {row}" for row in missing]
    lines += [f"  unexpected {row}" for row in unexpected]
    return "\n".join(lines)


@pytest.fixture(params=GOLDEN_FILES, ids=[path.stem for path in GOLDEN_FILES])
def golden(request: pytest.FixtureRequest) -> dict[str, Any]:
    expected = load_golden(request.param)
    root = CORPUS / request.param.stem
    ensure_symlinks(root, expected.get("symlinks", {}))
    return expected | {"root": root}


def test_corpus_has_golden_files() -> None:
    samples = {
        path.name
        for path in CORPUS.iterdir()
        if path.is_dir() and path.name not in ("expected", "mutants", "experiments", "labels")
    }
    assert samples == {path.stem for path in GOLDEN_FILES}


def test_golden_file_is_consistent(golden: dict[str, Any]) -> None:
    """Guards the golden files themselves when someone edits a sample: every violation is also a
    finding of the matching rule, and its line really holds the import as written."""
    root: Path = golden["root"]
    findings = {(f["rule"], f["file"], f["line"]) for f in golden["findings"]}
    for violation in golden["violations"]:
        rule = RULE_OF_KIND[violation["kind"]]
        assert (rule, violation["file"], violation["line"]) in findings, violation
        source = (root / violation["file"]).read_bytes().decode("utf-8", errors="replace")
        line = source.splitlines()[violation["line"] - 1]
        assert violation["import"] in line, (violation, line)
    for layer, paths in golden["layers"].items():
        for path in paths:
            assert (root / path).exists(), (layer, path)


def test_inspect_matches_golden(golden: dict[str, Any]) -> None:
    data = cdverify.inspect(golden["root"]).to_json()
    architecture = data["architecture"]
    problems = []

    if architecture["layers"] != golden["layers"]:
        problems.append(
            "layers differ from the golden file:\n"
            f"  expected {json.dumps(golden['layers'], sort_keys=True)}\n"
            f"  actual   {json.dumps(architecture['layers'], sort_keys=True)}"
        )

    expected_violations = sorted((project_violation(v) for v in golden["violations"]), key=sort_key)
    actual_violations = sorted((project_violation(v) for v in architecture["violations"]), key=sort_key)
    if actual_violations != expected_violations:
        header = "violations (" + ", ".join(VIOLATION_KEYS) + ")"
        problems.append(explain(header, expected_violations, actual_violations))

    expected_findings = sorted((f["rule"], f["file"], f["line"]) for f in golden["findings"])
    actual_findings = sorted((f["rule"], f["file"], f["line"]) for f in data["findings"])
    if actual_findings != expected_findings:
        problems.append(explain("findings (rule, file, line)", expected_findings, actual_findings))

    assert not problems, f"{golden['sample']}: " + "\n\n".join(problems) + f"\n\nwhy: {golden['notes']}"
