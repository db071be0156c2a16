"""An edit that leaves every file's facts as they were: the result cache serves its stored output again.

Beside a stored result (cdverify/results.py), its edit record lists each parsed file with its content
digest, and keeps what discovery found (a warm hit never reads it). When the only paths whose signature
changed since are such files, still regular files within the size limit and none of them a manifest,
discovery would find what it found then (no folder changed: no entry came, went or was renamed; the
sizes stay under the limit): the stored discovery is used, with the new sizes (`resized`). And the
stages after parsing read nothing of a source but its facts. So each changed file is read and parsed
again: when its facts and findings equal those stored in the facts cache for its former content (a
comment added, a blank line at the end, an edit undone), every later stage sees the very same input and
the stored output is the output. Any doubt is a miss: a changed path that is no parsed source, a former
entry gone from the facts cache, a file changing while read.

Outputs that read the sources' text (`check --fix-diff`) store no sources, so they are never served so.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cdverify.files import (
    MAX_UNTRUSTED_BYTES,
    NotReadable,
    ReadKey,
    Signature,
    current_signature,
    packed_signature,
    read_regular,
)
from cdverify.model import Language, Scope, SourceFile

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.discover import Project

# a parsed file as a stored result lists it: (its read key's path, project path, language, scope, digest)
Source = tuple[str, str, Language, Scope, bytes]
# what a stored result keeps for this check: the project's root (the facts cache's key) and its sources
Sources = tuple[str, tuple[Source, ...]]


def parsed_sources(analysis: Analysis) -> Sources | None:
    """The parsed files of `analysis` with their content digests; None without the facts cache."""
    if not analysis.digests:
        return None
    root = analysis.project.root
    return str(root), tuple(
        (os.path.abspath(root / f.path), f.path, f.language, f.scope, analysis.digests[f.path])
        for f in analysis.project.sources
        if f.path in analysis.digests and f.language is not None
    )


def edited_sources(
    stored: Sources, changed: Iterable[tuple[ReadKey, Signature]], max_file_bytes: int
) -> list[tuple[Source, Signature]] | None:
    """Each `changed` path (with its signature now) as the parsed source it is, when every one is: a
    regular file still, within the size limit, no manifest. Discovery would then find what it found, but
    for these files' sizes. None when one is anything else."""
    from cdverify.manifest_files import reader_for

    by_key = {source[0]: source for source in stored[1]}
    edited = []
    for (key_path, follow), signature in changed:
        source = by_key.get(key_path)
        if source is None or follow or not stat.S_ISREG(signature[0]) or signature[1] > max_file_bytes:
            return None
        if reader_for(source[1]) is not None:  # a manifest too: read for more than its facts
            return None
        edited.append((source, signature))
    return edited


def unchanged_facts(root: str, edited: Iterable[tuple[Source, Signature]]) -> bool:
    """Whether every edited source's facts and findings are those of its stored content. The stored
    digests stay: their facts are the ones in the facts cache (the file's later versions, served so,
    were never parsed into it)."""
    from cdverify.cache import FactsCache, content_digest
    from cdverify.parse import parse_bytes

    for (key_path, path, language, scope, digest), signature in edited:
        try:
            data = read_regular(Path(key_path), MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
        except NotReadable:
            return False
        if current_signature(key_path, False) != signature:  # changed while read: no telling which content
            return False
        if content_digest(data) != digest:
            before = FactsCache.stored(Path(root), path, digest)
            if before is None or parse_bytes(SourceFile(path, language, scope, len(data)), data) != before:
                return False
    return True


def resized(project: Project, edited: Iterable[tuple[Source, Signature]]) -> Project:
    """What discovery finds now, where it found `project` and only the `edited` files changed since."""
    from cdverify.discover import Project

    sizes = {source[1]: signature[1] for source, signature in edited}
    files = tuple(f._replace(size=sizes[f.path]) if f.path in sizes else f for f in project.files)
    return Project(project.root, files, project.findings)


def unchanged_digests(stored: Sources, changed: Mapping[ReadKey, Signature]) -> dict[str, bytes]:
    """Each stored source whose signature is unchanged → its stored digest: the content whose facts (in
    the facts cache) it has, read or not (a file served after an edit that kept its facts has those of
    its former content, which are equal)."""
    return {path: digest for key_path, path, _, _, digest in stored[1] if (key_path, False) not in changed}


def changed_paths(
    reads: Sequence[tuple[ReadKey, bytes | Signature]], stored: Callable[[], Sources | None]
) -> list[tuple[ReadKey, Signature]] | None:
    """The paths of `reads` whose signature is not the stored one, each with its signature now; None as
    soon as one is no parsed source of the `stored` sources (read on the first change: a folder, a
    manifest, no sources kept — nothing here can use it)."""
    parsed: frozenset[str] | None = None
    out = []
    for key, signature in reads:
        now = current_signature(key[0], key[1])
        if packed_signature(now) != signature:
            if parsed is None:
                sources = stored()
                if sources is None:
                    return None
                parsed = frozenset(source[0] for source in sources[1])
            if key[0] not in parsed:
                return None
            out.append((key, now))
    return out
