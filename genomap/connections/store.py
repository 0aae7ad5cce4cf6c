"""Connections in a GenoMap file: possible matches, linking and rejecting them, and who is in which family.

Reads go through a session (``with doc.read() as session``); the two edits,
:func:`confirm_match` and :func:`reject_match`, are edit functions for
:meth:`Document.edit` / :class:`~genomap.commands.Command`, so each is one
validated, undoable transaction.

*Confirming* a match merges the two person records into the one that is kept:
the other record's family-map memberships, kinship, ties, residences,
involvements, risk flags, legal statuses and chronology links move onto the kept
record, its names become aliases, and it is deleted.  The kept person is then
linked into every family either record was in.  A :class:`MatchDecision` row
``linked`` records who merged what and why; because the merged record no longer
exists (and decisions cascade with their people), that row names the kept person
on both sides and describes the merged record in its explanation.

*Rejecting* a match stores a ``rejected`` decision for the pair, so the pair is
never proposed again (it survives closing and reopening the file).

:func:`connections_report` lists every *connected* person -- linked into more
than one family map, or with a possible match -- with the families they are in
(case reference, their role there, the children in that family, whether they
carry a risk flag) and their possible matches with score and explanation.  The
``genomap connections`` command, the Connections dock and the Connections view
all read it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import select

from genomap.commands.base import CommandError
from genomap.connections.matching import POSSIBLE, STRONG, Match, MatchIndex, PersonRecord
from genomap.model.dates import PartialDate, age_on
from genomap.model.enums import MatchDecisionKind, PregnancyOutcome, Sex
from genomap.model.tables import (
    Case, CaseMember, EventPerson, Involvement, LegalStatus, MatchDecision, ParentLink, Partnership,
    Person, Residence, RiskFlag, Tie, utcnow,
)
from genomap.store.snapshot import ADULT_AGE



# -- records for matching ---------------------------------------------------------------


def person_record(p: Any) -> PersonRecord:
    """A :class:`PersonRecord` from a Person row (or anything with the same attributes)."""
    birth = p.birth
    if isinstance(birth, str):
        birth = PartialDate.coerce(birth)
    sex = p.sex if isinstance(p.sex, Sex) else Sex(p.sex or "unknown")
    return PersonRecord(p.id, p.given_names or "", p.family_name or "", p.known_as or "", p.aliases or "",
                        birth, sex)


def _record_from_values(values: dict) -> PersonRecord:
    class _Row:
        pass

    row = _Row()
    for k in ("id", "given_names", "family_name", "known_as", "aliases", "birth", "sex"):
        setattr(row, k, values.get(k))
    return person_record(row)


def load_records(session: Session) -> list[PersonRecord]:
    """Every person record in the file (pregnancy records are not people to match)."""
    rows = session.scalars(select(Person).where(Person.pregnancy == PregnancyOutcome.NONE))
    return [person_record(p) for p in rows]


def decided_pairs(session: Session) -> set[frozenset[int]]:
    """Pairs a user has decided about (rejected, or linked while both records still exist)."""
    rows = session.execute(select(MatchDecision.person_a_id, MatchDecision.person_b_id))
    return {frozenset((a, b)) for a, b in rows if a != b}


def build_index(session: Session) -> MatchIndex:
    """The matching index of a whole file (built once; keep it current with :func:`update_index`)."""
    return MatchIndex(load_records(session), decided_pairs(session))


def update_index(index: MatchIndex, change_set) -> bool:
    """Bring ``index`` up to date with one committed change set; True when anything changed."""
    changed = False
    for c in change_set.changes:
        if c.table == "person":
            pid = c.key[0]
            if c.after is None or c.after.get("pregnancy", "none") not in ("none", PregnancyOutcome.NONE):
                index.discard(pid)
            else:
                index.add(_record_from_values(c.after))
            changed = True
        elif c.table == "matchdecision":
            values = c.after or c.before or {}
            pair = frozenset((values.get("person_a_id"), values.get("person_b_id")))
            if len(pair) == 2:
                if c.after is None:
                    index.excluded.discard(pair)
                else:
                    index.excluded.add(pair)
                changed = True
    return changed


# -- what the file says about people and families -------------------------------------------


@dataclass(frozen=True)
class RiskInfo:
    kind: str
    label: str
    code: str
    status: str
    detail: str = ""

    def text(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.label}{extra}, {self.status}"


@dataclass(frozen=True)
class ChildInfo:
    person_id: int
    name: str
    born: str
    age: Optional[int]
    subject: bool = False
    unborn: bool = False

    def text(self) -> str:
        if self.unborn:
            return f"{self.name} (unborn)"
        return f"{self.name} ({self.age})" if self.age is not None else self.name


@dataclass(frozen=True)
class FamilyLink:
    """One family map a person is in."""

    case_id: int
    reference: str
    title: str
    role: str
    subject: bool
    risk_flagged: bool
    children: tuple[ChildInfo, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.reference} {self.title}".strip() if self.reference else (self.title or f"Family map #{self.case_id}")


@dataclass(frozen=True)
class PossibleMatch:
    """A record elsewhere in the file that may be the same person."""

    person_id: int
    name: str
    known_as: str
    born: str
    score: float
    strength: str
    explanation: str
    families: tuple[FamilyLink, ...]
    risk_flags: tuple[RiskInfo, ...]
    match: Match


@dataclass(frozen=True)
class ConnectedPerson:
    person_id: int
    name: str
    known_as: str
    aliases: str
    born: str
    risk_flags: tuple[RiskInfo, ...]
    families: tuple[FamilyLink, ...]
    possible_matches: tuple[PossibleMatch, ...] = ()

    @property
    def is_risk(self) -> bool:
        return bool(self.risk_flags) or any(m.risk_flags for m in self.possible_matches)

    @property
    def family_count(self) -> int:
        return len(self.families)

    @property
    def other_family_count(self) -> int:
        """Families reached through possible matches that the person is not linked into."""
        mine = {f.case_id for f in self.families}
        return len({f.case_id for m in self.possible_matches for f in m.families} - mine)

    def families_other_than(self, case_id: int) -> list[FamilyLink]:
        return [f for f in self.families if f.case_id != case_id]

    @property
    def connected(self) -> bool:
        return len(self.families) > 1 or bool(self.possible_matches)

    def display(self) -> str:
        known = f" (known as {self.known_as})" if self.known_as else ""
        return self.name + known


class FileFacts:
    """People, family maps, memberships and risk flags of a whole file, read once."""

    def __init__(self, session: Session, today: Optional[date] = None):
        self.today = today or date.today()
        self.people: dict[int, Person] = {p.id: p for p in session.scalars(select(Person))}
        self.cases: dict[int, Case] = {c.id: c for c in session.scalars(select(Case).order_by(Case.id))}
        self.members_of_case: dict[int, list[CaseMember]] = defaultdict(list)
        self.cases_of_person: dict[int, list[CaseMember]] = defaultdict(list)
        for m in session.scalars(select(CaseMember).order_by(CaseMember.case_id, CaseMember.id)):
            self.members_of_case[m.case_id].append(m)
            self.cases_of_person[m.person_id].append(m)
        self.flags: dict[int, list[RiskFlag]] = defaultdict(list)
        for f in session.scalars(select(RiskFlag).order_by(RiskFlag.id)):
            self.flags[f.person_id].append(f)

    def name(self, pid: int) -> str:
        p = self.people.get(pid)
        return p.display_name if p is not None else "(deleted)"

    def born(self, pid: int) -> str:
        p = self.people.get(pid)
        return "" if p is None or p.birth is None else str(p.birth)

    def risk_flags(self, pid: int) -> tuple[RiskInfo, ...]:
        out = []
        for f in self.flags.get(pid, ()):
            if f.end is not None and f.end.representative() < self.today:
                continue  # ended (e.g. historical substance misuse)
            out.append(RiskInfo(f.kind.value, f.kind.label, f.kind.short_code, f.status.label.lower(), f.detail))
        return tuple(out)

    def is_child(self, p: Person) -> bool:
        if p.pregnancy is PregnancyOutcome.PREGNANCY:
            return True
        if p.pregnancy is not PregnancyOutcome.NONE or p.is_dead:
            return False
        age = age_on(p.birth, self.today)
        return age is not None and age < ADULT_AGE

    def children_of_case(self, case_id: int, exclude: int) -> tuple[ChildInfo, ...]:
        out = []
        for m in self.members_of_case.get(case_id, ()):
            p = self.people.get(m.person_id)
            if p is None or p.id == exclude or not self.is_child(p):
                continue
            unborn = p.pregnancy is PregnancyOutcome.PREGNANCY
            out.append(ChildInfo(p.id, p.display_name, "" if p.birth is None else str(p.birth),
                                 None if unborn else age_on(p.birth, self.today), m.is_subject, unborn))
        out.sort(key=lambda c: (c.unborn, -(c.age or 0), c.name))
        return tuple(out)

    def families(self, pid: int) -> tuple[FamilyLink, ...]:
        flagged = bool(self.risk_flags(pid))
        out = []
        for m in self.cases_of_person.get(pid, ()):
            c = self.cases.get(m.case_id)
            if c is None:
                continue
            out.append(FamilyLink(c.id, c.reference, c.title, m.role, m.is_subject, flagged,
                                  self.children_of_case(c.id, pid)))
        return tuple(out)

    def possible_match(self, m: Match, pid: int) -> PossibleMatch:
        other = m.other(pid)
        p = self.people.get(other)
        return PossibleMatch(other, self.name(other), p.known_as if p else "", self.born(other), m.score,
                             m.strength, m.explanation, self.families(other), self.risk_flags(other), m)

    def connected_person(self, pid: int, matches: Iterable[Match] = ()) -> ConnectedPerson:
        p = self.people[pid]
        pms = tuple(self.possible_match(m, pid) for m in matches)
        return ConnectedPerson(pid, p.display_name, p.known_as, p.aliases, self.born(pid), self.risk_flags(pid),
                               self.families(pid), pms)


def _sort_key(cp: ConnectedPerson):
    return (not bool(cp.risk_flags), not cp.is_risk, -(cp.family_count + cp.other_family_count), cp.name.lower(),
            cp.person_id)


def connections_report(session: Session, index: Optional[MatchIndex] = None, today: Optional[date] = None,
                       threshold: float = POSSIBLE) -> list[ConnectedPerson]:
    """Every connected person in the file, risk adults first, then by number of families."""
    facts = FileFacts(session, today)
    index = index if index is not None else build_index(session)
    by_person: dict[int, list[Match]] = defaultdict(list)
    for m in index.all_matches(threshold):
        if m.a in facts.people and m.b in facts.people:
            by_person[m.a].append(m)
            by_person[m.b].append(m)
    out = []
    for pid in facts.people:
        multi = len(facts.cases_of_person.get(pid, ())) > 1
        if multi or pid in by_person:
            out.append(facts.connected_person(pid, by_person.get(pid, ())))
    out.sort(key=_sort_key)
    return out


def person_connections(session: Session, person_id: int, index: Optional[MatchIndex] = None,
                       today: Optional[date] = None, threshold: float = POSSIBLE) -> Optional[ConnectedPerson]:
    """One person's families and possible matches (None when the person no longer exists)."""
    facts = FileFacts(session, today)
    if person_id not in facts.people:
        return None
    index = index if index is not None else build_index(session)
    matches = index.matches_for(person_id, threshold) if person_id in index else []
    return facts.connected_person(person_id, matches)


