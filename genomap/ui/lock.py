"""Lock on idle: after a quiet spell the window hides the family and asks to be unlocked.

After :data:`~genomap.privacy.IDLE_LOCK_KEY` minutes (QSettings; default
:data:`~genomap.privacy.IDLE_LOCK_DEFAULT_MINUTES`; 0 = never) without a key
press, click or mouse movement in GenoMap, and while a file is open:

* the genogram, every dock, the toolbar, open dialogs and the window title
  (a file name may hold a family name) are hidden behind a lock screen, and the
  window's actions (shortcuts included) are disabled;
* an **encrypted** file is unlocked only with its passphrase; after
  ``crypto.MAX_TRIES`` wrong ones the file is closed (all work is already
  saved in it) and must be opened again;
* a **plain** file is unlocked with a click ("Unlock as <user>").  That only
  keeps a passer-by from reading the screen: the file itself is readable by
  anyone with the computer, so the lock screen says so.

Edits are committed as they are made, so locking loses nothing.
"""

from __future__ import annotations

import getpass
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDockWidget, QFrame, QToolBar, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from genomap import privacy
from genomap.store import crypto

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.MouseButtonDblClick,
}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "this computer's user"


class LockScreen(QFrame):
    """What covers the window while it is locked."""

    def __init__(self, encrypted: bool, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("welcomeCard")
        card.setMaximumWidth(460)
        v = QVBoxLayout(card)
        v.setContentsMargins(30, 26, 30, 26)
        title = QLabel("GenoMap is locked")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        v.addWidget(title)
        self.field: Optional[QLineEdit] = None
        if encrypted:
            text = QLabel("The family map was hidden after a period without activity. Enter the file's "
                          "passphrase to carry on. Your work is saved.")
            self.field = QLineEdit()
            self.field.setObjectName("lockPassphrase")
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
            self.field.setPlaceholderText("Passphrase")
            self.button = QPushButton("Unlock")
        else:
            text = QLabel("The family map was hidden after a period without activity. Your work is saved.\n\n"
                          "This file has no passphrase: the lock only hides the screen from passers-by; "
                          "anyone with access to this computer can still open the file. Protect it with a "
                          "passphrase (File menu) for real protection.")
            self.button = QPushButton(f"Unlock as {_os_user()}")
        text.setWordWrap(True)
        v.addWidget(text)
        if self.field is not None:
            v.addWidget(self.field)
        self.error = QLabel("")
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        v.addWidget(self.error)
        self.button.setObjectName("unlockButton")
        self.button.setDefault(True)
        v.addWidget(self.button)
        row = QVBoxLayout()
        row.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addLayout(row)
        outer.addStretch(3)


class IdleLock(QObject):
    """Watches the application for activity and locks ``window`` after the idle time."""

    locked_changed = Signal(bool)

    def __init__(self, window, settings=None):
        super().__init__(window)
        self.window = window
        self.settings = settings if settings is not None else window.settings
        self.screen: Optional[LockScreen] = None
        self.failures = 0
        self._hidden: list[QWidget] = []
        self._disabled: list = []
        self._title = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.installEventFilter(self)
        self.restart()

    # -- timing -------------------------------------------------------------------------
    def minutes(self) -> float:
        try:
            return float(self.settings.value(privacy.IDLE_LOCK_KEY, privacy.IDLE_LOCK_DEFAULT_MINUTES))
        except (TypeError, ValueError):
            return float(privacy.IDLE_LOCK_DEFAULT_MINUTES)

    def restart(self) -> None:
        ms = int(self.minutes() * 60_000)
        if ms <= 0 or self.is_locked:
            self.timer.stop()
        else:
            self.timer.start(ms)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
        if obj is self.window and event.type() == QEvent.Type.Resize and self.screen is not None:
            self.screen.setGeometry(self.window.rect())
        elif event.type() in _ACTIVITY and not self.is_locked:
            if self.timer.isActive() and self.timer.remainingTime() < self.timer.interval() - 1000:
                self.restart()  # at most once a second
        return False

    # -- locking ------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def lock(self) -> bool:
        w = self.window
        if self.is_locked or w.document is None:
            self.restart()
            return False
        encrypted = crypto.is_encrypted(w.document)
        parts = [*w.findChildren(QDockWidget), *w.findChildren(QToolBar), w.centralWidget()]
        self._hidden = [x for x in parts if x.isVisible()]
        dialogs = [d for d in (w.dialog, w.context_menu) if d is not None and d.isVisible()]
        self._hidden += dialogs
        for x in self._hidden:
            x.hide()
        self._disabled = [a for a in w.findChildren(type(w.actions_by_name["quit"])) if a.isEnabled()
                          and a is not w.actions_by_name["quit"]]
        for a in self._disabled:
            a.setEnabled(False)
        w.menuBar().setEnabled(False)
        self._title = w.windowTitle()
        w.setWindowTitle("GenoMap — locked")
        self.failures = 0
        self.screen = LockScreen(encrypted, w)
        self.screen.setGeometry(w.rect())
        self.screen.button.clicked.connect(self._unlock_clicked)
        if self.screen.field is not None:
            self.screen.field.returnPressed.connect(self._unlock_clicked)
        self.screen.show()
        self.screen.raise_()
        if self.screen.field is not None:
            self.screen.field.setFocus()
        self.timer.stop()
        self.locked_changed.emit(True)
        return True

    def _unlock_clicked(self) -> None:
        field = self.screen.field if self.screen is not None else None
        text = field.text() if field is not None else None
        if field is not None:
            field.clear()
        self.unlock(text if text else None)

    def unlock(self, passphrase: Optional[str | crypto.Secret] = None) -> bool:
        """Unlock (``passphrase`` needed for an encrypted file); False on a wrong one."""
        if not self.is_locked:
            return True
        doc = self.window.document
        if doc is not None and crypto.is_encrypted(doc):
            if not passphrase or not doc.key.matches(passphrase):
                self.failures += 1
                left = crypto.MAX_TRIES - self.failures
                if left <= 0:
                    self._release()
                    self.window.close_document()
                    self.window.statusBar().showMessage(
                        "The file was closed after too many wrong passphrases. Open it again to carry on.", 10000)
                    return False
                self.screen.error.setText(f"Wrong passphrase. {left} {'try' if left == 1 else 'tries'} left.")
                self.screen.error.show()
                return False
        self._release()
        return True

    def _release(self) -> None:
        w = self.window
        if self.screen is not None:
            self.screen.hide()
            self.screen.deleteLater()
            self.screen = None
        for a in self._disabled:
            a.setEnabled(True)
        self._disabled = []
        w.menuBar().setEnabled(True)
        for x in self._hidden:
            x.show()
        self._hidden = []
        w.setWindowTitle(self._title or w.windowTitle())
        self.failures = 0
        self.locked_changed.emit(False)
        self.restart()
