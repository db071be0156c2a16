"""The database-engine verifier: judges what `cdverify.detect.database` found.

Every project gets DB003 (a URL SQLAlchemy rejects reaches it), DB005 (a driver declared that nothing
connects to) and DB006 (a Compose database service the application never uses); a `database`
constraint adds DB001 (the required engine does not serve the application), DB002 (another engine
does too) and DB004 (an environment variable or configuration switches to another engine).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec

from cdverify.catalog import load_rules, make_finding
from cdverify.detect.database import (
    COMPOSE_SERVICE,
    PAPER_ENVIRONMENT,
    DatabaseReport,
    EngineStatus,
    EngineUse,
    Evidence,
    EvidenceKind,
    HarnessEngines,
    HarnessEnvironment,
    RejectedUrl,
    catalogue,
    describe_run,
    in_harness,
    label,
)
from cdverify.detect.database.harness import DECLARED, PAPER, unset_reads
from cdverify.model import Finding, Location, Scope
from cdverify.rules_schema import Engines

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "database"
_SHOWN_FIXES = 5  # the start-up stops of a project as shipped one DB001 hint names, the rest counted


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    """The findings every project gets (unused engines, …), then the required engine's check, judged in
    the harness environment in force (`harness_environment`)."""
    findings = unconditional(analysis.database)
    if constraints is not None and constraints.database:
        environment = harness_environment(config, constraints)
        findings.extend(check(analysis.database, constraints.database, environment))
    return findings


def harness_environment(config: Config, constraints: Constraints) -> HarnessEnvironment | None:
    """The environment the database constraint is judged in: the declared one (`harness_env`, `--env`),
    else the paper's harness for a paper task, else none (the engines the project is configured for)."""
    paper = constraints.task == "paper"
    if config.harness_env is not None:
        return HarnessEnvironment(PAPER if paper else DECLARED, dict(config.harness_env))
    return PAPER_ENVIRONMENT if paper else None


def unconditional(report: DatabaseReport) -> list[Finding]:
    """DB003, DB005 and DB006: the findings that need no constraint, each once."""
    findings = [_rejected(item) for item in report.rejected_urls]
    findings.extend(_unused(report.uses))
    return _dedupe(findings)


def _rejected(item: RejectedUrl) -> Finding:
    sqlalchemy = catalogue().sqlalchemy
    return make_finding(
        "DB003",
        item.location,
        f"SQLAlchemy rejects the URL scheme {sqlalchemy.rejected_scheme} at run time (NoSuchModuleError); "
        + f"this URL reaches it: {item.url}"
        + (f" ({item.detail})" if item.detail else ""),
        evidence=item.text,
        hint=sqlalchemy.hint,
        data={"url": item.url},
    )


