"""Printing the genogram through Qt print support, from the same drawing as the screen.

The page printed is :func:`genomap.drawing.sheet.with_header_and_key` of the
drawing on screen (title, "As at" date, the genogram, the key) scaled to fit the
printer's page, with the protective marking at the top and bottom of the page.
File > Print… opens a print preview first so the chair sees the page before it
goes to the printer.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QGraphicsScene, QWidget

from genomap.drawing.primitives import Drawing
from genomap.drawing.sheet import with_header_and_key
from genomap.ui.scene import populate_scene

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


def paint_drawing(printer: QPrinter, drawing: Drawing, marking: str = DEFAULT_MARKING) -> None:
    """Paint the drawing (with header and key) fitted onto one printer page."""
    sheet = with_header_and_key(drawing)
    scene = QGraphicsScene()
    populate_scene(scene, sheet)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("the printer could not be started")
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
        page.moveTo(0, 0)
        band = page.height() * 0.04
        font = QFont("Liberation Sans")
        font.setPointSizeF(9)
        font.setBold(True)
        painter.setFont(font)
        if marking:
            painter.drawText(QRectF(0, 0, page.width(), band), Qt.AlignmentFlag.AlignCenter, marking)
            painter.drawText(QRectF(0, page.height() - band, page.width(), band),
                             Qt.AlignmentFlag.AlignCenter, marking)
        target = QRectF(0, band, page.width(), page.height() - 2 * band)
        source = QRectF(0, 0, sheet.width, sheet.height)
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        painter.end()


def make_printer(drawing: Drawing) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    landscape = drawing.width >= drawing.height
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return printer


def print_preview(parent: Optional[QWidget], drawing: Drawing, marking: str = DEFAULT_MARKING) -> QPrintPreviewDialog:
    """A print preview dialog for the drawing (not yet shown)."""
    printer = make_printer(drawing)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle("Print preview — GenoMap")
    dialog.paintRequested.connect(lambda p: paint_drawing(p, drawing, marking))
    return dialog