def case_connections(session: Session, case_id: int, index: Optional[MatchIndex] = None,
                     today: Optional[date] = None) -> dict[int, ConnectedPerson]:
    """Members of one family map who are in other family maps or strongly match someone elsewhere.

    What the genogram marks: person id -> their connections (possible matches listed
    are those at or above :data:`POSSIBLE`; a member is included for a match only
    when it is :data:`STRONG`).
    """
    facts = FileFacts(session, today)
    index = index if index is not None else build_index(session)
    out = {}
    for m in facts.members_of_case.get(case_id, ()):
        pid = m.person_id
        if pid not in facts.people:
            continue
        matches = index.matches_for(pid) if pid in index else []
        elsewhere = len(facts.cases_of_person.get(pid, ())) > 1
        if elsewhere or any(x.strong for x in matches):
            out[pid] = facts.connected_person(pid, matches)
    return out


# -- JSON -------------------------------------------------------------------------------------


def _family_json(f: FamilyLink) -> dict:
    return {
        "case_id": f.case_id, "reference": f.reference, "title": f.title, "role": f.role,
        "subject": f.subject, "risk_flagged": f.risk_flagged,
        "children": [{"person_id": c.person_id, "name": c.name, "born": c.born, "age": c.age,
                      "subject": c.subject, "unborn": c.unborn} for c in f.children],
    }


