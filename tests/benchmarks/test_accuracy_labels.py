"""The hand labels of corpus/labels (schema in docs/accuracy.md) and the scoring of benchmarks/accuracy.py.

The labelled repositories' code is not in this project, so the benchmark itself runs locally; here the label
files are checked against their schema and against themselves, and the scoring runs on a small project built
in the test, through the real cdverify."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from benchmark_modules import load

accuracy = load("accuracy")
RANK = {"models": 0, "repositories": 1, "services": 2, "routes": 3}


@pytest.fixture(scope="module")
def labels() -> list:
    return accuracy.load_labels()


def test_every_framework_has_at_least_three_labelled_repositories(labels: list) -> None:
    counts = Counter(framework for label in labels for framework in label.frameworks)
    assert len(labels) >= 24
    assert all(counts[framework] >= 3 for framework in accuracy.FRAMEWORKS), counts
    assert len({(label.repo, label.root) for label in labels}) == len(labels)


def test_each_labelled_violation_joins_the_layers_its_kind_names(labels: list) -> None:
    for label in labels:
        for violation in label.violations:
            source, target = label.layer_of(violation.file), label.layer_of(violation.target)
            where = f"{label.path.name}: {violation.file}:{violation.line}"
            assert source in RANK and target in RANK, f"{where} joins {source} and {target}"
            if violation.kind == "upward":
                assert RANK[source] < RANK[target], where
            else:
                assert (source, target) == ("routes", "repositories"), where


def test_labelled_sql_sites_and_violations_lie_in_scored_application_files(labels: list) -> None:
    for label in labels:
        for path in [v.file for v in label.violations] + [s.file for s in label.raw_sql]:
            assert not accuracy._matches(label.exclude + label.unscored, path), f"{label.path.name}: {path}"


def test_globs_keep_single_stars_inside_one_folder() -> None:
    assert accuracy.glob_regex("**/x.py").match("x.py")
    assert accuracy.glob_regex("**/x.py").match("a/b/x.py")
    assert accuracy.glob_regex("src/*.ts").match("src/a.ts")
    assert not accuracy.glob_regex("src/*.ts").match("src/a/b.ts")
    assert accuracy.glob_regex("app/api/**").match("app/api/routes/users.py")
    assert not accuracy.glob_regex("app/api/**").match("app/apis.py")


def test_the_last_matching_rule_decides_and_ambiguous_files_are_not_scored(labels: list) -> None:
    cosmic = next(label for label in labels if label.repo == "cosmicpython/code")
    assert cosmic.layer_of("allocation/service_layer/handlers.py") == "services"
    assert cosmic.layer_of("allocation/service_layer/unit_of_work.py") is None  # ambiguous
    assert cosmic.layer_of("allocation/bootstrap.py") == "none"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


LABEL = """\
    schema_version = 1
    repo = "someone/tiny-flask"
    commit = "0123456789abcdef0123456789abcdef01234567"
    root = ""
    kind = "other"
    notes = "test project"

    [framework]
    serving = ["flask"]

    [[layer]]
    glob = "routes/**"
    layer = "routes"
    why = "blueprints"

    [[layer]]
    glob = "repositories/**"
    layer = "repositories"
    why = "sqlite queries"

    [[violation]]
    file = "routes/users.py"
    line = 2
    kind = "bypass"
    target = "repositories/users.py"

    [database]
    engines = ["sqlite"]
    harness = ["sqlite"]
    why = "sqlite3.connect"

    [orm]
    libraries = ["sqlite3"]

    [[raw_sql]]
    file = "repositories/users.py"
    line = 6
