"""Task-file checks from the paper's prompt: the mandatory files, the health check, `/api` and the port.

TASK001 manifest missing, TASK002 imported package not declared, TASK003 `run.sh` missing,
TASK004 `run.sh` not executable, TASK005 `run.sh` does not run the server in the foreground,
TASK006 no `GET /api/health-check`, TASK007 routes outside `/api`, TASK008 wrong port,
TASK009 port not found. Pure functions over the project model; the run script is read as shell words
(cdverify/run_script.py), never executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify import run_script as shell
from cdverify.catalog import make_finding
from cdverify.detect.framework import FrameworkReport
from cdverify.manifest_records import Manifests, RunScript
from cdverify.manifests import normalise_distribution
from cdverify.model import Family, Finding, Location, TargetKind
from cdverify.resolve.graph import ImportGraph
from cdverify.resolve.python import import_distributions, python_declared

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "task"
DEFAULT_PORTS = {Family.PYTHON: 8080, Family.NODE: 3000}
HEALTH_CHECK = "/api/health-check"
_BACKGROUND_FLAGS = frozenset({"--daemon", "-D", "--detach", "-d", "--background"})
_DEFAULT_EXPANSION = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=](\d+)\}")
_PORT_FLAGS = frozenset({"--port", "-p", "--http-port", "--listen-port"})
_BIND_FLAGS = frozenset({"--bind", "-b", "--host-port", "--listen"})
_UNREADABLE_RULES = ("DISC006", "RES002")  # the findings of a manifest that could not be parsed


def check(
    language: Family,
    manifests: Manifests,
    graph: ImportGraph,
    application: Iterable[str],
    frameworks: FrameworkReport,
    port: int | None = None,
    problems: Iterable[Finding] = (),
) -> list[Finding]:
    """`problems` are the project's findings so far (discovery, manifests, resolution): the one that
    reports an unreadable manifest is named by TASK001."""
    findings: list[Finding] = []
    findings.extend(_manifest(language, manifests, graph, set(application), problems))
    findings.extend(_run_script(manifests.run_script))
    findings.extend(_routes(frameworks))
    findings.extend(_port(language, frameworks, manifests.run_script, port))
    return findings


def _manifest(
    language: Family,
    manifests: Manifests,
    graph: ImportGraph,
    application: set[str],
    problems: Iterable[Finding],
) -> list[Finding]:
    wanted = "requirements.txt" if language == Family.PYTHON else "package.json"
    if wanted in manifests.unreadable:
        # DISC006, or RES002 when the Node resolver read the package.json first (reported once)
        rule = next(
            (f.rule for f in problems if f.location.path == wanted and f.rule in _UNREADABLE_RULES), "DISC006"
        )
        return [
            make_finding(
                "TASK001",
                Location(wanted),
                f"{wanted} cannot be read (see {rule}): the evaluation cannot install dependencies from it",
                evidence=wanted,
                hint=f"fix the syntax of {wanted}",
                data={"manifest": wanted, "reason": "unreadable"},
            )
        ]
    if wanted not in manifests.manifest_files:
        return [
            make_finding(
                "TASK001",
                Location("."),
                f"no {wanted} at the project root: the evaluation installs dependencies from it",
                evidence="",
                hint=f"add {wanted} at the root, declaring every package the code imports",
                data={"manifest": wanted},
            )
        ]
    if language == Family.NODE:
        declared = {dep.name: dep for dep in manifests.dependencies if dep.file == wanted}
    else:
        # what `pip install -r requirements.txt` installs: the root file and the files it includes,
        # never the development requirements
        declared = {
            dep.name: dep
            for dep in manifests.dependencies
            if dep.ecosystem == Family.PYTHON and "requirements" in dep.file and not dep.dev
        }
    findings = []
    reported: set[str] = set()

    for edge in graph.edges:
        if edge.source not in application or edge.resolution.kind is not TargetKind.EXTERNAL:
            continue
        package = edge.resolution.package or ""
        if not package or package in reported or edge.fact.kind.type_only:
            continue
        if language == Family.PYTHON:
            ok = python_declared(package, declared)
        else:
            dep = declared.get(package)
            ok = dep is not None and not dep.dev
        if ok:
            continue
        reported.add(package)
        dev_only = language == Family.NODE and package in declared
        to_add = _distribution_hint(package) if language == Family.PYTHON else package
        hint = f"add {to_add} to {wanted}"
        other = _other_case(package, declared) if language == Family.NODE and not dev_only else None
        if other is not None:  # `koa-bodyParser` for koa-bodyparser: npm installs it under the declared name
            hint = (
                f"import it as {other}, the name {wanted} declares (a case-sensitive file system finds no "
                f"{package})"
            )
        findings.append(
            make_finding(
                "TASK002",
                Location(edge.source, edge.fact.line, edge.fact.col),
                f"{package} is imported but {wanted} does not declare it"
                + (" (only as a devDependency)" if dev_only else "")
                + (f" ({other} differs in case)" if other else ""),
                evidence=edge.fact.text,
                hint=hint,
                data={"package": package, "manifest": wanted},
            )
        )
    return findings


def _other_case(package: str, declared: Mapping[str, object]) -> str | None:
    """The declared dependency whose name is `package` in another case (`koa-bodyparser` for
    `koa-bodyParser`): npm installs it in a folder of that name, which Linux does not match."""
    return next((name for name in sorted(declared) if name.lower() == package.lower()), None)


def _distribution_hint(module: str) -> str:
    """The distribution that installs an imported module: the catalogue's, else the module's name as
    PEP 503 normalises it (`flask_cors` → `flask-cors`, which `Flask-Cors` matches)."""
    names = import_distributions().get(module)
    return names[0] if names else normalise_distribution(module)


def _run_script(script: RunScript | None) -> list[Finding]:
    if script is None:
        return [
            make_finding(
                "TASK003",
                Location("run.sh"),
                "no run.sh at the project root: the evaluation starts the server with ./run.sh",
                hint="add an executable run.sh that `exec`s the server in the foreground",
            )
        ]
    findings = []
    if not script.executable:
        findings.append(
            make_finding(
                "TASK004",
                Location(script.path),
                "run.sh is not executable",
                evidence=script.path,
                hint="chmod +x run.sh (and `git update-index --chmod=+x run.sh` to commit the bit)",
            )
        )
    commands = shell.commands(script.text)
    starters = [
        (words, *shell.program(words)) for words in commands if shell.starts_server(*shell.program(words))
    ]
    if not starters:
        findings.append(
            make_finding(
                "TASK005",
                Location(script.path),
                "run.sh does not start a server that cdverify recognises",
                evidence=" / ".join(" ".join(c) for c in commands[-3:]),
                hint="end run.sh with the command that serves the app, "
                "e.g. `exec python app.py` or `exec node src/server.js`",
                data={"reason": "no-server"},
            )
        )
        return findings
    words, program, args = starters[-1]
    background = words[-1] == "&" and not any(
        c and c[0] == "wait" for c in commands[commands.index(words) + 1 :]
    )
    daemon = any(flag in _BACKGROUND_FLAGS for flag in args) and program in (
        "gunicorn",
        "docker",
        "docker-compose",
        "pm2",
    )
    if program == "pm2" and "--no-daemon" not in args:
        daemon = True
    if background or daemon:
        findings.append(
            make_finding(
                "TASK005",
                Location(
                    script.path,
                    shell.line_of(script.text, next((w for w in words if w not in ("exec", "&")), "")),
                ),
                "run.sh starts the server in the background; it must run in the foreground",
                evidence=" ".join(words),
                hint="drop the trailing `&` / daemon flag and `exec` the server as the last command",
                data={"reason": "background"},
            )
        )
    return findings


def _routes(frameworks: FrameworkReport) -> list[Finding]:
    findings = []
    routes = frameworks.routes
    health = [
        route
        for route in routes
        if route.method in ("GET", "*") or "GET" in route.method.split(",")
        if any(_reaches(p, HEALTH_CHECK) for p in frameworks.full_paths(route))
    ]
    if not health:
        near = [
            r
            for r in routes
            if r.path.rstrip("/").endswith("health-check") or r.path.rstrip("/").endswith("health")
        ]
        findings.append(
            make_finding(
                "TASK006",
                near[0].location if near else Location("."),
                f"no GET {HEALTH_CHECK} route"
                + (f" (found {near[0].method} {near[0].path!r}, not under {HEALTH_CHECK})" if near else ""),
                evidence=near[0].text if near else "",
                hint=f"add a GET {HEALTH_CHECK} route that answers 200",
            )
        )
    for route in routes:
        paths = frameworks.full_paths(route)
        if not any(_reaches(p, "/api") or p.startswith("/api/") or p.startswith("/*") for p in paths):
            findings.append(
                make_finding(
                    "TASK007",
                    route.location,
                    f"route {route.path!r} is not under /api",
                    evidence=route.text,
                    hint="register it on a router mounted under /api "
                    '(e.g. url_prefix="/api" / app.use("/api", router))',
                    data={"path": route.path},
                )
            )
    return findings


def _reaches(path: str, wanted: str) -> bool:
    """`path` is `wanted`, or may be once a prefix computed at run time (`/*/health-check`) is known."""
    if path == wanted:
        return True
    if "/*" not in path:
        return False
    head, _, tail = path.partition("/*")
    return wanted.startswith(head) and wanted.endswith(tail)


def _script_ports(script: RunScript | None) -> list[int]:
    if script is None:
        return []
    ports: list[int] = []
    for words in shell.commands(script.text):
        # `--port="${PORT:-8080}"`: the default of a parameter expansion is the port served
        words = [_DEFAULT_EXPANSION.sub(r"\1", word) for word in words]
        for index, word in enumerate(words):
            nxt = words[index + 1] if index + 1 < len(words) else ""
            if word in _PORT_FLAGS and nxt.isdigit():
                ports.append(int(nxt))
            elif word.split("=", 1)[0] in _PORT_FLAGS and word.split("=", 1)[-1].isdigit():
                ports.append(int(word.split("=", 1)[1]))
            elif word in _BIND_FLAGS and re.search(r":(\d+)$", nxt):
                ports.append(int(nxt.rsplit(":", 1)[1]))
            elif re.match(r"^PORT=(\d+)$", word):
                ports.append(int(word.split("=", 1)[1]))
            elif re.match(r"^(\d{1,3}(\.\d{1,3}){3}|localhost|\[::\]|):(\d+)$", word):
                ports.append(int(word.rsplit(":", 1)[1]))
    return ports


def _port(
    language: Family, frameworks: FrameworkReport, script: RunScript | None, port: int | None
) -> list[Finding]:
    expected = port or DEFAULT_PORTS[language]
    code_ports = [(p, f, line, t) for p, f, line, t in frameworks.ports]
    script_ports = _script_ports(script)
    seen = {p for p, *_ in code_ports} | set(script_ports)
    if not seen:
        return [
            make_finding(
                "TASK009",
                Location("."),
                f"cannot tell which port the server listens on (expected {expected})",
                hint=f"listen on {expected}, e.g. app.run(port={expected}) / app.listen({expected})",
                data={"expected": expected},
            )
        ]
    wrong = [(p, f, line, t) for p, f, line, t in code_ports if p != expected]
    if script_ports:
        # run.sh decides: the port on its command line overrides the code's default
        if expected in script_ports:
            return []
        return [
            make_finding(
                "TASK008",
                Location(script.path if script else "run.sh"),
                f"run.sh serves on port {script_ports[-1]}, not {expected}",
                evidence=str(script_ports[-1]),
                hint=f"serve on port {expected}",
                data={"expected": expected, "found": script_ports[-1]},
            )
        ]
    if expected in seen:
        return []
    first = wrong[0]
    return [
        make_finding(
            "TASK008",
            Location(first[1] or ".", first[2]),
            f"the server listens on port {first[0]}, not {expected}",
            evidence=first[3],
            hint=f"listen on {expected} (a PORT environment variable may override it)",
            data={"expected": expected, "found": first[0]},
        )
    ]


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    """The task files (run.sh, the manifest) and the server the harness starts; the language is the
    one asked for, else the project's."""
    if constraints is None or not constraints.task:
        return []
    language = constraints.language or analysis.language or Family.PYTHON
    return check(
        language,
        analysis.manifests,
        analysis.graph,
        analysis.application,
        analysis.frameworks,
        config.port,
        analysis.findings,
    )
