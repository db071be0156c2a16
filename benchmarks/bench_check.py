"""Whole-process speed and memory of ``cdverify`` next to its peers, on the same corpora.

    python benchmarks/bench_check.py --setup          # once: corpora + peer tools (grimp, ...)
    python benchmarks/bench_check.py                  # every row, 5 timed runs after 1 warm-up
    python benchmarks/bench_check.py --quick          # app-60 + django only (CI smoke)
    python benchmarks/bench_check.py --only cdverify --runs 10
    python benchmarks/bench_check.py --only ts-mono --json /tmp/bench.json

Each row is one command run as a child process (``subprocess.Popen`` + ``os.wait4``):
wall time is ``time.perf_counter`` around spawn → reap, so interpreter start-up counts;
peak RSS is the child's ``ru_maxrss`` (the largest single process of its tree, as reported
by the kernel for reaped descendants, not their sum); cpu s is user + system.  Output goes
to a log file, never to the terminal.  Before each row the script waits (up to 60 s) for
the machine to be ≥ 90 % idle, like the peers' measurements in anchors-perf.md did.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import corpora
from corpora import Corpus
from ratio_check import FLOOR_SCRIPT

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
TARGET_S = 0.3  # typical generated app (≤ 100 files), whole process
TARGET_MAX_FILES = 100
TARGET_MODES = ("check --no-cache (cold)", "check, warm cache")
DASH = "\u2013"  # en dash, for ranges in the table

PY_PEERS = {"grimp": "3.19", "import-linter": "2.16", "tach": "0.35.3"}
NPM_PEERS = {"dependency-cruiser": "17.4.3", "madge": "8.0.0", "typescript": "5.9.3"}

Validator = Callable[[Path], str]


# --------------------------------------------------------------------------- model


@dataclass
class Bench:
    corpus: str
    tool: str
    mode: str
    cmd: list[str]
    cwd: Path
    files: int | None = None
    env: dict[str, str] = field(default_factory=dict)
    ok_codes: frozenset[int] | None = frozenset({0})  # None: any exit code that is not a crash
    stdout_to: Path | None = None  # where the command's stdout goes (default: the log)
    validate: Validator | None = None  # reads the output after the warm-up; returns a summary
    before: Callable[[int], None] | None = None  # untimed, before run i
    after: Callable[[], None] | None = None  # once, after the row
    unavailable: str | None = None  # "n/a" reason


@dataclass
class Result:
    corpus: str
    tool: str
    mode: str
    files: int | None
    command: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    exit_code: int | None = None
    summary: str = ""
    idle: float | None = None
    na: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.walls)


# --------------------------------------------------------------------------- measuring


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return idle, sum(parts)


def idle_fraction(interval: float = 1.0) -> float:
    try:
        i0, t0 = _cpu_times()
        time.sleep(interval)
        i1, t1 = _cpu_times()
    except OSError:
        return 1.0
    return (i1 - i0) / max(1, t1 - t0)


def wait_for_idle(threshold: float, max_wait: float) -> float:
    deadline = time.monotonic() + max_wait
    idle = idle_fraction()
    while idle < threshold and time.monotonic() < deadline:
        idle = idle_fraction()
    return idle


def run_once(b: Bench, log: Path) -> tuple[float, float, float, int]:
    """Run ``b`` once; return (wall s, cpu s, peak RSS MiB, exit code)."""
    env = {**os.environ, **b.env}
    with log.open("wb") as err, (b.stdout_to or log).open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            b.cmd,
            cwd=b.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out if b.stdout_to else err,
            stderr=err,
        )
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # already reaped by wait4
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, code


def _tail(path: Path, n: int = 400) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " ".join(text[-n:].split())


def measure(b: Bench, runs: int, warmup: int, logdir: Path, idle_wait: bool) -> Result:
    res = Result(b.corpus, b.tool, b.mode, b.files, " ".join(b.cmd))
    if b.unavailable:
        res.na = b.unavailable
        return res
    stem = "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in f"{b.corpus}.{b.tool}.{b.mode}")
    log = logdir / f"{stem}.log"
    if idle_wait:
        res.idle = wait_for_idle(0.9, 60.0)
    try:
        _measure_runs(b, res, runs, warmup, log)
    finally:
        if b.after is not None:
            b.after()
    return res


def _measure_runs(b: Bench, res: Result, runs: int, warmup: int, log: Path) -> None:
    for i in range(warmup + runs):
        if b.before is not None:
            b.before(i)
        try:
            wall, cpu, rss, code = run_once(b, log)
        except OSError as exc:
            res.na = f"cannot run: {exc}"
            return
        res.exit_code = code
        crashed = code < 0 or code >= 126
        if crashed or (b.ok_codes is not None and code not in b.ok_codes):
            res.na = f"exit {code}: {_tail(log)}"
            return
        if i < warmup or (warmup == 0 and i == 0):
            if b.validate is not None:
                try:
                    res.summary = b.validate(b.stdout_to or log)
                except Exception as exc:  # the tool ran but its output is not what we expect
                    res.na = f"bad output ({type(exc).__name__}: {exc}): {_tail(log)}"
                    return
            if i < warmup:
                continue
        res.walls.append(wall)
        res.cpus.append(cpu)
        res.rss_mib.append(rss)


# --------------------------------------------------------------------------- output validators


def _load_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def v_cdverify(path: Path) -> str:
    data = _load_json(path)
    if not isinstance(data, dict):
        return f"json {type(data).__name__}"
    bits: list[str] = []
    if "passed" in data:
        bits.append("passed" if data["passed"] else "failed")
    project = data.get("project")
    if isinstance(project, dict) and "parsed_files" in project:
        bits.append(f"parsed={project['parsed_files']}")
    summary = data.get("summary")
    if isinstance(summary, dict) and "error" in summary:
        bits.append(f"errors={summary['error']}")
    arch = data.get("architecture")
    if isinstance(arch, dict) and isinstance(arch.get("violations"), list):
        bits.append(f"violations={len(arch['violations'])}")
    return " ".join(bits) or "keys=" + ",".join(list(data)[:6])


def v_depcruise(path: Path) -> str:
    data = _load_json(path)
    assert isinstance(data, dict)
    summary = data["summary"]
    return (
        f"modules={summary['totalCruised']} deps={summary['totalDependenciesCruised']}"
        f" errors={summary['error']}"
    )


def v_madge(path: Path) -> str:
    data = _load_json(path)
    assert isinstance(data, dict)
    return f"files={len(data)} edges={sum(len(v) for v in data.values())}"


def v_grep(word: str) -> Validator:
    def check(path: Path) -> str:
        text = path.read_text(encoding="utf-8", errors="replace")
        return f"{text.count(word)} x {word.strip()}"

    return check


# --------------------------------------------------------------------------- peer configs

DJANGO_IMPORTLINTER = """[importlinter]
root_package = django