"""


def test_a_label_missing_its_commit_is_refused_with_the_file_named(tmp_path: Path) -> None:
    bad = _write(
        tmp_path,
        "someone+tiny-flask.toml",
        LABEL.replace('commit = "0123456789abcdef0123456789abcdef01234567"\n', ""),
    )
    with pytest.raises(accuracy.LabelError, match=r"someone\+tiny-flask.toml: missing key 'commit'"):
        accuracy.parse_label(bad)


def test_a_layer_outside_the_four_is_refused(tmp_path: Path) -> None:
    bad = _write(
        tmp_path, "someone+tiny-flask.toml", LABEL.replace('layer = "routes"', 'layer = "controllers"')
    )
    with pytest.raises(accuracy.LabelError, match="layer must be one of"):
        accuracy.parse_label(bad)


def _tiny_flask(sources: Path) -> None:
    """The labelled project of LABEL: a Flask blueprint importing a repository that runs one statement."""
    project = sources / "someone+tiny-flask"
    _write(project, "requirements.txt", "flask\n")
    _write(
        project,
        "app.py",
        """\
        from flask import Flask
        from routes.users import blueprint

        app = Flask(__name__)
        app.register_blueprint(blueprint)
        """,
    )
    _write(
        project,
        "routes/users.py",
        """\
        from flask import Blueprint, jsonify
        from repositories.users import all_users

        blueprint = Blueprint("users", __name__)


        @blueprint.get("/api/users")
        def users():
            return jsonify(all_users())
        """,
    )
    _write(
        project,
        "repositories/users.py",
        """\
        import sqlite3


        def all_users():
            with sqlite3.connect("app.db") as conn:
                return conn.execute("SELECT id, name FROM users").fetchall()
        """,
    )


def test_the_benchmark_scores_a_real_project_and_skips_a_missing_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels_dir, sources = tmp_path / "labels", tmp_path / "sources"
    _write(labels_dir, "someone+tiny-flask.toml", LABEL)
    _write(labels_dir, "someone+absent.toml", LABEL.replace("someone/tiny-flask", "someone/absent"))
    _tiny_flask(sources)
    out = tmp_path / "out.json"
    assert accuracy.main(["--labels", str(labels_dir), "--sources", str(sources), "--json", str(out)]) == 0
    captured = capsys.readouterr()
    assert "skip someone/absent: no source at" in captured.err
    result = json.loads(out.read_text())
    assert result["repositories"] == 1 and "someone/absent" in result["skipped"]
    kinds = result["per_repository"]["someone/tiny-flask"]["kinds"]
    assert kinds["framework"]["agreement"] == 1.0
    assert kinds["raw SQL sites"]["tp"] == 1 and kinds["raw SQL sites"]["fp"] == 0
    assert kinds["violations (imports)"]["tp"] == 1, kinds["violations (imports)"]["misses"]
    assert kinds["engines"]["agreement"] == 1.0
    assert "| framework | 1 / 1 | 100.0% |" in captured.out


def test_raw_sql_matching_is_one_to_one_within_the_slack() -> None:
    site = accuracy.SqlSite
    made = accuracy.Label(
        path=Path("x+y.toml"), repo="x/y", commit="0" * 40, root="", kind="other", frameworks=frozenset({"flask"}),
        layer_rules=(), exclude=(), unscored=(), violations=frozenset(), engines=frozenset(), harness=frozenset(),
        ignore_engines=frozenset(), libraries=frozenset(),
        raw_sql=(site("a.py", 10), site("a.py", 40, ambiguous="built from fragments")), raw_sql_unscored=("sql/*.sql",),
    )  # fmt: skip
    found = [
        {"file": "a.py", "line": 12},  # the labelled site, two lines lower (multi-line call)
        {"file": "a.py", "line": 13},  # a second report near the same site: false
        {"file": "a.py", "line": 41},  # near the ambiguous site: not scored
        {"file": "sql/q.sql", "line": 1},  # unscored file
        {"file": "a.py", "line": 90, "scope": "test"},  # not application code
    ]
    tally = accuracy.score_raw_sql(made, found)
    assert (tally.tp, tally.fp, tally.fn) == (1, 1, 0)
    assert tally.misses == ["false raw SQL a.py:13"]


def test_raw_sql_reported_in_an_unscored_file_is_not_scored() -> None:
    """`unscored` files are not scored at all: SQL cdverify reports in a left-over copy the label sets aside
    (`config/db.backup.js`) is neither a hit nor a false site, as `raw_sql_unscored` files are not."""
    made = accuracy.Label(
        path=Path("x+y.toml"), repo="x/y", commit="0" * 40, root="", kind="other", frameworks=frozenset(),
        layer_rules=(), exclude=(), unscored=("config/*.backup.js",), violations=frozenset(), engines=frozenset(),
        harness=frozenset(), ignore_engines=frozenset(), libraries=frozenset(),
        raw_sql=(accuracy.SqlSite("config/db.js", 5),), raw_sql_unscored=(),
    )  # fmt: skip
    found = [{"file": "config/db.js", "line": 5}, {"file": "config/db.backup.js", "line": 9}]
    tally = accuracy.score_raw_sql(made, found)
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 0)
    assert tally.misses == []


def test_violations_of_imports_erased_at_run_time_are_not_scored() -> None:
    """The labels hold the layers' run-time coupling: a finding cdverify marks `type_only` (`import type`, or
    an `import { … }` of names used only as types) is neither a hit nor a false violation."""
    made = accuracy.Label(
        path=Path("x+y.toml"), repo="x/y", commit="0" * 40, root="", kind="other", frameworks=frozenset(),
        layer_rules=(accuracy.LayerRule("routes/*", "routes", ""), accuracy.LayerRule("db/*", "repositories", "")),
        exclude=(), unscored=(),
        violations=frozenset({accuracy.Violation("routes/a.ts", 2, "bypass", "db/q.ts")}),
        engines=frozenset(), harness=frozenset(), ignore_engines=frozenset(), libraries=frozenset(), raw_sql=(), raw_sql_unscored=(),
    )  # fmt: skip
    found = [
        {"file": "routes/a.ts", "line": 2, "kind": "bypass", "target": "db/q.ts", "type_only": False},
        {"file": "routes/a.ts", "line": 1, "kind": "bypass", "target": "db/types.ts", "type_only": True},
        {"file": "routes/b.ts", "line": 1, "kind": "bypass", "target": "db/types.ts", "type_only": True},
    ]
    scored = accuracy.score_violations(made, found)
    imports, files = scored["violations (imports)"], scored["violations (files)"]
    assert (imports.tp, imports.fp, imports.fn) == (1, 0, 0)
    assert (files.tp, files.fp, files.fn) == (1, 0, 0)
    # the same erased import, were it a run-time one, is a false violation
    run_time = [{**item, "type_only": False} for item in found]
    imports = accuracy.score_violations(made, run_time)["violations (imports)"]
    assert (imports.tp, imports.fp, imports.fn) == (1, 2, 0)


def test_a_git_snapshot_keeps_a_file_the_commit_tracks_under_an_ignored_path(tmp_path: Path) -> None:
    """A commit may track a file its own `.gitignore` names (`db/` ignoring `src/db/store.js`, added before
    the rule or with `-f`): a clone has it, and cdverify reads what git lists in a work tree, so the snapshot
    the benchmark exports is a work tree whose index holds the commit's files."""
    import subprocess

    import cdverify

    repo = tmp_path / "sources" / "someone+tiny-flask" / "repo"
    _write(repo, ".gitignore", "db/\n")
    _write(repo, "src/db/store.js", 'const { Pool } = require("pg");\nmodule.exports = new Pool();\n')
    _write(repo, "src/app.js", 'const pool = require("./db/store");\n')
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A", "-f"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout
    label_file = _write(
        tmp_path,
        "someone+tiny-flask.toml",
        LABEL.replace("0123456789abcdef" * 2 + "01234567", commit.strip()),
    )
    root, how = accuracy.materialise(accuracy.parse_label(label_file), tmp_path / "sources", tmp_path / "out")
    assert root is not None and how == "git snapshot"
    files = {file.path for file in cdverify.inspect(root, use_cache=False).analysis.project.files}
    assert {"src/db/store.js", "src/app.js"} <= files


