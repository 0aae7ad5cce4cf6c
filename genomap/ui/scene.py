"""Qt backend for :mod:`genomap.drawing`: drawing primitives -> ``QGraphicsItem``s, and PNG.

One registry (:data:`ITEM_FACTORIES`, napari's ``layer_to_visual`` idea) maps each
primitive type to a small factory; :func:`build_scene_items` makes exactly one item
per primitive, tagged ``item.data(DATA_REF) == primitive.ref`` and
``item.data(DATA_LAYER) == primitive.layer`` so the canvas can select, hit-test and
toggle overlays by layer without knowing anything about genograms.  The tags are read
from ``item.primitive`` (the primitive the item shows) by the item classes' ``data``;
:func:`refill_scene` redraws a scene by resetting its old items where it can.

Rectangles, ellipses and text -- the primitives with a *shape* (see
:mod:`genomap.drawing.shapes`) -- are drawn in item coordinates around one point and
placed with ``setPos``: a redraw moves an item of the same shape instead of remaking
it, and the items of people's symbols, labels and badges can be made while Graphviz
still runs (:func:`prime_items`, :class:`ItemPrimer`) and only moved into place once
the drawing is built.  Lines and polygons keep scene coordinates (position 0, 0).

Units: one scene unit is one point of the drawing (y down), so zoom 1.0 at 72 dpi is
"actual size".  Text is drawn with a pixel-sized font scaled into scene units, which
makes its size independent of the paint device's dpi: 8 pt in the drawing is 8 scene
units tall on screen, in a QImage and on a printer, matching the widths the builder
measured with Helvetica metrics (Liberation Sans / Arial are metric-compatible).
"""

from __future__ import annotations

import os
import sys
import tempfile
from functools import lru_cache
from itertools import chain
from pathlib import Path
from struct import pack
from typing import Callable, Iterable, Optional

from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush, QColor, QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QImage,
    QPainter, QPainterPath, QPen, QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene, QStyleOptionGraphicsItem,
)

from genomap.drawing.primitives import (
    DASH_PATTERNS, FONT_FAMILIES, TEXT_BASELINE, Align, Drawing, Ellipse, Fill, MultiPolyline,
    Polygon, Polyline, Primitive, Rect, Stroke, Text,
)
from genomap.drawing.shapes import SHAPE_KEYS as _SHAPE_KEYS, expected_shapes
from genomap.perf import gc_paused


DATA_REF = 0  # item.data(DATA_REF) -> primitive.ref, e.g. ("person", 12)
DATA_LAYER = 1  # item.data(DATA_LAYER) -> primitive.layer, e.g. "households"

# Stacking of layers; unknown layers sit with "base".  Within a layer items keep the
# drawing's order (Qt stacks equal-z items in insertion order).
LAYER_Z: dict[str, float] = {
    "households": -30.0,
    "household_labels": -25.0,
    "ties": -10.0,
    "base": 0.0,
    "stays": -8.0,  # connectors to a second household pass under symbols and labels
    "moves": 5.0,
    "badges": 10.0,
    "agencies": 12.0,
    "risk": 14.0,
    "title": 20.0,
    "legend": 20.0,
}

_REF_PX = 64.0  # reference pixel size of the font; scaled to each Text's point size


# -- pens, brushes, fonts -----------------------------------------------------

