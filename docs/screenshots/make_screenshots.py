"""Render screenshots of GenoMap with the fictional demo family, offscreen, into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_screenshots.py [OUT_DIR]

Writes, at 1400 x 900, ``main_window.png`` (the demo family with the visiting
adult Darren Skelwith selected: the one-line risk alert, markers around his
symbol), ``context_menu.png`` (right-click on a person), ``details_form.png``
(editing a person, with an inline date message), ``significant_adults.png`` (the
Significant adults dock for the subject child), ``connections_view.png`` (View >
Connections across family maps) and ``welcome.png`` (no file open).
Uses a throw-away settings file and data folder, so it never touches a user's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, QStandardPaths  # noqa: E402
from PySide6.QtGui import QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HERE = Path(__file__).resolve().parent
SIZE = (1400, 900)


def _settle(app: QApplication, window=None) -> None:
    for _ in range(5):
        app.processEvents()
    if window is not None:
        window.scheduler.wait(30000)
        for _ in range(5):
            app.processEvents()


def _grab_with_popup(window, popup) -> QPixmap:
    """The window with a popup menu painted where it opened (popups are separate windows)."""
    shot = window.grab()
    painter = QPainter(shot)
    top_left = window.mapFromGlobal(popup.pos())
    painter.drawPixmap(top_left, popup.grab())
    painter.end()
    return shot


def make_screenshots(out_dir: Path = HERE) -> list[Path]:
    from genomap.demo import build_demo
    from genomap.store.document import Document
    from genomap.ui.main_window import MainWindow
    from genomap.ui.style import apply_style

    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("GenoMap")
    app.setOrganizationName("GenoMap")
    QStandardPaths.setTestModeEnabled(True)
    apply_style(app)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        window.resize(*SIZE)
        window.show()
        _settle(app)
        path = out_dir / "welcome.png"
        window.grab().save(str(path))
        written.append(path)

        demo = Path(tmp) / "Demo family.genomap"
        with Document.create(demo) as doc:
            build_demo(doc)
        window.open_path(demo)
        _settle(app, window)
        window.canvas.fit()
        _settle(app, window)

        snapshot = window.snapshot
        subject = next((p for p in snapshot.people if p.is_subject), snapshot.people[0])
        visitor = next((p for p in snapshot.people if p.name == "Darren Skelwith"), subject)
        window.select([("person", visitor.id)])
        _settle(app, window)
        path = out_dir / "main_window.png"
        window.grab().save(str(path))
        written.append(path)

        # The Significant adults dock (tabbed with Details) for the subject child.
        window.register_dock.show()
        window.register_dock.raise_()
        panel = window.register_panel
        index = panel.child_combo.findData(subject.id)
        if index >= 0:
            panel.child_combo.setCurrentIndex(index)
            panel.set_child(subject.id)
        _settle(app, window)
        path = out_dir / "significant_adults.png"
        window.grab().save(str(path))
        written.append(path)
        window.details_dock.raise_()
        _settle(app, window)

        # View > Connections across family maps: the graph of risk adults and the families they reach.
        dialog = window.connections.open_view()
        if dialog is not None:
            dialog.resize(1100, 720)
            _settle(app)
            dialog.view.fit()
            _settle(app)
            path = out_dir / "connections_view.png"
            dialog.grab().save(str(path))
            written.append(path)
            dialog.close()

        # Right-click an adult with partners: the person menu with its "Add child" choices.
        adult = max(snapshot.people, key=lambda p: len(window.partners_of(p.id)))
        ref = ("person", adult.id)
        window.select([ref])
        _settle(app, window)
        rect = window.canvas._ref_rect(ref)
        view_pos = window.canvas.mapFromScene(rect.center()) if rect is not None else QPoint(200, 200)
        menu = window.show_context_menu(ref, window.canvas.viewport().mapToGlobal(view_pos))
        _settle(app)
        child_action = next(a for a in menu.actions() if a.menu() is not None)
        menu.setActiveAction(child_action)
        child_action.menu().popup(menu.mapToGlobal(menu.actionGeometry(child_action).topRight()))
        _settle(app)
        shot = _grab_with_popup(window, menu)
        painter = QPainter(shot)
        sub = child_action.menu()
        painter.drawPixmap(window.mapFromGlobal(sub.pos()), sub.grab())
        painter.end()
        path = out_dir / "context_menu.png"
        shot.save(str(path))
        written.append(path)
        sub.close()
        menu.close()

        # The Details form mid-edit: a date typed the way practitioners write it, one it cannot read.
        child = next(p for p in snapshot.people if p.birth is not None and p.id != adult.id)
        window.select([("person", child.id)], focus_field="known_as")
        form = window.details.form
        form.widget("death").setText("31 Jun 2019")
        form.widget("death").editingFinished.emit()
        _settle(app, window)
        path = out_dir / "details_form.png"
        window.grab().save(str(path))
        written.append(path)
        window.details.reload()
        window.close()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in make_screenshots(target):
        print(p)
