"""Two patterns of the ninety-seventh set (issue 18): a database's connection settings whose port reads a
variable named for that database (`{"port": int(os.getenv("MYSQL_PORT", "3306"))}`) are that server's, not the
web server's port, so the module holding them starts no app and is no composition root; and an InfluxDB client
(`InfluxDBClient(url=…)`, a time-series database) makes the module holding it data access
(rules/architecture/clean_architecture.toml `[roles.clients]`)."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

MAIN = """from fastapi import FastAPI

from app.routers import readings

app = FastAPI()
app.include_router(readings.router)
"""
ROUTER = """from fastapi import APIRouter

from app.tools.{module} import recent

router = APIRouter()


@router.get("/readings")
async def list_readings():
    return await recent()
"""
MYSQL = """import os

import aiomysql

_PARAMS = {{
    "host": os.getenv("MYSQL_HOST", "localhost"),
    "port": int(os.getenv("{variable}", "3306")),
    "db": "sensors",
}}


async def recent():
    pool = await aiomysql.create_pool(**_PARAMS)
    async with pool.acquire() as conn:
        async with conn.cursor() as cur:
            await cur.execute("SELECT * FROM readings")
            return await cur.fetchall()
"""
INFLUX = """import os

from influxdb_client import InfluxDBClient

_client = InfluxDBClient(url=os.getenv("INFLUXDB_URL", "http://localhost:8086"), token="dev", org="lab")


async def recent():
    return _client.query_api().query('from(bucket: "sensors") |> range(start: -1h)')
"""


def _report(make_project: MakeProject, module: str, source: str) -> dict[str, object]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\naiomysql\ninfluxdb-client\n",
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/routers/__init__.py": "",
        "app/routers/readings.py": ROUTER.format(module=module),
        "app/tools/__init__.py": "",
        f"app/tools/{module}.py": source,
    }
    return inspect_json(make_project, files)


def test_a_port_read_from_a_database_variable_is_the_databases(make_project: MakeProject) -> None:
    report = _report(make_project, "mysql_client", MYSQL.format(variable="MYSQL_PORT"))
    assert report["architecture"]["composition_roots"] == ["app/main.py"]
    assert _layers(report)["app/tools/mysql_client.py"] == "repositories"
    assert ("bypass", "app/routers/readings.py", "app/tools/mysql_client.py") in _violations(report)


def test_a_port_read_from_the_web_servers_variable_stays_the_apps(make_project: MakeProject) -> None:
    """`{"port": int(os.getenv("PORT", "3306"))}` names no database: the module may be the server's settings."""
    report = _report(make_project, "mysql_client", MYSQL.format(variable="PORT"))
    assert "app/tools/mysql_client.py" in report["architecture"]["composition_roots"]


def test_an_influxdb_client_makes_its_module_data_access(make_project: MakeProject) -> None:
    report = _report(make_project, "influx_client", INFLUX)
    assert _layers(report)["app/tools/influx_client.py"] == "repositories"
    assert ("bypass", "app/routers/readings.py", "app/tools/influx_client.py") in _violations(report)
