"""Reading a project's file without trusting it: only a regular file is read, and never past a bound.

A project may hold anything under a file's name: a FIFO (reading it waits for a writer forever), a link to
`/dev/zero` (endless), a socket, a folder. `read_regular` opens without blocking, checks what it opened,
and reads at most `limit` bytes, so no name in a project can hang or exhaust cdverify.

Every look at the file system the analysis makes goes through this module (`read_regular`, `probe`,
`list_dir`, and discovery's `note`), so that `recording()` can log each path with its signature at the
time — what the result cache (cdverify/results.py) checks before it serves a finished report again.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import struct
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

# the bound of a read with no bound of its own (a source file discovery found under max_file_bytes, a
# package.json or tsconfig the resolver reads): far above any file worth analysing, far below memory
MAX_UNTRUSTED_BYTES = 256 * 1_048_576

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISLNK, "a symbolic link"),
)


class NotReadable(Exception):
    """Why a file was not read: `reason` is one line, ready for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(mode: int) -> str:
    """`a named pipe (FIFO)`, `a socket`, … for a mode that is not a regular file's."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


# What a path was when the analysis looked at it: (mode, size, mtime_ns, ctime_ns, inode, device), or
# (-1, errno, 0, 0, 0, 0) when it could not be looked at (absent: ENOENT). Any change in a file's content,
# kind, or replacement by another file changes it; for a folder, adding, removing or renaming an entry.
Signature = tuple[int, int, int, int, int, int]
ReadKey = tuple[str, bool]  # (absolute path, whether links were followed)


def signature_of(info: os.stat_result) -> Signature:
    return (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def current_signature(path: str, follow_symlinks: bool) -> Signature:
    """The path's signature now (one `stat`, never an open)."""
    try:
        return signature_of(os.stat(path, follow_symlinks=follow_symlinks))
    except OSError as exc:
        return (-1, exc.errno or 0, 0, 0, 0, 0)


# a signature as a `Signatures` mapping keeps it: six 64-bit numbers in 48 bytes
_PACKED = struct.Struct("<qqqqQQ")


class Signatures(MutableMapping[ReadKey, Signature]):
    """Read keys → signatures, each kept packed (`_PACKED`): a big project's log holds one per file and
    folder it walked (Home Assistant's package: 38 k), for the whole run; as tuples of six numbers they
    took 9 MB, packed 3 MB. A signature that does not fit is kept as it is."""

    def __init__(self) -> None:
        self.packed: dict[ReadKey, bytes | Signature] = {}

    def __getitem__(self, key: ReadKey) -> Signature:
        return unpacked_signature(self.packed[key])

    def get(self, key: ReadKey, default: Any = None) -> Any:
        found = self.packed.get(key)
        return default if found is None else unpacked_signature(found)

    def __setitem__(self, key: ReadKey, signature: Signature) -> None:
        self.packed[key] = packed_signature(signature)

    def __delitem__(self, key: ReadKey) -> None:
        del self.packed[key]

    def __contains__(self, key: object) -> bool:
        return key in self.packed

    def __iter__(self) -> Iterator[ReadKey]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)

    def update(self, *others: Any, **more: Signature) -> None:
        for other in (*others, more):
            for key, signature in other.items() if isinstance(other, Mapping) else other:
                self.packed[key] = packed_signature(signature)


def packed_signature(signature: Signature | bytes) -> bytes | Signature:
    """`signature` as a `Signatures` mapping and the result cache keep it (one already packed as it is)."""
    if isinstance(signature, bytes):
        return signature
    try:
        return _PACKED.pack(*signature)
    except struct.error:  # a number out of range (an inode above 2**64?): kept as it is
        return signature


def unpacked_signature(found: bytes | Signature) -> Signature:
    """The signature `packed_signature` gave."""
    return _PACKED.unpack(found) if isinstance(found, bytes) else found


class ReadLog:
    """Every path looked at while recording, with its signature when it was looked at. A path seen twice
    with different signatures (changed during the run) makes the log `doubtful`: nothing is cached."""

    def __init__(self) -> None:
        self.signatures = Signatures()
        self.doubtful = False

    def note(self, path: str | os.PathLike[str], follow_symlinks: bool, signature: Signature) -> None:
        # an absolute path string (discovery's entries) is used as given: abspath costs more than the stat
        text = path if isinstance(path, str) and path[:1] == os.sep == "/" else os.path.abspath(path)
        key = (text, follow_symlinks)
        packed = packed_signature(signature)
        old = self.signatures.packed.setdefault(key, packed)
        if old != packed:
            self.doubtful = True


_log: ReadLog | None = None


@contextmanager
def recording() -> Iterator[ReadLog]:
    """Log every file-system look of the analysis while inside (one log at a time, for this process)."""
    global _log
    outer, _log = _log, ReadLog()
    try:
        yield _log
    finally:
        _log = outer


def note(path: str | os.PathLike[str], info: os.stat_result, follow_symlinks: bool = False) -> None:
    """Log a `stat` the caller already made (discovery's folder entries)."""
    if _log is not None:
        _log.note(path, follow_symlinks, signature_of(info))


