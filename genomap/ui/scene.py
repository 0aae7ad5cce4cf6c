"""Qt backend for :mod:`genomap.drawing`: drawing primitives -> ``QGraphicsItem``s, and PNG.

One registry (:data:`ITEM_FACTORIES`, napari's ``layer_to_visual`` idea) maps each
primitive type to a small factory; :func:`build_scene_items` makes exactly one item
per primitive, tagged ``item.data(DATA_REF) == primitive.ref`` and
``item.data(DATA_LAYER) == primitive.layer`` so the canvas can select, hit-test and
toggle overlays by layer without knowing anything about genograms.  The tags are read
from ``item.primitive`` (the primitive the item shows) by the item classes' ``data``;
:func:`refill_scene` redraws a scene by resetting its old items where it can.

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
    DASH_PATTERNS, FONT_FAMILIES, Align, Drawing, Ellipse, Fill, MultiPolyline, Polygon,
    Polyline, Primitive, Rect, Stroke, Text,
)
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
    """A :class:`Rect`, a :class:`Polyline` of more than two points or a :class:`MultiPolyline`.

    (Rectangles stay paths: a QGraphicsRectItem is a little faster but antialiases a
    few edge pixels one level differently on screen.)
    """

    data = _tagged_data


class EllipseItem(QGraphicsEllipseItem):
    data = _tagged_data


class PolygonItem(QGraphicsPolygonItem):
    data = _tagged_data


class TextItem(QGraphicsRectItem):
    """One drawing :class:`Text` (several pre-wrapped lines) as a single item.

    A rectangle item without pen or brush whose rect is the text's box, so Qt asks
    C++ for the bounds (indexing, hit tests, updates) and calls Python only to paint.
    ``TextItem(text)`` for one-off use; :func:`build_scene_items` makes them with
    :func:`_text_item`, which skips the Python ``__init__``.
    """

    data = _tagged_data

    def __init__(self, text: Text):
        super().__init__(*_text_box(text))
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
        t = self.primitive
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setFont(_font(t.bold, t.italic))
        painter.setPen(QColor(t.color))
        s = t.size / _REF_PX
        widths = self._widths
        if t.background:
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(t.background))
            for i, w in enumerate(widths):
                if t.align is Align.CENTER:
                    x = t.x - w / 2
                elif t.align is Align.RIGHT:
                    x = t.x - w
                else:
                    x = t.x
                painter.drawRect(QRectF(x - 1, t.y + i * t.line_height, w + 2, t.line_height))
            painter.restore()
        for i, (line, w) in enumerate(zip(t.lines, widths)):
            if t.align is Align.CENTER:
                x = t.x - w / 2
            elif t.align is Align.RIGHT:
                x = t.x - w
            else:
                x = t.x
            painter.save()
            painter.translate(x, t.baseline(i))
            painter.scale(s, s)
            painter.drawText(QPointF(0, 0), line)
            painter.restore()
        painter.restore()


def _text_box(text: Text) -> tuple[float, float, float, float]:
    """The text's box: the widest line (Qt's advance, cached) plus 1 pt around."""
    lines = text.lines
    bold, italic = text.bold, text.italic
    if len(lines) == 1:
        w = _advance(lines[0], bold, italic)
    elif lines:
        w = max([_advance(line, bold, italic) for line in lines])
    else:
        w = 0.0
    w *= text.size / _REF_PX
    align = text.align
    x0 = text.x - w / 2 if align is _CENTER else (text.x - w if align is _RIGHT else text.x)
    return x0 - 1, text.y - 1, w + 2, len(lines) * (text.size * 1.2) + 2


_CENTER, _RIGHT = Align.CENTER, Align.RIGHT
_new_text = TextItem.__new__
_init_rect_item = QGraphicsRectItem.__init__


def _text_item(p: Text) -> QGraphicsItem:
    item = _new_text(TextItem)
    _init_rect_item(item, *_text_box(p))
    item.setPen(_NO_PEN)
    return item


def _rect_item(p: Rect) -> QGraphicsItem:
    item = PathItem(_rect_path(p))
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))
    return item


def _ellipse_item(p: Ellipse) -> QGraphicsItem:
    item = EllipseItem(p.cx - p.rx, p.cy - p.ry, 2 * p.rx, 2 * p.ry)
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

def _item_kind(p: Primitive) -> type:
    """The item class :data:`ITEM_FACTORIES` makes for ``p``."""
    t = type(p)
    if t is Polyline:
        return LineItem if len(p.points) == 2 else PathItem
    return _ITEM_KINDS.get(t)  # (None: no factory either; the caller says so)


def _rect_path(p: Rect) -> QPainterPath:
    path = QPainterPath()
    if p.radius > 0:
        path.addRoundedRect(p.x, p.y, p.w, p.h, p.radius, p.radius)
    else:
        path.addRect(p.x, p.y, p.w, p.h)
    return path


def _reset_rect(item: PathItem, p: Rect) -> None:
    item.setPath(_rect_path(p))
    item.setPen(_pen_for(p.stroke))
    item.setBrush(_brush_for(p.fill))


def _reset_ellipse(item: EllipseItem, p: Ellipse) -> None:
    item.setRect(p.cx - p.rx, p.cy - p.ry, 2 * p.rx, 2 * p.ry)
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
        item.setBrush(_NO_BRUSH)  # the path item may have been a filled rectangle
    item.setPen(_pen_for(p.stroke))


def _reset_multipolyline(item: PathItem, p: MultiPolyline) -> None:
    item.setPath(_multipolyline_path(p.paths))
    item.setBrush(_NO_BRUSH)  # the path item may have been a filled rectangle
    item.setPen(_pen_for(p.stroke))


def _reset_text(item: TextItem, p: Text) -> None:
    # (an unchanged box repaints too: refill_scene has the whole scene repainted)
    item.setRect(*_text_box(p))


_ITEM_KINDS: dict[type, type] = {
    Rect: PathItem, Ellipse: EllipseItem, Polygon: PolygonItem, MultiPolyline: PathItem, Text: TextItem,
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
                 primitives: Iterable[Primitive]) -> list[QGraphicsItem]:
    """Make ``scene`` show ``primitives`` instead of ``old_items`` (items this module made
    that are in ``scene``); return exactly one item per primitive, in drawing order.

    Old items are reused for primitives needing the same kind of item, new ones are
    made and added for the rest, and old items left over are removed from the scene.
    Reused items change their place in Qt's insertion order, so every item's z value
    is its layer's z plus ``index / count`` (below 1, while layers are at least 2
    apart): items then stack by layer and, within a layer, in drawing order, exactly
    as :func:`build_scene_items`' insertion order does.  Visibility is left as it was.
    """
    with gc_paused():
        return _refill(scene, old_items, primitives)


def _refill(scene: QGraphicsScene, old_items: Iterable[QGraphicsItem],
           primitives: Iterable[Primitive]) -> list[QGraphicsItem]:
    # One repaint of everything instead of per-item bookkeeping: while a full update
    # is pending the scene does not track each changed item's old and new area.
    scene.update()
    pools: dict[type, list[QGraphicsItem]] = {}
    for item in old_items:
        pools.setdefault(type(item), []).append(item)
    prims = primitives if isinstance(primitives, (list, tuple)) else list(primitives)
    step = 1.0 / max(len(prims), 1)
    layer_z = LAYER_Z
    factories = ITEM_FACTORIES
    resetters = _RESETTERS
    items: list[QGraphicsItem] = []
    append = items.append
    fresh: list[QGraphicsItem] = []
    for i, p in enumerate(prims):
        t = type(p)
        pool = pools.get(_item_kind(p))
        if pool:
            item = pool.pop()
            resetters[t](item, p)
        else:
            factory = factories.get(t)
            if factory is None:
                raise TypeError(f"no Qt item factory for {t.__name__}")
            item = factory(p)
            fresh.append(item)
        item.primitive = p
        item.setZValue(layer_z.get(p.layer, 0.0) + i * step)
        append(item)
    add = scene.addItem
    for item in fresh:
        add(item)
    remove = scene.removeItem
    for pool in pools.values():
        for item in pool:
            remove(item)
    return items


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
