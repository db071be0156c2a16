"""Raw SQL a command-line script runs: a file the layers find to be a program run by hand that no module
imports (cdverify/detect/layers/wiring.py: `fix_version.py` at the project's top, a seed a package.json
script runs, `postgrator.js` running the migrations at the project's top) holds SQL of the `scripts`
scope, as a scripts folder does, where it runs it — at module level, or anywhere in a file running as a
program (a `__main__` guard, a shebang, `process.argv`, a JS module calling a function by itself at module
level: `migrate();`). A module of query functions nothing imports runs nothing by itself: its SQL stays
the application's."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cdverify.detect.orm.report import OrmReport
from cdverify.model import FileFacts


def may_be_in_scripts(
    report: OrmReport, facts: Mapping[str, FileFacts], script_files: Collection[str]
) -> bool:
    """Whether a SQL site is in a file the layers' script rules can name: a Python module at the project's
    top, a JS module there calling a function by itself, a file running as a program of its own, a file a
    package.json script runs. Where none is, the
    layers need not be built for the ORM report."""
    for path in {item.file for item in (*report.raw_sql, *report.fragments)}:
        file_facts = facts.get(path)
        if file_facts is not None and (
            ("/" not in path and (file_facts.language.family == "python" or bool(file_facts.runs)))
            or file_facts.program
            or path in script_files
        ):
            return True
    return False


def run_by_scripts(report: OrmReport, facts: Mapping[str, FileFacts], scripts: Collection[str]) -> OrmReport:
    """The report with the SQL that `scripts` run in the `scripts` scope."""
    sites: set[tuple[str, int]] = set()
    top_lines: dict[str, set[int]] = {}  # a script's lines holding a module-level call
    for item in (*report.raw_sql, *report.fragments):
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
    return report.in_scripts(sites)
