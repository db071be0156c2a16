"""Compare the embeddable JavaScript engines for the contract runner's Postman scripts, on this machine.

    python benchmarks/js_engines.py                      # every installed engine, 10 timed runs each
    python benchmarks/js_engines.py --repeat 20 --json   # the raw figures as JSON instead of the table
    python benchmarks/js_engines.py --chai path/to/chai.js --offline

Candidates: ``mini-racer`` (V8, module ``py_mini_racer``), ``quickjs`` (the one cdverify uses today) and
``quickjs-ng``. ``quickjs`` and ``quickjs-ng`` both install the modules ``quickjs`` and ``_quickjs``, so they
cannot share one environment: install one of them elsewhere with ``pip install --target DIR`` and pass
``--engine-path NAME=DIR``. An engine that is not installed (or is shadowed by the other one) is skipped
with a note.

Every measurement runs in a child process (this script with ``--worker``), so that a crash is recorded as
the signal that killed the child, a hang as the harness's kill, and the two QuickJS packages never meet.
Timings are medians over ``--repeat`` runs; the hostile cases run once each. chai 4.4.1's browser bundle
comes from ``npm pack chai@4.4.1`` in a temporary folder unless ``--chai`` names the file. Wheel facts come
from PyPI's JSON API (``--offline`` skips it). If ``node`` is on PATH, its error messages and built-ins are
the reference (newman runs on Node, i.e. V8).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

CHAI_VERSION = "4.4.1"
TIME_LIMIT_S = 1.0
MEMORY_LIMIT_BYTES = 64 * 1024 * 1024
HANG_TIMEOUT_S = 20.0
RESULT_MARK = "@@js-engines-result@@ "
DASH = "\u2013"


@dataclass(frozen=True)
class EngineSpec:
    name: str  # the PyPI distribution
    version: str  # the version this comparison is about
    module: str  # what `import` names
    native: str  # the module whose file tells which distribution was really imported
    kind: str  # "v8" or "quickjs": which adapter drives it
    core: str  # the JavaScript engine inside, where the package does not say it at run time


ENGINES = (
    EngineSpec("mini-racer", "0.14.1", "py_mini_racer", "py_mini_racer", "v8", "V8"),
    EngineSpec(
        "quickjs",
        "1.19.4",
        "quickjs",
        "_quickjs",
        "quickjs",
        "QuickJS 2021-03-27 (sdist upstream-quickjs/VERSION)",
    ),
    EngineSpec("quickjs-ng", "0.17.0.2", "quickjs", "_quickjs", "quickjs", "QuickJS-ng"),
)
SPECS = {spec.name: spec for spec in ENGINES}

# ------------------------------------------------------------------------------------------ JavaScript

CHAI_PRELUDE = "var global = globalThis, self = globalThis, window = globalThis;"
CHAI_CHECK = "chai.expect(1).to.equal(1); true"
CPU_BENCHES = {
    # ~100 ms in V8 on a 2-core CI machine: property access and integer arithmetic in a hot loop
    "loop": (
        "(function () { let s = 0; const o = { a: 1 };"
        " for (let i = 0; i < 2e7; i++) { o.a = (o.a * 31 + i) % 1000003; s += o.a & 7; } return s })()"
    ),
    # function calls
    "fib": (
        "(function () { function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } return fib(30) })()"
    ),
    # what Postman test scripts mostly do: parse a response body, build JSON
    "json": (
        "(function () { const items = [];"
        " for (let i = 0; i < 500; i++) items.push({ id: i, slug: 'article-' + i, title: 'Title ' + i,"
        " tags: ['a', 'b', 'c'], author: { username: 'u' + i, bio: null, following: false },"
        " createdAt: '2024-01-01T00:00:00.000Z' });"
        " const body = JSON.stringify({ articles: items, articlesCount: 500 }); let n = 0;"
        " for (let k = 0; k < 50; k++) n += JSON.stringify(JSON.parse(body)).length; return n })()"
    ),
}
MESSAGE_SOURCES = ("JSON.parse('{bad')", "undefined.x", "JSON.parse('')", "notDefined", "var o = {}; o.foo()")
BUILTINS = (
    "Object.fromEntries",
    "Promise.allSettled",
    "String.prototype.replaceAll",
    "Promise.any",
    "Object.hasOwn",
    "Array.prototype.at",
    "Array.prototype.findLast",
    "Array.prototype.toSorted",
    "Object.groupBy",
)
ROUND_TRIP_FUNCTION = "(function (payload) { return JSON.parse(payload).token.length })"
ROUND_TRIPS = 50  # calls timed per --repeat
LOOP_FOREVER = "while (true) {}"
CATASTROPHIC_REGEX = "/(a+)+$/.test('a'.repeat(40) + '!')"
SPIN_FUNCTION = "(function spin() { while (true) {} })"
ALLOCATE = "var hog = []; for (;;) { hog.push(new Array(100000).fill(hog.length + 0.5)); }"
RECURSION = (
    "function r() { return r() } try { r(); 'no error' } catch (e) { 'caught ' + e.name + ': ' + e.message }"
)
JSON_DEEP = (
    "try { JSON.parse('['.repeat(100000)); 'parsed' } catch (e) { 'caught ' + e.name + ': ' + e.message }"
)
JSON_DEEP_BALANCED = (
    "try { JSON.parse('['.repeat(100000) + ']'.repeat(100000)); 'parsed' }"
    " catch (e) { 'caught ' + e.name + ': ' + e.message }"
)


def messages_js() -> str:
    """One expression: a JSON array of "Name: message" (or null) for each of MESSAGE_SOURCES."""
    tries = [
        f"(function () {{ try {{ {source}; return null }}"
        f" catch (e) {{ return e.name + ': ' + e.message }} }})()"
        for source in MESSAGE_SOURCES
    ]
    return "JSON.stringify([" + ", ".join(tries) + "])"


def builtins_js() -> str:
    """One expression: a JSON array of the BUILTINS this engine lacks."""
    checks = ", ".join(f"[{json.dumps(name)}, typeof {name}]" for name in BUILTINS)
    return f"JSON.stringify([{checks}].filter(pair => pair[1] === 'undefined').map(pair => pair[0]))"


# ------------------------------------------------------------------------------------------ adapters


class JSContext(Protocol):
    def eval(self, code: str) -> Any: ...

    def eval_limited(self, code: str, seconds: float) -> Any: ...

    def call(self, function: Any, *args: Any) -> Any: ...

    def call_limited(self, function: Any, seconds: float) -> Any: ...

    def set_memory_limit(self, limit: int) -> None: ...

    def drain_microtasks(self) -> int | None:
        """Run pending jobs as the host must; the number run, or None when the binding has no such call."""
        ...

    def close(self) -> None: ...


class MiniRacerContext:
    """py_mini_racer: one V8 isolate per MiniRacer; limits are per call (timeout_sec) or per isolate."""

    def __init__(self, module: Any) -> None:
        self._racer = module.MiniRacer()

    @property
    def v8_version(self) -> str:
        return str(self._racer.v8_version)

    def eval(self, code: str) -> Any:
        return self._racer.eval(code)

    def eval_limited(self, code: str, seconds: float) -> Any:
        return self._racer.eval(code, timeout_sec=seconds)

    def call(self, function: Any, *args: Any) -> Any:
        return function(*args)

    def call_limited(self, function: Any, seconds: float) -> Any:
        return function(timeout_sec=seconds)

    def set_memory_limit(self, limit: int) -> None:
        self._racer.set_hard_memory_limit(limit)

    def drain_microtasks(self) -> int | None:
        return None

    def close(self) -> None:
        self._racer.close()


class QuickJSContext:
    """quickjs and quickjs-ng share one Python API: Context, set_time_limit (CPU s), execute_pending_job."""

    def __init__(self, module: Any) -> None:
        self._context: Any = module.Context()

    def eval(self, code: str) -> Any:
        return self._context.eval(code)

    def _limited(self, action: Callable[[], Any], seconds: float) -> Any:
        self._context.set_time_limit(seconds)
        try:
            return action()
        finally:
            self._context.set_time_limit(-1)

    def eval_limited(self, code: str, seconds: float) -> Any:
        return self._limited(lambda: self._context.eval(code), seconds)

    def call(self, function: Any, *args: Any) -> Any:
        return function(*args)

    def call_limited(self, function: Any, seconds: float) -> Any:
        return self._limited(function, seconds)

    def set_memory_limit(self, limit: int) -> None:
        self._context.set_memory_limit(limit)

    def drain_microtasks(self) -> int | None:
        jobs = 0
        while self._context.execute_pending_job():
            jobs += 1
        return jobs

    def close(self) -> None:
        self._context = None


def open_context(spec: EngineSpec, module: Any) -> JSContext:
    return MiniRacerContext(module) if spec.kind == "v8" else QuickJSContext(module)


# ------------------------------------------------------------------------------------------ worker side


def rss_mib() -> float:
    """Resident set size of this process now (Linux), else its peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mib()


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def usable(context: JSContext) -> bool:
    try:
        return bool(context.eval("1 + 1") == 2)
    except Exception:
        return False


