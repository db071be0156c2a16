"""Python patterns of issue 18 met in the eighth unseen set (docs/accuracy.md "The eighth set's Python patterns
(session 2026-12-05 (6))"), each with a violating (or missed) case and a clean one, on small projects written for
the tests:

- Django function views outside `views.py`: a module whose functions a URL conf routes to (`url(r"^index$",
  board.index)` after `from . import board`, `path("login/", log_in)` after `from .pages import log_in`) handles
  requests, whatever its name or folder — a Python 2 one too (print statements, `except Exception, e`); a module
  the URL conf imports but routes nothing to, and a URL conf mounted with `include(…)`, do not.
"""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "board.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
SETTINGS = """ROOT_URLCONF = "board.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "board", "HOST": "localhost"}}
"""
URLS = """from django.conf.urls import include, url
from django.urls import path

from . import notices, helpers
from .pages import log_in

urlpatterns = [
    url(r"^index$", notices.index),
    url(r"^detail$", notices.detail),
    path("login/", log_in),
    path("api/", include("board.api.urls")),
    url(r"^static/(?P<path>.*)$", "django.views.static.serve"),
]
"""
NOTICES = """import json

from django.db import connections
from django.http import HttpResponse


def index(request):
    cursor = connections["default"].cursor()
    cursor.execute("SELECT id, title FROM notice")
    rows = cursor.fetchall()
    return HttpResponse(json.dumps(rows), content_type="application/json")


def detail(request):
    cursor = connections["default"].cursor()
    cursor.execute("SELECT body FROM notice WHERE id = %s", (request.GET["id"],))
    return HttpResponse(json.dumps(cursor.fetchone()))
"""
NOTICES_PY2 = """# -*- coding: UTF-8 -*-
import json

from django.db import connections
from django.http import HttpResponse


def index(request):
	cursor = connections['default'].cursor()
	cursor.execute("select id, title from notice")
	print "listed"
	return HttpResponse(json.dumps(cursor.fetchall()))


def detail(request):
    try:
        cursor = connections['default'].cursor()
        cursor.execute("select body from notice where id = %s", (request.GET['id'],))
    except Exception, e:
        print e
    return HttpResponse(json.dumps(cursor.fetchone()))
"""
LOG_IN = """from django.http import JsonResponse


def log_in(request):
    return JsonResponse({"user": request.GET.get("code")})
"""
HELPERS = """def index(items):
    return {item["id"]: item for item in items}
"""
API_URLS = """from django.urls import path

urlpatterns = []
"""


def _board(notices: str = NOTICES, **more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\nmysqlclient\n",
        "manage.py": MANAGE,
        "board/__init__.py": "",
        "board/settings.py": SETTINGS,
        "board/urls.py": URLS,
        "board/notices.py": notices,
        "board/helpers.py": HELPERS,
        "board/pages/__init__.py": "",
        "board/pages/log_in.py": LOG_IN,
        "board/api/__init__.py": "",
        "board/api/urls.py": API_URLS,
        **more,
    }


def test_function_views_a_url_conf_routes_to_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _board())
    layers, evidence = layers_of(report), evidence_of(report)
    assert layers["board/notices.py"] == "routes"  # `notices.index`, a module read by its name
    assert evidence["board/notices.py"] == "code: routes"
    assert layers["board/pages/log_in.py"] == "routes"  # `log_in`, a function imported by name
    assert layers["board/urls.py"] == "routes"
    assert layer_violations(report) == []


def test_a_python_2_view_module_is_routed_too(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _board(NOTICES_PY2))
    assert layers_of(report)["board/notices.py"] == "routes"
    sql = {(item["file"], item["line"]) for item in report["orm"]["raw_sql"]}
    assert {("board/notices.py", 10), ("board/notices.py", 18)} <= sql


def test_modules_the_url_conf_routes_nothing_to_get_no_routes_layer(make_project: MakeProject) -> None:
    # `helpers` is imported and defines an `index`, but the routes read `notices.index`; the mounted URL conf
    # (`include("board.api.urls")`) and the string view `django.views.static.serve` hand no module
    layers = layers_of(inspect_json(make_project, _board()))
    assert "board/helpers.py" not in layers
    assert "board/settings.py" not in layers


def test_a_routed_view_importing_the_data_access_is_a_bypass(make_project: MakeProject) -> None:
    notices = NOTICES.replace(
        "from django.http import HttpResponse\n",
        "from django.http import HttpResponse\n\nfrom board.repositories import notice_repository\n",
    )
    files = _board(
        notices,
        **{
            "board/repositories/__init__.py": "",
            "board/repositories/notice_repository.py": "from django.db import connections\n\n\n"
            "def titles():\n    cursor = connections['default'].cursor()\n"
            "    cursor.execute('SELECT title FROM notice')\n    return cursor.fetchall()\n",
        },
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["board/notices.py"] == "routes"
    assert layer_violations(report) == [
        ("bypass", "board/notices.py", "board/repositories/notice_repository.py")
    ]
