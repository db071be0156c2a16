"""Files a runtime of the paper's harness puts beside the application, written into the copy `evaluate` (and
`grade --run-tests`, which always serves runs as the paper's harness does) starts, so that the behaviour run
sees the environment the static verdict assumed.

The paper's express runtime copies its `.env.development` (the task's database settings and a JWT secret)
into the repository the app is built in; an application that declares express and loads that file by name
sees those variables in the paper's harness (rules/database/connections.toml `paper_runtime_files`), and
the database constraint is judged so. A copy started without the file would run another application: one
that, say, stops at start-up for want of `JWT_SECRET`, or falls back to SQLite. So when the constraint is
judged in the paper's harness and the application loads a runtime's file, `evaluate` writes it into the
copy: the runtime's variables first, then the project's own lines of a file of that name (which the static
verdict lets win, as dotenv does with a later line). The run's own database variables, set in the server's
environment, still win over both: dotenv leaves a variable that is set alone."""

from __future__ import annotations

from pathlib import Path

from cdverify.catalog import load_rules
from cdverify.detect.database import DatabaseReport
from cdverify.files import NotReadable, read_regular
from cdverify.rules_schema import Connections

_MAX_BYTES = 1 << 20  # a dotenv file bigger than this is no settings file


def paper_runtime_files(report: DatabaseReport, project: Path) -> tuple[tuple[str, str], ...]:
    """(file name, text) of each runtime file the application loads in the paper's harness (the database
    report's `paper_runtime`), for the copy's root."""
    seen = dict(report.paper_runtime)
    out = []
    for runtime in load_rules(Connections).paper_runtime_files:
        if not runtime.variables or any(seen.get(key) != value for key, value in runtime.variables.items()):
            continue  # the application does not load this runtime's file
        lines = [f"# written by cdverify evaluate: the paper's harness puts {runtime.file} beside the app"]
        lines += [f"{key}={value}" for key, value in runtime.variables.items()]
        try:  # the one untrusting reader: no FIFO, device or link is opened, nothing past the bound read
            own = read_regular(project / runtime.file, _MAX_BYTES, follow_symlinks=False, track=False)
        except NotReadable:
            own = None
        if own is not None:
            lines += ["# the project's own lines", own.decode("utf-8", "replace").rstrip("\n")]
        out.append((runtime.file, "\n".join(lines) + "\n"))
    return tuple(out)
