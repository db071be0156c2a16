"""What an installed wheel carries besides the code: the rule catalogues, the grammars' queries and the
rule pages (`cdverify rule ID` and `cdverify mcp`'s `explain` read docs/rules/<ID>.md), found inside the
package, not in a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration  # builds the wheel (the build hook lays in the sandbox's npm packages)


def test_an_installed_wheel_finds_the_rule_pages(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    (wheel,) = (tmp_path / "dist").glob("cdverify-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    pages = sorted(path.name for path in (site / "cdverify" / "_data" / "docs" / "rules").glob("*.md"))
    assert pages == sorted(path.name for path in (REPO_ROOT / "docs" / "rules").glob("*.md"))
    # run from the unpacked wheel alone (no checkout next to it): the page comes from cdverify/_data
    probe = (
        "from cdverify.mcp_server.tools import explain_document; from cdverify.locations import data_dir; "
        "d = explain_document('DB001'); print(data_dir('docs/rules')); print(d['documentation'].splitlines()[0])"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    folder, title = run.stdout.splitlines()
    assert folder == str(site / "cdverify" / "_data" / "docs" / "rules")
    assert title == "# DB001 required-engine-missing"
    # the command line, from the wheel alone, with no terminal: the page as written
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "rule", "db001"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "CDVERIFY_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "# DB001 required-engine-missing" and "## How to fix" in run.stdout
