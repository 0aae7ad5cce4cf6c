"""Small performance helpers shared by the pure-Python pipelines (no Qt here)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a burst of (acyclic) objects is built.

    A bulk import or a genogram drawing allocates tens or hundreds of thousands of
    long-lived objects (rows, change records, drawing primitives); each allocation
    burst triggers collections that scan them all again, which costs a third of a
    large import and up to a third of a drawing.  Reference counting still frees
    everything; the collector resumes afterwards (only the caller that paused it
    resumes it, so nesting and threads are safe).
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