def _risk_json(r: RiskInfo) -> dict:
    return {"kind": r.kind, "label": r.label, "code": r.code, "status": r.status, "detail": r.detail}


def report_json(people: Iterable[ConnectedPerson]) -> list[dict]:
    """The report as plain JSON-ready objects (what ``genomap connections --json`` prints)."""
    out = []
    for cp in people:
        out.append({
            "person_id": cp.person_id, "name": cp.name, "known_as": cp.known_as, "aliases": cp.aliases,
            "born": cp.born, "risk_flags": [_risk_json(r) for r in cp.risk_flags],
            "families": [_family_json(f) for f in cp.families],
            "possible_matches": [{
                "person_id": m.person_id, "name": m.name, "known_as": m.known_as, "born": m.born,
                "score": m.score, "strength": m.strength, "explanation": m.explanation,
                "risk_flags": [_risk_json(r) for r in m.risk_flags],
                "families": [_family_json(f) for f in m.families],
            } for m in cp.possible_matches],
        })
    return out


# -- deciding about a match: edit functions ---------------------------------------------------------


def _get_person(session: Session, pid: int) -> Person:
    p = session.get(Person, pid)
    if p is None:
        raise CommandError("That person record no longer exists (it may have been merged or deleted)")
    return p


def choose_kept(session: Session, a: int, b: int) -> tuple[int, int]:
    """Which of two records to keep when they are linked: (keep, merge).

    The record with risk flags, then the one in more family maps, then the older
    record is kept, so what agencies already know stays where it is.
    """
    def weight(pid: int):
        flags = session.scalar(select(sa.func.count()).select_from(RiskFlag).where(RiskFlag.person_id == pid)) or 0
        cases = session.scalar(select(sa.func.count()).select_from(CaseMember).where(CaseMember.person_id == pid)) or 0
        return (-flags, -cases, pid)

    keep, merge = sorted((a, b), key=weight)
    return keep, merge


