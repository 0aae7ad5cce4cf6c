"""SQLModel tables: the family-map domain model as stored (SQLite file or PostgreSQL).

People, households and agencies are file-level records; a *case* (family map)
includes people through :class:`CaseMember`, so one person can be linked into
several cases (cross-family connections).  Relationship facts (partnerships,
parent links, ties, residences, risk flags, involvements) belong to people, and
a case shows those whose people are its members.

Every relationship-like fact carries its source and status (:class:`Sourced`)
so a practitioner can tell a rumour from a record.  ``table=True`` models skip
Pydantic validation: the rules live in :mod:`genomap.model.rules`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from genomap.model.dates import PartialDate
from genomap.model.enums import (
    AgencyType,
    ConnectionQuality,
    ContactRestriction,
    EventKind,
    FactStatus,
    HouseholdType,
    LegalStatusKind,
    MatchDecisionKind,
    ParentLinkKind,
    PartnershipEnd,
    PartnershipKind,
    PregnancyOutcome,
    ResidenceKind,
    RiskKind,
    Sex,
    SupportDirection,
    TieKind,
    TriState,
    TwinKind,
)


class PartialDateType(TypeDecorator):
    """Stores a :class:`PartialDate` as its sortable storage string."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = PartialDate.parse(value)
        return value.to_storage()

    def process_result_value(self, value, dialect):
        return None if value is None else PartialDate.from_storage(value)


