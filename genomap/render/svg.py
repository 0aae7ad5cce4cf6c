"""SVG backend: the same :class:`~genomap.drawing.primitives.Drawing` as plain SVG 1.1 XML.

A small hand-written XML writer (no dependency): one element per primitive,
grouped by layer, every text escaped and stripped of characters XML cannot
carry.  SVG's y axis points down like the drawing's, so coordinates are copied
as they are.  Optionally the legend is appended under the genogram.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Iterable, Optional, TextIO
from xml.sax.saxutils import escape, quoteattr

from genomap.drawing.primitives import (
    DASH_PATTERNS, FONT_FAMILIES, TEXT_BASELINE, Align, Drawing, Ellipse, MultiPolyline, Polygon, Polyline,
    Primitive, Rect, Stroke, Text,
)

# XML 1.0 forbids most control characters even when escaped.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FONT = ", ".join(f"'{f}'" if " " in f else f for f in FONT_FAMILIES)
_ANCHOR = {Align.LEFT: "start", Align.CENTER: "middle", Align.RIGHT: "end"}
LEGEND_ROW_H = 20.0
LEGEND_COL_W = 170.0


def _t(s: str) -> str:
    return escape(_BAD_XML.sub("", s))


def _a(s: str) -> str:
    return quoteattr(_BAD_XML.sub("", s))


def _n(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _stroke(stroke: Optional[Stroke]) -> str:
    if stroke is None or stroke.width <= 0:
        return ' stroke="none"'
    out = f' stroke="{_a(stroke.color)[1:-1]}" stroke-width="{_n(stroke.width)}"'
    pattern = DASH_PATTERNS.get(stroke.style, ())
    if pattern:
        out += f' stroke-dasharray="{" ".join(_n(v) for v in pattern)}"'
    return out


def _fill(fill) -> str:
    return ' fill="none"' if fill is None else f' fill={_a(fill.color)}'


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def primitive_svg(p: Primitive, dx: float = 0.0, dy: float = 0.0) -> str:
    """One primitive as an SVG element (offset by dx, dy)."""
    if isinstance(p, Rect):
        r = f' rx="{_n(p.radius)}"' if p.radius > 0 else ""
        return (f'<rect x="{_n(p.x + dx)}" y="{_n(p.y + dy)}" width="{_n(p.w)}" height="{_n(p.h)}"{r}'
                f"{_fill(p.fill)}{_stroke(p.stroke)}/>")
    if isinstance(p, Ellipse):
        return (f'<ellipse cx="{_n(p.cx + dx)}" cy="{_n(p.cy + dy)}" rx="{_n(p.rx)}" ry="{_n(p.ry)}"'
                f"{_fill(p.fill)}{_stroke(p.stroke)}/>")
    if isinstance(p, Polygon):
        pts = _points((x + dx, y + dy) for x, y in p.points)
        return f'<polygon points="{pts}"{_fill(p.fill)}{_stroke(p.stroke)}/>'
    if isinstance(p, Polyline):
        pts = _points((x + dx, y + dy) for x, y in p.points)
        return f'<polyline points="{pts}" fill="none"{_stroke(p.stroke)}/>'
    if isinstance(p, MultiPolyline):
        d = " ".join("M" + " L".join(f"{_n(x + dx)},{_n(y + dy)}" for x, y in path) for path in p.paths)
        return f'<path d="{d}" fill="none"{_stroke(p.stroke)}/>'
    if isinstance(p, Text):
        style = ""
        if p.bold:
            style += ' font-weight="bold"'
        if p.italic:
            style += ' font-style="italic"'
        lines = []
        for i, line in enumerate(p.lines):
            if not line:
                continue
            lines.append(
                f'<text x="{_n(p.x + dx)}" y="{_n(p.baseline(i) + dy)}" font-size="{_n(p.size)}"'
                f' text-anchor="{_ANCHOR[p.align]}" fill={_a(p.color)}{style}>{_t(line)}</text>'
            )
        return "".join(lines)
    return ""


def write_svg(drawing: Drawing, out: TextIO, title: str = "", legend: bool = False) -> None:
    """Write ``drawing`` as an SVG document to the text stream ``out``."""
    width, height = drawing.width, drawing.height
    legend_h = 0.0
    cols = 1
    if legend and drawing.legend:
        cols = max(1, int(width // LEGEND_COL_W))
        rows = -(-len(drawing.legend) // cols)
        legend_h = 24 + rows * LEGEND_ROW_H
    total_h = height + legend_h
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(width)}pt" '
        f'height="{_n(total_h)}pt" viewBox="0 0 {_n(width)} {_n(total_h)}" '
        f'font-family="{_t(_FONT)}" stroke-linecap="butt" stroke-linejoin="miter">\n'
    )
    heading = title or drawing.title
    if heading:
        out.write(f"<title>{_t(heading)}</title>\n")
    if drawing.as_at:
        out.write(f"<desc>{_t('Genogram as at ' + drawing.as_at)}</desc>\n")
    out.write(f'<rect x="0" y="0" width="{_n(width)}" height="{_n(total_h)}" fill="#ffffff" stroke="none"/>\n')
    layer = None
    for p in drawing.primitives:
        if p.layer != layer:
            if layer is not None:
                out.write("</g>\n")
            layer = p.layer
            out.write(f'<g class={_a("layer-" + layer)}>\n')
        out.write(primitive_svg(p))
        out.write("\n")
    if layer is not None:
        out.write("</g>\n")
    if legend_h:
        out.write('<g class="legend">\n')
        out.write(f'<text x="8" y="{_n(height + 16)}" font-size="9" font-weight="bold" fill="#111111">Key</text>\n')
        for i, entry in enumerate(drawing.legend):
            col, row = i % cols, i // cols
            x, y = 8 + col * LEGEND_COL_W, height + 22 + row * LEGEND_ROW_H
            for prim in entry.sample:
                out.write(primitive_svg(prim, x, y))
            out.write(f'<text x="{_n(x + 42)}" y="{_n(y + 9 + 7.5 * TEXT_BASELINE - 4)}" font-size="7.5" '
                      f'fill="#111111">{_t(entry.label)}</text>\n')
        out.write("</g>\n")
    out.write("</svg>\n")


def render_svg(drawing: Drawing, path: Optional[str | Path] = None, title: str = "",
               legend: bool = False) -> str:
    """The drawing as SVG text; also written to ``path`` (as is: callers handle atomicity)."""
    buf = io.StringIO()
    write_svg(drawing, buf, title=title, legend=legend)
    text = buf.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def svg_texts(drawing: Drawing, title: str = "") -> Iterable[str]:
    """Every string an SVG of ``drawing`` contains (for leak checks)."""
    yield title or drawing.title
    yield drawing.as_at
    for p in drawing.primitives:
        if isinstance(p, Text):
            yield from p.lines
    for e in drawing.legend:
        yield e.label
