"""The JSON of `cdverify check|inspect --format json` as typed models: the source of its JSON Schema.

`cdverify/report/json.py` builds the document; these TypedDicts say what it holds. The schema that
`cdverify schema output` prints (`output.schema.json`) is generated from them (`python -m cdverify.schemas
--write`), and the tests check all three against each other: the shipped schema is the generated one, every
output of the corpus apps and mutants validates against it with no key left undeclared, and every key of
docs/json-output.md is declared here and every key declared here is documented there.

To add a key: declare it here (`NotRequired[...]` when it is not always present), document it in
docs/json-output.md, bump `SCHEMA_VERSION`'s minor in cdverify/report/json.py, regenerate the schema.
Keys that are Python keywords (`import`) need the functional form of TypedDict.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from cdverify.detect.database.report import EngineStatus
from cdverify.model import ImportKind, Scope

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "not_applicable"]
LayerKind = Literal["upward", "bypass", "framework", "cycle"]


class Tool(TypedDict):
    name: Literal["cdverify"]
    version: str


class BuildOutput(TypedDict):
    path: str
    config: str
    line: int
    setting: str


class StrayModule(TypedDict):
    file: str
    packages: list[str]
    reason: str


class Project(TypedDict):
    source_files: int
    by_scope: dict[Scope, int]
    by_language: dict[Literal["python", "javascript", "typescript", "tsx"], int]
    parsed_files: int
    build_output: NotRequired[list[BuildOutput]]
    stray: NotRequired[list[StrayModule]]


class FrameworkEvidence(TypedDict):
    framework: str
    kind: Literal["app", "routes", "import", "dependency"]
    file: str
    line: int
    col: int
    text: str


class Route(TypedDict):
    method: str
    path: str
    framework: str
    file: str
    line: int
    col: int


class RunValue(TypedDict):
    variable: str
    value: str
    file: str
    line: int
    source: Literal["env-file", "code"]


class Framework(TypedDict):
    detected: list[str]
    serving: list[str]
    evidence: list[FrameworkEvidence]
    routes: list[Route]
    prefixes: list[str]
    values: list[RunValue]


class Model(TypedDict):
    file: str
    line: int
    model: str


class RawSql(TypedDict):
    file: str
    line: int
    api: str
    sql: str
    kind: Literal["statement", "command", "trivial", "fragment", "dynamic"]
    statement: str
    tables: list[str]
    scope: Scope
    purpose: NotRequired[str]
    via: NotRequired[str]


class Orm(TypedDict):
    libraries: list[str]
    kinds: dict[str, Literal["orm", "odm", "core", "driver"]]
    models: dict[str, list[Model]]
    raw_sql: list[RawSql]
    fragments: list[RawSql]


class DatabaseEvidence(TypedDict):
    engine: str
    kind: Literal["connection", "config", "dialect", "import", "dependency", "service", "mention"]
    scope: Scope
    file: str
    line: int
    col: int
    text: str
    detail: NotRequired[str]
    switch: NotRequired[str]
    inferred: NotRequired[Literal[True]]


class Database(TypedDict):
    engines: list[str]
    usage: dict[str, EngineStatus]
    evidence: list[DatabaseEvidence]


Violation = TypedDict(
    "Violation",
    {
        "rule": str,
        "file": str,
        "line": int,
        "col": int,
        "severity": Severity,
        "import": str,
        "target": str,
        "from_layer": str,
        "to_layer": str | None,
        "kind": LayerKind,
        "type_only": bool,
        "import_kind": ImportKind,
        "via": NotRequired[list[str]],
        "cycle": NotRequired[list[str]],
        "wrapped_by": NotRequired[list[str]],
    },
)


class Architecture(TypedDict):
    preset: str
    layers: dict[str, list[str]]
    files: dict[str, str]
    evidence: dict[str, str]
    composition_roots: list[str]
    violations: list[Violation]


class Imports(TypedDict):
    internal: int
    unresolved: int
    external: dict[str, int]


class Environment(TypedDict):
    """The harness environment a database finding was judged in."""

    name: Literal["paper", "declared"]
    variables: dict[str, str]


class FindingFix(TypedDict):
    """`check --fix-diff`: a finding's mechanical fix."""

    description: str
    diff: str


