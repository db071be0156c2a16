"""Applications only a runtime other than Node serves (rules/database/connections.toml `worker_runtimes`):
a Cloudflare Worker exports its app (`export default app`) for wrangler to serve and never starts a server
itself.
The paper's harness starts the application as a Node server, where such a module only loads: nothing listens,
and the application does not start there, whatever its bindings name (a D1 database, a KV namespace).

It is claimed only where every sign agrees: the runtime's configuration file at the application's root
(`wrangler.toml`, or an example of it committed in its place: `wrangler.toml.sample`), the package scripts
that start the application all running the runtime's command (`"dev": "wrangler dev"`, one at least; a
script first entering a folder with a package.json of its own, `"dev:frontend": "cd frontend && pnpm run
dev"`, starts that package and is left out), no run.sh (a run script decides how it starts), and no call
in the application that starts a server (`app.listen(…)`, `serve({ fetch: app.fetch })` of
@hono/node-server, `Bun.serve`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.server_urls import listen_calls
from cdverify.manifest_records import catalogue
from cdverify.model import Family, Scope
from cdverify.rules_schema import Connections, WorkerRuntime

if TYPE_CHECKING:
    from collections.abc import Collection as Files
    from pathlib import Path

    from cdverify.detect.database.collection import Collection


def worker_only(found: Collection, root: Path) -> list[StartupStop]:
    """The stop of an application only a runtime other than Node serves, at its start script."""
    if found.manifests.run_script is not None or listen_calls(found):
        return []
    application = [
        facts
        for path, facts in found.facts.items()
        if found.scope_of(path) is Scope.APPLICATION and facts.language.family is Family.NODE
    ]
    for runtime in load_rules(Connections).worker_runtimes:
        config = _configuration(runtime, root)
        if config is None or any(c.callee in runtime.servers for f in application for c in f.calls):
            continue
        scripts = [
            s
            for s in found.manifests.start_scripts()
            if s.package == "package.json" and not _enters_package(s.command, found.scopes)
        ]
        if scripts and all(_runs(script.command, runtime) for script in scripts):
            script = scripts[0]
            reason = (
                f"runs {runtime.label} ({config}): the application starts no server of its own,"
                " nothing listens where Node runs it"
            )
            return [StartupStop(script.package, script.line, script.command, (), reason)]
    return []


def _configuration(runtime: WorkerRuntime, root: Path) -> str | None:
    """The runtime's configuration file at `root`, else an example of one committed in its place
    (`wrangler.toml.sample`: the real file is kept out of the repository); None when neither is there."""
    names = [
        *runtime.config_files,
        *(example.format(name=name) for name in runtime.config_files for example in runtime.examples),
    ]
    return next((name for name in names if (root / name).is_file()), None)


def _enters_package(command: str, files: Files[str]) -> bool:
    """Whether a script's first step enters a project folder holding a package.json of its own (`files`: the
    project's; `cd frontend && pnpm run dev`): it starts that package (rules/manifests.toml
    `package_json.folder_changes`)."""
    words = re.split(r"&&|\|\||[;|]", command)[0].split()
    if len(words) != 2 or words[0] not in catalogue().package_json.folder_changes:
        return False
    folder = words[1].strip("'\"").rstrip("/")
    if not folder or folder.startswith(("/", "~", "$")) or ".." in folder.split("/") or folder == ".":
        return False
    return f"{folder}/package.json" in files


def _runs(command: str, runtime: WorkerRuntime) -> bool:
    """Whether one step of a script's command runs the runtime (`pnpm seed && wrangler dev`)."""
    steps = re.split(r"&&|\|\||[;|]", command)
    return any(step.split() and step.split()[0] in runtime.commands for step in steps)
