"""The scripted agent loop (benchmarks/agent_loop.py, issue 19) over every reference-app mutant: each mutant
whose violations have a mechanical fix reaches a passing check by applying cdverify's diffs, the others
stop and say which rules had only a hint, and no mutant is left out."""

from __future__ import annotations

from benchmark_modules import load
from fixes.test_fix_diff import MECHANICAL
from verify.test_mutants import MUTANTS

from cdverify.fixes import FIXERS

NEAR_MISSES = (  # `expect_none` mutants: the check passes at once
    "express-builtin-http-in-service",
    "express-run-script-stderr-redirect",
    "flask-dev-server-port-in-main",
    "flask-run-script-stderr-redirect",
    "flask-sqlite-in-tests",
    "flask-werkzeug-security-in-service",
)


def test_the_scripted_agent_fixes_every_mechanical_mutant_and_says_why_not_the_others() -> None:
    agent_loop = load("agent_loop")
    outcomes = agent_loop.loop_all(lambda text: len(text.encode()) // 4)
    names = [o.mutant for o in outcomes]
    assert sorted(names) == sorted(path.stem for path in MUTANTS.glob("*.toml")), "a mutant was left out"
    assert not [(o.mutant, o.breaches) for o in outcomes if o.breaches]
    passed = {o.mutant: o for o in outcomes if o.passed}
    assert sorted(passed) == sorted([*MECHANICAL, *NEAR_MISSES]), {
        o.mutant: o.stopped for o in outcomes if o.mutant in MECHANICAL and not o.passed
    }
    for name in MECHANICAL:  # fixed by the diffs: at least two turns, the last one clean
        turns = passed[name].turns
        assert len(turns) >= 2 and turns[0].fixes >= 1 and turns[-1].errors == 0, name
        assert turns[-1].tokens < turns[0].tokens
    for name in NEAR_MISSES:
        assert len(passed[name].turns) == 1
    for outcome in outcomes:
        if outcome.passed:
            continue
        assert outcome.stopped.startswith(("no mechanical fix: ", "pending: ")), outcome
        for part in outcome.stopped.removeprefix("no mechanical fix: ").split("; "):
            if part.endswith(" (no fixer: hint only)"):
                rules = part.removesuffix(" (no fixer: hint only)").split(", ")
                assert all(rule not in FIXERS for rule in rules), outcome
            else:
                assert part.endswith(" (fixer declined here)"), outcome
                rules = part.removesuffix(" (fixer declined here)").split(", ")
                assert all(rule in FIXERS for rule in rules), outcome
    # the fixers that decline on a mutant, and why (docs/agent-loop.md): the routes sit under a mount that
    # serves others too (api-mounted-elsewhere), or there is no route to move (health-check-removed)
    declined = {o.mutant for o in outcomes if "fixer declined here" in o.stopped}
    assert declined == {
        "express-api-mounted-elsewhere",
        "flask-api-mounted-elsewhere",
        "express-health-check-removed",
        "flask-health-check-removed",
    }