# Every finding has the keys up to `doc_url`; the rest are rule-specific (docs/json-output.md, "Finding
# objects"), each always of the type given whatever the rule, except `via` (a list of barrels on an
# import finding, the helper chain as one string on ORM001/ORM004) and `kind`.
Finding = TypedDict(
    "Finding",
    {
        "rule": str,
        "name": str,
        "constraint": str,
        "severity": Severity,
        "file": str,
        "line": int,
        "col": int,
        "message": str,
        "evidence": str,
        "hint": str,
        "fingerprint": str,
        "doc_url": str,
        "fix": NotRequired[FindingFix],
        "import": NotRequired[str],
        "target": NotRequired[str],
        "from_layer": NotRequired[str],
        "to_layer": NotRequired[str | None],
        "wrapped_by": NotRequired[list[str]],
        "kind": NotRequired[str],
        "type_only": NotRequired[bool],
        "import_kind": NotRequired[ImportKind],
        "via": NotRequired[list[str] | str],
        "cycle": NotRequired[list[str]],
        "files": NotRequired[list[str]],
        "layer": NotRequired[str],
        "required": NotRequired[str],
        "engine": NotRequired[str],
        "engines": NotRequired[list[str]],
        "harness_engines": NotRequired[list[str]],
        "connection_line": NotRequired[str],
        "harness_settings": NotRequired[dict[str, str]],
        "environment": NotRequired[Environment],
        "switch": NotRequired[str],
        "switch_value": NotRequired[str],
        "switch_set_at": NotRequired[str],
        "url": NotRequired[str],
        "framework": NotRequired[str],
        "serving": NotRequired[list[str]],
        "library": NotRequired[str],
        "libraries": NotRequired[list[str]],
        "api": NotRequired[str],
        "sql": NotRequired[str],
        "tables": NotRequired[list[str]],
        "scope": NotRequired[Scope],
        "reason": NotRequired[str],
        "manifest": NotRequired[str],
        "package": NotRequired[str],
        "path": NotRequired[str],
        "expected": NotRequired[int],
        "found": NotRequired[int],
    },
)


class Summary(TypedDict):
    error: int
    warning: int
    info: int


class Constraints(TypedDict):
    spec: str
    level: int
    framework: NotRequired[str]
    architecture: NotRequired[str]
    database: NotRequired[str]
    orm: NotRequired[str]
    task: NotRequired[Literal["paper"]]


class Verdict(TypedDict):
    required: str
    status: Status
    errors: int
    reason: str


class Verdicts(TypedDict):
    framework: NotRequired[Verdict]
    architecture: NotRequired[Verdict]
    database: NotRequired[Verdict]
    orm: NotRequired[Verdict]
    task: NotRequired[Verdict]


class BaselineEntry(TypedDict):
    fingerprint: str
    rule: str
    constraint: str
    severity: Severity
    file: str
    line: int
    message: str


class BaselineComparison(TypedDict):
    """`check --baseline FILE` / `--since REF`: what the baseline held and what of it is fixed."""

    source: str
    known: int
    known_errors: int
    fixed: int
    fixed_findings: list[BaselineEntry]


class Output(TypedDict):
    """The JSON of `cdverify inspect|check --format json` (docs/json-output.md); `constraints`, `verdicts`
    and `passed` only from `check`."""

    schema_version: str
    tool: Tool
    root: str
    config: str | None
    project: Project
    framework: Framework
    orm: Orm
    database: Database
    architecture: Architecture
    imports: Imports
    findings: list[Finding]
    suppressed: list[Finding]
    summary: Summary
    constraints: NotRequired[Constraints]
    verdicts: NotRequired[Verdicts]
    passed: NotRequired[bool]
    baseline: NotRequired[BaselineComparison]
    fix_diff: NotRequired[str]
