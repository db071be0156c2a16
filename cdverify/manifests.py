"""Stage 2b — the project's non-code files: manifests, environment files, Compose, Prisma and ORM config.

Read once, turned into plain records (`Dependency`, `Setting`, `Service`, `RunScript`); detection and the
verifiers never read files themselves. Which file goes to which reader is data: the `[[file]]` entries of
rules/manifests.toml, matched in manifest_files.py (`reader_for`, `manifest_paths`); here `READERS` sends
each file to a small method of `_Reader`, which owns the reading of every format. A
malformed file yields a DISC006 finding and is otherwise skipped (only the bad line of a requirements
file, only the wrong-shaped table of a manifest): one bad manifest never stops the analysis. Nothing here
executes project code.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from cdverify import run_script as shell
from cdverify.catalog import make_finding
from cdverify.discover import Project
from cdverify.files import NotReadable, decode_text, parse_toml, probe, read_regular
from cdverify.generated_clients import GeneratedClient, prisma_generators
from cdverify.manifest_files import manifest_paths
from cdverify.manifest_records import (
    Dependency,
    Manifests,
    PackageJson,
    RunScript,
    Service,
    Setting,
    catalogue,
)
from cdverify.model import Family, Finding, Location
from cdverify.package_scripts import PackageScript, entry_point_files, named_scripts, run_files
from cdverify.rules_schema import DependencyTables, ManifestFile, Reader

_MAX_BYTES = 1_048_576
_MAX_INCLUDE_DEPTH = 50  # `-r` includes of requirements files
_PART_SKIPPED = "it was skipped, the rest of the file was used"  # a table or array of the wrong shape
_PRISMA_BLOCK = re.compile(r"datasource\s+\w+\s*\{(?P<body>[^}]*)\}", re.S)


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


@cache
def _dev_words() -> re.Pattern[str]:
    """A development-only name: one of the catalogue's `dev_words` as a whole word."""
    words = "|".join(re.escape(word) for word in catalogue().dev_words)
    return re.compile(rf"(^|[._/-])({words})([._/-]|$)")