def import_engine(spec: EngineSpec) -> tuple[Any, dict[str, Any]]:
    """Import the engine and check that the module really comes from spec's distribution."""
    try:
        dist = importlib.metadata.distribution(spec.name)
    except importlib.metadata.PackageNotFoundError:
        hint = f"`pip install {spec.name}=={spec.version}`"
        if spec.kind == "quickjs":  # the two QuickJS packages install the same modules
            hint = f"`pip install --target DIR {spec.name}=={spec.version}` and --engine-path {spec.name}=DIR"
        raise LookupError(f"not installed ({hint})") from None
    module = importlib.import_module(spec.module)
    native = importlib.import_module(spec.native)
    native_file = Path(str(native.__file__)).resolve()
    owned = {Path(str(dist.locate_file(file))).resolve() for file in dist.files or ()}
    if native_file not in owned:
        raise LookupError(
            f"installed, but `import {spec.module}` loads {native_file.name} from another distribution"
            f" (quickjs and quickjs-ng both install `quickjs`/`_quickjs`): install {spec.name} with"
            f" `pip install --target DIR` and pass --engine-path {spec.name}=DIR"
        )
    wheel = dist.read_text("WHEEL") or ""
    facts = {
        "version": dist.version,
        "module_file": str(native_file),
        "wheel_tags": [
            line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")
        ],
        "installed_bytes": sum(file.size or 0 for file in dist.files or ()),
    }
    return module, facts


