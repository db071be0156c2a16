"""Wall time of `cdverify check` on one huge raw-SQL string, 50 KB to 1 MB (issue 15).

    python benchmarks/bench_sql_size.py                        # this checkout
    python benchmarks/bench_sql_size.py --code /work/main      # another checkout (e.g. before a change)
    python benchmarks/bench_sql_size.py --timeout 120 --sizes 50,100,200

Each row is a project of one file holding one string of the given size, handed to a raw-SQL sink, next
to a small statement that must still be reported:

- `js-statements`: `sequelize.query(`SELECT x; SELECT x; …`)`: statements with no FROM, the shape whose
  prefilter search from every `;` was quadratic;
- `js-values`: `sequelize.query(`INSERT INTO users (id, name) VALUES (0, 'n0'), …`)`: one statement;
- `py-values`: the same INSERT in Python, `cursor.execute("…")`.

Each run is `python -m cdverify check PROJECT -c sqlite+ORM --no-cache -j 1` in a child process; wall
is spawn → reap, peak RSS the child's `ru_maxrss`. A run past `--timeout` is killed and shown as `>T`.
Sizes over 1 MiB are not possible: such a source file is skipped (DISC002).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = ("js-statements", "js-values", "py-values")


def statement(shape: str, size: int) -> str:
    if shape == "js-statements":
        return ("SELECT x; " * (size // 10 + 1))[:size]
    rows = ", ".join(f"({i}, 'n{i}')" for i in range(size // 10))
    return f"INSERT INTO users (id, name) VALUES {rows}"[:size].rsplit("),", 1)[0] + ")"


def write_project(root: Path, shape: str, size: int) -> tuple[str, str]:
    """The project and its constraints."""
    sql = statement(shape, size)
    if shape.startswith("js"):
        (root / "src").mkdir(parents=True)
        (root / "package.json").write_text('{"name": "big", "dependencies": {"sequelize": "6"}}')
        (root / "src" / "app.js").write_text(
            "const { Sequelize } = require('sequelize');\n"
            "const sequelize = new Sequelize('sqlite::memory:');\n"
            f"async function f() {{\n  await sequelize.query(`{sql}`);\n"
            "  return sequelize.query('SELECT id FROM accounts');\n}\nmodule.exports = f;\n"
        )
        return str(root), "sqlite+sequelize"
    (root / "app").mkdir(parents=True)
    (root / "app" / "db.py").write_text(
        f'def f(cursor):\n    cursor.execute("{sql}")\n    cursor.execute("SELECT id FROM accounts")\n'
    )
    return str(root), "sqlite+sqlalchemy"


def run(code: Path, project: str, constraints: str, timeout: float) -> tuple[float | None, float]:
    command = [sys.executable, "-m", "cdverify", "check", project, "-c", constraints, "--no-cache", "-j", "1"]
    environment = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, cwd=code
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return time.perf_counter() - started, usage.ru_maxrss / 1024
        if time.perf_counter() > deadline:
            process.kill()
            _, _, usage = os.wait4(process.pid, 0)
            return None, usage.ru_maxrss / 1024
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--sizes", default="50,100,200,500,900,1000", help="KB, comma-separated")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    sizes = [int(kb) * 1000 for kb in args.sizes.split(",")]
    print(f"code: {args.code}")
    print(f"| shape | {' | '.join(f'{s // 1000} KB' for s in sizes)} |")
    print(f"|---|{'---:|' * len(sizes)}")
    for shape in args.shapes.split(","):
        cells = []
        for size in sizes:
            with tempfile.TemporaryDirectory() as folder:
                project, constraints = write_project(Path(folder) / "p", shape, size)
                wall, rss = run(args.code, project, constraints, args.timeout)
            cells.append(f">{args.timeout:.0f} s" if wall is None else f"{wall:.2f} s, {rss:.0f} MB")
        print(f"| {shape} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