[importlinter:contract:layers]
name = Django layers: contrib above views above http above core
type = layers
layers =
    django.contrib
    django.views
    django.http
    django.core

[importlinter:contract:forbidden]
name = Low-level packages must not import contrib or test
type = forbidden
source_modules =
    django.db
    django.utils
    django.dispatch
forbidden_modules =
    django.contrib
    django.test
"""

DJANGO_TACH = """source_roots = ["."]
exclude = ["**/__pycache__"]

[[modules]]
path = "django.contrib"

[[modules]]
path = "django.views"
depends_on = ["django.apps", "django.conf", "django.core", "django.db", "django.forms", "django.http", \
"django.middleware", "django.template", "django.urls", "django.utils"]

[[modules]]
path = "django.http"
depends_on = ["django.conf", "django.core", "django.utils"]

[[modules]]
path = "django.core"
depends_on = ["django.apps", "django.conf", "django.db", "django.dispatch", "django.middleware", \
"django.template", "django.test", "django.urls", "django.utils"]

[[modules]]
path = "django.db"
depends_on = ["django.apps", "django.conf", "django.core", "django.dispatch", "django.forms", "django.utils"]

[[modules]]
path = "django.utils"
depends_on = ["django.apps", "django.conf", "django.core", "django.db", "django.dispatch", "django.forms", \
"django.http", "django.template", "django.urls"]

