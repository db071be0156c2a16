"""Each rule's documentation: its page (docs/rules/<ID>.md, shipped in the wheel as
`cdverify/_data/docs/rules`), the URL a finding's JSON links to (`doc_url`), and finding a rule by id or name.

`cdverify rule ID`, `cdverify rules`, the MCP server's `explain` tool and the JSON reports all come here.

The URL is the page's path in the repository, `docs/rules/<ID>.md`, under one base, `DOCS_BASE_URL`
(cdverify/locations.py, with `doc_url`): a
link someone can click wherever the report is read (a CI log, a code-scanning page), the same on every
machine, unlike a `file://` path of this installation. `CDVERIFY_DOCS_URL` replaces the base, e.g. with a
fork's `https://github.com/ORG/cdverify/blob/v0.2.0/` or a checkout's `file:///home/me/cdverify/`;
offline, `cdverify rule ID` prints the installed page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cdverify.locations import doc_url, page_path

if TYPE_CHECKING:
    from cdverify.rules_schema import FindingRule

RULES_SCHEMA_VERSION = "1.0"  # of `cdverify rules --format json` (cdverify/schemas/rules.py)


class UnknownRule(ValueError):
    """A rule asked for by an id or name that no rule has; the message suggests the closest."""


@dataclass(frozen=True)
class RuleDoc:
    """A catalogued rule (rules/findings.toml) and its page."""

    rule: str
    entry: FindingRule

    @property
    def url(self) -> str:
        return doc_url(self.rule)

    def page(self) -> str:
        return page_path(self.rule).read_text(encoding="utf-8")

    def section(self, heading: str) -> str:
        """The text of the page's `## heading` section (markdown, trimmed), "" when the page has none."""
        found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", self.page(), re.M | re.S)
        return found.group(1).strip() if found else ""

    def to_json(self) -> dict[str, str]:
        """The catalogue entry and the page's URL (`cdverify rules --format json`, the MCP `explain`)."""
        entry = self.entry
        return {
            "rule": self.rule,
            "name": entry.name,
            "constraint": entry.constraint,
            "severity": str(entry.severity),
            "summary": entry.summary,
            "doc_url": self.url,
        }


def all_rules() -> list[RuleDoc]:
    """Every rule, in the catalogue's order."""
    from cdverify.catalog import finding_rules

    return [RuleDoc(rule, entry) for rule, entry in finding_rules().items()]


def find_rule(asked: str) -> RuleDoc:
    """The rule named by `asked`: an id in any case (`arch001`) or a rule name (`upward-import`)."""
    from cdverify.catalog import finding_rules

    rules: Mapping[str, FindingRule] = finding_rules()
    wanted = asked.strip()
    if wanted.upper() in rules:
        return RuleDoc(wanted.upper(), rules[wanted.upper()])
    by_name = {entry.name: rule for rule, entry in rules.items()}
    name = wanted.lower().replace("_", "-")
    if name in by_name:
        return RuleDoc(by_name[name], rules[by_name[name]])
    raise UnknownRule(f"unknown rule {asked!r}{_closest(wanted, rules, by_name)}")


def _closest(asked: str, rules: Mapping[str, FindingRule], by_name: Mapping[str, str]) -> str:
    """` (did you mean 'ARCH002'?)` for the closest id or name, else the ids of the family `asked` names
    (` (the ARCH rules are ARCH001, …)`), else `""`."""
    from cdverify.config import did_you_mean

    close = did_you_mean(asked.upper(), list(rules)) or did_you_mean(asked.lower(), list(by_name))
    if close:
        return close
    family = asked.upper().rstrip("0123456789")
    members = [rule for rule in rules if family and rule.rstrip("0123456789") == family]
    return f" (the {family} rules are {', '.join(members)})" if members else ""
