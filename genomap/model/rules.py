"""The model's rules: what must always be true of a family map, and what looks wrong.

Pure Python over the ORM rows (no Qt, no file handling).  Two entry points:

* :func:`validate` -- called by :meth:`Document.edit` with the rows an edit
  inserted or changed (already flushed, so ids exist and queries see them).
  Errors make the edit fail with nothing written; warnings do not.  Because
  every path (editor, import, CLI, demo) writes through ``Document.edit``,
  the rules hold everywhere.
* :func:`check_all` -- checks a whole database at once (``genomap check``).

Errors (impossible data): someone is their own ancestor; a partnership, parent
link or tie with oneself; death before birth; any period that ends before it
starts; two overlapping "lives" residences of one person (unless one is marked
``overlap_ok``); an involvement that names neither a person nor a household.

Warnings (suspicious but possible, the user may still want them): a parent born
after, or less than :data:`MIN_PARENT_AGE` years before, their biological child;
a person with no dates at all; more than two biological parents; a partnership
or event dated before a participant was born.

Fuzzy dates never cause false errors: comparisons use
:meth:`PartialDate.definitely_before` and the earliest/latest readings of a date.
Messages name people by their display name and are written for practitioners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Iterator, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from genomap.model.dates import PartialDate
from genomap.model.enums import (
    AgencyType,
    EventKind,
    LegalStatusKind,
    ParentLinkKind,
    PregnancyOutcome,
    ResidenceKind,
    RiskKind,
    TieKind,
)
from genomap.model.tables import (
    Agency,
    Event,
    EventPerson,
    Household,
    Involvement,
    LegalStatus,
    ParentLink,
    Partnership,
    Person,
    Residence,
    RiskFlag,
    Tie,
)

ERROR = "error"
WARNING = "warning"
MIN_PARENT_AGE = 12  # years; a younger biological parent is flagged for checking


@dataclass(frozen=True)
class Finding:
    """One broken rule (``error``) or suspicious fact (``warning``) about one row."""

    level: str
    message: str
    table: str
    id: Optional[int] = None

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def _error(obj_or_table, message: str, row_id: Optional[int] = None) -> Finding:
    return _finding(ERROR, obj_or_table, message, row_id)


def _warning(obj_or_table, message: str, row_id: Optional[int] = None) -> Finding:
    return _finding(WARNING, obj_or_table, message, row_id)


def _finding(level: str, obj_or_table, message: str, row_id: Optional[int]) -> Finding:
    if isinstance(obj_or_table, str):
        return Finding(level, message, obj_or_table, row_id)
    return Finding(level, message, obj_or_table.__tablename__, getattr(obj_or_table, "id", None))


def _label(enum_cls, value) -> str:
    """The practitioner's label of an enum value (rows may still hold the raw string)."""
    try:
        return enum_cls(value).label
    except ValueError:
        return str(value)


def _d(value) -> Optional[PartialDate]:
    """Dates may still be the text a caller assigned (the column converts on write)."""
    return PartialDate.coerce(value)


# -- lookups: one per session (queries) or preloaded (check_all) ---------------------


class _Lookups:
    """Rows the rules need besides the one being checked, fetched by queries."""

    full = False  # whole-file check: report each pair of rows once

    def __init__(self, session: Session):
        self.session = session

    def person(self, pid: int) -> Optional[Person]:
        return self.session.get(Person, pid)

    def name(self, pid: Optional[int]) -> str:
        p = self.person(pid) if pid is not None else None
        return p.display_name if p is not None else f"person #{pid}"

    def household_label(self, hid: Optional[int]) -> str:
        h = self.session.get(Household, hid) if hid is not None else None
        return (h.label or h.address or f"household #{hid}") if h is not None else f"household #{hid}"

    def agency_name(self, aid: Optional[int]) -> str:
        a = self.session.get(Agency, aid) if aid is not None else None
        return (a.name or _label(AgencyType, a.type)) if a is not None else "The agency"

    def bio_parent_links(self, child_id: int) -> list[ParentLink]:
        return list(
            self.session.scalars(
                select(ParentLink).where(
                    ParentLink.child_id == child_id,
                    ParentLink.kind == ParentLinkKind.BIOLOGICAL,
                )
            )
        )

    def lives(self, person_id: int) -> list[Residence]:
        return list(
            self.session.scalars(
                select(Residence).where(
                    Residence.person_id == person_id, Residence.kind == ResidenceKind.LIVES
                )
            )
        )

    def event_people(self, event_id: int) -> list[int]:
        return list(
            self.session.scalars(select(EventPerson.person_id).where(EventPerson.event_id == event_id))
        )

    def event(self, event_id: int) -> Optional[Event]:
        return self.session.get(Event, event_id)

    def links_of(self, pid: int) -> list[ParentLink]:
        return list(
            self.session.scalars(
                select(ParentLink).where(or_(ParentLink.parent_id == pid, ParentLink.child_id == pid))
            )
        )

    def partnerships_of(self, pid: int) -> list[Partnership]:
        return list(
            self.session.scalars(
                select(Partnership).where(
                    or_(Partnership.person_a_id == pid, Partnership.person_b_id == pid)
                )
            )
        )

    def events_of(self, pid: int) -> list[Event]:
        return list(
            self.session.scalars(
                select(Event)
                .join(EventPerson, EventPerson.event_id == Event.id)
                .where(EventPerson.person_id == pid)
            )
        )


