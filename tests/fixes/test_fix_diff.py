"""`check --fix-diff` (issue 19): every diff cdverify offers applies with `git apply` and with `patch -p1`
from the project's root, removes its finding, brings no new error, and leaves the code parsing.

The projects are the reference-app mutants whose violation has a mechanical fix (corpus/mutants); the
scripted agent loop over all of them is tests/fixes/test_agent_loop.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from benchmark_modules import load
from strict_schema import strict_validator
from verify.test_mutants import COPY_IGNORE, MUTANTS, load_mutant, materialise

from cdverify import verify
from cdverify.fixes import with_fixes
from cdverify.fixes.edits import Create, Executable, Files, Replace, overlaps, unified_diff
from cdverify.model import Severity

REPO = Path(__file__).resolve().parents[2]
# the mutants whose errors all have a mechanical fix; tests/fixes/test_agent_loop.py checks that no other
# mutant gets a passing check from the diffs alone, so a fixer lost or gained changes this list
MECHANICAL = (
    "express-health-check-outside-api",
    "express-health-check-renamed",
    "express-route-outside-api",
    "express-run-script-background",
    "express-run-script-not-executable",
    "express-sqlite-fallback-in-harness",
    "express-wrong-port-in-code",
    "express-wrong-port-in-run-script",
    "flask-health-check-outside-api",
    "flask-health-check-renamed",
    "flask-route-outside-api",
    "flask-run-script-background",
    "flask-run-script-not-executable",
    "flask-sqlite-fallback-in-harness",
    "flask-wrong-port",
)


def _apply(root: Path, patch: str, tool: str) -> None:
    command = ["git", "apply", "-"] if tool == "git" else ["patch", "-p1", "--batch", "--forward"]
    done = subprocess.run(command, cwd=root, input=patch, text=True, capture_output=True, check=False)
    assert done.returncode == 0, f"{tool} refused the patch:\n{patch}\n{done.stdout}{done.stderr}"


def _parses(path: Path) -> bool:
    agent_loop = load("agent_loop")
    return agent_loop.parses(path) == ""


@pytest.mark.parametrize("tool", ["git", "patch"])
@pytest.mark.parametrize("name", MECHANICAL)
def test_each_offered_diff_applies_and_removes_its_finding(name: str, tool: str, tmp_path: Path) -> None:
    mutant = load_mutant(MUTANTS / f"{name}.toml")
    root = materialise(mutant, tmp_path / "mutant")
    report = with_fixes(verify(root, mutant.constraints, use_cache=False))
    fixed = [f for f in report.findings if f.fix is not None]
    assert fixed, f"{name}: no fix offered"
    errors_before = {f.fingerprint for f in report.findings if f.severity is Severity.ERROR}
    for number, finding in enumerate(fixed):
        assert finding.fix is not None
        copy_root = tmp_path / f"copy{number}"
        shutil.copytree(root, copy_root, ignore=COPY_IGNORE)
        _apply(copy_root, finding.fix.diff, tool)
        after = verify(copy_root, mutant.constraints, use_cache=False)
        fingerprints = {f.fingerprint for f in after.findings}
        assert finding.fingerprint not in fingerprints, f"{finding.rule} still reported after its fix"
        new_errors = [
            f for f in after.findings if f.severity is Severity.ERROR and f.fingerprint not in errors_before
        ]
        assert not new_errors, [f"{f.rule} {f.location} {f.message}" for f in new_errors]
        for line in finding.fix.diff.splitlines():
            if line.startswith("+++ b/"):
                assert _parses(copy_root / line.removeprefix("+++ b/")), line


def test_the_whole_output_of_check_goes_to_git_apply(tmp_path: Path) -> None:
    """The report comes first and the patch last: `cdverify check --fix-diff | git apply` fixes it."""
    mutant = load_mutant(MUTANTS / "flask-wrong-port.toml")
    root = materialise(mutant, tmp_path)
    command = [sys.executable, "-m", "cdverify", "check", str(root), "--task", mutant.constraints]
    first = subprocess.run([*command, "--fix-diff"], capture_output=True, text=True, check=False, cwd=REPO)
    assert first.returncode == 1, first.stderr
    lines = first.stdout.splitlines()
    header = next(line for line in lines if line.startswith("fix-diff: "))
    assert header.startswith("fix-diff: 1 mechanical fix (TASK008 port 5000 → 8080 (run.sh:5))")
    assert lines[lines.index(header) + 1] == "diff --git a/run.sh b/run.sh"
    _apply(root, first.stdout, "git")
    second = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    assert second.returncode == 0, second.stdout


def test_without_a_mechanical_fix_the_output_says_so(tmp_path: Path) -> None:
    mutant = load_mutant(MUTANTS / "flask-route-calls-repository.toml")
    root = materialise(mutant, tmp_path)
    command = [sys.executable, "-m", "cdverify", "check", str(root), "--task", mutant.constraints]
    done = subprocess.run(
        [*command, "--fix-diff", "--format", "concise"], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert done.returncode == 1
    assert done.stdout.rstrip().endswith("fix-diff: no mechanical fix for these findings")
    assert "diff --git" not in done.stdout


def test_json_carries_each_fix_and_the_patch_and_matches_the_schema(tmp_path: Path) -> None:
    mutant = load_mutant(MUTANTS / "express-sqlite-fallback-in-harness.toml")
    root = materialise(mutant, tmp_path)
    command = [sys.executable, "-m", "cdverify", "check", str(root), "--task", mutant.constraints]
    done = subprocess.run(
        [*command, "--fix-diff", "--format", "json"], capture_output=True, text=True, check=False, cwd=REPO
    )
    document = json.loads(done.stdout)
    strict_validator("output").validate(document)
    assert document["schema_version"] == "1.6"
    db001 = next(f for f in document["findings"] if f["rule"] == "DB001")
    url = "postgresql://user:password@postgres:5432/conduit"
    assert db001["fix"] == {
        "description": f"set DATABASE_URL={url} in .env",
        "diff": f"diff --git a/.env b/.env\nnew file mode 100644\n--- /dev/null\n+++ b/.env\n@@ -0,0 +1 @@\n"
        f"+DATABASE_URL={url}\n",
    }
    assert document["fix_diff"] == db001["fix"]["diff"]
    # the hint and the data name the exact connection line and the harness's literal settings
    assert (
        db001["connection_line"]
        == f'new Sequelize(process.env.DATABASE_URL || "{url}", {{ dialect: "postgres" }})'
    )
    assert db001["harness_settings"] == {
        "user": "user",
        "password": "password",
        "database": "conduit",
        "host": "postgres",
        "port": "5432",
    }
    assert db001["connection_line"] in db001["hint"] and f"DATABASE_URL={url}" in db001["hint"]
    plain = subprocess.run(
        [*command, "--format", "json"], capture_output=True, text=True, check=False, cwd=REPO
    )
    without = json.loads(plain.stdout)
    assert "fix_diff" not in without and all("fix" not in f for f in without["findings"])


def test_edits_render_as_git_diffs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one\ntwo\nthree")  # no final newline
    (tmp_path / "run.sh").write_text("exec x\n")
    files = Files(tmp_path)
    diff = unified_diff(
        files,
        [
            Replace("a.txt", 8, 13, "THREE"),
            Executable("run.sh"),
            Create("new/file.env", "A=1\n"),
        ],
    )
    assert diff == (
        "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n two\n-three\n"
        "\\ No newline at end of file\n+THREE\n\\ No newline at end of file\n"
        "diff --git a/new/file.env b/new/file.env\nnew file mode 100644\n--- /dev/null\n+++ b/new/file.env\n"
        "@@ -0,0 +1 @@\n+A=1\n"
        "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
    )
    _apply(tmp_path, diff, "git")
    assert (tmp_path / "a.txt").read_text() == "one\ntwo\nTHREE"
    assert (tmp_path / "new" / "file.env").read_text() == "A=1\n"
    assert (tmp_path / "run.sh").stat().st_mode & 0o100
    assert overlaps(Replace("a", 2, 5, ""), [Replace("a", 4, 6, "x")])
    assert not overlaps(Replace("a", 2, 5, ""), [Replace("a", 5, 6, "x"), Replace("b", 2, 5, "")])
    assert overlaps(Create(".env", ""), [Create(".env", "x")])


def test_an_existing_env_file_gets_the_line_added_or_replaced(tmp_path: Path) -> None:
    mutant = load_mutant(MUTANTS / "flask-sqlite-fallback-in-harness.toml")
    for existing, expected in (
        ("PORT=8080", "PORT=8080\nDATABASE_URL=postgresql://user:password@postgres:5432/conduit\n"),
        ("DATABASE_URL=sqlite:///x.db\n", "DATABASE_URL=postgresql://user:password@postgres:5432/conduit\n"),
    ):
        root = materialise(mutant, tmp_path / str(len(existing)))
        (root / ".env").write_text(existing)
        report = with_fixes(verify(root, mutant.constraints, use_cache=False))
        if existing.startswith("DATABASE_URL"):
            # a .env naming SQLite: DB001 is reported at the .env line, and the fix replaces that line
            assert any(f.rule == "DB001" for f in report.findings)
        assert report.fix_diff, [f"{f.rule} {f.message}" for f in report.findings]
        _apply(root, report.fix_diff, "git")
        assert (root / ".env").read_text() == expected
        assert verify(root, mutant.constraints, use_cache=False).passed


@pytest.mark.parametrize(
    ("assignment", "fixed"),
    [
        (
            'export DATABASE_URL="sqlite:///conduit.db"',
            'export DATABASE_URL="postgresql://user:password@postgres:5432/conduit"',
        ),
        (
            "export DATABASE_URL=${DATABASE_URL:-sqlite:///conduit.db}",
            'export DATABASE_URL="${DATABASE_URL:-postgresql://user:password@postgres:5432/conduit}"',
        ),
    ],
)
def test_a_url_the_run_script_sets_is_fixed_there_not_in_a_dotenv(
    tmp_path: Path, assignment: str, fixed: str
) -> None:
    """run.sh's export wins over a `.env` file the app loads: the fix edits run.sh's line (issue 18)."""
    mutant = load_mutant(MUTANTS / "flask-sqlite-fallback-in-harness.toml")
    root = materialise(mutant, tmp_path / "app")
    run = (root / "run.sh").read_text()
    (root / "run.sh").write_text(run.replace("exec ", f"{assignment}\nexec ", 1))
    report = with_fixes(verify(root, mutant.constraints, use_cache=False))
    db001 = next(f for f in report.findings if f.rule == "DB001")
    assert db001.data["switch_set_at"] == f"run.sh:{run[: run.index('exec ')].count(chr(10)) + 1}"
    _apply(root, report.fix_diff, "git")
    assert fixed in (root / "run.sh").read_text()
    assert not (root / ".env").exists()
    assert verify(root, mutant.constraints, use_cache=False).passed


RUN_SH_HEAD = '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\n'


@pytest.mark.parametrize(
    ("tail", "fixed"),
    [
        # the server line, last: foreground with exec
        ("node src/server.js &\n", "exec node src/server.js\n"),
        ("nohup node src/server.js > server.log 2>&1 &\n", "exec node src/server.js > server.log 2>&1\n"),
        # messages after it move before it
        (
            'node src/server.js &\necho "started on ${PORT:-3000}"\n',
            'echo "started on ${PORT:-3000}"\nexec node src/server.js\n',
        ),
        # not mechanical: a command after it may need the server; exec cannot take an assignment or a
        # list; a message running a command
        ("node src/server.js &\nnpx sequelize db:migrate\n", None),
        ("PORT=3000 node src/server.js &\n", None),
        ("npm run migrate && node src/server.js &\n", None),
        ('node src/server.js &\necho "pid $(pgrep node)"\n', None),
    ],
)
def test_a_background_server_is_brought_to_the_foreground_only_when_nothing_else_depends_on_it(
    tail: str, fixed: str | None, tmp_path: Path
) -> None:
    mutant = load_mutant(MUTANTS / "express-run-script-background.toml")
    root = materialise(mutant, tmp_path)
    (root / "run.sh").write_text(RUN_SH_HEAD + tail)
    report = with_fixes(verify(root, mutant.constraints, use_cache=False))
    task005 = [f for f in report.findings if f.rule == "TASK005"]
    assert len(task005) == 1, [f"{f.rule} {f.message}" for f in report.findings]
    if fixed is None:
        assert task005[0].fix is None and report.fix_diff == ""
        return
    assert task005[0].fix is not None
    _apply(root, report.fix_diff or "", "git")
    assert (root / "run.sh").read_text() == RUN_SH_HEAD + fixed
    assert verify(root, mutant.constraints, use_cache=False).passed


def test_a_port_written_twice_on_its_line_is_left_to_the_agent(tmp_path: Path) -> None:
    mutant = load_mutant(MUTANTS / "express-wrong-port-in-code.toml")
    root = materialise(mutant, tmp_path)
    server = root / "src" / "server.js"
    text = server.read_text()
    assert text.count("const DEFAULT_PORT = 8080;") == 1
    server.write_text(
        text.replace("const DEFAULT_PORT = 8080;", "const DEFAULT_PORT = 8080; // not 8080 + 1")
    )
    report = with_fixes(verify(root, mutant.constraints, use_cache=False))
    task008 = next(f for f in report.findings if f.rule == "TASK008")
    assert task008.fix is None and report.fix_diff == ""
