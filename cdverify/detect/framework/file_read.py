"""One application file's part of the framework report: its imports and traced calls read apart from
the other files', into a value of its own (`FilePart`), which `collect` adds to the report in the order
of the files. Reading a file also looks at what other files give: other modules' objects (the traced
answers), the application's constants and `.env` values, the app constructor a plugin's `<app>` stands
for. The part notes each of them as it read it, so that, kept between runs (cdverify/partials.py), it is
served again only while its file and every one of those inputs are the same (`still`); the route
configurations of other files are not noted, so a project with any is read whole (see `collect`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from cdverify.detect.framework.catalogue import relevant, server_methods, servers, split
from cdverify.detect.framework.configs import RouteConfigs
from cdverify.detect.framework.installers import plugin_pass
from cdverify.detect.framework.objects import Key, Objects, Recorded, Site
from cdverify.detect.framework.report import EvidenceKind, FrameworkEvidence, Route, RunValue
from cdverify.detect.framework.routes import (
    Collected,
    chained_on,
    chained_paths,
    match,
    options_prefixed,
    path_routes,
)
from cdverify.detect.framework.values import resolve_prefixes
from cdverify.detect.layers import framework_of
from cdverify.detect.tracing import Asked, Instances, asking, foreign, same_answers
from cdverify.manifest_records import Setting
from cdverify.model import (
    APP_PLACEHOLDER,
    PARAM_PLACEHOLDER,
    Assignment,
    CallFact,
    Family,
    FileFacts,
    Template,
)
from cdverify.partials import FileMemo, Noted, same_looks

# per route: (file, (receiver, callee as written, target)), its path when built on a plugin's `opts.prefix`
Placed = tuple[str, tuple[str, str, str], Template | None]
OnParameter = tuple[str, Family, str, CallFact]  # a call on a route installer's parameter, read last
Constant = tuple[str, Assignment]


class FilePart(NamedTuple):
    """What one file adds to the report, with what it read besides the file."""

    asked: Asked  # its questions about other modules' objects, with their answers
    constants: tuple[tuple[str, Constant | None], ...] | None  # the constants it looked up (None: all)
    env: tuple[tuple[str, Setting | None], ...] | None  # the `.env` variables it looked up
    app: tuple[str | None, ...]  # the app constructor `<app>` stood for, when it had a call on it
    evidence: tuple[FrameworkEvidence, ...]
    routes: tuple[Route, ...]
    prefixes: tuple[str, ...]
    app_prefixes: tuple[str, ...]
    ports: tuple[tuple[int, str, int, str], ...]
    port_names: tuple[str, ...]
    used: tuple[tuple[str, RunValue], ...]  # environment values it used, in order
    sites: tuple[tuple[Key, Site], ...]
    recorded: Recorded
    placed: tuple[Placed, ...]
    on_parameters: tuple[OnParameter, ...]

    def into(
        self, found: Collected, objects: Objects, placed: list[Placed], on_parameters: list[OnParameter]
    ) -> None:
        """Add this part to what the files before it gave."""
        found.evidence.extend(self.evidence)
        found.routes.extend(self.routes)
        found.prefixes.update(self.prefixes)
        found.app_prefixes.update(self.app_prefixes)
        found.ports.extend(self.ports)
        found.port_names.extend(self.port_names)
        for variable, value in self.used:
            found.values.used.setdefault(variable, value)
        objects.take(self.sites, self.recorded)
        placed.extend(self.placed)
        on_parameters.extend(self.on_parameters)


def read_call(
    path: str,
    family: Family,
    written: str,
    call: CallFact,
    found: Collected,
    objects: Objects,
    configs: RouteConfigs,
    placed: list[Placed],
) -> None:
    """What one call traced to its object means: a port, an app or router, a mount, a route."""
    base, method = split(call.callee)
    if call.callee in servers(family) or call.callee.endswith(server_methods(family)):
        found.listen(path, call)
    call = resolve_prefixes(configs.given(objects, path, call, base, method), method, found.values, path)
    objects.record(path, family, written, call, base, method)
    before = len(found.routes)
    for spec in relevant(family, call.callee, base):
        match(spec, call, base, method, path, found)
    if len(found.routes) > before:
        template = options_prefixed(call)
        holder = (call.receiver, written, call.target)
        placed.extend((path, holder, template) for _ in range(len(found.routes) - before))


def file_part(
    memo: FileMemo | None,
    path: str,
    file_facts: FileFacts,
    instances: Instances,
    app_of: Mapping[str, str],
    objects: Objects,
    configs: RouteConfigs,
) -> FilePart:
    """`read_file`, kept in `memo` between runs: served again while the file and everything it read
    besides are the same."""
    values = objects.values

    def read() -> FilePart:
        return read_file(path, file_facts, instances, app_of, objects, configs)

    def still(kept: FilePart) -> bool:
        family = file_facts.language.family
        return (
            same_looks(kept.constants, values.constants)
            and same_looks(kept.env, values.env)
            and (not kept.app or kept.app[0] == app_of.get(family))
            and same_answers(kept.asked, path, family, instances)
        )

    return read() if memo is None else memo.value(path, read, still)


def read_file(
    path: str,
    file_facts: FileFacts,
    instances: Instances,
    app_of: Mapping[str, str],
    objects: Objects,
    configs: RouteConfigs,
) -> FilePart:
    """One application file's imports and calls read for the frameworks they name."""
    instances, answers = asking(instances)
    constants, env = Noted(objects.values.constants), Noted(objects.values.env)
    found = Collected(objects.values.reading(constants, env))
    mine = objects.fresh(instances)
    placed: list[Placed] = []
    on_parameters: list[OnParameter] = []
    app: tuple[str | None, ...] = ()
    family = file_facts.language.family
    for fact in file_facts.imports:
        framework = framework_of(fact.specifier, family)
        if framework is not None:
            found.evidence.append(
                FrameworkEvidence(framework, EvidenceKind.IMPORT, path, fact.line, fact.text, fact.col)
            )
    prepared: list[tuple[str, CallFact]] = []  # (callee as written, call traced to its object)
    for call in file_facts.calls:
        written = call.callee
        if (registered := plugin_pass(written, call, family)) is not None:
            mine.passes.append((path, *registered))  # `app.register(items)`: `items(app)`
        if written.startswith(PARAM_PLACEHOLDER):  # read once its callers are known
            on_parameters.append((path, family, written, call))
            continue
        traced = foreign(call.callee, path, family, instances)
        if traced is not None:
            call = call._replace(callee=traced)  # `from app import app` / `require("./app")`
        if written.startswith(("./", "../")) and call.args:
            mine.passes.append((path, written, call))  # `initControllers(router)`
        if call.callee.startswith(APP_PLACEHOLDER):
            app = (app_of.get(family),)
            if family not in app_of:
                continue
            call = call._replace(callee=app_of[family] + call.callee[len(APP_PLACEHOLDER) :])
        prepared.append((written, call))
    for written, call in chained_on(path_routes(chained_paths(prepared))):
        read_call(path, family, written, call, found, mine, configs, placed)
    return FilePart(
        tuple(answers.asked.items()),
        constants.looks(),
        env.looks(),
        app,
        tuple(found.evidence),
        tuple(found.routes),
        tuple(found.prefixes),
        tuple(found.app_prefixes),
        tuple(found.ports),
        tuple(found.port_names),
        tuple(found.values.used.items()),
        tuple(mine.sites.items()),
        Recorded(
            tuple(mine.factories),
            tuple(mine.derived),
            tuple(mine.mounts),
            tuple(mine.autoloads),
            tuple(mine.passes),
            tuple(mine.attached),
        ),
        tuple(placed),
        tuple(on_parameters),
    )
