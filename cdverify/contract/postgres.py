"""A throwaway PostgreSQL cluster on a free loopback port, from the server binaries Debian installs.

Used by `cdverify contract serve --database postgres` (a fresh database for every run) and by the test
suite. Durability is off (fsync, synchronous_commit, full_page_writes): nothing here survives the run.
Under root, initdb refuses to run, so the cluster then belongs to the `postgres` system user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The paper's docker-compose credentials and database name.
PG_USER = "user"
PG_PASSWORD = "password"
PG_DATABASE = "conduit"


class PostgresError(RuntimeError):
    """PostgreSQL could not be found or started; the message says what to do."""


def find_bin_dir() -> Path:
    """The newest PostgreSQL server installed by Debian's packages (or on PATH)."""
    candidates = [path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()]
    if candidates:
        return max(candidates, key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else -1)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH: "
        "install them (Debian: apt-get install postgresql)"
    )


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise PostgresError(
            f"`{' '.join(command)}` failed with exit code {result.returncode}:\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return result.stdout


@dataclass(frozen=True)
class PostgresCluster:
    """A cluster in `root`, serving TCP on 127.0.0.1:`port` and a Unix socket in `root`."""

    bin_dir: Path
    root: Path
    port: int

    @classmethod
    def create(cls, port: int) -> PostgresCluster:
        from cdverify.contract.processes import claim

        return cls(find_bin_dir(), claim(Path(tempfile.mkdtemp(prefix="cdverify-pg-"))), port)

    @property
    def socket(self) -> Path:
        """The server's Unix socket (a server in another network namespace is bridged to it)."""
        return self.root / f".s.PGSQL.{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def command(self, tool: str, *args: str) -> list[str]:
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return [*run_as, str(self.bin_dir / tool), *args]

    def superuser_command(self, tool: str, *args: str) -> list[str]:
        """A client tool connected as the superuser over the cluster's Unix socket."""
        return self.command(tool, "-h", str(self.root), "-p", str(self.port), "-U", "postgres", *args)

    def start(self, mark: str | None = None) -> None:
        """initdb, then the server; `mark` (processes.py) goes into the server's environment, so that the
        cluster of a cdverify that was killed is found and stopped by the next one."""
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        initdb = ["-D", str(self.data_dir), "-U", "postgres", "--encoding=UTF8", "--no-locale"]
        _run(self.command("initdb", *initdb, "--auth-local=trust", "--auth-host=scram-sha-256"), self.root)
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.root / "server.log")
        from cdverify.contract.processes import marked_environment

        _run(
            self.command("pg_ctl", "-D", str(self.data_dir), "-l", log, "-o", options, "-w", "start"),
            self.root,
            None if mark is None else marked_environment(mark),
        )
        create_role = f"CREATE ROLE \"{PG_USER}\" LOGIN CREATEDB PASSWORD '{PG_PASSWORD}'"
        _run(
            self.superuser_command("psql", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", create_role),
            self.root,
        )

    def create_database(self, name: str = PG_DATABASE, template: str | None = None) -> str:
        """A new database owned by the paper's user (a copy of `template` when given, which is far cheaper
        than a cluster); its libpq / SQLAlchemy URL."""
        copy = ["-T", template] if template else []
        _run(self.superuser_command("createdb", "-O", PG_USER, *copy, name), self.root)
        return f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{self.port}/{name}"

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending the sessions still connected to it (a killed server may leave some)."""
        _run(self.superuser_command("dropdb", "--force", "--if-exists", name), self.root)

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """A database of its own for one run, made from the cluster's empty `conduit` template and dropped
        after the run: runs side by side on one cluster never see each other's data."""
        name = f"run_{uuid.uuid4().hex[:16]}"
        self.create_database(name, template=PG_DATABASE)
        try:
            yield name
        finally:
            with contextlib.suppress(PostgresError):
                self.drop_database(name)

    def environment(self, database: str = PG_DATABASE) -> dict[str, str]:
        """What an application reads to reach the database: DATABASE_URL, libpq's PG*, and common aliases."""
        port = str(self.port)
        return {
            "DATABASE_URL": f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{port}/{database}",
            "PGHOST": "127.0.0.1",
            "PGPORT": port,
            "PGUSER": PG_USER,
            "PGPASSWORD": PG_PASSWORD,
            "PGDATABASE": database,
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": port,
            "POSTGRES_USER": PG_USER,
            "POSTGRES_PASSWORD": PG_PASSWORD,
            "POSTGRES_DB": database,
            "DB_HOST": "127.0.0.1",
            "DB_PORT": port,
            "DB_USER": PG_USER,
            "DB_PASSWORD": PG_PASSWORD,
            "DB_NAME": database,
        }

    def stop(self) -> None:
        """Stop the server if it runs (a no-op otherwise)."""
        stop = self.command("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        subprocess.run(stop, cwd=self.root, capture_output=True, check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
