"""The key on page 1 stays inside the page however many entries overlays add."""

from dataclasses import replace

import pytest

from genomap.drawing.primitives import LegendEntry
from genomap.render import page as pg
from genomap.testing.generate import generate_family
from genomap.pipeline import draw_family


@pytest.mark.parametrize("paper,landscape", [("A4", True), ("A4", False), ("A3", True)])
@pytest.mark.parametrize("entries", [10, 30, 48, 70])
def test_key_box_holds_every_entry_inside_the_page(paper, landscape, entries):
    drawing = draw_family(generate_family(seed=3, size=30))
    long = "Risk adult's contact with a child outside their own household: visits, stays, ties"
    legend = tuple(LegendEntry(f"k{i}", f"{long} {i}" if i % 3 == 0 else f"Entry {i}") for i in range(entries))
    plan = pg.plan_pages(replace(drawing, legend=legend), paper, landscape)
    box, lay = plan.legend.box, plan.legend
    assert lay.rows * lay.cols >= entries
    assert pg._legend_h(lay.rows) <= box.h + 0.01  # every row fits in the box
    body = plan.body
    assert body.x - 0.01 <= box.x and box.right <= body.right + 0.01
    assert body.y - 0.01 <= box.y and box.top <= body.top + 0.01  # above the footer, below the title
    assert plan.drawing_area.y >= box.top or plan.drawing_area.right <= box.x  # genogram beside or above
