"""Framework detection: which web framework serves the application, its routes, prefixes and port.

A framework *serves* the application when application code constructs its app object or registers
routes with it; an import alone is weaker evidence, a declared dependency weaker still. Routes are
read from traced calls (`@bp.route("/x")`, `router.get("/x", …)`, `path("x/", view)`) together with
the prefixes routers and mounts add (`url_prefix=`, `app.use("/api", router)`, `include_router(…,
prefix=)`), followed from module to module: a router exported by one module (or built by a factory
function there) and mounted by another takes the mount's prefix, and the mounter's own. Fastify's
@fastify/autoload adds its folder prefixes to the plugins it loads. The frameworks' names are in
rules/frameworks.toml. The framework verifier (cdverify/verifiers/framework.py) judges the report.

Modules, in the order a call is read: catalogue (the frameworks of the catalogue), values (run-time
values of paths, prefixes, ports), routes (what a call means for a framework), objects (app and router
objects across modules), installers (routers handed to functions), autoload (@fastify/autoload),
settle (where every object sits), paths (joining prefixes), collect (the whole report), report (its
types), language (the application's language).
"""

from __future__ import annotations

from cdverify.detect.framework.collect import collect
from cdverify.detect.framework.language import language_of
from cdverify.detect.framework.report import (
    RANK,
    SERVING,
    EvidenceKind,
    FrameworkEvidence,
    FrameworkReport,
    Route,
    RunValue,
    ValueSource,
)
from cdverify.detect.framework.values import UNKNOWN_PREFIX

__all__ = [
    "RANK",
    "SERVING",
    "UNKNOWN_PREFIX",
    "EvidenceKind",
    "FrameworkEvidence",
    "FrameworkReport",
    "Route",
    "RunValue",
    "ValueSource",
    "collect",
    "language_of",
]
