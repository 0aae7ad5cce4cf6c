"""A dialog made of a :class:`~genomap.ui.forms.FieldForm` that runs one edit on OK.

OK runs ``on_accept(values)``; when the edit is refused (a date that does not
parse, a model rule, a command that cannot be done) the message appears next to
the field concerned and the dialog stays open with what was typed, so nothing is
lost and nothing is half-applied.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget,
)

from genomap.ui.forms import FieldForm, FieldSpec


class CheckList(QListWidget):
    """Checkable items carrying ids (people to include, members of a household)."""

    def __init__(self, items: Iterable[tuple[str, Any]], checked: Iterable[Any] = (), parent=None):
        super().__init__(parent)
        checked = set(checked)
        for label, value in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in checked else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setMaximumHeight(150)

    def checked_values(self) -> list[Any]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, value: Any, checked: bool = True) -> None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == value:
                self.item(i).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def check_label(self, label: str, checked: bool = True) -> None:
        for i in range(self.count()):
            if self.item(i).text() == label or self.item(i).text().startswith(label + " "):
                self.item(i).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(label)


class FormDialog(QDialog):
    """A titled form with OK/Cancel; ``on_accept(values)`` does the edit."""

    def __init__(self, title: str, specs: Sequence[FieldSpec], on_accept: Callable[[dict], Any],
                 parent: Optional[QWidget] = None, intro: str = "", ok_text: str = "OK"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("dialog_" + "".join(ch for ch in title.lower() if ch.isalnum()))
        self.on_accept = on_accept
        self.extras: dict[str, CheckList] = {}
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            label.setObjectName("dialogIntro")
            layout.addWidget(label)
        self.form = FieldForm(specs)
        self.form.submitted.connect(self.accept)
        layout.addWidget(self.form)
        self._extra_layout = QVBoxLayout()
        layout.addLayout(self._extra_layout)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def add_checklist(self, name: str, label: str, items: Iterable[tuple[str, Any]], checked: Iterable[Any] = ()) -> CheckList:
        title = QLabel(label)
        checklist = CheckList(items, checked)
        checklist.setObjectName(f"checklist_{name}")
        self._extra_layout.addWidget(title)
        self._extra_layout.addWidget(checklist)
        self.extras[name] = checklist
        return checklist

    def values(self) -> dict[str, Any]:
        values = self.form.values()
        for name, checklist in self.extras.items():
            values[name] = checklist.checked_values()
        return values

    def accept(self) -> None:
        from genomap.commands import CommandError
        from genomap.model.dates import PartialDateError
        from genomap.store.document import ValidationError
        from genomap.ui.forms import FormErrors

        try:
            self.result_value = self.on_accept(self.values())
        except (FormErrors, ValidationError, PartialDateError, CommandError) as exc:
            self.form.show_exception(exc)
            return
        super().accept()
