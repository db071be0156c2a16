"""The Constraint Decay paper's own heuristic verifiers, reproduced verdict for verdict (`--verifiers paper`).

The paper judges a run from its patch alone, with three heuristics (docs/grading.md, "The paper's
verifiers"): Clean Architecture by directory aliases and an import scan of the added lines, the database by
regular expressions over the added text, the ORM by a word test. They are reproduced here exactly,
imprecision included, so that a published experiment can be re-graded as its authors graded it and set
beside cdverify's own verdicts. The catalogues (alias sets, import passes, engine and ORM evidence) are
data, in rules/paper_verifiers.toml.

Everything here is a pure function of the patch text and the task's constraints: nothing is applied,
parsed as code or run.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from cdverify.grading.records import Axis, Constraint, Verdict

PAPER_VERIFIED_AXES = (Axis.ARCHITECTURE, Axis.DATABASE, Axis.ORM)
_DIFF_HEADER = re.compile(r"^diff --git a/(.+?) b/", re.MULTILINE)
_LINE_HEADER = re.compile(r"diff --git a/(.+?) b/")  # matched at the start of one line
_AXIS_OF = {
    Constraint.CLEAN_ARCHITECTURE: Axis.ARCHITECTURE,
    Constraint.POSTGRES: Axis.DATABASE,
    Constraint.SQLITE: Axis.DATABASE,
    Constraint.SQLALCHEMY: Axis.ORM,
    Constraint.SEQUELIZE: Axis.ORM,
}
NOT_COMPUTED = "not computed by the paper's verifiers"


# --- The catalogue (rules/paper_verifiers.toml) ----------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    name: str
    rank: int  # a file may import its own rank or a lower one
    aliases: frozenset[str]


@dataclass(frozen=True)
class Signal:
    """A regular expression whose match is evidence of `subject` (an engine, an ORM, or an import pass)."""

    id: str
    subject: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class PaperCatalogue:
    lockfiles: frozenset[str]
    minimum_layers: int
    layers: tuple[Layer, ...]  # in the paper's order: the first that matches wins
    import_passes: tuple[Signal, ...]
    engine_evidence: tuple[Signal, ...]
    django_exceptions: Mapping[str, str]  # expected engine -> the other engine's evidence id that is dropped
    orm_evidence: tuple[Signal, ...]


def _signal(id_: str, subject: str, pattern: str, ignore_case: bool) -> Signal:
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
    return Signal(id_, subject, re.compile(pattern, flags))


@cache
def load_catalogue() -> PaperCatalogue:
    """rules/paper_verifiers.toml (checked against its schema by the catalogue loader), once per process."""
    from cdverify.catalog import load_rules_file
    from cdverify.rules_schema import PaperVerifiers

    raw = load_rules_file(PaperVerifiers)
    return PaperCatalogue(
        lockfiles=frozenset(raw.lockfiles),
        minimum_layers=raw.architecture.minimum_layers,
        layers=tuple(
            Layer(layer.name, layer.rank, frozenset(a.lower() for a in layer.aliases))
            for layer in raw.architecture.layer
        ),
        import_passes=tuple(
            Signal(entry.id, "import", re.compile(entry.pattern, re.MULTILINE))
            for entry in raw.architecture.import_pass
        ),
        engine_evidence=tuple(
            _signal(e.id, e.engine, e.pattern, e.ignore_case) for e in raw.database.evidence
        ),
        django_exceptions={e.expected: e.dropped for e in raw.database.django_exception},
        orm_evidence=tuple(_signal(e.id, e.orm, e.pattern, e.ignore_case) for e in raw.orm.evidence),
    )


# --- Reading the patch as the paper does -----------------------------------------------------------------


@dataclass(frozen=True)
class PatchFile:
    """A file the patch touches, and the text of its added lines (the `+`, `+++` lines excepted)."""

    path: str
    added: str


@dataclass(frozen=True)
class Blob:
    """The added text of every file but the lockfiles, joined with newlines; `starts` maps back to files."""

    text: str
    files: tuple[PatchFile, ...]
    starts: tuple[int, ...]

    def locate(self, position: int) -> tuple[str, str]:
        """The file and the whole added line at `position` of the blob."""
        index = bisect.bisect_right(self.starts, position) - 1
        begin = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        return self.files[index].path, self.text[begin : len(self.text) if end < 0 else end]


@dataclass(frozen=True)
class PatchContents:
    """A unified diff as the paper reads it, in two passes that differ at the edges, as its code does.

    `headers`: the path of every `diff --git` header, found at a line start of the whole text (a file
    given twice is there twice); the architecture verifier counts layers from them, and fails without
    any. `files`: the text cut by `str.splitlines` (which also cuts at \\r, \\f, \\v, \\x1c-\\x1e, \\x85,
    \\u2028 and \\u2029), each header line starting a file and the `+` lines after it (but `+++` and
    `---` lines) its added text; a file given twice keeps the added text of its last section, in the
    place of its first. The imports and the blob are read from them; no file fails the database and ORM
    verifiers.
    """

    headers: tuple[str, ...]
    files: tuple[PatchFile, ...]


def read_patch(text: str) -> PatchContents:
    """The files of a unified diff and what was added to each, read as the paper reads them."""
    headers = tuple(match.group(1) for match in _DIFF_HEADER.finditer(text))
    added: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        header = _LINE_HEADER.match(line)
        if header is not None:
            current = added[header.group(1)] = []  # a file given again starts afresh, in its first place
        elif current is not None and line.startswith("+") and not line.startswith(("+++", "---")):
            current.append(line[1:])
    return PatchContents(headers, tuple(PatchFile(path, "\n".join(lines)) for path, lines in added.items()))


def blob_of(files: Iterable[PatchFile], lockfiles: frozenset[str]) -> Blob:
    kept = tuple(f for f in files if PurePosixPath(f.path).name not in lockfiles)
    starts, position = [], 0
    for item in kept:
        starts.append(position)
        position += len(item.added) + 1  # the joining newline
    return Blob("\n".join(item.added for item in kept), kept, tuple(starts))


# --- Verdicts and the evidence that decided them ---------------------------------------------------------


class EvidenceKind(StrEnum):
    NO_PATCH = "no_patch"  # the run has no readable patch
    NO_HEADER = "no_header"  # the patch has no `diff --git` header
    LAYER = "layer"  # a layer present: the first file whose folders name it
    UPWARD_IMPORT = "upward_import"  # an import from a layer to one of higher rank
    ENGINE = "engine"  # a database engine's evidence
    ORM = "orm"  # an ORM's evidence


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    subject: str  # the layer, engine or ORM it is about
    path: str = ""  # the file of the patch
    text: str = ""  # the added line as written (the import, the matched line)
    detail: str = ""  # the pattern id, the layers of an upward import, the folder that named a layer

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.kind.value} {self.subject} ({self.detail}) {where}{self.text.strip()}".strip()


@dataclass(frozen=True)
class PaperVerdict:
    axis: Axis
    verdict: Verdict
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class PaperGrade:
    """The paper's verdict on every axis: architecture, database and ORM by its heuristics, framework and
    task never (not applicable)."""

    verdicts: tuple[PaperVerdict, ...]

    def of(self, axis: Axis) -> PaperVerdict:
        (found,) = [item for item in self.verdicts if item.axis is axis]
        return found

    def as_verdicts(self) -> dict[Axis, Verdict]:
        return {item.axis: item.verdict for item in self.verdicts}


def _grade(computed: Mapping[Axis, PaperVerdict], reasons: Mapping[Axis, str]) -> PaperGrade:
    """A verdict on every axis: the computed ones, the others not applicable for their reason."""
    return PaperGrade(
        tuple(
            computed.get(axis, PaperVerdict(axis, Verdict.NOT_APPLICABLE, reasons.get(axis, NOT_COMPUTED)))
            for axis in Axis
        )
    )


def not_applicable(reason: str) -> PaperGrade:
    """A run the paper's verifiers cannot judge (its code is a folder, not a patch)."""
    return _grade({}, dict.fromkeys(PAPER_VERIFIED_AXES, reason))


