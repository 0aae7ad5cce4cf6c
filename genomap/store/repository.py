"""Small read queries the editor and the CLI share: cases, people, search, counts.

Callers pass a session (``with document.read() as session:``) and get ORM rows
or plain dataclasses back.  Everything here is portable SQL: no SQLite-only
functions, so a PostgreSQL URL works unchanged.  Writing goes through
:meth:`Document.edit` (see ``genomap.commands``), never through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from genomap.model.tables import Case, CaseMember, Person
from genomap.store.snapshot_loader import CaseNotFound, load_snapshot

__all__ = [
    "CaseNotFound", "CaseSummary", "list_cases", "get_case", "case_members", "people_in_case",
    "cases_of_person", "search_people", "case_summary", "NAME_FIELDS",
]

#: The person fields a name search looks in.
NAME_FIELDS = ("given_names", "family_name", "known_as", "aliases")


def list_cases(session: Session) -> list[Case]:
    """Every family map in the file, in the order they were created."""
    return list(session.scalars(select(Case).order_by(Case.id)))


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    return case


def case_members(session: Session, case_id: int) -> list[tuple[Person, CaseMember]]:
    """(person, membership) pairs of a case, ordered by family name then given names."""
    get_case(session, case_id)
    rows = session.execute(
        select(Person, CaseMember)
        .join(CaseMember, CaseMember.person_id == Person.id)
        .where(CaseMember.case_id == case_id)
        .order_by(Person.family_name, Person.given_names, Person.id)
    )
    return [(p, m) for p, m in rows]


def people_in_case(session: Session, case_id: int) -> list[Person]:
    return [p for p, _ in case_members(session, case_id)]


def cases_of_person(session: Session, person_id: int) -> list[Case]:
    """The family maps a person is linked into (one person can be in several)."""
    return list(
        session.scalars(
            select(Case)
            .join(CaseMember, CaseMember.case_id == Case.id)
            .where(CaseMember.person_id == person_id)
            .order_by(Case.id)
        )
    )


def _name_columns():
    return [getattr(Person, f) for f in NAME_FIELDS]


def search_people(
    session: Session, text: str, case_id: Optional[int] = None, limit: Optional[int] = 50
) -> list[Person]:
    """People whose names contain every word of ``text`` (any name field, any case).

    Looks in given names, family name, known-as and aliases, so "daz skel"
    finds "Darren Skelwith, known as Daz".  ``case_id`` limits the search to
    one family map.
    """
    words = [w for w in text.casefold().split() if w]
    query = select(Person)
    if case_id is not None:
        query = query.where(
            Person.id.in_(select(CaseMember.person_id).where(CaseMember.case_id == case_id))
        )
    ascii_words = [w for w in words if w.isascii()]
    for w in ascii_words:
        query = query.where(or_(*(func.lower(c).contains(w, autoescape=True) for c in _name_columns())))
    query = query.order_by(Person.family_name, Person.given_names, Person.id)
    if limit is not None and len(ascii_words) == len(words):
        query = query.limit(limit)  # no accented words to check here: let the database stop early
    people = list(session.scalars(query))
    if len(ascii_words) != len(words):
        # Databases lower-case only ASCII letters reliably: check accented words here.
        def matches(p: Person) -> bool:
            hay = " ".join(getattr(p, f) or "" for f in NAME_FIELDS).casefold()
            return all(w in hay for w in words)

        people = [p for p in people if matches(p)]
    return people if limit is None else people[:limit]


@dataclass(frozen=True)
class CaseSummary:
    """How much a family map holds (what ``genomap check`` prints)."""

    case_id: int
    title: str
    reference: str
    people: int
    subjects: int
    households: int
    agencies: int
    involvements: int
    events: int
    partnerships: int
    parent_links: int
    ties: int
    risk_flags: int
    legal_statuses: int


def case_summary(session: Session, case_id: int) -> CaseSummary:
    """Counts for one case, by the same definitions the genogram is drawn from."""
    snap = load_snapshot(session, case_id)
    return CaseSummary(
        case_id=snap.case_id,
        title=snap.title,
        reference=snap.reference,
        people=len(snap.people),
        subjects=sum(1 for p in snap.people if p.is_subject),
        households=len(snap.households),
        agencies=len({i.agency_id for i in snap.involvements}),
        involvements=len(snap.involvements),
        events=len(snap.events),
        partnerships=len(snap.partnerships),
        parent_links=len(snap.parent_links),
        ties=len(snap.ties),
        risk_flags=len(snap.risk_flags),
        legal_statuses=len(snap.legal_statuses),
    )