[[modules]]
path = "django.dispatch"
depends_on = ["django.conf", "django.utils"]

[[modules]]
paths = ["django.apps", "django.conf", "django.forms", "django.middleware", "django.template", \
"django.templatetags", "django.test", "django.urls", "django.shortcuts"]
"""

HA_IMPORTLINTER = """[importlinter]
root_package = homeassistant

[importlinter:contract:layers]
name = Home Assistant: integrations above helpers above util
type = layers
layers =
    homeassistant.components
    homeassistant.helpers
    homeassistant.util

[importlinter:contract:forbidden]
name = util stands alone
type = forbidden
source_modules =
    homeassistant.util
forbidden_modules =
    homeassistant.components
    homeassistant.helpers
"""

HA_TACH = """source_roots = ["."]
exclude = ["**/__pycache__"]

[[modules]]
path = "homeassistant.components"
depends_on = ["homeassistant.helpers", "homeassistant.util", "homeassistant.core", "homeassistant.auth"]

[[modules]]
path = "homeassistant.helpers"
depends_on = ["homeassistant.util", "homeassistant.core", "homeassistant.auth"]

[[modules]]
path = "homeassistant.auth"
depends_on = ["homeassistant.util", "homeassistant.core", "homeassistant.helpers"]

[[modules]]
path = "homeassistant.util"
depends_on = ["homeassistant.core"]

[[modules]]
paths = ["homeassistant.core", "homeassistant.backports", "homeassistant.brands", "homeassistant.generated", \
"homeassistant.scripts"]
"""

APP_IMPORTLINTER = """[importlinter]
root_package = app

[importlinter:contract:layers]
name = Clean Architecture: routes above services above repositories above models
type = layers
layers =
    app.routes
    app.services
    app.repositories
    app.models

[importlinter:contract:forbidden]
name = Routes reach the repositories only through the services
type = forbidden
source_modules =
    app.routes
forbidden_modules =
    app.repositories
allow_indirect_imports = True
"""

APP_TACH = """source_roots = ["."]
exclude = ["**/__pycache__"]

[[modules]]
path = "app.routes"
depends_on = ["app.services"]

[[modules]]
path = "app.services"
depends_on = ["app.repositories", "app.models"]

[[modules]]
path = "app.repositories"
depends_on = ["app.models"]

[[modules]]
path = "app.models"
depends_on = []
"""

TS_DEPCRUISE = {
    "forbidden": [
        {
            "name": "trpc-core-not-to-adapters",
            "severity": "error",
            "from": {"path": "^packages/trpc-server/src/unstable-core-do-not-import/"},
            "to": {"path": "^packages/trpc-server/src/adapters/"},
        },
        {
            "name": "effect-not-to-platform",
            "severity": "error",
            "from": {"path": "^packages/effect/"},
            "to": {"path": "^packages/effect-(platform|cli|sql|rpc)/"},
        },
    ],
    "options": {"doNotFollow": {"path": "node_modules"}, "exclude": {"path": "node_modules"}},
}


def write_configs(c: Corpus) -> None:
    """Write the peers' configuration files into the corpus root (idempotent)."""
    files: dict[str, str] = {}
    if c.name == "django":
        files = {".importlinter": DJANGO_IMPORTLINTER, "tach.toml": DJANGO_TACH}
    elif c.name == "homeassistant":
        files = {".importlinter": HA_IMPORTLINTER, "tach.toml": HA_TACH}
    elif c.name.startswith("app-"):
        files = {".importlinter": APP_IMPORTLINTER, "tach.toml": APP_TACH}
    elif c.name == "ts-mono":
        files = {".dependency-cruiser.json": json.dumps(TS_DEPCRUISE, indent=2) + "\n"}
    for name, text in files.items():
        path = c.root / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- tools


