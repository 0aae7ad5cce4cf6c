"""prepare_drawing: the position-free part of the drawing, made before the layout is known,
gives exactly the drawing build_drawing makes on its own."""

from __future__ import annotations

from datetime import date

import pytest

from genomap.drawing.builder import DrawingPrep, build_drawing, prepare_drawing
from genomap.drawing.options import DrawOptions
from genomap.layout.engine import cached_layout
from genomap.testing.generate import generate_family
from factories import demo_snapshots


def _demo_snapshots(tmp_path):
    return demo_snapshots(tmp_path)


def _same(a, b):
    return a == b and a.bounds == b.bounds and repr(a.primitives) == repr(b.primitives)


@pytest.mark.parametrize("options", [DrawOptions(), DrawOptions(show_dates=False, show_ages=False),
                                     DrawOptions(hide_unborn=False, show_addresses=True)])
def test_prep_made_beforehand_gives_the_same_drawing(tmp_path, options):
    snaps = _demo_snapshots(tmp_path) + [generate_family(3, 120)]
    for snap in snaps:
        lay = cached_layout(snap)
        for day in (date(2012, 1, 1), date(2024, 6, 1)):
            prep = prepare_drawing(snap, day, options)
            assert isinstance(prep, DrawingPrep)
            alone = build_drawing(snap, lay, day, options)
            with_prep = build_drawing(snap, lay, day, options, prep=prep)
            assert _same(alone, with_prep)
            assert _same(alone, build_drawing(snap, lay, day, options, prep=prep))  # a prep serves again


def test_prep_for_another_date_is_refused():
    snap = generate_family(1, 30)
    lay = cached_layout(snap)
    prep = prepare_drawing(snap, date(2020, 1, 1))
    with pytest.raises(ValueError):
        build_drawing(snap, lay, date(2024, 6, 1), prep=prep)
