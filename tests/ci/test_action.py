"""The GitHub Action (action.yml at the repository root, docs/ci.md): its inputs are declared and used, it
never pastes an input into a script, and its shell steps, run here with bash as the runner runs them (the
`${{ }}` expressions replaced by values, `$GITHUB_OUTPUT` read back), build a `cdverify check` command the
current command line accepts, write a SARIF log for the upload step, and fail the step as the exit code
and `fail-on-findings` say. The install step itself runs in the integration test, into a fresh venv."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
APP = REPO / "corpus" / "py-flask-layers"


@dataclass
class Run:
    """One run of the action's steps: what each `run:` step printed, the outputs it set, the `uses:` steps
    that would have run (with their `with:` values) and the exit status of the last step that ran."""

    printed: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    used: dict[str, dict[str, str]] = field(default_factory=dict)
    failed: str | None = None


class Context:
    """The expression context of a composite action: `inputs`, `github.action_path`, `steps.ID.outputs`."""

    def __init__(self, inputs: dict[str, str], run: Run) -> None:
        declared = ACTION["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, unknown
        self.inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()} | inputs
        self.run = run

    def value(self, reference: str) -> str:
        parts = reference.split(".")
        if parts[0] == "inputs":
            return self.inputs[parts[1]]
        if reference == "github.action_path":
            return str(REPO)
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.run.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"the test does not know the expression {reference!r}")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, expression: str) -> bool:
        """`always()`, `REF == 'x'`, `REF != 'x'`, joined by `&&`: the forms action.yml uses."""
        result = True
        for term in (t.strip() for t in expression.split("&&")):
            if term == "always()":
                continue
            found = re.fullmatch(r"([\w.-]+) (==|!=) '([^']*)'", term)
            assert found, f"the test cannot evaluate {term!r}: extend Context.condition"
            reference, operator, literal = found.groups()
            result &= (self.value(reference) == literal) == (operator == "==")
        return result


def run_action(
    inputs: dict[str, str], workspace: Path, path: str, skip: tuple[str, ...] = ("install",)
) -> Run:
    """The action's steps in order, as the runner would: `run:` steps with bash, `uses:` steps recorded."""
    run = Run()
    context = Context(inputs, run)
    for step in STEPS:
        step_id = step.get("id", step["name"])
        if "if" in step and not context.condition(step["if"]):
            continue
        if run.failed is not None and "always()" not in step.get("if", ""):
            continue
        if "uses" in step:
            run.used[step["uses"]] = {k: context.substitute(str(v)) for k, v in step.get("with", {}).items()}
            continue
        if step_id in skip:
            continue
        assert step["shell"] == "bash"
        output = workspace / f".github-output-{step_id}"
        output.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "PATH": path,
            "GITHUB_OUTPUT": str(output),
            **{k: context.substitute(str(v)) for k, v in step.get("env", {}).items()},
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        run.printed[step_id] = done.stdout + done.stderr
        run.outputs[step_id] = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        if done.returncode != 0:
            run.failed = step_id
    return run