def _pen(stroke: Stroke) -> QPen:
    """A new pen for ``stroke`` (items share them through :func:`_pen_for`)."""
    pen = QPen(QColor(stroke.color))
    pen.setWidthF(stroke.width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    pattern = DASH_PATTERNS.get(stroke.style, ())
    if pattern and stroke.width > 0:
        # Qt dash lengths are in units of the pen width; the drawing's are in points.
        pen.setDashPattern([max(v / stroke.width, 0.01) for v in pattern])
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setCosmetic(False)
    return pen


def _brush(fill: Fill) -> QBrush:
    """A new brush for ``fill`` (items share them through :func:`_brush_for`)."""
    return QBrush(QColor(fill.color))


@lru_cache(maxsize=1)
def font_family() -> str:
    """The first installed Helvetica-metric sans family (needs a QGuiApplication)."""
    try:
        families = set(QFontDatabase.families())
    except Exception:  # noqa: BLE001 - no font database yet
        families = set()
    for fam in FONT_FAMILIES:
        if fam in families:
            return fam
    return "sans-serif"


@lru_cache(maxsize=16)
def _font(bold: bool, italic: bool) -> QFont:
    f = QFont(font_family())
    f.setStyleHint(QFont.StyleHint.SansSerif)
    f.setPixelSize(int(_REF_PX))
    f.setBold(bold)
    f.setItalic(italic)
    # Linear metrics so widths match Helvetica's AFM widths at any scale.
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    f.setKerning(False)
    return f


@lru_cache(maxsize=16)
def _metrics(bold: bool, italic: bool) -> QFontMetricsF:
    return QFontMetricsF(_font(bold, italic))


@lru_cache(maxsize=20000)
def _advance(line: str, bold: bool, italic: bool) -> float:
    """Advance width of a line at the reference pixel size (cached: labels repeat)."""
    return _metrics(bold, italic).horizontalAdvance(line)


# -- items -------------------------------------------------------------------
#
# Building the items is the hot path of every redraw (13,000 items for 1,600 people),
# and with PySide nearly all of its cost is Python -> C++ calls and Python glue, so
# the factories below are written for call count: geometry goes into constructors
# (floats, not QRectF/QPointF objects), pens and brushes come from small dicts keyed
# by plain tuples (a frozen dataclass hashes in Python), long point lists reach Qt in
# one QDataStream read instead of one QPointF each, tags are one Python attribute
# (``item.primitive``) instead of two QVariants, and text is a C++ rectangle item
# that only paints in Python (Qt asks items for their bounds far more often).
# A factory registered for a new primitive type must return an item whose class
# has ``data = _tagged_data``, like the classes here.


def _pen_for(stroke: Optional[Stroke]) -> QPen:
    if stroke is None:
        return _NO_PEN
    key = (stroke.color, stroke.width, stroke.style._value_)
    pen = _PENS.get(key)
    if pen is None:
        pen = _PENS[key] = _pen(stroke)
    return pen


def _brush_for(fill: Optional[Fill]) -> QBrush:
    if fill is None:
        return _NO_BRUSH
    brush = _BRUSHES.get(fill.color)
    if brush is None:
        brush = _BRUSHES[fill.color] = _brush(fill)
    return brush


_PENS: dict[tuple, QPen] = {}
_BRUSHES: dict[str, QBrush] = {}
_NO_PEN = QPen(Qt.PenStyle.NoPen)
_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)

# Point lists longer than this go to Qt as one QDataStream read (QList<QPointF>:
# a big-endian quint32 count, then x, y doubles); shorter ones are cheaper as calls.
_STREAM_MIN_POINTS = 8


def _polygonf(points) -> QPolygonF:
    """QPolygonF of ``points`` ((x, y) tuples), the same as from a list of QPointF."""
    n = len(points)
    if n < _STREAM_MIN_POINTS:
        return QPolygonF([QPointF(x, y) for x, y in points])
    data = QByteArray(pack(f">I{2 * n}d", n, *chain.from_iterable(points)))
    poly = QPolygonF()
    QDataStream(data) >> poly
    if poly.size() != n:  # pragma: no cover - a Qt without the stream format: slow path
        poly = QPolygonF([QPointF(x, y) for x, y in points])
    return poly


def _polyline_path(points) -> QPainterPath:
    """moveTo the first point, lineTo each next (what QPainterPath.addPolygon does)."""
    n = len(points)
    if n >= _STREAM_MIN_POINTS:
        path = QPainterPath()
        path.addPolygon(_polygonf(points))
        return path
    if not n:
        return QPainterPath()
    it = iter(points)
    x, y = next(it)
    path = QPainterPath(QPointF(x, y))
    line_to = path.lineTo
    for x, y in it:
        line_to(x, y)
    return path


