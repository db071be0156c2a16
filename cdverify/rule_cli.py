"""`cdverify rule ID` (a rule's page: what it checks, why, an example, the fix) and `cdverify rules` (every
rule of rules/findings.toml, one line each, or JSON). The pages are the installed docs/rules/<ID>.md
(cdverify/rule_docs.py finds them).

A page is printed as Markdown, its HTML comments (the markers of the examples the tests run) left out and
its relative links made absolute. Coloured (cdverify/terminal.py decides when), rich renders it when it
is installed (it comes with the [contract] extra), else the headings are set in bold.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

import click

from cdverify.cli import _OUTPUT, _emit  # the -o option and its writer, as check and inspect have them
from cdverify.terminal import SEVERITY_STYLES, color_option, paint, use_color

EXIT_USAGE = 2

_COMMENT_LINE = re.compile(r"^\s*<!--.*-->\s*$")
_RELATIVE_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} ")


def page_for_terminal(page: str, url: str) -> str:
    """The page as Markdown a reader can use away from the repository: no HTML comment lines, and its
    relative links (`../configuration.md#ignore`) resolved against the page's own URL."""
    lines = [line for line in page.splitlines() if not _COMMENT_LINE.match(line)]
    text = "\n".join(lines)
    return _RELATIVE_LINK.sub(lambda link: f"]({urljoin(url, link.group(1))})", text)


def _bold_headings(markdown: str) -> str:
    """The headings in bold, outside fenced blocks (a `# file.py` line there is code)."""
    out = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        out.append(click.style(line, bold=True) if not fenced and _HEADING.match(line) else line)
    return "\n".join(out)


def _print_markdown(markdown: str, color: bool) -> None:
    if color:
        try:
            from rich.console import Console
            from rich.markdown import Markdown
        except ImportError:
            click.echo(_bold_headings(markdown), color=True)
            return
        Console(file=sys.stdout, force_terminal=True, soft_wrap=False).print(Markdown(markdown))
        return
    click.echo(markdown, color=False)


@click.command("rule")
@click.argument("rule")
@color_option
def rule_command(rule: str, color: str) -> None:
    """Print RULE's page: what it checks, why it matters, an example and how to fix it. RULE is an id in
    any case (ARCH002, arch002) or a rule name (route-bypasses-service)."""
    from cdverify.rule_docs import UnknownRule, find_rule

    try:
        found = find_rule(rule)
    except UnknownRule as unknown:
        click.echo(f"cdverify: error: {unknown}; `cdverify rules` lists them", err=True)
        sys.exit(EXIT_USAGE)
    _print_markdown(page_for_terminal(found.page(), found.url), use_color(color))


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_OUTPUT
@color_option
def rules_command(fmt: str, output: Path | None, color: str) -> None:
    """List every rule: id, name, constraint, default severity and what it reports (`cdverify rule ID`
    prints one's page)."""
    from cdverify.rule_docs import RULES_SCHEMA_VERSION, all_rules

    rules = all_rules()
    colored = fmt == "text" and use_color(color, output)
    if fmt == "json":
        listed = [found.to_json() for found in rules]
        text = json.dumps({"schema_version": RULES_SCHEMA_VERSION, "rules": listed}, indent=2)
    else:
        width = {
            key: max(len(getattr(found.entry, key)) for found in rules) for key in ("name", "constraint")
        }
        id_width = max(len(found.rule) for found in rules)
        text = "\n".join(
            f"{found.rule:<{id_width}}  {found.entry.name:<{width['name']}}  "
            f"{found.entry.constraint:<{width['constraint']}}  "
            + paint(f"{found.entry.severity:<7}", SEVERITY_STYLES[found.entry.severity], colored)
            + f"  {found.entry.summary}"
            for found in rules
        )
    _emit(text, output, colored)
