"""Passphrase dialogs and the File menu's protection commands.

* :func:`ask_passphrase` – the prompt shown when an encrypted file is opened
  (the store asks again, at most ``crypto.MAX_TRIES`` times, after a wrong one).
* :class:`NewPassphraseDialog` – a new passphrase typed twice.
* :class:`FileProtection` – File > Protect with passphrase…, Change passphrase…,
  Remove passphrase…, Restore from backup…; and the automatic backup on open.

Passphrases live in :class:`~genomap.store.crypto.Secret` objects as soon as
they leave a line edit, and the line edits are cleared when a dialog closes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget,
)

from genomap import privacy
from genomap.store import backups, crypto

log = logging.getLogger(__name__)


class PassphraseDialog(QDialog):
    """One password field with an explanation and, after a wrong try, the reason."""

    def __init__(self, title: str, message: str, error: str = "", confirm: bool = False,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(title)
        v = QVBoxLayout(self)
        text = QLabel(message)
        text.setWordWrap(True)
        v.addWidget(text)
        self.field = QLineEdit()
        self.field.setObjectName("passphraseField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText("Passphrase")
        v.addWidget(self.field)
        self.confirm_field: Optional[QLineEdit] = None
        if confirm:
            self.confirm_field = QLineEdit()
            self.confirm_field.setObjectName("passphraseConfirm")
            self.confirm_field.setEchoMode(QLineEdit.EchoMode.Password)
            self.confirm_field.setPlaceholderText("Type it again")
            v.addWidget(self.confirm_field)
        self.error_label = QLabel(error)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(bool(error))
        v.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
        self.setMinimumWidth(420)
        self._secret: Optional[crypto.Secret] = None

    def _ok(self) -> None:
        value = self.field.text()
        if self.confirm_field is not None:
            problem = crypto.passphrase_problem(value)
            if not problem and self.confirm_field.text() != value:
                problem = "The two passphrases are different."
            if problem:
                self.error_label.setText(problem)
                self.error_label.show()
                return
        if not value:
            return
        self._secret = crypto.Secret(value)
        self.accept()

    def secret(self) -> Optional[crypto.Secret]:
        return self._secret

    def done(self, result: int) -> None:  # noqa: D401 - Qt override: never keep the text around
        self.field.clear()
        if self.confirm_field is not None:
            self.confirm_field.clear()
        super().done(result)


def ask_passphrase(parent: Optional[QWidget], path: Path, attempt: int, error: Optional[str]) -> Optional[crypto.Secret]:
    """Ask for an encrypted file's passphrase (modal); None when cancelled."""
    left = crypto.MAX_TRIES - attempt
    message = (f"“{path.name}” is protected with a passphrase. Enter it to open the file.")
    if error:
        error = f"Wrong passphrase. {left} {'try' if left == 1 else 'tries'} left."
    dlg = PassphraseDialog("Passphrase needed", message, error or "", parent=parent)
    dlg.exec()
    return dlg.secret()


def ask_new_passphrase(parent: Optional[QWidget], message: str) -> Optional[crypto.Secret]:
    dlg = PassphraseDialog("Choose a passphrase", message, confirm=True, parent=parent)
    dlg.exec()
    return dlg.secret()


def gui_provider(parent: Optional[QWidget]):
    """A passphrase provider for ``Document.open`` that asks with :func:`ask_passphrase`."""
    import genomap.ui.dialogs.passphrase as me  # looked up at call time (tests replace it)

    return lambda path, attempt, error: me.ask_passphrase(parent, path, attempt, error)


NEW_PASSPHRASE_TEXT = (
    "Anyone who finds the file without the passphrase sees only scrambled data. "
    "Choose at least 8 characters (a few unrelated words is best) and keep it safe: "
    "if it is lost, nobody can recover the file.")


class RestoreDialog(QDialog):
    """Lists the backups of the open file, newest first."""

    def __init__(self, items: list[backups.Backup], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from backup")
        v = QVBoxLayout(self)
        intro = QLabel("GenoMap keeps a copy of this file each time it is opened. Choose one to go back to. "
                       "The file as it is now is kept as a backup first, so this can be undone.")
        intro.setWordWrap(True)
        v.addWidget(intro)
        self.list = QListWidget()
        for b in items:
            item = QListWidgetItem(f"{b.label} — {max(1, b.size // 1024)} KB")
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            self.list.addItem(item)
        if items:
            self.list.setCurrentRow(0)
        v.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(items))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
        self.items = items
        self.resize(460, 320)

    def chosen(self) -> Optional[backups.Backup]:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None


