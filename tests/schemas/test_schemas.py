"""`cdverify schema output|config|grade` (issue 20): the shipped schemas are those the typed models give,
every JSON output of the corpus apps and mutants validates against the output schema with no undeclared key,
docs/json-output.md documents exactly the schema's keys, and the configuration schema agrees with the
configuration reader."""

from __future__ import annotations

import copy
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from strict_schema import strict_validator

from cdverify import config as config_module
from cdverify.catalog import load_rules
from cdverify.cli import cli
from cdverify.config import ConfigError, build_config
from cdverify.rules_schema import Engines
from cdverify.schemas import NAMES, main, schema

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "verify"))


@pytest.fixture(scope="module")
def output_validator() -> jsonschema.Draft202012Validator:
    return strict_validator("output")


def test_the_shipped_schemas_are_those_the_models_give() -> None:
    assert main(["--check"]) == 0, "run python -m cdverify.schemas --write"


@pytest.mark.parametrize("name", NAMES)
def test_cdverify_schema_prints_a_valid_json_schema(name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document == schema(name)


def test_an_unknown_schema_name_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["schema", "outputs"])
    assert result.exit_code == 2 and "'outputs' is not one of" in result.output


# --- the output ------------------------------------------------------------------------------------------


def _corpus() -> Iterator[tuple[str, dict[str, Any]]]:
    from json_snapshot import documents

    for name, _root, document in documents():
        yield f"{name} inspect", document["inspect"]
        yield f"{name} check", document["check"]


@pytest.fixture(scope="module")
def corpus_outputs() -> list[tuple[str, dict[str, Any]]]:
    return list(_corpus())


def test_every_corpus_output_validates(
    corpus_outputs: list[tuple[str, dict[str, Any]]], output_validator: jsonschema.Draft202012Validator
) -> None:
    assert len(corpus_outputs) >= 100  # every app and mutant, inspected and checked
    problems = [
        f"{name}: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for name, document in corpus_outputs
        for error in output_validator.iter_errors(document)
    ]
    assert not problems, "\n".join(problems[:20])
    checked = [document for name, document in corpus_outputs if name.endswith("check")]
    assert all("verdicts" in d for d in checked)
    assert {f["rule"][:3] for d in checked for f in d["findings"]} >= {"ARC", "DB0", "ORM", "FW0", "TAS"}


def test_the_strict_schema_catches_drift(
    corpus_outputs: list[tuple[str, dict[str, Any]]], output_validator: jsonschema.Draft202012Validator
) -> None:
    document = copy.deepcopy(next(d for name, d in corpus_outputs if d.get("findings")))
    document["findings"][0]["fingerprint_v2"] = "abc"  # a key no model declares
    document["database"]["engines"] = "postgresql"  # a wrong type
    messages = sorted(e.message for e in output_validator.iter_errors(document))
    assert any("fingerprint_v2" in m for m in messages) and any(
        "is not of type 'array'" in m for m in messages
    )


def _example() -> dict[str, Any]:
    text = (DOCS / "json-output.md").read_text(encoding="utf-8")
    found = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert found is not None
    document: dict[str, Any] = json.loads(found.group(1))
    return document


def test_the_documented_example_validates(output_validator: jsonschema.Draft202012Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in output_validator.iter_errors(_example())]
    assert not errors, errors


# --- docs/json-output.md against the schema ---------------------------------------------------------------

SECTIONS = {  # heading (or the line before a table) → the model documented by the table below it
    "### Top level": "Output",
    "### `project`": "Project",
    "### `framework`": "Framework",
    "### `orm`": "Orm",
    "### `database`": "Database",
    "### `architecture`": "Architecture",
    "A **violation** object:": "Violation",
    "### `imports`": "Imports",
    "### Finding objects": "Finding",
    "Rule-specific keys are merged": "Finding",
    "### `constraints` (`check` only)": "Constraints",
    "### `verdicts` (`check` only)": "Verdict",
    "### `baseline` (`check --baseline` and `--since`)": "BaselineComparison",
}


def _tables() -> dict[str, list[list[str]]]:
    """Model → the rows (cells) of the first table after each of its headings in docs/json-output.md."""
    rows: dict[str, list[list[str]]] = {}
    current = None
    in_table = False
    for line in (DOCS / "json-output.md").read_text(encoding="utf-8").splitlines():
        starts = [model for heading, model in SECTIONS.items() if line.startswith(heading)]
        if starts:
            current, in_table = starts[0], False
            rows.setdefault(current, [])
            continue
        if current and line.startswith("|"):
            in_table = True
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if cells[0] not in ("key", "---") and not set(cells[0]) <= {"-"}:
                rows[current].append(cells)
        elif in_table:  # the first table after a heading ends
            current, in_table = None, False
    return rows