def _multipolyline_path(paths) -> QPainterPath:
    """One painter path of several open polylines: moveTo each path's first point, lineTo the rest."""
    path = QPainterPath()
    move_to, line_to = path.moveTo, path.lineTo
    for points in paths:
        it = iter(points)
        x, y = next(it)
        move_to(x, y)
        for x, y in it:
            line_to(x, y)
    return path


_item_data = QGraphicsItem.data


def _tagged_data(self, key):
    """``item.data(DATA_REF)`` / ``item.data(DATA_LAYER)`` read from the item's primitive.

    Tags live in the primitive the item shows (``item.primitive``) instead of two
    ``setData`` calls per item: a Python attribute costs a fraction of a QVariant
    round trip both ways.  Other keys (e.g. overlay roles) are Qt's own item data.
    """
    if key == DATA_REF:
        return self.primitive.ref
    if key == DATA_LAYER:
        return self.primitive.layer
    return _item_data(self, key)


class LineItem(QGraphicsLineItem):
    """A two-point :class:`Polyline`."""

    data = _tagged_data


class PathItem(QGraphicsPathItem):
    """A :class:`Polyline` of more than two points or a :class:`MultiPolyline`."""

    data = _tagged_data


class RectItem(PathItem):
    """A :class:`Rect`: its path in its own coordinates (top-left corner at (0, 0)),
    placed with ``setPos``.

    (Rectangles stay paths: a QGraphicsRectItem is a little faster but antialiases a
    few edge pixels one level differently on screen.)
    """


class EllipseItem(QGraphicsEllipseItem):
    """An :class:`Ellipse`: its rect in its own coordinates (centre at (0, 0)), placed with ``setPos``."""

    data = _tagged_data


class PolygonItem(QGraphicsPolygonItem):
    data = _tagged_data


class TextItem(QGraphicsRectItem):
    """One drawing :class:`Text` (several pre-wrapped lines) as a single item.

    A rectangle item without pen or brush whose rect is the text's box, so Qt asks
    C++ for the bounds (indexing, hit tests, updates) and calls Python only to paint.
    Like every item with a shape (:mod:`genomap.drawing.shapes`) it is drawn in its
    own coordinates, the text's anchor at (0, 0), and placed with ``setPos``.
    ``TextItem(text)`` for one-off use; :func:`build_scene_items` makes them with
    :func:`_text_item`, which skips the Python ``__init__``.
    """

    data = _tagged_data

    def __init__(self, text: Text):
        super().__init__(*_text_box(text))
        self.setPos(text.x, text.y)
        self.setPen(_NO_PEN)
        self.primitive = text

    @property
    def text(self) -> Text:
        return self.primitive

    @property
    def _scale(self) -> float:
        return self.primitive.size / _REF_PX

    @property
    def _widths(self) -> list[float]:
        t = self.primitive
        s = t.size / _REF_PX
        return [_advance(line, t.bold, t.italic) * s for line in t.lines]

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002
        # in the item's coordinates: the text's anchor (x, y) is (0, 0)
        t = self.primitive
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setFont(_font(t.bold, t.italic))
        painter.setPen(QColor(t.color))
        s = t.size / _REF_PX
        lh = t.line_height
        widths = self._widths
        if t.background:
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(t.background))
            for i, w in enumerate(widths):
                x = -w / 2 if t.align is Align.CENTER else (-w if t.align is Align.RIGHT else 0.0)
                painter.drawRect(QRectF(x - 1, i * lh, w + 2, lh))
            painter.restore()
        for i, (line, w) in enumerate(zip(t.lines, widths)):
            x = -w / 2 if t.align is Align.CENTER else (-w if t.align is Align.RIGHT else 0.0)
            painter.save()
            painter.translate(x, i * lh + t.size * TEXT_BASELINE)
            painter.scale(s, s)
            painter.drawText(QPointF(0, 0), line)
            painter.restore()
        painter.restore()