def enum_type(enum_cls: type[Enum]) -> sa.Enum:
    """Store enums by their stable lowercase value, as plain strings (no native enum)."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        validate_strings=True,
        length=40,
        name=enum_cls.__name__.lower(),
    )


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _date_field() -> Optional[PartialDate]:
    return Field(default=None, sa_type=PartialDateType)


def _fk(target: str, nullable: bool = False, index: bool = True):
    return Field(
        default=None,
        sa_column_args=[sa.ForeignKey(target, ondelete="CASCADE")],
        nullable=nullable,
        index=index,
    )


class Sourced(SQLModel):
    """Where a fact came from and how sure it is."""

    model_config = {"arbitrary_types_allowed": True}

    status: FactStatus = Field(default=FactStatus.REPORTED, sa_type=enum_type(FactStatus))
    source: str = Field(default="", description="Who reported it, or the document it comes from")
    source_agency: str = Field(default="", description="Which agency the information came from")
    source_date: Optional[PartialDate] = _date_field()


class Period(SQLModel):
    """A fact that holds from ``start`` to ``end`` (either may be unknown)."""

    model_config = {"arbitrary_types_allowed": True}

    start: Optional[PartialDate] = _date_field()
    end: Optional[PartialDate] = _date_field()


class Versioned(SQLModel):
    """A row version for optimistic concurrency (no lost updates on a shared database).

    SQLAlchemy's ``version_id_col`` makes every ORM UPDATE/DELETE say
    ``WHERE version = <the version loaded>`` and raise the version by one; undo/redo
    (Core) check and raise it the same way (:mod:`genomap.store.concurrency`).
    """

    version: int = Field(default=1, sa_column_kwargs={"server_default": "1", "info": {"system": True}})

    @declared_attr
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy's declared_attr protocol
        return {"version_id_col": cls.__table__.c.version}


class Case(Versioned, table=True):
    """One family map."""

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = ""
    reference: str = Field(default="", index=True)
    author: str = ""
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Person(Versioned, table=True):
    model_config = {"arbitrary_types_allowed": True}

    id: Optional[int] = Field(default=None, primary_key=True)
    given_names: str = ""
    family_name: str = Field(default="", index=True)
    known_as: str = ""
    aliases: str = Field(default="", description="Other names, separated by semicolons")
    sex: Sex = Field(default=Sex.UNKNOWN, sa_type=enum_type(Sex))
    gender_identity: str = ""
    birth: Optional[PartialDate] = _date_field()
    death: Optional[PartialDate] = _date_field()
    deceased: bool = False
    pregnancy: PregnancyOutcome = Field(
        default=PregnancyOutcome.NONE, sa_type=enum_type(PregnancyOutcome)
    )
    adopted: bool = False
    looked_after: bool = Field(default=False, description="Fostered / looked-after child")
    twin_group: str = Field(default="", description="Siblings sharing a group label are twins")
    twin_kind: TwinKind = Field(default=TwinKind.NONE, sa_type=enum_type(TwinKind))
    birth_order: Optional[int] = Field(default=None, description="Orders siblings with unknown dates")
    notes: str = ""
    child_voice: str = Field(default="", description="The child's own words and wishes")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.given_names, self.family_name) if p).strip()
        return name or self.known_as or "(unnamed)"

    @property
    def is_dead(self) -> bool:
        return self.deceased or self.death is not None


class CaseMember(Versioned, table=True):
    """A person included in a case (family map)."""

    __table_args__ = (sa.UniqueConstraint("case_id", "person_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = _fk("case.id")
    person_id: int = _fk("person.id")
    is_subject: bool = Field(default=False, description="Subject child / index person")
    role: str = Field(default="", description="Role in this family, e.g. 'mother', 'visitor'")


class Partnership(Sourced, Period, Versioned, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    person_a_id: int = _fk("person.id")
    person_b_id: int = _fk("person.id")
    kind: PartnershipKind = Field(
        default=PartnershipKind.MARRIED, sa_type=enum_type(PartnershipKind)
    )
    end_kind: PartnershipEnd = Field(default=PartnershipEnd.NONE, sa_type=enum_type(PartnershipEnd))
    living_together: bool = Field(
        default=False, description="Separated but still living together"
    )
    notes: str = ""


class ParentLink(Sourced, Period, Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("parent_id", "child_id", "kind"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    parent_id: int = _fk("person.id")
    child_id: int = _fk("person.id")
    kind: ParentLinkKind = Field(
        default=ParentLinkKind.BIOLOGICAL, sa_type=enum_type(ParentLinkKind)
    )
    parental_responsibility: TriState = Field(
        default=TriState.UNKNOWN, sa_type=enum_type(TriState)
    )
    notes: str = ""


class Tie(Sourced, Period, Versioned, table=True):
    """An emotional or interaction relationship; ``from`` acts on ``to`` when directed."""

    id: Optional[int] = Field(default=None, primary_key=True)
    from_id: int = _fk("person.id")
    to_id: int = _fk("person.id")
    kind: TieKind = Field(default=TieKind.CLOSE, sa_type=enum_type(TieKind))
    notes: str = ""


class Household(Versioned, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    label: str = ""
    address: str = Field(default="", description="Sensitive: hidden unless asked for")
    type: HouseholdType = Field(default=HouseholdType.FAMILY_HOME, sa_type=enum_type(HouseholdType))
    notes: str = ""


class Residence(Sourced, Period, Versioned, table=True):
    """A person's connection to a household over a period."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id")
    household_id: int = _fk("household.id")
    kind: ResidenceKind = Field(default=ResidenceKind.LIVES, sa_type=enum_type(ResidenceKind))
    overlap_ok: bool = Field(
        default=False, description="Deliberately overlaps another 'lives' period"
    )
    notes: str = ""


