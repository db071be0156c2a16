"""The JSON Schemas of what cdverify gives and reads: `output` (the JSON of `check` and `inspect`), `config`
(the configuration table), `grade` (the report of `cdverify grade --format json`) and `rules` (the list of
`cdverify rules --format json`).

`cdverify schema NAME` prints the shipped file (`schema(NAME)`), with no dependency. Each file is generated
from the typed models of `output.py`, `config.py`, `grade.py` and `rules.py` with msgspec (a development
dependency): `python -m cdverify.schemas --write` rewrites them, `--check` fails when one differs from what
the models give (the tests run it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILES = {
    "output": HERE / "output.schema.json",
    "config": HERE / "config.schema.json",
    "grade": HERE / "grade.schema.json",
    "rules": HERE / "rules.schema.json",
}
NAMES = tuple(FILES)


def schema_text(name: str) -> str:
    """The shipped JSON Schema `name` as text."""
    return FILES[name].read_text(encoding="utf-8")


def schema(name: str) -> dict[str, Any]:
    """The shipped JSON Schema `name`."""
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema `name` as its typed model gives it today (needs msgspec)."""
    import msgspec

    from cdverify.catalog import finding_rules, preset_names
    from cdverify.grading.output import GRADE_SCHEMA_VERSION
    from cdverify.report.json import SCHEMA_VERSION
    from cdverify.rule_docs import RULES_SCHEMA_VERSION
    from cdverify.schemas import config, grade, output
    from cdverify.schemas import rules as rule_list

    versioned: dict[str, tuple[type, str, str]] = {  # name → model, its version, what it describes
        "output": (output.Output, SCHEMA_VERSION, "check/inspect JSON output"),
        "rules": (rule_list.Rules, RULES_SCHEMA_VERSION, "rules JSON"),
        "grade": (grade.GradeReport, GRADE_SCHEMA_VERSION, "grade report"),
    }
    if name in versioned:
        model, version, what = versioned[name]
        body = msgspec.json.schema(model)
        head = {
            "$id": f"https://cdverify.dev/schema/{name}-{version}.json",
            "title": f"cdverify {what} {version}",
        }
        body["$defs"][model.__name__]["properties"]["schema_version"] = {"const": version}
        if name == "rules":
            body["$defs"]["Rule"]["properties"]["rule"]["enum"] = list(finding_rules())
        if name == "grade":  # the axes of the success rule: a set, written as a list
            body["$defs"][model.__name__]["properties"]["success_rule"]["uniqueItems"] = True
    elif name == "config":
        body = msgspec.json.schema(config.Configuration)
        head = {"$id": "https://cdverify.dev/schema/config.json", "title": "cdverify configuration"}
        fields = body["$defs"]["Configuration"]["properties"]
        fields["preset"]["enum"] = preset_names()
        fields["port"].update(minimum=1, maximum=65535)
        fields["max_file_bytes"]["minimum"] = 1
        rules = finding_rules()
        ignore = body["$defs"]["Ignore"]["properties"]
        ignore["rule"]["enum"] = sorted({*rules, *(entry.name for entry in rules.values())})
        ignore["reason"]["pattern"] = r"\S"
        for table in ("Configuration", "Layer", "Ignore"):  # unknown keys are errors (exit 2) there too
            body["$defs"][table]["additionalProperties"] = False
    else:
        raise ValueError(f"{name!r} has no model to generate its schema from")
    return {"$schema": DRAFT, **head, **body}


def _as_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m cdverify.schemas --write|--check`: regenerate the generated schemas, or compare them."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cdverify.schemas", description=main.__doc__)
    modes = parser.add_mutually_exclusive_group(required=True)
    modes.add_argument("--write", action="store_const", const="--write", dest="mode")
    modes.add_argument("--check", action="store_const", const="--check", dest="mode")
    mode = parser.parse_args(argv).mode
    stale = []
    for name in NAMES:
        text = _as_text(generate(name))
        if mode == "--write":
            FILES[name].write_text(text, encoding="utf-8")
        elif schema_text(name) != text:
            stale.append(name)
    for name in stale:
        print(f"{FILES[name]} differs from its model: run python -m cdverify.schemas --write")
    return 1 if stale else 0


__all__ = ["NAMES", "generate", "main", "schema", "schema_text"]
