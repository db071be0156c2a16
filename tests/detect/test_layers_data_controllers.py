"""A Python `controllers/` folder of data access (issue 18, the fiftieth set): a Django app split into
views → presenters → controllers, where the controllers wrap the ORM (`Book.objects.filter(…)`, a generic base
class over `self.model.objects`, a registry building them) and never see a request. The folder's name says
routes; its code says data access, so the whole folder is the data-access layer's, its code-silent files
included. A `controllers/` folder of request handlers stays routes. Also: a query through a models package
re-exporting its models (`from ..models import Book` reaching `models/__init__.py`) is a query through the
model. The projects are small synthetic ones written for these tests."""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

SETTINGS = """SECRET_KEY = "test"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "library"]
ROOT_URLCONF = "site_config.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
"""
ROOT_URLS = """from django.urls import include, path

urlpatterns = [path("", include("library.urls"))]
"""
MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
BOOK = """from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)
    shelf = models.IntegerField(default=0)
"""
BASE = """class BaseController:
    def __init__(self, model):
        self.model = model

    def get_all(self):
        return self.model.objects.all()

    def get(self, pk):
        return self.model.objects.filter(pk=pk).first()
"""
BOOKS = """from django.core.cache import cache

from ..models import Book
from .base_controller import BaseController


class BookController(BaseController):
    def __init__(self):
        super().__init__(Book)

    def on_shelf(self, shelf):
        key = f"shelf-{shelf}"
        found = cache.get(key)
        if found is None:
            found = list(Book.objects.filter(shelf=shelf))
            cache.set(key, found)
        return found
"""
REGISTRY = """class Registry:
    _books = None

    def books(self):
        if self._books is None:
            from .book_controller import BookController

            self._books = BookController()
        return self._books
"""
CONTROLLERS = """from .base_controller import BaseController
from .book_controller import BookController
from .registry import Registry

__all__ = ["BaseController", "BookController", "Registry"]
"""
PRESENTER = """from ..controllers.registry import Registry


class ShelfPresenter:
    def __init__(self):
        self.books = Registry().books()

    def shelf_context(self, shelf):
        return {"shelf": shelf, "titles": [book.title for book in self.books.on_shelf(shelf)]}
"""
VIEWS = """from django.shortcuts import render

from .presenters.shelf_presenter import ShelfPresenter


def shelf(request, number):
    return render(request, "shelf.html", ShelfPresenter().shelf_context(number))
"""
URLS = """from django.urls import path

from . import views

urlpatterns = [path("shelves/<int:number>/", views.shelf)]
"""


def _files(**extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\n",
        "manage.py": MANAGE,
        "site_config/__init__.py": "",
        "site_config/settings.py": SETTINGS,
        "site_config/urls.py": ROOT_URLS,
        "library/__init__.py": "",
        "library/models/__init__.py": "from .book import Book\n\n__all__ = ['Book']\n",
        "library/models/book.py": BOOK,
        "library/controllers/__init__.py": CONTROLLERS,
        "library/controllers/base_controller.py": BASE,
        "library/controllers/book_controller.py": BOOKS,
        "library/controllers/registry.py": REGISTRY,
        "library/presenters/__init__.py": "",
        "library/presenters/shelf_presenter.py": PRESENTER,
        "library/views.py": VIEWS,
        "library/urls.py": URLS,
        **extra,
    }


def test_controllers_wrapping_the_orm_for_presenters_are_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files())
    layers = layers_of(report)
    for name in ("__init__", "base_controller", "book_controller", "registry"):
        assert layers[f"library/controllers/{name}.py"] == "repositories", name
    assert evidence_of(report)["library/controllers/registry.py"] == "folder"
    assert layers["library/views.py"] == "routes"
    assert layer_violations(report) == []


def test_a_query_through_the_models_package_is_data_access(make_project: MakeProject) -> None:
    # no `django.core.cache` beside it: the re-exported model's manager alone shows the query
    books = BOOKS.replace("from django.core.cache import cache\n\n", "").replace(
        "found = cache.get(key)", "found = None"
    )
    books = books.replace("            cache.set(key, found)\n", "")
    report = inspect_json(make_project, _files(**{"library/controllers/book_controller.py": books}))
    assert layers_of(report)["library/controllers/book_controller.py"] == "repositories"
    assert evidence_of(report)["library/controllers/book_controller.py"] == "folder"


def test_controllers_handling_requests_stay_routes(make_project: MakeProject) -> None:
    handler = """from django.http import JsonResponse

from ..models import Book


def shelf(request, number):
    return JsonResponse({"titles": [b.title for b in Book.objects.filter(shelf=number)]})
"""
    urls = URLS.replace(
        "from . import views", "from . import views\nfrom .controllers import shelf_controller"
    )
    urls = urls.replace("views.shelf)]", 'views.shelf), path("api/<int:number>/", shelf_controller.shelf)]')
    files = _files(**{"library/controllers/shelf_controller.py": handler, "library/urls.py": urls})
    layers = layers_of(inspect_json(make_project, files))
    assert layers["library/controllers/shelf_controller.py"] == "routes"
    assert layers["library/controllers/registry.py"] == "routes"
    assert layers["library/controllers/base_controller.py"] == "routes"


def test_a_controller_reading_the_request_keeps_the_folder_routes(make_project: MakeProject) -> None:
    # registered nowhere, but it imports the request API: the folder holds a handler
    reading = """from django.http import HttpRequest

from ..models import Book


def titles_for(request: HttpRequest):
    return [b.title for b in Book.objects.filter(shelf=int(request.GET["shelf"]))]
"""
    files = _files(**{"library/controllers/reading.py": reading})
    layers = layers_of(inspect_json(make_project, files))
    assert layers["library/controllers/registry.py"] == "routes"
    assert layers["library/controllers/base_controller.py"] == "routes"
