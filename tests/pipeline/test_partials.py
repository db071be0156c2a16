"""Partials kept between runs (cdverify/partials.py) are keyed by all their computation reads: the traced
instances by `tracing_inputs`, which must see every input `instances_of` reads, and nothing stale is served."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdverify.config import load_config
from cdverify.detect.tracing import instances_of, tracing_inputs
from cdverify.model import FileFacts
from cdverify.partials import Partials
from cdverify.pipeline import analyse

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
APPS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name not in ("expected", "experiments"))


def projected(file_facts: FileFacts) -> FileFacts:
    """Only what `tracing_inputs` digests: path, language, exports, and imports by dots alone."""
    dotted = tuple(fact for fact in file_facts.imports if not fact.specifier.strip("."))
    python = file_facts.language.family == "python"
    return FileFacts(
        file_facts.path, file_facts.language, dotted if python else (), exports=file_facts.exports
    )


@pytest.mark.parametrize("app", APPS)
def test_instances_read_only_what_their_key_digests(app: str) -> None:
    facts = analyse(CORPUS / app, load_config(CORPUS / app), use_cache=False, jobs=1).facts
    alone = {path: projected(file_facts) for path, file_facts in facts.items()}
    assert tracing_inputs(alone) == tracing_inputs(facts)
    assert instances_of(alone) == instances_of(facts)


def test_a_changed_export_is_another_key(tmp_path: Path) -> None:
    facts = analyse(
        CORPUS / "conduit-flask-clean", load_config(CORPUS / "conduit-flask-clean"), use_cache=False
    ).facts
    with_exports = [path for path, file_facts in facts.items() if file_facts.exports]
    assert with_exports
    path = with_exports[0]
    changed = {
        **facts,
        path: facts[path]._replace(exports=(*facts[path].exports, ("extra", "flask.Flask()"))),
    }
    assert tracing_inputs(changed) != tracing_inputs(facts)
    partials = Partials(tmp_path)
    first = partials.value("traced", tracing_inputs(facts), lambda: instances_of(facts))
    assert partials.value("traced", tracing_inputs(facts), lambda: pytest.fail("computed again")) == first
    second = partials.value("traced", tracing_inputs(changed), lambda: instances_of(changed))
    assert second == instances_of(changed) != first
    (tmp_path / "partial-traced.pickle").write_bytes(b"damaged")
    assert partials.value("traced", tracing_inputs(facts), lambda: instances_of(facts)) == first
