"""The New family map dialog, with passphrase protection chosen by default.

The two choices are spelled out: "Protect with a passphrase (recommended)"
(pre-selected: the file is encrypted, unreadable without the passphrase) or
"No passphrase" (anyone who gets the file can read it).  The command line
makes plain files unless ``--encrypt`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

from genomap.store import crypto

FILE_FILTER = "GenoMap family maps (*.genomap);;All files (*)"


class NewFileDialog(QDialog):
    def __init__(self, window, parent: Optional[QWidget] = None):
        super().__init__(parent or window)
        self.window = window
        self.setObjectName("newFileDialog")
        self.setWindowTitle("New family map")
        self.docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        v = QVBoxLayout(self)
        intro = QLabel("A family map is kept in one file. Every change you make is saved to it straight away.")
        intro.setWordWrap(True)
        v.addWidget(intro)
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Title", self.title)
        form.addRow("Case reference", self.reference)
        form.addRow("File", row)
        v.addLayout(form)

        self.protect = QRadioButton("Protect with a passphrase (recommended)")
        self.protect.setObjectName("protectChoice")
        self.plain = QRadioButton("No passphrase: anyone who gets hold of the file can read it")
        self.plain.setObjectName("plainChoice")
        group = QButtonGroup(self)
        group.addButton(self.protect)
        group.addButton(self.plain)
        self.protect.setChecked(True)
        v.addWidget(self.protect)
        self.pass_box = QWidget()
        pv = QFormLayout(self.pass_box)
        pv.setContentsMargins(24, 0, 0, 0)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphraseField")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("passphraseConfirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        pv.addRow("Passphrase", self.passphrase)
        pv.addRow("Again", self.confirm)
        hint = QLabel("At least 8 characters; a few unrelated words is best. If the passphrase is lost, "
                      "nobody can recover the file.")
        hint.setWordWrap(True)
        hint.setObjectName("placeholderText")
        pv.addRow(hint)
        v.addWidget(self.pass_box)
        v.addWidget(self.plain)
        self.protect.toggled.connect(self.pass_box.setEnabled)
        self.error = QLabel("")
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        v.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
        self._path_touched = False
        self.path.textEdited.connect(lambda _t: setattr(self, "_path_touched", True))
        self.title.textChanged.connect(self._follow_title)
        self._follow_title("")
        self.setMinimumWidth(500)
        self.created = None
        self.ok_button = self.create_button
        self.form = self  # FormDialog-like access for tests: dlg.form.widget("title")

    def widget(self, name: str) -> QWidget:
        return {"title": self.title, "reference": self.reference, "path": self.path,
                "passphrase": self.passphrase, "confirm": self.confirm}[name]

    def _follow_title(self, text: str) -> None:
        if not self._path_touched:
            name = "".join(ch for ch in text if ch not in '\\/:*?"<>|').strip() or "Family map"
            self.path.setText(str(Path(self.docs) / f"{name}.genomap"))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "New family map", self.path.text(), FILE_FILTER)
        if chosen:
            self._path_touched = True
            self.path.setText(chosen)

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def create(self):
        """Create the file with the choices made; the dialog stays open on a problem."""
        from genomap.store.document import StoreError

        secret = None
        if self.protect.isChecked():
            value = self.passphrase.text()
            problem = crypto.passphrase_problem(value)
            if not problem and self.confirm.text() != value:
                problem = "The two passphrases are different."
            if problem:
                return self._fail(problem)
            secret = crypto.Secret(value)
        title = self.title.text().strip() or "Family map"
        path = self.path.text().strip() or str(Path(self.docs) / f"{title}.genomap")
        try:
            self.created = self.window.create_file(path, title, self.reference.text().strip(), passphrase=secret)
        except StoreError as exc:
            return self._fail(str(exc))
        except OSError as exc:
            return self._fail(f"The file could not be created there ({exc.strerror or type(exc).__name__}).")
        self.passphrase.clear()
        self.confirm.clear()
        self.accept()
        return self.created


def new_file_dialog(window) -> NewFileDialog:
    dlg = NewFileDialog(window)
    window.open_dialog(dlg)
    dlg.title.setFocus()
    return dlg
