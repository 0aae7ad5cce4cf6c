"""The History dock and the team-database features of the main window.

:class:`HistoryDock` lists who changed what and when (from the audit trail) for the
selected person, or for the whole family map.  :func:`install_team_features` adds
File > Connect to team database…, View > Refresh (F5: shows others' committed
changes), the History dock and the user name in the status bar to a main window.
"""

from __future__ import annotations

import logging
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget, QLabel, QMessageBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from genomap.store import audit

log = logging.getLogger(__name__)


class HistoryDock(QDockWidget):
    """Change history (who, when, what: from → to) of a person or a family map."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__("History", parent)
        self.setObjectName("dock_history")
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel("Select a person to see their history.")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["When", "Who", "What", "Change"])
        self.tree.setRootIsDecorated(False)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree)
        self.setWidget(body)

    def show_entries(self, heading: str, entries: list) -> None:
        self.heading.setText(heading)
        self.tree.clear()
        for e in entries:
            what = f"{e.description} ({audit._noun(e.table)})"
            item = QTreeWidgetItem([e.when, e.user, what, e.summary()])
            item.setToolTip(3, "\n".join(f"{f}: {a!r} → {b!r}" for f, a, b in e.changes()))
            self.tree.addTopLevelItem(item)

    def show_person(self, document, person_id: int, name: str = "") -> None:
        self.show_entries(f"History of {name or f'person {person_id}'}",
                          audit.person_history(document.engine, person_id))

    def show_case(self, document, case_id: int, member_ids=()) -> None:
        self.show_entries("History of this family map",
                          audit.case_history(document.engine, case_id, member_ids))


def install_team_features(window) -> None:
    """Add the team-database actions, the History dock and the user label to ``window``."""
    dock = HistoryDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    window.history_dock = dock
    user_label = QLabel()
    user_label.setObjectName("userLabel")
    window.statusBar().addPermanentWidget(user_label)
    window.user_label = user_label

    def update_user() -> None:
        doc = getattr(window, "document", None)
        user = getattr(doc, "user", "") if doc is not None else ""
        user_label.setText(f"User: {user}" if user else "")

    refresh = QAction("&Refresh", window)
    refresh.setObjectName("action_refresh")
    refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
    refresh.setStatusTip("Show changes other people have saved")

    def do_refresh() -> None:
        doc = getattr(window, "document", None)
        if doc is None:
            return
        doc.refresh()
        for name in ("reload", "refresh_views", "_reload_views"):
            fn = getattr(window, name, None)
            if callable(fn):
                fn()
                break
        else:
            from genomap.store.changes import ChangeSet

            doc._notify(ChangeSet("Refresh", ()))
        window.statusBar().showMessage("Refreshed", 2000)

    refresh.triggered.connect(do_refresh)
    connect = QAction("Connect to &team database…", window)
    connect.setObjectName("action_connect_team")

    def do_connect() -> None:
        from genomap.store import server
        from genomap.store.document import StoreError
        from genomap.ui.dialogs.connect import ConnectDialog

        dialog = ConnectDialog(window)
        if dialog.exec() != ConnectDialog.DialogCode.Accepted:
            return
        url = dialog.url()
        try:
            doc = server.open_team_document(url)
        except StoreError as exc:
            QMessageBox.warning(window, "Team database", str(exc))
            return
        open_team(window, doc)

    connect.triggered.connect(do_connect)
    history = QAction("&History", window)
    history.setObjectName("action_history")

    def do_history() -> None:
        doc = getattr(window, "document", None)
        if doc is None:
            return
        pid = window.current_person() if hasattr(window, "current_person") else None
        if pid:
            dock.show_person(doc, pid)
        elif getattr(window, "case_id", None):
            dock.show_case(doc, window.case_id)
        dock.show()
        dock.raise_()

    history.triggered.connect(do_history)
    menus = {m.title().replace("&", ""): m for m in
             (a.menu() for a in window.menuBar().actions()) if m is not None}
    if "File" in menus:
        menus["File"].insertAction(menus["File"].actions()[2] if len(menus["File"].actions()) > 2 else None,
                                   connect)
    if "View" in menus:
        menus["View"].addSeparator()
        menus["View"].addActions([refresh, history])
    window.addAction(refresh)
    window.actions_by_name.update({"refresh": refresh, "connect_team": connect, "history": history})
    window.update_user_label = update_user
    update_user()


def open_team(window, doc) -> None:
    """Show a team database in ``window`` (the title shows the URL without its password)."""
    attach = getattr(window, "_attach", None)
    if attach is None:
        raise RuntimeError("this window cannot show a team database")
    attach(doc)
    window.setWindowTitle(f"{getattr(doc, 'url', 'Team database')} — GenoMap")
    if hasattr(window, "update_user_label"):
        window.update_user_label()
    log.info("opened team database %s as %s", getattr(doc, "url", ""), doc.user)