def _kind(agree: int, total: int, misses: tuple[str, ...] = ()) -> dict:  # type: ignore[type-arg]
    return {"agree": agree, "total": total, "misses": list(misses)}


def test_compare_reports_a_drop_with_its_new_disagreements_and_a_gain() -> None:
    before = {
        "a/one": {
            "kinds": {"layers": _kind(3, 4, ("x.py: labelled routes, found none",)), "engines": _kind(1, 1)}
        },
        "a/two": {"kinds": {"layers": _kind(2, 4, ("p", "q"))}},
        "a/gone": {"skipped": "no source"},
    }
    after = {
        "a/one": {
            "kinds": {
                "layers": _kind(4, 4),
                "engines": _kind(0, 1, ("engines: labelled [sqlite], found []",)),
            }
        },
        "a/two": {"kinds": {"layers": _kind(2, 4, ("p", "q"))}},
        "a/new": {"kinds": {"layers": _kind(0, 9)}},  # scored only now: not compared
    }
    changes = accuracy.compare(before, after)
    assert (changes.drops, changes.gains) == (1, 1)
    assert "drop a/one | engines: 1/1 -> 0/1" in changes.lines
    assert "    + engines: labelled [sqlite], found []" in changes.lines
    assert "gain a/one | layers: 3/4 -> 4/4" in changes.lines
    assert changes.lines[-1].endswith("on the repositories both scored: 6 / 9 -> 6 / 9")


def test_missing_lists_the_labels_without_a_source_and_scores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels_dir, sources = tmp_path / "labels", tmp_path / "sources"
    _write(labels_dir, "someone+tiny-flask.toml", LABEL)
    _write(labels_dir, "someone+absent.toml", LABEL.replace("someone/tiny-flask", "someone/absent"))
    (sources / "someone+tiny-flask").mkdir(parents=True)
    assert accuracy.main(["--labels", str(labels_dir), "--sources", str(sources), "--missing"]) == 0
    assert capsys.readouterr().out.split() == ["someone/absent"]


def test_compare_exits_3_when_a_decision_dropped_against_the_earlier_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels_dir, sources = tmp_path / "labels", tmp_path / "sources"
    _write(labels_dir, "someone+tiny-flask.toml", LABEL)
    _tiny_flask(sources)
    earlier = tmp_path / "earlier.json"
    args = ["--labels", str(labels_dir), "--sources", str(sources)]
    assert accuracy.main([*args, "--json", str(earlier)]) == 0
    assert accuracy.main([*args, "--compare", str(earlier)]) == 0  # the same decisions: no drop
    # the same code scored against a label saying MySQL: the engine decision now disagrees
    _write(
        labels_dir, "someone+tiny-flask.toml", LABEL.replace('engines = ["sqlite"]', 'engines = ["mysql"]')
    )
    capsys.readouterr()
    assert accuracy.main([*args, "--compare", str(earlier)]) == 3
    out = capsys.readouterr().out
    assert "drop someone/tiny-flask | engines: 1/1 -> 0/1" in out
    assert out.rstrip().endswith("on the repositories both scored: 12 / 12 -> 11 / 12")
