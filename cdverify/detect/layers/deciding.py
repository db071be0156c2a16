"""Where a file's path and its code's role disagree on its layer: which one decides (`decide`)."""

from __future__ import annotations

from cdverify.detect.layers.catalogue import Layers
from cdverify.detect.layers.names import Evidence, Named
from cdverify.detect.layers.role import Role

_EVIDENCE = {
    Role.ROUTES: Evidence.ROUTES,
    Role.MODELS: Evidence.MODELS,
    Role.QUERIES: Evidence.QUERIES,
    Role.USE_CASE: Evidence.USE_CASE,
}


def decide(name: Named, role: Role | None, roles: Layers, owner: bool = False) -> tuple[str, Evidence] | None:
    """A file's layer from its path's say and its code's role (None: the path decides alone). The path
    names layers by folder (deepest first) and by file name; where one of them agrees with the code, it
    stands; where none does, the code's role wins. A file named a service that also queries stays one,
    unless it is the connection's `owner` (see `connection_owners`); one in a services folder whose own
    name names a data layer (`Services/StudentModel.ts`, `services/user_repository.py`) is data access:
    its name and its code agree against the folder."""
    if name.glob is not None or role is None:
        return None
    folders = [lay for lay, _folder in name.folders]
    suffix = None if name.abstract else name.suffix
    if role is Role.USE_CASE:  # outranks only a routes folder (`handlers/` of use cases)
        if name.abstract or folders[:1] != [roles.routes]:
            return None  # elsewhere the path decides; a path saying nothing gives no layer (a plain class)
        return roles.services, Evidence.USE_CASE
    layer = {Role.ROUTES: roles.routes, Role.MODELS: roles.models, Role.QUERIES: roles.queries}[role]
    if folders[:1] == [layer] and suffix not in (None, layer) and folders[0] == roles.routes:
        # the folder and the code agree against the file name (`routes/entity.js`, a router whose name is
        # a models word): the name, which alone would decide inside a routes folder, does not
        return layer, _EVIDENCE[role]
    if folders[:1] == [layer] or (not folders and suffix == layer):
        return None  # they agree: the path's evidence stands
    if layer in folders:  # an outer folder agrees with the code (`infrastructure/services/` of clients)
        return layer, _EVIDENCE[role]
    data_name = not name.abstract and (suffix in (roles.queries, roles.models) or name.data_word is not None)
    if role is Role.QUERIES and roles.services in (*folders[:1], suffix) and not owner and not data_name:
        return None if folders[:1] == [roles.services] else (roles.services, Evidence.FILE_NAME)
    if suffix == layer and not (role is Role.MODELS and folders[:1] == [roles.queries]):
        return layer, Evidence.FILE_NAME
    # mapped models named so in a data-access folder (`infrastructure/models.py`): the ORM's mapping of the
    # persistence ring, placed by their code as a `tables.py` there (names.py `_own_folders`)
    return layer, _EVIDENCE[role]