def _add_alias(keep: Person, text: str) -> None:
    text = text.strip()
    if not text:
        return
    existing = [x.strip() for x in (keep.aliases or "").split(";") if x.strip()]
    names = {x.casefold() for x in existing} | {keep.display_name.casefold(), (keep.known_as or "").casefold()}
    if text.casefold() not in names:
        existing.append(text)
        keep.aliases = "; ".join(existing)


def _merge_fields(keep: Person, other: Person, when: str) -> None:
    other_full = " ".join(p for p in (other.given_names, other.family_name) if p).strip()
    _add_alias(keep, other_full)
    if other.known_as:
        if not keep.known_as:
            keep.known_as = other.known_as
        elif keep.known_as.casefold() != other.known_as.casefold():
            _add_alias(keep, other.known_as)
    for alias in (other.aliases or "").split(";"):
        _add_alias(keep, alias)
    if keep.birth is None or (other.birth is not None and not keep.birth.is_exact_day and other.birth.is_exact_day
                              and keep.birth.earliest() <= other.birth.earliest() <= keep.birth.latest()):
        keep.birth = other.birth or keep.birth
    if keep.sex is Sex.UNKNOWN:
        keep.sex = other.sex
    if keep.death is None:
        keep.death = other.death
    keep.deceased = keep.deceased or other.deceased
    keep.looked_after = keep.looked_after or other.looked_after
    if other.notes:
        keep.notes = (keep.notes + "\n\n" if keep.notes else "") + f"From the record '{other.display_name}' (linked {when}): {other.notes}"
    if other.child_voice:
        keep.child_voice = (keep.child_voice + "\n\n" if keep.child_voice else "") + other.child_voice
    keep.updated_at = utcnow()


