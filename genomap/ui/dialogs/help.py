"""Help dialogs: About, Keyboard shortcuts, and the Legend of the current genogram."""

from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QGraphicsScene, QHeaderView, QLabel, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from genomap import __version__


class _InfoDialog(QDialog):
    def __init__(self, title: str, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(20, 18, 20, 14)
        self.body.setSpacing(10)

    def finish(self) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.body.addWidget(buttons)


def about_dialog(parent: QWidget) -> QDialog:
    dlg = _InfoDialog("About GenoMap", parent)
    dlg.setObjectName("aboutDialog")
    title = QLabel(f"<h2 style='margin:0'>GenoMap {__version__}</h2>")
    text = QLabel(
        "Genograms and blended-family maps for child-safeguarding work.<br><br>"
        "Every change is saved to the family map file as you make it. Files stay on this "
        "computer; nothing is sent anywhere.<br><br>"
        "<b>What is protected.</b> A file with a passphrase is encrypted (SQLCipher, AES-256): "
        "without the passphrase it is unreadable, as are its automatic backups. Deleted records "
        "are overwritten in the file. The log, settings and temporary files hold no names, "
        "addresses or notes. GenoMap's own files are readable only by your user account, and the "
        "window locks itself after a few idle minutes.<br>"
        "<b>What is not.</b> A file <i>without</i> a passphrase can be read by anyone who gets it. "
        "Exports (PDF, images, GEDCOM, CSV) are never encrypted: keep them safe. "
        "A forgotten passphrase cannot be recovered. While a file is open, anyone at the unlocked "
        "computer can see it; and encryption cannot help if the computer itself is compromised. "
        "Recent-file paths are remembered (a setting turns this off). "
        "Use full-disk encryption too.<br><br>"
        "Free software under the GNU General Public License, version 3 or later."
    )
    text.setWordWrap(True)
    dlg.body.addWidget(title)
    dlg.body.addWidget(text)
    dlg.finish()
    dlg.setMinimumWidth(420)
    return dlg


def shortcuts_dialog(parent: QWidget, actions: Iterable[QAction]) -> QDialog:
    dlg = _InfoDialog("Keyboard shortcuts", parent)
    dlg.setObjectName("shortcutsDialog")
    rows = [(a.text().replace("&", "").rstrip("…").rstrip("."), a.shortcut().toString(
        a.shortcut().SequenceFormat.NativeText)) for a in actions if not a.shortcut().isEmpty()]
    rows += [
        ("Zoom", "Ctrl + mouse wheel"),
        ("Move around the genogram", "Drag, or the scroll bars"),
        ("Menu for a person", "Right-click the person"),
        ("Apply changes in Details", "Enter"),
    ]
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(["Action", "Shortcut"])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    for i, (name, keys) in enumerate(rows):
        table.setItem(i, 0, QTableWidgetItem(name))
        table.setItem(i, 1, QTableWidgetItem(keys))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    dlg.body.addWidget(table)
    dlg.finish()
    dlg.resize(460, 520)
    return dlg


def _sample_pixmap(primitives, scale: float = 2.0) -> QPixmap:
    from genomap.drawing.primitives import Drawing
    from genomap.ui.scene import populate_scene

    pix = QPixmap(int(36 * scale), int(18 * scale))
    pix.fill(Qt.GlobalColor.transparent)
    scene = QGraphicsScene()
    populate_scene(scene, Drawing(36, 18, tuple(primitives)))
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, pix.width(), pix.height()), QRectF(0, 0, 36, 18))
    painter.end()
    return pix


def fill_legend_table(table: QTableWidget, entries) -> None:
    """One row per legend entry: its sample drawn like the genogram, then its label."""
    table.setRowCount(len(entries))
    table.verticalHeader().setDefaultSectionSize(40)
    table.setColumnWidth(0, 90)
    for i, entry in enumerate(entries):
        cell = QLabel()
        cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
        try:
            cell.setPixmap(_sample_pixmap(entry.sample))
        except Exception:  # noqa: BLE001 - a sample that cannot be drawn keeps its label
            pass
        table.setCellWidget(i, 0, cell)
        table.setItem(i, 1, QTableWidgetItem(entry.label))
    table.horizontalHeader().setStretchLastSection(True)


def legend_dialog(parent: QWidget, drawing) -> QDialog:
    dlg = _InfoDialog("Legend", parent)
    dlg.setObjectName("legendDialog")
    entries = list(getattr(drawing, "legend", ()) or ())
    if not entries:
        note = QLabel("The legend lists the symbols and lines used in the current genogram. "
                      "Open a family map to see it.")
        note.setWordWrap(True)
        dlg.body.addWidget(note)
    else:
        table = QTableWidget(len(entries), 2)
        table.horizontalHeader().hide()
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fill_legend_table(table, entries)
        dlg.body.addWidget(table)
    dlg.finish()
    dlg.resize(420, 520)
    return dlg
