"""The garbage collector's setting while a project is analysed.

An analysis allocates millions of small, long-lived objects (the parsed facts, the graph) and frees few
of them: with CPython's default thresholds (700, 10, 10) the collector runs every 700 allocations and
keeps walking the same live objects, 15 to 20 % of a run on a big tree. Collecting every 50,000 allocations
instead costs no measurable memory (the garbage is rare, and still collected). Measured on Home
Assistant's package, cold: 27.0 → 22.1 s CPU, peak RSS 391 → 384 MB; django: 4.9 → 4.1 s, 95 → 94 MB.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

ANALYSIS_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the analysis thresholds; the caller's are restored after it."""
    previous = gc.get_threshold()
    gc.set_threshold(*ANALYSIS_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
