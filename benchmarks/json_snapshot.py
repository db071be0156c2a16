"""The JSON cdverify gives on every corpus app, every mutant and the benchmark corpora, for a before/after
comparison of a change that must not change behaviour (issue 16: "the JSON outputs are unchanged").

    python benchmarks/json_snapshot.py OUT [--corpora app-60,django,ts-mono]   # write OUT/*.json
    python benchmarks/json_snapshot.py --compare BEFORE AFTER                   # exit 1 on a difference

Each project gets `inspect` and `check` (for the mutants: their own task; for the other apps: the paper's
hardest task of their language) through the library, without the facts cache, written with sorted keys.
The project's root path is replaced by `<root>` so that the two snapshots compare where they were made.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(REPO / "tests" / "verify"))  # the mutants' edit script lives beside their test

TASKS = {
    "python": "python-flask-openapi-clean_architecture-postgres-sqlalchemy",
    "node": "node-express-openapi-clean_architecture-postgres-sequelize",
}


def _reports(root: Path, task: str | None) -> dict[str, Any]:
    import cdverify
    from cdverify.constraints import parse_constraints

    inspected = cdverify.inspect(root, use_cache=False)
    task = task or TASKS.get(inspected.analysis.language or "python", TASKS["python"])
    checked = cdverify.verify(root, parse_constraints(task), use_cache=False)
    return {"inspect": inspected, "check": checked, "task": task}


def _write(out: Path, name: str, root: Path, document: dict[str, Any]) -> None:
    text = json.dumps(document, sort_keys=True, indent=1, default=str).replace(str(root), "<root>")
    (out / f"{name.replace('/', '__')}.json").write_text(text + "\n", encoding="utf-8")


def documents(corpora: tuple[str, ...] | list[str] = ()) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """(name, root, {"inspect", "check", "task"}) of every corpus app, every mutant and the `corpora` asked
    for, as JSON objects; a mutant's root exists only until the next item is asked for. tests/schemas
    validates these."""
    for name, root, reports in project_reports(corpora):
        yield (
            name,
            root,
            {**reports, "inspect": reports["inspect"].to_json(), "check": reports["check"].to_json()},
        )


def project_reports(corpora: tuple[str, ...] | list[str] = ()) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    """As `documents`, the `Report` objects themselves (tests/report renders them in every format)."""
    from test_mutants import MUTANT_FILES, load_mutant, materialise

    for app in sorted(p for p in (REPO / "corpus").iterdir() if p.is_dir()):
        if app.name in ("expected", "experiments", "mutants", "labels"):
            continue
        yield f"corpus/{app.name}", app, _reports(app, None)
    for path in MUTANT_FILES:
        mutant = load_mutant(path)
        with tempfile.TemporaryDirectory() as scratch:
            root = materialise(mutant, Path(scratch) / "app")
            yield f"mutant/{path.stem}", root, _reports(root, mutant.constraints)
    if corpora:
        from corpora import DEFAULT_CACHE, prepare

        for corpus in prepare(list(corpora), DEFAULT_CACHE):
            yield f"bench/{corpus.name}", corpus.root, _reports(corpus.root, None)


def snapshot(out: Path, corpora: list[str]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, root, document in documents(corpora):
        _write(out, name, root, document)
        count += 1
    return count


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    differing = 0
    for name in names:
        old, new = before / name, after / name
        if not old.is_file() or not new.is_file():
            print(f"{name}: only in {'after' if new.is_file() else 'before'}")
            differing += 1
            continue
        if old.read_bytes() != new.read_bytes():
            differing += 1
            lines = old.read_text().splitlines(), new.read_text().splitlines()
            diff = difflib.unified_diff(*lines, str(old), str(new), lineterm="", n=2)
            print("\n".join(list(diff)[:60]))
    print(f"{len(names)} snapshots, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--corpora", default="", help="benchmark corpora too (corpora.py names)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("give OUT or --compare BEFORE AFTER")
    count = snapshot(args.out, [name for name in args.corpora.split(",") if name])
    print(f"{count} snapshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