def verify_patch(text: str | None, constraints: Iterable[Constraint | str]) -> PaperGrade:
    """The paper's verdicts on a run's patch (`None`: no patch) for its task's constraints. A verifier runs
    only for the task's own constraints; without a patch or a `diff --git` header each of them fails."""
    catalogue = load_catalogue()
    applied = {_AXIS_OF[Constraint(part)]: Constraint(part).value for part in constraints}
    contents = None if text is None else read_patch(text)
    computed: dict[Axis, PaperVerdict] = {}
    for axis, part in applied.items():
        if contents is None or not (contents.headers if axis is Axis.ARCHITECTURE else contents.files):
            kind = EvidenceKind.NO_PATCH if text is None else EvidenceKind.NO_HEADER
            reason = "no patch" if text is None else "the patch has no diff --git header"
            computed[axis] = PaperVerdict(axis, Verdict.FAIL, reason, (Evidence(kind, part),))
        elif axis is Axis.ARCHITECTURE:
            computed[axis] = check_architecture(contents, catalogue)
        elif axis is Axis.DATABASE:
            computed[axis] = check_database(blob_of(contents.files, catalogue.lockfiles), part, catalogue)
        else:
            computed[axis] = check_orm(blob_of(contents.files, catalogue.lockfiles), part, catalogue)
    return _grade(
        computed, {axis: f"the task has no {axis.value} constraint" for axis in PAPER_VERIFIED_AXES}
    )