@dataclass(frozen=True)
class Run:
    """One worker's engine, imported and checked."""

    spec: EngineSpec
    module: Any
    facts: dict[str, Any]
    options: argparse.Namespace

    def context(self) -> JSContext:
        return open_context(self.spec, self.module)


Case = Callable[[Run], dict[str, Any]]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def case_probe(run: Run) -> dict[str, Any]:
    context = run.context()
    core = run.spec.core
    if isinstance(context, MiniRacerContext):
        core = f"V8 {context.v8_version}"
    elif run.spec.name == "quickjs-ng":
        core = f"QuickJS-ng {'.'.join(run.facts['version'].split('.')[:3])}"
    context.close()
    return {**run.facts, "core": core}


def case_timing(run: Run) -> dict[str, Any]:
    repeat: int = run.options.repeat
    results: dict[str, Any] = {}
    run.context().close()  # warm-up: library loaded, first isolate/runtime made
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        context = run.context()
        samples.append(time.perf_counter() - started)
        context.close()
    results["startup_ms"] = median_ms(samples)
    if run.options.chai:
        chai = Path(run.options.chai).read_text(encoding="utf-8")
        samples = []
        for _ in range(repeat):
            context = run.context()
            started = time.perf_counter()
            context.eval(CHAI_PRELUDE)
            context.eval(chai)
            passed = context.eval(CHAI_CHECK)
            samples.append(time.perf_counter() - started)
            context.close()
            if passed is not True:
                raise RuntimeError(f"chai.expect(1).to.equal(1) gave {passed!r}")
        results["chai_ms"] = median_ms(samples)
    context = run.context()
    measure = context.eval(ROUND_TRIP_FUNCTION)
    payload = json.dumps({"token": "x" * 1000})
    for _ in range(10):
        context.call(measure, payload)
    samples = []
    for _ in range(repeat * ROUND_TRIPS):
        started = time.perf_counter()
        context.call(measure, payload)
        samples.append(time.perf_counter() - started)
    context.close()
    results["call_us"] = statistics.median(samples) * 1e6
    for name, code in CPU_BENCHES.items():
        samples = []
        value: Any = None
        for _ in range(repeat):
            context = run.context()  # fresh each time: a Postman script runs once
            started = time.perf_counter()
            value = context.eval(code)
            samples.append(time.perf_counter() - started)
            context.close()
        results[f"{name}_ms"] = median_ms(samples)
        results[f"{name}_value"] = value
    return results