class FileProtection:
    """Adds the protection commands to a main window's File menu and carries them out."""

    def __init__(self, window):
        self.window = window
        menu = window.menus["file"]
        anchor = next((a for a in menu.actions() if a is window.actions_by_name.get("save_copy")), None)
        self.actions: dict[str, QAction] = {}
        for name, text, slot in (
            ("encrypt", "Protect with &passphrase…", self.encrypt_dialog),
            ("change_passphrase", "C&hange passphrase…", self.change_passphrase_dialog),
            ("decrypt", "Remove passphrase…", self.decrypt_dialog),
            ("restore_backup", "Restore from &backup…", self.restore_dialog),
        ):
            act = QAction(text, window)
            act.setObjectName(f"action_{name}")
            act.triggered.connect(lambda _c=False, s=slot: s())
            menu.insertAction(anchor, act) if anchor is not None else menu.addAction(act)
            self.actions[name] = act
        if anchor is not None:
            menu.insertSeparator(anchor)
        menu.aboutToShow.connect(self.update_actions)
        self.update_actions()

    # -- state -----------------------------------------------------------------
    @property
    def document(self):
        return self.window.document

    def update_actions(self) -> None:
        doc = self.document
        local = doc is not None and doc.path is not None and doc.engine.dialect.name == "sqlite"
        enc = local and crypto.is_encrypted(doc)
        self.actions["encrypt"].setEnabled(local and not enc)
        self.actions["change_passphrase"].setEnabled(enc)
        self.actions["decrypt"].setEnabled(enc)
        self.actions["restore_backup"].setEnabled(local)

    def backups_enabled(self) -> bool:
        value = self.window.settings.value(privacy.BACKUPS_KEY, True)
        return str(value).lower() not in ("false", "0", "no")

    def keep(self) -> int:
        try:
            return max(1, int(self.window.settings.value(privacy.BACKUP_COUNT_KEY, backups.DEFAULT_KEEP)))
        except (TypeError, ValueError):
            return backups.DEFAULT_KEEP

    def after_open(self, doc) -> None:
        """The automatic backup made each time a file is opened."""
        self.update_actions()
        if doc is None or doc.path is None or not self.backups_enabled():
            return
        try:
            backups.make_backup(doc, "open", keep=self.keep())
        except Exception:  # noqa: BLE001 - a failed backup must not stop work; logged without values
            log.warning("automatic backup failed", exc_info=True)
            self.window.statusBar().showMessage("The automatic backup could not be made", 6000)

    # -- commands ----------------------------------------------------------------
    def _reopen(self, path: Path, passphrase) -> bool:
        return self.window.open_path(path, passphrase=passphrase)

    def encrypt(self, secret: crypto.Secret) -> bool:
        """Encrypt the open file in place and reopen it; old (plain) backups are deleted."""
        doc = self.document
        path = Path(doc.path)
        self.window.close_document()
        try:
            crypto.encrypt_file(path, secret)
        except Exception as exc:  # noqa: BLE001
            self.window._report(exc, "The file could not be protected.")
            self._reopen(path, None)
            return False
        backups.forget(path)
        ok = self._reopen(path, secret)
        if ok:
            self.window.statusBar().showMessage("The file is now protected with a passphrase", 6000)
        return ok

    def decrypt(self) -> bool:
        doc = self.document
        path, key = Path(doc.path), doc.key
        self.window.close_document()
        try:
            crypto.decrypt_file(path, key)
        except Exception as exc:  # noqa: BLE001
            self.window._report(exc, "The passphrase could not be removed.")
            self._reopen(path, key)
            return False
        backups.forget(path)
        return self._reopen(path, None)

    def change_passphrase(self, secret: crypto.Secret) -> bool:
        try:
            crypto.change_passphrase(self.document, secret)
            backups.after_passphrase_change(self.document)
        except Exception as exc:  # noqa: BLE001
            self.window._report(exc, "The passphrase could not be changed.")
            return False
        self.window.statusBar().showMessage("Passphrase changed", 5000)
        return True

    def restore(self, backup: backups.Backup) -> bool:
        """Back up the current state, close, put ``backup`` in place, reopen (same key)."""
        doc = self.document
        path, key = Path(doc.path), doc.key
        try:
            backups.make_backup(doc, "before-restore", keep=self.keep() + 1)
            self.window.close_document()
            backups.restore_file(path, backup)
        except Exception as exc:  # noqa: BLE001
            self.window._report(exc, "The backup could not be restored.")
            if self.window.document is None:
                self._reopen(path, key)
            return False
        ok = self._reopen(path, key)
        if ok:
            self.window.statusBar().showMessage(f"Restored the backup from {backup.when:%d %b %Y %H:%M}", 6000)
        return ok

    # -- dialogs ----------------------------------------------------------------
    def encrypt_dialog(self) -> None:
        if self.document is None:
            return
        secret = ask_new_passphrase(self.window, NEW_PASSPHRASE_TEXT)
        if secret is not None:
            self.encrypt(secret)

    def change_passphrase_dialog(self) -> None:
        if self.document is None:
            return
        secret = ask_new_passphrase(self.window, "Choose a new passphrase. " + NEW_PASSPHRASE_TEXT
                                    + " Backups made under the old passphrase are deleted.")
        if secret is not None:
            self.change_passphrase(secret)

    def decrypt_dialog(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        if self.document is None:
            return
        answer = QMessageBox.warning(
            self.window, "Remove passphrase",
            "Without a passphrase, anyone who gets hold of this file (a lost laptop, a copied "
            "file) can read everything in it. Remove the protection?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.decrypt()

    def restore_dialog(self) -> Optional[RestoreDialog]:
        if self.document is None or self.document.path is None:
            return None
        dlg = RestoreDialog(backups.list_backups(self.document.path), self.window)

        def chosen() -> None:
            b = dlg.chosen()
            if b is not None:
                self.restore(b)

        dlg.accepted.connect(chosen)
        self.window.open_dialog(dlg)
        return dlg
