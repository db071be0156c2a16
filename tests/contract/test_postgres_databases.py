"""One PostgreSQL cluster, a database of its own per run: made from the empty template, dropped after, and
invisible to the runs beside it. A real cluster (Debian's server binaries)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from tools import require_postgres

from cdverify.contract.postgres import PostgresCluster, PostgresError
from cdverify.contract.server import free_port

pytestmark = pytest.mark.integration  # a real PostgreSQL cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    require_postgres()
    try:
        made = PostgresCluster.create(free_port())
    except PostgresError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        made.start()
        made.create_database()  # the empty `conduit` database every run's database is copied from
        yield made
    finally:
        made.remove()


def _sql(cluster: PostgresCluster, database: str, statement: str) -> str:
    command = cluster.superuser_command(
        "psql", "-v", "ON_ERROR_STOP=1", "-At", "-d", database, "-c", statement
    )
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _databases(cluster: PostgresCluster) -> set[str]:
    return set(_sql(cluster, "postgres", "SELECT datname FROM pg_database").split())


def test_each_run_gets_its_own_database_and_it_is_dropped_after(cluster: PostgresCluster) -> None:
    with cluster.fresh_database() as first, cluster.fresh_database() as second:
        assert first != second and {first, second} <= _databases(cluster)
        assert (
            _sql(
                cluster,
                first,
                f"SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{first}'",
            )
            == "user"
        )
        _sql(cluster, first, "CREATE TABLE users (name text); INSERT INTO users VALUES ('jake')")
        # the run beside it sees nothing of it
        assert _sql(cluster, second, "SELECT count(*) FROM pg_tables WHERE tablename = 'users'") == "0"
    assert not {first, second} & _databases(cluster)
    assert "conduit" in _databases(cluster)  # the template stays, empty
    assert _sql(cluster, "conduit", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"


def test_a_database_still_in_use_is_dropped_anyway(cluster: PostgresCluster) -> None:
    with cluster.fresh_database() as name:
        # a session a killed server left open
        holder = subprocess.Popen(
            cluster.superuser_command("psql", "-d", name, "-c", "SELECT pg_sleep(60)"),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        sessions = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'"
        deadline = time.monotonic() + 10
        while _sql(cluster, "postgres", sessions) == "0" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _sql(cluster, "postgres", sessions) == "1"
    assert holder.wait(timeout=30) != 0  # its session was ended by the drop
    assert name not in _databases(cluster)