def _describe_merged(session: Session, other: Person) -> str:
    cases = session.scalars(
        select(Case).join(CaseMember, CaseMember.case_id == Case.id).where(CaseMember.person_id == other.id)
    ).all()
    bits = [f"record #{other.id} '{other.display_name}'"]
    if other.known_as:
        bits.append(f"known as {other.known_as}")
    if other.birth is not None:
        bits.append(f"born {other.birth}")
    if cases:
        bits.append("in " + ", ".join(f"{c.reference} {c.title}".strip() for c in cases))
    return ", ".join(bits)


def _repoint(session: Session, row, **fields) -> None:
    """Move a row onto the kept person: a new copy with ``fields`` changed, the old row deleted.

    Copy-and-delete rather than UPDATE so that replaying the edit (redo) never
    depends on the order the database runs the merged person's delete and these
    changes in: the old rows are deleted before that person, the copies inserted after.
    The copy differs from the old row in a person id, so no unique constraint clashes.
    """
    table = type(row)
    skip = {"id", "version"}
    values = {c.name: getattr(row, c.name) for c in table.__table__.columns if c.name not in skip}
    values.update(fields)
    session.add(table(**values))
    session.flush()  # the copy first, so it never takes the old row's id (SQLite reuses the highest)
    session.delete(row)
    session.flush()