def limited_run(context: JSContext, action: Callable[[], Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        value = action()
        outcome: dict[str, Any] = {"stopped": False, "value": repr(value)}
    except Exception as error:
        outcome = {"stopped": True, "error": describe(error)}
    outcome["seconds"] = time.perf_counter() - started
    outcome["usable_after"] = usable(context)
    return outcome


def case_loop(run: Run) -> dict[str, Any]:
    context = run.context()
    return limited_run(context, lambda: context.eval_limited(LOOP_FOREVER, TIME_LIMIT_S))


def case_regex(run: Run) -> dict[str, Any]:
    context = run.context()
    return limited_run(context, lambda: context.eval_limited(CATASTROPHIC_REGEX, TIME_LIMIT_S))


def case_call(run: Run) -> dict[str, Any]:
    context = run.context()
    spin = context.eval(SPIN_FUNCTION)
    return limited_run(context, lambda: context.call_limited(spin, TIME_LIMIT_S))


def case_memory(run: Run) -> dict[str, Any]:
    context = run.context()
    context.set_memory_limit(MEMORY_LIMIT_BYTES)
    baseline = rss_mib()
    outcome = limited_run(context, lambda: context.eval(ALLOCATE))
    outcome["baseline_rss_mib"] = baseline
    outcome["peak_rss_mib"] = peak_rss_mib()
    if outcome["usable_after"]:  # the limit still holds, and memory came back
        try:
            context.eval(
                "hog = null; var small = []; for (let i = 0; i < 100; i++) small.push(new Array(1000)); 0"
            )
            outcome["allocates_after"] = True
        except Exception as error:
            outcome["allocates_after"] = describe(error)
    return outcome


def js_outcome(code: str) -> Case:
    def case(run: Run) -> dict[str, Any]:
        context = run.context()
        started = time.perf_counter()
        try:
            result: dict[str, Any] = {"value": context.eval(code)}
        except Exception as error:
            result = {"host_error": describe(error)}
        result["seconds"] = time.perf_counter() - started
        result["usable_after"] = usable(context)
        return result

    return case


def case_semantics(run: Run) -> dict[str, Any]:
    context = run.context()
    context.eval("var x = 0; Promise.resolve().then(() => { x = 1 }); 0")
    eval_read = context.eval("x")
    eval_jobs = context.drain_microtasks()
    eval_drained = context.eval("x")
    queue = context.eval(
        "(function () { globalThis.y = 0; Promise.resolve().then(() => { y = 1 }); return 0 })"
    )
    context.call(queue)
    call_read = context.eval("y")
    call_jobs = context.drain_microtasks()
    call_drained = context.eval("y")
    return {
        "microtasks": {
            "eval_read": eval_read,
            "eval_jobs": eval_jobs,
            "eval_drained": eval_drained,
            "call_read": call_read,
            "call_jobs": call_jobs,
            "call_drained": call_drained,
        },
        "messages": json.loads(context.eval(messages_js())),
        "missing_builtins": json.loads(context.eval(builtins_js())),
    }


CASES: dict[str, Case] = {
    "probe": case_probe,
    "timing": case_timing,
    "loop": case_loop,
    "regex": case_regex,
    "call": case_call,
    "memory": case_memory,
    "recursion": js_outcome(RECURSION),
    "json_deep": js_outcome(JSON_DEEP),
    "json_deep_balanced": js_outcome(JSON_DEEP_BALANCED),
    "semantics": case_semantics,
}
HOSTILE = ("loop", "regex", "call", "memory", "recursion", "json_deep", "json_deep_balanced")


def worker(options: argparse.Namespace) -> int:
    spec = SPECS[options.worker]
    result: dict[str, Any]
    try:
        if options.case == "cold":
            rss_before = rss_mib()
            started = time.perf_counter()
            module, _ = import_engine(spec)
            context = open_context(spec, module)
            context.eval("1 + 1")
            result = {"seconds": time.perf_counter() - started, "rss_mib": rss_mib() - rss_before}
            context.close()
        else:
            module, facts = import_engine(spec)
            result = CASES[options.case](Run(spec, module, facts, options))
    except LookupError as error:
        result = {"unavailable": str(error)}
    print(RESULT_MARK + json.dumps(result, default=repr), flush=True)
    return 0


# ------------------------------------------------------------------------------------------ harness side


@dataclass
class Child:
    """What one worker process did."""

    result: dict[str, Any] | None = None
    crash: str | None = None  # "crash (SIGSEGV)", "exit 1", "still running after 20 s (killed ...)"
    seconds: float = 0.0
    peak_rss_mib: float = 0.0
    stderr: str = ""


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_child(spec: EngineSpec, case: str, options: argparse.Namespace, timeout: float) -> Child:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", spec.name, "--case", case]
    command += ["--repeat", str(options.repeat)]
    if options.chai:
        command += ["--chai", str(options.chai)]
    env = dict(os.environ)
    extra = options.engine_paths.get(spec.name)
    if extra:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra, env.get("PYTHONPATH")]))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        child = Child()
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                child.crash = f"still running after {timeout:.0f} s (killed by the harness)"
                break
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        child.seconds = time.perf_counter() - started
        child.peak_rss_mib = usage.ru_maxrss / 1024
        out.seek(0)
        err.seek(0)
        child.stderr = err.read()
        for line in out.read().splitlines():
            if line.startswith(RESULT_MARK):
                child.result = json.loads(line[len(RESULT_MARK) :])
        if child.crash is None and child.result is None:
            code = process.returncode
            child.crash = f"crash ({signal_name(-code)})" if code < 0 else f"exit {code}"
    return child


