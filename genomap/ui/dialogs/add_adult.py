"""The quick "Add adult…" form of the significant adults register.

It records the adult *in the family map* (person, the partnership or parent link
the chosen relationship means, the household arrangement, a court-order tie) and
their register entry, as one undoable edit
(:func:`genomap.register.add_adult`), so the genogram and the register agree.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtWidgets import QWidget

from genomap.model.enums import ResidenceKind, Sex, TriState
from genomap.register import HAS_PR, NEEDS_PARENT, RELATIONSHIPS, RESTRICTIONS
from genomap.ui.dialogs.base import FormDialog
from genomap.ui.forms import FieldSpec

NO_HOUSEHOLD = -1
_TRI = [("Not recorded", TriState.UNKNOWN), ("Yes", TriState.YES), ("No", TriState.NO)]


def add_adult_dialog(parent: QWidget, child_name: str, parents: Sequence[tuple[str, int]],
                     households: Sequence[tuple[str, int]], on_accept: Callable[[dict], Any]) -> FormDialog:
    """``on_accept(values)`` gets: name, relationship, parent, sex, household (None), arrangement,
    parental_responsibility, may_collect, restriction, emergency_priority, contact_arrangement, notes."""
    specs = [
        FieldSpec("name", "Name", placeholder="Given name(s) and family name"),
        FieldSpec("relationship", "Relationship to the child", "choice", choices=[
            (label, key) for key, label in RELATIONSHIPS.items()]),
        FieldSpec("parent", "Through which parent", "choice",
                  choices=list(parents) or [("No parent recorded", None)],
                  tooltip="For a step-parent, parent's partner, grandparent or aunt/uncle"),
        FieldSpec("sex", "Sex", "enum", Sex),
        FieldSpec("household", "Household", "choice",
                  choices=[("Not in the child's households", NO_HOUSEHOLD), *households]),
        FieldSpec("arrangement", "There", "choice", choices=[
            ("Lives there", ResidenceKind.LIVES), ("Stays overnight", ResidenceKind.STAYS_OVERNIGHT),
            ("Stays regularly", ResidenceKind.STAYS_REGULARLY), ("Visits", ResidenceKind.VISITS)]),
        FieldSpec("parental_responsibility", "Parental responsibility", "choice", choices=_TRI),
        FieldSpec("may_collect", "May collect the child", "choice", choices=_TRI),
        FieldSpec("restriction", "Restriction", "choice", choices=[
            (label, key) for key, (label, _r, _t) in RESTRICTIONS.items()]),
        FieldSpec("emergency_priority", "Emergency contact", placeholder="1 = call first; empty = not a contact"),
        FieldSpec("contact_arrangement", "Contact arrangement", placeholder="e.g. alternate weekends"),
        FieldSpec("notes", "Notes", "multiline"),
    ]

    def accept(values: dict) -> Any:
        if values.get("household") == NO_HOUSEHOLD:
            values["household"] = None
        return on_accept(values)

    dlg = FormDialog(f"Add an adult around {child_name}", specs, accept, parent,
                     intro="The adult is added to the family map with the links their relationship means "
                           "(a partnership, a parent link, a household), so the genogram shows them too.",
                     ok_text="Add adult")
    rel = dlg.form.widget("relationship")
    parent_box = dlg.form.widget("parent")
    pr_box = dlg.form.widget("parental_responsibility")

    def sync(_=None) -> None:
        key = rel.currentData()  # type: ignore[attr-defined]
        parent_box.setEnabled(key in NEEDS_PARENT)
        pr_box.setEnabled(key in HAS_PR)

    rel.currentIndexChanged.connect(sync)  # type: ignore[attr-defined]
    sync()
    return dlg
