"""The facts the parser reads from small Python files: imports, traced calls (callee, arguments, receiver,
target, scope, guard), assignments and their values (strings with holes, environment reads, rewrites,
dict entries), helper functions, their local calls, instances, classes, exports and URL literals.

Each expectation is written from what the snippet says, by the model of cdverify/model.py."""

from __future__ import annotations

from cdverify.model import (
    Assignment,
    CallFact,
    FileFacts,
    FunctionFact,
    ImportKind,
    Language,
    Template,
    Value,
)
from cdverify.parse import parse_source


def parse(source: str) -> FileFacts:
    return parse_source("app.py", Language.PYTHON, source.encode())


def call(facts: FileFacts, callee: str) -> CallFact:
    (found,) = [fact for fact in facts.calls if fact.callee == callee]
    return found


def assigned(facts: FileFacts, target: str) -> Assignment:
    (found,) = [fact for fact in facts.assignments if fact.target == target]
    return found


def test_imports_keep_module_names_and_lines() -> None:
    facts = parse("import os\nfrom sqlalchemy.orm import Session, declarative_base as db\n")
    assert [(f.specifier, f.kind, f.line, f.names) for f in facts.imports] == [
        ("os", ImportKind.STATIC, 1, ()),
        ("sqlalchemy.orm", ImportKind.STATIC, 2, ("Session", "declarative_base")),
    ]


def test_a_call_is_traced_through_an_aliased_import_with_its_arguments_scope_and_guard() -> None:
    facts = parse(
        "import os\n"
        "from sqlalchemy import create_engine as ce\n"
        "\n"
        "def make(url):\n"
        '    if os.environ.get("DEBUG"):\n'
        "        engine = ce(url, echo=True, pool_size=5)\n"
        "    return engine\n"
    )
    engine = call(facts, "sqlalchemy.create_engine")
    assert (engine.line, engine.col, engine.text) == (6, 18, "ce(url, echo=True, pool_size=5)")
    assert engine.args == (Value(names=("url",)),)
    assert engine.kwargs == (("echo", Value()), ("pool_size", Value(numbers=(5,))))
    assert engine.target == "engine"
    assert engine.receiver == ""
    assert engine.scope == "make@4"  # it hands over a name, looked up in that function
    assert engine.guard == Value(env=("DEBUG",))
    assert not engine.new
    getter = call(facts, "os.environ.get")
    assert getter.receiver == "os.environ"
    assert getter.args == (Value(strings=("DEBUG",)),)
    assert getter.scope == "make@4"  # a string handed over: a statement's purpose depends on its function
    assert getter.guard is None  # the condition is not guarded by itself


def test_names_traced_to_a_call_result_a_self_attribute_and_a_with_block() -> None:
    facts = parse(
        "import sqlite3\n"
        "from flask import Flask\n"
        "from sqlalchemy import create_engine\n"
        "app = Flask(__name__)\n"
        "\n"
        '@app.get("/users")\n'
        "def users():\n"
        '    with sqlite3.connect("app.db") as conn:\n'
        '        conn.execute("SELECT 1")\n'
        "\n"
        "class Store:\n"
        "    def __init__(self, url):\n"
        "        self.engine = create_engine(url)\n"
        "\n"
        "    def open(self):\n"
        "        return self.engine.connect()\n"
    )
    route = call(facts, "flask.Flask().get")
    assert (route.line, route.receiver, route.args) == (6, "app", (Value(strings=("/users",)),))
    assert call(facts, "flask.Flask").target == "app"
    assert call(facts, "sqlite3.connect().execute").line == 9
    assert call(facts, "sqlalchemy.create_engine().connect").receiver == "self.engine"


def test_a_sql_method_on_an_untraced_object_is_kept_with_a_string_or_a_parameter_only() -> None:
    # the parameter passed on as it came makes `f` a helper whose callers hold the SQL (issue 18)
    facts = parse(
        'def f(cursor, sql):\n    cursor.execute("SELECT 1")\n    cursor.execute(sql)\n'
        "    query = build()\n    cursor.execute(query)\n    cursor.execute(sql.strip())\n"
    )
    kept = [(c.callee, c.line, c.name.traced) for c in facts.calls if c.callee.startswith("?")]
    assert kept == [("?cursor.execute", 2, False), ("?cursor.execute", 3, False)]


