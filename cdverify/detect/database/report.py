"""What the database detector reports: evidence items, how each engine is used, and the URLs that
reach SQLAlchemy in a spelling it rejects. Records only; the detector fills them, the database
verifier (`cdverify/verifiers/database.py`) judges them."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from cdverify.detect.database.startup import StartupRead
from cdverify.model import Location, Scope, Stop
from cdverify.run_script import Assignment

if TYPE_CHECKING:
    from collections.abc import Mapping


class StartupStop(NamedTuple):
    """A start-up check that stops the application, and what makes it stop (stops.py and the modules it
    reads each kind of check with)."""

    file: str
    line: int
    text: str  # the `throw` as written
    # the variables it needs: it stops where any is unset; () = it stops wherever the project runs as shipped
    variables: tuple[str, ...]
    reason: str  # `throws when $DATABASE_URL is unset`, `throws when dotenv finds no .env file`
    # what makes it start, when setting its variables is not it (a folder to create): DB001's fix
    fix: str = ""
    # evaluated before the project's `.env` is loaded (`import "./routes"` above `import "dotenv/config"`):
    # that file does not set its variables (dotenv_order.py `node_before_loading`)
    unloaded: bool = False

    def stops(self, variables: Mapping[str, str]) -> bool:
        """Whether it stops the application when exactly `variables` are set."""
        return not self.variables or any(not variables.get(name) for name in self.variables)

    def describe(self) -> str:
        return f"{self.text} at {self.file}:{self.line} {self.reason}"


def stop_verb(stop: Stop) -> str:
    """How a start-up check stops the application: `process.exit(…)` exits, anything else throws."""
    return "exits" if stop.text.startswith("process.exit") else "throws"


class EvidenceKind(StrEnum):
    """What an evidence item is, strongest first (see `KIND_RANK`)."""

    CONNECTION = "connection"  # a connection call: `create_engine(URL)`, `new Sequelize({dialect})`
    CONFIG = "config"  # a configuration key in code or in a configuration file the code uses
    DIALECT = "dialect"  # an engine-only module imported in code (dialect types, schema builders)
    IMPORT = "import"  # a driver imported in code
    DEPENDENCY = "dependency"  # a driver declared in a manifest
    SERVICE = "service"  # a Compose service, an engine-prefixed variable, a data file
    MENTION = "mention"  # a URL written in code that nothing connects to


KIND_RANK = {kind: rank for rank, kind in enumerate(EvidenceKind, start=1)}  # lower is stronger
CODE_KINDS = frozenset(
    {EvidenceKind.CONNECTION, EvidenceKind.CONFIG, EvidenceKind.DIALECT, EvidenceKind.IMPORT}
)
CONFIGURATION_SWITCH = "<configuration>"  # how the JSON writes `Evidence.configuration` as its switch
COMPOSE_SERVICE = "Compose service"  # the detail of a Compose service running an engine's image


class Evidence(NamedTuple):
    engine: str
    kind: EvidenceKind
    scope: Scope  # the file's scope: application, test, migration, script, config
    file: str
    line: int
    text: str
    detail: str = ""
    switch: str = ""  # environment variable that selects this engine or its alternative ("" = hard-wired)
    inferred: bool = False  # the URL is only known at run time; the engine is inferred from the drivers
    col: int = 0  # 1-based column in code; 0 in manifests and config files
    # which of several configurations of the same setting runs selects it (`DevConfig` / `ProdConfig`,
    # `development:` / `production:`), not an environment variable
    configuration: bool = False
    # the value the application falls back on when `switch` is unset (`os.getenv("DATABASE_URL",
    # "sqlite://…")`): it holds exactly when the variable is unset; other switched items need it set
    default: bool = False
    # a connection whose URL comes from this variable only, with no fallback in code: where the variable
    # is unset the application cannot connect (and, at start-up, cannot start)
    required_env: str = ""
    # why `required_env` is needed when the call itself would do without it: the start-up schema that
    # requires the variable with no default (`envalid's cleanEnv at src/env.js:5 requires it …`)
    required_by: str = ""
    # switched by the condition around the call (`if (!databaseUrl) …`), whose branch the harness's
    # variables alone do not decide
    guarded: bool = False
    # the value of `switch` that takes the branch, for a `case` of a `switch` on it (`case "mysql":`): the
    # branch is taken where the variable (or the project's `.env`) has that value, and only there
    when: str = ""
    # the branch is taken where the variable has any other value than `when` (the `else` of `if (client ===
    # "sqlite")`); `default` says whether it is taken where the variable is unset
    otherwise: bool = False
    # a value key's value naming the engine (`DB_ENGINE = "sqlite"`), not a URL: where it holds, it says
    # which of the URLs a connection may be given (`if DB_ENGINE == "postgres": …`) the application uses
    value_key: bool = False
    # an engine module imported by a module that nothing imports, that imports no project module and makes
    # no connection or app (a schema kept as a backup): the application never runs it
    unreached: bool = False
    # a variable a flag reads that picks the configuration holding this item (`CONFIG = DevConfig if
    # get_debug_flag() else ProdConfig`: FLASK_DEBUG), and the flag's state that picks it: the item holds
    # only where the flag is on (`flag_on`) or only where it is off; several variables joined by "," (a
    # branch `if os.getenv("A") or os.getenv("B"):`) are on where one of them is
    flag: str = ""
    flag_on: bool = False
    # where `switch` names the engine rather than giving a URL (`type: process.env.TYPEORM_CONNECTION`): the
    # value naming each engine in the library that reads it (engine → value; () where none is catalogued).
    # None: the switch gives a URL, or its role is not known
    switch_values: tuple[tuple[str, str], ...] | None = None
    # an engine module imported inside a function (`from sqlalchemy.dialects.postgresql import UUID` in a
    # TypeDecorator's `load_dialect_impl`, under `if dialect.name == "postgresql"`): the code runs on that
    # engine when it is the one connected, which the import does not say (harness.py `_lazy_only`)
    lazy: bool = False

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.col)

    @property
    def rank(self) -> int:
        return KIND_RANK[self.kind]

    @property
    def switched(self) -> bool:
        """Whether something chosen at run time selects it: a variable or a configuration."""
        return bool(self.switch) or self.configuration

    @property
    def switch_shown(self) -> str:
        """The switch as the JSON and messages name it: the variable, or CONFIGURATION_SWITCH."""
        return self.switch or (CONFIGURATION_SWITCH if self.configuration else "")

    @property
    def at_run_time(self) -> bool:
        """Whether this item makes its engine one the application uses when it runs: a connection or
        configuration in application or configuration code, or an engine module the application imports."""
        if self.scope not in (Scope.APPLICATION, Scope.CONFIG) or self.unreached:
            return False
        return self.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG) or (
            self.kind in (EvidenceKind.DIALECT, EvidenceKind.IMPORT) and self.scope is Scope.APPLICATION
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "engine": self.engine,
            "kind": self.kind,
            "scope": self.scope,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "text": self.text,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.switched:
            out["switch"] = self.switch_shown
        if self.inferred:
            out["inferred"] = True
        return out


def unreached_where(evidence: list[Evidence], picked: Callable[[Evidence], bool], why: str) -> list[Evidence]:
    """`evidence`, each item `picked` selects marked `unreached`, `why` added to its detail in parentheses (a
    module nothing imports, a settings module the app never loads, a tool's configuration)."""
    return [
        item._replace(unreached=True, detail=f"{item.detail} ({why})") if picked(item) else item
        for item in evidence
    ]


class EngineStatus(StrEnum):
    """How the project uses an engine: from application code at run time, else where its code is."""

    RUNTIME = "runtime"
    TESTS = "tests"
    MIGRATIONS = "migrations"
    SCRIPTS = "scripts"
    DECLARED = "declared"  # only a dependency or a service
    MENTIONED = "mentioned"  # nothing stronger, e.g. a URL written in code that nothing connects to


class EngineUse(NamedTuple):
    engine: str
    status: EngineStatus
    hard_wired: bool  # some run-time evidence does not depend on an environment switch
    evidence: tuple[Evidence, ...]

    @property
    def strongest(self) -> Evidence:
        return min(self.evidence, key=lambda e: (e.rank, e.scope != Scope.APPLICATION, e.file, e.line))


class RejectedUrl(NamedTuple):
    """A URL in the spelling SQLAlchemy rejects at run time (`postgres://`) that reaches it: through a
    connection call, a SQLAlchemy configuration key or alembic.ini (DB003)."""

    location: Location
    text: str  # the call, assignment or setting as written
    url: str  # shown: holes of an f-string / template as `{…}`
    detail: str  # where the URL came from ("" when written at the call)


class DatabaseReport(NamedTuple):
    uses: dict[str, EngineUse]  # engine → how it is used
    evidence: tuple[Evidence, ...]
    rejected_urls: tuple[RejectedUrl, ...] = ()
    # the variables the project's own `.env` files set (not examples, not the tests'): what an application
    # loading them sees where the harness leaves a variable unset
    env_file: tuple[tuple[str, str], ...] = ()
    # start-up checks that stop the application where they fail (`if (!process.env.X) throw …`)
    stops: tuple[StartupStop, ...] = ()
    # module-level reads of application modules that raise where their variable is unset
    startup_reads: tuple[StartupRead, ...] = ()
    # the variables a runtime of the paper's harness sets beside the application when it loads the
    # runtime's file (express's `.env.development`): seen in the paper's harness only
    paper_runtime: tuple[tuple[str, str], ...] = ()
    # the variables the run script (`run.sh`) sets for the server it starts, in order: the harness runs it
    run_script: tuple[Assignment, ...] = ()

    @property
    def runtime(self) -> list[str]:
        """Engines the application uses at run time (caches included), strongest evidence first."""
        used = [use for use in self.uses.values() if use.status is EngineStatus.RUNTIME]
        return [use.engine for use in sorted(used, key=lambda u: (u.strongest.rank, u.engine))]
