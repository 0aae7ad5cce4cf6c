"""Form building blocks: labelled fields with inline errors, partial-date fields, enum combos.

A :class:`FieldForm` is built from a list of :class:`FieldSpec`.  It shows each
problem *next to the field it concerns*: a date that does not parse (the
:class:`~genomap.model.dates.PartialDateError` message) as soon as the field is
left, and a model rule broken by the whole edit (``ValidationError`` findings)
after Apply.  Reading values never writes anything; the caller turns
:meth:`FieldForm.changed_values` into one command, so an edit is applied
entirely or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget,
)

from genomap.model.dates import PartialDate, PartialDateError

DATE_HINT = "e.g. 2019-11-03, Jun 2018, about 1985"
ERROR_STYLE = "color: #b42318;"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | multiline | date | enum | bool | readonly | choice
    enum: Optional[type[Enum]] = None
    choices: Sequence[tuple[str, Any]] = ()
    placeholder: str = ""
    tooltip: str = ""


class FormErrors(Exception):
    """Some fields hold values that cannot be used; ``errors`` maps field name -> message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class DateField(QLineEdit):
    """A line edit for partial dates; says clearly (inline) when it cannot parse the text."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setPlaceholderText(DATE_HINT)
        self.setClearButtonEnabled(True)

    def date_value(self) -> Optional[PartialDate]:
        """The parsed date (None when empty); raises PartialDateError with the reason."""
        return PartialDate.coerce(self.text())

    def set_date(self, value: Optional[PartialDate]) -> None:
        self.setText("" if value is None else str(value))


class EnumCombo(QComboBox):
    def __init__(self, enum_cls: Optional[type[Enum]] = None, choices: Sequence[tuple[str, Any]] = (),
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        items = list(choices) or [(getattr(m, "label", m.value), m) for m in enum_cls or ()]
        for label, value in items:
            self.addItem(label, value)
        # Long labels must not force the form wider than its dock.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        for i in range(self.count()):
            if self.itemData(i) == value:
                self.setCurrentIndex(i)
                return


class FieldForm(QWidget):
    """Labelled fields with an error line under each and one for the whole form."""

    submitted = Signal()  # Enter pressed in a one-line field
    edited = Signal()

    def __init__(self, specs: Iterable[FieldSpec], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.specs = {s.name: s for s in specs}
        self.widgets: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._loaded: dict[str, Any] = {}
        self._parse_errors: set[str] = set()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.form_error = QLabel()
        self.form_error.setObjectName("formError")
        self.form_error.setWordWrap(True)
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.hide()
        outer.addWidget(self.form_error)
        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(4)
        outer.addLayout(layout)
        outer.addStretch(1)
        self.layout_form = layout
        for spec in self.specs.values():
            widget = self._make_widget(spec)
            widget.setObjectName(f"field_{spec.name}")
            if spec.tooltip:
                widget.setToolTip(spec.tooltip)
            self.widgets[spec.name] = widget
            error = QLabel()
            error.setObjectName(f"error_{spec.name}")
            error.setWordWrap(True)
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            self.error_labels[spec.name] = error
            cell = QWidget()
            v = QVBoxLayout(cell)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(1)
            v.addWidget(widget)
            v.addWidget(error)
            label = "" if spec.kind == "bool" else spec.label
            layout.addRow(label, cell)

    # -- widgets ------------------------------------------------------------
    def _make_widget(self, spec: FieldSpec) -> QWidget:
        if spec.kind == "date":
            w = DateField()
            w.setMinimumWidth(60)
            w.editingFinished.connect(lambda n=spec.name: self._check_date(n))
            w.textEdited.connect(lambda _t, n=spec.name: self._clear_error(n))
            w.returnPressed.connect(self.submitted)
            w.textEdited.connect(self.edited)
            return w
        if spec.kind in ("enum", "choice"):
            w = EnumCombo(spec.enum, spec.choices)
            w.activated.connect(lambda _i: self.edited.emit())
            return w
        if spec.kind == "bool":
            w = QCheckBox(spec.label)
            w.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            w.toggled.connect(lambda _b: self.edited.emit())
            return w
        if spec.kind == "multiline":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setFixedHeight(64)
            w.textChanged.connect(self.edited)
            return w
        if spec.kind == "readonly":
            w = QLabel()
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return w
        w = QLineEdit()
        if spec.placeholder:
            w.setPlaceholderText(spec.placeholder)
        w.returnPressed.connect(self.submitted)
        w.textEdited.connect(self.edited)
        return w

    def widget(self, name: str) -> QWidget:
        return self.widgets[name]

    def focus(self, name: str, select_all: bool = True) -> None:
        w = self.widgets[name]
        w.setFocus(Qt.FocusReason.OtherFocusReason)
        if select_all and isinstance(w, QLineEdit):
            w.selectAll()

    # -- values -------------------------------------------------------------
    def set_values(self, values: dict[str, Any]) -> None:
        self.clear_errors()
        for name, value in values.items():
            w = self.widgets.get(name)
            if w is None:
                continue
            w.blockSignals(True)
            try:
                if isinstance(w, DateField):
                    w.set_date(value)
                elif isinstance(w, EnumCombo):
                    w.set_value(value)
                elif isinstance(w, QCheckBox):
                    w.setChecked(bool(value))
                elif isinstance(w, QPlainTextEdit):
                    w.setPlainText(value or "")
                elif isinstance(w, QLabel):
                    w.setText(str(value or ""))
                elif isinstance(w, QLineEdit):
                    w.setText(value or "")
                    w.setCursorPosition(0)
            finally:
                w.blockSignals(False)
        self._loaded = {k: v for k, v in values.items() if k in self.widgets}

    def values(self) -> dict[str, Any]:
        """Current values (dates parsed); raises :class:`FormErrors` and shows them inline."""
        out: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, w in self.widgets.items():
            spec = self.specs[name]
            if spec.kind == "readonly":
                continue
            if isinstance(w, DateField):
                try:
                    out[name] = w.date_value()
                except PartialDateError as exc:
                    errors[name] = str(exc)
            elif isinstance(w, EnumCombo):
                out[name] = w.value()
            elif isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QPlainTextEdit):
                out[name] = w.toPlainText()
            elif isinstance(w, QLineEdit):
                out[name] = w.text().strip()
        if errors:
            self.show_errors(errors)
            self._parse_errors.update(errors)
            raise FormErrors(errors)
        return out

    def changed_values(self) -> dict[str, Any]:
        """Only the fields that differ from what :meth:`set_values` loaded."""
        current = self.values()
        return {k: v for k, v in current.items() if k not in self._loaded or self._loaded[k] != v}

    def is_dirty(self) -> bool:
        try:
            return bool(self.changed_values())
        except FormErrors:
            return True

    # -- errors -------------------------------------------------------------
    def _check_date(self, name: str) -> None:
        w = self.widgets[name]
        assert isinstance(w, DateField)
        try:
            w.date_value()
        except PartialDateError as exc:
            self.show_errors({name: str(exc)}, clear=False)
            self._parse_errors.add(name)
        else:
            if name in self._parse_errors:  # keep a rule's message: only the parse problem is fixed
                self._clear_error(name)

    def _clear_error(self, name: str) -> None:
        self._parse_errors.discard(name)
        label = self.error_labels.get(name)
        if label is not None:
            label.hide()
            label.clear()

    def clear_errors(self) -> None:
        for name in self.error_labels:
            self._clear_error(name)
        self.form_error.hide()
        self.form_error.clear()

    def show_errors(self, errors: dict[str, str], form_message: str = "", clear: bool = True) -> None:
        if clear:
            self.clear_errors()
        for name, message in errors.items():
            label = self.error_labels.get(name)
            if label is None:
                form_message = "; ".join(m for m in (form_message, message) if m)
                continue
            label.setText(message)
            label.show()
        if form_message:
            self.form_error.setText(form_message)
            self.form_error.show()

    def error_text(self, name: Optional[str] = None) -> str:
        """What the form currently says is wrong (one field, or everything)."""
        if name is not None:
            label = self.error_labels[name]
            return label.text() if not label.isHidden() else ""
        parts = [self.form_error.text()] if not self.form_error.isHidden() else []
        parts += [l.text() for l in self.error_labels.values() if not l.isHidden()]
        return "; ".join(p for p in parts if p)

    def show_exception(self, exc: BaseException) -> None:
        """Show a refused edit next to the field(s) it concerns."""
        from genomap.commands import CommandError
        from genomap.store.document import ValidationError

        if isinstance(exc, FormErrors):
            self.show_errors(exc.errors)
        elif isinstance(exc, ValidationError):
            errors, rest = findings_to_fields(exc.findings, list(self.widgets))
            self.show_errors(errors, "; ".join(rest))
        elif isinstance(exc, (PartialDateError, CommandError)):
            self.show_errors({}, str(exc))
        else:
            raise exc


# Words in a rule's message that point at a field when the finding names none.
_FIELD_WORDS = [
    ("death", ("death", "died")),
    ("birth", ("birth", "born")),
    ("end", ("end", "ended")),
    ("start", ("start", "began", "begin")),
    ("date", ("date",)),
]


def findings_to_fields(findings: Sequence[Any], field_names: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Place each error finding next to a field: the one it names, else the one its message mentions."""
    placed: dict[str, str] = {}
    rest: list[str] = []
    for f in findings:
        if not getattr(f, "is_error", True):
            continue
        message = getattr(f, "message", str(f))
        target = None
        for attr in ("field", "fields", "attribute", "column"):
            value = getattr(f, attr, None)
            if isinstance(value, (list, tuple)):
                value = next((v for v in value if v in field_names), None)
            if isinstance(value, str) and value in field_names:
                target = value
                break
        if target is None:
            words = set(re.findall(r"[a-z]+", message.lower()))
            for name, keys in _FIELD_WORDS:
                if name in field_names and words.intersection(keys):
                    target = name
                    break
        if target is None:
            rest.append(message)
        else:
            placed[target] = "; ".join(m for m in (placed.get(target), message) if m)
    return placed, rest