def test_assignments_with_environment_reads_defaults_holes_and_rewrites() -> None:
    facts = parse(
        "import os\n"
        "from decouple import config\n"
        'DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///app.db")\n'
        'SQLALCHEMY_URL = DATABASE_URL.replace("postgres://", "postgresql://")\n'
        'PORT = int(os.environ["PORT"])\n'
        'HOST = config("DB_HOST", default="localhost")\n'
        'db_url = f"postgresql://{user}@db/app"\n'
    )
    url = assigned(facts, "DATABASE_URL")
    assert url == Assignment(
        "DATABASE_URL",
        Value(strings=("sqlite:///app.db",), env=("DATABASE_URL",), text=url.text),
        3,
        1,
        'DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///app.db")',
    )
    assert assigned(facts, "SQLALCHEMY_URL").value.rewrites == (("postgres://", "postgresql://"),)
    assert assigned(facts, "SQLALCHEMY_URL").value.names == ("DATABASE_URL",)
    assert assigned(facts, "PORT").value.env == ("PORT",)
    host = assigned(facts, "HOST").value
    assert (host.env, host.strings) == (("DB_HOST",), ("localhost",))
    assert assigned(facts, "db_url").value.strings == (Template(("postgresql://", "@db/app")),)
    assert facts.urls == (
        (3, "sqlite:///app.db"),
        (4, "postgres://"),
        (4, "postgresql://"),
        (7, Template(("postgresql://", "@db/app"))),
    )


def test_a_dict_literal_is_recorded_entry_by_entry_at_each_entrys_line() -> None:
    facts = parse(
        "DATABASES = {\n"
        '    "default": {\n'
        '        "ENGINE": "django.db.backends.sqlite3",\n'
        '        "NAME": BASE_DIR / "db.sqlite3",\n'
        "    }\n"
        "}\n"
    )
    engine, name = facts.assignments
    assert engine == Assignment(
        "DATABASES.default.ENGINE",
        Value(strings=("django.db.backends.sqlite3",)),
        3,
        9,
        '"ENGINE": "django.db.backends.sqlite3"',
    )
    assert (name.target, name.line) == ("DATABASES.default.NAME", 4)
    assert (name.value.strings, name.value.names) == (("db.sqlite3",), ("BASE_DIR",))


def test_a_conditional_value_keeps_both_branches_and_a_function_return_is_recorded() -> None:
    facts = parse(
        "import os\n"
        "def database_url():\n"
        '    return os.getenv("DATABASE_URL") or "sqlite://"\n'
        'ENGINE = "postgres" if os.getenv("PROD") else "sqlite"\n'
    )
    returned = assigned(facts, "database_url")
    assert (returned.value.env, returned.value.strings, returned.line) == (
        ("DATABASE_URL",),
        ("sqlite://",),
        3,
    )
    assert assigned(facts, "ENGINE").value.strings == ("postgres", "sqlite")


def test_helper_functions_their_local_calls_and_module_instances() -> None:
    facts = parse(
        "import sqlite3\n"
        'conn = sqlite3.connect("app.db")\n'
        "\n"
        "class Repo:\n"
        "    def run(self, sql, *args):\n"
        "        return conn.execute(sql)\n"
        "\n"
        "    def users(self):\n"
        '        return self.run("SELECT * FROM users")\n'
        "\n"
        "repo = Repo()\n"
    )
    execute = call(facts, "sqlite3.connect().execute")
    assert (execute.receiver, execute.scope, execute.args) == ("conn", "run@5", (Value(names=("sql",)),))
    assert facts.functions == (FunctionFact("run@5", "run", ("self", "sql", "*"), "Repo"),)
    (local,) = facts.local_calls
    assert (local.callee, local.line, local.args) == (
        "self.run",
        9,
        (Value(strings=("SELECT * FROM users",)),),
    )
    assert facts.objects == (("repo", "Repo"),)


def test_classes_are_bound_to_their_first_traced_base_and_exports_are_traced_instances() -> None:
    facts = parse(
        "from flask import Flask, jsonify\n"
        "from sqlalchemy.orm import DeclarativeBase\n"
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "class User(Base):\n"
        "    pass\n"
        "class Plain:\n"
        "    pass\n"
        "app = Flask(__name__)\n"
    )
    base = "sqlalchemy.orm.DeclarativeBase"
    assert facts.classes == (("Base", (base,), 3), ("User", (base,), 5))
    # `Flask` and `jsonify` are the library's own names; `Base` and `User` are the file's
    assert facts.exports == (("Base", base), ("User", base), ("app", "flask.Flask()"))