# --- Clean Architecture ----------------------------------------------------------------------------------


def _first_layer(parts: Iterable[str], layers: tuple[Layer, ...]) -> Layer | None:
    present = {part.lower() for part in parts}
    return next((layer for layer in layers if layer.aliases & present), None)


def folders_of(path: str) -> tuple[str, ...]:
    """The lower-cased directory components of a path, its file name excluded (as `PurePosixPath` parts:
    `.` and empty components dropped, so `services/` is the file `services`)."""
    return tuple(part.lower() for part in PurePosixPath(path).parts[:-1])


def import_parts(spec: str) -> tuple[str, ...]:
    """An imported name or path as the paper splits it: dots become slashes, so `../services/x.js` is the
    parts services, x, js (empty parts, and `.` and `..`, which the replacement leaves none of, dropped)."""
    return tuple(part.lower() for part in spec.replace(".", "/").split("/") if part not in ("", ".", ".."))


def imports_of(added: str, passes: tuple[Signal, ...]) -> list[tuple[str, str]]:
    """(imported name or path, the added line) of each match of the four passes, pass by pass."""
    found = []
    for signal in passes:
        for match in signal.regex.finditer(added):
            begin = added.rfind("\n", 0, match.start(1)) + 1
            end = added.find("\n", match.start(1))
            found.append((match.group(1), added[begin : len(added) if end < 0 else end]))
    return found


