"""Settings modules a Flask app never loads as its configuration: `app.config.from_pyfile(filename)` reads
one file, joined to the app's root folder (the folder of the module that makes `Flask(__name__)`), and sets
the app's configuration from its upper-case names. Where that is how the application loads its
configuration (the only `app.config.from_…` call of the application, its file named by a literal, or by a
parameter whose literal default no call overrides: `def create_app(config_filename="config/production/
settings.py")`), the same keys assigned at module level of another settings module
(`config/development/settings.py`, imported for a `BCRYPT_SALT` only) configure nothing: their evidence is
marked `unreached`. Flask-SQLAlchemy then sees the loaded file's value alone (2.x takes a `None` URI as set,
and fails at the first query)."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from cdverify.detect.database.report import Evidence, EvidenceKind, unreached_where
from cdverify.model import CallFact, Family, FileFacts

_FLASK = "flask.Flask"
_LOADS = "flask.Flask().config.from_"
_PYFILE = "flask.Flask().config.from_pyfile"
# the file is then read from the instance folder, or from a root folder given
_OWN_ROOT = frozenset({"instance_relative_config", "root_path"})


def unloaded_flask_settings(evidence: list[Evidence], facts: Mapping[str, FileFacts]) -> list[Evidence]:
    """`evidence`, the configuration keys of settings modules the Flask app never loads marked `unreached`."""
    loaded = _loaded_file(facts)
    if loaded is None or loaded not in facts:
        return evidence
    keys = {a.key for a in facts[loaded].assignments if not a.scope and not a.owner and a.key}
    others = {
        (path, a.line)
        for path, file_facts in facts.items()
        if path != loaded and file_facts.language.family is Family.PYTHON
        for a in file_facts.assignments
        if not a.scope and not a.owner and a.key in keys
    }
    if not others:
        return evidence
    return unreached_where(
        evidence,
        lambda item: item.kind is EvidenceKind.CONFIG and (item.file, item.line) in others,
        f"a settings module the app never loads: {loaded}",
    )


def _loaded_file(facts: Mapping[str, FileFacts]) -> str | None:
    """The project file the application's only `app.config.from_…` call loads, when it is a `from_pyfile`
    of a known name, relative to the folder of the module making the app."""
    loads = [
        (path, call)
        for path, file_facts in facts.items()
        if file_facts.language.family is Family.PYTHON
        for call in file_facts.calls
        if call.callee.startswith(_LOADS)
    ]
    if len(loads) != 1 or loads[0][1].callee != _PYFILE:
        return None
    path, call = loads[0]
    made = [c for c in facts[path].calls if c.callee == _FLASK]
    if len(made) != 1 or any(key in _OWN_ROOT for key, _value in made[0].kwargs):
        return None
    if not made[0].args or made[0].args[0].names != ("__name__",):  # the root is the module's own folder
        return None
    name = _file_name(call, facts[path], facts)
    if name is None or name.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), name))


def _file_name(call: CallFact, file_facts: FileFacts, facts: Mapping[str, FileFacts]) -> str | None:
    """The literal the call is handed, or the literal default of the parameter it is handed where no call
    of the function passes an argument."""
    if len(call.args) != 1 or call.kwargs:
        return None
    value = call.args[0]
    if value.env or value.calls:
        return None
    if not value.names:
        return str(value.strings[0]) if len(value.strings) == 1 else None
    # `def create_app(config_filename="…")`: the default is recorded as an assignment in the function
    if value.strings or len(value.names) != 1 or not call.scope:
        return None
    function = call.scope.partition("@")[0]
    defaults = [
        a.value for a in file_facts.assignments if a.scope == call.scope and a.target == value.names[0]
    ]
    if len(defaults) != 1 or defaults[0].names or defaults[0].calls or len(defaults[0].strings) != 1:
        return None
    passed = any(
        (c.args or c.kwargs) and c.callee.rpartition(".")[2] == function
        for other in facts.values()
        for c in (*other.calls, *other.local_calls)
    )
    return None if passed else str(defaults[0].strings[0])
