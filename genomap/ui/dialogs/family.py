"""Dialogs for family edits that need more than one click: ties, households, moves,
linking existing people, agency involvement, chronology events, choosing a child's other parent.

Each builder takes the choices to offer and an ``on_accept(values)`` callback that
runs the command; the dialog stays open with an inline message if it is refused.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from genomap.model.enums import (
    AgencyType, EventKind, FactStatus, HouseholdType, PartnershipKind, ResidenceKind, TieKind,
)
from genomap.ui.dialogs.base import FormDialog
from genomap.ui.forms import FieldSpec

Choices = Sequence[tuple[str, Any]]
OnAccept = Callable[[dict], Any]

NEW_HOUSEHOLD = -1
SINGLE_PARENT = -1


def tie_dialog(parent: QWidget, person_name: str, others: Choices, on_accept: OnAccept) -> FormDialog:
    specs = [
        FieldSpec("target", "With", "choice", choices=others),
        FieldSpec("kind", "Kind of tie", "enum", TieKind),
        FieldSpec("status", "Status", "enum", FactStatus,
                  tooltip="Tell a rumour from a record: reported, alleged, suspected, confirmed or disputed"),
        FieldSpec("start", "From", "date"),
        FieldSpec("end", "Until", "date"),
        FieldSpec("source", "Source", placeholder="Who said so, or which document"),
        FieldSpec("notes", "Notes", "multiline"),
    ]
    return FormDialog(f"Add tie from {person_name}", specs, on_accept, parent,
                      intro="Abuse, neglect and coercive control ties point from the person who harms "
                            "to the person harmed.", ok_text="Add tie")


def household_dialog(parent: QWidget, people: Choices, on_accept: OnAccept, checked: Sequence[int] = ()) -> FormDialog:
    specs = [
        FieldSpec("label", "Name", placeholder="e.g. Mum's flat, Nan's house"),
        FieldSpec("type", "Type", "enum", HouseholdType),
        FieldSpec("address", "Address", placeholder="Only shown when you ask for it"),
        FieldSpec("start", "Living there since", "date"),
    ]
    dlg = FormDialog("Add household", specs, on_accept, parent, ok_text="Add household")
    dlg.add_checklist("members", "Who lives there", people, checked)
    return dlg


def move_dialog(parent: QWidget, people: Choices, households: Choices, on_accept: OnAccept,
                person: Optional[int] = None, person_name: str = "") -> FormDialog:
    specs = []
    if person is None:
        specs.append(FieldSpec("person", "Person", "choice", choices=people))
    specs += [
        FieldSpec("household", "Household", "choice", choices=[*households, ("New household…", NEW_HOUSEHOLD)]),
        FieldSpec("new_label", "New household name", placeholder="Only for a new household"),
        FieldSpec("new_type", "New household type", "enum", HouseholdType),
        FieldSpec("kind", "Arrangement", "choice", choices=[
            ("Lives there (moves in)", ResidenceKind.LIVES),
            ("Stays regularly (e.g. weekends)", ResidenceKind.STAYS_REGULARLY),
            ("Visits", ResidenceKind.VISITS),
            ("Stays overnight", ResidenceKind.STAYS_OVERNIGHT),
        ]),
        FieldSpec("start", "From", "date", tooltip="Moving in ends the current home on this date (today if empty)"),
    ]
    title = f"Set household for {person_name}" if person_name else "Move person to household"
    dlg = FormDialog(title, specs, on_accept, parent, ok_text="Set household")
    combo = dlg.form.widget("household")
    label_field = dlg.form.widget("new_label")
    type_field = dlg.form.widget("new_type")

    def sync(_=None) -> None:
        new = combo.currentData() == NEW_HOUSEHOLD  # type: ignore[attr-defined]
        label_field.setEnabled(new)
        type_field.setEnabled(new)

    combo.currentIndexChanged.connect(sync)  # type: ignore[attr-defined]
    sync()
    return dlg


def link_person_dialog(parent: QWidget, people: Choices, on_accept: OnAccept) -> FormDialog:
    specs = [
        FieldSpec("person", "Person", "choice", choices=people),
        FieldSpec("role", "Role in this family", placeholder="e.g. grandmother, family friend"),
    ]
    return FormDialog("Link existing person", specs, on_accept, parent,
                      intro="Bring someone already recorded in another family map of this file into this one. "
                            "They stay one person: changes show in both maps.", ok_text="Link person")


def involvement_dialog(parent: QWidget, agencies: Sequence[str], targets: Choices, on_accept: OnAccept,
                       target: Any = None) -> FormDialog:
    specs = [
        FieldSpec("agency_type", "Service", "enum", AgencyType),
        FieldSpec("agency_name", "Agency name", placeholder="e.g. Riverside Primary School"),
        FieldSpec("target", "Working with", "choice", choices=targets),
        FieldSpec("role", "Role / plan", placeholder="e.g. child protection plan, offender manager"),
        FieldSpec("worker_name", "Worker"),
        FieldSpec("worker_contact", "Contact"),
        FieldSpec("start", "From", "date"),
        FieldSpec("end", "Until", "date"),
    ]
    dlg = FormDialog("Add agency involvement", specs, on_accept, parent, ok_text="Add involvement")
    name = dlg.form.widget("agency_name")
    if agencies:
        from PySide6.QtWidgets import QCompleter

        completer = QCompleter(list(agencies), name)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        name.setCompleter(completer)  # type: ignore[attr-defined]
    if target is not None:
        dlg.form.widget("target").set_value(target)  # type: ignore[attr-defined]
    return dlg


def event_dialog(parent: QWidget, people: Choices, on_accept: OnAccept, checked: Sequence[int] = ()) -> FormDialog:
    specs = [
        FieldSpec("date", "Date", "date"),
        FieldSpec("kind", "Kind", "enum", EventKind),
        FieldSpec("title", "What happened", placeholder="e.g. Police called to a domestic incident"),
        FieldSpec("description", "Details", "multiline"),
        FieldSpec("status", "Status", "enum", FactStatus),
        FieldSpec("source", "Source", placeholder="Who reported it, or which document"),
    ]
    dlg = FormDialog("Add chronology event", specs, on_accept, parent, ok_text="Add event")
    dlg.add_checklist("people", "Who it concerns", people, checked)
    return dlg


def other_parent_dialog(parent: QWidget, person_name: str, partners: Choices, on_accept: OnAccept) -> FormDialog:
    specs = [
        FieldSpec("other", "Other parent", "choice",
                  choices=[*partners, (f"None: {person_name} as a single parent", SINGLE_PARENT)]),
    ]
    return FormDialog(f"Add child of {person_name}", specs, on_accept, parent, ok_text="Add child")


def new_map_specs(with_path: bool) -> list[FieldSpec]:
    specs = [
        FieldSpec("title", "Family map title", placeholder="e.g. Smith family"),
        FieldSpec("reference", "Case reference", placeholder="Optional"),
    ]
    if with_path:
        specs.append(FieldSpec("path", "Save in file", placeholder="Choose where the family map is kept"))
    return specs


def partnership_kind_choices() -> list[tuple[str, Any]]:
    return [(k.label, k) for k in PartnershipKind]


def set_combo_text(combo: QComboBox, text: str) -> None:
    """Choose the item whose label starts with ``text`` (helper for keyboard-driven tests)."""
    for i in range(combo.count()):
        if combo.itemText(i).startswith(text):
            combo.setCurrentIndex(i)
            return
    raise KeyError(text)