def _text_box(text: Text) -> tuple[float, float, float, float]:
    """The text's box around its anchor: the widest line (Qt's advance) plus 1 pt around.

    Cached by everything the box depends on (labels repeat, and redraws repeat them all).
    """
    key = (text.lines, text.size, text.bold, text.italic, text.align._value_)
    box = _BOXES.get(key)
    if box is None:
        lines = text.lines
        bold, italic = text.bold, text.italic
        w = max([_advance(line, bold, italic) for line in lines], default=0.0) * (text.size / _REF_PX)
        align = text.align
        x0 = -w / 2 if align is _CENTER else (-w if align is _RIGHT else 0.0)
        if len(_BOXES) >= _BOXES_MAX:
            _BOXES.clear()
        box = _BOXES[key] = (x0 - 1, -1.0, w + 2, len(lines) * (text.size * 1.2) + 2)
    return box


_BOXES: dict[tuple, tuple[float, float, float, float]] = {}
_BOXES_MAX = 50000


_CENTER, _RIGHT = Align.CENTER, Align.RIGHT
_new_text = TextItem.__new__
_init_rect_item = QGraphicsRectItem.__init__


def _text_item(p: Text) -> QGraphicsItem:
    item = _new_text(TextItem)
    _init_rect_item(item, *_text_box(p))
    item.setPos(p.x, p.y)
    item.setPen(_NO_PEN)
    return item


def _rect_item(p: Rect) -> QGraphicsItem:
    item = RectItem(_rect_path(p))
    item.setPos(p.x, p.y)
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))
    return item


def _ellipse_item(p: Ellipse) -> QGraphicsItem:
    rx, ry = p.rx, p.ry
    item = EllipseItem(-rx, -ry, 2 * rx, 2 * ry)
    item.setPos(p.cx, p.cy)
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))
    return item


def _polygon_item(p: Polygon) -> QGraphicsItem:
    item = PolygonItem(_polygonf(p.points))
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))
    return item


def _polyline_item(p: Polyline) -> QGraphicsItem:
    pts = p.points
    if len(pts) == 2:
        # most connectors are one straight segment: a line item needs no path
        (x0, y0), (x1, y1) = pts
        item = LineItem(x0, y0, x1, y1)
    else:
        item = PathItem(_polyline_path(pts))
    item.setPen(_pen_for(p.stroke))
    return item


def _multipolyline_item(p: MultiPolyline) -> QGraphicsItem:
    item = PathItem(_multipolyline_path(p.paths))
    item.setPen(_pen_for(p.stroke))
    return item


# The one mapping from primitive type to item factory.
ITEM_FACTORIES: dict[type, Callable[[Primitive], QGraphicsItem]] = {
    Rect: _rect_item,
    Ellipse: _ellipse_item,
    Polygon: _polygon_item,
    Polyline: _polyline_item,
    MultiPolyline: _multipolyline_item,
    Text: _text_item,
}


def make_item(primitive: Primitive) -> QGraphicsItem:
    """One tagged item for one primitive."""
    return _make_items((primitive,))[0]


def _make_items(prims: Iterable[Primitive]) -> list[QGraphicsItem]:
    factories = ITEM_FACTORIES
    layer_z = LAYER_Z
    items: list[QGraphicsItem] = []
    append = items.append
    for p in prims:
        factory = factories.get(type(p))
        if factory is None:
            raise TypeError(f"no Qt item factory for {type(p).__name__}")
        item = factory(p)
        item.primitive = p  # its tags: see _tagged_data
        z = layer_z.get(p.layer)
        if z:  # 0 (and unknown layers) is the default
            item.setZValue(z)
        append(item)
    return items


def build_scene_items(drawing: Drawing, primitives: Optional[Iterable[Primitive]] = None) -> list[QGraphicsItem]:
    """Exactly one item per primitive of ``drawing`` (or of ``primitives``), in drawing order."""
    ensure_gui_app()
    with gc_paused():
        return _make_items(drawing.primitives if primitives is None else primitives)


