"""Stage 2b — the project's non-code files: manifests, environment files, Compose, Prisma and ORM config.

Read once, turned into plain records (`Dependency`, `Setting`, `Service`, `RunScript`); verifiers never
read files themselves. A malformed file yields a DISC006 finding and is otherwise skipped: one bad
manifest never stops the analysis. Nothing here executes project code.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from cdverify.catalog import make_finding
from cdverify.discover import Project
from cdverify.files import NotReadable, parse_toml, read_regular
from cdverify.model import Finding, Location, Scope

_MAX_BYTES = 1_048_576
_MAX_INCLUDE_DEPTH = 50  # `-r` includes of requirements files
_ENV_FILE = re.compile(r"^\.env(\.[\w.-]+)?$")
_COMPOSE_FILE = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
_REQUIREMENTS = re.compile(r"^requirements([._-][\w.-]*)?\.(txt|in)$")
_DEV_WORDS = re.compile(r"(^|[._/-])(dev|develop|development|test|tests|testing|ci|lint|docs)([._/-]|$)")
_PRISMA_BLOCK = re.compile(r"datasource\s+\w+\s*\{(?P<body>[^}]*)\}", re.S)
_PRISMA_FIELD = re.compile(r"^\s*(provider|url)\s*=\s*(.+?)\s*$", re.M)


class Dependency(NamedTuple):
    """A package a manifest declares. `name` is normalised (PEP 503 for Python, as written for npm)."""

    name: str
    ecosystem: str  # "python" | "node"
    file: str
    line: int
    dev: bool = False
    spec: str = ""  # the requirement as written


class Setting(NamedTuple):
    """A configuration value outside code: `.env` entries, Compose `environment`, Prisma `provider`/`url`,
    `alembic.ini` `sqlalchemy.url`, sequelize-cli and TypeORM JSON config."""

    key: str
    value: str
    file: str
    line: int
    source: str  # "env-file" | "compose" | "prisma" | "alembic" | "sequelize-config" | "typeorm-config"
    section: str = ""  # the environment block of a sequelize-cli config ("development", "test", …)


class Service(NamedTuple):
    """A Docker Compose service."""

    name: str
    image: str
    file: str
    line: int


class RunScript(NamedTuple):
    path: str
    text: str
    executable: bool


@dataclass(frozen=True)
class Manifests:
    dependencies: tuple[Dependency, ...] = ()
    settings: tuple[Setting, ...] = ()
    services: tuple[Service, ...] = ()
    manifest_files: tuple[str, ...] = ()  # requirements*.txt, pyproject.toml, Pipfile, package.json read
    run_script: RunScript | None = None
    data_files: tuple[str, ...] = ()  # *.db / *.sqlite / *.sqlite3 files in the tree
    sql_files: tuple[tuple[str, str], ...] = ()  # (path, text) of hand-written *.sql files
    findings: tuple[Finding, ...] = field(default=(), compare=False)

    @property
    def unreadable(self) -> frozenset[str]:
        """Files that exist but could not be parsed (DISC006)."""
        return frozenset(f.location.path for f in self.findings if f.rule == "DISC006")

    def declared(self, ecosystem: str) -> dict[str, Dependency]:
        out: dict[str, Dependency] = {}
        for dep in self.dependencies:
            if dep.ecosystem == ecosystem and (dep.name not in out or (out[dep.name].dev and not dep.dev)):
                out[dep.name] = dep
        return out


# The everyday requirement line: `name`, `name[extra,…]`, then a version specifier. Anything else
# (markers, URLs, odd spacing) goes to `packaging`, whose import alone costs ~25 ms.
_SIMPLE_REQUIREMENT = re.compile(
    r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([A-Za-z0-9._,\s-]*)\])?\s*"
    r"(?:(?:===|==|~=|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(?:,\s*(?:===|==|~=|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*)*)?$"
)


def parse_requirement(line: str) -> tuple[str, set[str]] | str:
    """(name, extras) of a PEP 508 requirement, or the reason it is not one."""
    match = _SIMPLE_REQUIREMENT.match(line.strip())
    if match is not None:
        extras = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
        return match.group(1), extras
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(line)
    except InvalidRequirement as exc:
        return str(exc)
    return requirement.name, set(requirement.extras)


def normalise_distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


class _Reader:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.root = project.root
        self.dependencies: list[Dependency] = []
        self.settings: list[Setting] = []
        self.services: list[Service] = []
        self.files: list[str] = []
        self.findings: list[Finding] = []

    def read(self, rel: str) -> str | None:
        """The file's text when it is a regular file (not a link, FIFO or device) of at most 1 MiB."""
        try:
            return read_regular(self.root / rel, _MAX_BYTES, follow_symlinks=False).decode("utf-8", "replace")
        except NotReadable:
            return None  # special files are reported by discovery (DISC007), links too (DISC004)

    def table(self, rel: str, value: Any, where: str) -> dict[str, Any]:
        """`value` when it is a table (a JSON object); else {} and a DISC006 finding naming `where`."""
        if value is None or isinstance(value, dict):
            return value or {}
        self.problem(rel, f"{where} is {_shape(value)}, not a table")
        return {}

    def array(self, rel: str, value: Any, where: str) -> list[Any]:
        if value is None or isinstance(value, list):
            return value or []
        self.problem(rel, f"{where} is {_shape(value)}, not an array")
        return []

    def problem(self, rel: str, message: str, line: int = 0) -> None:
        self.findings.append(
            make_finding(
                "DISC006",
                Location(rel, line),
                f"cannot read {PurePosixPath(rel).name}: {message}; its contents were not used",
                evidence=rel,
                hint="fix the file's syntax so that its dependencies and settings can be checked",
            )
        )

    # -- Python manifests -----------------------------------------------------------------------
    def requirements(self, rel: str, seen: set[str], depth: int = 0) -> None:
        if rel in seen:
            return
        seen.add(rel)
        if depth > _MAX_INCLUDE_DEPTH:
            self.problem(rel, f"`-r` includes nested deeper than {_MAX_INCLUDE_DEPTH}, not followed")
            return
        content = self.read(rel)
        if content is None:
            return
        self.files.append(rel)
        dev = bool(_DEV_WORDS.search(PurePosixPath(rel).name))
        for number, raw in enumerate(content.splitlines(), 1):
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith(("-r ", "--requirement ", "-c ")):
                included = line.split(None, 1)[1].strip()
                target = (PurePosixPath(rel).parent / included).as_posix()
                if not line.startswith("-c"):
                    self.requirements(os.path.normpath(target), seen, depth + 1)
                continue
            if line.startswith("-"):
                continue  # --index-url, -e ., --hash … are options, not packages
            parsed = parse_requirement(line)
            if isinstance(parsed, str):
                self.problem(rel, f"line {number}: {parsed.splitlines()[0]}", number)
                continue
            self.add_python(parsed[0], rel, number, dev, line, parsed[1])

    def add_python(self, name: str, rel: str, line: int, dev: bool, spec: str, extras: set[str]) -> None:
        self.dependencies.append(Dependency(normalise_distribution(name), "python", rel, line, dev, spec))
        for extra in extras:  # `databases[postgresql]`, `sqlalchemy[asyncio]`
            extra_name = f"{normalise_distribution(name)}[{extra.lower()}]"
            self.dependencies.append(Dependency(extra_name, "python", rel, line, dev, spec))

    def pyproject(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        data = self.toml(rel, content)
        if data is None:
            return
        self.files.append(rel)
        groups: list[tuple[list[Any], bool]] = []
        project = self.table(rel, data.get("project"), "[project]")
        groups.append((self.array(rel, project.get("dependencies"), "project.dependencies"), False))
        optional = self.table(rel, project.get("optional-dependencies"), "project.optional-dependencies")
        for extra, items in optional.items():
            where = f"project.optional-dependencies.{extra}"
            groups.append((self.array(rel, items, where), bool(_DEV_WORDS.search(extra))))
        for group, items in self.table(rel, data.get("dependency-groups"), "[dependency-groups]").items():
            # dependency groups (PEP 735) are never installed with the package: development only
            items = self.array(rel, items, f"dependency-groups.{group}")
            groups.append(([i for i in items if isinstance(i, str)], True))
        for spec_list, dev in groups:
            for spec in spec_list:
                parsed = parse_requirement(str(spec))
                if not isinstance(parsed, str):
                    self.add_python(parsed[0], rel, _line_of(content, str(spec)), dev, str(spec), parsed[1])
        poetry = self.table(rel, self.table(rel, data.get("tool"), "[tool]").get("poetry"), "[tool.poetry]")
        tables = [
            (self.table(rel, poetry.get("dependencies"), "tool.poetry.dependencies"), False),
            (self.table(rel, poetry.get("dev-dependencies"), "tool.poetry.dev-dependencies"), True),
        ]
        for group, body in self.table(rel, poetry.get("group"), "tool.poetry.group").items():
            body = self.table(rel, body, f"tool.poetry.group.{group}")
            dependencies = self.table(
                rel, body.get("dependencies"), f"tool.poetry.group.{group}.dependencies"
            )
            tables.append((dependencies, bool(_DEV_WORDS.search(group)) or group != "main"))
        for table, dev in tables:
            for name, spec in table.items():
                if name.lower() == "python":
                    continue
                extras = _strings(spec.get("extras")) if isinstance(spec, dict) else set()
                self.add_python(name, rel, _line_of(content, name), dev, f"{name} {spec}", extras)

    def pipfile(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        data = self.toml(rel, content)
        if data is None:
            return
        self.files.append(rel)
        for table, dev in (("packages", False), ("dev-packages", True)):
            for name, spec in self.table(rel, data.get(table), f"[{table}]").items():
                extras = _strings(spec.get("extras")) if isinstance(spec, dict) else set()
                self.add_python(name, rel, _line_of(content, name), dev, f"{name} {spec}", extras)

    def toml(self, rel: str, content: str) -> dict[str, Any] | None:
        document = parse_toml(content)
        if isinstance(document, str):
            self.problem(rel, document)
            return None
        return document

    # -- Node manifests and JSON config -----------------------------------------------------------
    def json(self, rel: str) -> tuple[str, Any] | None:
        content = self.read(rel)
        if content is None:
            return None
        try:
            return content, json.loads(content)
        except json.JSONDecodeError as exc:
            self.problem(rel, f"invalid JSON at line {exc.lineno}: {exc.msg}", exc.lineno)
        except RecursionError:
            self.problem(rel, "values nested too deep to read")
        return None

    def package_json(self, rel: str) -> None:
        loaded = self.json(rel)
        if loaded is None or not isinstance(loaded[1], dict):
            return
        content, data = loaded
        self.files.append(rel)
        for table, dev in (
            ("dependencies", False),
            ("optionalDependencies", False),
            ("peerDependencies", False),
            ("devDependencies", True),
        ):
            for name, spec in self.table(rel, data.get(table), f'"{table}"').items():
                line = _line_of(content, f'"{name}"')
                self.dependencies.append(Dependency(name, "node", rel, line, dev, f"{name}@{spec}"))

    def json_config(self, rel: str, source: str) -> None:
        """sequelize-cli `config/config.json` ({env: {dialect, storage, url, use_env_variable}}) and
        TypeORM `ormconfig.json` ({type, url, database} or a list of them)."""
        loaded = self.json(rel)
        if loaded is None:
            return
        content, data = loaded
        if isinstance(data, list):
            blocks = [("", block) for block in data]
        elif source == "sequelize-config" and isinstance(data, dict):
            blocks = list(data.items())  # one block per NODE_ENV
        else:
            blocks = [("", data)]
        for section, block in blocks:
            if not isinstance(block, dict):
                continue
            start = content.find(f'"{section}"') if section else 0
            for key in ("dialect", "type", "url", "storage", "use_env_variable", "host", "database"):
                value = block.get(key)
                if isinstance(value, str):
                    index = content.find(f'"{key}"', max(start, 0))
                    line = content.count("\n", 0, index) + 1 if index >= 0 else 1
                    self.settings.append(Setting(key, value, rel, line, source, section))

    # -- environment, Compose, Prisma, alembic ----------------------------------------------------
    def env_file(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        from dotenv.parser import parse_stream

        for binding in parse_stream(io.StringIO(content)):
            if binding.key and binding.value is not None:
                self.settings.append(
                    Setting(binding.key, binding.value, rel, binding.original.line, "env-file")
                )

    def compose(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        import yaml

        try:
            document = yaml.compose(content, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            self.problem(rel, str(exc).splitlines()[0])
            return
        except RecursionError:
            self.problem(rel, "values nested too deep to read")
            return
        services = _mapping(document).get("services")
        for name_node, body in _mapping_items(services):
            entries = _mapping(body)
            image = entries.get("image")
            image_text = str(image.value) if isinstance(image, yaml.ScalarNode) else ""
            self.services.append(
                Service(str(name_node.value), image_text, rel, name_node.start_mark.line + 1)
            )
            environment = entries.get("environment")
            if isinstance(environment, yaml.MappingNode):
                for key_node, value_node in environment.value:
                    if isinstance(value_node, yaml.ScalarNode):
                        self.settings.append(
                            Setting(
                                str(key_node.value),
                                str(value_node.value),
                                rel,
                                key_node.start_mark.line + 1,
                                "compose",
                            )
                        )
            elif isinstance(environment, yaml.SequenceNode):
                for item in environment.value:
                    if isinstance(item, yaml.ScalarNode) and "=" in str(item.value):
                        key, value = str(item.value).split("=", 1)
                        self.settings.append(Setting(key, value, rel, item.start_mark.line + 1, "compose"))

    def prisma(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        code = re.sub(r"//[^\n]*", "", content)  # comments never count
        for block in _PRISMA_BLOCK.finditer(code):
            for match in _PRISMA_FIELD.finditer(block.group("body")):
                key, raw = match.group(1), match.group(2)
                line = code.count("\n", 0, block.start("body") + match.start(2)) + 1
                env = re.fullmatch(r'env\(\s*"([^"]+)"\s*\)', raw)
                value = f"env:{env.group(1)}" if env else raw.strip().strip('"')
                self.settings.append(Setting(key, value, rel, line, "prisma"))

    def alembic(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        import configparser  # only projects with an alembic.ini pay for it

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(content)
        except configparser.Error as exc:
            self.problem(rel, str(exc).splitlines()[0])
            return
        for section in parser.sections():
            value = parser[section].get("sqlalchemy.url")
            if value:
                self.settings.append(
                    Setting("sqlalchemy.url", value, rel, _line_of(content, "sqlalchemy.url"), "alembic")
                )


def _mapping(node: Any) -> dict[str, Any]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _mapping_items(node: Any) -> list[tuple[Any, Any]]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return []
    return [(key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]


def _in_scope(project: Project, rel: str) -> bool:
    """Manifests of front-end, vendored, generated and docs folders say nothing about the backend."""
    scope = project.scope_of(rel)
    return scope not in (Scope.FRONTEND, Scope.VENDORED, Scope.GENERATED, Scope.DOCS)


def read_manifests(project: Project) -> Manifests:
    reader = _Reader(project)
    paths = set(project.paths)
    # `.env` files are usually git-ignored, yet the app loads them: read them where manifests live.
    folders = {""} | {
        PurePosixPath(p).parent.as_posix() for p in paths if p.endswith(("package.json", "pyproject.toml"))
    }
    for folder in folders:
        folder = "" if folder == "." else folder
        try:
            names = os.listdir(project.root / folder) if folder else os.listdir(project.root)
        except OSError:
            continue
        for name in names:
            if _ENV_FILE.match(name):
                paths.add(f"{folder}/{name}" if folder else name)
    seen: set[str] = set()
    data_files = []
    sql_files = []
    run_script = None
    for rel in sorted(paths):
        if not _in_scope(project, rel):
            continue
        name = PurePosixPath(rel).name
        if _REQUIREMENTS.match(name) or (
            PurePosixPath(rel).parent.name == "requirements" and name.endswith(".txt")
        ):
            reader.requirements(rel, seen)
        elif name == "pyproject.toml":
            reader.pyproject(rel)
        elif name == "Pipfile":
            reader.pipfile(rel)
        elif name == "package.json":
            reader.package_json(rel)
        elif _ENV_FILE.match(name):
            reader.env_file(rel)
        elif _COMPOSE_FILE.match(name):
            reader.compose(rel)
        elif name.endswith(".prisma"):
            reader.prisma(rel)
        elif name == "alembic.ini":
            reader.alembic(rel)
        elif name == "config.json" and PurePosixPath(rel).parent.name == "config":
            reader.json_config(rel, "sequelize-config")
        elif re.fullmatch(r"ormconfig\.json(\.(example|sample|dist|template))?", name):
            reader.json_config(rel, "typeorm-config")
        elif name.endswith(".sql"):
            content = reader.read(rel)
            if content is not None:
                sql_files.append((rel, content))
        elif name.endswith((".db", ".sqlite", ".sqlite3")):
            data_files.append(rel)
        elif rel == "run.sh":
            run_script = _run_script(project.root, rel)
    return Manifests(
        tuple(reader.dependencies),
        tuple(reader.settings),
        tuple(reader.services),
        tuple(reader.files),
        run_script,
        tuple(data_files),
        sql_files=tuple(sql_files),
        findings=tuple(reader.findings),
    )


def _run_script(root: Path, rel: str) -> RunScript | None:
    path = root / rel
    try:
        mode = path.lstat().st_mode
        content = read_regular(path, _MAX_BYTES, follow_symlinks=False).decode("utf-8", "replace")
    except (OSError, NotReadable):
        return None
    return RunScript(rel, content, bool(mode & stat.S_IXUSR))


def _shape(value: object) -> str:
    from cdverify.config import toml_type

    kind = toml_type(value)
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _strings(value: object) -> set[str]:
    """The strings of a list (Poetry and Pipfile `extras`); anything else holds none."""
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()
