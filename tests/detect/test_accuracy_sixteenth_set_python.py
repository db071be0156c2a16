"""Python patterns of the sixteenth unseen labelled set (issue 18, docs/accuracy.md "The sixteenth set's Python
patterns"), each with a violating and a clean project written for the test:

- a Django URLconf whose entries all mount other URLconfs (`path("", include("board.urls"))`) is the routes
  layer, as any URLconf is, though it registers no route of its own; the mount stays a prefix, no route;
- the SDK of a document or table store used directly for the app's data (Azure Table Storage, Cosmos DB,
  DynamoDB, Firestore) is a data-access library of kind driver: ORM003 beside the required ORM. A cache
  (Redis), the general-purpose AWS SDK alone and an import of the SDK's exceptions only are not.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, findings_of, inspect_json, only

MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
SETTINGS = """INSTALLED_APPS = ["django.contrib.staticfiles", "board"]
ROOT_URLCONF = "site_conf.urls"
"""
ROOT_URLS = """from django.urls import include, path

urlpatterns = [
    path("", include("board.urls")),
    path("api/", include(("board.api_urls", "api"), namespace="api")),
]
"""
BOARD_URLS = """from django.urls import path

from board import views

urlpatterns = [path("", views.index, name="index"), path("notes/<int:pk>/", views.note, name="note")]
"""
API_URLS = """from django.urls import path

from board import views

urlpatterns = [path("notes/", views.notes, name="notes")]
"""
VIEWS = """from django.http import HttpResponse, JsonResponse

NOTES = ["first", "second"]


def index(request):
    return HttpResponse("<ul>" + "".join(f"<li>{n}</li>" for n in NOTES) + "</ul>")


def note(request, pk):
    return HttpResponse(NOTES[pk])


def notes(request):
    return JsonResponse({"notes": NOTES})
"""


def _board(root_urls: str = ROOT_URLS) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django==4.2\n",
        "manage.py": MANAGE,
        "site_conf/__init__.py": "",
        "site_conf/settings.py": SETTINGS,
        "site_conf/urls.py": root_urls,
        "board/__init__.py": "",
        "board/urls.py": BOARD_URLS,
        "board/api_urls.py": API_URLS,
        "board/views.py": VIEWS,
    }


def test_a_urlconf_that_only_includes_others_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _board())
    files = report["architecture"]["files"]
    assert files["site_conf/urls.py"] == "routes"
    assert report["architecture"]["evidence"]["site_conf/urls.py"] == "code: routes"
    assert files["board/urls.py"] == files["board/api_urls.py"] == files["board/views.py"] == "routes"
    evidence = [(e["kind"], e["file"], e["line"]) for e in report["framework"]["evidence"]]
    assert ("routes", "site_conf/urls.py", 4) in evidence
    assert ("routes", "site_conf/urls.py", 5) in evidence


def test_an_include_stays_a_prefix_and_registers_no_route(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _board())
    routes = sorted((r["file"], r["path"]) for r in report["framework"]["routes"])
    assert routes == [
        ("board/api_urls.py", "notes/"),
        ("board/urls.py", ""),
        ("board/urls.py", "notes/<int:pk>/"),
    ]
    assert "api/" in report["framework"]["prefixes"]


def test_a_module_naming_a_urlconf_without_mounting_it_is_no_routes(make_project: MakeProject) -> None:
    # the settings name the root URLconf as a string, and a helper builds the include nobody puts in a path():
    # neither maps a URL, so neither is routes
    files = _board()
    files["site_conf/mounts.py"] = 'from django.urls import include\n\nBOARD = include("board.urls")\n'
    report = inspect_json(make_project, files)
    assert "site_conf/settings.py" not in report["architecture"]["files"]
    assert "site_conf/mounts.py" not in report["architecture"]["files"]
    assert ("routes", "site_conf/mounts.py") not in {
        (e["kind"], e["file"]) for e in report["framework"]["evidence"]
    }


# -- document and table stores ----------------------------------------------------------------------------

SA_DB = """from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///notes.db")
Session = sessionmaker(bind=engine)
"""
SA_MODELS = """from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
"""
SA_REPOSITORY = """from sqlalchemy import select

from notes.db import Session
from notes.models import Note


def all_notes() -> list[Note]:
    with Session() as session:
        return list(session.scalars(select(Note)))