def test_a_decorator_call_names_the_function_it_decorates() -> None:
    facts = parse(
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.on_event('startup')\n@other\n"
        "async def startup():\n    pass\n\n\napp.on_event('shutdown')\n"
    )
    decorator, plain = [f for f in facts.calls if f.callee == "fastapi.FastAPI().on_event"]
    assert (decorator.line, decorator.decorates) == (6, "startup@8")
    assert (plain.line, plain.decorates) == (12, "")


def test_steps_are_the_bare_names_a_function_or_the_module_calls_by_themselves() -> None:
    facts = parse(
        "from db import init_db\n\n\ndef create_app():\n    app = Flask(__name__)\n    init_db()\n"
        "    seed(app)\n    return app\n\n\nasync def startup():\n    await init_db()\n    x = [make() for _ in y]\n\n\n"
        "app = create_app()\nprepare()\n\n\nclass Config:\n    value = compute()\n\n\n"
        "if __name__ == '__main__':\n    main()\n"
    )
    assert facts.steps == (
        ("", "create_app"),
        ("", "prepare"),
        ("create_app@4", "init_db"),
        ("create_app@4", "seed"),
        ("startup@11", "init_db"),
    )


def test_a_url_f_string_keeps_the_values_of_its_holes_and_a_message_does_not() -> None:
    facts = parse(
        'HOST = os.getenv("DB_HOST")\n'
        'URL = f"postgresql://{USER}:secret@{HOST}:5432/app"\n'
        'MESSAGE = f"user {USER} not found"\n'
    )
    url = assigned(facts, "URL").value
    assert url.strings == (Template(("postgresql://", ":secret@", ":5432/app")),)
    assert [part.names for part in url.parts] == [("USER",), ("HOST",)]
    assert assigned(facts, "MESSAGE").value.parts == ()


def test_a_connect_call_with_no_argument_records_its_function_and_a_try_around_it() -> None:
    facts = parse(
        "import databases\n\ndatabase = databases.Database(URL)\n\n\n"
        "async def startup(app):\n    await database.connect()\n\n\n"
        "async def guarded(app):\n    try:\n        await database.connect()\n    except OSError:\n        pass\n"
    )
    first, second = [c for c in facts.calls if c.callee == "databases.Database().connect"]
    assert (first.scope.partition("@")[0], first.guard) == ("startup", None)
    assert second.scope.partition("@")[0] == "guarded"
    assert second.guard is not None and second.guard.text == "try"


def test_bare_decorators_are_kept_by_their_traced_names_and_called_ones_as_calls() -> None:
    facts = parse(
        "import socketio\n\nsio = socketio.AsyncServer()\n\n\n@sio.event\nasync def connect(sid, environ):\n    pass\n\n\n"
        "@sio.on('join')\n@staticmethod\n@unknown.thing\nasync def join(sid, data):\n    pass\n\n\n"
        "class Room:\n    @property\n    def name(self):\n        return 'r'\n"
    )
    assert facts.decorators == ("socketio.AsyncServer().event",)
    assert call(facts, "socketio.AsyncServer().on").decorates == "join@14"


def test_a_url_from_a_mapping_of_settings_and_a_hook_on_a_handed_app() -> None:
    facts = parse(
        "from os import environ as env\n"
        "conf = {'engine': env.get('ENGINE', 'postgresql'), 'host': env.get('DB_HOST')}\n"
        'dsn = f\'{conf["engine"]}://{conf["host"]}/shop\'\n'
        'note = f\'{conf["engine"]} at {conf["host"]}\'\n'
        "def setup(app):\n"
        "    app.on_startup.append(open_db)\n"
        "    app.on_shutdown.append(close_db)\n"
    )
    dsn = next(a for a in facts.assignments if a.target == "dsn")
    assert [part.names for part in dsn.value.parts] == [("conf.engine",), ("conf.host",)]
    note = next(a for a in facts.assignments if a.target == "note")
    assert note.value.parts == ()  # no URL: a message's holes are not kept
    hooks = [(call.callee, call.args[0].names) for call in facts.calls if "append" in call.callee]
    assert hooks == [("?app.on_startup.append", ("open_db",))]
