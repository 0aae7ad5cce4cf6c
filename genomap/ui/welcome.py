"""The welcome screen: what the window shows with no family map open.

Three clear ways to start (the demo family, a new family map, an existing file),
the files used recently (name and folder; a click opens one), and a link to the
Quick guide.  Signals and buttons are wired by the main window; this page does no
file work itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton, QVBoxLayout, QWidget,
)

ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"
MAX_SHOWN = 5


def app_logo(size: int) -> QPixmap:
    """The application icon at ``size`` px (the rendered PNG set; the painted icon as a fallback)."""
    for candidate in (128, 256, 512):
        path = ICON_DIR / f"genomap-{candidate}.png"
        if candidate >= size and path.is_file():
            pix = QPixmap(str(path))
            if not pix.isNull():
                return pix.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
    from genomap.ui.icons import app_icon

    return app_icon().pixmap(size, size)


def _short_folder(path: Path, limit: int = 46) -> str:
    folder = str(path.parent)
    home = str(Path.home())
    if folder.startswith(home):
        folder = "~" + folder[len(home):]
    return folder if len(folder) <= limit else "…" + folder[-(limit - 1):]


class WelcomePage(QWidget):
    """What the window shows with no file open: three clear ways to start, and recent files."""

    guide_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        from genomap.ui.icons import icon

        self.setObjectName("welcomePage")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("welcomeCard")
        card.setMinimumWidth(440)
        card.setMaximumWidth(540)
        v = QVBoxLayout(card)
        v.setContentsMargins(40, 32, 40, 26)
        v.setSpacing(12)

        logo = QLabel()
        logo.setPixmap(app_logo(72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        v.addWidget(logo)
        title = QLabel("Welcome to GenoMap")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        v.addWidget(title)
        sub = QLabel("Draw a family map with the people who matter to the child: partners, children "
                     "from every relationship, households and the agencies involved.")
        sub.setWordWrap(True)
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setObjectName("placeholderText")
        v.addWidget(sub)
        v.addSpacing(8)

        self.demo_button = self._button(icon("person"), "Open the demo family",
                                        "A fictional family to explore: every name is invented")
        self.new_button = self._button(icon("new"), "New family map…", "Start a family map in a new file")
        self.open_button = self._button(icon("open"), "Open…", "Open a .genomap file")
        for b in (self.demo_button, self.new_button, self.open_button):
            v.addWidget(b)
        self.new_button.setDefault(True)

        self.recent_frame = QWidget()
        self.recent_box = QVBoxLayout(self.recent_frame)
        self.recent_box.setContentsMargins(0, 6, 0, 0)
        self.recent_box.setSpacing(0)
        v.addWidget(self.recent_frame)
        self.recent_frame.hide()

        v.addSpacing(6)
        foot = QHBoxLayout()
        foot.addStretch(1)
        self.guide_button = QToolButton(objectName="welcomeGuide")
        self.guide_button.setText("New to GenoMap? Read the quick guide")
        self.guide_button.setAutoRaise(True)
        self.guide_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.guide_button.setStyleSheet("QToolButton#welcomeGuide { color: #2563eb; border: none; }"
                                        "QToolButton#welcomeGuide:hover { text-decoration: underline; }")
        self.guide_button.clicked.connect(self.guide_requested)
        foot.addWidget(self.guide_button)
        foot.addStretch(1)
        v.addLayout(foot)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

    @staticmethod
    def _button(ic: QIcon, text: str, tip: str) -> QPushButton:
        b = QPushButton(ic, "  " + text)
        b.setObjectName("welcomeButton")
        b.setToolTip(tip)
        b.setMinimumHeight(40)
        b.setIconSize(QSize(20, 20))
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return b

    def recent_buttons(self) -> list[QPushButton]:
        return self.recent_frame.findChildren(QPushButton, "recentButton")

    def set_recent(self, paths: list[str], open_fn: Callable[[str], None]) -> None:
        """Show up to five recent files (newest first); ``open_fn(path)`` opens one."""
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.recent_frame.setVisible(bool(paths))
        if not paths:
            return
        label = QLabel("Recent family maps")
        label.setObjectName("sectionLabel")
        self.recent_box.addWidget(label)
        for path in paths[:MAX_SHOWN]:
            p = Path(path)
            b = QPushButton(f"{p.stem}    ·   {_short_folder(p)}")
            b.setToolTip(str(p))
            b.setFlat(True)
            b.setObjectName("recentButton")
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(lambda _=False, target=path: open_fn(target))
            self.recent_box.addWidget(b)