class _Preloaded(_Lookups):
    """Every row loaded once: checks a whole database (or a big import) without N+1 queries.

    :meth:`add` indexes rows that are not (or not yet) loaded from the session --
    the rows of a bulk insert (:meth:`Document.bulk_insert`).
    """

    def __init__(self, session: Session, full: bool = True):
        super().__init__(session)
        self.full = full
        self.people: dict = {}
        self.households: dict = {}
        self.agencies: dict = {}
        self.events: dict = {}
        self.parent_links: list = []
        self.residences: list = []
        self.partnerships: list = []
        self._bio: dict[int, list[ParentLink]] = defaultdict(list)
        self._lives: dict[int, list[Residence]] = defaultdict(list)
        self._event_people: dict[int, list[int]] = defaultdict(list)
        self._person_events: dict[int, list[Event]] = defaultdict(list)
        self._links_of: dict[int, list[ParentLink]] = defaultdict(list)
        self._partnerships_of: dict[int, list[Partnership]] = defaultdict(list)
        self._index(
            people=list(session.scalars(select(Person))),
            households=list(session.scalars(select(Household))),
            agencies=list(session.scalars(select(Agency))),
            events=list(session.scalars(select(Event))),
            parent_links=list(session.scalars(select(ParentLink))),
            residences=list(session.scalars(select(Residence))),
            event_people=list(session.scalars(select(EventPerson))),
            partnerships=list(session.scalars(select(Partnership))),
        )

    def add(self, objects: Iterable[object]) -> None:
        """Index more rows (new rows of a bulk insert); other tables are ignored."""
        groups: dict[type, list] = defaultdict(list)
        for obj in objects:
            groups[type(obj)].append(obj)
        self._index(
            people=groups[Person], households=groups[Household], agencies=groups[Agency],
            events=groups[Event], parent_links=groups[ParentLink], residences=groups[Residence],
            event_people=groups[EventPerson], partnerships=groups[Partnership],
        )

    def _index(self, *, people, households, agencies, events, parent_links, residences, event_people,
               partnerships) -> None:
        self.people.update((p.id, p) for p in people)
        self.households.update((h.id, h) for h in households)
        self.agencies.update((a.id, a) for a in agencies)
        self.events.update((e.id, e) for e in events)
        for link in parent_links:
            self.parent_links.append(link)
            if link.kind == ParentLinkKind.BIOLOGICAL:
                self._bio[link.child_id].append(link)
            self._links_of[link.parent_id].append(link)
            if link.child_id != link.parent_id:
                self._links_of[link.child_id].append(link)
        for r in residences:
            self.residences.append(r)
            if r.kind == ResidenceKind.LIVES:
                self._lives[r.person_id].append(r)
        for ep in event_people:
            self._event_people[ep.event_id].append(ep.person_id)
            if ep.event_id in self.events:
                self._person_events[ep.person_id].append(self.events[ep.event_id])
        for r in partnerships:
            self.partnerships.append(r)
            self._partnerships_of[r.person_a_id].append(r)
            if r.person_b_id != r.person_a_id:
                self._partnerships_of[r.person_b_id].append(r)

    def person(self, pid):
        return self.people.get(pid)

    def household_label(self, hid):
        h = self.households.get(hid)
        return (h.label or h.address or f"household #{hid}") if h is not None else f"household #{hid}"

    def agency_name(self, aid):
        a = self.agencies.get(aid)
        return (a.name or _label(AgencyType, a.type)) if a is not None else "The agency"

    def bio_parent_links(self, child_id):
        return self._bio.get(child_id, [])

    def lives(self, person_id):
        return self._lives.get(person_id, [])

    def event_people(self, event_id):
        return self._event_people.get(event_id, [])

    def event(self, event_id):
        return self.events.get(event_id)

    def links_of(self, pid):
        return self._links_of.get(pid, [])

    def partnerships_of(self, pid):
        return self._partnerships_of.get(pid, [])

    def events_of(self, pid):
        return self._person_events.get(pid, [])