# -- reusing items (the canvas's redraw) -----------------------------------------
#
# A redraw (view date, edit, relayout) mostly moves and relabels the same kinds of
# things, and with PySide destroying an item costs as much as making one: so the
# canvas hands its old items back and each primitive takes an old item of the kind it
# needs, reset in a few calls (geometry, pen, brush), before new items are made.

def _rect_path(p: Rect) -> QPainterPath:
    """The rectangle's outline with its top-left corner at (0, 0) (shared: paths are
    implicitly shared in Qt, and people's symbols and badges repeat a few sizes)."""
    key = (p.w, p.h, p.radius)
    path = _RECT_PATHS.get(key)
    if path is None:
        path = QPainterPath()
        if p.radius > 0:
            path.addRoundedRect(0.0, 0.0, p.w, p.h, p.radius, p.radius)
        else:
            path.addRect(0.0, 0.0, p.w, p.h)
        if len(_RECT_PATHS) >= _BOXES_MAX:
            _RECT_PATHS.clear()
        _RECT_PATHS[key] = path
    return path


_RECT_PATHS: dict[tuple, QPainterPath] = {}


def _reset_rect(item: RectItem, p: Rect) -> None:
    item.setPath(_rect_path(p))
    item.setPos(p.x, p.y)
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))


def _reset_ellipse(item: EllipseItem, p: Ellipse) -> None:
    rx, ry = p.rx, p.ry
    item.setRect(-rx, -ry, 2 * rx, 2 * ry)
    item.setPos(p.cx, p.cy)
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))


def _reset_polygon(item: PolygonItem, p: Polygon) -> None:
    item.setPolygon(_polygonf(p.points))
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))


def _reset_polyline(item: QGraphicsItem, p: Polyline) -> None:
    pts = p.points
    if len(pts) == 2:
        (x0, y0), (x1, y1) = pts
        item.setLine(x0, y0, x1, y1)
    else:
        item.setPath(_polyline_path(pts))
    item.setPen(_pen_for(p.stroke))


def _reset_multipolyline(item: PathItem, p: MultiPolyline) -> None:
    item.setPath(_multipolyline_path(p.paths))
    item.setPen(_pen_for(p.stroke))


def _reset_text(item: TextItem, p: Text) -> None:
    # (an unchanged box repaints too: refill_scene has the whole scene repainted)
    item.setRect(*_text_box(p))
    item.setPos(p.x, p.y)


# The item class ITEM_FACTORIES makes for each primitive type (a two-point Polyline: LineItem).
_ITEM_KINDS: dict[type, type] = {
    Rect: RectItem, Ellipse: EllipseItem, Polygon: PolygonItem, Polyline: PathItem, MultiPolyline: PathItem,
    Text: TextItem,
}
_RESETTERS: dict[type, Callable[[QGraphicsItem, Primitive], None]] = {
    Rect: _reset_rect,
    Ellipse: _reset_ellipse,
    Polygon: _reset_polygon,
    Polyline: _reset_polyline,
    MultiPolyline: _reset_multipolyline,
    Text: _reset_text,
}


