"""Connections in the editor: markers on the genogram, the Connections dock, match alerts, the whole-file view.

:func:`install_connections` is the one hook the main window calls.  It adds

* the **connections** layer to every genogram the canvas shows (a chain-link
  badge on each person linked into other family maps or strongly matching
  someone elsewhere; red for risk -- :mod:`genomap.drawing.connections_overlay`),
  by decorating the drawing handed to the canvas;
* the **Connections** dock (:class:`~genomap.ui.docks.connections.ConnectionsPanel`)
  for the selected person, whose Confirm / Reject buttons run
  :func:`~genomap.connections.store.confirm_match` /
  :func:`~genomap.connections.store.reject_match` as one undoable command each;
* a small **alert** over the genogram when a person added, named or imported has
  a possible match elsewhere in the file ("Possible match in another family: …"
  with Review), from a :class:`~genomap.connections.matching.MatchIndex` built
  once per file and updated from each change set (no full rescan);
* **View > Connections across family maps…**: :class:`ConnectionsDialog`, the
  graph (Graphviz) and table of risk adults and the families and children they
  are connected to, exportable to PDF.
"""

from __future__ import annotations

import getpass
import logging
from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from genomap.commands import command
from genomap.connections import graph, store
from genomap.connections.matching import POSSIBLE
from genomap.drawing.connections_overlay import LAYER, with_connections
from genomap.ui.canvas import GenogramView
from genomap.ui.docks.connections import ConnectionsPanel

log = logging.getLogger(__name__)

_NAME_FIELDS = {"given_names", "family_name", "known_as", "aliases", "birth"}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on this system
        return ""


