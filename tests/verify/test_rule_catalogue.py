"""Every rule id the code can emit is catalogued in rules/findings.toml and documented in docs/rules/."""

from __future__ import annotations

import re
from pathlib import Path

from cdverify.catalog import finding_rules

ROOT = Path(__file__).resolve().parents[2]
RULE_ID = re.compile(r'"((?:ARCH|PARSE|DISC|RES|CFG|DB|ORM|FW|TASK)\d{3})"')


def emitted_rule_ids() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "cdverify").rglob("*.py"):
        found.update(RULE_ID.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_emitted_rule_is_catalogued() -> None:
    catalogue = finding_rules()
    assert emitted_rule_ids() <= set(catalogue)
    for rule, entry in catalogue.items():
        assert entry.severity in ("error", "warning", "info"), rule
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.name), rule


def test_every_catalogued_rule_is_documented_in_four_parts() -> None:
    for rule, entry in finding_rules().items():
        page = ROOT / "docs" / "rules" / f"{rule}.md"
        assert page.is_file(), f"{rule} has no page {page}"
        text = page.read_text(encoding="utf-8")
        assert text.startswith(f"# {rule} {entry.name}"), rule
        for part in ("## What it checks", "## Why it matters", "## Example", "## How to fix"):
            assert part in text, f"{rule}: missing {part!r}"
