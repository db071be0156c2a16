from __future__ import annotations

import itertools
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tools import require_postgres, require_tool

from cdverify.contract.postgres import PostgresCluster, PostgresError
from cdverify.contract.server import free_port, health_status, stop_tree

# A test that uses one of these fixtures installs packages or starts a server: it is marked `integration`
# (left out of the fast suite, `pytest -m "not integration"`) whether or not its module says so.
INTEGRATION_FIXTURES = frozenset(
    {"newman", "postgres_database", "prepare_app", "reference_app", "start_app", "faulty_server", "hostile"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if INTEGRATION_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write a small project from {relative path: content} and return its root."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        return write_tree(root, files)

    return make


@pytest.fixture(autouse=True, scope="session")
def _shared_environments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One environment cache for the whole session (CDVERIFY_ENV_CACHE_DIR): the reference apps are
    installed once, not once per test (the Express app's sqlite3 compiles from source, ~80 s). The
    environment cache's own tests use a folder of their own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CDVERIFY_ENV_CACHE_DIR", str(tmp_path_factory.mktemp("environments")))
        yield


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's facts cache."""
    monkeypatch.setenv("CDVERIFY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


# --- Real peers for the contract tests: newman, a throwaway PostgreSQL, running backends --------------

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_TOOLS = REPO_ROOT / "tests" / "node"
HEALTH_CHECK_TIMEOUT = 60.0


def run_checked(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its output."""
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        pytest.fail(
            f"command failed with exit code {result.returncode}: {shlex.join(command)}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def newman() -> Path:
    """The newman pinned in tests/node (installed with `npm ci` on first use)."""
    binary = NODE_TOOLS / "node_modules" / ".bin" / "newman"
    if not binary.exists():
        require_tool("npm", "Node.js 20 and npm install newman into tests/node")
        run_checked(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_TOOLS)])
    return binary


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases (`conduit_<n>`, owned by user/password); returns URLs.

    The cluster lives in a temporary directory for the whole session, and is stopped and removed at its end.
    """
    require_postgres()
    try:
        cluster = PostgresCluster.create(free_port())
    except PostgresError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        cluster.start()
        numbers = itertools.count(1)
        yield lambda: cluster.create_database(f"conduit_{next(numbers)}")
    finally:
        cluster.remove()


def _prepare_app(app_dir: Path) -> dict[str, str]:
    """The app's dependencies from cdverify's own environment cache (contract/environments.py), as
    `--setup auto` takes them: the environment to run the app in."""
    from cdverify.contract.environments import SetupError, prepare

    if (app_dir / "package.json").exists():
        require_tool("npm", "Node.js 20 and npm install a Node app's dependencies")
    log_path = app_dir.parent / f"{app_dir.name}-setup.log"
    try:
        with log_path.open("wb") as log:
            prepared = prepare(app_dir, log, timeout_s=900)
    except SetupError as error:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        pytest.fail(f"{app_dir.name}: {error}\n{tail}", pytrace=False)
    if prepared is None:
        pytest.fail(f"{app_dir.name} has neither requirements.txt nor package.json", pytrace=False)
    env = {**os.environ, **prepared.env}
    for command in prepared.commands:  # the app's own install scripts, in its folder
        run_checked(["bash", "-c", command], cwd=app_dir, env=env)
    return env


@pytest.fixture(scope="session")
def prepare_app() -> Callable[[Path], dict[str, str]]:
    """Install an app's dependencies, as the paper's harness does; the function returns the environment to run it in.

    Python (requirements.txt): the cached virtual environment, first on PATH. Node (package.json): the
    cached node_modules, laid into the app's folder by hard links.
    """
    return _prepare_app


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[Callable[[Path, dict[str, str]], str]]:
    """Start `./run.sh` of a prepared app on a free port, wait until it is healthy; return its base URL (…/api).

    The server runs in its own process group, which is terminated (then killed) when the test ends.
    """
    processes: list[subprocess.Popen[bytes]] = []

    def start(app_dir: Path, env: dict[str, str]) -> str:
        port = free_port()
        log_path = tmp_path / f"server-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                ["./run.sh"],
                cwd=app_dir,
                env={**env, "PORT": str(port)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.append(process)
        base_url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + HEALTH_CHECK_TIMEOUT
        while (status := health_status(f"{base_url}/health-check")) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                reason = (
                    f"exited with code {process.returncode}"
                    if process.poll() is not None
                    else f"not healthy after {HEALTH_CHECK_TIMEOUT:.0f} s (last status: {status})"
                )
                log_text = log_path.read_text(errors="replace")[-6000:]
                pytest.fail(
                    f"{app_dir.name}: ./run.sh {reason}\n--- server log ---\n{log_text}", pytrace=False
                )
            time.sleep(0.25)
        return base_url

    yield start
    for process in processes:
        stop_tree(process)


@pytest.fixture(scope="session")
def reference_app(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, dict[str, str]]]:
    """A prepared copy of a corpus reference app (dependencies installed once per session) and its env."""
    prepared: dict[str, tuple[Path, dict[str, str]]] = {}

    def get(name: str) -> tuple[Path, dict[str, str]]:
        if name not in prepared:
            app_dir = shutil.copytree(
                REPO_ROOT / "corpus" / name,
                tmp_path_factory.mktemp("apps") / name,
                ignore=shutil.ignore_patterns("node_modules", "__pycache__", ".venv", "*.db", "*.sqlite*"),
            )
            prepared[name] = (app_dir, _prepare_app(app_dir))
        return prepared[name]

    return get


@pytest.fixture(scope="session")
def faulty_server() -> Iterator[str]:
    """tests/contract/faulty_server.py on a free port, for the whole session; its root URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "tests" / "contract" / "faulty_server.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while health_status(f"{root}/api/health-check") != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("tests/contract/faulty_server.py did not start", pytrace=False)
        time.sleep(0.1)
    yield root
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def first_arguments(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """`module.name` counting its calls for the test: the first argument of each, as text."""
    calls: list[str] = []
    real = getattr(module, name)

    def counting(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(first))
        return real(first, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths fully analysed (a result-cache miss) since the test began."""
    from cdverify import pipeline

    return first_arguments(monkeypatch, pipeline, "build_report")


@pytest.fixture
def discoveries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths walked by discovery since the test began."""
    from cdverify import discover

    return first_arguments(monkeypatch, discover, "discover_project")
