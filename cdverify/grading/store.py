"""Graded runs kept between `cdverify grade` invocations, so that a second grade skips what is done.

A run's result is stored under a key made of everything that decides it: the bytes of its patch (and of its
base patch), the bytes of its behaviour report, its task, kind and runtime (a feature task's framework
folder), what its task definition contributes (the base repository's commit, the port), and the grader
itself (cdverify's version and a digest of its own source and rule catalogues, so that a changed verifier
never reuses an old verdict). Each result is written as soon as it is graded, atomically: Ctrl-C loses
nothing graded. A run whose code is a folder (`repo` in a manifest, or a base repository given as a plain
folder without a commit) is graded every time: its content has no cheap digest; so is a run whose base
repository could not be had (its verdicts are unknown, the grader does not store it).
A run graded with its behaviour tests (`--run-tests`) is keyed by the tests instead of its report: the
collection's digest, the time budgets and the port; a static-only result is never reused for a tested run,
nor the other way round.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from cdverify import __version__
from cdverify.grading.behaviour import BehaviourRecord
from cdverify.grading.layout import PatchCode, RunSource
from cdverify.grading.records import AssertionFailure, Assertions, Axis, GradedRun, TaskKind, Verdict

STORE_FORMAT = 2  # 2: notes, feature runs' base commits in the key, failing assertions, behaviour tests


@cache
def grader_digest() -> str:
    """cdverify's version, and a digest of the code and catalogues that grade a run."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{__version__}/{STORE_FORMAT}".encode())
    roots = [package, package.parent / "rules", package.parent / "grammars", package / "_data"]
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".toml", ".scm"} and "node_modules" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _file_digest(path: Path | None) -> str:
    if path is None:
        return "-"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


_FULL_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def run_key(source: RunSource, tested: str | None = None) -> str | None:
    """The key of a run's result, or None when the run is not kept (its code is a folder, or its base is a
    folder or a commit not named by its full id). `tested`: the fingerprint of the behaviour tests it is
    graded with (then its report is not read, nor keyed)."""
    code = source.code
    if not isinstance(code, PatchCode):
        return None
    if code.base is not None and not (code.commit and _FULL_COMMIT.fullmatch(code.commit)):
        return None
    definition = source.definition
    parts = [
        grader_digest(),
        source.task,
        source.kind.value,
        source.runtime or "-",
        _file_digest(code.patch),
        code.commit or "-",  # the base's tree, named by its full commit id
        _file_digest(code.base_patch),
        *(("report", _file_digest(source.report)) if tested is None else ("tested", tested)),
        str(definition.repo.port) if definition is not None else "-",
        source.unavailable or "-",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _to_json(
    run: GradedRun,
    findings: tuple[dict[str, Any], ...],
    notes: tuple[str, ...],
    tests: BehaviourRecord | None,
) -> dict[str, Any]:
    counts = run.assertions
    return {
        "format": STORE_FORMAT,
        "task": run.task,
        "framework": run.framework,
        "constraints": [part.value for part in run.constraints],
        "kind": run.kind.value,
        "assertions": None if counts is None else [counts.total, counts.passed, counts.failed],
        "failures": [] if counts is None else [[f.request, f.assertion, f.message] for f in counts.failures],
        "verdicts": {axis.value: verdict.value for axis, verdict in run.verdicts.items()},
        "error": run.error,
        "findings": list(findings),
        "notes": list(notes),
        "tests": None if tests is None else tests.to_json(),
    }


class RunStore:
    """A folder of graded runs, one JSON file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(
        self, key: str, source: RunSource
    ) -> tuple[GradedRun, tuple[dict[str, Any], ...], tuple[str, ...], BehaviourRecord | None] | None:
        """The stored result of this run (its agent, model and trial are the source's): the graded run,
        its findings, its notes and its behaviour tests' record; or None."""
        try:
            document = json.loads(self._path(key).read_text(encoding="utf-8"))
            if document.get("format") != STORE_FORMAT:
                return None
            counts = document["assertions"]
            failures = tuple(AssertionFailure(*item) for item in document["failures"])
            run = GradedRun(
                agent=source.agent,
                model=source.model,
                task=document["task"],
                trial=source.trial,
                framework=document["framework"],
                constraints=tuple(document["constraints"]),
                kind=TaskKind(document["kind"]),
                assertions=None if counts is None else Assertions(counts[0], counts[1], counts[2], failures),
                verdicts={Axis(axis): Verdict(value) for axis, value in document["verdicts"].items()},
                error=document["error"],
            )
            tests = None if document["tests"] is None else BehaviourRecord.from_json(document["tests"])
            return run, tuple(document["findings"]), tuple(str(note) for note in document["notes"]), tests
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not stored, or stored by another format: grade again

    def save(
        self,
        key: str,
        run: GradedRun,
        findings: tuple[dict[str, Any], ...],
        notes: tuple[str, ...] = (),
        tests: BehaviourRecord | None = None,
    ) -> None:
        """Write atomically; a store that cannot be written only costs a regrade next time."""
        path = self._path(key)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.part")
            partial.write_text(json.dumps(_to_json(run, findings, notes, tests)), encoding="utf-8")
            partial.replace(path)


def cache_home() -> Path:
    """cdverify's folder in the user's cache: `$XDG_CACHE_HOME/cdverify`, else `~/.cache/cdverify`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cdverify"


def default_store() -> Path:
    return cache_home() / "grade"
