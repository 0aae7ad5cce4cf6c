"""Renderer-agnostic drawing description: what a genogram page looks like.

Everything the Qt canvas and the PDF/SVG exporters draw comes from a
:class:`Drawing` built here, so screen and paper always agree.  Primitives are
deliberately low-level (rectangles, ellipses, polygons, polylines, text) with
all geometry precomputed by the builder -- zig-zags, arrowheads, slashes and
wrapped text lines included -- so every backend is a thin, dumb translator.

Units are points (1/72 inch), origin top-left, y grows downwards.  Each
primitive carries ``ref`` -- the model object it shows, e.g. ``("person", 12)``
-- and ``layer`` -- which overlay it belongs to ("base", "households",
"agencies", "risk", "moves", "legend", ...) so overlays can be toggled by layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, Union

Point = tuple[float, float]
Ref = Optional[tuple[str, int]]


class LineStyle(str, Enum):
    SOLID = "solid"
    DASHED = "dashed"
    DOTTED = "dotted"
    DASH_DOT = "dash_dot"
    DASH_DOT_DOT = "dash_dot_dot"


# Dash patterns in points (on, off, ...), shared by all renderers.
DASH_PATTERNS: dict[LineStyle, tuple[float, ...]] = {
    LineStyle.SOLID: (),
    LineStyle.DASHED: (6.0, 3.0),
    LineStyle.DOTTED: (1.2, 2.4),
    LineStyle.DASH_DOT: (6.0, 2.5, 1.2, 2.5),
    LineStyle.DASH_DOT_DOT: (6.0, 2.0, 1.2, 2.0, 1.2, 2.0),
}


@dataclass(frozen=True)
class Stroke:
    color: str = "#1f2933"  # hex RGB
    width: float = 1.2
    style: LineStyle = LineStyle.SOLID


@dataclass(frozen=True)
class Fill:
    color: str = "#ffffff"


NO_STROKE: Optional[Stroke] = None
NO_FILL: Optional[Fill] = None


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    stroke: Optional[Stroke] = Stroke()
    fill: Optional[Fill] = None
    radius: float = 0.0
    ref: Ref = None
    layer: str = "base"


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    stroke: Optional[Stroke] = Stroke()
    fill: Optional[Fill] = None
    ref: Ref = None
    layer: str = "base"


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    stroke: Optional[Stroke] = Stroke()
    fill: Optional[Fill] = None
    ref: Ref = None
    layer: str = "base"


@dataclass(frozen=True)
class Polyline:
    points: tuple[Point, ...]
    stroke: Stroke = Stroke()
    ref: Ref = None
    layer: str = "base"


@dataclass(frozen=True)
class MultiPolyline:
    """Several open polylines drawn with one stroke, as one primitive: the marks along
    a tie (chevrons, bars), the two strokes of a deceased person's X, the two brackets
    of an adopted person.  Each path has at least two points."""

    paths: tuple[tuple[Point, ...], ...]
    stroke: Stroke = Stroke()
    ref: Ref = None
    layer: str = "base"


# Where a text line's baseline sits below the top of its line box, as a fraction
# of the font size (centres cap height and x-height in the 1.2 x size line box).
TEXT_BASELINE = 0.93
# Font families, first available wins; all are Helvetica-metric so widths measured
# with Helvetica's metrics (reportlab ``stringWidth``) match every backend.
FONT_FAMILIES: tuple[str, ...] = ("Liberation Sans", "Arial", "Helvetica", "Nimbus Sans", "sans-serif")


class Align(str, Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Text:
    """One or more pre-wrapped lines; (x, y) is the anchor of the first line's top.

    ``align`` says whether x is the left edge, centre or right edge of each line.
    Font is always the sans-serif family (Helvetica metrics); ``size`` in points.
    """

    x: float
    y: float
    lines: tuple[str, ...]
    size: float = 8.0
    bold: bool = False
    italic: bool = False
    color: str = "#1f2933"
    align: Align = Align.CENTER
    ref: Ref = None
    layer: str = "base"
    # optional backdrop colour painted behind the text's lines (1 pt around them), so
    # ties crossing a label do not hide it; renderers without support may ignore it
    background: Optional[str] = None

    @property
    def line_height(self) -> float:
        return self.size * 1.2

    def baseline(self, i: int = 0) -> float:
        """y of line ``i``'s baseline: every renderer places text with this."""
        return self.y + i * self.line_height + self.size * TEXT_BASELINE


Primitive = Union[Rect, Ellipse, Polygon, Polyline, MultiPolyline, Text]


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def intersects(self, other: "Box", margin: float = 0.0) -> bool:
        return not (
            self.right + margin <= other.x
            or other.right + margin <= self.x
            or self.bottom + margin <= other.y
            or other.bottom + margin <= self.y
        )

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom


def shape_box(p: Union[Rect, Ellipse, Polygon, Polyline, MultiPolyline]) -> Box:
    """Bounding box of any primitive but a :class:`Text` (whose width needs a renderer's
    font metrics); a primitive without points has an empty box at (0, 0)."""
    t = type(p)
    if t is Rect:
        return Box(p.x, p.y, p.w, p.h)
    if t is Ellipse:
        return Box(p.cx - p.rx, p.cy - p.ry, 2 * p.rx, 2 * p.ry)
    pts = [q for path in p.paths for q in path] if t is MultiPolyline else p.points
    if not pts:
        return Box(0.0, 0.0, 0.0, 0.0)
    xs = [q[0] for q in pts]
    ys = [q[1] for q in pts]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a sample (primitives in a 0..36 x 0..18 pt cell) and a label."""

    key: str  # stable id, e.g. "symbol:female", "tie:coercive_control"
    label: str
    sample: tuple[Primitive, ...] = ()


@dataclass(frozen=True)
class Drawing:
    """A whole genogram page (without title block or legend placement)."""

    width: float
    height: float
    primitives: tuple[Primitive, ...]
    legend: tuple[LegendEntry, ...] = ()
    title: str = ""
    as_at: str = ""  # the view date as text, shown on screen and every export
    # bounding box of each model object's symbol (selection, fit, hit-tests, checks)
    bounds: dict[tuple[str, int], Box] = field(default_factory=dict, compare=False)

    def layers(self) -> set[str]:
        return {p.layer for p in self.primitives}

    def by_ref(self, ref: tuple[str, int]) -> list[Primitive]:
        return [p for p in self.primitives if p.ref == ref]
