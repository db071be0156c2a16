"""cdverify's cache folder kept bounded: what the analysis caches hold, for which project, and pruning.

The folder (`locations.cache_dir()`) holds, besides the contract runner's `environments/` (bounded on their
own, cdverify/contract/environments.py):

- `facts-<key>/`: one project's parsed facts (cdverify/cache.py), `<key>` a digest of the project's root,
  and its SQL classifier verdicts (`sql.pickle`, cdverify/sql/memo.py),
  and beside it `facts-<key>.project` naming that root, written (and its time touched) by every analysis
  that uses the cache (`note_use`): which project the folder serves, and when it was last used;
- `results-<key>/`: the same project's finished outputs (cdverify/results.py), counted, used and removed
  with its facts (a results folder whose facts folder is gone is stale);
- `facts-<key>.pickle`: the one-file layout of earlier releases, never read again;
- `rules-<digest>.pickle`: the parsed catalogues of one cdverify version (cdverify/catalog.py);
- `.facts-*`, `.rules-*`: a write under way, or left by a killed run.

`prune` removes what can serve no one (the facts of a project whose folder is gone, the old layout, writes
left over for an hour), then the least recently used entries until the total is under the cap
(`CDVERIFY_CACHE_MAX`, default 2 GiB). After an analysis it runs at most once an hour (`note_use`).
Removing an entry another run is reading is safe: a missing shard is a cache miss.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cdverify.locations import cache_dir

DEFAULT_MAX_BYTES = 2 * 1024**3
PROJECT_SUFFIX = ".project"
STAMP = ".pruned"  # its time: the last automatic prune
PRUNE_EVERY = 3600.0  # seconds between automatic prunes
LEFT_OVER = 3600.0  # a temporary file this old is a write that will never finish


class Kind(StrEnum):
    FACTS = "facts"  # one project's parsed facts
    CATALOGUE = "catalogue"  # the parsed catalogues of one cdverify version
    STALE = "stale"  # the old one-file layout, or a write left over


@dataclass(frozen=True)
class Entry:
    kind: Kind
    path: Path
    size: int
    last_used: float
    project: str | None = None  # the project root a facts cache serves; None when not recorded

    @property
    def gone(self) -> bool:
        """True when this entry can serve no one: its project's folder no longer exists, or it is stale."""
        if self.kind is Kind.STALE:
            return True
        return self.project is not None and not Path(self.project).is_dir()


def max_bytes() -> int:
    """The cap from CDVERIFY_CACHE_MAX (`500M`, `2G`, or bytes); 2 GiB by default."""
    from cdverify.contract.environments import parse_size

    limit = parse_size(os.environ.get("CDVERIFY_CACHE_MAX", ""))
    return DEFAULT_MAX_BYTES if limit is None else limit


def _size(path: Path) -> tuple[int, float]:
    """(bytes, newest modification time) of a file or of the files of a folder (not following links)."""
    try:
        if not path.is_dir() or path.is_symlink():
            info = path.lstat()
            return info.st_size, info.st_mtime
        total, newest = 0, path.lstat().st_mtime
        for child in path.iterdir():
            info = child.lstat()
            total += info.st_size
            newest = max(newest, info.st_mtime)
        return total, newest
    except OSError:
        return 0, 0.0


def marker(folder: Path) -> Path:
    """The file beside a facts folder naming its project."""
    return folder.with_name(folder.name + PROJECT_SUFFIX)


def results_of(folder: Path) -> Path:
    """The result cache of the project whose facts are in `folder` (the same key)."""
    return folder.with_name("results-" + folder.name.removeprefix("facts-"))


def _project_of(folder: Path) -> str | None:
    try:
        text = marker(folder).read_text(encoding="utf-8", errors="surrogateescape").strip()
    except OSError:
        return None
    return text or None


def entries(base: Path | None = None) -> list[Entry]:
    """Every entry of the analysis caches, least recently used first (environments are not listed)."""
    base = base or cache_dir()
    found = []
    now = time.time()
    for path in base.iterdir() if base.is_dir() else ():
        name = path.name
        size, used = _size(path)
        if name.startswith("facts-") and path.is_dir() and not path.is_symlink():
            noted_size, noted = _size(marker(path))
            results_size, results_used = _size(results_of(path))
            size, used = size + noted_size + results_size, max(used, noted, results_used)
            found.append(Entry(Kind.FACTS, path, size, used, _project_of(path)))
        elif name.startswith("results-") and path.is_dir() and not path.is_symlink():
            if not base.joinpath("facts-" + name.removeprefix("results-")).is_dir():
                found.append(Entry(Kind.STALE, path, size, used))  # its facts are gone
        elif name.startswith("facts-") and name.endswith(PROJECT_SUFFIX):
            if not base.joinpath(name.removesuffix(PROJECT_SUFFIX)).is_dir():
                found.append(Entry(Kind.STALE, path, size, used))  # its folder is gone
        elif name.startswith("facts-") and name.endswith(".pickle"):
            found.append(Entry(Kind.STALE, path, size, used))
        elif name.startswith("rules-") and name.endswith(".pickle"):
            found.append(Entry(Kind.CATALOGUE, path, size, used))
        elif name.startswith((".facts-", ".rules-")) and now - used > LEFT_OVER:
            found.append(Entry(Kind.STALE, path, size, used))
    return sorted(found, key=lambda entry: entry.last_used)


def remove(entry: Entry) -> bool:
    """Remove one entry; True when it is gone."""
    import shutil  # with bz2 and lzma, ~3 ms: only when an entry is removed, not for every check

    try:
        if entry.path.is_dir() and not entry.path.is_symlink():
            shutil.rmtree(entry.path)
            if entry.kind is Kind.FACTS:
                marker(entry.path).unlink(missing_ok=True)
                shutil.rmtree(results_of(entry.path), ignore_errors=True)
        else:
            entry.path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def prune(limit: int | None = None, keep: Path | None = None, base: Path | None = None) -> list[Entry]:
    """Remove the entries that serve no one, then the least recently used until the total is at most
    `limit` bytes (default: `max_bytes()`); `keep` (the cache just used) stays. The entries removed."""
    limit = max_bytes() if limit is None else limit
    listed = entries(base)
    removed = [entry for entry in listed if entry.gone and entry.path != keep and remove(entry)]
    left = [entry for entry in listed if entry not in removed]
    total = sum(entry.size for entry in left)
    for entry in left:
        if total <= limit:
            break
        if entry.path != keep and remove(entry):
            total -= entry.size
            removed.append(entry)
    return removed


def note_use(folder: Path, root: Path) -> None:
    """After an analysis used the facts cache `folder` of project `root`: record the project and the time
    in the folder, and prune the cache folder if the last prune is an hour old. Never fails the analysis."""
    if not folder.is_dir():
        return  # nothing was cached (a read-only home)
    text = str(root.absolute())
    try:
        if _project_of(folder) != text:
            marker(folder).write_text(text + "\n", encoding="utf-8", errors="surrogateescape")
        else:
            os.utime(marker(folder))
        stamp = folder.parent / STAMP
        if stamp.exists() and time.time() - stamp.stat().st_mtime < PRUNE_EVERY:
            return
        stamp.touch()
        prune(keep=folder, base=folder.parent)
    except OSError:
        return


__all__ = ["Entry", "Kind", "entries", "marker", "max_bytes", "note_use", "prune", "remove"]
