"""A program in a Django app's folder that boots Django itself (`django.setup()` at module level, then
`update_or_create` from a CSV under `if __name__ == "__main__":`) is a stand-alone seeding script: Django's own
processes make that call for the app, so no module of the app does. In no layer, whatever its folder says
(docs/accuracy.md "The hundred-and-thirteenth and hundred-and-fourteenth sets' Python disagreements",
JackHillyer23/Web-Data-and-Services-Football-API). The same program without the call stays in the layers (its queries place it).
Small projects written for the tests."""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layers_of

SEED = """import csv
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
@SETUP@
from api.models import Team


def import_teams(path):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            Team.objects.update_or_create(id=int(row["id"]), defaults={"name": row["name"]})


if __name__ == "__main__":
    import_teams("teams.csv")
"""


def _files(setup: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\ndjangorestframework\n",
        "manage.py": (
            "import os\nimport sys\n\n"
            "if __name__ == '__main__':\n"
            "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
            "    from django.core.management import execute_from_command_line\n\n"
            "    execute_from_command_line(sys.argv)\n"
        ),
        "shop/__init__.py": "",
        "shop/settings.py": (
            "INSTALLED_APPS = ['rest_framework', 'api']\nROOT_URLCONF = 'shop.urls'\n"
            "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}\n"
        ),
        "shop/urls.py": "from django.urls import include, path\n\nurlpatterns = [path('api/', include('api.urls'))]\n",
        "api/__init__.py": "",
        "api/models.py": (
            "from django.db import models\n\n\nclass Team(models.Model):\n    name = models.CharField(max_length=50)\n"
        ),
        "api/views.py": (
            "from rest_framework import viewsets\n\nfrom api.models import Team\n\n\n"
            "class TeamViewSet(viewsets.ModelViewSet):\n    queryset = Team.objects.all()\n"
        ),
        "api/urls.py": (
            "from rest_framework.routers import DefaultRouter\n\nfrom api.views import TeamViewSet\n\n"
            "router = DefaultRouter()\nrouter.register('teams', TeamViewSet)\nurlpatterns = router.urls\n"
        ),
        "api/import_data.py": SEED.replace("@SETUP@", setup),
    }


def test_a_program_booting_django_itself_is_a_script(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files("django.setup()\n"))
    assert "api/import_data.py" not in layers_of(report)
    assert evidence_of(report)["api/import_data.py"] == "command-line script"
    assert layers_of(report)["api/views.py"] == "routes"


def test_a_program_not_booting_django_stays_in_the_layers(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files(""))
    assert layers_of(report)["api/import_data.py"] == "repositories"  # its queries decide, as before
