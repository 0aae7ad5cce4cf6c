"""A stand-alone sheet: the genogram with a title line, the view date and its key.

Used for PNG output (``genomap render``) and anywhere a single self-explanatory
image is wanted.  (Paper layout with tiling lives in :mod:`genomap.render.page`.)
Pure: returns a new :class:`Drawing`; the genogram's primitives are shifted down
under the header, refs and layers unchanged; header and key use layers "title"
and "legend".
"""

from __future__ import annotations

from dataclasses import replace

from genomap.drawing import style
from genomap.drawing.primitives import (
    Align, Box, Drawing, Ellipse, Fill, MultiPolyline, Polygon, Polyline, Primitive, Rect, Stroke, Text,
)
from genomap.drawing.text import wrap

HEADER_H = 34.0
CELL_W, CELL_H = 36.0, 18.0
ROW_H = 21.0
COL_W = 200.0
KEY_SIZE = 7.5


def translate(p: Primitive, dx: float, dy: float) -> Primitive:
    """The same primitive moved by (dx, dy)."""
    if isinstance(p, Rect):
        return replace(p, x=p.x + dx, y=p.y + dy)
    if isinstance(p, Ellipse):
        return replace(p, cx=p.cx + dx, cy=p.cy + dy)
    if isinstance(p, (Polygon, Polyline)):
        return replace(p, points=tuple((x + dx, y + dy) for x, y in p.points))
    if isinstance(p, MultiPolyline):
        return replace(p, paths=tuple(tuple((x + dx, y + dy) for x, y in path) for path in p.paths))
    if isinstance(p, Text):
        return replace(p, x=p.x + dx, y=p.y + dy)
    raise TypeError(type(p).__name__)


def with_header_and_key(d: Drawing, title: str | None = None, key: bool = True) -> Drawing:
    """The drawing on a sheet with a header (title, 'As at ...') and, below it, the key."""
    title = d.title if title is None else title
    prims: list[Primitive] = []
    top = HEADER_H if (title or d.as_at) else 0.0
    width = max(d.width, 2 * COL_W + 2 * style.MARGIN)
    if top:
        if title:
            prims.append(Text(style.MARGIN, 12, (title,), size=12, bold=True, color=style.TEXT,
                              align=Align.LEFT, layer="title"))
        if d.as_at:
            prims.append(Text(width - style.MARGIN, 14, (f"As at {d.as_at}",), size=9, bold=True,
                              color=style.TEXT_SOFT, align=Align.RIGHT, layer="title"))
        prims.append(Polyline(((style.MARGIN, top - 4), (width - style.MARGIN, top - 4)),
                              Stroke("#cbd5e1", 0.8), layer="title"))
    prims.extend(translate(p, 0, top) for p in d.primitives)
    height = d.height + top
    if key and d.legend:
        cols = max(1, int((width - 2 * style.MARGIN) // COL_W))
        rows = -(-len(d.legend) // cols)
        label_w = COL_W - CELL_W - 12
        # long labels wrap (never cut off); a grid row is as tall as its tallest entry
        labels = [wrap(e.label, label_w, KEY_SIZE) or ("",) for e in d.legend]
        line_h = KEY_SIZE * 1.2
        row_h = [ROW_H] * rows
        for i, lines in enumerate(labels):
            r = i % rows
            row_h[r] = max(row_h[r], len(lines) * line_h + 6)
        row_top = [0.0] * rows
        for r in range(1, rows):
            row_top[r] = row_top[r - 1] + row_h[r - 1]
        y0 = height + 6
        prims.append(Text(style.MARGIN, y0, ("Key",), size=9, bold=True, color=style.TEXT, align=Align.LEFT,
                          layer="legend"))
        y0 += 16
        box_h = sum(row_h) + 8
        prims.append(Rect(style.MARGIN - 6, y0 - 4, min(width - 2 * style.MARGIN, cols * COL_W) + 12, box_h,
                          Stroke("#cbd5e1", 0.8), Fill("#fbfcfe"), radius=6, layer="legend"))
        for i, entry in enumerate(d.legend):
            c, r = divmod(i, rows)
            x = style.MARGIN + c * COL_W
            # sample and label centred on the row (the sample cell is CELL_H tall)
            y = y0 + row_top[r] + (row_h[r] - ROW_H) / 2
            for s in entry.sample:
                prims.append(translate(replace(s, layer="legend"), x, y))
            lines = labels[i]
            prims.append(Text(x + CELL_W + 6, y + (CELL_H - len(lines) * line_h) / 2, lines, size=KEY_SIZE,
                              color=style.TEXT, align=Align.LEFT, layer="legend"))
        height = y0 + box_h + style.MARGIN / 2
    bounds = {k: Box(b.x, b.y + top, b.w, b.h) for k, b in d.bounds.items()}
    return Drawing(width=width, height=height, primitives=tuple(prims), legend=d.legend, title=title,
                   as_at=d.as_at, bounds=bounds)
