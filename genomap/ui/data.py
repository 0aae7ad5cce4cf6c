"""Small read-only queries the editor needs beyond the drawing snapshot (no Qt here).

The genogram and most docks read the case's :class:`FamilySnapshot`; these
helpers answer the few questions it does not (which cases the file holds, the
current values of one row for a form, people in the file but not in this case,
households nobody lives in yet, the agencies already known).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
from sqlmodel import select

from genomap.commands.edits import table_for
from genomap.model.tables import Agency, Case, CaseMember, Household, Person, Residence


@dataclass(frozen=True)
class CaseInfo:
    id: int
    title: str
    reference: str

    @property
    def label(self) -> str:
        title = self.title or "Untitled family map"
        return f"{title} ({self.reference})" if self.reference else title


def list_cases(doc) -> list[CaseInfo]:
    with doc.read() as s:
        return [CaseInfo(c.id, c.title, c.reference) for c in s.scalars(select(Case).order_by(Case.id))]


def row_values(doc, kind: str, row_id: int) -> Optional[dict[str, Any]]:
    """Column values of one row (None when it no longer exists)."""
    table = table_for(kind)
    with doc.read() as s:
        obj = s.get(table, row_id)
        if obj is None:
            return None
        return {c.name: getattr(obj, c.name) for c in table.__table__.columns}  # type: ignore[attr-defined]


def membership(doc, case_id: int, person_id: int) -> Optional[dict[str, Any]]:
    with doc.read() as s:
        m = s.scalars(select(CaseMember).where(CaseMember.case_id == case_id,
                                               CaseMember.person_id == person_id)).first()
        return None if m is None else {"is_subject": m.is_subject, "role": m.role}


def case_count_of_person(doc, person_id: int) -> int:
    with doc.read() as s:
        return s.scalar(select(sa.func.count()).select_from(CaseMember).where(CaseMember.person_id == person_id)) or 0


def people_not_in_case(doc, case_id: int) -> list[tuple[int, str, str]]:
    """People recorded in the file (other family maps) who are not in this one: (id, name, born)."""
    with doc.read() as s:
        in_case = select(CaseMember.person_id).where(CaseMember.case_id == case_id)
        rows = s.scalars(select(Person).where(Person.id.not_in(in_case))).all()
        out = [(p.id, p.display_name, "" if p.birth is None else str(p.birth)) for p in rows]
    return sorted(out, key=lambda r: r[1].lower())


def unoccupied_households(doc) -> list[tuple[int, str]]:
    """Households with no residence at all yet (just created): (id, label)."""
    with doc.read() as s:
        used = select(Residence.household_id)
        return [(h.id, h.label) for h in s.scalars(select(Household).where(Household.id.not_in(used)))]


def agencies(doc) -> list[tuple[int, str, Any]]:
    with doc.read() as s:
        return [(a.id, a.name, a.type) for a in s.scalars(select(Agency).order_by(Agency.name))]


def person_count(doc) -> int:
    with doc.read() as s:
        return s.scalar(select(sa.func.count()).select_from(Person)) or 0
