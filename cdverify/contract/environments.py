"""Installed dependencies, made once and reused: the environment cache behind `--setup auto`.

The paper's set-up step (`uv pip install --system -r requirements.txt`, `npm install`) is honoured in
meaning without touching the system interpreter and without paying for it at every run:

- Python: a virtual environment made by `uv` from the project's `requirements.txt` (and the files it names
  with `-r`/`-c`), keyed by their digest and the Python version. The server runs with that environment's
  `bin` first on PATH; nothing is installed into the project's copy.
- Node: `node_modules` made by `npm ci --prefer-offline` (`npm install` without a lockfile) from
  `package.json` and its lockfile, keyed by their digest and the Node version, then laid into the copy by
  hard links (a plain copy across file systems). Dependencies' install scripts run in the cache as npm would
  run them; the project's own install scripts run in the copy, where the project's files are.

A requirement that points into the project (`-e .`, a local path) cannot be shared between projects: such a
project is installed into its own copy, as before. Entries live in `{cache}/environments/`; each is
complete once its `entry.json` is written, built under an exclusive lock (two runs that need the same
environment build it once) and used under a shared one (cleaning never removes an environment a server
is using). The cache is bounded: after each build the least recently used entries go until the total is
under the cap (`CDVERIFY_ENV_CACHE_MAX`, default 8 GiB).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from cdverify.locations import cache_dir

DEFAULT_MAX_BYTES = 8 * 1024**3
LOG_BYTES = 256 * 1024
ENTRY_FILE = "entry.json"
ENTRY_FORMAT = 2  # 2: Python environments carry their bytecode
NODE_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json")
# the project's own lifecycle scripts of `npm install`, in the order npm runs them
NODE_INSTALL_SCRIPTS = (
    "preinstall",
    "install",
    "postinstall",
    "prepublish",
    "preprepare",
    "prepare",
    "postprepare",
)
_INCLUDE = re.compile(r"^\s*(?:-r|-c|--requirement|--constraint)(?:\s+|=)(\S+)")
_LOCAL = re.compile(r"^\s*(?:-e|--editable)\b|^\s*(?:\.{1,2}/|/|file:)|\s@\s*file:")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


class EnvKind(StrEnum):
    PYTHON = "python"
    NODE = "node"


class SetupError(RuntimeError):
    """An environment could not be made (the install failed, or ran past its time limit: `timed_out`);
    the message says which step and why."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


@dataclass(frozen=True)
class EnvSpec:
    """What an environment is made from: its manifests (name → content) and the runtime's version."""

    kind: EnvKind
    manifests: tuple[tuple[str, bytes], ...]
    runtime: str  # `Python 3.11.7` or `v20.17.0`

    @property
    def digest(self) -> str:
        hasher = hashlib.blake2b(f"{ENTRY_FORMAT}\0{self.kind}\0{self.runtime}".encode(), digest_size=16)
        for name, content in self.manifests:
            hasher.update(f"\0{name}\0{len(content)}\0".encode())
            hasher.update(content)
        return hasher.hexdigest()

    @property
    def key(self) -> str:
        return f"{self.kind.value}-{self.digest}"


@dataclass(frozen=True)
class CacheEntry:
    """One environment in the cache, as `cdverify cache` lists it."""

    key: str
    kind: EnvKind
    path: Path
    size: int
    created: float
    last_used: float
    runtime: str
    manifests: tuple[str, ...]


@dataclass(frozen=True)
class Prepared:
    """A project's dependencies, ready: the variables the server needs and the commands still to run in
    the copy (the project's own install scripts)."""

    env: dict[str, str]
    commands: tuple[str, ...]
    entry: Path | None  # None: installed into the copy (not shareable)
    reused: bool
    note: str


def cache_root() -> Path:
    """$CDVERIFY_ENV_CACHE_DIR, else `environments/` in cdverify's cache folder (CDVERIFY_CACHE_DIR)."""
    explicit = os.environ.get("CDVERIFY_ENV_CACHE_DIR")
    return Path(explicit) if explicit else cache_dir() / "environments"


