"""Read one case (family map) from the database into a detached :class:`FamilySnapshot`.

What a case shows: its members (``CaseMember`` people, with subject flag and
role); the partnerships, parent links and ties whose people are all members;
the members' residences and the households they point to; the involvements of
agencies with members or with those households; the members' risk flags and
legal statuses; and the case's chronology events with their linked members and
households.  A fixed handful of queries (member ids are a subquery, never a
per-person loop), in portable SQL so PostgreSQL works unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from genomap.model.tables import (
    Agency, Case, CaseMember, Event, EventHousehold, EventPerson, Household, Involvement,
    LegalStatus, ParentLink, Partnership, Person, Residence, RiskFlag, Tie,
)
from genomap.store.document import StoreError
from genomap.store.snapshot import (
    EventView, FamilySnapshot, HouseholdView, InvolvementView, LegalStatusView,
    ParentLinkView, PartnershipView, PersonView, ResidenceView, RiskFlagView, TieView,
)


class CaseNotFound(StoreError):
    def __init__(self, case_id: Optional[int]):
        self.case_id = case_id
        super().__init__(f"There is no family map number {case_id} in this file.")


def _members(case_id: int):
    return select(CaseMember.person_id).where(CaseMember.case_id == case_id)


def _event_sort_key(e: EventView):
    return (e.date is None, e.date.sort_key() if e.date is not None else "", e.id)


def _event_links(session: Session, case_id: int, column, keep: set[int]) -> dict[int, list[int]]:
    """Event id -> the linked ids in ``column`` (EventPerson.person_id or
    EventHousehold.household_id) for the case's events, keeping only ``keep``."""
    link = column.class_
    out: dict[int, list[int]] = defaultdict(list)
    for event_id, target in session.execute(
        select(link.event_id, column)
        .join(Event, Event.id == link.event_id)
        .where(Event.case_id == case_id)
        .order_by(link.event_id, column)
    ):
        if target in keep:
            out[event_id].append(target)
    return out


def load_snapshot(session: Session, case_id: int) -> FamilySnapshot:
    """The whole family map ``case_id`` as frozen views (raises :class:`CaseNotFound`)."""
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    members = _members(case_id)

    people = tuple(
        PersonView(
            id=p.id, given_names=p.given_names, family_name=p.family_name, known_as=p.known_as,
            aliases=p.aliases, sex=p.sex, birth=p.birth, death=p.death, deceased=p.deceased,
            pregnancy=p.pregnancy, adopted=p.adopted, looked_after=p.looked_after,
            twin_group=p.twin_group, twin_kind=p.twin_kind, birth_order=p.birth_order,
            is_subject=m.is_subject, role=m.role, notes=p.notes, child_voice=p.child_voice,
        )
        for p, m in session.execute(
            select(Person, CaseMember)
            .join(CaseMember, CaseMember.person_id == Person.id)
            .where(CaseMember.case_id == case_id)
            .order_by(Person.id)
        )
    )
    member_ids = {p.id for p in people}

    partnerships = tuple(
        PartnershipView(
            id=r.id, a=r.person_a_id, b=r.person_b_id, kind=r.kind, start=r.start, end=r.end,
            end_kind=r.end_kind, living_together=r.living_together, status=r.status,
        )
        for r in session.scalars(
            select(Partnership)
            .where(Partnership.person_a_id.in_(members), Partnership.person_b_id.in_(members))
            .order_by(Partnership.id)
        )
    )
    parent_links = tuple(
        ParentLinkView(
            id=l.id, parent=l.parent_id, child=l.child_id, kind=l.kind,
            parental_responsibility=l.parental_responsibility, start=l.start, end=l.end,
            status=l.status,
        )
        for l in session.scalars(
            select(ParentLink)
            .where(ParentLink.parent_id.in_(members), ParentLink.child_id.in_(members))
            .order_by(ParentLink.id)
        )
    )
    ties = tuple(
        TieView(
            id=t.id, source=t.from_id, target=t.to_id, kind=t.kind, start=t.start, end=t.end,
            status=t.status, notes=t.notes,
        )
        for t in session.scalars(
            select(Tie).where(Tie.from_id.in_(members), Tie.to_id.in_(members)).order_by(Tie.id)
        )
    )
    residence_rows = list(
        session.scalars(
            select(Residence).where(Residence.person_id.in_(members)).order_by(Residence.id)
        )
    )
    residences = tuple(
        ResidenceView(
            id=r.id, person=r.person_id, household=r.household_id, kind=r.kind, start=r.start,
            end=r.end, status=r.status,
        )
        for r in residence_rows
    )
    household_ids = select(Residence.household_id).where(Residence.person_id.in_(members))
    households = tuple(
        HouseholdView(id=h.id, label=h.label, address=h.address, type=h.type)
        for h in session.scalars(
            select(Household).where(Household.id.in_(household_ids)).order_by(Household.id)
        )
    )
    hh_set = {h.id for h in households}
    involvements = tuple(
        InvolvementView(
            id=i.id, agency_id=a.id, agency_name=a.name, agency_type=a.type,
            person=i.person_id if i.person_id in member_ids else None,
            household=i.household_id if i.household_id in hh_set else None,
            role=i.role, worker_name=i.worker_name, worker_contact=i.worker_contact,
            start=i.start, end=i.end, notes=i.notes,
        )
        for i, a in session.execute(
            select(Involvement, Agency)
            .join(Agency, Agency.id == Involvement.agency_id)
            .where(
                or_(
                    Involvement.person_id.in_(members),
                    Involvement.household_id.in_(household_ids),
                )
            )
            .order_by(Involvement.id)
        )
    )
    risk_flags = tuple(
        RiskFlagView(
            id=f.id, person=f.person_id, kind=f.kind, status=f.status, detail=f.detail,
            start=f.start, end=f.end, source=f.source, notes=f.notes,
        )
        for f in session.scalars(
            select(RiskFlag).where(RiskFlag.person_id.in_(members)).order_by(RiskFlag.id)
        )
    )
    legal_statuses = tuple(
        LegalStatusView(id=s.id, person=s.person_id, kind=s.kind, start=s.start, end=s.end)
        for s in session.scalars(
            select(LegalStatus).where(LegalStatus.person_id.in_(members)).order_by(LegalStatus.id)
        )
    )

    event_people = _event_links(session, case_id, EventPerson.person_id, member_ids)
    event_households = _event_links(session, case_id, EventHousehold.household_id, hh_set)
    events = tuple(
        sorted(
            (
                EventView(
                    id=e.id, date=e.date, kind=e.kind, title=e.title, description=e.description,
                    people=tuple(event_people.get(e.id, ())),
                    households=tuple(event_households.get(e.id, ())),
                    status=e.status, source=e.source,
                )
                for e in session.scalars(select(Event).where(Event.case_id == case_id))
            ),
            key=_event_sort_key,
        )
    )

    return FamilySnapshot(
        case_id=case.id, title=case.title, reference=case.reference, author=case.author,
        people=people, partnerships=partnerships, parent_links=parent_links, ties=ties,
        households=households, residences=residences, involvements=involvements,
        risk_flags=risk_flags, legal_statuses=legal_statuses, events=events,
    )
