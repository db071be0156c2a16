"""Python distributions (rules/python/distributions.toml): import names to PyPI names, server programs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings

# -- python/distributions.toml ----------------------------------------------------------------------


class RunPrograms(Record, frozen=True):
    servers: Strings


class Distributions(Record, frozen=True):
    FILE: ClassVar[str] = "python/distributions"
    imports: Mapping[str, Strings]  # import name → distributions that install it
    provided_by: Mapping[str, Strings]  # module → distributions that bring it as a dependency
    run: RunPrograms


# -- python/startup.toml ------------------------------------------------------------------------------


class DjangoStartup(Record, frozen=True):
    settings_calls: Strings  # calls naming the settings module: `os.environ.setdefault`
    settings_variable: str  # `DJANGO_SETTINGS_MODULE`
    urlconf: str  # the setting naming the root URL configuration: `ROOT_URLCONF`
    includes: Strings  # the calls naming another URL module by its dotted name: `django.urls.include`
    apps: str  # `INSTALLED_APPS`
    app_modules: Strings  # the modules of each installed app `django.setup()` imports
    admin_app: str  # the app whose presence imports each app's `admin_module` (autodiscovery)
    admin_module: str
    prefix_calls: Strings = ()  # calls raising on an empty prefix: `django.conf.urls.static.static`
    empty_settings: Strings = ()  # settings whose Django default is empty: `MEDIA_URL`


class DjangoRunserver(Record, frozen=True):
    runserver: str  # the command that loads `wsgi` before it serves
    wsgi: str  # `WSGI_APPLICATION`
    own_runserver: Strings  # installed apps whose `runserver` replaces Django's


class ServerStart(Record, frozen=True):
    pythons: Strings  # interpreters run by name
    python_options: Strings  # interpreter options that leave sys.path as it is
    servers: Strings  # servers given a `module:attribute` target, the working directory on sys.path
    app_dir_options: Strings  # a server option naming the folder put first on sys.path
    unjudged_options: Strings  # server options that move sys.path, the working directory or the app
    unjudged_files: Strings  # config files (in the working directory) that may do so
    unjudged_words: Strings  # words of the run script that may do so (`PYTHONPATH`)
    installers: Strings  # programs that may install the project itself
    pips: Strings
    path_calls: Strings  # calls adding folders to sys.path at run time
    django: DjangoRunserver


class OptionalPackage(Record, frozen=True):
    label: str  # how the message names the field's type: `pydantic's {type}`
    types: Strings  # the traced annotations whose validator imports the package
    module: str  # the package's import name: an import of it says it is installed
    package: str  # its distribution
    error: str  # what the library raises where it is missing
    provided_by: Strings  # distributions (`name[extra]` for an extra) that install it
    fix: str


class OptionalTypes(Record, frozen=True):
    lock_files: Strings  # lock files naming the installed distributions
    plain_bases: Strings  # class bases whose annotations build no validator
    packages: tuple[OptionalPackage, ...]


class UnsetConfig(Record, frozen=True):
    """A Flask extension whose set-up raises where the configuration key it needs holds None."""

    label: str
    setups: Strings  # traced methods handed the app (`flask_sqlalchemy.SQLAlchemy().init_app`)
    constructors: Strings  # traced classes running the set-up when given the app
    key: str  # the key whose None value raises
    others: Strings  # keys that, set, avoid it
    distribution: str  # PEP 503 name
    raising: Strings  # the releases that raise
    error: str  # what they raise
    # methods of the extension that connect (`create_all`): run as the app starts on a server URL with holes
    # a variable with no default fills, they fail there (detect/database/config_servers.py)
    schema_steps: Strings = ()


class LogFiles(Record, frozen=True):
    """Logging handlers that open their file as they are made, creating the file but never its folder."""

    handlers: Strings  # traced classes (also as a dictConfig `class` string): `logging.FileHandler`
    path: Strings  # where a handler's file is: positional index or keyword (`filename`)
    calls: Strings  # calls that make such a handler from a `filename` keyword: `logging.basicConfig`
    delay: str  # the option that, true, leaves the file unopened until the first record: `delay`
    setting: str  # the Django setting holding a dictConfig: `LOGGING`
    disabling: str  # the Django setting that, set, leaves it unapplied: `LOGGING_CONFIG`
    base_dirs: Strings  # regular expressions of a module-level value naming a folder above the module
    label: str  # what the start-up raises, as DB001 says it


class PythonStartup(Record, frozen=True):
    FILE: ClassVar[str] = "python/startup"
    django: DjangoStartup
    start: ServerStart
    optional_types: OptionalTypes
    unset_configs: tuple[UnsetConfig, ...] = ()
    log_files: LogFiles | None = None
