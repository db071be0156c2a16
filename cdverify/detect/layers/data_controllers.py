"""A Python `controllers/` folder of data access: the controllers of a "model-controller-presenter" split
that wrap the ORM (`LightingPlot.objects.filter(user=user)` with caching) for the presenters the views call,
and never see a request. The folder's name says routes (rules/architecture/<preset>.toml `[roles]
business_folders`: routes-layer folders that hold as much else as handlers); its code says data access: no
file under it handles a request (imports a request API of the web framework, registers a route, is a handler
a route table names), and every file whose code shows a role runs queries. Such a folder is re-read as the
data-access layer's, so its code-silent files (the generic base class over `self.model.objects`, the
registry building the controllers, the package re-exporting them) follow it rather than the word.

The same holds for a folder whose compound name puts a database word before a routes word
(`db_handlers/`, `database-controllers/`: rules/architecture/<preset>.toml `[roles] data_folder_prefixes`):
the name reads as the routes layer's, but handlers "of the database" are its access code, so where the code
agrees (the same test) the folder is the data-access layer's; where it does not (a module of it handles
requests, or none shows a query) it stays routes."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from cdverify.config import normalise_dir_name
from cdverify.detect.layers.names import Named, web_module
from cdverify.detect.layers.request_handling import handles_requests
from cdverify.detect.layers.role import Role
from cdverify.model import Family, FileFacts


def data_controllers(
    named: dict[str, Named],
    folder_names: Collection[str],
    roles: Mapping[str, Role],
    handling: Collection[str],
    facts: Mapping[str, FileFacts],
    layers: tuple[str, str],
    queriers: Callable[[list[str]], Collection[str]],
    prefixes: Collection[str] = (),
) -> dict[str, Named]:
    """`named` with each folder of `folder_names` (`controllers/`) that is the routes layer for the files
    under it (`layers`: (routes, data access)) re-read as the data-access layer's, when its files are all
    Python, none handles requests (`handling`: files registering routes or named as handlers; or importing
    the framework's request API), every file whose code shows a role (`roles`) runs queries, and one does.
    `queriers`: those of the files given that query through a project model's manager (model_queries.py),
    which shows data access in a module importing only the framework's modules of no web layer as well.
    `prefixes`: the database words (`db`) whose compound folder names (`db_handlers/`) are tested so too."""
    top, queries = layers
    names = {folder.lower() for folder in folder_names}
    words = frozenset(prefixes)
    under: dict[str, list[str]] = {}  # folder → the files whose deepest layer folder it is
    for path, name in named.items():
        if name.folders and name.folders[0][0] == top and name.glob is None:
            folder = name.folders[0][1]
            last = folder.rpartition("/")[2]
            if last.lower() in names or _database_word(last, words):
                under.setdefault(folder, []).append(path)
    data = {
        folder
        for folder, files in under.items()
        if _data_access(files, roles, handling, facts)
        and _queries_only(files, roles, queriers([path for path in files if path not in roles]))
    }
    if not data:
        return named
    return {
        path: name._replace(folders=((queries, name.folders[0][1]), *name.folders[1:]))
        if name.folders and name.folders[0][0] == top and name.folders[0][1] in data and name.glob is None
        else name
        for path, name in named.items()
    }


def _database_word(folder: str, prefixes: frozenset[str]) -> bool:
    """The folder's compound name starts with a database word (`db_handlers`, `database-api`)."""
    head, sep, _tail = normalise_dir_name(folder).partition("_")
    return bool(sep) and head in prefixes


def _data_access(
    files: list[str], roles: Mapping[str, Role], handling: Collection[str], facts: Mapping[str, FileFacts]
) -> bool:
    """The folder's files are Python modules handling no request."""
    for path in files:
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family is not Family.PYTHON:
            return False
        if path in handling or _handles(file_facts):
            return False
    return True


def _queries_only(files: list[str], roles: Mapping[str, Role], querying: Collection[str]) -> bool:
    """The files whose code shows a role (`roles`, or running a model's queries: `querying`) run queries, at
    least one of them."""
    shown = {roles[path] for path in files if path in roles} | ({Role.QUERIES} if querying else set())
    return shown == {Role.QUERIES}


def _handles(file_facts: FileFacts) -> bool:
    """The module imports the web framework's request API: `handles_requests`, not counting the framework's
    modules of no web layer (rules/frameworks.toml `not_web`: `from django.core.cache import cache`, `from
    django.contrib.auth.models import User` beside the ORM's queries)."""
    family = file_facts.language.family
    return handles_requests(file_facts) and any(
        web_module(fact.specifier, family, fact.names) for fact in file_facts.imports
    )
