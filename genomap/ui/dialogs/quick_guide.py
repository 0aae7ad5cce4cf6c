"""Help > Quick guide: how to start, what the symbols mean, and the keyboard shortcuts.

The symbol table shows the same legend samples the genogram and the PDF key draw
(:class:`genomap.drawing.primitives.LegendEntry`, painted by ``genomap.ui.scene``):
those of the open family map, or, with none open, of the fictional demo family,
drawn once on a worker thread so the guide opens at once.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable, Optional

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMenu, QTableWidget, QTableWidgetItem,
    QTabWidget, QVBoxLayout, QWidget,
)

GETTING_STARTED = """
<h3 style="margin-top:0">Getting started</h3>
<ol style="margin-left:-18px">
<li><b>Open the demo family</b> from the welcome screen to look around: every name in it is invented.</li>
<li><b>New family map…</b> creates a file for a child's family. Add the child first with
    <i>Family &gt; Add person</i>, then parents, partners, brothers and sisters from the
    toolbar or by right-clicking a person.</li>
<li>Type names, dates and notes in <b>Details</b>. Dates can be written as you would:
    <i>3 Nov 2019</i>, <i>Jun 2018</i>, <i>about 1985</i>.</li>
<li>Add <b>households</b> (who lives where), <b>agencies</b> involved and <b>chronology</b> events
    from the Family menu; the genogram redraws itself.</li>
<li><b>File &gt; Export…</b> makes a PDF for the case file or the conference, redacted for its
    audience. Set your name, organisation and protective marking once in <i>Edit &gt; Settings</i>.</li>
</ol>
<p>Every change is saved as you make it, and <b>Undo</b> (Ctrl+Z) takes it back.</p>
"""

_cached_demo_legend: Optional[list] = None


def demo_legend() -> list:
    """Legend entries of the demo family's genograms (drawn once per session; needs Graphviz)."""
    global _cached_demo_legend
    if _cached_demo_legend is None:
        from genomap.demo import build_demo
        from genomap.pipeline import draw_family
        from genomap.store.files import create_document

        entries: dict[str, object] = {}
        with tempfile.TemporaryDirectory(prefix="genomap-guide-") as tmp:
            doc = create_document(Path(tmp) / "demo.genomap")
            try:
                for case_id in build_demo(doc):
                    for e in draw_family(doc.snapshot(case_id)).legend:
                        entries.setdefault(e.key, e)
            finally:
                doc.close()
        _cached_demo_legend = list(entries.values())
    return _cached_demo_legend


class _Signals(QObject):
    done = Signal(object)


class _LegendJob(QRunnable):
    def __init__(self) -> None:
        super().__init__()
        self.signals = _Signals()

    def run(self) -> None:  # worker thread
        try:
            result = demo_legend()
        except Exception as exc:  # noqa: BLE001 - the guide says so instead
            result = exc
        self.signals.done.emit(result)


def _table(rows: int, headers: Optional[list[str]] = None) -> QTableWidget:
    table = QTableWidget(rows, 2)
    if headers:
        table.setHorizontalHeaderLabels(headers)
    else:
        table.horizontalHeader().hide()
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return table


class QuickGuideDialog(QDialog):
    """Three tabs: Getting started, Symbols, Shortcuts."""

    def __init__(self, actions: Iterable[QAction] = (), drawing=None, parent: Optional[QWidget] = None,
                 load_demo: bool = True):
        super().__init__(parent)
        self.setWindowTitle("Quick guide")
        self.setObjectName("quickGuideDialog")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 12)
        self.tabs = QTabWidget(objectName="quickGuideTabs")
        outer.addWidget(self.tabs)

        intro = QLabel(GETTING_STARTED)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setAlignment(Qt.AlignmentFlag.AlignTop)
        intro.setContentsMargins(12, 10, 12, 10)
        self.tabs.addTab(intro, "Getting started")

        self.symbols_page = QWidget()
        self.symbols_layout = QVBoxLayout(self.symbols_page)
        self.symbols_layout.setContentsMargins(6, 6, 6, 6)
        self.symbols_note = QLabel()
        self.symbols_note.setWordWrap(True)
        self.symbols_note.setObjectName("placeholderText")
        self.symbols_layout.addWidget(self.symbols_note)
        self.symbols: Optional[QTableWidget] = None
        self.tabs.addTab(self.symbols_page, "Symbols")

        self.shortcuts = self._shortcuts_table(actions)
        self.tabs.addTab(self.shortcuts, "Shortcuts")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.resize(560, 600)

        legend = list(getattr(drawing, "legend", ()) or ())
        if legend:
            self.symbols_note.setText("The symbols and lines used in the open genogram:")
            self.show_legend(legend)
        elif load_demo:
            self.symbols_note.setText("Drawing the symbols…")
            self._job = _LegendJob()
            self._job.signals.done.connect(self._legend_loaded)
            QThreadPool.globalInstance().start(self._job)

    def _legend_loaded(self, result) -> None:
        if isinstance(result, Exception):
            self.symbols_note.setText("The symbols could not be drawn here (is the Graphviz engine "
                                      "missing?). Open a family map and use Help > Legend.")
            return
        self.symbols_note.setText("Symbols and lines as they appear in the genogram (from the demo family):")
        self.show_legend(result)

    def show_legend(self, entries: list) -> None:
        from genomap.ui.dialogs.help import fill_legend_table

        table = _table(len(entries))
        table.setObjectName("quickGuideSymbols")
        fill_legend_table(table, entries)
        if self.symbols is not None:
            self.symbols_layout.removeWidget(self.symbols)
            self.symbols.deleteLater()
        self.symbols = table
        self.symbols_layout.addWidget(table, 1)

    @staticmethod
    def _shortcuts_table(actions: Iterable[QAction]) -> QTableWidget:
        rows, seen = [], set()
        for a in actions:
            if a.shortcut().isEmpty():
                continue
            name = a.text().replace("&", "").rstrip("…").rstrip(".")
            if name in seen:
                continue
            seen.add(name)
            rows.append((name, a.shortcut().toString(a.shortcut().SequenceFormat.NativeText)))
        rows += [
            ("Zoom", "Ctrl + mouse wheel"),
            ("Move around the genogram", "Drag, or the scroll bars"),
            ("Menu for a person", "Right-click the person"),
            ("Apply changes in Details", "Enter"),
        ]
        table = _table(len(rows), ["Action", "Shortcut"])
        table.setObjectName("quickGuideShortcuts")
        for i, (name, keys) in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem(name))
            table.setItem(i, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        return table


def install_action(window, menu: QMenu, before: Optional[QAction] = None) -> QAction:
    """Add "Quick guide" to the Help menu; it opens non-modally via ``window.open_dialog``."""
    action = QAction("&Quick guide", window)
    action.setObjectName("action_quick_guide")
    action.setStatusTip("How to start, what the symbols mean, and the keyboard shortcuts")
    action.triggered.connect(lambda _checked=False: window.open_dialog(
        QuickGuideDialog(window.actions_by_name.values(), window.drawing, window)))
    if before is not None:
        menu.insertAction(before, action)
    else:
        menu.addAction(action)
    window.actions_by_name.setdefault("quick_guide", action)
    return action
