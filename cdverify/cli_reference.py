"""The command-line reference (docs/cli.md), generated from the click commands themselves so that it
cannot drift: every command and subcommand, its usage line, its help and its options.

    python -m cdverify.cli_reference            # print the page
    python -m cdverify.cli_reference --write    # rewrite docs/cli.md (tests/docs/test_cli_reference.py
                                                # fails while the committed page differs)
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

import click

_HEADER = """\
# Command-line reference

Generated from the commands themselves by `python -m cdverify.cli_reference --write`; do not edit by
hand (tests/docs/test_cli_reference.py fails while this page differs from the commands).

Exit codes of every command: 0 success (every constraint holds), 1 a constraint or the contract fails,
2 usage or configuration error, 3 internal error (a bug; `CDVERIFY_DEBUG=1` prints the traceback).

## Shell completion

click generates the completion script; load it from your shell's start-up file:

```bash
eval "$(_CDVERIFY_COMPLETE=bash_source cdverify)"                 # ~/.bashrc
eval "$(_CDVERIFY_COMPLETE=zsh_source cdverify)"                  # ~/.zshrc
_CDVERIFY_COMPLETE=fish_source cdverify | source                  # ~/.config/fish/completions/cdverify.fish
```

## Colours

The text of `check`, `inspect`, `evaluate` and `rules` colours severities and verdicts, and `rule`
renders its page (with rich, when the `[contract]` extra installed it; else the headings in bold), when
standard output is a terminal. `--color always|never` decides instead (default `auto`). In `auto`,
`NO_COLOR` set to anything but the empty string turns colour off ([no-color.org](https://no-color.org)),
`FORCE_COLOR` set (and not `0` or `false`) turns it on even when the output is piped
([force-color.org](https://force-color.org)), `NO_COLOR` winning when both are set; `TERM=dumb` turns it
off. A report written to a file with `-o` is never coloured, and JSON never is.

## Progress

`check` and `inspect` show one progress line on standard error (the stage, and the files parsed out of
all) when standard error is a terminal and the run has lasted a second; the line is erased when the report
is written, and standard output is the same bytes with or without it. A pipe or a CI log never gets it;
`CDVERIFY_NO_PROGRESS=1` turns it off on a terminal too, as it does the stages `contract serve` and
`evaluate` show (copying, setting up, starting, testing; `evaluate` first shows the analysis's stages) and
the progress bar of `grade`.
"""


def _commands(
    command: click.Command, ctx: click.Context, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], click.Command, click.Context]]:
    yield path, command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from _commands(sub, click.Context(sub, info_name=name, parent=ctx), (*path, name))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(path: tuple[str, ...], command: click.Command, ctx: click.Context) -> list[str]:
    level = "#" * min(2 + len(path) - 1, 4)
    lines = [f"{level} `{' '.join(path)}`", ""]
    usage = " ".join([*path, *command.collect_usage_pieces(ctx)])
    lines += ["```text", f"Usage: {usage}", "```", ""]
    if command.help:
        lines += [inspect.cleandoc(command.help).replace("\b\n", ""), ""]
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        rows.append(f"| `{_cell(names)}` | {_cell(help_text)} |")
    if rows:
        lines += ["| option | meaning |", "|---|---|", *rows, ""]
    if isinstance(command, click.Group):
        subs = [
            name
            for name in command.list_commands(ctx)
            if (sub := command.get_command(ctx, name)) is not None and not sub.hidden
        ]
        if subs:
            lines += ["Commands: " + ", ".join(f"`{name}`" for name in subs) + ".", ""]
    return lines


def render() -> str:
    """The whole page."""
    from cdverify.cli import cli

    root = click.Context(cli, info_name="cdverify", **cli.context_settings)
    lines = [_HEADER]
    for path, command, ctx in _commands(cli, root, ("cdverify",)):
        lines += _section(path, command, ctx)
    return "\n".join(lines).rstrip() + "\n"


def page_path() -> Path:
    return Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args == ["--write"]:
        page_path().write_text(text, encoding="utf-8")
        return 0
    if args:
        print("usage: python -m cdverify.cli_reference [--write]", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