def fetch_chai(folder: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: pass --chai PATH")
    subprocess.run(
        [npm, "pack", f"chai@{CHAI_VERSION}", "--silent", "--pack-destination", str(folder)],
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    tarball = next(folder.glob("chai-*.tgz"))
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/chai.js")
        if member is None:
            raise RuntimeError(f"{tarball.name} has no package/chai.js")
        target = folder / "chai.js"
        target.write_bytes(member.read())
    return target


def node_reference() -> dict[str, Any] | None:
    node = shutil.which("node")
    if node is None:
        return None
    expression = (
        "JSON.stringify({node: process.version, v8: process.versions.v8,"
        f" messages: JSON.parse({messages_js()}), missing_builtins: JSON.parse({builtins_js()})}})"
    )
    done = subprocess.run([node, "-p", expression], capture_output=True, text=True, check=False, timeout=60)
    if done.returncode != 0:
        return None
    reference: dict[str, Any] = json.loads(done.stdout)
    return reference


# ------------------------------------------------------------------------------------------ PyPI facts


def pypi_json(url: str) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        document: dict[str, Any] = json.load(response)
        return document


def wheel_tags(filename: str) -> tuple[str, str, str, set[str]]:
    """python, abi and platform tags of a wheel file name, and every tag triple it expands to."""
    parts = filename.removesuffix(".whl").split("-")
    python, abi, plat = parts[-3], parts[-2], parts[-1]
    expanded = {f"{p}-{a}-{q}" for p in python.split(".") for a in abi.split(".") for q in plat.split(".")}
    return python, abi, plat, expanded


ARCHES = ("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armv7l", "universal2", "arm64", "amd64")


def platform_label(tag: str) -> str:
    first = tag.split(".")[0]
    arch = next((arch for arch in ARCHES if first.endswith(arch)), first)
    if first == "win32":
        return "Windows x86"
    if first.startswith("win_"):
        return f"Windows {first.removeprefix('win_')}"
    if first.startswith("musllinux"):
        return f"Linux-musl {arch}"
    if first.startswith("manylinux") or first.startswith("linux"):
        return f"Linux {arch}"
    if first.startswith("macosx"):
        return f"macOS {arch}"
    return first


def python_label(tags: Iterable[tuple[str, str]], requires: str | None) -> str:
    cpython: set[int] = set()
    labels: list[str] = []
    pypy: set[str] = set()
    for python, abi in sorted(set(tags)):
        for tag in python.split("."):
            if tag.startswith("cp") and abi == "abi3":
                labels.append(f"CPython {tag[2]}.{tag[3:]}+ (abi3)")
            elif tag.startswith("cp"):
                cpython.add(int(tag[3:]))
            elif tag.startswith("pp"):
                pypy.add(f"{tag[2]}.{tag[3:]}")
            elif tag.startswith("py"):
                labels.append(f"any CPython {requires}" if requires else "any Python 3")
    if cpython:
        low, high = min(cpython), max(cpython)
        contiguous = len(cpython) == high - low + 1
        labels.append(
            f"CPython 3.{low}{DASH}3.{high}"
            if contiguous
            else "CPython " + ", ".join(f"3.{m}" for m in sorted(cpython))
        )
    if pypy:
        labels.append("PyPy " + ", ".join(sorted(pypy)))
    return "; ".join(dict.fromkeys(labels))


def pypi_facts(name: str, version: str, installed_tags: list[str]) -> dict[str, Any]:
    """Release dates and wheels of name==version, from PyPI's JSON API."""
    files: list[dict[str, Any]]
    try:
        release = pypi_json(f"https://pypi.org/pypi/{name}/{version}/json")
        files = release["urls"]
        project = pypi_json(f"https://pypi.org/pypi/{name}/json")
    except urllib.error.HTTPError:  # some mirrors serve only the project document
        project = pypi_json(f"https://pypi.org/pypi/{name}/json")
        files = project["releases"].get(version, [])
    latest = project["info"]["version"]
    latest_files = project["releases"].get(latest, [])
    wheels = [item for item in files if item["filename"].endswith(".whl")]
    requires = project["info"].get("requires_python") or None
    tags = [wheel_tags(item["filename"]) for item in wheels]
    here: dict[str, Any] | None = None
    wanted = set(installed_tags)
    for item, (_, _, _, expanded) in zip(wheels, tags, strict=True):
        if wanted and wanted <= expanded:
            here = item
            break
    if here is None and wanted:  # the installed wheel's tags, written differently
        here = next((item for item, tag in zip(wheels, tags, strict=True) if wanted & tag[3]), None)
    return {
        "released": min((item["upload_time"] for item in files), default="?")[:10],
        "latest": latest,
        "latest_released": min((item["upload_time"] for item in latest_files), default="?")[:10],
        "wheel_here": None if here is None else {"filename": here["filename"], "bytes": here["size"]},
        "wheel_bytes": sorted(item["size"] for item in wheels),
        "platforms": sorted({platform_label(tag[2]) for tag in tags}),
        "pythons": python_label(((tag[0], tag[1]) for tag in tags), requires),
        "sdist": any(item["packagetype"] == "sdist" for item in files),
        "wheels": len(wheels),
    }


# ------------------------------------------------------------------------------------------ report


@dataclass
class EngineReport:
    spec: EngineSpec
    available: bool = False
    note: str = ""
    probe: dict[str, Any] = field(default_factory=dict)
    cold_ms: float | None = None
    cold_rss_mib: float | None = None
    timing: dict[str, Any] = field(default_factory=dict)
    hostile: dict[str, Child] = field(default_factory=dict)
    semantics: dict[str, Any] = field(default_factory=dict)
    pypi: dict[str, Any] = field(default_factory=dict)


def measure(spec: EngineSpec, options: argparse.Namespace) -> EngineReport:
    report = EngineReport(spec)
    probe = run_child(spec, "probe", options, 120)
    if probe.result is None or "unavailable" in probe.result:
        report.note = probe.result["unavailable"] if probe.result else f"{probe.crash}: {probe.stderr[-500:]}"
        return report
    report.available = True
    report.probe = probe.result
    progress(f"{spec.name}: cold start x{options.repeat}")
    colds = [run_child(spec, "cold", options, 120) for _ in range(options.repeat)]
    results = [child.result for child in colds if child.result and "seconds" in child.result]
    if results:
        report.cold_ms = statistics.median(result["seconds"] for result in results) * 1000
        report.cold_rss_mib = statistics.median(result["rss_mib"] for result in results)
    progress(f"{spec.name}: timings x{options.repeat}")
    timing = run_child(spec, "timing", options, 3600)
    report.timing = timing.result or {"error": f"{timing.crash}: {timing.stderr[-500:]}"}
    for case in HOSTILE:
        progress(f"{spec.name}: {case}")
        report.hostile[case] = run_child(spec, case, options, options.hang_timeout)
    semantics = run_child(spec, "semantics", options, 120)
    report.semantics = semantics.result or {"error": f"{semantics.crash}: {semantics.stderr[-500:]}"}
    return report


def progress(text: str) -> None:
    print(f"[js_engines] {text}", file=sys.stderr, flush=True)


def ms(value: Any) -> str:
    if not isinstance(value, int | float):
        return "n/a"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def limit_cell(child: Child, what: str = "") -> str:
    if child.crash:
        if "killed" in child.crash:
            return f"**not stopped**: {child.crash}"
        return f"**{child.crash}** after {child.seconds:.1f} s"
    result = child.result or {}
    after = "context usable after" if result.get("usable_after") else "**context unusable after**"
    if result.get("stopped"):
        return f"stopped after {result['seconds']:.2f} s ({result['error']}); {after}"
    return f"**not stopped**: finished after {result['seconds']:.2f} s{what}"


def memory_cell(child: Child) -> str:
    if child.crash:
        return limit_cell(child)
    result = child.result or {}
    rss = f"RSS {result['baseline_rss_mib']:.0f} \u2192 {result['peak_rss_mib']:.0f} MiB"
    if not result.get("stopped"):
        return f"**not stopped** after {result['seconds']:.2f} s; {rss}"
    after = "usable after" if result.get("usable_after") else "**unusable after**"
    return f"clean {result['error']} after {result['seconds']:.2f} s; {rss}; {after}"


def js_cell(child: Child) -> str:
    if child.crash:
        return limit_cell(child)
    result = child.result or {}
    if "host_error" in result:
        return f"host exception {result['host_error']}"
    return f"{result['value']} ({result['seconds'] * 1000:.0f} ms)"


def microtask_cell(semantics: dict[str, Any], spec: EngineSpec) -> str:
    tasks = semantics.get("microtasks")
    if tasks is None:
        return str(semantics.get("error", "n/a"))
    cells = []
    for where in ("eval", "call"):
        read, jobs, drained = tasks[f"{where}_read"], tasks[f"{where}_jobs"], tasks[f"{where}_drained"]
        if read == 1:
            cells.append(f"after {where}: ran, host calls nothing")
        elif jobs is None:
            cells.append(f"after {where}: **not run** (no drain call in the binding)")
        else:
            state = "ran" if drained == 1 else "**still not run**"
            cells.append(f"after {where}: not run; {state} after {jobs} `execute_pending_job()` call(s)")
    return "; ".join(cells)


def message_cell(message: str | None, reference: str | None) -> str:
    text = "(no error)" if message is None else f"`{message}`"
    if reference is None:
        return text
    if message == reference:
        return f"{text} (= node)"
    if message and (message.startswith(reference) or reference.startswith(message)):
        return f"{text} (\u2248 node)"
    return f"{text} (\u2260 node)"


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def table(reports: list[EngineReport], reference: dict[str, Any] | None, options: argparse.Namespace) -> str:
    shown = [report for report in reports if report.available or "released" in report.pypi]
    if not shown:
        return "No engine could be measured."
    header = ["measure"] + [
        f"{report.spec.name} {report.probe.get('version', report.spec.version)}" for report in shown
    ]
    rows: list[list[str]] = []

    def row(label: str, cell: Callable[[EngineReport], str]) -> None:
        rows.append([label] + [cell(report) if report.available else "not measured" for report in shown])

    def pypi_row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        rows.append(
            [label]
            + [
                cell(report.pypi) if "released" in report.pypi else report.pypi.get("error", "n/a")
                for report in shown
            ]
        )

    row("engine inside", lambda r: str(r.probe.get("core", "?")))
    row("import + first context (cold, own process)", lambda r: ms(r.cold_ms))
    row(
        "RSS added by import + first context",
        lambda r: f"{r.cold_rss_mib:.0f} MiB" if r.cold_rss_mib else "n/a",
    )
    row("start-up: fresh context (warm)", lambda r: ms(r.timing.get("startup_ms")))
    row(
        f"chai {CHAI_VERSION} bundle eval + `expect(1).to.equal(1)`",
        lambda r: ms(r.timing.get("chai_ms")) if options.chai else "n/a (no chai.js)",
    )
    row(
        "host \u2192 JS call of a returned function (1 KB JSON string in, number out)",
        lambda r: f"{r.timing['call_us']:.0f} \u00b5s" if "call_us" in r.timing else "n/a",
    )
    row("CPU: integer loop, 2e7 iterations", lambda r: ms(r.timing.get("loop_ms")))
    row("CPU: fib(30), function calls", lambda r: ms(r.timing.get("fib_ms")))
    row("CPU: JSON.parse + stringify of 100 KB x 50", lambda r: ms(r.timing.get("json_ms")))
    row(f"`{LOOP_FOREVER}`, {TIME_LIMIT_S:.0f} s limit", lambda r: limit_cell(r.hostile["loop"]))
    row("catastrophic regex `/(a+)+$/` on 'a'x40+'!', 1 s limit", lambda r: limit_cell(r.hostile["regex"]))
    row("1 s limit on a call into a function returned earlier", lambda r: limit_cell(r.hostile["call"]))
    row(f"allocate past a {MEMORY_LIMIT_BYTES >> 20} MiB limit", lambda r: memory_cell(r.hostile["memory"]))
    row("`function r(){return r()}; try { r() } catch`", lambda r: js_cell(r.hostile["recursion"]))
    row("`JSON.parse('['.repeat(100000))`", lambda r: js_cell(r.hostile["json_deep"]))
    row("`JSON.parse('['.repeat(1e5) + ']'.repeat(1e5))`", lambda r: js_cell(r.hostile["json_deep_balanced"]))
    row("microtask `Promise.resolve().then(...)`", lambda r: microtask_cell(r.semantics, r.spec))
    for index, source in enumerate(MESSAGE_SOURCES):
        expected = reference["messages"][index] if reference else None

        def message(report: EngineReport, index: int = index, expected: str | None = expected) -> str:
            messages = report.semantics.get("messages")
            return message_cell(messages[index], expected) if messages else "n/a"

        row(f"message of `{source}`", message)
    row(
        "missing built-ins"
        + (f" (node: {', '.join(reference['missing_builtins']) or 'none'})" if reference else ""),
        lambda r: ", ".join(r.semantics.get("missing_builtins", [])) or "none",
    )
    rows.append(
        ["installed size"]
        + [
            megabytes(report.probe["installed_bytes"]) if report.available else "not installed"
            for report in shown
        ]
    )
    pypi_row(
        "wheel for this machine",
        lambda p: (
            f"{megabytes(p['wheel_here']['bytes'])} (`{p['wheel_here']['filename']}`)"
            if p["wheel_here"]
            else "n/a"
        ),
    )
    pypi_row("wheels: Python", lambda p: str(p["pythons"]))
    pypi_row(
        "wheels: platforms",
        lambda p: f"{p['wheels']} wheels: {', '.join(p['platforms'])}" + ("; sdist" if p["sdist"] else ""),
    )
    pypi_row("this version released", lambda p: str(p["released"]))
    pypi_row("latest release", lambda p: f"{p['latest']} ({p['latest_released']})")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in rows]
    return "\n".join(lines)


def render(reports: list[EngineReport], reference: dict[str, Any] | None, options: argparse.Namespace) -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    out = [
        f"Machine: {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores;"
        f" Python {platform.python_version()}; medians of {options.repeat} runs;"
        f" hostile cases once each, in their own process, killed after {options.hang_timeout:.0f} s.",
    ]
    if reference:
        out.append(
            f"Reference: node {reference['node']} (V8 {reference['v8']}), the runtime newman uses here."
        )
    out += ["", table(reports, reference, options), ""]
    for report in reports:
        if not report.available:
            out.append(f"- {report.spec.name}: skipped, {report.note}")
    if reference:
        out.append("- node's messages: " + "; ".join(f"`{m}`" for m in reference["messages"]))
    return "\n".join(out)


def to_json(report: EngineReport) -> dict[str, Any]:
    return {
        "name": report.spec.name,
        "version": report.probe.get("version", report.spec.version),
        "available": report.available,
        "note": report.note,
        "probe": report.probe,
        "cold_ms": report.cold_ms,
        "cold_rss_mib": report.cold_rss_mib,
        "timing": report.timing,
        "hostile": {
            case: {
                "result": child.result,
                "crash": child.crash,
                "seconds": child.seconds,
                "peak_rss_mib": child.peak_rss_mib,
            }
            for case, child in report.hostile.items()
        },
        "semantics": report.semantics,
        "pypi": report.pypi,
    }


def engine_path(text: str) -> tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or name not in SPECS:
        raise argparse.ArgumentTypeError(f"expected NAME=DIR with NAME one of {', '.join(SPECS)}")
    return name, str(Path(path).expanduser().resolve())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per measure (default 10)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--chai", type=Path, help=f"chai {CHAI_VERSION}'s chai.js (default: npm pack it)")
    parser.add_argument(
        "--engine-path",
        type=engine_path,
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="import engine NAME from DIR (a `pip install --target DIR` folder); repeatable",
    )
    parser.add_argument("--only", help="comma-separated engine names (default: all)")
    parser.add_argument("--offline", action="store_true", help="do not ask PyPI for wheels and dates")
    parser.add_argument(
        "--hang-timeout", type=float, default=HANG_TIMEOUT_S, help="seconds before a hostile case is killed"
    )
    parser.add_argument("--worker", choices=sorted(SPECS), help=argparse.SUPPRESS)
    parser.add_argument("--case", choices=sorted([*CASES, "cold"]), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.engine_paths = dict(options.engine_path)
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.worker:
        return worker(options)
    names = options.only.split(",") if options.only else list(SPECS)
    unknown = [name for name in names if name not in SPECS]
    if unknown:
        print(f"unknown engine(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="js-engines-") as scratch:
        if options.chai is None:
            try:
                progress(f"npm pack chai@{CHAI_VERSION}")
                options.chai = fetch_chai(Path(scratch))
            except (RuntimeError, subprocess.CalledProcessError, StopIteration) as error:
                progress(f"no chai.js ({error}); the chai row is skipped")
        else:
            options.chai = options.chai.resolve()
        reports = [measure(SPECS[name], options) for name in names]
    reference = node_reference()
    for report in reports:
        if options.offline:
            report.pypi = {"error": "n/a (--offline)"}
            continue
        try:
            version = report.probe.get("version", report.spec.version)
            report.pypi = pypi_facts(report.spec.name, version, report.probe.get("wheel_tags", []))
        except (OSError, ValueError, KeyError) as error:
            report.pypi = {"error": f"n/a (PyPI: {error})"}
    if options.json:
        document = {
            "repeat": options.repeat,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "chai": str(options.chai) if options.chai else None,
            "node": reference,
            "engines": [to_json(report) for report in reports],
        }
        print(json.dumps(document, indent=2, default=repr))
    else:
        print(render(reports, reference, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