def refill_scene(scene: QGraphicsScene, old_items: Iterable[QGraphicsItem],
                 primitives: Iterable[Primitive], primed: Optional["PrimedItems"] = None) -> list[QGraphicsItem]:
    """Make ``scene`` show ``primitives`` instead of ``old_items`` (items this module made
    that are in ``scene``); return exactly one item per primitive, in drawing order.

    Each rectangle and ellipse first takes an old item of the same shape
    (:mod:`genomap.drawing.shapes`), which only moves (``setPos``).  Every other
    primitive takes an old item of the kind it needs, reset in a few calls, else one of
    the ``primed`` items of its shape (made while ``dot`` ran, see :func:`prime_items`),
    which moves and joins the scene, else a new one is made.  Old items left over are removed
    from the scene; primed ones no primitive claims stay in ``primed``, in no scene
    (drop it when convenient: deleting an item costs about what making one does).

    Items stack by layer and, within a layer, in drawing order, as with
    :func:`build_scene_items`.  Without old items (a first drawing) that is what adding
    the items in drawing order gives, each with its layer's z; reused items keep their
    old place in Qt's insertion order, so otherwise every item's z value is its layer's
    z plus ``index / count`` (below 1, while layers are at least 2 apart).  Visibility
    is left as it was.
    """
    old = old_items if isinstance(old_items, (list, tuple)) else list(old_items)
    prims = primitives if isinstance(primitives, (list, tuple)) else list(primitives)
    made = primed._by_key if primed is not None else {}
    # One repaint of everything instead of per-item bookkeeping: while a full update
    # is pending the scene does not track each changed item's old and new area.
    scene.update()
    with gc_paused():
        if old:
            return _refill(scene, old, prims, made)
        return _fill(scene, prims, made)


def _fill(scene: QGraphicsScene, prims, made: dict[tuple, list[QGraphicsItem]]) -> list[QGraphicsItem]:
    """:func:`refill_scene` without old items (a first drawing): one pass, each item a
    primed one moved into place or a new one, added in drawing order with its layer's z
    (insertion order stacks the rest; a ``setZValue`` costs about what ``addItem`` does)."""
    keys = _SHAPE_KEYS if made else {}
    factories = ITEM_FACTORIES
    layer_z = LAYER_Z
    ellipse = Ellipse
    add = scene.addItem
    items: list[QGraphicsItem] = []
    append = items.append
    for p in prims:
        t = type(p)
        key = keys.get(t)
        pool = made.get(key(p)) if key is not None else None
        if pool:
            item = pool.pop()
            if t is ellipse:
                item.setPos(p.cx, p.cy)
            else:
                item.setPos(p.x, p.y)
        else:
            factory = factories.get(t)
            if factory is None:
                raise TypeError(f"no Qt item factory for {t.__name__}")
            item = factory(p)
        item.primitive = p
        z = layer_z.get(p.layer)
        if z:
            item.setZValue(z)
        add(item)
        append(item)
    return items


# The shapes whose old items a redraw matches by shape: moving one saves resetting its
# geometry, pen and brush.  A text's reset (its box) costs no more than working out its
# shape key, so old text items are reused by kind.
_MOVED: dict[type, Callable[[Primitive], tuple]] = {t: k for t, k in _SHAPE_KEYS.items() if t is not Text}


def _refill(scene: QGraphicsScene, old_items: list[QGraphicsItem], prims,
            made: dict[tuple, list[QGraphicsItem]]) -> list[QGraphicsItem]:
    moved = _MOVED
    # old items: those moved rather than reset by shape, the others by kind
    shaped: dict[tuple, list[QGraphicsItem]] = {}
    pools: dict[type, list[QGraphicsItem]] = {}
    for item in old_items:
        p = item.primitive
        key = moved.get(type(p))
        if key is None:
            t = type(item)
            if t in pools:
                pools[t].append(item)
            else:
                pools[t] = [item]
        else:
            k = key(p)
            if k in shaped:
                shaped[k].append(item)
            else:
                shaped[k] = [item]
    n = len(prims)
    step = 1.0 / max(n, 1)
    layer_z = LAYER_Z
    kinds = _ITEM_KINDS
    resetters = _RESETTERS
    items: list = [None] * n
    fresh: list[QGraphicsItem] = []
    missed: list[tuple[int, tuple]] = []  # (index, shape key) of rectangles and ellipses no old shape fits
    ellipse, polyline, line_item = Ellipse, Polyline, LineItem
    for i, p in enumerate(prims):
        t = type(p)
        key = moved.get(t)
        if key is not None:
            k = key(p)
            pool = shaped.get(k)
            if not pool:
                missed.append((i, k))
                continue
            item = pool.pop()
            if t is ellipse:
                item.setPos(p.cx, p.cy)
            else:
                item.setPos(p.x, p.y)
        else:
            pool = pools.get(line_item if t is polyline and len(p.points) == 2 else kinds.get(t))
            if pool:
                item = pool.pop()
                resetters[t](item, p)
            else:
                item = _primed_or_new(p, made)
                fresh.append(item)
        item.primitive = p
        item.setZValue(layer_z.get(p.layer, 0.0) + i * step)
        items[i] = item
    # Rectangles and ellipses of a new shape: an old one left over, reset (an old item
    # left over costs its removal and deletion, more than a primed one saves), else a
    # primed one of the shape, moved, else a new one.
    for item in chain.from_iterable(shaped.values()):
        pools.setdefault(type(item), []).append(item)
    for i, k in missed:
        p = prims[i]
        t = type(p)
        pool = pools.get(kinds[t])
        if pool:
            item = pool.pop()
            resetters[t](item, p)
        else:
            item = _primed_or_new(p, made, k)
            fresh.append(item)
        item.primitive = p
        item.setZValue(layer_z.get(p.layer, 0.0) + i * step)
        items[i] = item
    add = scene.addItem
    for item in fresh:
        add(item)
    remove = scene.removeItem
    for pool in pools.values():
        for item in pool:
            remove(item)
    return items


