"""The reference Conduit apps satisfy every static verifier at the paper's L3 with nothing above info."""

from __future__ import annotations

from pathlib import Path

import pytest

import cdverify

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize(
    ("app", "task"),
    [
        ("conduit-flask-clean", "python-flask-openapi-clean_architecture-sqlite-sqlalchemy"),
        ("conduit-flask-clean", "python-flask-openapi-clean_architecture-postgres-sqlalchemy"),
        ("conduit-express-clean", "node-express-openapi-clean_architecture-sqlite-sequelize"),
        ("conduit-express-clean", "node-express-openapi-clean_architecture-postgres-sequelize"),
    ],
)
def test_reference_app_passes_every_verifier(app: str, task: str) -> None:
    report = cdverify.verify(CORPUS / app, task, use_cache=False)
    above_info = [f"{f.rule} {f.location} {f.message}" for f in report.findings if f.severity.value != "info"]
    assert above_info == []
    checked = {axis: v.status for axis, v in report.verdicts.items()}
    assert checked == {axis: "pass" for axis in ("framework", "architecture", "database", "orm", "task")}
