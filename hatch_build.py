"""Build hook: fetch the Postman sandbox's JavaScript packages from the npm registry into the wheel.

What others wrote is never committed to this repository. `cdverify/contract/js/package-lock.json` pins every
package the sandbox provides (chai, chai-postman, lodash, moment, ajv, cheerio, ... and their dependencies)
with its registry integrity hash. At build time (wheel, editable install, CI) this hook downloads each pinned
tarball, checks it against that hash, unpacks it, keeps only the files a script can reach plus each
package's manifest and licence files, and writes `node_modules/NOTICE` listing every bundled package, its
version and licence. Nothing is downloaded again while the lock is unchanged, and tarballs are cached.

Settings (environment): CDVERIFY_NPM_REGISTRY (or npm_config_registry) for a mirror, CDVERIFY_NPM_CACHE
for the tarball cache folder, CDVERIFY_NPM_TARBALLS for a folder of pre-downloaded `<name>-<version>.tgz`
files (an offline build).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import os
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent
JS_DIR = ROOT / "cdverify" / "contract" / "js"
DEFAULT_REGISTRY = "https://registry.npmjs.org"
STAMP = ".cdverify-build.json"


class NpmFetchError(RuntimeError):
    """The registry could not give a pinned package, or gave one that does not match its hash."""


class PinnedPackage(NamedTuple):
    path: str  # node_modules/a/node_modules/b: where npm would put it
    name: str
    version: str
    integrity: str
    license: str

    @property
    def tarball_name(self) -> str:
        return f"{self.name.split('/')[-1]}-{self.version}.tgz"

    def url(self, registry: str) -> str:
        return f"{registry.rstrip('/')}/{self.name}/-/{self.tarball_name}"


def pinned_packages(lock: dict[str, Any]) -> list[PinnedPackage]:
    packages = []
    for path, entry in sorted(lock["packages"].items()):
        if not path or entry.get("link"):
            continue
        name = entry.get("name") or path.rsplit("node_modules/", 1)[-1]
        if "integrity" not in entry or "version" not in entry:
            raise NpmFetchError(f"package-lock.json: {path} has no version or integrity; regenerate the lock")
        licence = entry.get("license", "")
        if isinstance(licence, list):  # the old `licenses` form survives in a few manifests
            licence = " OR ".join(
                str(item.get("type", item)) if isinstance(item, dict) else str(item) for item in licence
            )
        packages.append(PinnedPackage(path, name, entry["version"], entry["integrity"], str(licence)))
    return packages


def _check_integrity(data: bytes, integrity: str) -> bool:
    for token in integrity.split():
        algorithm, _, expected = token.partition("-")
        if algorithm in {"sha512", "sha384", "sha256", "sha1"}:
            digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
            if digest == expected:
                return True
    return False


def _cache_dir() -> Path:
    configured = os.environ.get("CDVERIFY_NPM_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cdverify" / "npm-tarballs"


def fetch_tarball(package: PinnedPackage, registry: str) -> bytes:
    """The tarball, checked against its pinned hash: from the offline folder, the cache, or the registry."""
    offline = os.environ.get("CDVERIFY_NPM_TARBALLS")
    if offline:
        candidate = Path(offline) / package.tarball_name
        if not candidate.is_file():
            raise NpmFetchError(
                f"{package.name}@{package.version}: {candidate} not found (CDVERIFY_NPM_TARBALLS)"
            )
        data = candidate.read_bytes()
        if not _check_integrity(data, package.integrity):
            raise NpmFetchError(
                f"{package.name}@{package.version}: {candidate} does not match {package.integrity}"
            )
        return data
    cache = _cache_dir() / (hashlib.sha256(package.integrity.encode()).hexdigest() + ".tgz")
    if cache.is_file():
        data = cache.read_bytes()
        if _check_integrity(data, package.integrity):
            return data
    url = package.url(registry)
    last_error: Exception | None = None
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
            break
        except (urllib.error.URLError, OSError) as error:
            last_error = error
            time.sleep(1 + attempt)
    else:
        raise NpmFetchError(
            f"cannot download {package.name}@{package.version} from {url}: {last_error}. "
            "cdverify's contract runner bundles the JavaScript packages Postman scripts use, fetched from "
            "the npm "
            "registry at build time: make the registry reachable, set CDVERIFY_NPM_REGISTRY to a mirror, or "
            "CDVERIFY_NPM_TARBALLS to a folder holding the pinned tarballs."
        )
    if not _check_integrity(data, package.integrity):
        raise NpmFetchError(
            f"{package.name}@{package.version} from {url} does not match its pinned integrity "
            f"{package.integrity}"
        )
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(cache)
    except OSError:
        pass  # a read-only cache only costs a download next time
    return data


def _unpack(data: bytes, destination: Path) -> None:
    """The tarball's regular files under destination, without its top folder (npm's `package/`)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            parts = Path(member.name).parts[1:]
            if not parts or any(part in {"..", ""} for part in parts) or Path(member.name).is_absolute():
                continue
            target = destination.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())


