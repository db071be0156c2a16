"""How often cdverify's decisions agree with hand labels of real repositories (issue 18).

    python benchmarks/accuracy.py                          # corpus/labels, sources in /work/.mirror
    python benchmarks/accuracy.py --sources DIR --json out.json
    python benchmarks/accuracy.py --repo cosmicpython/code --details
    python benchmarks/accuracy.py --repos-from set.txt --json new.json --compare old.json
    python benchmarks/accuracy.py --missing                # owner/name of every label without a source

Each corpus/labels/*.toml labels one public repository pinned by commit (schema: docs/accuracy.md). The
repository's code is never in this project: the benchmark looks for it under --sources, either as a git
snapshot `<owner>+<name>/repo` (bare or with .git; the labelled commit is exported to a temporary folder) or
as a plain checkout `<owner>+<name>/`. A repository whose source is missing is skipped with a message, so
the script runs anywhere (CI has no GitHub access: this is a local benchmark).

For every repository present it runs `cdverify.inspect` on the labelled root and compares, per decision kind:
framework (the serving set), the layer of every application file, the import-level violations (upward and
bypass; precision and recall at import and at file level; an import erased at run time — reported
`type_only`: `import type`, or a plain `import { … }` whose names are used only as types — is not scored,
as the labels count only imports that couple layers when the app runs), the engine set (and the engine set
in the paper's harness, where the app sees no DATABASE_URL), the data-access libraries, and the raw-SQL
sites (precision and recall; a reported site matches a label in the same file within LINE_SLACK lines).
Ambiguous labels and unscored files count neither way. It prints a table and writes JSON with every
disagreement.

`--compare OLD.json` sets this run beside an earlier one (a change's "before"): for every repository both
runs scored and every decision kind, a kind whose disagreements grew is a drop, one whose disagreements fell
a gain; each is printed with the new disagreements, and the exit code is 3 when anything dropped.
`--missing` lists the labelled repositories whose source is absent (`owner/name`, one a line: what to
fetch) and scores nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
LABELS = REPO_ROOT / "corpus" / "labels"
DEFAULT_SOURCES = Path("/work/.mirror")
SCHEMA_VERSION = 1
LAYERS = ("routes", "services", "repositories", "models")
LAYER_VALUES = (*LAYERS, "none", "ambiguous")
VIOLATION_KINDS = ("upward", "bypass")
FRAMEWORKS = ("flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa")
LABEL_KINDS = ("realworld", "other", "llm")
SOURCE_SUFFIXES = (".py", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
SKIPPED_DIRS = {"node_modules", ".git", "dist", "build", "coverage", "__pycache__", ".venv", "venv"}
LINE_SLACK = 3  # a reported raw-SQL line may sit this far from the labelled call (multi-line calls)


class LabelError(ValueError):
    """A label file that does not follow the schema."""


# ---------------------------------------------------------------- labels


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob: `*` and `?` stay in one folder, `**/` spans any folders, a final `**` anything."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _matches(patterns: Iterable[str], path: str) -> bool:
    return any(glob_regex(p).match(path) for p in patterns)


@dataclass(frozen=True)
class LayerRule:
    glob: str
    layer: str
    why: str


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    kind: str
    target: str


@dataclass(frozen=True)
class SqlSite:
    file: str
    line: int
    ambiguous: str = ""


@dataclass(frozen=True)
class Label:
    """One corpus/labels/*.toml, validated."""

    path: Path
    repo: str
    commit: str
    root: str
    kind: str
    frameworks: frozenset[str]
    layer_rules: tuple[LayerRule, ...]
    exclude: tuple[str, ...]
    unscored: tuple[str, ...]
    violations: frozenset[Violation]
    engines: frozenset[str]
    harness: frozenset[str] | None  # None: the harness engine is ambiguous
    ignore_engines: frozenset[str]
    libraries: frozenset[str]
    raw_sql: tuple[SqlSite, ...]
    raw_sql_unscored: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.repo.replace("/", "+")

    @property
    def name(self) -> str:
        """The app's name in reports: its repository, with the label file's suffix where one repository
        holds several labelled apps (`amitsk/js-db-crud.fastify` from `amitsk+js-db-crud.fastify.toml`)."""
        return self.path.stem.replace("+", "/", 1)

    def layer_of(self, path: str) -> str | None:
        """The labelled layer of `path` (relative to root); None when the file is not scored."""
        if _matches(self.unscored, path):
            return None
        if _matches(self.exclude, path):
            return "none"
        layer = "none"
        for rule in self.layer_rules:  # the last matching rule wins
            if glob_regex(rule.glob).match(path):
                layer = rule.layer
        return None if layer == "ambiguous" else layer


def _need(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise LabelError(f"{where}: missing key {key!r}")
    value = table[key]
    if not isinstance(value, kind):
        raise LabelError(f"{where}: {key!r} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _strings(table: dict[str, Any], key: str, where: str, default: list[str] | None = None) -> list[str]:
    value = table.get(key, default) if default is not None else _need(table, key, list, where)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabelError(f"{where}: {key!r} must be a list of strings")
    return value


def parse_label(path: Path) -> Label:
    """Read and validate one label file; LabelError says what is wrong and where."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LabelError(f"{where}: {error}") from error
    if data.get("schema_version") != SCHEMA_VERSION:
        raise LabelError(f"{where}: schema_version must be {SCHEMA_VERSION}")
    repo = _need(data, "repo", str, where)
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
        raise LabelError(f"{where}: repo must be owner/name")
    if not path.name.startswith(repo.replace("/", "+") + "."):
        raise LabelError(f"{where}: the file name must start with {repo.replace('/', '+')}.")
    commit = _need(data, "commit", str, where)
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise LabelError(f"{where}: commit must be 40 hex digits")
    kind = _need(data, "kind", str, where)
    if kind not in LABEL_KINDS:
        raise LabelError(f"{where}: kind must be one of {LABEL_KINDS}")
    _need(data, "notes", str, where)
    frameworks = _strings(_need(data, "framework", dict, where), "serving", f"{where} [framework]")
    if not frameworks or set(frameworks) - set(FRAMEWORKS):
        raise LabelError(f"{where}: [framework] serving must name frameworks among {FRAMEWORKS}")
    rules = []
    for n, rule in enumerate(data.get("layer", []), 1):
        at = f"{where} [[layer]] #{n}"
        layer = _need(rule, "layer", str, at)
        if layer not in LAYER_VALUES:
            raise LabelError(f"{at}: layer must be one of {LAYER_VALUES}")
        rules.append(LayerRule(_need(rule, "glob", str, at), layer, _need(rule, "why", str, at)))
    violations = set()
    for n, item in enumerate(data.get("violation", []), 1):
        at = f"{where} [[violation]] #{n}"
        kind_v = _need(item, "kind", str, at)
        if kind_v not in VIOLATION_KINDS:
            raise LabelError(f"{at}: kind must be one of {VIOLATION_KINDS}")
        target = _need(item, "target", str, at)
        if not target:
            raise LabelError(f"{at}: target must name the imported project file")
        violations.add(Violation(_need(item, "file", str, at), _need(item, "line", int, at), kind_v, target))
    database = _need(data, "database", dict, where)
    _need(database, "why", str, f"{where} [database]")
    orm = _need(data, "orm", dict, where)
    sites = []
    for n, item in enumerate(orm.get("raw_sql", []) + data.get("raw_sql", []), 1):
        at = f"{where} [[raw_sql]] #{n}"
        sites.append(
            SqlSite(_need(item, "file", str, at), _need(item, "line", int, at), item.get("ambiguous", ""))
        )
    harness_ambiguous = database.get("harness_ambiguous", "")
    return Label(
        path=path,
        repo=repo,
        commit=commit,
        root=data.get("root", ""),
        kind=kind,
        frameworks=frozenset(frameworks),
        layer_rules=tuple(rules),
        exclude=tuple(_strings(data, "exclude", where, [])),
        unscored=tuple(_strings(data, "unscored", where, [])),
        violations=frozenset(violations),
        engines=frozenset(_strings(database, "engines", f"{where} [database]")),
        harness=None
        if harness_ambiguous
        else frozenset(_strings(database, "harness", f"{where} [database]")),
        ignore_engines=frozenset(_strings(database, "ignore_engines", where, [])),
        libraries=frozenset(_strings(orm, "libraries", f"{where} [orm]")),
        raw_sql=tuple(sites),
        raw_sql_unscored=tuple(_strings(orm, "raw_sql_unscored", where, [])),
    )


def load_labels(folder: Path = LABELS) -> list[Label]:
    labels = [parse_label(path) for path in sorted(folder.glob("*.toml"))]
    if not labels:
        raise LabelError(f"no label files in {folder}")
    return labels


# ---------------------------------------------------------------- sources


def _git_dir(folder: Path) -> Path | None:
    for candidate in (folder / "repo" / ".git", folder / "repo", folder / ".git"):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def materialise(label: Label, sources: Path, scratch: Path) -> tuple[Path | None, str]:
    """The labelled root on disk, or None and why not."""
    folder = sources / label.key
    if not folder.is_dir():
        return None, f"no source at {folder}"
    git = _git_dir(folder)
    if git is None:
        root = folder / label.root
        return (root, "plain checkout (commit not verified)") if root.is_dir() else (None, f"no {root}")
    probe = subprocess.run(
        ["git", "--git-dir", str(git), "cat-file", "-e", f"{label.commit}^{{commit}}"], capture_output=True
    )
    if probe.returncode != 0:
        return None, f"commit {label.commit[:12]} is not in {git}"
    out = scratch / label.key
    for n in range(2, 100):  # another app of the same repository (`amitsk+js-db-crud.fastify`) has the first
        if not out.exists():
            break
        out = scratch / f"{label.key}.{n}"
    out.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "--git-dir", str(git), "archive", label.commit, *([label.root] if label.root else [])],
        capture_output=True,
    )
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
        _track(out)
        return out / label.root, "git snapshot"
    # A mirror may list its largest blobs without holding them (an archive of the app, a data dump):
    # write the files it holds, and say which were absent.
    absent = _write_tree(git, label, out)
    if absent is None:
        return None, f"git archive failed: {archive.stderr.decode(errors='replace').strip()[:200]}"
    _track(out)
    return out / label.root, f"git snapshot, {len(absent)} absent blob(s) left out: {', '.join(absent)[:200]}"


def _track(out: Path) -> None:
    """Make the exported snapshot a work tree whose index holds every file written, as a clone of the
    commit is: cdverify lists a work tree's files as git does (cdverify/gitfiles.py), so a file the commit
    tracks under a path its `.gitignore` names (`db/` ignoring a committed `src/db/SQLiteDB.ts`) is read, as
    it is in a clone; an export without `.git` would leave it out."""
    quiet = {"cwd": out, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q"], **quiet)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A", "-f"], **quiet)  # type: ignore[call-overload]


def _write_tree(git: Path, label: Label, out: Path) -> list[str] | None:
    """Write the regular files of `label.commit` under `label.root` that `git` holds; the paths of
    those it lacks, or None when the tree itself cannot be listed."""
    under = [label.root] if label.root else []
    listing = subprocess.run(
        ["git", "--git-dir", str(git), "ls-tree", "-r", "-z", label.commit, *under], capture_output=True
    )
    if listing.returncode != 0:
        return None
    entries = []
    for record in listing.stdout.decode(errors="surrogateescape").split("\0"):
        if record:
            meta, path = record.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind == "blob" and mode in ("100644", "100755"):
                entries.append((sha, path))
    batch = subprocess.run(
        ["git", "--git-dir", str(git), "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in entries).encode(),
        capture_output=True,
    )
    data, at, absent = batch.stdout, 0, []
    for _sha, path in entries:
        end = data.index(b"\n", at)
        header = data[at:end].decode().split()
        at = end + 1
        if header[-1] == "missing":
            absent.append(path)
            continue
        size = int(header[2])
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data[at : at + size])
        at += size + 1
    return absent


def source_files(root: Path) -> Iterator[str]:
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and not SKIPPED_DIRS & set(rel.parts[:-1]):
            yield rel.as_posix()


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Counts for one decision kind; `misses` lists each disagreement for docs/accuracy.md."""

    agree: int = 0
    total: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.agree += other.agree
        self.total += other.total
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.misses += other.misses

    def summary(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "agree": self.agree,
            "total": self.total,
            "agreement": ratio(self.agree, self.total),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": ratio(self.tp, self.tp + self.fp),
            "recall": ratio(self.tp, self.tp + self.fn),
        }


def _set_tally(
    name: str, label: frozenset[str], found: set[str], ignore: frozenset[str] = frozenset()
) -> Tally:
    want, got = set(label) - ignore, found - ignore
    tally = Tally(agree=int(want == got), total=1, tp=len(want & got))
    tally.fp, tally.fn = len(got - want), len(want - got)
    if want != got:
        tally.misses.append(f"{name}: labelled {sorted(want)}, found {sorted(got)}")
    return tally


def score_layers(label: Label, files: Iterable[str], found: dict[str, str]) -> dict[str, Tally]:
    """Per file: agreement over every scored file, and per layer precision/recall."""
    tallies = {"layer (all files)": Tally(), "layer (layered files)": Tally()}
    tallies |= {f"layer {name}": Tally() for name in LAYERS}
    for path in sorted(set(files) | set(found)):
        want = label.layer_of(path)
        if want is None:
            continue
        got = found.get(path, "none")
        for key in ("layer (all files)", "layer (layered files)"):
            if key == "layer (layered files)" and want == got == "none":
                continue
            tallies[key].total += 1
            tallies[key].agree += want == got
        if want != got:
            tallies["layer (all files)"].misses.append(f"{path}: labelled {want}, found {got}")
        for name in LAYERS:
            tally = tallies[f"layer {name}"]
            tally.tp += want == got == name
            tally.fp += got == name != want
            tally.fn += want == name != got
    return tallies


def score_violations(label: Label, found: list[dict[str, Any]]) -> dict[str, Tally]:
    """Import level: (file, line, kind); file level: files with at least one violation. Reported violations
    touching an ambiguous or unscored file are not scored, nor those of an import erased at run time
    (`type_only`): the labels hold the run-time coupling only (docs/accuracy.md, "Type-only imports")."""
    scored = []
    for item in found:
        if item.get("kind") not in VIOLATION_KINDS or item.get("type_only"):
            continue
        ends = (item["file"], item.get("target") or "")
        if any(label.layer_of(end) is None for end in ends if end):
            continue
        scored.append(item)
    want = {(v.file, v.line, v.kind) for v in label.violations}
    got = {(v["file"], v["line"], v["kind"]) for v in scored}
    imports = Tally(agree=len(want & got), total=len(want | got), tp=len(want & got))
    imports.fp, imports.fn = len(got - want), len(want - got)
    targets = {(v["file"], v["line"]): v.get("target", "") for v in scored}
    imports.misses += [f"false {k} {f}:{n} → {targets.get((f, n), '')}" for f, n, k in sorted(got - want)]
    imports.misses += [f"missed {k} {f}:{n}" for f, n, k in sorted(want - got)]
    want_files, got_files = {v[0] for v in want}, {v[0] for v in got}
    files = Tally(agree=len(want_files & got_files), total=len(want_files | got_files))
    files.tp, files.fp, files.fn = (
        len(want_files & got_files),
        len(got_files - want_files),
        len(want_files - got_files),
    )
    return {"violations (imports)": imports, "violations (files)": files}


def score_raw_sql(label: Label, found: list[dict[str, Any]]) -> Tally:
    """Greedy one-to-one matching by file and nearest line (within LINE_SLACK)."""
    reported = [
        (item["file"], item["line"])
        for item in found
        if item.get("scope", "application") == "application"
        and not _matches(label.raw_sql_unscored, item["file"])
        and not _matches(label.unscored, item["file"])  # files not scored at all
    ]
    tally = Tally()
    wanted = [s for s in label.raw_sql if not s.ambiguous]
    vague = [s for s in label.raw_sql if s.ambiguous]
    unmatched = list(reported)
    for site in wanted:
        near = [r for r in unmatched if r[0] == site.file and abs(r[1] - site.line) <= LINE_SLACK]
        if near:
            unmatched.remove(min(near, key=lambda r: abs(r[1] - site.line)))
            tally.tp += 1
        else:
            tally.fn += 1
            tally.misses.append(f"missed raw SQL {site.file}:{site.line}")
    for file, line in unmatched:
        if any(s.file == file and abs(s.line - line) <= LINE_SLACK for s in vague):
            continue
        tally.fp += 1
        tally.misses.append(f"false raw SQL {file}:{line}")
    tally.total = tally.tp + tally.fp + tally.fn
    tally.agree = tally.tp
    return tally


def score(label: Label, root: Path, report: dict[str, Any]) -> dict[str, Tally]:
    tallies = {
        "framework": _set_tally("framework", label.frameworks, set(report["framework"].get("serving", []))),
    }
    architecture = report.get("architecture") or {}
    tallies |= score_layers(label, source_files(root), architecture.get("files", {}))
    tallies |= score_violations(label, architecture.get("violations", []))
    engines = set(report["database"].get("engines", []))
    tallies["engines"] = _set_tally("engines", label.engines, engines, label.ignore_engines)
    if label.harness is not None:
        harness = set(report["database"].get("paper_harness", engines))
        tallies["engines in the paper harness"] = _set_tally(
            "harness engines", label.harness, harness, label.ignore_engines
        )
    tallies["libraries"] = _set_tally("libraries", label.libraries, set(report["orm"].get("libraries", [])))
    tallies["raw SQL sites"] = score_raw_sql(label, report["orm"].get("raw_sql", []))
    return tallies


# ---------------------------------------------------------------- driver


def run(labels: list[Label], sources: Path) -> tuple[dict[str, Tally], dict[str, Any]]:
    import cdverify
    from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

    totals: dict[str, Tally] = {}
    per_repo: dict[str, Any] = {}
    scratch = Path(tempfile.mkdtemp(prefix="cdverify-accuracy-"))
    try:
        for label in labels:
            root, how = materialise(label, sources, scratch)
            if root is None:
                print(f"skip {label.name}: {how}", file=sys.stderr)
                per_repo[label.name] = {"skipped": how}
                continue
            try:
                inspected = cdverify.inspect(root, use_cache=False)
                report = inspected.to_json()
                harness = in_harness(inspected.analysis.database, PAPER_ENVIRONMENT)
                report["database"]["paper_harness"] = harness.engines
            except Exception as error:  # one broken repository never stops the others
                print(f"error {label.name}: {type(error).__name__}: {error}", file=sys.stderr)
                per_repo[label.name] = {"error": f"{type(error).__name__}: {error}"}
                continue
            tallies = score(label, root, report)
            per_repo[label.name] = {
                "commit": label.commit,
                "source": how,
                "kinds": {name: t.summary() | {"misses": t.misses} for name, t in tallies.items()},
            }
            for name, tally in tallies.items():
                totals.setdefault(name, Tally()).add(tally)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return totals, per_repo


@dataclass
class Changes:
    """What a run changed against an earlier one, per repository and decision kind."""

    drops: int = 0
    gains: int = 0
    lines: list[str] = field(default_factory=list)


def compare(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """Drops (a kind's disagreements grew) and gains (they fell) on the repositories both runs scored, with
    the new disagreements of each drop, and a closing line with the agreement of both runs on those
    repositories."""
    changes = Changes()
    agreed = {"before": [0, 0], "after": [0, 0]}
    for repo in sorted(after):
        old, new = before.get(repo, {}).get("kinds"), after[repo].get("kinds")
        if old is None or new is None:
            continue
        for side, kinds in (("before", old), ("after", new)):
            agreed[side][0] += sum(kind["agree"] for kind in kinds.values())
            agreed[side][1] += sum(kind["total"] for kind in kinds.values())
        for kind, now in new.items():
            then = old.get(kind)
            if then is None:
                continue
            wrong_then, wrong_now = then["total"] - then["agree"], now["total"] - now["agree"]
            if (then["agree"], then["total"]) == (now["agree"], now["total"]):
                continue
            dropped = wrong_now > wrong_then
            changes.drops += dropped
            changes.gains += not dropped
            figures = f"{then['agree']}/{then['total']} -> {now['agree']}/{now['total']}"
            changes.lines.append(f"{'drop' if dropped else 'gain'} {repo} | {kind}: {figures}")
            if dropped:
                new_misses = sorted(set(now["misses"]) - set(then["misses"]))
                changes.lines += [f"    + {miss}" for miss in new_misses]
    (a, t), (a2, t2) = agreed["before"], agreed["after"]
    changes.lines.append(
        f"{changes.drops} drops, {changes.gains} gains against the earlier run; "
        f"on the repositories both scored: {a} / {t} -> {a2} / {t2}"
    )
    return changes


def table(totals: dict[str, Tally], repos: int) -> str:
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.1f}%"

    lines = [
        f"{repos} repositories",
        "| decision | agree / total | agreement | precision | recall |",
        "|---|---|---|---|---|",
    ]
    for name, tally in totals.items():
        s = tally.summary()
        counts = f"{s['agree']} / {s['total']}" if s["total"] else f"tp {s['tp']} fp {s['fp']} fn {s['fn']}"
        lines.append(
            f"| {name} | {counts} | {pct(s['agreement'])} | {pct(s['precision'])} | {pct(s['recall'])} |"
        )
    return "\n".join(lines)


def _plain(value: object) -> object:
    """JSON for the label dataclasses' sets and paths."""
    if isinstance(value, (set, frozenset)):
        return sorted((asdict(v) if is_dataclass(v) else v for v in value), key=str)  # type: ignore[arg-type]
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS, help="folder of label files")
    parser.add_argument(
        "--sources", type=Path, default=DEFAULT_SOURCES, help="folder of <owner>+<name> sources"
    )
    parser.add_argument("--repo", action="append", default=[], help="only this owner/name (repeatable)")
    parser.add_argument("--json", type=Path, help="write the full results here")
    parser.add_argument("--details", action="store_true", help="print every disagreement")
    parser.add_argument(
        "--repos-from", type=Path, help="only the owner/name listed in this file, one a line (as --repo)"
    )
    parser.add_argument(
        "--compare", type=Path, help="an earlier --json result: report drops and gains (exit 3 on a drop)"
    )
    parser.add_argument("--missing", action="store_true", help="list the labels whose source is absent")
    args = parser.parse_args(argv)
    try:
        labels = load_labels(args.labels)
    except LabelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    wanted = list(args.repo)
    if args.repos_from:
        lines = args.repos_from.read_text(encoding="utf-8").splitlines()
        wanted += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if wanted:
        labels = [label for label in labels if label.repo in wanted or label.name in wanted]
    if args.missing:
        for repo in sorted({label.repo for label in labels if not (args.sources / label.key).is_dir()}):
            print(repo)
        return 0
    totals, per_repo = run(labels, args.sources)
    scored = sum(1 for r in per_repo.values() if "kinds" in r)
    print(table(totals, scored))
    if args.details:
        for repo, result in per_repo.items():
            for kind, summary in result.get("kinds", {}).items():
                for miss in summary["misses"]:
                    print(f"{repo} | {kind} | {miss}")
    if args.json:
        payload = {
            "schema_version": SCHEMA_VERSION,
            "repositories": scored,
            "skipped": {
                r: v.get("skipped") or v.get("error") for r, v in per_repo.items() if "kinds" not in v
            },
            "totals": {name: t.summary() for name, t in totals.items()},
            "per_repository": per_repo,
            "labels": [asdict(label) | {"path": label.path.name} for label in labels],
        }
        args.json.write_text(json.dumps(payload, indent=2, default=_plain) + "\n", encoding="utf-8")
    if not scored:
        return 1
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))["per_repository"]
        changes = compare(before, per_repo)
        print("\n".join(changes.lines))
        return 3 if changes.drops else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
