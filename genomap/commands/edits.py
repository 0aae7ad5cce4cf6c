"""Edit functions: each takes an ORM session and makes one logical change.

They are the only code that writes family data for the editor.  Each is meant
to run inside :meth:`Document.edit` (wrapped in a :class:`~genomap.commands.Command`),
so the model rules are checked once, at the end, on everything it touched, and
the recorded change set captures every row it inserted, updated or deleted.
That is why deletes remove dependent rows *explicitly* instead of relying on
``ON DELETE CASCADE``: a cascade done by the database would be invisible to the
change recorder, and undo could not bring those rows back.

Field values may be given as text (dates like ``"about 1985"``, enum values like
``"female"``); they are coerced by the table's column types, and a bad value
raises :class:`~genomap.model.dates.PartialDateError` or :class:`CommandError`
with a message for the practitioner.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Iterable, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, select

from genomap.commands.base import CommandError
from genomap.model.dates import PartialDate
from genomap.model.enums import (
    AgencyType,
    EventKind,
    HouseholdType,
    ParentLinkKind,
    PartnershipKind,
    ResidenceKind,
    Sex,
    TieKind,
)
from genomap.model.tables import (
    Agency,
    Case,
    CaseMember,
    Event,
    EventHousehold,
    EventPerson,
    Household,
    Involvement,
    LegalStatus,
    ParentLink,
    Partnership,
    PartialDateType,
    Person,
    Residence,
    RiskFlag,
    Tie,
    utcnow,
)

# What the UI calls each kind of row (refs look like ("person", 12)).
TABLES: dict[str, type[SQLModel]] = {
    "case": Case,
    "person": Person,
    "member": CaseMember,
    "partnership": Partnership,
    "parent_link": ParentLink,
    "tie": Tie,
    "household": Household,
    "residence": Residence,
    "agency": Agency,
    "involvement": Involvement,
    "risk_flag": RiskFlag,
    "legal_status": LegalStatus,
    "event": Event,
}

_READ_ONLY = {"id", "created_at", "updated_at"}


def table_for(kind: str | type[SQLModel]) -> type[SQLModel]:
    if isinstance(kind, type):
        return kind
    try:
        return TABLES[kind]
    except KeyError:
        raise CommandError(f"GenoMap does not know how to edit a {kind!r}") from None


# -- value coercion -----------------------------------------------------------


def coerce_value(table: type[SQLModel], name: str, value: Any) -> Any:
    """Turn text or plain values into what column ``name`` of ``table`` stores."""
    column = table.__table__.columns.get(name)  # type: ignore[attr-defined]
    if column is None or name in _READ_ONLY:
        raise CommandError(f"{table.__name__} has no editable field {name!r}")
    ctype = column.type
    if isinstance(ctype, PartialDateType):
        return PartialDate.coerce(value)
    enum_cls = getattr(ctype, "enum_class", None)
    if enum_cls is not None and value is not None and not isinstance(value, enum_cls):
        try:
            return enum_cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in enum_cls)
            raise CommandError(f"{value!r} is not a valid {name.replace('_', ' ')} ({choices})") from None
    if isinstance(ctype, sa.Boolean) and not isinstance(value, bool):
        return bool(value)
    if isinstance(ctype, sa.String) and value is None and not column.nullable:
        return ""
    return value


def _assign(obj: SQLModel, fields: dict[str, Any]) -> None:
    table = type(obj)
    for name, value in fields.items():
        setattr(obj, name, coerce_value(table, name, value))


def _get(session: Session, table: type[SQLModel], row_id: int) -> Any:
    obj = session.get(table, row_id)
    if obj is None:
        raise CommandError(f"That {table.__name__.lower()} no longer exists (it may have been deleted)")
    return obj


def _flushed(session: Session, obj: SQLModel) -> SQLModel:
    session.add(obj)
    session.flush()
    return obj


# -- cases and people -------------------------------------------------------------


def add_case(session: Session, title: str, reference: str = "", author: str = "", notes: str = "") -> int:
    """Create a family map; returns its id."""
    case = _flushed(session, Case(title=title, reference=reference, author=author, notes=notes))
    return case.id  # type: ignore[return-value]


def _new_person(session: Session, case_id: Optional[int], fields: Optional[dict] = None,
                is_subject: bool = False, role: str = "") -> Person:
    person = Person()
    _assign(person, dict(fields or {}))
    _flushed(session, person)
    if case_id is not None:
        _get(session, Case, case_id)
        _flushed(session, CaseMember(case_id=case_id, person_id=person.id, is_subject=is_subject, role=role))
    return person


def add_person(session: Session, case_id: Optional[int], is_subject: bool = False, role: str = "",
               **fields) -> int:
    """Add a person (to a case, through a :class:`CaseMember`); returns the person id."""
    return _new_person(session, case_id, fields, is_subject=is_subject, role=role).id  # type: ignore[return-value]


def update_fields(session: Session, kind: str | type[SQLModel], row_id: int | tuple, /, **fields) -> None:
    """Change some fields of one row (person, partnership, tie, household, involvement…)."""
    table = table_for(kind)
    obj = _get(session, table, row_id)
    changed = {}
    for name, value in fields.items():
        new = coerce_value(table, name, value)
        if getattr(obj, name) != new:
            changed[name] = new
    if not changed:
        return
    for name, value in changed.items():
        setattr(obj, name, value)
    if hasattr(obj, "updated_at"):
        obj.updated_at = utcnow()
    session.flush()


def set_membership(session: Session, case_id: int, person_id: int, /, **fields) -> None:
    """Change how a person takes part in a case (``is_subject``, ``role``)."""
    member = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case_id, CaseMember.person_id == person_id)
    ).first()
    if member is None:
        raise CommandError("That person is not part of this family map")
    update_fields(session, CaseMember, member.id, **fields)


def mark_deceased(session: Session, person_id: int, death: Any = None) -> None:
    """Record that a person has died (optionally when)."""
    person = _get(session, Person, person_id)
    person.deceased = True
    if death is not None and str(death).strip():
        person.death = PartialDate.coerce(death)
    person.updated_at = utcnow()
    session.flush()


def _person_links(session: Session, person_id: int) -> list[SQLModel]:
    """Every row that refers to a person (dependents first is not needed: the ORM orders deletes)."""
    rows: list[SQLModel] = []
    rows += session.scalars(select(Partnership).where(
        sa.or_(Partnership.person_a_id == person_id, Partnership.person_b_id == person_id))).all()
    rows += session.scalars(select(ParentLink).where(
        sa.or_(ParentLink.parent_id == person_id, ParentLink.child_id == person_id))).all()
    rows += session.scalars(select(Tie).where(sa.or_(Tie.from_id == person_id, Tie.to_id == person_id))).all()
    rows += session.scalars(select(Residence).where(Residence.person_id == person_id)).all()
    rows += session.scalars(select(CaseMember).where(CaseMember.person_id == person_id)).all()
    rows += session.scalars(select(Involvement).where(Involvement.person_id == person_id)).all()
    rows += session.scalars(select(RiskFlag).where(RiskFlag.person_id == person_id)).all()
    rows += session.scalars(select(LegalStatus).where(LegalStatus.person_id == person_id)).all()
    rows += session.scalars(select(EventPerson).where(EventPerson.person_id == person_id)).all()
    return rows


def delete_person(session: Session, person_id: int) -> None:
    """Delete a person and every link to them, so that undo can bring all of it back."""
    person = _get(session, Person, person_id)
    for row in _person_links(session, person_id):
        session.delete(row)
    session.flush()
    session.delete(person)
    session.flush()


def remove_from_case(session: Session, case_id: int, person_id: int) -> None:
    """Take a person out of one family map (they stay in the file and in other maps)."""
    member = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case_id, CaseMember.person_id == person_id)
    ).first()
    if member is None:
        raise CommandError("That person is not part of this family map")
    session.delete(member)
    session.flush()


def link_person(session: Session, case_id: int, person_id: int, role: str = "", is_subject: bool = False) -> int:
    """Include an existing person (from another family map in the file) in a case."""
    _get(session, Person, person_id)
    _get(session, Case, case_id)
    existing = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case_id, CaseMember.person_id == person_id)
    ).first()
    if existing is not None:
        raise CommandError("That person is already in this family map")
    member = _flushed(session, CaseMember(case_id=case_id, person_id=person_id, role=role, is_subject=is_subject))
    return member.id  # type: ignore[return-value]


def _case_ids_of(session: Session, person_id: int) -> list[int]:
    return list(session.scalars(select(CaseMember.case_id).where(CaseMember.person_id == person_id)).all())


def _ensure_member(session: Session, case_id: Optional[int], person_id: int) -> None:
    if case_id is None:
        return
    exists = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case_id, CaseMember.person_id == person_id)
    ).first()
    if exists is None:
        _flushed(session, CaseMember(case_id=case_id, person_id=person_id))


# -- kinship -------------------------------------------------------------------------


def _opposite_sex(sex: Sex) -> Sex:
    return {Sex.MALE: Sex.FEMALE, Sex.FEMALE: Sex.MALE}.get(sex, Sex.UNKNOWN)


def add_partnership(session: Session, a_id: int, b_id: int, kind: Any = PartnershipKind.MARRIED, **fields) -> int:
    """Record a partnership between two existing people; returns its id."""
    _get(session, Person, a_id)
    _get(session, Person, b_id)
    p = Partnership(person_a_id=a_id, person_b_id=b_id)
    _assign(p, {"kind": kind, **fields})
    return _flushed(session, p).id  # type: ignore[return-value]


def add_partner(session: Session, case_id: Optional[int], person_id: int, partner_id: Optional[int] = None,
                partner: Optional[dict] = None, kind: Any = PartnershipKind.MARRIED,
                **partnership_fields) -> tuple[int, int]:
    """Give a person a partner: an existing person, or a new one (``partner`` fields).

    A new partner's sex defaults to the opposite of the person's when that is known.
    Returns ``(partner_id, partnership_id)``.
    """
    person = _get(session, Person, person_id)
    if partner_id is None:
        fields = dict(partner or {})
        fields.setdefault("sex", _opposite_sex(person.sex))
        partner_id = _new_person(session, case_id, fields).id
    else:
        _ensure_member(session, case_id, partner_id)
    # Keep a stable, conventional order: male on the left of the partnership line.
    other = _get(session, Person, partner_id)
    a, b = (person_id, partner_id)
    if person.sex is Sex.FEMALE and other.sex is Sex.MALE:
        a, b = b, a
    pid = add_partnership(session, a, b, kind, **partnership_fields)
    return partner_id, pid  # type: ignore[return-value]


def add_parent_link(session: Session, parent_id: int, child_id: int, kind: Any = ParentLinkKind.BIOLOGICAL,
                    **fields) -> int:
    """Record that ``parent_id`` is a parent of ``child_id``; returns the link id."""
    _get(session, Person, parent_id)
    _get(session, Person, child_id)
    link = ParentLink(parent_id=parent_id, child_id=child_id)
    _assign(link, {"kind": kind, **fields})
    return _flushed(session, link).id  # type: ignore[return-value]


def add_child(session: Session, case_id: Optional[int], parent_ids: Sequence[int], child: Optional[dict] = None,
              kind: Any = ParentLinkKind.BIOLOGICAL) -> int:
    """Add a new child of one parent (single parent) or of a couple; returns the child id."""
    parent_ids = [p for p in parent_ids if p is not None]
    if not parent_ids:
        raise CommandError("Choose at least one parent for the child")
    if len(set(parent_ids)) != len(parent_ids) or len(parent_ids) > 2:
        raise CommandError("A child is added to one parent or to a couple")
    fields = dict(child or {})
    new = _new_person(session, case_id, fields)
    for parent in parent_ids:
        add_parent_link(session, parent, new.id, kind)  # type: ignore[arg-type]
    return new.id  # type: ignore[return-value]


def add_parents(session: Session, case_id: Optional[int], child_id: int, mother: Optional[dict] = None,
                father: Optional[dict] = None, partnership_kind: Any = PartnershipKind.MARRIED,
                kind: Any = ParentLinkKind.BIOLOGICAL) -> tuple[int, int, int]:
    """Give a person a new mother and father who are partners; returns ``(mother, father, partnership)``."""
    _get(session, Person, child_id)
    m_fields = {"sex": Sex.FEMALE, **(mother or {})}
    f_fields = {"sex": Sex.MALE, **(father or {})}
    f = _new_person(session, case_id, f_fields)
    m = _new_person(session, case_id, m_fields)
    partnership = add_partnership(session, f.id, m.id, partnership_kind)  # type: ignore[arg-type]
    add_parent_link(session, f.id, child_id, kind)  # type: ignore[arg-type]
    add_parent_link(session, m.id, child_id, kind)  # type: ignore[arg-type]
    return m.id, f.id, partnership  # type: ignore[return-value]


def parent_links_of(session: Session, child_id: int) -> list[ParentLink]:
    return list(session.scalars(select(ParentLink).where(ParentLink.child_id == child_id)).all())


def add_sibling(session: Session, case_id: Optional[int], person_id: int, sibling: Optional[dict] = None) -> int:
    """Add a full sibling: a new person with the same recorded parents (and link kinds)."""
    _get(session, Person, person_id)
    links = parent_links_of(session, person_id)
    if not links:
        raise CommandError("A sibling hangs from the same parents: add this person's parents first")
    new = _new_person(session, case_id, dict(sibling or {}))
    for link in links:
        add_parent_link(session, link.parent_id, new.id, link.kind)  # type: ignore[arg-type]
    return new.id  # type: ignore[return-value]


def add_tie(session: Session, from_id: int, to_id: int, kind: Any = TieKind.CLOSE, **fields) -> int:
    """Record an emotional or interaction tie (directed from ``from_id`` to ``to_id``)."""
    if from_id == to_id:
        raise CommandError("A tie joins two different people")
    _get(session, Person, from_id)
    _get(session, Person, to_id)
    tie = Tie(from_id=from_id, to_id=to_id)
    _assign(tie, {"kind": kind, **fields})
    return _flushed(session, tie).id  # type: ignore[return-value]


# -- households and residence ------------------------------------------------------


def add_household(session: Session, label: str, type: Any = HouseholdType.FAMILY_HOME, address: str = "",
                  notes: str = "", members: Iterable[int] = (), start: Any = None) -> int:
    """Create a household, optionally moving ``members`` into it; returns its id."""
    hh = Household(label=label, address=address, notes=notes)
    _assign(hh, {"type": type})
    _flushed(session, hh)
    for pid in members:
        set_household(session, pid, hh.id, start=start)  # type: ignore[arg-type]
    return hh.id  # type: ignore[return-value]


def current_residences(session: Session, person_id: int, kind: ResidenceKind = ResidenceKind.LIVES) -> list[Residence]:
    """The open-ended residences of one kind (those with no end date)."""
    return list(session.scalars(
        select(Residence).where(Residence.person_id == person_id, Residence.kind == kind, Residence.end.is_(None))
    ).all())


def set_household(session: Session, person_id: int, household_id: int, start: Any = None,
                  kind: Any = ResidenceKind.LIVES, **fields) -> int:
    """Move a person into a household (or add a regular stay / visit there).

    For a "lives" residence the person's current "lives" residence elsewhere is
    ended on the move date (today when none is given) and a new one starts then.
    Returns the new residence id.
    """
    _get(session, Person, person_id)
    _get(session, Household, household_id)
    kind = coerce_value(Residence, "kind", kind)
    start_date = PartialDate.coerce(start) if start is not None else None
    if kind is ResidenceKind.LIVES:
        current = current_residences(session, person_id)
        if any(r.household_id == household_id for r in current):
            raise CommandError("This person already lives in that household")
        if current and start_date is None:
            start_date = PartialDate.from_date(date.today())
        for res in current:
            res.end = start_date
        session.flush()
    res = Residence(person_id=person_id, household_id=household_id)
    _assign(res, {"kind": kind, "start": start_date, **fields})
    return _flushed(session, res).id  # type: ignore[return-value]


def end_residence(session: Session, residence_id: int, end: Any) -> None:
    """Close a residence period."""
    update_fields(session, Residence, residence_id, end=end)


# -- agencies, involvement, chronology ------------------------------------------------


def add_agency(session: Session, name: str, type: Any = AgencyType.OTHER, contact: str = "", notes: str = "") -> int:
    agency = Agency(name=name, contact=contact, notes=notes)
    _assign(agency, {"type": type})
    return _flushed(session, agency).id  # type: ignore[return-value]


def find_or_add_agency(session: Session, name: str, type: Any = AgencyType.OTHER) -> int:
    """The agency with this name (case-insensitive), created if new."""
    name = name.strip()
    if not name:
        raise CommandError("The agency needs a name")
    existing = session.scalars(select(Agency).where(sa.func.lower(Agency.name) == name.lower())).first()
    if existing is not None:
        return existing.id  # type: ignore[return-value]
    return add_agency(session, name, type)


def add_involvement(session: Session, agency_id: int, person_id: Optional[int] = None,
                    household_id: Optional[int] = None, **fields) -> int:
    """Record an agency working with a person or a household; returns its id."""
    if (person_id is None) == (household_id is None):
        raise CommandError("An involvement is with one person or one household")
    _get(session, Agency, agency_id)
    if person_id is not None:
        _get(session, Person, person_id)
    if household_id is not None:
        _get(session, Household, household_id)
    inv = Involvement(agency_id=agency_id, person_id=person_id, household_id=household_id)
    _assign(inv, fields)
    return _flushed(session, inv).id  # type: ignore[return-value]


def add_agency_involvement(session: Session, agency_name: str, agency_type: Any = AgencyType.OTHER,
                           person_id: Optional[int] = None, household_id: Optional[int] = None,
                           **fields) -> tuple[int, int]:
    """Find or create the agency and record its involvement; returns ``(agency, involvement)``."""
    agency_id = find_or_add_agency(session, agency_name, agency_type)
    return agency_id, add_involvement(session, agency_id, person_id, household_id, **fields)


def add_event(session: Session, case_id: int, title: str, date: Any = None, kind: Any = EventKind.OTHER,
              person_ids: Iterable[int] = (), household_ids: Iterable[int] = (), **fields) -> int:
    """Add a chronology entry linked to people and/or households; returns its id."""
    _get(session, Case, case_id)
    ev = Event(case_id=case_id, title=title)
    _assign(ev, {"date": date, "kind": kind, **fields})
    _flushed(session, ev)
    for pid in dict.fromkeys(person_ids):
        _get(session, Person, pid)
        session.add(EventPerson(event_id=ev.id, person_id=pid))
    for hid in dict.fromkeys(household_ids):
        _get(session, Household, hid)
        session.add(EventHousehold(event_id=ev.id, household_id=hid))
    session.flush()
    return ev.id  # type: ignore[return-value]


def add_risk_flag(session: Session, person_id: int, kind: Any, **fields) -> int:
    _get(session, Person, person_id)
    flag = RiskFlag(person_id=person_id)
    _assign(flag, {"kind": kind, **fields})
    return _flushed(session, flag).id  # type: ignore[return-value]


def add_legal_status(session: Session, person_id: int, kind: Any, **fields) -> int:
    _get(session, Person, person_id)
    status = LegalStatus(person_id=person_id)
    _assign(status, {"kind": kind, **fields})
    return _flushed(session, status).id  # type: ignore[return-value]


# -- deleting other things ----------------------------------------------------------


def delete_row(session: Session, kind: str | type[SQLModel], row_id: int) -> None:
    """Delete a partnership, tie, residence, household, agency, involvement, event… with its links."""
    table = table_for(kind)
    if table is Person:
        return delete_person(session, row_id)
    obj = _get(session, table, row_id)
    dependents: list[SQLModel] = []
    if table is Household:
        dependents += session.scalars(select(Residence).where(Residence.household_id == row_id)).all()
        dependents += session.scalars(select(Involvement).where(Involvement.household_id == row_id)).all()
        dependents += session.scalars(select(EventHousehold).where(EventHousehold.household_id == row_id)).all()
    elif table is Agency:
        dependents += session.scalars(select(Involvement).where(Involvement.agency_id == row_id)).all()
    elif table is Event:
        dependents += session.scalars(select(EventPerson).where(EventPerson.event_id == row_id)).all()
        dependents += session.scalars(select(EventHousehold).where(EventHousehold.event_id == row_id)).all()
    elif table is Case:
        dependents += session.scalars(select(CaseMember).where(CaseMember.case_id == row_id)).all()
        events = session.scalars(select(Event).where(Event.case_id == row_id)).all()
        for ev in events:
            dependents += session.scalars(select(EventPerson).where(EventPerson.event_id == ev.id)).all()
            dependents += session.scalars(select(EventHousehold).where(EventHousehold.event_id == ev.id)).all()
        dependents += events
    for row in dependents:
        session.delete(row)
    session.flush()
    session.delete(obj)
    session.flush()


def enum_value(value: Any) -> Any:
    """The stored value of an enum (for messages and comparisons with text)."""
    return value.value if isinstance(value, Enum) else value