# -- public entry points ---------------------------------------------------------------


#: Above this many touched rows (an import, the demo) the rules read every row
#: once instead of querying per row.
BULK_ROWS = 200


def preload(session: Session) -> _Preloaded:
    """Every row read once, for :func:`validate` ``look=`` (add new rows with ``.add``)."""
    return _Preloaded(session, full=False)


def validate(session: Session, objects: Iterable[object],
             look: Optional[_Preloaded] = None) -> list[Finding]:
    """Check the rows an edit inserted or changed; errors first, no duplicates.

    ``look``: rows preloaded by :func:`preload` (bulk mode whatever the number of rows).
    """
    objects = list(objects)
    bulk = look is not None or len(objects) > BULK_ROWS
    if look is None:
        look = _Preloaded(session, full=False) if bulk else _Lookups(session)
    found: list[Finding] = []
    cycle_children: set[int] = set()
    checked = {id(obj) for obj in objects}  # rows checked anyway: not again as a person's related rows
    for obj in objects:
        found.extend(_check_row(look, obj))
        if isinstance(obj, ParentLink) and obj.parent_id != obj.child_id:
            cycle_children.add(obj.child_id)
        if isinstance(obj, Person) and obj.id is not None:
            found.extend(_check_related_to_person(look, obj, checked))
    if bulk and cycle_children:
        for cycle in _all_cycles(look.parent_links):
            found.append(_cycle_finding(look, cycle))
    else:
        for child_id in sorted(cycle_children):
            path = _cycle_through(session, child_id)
            if path:
                found.append(_cycle_finding(look, path))
    return _ordered(found)


def check_all(session: Session) -> list[Finding]:
    """Check every row of the database (for ``genomap check``); errors first."""
    look = _Preloaded(session)
    found: list[Finding] = []
    rows: list[Iterable] = [
        look.people.values(),
        look.partnerships,
        look.parent_links,
        session.scalars(select(Tie)),
        look.residences,
        session.scalars(select(Involvement)),
        session.scalars(select(RiskFlag)),
        session.scalars(select(LegalStatus)),
        look.events.values(),
    ]
    for table_rows in rows:
        for obj in table_rows:
            found.extend(_check_row(look, obj))
    for cycle in _all_cycles(look.parent_links):
        found.append(_cycle_finding(look, cycle))
    return _ordered(found)


def _ordered(found: list[Finding]) -> list[Finding]:
    unique = list(dict.fromkeys(found))
    return [f for f in unique if f.is_error] + [f for f in unique if not f.is_error]


# -- row checks ------------------------------------------------------------------------


def _check_row(look: _Lookups, obj) -> Iterator[Finding]:
    if isinstance(obj, Person):
        yield from _person(look, obj)
    elif isinstance(obj, Partnership):
        yield from _partnership(look, obj)
    elif isinstance(obj, ParentLink):
        yield from _parent_link(look, obj)
    elif isinstance(obj, Tie):
        yield from _tie(look, obj)
    elif isinstance(obj, Residence):
        yield from _residence(look, obj)
    elif isinstance(obj, Involvement):
        yield from _involvement(look, obj)
    elif isinstance(obj, RiskFlag):
        what = f"{look.name(obj.person_id)}'s risk flag ({_label(RiskKind, obj.kind)})"
        yield from _period(obj, what)
    elif isinstance(obj, LegalStatus):
        what = f"{look.name(obj.person_id)}'s {_label(LegalStatusKind, obj.kind).lower()} status"
        yield from _period(obj, what)
    elif isinstance(obj, Event):
        for pid in look.event_people(obj.id):
            yield from _event_before_birth(look, obj, pid)
    elif isinstance(obj, EventPerson):
        event = look.event(obj.event_id)
        if event is not None:
            yield from _event_before_birth(look, event, obj.person_id)


