"""`FileFacts.unbound`: the names a Python module reads as it is imported, under no condition, that nothing
in the file binds and no builtin is (cdverify/parse/pyunbound.py). Importing such a module raises NameError.

Each snippet is written for the test; the expectation follows from Python's rules for what runs at import."""

from __future__ import annotations

import pytest

from cdverify.model import Language
from cdverify.parse import parse_source


def unbound(source: str) -> list[str]:
    facts = parse_source("app/views.py", Language.PYTHON, source.encode())
    return [name for name, _line, _col in facts.unbound]


def test_a_base_class_and_a_decorator_never_imported_are_unbound_with_their_first_line() -> None:
    source = (
        "from django.views.generic import ListView\n"
        "\n"
        "class Landing(TemplateView):\n"
        "    template_name = 'landing.html'\n"
        "\n"
        "class Report(ListView):\n"
        "    @cached_property\n"
        "    def rows(self):\n"
        "        return []\n"
    )
    facts = parse_source("app/views.py", Language.PYTHON, source.encode())
    assert facts.unbound == (("TemplateView", 3, 15), ("cached_property", 7, 6))


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("x = missing + 1\n", "missing"),
        ("setup(level=LEVEL)\n", "LEVEL"),
        ("def handler(request, limit=PAGE_SIZE):\n    pass\n", "PAGE_SIZE"),
        ("class A:\n    rows = Column(Integer)\n", "Column"),
        ("class A(Base, metaclass=Meta):\n    pass\n", "Base"),
        ("class A:\n    class Meta:\n        model = User\n", "User"),
        ("@register('x')\ndef view():\n    pass\n", "register"),
        ("if DEBUG:\n    pass\n", "DEBUG"),
        ("for item in ITEMS:\n    pass\n", "ITEMS"),
        ("settings = {'url': f'{HOST}/api'}\n", "HOST"),
        ("handlers = [h for h in HANDLERS]\n", "HANDLERS"),
        ("key = lambda row, default=FALLBACK: row\n", "FALLBACK"),
        ("value = os.environ['X']\n", "os"),
        ("config[KEY] = 1\nconfig = {}\n", "KEY"),
    ],
)
def test_names_read_as_the_module_is_imported_are_listed(source: str, name: str) -> None:
    assert name in unbound(source)


@pytest.mark.parametrize(
    "source",
    [
        # function and lambda bodies run later, if ever
        "def view(request):\n    return TemplateView()\n",
        "key = lambda row: missing(row)\n",
        "class A:\n    def f(self):\n        return Undefined\n",
        # annotations are deferred (PEP 563, 649)
        "from __future__ import annotations\nx: Missing = 1\ndef f(a: Other) -> Third:\n    pass\n",
        # conditional code, `try`, `with`, `match`, the right of `and`/`or`, a conditional expression's branches
        "if False:\n    missing()\n",
        "try:\n    missing()\nexcept NameError:\n    pass\n",
        "with ctx:\n    missing()\nctx = 1\n",
        "value = a_flag if False else missing\na_flag = 1\n",
        "ok = True or missing\n",
        "while False:\n    missing()\n",
        # bound somewhere in the file: later, in a function under `global`, by every kind of binding
        "class A(Base):\n    pass\nfrom models import Base\n",
        "def init():\n    global CONFIG\n    CONFIG = {}\nprint(CONFIG)\n",
        "count += 1\n",  # an augmented assignment binds too (Python's own tables say so),
        "a, (b, *rest) = 1, (2, 3)\nprint(a, b, rest)\n",
        "for row in []:\n    pass\nprint(row)\n",
        "with open('f') as (handle):\n    pass\nprint(handle)\n",
        "try:\n    pass\nexcept ValueError as error:\n    pass\nprint(error)\n",
        "print(total := 3)\nprint(total)\n",
        "del stale\nprint(stale)\n",
        'cmd = None\nmatch cmd:\n    case {"x": x0}:\n        pass\nprint(x0)\n',
        "import a.b.c\nimport numpy as np\nfrom . import sibling\nprint(a, np, sibling)\n",
        "class AnyOf[PC: Context](Permission[PC]):\n    pass\nclass Context: pass\nclass Permission: pass\n",
        "type Alias = int\nprint(Alias)\n",
        # a comprehension's own variables; builtins; module and class attributes Python sets
        "squares = [n * n for n in range(3) if n]\npairs = {k: v for k, v in {}.items()}\n",
        "print(__name__, __file__, len, ValueError, ExceptionGroup, _)\nclass A:\n    where = __module__\n",
        # attributes and keyword names are no bare names
        "import logging\nlog = logging.getLogger(name=__name__).child\n",
    ],
)
def test_code_that_does_not_run_at_import_or_names_the_file_binds_are_not_listed(source: str) -> None:
    assert unbound(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "from helpers import *\nclass A(TemplateView):\n    pass\n",
        "globals()['TemplateView'] = object\nclass A(TemplateView):\n    pass\n",
        "exec('x = 1')\nprint(x)\n",
        "import builtins\nclass A(TemplateView):\n    pass\n",
        "import sys\nsetattr(sys.modules[__name__], 'X', 1)\nprint(X)\n",
        "def __getattr__(name):\n    return name\nprint(X)\n",
        "print 'python 2'\nvalue = unicode('x')\n",
        "class A(TemplateView)\n    pass\n",  # a syntax error: PARSE001's
    ],
)
def test_a_module_with_a_dynamic_namespace_a_star_import_or_python_2_is_not_judged(source: str) -> None:
    assert unbound(source) == []
