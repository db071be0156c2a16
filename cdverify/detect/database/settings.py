"""Settings an application validates at start-up (rules/database/connections.toml `env_schemas`):
`cleanEnv(process.env, {DATABASE_URL: url()})`, a Joi object with `.required()` fields, a zod object
parsed from the environment. A connection URL read from a field such a schema requires with no default
means the application stops at start-up where the variable is unset: it cannot start in that harness
environment (the connection's `required_env`). Python settings classes (`settings_classes`: pydantic's
`BaseSettings`) are the same: each field reads the variable of its name (`settings_fields`). So does a URL
read from a variable an example env file (`.env.example`) lists when the app loads its `.env` with a loader
that checks the example's variables (dotenv-safe: `env_example_loaders`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from cdverify.manifest_records import Setting
from cdverify.model import CallFact, FileFacts, Value
from cdverify.rules_schema import EnvExampleLoader, EnvJsonSchema, EnvSchema, JsonSchemaBuilder, SettingsClass

# what decides whether a field is required: an environment schema's, or a JSON schema builder's, rules
FieldRules = EnvSchema | JsonSchemaBuilder

_METHOD = re.compile(r"\.(\w+)\(")


class RequiredSetting(NamedTuple):
    """A variable a start-up schema requires with no default, and where the schema is."""

    variable: str
    schema: str  # the schema's label (`envalid's cleanEnv`)
    file: str
    line: int
    listed: Setting | None = None  # the example file's line listing it, for a loader checking the example

    def describe(self) -> str:
        where = f"{self.schema} at {self.file}:{self.line}"
        if self.listed is not None:
            listed = self.listed
            return f"{where} requires every variable {listed.file} lists ({listed.key} at line {listed.line})"
        return f"{where} requires it with no default"


def json_schema_settings(
    facts: Mapping[str, FileFacts], schemas: Iterable[EnvJsonSchema]
) -> dict[str, RequiredSetting]:
    """Variable → where a JSON schema of the environment requires it with no default: in a module importing
    a catalogued validator, an object literal's `required` list minus the `properties` given a `default`
    (a boolean default is not recorded by the parser: such a property counts as having none)."""
    out: dict[str, RequiredSetting] = {}
    for schema in schemas:
        modules = frozenset(schema.imports)
        for path, file_facts in facts.items():
            if not any(fact.specifier in modules for fact in file_facts.imports):
                continue
            lists = [a for a in file_facts.assignments if a.key == "required" and a.value.literals]
            for listed in lists:
                prefix = listed.target.removesuffix("required") + "properties."
                defaulted = {
                    a.target[len(prefix) :].rpartition(".")[0]
                    for a in file_facts.assignments
                    if a.target.startswith(prefix) and a.key == "default"
                }
                for variable in listed.value.literals:
                    if variable not in defaulted:
                        out.setdefault(variable, RequiredSetting(variable, schema.label, path, listed.line))
    return out


def example_loader(
    facts: Mapping[str, FileFacts], loaders: Iterable[EnvExampleLoader]
) -> tuple[str, str, int] | None:
    """Where run-time code loads its `.env` with a loader checking the example file's variables
    (`require('dotenv-safe').config()`, `import 'dotenv-safe/config'`): (label, file, line), or None."""
    for loader in loaders:
        calls, imports = frozenset(loader.calls), frozenset(loader.imports)
        for path, file_facts in facts.items():
            if file_facts.language.family != "node":
                continue
            for fact in file_facts.imports:
                if fact.specifier in imports:
                    return loader.label, path, fact.line
            for call in file_facts.calls:
                if call.callee in calls:
                    return loader.label, path, call.line
    return None


def listed_setting(
    variables: Iterable[str], loader: tuple[str, str, int], examples: Mapping[str, list[Setting]]
) -> RequiredSetting | None:
    """The first of a URL's variables an example env file lists, when the app's loader checks them."""
    for variable in variables:
        listed = examples.get(variable)
        if listed:
            label, path, line = loader
            return RequiredSetting(variable, label, path, line, listed[0])
    return None


def required_setting(
    values: Iterable[Value], schemas: Mapping[str, EnvSchema], facts: Mapping[str, FileFacts]
) -> RequiredSetting | None:
    """The required setting a connection's URL values read (`env.DATABASE_URL` where `env` is the result
    of a catalogued schema), or None when they read none (or its field has a default)."""
    for value in values:
        for traced in value.calls:
            for callee, schema in schemas.items():
                if not traced.startswith(f"{callee}(") or traced.endswith(")"):
                    continue
                key = traced.rpartition(".")[2]
                found = _field(callee, key, schema, facts)
                if found is not None:
                    return found
    return None


def _field(
    callee: str, key: str, schema: EnvSchema, facts: Mapping[str, FileFacts]
) -> RequiredSetting | None:
    """The schema call defining `key`, when it requires the field with no default."""
    for path, file_facts in facts.items():
        for index, call in enumerate(file_facts.calls):
            if call.callee != callee:
                continue
            field = call.kwarg(key)
            if field is None or not field.calls:
                continue
            if field_required(schema, field.calls[0]) and not _has_default(
                schema, call, key, file_facts.calls[index:]
            ):
                return RequiredSetting(key, schema.label, path, call.line)
    return None


def required_fields(call: CallFact, schema: FieldRules, following: Sequence[CallFact]) -> list[str]:
    """The fields a schema call (`z.object({DATABASE_URL: z.string().url(), …})`, TypeBox's
    `Type.Object({PORT: Type.Number()})`) requires with no default; `following`: the file's calls from
    the schema's on."""
    return [
        key
        for key, value in call.kwargs
        if "." not in key
        and value.calls
        and field_required(schema, value.calls[0])
        and not _has_default(schema, call, key, following)
    ]


