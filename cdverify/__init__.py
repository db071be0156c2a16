"""cdverify: does a backend project keep its structural constraints and its HTTP API contract?

Library entry points::

    import cdverify
    report = cdverify.inspect("path/to/project")          # what is detected
    report = cdverify.verify("path/to/project", "flask+clean_architecture")
    report.passed, report.exit_code, report.to_json()
    grading = cdverify.grade("path/to/results")                # a whole experiment: the paper's tables
"""

from __future__ import annotations

__version__ = "0.2.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdverify.config import Config, ConfigError, load_config
    from cdverify.constraints import Constraints, parse_constraints
    from cdverify.grading.grader import grade
    from cdverify.model import Finding, Location, Severity
    from cdverify.pipeline import Report, Verdict, analyse, inspect, verify

# Loaded on first use, so that `cdverify contract …` and `import cdverify.contract` do not pay for the
# static pipeline (tree-sitter, the rule catalogues) they never use.
_EXPORTS = {
    "Config": "cdverify.config",
    "ConfigError": "cdverify.config",
    "load_config": "cdverify.config",
    "Constraints": "cdverify.constraints",
    "parse_constraints": "cdverify.constraints",
    "Finding": "cdverify.model",
    "Location": "cdverify.model",
    "Severity": "cdverify.model",
    "Report": "cdverify.pipeline",
    "Verdict": "cdverify.pipeline",
    "analyse": "cdverify.pipeline",
    "inspect": "cdverify.pipeline",
    "verify": "cdverify.pipeline",
    "grade": "cdverify.grading.grader",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cdverify' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Config",
    "ConfigError",
    "Constraints",
    "Finding",
    "Location",
    "Report",
    "Severity",
    "Verdict",
    "__version__",
    "analyse",
    "grade",
    "inspect",
    "load_config",
    "parse_constraints",
    "verify",
]
