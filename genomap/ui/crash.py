"""The last line of defence: unexpected errors become a calm dialog and a log entry.

``sys.excepthook`` is replaced so an exception escaping a slot does not end the
app.  The dialog says in plain words that work already made is safe (every edit
is committed to the file as it is made) and where the details were written; the
log holds the exception type and code locations only (see :mod:`genomap.logs`).
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import Callable, Optional

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget,
)

from genomap.errors import is_user_facing
from genomap.logs import log_file_path

log = logging.getLogger("genomap.crash")


class CalmErrorDialog(QDialog):
    """A short, non-alarming message with an OK button (opened non-modally)."""

    def __init__(self, title: str, message: str, detail: str = "", parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("calmErrorDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(36, 36))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(icon)
        text = QVBoxLayout()
        self.message_label = QLabel(message)
        self.message_label.setObjectName("calmMessage")
        self.message_label.setWordWrap(True)
        font = self.message_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.message_label.setFont(font)
        text.addWidget(self.message_label)
        if detail:
            d = QLabel(detail)
            d.setWordWrap(True)
            d.setObjectName("placeholderText")
            d.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.addWidget(d)
        row.addLayout(text, 1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)


def describe_for_user(exc: BaseException) -> tuple[str, str]:
    """(message, detail) for an error; the message never repeats unexpected exception text."""
    if is_user_facing(exc):
        return str(exc), ""
    path = log_file_path()
    where = f"Technical details were written to {path}." if path else ""
    return (
        "Something went wrong, but your family map is safe: every change is saved to the file "
        "as you make it, and GenoMap is still running. If this keeps happening, please send the "
        "log file to your IT support.",
        where,
    )


class ExceptionHook:
    """Replaces ``sys.excepthook`` while installed; shows at most one dialog at a time."""

    def __init__(self, parent_getter: Callable[[], Optional[QWidget]]):
        self.parent_getter = parent_getter
        self.dialog: Optional[CalmErrorDialog] = None
        self.count = 0
        self._previous = None

    def install(self) -> "ExceptionHook":
        self._previous = sys.excepthook
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous or sys.__excepthook__

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: Optional[TracebackType]) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.count += 1
        if is_user_facing(exc):
            log.warning("user-facing error: %s", exc_type.__name__)
        else:
            log.error("unexpected error", exc_info=(exc_type, exc, tb))
        try:
            self.show(exc)
        except Exception:  # noqa: BLE001 - never let the hook itself raise
            log.error("could not show the error dialog", exc_info=True)

    def show(self, exc: BaseException) -> None:
        if QApplication.instance() is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            return  # one calm message is enough
        message, detail = describe_for_user(exc)
        self.dialog = CalmErrorDialog("GenoMap", message, detail, self.parent_getter())
        QTimer.singleShot(0, self.dialog.open)