def check_architecture(contents: PatchContents, catalogue: PaperCatalogue) -> PaperVerdict:
    """At least `minimum_layers` of the four layers present (among the headers' paths), and no import to a
    layer of higher rank (in the files' added text)."""
    present: dict[str, Evidence] = {}
    for path in contents.headers:
        folders = set(folders_of(path))
        for layer in catalogue.layers:
            met = sorted(layer.aliases & folders)
            if met and layer.name not in present:
                present[layer.name] = Evidence(EvidenceKind.LAYER, layer.name, path, detail=met[0])
    upward = []
    for item in contents.files:
        own = _first_layer(folders_of(item.path), catalogue.layers)
        if own is None:
            continue
        for spec, line in imports_of(item.added, catalogue.import_passes):
            target = _first_layer(import_parts(spec), catalogue.layers)
            if target is not None and target.rank > own.rank:
                detail = f"{own.name} -> {target.name}: {spec}"
                upward.append(Evidence(EvidenceKind.UPWARD_IMPORT, target.name, item.path, line, detail))
    layers = [layer.name for layer in catalogue.layers if layer.name in present]
    found = f"{len(layers)} of {len(catalogue.layers)} layers ({', '.join(layers) or 'none'})"
    if upward:
        return PaperVerdict(
            Axis.ARCHITECTURE, Verdict.FAIL, f"{found}; {len(upward)} upward import(s)", tuple(upward)
        )
    evidence = tuple(present[name] for name in layers)
    if len(layers) < catalogue.minimum_layers:
        reason = f"{found}: fewer than {catalogue.minimum_layers}"
        return PaperVerdict(Axis.ARCHITECTURE, Verdict.FAIL, reason, evidence)
    return PaperVerdict(Axis.ARCHITECTURE, Verdict.PASS, f"{found}, no upward import", evidence)


# --- Database and ORM ------------------------------------------------------------------------------------


def _evidence(blob: Blob, signals: Iterable[Signal], kind: EvidenceKind) -> list[Evidence]:
    """One piece of evidence per signal that matches the blob: its first match."""
    found = []
    for signal in signals:
        match = signal.regex.search(blob.text)
        if match is not None:
            path, line = blob.locate(match.start())
            found.append(Evidence(kind, signal.subject, path, line, signal.id))
    return found


def check_database(blob: Blob, expected: str, catalogue: PaperCatalogue) -> PaperVerdict:
    """Evidence of the expected engine and none of the other (with the Django exception)."""
    evidence = _evidence(blob, catalogue.engine_evidence, EvidenceKind.ENGINE)
    own = [item for item in evidence if item.subject == expected]
    other = [item for item in evidence if item.subject != expected]
    dropped = catalogue.django_exceptions.get(expected)
    if own and [item.detail for item in other] == [dropped]:
        other = []  # Django's settings name both backends; the other engine's only evidence is that name
    if other:
        names = ", ".join(item.detail for item in other)
        return PaperVerdict(
            Axis.DATABASE, Verdict.FAIL, f"evidence of another engine ({names})", (*other, *own)
        )
    if not own:
        return PaperVerdict(Axis.DATABASE, Verdict.FAIL, f"no evidence of {expected}")
    names = ", ".join(item.detail for item in own)
    return PaperVerdict(Axis.DATABASE, Verdict.PASS, f"{expected} evidence ({names})", tuple(own))


def check_orm(blob: Blob, expected: str, catalogue: PaperCatalogue) -> PaperVerdict:
    """Any evidence of the expected ORM; raw SQL is never looked for."""
    signals = [signal for signal in catalogue.orm_evidence if signal.subject == expected]
    own = _evidence(blob, signals, EvidenceKind.ORM)
    if not own:
        return PaperVerdict(Axis.ORM, Verdict.FAIL, f"no evidence of {expected}")
    names = ", ".join(item.detail for item in own)
    return PaperVerdict(Axis.ORM, Verdict.PASS, f"{expected} evidence ({names})", tuple(own))


def evidence_json(evidence: Evidence) -> dict[str, str]:
    return {
        "kind": evidence.kind.value,
        "subject": evidence.subject,
        "file": evidence.path,
        "text": evidence.text,
        "detail": evidence.detail,
    }


def paper_json(grade: PaperGrade) -> dict[str, Any]:
    """The paper's verdicts of one run for the JSON report: per axis, verdict, reason and evidence."""
    return {
        item.axis.value: {
            "verdict": item.verdict.value,
            "reason": item.reason,
            "evidence": [evidence_json(e) for e in item.evidence],
        }
        for item in grade.verdicts
        if item.axis in PAPER_VERIFIED_AXES
    }
