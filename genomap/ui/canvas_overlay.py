"""Overlay items the canvas draws on top of the genogram: selection and hover halos.

They never touch the drawing's own items.  Their geometry is in *screen pixels*
(scaled by the view's ``px`` = 1 / zoom) so a selection looks the same at 10 % and
at 800 %: a soft accent glow and a crisp 2 px outline around a person's symbol, or
a translucent accent band along a line (partnership, tie, household boundary).
Every overlay is tagged ``data(DATA_OVERLAY)`` and carries no ref or layer, so it
is never mistaken for a drawing primitive.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem

DATA_OVERLAY = 2  # item.data(DATA_OVERLAY) -> "selection" | "hover" for overlay items

ACCENT = QColor("#2563eb")
Z_OVERLAY = 1000.0


def _accent(alpha: int) -> QColor:
    c = QColor(ACCENT)
    c.setAlpha(alpha)
    return c


class _Overlay(QGraphicsItem):
    def __init__(self, role: str, px: float):
        super().__init__()
        self._px = px
        self.setData(DATA_OVERLAY, role)
        self.setZValue(Z_OVERLAY + (1 if role == "selection" else 0))
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def set_px(self, px: float) -> None:
        """Tell the overlay how many scene units one screen pixel is (1 / zoom)."""
        if px != self._px:
            self.prepareGeometryChange()
            self._px = px


class HaloItem(_Overlay):
    """A rounded ring around a symbol's bounds; never paints over the symbol itself."""

    PAD = 4.0  # px between symbol and outline
    GLOW = 7.0  # px of soft glow outside the outline
    STROKE_ALLOWANCE = 1.5  # pt: bounds are the symbol's geometry, its outline pen reaches past them

    def __init__(self, rect: QRectF, role: str = "selection", px: float = 1.0):
        super().__init__(role, px)
        self._rect = QRectF(rect)

    def set_rect(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)

    def rect(self) -> QRectF:
        return QRectF(self._rect)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt name
        m = self.STROKE_ALLOWANCE + (self.PAD + self.GLOW + 2.0) * self._px
        return self._rect.adjusted(-m, -m, m, m)

    def _rounded(self, grow_px: float) -> QPainterPath:
        g = self.STROKE_ALLOWANCE + grow_px * self._px
        r = self._rect.adjusted(-g, -g, g, g)
        # corners follow the symbol's square corners at a constant on-screen gap
        radius = min(g + 3 * self._px, min(r.width(), r.height()) / 2)
        path = QPainterPath()
        path.addRoundedRect(r, radius, radius)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        inner = QPainterPath()
        a = self.STROKE_ALLOWANCE
        inner.addRect(self._rect.adjusted(-a, -a, a, a))
        if self.data(DATA_OVERLAY) == "hover":
            painter.setBrush(Qt.BrushStyle.NoBrush)
            pen = QPen(_accent(110), 1.5)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPath(self._rounded(self.PAD - 1))
            return
        painter.setPen(Qt.PenStyle.NoPen)
        # tint between the symbol and the outline
        painter.setBrush(QBrush(_accent(34)))
        painter.drawPath(self._rounded(self.PAD).subtracted(inner))
        # soft glow: nested rings, strongest near the outline
        steps = 4
        outline = self._rounded(self.PAD)
        for i in range(steps):
            ring = self._rounded(self.PAD + self.GLOW * (i + 1) / steps).subtracted(outline)
            painter.setBrush(QBrush(_accent(int(22 * (steps - i) / steps) + 4)))
            painter.drawPath(ring)
            outline = self._rounded(self.PAD + self.GLOW * (i + 1) / steps)
        pen = QPen(_accent(235), 2.0)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._rounded(self.PAD))


class PathHaloItem(_Overlay):
    """A translucent accent band along paths (lines, boundaries) in scene coordinates."""

    WIDTH = 9.0  # px

    def __init__(self, paths: list[QPainterPath], role: str = "selection", px: float = 1.0):
        super().__init__(role, px)
        self._paths = list(paths)
        r = QRectF()
        for p in self._paths:
            r = r.united(p.boundingRect())
        self._bounds = r

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt name
        m = (self.WIDTH / 2 + 2.0) * self._px
        return self._bounds.adjusted(-m, -m, m, m)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(self.WIDTH * self._px)
        out = QPainterPath()
        for p in self._paths:
            out.addPath(stroker.createStroke(p))
        return out

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ARG002
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        hover = self.data(DATA_OVERLAY) == "hover"
        pen = QPen(_accent(45 if hover else 70), self.WIDTH if not hover else 6.0)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for p in self._paths:
            painter.drawPath(p)