def _jsmodules() -> ModuleType:
    """cdverify/contract/jsmodules.py, loaded by path: the package's own dependencies may not exist yet."""
    spec = importlib.util.spec_from_file_location("_cdverify_jsmodules", JS_DIR.parent / "jsmodules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _lock_digest(js_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((js_dir / name).read_bytes())
    digest.update((JS_DIR.parent / "jsmodules.py").read_bytes())
    return digest.hexdigest()


def build_node_modules(js_dir: Path = JS_DIR, log: Any = print) -> Path:
    """Materialise js_dir/node_modules from the lock; returns it. Idempotent while the lock is unchanged."""
    target = js_dir / "node_modules"
    digest = _lock_digest(js_dir)
    stamp = target / STAMP
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("digest") == digest:
        return target
    npm_registry = os.environ.get("npm_config_registry")  # noqa: SIM112 - npm's own name for it
    registry = os.environ.get("CDVERIFY_NPM_REGISTRY") or npm_registry or DEFAULT_REGISTRY
    packages = pinned_packages(json.loads((js_dir / "package-lock.json").read_text(encoding="utf-8")))
    log(f"cdverify: fetching {len(packages)} pinned npm packages for the Postman sandbox from {registry}")
    with ThreadPoolExecutor(max_workers=8) as pool:
        tarballs = list(pool.map(lambda package: fetch_tarball(package, registry), packages))
    staging = js_dir / f".node_modules.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        full = staging / "full"
        for package, data in zip(packages, tarballs, strict=True):
            _unpack(data, full / package.path)
        jsmodules = _jsmodules()
        declared = jsmodules.declared_packages(js_dir)
        tree = jsmodules.NodeTree(full, declared.modules)
        entries = list(declared.entries.values())
        closure = tree.closure(entries)
        reachable = set(closure)
        kept = staging / "node_modules"
        notice = []
        for package in packages:
            files = [path for path in reachable if tree.package_of(path) == package.path]
            if not files:
                continue
            source_dir = full / package.path
            licences = sorted(
                item.name
                for item in source_dir.iterdir()
                if item.is_file() and jsmodules.LICENCE_FILE.match(item.name)
            )
            for relative in [*files, *(f"{package.path}/{name}" for name in ["package.json", *licences])]:
                destination = staging / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(full / relative, destination)
            notice.append((package, licences, len(files)))
        _write_notice(kept / "NOTICE", notice)
        # what each kept file's literal requires resolve to, so that a run need not resolve them again
        index = {path: module.requires for path, module in sorted(closure.items())}
        (kept / jsmodules.INDEX).write_text(json.dumps(index), encoding="utf-8")
        (kept / STAMP).write_text(json.dumps({"digest": digest, "registry": registry}), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        kept.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"cdverify: {len(notice)} packages bundled in {target}")
    return target


def _write_notice(path: Path, bundled: list[tuple[PinnedPackage, list[str], int]]) -> None:
    lines = [
        "cdverify's Postman script sandbox bundles these npm packages, fetched from the npm registry",
        "at build time as cdverify/contract/js/package-lock.json pins them (integrity-checked), reduced",
        "to the files a script can reach. Each keeps its own licence; its licence files sit in its",
        "folder beside this file.",
        "",
        f"{'package':<40} {'version':<10} {'licence':<14} licence files",
    ]
    for package, licences, _ in bundled:
        files = (
            ", ".join(f"{package.path}/{name}" for name in licences)
            or "(none in the package; see its package.json)"
        )
        lines.append(f"{package.name:<40} {package.version:<10} {package.license or '?':<14} {files}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Runs for the wheel target, editable installs included (they read node_modules from the source tree)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        try:
            target = build_node_modules(log=self.app.display_info)
        except NpmFetchError as error:
            self.app.abort(f"cdverify build: {error}")
            raise
        if version != "editable":
            build_data["force_include"][str(target)] = "cdverify/contract/js/node_modules"


if __name__ == "__main__":  # python hatch_build.py: refresh node_modules in a checkout by hand
    build_node_modules()
