"""Where a configuration is looked for, and its globs read from a sub-folder of the folder it lives in.

A configuration is found the way ruff and tach find theirs: `cdverify.toml`, else a `pyproject.toml` with a
`[tool.cdverify]` table, in the analysed folder or the nearest parent that has one, up to the repository
root (the folder holding `.git`), never above the user's home folder. Outside a repository only the
analysed folder itself is searched: a stray file in `/tmp` must not configure every project under it.

The globs of a configuration are relative to its own folder. When the analysed folder is below it, they are
rewritten relative to the analysed folder (`rebase_gitignore`, `ignore_applies`): `backend/legacy/` in the
repository's configuration excludes `legacy/` when `backend` is checked, and means nothing when `frontend`
is. Pure path arithmetic: nothing here reads a configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

_WILDCARDS = frozenset("*?[")


def search_folders(start: Path) -> Iterator[Path]:
    """The folders searched for a configuration of `start`, nearest first: `start`, then its parents up to
    the repository root holding it; only `start` when it is in no repository (below the home folder, or
    below the filesystem root for a path outside it)."""
    start = start.absolute()
    home = _home()
    chain = [start]
    for parent in start.parents:
        if _is_above(parent, home):
            break
        chain.append(parent)
    for index, folder in enumerate(chain):
        if (folder / ".git").exists():  # a folder, or a file in a worktree or submodule
            yield from chain[: index + 1]
            return
    yield start


def _home() -> Path | None:
    try:
        return Path.home().absolute()
    except (RuntimeError, KeyError):  # no home folder known: nothing to stop at
        return None


def _is_above(folder: Path, home: Path | None) -> bool:
    """True when `folder` is a strict ancestor of the home folder (`/`, `/home`)."""
    return home is not None and folder != home and home.is_relative_to(folder)


def relative_base(config_folder: Path, analysed: Path) -> str:
    """The analysed folder relative to the configuration's folder, POSIX, `""` when they are the same."""
    rel = analysed.absolute().relative_to(config_folder.absolute()).as_posix()
    return "" if rel == "." else rel


def rebase_gitignore(glob: str, base: str) -> str | None:
    """A gitignore-style glob of a configuration, rewritten for a project `base` below the configuration's
    folder; None when it can match nothing there. A glob without a slash (but a trailing one) matches at
    any depth and is unchanged; an anchored one loses the leading segments that `base` matches."""
    if not base:
        return glob
    negated = glob.startswith("!")
    body = glob[1:] if negated else glob
    if "/" not in body.rstrip("/"):
        return glob
    segments = body.lstrip("/").split("/")
    prefix = "!" if negated else ""
    for index, folder in enumerate(base.split("/")):
        if index >= len(segments) or segments[index] == "":
            return prefix + "**"  # `backend/` names the whole analysed folder (or a parent of it)
        if segments[index] == "**":
            return prefix + "/".join(segments[index:])
        if not fnmatchcase(folder, segments[index]):
            return None
    rest = segments[len(base.split("/")) :]
    if not rest or rest == [""]:
        return prefix + "**"
    return prefix + "/" + "/".join(rest)


def ignore_applies(glob: str, base: str) -> bool:
    """Whether an `[[ignore]]` path glob (fnmatch, matched against `base/` + the project path) can match a
    file below `base`: its literal beginning, up to the first wildcard, must agree with `base/`."""
    if not base:
        return True
    literal = ""
    for char in glob:
        if char in _WILDCARDS:
            break
        literal += char
    folder = base + "/"
    if literal == glob:  # no wildcard: the glob names one path
        return glob.startswith(folder)
    return literal.startswith(folder) or folder.startswith(literal)
