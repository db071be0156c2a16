"""Raw SQL a command-line script runs: a file the layers find to be a program run by hand that no module
imports (cdverify/detect/layers/programs.py: `fix_version.py` at the project's top, a seed a package.json
script runs, `postgrator.js` running the migrations at the project's top) holds SQL of the `scripts`
scope, as a scripts folder does, where it runs it — at module level, or anywhere in a file running as a
program (a `__main__` guard, a shebang, `process.argv`, a JS module calling a function by itself at module
level: `migrate();`); a data-access library only such scripts and their helpers import is theirs too. A
module of query functions nothing imports runs nothing by itself: its SQL stays the application's. The SQL
of the scripts' own helpers (modules only scripts import: `src/migrate.ts` of a `MigrationRunner` only the
migrate program uses) is the scripts', wherever in them it is."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.programs import runs_unexported
from cdverify.detect.orm.report import OrmReport
from cdverify.model import FileFacts

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph


def may_be_in_scripts(
    report: OrmReport,
    facts: Mapping[str, FileFacts],
    script_files: Collection[str],
    graph: ImportGraph | None = None,
) -> bool:
    """Whether a SQL site is in a file the layers' script rules can name: a Python module at the project's
    top, a JS module calling a function by itself or exporting nothing and making calls as it loads, a file
    running as a program of its own, a file a
    package.json script runs, or a module such a program or file imports (a helper of the scripts). Where
    none is, the layers need not be built for the ORM report."""
    paths = {item.file for item in (*report.raw_sql, *report.fragments)}
    paths |= {path for use in report.libraries.values() for path in use.files}  # a script's own library
    for path in paths:
        file_facts = facts.get(path)
        if file_facts is not None and (
            ("/" not in path and file_facts.language.family == "python")
            or bool(file_facts.runs)
            or file_facts.program
            or runs_unexported(file_facts)
            or path in script_files
        ):
            return True
    if graph is None:
        return False
    pending = [*script_files, *(path for path, file_facts in facts.items() if file_facts.program)]
    reached = set(pending)
    while pending:
        for edge in graph.imports_of(pending.pop()):
            target = edge.target
            if target is not None and target not in reached:
                if target in paths:
                    return True
                reached.add(target)
                pending.append(target)
    return False


def run_by_scripts(
    report: OrmReport,
    facts: Mapping[str, FileFacts],
    scripts: Collection[str],
    helpers: Collection[str] = (),
) -> OrmReport:
    """The report with the SQL that `scripts` run, and all the SQL of their `helpers`, in the `scripts`
    scope; a library only they import (`import sqlite3` in a hand-run loader beside an SQLAlchemy app) is
    theirs, not the application's."""
    sites: set[tuple[str, int]] = set()
    top_lines: dict[str, set[int]] = {}  # a script's lines holding a module-level call
    for item in (*report.raw_sql, *report.fragments):
        if item.file in helpers:
            sites.add((item.file, item.line))
            continue
        file_facts = facts.get(item.file)
        if item.file not in scripts or file_facts is None:
            continue
        if item.file not in top_lines:
            top_lines[item.file] = {
                line
                for call in file_facts.calls
                if not call.scope
                for line in (call.line, *(call.at or ())[:1])
            }
        if file_facts.program or file_facts.runs or item.line in top_lines[item.file]:
            sites.add((item.file, item.line))
    theirs = {*scripts, *helpers}
    kept = {
        name: use
        for name, use in report.libraries.items()
        if not use.files or not all(path in theirs for path in use.files)
    }
    if len(kept) < len(report.libraries):
        report = report._replace(libraries=kept)
    return report.in_scripts(sites)
