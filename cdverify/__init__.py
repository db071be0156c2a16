"""cdverify: does a backend project keep its structural constraints and its HTTP API contract?

Library entry points::

    import cdverify
    report = cdverify.inspect("path/to/project")          # what is detected
    report = cdverify.verify("path/to/project", "flask+clean_architecture")
    report.passed, report.exit_code, report.to_json()
"""

from __future__ import annotations

__version__ = "0.1.0"

from cdverify.config import Config, ConfigError, load_config
from cdverify.constraints import Constraints, parse_constraints
from cdverify.model import Finding, Location, Severity
from cdverify.pipeline import Report, Verdict, analyse, inspect, verify

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
    "inspect",
    "load_config",
    "parse_constraints",
    "verify",
]
