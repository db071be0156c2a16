"""Edits of a project's files and the unified diff (git's dialect) that makes them.

An edit is a text replacement on an exact range of one file, a new file, or a file's execute bit. The
diff is written against the files as they are, with `a/` and `b/` prefixes, so that `git apply` and
`patch -p1` apply it from the project's root.
"""

from __future__ import annotations

import difflib
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

NO_NEWLINE = "\\ No newline at end of file"


@dataclass(frozen=True)
class Replace:
    """Replace the characters `start:end` of `path` (project-relative, POSIX) with `text`."""

    path: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Create:
    """Create `path` holding `text` (the file must not exist)."""

    path: str
    text: str


@dataclass(frozen=True)
class Executable:
    """Set the execute bits of `path`."""

    path: str


Edit = Replace | Create | Executable


class Files:
    """The project's files as the edits see them: text read once, as UTF-8, lines kept as written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, str | None] = {}

    def text(self, path: str) -> str | None:
        """The file's text, or None when it does not exist, is not a file or is not UTF-8."""
        if path not in self._texts:
            file = self.root / path
            try:
                self._texts[path] = file.read_bytes().decode("utf-8") if file.is_file() else None
            except (OSError, UnicodeDecodeError):
                self._texts[path] = None
        return self._texts[path]

    def mode(self, path: str) -> str:
        """git's mode of the file: 100755 when its owner may execute it, else 100644."""
        return "100755" if (self.root / path).stat().st_mode & stat.S_IXUSR else "100644"


def overlaps(edit: Edit, others: Iterable[Edit]) -> bool:
    """Whether `edit` touches what one of `others` touches (the same range, or a file created twice)."""
    for other in others:
        if other.path != edit.path or type(other) is not type(edit):
            continue
        if isinstance(edit, Replace) and isinstance(other, Replace):
            if (edit.start < other.end and other.start < edit.end) or edit.start == other.start:
                return True
        elif isinstance(edit, Create):
            return True
    return False


def apply(text: str, replacements: Iterable[Replace]) -> str:
    """`text` with non-overlapping replacements made (each range of the original text)."""
    out = text
    for edit in sorted(replacements, key=lambda e: e.start, reverse=True):
        out = out[: edit.start] + edit.text + out[edit.end :]
    return out


def unified_diff(files: Files, edits: Iterable[Edit]) -> str:
    """One patch making every edit (which must not overlap), a file after the other in path order."""
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    return "".join(_file_diff(files, path, by_path[path]) for path in sorted(by_path))


def _file_diff(files: Files, path: str, edits: list[Edit]) -> str:
    header = [f"diff --git a/{path} b/{path}"]
    created = next((e for e in edits if isinstance(e, Create)), None)
    if created is not None:
        header += ["new file mode 100644", "--- /dev/null", f"+++ b/{path}"]
        return "\n".join([*header, *_hunk_lines("", created.text)]) + "\n"
    before = files.text(path)
    if any(isinstance(e, Executable) for e in edits) and files.mode(path) != "100755":
        header += [f"old mode {files.mode(path)}", "new mode 100755"]
    replacements = [e for e in edits if isinstance(e, Replace)]
    if not replacements or before is None:
        return "\n".join(header) + "\n"
    after = apply(before, replacements)
    return "\n".join([*header, f"--- a/{path}", f"+++ b/{path}", *_hunk_lines(before, after)]) + "\n"


def _hunk_lines(before: str, after: str) -> list[str]:
    """The hunks of a unified diff from `before` to `after` (without the ---/+++ header), with git's
    marker after a last line that has no newline."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    lines = []
    for line in list(difflib.unified_diff(old, new, n=3))[2:]:
        lines.append(line.removesuffix("\n"))
        if not line.endswith("\n"):
            lines.append(NO_NEWLINE)
    return lines