def parse_size(text: str) -> int | None:
    """`500M`, `8G`, `2GiB` or a number of bytes; None when it is none of those."""
    match = _SIZE.match(text)
    if match is None:
        return None
    return int(float(match.group(1)) * 1024 ** "_kmgt".index(match.group(2).lower() or "_"))


def max_bytes() -> int:
    """The cache's cap from CDVERIFY_ENV_CACHE_MAX (`500M`, `8G`, or bytes); 8 GiB by default."""
    limit = parse_size(os.environ.get("CDVERIFY_ENV_CACHE_MAX", ""))
    return DEFAULT_MAX_BYTES if limit is None else limit


@functools.cache
def runtime_version(kind: EnvKind) -> str:
    """The version of the interpreter the project will run on (`python3` or `node` on PATH)."""
    command = ["python3", "--version"] if kind is EnvKind.PYTHON else ["node", "--version"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise SetupError(f"{command[0]} is needed to set up this project: {error}") from None
    return (done.stdout or done.stderr).strip()


def python_spec(workdir: Path) -> EnvSpec | None:
    """The spec of a project with a requirements.txt; None when it has none, or names a local path or a
    file outside the project (then it is installed into its own copy)."""
    root = workdir.resolve()
    manifests: dict[str, bytes] = {}
    pending = ["requirements.txt"]
    while pending:
        name = pending.pop()
        path = (root / name).resolve()
        if name in manifests:
            continue
        if not path.is_relative_to(root) or not path.is_file():
            return None
        manifests[name] = content = path.read_bytes()
        for line in content.decode("utf-8", errors="replace").splitlines():
            if _LOCAL.search(line):
                return None
            include = _INCLUDE.match(line)
            if include:
                pending.append(os.path.normpath(str(Path(name).parent / include.group(1))))
    return EnvSpec(EnvKind.PYTHON, tuple(sorted(manifests.items())), runtime_version(EnvKind.PYTHON))


def node_spec(workdir: Path) -> EnvSpec | None:
    """The spec of a project with a package.json, or None (no package.json, or local `file:` packages)."""
    package = workdir / "package.json"
    if not package.is_file():
        return None
    manifests = {"package.json": package.read_bytes()}
    try:
        document = json.loads(manifests["package.json"])
    except ValueError:
        return None  # npm, in the copy, says what is wrong with it
    if not isinstance(document, dict) or "workspaces" in document:
        return None
    for name in NODE_LOCKFILES:
        if (workdir / name).is_file():
            manifests[name] = (workdir / name).read_bytes()
            break
    if re.search(rb'"(?:file|link|workspace):', manifests["package.json"]):
        return None  # packages from the project itself
    return EnvSpec(EnvKind.NODE, tuple(sorted(manifests.items())), runtime_version(EnvKind.NODE))


def prepare(workdir: Path, log: IO[bytes], timeout_s: float) -> Prepared | None:
    """`--setup auto` for the project copied at `workdir`: its dependencies from the cache (made on a miss).
    None when the project has neither requirements.txt nor package.json. Raises SetupError."""
    if (workdir / "requirements.txt").is_file():
        spec = python_spec(workdir)
        if spec is None:
            return _python_in_copy(workdir, log, timeout_s)
        entry, reused = _entry(spec, workdir, log, timeout_s)
        venv = entry / "venv"
        path = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        note = f"python environment {spec.key} {'reused' if reused else 'made'}"
        return Prepared({"VIRTUAL_ENV": str(venv), "PATH": path}, (), entry, reused, note)
    if (workdir / "package.json").is_file():
        spec = node_spec(workdir)
        if spec is None:
            install = "npm ci" if any((workdir / n).is_file() for n in NODE_LOCKFILES) else "npm install"
            return Prepared({}, (f"{install} --no-audit --no-fund",), None, False, "node_modules in the copy")
        entry, reused = _entry(spec, workdir, log, timeout_s)
        link_tree(entry / "node_modules", workdir / "node_modules")
        note = f"node environment {spec.key} {'reused' if reused else 'made'}"
        return Prepared({}, _own_install_scripts(workdir), entry, reused, note)
    return None


@contextlib.contextmanager
def in_use(prepared: Prepared | None) -> Iterator[None]:
    """Hold a shared lock on the environment while a server uses it, so cleaning leaves it alone."""
    if prepared is None or prepared.entry is None:
        yield
        return
    with locked(prepared.entry.parent / f"{prepared.entry.name}.lock", fcntl.LOCK_SH):
        _touch(prepared.entry)
        yield


def _python_in_copy(workdir: Path, log: IO[bytes], timeout_s: float) -> Prepared:
    venv = workdir / ".cdverify-venv"
    _make_venv(venv, workdir, log, timeout_s)
    path = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    variables = {"VIRTUAL_ENV": str(venv), "PATH": path}
    return Prepared(variables, (), None, False, "python environment in the copy")


def _entry(spec: EnvSpec, workdir: Path, log: IO[bytes], timeout_s: float) -> tuple[Path, bool]:
    """The cache entry of `spec`, made under an exclusive lock when it is missing or incomplete."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    entry = root / spec.key
    if (entry / ENTRY_FILE).is_file():
        _touch(entry)
        return entry, True
    with locked(root / f"{spec.key}.lock", fcntl.LOCK_EX):
        if (entry / ENTRY_FILE).is_file():  # another run made it while we waited
            _touch(entry)
            return entry, True
        shutil.rmtree(entry, ignore_errors=True)  # what an interrupted build left
        entry.mkdir()
        started = time.monotonic()
        try:
            if spec.kind is EnvKind.PYTHON:
                _make_venv(entry / "venv", workdir, log, timeout_s)
            else:
                _build_node(spec, entry, log, timeout_s)
        except BaseException:
            shutil.rmtree(entry, ignore_errors=True)
            raise
        record = {
            "format": ENTRY_FORMAT,
            "kind": spec.kind.value,
            "runtime": spec.runtime,
            "manifests": [name for name, _ in spec.manifests],
            "created": time.time(),
            "build_seconds": round(time.monotonic() - started, 1),
            "size": tree_size(entry),
        }
        (entry / ENTRY_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
        _touch(entry)
    prune(max_bytes(), keep=entry)
    return entry, False


def _make_venv(venv: Path, workdir: Path, log: IO[bytes], timeout_s: float) -> None:
    """A virtual environment at `venv` with the project's requirements, installed from the project's copy
    (so that `-r other.txt` lines resolve as they do for the project)."""
    _run([_uv(), "venv", "--quiet", "--python", _python3(), str(venv)], workdir, log, timeout_s)
    install = [_uv(), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    # compiled once here: a server's start would otherwise compile every dependency again (a read-only
    # cache or PYTHONDONTWRITEBYTECODE keeps Python from saving it), 0.8 of the Flask app's 1.4 s start
    _run([*install, "--compile-bytecode", "-r", "requirements.txt"], workdir, log, timeout_s)


def _build_node(spec: EnvSpec, entry: Path, log: IO[bytes], timeout_s: float) -> None:
    for name, content in spec.manifests:
        (entry / name).write_bytes(content)
    # the project's own install scripts need the project's files: they run in the copy, not here
    package = json.loads((entry / "package.json").read_bytes())  # valid: node_spec read it
    if isinstance(package.get("scripts"), dict):
        package["scripts"] = {
            name: script for name, script in package["scripts"].items() if name not in NODE_INSTALL_SCRIPTS
        }
        (entry / "package.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    locked = any(name in NODE_LOCKFILES for name, _ in spec.manifests)
    flags = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"]
    _run(["npm", "ci" if locked else "install", *flags], entry, log, timeout_s)
    # the dependencies' own install scripts (native modules such as sqlite3), not the project's
    _run(["npm", "rebuild", "--no-audit", "--no-fund"], entry, log, timeout_s)
    if not (entry / "node_modules").is_dir():
        (entry / "node_modules").mkdir()


def _own_install_scripts(workdir: Path) -> tuple[str, ...]:
    try:
        scripts = json.loads((workdir / "package.json").read_text(encoding="utf-8")).get("scripts") or {}
    except (OSError, ValueError, AttributeError):
        return ()
    if not isinstance(scripts, dict):
        return ()
    return tuple(f"npm run {name} --if-present" for name in NODE_INSTALL_SCRIPTS if name in scripts)


def _run(command: list[str], cwd: Path, log: IO[bytes], timeout_s: float) -> None:
    """Run one install step; past `timeout_s` (or on Ctrl-C) it is stopped with everything it started."""
    from cdverify.contract.processes import marked_environment, new_mark, stop_marked, stop_tree

    log.write(f"$ {' '.join(command)}\n".encode())
    log.flush()
    mark = new_mark()
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "npm_config_update_notifier": "false"}
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=marked_environment(mark, env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    except OSError as error:
        raise SetupError(f"`{command[0]}` could not start: {error}") from None
    output = b""
    timed_out = False
    try:
        output, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        if process.poll() is None:  # past its time, or cdverify is interrupted: stop it all
            stop_tree(process, grace_s=2.0)
            stop_marked(mark, grace_s=2.0)  # what left the group
            with contextlib.suppress(subprocess.TimeoutExpired, ValueError):
                output, _ = process.communicate(timeout=5)
    log.write(output[-LOG_BYTES:])  # an install's output, capped: its end says what went wrong
    step = " ".join(command[:3])
    if timed_out:
        raise SetupError(f"`{step}` took over {timeout_s:g} s", timed_out=True)
    if process.returncode != 0:
        raise SetupError(f"`{step}` exited with code {process.returncode}")


def _uv() -> str:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise SetupError("uv is needed to set up Python projects: pip install uv") from None
        return found


def _python3() -> str:
    found = shutil.which("python3")
    if found is None:
        raise SetupError("python3 is not on PATH")
    return found


def link_tree(source: Path, destination: Path) -> None:
    """`source` laid at `destination` by hard links (copies across file systems); symlinks stay links."""
    if destination.is_symlink() or destination.is_file():
        destination.unlink()
    elif destination.exists():
        shutil.rmtree(destination)

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, destination, symlinks=True, copy_function=link)


def tree_size(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def entries() -> list[CacheEntry]:
    """Every complete environment in the cache, least recently used first."""
    root = cache_root()
    found = []
    for record_path in root.glob(f"*/{ENTRY_FILE}") if root.is_dir() else ():
        entry = record_path.parent
        try:
            record: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
            kind = EnvKind(record["kind"])
        except (OSError, ValueError, KeyError):
            continue
        found.append(
            CacheEntry(
                key=entry.name,
                kind=kind,
                path=entry,
                size=int(record.get("size", 0)),
                created=float(record.get("created", 0)),
                last_used=_last_used(entry),
                runtime=str(record.get("runtime", "")),
                manifests=tuple(record.get("manifests", ())),
            )
        )
    return sorted(found, key=lambda item: item.last_used)


def remove(entry: CacheEntry) -> bool:
    """Remove one environment unless a server is using it (or it is being built). True when removed."""
    lock = entry.path.parent / f"{entry.key}.lock"
    try:
        with locked(lock, fcntl.LOCK_EX | fcntl.LOCK_NB):
            (entry.path / ENTRY_FILE).unlink(missing_ok=True)  # incomplete from here on
            shutil.rmtree(entry.path, ignore_errors=True)
    except BlockingIOError:
        return False
    lock.unlink(missing_ok=True)
    return True


def prune(limit: int, keep: Path | None = None) -> list[CacheEntry]:
    """Remove the least recently used environments until the cache holds at most `limit` bytes."""
    listed = entries()
    total = sum(item.size for item in listed)
    removed = []
    for item in listed:
        if total <= limit:
            break
        if item.path == keep:
            continue
        if remove(item):
            total -= item.size
            removed.append(item)
    return removed


@contextlib.contextmanager
def locked(path: Path, mode: int) -> Iterator[None]:
    """Hold a lock file (`fcntl.flock` `mode`), freed when the block ends or its holder dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _touch(entry: Path) -> None:
    with contextlib.suppress(OSError):
        (entry / "last-used").touch()


def _last_used(entry: Path) -> float:
    try:
        return (entry / "last-used").stat().st_mtime
    except OSError:
        return 0.0