class MatchAlert(QFrame):
    """A calm bar over the top of the genogram: "Possible match in another family: …  [Review] [×]"."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("matchAlert")
        self.setStyleSheet("QFrame#matchAlert { background: #fffbeb; border: 1px solid #b45309; border-radius: 6px; }"
                           " QLabel { color: #1e293b; }")
        h = QHBoxLayout(self)
        h.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        h.addWidget(self.label, 1)
        self.review = QPushButton("Review")
        self.review.setObjectName("matchAlertReview")
        self.close_button = QPushButton("Dismiss")
        h.addWidget(self.review)
        h.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)
        self.person_id: Optional[int] = None
        self.hide()

    def show_for(self, person_id: int, html: str) -> None:
        self.person_id = person_id
        self.label.setText(html)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        parent = self.parentWidget()
        w = min(640, max(320, parent.width() - 40))
        self.setFixedWidth(w)
        self.adjustSize()
        self.move((parent.width() - w) // 2, 10)


class ConnectionsDialog(QDialog):
    """The whole file's connections: graph (Graphviz) and table, risk adults first; Export to PDF."""

    def __init__(self, document, parent: Optional[QWidget] = None, index=None):
        super().__init__(parent)
        self.setObjectName("connectionsDialog")
        self.setWindowTitle("Connections across family maps")
        self.document = document
        self.index = index
        self.report: list = []
        self.drawing = None
        v = QVBoxLayout(self)
        intro = QLabel("People linked into more than one family map, or possibly the same as someone in another "
                       "map. Risk adults come first; dashed lines are possible matches not yet confirmed.")
        intro.setWordWrap(True)
        v.addWidget(intro)
        self.risk_only = QCheckBox("Only people with risk flags")
        v.addWidget(self.risk_only)
        self.tabs = QTabWidget()
        self.view = GenogramView()
        self.view.setObjectName("connectionsGraph")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        graph_page = QWidget()
        gv = QVBoxLayout(graph_page)
        gv.setContentsMargins(0, 0, 0, 0)
        gv.addWidget(self.problem)
        gv.addWidget(self.view, 1)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("connectionsTable")
        self.table.setHorizontalHeaderLabels(["Person", "Risk", "Family map", "Role there", "Children", "Link"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.tabs.addTab(graph_page, "Graph")
        self.tabs.addTab(self.table, "Table")
        v.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.export_button = QPushButton("Export to PDF…")
        self.export_button.setObjectName("connectionsExport")
        close = QPushButton("Close")
        row.addWidget(self.export_button)
        row.addWidget(close)
        v.addLayout(row)
        close.clicked.connect(self.reject)
        self.export_button.clicked.connect(self._export_dialog)
        self.risk_only.toggled.connect(lambda _on: self.refresh())
        self.resize(1100, 760)
        self.refresh()

    def refresh(self) -> None:
        with self.document.read() as session:
            self.report = store.connections_report(session, self.index)
        people = graph.select_people(self.report, self.risk_only.isChecked())
        rows = graph.table_rows(people)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 1 and text:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in (4, 5):
            self.table.setColumnWidth(c, 320)
        self.table.resizeRowsToContents()
        try:
            self.drawing = graph.build_connections_drawing(self.report, self.risk_only.isChecked())
        except Exception as exc:  # noqa: BLE001 - Graphviz missing or failed: the table still works
            log.warning("connections graph not drawn: %s", type(exc).__name__)
            self.drawing = graph.build_connections_drawing([], table=False)
            self.problem.setText(str(exc) if "Graphviz" in str(exc) else "The graph could not be drawn; "
                                 "the Table tab lists the same connections.")
            self.problem.show()
        self.view.set_drawing(self.drawing)
        QTimer.singleShot(0, self.view.fit)

    def export_pdf(self, path: str | Path) -> Path:
        """Write the view (graph and table) as a PDF."""
        from genomap.render.pdf import PdfOptions, render_pdf

        title = "Connections across family maps" + (" (risk adults)" if self.risk_only.isChecked() else "")
        render_pdf(self.drawing, path, PdfOptions(title=title, appendix=False, as_at=date.today(),
                                                  prepared_by=_user(), subject=title))
        return Path(path)

    def _export_dialog(self) -> None:
        start = str(Path(self.document.path).with_name("Connections.pdf")) if self.document.path else "Connections.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export connections to PDF", start, "PDF (*.pdf)")
        if path:
            self.export_pdf(path)


class ConnectionsController(QObject):
    """Keeps markers, the dock and alerts in step with the open file (see the module docstring)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.document = None
        self.index = None
        self.case_conn: dict = {}
        self._base = None  # the undecorated (drawing, snapshot, as_at) last shown
        self._alerted: set[frozenset[int]] = set()
        self.dialog: Optional[ConnectionsDialog] = None

        self.panel = ConnectionsPanel()
        self.dock = window._dock("connections", "Connections", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        if getattr(window, "details_dock", None) is not None:
            window.tabifyDockWidget(window.details_dock, self.dock)
            window.details_dock.raise_()
        if isinstance(getattr(window, "docks", None), list):
            window.docks.append(self.dock)
        self.alert = MatchAlert(window.canvas)
        self.alert.review.clicked.connect(self.review_alert)

        self.view_action = QAction("&Connections across family maps…", window)
        self.view_action.setObjectName("action_connections_view")
        self.view_action.setToolTip("Risk adults and the families and children they are connected to")
        self.view_action.triggered.connect(lambda _c=False: self.open_view())
        self.layer_action = QAction("Show c&onnections", window, checkable=True, checked=True)
        self.layer_action.setObjectName("action_show_connections")
        self.layer_action.toggled.connect(lambda on: window.canvas.set_layer_visible(LAYER, on))
        view_menu = getattr(window, "menus", {}).get("view")
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.view_action)
            view_menu.addAction(self.layer_action)

        canvas = window.canvas
        self._set_drawing = canvas.set_drawing

        def set_drawing(drawing, snapshot=None, as_at=None):
            self._base = (drawing, snapshot, as_at)
            return self._set_drawing(self.decorate(drawing), snapshot, as_at)

        canvas.set_drawing = set_drawing  # every genogram shown gets the connections layer
        window.refreshed.connect(self.on_refreshed)
        canvas.selection_changed.connect(lambda _refs: QTimer.singleShot(0, self.update_panel))
        window.people.selection_changed.connect(lambda _refs: QTimer.singleShot(0, self.update_panel))
        self.panel.confirm_requested.connect(self.confirm)
        self.panel.reject_requested.connect(self.reject)
        self.panel.open_case_requested.connect(self.open_case)

    # -- following the document -----------------------------------------------------
    def _attach(self, doc) -> None:
        if self.document is not None:
            self.document.remove_listener(self.on_change)
        self.document = doc
        self.index = None
        self._alerted = set()
        if doc is not None:
            with doc.read() as session:
                self.index = store.build_index(session)
            doc.add_listener(self.on_change)

    def on_refreshed(self) -> None:
        if self.w.document is not self.document:
            self._attach(self.w.document)
        self.recompute()

    def on_change(self, change_set) -> None:
        if self.index is None:
            return
        try:
            changed = store.update_index(self.index, change_set)
            touched = {c.key[0] for c in change_set.changes if c.table == "person" and c.after is not None
                       and (c.before is None or any(c.before.get(k) != c.after.get(k) for k in _NAME_FIELDS))}
            if touched:
                self.check_new_people(sorted(touched)[:500])
            if changed or any(c.table in ("casemember", "riskflag") for c in change_set.changes):
                self.recompute()
        except Exception:  # a failed check must never block an edit
            log.exception("connections update failed")

    def recompute(self) -> None:
        doc, case_id = self.w.document, self.w.case_id
        if doc is None or case_id is None or self.index is None:
            self.case_conn = {}
            self.panel.set_person(None, None)
            return
        with doc.read() as session:
            new = store.case_connections(session, case_id, self.index)
        if new != self.case_conn:
            self.case_conn = new
            if self._base is not None:
                self._set_drawing(self.decorate(self._base[0]), *self._base[1:])
        self.update_panel()

    def decorate(self, drawing):
        case_id = self.w.case_id
        if case_id is None or not self.case_conn:
            return drawing
        try:
            return with_connections(drawing, self.case_conn, case_id)
        except Exception:  # noqa: BLE001 - markers are extra: never lose the genogram over them
            log.exception("connections overlay failed")
            return drawing

    def update_panel(self) -> None:
        doc = self.w.document
        pid = self.w.current_person() if doc is not None else None
        if pid is None or self.index is None:
            self.panel.set_person(None, self.w.case_id)
            return
        with doc.read() as session:
            person = store.person_connections(session, pid, self.index)
        self.panel.set_person(person, self.w.case_id)

    # -- alerts ---------------------------------------------------------------------
    def check_new_people(self, person_ids) -> None:
        for pid in person_ids:
            if pid not in self.index:
                continue
            fresh = [m for m in self.index.matches_for(pid, POSSIBLE) if m.pair not in self._alerted]
            if not fresh:
                continue
            self._alerted.update(m.pair for m in fresh)
            with self.document.read() as session:
                facts = store.FileFacts(session)
                found = [facts.possible_match(m, pid) for m in fresh]
            pm = next((p for p in found if p.risk_flags), found[0])  # a flagged match is said first
            where = "; ".join(f.label for f in pm.families) or "no family map"
            other = "another family" if all(f.case_id != self.w.case_id for f in pm.families) else "this file"
            flag = " — <b style='color:#b91c1c'>has a risk flag</b>" if pm.risk_flags else ""
            more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
            self.alert.show_for(pid, f"<b>Possible match in {other}:</b> {pm.name}"
                                     f"{', born ' + pm.born if pm.born else ''} in {where}{flag}{more}")
            return

    def review_alert(self) -> None:
        pid = self.alert.person_id
        self.alert.hide()
        if pid is None:
            return
        self.dock.show()
        self.dock.raise_()
        self.w.select([("person", pid)])
        QTimer.singleShot(0, self.update_panel)

    # -- decisions --------------------------------------------------------------------
    def confirm(self, pm) -> Optional[int]:
        person = self.panel.person
        if person is None or self.document is None:
            return None
        with self.document.read() as session:
            keep, merge = store.choose_kept(session, person.person_id, pm.person_id)
        names = {person.person_id: person.name, pm.person_id: pm.name}
        ok, kept = self.w.try_run(command(
            f"Link {names[merge]} with {names[keep]}", store.confirm_match, keep, merge, _user(),
            "Confirmed in the Connections panel", pm.score, pm.explanation))
        if ok:
            self.w.statusBar().showMessage(
                f"Linked: {names[keep]} is now one person in every family map either record was in — "
                "Undo (Ctrl+Z) separates them again", 8000)
            QTimer.singleShot(0, lambda: self.w.select([("person", kept)]))
        return kept if ok else None

    def reject(self, pm) -> bool:
        person = self.panel.person
        if person is None:
            return False
        ok, _ = self.w.try_run(command(
            f"Not the same person: {pm.name} and {person.name}", store.reject_match, person.person_id,
            pm.person_id, _user(), "Rejected in the Connections panel", pm.score, pm.explanation))
        if ok:
            self.w.statusBar().showMessage(f"{pm.name} will not be suggested as {person.name} again", 6000)
            QTimer.singleShot(0, self.update_panel)
        return ok

    def open_case(self, case_id: int, person_id: int) -> None:
        self.w.set_case(case_id, fit=True)
        QTimer.singleShot(0, lambda: self.w.select([("person", person_id)]))

    def open_view(self) -> Optional[ConnectionsDialog]:
        if self.document is None:
            return None
        self.dialog = ConnectionsDialog(self.document, self.w, self.index)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.show()
        return self.dialog


def install_connections(window) -> ConnectionsController:
    """Add connections markers, the Connections dock, match alerts and View > Connections to ``window``."""
    return ConnectionsController(window)
