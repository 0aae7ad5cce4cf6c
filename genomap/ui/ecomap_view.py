"""The Ecomap view: the subject child (or a chosen person or household) and their world, as at the view date.

A small bar chooses the centre and exports; below it a
:class:`~genomap.ui.canvas.GenogramView` shows the ecomap
:class:`~genomap.drawing.primitives.Drawing` from
:func:`genomap.drawing.ecomap.ecomap_drawing` (zoom, hover facts and selection
work as on the genogram).  Export writes PNG (Qt) or PDF (the genogram's PDF
renderer), with the view date on it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from genomap.drawing.ecomap import ecomap_drawing
from genomap.store.snapshot import FamilySnapshot
from genomap.ui.canvas import GenogramView


def export_ecomap(drawing, path: str | Path, as_at: date, title: str = "") -> Path:
    """Write an ecomap drawing as PNG or PDF (by the file's suffix); return the path written."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        from genomap.render.pdf import PdfOptions, render_pdf

        render_pdf(drawing, path, PdfOptions(title=title or drawing.title, as_at=as_at, appendix=False))
        return path
    from genomap.ui.scene import render_png

    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    return render_png(drawing, path)


class EcomapView(QWidget):
    """Centre chooser + ecomap canvas + export."""

    record_chosen = Signal(object)  # a ref selected on the ecomap

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("ecomapView")
        self.snapshot: Optional[FamilySnapshot] = None
        self.as_at = date.today()
        self.drawing = None
        v = QVBoxLayout(self)
        v.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Centre"))
        self.centre_box = QComboBox()
        self.centre_box.setObjectName("ecomapCentre")
        self.centre_box.setMinimumContentsLength(18)
        bar.addWidget(self.centre_box, 1)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save this ecomap as PDF or PNG (with the view date)")
        bar.addWidget(self.export_button)
        v.addLayout(bar)
        self.canvas = GenogramView()
        self.canvas.setObjectName("ecomapCanvas")
        v.addWidget(self.canvas, 1)
        self.centre_box.activated.connect(lambda _i: self.redraw())
        self.export_button.clicked.connect(self._export_dialog)
        self.canvas.selection_changed.connect(lambda refs: refs and self.record_chosen.emit(refs[0]))

    def centre(self):
        data = self.centre_box.currentData()
        return tuple(data) if data else None

    def set_snapshot(self, snapshot: Optional[FamilySnapshot], as_at: Optional[date] = None) -> None:
        current = self.centre()
        self.snapshot = snapshot
        if as_at is not None:
            self.as_at = as_at
        self.centre_box.blockSignals(True)
        self.centre_box.clear()
        if snapshot is not None:
            people = sorted(snapshot.people, key=lambda p: (not p.is_subject, p.name.lower()))
            for p in people:
                if p.pregnancy.value == "none":
                    self.centre_box.addItem(p.name + ("  (subject)" if p.is_subject else ""), ("person", p.id))
            for h in sorted(snapshot.households, key=lambda h: h.label.lower()):
                self.centre_box.addItem(f"Household: {h.label or 'Household'}", ("household", h.id))
            i = self._index_of(current) if current else -1
            self.centre_box.setCurrentIndex(max(0, i))
        self.centre_box.blockSignals(False)
        self.redraw()

    def _index_of(self, ref) -> int:
        ref = tuple(ref)
        for i in range(self.centre_box.count()):
            data = self.centre_box.itemData(i)
            if data is not None and tuple(data) == ref:
                return i
        return -1

    def set_centre(self, ref) -> None:
        i = self._index_of(ref)
        if i >= 0:
            self.centre_box.setCurrentIndex(i)
            self.redraw()

    def set_as_at(self, day: date) -> None:
        self.as_at = day
        if self.isVisible():
            self.redraw()
        else:
            self.drawing = None  # redrawn when shown

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if self.drawing is None:
            self.redraw()

    def redraw(self) -> None:
        if self.snapshot is None or self.centre() is None:
            return
        self.drawing = ecomap_drawing(self.snapshot, self.as_at, self.centre())
        self.canvas.set_drawing(self.drawing, self.snapshot, self.as_at)

    def export(self, path: str | Path) -> Path:
        if self.drawing is None:
            self.redraw()
        return export_ecomap(self.drawing, path, self.as_at)

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export ecomap", "ecomap.pdf", "PDF (*.pdf);;PNG image (*.png)")
        if path:
            self.export(path)
