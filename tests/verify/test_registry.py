"""The verifier registry: every constraint axis has exactly one verifier, and the pipeline runs them all."""

from __future__ import annotations

import pkgutil
from dataclasses import fields
from pathlib import Path

import cdverify.verifiers
from cdverify.constraints import Constraints
from cdverify.verifiers import VERIFIERS


def test_every_axis_has_one_registered_verifier() -> None:
    axes = [f.name for f in fields(Constraints) if f.name != "language"]
    assert sorted(v.CONSTRAINT for v in VERIFIERS) == sorted(axes)


def test_every_verifier_module_is_registered() -> None:
    folder = Path(cdverify.verifiers.__file__).parent
    modules = {info.name for info in pkgutil.iter_modules([str(folder)])} - {"base"}
    assert modules == {v.__name__.rsplit(".", 1)[1] for v in VERIFIERS}  # type: ignore[attr-defined]


def test_inspect_runs_only_the_verifiers_that_need_no_constraint(tmp_path: Path) -> None:
    from cdverify.config import load_config
    from cdverify.pipeline import analyse

    (tmp_path / "app.py").write_text("import sqlite3\nsqlite3.connect('x.db').execute('SELECT 1')\n")
    analysis = analyse(tmp_path, load_config(tmp_path), use_cache=False)
    config = load_config(tmp_path)
    quiet = {v.CONSTRAINT for v in VERIFIERS if not v.verify(analysis, config, None)}
    assert {"framework", "orm", "task"} <= quiet
    asked = Constraints(framework="flask", orm="sqlalchemy", task="paper")
    for verifier in VERIFIERS:
        if verifier.CONSTRAINT in {"framework", "orm"}:
            assert verifier.verify(analysis, config, asked), verifier.CONSTRAINT