def field_required(schema: FieldRules, chain: str) -> bool:
    """Whether a field's validator chain (`joi.string().uri().required()`) makes it required."""
    methods = set(_METHOD.findall(f".{chain.split('.', 1)[-1]}"))
    if methods & set(schema.optional):
        return False
    return schema.fields == "all" or bool(methods & set(schema.required))


def _has_default(schema: FieldRules, call: CallFact, key: str, following: Iterable[CallFact]) -> bool:
    """Whether the field's validator is given a default in its options (`str({ default: '3000' })`): the
    n-th field written with the same validator is the n-th call of that validator after the schema's."""
    if not schema.default_keys:
        return False
    chain = dict(call.kwargs)[key].calls[0]
    same = [name for name, value in call.kwargs if value.calls[:1] == (chain,)]
    validators = [c for c in following if c.callee == chain.removesuffix("()") and c.line >= call.line]
    position = same.index(key)
    if position >= len(validators):
        return False
    return validators[position].kwarg(*schema.default_keys) is not None


class SettingsField(NamedTuple):
    """A field of a settings class: the variable it reads, and whether it has a default."""

    variable: str  # the field's name in upper case: pydantic matches variables case-insensitively
    owner: str  # the class
    label: str  # the kind of settings class (`a pydantic BaseSettings class`)
    file: str
    line: int
    default: bool
    elsewhere: bool = False  # a dotenv file outside the project (`env_file="../.env"`) may set it

    def describe(self) -> str:
        return f"{self.label} ({self.owner}) at {self.file}:{self.line} requires it with no default"


def settings_fields(
    facts: Mapping[str, FileFacts], kinds: Mapping[str, SettingsClass]
) -> dict[str, list[SettingsField]]:
    """The fields of the settings classes in `facts` by their name in lower case: classes deriving from a
    catalogued base, or from a project class that does (by its name, a few classes deep)."""
    if not kinds:
        return {}
    label_of: dict[str, str] = {}  # settings class name → its kind's label
    for _ in range(4):  # `AppSettings(BaseAppSettings)`, `BaseAppSettings(BaseSettings)`: a few levels
        before = len(label_of)
        for file_facts in facts.values():
            for name, bases, _line in file_facts.classes:
                for base in bases:
                    kind = kinds.get(base)
                    label = kind.label if kind is not None else label_of.get(base.rpartition(".")[2])
                    if label is not None and name not in label_of:
                        label_of[name] = label
        if len(label_of) == before:
            break
    out: dict[str, list[SettingsField]] = {}
    for path, file_facts in facts.items():
        prefix, outside = _configured(file_facts) if file_facts.members else ("", False)
        for member in file_facts.members:
            label = label_of.get(member.owner)
            if label is None or member.method:
                continue
            variable = prefix + member.name.upper()
            field = SettingsField(variable, member.owner, label, path, member.line, member.default, outside)
            out.setdefault(member.name.lower(), []).append(field)
    return out


def _configured(file_facts: FileFacts) -> tuple[str, bool]:
    """The `env_prefix` a file's settings configuration gives (`SettingsConfigDict(env_prefix="APP_")`),
    and whether it reads a dotenv file outside the project (`env_file="../.env"`)."""
    prefix, outside = "", False
    for call in file_facts.calls:
        given = call.kwarg("env_prefix")
        if given is not None and given.literals:
            prefix = given.literals[0].upper()
        files = call.kwarg("env_file")
        if files is not None:
            outside = outside or any(str(f).startswith(("../", "/", "~")) for f in files.literals)
    return prefix, outside
