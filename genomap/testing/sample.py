"""A small hand-made :class:`Drawing` for exercising renderers and the canvas.

Temporary scaffolding until :func:`genomap.pipeline.draw_family` is available;
kept afterwards as a fixed, dependency-free fixture.
"""

from __future__ import annotations

from genomap.drawing.primitives import (
    Align, Box, Drawing, Ellipse, Fill, LegendEntry, LineStyle, Polyline, Rect, Stroke, Text,
)

_LINE = Stroke("#334155", 1.4)


def sample_drawing() -> Drawing:
    """Two parents, two children, a household boundary and one tie."""
    prims = []
    bounds = {}
    prims.append(Rect(10, 10, 300, 190, Stroke("#7c93b5", 1.0, LineStyle.DASHED), Fill("#eef3fb"),
                      radius=12, ref=("household", 1), layer="households"))
    prims.append(Text(18, 14, ("Family home",), size=8, italic=True, align=Align.LEFT,
                      color="#475569", ref=("household", 1), layer="households"))

    def person(pid, x, y, male, name, age):
        if male:
            prims.append(Rect(x - 20, y - 20, 40, 40, _LINE, Fill("#ffffff"), ref=("person", pid)))
        else:
            prims.append(Ellipse(x, y, 20, 20, _LINE, Fill("#ffffff"), ref=("person", pid)))
        prims.append(Text(x, y - 6, (str(age),), size=10, ref=("person", pid)))
        prims.append(Text(x, y + 24, (name,), size=8, ref=("person", pid)))
        bounds[("person", pid)] = Box(x - 20, y - 20, 40, 40)

    person(1, 80, 60, True, "Tom Smith", 34)
    person(2, 240, 60, False, "Ann Smith", 31)
    person(3, 120, 150, False, "Lily Smith", 6)
    person(4, 200, 150, True, "Sam Smith", 3)
    prims.append(Polyline(((100, 60), (220, 60)), _LINE, ref=("partnership", 1)))
    prims.append(Polyline(((160, 60), (160, 105)), _LINE, ref=("partnership", 1)))
    prims.append(Polyline(((120, 105), (200, 105)), _LINE, ref=("partnership", 1)))
    prims.append(Polyline(((120, 105), (120, 130)), _LINE, ref=("parent_link", 1)))
    prims.append(Polyline(((200, 105), (200, 130)), Stroke("#334155", 1.4, LineStyle.DASHED), ref=("parent_link", 2)))
    prims.append(Polyline(((80, 85), (110, 95), (140, 85)), Stroke("#b91c1c", 1.2), ref=("tie", 1), layer="ties"))
    legend = (
        LegendEntry("symbol:male", "Male", (Rect(12, 3, 12, 12, _LINE),)),
        LegendEntry("symbol:female", "Female", (Ellipse(18, 9, 6, 6, _LINE),)),
    )
    return Drawing(320, 210, tuple(prims), legend=legend, title="Sample", as_at="1 Jan 2024", bounds=bounds)