@dataclass
class Tools:
    cdverify: str | None
    cdverify_python: str
    peer_python: Path
    peer_bin: Path
    npm_bin: Path
    node: str | None
    outdir: Path
    cdverify_cache: Path

    def py_peer(self, exe: str) -> tuple[str, str | None]:
        path = self.peer_bin / exe
        if path.exists():
            return str(path), None
        return str(path), f"n/a: {exe} not in {self.peer_bin} (run with --setup)"

    def npm_peer(self, exe: str) -> tuple[str, str | None]:
        path = self.npm_bin / exe
        if self.node is None:
            return str(path), "n/a: node not found"
        if path.exists():
            return str(path), None
        return str(path), f"n/a: {exe} not installed (run with --setup)"


def find_cdverify(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    here = Path(sys.executable).parent / "cdverify"
    if here.exists():
        return str(here)
    return shutil.which("cdverify")


def setup_tools(tools_dir: Path) -> None:
    """Install the peers into ``tools_dir`` (a venv and an npm prefix); failures are reported, not fatal."""
    venv = tools_dir / "venv"
    try:
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pins = [f"{name}=={ver}" for name, ver in PY_PEERS.items()]
        print(f"[setup] pip install {' '.join(pins)}", flush=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *pins], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"[setup] python peers: n/a: {exc}")
    npm = shutil.which("npm")
    if npm is None:
        print("[setup] npm peers: n/a: npm not found")
        return
    prefix = tools_dir / "npm"
    prefix.mkdir(parents=True, exist_ok=True)
    if not (prefix / "package.json").exists():
        (prefix / "package.json").write_text('{"name": "bench-tools", "private": true}\n')
    pins = [f"{name}@{ver}" for name, ver in NPM_PEERS.items()]
    print(f"[setup] npm install {' '.join(pins)}", flush=True)
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(prefix), *pins],
        check=False,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(f"[setup] npm peers: n/a: npm install exit {proc.returncode}: {proc.stderr[-500:]}")


