"""Access to the data files that ship with cdverify: rule catalogues (`rules/`) and tree-sitter
queries (`grammars/`), found through `locations.data_dir`.

Every catalogue is read through one loader: `load_rules(Frameworks)` and friends return the frozen records of
`cdverify/rules_schema/`, checked by `cdverify/typed_toml.py` (unknown keys and wrong types fail with
the file and the line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar, Protocol, TypeVar, cast

from cdverify.locations import PACKAGE_DIR, cache_dir, data_dir
from cdverify.model import Finding, Location
from cdverify.rules_schema import ArchitecturePreset, FindingRule, schema_of


class Catalogue(Protocol):
    """A record of cdverify/rules_schema/ read from one file: `FILE` names it (`database/engines`)."""

    FILE: ClassVar[str]


C = TypeVar("C", bound=Catalogue)


def load_rules(record: type[C]) -> C:
    """The typed content of `rules/<record.FILE>.toml`."""
    return cast(C, _all_rules()[record.FILE])


def finding_rules() -> Mapping[str, FindingRule]:
    """rules/findings.toml: finding id → its name, constraint, severity and summary."""
    return cast(Mapping[str, FindingRule], _all_rules()["findings"])


def preset_names() -> list[str]:
    return sorted(name.split("/", 1)[1] for name in _all_rules() if name.startswith("architecture/"))


def architecture_preset(name: str) -> ArchitecturePreset:
    return cast(ArchitecturePreset, _all_rules()[f"architecture/{name}"])


def decode_rules(name: str, text: str) -> Any:
    """`text` as the record of `rules/<name>.toml`; SchemaError names the file, line and key when it
    does not fit (a broken catalogue fails loudly at load, never silently)."""
    import tomllib  # the TOML reader and the checker load only when the pickle below is missing or stale

    from cdverify.typed_toml import SchemaError, decode

    file = f"rules/{name}.toml"
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # Python 3.11's error has the line only in its message
        line = re.search(r"at line (\d+)", str(exc))
        raise SchemaError(file, [(int(line.group(1)) if line else 1, f"not valid TOML: {exc}")]) from None
    return decode(document, schema_of(name), file, text)


@cache
def _all_rules() -> dict[str, Any]:
    """Every catalogue, checked and typed once and kept as a pickle in the user's cache folder keyed by
    the catalogues' content and their schema: parsing the TOML costs more than a short run can spare."""
    import hashlib
    import os
    import pickle

    root = data_dir("rules")
    files = sorted(root.rglob("*.toml"))
    contents = {path.relative_to(root).with_suffix("").as_posix(): path.read_bytes() for path in files}
    digest = hashlib.blake2b(digest_size=16)
    for source in (*sorted((PACKAGE_DIR / "rules_schema").glob("*.py")), PACKAGE_DIR / "typed_toml.py"):
        digest.update(source.read_bytes())
    for name, data in contents.items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    cached = cache_dir() / f"rules-{digest.hexdigest()}.pickle"
    try:
        with cached.open("rb") as handle:
            loaded: dict[str, Any] = pickle.load(handle)
        if loaded.keys() == contents.keys():
            return loaded
    except Exception:
        pass  # absent, unreadable or stale: parse the TOML
    parsed = {name: decode_rules(name, data.decode("utf-8")) for name, data in contents.items()}
    import tempfile  # only to write a fresh pickle

    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".rules-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(parsed, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home is no reason to fail
    return parsed


@cache
def load_rules_file(record: type[C]) -> C:
    """`rules/<record.FILE>.toml` parsed and checked alone, for a process that needs one catalogue."""
    text = (data_dir("rules") / f"{record.FILE}.toml").read_text(encoding="utf-8")
    return cast(C, decode_rules(record.FILE, text))


@cache
def load_query(language: str, name: str) -> str:
    """Text of `grammars/<language>/<name>.scm`."""
    return (data_dir("grammars") / language / f"{name}.scm").read_text(encoding="utf-8")


def make_finding(
    rule: str,
    location: Location,
    message: str,
    evidence: str = "",
    hint: str = "",
    data: dict[str, Any] | None = None,
) -> Finding:
    """A finding of a catalogued rule: name, constraint and severity come from rules/findings.toml."""
    entry = finding_rules()[rule]
    return Finding(
        rule,
        entry.name,
        entry.constraint,
        entry.severity,
        location,
        message,
        evidence=evidence,
        hint=hint,
        data=data or {},
    )