def _primed_or_new(p: Primitive, made: dict[tuple, list[QGraphicsItem]], k: Optional[tuple] = None) -> QGraphicsItem:
    """A primed item of ``p``'s shape (key ``k`` if known) moved into place, else a new item."""
    t = type(p)
    if made:
        if k is None:
            key = _SHAPE_KEYS.get(t)
            k = key(p) if key is not None else None
        pool = made.get(k) if k is not None else None
        if pool:
            item = pool.pop()
            if t is Ellipse:
                item.setPos(p.cx, p.cy)
            else:
                item.setPos(p.x, p.y)
            return item
    factory = ITEM_FACTORIES.get(t)
    if factory is None:
        raise TypeError(f"no Qt item factory for {t.__name__}")
    return factory(p)


# -- priming: items made while dot runs ------------------------------------------
#
# Most of a genogram's items (people's symbols, labels, ages, badges) look the same
# wherever the layout puts them, and the drawing's preparation knows them before dot
# has placed anyone (genomap.drawing.shapes).  The pipeline reports that preparation
# while dot runs (draw_family's ``on_prepared``); making those items then, at the
# origin, leaves refill_scene only moving them into place once the drawing is built.


class PrimedItems:
    """Items made ahead of a drawing for the shapes it is expected to have, by shape key
    (each at the origin, in no scene); :func:`refill_scene` takes those it can use."""

    __slots__ = ("_by_key", "count")

    def __init__(self, by_key: dict[tuple, list[QGraphicsItem]], count: int):
        self._by_key = by_key
        self.count = count  # how many items were made

    def unclaimed(self) -> list[QGraphicsItem]:
        """The items no refill has taken (yet)."""
        return list(chain.from_iterable(self._by_key.values()))


_PRIME_CHUNK = 64  # items made between two looks at whether to go on


def prime_items(shapes: Iterable[Primitive], go_on: Optional[Callable[[], bool]] = None) -> PrimedItems:
    """Items for ``shapes`` (primitives at the origin, see :func:`genomap.drawing.shapes.expected_shapes`),
    made until ``go_on()`` says stop (asked every few dozen items; e.g. "dot still runs":
    once the drawing is being built, making an item ahead no longer saves time).

    GUI thread only (text boxes are measured with Qt's font metrics).
    """
    ensure_gui_app()
    keys = _SHAPE_KEYS
    factories = ITEM_FACTORIES
    by_key: dict[tuple, list[QGraphicsItem]] = {}
    count = 0
    with gc_paused():
        for s in shapes:
            if go_on is not None and not count % _PRIME_CHUNK and count and not go_on():
                break
            t = type(s)
            item = factories[t](s)
            item.primitive = s  # tagged until a primitive claims it
            k = keys[t](s)
            if k in by_key:
                by_key[k].append(item)
            else:
                by_key[k] = [item]
            count += 1
    return PrimedItems(by_key, count)


