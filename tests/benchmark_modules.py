"""The benchmarks' scripts as modules, for the tests that build experiments the way the benchmarks do
(run_code.py: a run's code and its patch; make_sample_experiment.py: the sample experiment's runs)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    """benchmarks/`name`.py, imported as the scripts import each other (their folder on sys.path)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)