def probe(path: Path, *, follow_symlinks: bool = True) -> os.stat_result | None:
    """`stat` of `path`, logged; None when it cannot be looked at (absent, no permission)."""
    try:
        info = os.stat(path, follow_symlinks=follow_symlinks)
    except OSError as exc:
        if _log is not None:
            _log.note(path, follow_symlinks, (-1, exc.errno or 0, 0, 0, 0, 0))
        return None
    if _log is not None:
        _log.note(path, follow_symlinks, signature_of(info))
    return info


def is_regular_file(path: Path) -> bool:
    """`Path.is_file`, logged."""
    info = probe(path)
    return info is not None and stat.S_ISREG(info.st_mode)


def list_dir(path: Path) -> list[str]:
    """`os.listdir`, logged by the folder's signature (which changes when an entry comes or goes)."""
    if _log is not None:
        _log.note(path, True, current_signature(os.fspath(path), True))
    return os.listdir(path)


def _open_regular(path: Path, limit: int, follow_symlinks: bool, log: ReadLog | None) -> tuple[int, int]:
    """A descriptor of `path` open for a blocking read and its size, when it is a regular file of at most
    `limit` bytes (see `read_regular`); else `NotReadable`."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if log is not None:
            log.note(path, follow_symlinks, current_signature(os.fspath(path), follow_symlinks))
        if not follow_symlinks and os.path.islink(path):
            raise NotReadable("a symbolic link, not followed") from None
        raise NotReadable(exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if log is not None:
            log.note(path, follow_symlinks, signature_of(info))
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"{kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise NotReadable(f"{info.st_size:,} bytes is over the {limit:,}-byte limit")
        os.set_blocking(fd, True)
    except OSError as exc:
        os.close(fd)
        raise NotReadable(exc.strerror or str(exc)) from None
    except NotReadable:
        os.close(fd)
        raise
    return fd, info.st_size


def read_regular(path: Path, limit: int, *, follow_symlinks: bool = True, track: bool = True) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; else `NotReadable`.

    Opening is non-blocking (a FIFO opens at once instead of waiting for a writer) and the kind is checked
    on the opened descriptor, so a file swapped after a check is not read either. The read is logged while
    `recording()` (the signature of the opened file, taken before its bytes are read), unless `track` is
    False: only for cdverify's own cache files, which never change a report."""
    fd, size = _open_regular(path, limit, follow_symlinks, _log if track else None)
    try:
        chunks = []
        remaining = limit + 1
        # reads of about the file's size: a buffer of 1 MiB for each small file is a mapping of its own
        # when big buffers go back to the system (cdverify/allocator.py)
        step = min(max(size + 1, 1 << 12), 1 << 20)
        while remaining > 0 and (chunk := os.read(fd, min(remaining, step))):
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise NotReadable(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # the file grew while it was read
        raise NotReadable(f"over the {limit:,}-byte limit")
    return data


class _Bounded(io.RawIOBase):
    """A regular file opened by `open_regular`: a read past its bound fails (`NotReadable`)."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd = fd
        self.left = limit + 1  # one byte more is a file grown past the bound

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            raise NotReadable("over the size limit")
        try:
            count = os.readv(self.fd, [memoryview(buffer)[: self.left]])
        except OSError as exc:
            raise NotReadable(exc.strerror or str(exc)) from None
        self.left -= count
        if self.left <= 0:
            raise NotReadable("over the size limit")
        return count

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()


def open_regular(path: Path, limit: int, *, follow_symlinks: bool = True) -> BinaryIO:
    """`path` open for reading, as `read_regular` reads it but in pieces (the whole never in memory at once:
    a pickle is read from it as it is unpickled); not logged: for cdverify's own cache files only."""
    fd, _ = _open_regular(path, limit, follow_symlinks, None)
    return io.BufferedReader(_Bounded(fd, limit), 1 << 16)


__all__ = [
    "MAX_UNTRUSTED_BYTES",
    "NotReadable",
    "ReadLog",
    "current_signature",
    "is_regular_file",
    "kind_of",
    "list_dir",
    "note",
    "open_regular",
    "packed_signature",
    "probe",
    "read_regular",
    "recording",
    "unpacked_signature",
]


# byte-order marks that say a text file's encoding (Windows PowerShell's `pip freeze > requirements.txt`
# writes UTF-16 LE with its mark), longest first: UTF-32's marks begin with UTF-16's
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """A text file's bytes as text: in the encoding its byte-order mark names, else UTF-8 (bytes that are not
    UTF-8 replaced)."""
    encoding = next((name for mark, name in _BOMS if data.startswith(mark)), "utf-8")
    return data.decode(encoding, "replace")


def parse_toml(text: str) -> dict[str, Any] | str:
    """A TOML document (a manifest, a configuration file), or why it cannot be read, in one line."""
    import tomllib  # ~2 ms to import: only for a project that has a TOML file

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return str(exc)
    except RecursionError:
        return "values nested too deep to read"
