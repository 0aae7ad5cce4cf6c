"""The one way to turn a family into a picture: ``draw_family(snapshot, as_at, options)``.

The UI canvas, PDF/SVG export and the ``genomap render`` command all call
:func:`draw_family`, so screen and paper always agree.  The expensive step (Graphviz
layout) is cached by the family's structure, so changing the view date or the
overlays only rebuilds the drawing.

When the layout is not cached, Graphviz ``dot`` runs as a child process on the other
core while this thread prepares everything in the drawing that does not depend on
positions (labels, shapes, households, legend): the whole pipeline then costs little
more than ``dot`` itself.  The cyclic garbage collector is paused while the drawing's
(acyclic) primitives are built -- reference counting frees them as usual.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from genomap.drawing.builder import build_drawing, prepare_drawing
from genomap.drawing.options import DrawOptions
from genomap.drawing.primitives import Drawing
from genomap.layout.engine import Layout, cached_layout, start_cached_layout
from genomap.perf import gc_paused
from genomap.store.snapshot import FamilySnapshot


def layout_family(snapshot: FamilySnapshot) -> Layout:
    """The (cached) layout of a family; safe to call from a worker thread."""
    return cached_layout(snapshot)


def draw_family(snapshot: FamilySnapshot, as_at: Optional[date] = None, options: Optional[DrawOptions] = None) -> Drawing:
    """The genogram of ``snapshot`` as at ``as_at`` (default today)."""
    day = as_at or date.today()
    opts = options or DrawOptions()
    with gc_paused():
        job = start_cached_layout(snapshot)  # dot starts now, in its own process
        try:
            prep = prepare_drawing(snapshot, day, opts)  # the position-free half, while dot runs
        except BaseException:
            job.cancel()
            raise
        return build_drawing(snapshot, job.result(), day, opts, prep=prep)