def _keys(cell: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)(?:`|: )", cell))  # `key`, or `key: value`


def _definitions() -> dict[str, Any]:
    defs: dict[str, Any] = schema("output")["$defs"]
    return defs


def test_every_documented_key_is_in_the_schema_and_back() -> None:
    tables = _tables()
    assert set(tables) == set(SECTIONS.values())
    for model, rows in tables.items():
        documented = set().union(*(_keys(row[0]) for row in rows))
        declared = set(_definitions()[model]["properties"])
        assert documented == declared, (
            f"{model}: only documented {documented - declared}, only declared {declared - documented}"
        )


def _item_model(prop: dict[str, Any]) -> str | None:
    """The model of an array property's items (or of a table of arrays' items), if it is one."""
    for candidate in (prop.get("items"), prop.get("additionalProperties", {}).get("items")):
        if isinstance(candidate, dict) and "$ref" in candidate:
            return str(candidate["$ref"]).rsplit("/", 1)[1]
    return None


def test_documented_item_shapes_match_the_schema() -> None:
    """A row saying `{a, b, c}` lists the always-present keys of its items; every optional key is named in
    the same row (`plus \\`purpose\\` …`)."""
    defs = _definitions()
    compared = 0
    for model, rows in _tables().items():
        for row in rows:
            shape = re.search(r"`\{([a-z_, ]+)\}`", row[-1])
            keys = _keys(row[0])
            if shape is None or len(keys) != 1:
                continue
            item = _item_model(defs[model]["properties"][keys.pop()])
            if item is None or "properties" not in defs[item]:
                continue
            compared += 1
            always = {key.strip() for key in shape.group(1).split(",")}
            assert always == set(defs[item]["required"]), (model, row[0])
            optional = set(defs[item]["properties"]) - always
            assert optional <= _keys(row[-1]), (model, row[0], optional - _keys(row[-1]))
    assert compared >= 6


def test_the_constraint_to_engine_table_is_the_catalogues() -> None:
    text = (DOCS / "json-output.md").read_text(encoding="utf-8")
    section = text.split("## Constraint values and engine names", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `(\w+)` \|$", section, re.M))
    assert rows == dict(load_rules(Engines).constraint)


# --- the configuration ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def config_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema("config"))


def test_the_config_schema_has_the_readers_keys() -> None:
    defs = schema("config")["$defs"]
    assert set(defs["Configuration"]["properties"]) == config_module._KNOWN_KEYS
    assert set(defs["Layer"]["properties"]) == config_module._LAYER_KEYS
    assert set(defs["Ignore"]["properties"]) == config_module._IGNORE_KEYS


def _documented_configs() -> Iterator[str]:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    yield from re.findall(r"```toml\n(.*?)\n```", text, re.S)


def test_every_documented_configuration_is_valid_for_both(
    config_validator: jsonschema.Draft202012Validator,
) -> None:
    count = 0
    for text in _documented_configs():
        table = tomllib.loads(text)
        table = table.get("tool", {}).get("cdverify", table)
        errors = [e.message for e in config_validator.iter_errors(table)]
        assert not errors, (text, errors)
        build_config(table, source="cdverify.toml")
        count += 1
    assert count >= 1


def _hostile() -> list[tuple[str, list[str]]]:
    from hostile.test_config_hostile import BAD_CONFIGS

    return list(BAD_CONFIGS)


# what a JSON Schema cannot say: a glob that does not compile, a layer the chosen preset lacks
NOT_A_SCHEMA_MATTER = ("glob", "bad character range", "unknown layer", "invalid TOML")


@pytest.mark.parametrize(("body", "fragments"), _hostile(), ids=[b[:30] for b, _ in _hostile()])
def test_hostile_configurations_are_rejected_by_both(
    config_validator: jsonschema.Draft202012Validator, body: str, fragments: list[str]
) -> None:
    if any("invalid TOML" in fragment for fragment in fragments):
        return  # not a table at all (cdverify/files.py's parse_toml guards the reader)
    table = tomllib.loads(body)
    with pytest.raises(ConfigError):
        build_config(table, source="cdverify.toml")
    if not any(marker in fragment for fragment in fragments for marker in NOT_A_SCHEMA_MATTER):
        assert list(config_validator.iter_errors(table)), body
