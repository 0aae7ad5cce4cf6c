"""Read-only snapshots of one family map, for layout, drawing and export.

A :class:`FamilySnapshot` is a tree of frozen dataclasses detached from the
database: safe to hand to a worker thread, cheap to compare, and easy to build
directly in tests (see ``tests/factories.py``) without any database at all.
:func:`load_snapshot` reads one case from a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Optional

from genomap.model.dates import PartialDate, age_on
from genomap.model.enums import (
    AgencyType, EventKind, FactStatus, HouseholdType, LegalStatusKind, ParentLinkKind,
    PartnershipEnd, PartnershipKind, PregnancyOutcome, ResidenceKind, RiskKind, Sex,
    TieKind, TriState, TwinKind,
)


#: Age from which a person counts as an adult (children's legislation in England and Wales).
ADULT_AGE = 18


def _active(start: Optional[PartialDate], end: Optional[PartialDate], day: date) -> bool:
    """Does a period with these (possibly unknown) bounds include ``day``?"""
    if start is not None and start.representative() > day:
        return False
    if end is not None and end.representative() < day:
        return False
    return True


@dataclass(frozen=True)
class PersonView:
    id: int
    given_names: str = ""
    family_name: str = ""
    known_as: str = ""
    aliases: str = ""
    sex: Sex = Sex.UNKNOWN
    birth: Optional[PartialDate] = None
    death: Optional[PartialDate] = None
    deceased: bool = False
    pregnancy: PregnancyOutcome = PregnancyOutcome.NONE
    adopted: bool = False
    looked_after: bool = False
    twin_group: str = ""
    twin_kind: TwinKind = TwinKind.NONE
    birth_order: Optional[int] = None
    is_subject: bool = False
    role: str = ""
    notes: str = ""
    child_voice: str = ""

    @property
    def name(self) -> str:
        full = " ".join(p for p in (self.given_names, self.family_name) if p).strip()
        return full or self.known_as or "(unnamed)"

    def is_dead_on(self, day: date) -> bool:
        if self.death is not None:
            return self.death.representative() <= day
        return self.deceased

    def exists_on(self, day: date) -> bool:
        """Born (or conceived, for a pregnancy record) by ``day``; unknown birth counts as yes."""
        return self.birth is None or self.birth.representative() <= day

    def is_living_on(self, day: date) -> bool:
        """Born (not a pregnancy record) and alive on ``day``."""
        return self.pregnancy is PregnancyOutcome.NONE and self.exists_on(day) and not self.is_dead_on(day)

    def is_child_on(self, day: date) -> bool:
        """A living child on ``day``: born, alive, and known to be under 18."""
        age = self.age_on(day)
        return self.is_living_on(day) and age is not None and age < ADULT_AGE

    def is_adult_on(self, day: date) -> bool:
        """A living adult on ``day``: born, alive, and not known to be under 18."""
        age = self.age_on(day)
        return self.is_living_on(day) and (age is None or age >= ADULT_AGE)

    def age_on(self, day: date) -> Optional[int]:
        if self.pregnancy is not PregnancyOutcome.NONE:
            return None
        end = self.death.representative() if self.death is not None and self.is_dead_on(day) else day
        return age_on(self.birth, min(day, end))


@dataclass(frozen=True)
class PartnershipView:
    id: int
    a: int
    b: int
    kind: PartnershipKind = PartnershipKind.MARRIED
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    end_kind: PartnershipEnd = PartnershipEnd.NONE
    living_together: bool = False
    status: FactStatus = FactStatus.REPORTED

    def ended_on(self, day: date) -> bool:
        if self.end is not None:
            return self.end.representative() <= day
        return self.end_kind is not PartnershipEnd.NONE

    def started_on(self, day: date) -> bool:
        return self.start is None or self.start.representative() <= day


@dataclass(frozen=True)
class ParentLinkView:
    id: int
    parent: int
    child: int
    kind: ParentLinkKind = ParentLinkKind.BIOLOGICAL
    parental_responsibility: TriState = TriState.UNKNOWN
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    status: FactStatus = FactStatus.REPORTED


@dataclass(frozen=True)
class TieView:
    id: int
    source: int
    target: int
    kind: TieKind = TieKind.CLOSE
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    status: FactStatus = FactStatus.REPORTED
    notes: str = ""

    def active_on(self, day: date) -> bool:
        return _active(self.start, self.end, day)


@dataclass(frozen=True)
class HouseholdView:
    id: int
    label: str = ""
    address: str = ""
    type: HouseholdType = HouseholdType.FAMILY_HOME


@dataclass(frozen=True)
class ResidenceView:
    id: int
    person: int
    household: int
    kind: ResidenceKind = ResidenceKind.LIVES
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    status: FactStatus = FactStatus.REPORTED

    def active_on(self, day: date) -> bool:
        return _active(self.start, self.end, day)


@dataclass(frozen=True)
class InvolvementView:
    id: int
    agency_id: int
    agency_name: str
    agency_type: AgencyType
    person: Optional[int] = None
    household: Optional[int] = None
    role: str = ""
    worker_name: str = ""
    worker_contact: str = ""
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    notes: str = ""

    def active_on(self, day: date) -> bool:
        return _active(self.start, self.end, day)


@dataclass(frozen=True)
class RiskFlagView:
    id: int
    person: int
    kind: RiskKind
    status: FactStatus = FactStatus.ALLEGED
    detail: str = ""
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None
    source: str = ""
    notes: str = ""

    def active_on(self, day: date) -> bool:
        return _active(self.start, self.end, day)


@dataclass(frozen=True)
class LegalStatusView:
    id: int
    person: int
    kind: LegalStatusKind
    start: Optional[PartialDate] = None
    end: Optional[PartialDate] = None

    def active_on(self, day: date) -> bool:
        return _active(self.start, self.end, day)


@dataclass(frozen=True)
class EventView:
    id: int
    date: Optional[PartialDate]
    kind: EventKind
    title: str
    description: str = ""
    people: tuple[int, ...] = ()
    households: tuple[int, ...] = ()
    status: FactStatus = FactStatus.REPORTED
    source: str = ""


@dataclass(frozen=True)
class FamilySnapshot:
    """Everything needed to draw one family map."""

    case_id: int = 0
    title: str = ""
    reference: str = ""
    author: str = ""
    people: tuple[PersonView, ...] = ()
    partnerships: tuple[PartnershipView, ...] = ()
    parent_links: tuple[ParentLinkView, ...] = ()
    ties: tuple[TieView, ...] = ()
    households: tuple[HouseholdView, ...] = ()
    residences: tuple[ResidenceView, ...] = ()
    involvements: tuple[InvolvementView, ...] = ()
    risk_flags: tuple[RiskFlagView, ...] = ()
    legal_statuses: tuple[LegalStatusView, ...] = ()
    events: tuple[EventView, ...] = ()
    _index: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def person(self, pid: int) -> PersonView:
        idx = self._index.get("people")
        if idx is None:
            idx = {p.id: p for p in self.people}
            self._index["people"] = idx
        return idx[pid]

    def household(self, hid: int) -> HouseholdView:
        idx = self._index.get("households")
        if idx is None:
            idx = {h.id: h for h in self.households}
            self._index["households"] = idx
        return idx[hid]

    def structure_key(self) -> tuple:
        """What decides the layout: people and kinship, not dates or overlays."""
        return (
            tuple(sorted(p.id for p in self.people)),
            tuple(sorted((r.a, r.b, r.id) for r in self.partnerships)),
            tuple(sorted((l.parent, l.child, l.kind.value) for l in self.parent_links)),
        )

    def parents_of(self, pid: int) -> list[int]:
        return [l.parent for l in self.parent_links if l.child == pid]

    def children_of(self, pid: int) -> list[int]:
        return [l.child for l in self.parent_links if l.parent == pid]

    def households_of(self, pid: int, day: date, kinds: Iterable[ResidenceKind] = (ResidenceKind.LIVES,)) -> list[int]:
        kinds = tuple(kinds)
        return [
            r.household for r in self.residences
            if r.person == pid and r.kind in kinds and r.active_on(day)
        ]

    def with_people(self, people: Iterable[PersonView]) -> "FamilySnapshot":
        return replace(self, people=tuple(people), _index={})