def _unused(uses: Mapping[str, EngineUse]) -> list[Finding]:
    findings = []
    for use in uses.values():
        if use.status is EngineStatus.RUNTIME:
            continue
        for item in use.evidence:
            if item.kind is EvidenceKind.DEPENDENCY and item.scope is Scope.APPLICATION:
                findings.append(
                    make_finding(
                        "DB005",
                        item.location,
                        f"{label(use.engine)} driver declared but nothing in the application connects to it"
                        + ("" if use.status is EngineStatus.DECLARED else f" (used in {use.status} only)"),
                        evidence=item.text,
                        hint="remove the dependency, or make it a development dependency if tests need it",
                        data={"engine": use.engine},
                    )
                )
            elif item.kind is EvidenceKind.SERVICE and item.detail == COMPOSE_SERVICE:
                findings.append(
                    make_finding(
                        "DB006",
                        item.location,
                        f"Compose service runs {label(use.engine)} but the application never connects to it",
                        evidence=item.text,
                        hint="remove the service, or point the application's database URL at it",
                        data={"engine": use.engine},
                    )
                )
    return findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, int, str]] = set()
    out = []
    for finding in findings:
        key = (finding.rule, finding.location.path, finding.location.line, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def check(
    report: DatabaseReport, required: str, environment: HarnessEnvironment | None = None
) -> list[Finding]:
    """DB001 the required engine does not serve the application (in `environment`, when one is declared);
    DB002 another engine does; DB004 (information) engines the application switches to through an
    environment variable. With an environment, each finding's data names it."""
    findings = _check(report, required)
    if environment is None:
        return findings
    wanted = load_rules(Engines).constraint.get(required, required)
    use = report.uses.get(wanted)
    if use is not None and use.status is EngineStatus.RUNTIME:
        found = in_harness(report, environment)
        if wanted not in found.holding:
            findings.insert(0, _not_in_harness(wanted, use, found, report))
    judged = environment.to_dict()
    return [dataclasses.replace(f, data={**f.data, "environment": judged}) for f in findings]


def _not_in_harness(wanted: str, use: EngineUse, found: HarnessEngines, report: DatabaseReport) -> Finding:
    """DB001: the application is configured for the required engine, but not in the harness environment."""
    required = label(wanted)
    where = found.environment.describe()
    if found.holding:
        item = min(
            (e for items in found.holding.values() for e in items), key=lambda e: (e.rank, e.file, e.line)
        )
        message = f"{required} is required but in {where} the application runs on {describe_run(found)}"
    else:
        item = min(use.evidence, key=lambda e: (not e.at_run_time, e.rank, e.file, e.line))
        message = (
            f"{required} is required but in {where} the application has no database to start with "
            f"({found.why_not(wanted)})"
        )
    variable, names = _variable(found)
    # a variable naming the engine (`TYPEORM_CONNECTION`) takes the library's name of it, not a URL
    value = dict(names).get(wanted, "") if names is not None else None
    stack = _fix(
        wanted, use.evidence, report, variable if names is None else "DATABASE_URL", found.environment
    )
    if value is not None:
        settings = f"{variable}={value}" if value else f"${variable} naming {required}"
    else:
        settings = f"{variable}={stack.url}" if stack.url else "its settings"
    where = _run_script_sets(report, variable)
    put = (
        f"{settings} at {where}, where the run script gives it to the server (neither a `.env` file nor "
        "a default in code overrides that)"
        if where
        else f"{settings} in a `.env` file the application loads, or as the default in code"
    )
    hint = (
        f"make {required} what the application runs on when the harness's variables are all it "
        f"has: {put} ({stack.hint}){stack.settings_note}"
    )
    needed = _start_variables(found, variable, report)
    if needed:  # another variable stops it first (`os.environ["JWT_SECRET"]`): that is the fix to make
        lines = ", ".join(f"`{name}=…`" for name in needed)
        named = " and ".join("$" + name for name in needed)
        start = (
            f"give {named} a default in code, or set it in a `.env` file the application loads ({lines}), "
            "so that it starts where the harness leaves it unset"
        )
        with_them = msgspec.structs.replace(
            found.environment, variables={**found.environment.variables, **dict.fromkeys(needed, "set")}
        )
        hint = start if wanted in in_harness(report, with_them).holding else f"{start}; then {hint}"
    shipped = [stop for stop in found.stopped if not stop.variables or stop.fix]
    if shipped:  # it stops wherever it runs as shipped (a module or file left out): that comes first
        # every such stop at once (`'/api/auth/*'` and `'/api/users/*'`): one turn of an agent's loop
        fixes = list(
            dict.fromkeys(
                stop.fix
                or (
                    f"make the application start as shipped ({stop.describe()}): add what it needs to the "
                    "project, or remove the statement"
                )
                for stop in shipped
            )
        )
        more = f"; and {len(fixes) - _SHOWN_FIXES} more like it" if len(fixes) > _SHOWN_FIXES else ""
        fix = "; ".join(fixes[:_SHOWN_FIXES]) + more
        without = report._replace(
            stops=tuple(stop for stop in report.stops if stop.variables and not stop.fix)
        )
        hint = fix if wanted in in_harness(without, found.environment).holding else f"{fix}; then {hint}"
    location, evidence = item.location, item.text
    if not found.holding and found.stopped:  # at the stop the message names: what to change is there
        stop = found.stopped[0]
        location, evidence = Location(stop.file, stop.line), stop.text
    return make_finding(
        "DB001",
        location,
        message,
        evidence=evidence,
        hint=hint,
        data={
            "required": wanted,
            "engines": report.runtime,
            "harness_engines": found.engines,
            "switch": variable,
            **({"switch_value": value} if value is not None else {}),
            **({"switch_set_at": where} if where else {}),
            **stack.data,
        },
    )


def _run_script_sets(report: DatabaseReport, variable: str) -> str:
    """Where the run script sets `variable` for the server (`run.sh:4`), "" where it does not."""
    return next((step.where for step in report.run_script if step.name == variable and step.exported), "")


def _start_variables(found: HarnessEngines, database: str, report: DatabaseReport) -> list[str]:
    """The variables other than the database URL's `database` whose absence stops the application at
    start-up there (a required read, a start-up check), in the order found: every read at start-up that
    raises there, not only the first (the next would stop it once that one is set)."""
    names = [item.required_env for item in found.blocked if item.required_env]
    names += [name for stop in found.stopped if not stop.fix for name in stop.variables]
    if found.blocked or found.stopped:
        names += [read.variable for read in unset_reads(report, found.environment)]
    return [name for name in dict.fromkeys(names) if name != database]


def _variable(found: HarnessEngines) -> tuple[str, tuple[tuple[str, str], ...] | None]:
    """The variable the application reads its database URL (or the engine's name) from where the harness sets
    none: the switch of what it runs on there (`DATABASE_URL` when it names none), with the values naming
    each engine where it names the engine (`Evidence.switch_values`; None where it gives a URL)."""
    items = sorted((e for items in found.holding.values() for e in items), key=lambda e: (e.rank, e.file))
    chosen = next((e for e in [*items, *found.dropped, *found.blocked] if e.switch), None)
    return (chosen.switch, chosen.switch_values) if chosen is not None else ("DATABASE_URL", None)


def _check(report: DatabaseReport, required: str) -> list[Finding]:
    wanted = load_rules(Engines).constraint.get(required, required)
    roles = {name: spec.role for name, spec in catalogue().engines.items()}
    findings: list[Finding] = []
    use = report.uses.get(wanted)
    others = [
        other
        for other in report.uses.values()
        if other.engine != wanted
        and other.status is EngineStatus.RUNTIME
        and roles.get(other.engine) != "cache"
    ]
    if use is None or use.status is not EngineStatus.RUNTIME:
        findings.append(_missing(wanted, use, others, report))
    for other in others:
        strongest = other.strongest
        if other.hard_wired:
            # point at what ties the application to the other engine, not at an optional branch
            wired = [e for e in other.evidence if e.at_run_time and not e.switched and not e.inferred]
            strongest = min(wired, key=lambda e: (e.rank, e.file, e.line))
        location = strongest.location
        if other.hard_wired and use is not None and use.status is EngineStatus.RUNTIME:
            findings.append(
                make_finding(
                    "DB002",
                    location,
                    f"the application also uses {label(other.engine)} "
                    f"({strongest.detail or strongest.kind}); only {label(wanted)} may serve it",
                    evidence=strongest.text,
                    hint=f"connect through the {label(wanted)} engine/session the application already has, "
                    f"and remove the {label(other.engine)} code",
                    data={"engine": other.engine, "required": wanted},
                )
            )
        elif not other.hard_wired and use is not None and use.status is EngineStatus.RUNTIME:
            chosen = next((e for e in other.evidence if e.switched), None)
            switch = chosen.switch_shown if chosen is not None else ""
            findings.append(
                make_finding(
                    "DB004",
                    location,
                    f"{label(other.engine)} {_when(chosen)} ({strongest.detail})",
                    evidence=strongest.text,
                    hint=f"fine for development; make sure the deployed configuration uses {label(wanted)}",
                    data={"engine": other.engine, "required": wanted, "switch": switch},
                )
            )
    return findings


@dataclass(frozen=True)
class _Fix:
    """DB001's fix in the application's own database stack: the hint, the exact connection line and the
    harness settings it uses (rules/database/engines.toml `hints`, `connections`, `harness_*`)."""

    hint: str
    url: str = ""  # the required engine's URL in the paper's harness ("" = none catalogued)
    data: Mapping[str, object] = dataclasses.field(default_factory=dict)
    settings_note: str = ""  # `; the paper's harness gives …` when judged in the paper's harness


def _fix(
    wanted: str,
    evidence: Iterable[Evidence],
    report: DatabaseReport,
    variable: str = "DATABASE_URL",
    environment: HarnessEnvironment | None = None,
) -> _Fix:
    """The DB001 fix in the application's own database stack (the first of `hint_stacks` whose marker the
    evidence shows, else `node` or `python`)."""
    spec = catalogue().engines.get(wanted)
    if spec is None:
        return _Fix(f"connect the application to {label(wanted)}")
    seen = [*evidence, *report.evidence]
    stacks = load_rules(Engines).hint_stacks
    stack = next(
        (
            s.name
            for s in stacks.stacks
            if s.name in spec.hints
            and any(
                marker in f"{item.text} {item.detail} {item.file}" for item in seen for marker in s.markers
            )
        ),
        "node" if any(item.file.endswith(stacks.node_files) for item in seen) else "python",
    )
    template = spec.hints.get(stack, f"connect the application to {label(wanted)}")
    line = spec.connections.get(stack, "")
    line = line.replace("{variable}", variable).replace("{url}", spec.harness_url)
    data: dict[str, object] = {"connection_line": line} if line else {}
    note = ""
    if environment is not None and environment.name == PAPER and spec.harness_settings:
        data["harness_settings"] = dict(spec.harness_settings)
        shown = ", ".join(f"{key} {value}" for key, value in spec.harness_settings.items())
        note = f"; the paper's harness gives {label(wanted)} tasks {shown}"
    return _Fix(template.replace("{connection}", line), spec.harness_url, data, note)


def _when(chosen: Evidence | None) -> str:
    """How another engine comes to serve the application: a configuration selected, a variable, or (no
    variable known: an engine inferred from a declared driver for a value computed at run time) maybe."""
    if chosen is not None and chosen.configuration:
        return "is used instead when another of the project's configurations is selected"
    if chosen is None or not chosen.switch:
        return "may be used instead"
    return f"is used instead depending on ${chosen.switch}"


def _missing(wanted: str, use: EngineUse | None, others: list[EngineUse], report: DatabaseReport) -> Finding:
    required = label(wanted)
    if others:
        strongest = others[0].strongest
        used = ", ".join(label(o.engine) for o in others)
        detail = strongest.detail or strongest.kind
        message = f"{required} is required but the application uses {used} ({detail})"
        for default in catalogue().template_defaults.values():
            if detail.endswith(f" ({default.origin})"):
                detail = detail.removesuffix(f" ({default.origin})")
                message = f"{required} is required but the project still has {default.settings} ({detail})"
                break
        location = strongest.location
        evidence = strongest.text
    elif use is not None:
        strongest = use.strongest
        message = (
            f"{required} is required but only appears in {use.status} ({strongest.detail or strongest.kind})"
        )
        location = strongest.location
        evidence = strongest.text
    else:
        message = f"{required} is required but no database connection was found in the application"
        location = Location(".")
        evidence = ""
    fix = _fix(wanted, [*(o.strongest for o in others), *(use.evidence if use else ())], report)
    hint = fix.hint
    switch = others[0].strongest.switch if others else ""
    where = _run_script_sets(report, switch) if switch and fix.url else ""
    if where:  # the run script gives the server the other engine's URL: that is the line to change
        hint = (
            f"set {switch}={fix.url} at {where}, where the run script gives it to the server (neither a "
            f"`.env` file nor a default in code overrides that); the connection: {hint}"
        )
    return make_finding(
        "DB001",
        location,
        message,
        evidence=evidence,
        hint=hint,
        data={"required": wanted, "engines": report.runtime, **fix.data},
    )
