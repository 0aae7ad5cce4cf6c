"""File > Connect to team database…: server, database, user name and password.

The password is only put into the connection URL handed to the store; the
window title, logs and messages show :func:`genomap.store.server.display_url`
(password masked).
"""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QSpinBox, QWidget


class ConnectDialog(QDialog):
    """Asks for a PostgreSQL server; :meth:`url` builds the SQLAlchemy URL."""

    def __init__(self, parent: Optional[QWidget] = None, user: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Connect to team database")
        form = QFormLayout(self)
        self.host = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("genomap")
        self.user = QLineEdit(user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, w in (("Server", self.host), ("Port", self.port), ("Database", self.database),
                         ("User name", self.user), ("Password", self.password)):
            w.setObjectName(f"connect_{label.lower().replace(' ', '_')}")
            form.addRow(label, w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def url(self) -> sa.URL:
        return sa.URL.create("postgresql+psycopg", username=self.user.text().strip() or None,
                             password=self.password.text() or None, host=self.host.text().strip() or None,
                             port=self.port.value(), database=self.database.text().strip() or None)