class Agency(Versioned, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = ""
    type: AgencyType = Field(default=AgencyType.OTHER, sa_type=enum_type(AgencyType))
    contact: str = ""
    notes: str = ""


class Involvement(Sourced, Period, Versioned, table=True):
    """An agency working with a person or a household."""

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = _fk("agency.id")
    person_id: Optional[int] = _fk("person.id", nullable=True)
    household_id: Optional[int] = _fk("household.id", nullable=True)
    role: str = Field(default="", description="e.g. child protection plan, offender manager")
    worker_name: str = ""
    worker_contact: str = ""
    notes: str = ""
    connection: ConnectionQuality = Field(
        default=ConnectionQuality.UNSPECIFIED, sa_type=enum_type(ConnectionQuality),
        description="Nature of the connection, for the ecomap",
    )
    support: SupportDirection = Field(
        default=SupportDirection.NONE, sa_type=enum_type(SupportDirection),
        description="Direction of support, for the ecomap",
    )


class RiskFlag(Sourced, Period, Versioned, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id")
    kind: RiskKind = Field(default=RiskKind.OTHER, sa_type=enum_type(RiskKind))
    detail: str = Field(default="", description="e.g. MAPPA category 1 level 2")
    notes: str = ""


class LegalStatus(Sourced, Period, Versioned, table=True):
    """A child's legal or plan status over a period (CIN, CP, CLA, care order, SGO)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id")
    kind: LegalStatusKind = Field(sa_type=enum_type(LegalStatusKind))
    notes: str = ""


class Event(Sourced, Versioned, table=True):
    """A dated chronology entry."""

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = _fk("case.id")
    date: Optional[PartialDate] = _date_field()
    kind: EventKind = Field(default=EventKind.OTHER, sa_type=enum_type(EventKind))
    title: str = ""
    description: str = ""


class EventPerson(Versioned, table=True):
    event_id: int = Field(
        sa_column_args=[sa.ForeignKey("event.id", ondelete="CASCADE")], primary_key=True
    )
    person_id: int = Field(
        sa_column_args=[sa.ForeignKey("person.id", ondelete="CASCADE")], primary_key=True
    )


class EventHousehold(Versioned, table=True):
    event_id: int = Field(
        sa_column_args=[sa.ForeignKey("event.id", ondelete="CASCADE")], primary_key=True
    )
    household_id: int = Field(
        sa_column_args=[sa.ForeignKey("household.id", ondelete="CASCADE")], primary_key=True
    )


class MatchDecision(Versioned, table=True):
    """A user's decision that two person records are (or are not) the same person.

    Rejections are remembered so the same possible match is not raised again;
    confirmed links are kept for the record of who linked what and why.
    """

    __table_args__ = (sa.UniqueConstraint("person_a_id", "person_b_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    person_a_id: int = _fk("person.id")  # the lower id of the pair
    person_b_id: int = _fk("person.id")
    decision: MatchDecisionKind = Field(sa_type=enum_type(MatchDecisionKind))
    score: float = 0.0
    explanation: str = ""
    decided_by: str = ""
    decided_at: datetime = Field(default_factory=utcnow)


class RedactionProfile(Versioned, table=True):
    """A named, user-edited redaction profile (switches stored as JSON text)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(default="", sa_column_kwargs={"unique": True})
    settings: str = Field(default="{}", description="JSON of the profile's switches")


class SignificantAdult(Sourced, Versioned, table=True):
    """The school's register entry for one adult in one child's life (see :mod:`genomap.register`).

    Who the adult is to the child, where they live and any court order come from
    the family map itself; this row holds only what the register adds: contact
    arrangements, an agreed restriction, whether they may collect the child,
    emergency-contact priority, notes and when the entry was last checked.
    """

    __table_args__ = (sa.UniqueConstraint("child_id", "adult_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    child_id: int = _fk("person.id")
    adult_id: int = _fk("person.id")
    contact_arrangement: str = Field(default="", description="e.g. 'Alternate weekends', 'Phone calls only'")
    restriction: ContactRestriction = Field(
        default=ContactRestriction.NONE, sa_type=enum_type(ContactRestriction)
    )
    may_collect: TriState = Field(default=TriState.UNKNOWN, sa_type=enum_type(TriState))
    emergency_priority: Optional[int] = Field(default=None, description="1 = first to call")
    notes: str = ""
    last_checked: Optional[PartialDate] = _date_field()


ALL_TABLES = [
    Case, Person, CaseMember, Partnership, ParentLink, Tie, Household, Residence,
    Agency, Involvement, RiskFlag, LegalStatus, Event, EventPerson, EventHousehold,
    MatchDecision, RedactionProfile, SignificantAdult,
]