class ItemPrimer:
    """Hands items primed for the drawing being made to the scene that shows it.

    The draw scheduler (:mod:`genomap.ui.workers`) calls :meth:`prime` on the GUI thread
    with the preparation ``draw_family`` reports while dot runs; the canvas takes the
    items with :meth:`take` when the drawing arrives.  Only the latest priming is kept.
    Whoever takes them gets a forecast, not a promise: :func:`refill_scene` matches
    items to primitives by shape and leaves out what nothing claims (the canvas drops
    those after the redraw), so items primed for another drawing cost time but never
    change a picture.
    """

    def __init__(self) -> None:
        self._primed: Optional[PrimedItems] = None

    def prime(self, prep, dot_running: Optional[Callable[[], bool]] = None) -> None:
        """Make the items of ``prep``'s expected shapes (a DrawingPrep; GUI thread) while
        ``dot_running()`` (what ``draw_family`` reports with the prep)."""
        self._primed = None  # the previous ones first: they are out of date
        self._primed = prime_items(expected_shapes(prep), dot_running)

    def take(self) -> Optional[PrimedItems]:
        """The items primed last (once), or None."""
        primed, self._primed = self._primed, None
        return primed


PRIMER = ItemPrimer()  # the application's: workers.DrawScheduler primes, canvas.GenogramView takes


def populate_scene(scene: QGraphicsScene, drawing: Drawing, clear: bool = True) -> list[QGraphicsItem]:
    """Replace the scene's contents with the drawing's items; return them.

    The scene rect is set to the drawing's page (0, 0, width, height).
    """
    if clear:
        scene.clear()
    items = build_scene_items(drawing)
    for item in items:
        scene.addItem(item)
    scene.setSceneRect(QRectF(0, 0, drawing.width, drawing.height))
    return items


# -- offscreen rendering ----------------------------------------------------

def ensure_gui_app() -> QGuiApplication:
    """Return the running Qt application, creating a headless one if there is none.

    Uses the ``offscreen`` platform when no display is available (CLI, CI).
    """
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("win32", "darwin")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0] if sys.argv else "genomap"])
    _keep_alive.append(app)
    return app


_keep_alive: list = []


def paint_drawing(painter: QPainter, drawing: Drawing, items: Optional[list[QGraphicsItem]] = None) -> None:
    """Paint a drawing with ``painter`` in drawing coordinates (points), layer order respected."""
    if items is None:
        items = build_scene_items(drawing)
    option = QStyleOptionGraphicsItem()
    order = sorted(range(len(items)), key=lambda i: (items[i].zValue(), i))
    for i in order:
        item = items[i]
        painter.save()
        painter.translate(item.pos())  # items with a shape are drawn around their position
        painter.setPen(QPen())
        painter.setBrush(QBrush())
        item.paint(painter, option)
        painter.restore()


def render_image(drawing: Drawing, dpi: float = 150, margin: float = 18.0) -> QImage:
    """The drawing on a white page as a QImage at ``dpi`` (margin in points)."""
    ensure_gui_app()
    scale = dpi / 72.0
    w = max(1, int(round((drawing.width + 2 * margin) * scale)))
    h = max(1, int(round((drawing.height + 2 * margin) * scale)))
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    dpm = int(round(dpi / 0.0254))
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        painter.scale(scale, scale)
        painter.translate(margin, margin)
        paint_drawing(painter, drawing)
    finally:
        painter.end()
    return image


def render_png(drawing: Drawing, path: str | os.PathLike, dpi: float = 150) -> Path:
    """Write the drawing as a PNG (white background) atomically; return the path."""
    target = Path(path)
    image = render_image(drawing, dpi=dpi)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".png", dir=target.parent)
    os.close(fd)
    try:
        if not image.save(tmp, "PNG"):
            raise OSError(f"could not write PNG image to {target}")
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
