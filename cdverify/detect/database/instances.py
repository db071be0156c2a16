"""Settings classes instantiated at start-up (issue 18): pydantic's `BaseSettings` validates its fields as
the instance is built, so `settings = Settings()` at module level of a module the application imports as it
starts — or in a function such a module calls at module level (`container = Container(get_settings())`
with `def get_settings(): return Settings()`) — raises a ValidationError where a field with no default has
no variable (pydantic: "a field without a default value is required"). The application cannot start in a
harness that leaves that variable unset, whatever the field is for (`jwt_secret: str` as surely as
`database_url: PostgresDsn`). A field a subclass gives a default is not required of the subclass; a class
built with arguments (`Settings(database_url=…)`) is left out: the arguments may give the fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from cdverify.detect.database.settings import SettingsField
from cdverify.model import Assignment, FileFacts

_LOCAL_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")  # `get_settings(` (a function of the module)


class Instance(NamedTuple):
    """A settings class built with no arguments at start-up, and the variables it requires there."""

    variables: tuple[str, ...]
    file: str
    line: int
    text: str  # the assignment as written
    label: str  # what building it does where a variable is unset


def required_by_class(
    fields: Mapping[str, list[SettingsField]], facts: Mapping[str, FileFacts]
) -> dict[str, list[SettingsField]]:
    """Settings class name → the fields it requires with no default, its bases' included (by name, a few
    classes deep), in the order written."""
    own: dict[str, dict[str, SettingsField]] = {}
    for items in fields.values():
        for item in items:
            own.setdefault(item.owner, {})[item.variable] = item
    bases = {
        name: [b.rpartition(".")[2] for b in found] for f in facts.values() for name, found, _ in f.classes
    }

    def merged(name: str, depth: int) -> dict[str, SettingsField]:
        out: dict[str, SettingsField] = {}
        if depth < 6:
            for base in bases.get(name, ()):
                if base != name:
                    out.update(merged(base, depth + 1))
        out.update(own.get(name, {}))
        return out

    required = {}
    for name in bases:
        items = [f for f in merged(name, 0).values() if not f.default and not f.elsewhere]
        if items:
            required[name] = sorted(items, key=lambda f: (f.file, f.line))
    return required


def instances(
    path: str,
    assignments: Iterable[Assignment],
    facts: Mapping[str, FileFacts],
    required: Mapping[str, list[SettingsField]],
) -> list[Instance]:
    """The settings classes `assignments` (a start-up module's module-level ones) build with no
    arguments, directly or in a project function they call (one call deep)."""
    if not required:
        return []
    built = _built(required)
    out = []
    for assignment in assignments:
        if assignment.text.startswith("return"):  # what a function returns, when it is called
            continue
        out += _instances(path, assignment, built, required, "")
        for module, function in _project_calls(assignment):
            target = _module_file(module, facts) if module else path
            if target is None:
                continue
            via = f" (called at start-up at {path}:{assignment.line})"
            inner = [
                a
                for a in facts[target].assignments
                if a.scope.startswith(f"{function}@")
                or (a.target == function and a.text.startswith("return"))
            ]
            for other in inner:
                out += _instances(target, other, built, required, via)
    return list(dict.fromkeys(out))


def _built(required: Mapping[str, list[SettingsField]]) -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in sorted(required, key=len, reverse=True))
    return re.compile(rf"(?<![\w])({names})\(\s*\)")


def _instances(
    path: str,
    assignment: Assignment,
    built: re.Pattern[str],
    required: Mapping[str, list[SettingsField]],
    via: str,
) -> list[Instance]:
    out = []
    _target, _equals, right = assignment.text.partition("=")
    for found in built.finditer(right or assignment.text):
        fields = required[found.group(1)]
        kind = fields[0].label
        label = f"raises a ValidationError ({kind} {found.group(1)} requires it with no default){via}"
        variables = tuple(dict.fromkeys(f.variable for f in fields))
        out.append(Instance(variables, path, assignment.line, assignment.text, label))
    return out


def _project_calls(assignment: Assignment) -> list[tuple[str, str]]:
    """(module, function) of the calls an assignment's value makes (`conduit.core.config.get_app_settings()`;
    module "" for a function of its own module: `get_settings()`)."""
    out = []
    for traced in assignment.value.calls:
        name = traced.split("(", 1)[0]
        module, _dot, function = name.rpartition(".")
        if module and function.isidentifier():
            out.append((module, function))
    _target, _equals, right = assignment.text.partition("=")
    out += [("", function) for function in _LOCAL_CALL.findall(right)]
    return out


def _module_file(module: str, facts: Mapping[str, FileFacts]) -> str | None:
    """The Python file of a dotted module name, matched on the tail of its path (a `src/` root)."""
    tail = module.replace(".", "/")
    for path in facts:
        stem = path.removesuffix(".py").removesuffix("/__init__")
        if path.endswith(".py") and (stem == tail or stem.endswith(f"/{tail}")):
            return path
    return None