def confirm_match(session: Session, keep_id: int, merge_id: int, decided_by: str = "", reason: str = "",
                  score: float = 0.0, explanation: str = "") -> int:
    """Link two records of one person: merge ``merge_id`` into ``keep_id`` (see the module docstring).

    Returns the kept person's id.  Everything happens in the caller's transaction,
    so one undo brings both records back exactly as they were.
    """
    if keep_id == merge_id:
        raise CommandError("A record cannot be linked with itself")
    keep = _get_person(session, keep_id)
    other = _get_person(session, merge_id)
    today = date.today().isoformat()
    described = _describe_merged(session, other)
    _merge_fields(keep, other, today)
    session.flush()

    def rows(model, *conditions):
        return list(session.scalars(select(model).where(*conditions)).all())

    # family-map memberships: join the kept person to every family the other was in
    for m in rows(CaseMember, CaseMember.person_id == merge_id):
        mine = session.scalars(select(CaseMember).where(CaseMember.case_id == m.case_id,
                                                        CaseMember.person_id == keep_id)).first()
        if mine is not None:
            mine.is_subject = mine.is_subject or m.is_subject
            mine.role = mine.role or m.role
            session.delete(m)
        else:
            _repoint(session, m, person_id=keep_id)
    session.flush()
    # kinship and ties between the two records would join a person to themself: drop them
    for model, x, y in ((Partnership, Partnership.person_a_id, Partnership.person_b_id),
                        (ParentLink, ParentLink.parent_id, ParentLink.child_id),
                        (Tie, Tie.from_id, Tie.to_id)):
        for row in rows(model, sa.or_(sa.and_(x == keep_id, y == merge_id), sa.and_(x == merge_id, y == keep_id))):
            session.delete(row)
    session.flush()
    for link in rows(ParentLink, sa.or_(ParentLink.parent_id == merge_id, ParentLink.child_id == merge_id)):
        parent = keep_id if link.parent_id == merge_id else link.parent_id
        child = keep_id if link.child_id == merge_id else link.child_id
        clash = session.scalars(select(ParentLink).where(ParentLink.parent_id == parent, ParentLink.child_id == child,
                                                         ParentLink.kind == link.kind)).first()
        if clash is not None:
            session.delete(link)
        else:
            _repoint(session, link, parent_id=parent, child_id=child)
    session.flush()
    def swap(value: int) -> int:
        return keep_id if value == merge_id else value

    for p in rows(Partnership, sa.or_(Partnership.person_a_id == merge_id, Partnership.person_b_id == merge_id)):
        _repoint(session, p, person_a_id=swap(p.person_a_id), person_b_id=swap(p.person_b_id))
    for t in rows(Tie, sa.or_(Tie.from_id == merge_id, Tie.to_id == merge_id)):
        _repoint(session, t, from_id=swap(t.from_id), to_id=swap(t.to_id))
    for model in (Residence, Involvement, RiskFlag, LegalStatus):
        for row in rows(model, model.person_id == merge_id):
            _repoint(session, row, person_id=keep_id)
    for ep in rows(EventPerson, EventPerson.person_id == merge_id):
        event_id = ep.event_id
        session.delete(ep)
        session.flush()
        if session.get(EventPerson, (event_id, keep_id)) is None:
            session.add(EventPerson(event_id=event_id, person_id=keep_id))
    session.flush()
    # earlier decisions about the merged record now concern the kept one
    for d in rows(MatchDecision, sa.or_(MatchDecision.person_a_id == merge_id, MatchDecision.person_b_id == merge_id)):
        a = keep_id if d.person_a_id == merge_id else d.person_a_id
        b = keep_id if d.person_b_id == merge_id else d.person_b_id
        a, b = sorted((a, b))
        exists = session.scalars(select(MatchDecision).where(MatchDecision.person_a_id == a,
                                                             MatchDecision.person_b_id == b)).first()
        if exists is not None or a == b:
            session.delete(d)
        else:
            _repoint(session, d, person_a_id=a, person_b_id=b)
    session.flush()
    session.delete(other)
    session.flush()
    text = f"Linked {today}: {described} merged into this record."
    if reason:
        text += f" Why: {reason}."
    if explanation:
        text += f" Evidence: {explanation}."
    record = session.scalars(select(MatchDecision).where(MatchDecision.person_a_id == keep_id,
                                                         MatchDecision.person_b_id == keep_id)).first()
    if record is None:
        session.add(MatchDecision(person_a_id=keep_id, person_b_id=keep_id, decision=MatchDecisionKind.LINKED,
                                  score=score, explanation=text, decided_by=decided_by))
    else:
        record.explanation = record.explanation + "\n" + text
        record.score = score
        record.decided_by = decided_by
        record.decided_at = utcnow()
    session.flush()
    return keep_id


def reject_match(session: Session, a: int, b: int, decided_by: str = "", reason: str = "",
                 score: float = 0.0, explanation: str = "") -> int:
    """Record that two records are *not* the same person, so the pair is never proposed again."""
    if a == b:
        raise CommandError("A record cannot be compared with itself")
    _get_person(session, a)
    _get_person(session, b)
    lo, hi = sorted((a, b))
    text = explanation + (f" | Why rejected: {reason}" if reason else "")
    row = session.scalars(select(MatchDecision).where(MatchDecision.person_a_id == lo,
                                                      MatchDecision.person_b_id == hi)).first()
    if row is None:
        row = MatchDecision(person_a_id=lo, person_b_id=hi, decision=MatchDecisionKind.REJECTED)
        session.add(row)
    row.decision = MatchDecisionKind.REJECTED
    row.score = score
    row.explanation = text
    row.decided_by = decided_by
    row.decided_at = utcnow()
    session.flush()
    return row.id


def link_decisions(session: Session) -> list[MatchDecision]:
    """Every decision recorded in the file (linked and rejected), newest first."""
    return list(session.scalars(select(MatchDecision).order_by(MatchDecision.decided_at.desc())))