def shim_path(tmp_path: Path) -> str:
    """A PATH whose `cdverify` is this checkout's, run by the test's Python."""
    bin_dir = tmp_path / "shim"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "cdverify"
    script.write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m cdverify "$@"\n', encoding="utf-8"
    )
    script.chmod(0o755)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository checkout with the corpus app in a sub-folder."""
    root = tmp_path / "workspace"
    shutil.copytree(APP, root / "services" / "api")
    return root


# --- the file itself --------------------------------------------------------------------------------------


def test_the_action_is_composite_and_declares_what_it_uses() -> None:
    assert ACTION["runs"]["using"] == "composite"
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    referenced = set(re.findall(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", text)) | set(
        re.findall(r"\binputs\.([\w-]+)", text)
    )
    assert referenced == set(ACTION["inputs"]), "every input used, every used input declared"
    for step in STEPS:
        assert "${{" not in step.get("run", ""), f"{step['name']}: an expression pasted into a script"
    install = next(step for step in STEPS if step.get("id") == "install")
    assert install["env"]["CDVERIFY_SOURCE"] == "${{ github.action_path }}"
    upload = next(step for step in STEPS if "upload-sarif" in step.get("uses", ""))
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    for name, output in ACTION["outputs"].items():
        assert output["value"].startswith("${{ steps.check.outputs."), name


# --- its steps, run -----------------------------------------------------------------------------------------


def test_a_failing_project_uploads_its_sarif_annotates_and_fails_the_step(
    tmp_path: Path, workspace: Path
) -> None:
    run = run_action(
        {"path": "services/api", "constraints": "flask+clean_architecture", "args": "--no-cache --jobs 1"},
        workspace,
        shim_path(tmp_path),
    )
    assert run.outputs["check"]["exit-code"] == "1", run.printed["check"]
    sarif = workspace / "cdverify.sarif"
    log = json.loads(sarif.read_text(encoding="utf-8"))
    results = log["runs"][0]["results"]
    assert len(results) == 5 and all(r["level"] == "error" for r in results)
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("services/api/app/")  # relative to the checkout, where code scanning reads it
    assert run.used["github/codeql-action/upload-sarif@v3"] == {
        "sarif_file": "cdverify.sarif",
        "category": "cdverify",
    }
    assert run.printed["check"].count("::error file=services/api/app/") == 5
    assert run.failed == "Fail on cdverify's exit code"
    assert "::error title=cdverify::a constraint fails" in run.printed["Fail on cdverify's exit code"]


def test_fail_on_findings_false_reports_and_passes(tmp_path: Path, workspace: Path) -> None:
    run = run_action(
        {
            "path": "services/api",
            "constraints": "flask+clean_architecture",
            "fail-on-findings": "false",
            "upload-sarif": "false",
            "annotations": "false",
        },
        workspace,
        shim_path(tmp_path),
    )
    assert run.outputs["check"] == {"exit-code": "1", "sarif-file": "cdverify.sarif"}, run.printed["check"]
    assert run.failed is None and "::error" not in run.printed["check"]
    assert "github/codeql-action/upload-sarif@v3" not in run.used

    (workspace / "out").mkdir()
    written = run_action(
        {"path": "services/api", "constraints": "flask", "sarif-file": "out/cdverify.sarif"},
        workspace,
        shim_path(tmp_path),
    )
    assert written.outputs["check"] == {"exit-code": "0", "sarif-file": "out/cdverify.sarif"}
    assert (
        written.failed is None and "every constraint holds" in written.printed["Fail on cdverify's exit code"]
    )


def test_a_configuration_error_fails_even_without_fail_on_findings(tmp_path: Path, workspace: Path) -> None:
    run = run_action(
        {"path": "services/api", "constraints": "flask+no_such_preset", "fail-on-findings": "false"},
        workspace,
        shim_path(tmp_path),
    )
    assert run.outputs["check"]["exit-code"] == "2", run.printed["check"]
    assert "cdverify: error:" in run.printed["check"]
    assert "github/codeql-action/upload-sarif@v3" not in run.used  # no SARIF to upload
    assert run.failed == "Fail on cdverify's exit code"


def test_constraints_from_the_project_configuration(tmp_path: Path, workspace: Path) -> None:
    (workspace / "services" / "api" / "cdverify.toml").write_text('constraints = "flask"\n', encoding="utf-8")
    run = run_action({"path": "services/api"}, workspace, shim_path(tmp_path))
    assert run.outputs["check"]["exit-code"] == "0", run.printed["check"]
    assert run.failed is None


@pytest.mark.integration
def test_the_install_step_installs_a_working_cdverify(tmp_path: Path, workspace: Path) -> None:
    """`pip install ${{ github.action_path }}` into a fresh venv (the runner's Python), then the check."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    path = f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"
    run = run_action(
        {"path": "services/api", "constraints": "flask+clean_architecture", "upload-sarif": "false"},
        workspace,
        path,
        skip=(),
    )
    assert "install" in run.printed and run.outputs["check"]["exit-code"] == "1", run.printed
    assert (env_dir / "bin" / "cdverify").is_file()
    assert (
        len(json.loads((workspace / "cdverify.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]) == 5
    )
