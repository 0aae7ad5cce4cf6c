"""Screenshots of the first-run screens, offscreen, into docs/screenshots/:

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_first_run.py [OUT_DIR]

``welcome.png``: the welcome screen with two recent (fictional) family maps;
``settings.png``: Edit > Settings filled in for a fictional practitioner.
Uses a throw-away settings file and data folder, so it never touches a user's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HERE = Path(__file__).resolve().parent
SIZE = (1280, 800)


def _settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()


def make(out_dir: Path = HERE) -> list[Path]:
    from genomap.settings import Preferences
    from genomap.store.files import create_document
    from genomap.ui.dialogs.settings import SettingsDialog, save_preferences
    from genomap.ui.main_window import MainWindow
    from genomap.ui.style import apply_style

    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("GenoMap")
    app.setOrganizationName("GenoMap")
    QStandardPaths.setTestModeEnabled(True)
    apply_style(app)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HOME"] = tmp  # the recent list shows folders as ~/...
        home = Path(tmp) / "Case files"
        home.mkdir()
        recent = []
        for name in ("Thistlewood family", "Farrant family"):
            path = home / f"{name}.genomap"
            create_document(path).close()
            recent.append(str(path))
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("files/recent", recent)
        window = MainWindow(settings=settings)
        window.resize(*SIZE)
        window.show()
        window._update_for_document()
        _settle(app)
        path = out_dir / "welcome.png"
        window.grab().save(str(path))
        written.append(path)

        save_preferences(settings, Preferences(
            paper="A4", marking="OFFICIAL-SENSITIVE", redaction_profile="professionals",
            organisation="Northshire Children's Services", user_name="Sam Carter", idle_lock_minutes=10))
        dlg = SettingsDialog(settings, parent=window)
        dlg.show()
        dlg.adjustSize()
        _settle(app)
        shot = dlg.grab()
        # a soft frame so the dialog reads as a window on the page
        framed = QPixmap(shot.width() + 2, shot.height() + 2)
        framed.fill(QColor("#d0d5dd"))
        painter = QPainter(framed)
        painter.drawPixmap(1, 1, shot)
        painter.end()
        path = out_dir / "settings.png"
        framed.save(str(path))
        written.append(path)
        dlg.close()
        window.close()
    return written


if __name__ == "__main__":
    for p in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