@cache
def _prisma_fields(keys: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^\s*({'|'.join(re.escape(key) for key in keys)})\s*=\s*(.+?)\s*$", re.M)


def _tables(tables: DependencyTables) -> list[tuple[str, bool]]:
    """(table, dev) of a manifest's dependency tables, in reading order."""
    return [(name, False) for name in tables.dependencies] + [
        (name, True) for name in tables.dev_dependencies
    ]


class _Reader:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.root = project.root
        self.dependencies: list[Dependency] = []
        self.settings: list[Setting] = []
        self.services: list[Service] = []
        self.files: list[str] = []
        self.findings: list[Finding] = []
        self.data_files: list[str] = []
        self.sql_files: list[tuple[str, str]] = []
        self.run_script: RunScript | None = None
        self.requirements_seen: set[str] = set()
        self.unreadable: set[str] = set()
        self.generated: list[GeneratedClient] = []
        self.script_files: list[str] = []
        self.scripts: list[PackageScript] = []
        self.packages: list[PackageJson] = []

    def read(self, rel: str) -> str | None:
        """The file's text when it is a regular file (not a link, FIFO or device) of at most 1 MiB."""
        try:
            return decode_text(read_regular(self.root / rel, _MAX_BYTES, follow_symlinks=False))
        except NotReadable:
            return None  # special files are reported by discovery (DISC007), links too (DISC004)

    def table(self, rel: str, value: Any, where: str) -> dict[str, Any]:
        """`value` when it is a table (a JSON object); else {} and a DISC006 finding naming `where`."""
        if value is None or isinstance(value, dict):
            return value or {}
        self.problem(rel, f"{where} is {_shape(value)}, not a table", kept=_PART_SKIPPED)
        return {}

    def array(self, rel: str, value: Any, where: str) -> list[Any]:
        if value is None or isinstance(value, list):
            return value or []
        self.problem(rel, f"{where} is {_shape(value)}, not an array", kept=_PART_SKIPPED)
        return []

    def problem(self, rel: str, message: str, line: int = 0, kept: str = "") -> None:
        """DISC006: `message` says what could not be read; `kept` what of the file was used all the same
        (nothing when empty: the file is unreadable)."""
        if not kept:
            self.unreadable.add(rel)
        self.findings.append(
            make_finding(
                "DISC006",
                Location(rel, line),
                f"cannot read {PurePosixPath(rel).name}: {message}; {kept or 'its contents were not used'}",
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
        dev = bool(_dev_words().search(PurePosixPath(rel).name))
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
                kept = "the line was skipped, the other lines were used"
                self.problem(rel, f"line {number}: {parsed.splitlines()[0]}", number, kept)
                continue
            self.add_python(parsed[0], rel, number, dev, line, parsed[1])

    def add_python(self, name: str, rel: str, line: int, dev: bool, spec: str, extras: set[str]) -> None:
        self.dependencies.append(
            Dependency(normalise_distribution(name), Family.PYTHON, rel, line, dev, spec)
        )
        for extra in extras:  # `databases[postgresql]`, `sqlalchemy[asyncio]`
            extra_name = f"{normalise_distribution(name)}[{extra.lower()}]"
            self.dependencies.append(Dependency(extra_name, Family.PYTHON, rel, line, dev, spec))

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
            groups.append((self.array(rel, items, where), bool(_dev_words().search(extra))))
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
            tables.append((dependencies, bool(_dev_words().search(group)) or group != "main"))
        for table, dev in tables:
            for name, spec in table.items():
                if name.lower() == "python":
                    continue
                extras = _strings(spec.get("extras")) if isinstance(spec, dict) else set()
                self.add_python(name, rel, _line_of(content, name), dev, f"{name} {spec}", extras)
        entry_points = [
            *self.table(rel, project.get("scripts"), "project.scripts").values(),
            *self.table(rel, project.get("gui-scripts"), "project.gui-scripts").values(),
            *self.table(rel, poetry.get("scripts"), "tool.poetry.scripts").values(),
        ]
        found = entry_point_files(rel, entry_points, self.project.paths.__contains__)
        self.script_files += [path for path in found if path not in self.script_files]

    def pipfile(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        data = self.toml(rel, content)
        if data is None:
            return
        self.files.append(rel)
        for table, dev in _tables(catalogue().pipfile):
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
        name = data.get("name")
        self.packages.append(PackageJson(rel, name if isinstance(name, str) else "", "workspaces" in data))
        for table, dev in _tables(catalogue().package_json):
            for name, spec in self.table(rel, data.get(table), f'"{table}"').items():
                line = _line_of(content, f'"{name}"')
                self.dependencies.append(Dependency(name, Family.NODE, rel, line, dev, f"{name}@{spec}"))
        scripts = self.table(rel, data.get("scripts"), '"scripts"')
        runners = catalogue().package_json.runners
        self.script_files += run_files(rel, scripts, runners, self.project.paths.__contains__)
        self.scripts += named_scripts(rel, content, scripts)

    def json_config(self, rel: str, entry: ManifestFile) -> None:
        """sequelize-cli `config/config.json` ({env: {dialect, storage, url, use_env_variable}}) and
        TypeORM `ormconfig.json` ({type, url, database} or a list of them): the entry's `keys`."""
        loaded = self.json(rel)
        if loaded is None:
            return
        content, data = loaded
        if entry.sections and not (isinstance(data, dict) and any(key in data for key in entry.sections)):
            return  # a `config.json` of something else
        if isinstance(data, list):
            blocks = [("", block) for block in data]
        elif entry.reader is Reader.SEQUELIZE_CONFIG and isinstance(data, dict):
            blocks = list(data.items())  # one block per NODE_ENV
        else:
            blocks = [("", data)]
        for section, block in blocks:
            if not isinstance(block, dict):
                continue
            start = content.find(f'"{section}"') if section else 0
            for key in entry.keys:
                value = block.get(key)
                if isinstance(value, str):
                    index = content.find(f'"{key}"', max(start, 0))
                    line = content.count("\n", 0, index) + 1 if index >= 0 else 1
                    self.settings.append(Setting(key, value, rel, line, entry.reader, section))

    def config_file(self, rel: str, entry: ManifestFile) -> None:
        """node-config's `config/default.json`, NODE_ENV files, custom-environment-variables.json; dynaconf's
        `settings.toml` and `.secrets.*`."""
        from cdverify.dynaconf_files import dynaconf_settings
        from cdverify.node_config import node_config_settings

        parse = node_config_settings if entry.reader is Reader.NODE_CONFIG else dynaconf_settings
        read = parse(rel, self.read(rel) or "{}")
        if isinstance(read, str):
            return self.problem(rel, read)
        source = entry.reader
        self.settings += [Setting(n.key, n.value, rel, n.line, source, n.section, n.env_var) for n in read]

    # -- environment, Compose, Prisma, alembic ----------------------------------------------------
    def env_file(self, rel: str) -> None:
        content = self.read(rel)
        if content is None:
            return
        from dotenv.parser import parse_stream

        for binding in parse_stream(io.StringIO(content)):
            if binding.key and binding.value is not None:
                self.settings.append(
                    Setting(binding.key, binding.value, rel, binding.original.line, Reader.ENV_FILE)
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
                                Reader.COMPOSE,
                            )
                        )
            elif isinstance(environment, yaml.SequenceNode):
                for item in environment.value:
                    if isinstance(item, yaml.ScalarNode) and "=" in str(item.value):
                        key, value = str(item.value).split("=", 1)
                        self.settings.append(
                            Setting(key, value, rel, item.start_mark.line + 1, Reader.COMPOSE)
                        )

    def prisma(self, rel: str, entry: ManifestFile) -> None:
        """The entry's `keys` (`provider`, `url`) of each `datasource` block; `env("X")` reads `X`."""
        content = self.read(rel)
        if content is None:
            return
        code = re.sub(r"//[^\n]*", "", content)  # comments never count
        fields = _prisma_fields(entry.keys)
        for block in _PRISMA_BLOCK.finditer(code):
            for match in fields.finditer(block.group("body")):
                key, raw = match.group(1), match.group(2)
                line = code.count("\n", 0, block.start("body") + match.start(2)) + 1
                env = re.fullmatch(r'env\(\s*"([^"]+)"\s*\)', raw)
                if env:
                    self.settings.append(
                        Setting(key, raw.strip(), rel, line, Reader.PRISMA, env_var=env.group(1))
                    )
                else:
                    self.settings.append(Setting(key, raw.strip().strip('"'), rel, line, Reader.PRISMA))
        self.generated.extend(prisma_generators(rel, code, entry.generators))

    def alembic(self, rel: str, entry: ManifestFile) -> None:
        """The entry's `keys` (`sqlalchemy.url`) in any section of alembic.ini."""
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
            for key in entry.keys:
                value = parser[section].get(key)
                if value:
                    self.settings.append(Setting(key, value, rel, _line_of(content, key), Reader.ALEMBIC))

    # -- SQL, database files, the run script ------------------------------------------------------
    def sql(self, rel: str) -> None:
        content = self.read(rel)
        if content is not None:
            self.sql_files.append((rel, content))

    def run(self, rel: str) -> None:
        self.run_script = _run_script(self.root, rel)
        if self.run_script is not None:
            self.settings.extend(run_script_settings(self.run_script))


# The reader of each kind of file (`reader` in rules/manifests.toml).
READERS: Mapping[Reader, Callable[[_Reader, str, ManifestFile], None]] = {
    Reader.REQUIREMENTS: lambda reader, rel, _: reader.requirements(rel, reader.requirements_seen),
    Reader.PYPROJECT: lambda reader, rel, _: reader.pyproject(rel),
    Reader.PIPFILE: lambda reader, rel, _: reader.pipfile(rel),
    Reader.PACKAGE_JSON: lambda reader, rel, _: reader.package_json(rel),
    Reader.ENV_FILE: lambda reader, rel, _: reader.env_file(rel),
    Reader.COMPOSE: lambda reader, rel, _: reader.compose(rel),
    Reader.PRISMA: _Reader.prisma,
    Reader.ALEMBIC: _Reader.alembic,
    Reader.SEQUELIZE_CONFIG: _Reader.json_config,
    Reader.TYPEORM_CONFIG: _Reader.json_config,
    Reader.NODE_CONFIG: _Reader.config_file,
    Reader.DYNACONF: _Reader.config_file,
    Reader.SQL: lambda reader, rel, _: reader.sql(rel),
    Reader.DATABASE_FILE: lambda reader, rel, _: reader.data_files.append(rel),
    Reader.RUN_SCRIPT: lambda reader, rel, _: reader.run(rel),
}


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


def read_manifests(project: Project) -> Manifests:
    reader = _Reader(project)
    for rel, entry in manifest_paths(project):
        READERS[entry.reader](reader, rel, entry)
    return Manifests(
        tuple(reader.dependencies),
        tuple(reader.settings),
        tuple(reader.services),
        tuple(reader.files),
        reader.run_script,
        tuple(reader.data_files),
        sql_files=tuple(reader.sql_files),
        findings=tuple(reader.findings),
        unreadable=frozenset(reader.unreadable),
        generated=tuple(reader.generated),
        script_files=tuple(reader.script_files),
        scripts=tuple(reader.scripts),
        packages=tuple(reader.packages),
    )


def run_script_settings(script: RunScript) -> list[Setting]:
    """The variables a run script sets for its server with values of its own (not an env file's it
    loads, not `$(…)`, not a default of the harness's value), as they are where the harness sets none:
    settings like a `.env` file's."""
    steps = [step for step in shell.assignments(script.text, lambda _path: ()) if not step.literal]
    last = {step.name: step for step in steps if step.value is not None}
    # a variable's own default (`${DATABASE_URL:-…}`) is no fixed value: detect/database/files.py reads it
    values = {
        name: value
        for name, value in shell.environment(steps, {}).items()
        if name not in last or last[name].fallback is None
    }
    lines = shell.assignment_lines(script.text)
    out = [
        Setting(name, value, script.path, lines.get(name, 0), Reader.RUN_SCRIPT)
        for name, value in values.items()
        if value and value != shell.UNKNOWN
    ]
    return sorted(out, key=lambda setting: setting.line)


def _run_script(root: Path, rel: str) -> RunScript | None:
    path = root / rel
    info = probe(path, follow_symlinks=False)
    if info is None:
        return None
    mode = info.st_mode
    try:
        content = read_regular(path, _MAX_BYTES, follow_symlinks=False).decode("utf-8", "replace")
    except NotReadable:
        return None
    return RunScript(rel, content, bool(mode & stat.S_IXUSR))


def _shape(value: object) -> str:
    from cdverify.config import toml_type

    kind = toml_type(value)
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _strings(value: object) -> set[str]:
    """The strings of a list (Poetry and Pipfile `extras`); anything else holds none."""
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()
