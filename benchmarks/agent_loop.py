"""A loop you can watch: a scripted agent fixes the reference-app mutants with cdverify's feedback alone
(issue 19; results in docs/agent-loop.md, "A scripted agent loop").

    python benchmarks/agent_loop.py                 # the table, every mutant of corpus/mutants
    python benchmarks/agent_loop.py --json out.json # also the turns as JSON

Each mutant (corpus/mutants/*.toml, built as tests/verify/test_mutants.py builds them) is handed to the
agent in a temporary folder. A turn is what `cdverify check --format concise --fix-diff` prints: the agent
reads it (its tokens are counted as bench_feedback.py counts them), and when the check fails it applies the
patch at the end with `git apply`, the way an agent would pipe the output. It does nothing else: where
cdverify offers only a hint, the scripted agent stops and says which rules had no mechanical fix, rather
than pretending to write the code a model would. The loop ends when the check passes, when there is no
patch, or after MAX_TURNS.

After each patch the agent checks what it did: every finding a fix was offered for is gone (by
fingerprint), no new error appeared, and every changed source file still parses (Python: compile();
JavaScript/TypeScript: tree-sitter with no ERROR node). A breach is recorded in the mutant's result.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_TURNS = 5
SOURCE_SUFFIXES = {".py": "python", ".js": "javascript", ".cjs": "javascript", ".mjs": "javascript"}
SOURCE_SUFFIXES |= {".ts": "typescript", ".tsx": "tsx"}


@dataclass
class Turn:
    errors: int  # error findings in the feedback
    fixes: int  # findings with a mechanical fix
    bytes: int
    tokens: int


@dataclass
class Outcome:
    mutant: str
    passed: bool
    turns: list[Turn] = field(default_factory=list)
    stopped: str = ""  # why the loop ended without a passing check
    breaches: list[str] = field(default_factory=list)  # a fix that did not do what it said


def feedback(root: Path, constraints: str) -> tuple[str, object]:
    """What the agent reads in a turn — `check --format concise --fix-diff`, the root written as `.` — and
    the report it came from."""
    from cdverify import verify
    from cdverify.fixes import with_fixes, with_patch
    from cdverify.model import Severity
    from cdverify.report import REPORTERS, ReportOptions

    report = with_fixes(verify(root, constraints, use_cache=False))
    text = with_patch(REPORTERS["concise"](report, ReportOptions(Severity.WARNING)), report)
    return text.replace(str(report.root), "."), report


def parses(path: Path) -> str:
    """ "" when the source file parses, else why not."""
    language = SOURCE_SUFFIXES.get(path.suffix)
    if language is None or not path.is_file():
        return ""
    data = path.read_bytes()
    if language == "python":
        try:
            compile(data, str(path), "exec")
        except SyntaxError as error:
            return f"{path.name}: {error}"
        return ""
    from cdverify.model import Language
    from cdverify.parse.treesitter import parser

    tree = parser(Language(language)).parse(data)
    return f"{path.name}: tree-sitter ERROR node" if tree.root_node.has_error else ""


def apply_patch(root: Path, patch: str) -> str:
    """Apply the check's whole output with `git apply` (which skips the report before the patch); "" when
    it applied, else git's complaint."""
    done = subprocess.run(
        ["git", "apply", "--unsafe-paths", "-"],
        cwd=root,
        input=patch,
        text=True,
        capture_output=True,
        check=False,
    )
    return done.stderr.strip() if done.returncode else ""


def changed_files(patch: str) -> list[str]:
    return [line.split(" b/", 1)[1] for line in patch.splitlines() if line.startswith("diff --git a/")]


