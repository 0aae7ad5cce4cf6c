"""Toolbar and menu icons, painted in code with genogram symbols (no image files to ship).

File and navigation actions use the platform's ``QStyle`` standard icons; the
family actions get small glyphs in the genogram's own visual language (square,
circle, partnership line, line of descent, household boundary), painted at two
sizes so they stay crisp on high-dpi screens.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

INK = QColor("#1f2933")
ACCENT = QColor("#2563eb")
SOFT = QColor("#dbeafe")

Painter = Callable[[QPainter], None]


def _pen(color: QColor = INK, width: float = 1.6) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _square(p: QPainter, x: float, y: float, s: float, fill: QColor = QColor("white")) -> None:
    p.setBrush(fill)
    p.drawRect(QRectF(x, y, s, s))


def _circle(p: QPainter, x: float, y: float, s: float, fill: QColor = QColor("white")) -> None:
    p.setBrush(fill)
    p.drawEllipse(QRectF(x, y, s, s))


def _plus(p: QPainter) -> None:
    p.setPen(_pen(ACCENT, 2.2))
    p.drawLine(QPointF(18.5, 14), QPointF(18.5, 23))
    p.drawLine(QPointF(14, 18.5), QPointF(23, 18.5))


def _person(p: QPainter) -> None:
    p.setPen(_pen())
    _square(p, 3, 4, 12, SOFT)
    _plus(p)


def _partner(p: QPainter) -> None:
    p.setPen(_pen())
    _square(p, 1.5, 3, 9)
    _circle(p, 13.5, 3, 9, SOFT)
    p.drawLine(QPointF(6, 12), QPointF(6, 15))
    p.drawLine(QPointF(18, 12), QPointF(18, 15))
    p.drawLine(QPointF(6, 15), QPointF(18, 15))
    _plus(p)


def _child(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawLine(QPointF(3, 3), QPointF(15, 3))
    p.drawLine(QPointF(9, 3), QPointF(9, 9))
    _circle(p, 4.5, 9, 9, SOFT)
    _plus(p)


def _parents(p: QPainter) -> None:
    p.setPen(_pen())
    _square(p, 1, 1.5, 7, SOFT)
    _circle(p, 10, 1.5, 7, SOFT)
    p.drawLine(QPointF(8, 5), QPointF(10, 5))
    p.drawLine(QPointF(9, 5), QPointF(9, 12))
    _square(p, 5, 12, 8)
    _plus(p)


def _sibling(p: QPainter) -> None:
    p.setPen(_pen())
    p.drawLine(QPointF(4, 4), QPointF(14, 4))
    p.drawLine(QPointF(4, 4), QPointF(4, 8))
    p.drawLine(QPointF(14, 4), QPointF(14, 8))
    _square(p, 0.5, 8, 7)
    _circle(p, 10.5, 8, 7, SOFT)
    _plus(p)


def _tie(p: QPainter) -> None:
    p.setPen(_pen(QColor("#b42318"), 1.8))
    path = QPainterPath(QPointF(2, 12))
    for i, x in enumerate(range(5, 21, 3)):
        path.lineTo(QPointF(x, 7 if i % 2 == 0 else 15))
    path.lineTo(QPointF(22, 11))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)


def _household(p: QPainter) -> None:
    pen = _pen(QColor("#0f766e"), 1.6)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(QColor("#ccfbf1"))
    p.drawRoundedRect(QRectF(2, 4, 20, 16), 5, 5)
    p.setPen(_pen())
    _square(p, 6, 9, 5)
    _circle(p, 13, 9, 5)


def _move(p: QPainter) -> None:
    _household(p)
    p.setPen(_pen(ACCENT, 2.0))
    p.drawLine(QPointF(12, 1.5), QPointF(22, 1.5))
    p.drawLine(QPointF(19, -1), QPointF(22, 1.5))


def _deceased(p: QPainter) -> None:
    p.setPen(_pen())
    _square(p, 4, 4, 16)
    p.drawLine(QPointF(1, 1), QPointF(23, 23))
    p.drawLine(QPointF(23, 1), QPointF(1, 23))


def _agency(p: QPainter) -> None:
    p.setPen(_pen(QColor("#7c3aed"), 1.4))
    p.setBrush(QColor("#ede9fe"))
    p.drawRoundedRect(QRectF(2, 6, 20, 13), 3, 3)
    p.setPen(_pen(QColor("#7c3aed"), 1.8))
    p.drawLine(QPointF(6, 12.5), QPointF(18, 12.5))


def _event(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.4))
    p.setBrush(QColor("white"))
    p.drawRoundedRect(QRectF(3, 4, 18, 17), 2, 2)
    p.setBrush(ACCENT)
    p.drawRect(QRectF(3, 4, 18, 5))
    p.setBrush(INK)
    for x in (7, 12, 17):
        p.drawEllipse(QPointF(x, 14), 1, 1)


def _link(p: QPainter) -> None:
    p.setPen(_pen(INK, 2.0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(2, 8, 11, 8), 4, 4)
    p.drawRoundedRect(QRectF(11, 8, 11, 8), 4, 4)


def _arrow(direction: int) -> Painter:
    """A curved undo (-1) or redo (+1) arrow."""

    def paint(p: QPainter) -> None:
        p.save()
        if direction > 0:
            p.translate(24, 0)
            p.scale(-1, 1)
        p.setPen(_pen(INK, 2.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath(QPointF(6, 10))
        path.cubicTo(QPointF(11, 5), QPointF(20, 6), QPointF(20, 13))
        path.cubicTo(QPointF(20, 17), QPointF(17, 19), QPointF(13, 19))
        p.drawPath(path)
        p.setBrush(INK)
        p.setPen(Qt.PenStyle.NoPen)
        head = QPainterPath(QPointF(3, 11.5))
        head.lineTo(QPointF(10, 5))
        head.lineTo(QPointF(10.5, 13.5))
        head.closeSubpath()
        p.drawPath(head)
        p.restore()

    return paint


def _fit(p: QPainter) -> None:
    p.setPen(_pen(INK, 2.0))
    for x, y, dx, dy in ((3, 3, 1, 1), (21, 3, -1, 1), (3, 21, 1, -1), (21, 21, -1, -1)):
        p.drawLine(QPointF(x, y), QPointF(x + 6 * dx, y))
        p.drawLine(QPointF(x, y), QPointF(x, y + 6 * dy))
    p.setPen(_pen(INK, 1.4))
    p.setBrush(SOFT)
    p.drawRect(QRectF(8.5, 8.5, 7, 7))


def _find(p: QPainter) -> None:
    p.setPen(_pen(QColor("#667085"), 1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QRectF(4, 4, 11, 11))
    p.drawLine(QPointF(13.5, 13.5), QPointF(19.5, 19.5))


def _legend(p: QPainter) -> None:
    p.setPen(_pen())
    _square(p, 2, 3, 6)
    _circle(p, 2, 14, 6)
    p.drawLine(QPointF(11, 6), QPointF(22, 6))
    p.drawLine(QPointF(11, 17), QPointF(22, 17))


_GLYPHS: dict[str, Painter] = {
    "person": _person,
    "partner": _partner,
    "child": _child,
    "parents": _parents,
    "sibling": _sibling,
    "tie": _tie,
    "household": _household,
    "move": _move,
    "deceased": _deceased,
    "agency": _agency,
    "event": _event,
    "link": _link,
    "legend": _legend,
}

_STANDARD = {
    "new": QStyle.StandardPixmap.SP_FileIcon,
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "save_copy": QStyle.StandardPixmap.SP_DialogSaveButton,
    "close": QStyle.StandardPixmap.SP_DialogCloseButton,
    "delete": QStyle.StandardPixmap.SP_TrashIcon,
    "help": QStyle.StandardPixmap.SP_DialogHelpButton,
    "about": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "quit": QStyle.StandardPixmap.SP_DialogCloseButton,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
}


def _zoom(sign: str) -> Painter:
    def paint(p: QPainter) -> None:
        p.setPen(_pen(INK, 2.0))
        p.setBrush(QColor("white"))
        p.drawEllipse(QRectF(3, 3, 13, 13))
        p.drawLine(QPointF(14.5, 14.5), QPointF(21, 21))
        p.drawLine(QPointF(6.5, 9.5), QPointF(12.5, 9.5))
        if sign == "+":
            p.drawLine(QPointF(9.5, 6.5), QPointF(9.5, 12.5))

    return paint


_GLYPHS["zoom_in"] = _zoom("+")
_GLYPHS["undo"] = _arrow(-1)
_GLYPHS["redo"] = _arrow(1)
_GLYPHS["fit"] = _fit
_GLYPHS["find"] = _find
_GLYPHS["zoom_out"] = _zoom("-")


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    """The icon called ``name`` (empty icon when unknown)."""
    if name in _GLYPHS:
        result = QIcon()
        for size in (24, 48):
            pix = QPixmap(size, size)
            pix.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pix)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / 24, size / 24)
            _GLYPHS[name](painter)
            painter.end()
            result.addPixmap(pix)
        return result
    if name in _STANDARD and QApplication.instance() is not None:
        return QApplication.style().standardIcon(_STANDARD[name])
    return QIcon()


def app_icon() -> QIcon:
    """The window icon: a small genogram (couple and child)."""
    result = QIcon()
    for size in (32, 64, 128):
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.scale(size / 32, size / 32)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ACCENT)
        p.drawRoundedRect(QRectF(0, 0, 32, 32), 7, 7)
        p.setPen(_pen(QColor("white"), 2.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(5, 5, 8, 8))
        p.drawEllipse(QRectF(19, 5, 8, 8))
        p.drawLine(QPointF(13, 9), QPointF(19, 9))
        p.drawLine(QPointF(16, 9), QPointF(16, 19))
        p.drawEllipse(QRectF(12, 19, 8, 8))
        p.end()
        result.addPixmap(pix)
    return result