def tool_versions(t: Tools) -> list[str]:
    out: list[str] = [f"python {sys.version.split()[0]} ({sys.executable})"]
    if t.node:
        node_v = subprocess.run([t.node, "--version"], capture_output=True, text=True, check=False)
        out.append(f"node {node_v.stdout.strip()}")
    if t.cdverify:
        try:
            proc = subprocess.run([t.cdverify, "--version"], capture_output=True, text=True, check=False)
            text = (proc.stdout or proc.stderr).strip().splitlines()
        except OSError as exc:
            text = [f"cdverify: {exc}"]
        out.append(f"{text[-1] if text else 'cdverify ?'} ({t.cdverify})")
    if t.peer_python.exists():
        proc = subprocess.run(
            [str(t.peer_python), "-m", "pip", "list", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            pkgs = {p["name"].lower(): p["version"] for p in json.loads(proc.stdout)}
            out.append(", ".join(f"{n} {pkgs.get(n, '?')}" for n in PY_PEERS))
        except (ValueError, KeyError, TypeError):
            pass
    pkg_root = t.npm_bin.parent
    vers: list[str] = []
    for name in NPM_PEERS:
        pj = pkg_root / name / "package.json"
        if pj.is_file():
            vers.append(f"{name} {json.loads(pj.read_text())['version']}")
    if vers:
        out.append(", ".join(vers))
    return out


# --------------------------------------------------------------------------- rows


def repo_corpus_apps() -> list[Corpus]:
    """Generated apps shipped under the repository's ``corpus/`` (each dir with a manifest)."""
    base = REPO_DIR / "corpus"
    if not base.is_dir():
        return []
    apps: list[Corpus] = []
    seen: set[Path] = set()
    manifests = [*base.rglob("requirements.txt"), *base.rglob("package.json")]
    for manifest in sorted(manifests, key=lambda m: (len(m.parts), m)):  # monorepo roots first
        root = manifest.parent
        if "node_modules" in root.parts or any(p in seen for p in (root, *root.parents)):
            continue
        seen.add(root)
        lang = "python" if manifest.name == "requirements.txt" else "typescript"
        if lang == "python":
            files = corpora.count_files(root, "python")
        else:
            files = sum(
                1
                for p in root.rglob("*")
                if p.suffix in {".js", ".mjs", ".cjs", ".ts"}
                and "node_modules" not in p.parts
                and not p.name.endswith(".d.ts")
            )
        apps.append(Corpus(f"corpus/{root.relative_to(base)}", root, ".", lang, files))
    return apps


# one file per corpus whose content is changed before each run of the "1 file edited" rows
EDIT_TARGETS = {
    "app-": ("app/services/user_service.py", "#"),
    "django": ("django/db/models/base.py", "#"),
    "homeassistant": ("homeassistant/helpers/entity.py", "#"),
    "ts-mono": ("packages/effect/src/Effect.ts", "//"),
}


class FileEditor:
    """Appends a fresh line to one file before each run; restores it afterwards. A comment line leaves the
    file's facts as they were (cdverify serves such an edit from its stored output); a code line (an
    import, `code=True`) changes them, so the analysis runs again: both are edits a user makes."""

    def __init__(self, path: Path, comment: str, code: bool = False) -> None:
        self.path = path
        self.comment = comment
        self.code = code
        self.original: bytes | None = None

    def before(self, i: int) -> None:
        if self.original is None:
            self.original = self.path.read_bytes()
        stamp = f"{i}_{time.time_ns()}"
        if not self.code:
            line = f"{self.comment} bench edit {stamp}"
        elif self.comment == "#":
            line = f"import json as _bench_edit_{stamp}"
        else:
            line = f"import * as benchEdit{stamp} from 'node:path';"
        self.path.write_bytes(self.original + f"\n{line}\n".encode())

    def restore(self) -> None:
        if self.original is not None:
            self.path.write_bytes(self.original)
            self.original = None


def cdverify_rows(t: Tools, c: Corpus) -> list[Bench]:
    reason = None if t.cdverify else "n/a: cdverify CLI not found (pip install -e .)"
    exe = t.cdverify or "cdverify"
    env = {"CDVERIFY_CACHE_DIR": str(t.cdverify_cache)}
    stem = c.name.replace("/", "_")
    check = [exe, "check", str(c.root), "--constraints", "clean_architecture", "--format", "json"]
    inspect = [exe, "inspect", str(c.root), "--format", "json"]
    editor: FileEditor | None = None
    code_editor: FileEditor | None = None
    for prefix, (rel, comment) in EDIT_TARGETS.items():
        if c.name.startswith(prefix) and (c.root / rel).is_file():
            editor = FileEditor(c.root / rel, comment)
            code_editor = FileEditor(c.root / rel, comment, code=True)
    variants: list[tuple[str, list[str], str, FileEditor | None]] = [
        ("check --no-cache (cold)", [*check, "--no-cache"], "check", None),
        ("check --no-cache -j 1", [*check, "--no-cache", "-j", "1"], "check", None),
        ("check, warm cache", check, "check", None),
    ]
    if editor is not None:
        variants.append(("check, warm cache, 1 file edited", check, "check", editor))
    if code_editor is not None:
        variants.append(("check, warm cache, 1 code line added", check, "check", code_editor))
    variants += [
        ("inspect --no-cache (cold)", [*inspect, "--no-cache"], "inspect", None),
        ("inspect, warm cache", inspect, "inspect", None),
    ]
    if c.name.startswith("corpus/"):  # many small apps: the two check rows that matter
        variants = [v for v in variants if v[0] in ("check --no-cache (cold)", "check, warm cache")]
    return [
        Bench(
            c.name,
            "cdverify",
            mode,
            cmd,
            c.root,
            c.files,
            env=env,
            ok_codes=frozenset({0, 1}),
            stdout_to=t.outdir / f"{stem}.{kind}.json",
            validate=v_cdverify,
            before=ed.before if ed else None,
            after=ed.restore if ed else None,
            unavailable=reason,
        )
        for mode, cmd, kind, ed in variants
    ]


def python_peer_rows(t: Tools, c: Corpus) -> list[Bench]:
    py, py_na = t.py_peer("python")
    lint, lint_na = t.py_peer("lint-imports")
    tach, tach_na = t.py_peer("tach")
    pkg = c.target
    return [
        Bench(
            c.name,
            "grimp",
            "build_graph, cache_dir=None",
            [py, "-c", f"import grimp; print(grimp.build_graph({pkg!r}, cache_dir=None).count_imports())"],
            c.root,
            c.files,
            env={"PYTHONPATH": str(c.root)},
            validate=lambda p: f"imports={p.read_text().strip().splitlines()[-1]}",
            unavailable=py_na,
        ),
        Bench(
            c.name,
            "import-linter",
            "lint-imports --no-cache (2 contracts)",
            [lint, "--no-cache", "--no-logo"],
            c.root,
            c.files,
            env={"PYTHONPATH": str(c.root)},
            ok_codes=frozenset({0, 1}),
            validate=lambda p: "contracts " + ("BROKEN" if "BROKEN" in p.read_text() else "KEPT"),
            unavailable=lint_na,
        ),
        Bench(
            c.name,
            "tach",
            "tach check",
            [tach, "check"],
            c.root,
            c.files,
            ok_codes=frozenset({0, 1}),
            validate=v_grep("[FAIL]"),
            unavailable=tach_na,
        ),
    ]


def node_peer_rows(t: Tools, c: Corpus) -> list[Bench]:
    dc, dc_na = t.npm_peer("depcruise")
    madge, madge_na = t.npm_peer("madge")
    dc_out = t.outdir / f"{c.name}.depcruise.json"
    return [
        Bench(
            c.name,
            "dependency-cruiser",
            "--no-cache -T json (2 rules)",
            [
                dc,
                c.target,
                "--config",
                ".dependency-cruiser.json",
                "--no-cache",
                "-T",
                "json",
                "--output-to",
                str(dc_out),
            ],
            c.root,
            c.files,
            ok_codes=None,  # exit code = number of error-level violations
            validate=lambda _p: v_depcruise(dc_out),
            unavailable=dc_na,
        ),
        Bench(
            c.name,
            "madge",
            "--json --extensions ts,tsx",
            [madge, "--json", "--extensions", "ts,tsx", c.target],
            c.root,
            c.files,
            stdout_to=t.outdir / f"{c.name}.madge.json",
            validate=v_madge,
            unavailable=madge_na,
        ),
    ]


def floor_rows(t: Tools) -> list[Bench]:
    rows = [
        Bench("-", "python -c pass", "interpreter floor", [t.cdverify_python, "-c", "pass"], BENCH_DIR),
    ]
    if t.node:
        rows.append(Bench("-", "node -e 0", "runtime floor", [t.node, "-e", "0"], BENCH_DIR))
    if t.cdverify:
        empty = t.outdir.parent / "empty"
        empty.mkdir(parents=True, exist_ok=True)
        env = {"CDVERIFY_CACHE_DIR": str(t.cdverify_cache)}
        rows += [
            Bench("-", "cdverify", "--version (CLI import floor)", [t.cdverify, "--version"], BENCH_DIR),
            Bench(
                "-",
                "cdverify",
                "check on an empty dir",
                [t.cdverify, "check", str(empty), "--constraints", "clean_architecture", "--format", "json"],
                BENCH_DIR,
                env=env,
                ok_codes=frozenset({0, 1}),
            ),
        ]
    return rows


def parse_floor_row(t: Tools, c: Corpus) -> Bench:
    """A fresh interpreter reading and tree-sitter-parsing every source file, nothing else: the least any
    tree-sitter-based checker can take on the corpus (the floor of `ratio_check.py`)."""
    return Bench(
        c.name,
        "tree-sitter",
        "parse every file (floor)",
        [t.cdverify_python, "-c", FLOOR_SCRIPT, str(c.root / c.target), c.lang],
        c.root,
        c.files,
    )


def build_rows(t: Tools, cs: Sequence[Corpus], include_peers: bool) -> list[Bench]:
    rows: list[Bench] = []
    for c in cs:
        rows += cdverify_rows(t, c)
        if not c.name.startswith("corpus/"):
            rows.append(parse_floor_row(t, c))
        if not include_peers or c.name.startswith("corpus/"):
            continue
        if c.lang == "python":
            rows += python_peer_rows(t, c)
        else:
            rows += node_peer_rows(t, c)
    return rows


# --------------------------------------------------------------------------- report


def fmt_table(results: Sequence[Result]) -> str:
    head = (
        f"| corpus | tool | mode | files | median wall s | min{DASH}max | cpu s | peak RSS MiB | files/s"
        " | result | idle |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in results:
        files = f"{r.files:,}" if r.files is not None else DASH
        if r.na or not r.walls:
            na = (r.na or "n/a").replace("|", "\\|")[:160]
            lines.append(f"| {r.corpus} | {r.tool} | {r.mode} | {files} | {na} | | | | | | |")
            continue
        med = r.median
        fps = f"{r.files / med:,.0f}" if r.files else DASH
        summary = r.summary + (f" (exit {r.exit_code})" if r.exit_code else "")
        idle = f"{r.idle:.0%}" if r.idle is not None else DASH
        lines.append(
            f"| {r.corpus} | {r.tool} | {r.mode} | {files} | {med:.3f}"
            f" | {min(r.walls):.3f}{DASH}{max(r.walls):.3f} | {statistics.median(r.cpus):.2f}"
            f" | {max(r.rss_mib):.1f} | {fps} | {summary} | {idle} |"
        )
    return "\n".join(lines)


def target_lines(results: Sequence[Result]) -> tuple[list[str], bool]:
    """One line per target mode: the slowest ≤100-file app decides."""
    title = f"target: typical generated app (≤{TARGET_MAX_FILES} files) whole-process < {TARGET_S} s"
    lines: list[str] = []
    ok = True
    for mode in TARGET_MODES:
        rows = [
            r
            for r in results
            if r.tool == "cdverify" and r.mode == mode and r.files is not None and r.files <= TARGET_MAX_FILES
        ]
        if not rows:
            continue
        missing = [r for r in rows if r.na or not r.walls]
        timed = [r for r in rows if r.walls]
        if missing:
            ok = False
            lines.append(f"{title} [{mode}]: NOT MEASURED for {', '.join(r.corpus for r in missing)}")
        if not timed:
            continue
        worst = max(timed, key=lambda r: r.median)
        over = [r for r in timed if r.median >= TARGET_S]
        ok = ok and not over
        verdict = (
            "PASS" if not over else "FAIL (" + ", ".join(f"{r.corpus} {r.median:.3f} s" for r in over) + ")"
        )
        lines.append(
            f"{title} [{mode}]: {len(timed)} apps, slowest median {worst.median:.3f} s"
            f" ({worst.corpus}, {worst.files} files) -> {verdict}"
        )
    if not lines:
        return [f"{title}: not measured"], True
    return lines, ok


def aggregate_corpus_apps(results: list[Result]) -> list[Result]:
    """Collapse per-app rows of the repository corpus into one row per (tool, mode)."""
    apps = [r for r in results if r.corpus.startswith("corpus/")]
    if not apps:
        return results
    others = [r for r in results if not r.corpus.startswith("corpus/")]
    agg: list[Result] = []
    for mode in dict.fromkeys(r.mode for r in apps):
        group = [r for r in apps if r.mode == mode and r.walls]
        failed = [r for r in apps if r.mode == mode and not r.walls]
        if not group:
            agg.append(Result("corpus/*", "cdverify", mode, None, "", na=f"n/a: {failed[0].na}"))
            continue
        meds = [r.median for r in group]
        slowest = max(group, key=lambda r: r.median)
        res = Result(
            f"corpus/* ({len(group)} apps)",
            "cdverify",
            mode,
            None,
            "",
            walls=meds,
            cpus=[statistics.median(r.cpus) for r in group],
            rss_mib=[max(r.rss_mib) for r in group],
            summary=f"{min(r.files or 0 for r in group)}-{max(r.files or 0 for r in group)} files each;"
            f" per-app medians: median and min-max; slowest {slowest.corpus}"
            + (f"; {len(failed)} failed" if failed else ""),
        )
        agg.append(res)
    return others + agg


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Whole-process speed and memory of cdverify and its peers.")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per row (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed warm-up runs (default 1)")
    ap.add_argument("--only", default="", help="comma-separated substrings of corpus or tool names")
    ap.add_argument("--quick", action="store_true", help="app-60 + django only (CI smoke)")
    ap.add_argument("--setup", action="store_true", help="prepare corpora and install the peer tools first")
    ap.add_argument("--no-peers", action="store_true", help="cdverify rows only")
    ap.add_argument("--per-app", action="store_true", help="one row per app of the repository corpus/")
    ap.add_argument("--cache-dir", type=Path, default=corpora.DEFAULT_CACHE)
    ap.add_argument("--cdverify", default=None, help="path of the cdverify executable")
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    ap.add_argument("--no-idle-wait", action="store_true", help="do not wait for an idle machine")
    ap.add_argument("--assert-target", action="store_true", help="exit 1 if the ≤100-file target is missed")
    args = ap.parse_args(argv)

    cache: Path = args.cache_dir
    tools_dir = cache / "tools"
    if args.setup:
        setup_tools(tools_dir)

    names = ["app-60", "django"] if args.quick else list(corpora.ALL_NAMES)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    tool_words = (
        "cdverify",
        "grimp",
        "import-linter",
        "tach",
        "dependency-cruiser",
        "madge",
        "floor",
        "tree-sitter",
    )
    corpus_filter = [s for s in only if not any(s in w for w in tool_words)]
    if corpus_filter:
        names = [n for n in names if any(s in n for s in corpus_filter)]
    cs = corpora.prepare(names, cache)
    if not args.quick and (not corpus_filter or any("corpus" in s for s in corpus_filter)):
        cs += repo_corpus_apps()
    for c in cs:
        write_configs(c)

    outdir = cache / "out"
    outdir.mkdir(parents=True, exist_ok=True)
    node = shutil.which("node")
    tools = Tools(
        cdverify=find_cdverify(args.cdverify),
        cdverify_python=sys.executable,
        peer_python=tools_dir / "venv" / "bin" / "python",
        peer_bin=tools_dir / "venv" / "bin",
        npm_bin=tools_dir / "npm" / "node_modules" / ".bin",
        node=node,
        outdir=outdir,
        cdverify_cache=cache / "cdverify-cache",
    )
    rows = floor_rows(tools) + build_rows(tools, cs, include_peers=not args.no_peers)
    if only:
        rows = [
            b
            for b in rows
            if any(s in b.tool or s in b.corpus or (s == "floor" and b.corpus == "-") for s in only)
            or (corpus_filter and b.corpus == "-")
        ]

    print(f"# {len(rows)} rows, {args.runs} timed runs each after {args.warmup} warm-up", file=sys.stderr)
    results: list[Result] = []
    for b in rows:
        print(f"… {b.corpus:24s} {b.tool:18s} {b.mode}", file=sys.stderr, flush=True)
        r = measure(b, args.runs, args.warmup, outdir, idle_wait=not args.no_idle_wait)
        if r.na:
            print(f"  {r.na[:300]}", file=sys.stderr)
        else:
            print(f"  median {r.median:.3f} s, {max(r.rss_mib):.1f} MiB  {r.summary}", file=sys.stderr)
        results.append(r)

    shown = results if args.per_app else aggregate_corpus_apps(results)
    print()
    print(f"machine: {os.cpu_count()} cores; runs={args.runs} after {args.warmup} warm-up; median wall")
    print()
    print(fmt_table(shown))
    print()
    tlines, ok = target_lines(results)
    for line in tlines:
        print(line)
    print()
    for line in tool_versions(tools):
        print(f"- {line}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    return 1 if (args.assert_target and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
