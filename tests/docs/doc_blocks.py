"""Reading the code blocks of a documentation page, for the tests that run what the docs show.

The conventions (docs/rules/index.md, "Examples that are run"):

- a block whose first line is a comment naming a path (`# app/routes/users.py`, `// src/app.ts`,
  `-- schema.sql`) is that file of the example project, the comment line included (the line numbers the
  page shows count it); `# run.sh (executable)` makes the file executable and `# run.sh (not executable)`
  leaves it so (that line is then not part of the file, which starts with its `#!`); a later such line after a
  blank line starts the next file of the same block;
- a `console` block is a shell session: `$ command` lines, each followed by what it prints;
  `$ echo $?` prints the exit code of the command before it;
- in shown output, a line that is only `…` stands for any number of lines left out, and `…` inside a
  line for any text (a time, a port); everything else must be printed exactly, in that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(.*)$")
_MARKER = re.compile(r"^<!--\s*(.*?)\s*-->$")
_FILE_COMMENT = re.compile(
    r"^(?:#|//|--|;)\s*([\w.@~+-]+(?:/[\w.@+\[\]()-]+)*)(\s+\((?:not )?executable\))?\s*$"
)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    info: str  # the info string: "python", "console", …
    text: str  # the content, ending with a newline
    line: int  # line of the opening fence (1-based)
    marker: str  # text of an HTML comment on the line just before the fence ("" when none)
    heading: str  # the nearest `## ` heading above it


@dataclass(frozen=True)
class ExampleFile:
    path: str
    text: str
    executable: bool


@dataclass(frozen=True)
class Command:
    """A `$ command` of a console block and the output the page shows for it."""

    command: str
    shown: tuple[str, ...]


def blocks(markdown: str) -> list[Block]:
    out: list[Block] = []
    lines = markdown.splitlines()
    heading = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            heading = line[3:].strip()
        fence = _FENCE.match(line)
        if not fence:
            index += 1
            continue
        close = fence.group(1)
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].startswith(close):
            body.append(lines[index])
            index += 1
        marker = _MARKER.match(lines[start - 1].strip()) if start else None
        out.append(
            Block(
                fence.group(2).strip(),
                "\n".join(body) + "\n",
                start + 1,
                marker.group(1) if marker else "",
                heading,
            )
        )
        index += 1
    return out


def _names_file(line: str) -> re.Match[str] | None:
    match = _FILE_COMMENT.match(line)
    if not match or not ("/" in match.group(1) or "." in match.group(1)):
        return None  # `# comment`: a word, not a file name
    return match


def example_files(block: Block) -> list[ExampleFile]:
    """The project files a block holds: none unless its first line names one (a path with a folder or
    an extension); each later line that names a file alone starts the next file. A file's name line is
    part of it (line numbers count it), except for JSON, which has no comments, and a script marked
    `(executable)` or `(not executable)`, whose first line must be its `#!`."""
    if block.info == "console" or not _names_file(block.text.split("\n", 1)[0]):
        return []
    files: list[ExampleFile] = []
    lines: list[str] = []
    for line in [*block.text.rstrip("\n").split("\n"), "# end/of.block"]:
        match = _names_file(line)
        if match and (not lines or not lines[-1].strip() or line == "# end/of.block"):
            if lines:
                name = _names_file(lines[0])
                assert name is not None
                path, mode = name.group(1), name.group(2) or ""
                executable = "(executable)" in mode
                while lines and not lines[-1].strip():
                    lines.pop()
                body = lines[1:] if mode or path.endswith(".json") else lines
                files.append(ExampleFile(path, "\n".join(body) + "\n", executable))
            lines = [line]
        else:
            lines.append(line)
    return files


def commands(block: Block) -> list[Command]:
    out: list[Command] = []
    command: str | None = None
    shown: list[str] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            if command is not None:
                out.append(Command(command, tuple(shown)))
            command, shown = line[2:], []
        elif command is not None:
            shown.append(line)
    if command is not None:
        out.append(Command(command, tuple(shown)))
    return out


def _line_pattern(shown: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if part == "…" else re.escape(part) for part in re.split("(…)", shown)))


def mismatch(shown: tuple[str, ...], printed: str) -> str | None:
    """Why `printed` is not what the page shows (None when it is): the shown lines must be printed in
    order, consecutively except where a `…` line leaves some out; trailing blank lines do not count."""
    actual = printed.rstrip("\n").splitlines()
    wanted = list(shown)
    while wanted and not wanted[-1].strip():
        wanted.pop()
    position = 0
    skipping = False
    for want in wanted:
        if want.strip() == "…":
            skipping = True
            continue
        pattern = _line_pattern(want)
        while position < len(actual) and not pattern.fullmatch(actual[position]):
            if not skipping:
                return f"expected {want!r}, printed {actual[position]!r}"
            position += 1
        if position == len(actual):
            return f"expected {want!r}, not printed (output:\n{printed})"
        position += 1
        skipping = False
    if position < len(actual) and not skipping:
        return f"printed more than shown, from {actual[position]!r}"
    return None
