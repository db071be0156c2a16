"""Fetch and prepare the benchmark corpora (idempotent).

    python benchmarks/corpora.py                     # all corpora
    python benchmarks/corpora.py --only django,app-60
    python benchmarks/corpora.py --cache-dir /tmp/corpora --force

Corpora (each a directory under the cache dir, default ``benchmarks/.corpora/``):

``django``   PyPI sdist django-5.2.19 (``pip download --no-deps --no-binary :all:``);
             only the ``django/`` package is kept: 885 ``.py`` files.
``homeassistant``  PyPI wheel homeassistant-2024.3.3 (``pip download --no-deps --only-binary :all:``,
             sha256 pinned); only the ``homeassistant/`` package is kept: 6,725 ``.py`` files.
``ts-mono``  a fake TypeScript monorepo built from the ``src/`` trees that nine pinned npm
             packages ship (``npm pack``): root ``package.json`` with ``workspaces``, one
             ``packages/<name>/`` per package with its own ``package.json``; about 1,480
             ``.ts`` files.  There is no ``node_modules``: imports between the packages and
             of npm dependencies stay unresolved, as in the peers' medusa measurement.
``app-N``    a synthetic Flask + SQLAlchemy Clean Architecture app of about N files
             (``gen_app.py``); N = 60 (the typical generated app), 100 and 1000.

The only registries used are PyPI and npm.  Downloads are kept in ``<cache>/downloads``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import gen_app

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = BENCH_DIR / ".corpora"

DJANGO_VERSION = "5.2.19"
DJANGO_SHA256 = "ad03d8abc51dbff95ebf34b27123cf0c26a3b62db7ba0cd520783686362533d1"

HOMEASSISTANT_VERSION = "2024.3.3"
HOMEASSISTANT_SHA256 = "6e1ec2c07441d63fdcfb8acd2c4bbb6f68bc97330855784d3623d10c38fe3577"

# (npm spec, directory name under packages/) -- pinned; every one ships its TS sources in src/
TS_PACKAGES: tuple[tuple[str, str], ...] = (
    ("effect@4.1.0", "effect"),
    ("zod@4.6.7", "zod"),
    ("rxjs@7.8.2", "rxjs"),
    ("@effect/platform@0.97.2", "effect-platform"),
    ("@trpc/server@11.25.2", "trpc-server"),
    ("@tanstack/router-core@1.171.39", "tanstack-router-core"),
    ("@effect/cli@0.77.2", "effect-cli"),
    ("@effect/sql@0.52.1", "effect-sql"),
    ("@effect/rpc@0.76.2", "effect-rpc"),
)

APP_SIZES: tuple[int, ...] = (60, 100, 1000)
ALL_NAMES: tuple[str, ...] = (*(f"app-{n}" for n in APP_SIZES), "django", "ts-mono", "homeassistant")


@dataclass(frozen=True)
class Corpus:
    name: str
    root: Path  # project root: the cwd of every tool and the PATH given to cdverify
    target: str  # what the peers analyse, relative to root ("django", "packages", "app")
    lang: str  # "python" | "typescript"
    files: int  # analysed source files (.py, or .ts without .d.ts)
    note: str = ""


def count_files(root: Path, lang: str) -> int:
    if lang == "python":
        return sum(1 for _ in root.rglob("*.py"))
    return sum(1 for p in root.rglob("*.ts") if not p.name.endswith(".d.ts") and p.is_file()) + sum(
        1 for _ in root.rglob("*.tsx")
    )


def _run(cmd: list[str], cwd: Path | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return proc.stdout


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp_ok(dest: Path, spec: str) -> bool:
    stamp = dest / ".bench-stamp"
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == spec


def _write_stamp(dest: Path, spec: str) -> None:
    (dest / ".bench-stamp").write_text(spec, encoding="utf-8")


def _extract(tgz: Path, dest: Path) -> None:
    with tarfile.open(tgz, "r:gz") as tar:
        tar.extractall(dest, filter="data")


def prepare_django(cache: Path, force: bool = False) -> Corpus:
    dest = cache / "django"
    spec = f"django {DJANGO_VERSION} {DJANGO_SHA256}"
    if force or not _stamp_ok(dest, spec):
        sdist = _pip_download(
            f"django=={DJANGO_VERSION}",
            f"django-{DJANGO_VERSION}.tar.gz",
            DJANGO_SHA256,
            cache / "downloads",
            binary=False,
        )
        tmp = cache / "tmp-django"
        shutil.rmtree(tmp, ignore_errors=True)
        _extract(sdist, tmp)
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        shutil.move(str(tmp / f"django-{DJANGO_VERSION}" / "django"), dest / "django")
        shutil.rmtree(tmp)
        _write_stamp(dest, spec)
    return Corpus("django", dest, "django", "python", count_files(dest / "django", "python"))


def _pip_download(spec: str, filename: str, sha256: str, downloads: Path, binary: bool) -> Path:
    """A pinned PyPI file in the download cache, fetched when missing, its digest checked."""
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / filename
    if not target.is_file() or _sha256(target) != sha256:
        print(f"[corpora] pip download {spec}", flush=True)
        kind = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        _run([*pip, *kind, spec, "-d", str(downloads)])
        digest = _sha256(target)
        if digest != sha256:
            raise RuntimeError(f"{target}: sha256 {digest} != pinned {sha256}")
    return target


def prepare_homeassistant(cache: Path, force: bool = False) -> Corpus:
    """Home Assistant's `homeassistant/` package from its wheel: 6,725 .py files, the issue-17 giant."""
    dest = cache / "homeassistant"
    spec = f"homeassistant {HOMEASSISTANT_VERSION} {HOMEASSISTANT_SHA256}"
    if force or not _stamp_ok(dest, spec):
        wheel = _pip_download(
            f"homeassistant=={HOMEASSISTANT_VERSION}",
            f"homeassistant-{HOMEASSISTANT_VERSION}-py3-none-any.whl",
            HOMEASSISTANT_SHA256,
            cache / "downloads",
            binary=True,
        )
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as archive:
            members = [name for name in archive.namelist() if name.startswith("homeassistant/")]
            archive.extractall(dest, members)
        _write_stamp(dest, spec)
    return Corpus(
        "homeassistant",
        dest,
        "homeassistant",
        "python",
        count_files(dest / "homeassistant", "python"),
        note=f"PyPI wheel {HOMEASSISTANT_VERSION}",
    )