def run(root: Path, name: str, constraints: str, count: Callable[[str], int]) -> Outcome:
    """The scripted agent on one project, turn by turn."""
    from cdverify.model import Severity

    outcome = Outcome(name, passed=False)
    for _ in range(MAX_TURNS):
        text, report = feedback(root, constraints)
        findings = report.findings  # type: ignore[attr-defined]
        errors = [f for f in findings if f.severity is Severity.ERROR]
        fixed = [f for f in findings if f.fix is not None]
        outcome.turns.append(Turn(len(errors), len(fixed), len(text.encode()), count(text)))
        if report.passed:  # type: ignore[attr-defined]
            outcome.passed = True
            return outcome
        if not report.fix_diff:  # type: ignore[attr-defined]
            outcome.stopped = why_stopped(errors)
            return outcome
        failure = apply_patch(root, text + "\n")  # as printed: the last line ends
        if failure:
            outcome.stopped = f"the patch did not apply: {failure}"
            return outcome
        after = feedback(root, constraints)[1]
        outcome.breaches += _breaches(root, report, after, changed_files(text))
    outcome.stopped = f"still failing after {MAX_TURNS} turns"
    return outcome


def why_stopped(errors: list) -> str:  # type: ignore[type-arg]
    """`no mechanical fix: ARCH002 (no fixer: hint only); TASK006 (declined here)` — the rules cdverify has
    no fixer for, and those whose fixer found the code other than it expects."""
    from cdverify.fixes import FIXERS

    unfixed = sorted({f.rule for f in errors if f.fix is None})
    parts = [
        f"{', '.join(rules)} ({why})"
        for rules, why in (
            ([r for r in unfixed if r not in FIXERS], "no fixer: hint only"),
            ([r for r in unfixed if r in FIXERS], "fixer declined here"),
        )
        if rules
    ]
    return "no mechanical fix: " + "; ".join(parts)


def _breaches(root: Path, before: object, after: object, changed: list[str]) -> list[str]:
    from cdverify.model import Severity

    was = before.findings  # type: ignore[attr-defined]
    old = {f.fingerprint for f in was}
    now = {f.fingerprint: f for f in after.findings}  # type: ignore[attr-defined]
    out = [
        f"{f.rule} at {f.location} is still reported after its fix"
        for f in was
        if f.fix and f.fingerprint in now
    ]
    out += [
        f"new error {f.rule} at {f.location}: {f.message}"
        for key, f in now.items()
        if key not in old and f.severity is Severity.ERROR
    ]
    out += [problem for path in changed if (problem := parses(root / path))]
    return out


def loop_all(count: Callable[[str], int]) -> list[Outcome]:
    """The scripted agent on every mutant; a pending mutant is listed as stopped, with its reason."""
    from bench_feedback import mutants_module

    module = mutants_module()
    outcomes = []
    for path in sorted(module.MUTANTS.glob("*.toml")):
        mutant = module.load_mutant(path)
        if mutant.pending:
            outcomes.append(Outcome(mutant.name, passed=False, stopped=f"pending: {mutant.pending}"))
            continue
        with tempfile.TemporaryDirectory(prefix="agent-loop-") as folder:
            root = module.materialise(mutant, Path(folder))
            outcomes.append(run(root, mutant.name, mutant.constraints, count))
    return outcomes


def table(outcomes: list[Outcome], tokenizer: str) -> str:
    passed = [o for o in outcomes if o.passed]
    fixed = [o for o in passed if len(o.turns) > 1]
    lines = [
        f"{len(outcomes)} mutants: {len(fixed)} reach a passing check by applying cdverify's diffs, "
        f"{len(passed) - len(fixed)} pass at once (near misses), {len(outcomes) - len(passed)} stop; "
        f"tokens: {tokenizer}",
        "",
        "| mutant | outcome | turns | tokens per turn | why it stopped |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        tokens = " → ".join(str(t.tokens) for t in o.turns) or "-"
        state = "pass" if o.passed else "stop"
        lines.append(f"| {o.mutant} | {state} | {len(o.turns)} | {tokens} | {o.stopped} |")
    return "\n".join(lines)


def main() -> None:
    from bench_feedback import token_counter

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the outcomes here")
    args = parser.parse_args()
    tokenizer, count = token_counter()
    outcomes = loop_all(count)
    print(table(outcomes, tokenizer))
    if args.json:
        rows = [asdict(o) for o in outcomes]
        args.json.write_text(json.dumps({"tokenizer": tokenizer, "outcomes": rows}, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    main()
