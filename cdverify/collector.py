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
_depth = [0]  # analyses under way in this process (they nest: the result cache wraps the pipeline)
_froze = [False]  # whether an analysis froze objects (a caller's own `gc.freeze` is left alone)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the analysis thresholds; the caller's are restored after it. What the outermost
    block made is frozen when it ends (`gc.freeze`): it lives until the process ends or the next analysis
    begins, which unfreezes it, so that no collection walks those millions of objects again meanwhile
    (Home Assistant, after a one-file edit: a 0.5 s collection when the default thresholds come back)."""
    previous = gc.get_threshold()
    gc.set_threshold(*ANALYSIS_THRESHOLDS)
    _depth[0] += 1
    if _depth[0] == 1 and _froze[0]:
        gc.unfreeze()  # an earlier analysis's objects are the collector's again
        _froze[0] = False
    try:
        yield
    finally:
        _depth[0] -= 1
        if _depth[0] == 0:
            _freeze()
        gc.set_threshold(*previous)


def long_lived() -> None:
    """The objects made so far (the facts just loaded from the cache) live as long as the analysis: no
    collection walks them again (Home Assistant's cached facts: a 0.3 s collection right after loading)."""
    if _depth[0]:
        _freeze()


def _freeze() -> None:
    gc.freeze()
    _froze[0] = True