def _npm_pack(spec: str, downloads: Path) -> Path:
    name, _, version = spec.rpartition("@")
    filename = f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    tgz = downloads / filename
    if not tgz.is_file():
        print(f"[corpora] npm pack {spec}", flush=True)
        out = _run(["npm", "pack", spec, "--pack-destination", str(downloads), "--json"])
        packed = json.loads(out)[0]["filename"]
        tgz = downloads / packed
    return tgz


def prepare_ts_mono(cache: Path, force: bool = False) -> Corpus:
    dest = cache / "ts-mono"
    spec = "ts-mono " + " ".join(s for s, _ in TS_PACKAGES)
    if force or not _stamp_ok(dest, spec):
        downloads = cache / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        (dest / "packages").mkdir(parents=True)
        for npm_spec, dirname in TS_PACKAGES:
            tgz = _npm_pack(npm_spec, downloads)
            tmp = cache / f"tmp-{dirname}"
            shutil.rmtree(tmp, ignore_errors=True)
            _extract(tgz, tmp)
            pkg_dir = dest / "packages" / dirname
            pkg_dir.mkdir()
            shutil.move(str(tmp / "package" / "src"), pkg_dir / "src")
            shutil.move(str(tmp / "package" / "package.json"), pkg_dir / "package.json")
            shutil.rmtree(tmp)
        root_pkg = {
            "name": "ts-mono",
            "private": True,
            "description": "benchmark corpus: src/ trees of pinned npm packages",
            "workspaces": ["packages/*"],
        }
        (dest / "package.json").write_text(json.dumps(root_pkg, indent=2) + "\n")
        tsconfig = {
            "compilerOptions": {
                "target": "ES2022",
                "module": "NodeNext",
                "moduleResolution": "NodeNext",
                "strict": True,
                "noEmit": True,
                "skipLibCheck": True,
            },
            "include": ["packages/*/src"],
        }
        (dest / "tsconfig.json").write_text(json.dumps(tsconfig, indent=2) + "\n")
        _write_stamp(dest, spec)
    return Corpus(
        "ts-mono",
        dest,
        "packages",
        "typescript",
        count_files(dest / "packages", "typescript"),
        note=f"{len(TS_PACKAGES)} npm packages' src/",
    )


def prepare_app(cache: Path, size: int, force: bool = False) -> Corpus:
    dest = cache / f"app-{size}"
    spec = f"gen_app files={size} violations=1 digest={_sha256(Path(gen_app.__file__))}"
    if force or not _stamp_ok(dest, spec):
        gen_app.generate(dest, files=size, violations=1)
        _write_stamp(dest, spec)
    return Corpus(
        f"app-{size}",
        dest,
        "app",
        "python",
        count_files(dest, "python"),
        note="synthetic Flask clean-architecture app, 1 bypass violation",
    )


def prepare(names: Iterable[str], cache: Path = DEFAULT_CACHE, force: bool = False) -> list[Corpus]:
    cache.mkdir(parents=True, exist_ok=True)
    out: list[Corpus] = []
    for name in names:
        if name == "django":
            out.append(prepare_django(cache, force))
        elif name == "ts-mono":
            out.append(prepare_ts_mono(cache, force))
        elif name == "homeassistant":
            out.append(prepare_homeassistant(cache, force))
        elif name.startswith("app-") and name[4:].isdigit():
            out.append(prepare_app(cache, int(name[4:]), force))
        else:
            raise ValueError(f"unknown corpus {name!r}; known: {', '.join(ALL_NAMES)}, app-N")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Fetch and prepare benchmark corpora.")
    ap.add_argument(
        "--cache-dir", type=Path, default=Path(os.environ.get("CDVERIFY_BENCH_CACHE", DEFAULT_CACHE))
    )
    ap.add_argument("--only", default=",".join(ALL_NAMES), help="comma-separated corpus names")
    ap.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    for c in prepare(names, args.cache_dir, args.force):
        suffix = ".py" if c.lang == "python" else ".ts"
        print(
            f"{c.name:10s} {c.files:6d} {suffix} files  {c.root}/{c.target}"
            + (f"  ({c.note})" if c.note else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
