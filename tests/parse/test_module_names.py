"""`FileFacts.defines`: the names a Python module may bind at module level (a superset), which another module's
`from module import name` finds as attributes; None for a module not judged (cdverify/parse/pyunbound.py
`module_names`). Each snippet is written for the test; the expectations follow Python's binding rules."""

from __future__ import annotations

import pytest

from cdverify.model import Language
from cdverify.parse import parse_source


def defines(source: str) -> tuple[str, ...] | None:
    return parse_source("app/utils.py", Language.PYTHON, source.encode()).defines


def test_module_level_bindings_of_every_kind_are_defined() -> None:
    source = (
        "from __future__ import annotations\n"
        "import os.path, json as js\n"
        "from hashlib import sha256 as generate_hash, md5\n"
        "LIMIT = CAP = 10\n"
        "(first, [second, *rest]) = load()\n"
        "settings.debug = True\n"
        "cache['key'] = 1\n"
        "if sys.version_info >= (3, 11):\n"
        "    def new_style(): pass\n"
        "elif legacy:\n"
        "    old_style = None\n"
        "else:\n"
        "    class Fallback: pass\n"
        "try:\n"
        "    import ujson as fast_json\n"
        "except ImportError as exc:\n"
        "    fast_json = None\n"
        "for index, item in pairs:\n"
        "    looped = item\n"
        "with open('f') as handle:\n"
        "    read = handle.read()\n"
        "@decorate\n"
        "class Service:\n"
        "    attribute = 1\n"
        "    def method(self):\n"
        "        local = 2\n"
        "def setup():\n"
        "    global configured\n"
        "    configured = True\n"
        "    inner = 3\n"
        "__all__ = ['exported_later']\n"
    )
    names = defines(source)
    assert names is not None
    for name in (
        "annotations", "os", "js", "generate_hash", "md5", "LIMIT", "CAP", "first", "second", "rest",
        "new_style", "old_style", "Fallback", "fast_json", "exc", "index", "item", "looped", "handle",
        "read", "Service", "setup", "configured", "__all__", "exported_later",
    ):  # fmt: skip
        assert name in names, name
    for name in (
        "settings",
        "debug",
        "cache",
        "key",
        "attribute",
        "method",
        "local",
        "inner",
        "sha256",
        "path",
    ):
        assert name not in names, name


def test_a_walrus_in_a_module_level_comprehension_binds_in_the_module() -> None:
    names = defines("values = [last := item for item in range(3)]\n")
    assert names is not None and "last" in names


def test_an_empty_module_defines_nothing() -> None:
    assert defines("") == ()
    assert defines("# get_hash was here\n") == ()


@pytest.mark.parametrize(
    "source",
    [
        "from hashlib import *\n",
        "def __getattr__(name):\n    return name\n",
        "__getattr__, __dir__, __all__ = attach(__name__, ['tokens'])\n",
        "__path__ = extend_path(__path__, __name__)\n",
        "globals()['generated'] = 1\n",
        "exec('x = 1')\n",
        "import sys\nsys.modules[__name__].extra = 1\n",
        "print 'python 2'\n",
        "def broken(:\n",
    ],
)
def test_a_module_with_a_dynamic_namespace_or_a_syntax_error_is_not_judged(source: str) -> None:
    assert defines(source) is None


def test_a_method_named_like_a_dynamic_builtin_keeps_the_module_judged() -> None:
    assert defines("model.eval()\nquery.exec()\nready = True\n") == ("ready",)
