"""The one way to turn a family into a picture: ``draw_family(snapshot, as_at, options)``.

The UI canvas, PDF/SVG export and the ``genomap render`` command all call
:func:`draw_family`, so screen and paper always agree.  The expensive step (Graphviz
layout) is cached by the family's structure, so changing the view date or the
overlays only rebuilds the drawing.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from genomap.drawing.builder import build_drawing
from genomap.drawing.options import DrawOptions
from genomap.drawing.primitives import Drawing
from genomap.layout.engine import Layout, cached_layout
from genomap.store.snapshot import FamilySnapshot


def layout_family(snapshot: FamilySnapshot) -> Layout:
    """The (cached) layout of a family; safe to call from a worker thread."""
    return cached_layout(snapshot)


def draw_family(snapshot: FamilySnapshot, as_at: Optional[date] = None, options: Optional[DrawOptions] = None) -> Drawing:
    """The genogram of ``snapshot`` as at ``as_at`` (default today)."""
    day = as_at or date.today()
    return build_drawing(snapshot, layout_family(snapshot), day, options or DrawOptions())