def _check_related_to_person(look: _Lookups, person: Person,
                             checked: frozenset | set = frozenset()) -> Iterator[Finding]:
    """A changed birth date can make the person's links and events look wrong.

    Rows in ``checked`` (``id()`` of rows the same validation checks in full) are skipped:
    their own check already yields every finding this would.
    """
    for link in look.links_of(person.id):
        if id(link) not in checked:
            yield from (f for f in _parent_link(look, link) if not f.is_error)
    for r in look.partnerships_of(person.id):
        if id(r) not in checked:
            yield from (f for f in _partnership(look, r) if not f.is_error)
    for event in look.events_of(person.id):
        if id(event) not in checked:
            yield from _event_before_birth(look, event, person.id)


def _period(obj, what: str) -> Iterator[Finding]:
    start, end = _d(obj.start), _d(obj.end)
    if start is not None and end is not None and end.definitely_before(start):
        yield _error(obj, f"{what} ends ({end}) before it starts ({start}).")


def _is_pregnancy(p: Optional[Person]) -> bool:
    return p is not None and p.pregnancy == PregnancyOutcome.PREGNANCY


def _person(look: _Lookups, p: Person) -> Iterator[Finding]:
    birth, death = _d(p.birth), _d(p.death)
    if birth is not None and death is not None and death.definitely_before(birth):
        yield _error(
            p,
            f"{p.display_name}'s date of death ({death}) is before their date of birth ({birth}).",
        )
    if birth is None and death is None and not _is_pregnancy(p):
        yield _warning(p, f"{p.display_name} has no dates recorded (no date of birth or death).")


def _partnership(look: _Lookups, r: Partnership) -> Iterator[Finding]:
    if r.person_a_id == r.person_b_id:
        yield _error(
            r,
            f"A partnership needs two different people: {look.name(r.person_a_id)} "
            "cannot be their own partner.",
        )
        return
    a, b = look.name(r.person_a_id), look.name(r.person_b_id)
    what = f"The partnership of {a} and {b}"
    yield from _period(r, what)
    start = _d(r.start)
    if start is not None:
        for pid, name in ((r.person_a_id, a), (r.person_b_id, b)):
            person = look.person(pid)
            birth = _d(person.birth) if person is not None else None
            if birth is not None and start.definitely_before(birth):
                yield _warning(r, f"{what} starts ({start}) before {name} was born ({birth}).")


def _parent_link(look: _Lookups, link: ParentLink) -> Iterator[Finding]:
    if link.parent_id == link.child_id:
        yield _error(link, f"{look.name(link.child_id)} cannot be their own parent.")
        return
    parent_name, child_name = look.name(link.parent_id), look.name(link.child_id)
    kind = _label(ParentLinkKind, link.kind).lower()
    yield from _period(link, f"The {kind} parent link from {parent_name} to {child_name}")
    if link.kind != ParentLinkKind.BIOLOGICAL:
        return
    parent, child = look.person(link.parent_id), look.person(link.child_id)
    pb = _d(parent.birth) if parent is not None else None
    cb = _d(child.birth) if child is not None else None
    if pb is not None and cb is not None:
        if cb.definitely_before(pb):
            yield _warning(
                link,
                f"{parent_name} is recorded as born ({pb}) after their biological child "
                f"{child_name} ({cb}).",
            )
        elif not _is_pregnancy(child) and cb.latest() < _add_years(pb.earliest(), MIN_PARENT_AGE):
            yield _warning(
                link,
                f"{parent_name} (born {pb}) would have been under {MIN_PARENT_AGE} when their "
                f"biological child {child_name} was born ({cb}).",
            )
    bio = look.bio_parent_links(link.child_id)
    if len(bio) > 2:
        names = ", ".join(sorted(look.name(l.parent_id) for l in bio))
        yield _warning(
            "person",
            f"{child_name} has {len(bio)} biological parents recorded ({names}); "
            "a child has at most two.",
            link.child_id,
        )


def _tie(look: _Lookups, tie: Tie) -> Iterator[Finding]:
    if tie.from_id == tie.to_id:
        yield _error(
            tie,
            f"A relationship line needs two different people: {look.name(tie.from_id)} "
            "is on both ends.",
        )
        return
    yield from _period(
        tie,
        f"The {_label(TieKind, tie.kind).lower()} relationship between {look.name(tie.from_id)} "
        f"and {look.name(tie.to_id)}",
    )


def _residence(look: _Lookups, r: Residence) -> Iterator[Finding]:
    name = look.name(r.person_id)
    place = look.household_label(r.household_id)
    yield from _period(r, f"{name}'s time at {place}")
    if r.kind != ResidenceKind.LIVES or r.overlap_ok:
        return
    for other in look.lives(r.person_id):
        if other.id == r.id or other.overlap_ok or (look.full and other.id < r.id):
            continue
        if _overlap(r, other):
            yield _error(
                r,
                f"{name} cannot live in two places at once: living at {place} "
                f"({_span(r)}) overlaps living at {look.household_label(other.household_id)} "
                f"({_span(other)}). End the earlier period, or mark one as a deliberate overlap.",
            )