"""
STORES_PY = {
    "azure-data-tables": (
        "from azure.data.tables import TableServiceClient\n\n\n"
        "def archived(connection: str) -> list[dict]:\n"
        '    table = TableServiceClient.from_connection_string(connection).get_table_client("archive")\n'
        "    return list(table.query_entities(\"PartitionKey eq 'notes'\"))\n",
        "azure.data.tables",
    ),
    "azure-cosmos": (
        "from azure.cosmos import CosmosClient\n\n\n"
        "def archived(url: str, key: str) -> list[dict]:\n"
        '    container = CosmosClient(url, key).get_database_client("notes").get_container_client("archive")\n'
        "    return list(container.read_all_items())\n",
        "azure.cosmos",
    ),
    "dynamodb": (
        "from boto3.dynamodb.conditions import Key\n\n\n"
        "def archived(table) -> list[dict]:\n"
        '    return table.query(KeyConditionExpression=Key("kind").eq("note"))["Items"]\n',
        "boto3.dynamodb.conditions",
    ),
    "firestore": (
        "from google.cloud import firestore\n\n\n"
        "def archived() -> list[dict]:\n"
        '    return [doc.to_dict() for doc in firestore.Client().collection("archive").stream()]\n',
        "google.cloud.firestore",
    ),
}


def _notes(archive: str, requirement: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": f"sqlalchemy==2.0.31\n{requirement}\n",
        "notes/__init__.py": "",
        "notes/db.py": SA_DB,
        "notes/models.py": SA_MODELS,
        "notes/repository.py": SA_REPOSITORY,
        "notes/archive.py": archive,
    }


@pytest.mark.parametrize("library", sorted(STORES_PY))
def test_a_store_sdk_beside_the_orm_is_orm003(make_project: MakeProject, library: str) -> None:
    source, module = STORES_PY[library]
    report = check(make_project, _notes(source, library), "sqlite+sqlalchemy")
    assert findings_of(report, "ORM003") == [("ORM003", "notes/archive.py", 1)]
    orm003 = only(report, "ORM003")
    assert (orm003["library"], orm003["kind"]) == (library, "driver")
    assert f"a raw database driver, {module}, beside sqlalchemy" in orm003["message"]
    assert report["orm"]["libraries"] == ["sqlalchemy", library]


@pytest.mark.parametrize(
    ("archive", "requirement"),
    [
        pytest.param(
            "import redis\n\ncache = redis.Redis()\n\n\ndef remember(key: str, text: str) -> None:\n"
            "    cache.set(key, text)\n",
            "redis",
            id="redis-cache",
        ),
        pytest.param(
            'import boto3\n\n\ndef upload(path: str) -> None:\n    boto3.client("s3").upload_file(path, "bucket", path)\n',
            "boto3",
            id="boto3-s3",
        ),
        pytest.param(
            "from azure.cosmos.exceptions import CosmosResourceNotFoundError\n\n\n"
            "def missing(error: Exception) -> bool:\n    return isinstance(error, CosmosResourceNotFoundError)\n",
            "azure-cosmos",
            id="cosmos-errors-only",
        ),
    ],
)
def test_a_cache_or_a_general_sdk_beside_the_orm_is_no_orm003(
    make_project: MakeProject, archive: str, requirement: str
) -> None:
    report = check(make_project, _notes(archive, requirement), "sqlite+sqlalchemy")
    assert findings_of(report, "ORM003") == []
    assert report["orm"]["libraries"] == ["sqlalchemy"]


SEQ_DB = """const { Sequelize } = require("sequelize");

module.exports = new Sequelize("sqlite::memory:");
"""
SEQ_MODEL = """const { DataTypes } = require("sequelize");
const sequelize = require("../db");

module.exports = sequelize.define("Note", { text: DataTypes.STRING });
"""
STORES_JS = {
    "azure-data-tables": '"@azure/data-tables"',
    "azure-cosmos": '"@azure/cosmos"',
    "dynamodb": '"@aws-sdk/lib-dynamodb"',
    "firestore": '"@google-cloud/firestore"',
}


@pytest.mark.parametrize("library", sorted(STORES_JS))
def test_a_store_package_beside_sequelize_is_orm003(make_project: MakeProject, library: str) -> None:
    package = STORES_JS[library]
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "notes", "dependencies": {"sequelize": "6.37.3", "sqlite3": "5.1.7", '
        f'{package}: "1.0.0"}}}}\n',
        "src/db.js": SEQ_DB,
        "src/models/note.js": SEQ_MODEL,
        "src/archive.js": f"const store = require({package});\n\nmodule.exports = store;\n",
    }
    report = check(make_project, files, "sqlite+sequelize")
    assert findings_of(report, "ORM003") == [("ORM003", "src/archive.js", 1)]
    assert (only(report, "ORM003")["library"], only(report, "ORM003")["kind"]) == (library, "driver")
