"""The Details dock: edit the selected person, partnership, tie, household, residence,
involvement or event in a form.

Apply (or Enter) turns every changed field into *one* command, so an edit is
written entirely or not at all; a date that does not parse or a model rule that
the edit would break is shown next to the field and nothing is written.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPushButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget,
)

from genomap.commands import CommandError, command, edits
from genomap.model.dates import PartialDateError
from genomap.model.enums import (
    FactStatus, HouseholdType, ParentLinkKind, PartnershipEnd, TriState, PartnershipKind, PregnancyOutcome, ResidenceKind, Sex, TieKind,
    EventKind,
)
from genomap.store.document import ValidationError
from genomap.ui import data
from genomap.ui.forms import FieldForm, FieldSpec, FormErrors

PERSON = [
    FieldSpec("given_names", "Given names", placeholder="First and middle names"),
    FieldSpec("family_name", "Family name"),
    FieldSpec("known_as", "Known as", placeholder="Nickname or preferred name"),
    FieldSpec("sex", "Sex", "enum", Sex),
    FieldSpec("birth", "Born", "date"),
    FieldSpec("death", "Died", "date"),
    FieldSpec("deceased", "Deceased (date unknown)", "bool"),
    FieldSpec("pregnancy", "Pregnancy", "enum", PregnancyOutcome,
              tooltip="For a pregnancy, miscarriage, stillbirth or termination rather than a born child"),
    FieldSpec("adopted", "Adopted", "bool"),
    FieldSpec("looked_after", "Fostered / looked after", "bool"),
    FieldSpec("is_subject", "Subject child", "bool", tooltip="The child (or index person) this family map is about"),
    FieldSpec("role", "Role in family", placeholder="e.g. mother, visitor"),
    FieldSpec("notes", "Notes", "multiline"),
    FieldSpec("child_voice", "Child's voice", "multiline", tooltip="The child's own words and wishes"),
]
MEMBERSHIP_FIELDS = ("is_subject", "role")

SOURCED = [
    FieldSpec("status", "Status", "enum", FactStatus),
    FieldSpec("source", "Source", placeholder="Who reported it, or which document"),
]

PAGES: dict[str, list[FieldSpec]] = {
    "person": PERSON,
    "partnership": [
        FieldSpec("between", "Between", "readonly"),
        FieldSpec("kind", "Relationship", "enum", PartnershipKind),
        FieldSpec("start", "Started", "date"),
        FieldSpec("end", "Ended", "date"),
        FieldSpec("end_kind", "How it ended", "enum", PartnershipEnd),
        FieldSpec("living_together", "Separated but still living together", "bool"),
        *SOURCED,
        FieldSpec("notes", "Notes", "multiline"),
    ],
    "parent_link": [
        FieldSpec("between", "Parent and child", "readonly"),
        FieldSpec("kind", "Kind of parent", "enum", ParentLinkKind),
        FieldSpec("parental_responsibility", "Parental responsibility", "enum", TriState),
        FieldSpec("start", "From", "date"),
        FieldSpec("end", "Until", "date"),
        *SOURCED,
        FieldSpec("notes", "Notes", "multiline"),
    ],
    "tie": [
        FieldSpec("between", "Between", "readonly"),
        FieldSpec("kind", "Kind of tie", "enum", TieKind),
        FieldSpec("start", "From", "date"),
        FieldSpec("end", "Until", "date"),
        *SOURCED,
        FieldSpec("notes", "Notes", "multiline"),
    ],
    "household": [
        FieldSpec("label", "Name"),
        FieldSpec("type", "Type", "enum", HouseholdType),
        FieldSpec("address", "Address", tooltip="Sensitive: only drawn when you ask for it"),
        FieldSpec("notes", "Notes", "multiline"),
    ],
    "residence": [
        FieldSpec("between", "Who and where", "readonly"),
        FieldSpec("kind", "Arrangement", "enum", ResidenceKind),
        FieldSpec("start", "From", "date"),
        FieldSpec("end", "Until", "date"),
        *SOURCED,
        FieldSpec("notes", "Notes", "multiline"),
    ],
    "involvement": [
        FieldSpec("between", "Agency", "readonly"),
        FieldSpec("role", "Role / plan"),
        FieldSpec("worker_name", "Worker"),
        FieldSpec("worker_contact", "Contact"),
        FieldSpec("start", "From", "date"),
        FieldSpec("end", "Until", "date"),
        *SOURCED,
        FieldSpec("notes", "Notes", "multiline"),
    ],
    "event": [
        FieldSpec("title", "What happened"),
        FieldSpec("date", "Date", "date"),
        FieldSpec("kind", "Kind", "enum", EventKind),
        FieldSpec("description", "Details", "multiline"),
        *SOURCED,
    ],
}

TITLES = {
    "person": "Person", "partnership": "Relationship", "parent_link": "Parent and child", "tie": "Tie", "household": "Household",
    "residence": "Residence", "involvement": "Agency involvement", "event": "Chronology event",
}


class DetailsPanel(QWidget):
    """Shows one form per kind of record; ``show_ref`` picks which record."""

    applied = Signal(object)  # ref
    save_refused = Signal()  # pending changes could not be saved; the form still shows why

    def __init__(self, run: Callable[[Any], Any], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._run = run  # runs a Command through the undo stack
        self.document = None
        self.case_id: Optional[int] = None
        self.names: Callable[[int], str] = lambda pid: f"person {pid}"
        self.ref: Optional[tuple[str, int]] = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        self.heading = QLabel()
        self.heading.setObjectName("detailsHeading")
        outer.addWidget(self.heading)
        self.stack = QStackedWidget()
        empty = QLabel("Select a person or a line on the genogram to see and edit its details here.")
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        empty.setObjectName("placeholderText")
        self.stack.addWidget(empty)
        self.forms: dict[str, FieldForm] = {}
        for kind, specs in PAGES.items():
            form = FieldForm(specs)
            form.setObjectName(f"details_{kind}")
            form.submitted.connect(self.apply)
            form.edited.connect(self._update_buttons)
            self.forms[kind] = form
            self.stack.addWidget(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.stack)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Put back the saved values")
        self.revert_button.clicked.connect(self.reload)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("Save these changes (Enter)")
        self.apply_button.clicked.connect(self.apply)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        outer.addLayout(buttons)
        self.show_ref(None)

    # -- which record ------------------------------------------------------
    @property
    def form(self) -> Optional[FieldForm]:
        return self.forms.get(self.ref[0]) if self.ref else None

    def set_document(self, document, case_id: Optional[int], names: Callable[[int], str]) -> None:
        self.ref = None  # another file or family map: nothing pending belongs to it
        self.document = document
        self.case_id = case_id
        self.names = names
        self.show_ref(None)

    def show_ref(self, ref: Optional[tuple[str, int]]) -> None:
        if ref is not None and (ref[0] not in self.forms or self.document is None):
            ref = None
        if ref == self.ref and ref is not None and self.form is not None and self.form.is_dirty():
            return  # already shown, with the user's unsaved typing: keep it
        if ref != self.ref and not self._save_pending():
            return  # keep showing the record whose changes could not be saved, with the reason
        self.ref = ref
        if not self.reload():
            self.ref = None
            self.stack.setCurrentIndex(0)
            self.heading.setText("")
        self._update_buttons()

    def reload(self) -> bool:
        """(Re)load the current record's saved values; False when there is none."""
        if self.ref is None or self.document is None:
            return False
        kind, row_id = self.ref
        values = data.row_values(self.document, kind, row_id)
        if values is None:
            return False
        values = self._decorate(kind, values)
        form = self.forms[kind]
        form.set_values(values)
        self.stack.setCurrentWidget(form)
        self.heading.setText(self._heading(kind, values))
        self.heading.setVisible(True)
        self._update_buttons()
        return True

    def refresh_after_change(self) -> None:
        """The document changed (an edit, undo or redo): show the saved state unless the user is typing."""
        form = self.form
        if self.ref is None:
            return
        if form is not None and form.is_dirty():
            return
        if not self.reload():
            self.show_ref(None)

    def _decorate(self, kind: str, values: dict[str, Any]) -> dict[str, Any]:
        values = dict(values)
        if kind == "person" and self.case_id is not None:
            values.update(data.membership(self.document, self.case_id, values["id"]) or {})
        elif kind == "partnership":
            values["between"] = f"{self.names(values['person_a_id'])} and {self.names(values['person_b_id'])}"
        elif kind == "parent_link":
            values["between"] = f"{self.names(values['parent_id'])} → {self.names(values['child_id'])}"
        elif kind == "tie":
            values["between"] = f"{self.names(values['from_id'])} → {self.names(values['to_id'])}"
        elif kind == "residence":
            hh = data.row_values(self.document, "household", values["household_id"]) or {}
            values["between"] = f"{self.names(values['person_id'])} at {hh.get('label') or 'household'}"
        elif kind == "involvement":
            agency = data.row_values(self.document, "agency", values["agency_id"]) or {}
            target = (self.names(values["person_id"]) if values.get("person_id")
                      else (data.row_values(self.document, "household", values["household_id"]) or {}).get("label", ""))
            values["between"] = f"{agency.get('name', '')} with {target}"
        return values

    def _heading(self, kind: str, values: dict[str, Any]) -> str:
        if kind == "person":
            name = " ".join(p for p in (values.get("given_names"), values.get("family_name")) if p)
            return name or values.get("known_as") or "New person"
        if kind == "household":
            return values.get("label") or "Household"
        if kind == "event":
            return values.get("title") or "Chronology event"
        return TITLES[kind]

    def _update_buttons(self) -> None:
        dirty = bool(self.form is not None and self.form.is_dirty())
        self.apply_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _save_pending(self) -> bool:
        """Typed but not applied changes are saved when another record is chosen (False if refused)."""
        form = self.form
        if form is None or self.ref is None or self.document is None:
            return True
        if not form.is_dirty():
            return True
        if data.row_values(self.document, *self.ref) is None:
            return True  # the record was deleted: nothing to save it to
        if self.apply():
            return True
        self.save_refused.emit()
        return False

    # -- editing -----------------------------------------------------------
    def focus_field(self, name: str) -> None:
        if self.form is not None and name in self.form.widgets:
            self.form.focus(name)

    def apply(self) -> bool:
        """Write every changed field as one command; False (and inline messages) when refused."""
        form = self.form
        if form is None or self.ref is None:
            return False
        kind, row_id = self.ref
        try:
            changed = form.changed_values()
        except FormErrors:
            return False
        if not changed:
            return True
        member_changes = {k: changed.pop(k) for k in MEMBERSHIP_FIELDS if k in changed and kind == "person"}
        case_id = self.case_id

        def edit(session) -> None:
            if changed:
                edits.update_fields(session, kind, row_id, **changed)
            if member_changes and case_id is not None:
                edits.set_membership(session, case_id, row_id, **member_changes)

        description = f"Edit {TITLES[kind].lower()}"
        try:
            self._run(command(description, edit))
        except (ValidationError, PartialDateError, CommandError) as exc:
            form.show_exception(exc)
            return False
        form.clear_errors()
        self.reload()
        self.applied.emit(self.ref)
        return True