def _involvement(look: _Lookups, inv: Involvement) -> Iterator[Finding]:
    agency = look.agency_name(inv.agency_id)
    if inv.person_id is None and inv.household_id is None:
        yield _error(inv, f"The involvement of {agency} must name a person or a household.")
        return
    who = look.name(inv.person_id) if inv.person_id is not None else look.household_label(
        inv.household_id
    )
    yield from _period(inv, f"The involvement of {agency} with {who}")


def _event_before_birth(look: _Lookups, event: Event, pid: int) -> Iterator[Finding]:
    when = _d(event.date)
    person = look.person(pid)
    birth = _d(person.birth) if person is not None else None
    if when is None or birth is None or _is_pregnancy(person):
        return
    if when.definitely_before(birth):
        title = event.title or _label(EventKind, event.kind)
        yield _warning(
            event,
            f"The event '{title}' ({when}) is dated before {person.display_name} was born ({birth}).",
        )


# -- periods ---------------------------------------------------------------------------

_FOREVER = date.max
_NOW = date.max - timedelta(days=1)  # "still true today": later than any recorded date


def _definite_core(r) -> Optional[tuple[date, date]]:
    """The days a period certainly covers, or None when that is unknowable.

    A missing end means the period is ongoing.  A missing start with an end
    says nothing certain; a missing start without an end still covers today.
    """
    start, end = _d(r.start), _d(r.end)
    hi = end.earliest() if end is not None else _FOREVER
    if start is not None:
        lo = start.latest()
    elif end is None:
        lo = _NOW
    else:
        return None
    return lo, hi


def _overlap(a, b) -> bool:
    """Do two periods certainly share at least one night?  (Moving day is not an overlap.)"""
    ca, cb = _definite_core(a), _definite_core(b)
    if ca is None or cb is None:
        return False
    return max(ca[0], cb[0]) < min(ca[1], cb[1])


def _span(r) -> str:
    start, end = _d(r.start), _d(r.end)
    return f"{start or 'start unknown'} – {end or 'ongoing'}"


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


# -- ancestry --------------------------------------------------------------------------


def _cycle_through(session: Session, child_id: int) -> Optional[list[int]]:
    """Walk up from ``child_id``; return the loop back to it, or None.

    One query per generation, so an edit costs a few queries however large
    the file is.
    """
    came_from: dict[int, int] = {}
    seen = {child_id}
    frontier = {child_id}
    while frontier:
        rows = session.execute(
            select(ParentLink.parent_id, ParentLink.child_id).where(
                ParentLink.child_id.in_(frontier)
            )
        ).all()
        nxt: set[int] = set()
        for parent, child in sorted(rows):
            if parent == child:
                continue  # reported as "their own parent"
            if parent == child_id:
                chain = [child]
                while chain[-1] != child_id:
                    chain.append(came_from[chain[-1]])
                return list(reversed(chain)) + [child_id]
            if parent not in seen:
                seen.add(parent)
                came_from[parent] = child
                nxt.add(parent)
        frontier = nxt
    return None


def _all_cycles(links: list[ParentLink]) -> list[list[int]]:
    """Every distinct ancestry loop in the file (depth-first search, iterative)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for link in links:
        if link.parent_id != link.child_id:
            parents[link.child_id].append(link.parent_id)
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[int, int] = defaultdict(int)
    cycles: list[list[int]] = []
    reported: set[frozenset] = set()
    for root in sorted(parents):
        if colour[root] != WHITE:
            continue
        stack: list[tuple[int, Iterator[int]]] = [(root, iter(sorted(parents[root])))]
        path = [root]
        colour[root] = GREY
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = BLACK
                stack.pop()
                path.pop()
            elif colour[nxt] == GREY:
                loop = path[path.index(nxt):] + [nxt]
                key = frozenset(loop)
                if key not in reported:
                    reported.add(key)
                    cycles.append(loop)
            elif colour[nxt] == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                stack.append((nxt, iter(sorted(parents[nxt]))))
    return cycles


def _cycle_finding(look: _Lookups, path: list[int]) -> Finding:
    names = " → ".join(look.name(pid) for pid in path)
    return _error(
        "person",
        f"{look.name(path[0])} cannot be their own ancestor ({names}).",
        path[0],
    )
