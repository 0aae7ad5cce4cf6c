"""The one way to turn a family into a picture: ``draw_family(snapshot, as_at, options)``.

The UI canvas, PDF/SVG export and the ``genomap render`` command all call
:func:`draw_family`, so screen and paper always agree.  The expensive step (Graphviz
layout) is cached by the family's structure, so changing the view date or the
overlays only rebuilds the drawing.

When the layout is not cached, Graphviz ``dot`` runs as a child process on the other
core while this thread prepares everything in the drawing that does not depend on
positions (labels, shapes, households, legend): the whole pipeline then costs little
more than ``dot`` itself.  The preparation is reported while ``dot`` still runs (to
``on_prepared``, or to :func:`reporting_preps`' listener of the calling thread), so a
screen can make most of its items then (``genomap.ui.scene.prime_items``), for as long
as ``dot`` runs.  The cyclic
garbage collector is paused while the drawing's (acyclic) primitives are built --
reference counting frees them as usual.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date
from typing import Callable, Iterator, Optional

from genomap.drawing.builder import DrawingPrep, build_drawing, prepare_drawing
from genomap.drawing.options import DrawOptions
from genomap.drawing.primitives import Drawing
from genomap.layout.engine import Layout, cached_layout, start_cached_layout
from genomap.perf import gc_paused
from genomap.store.snapshot import FamilySnapshot


def layout_family(snapshot: FamilySnapshot) -> Layout:
    """The (cached) layout of a family; safe to call from a worker thread."""
    return cached_layout(snapshot)


# listener(prep, dot_running): ``dot_running()`` says whether dot still runs (from any thread)
PrepListener = Callable[[DrawingPrep, Callable[[], bool]], None]
_listening = threading.local()


@contextmanager
def reporting_preps(listener: PrepListener) -> Iterator[None]:
    """While in this block, :func:`draw_family` calls on this thread report their
    preparation to ``listener`` (as ``on_prepared`` would), for callers that run a
    draw function they do not write themselves (the canvas's draw worker)."""
    previous = getattr(_listening, "listener", None)
    _listening.listener = listener
    try:
        yield
    finally:
        _listening.listener = previous


def draw_family(snapshot: FamilySnapshot, as_at: Optional[date] = None, options: Optional[DrawOptions] = None,
                on_prepared: Optional[PrepListener] = None) -> Drawing:
    """The genogram of ``snapshot`` as at ``as_at`` (default today).

    ``on_prepared(prep, dot_running)`` (else the thread's :func:`reporting_preps`
    listener) is called with the drawing's :class:`~genomap.drawing.builder.DrawingPrep`
    while ``dot`` still runs, on this thread -- only then: with the layout cached there
    is no wait to use.  ``dot_running()`` tells the listener, or whoever it hands the
    prep to on another thread, when the wait is over and the drawing is being built.
    """
    day = as_at or date.today()
    opts = options or DrawOptions()
    with gc_paused():
        job = start_cached_layout(snapshot)  # dot starts now, in its own process
        try:
            prep = prepare_drawing(snapshot, day, opts)  # the position-free half, while dot runs
            listener = on_prepared or getattr(_listening, "listener", None)
            waited = threading.Event()
            if listener is not None and not job.done():
                listener(prep, _dot_running(job, waited))
        except BaseException:
            job.cancel()
            raise
        try:
            layout = job.result()
        finally:
            waited.set()
        return build_drawing(snapshot, layout, day, opts, prep=prep)


def _dot_running(job, waited: threading.Event) -> Callable[[], bool]:
    """Is ``job``'s dot still running?  Asked on the drawing's thread (while it reports
    the prep) the job is polled; asked on another, the answer is whether the drawing's
    thread still waits for the job (it never polls a job another thread finishes)."""
    own = threading.get_ident()

    def dot_running() -> bool:
        if threading.get_ident() == own:
            return not job.done()
        return not waited.is_set()

    return dot_running
