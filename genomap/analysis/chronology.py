"""The chronology: every dated fact of a family map as one sorted list.

Births, deaths, partnerships starting and ending, moves in and out of
households, involvements and risk flags starting and ending, legal-status
changes and recorded events all become :class:`ChronologyEntry` rows that the
Chronology dock, the as-at slider ("step to next event") and the PDF appendix
share.  Filtering by person, household, agency and kind is a plain function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from genomap.model.dates import PartialDate
from genomap.store.snapshot import FamilySnapshot


@dataclass(frozen=True)
class ChronologyEntry:
    date: PartialDate
    kind: str  # "birth", "death", "partnership", "separation", "move_in", "move_out",
    #            "involvement_start", "involvement_end", "risk", "legal_status", "event", ...
    title: str
    people: tuple[int, ...] = ()
    households: tuple[int, ...] = ()
    agency: str = ""
    ref: Optional[tuple[str, int]] = None
    status: str = ""

    @property
    def day(self) -> date:
        return self.date.representative()


KIND_LABELS = {
    "birth": "Birth",
    "death": "Death",
    "pregnancy": "Pregnancy",
    "partnership": "Relationship began",
    "separation": "Relationship ended",
    "move_in": "Moved in",
    "move_out": "Moved out",
    "stay_start": "Stays began",
    "stay_end": "Stays ended",
    "involvement_start": "Agency involved",
    "involvement_end": "Agency closed",
    "risk": "Risk recorded",
    "risk_end": "Risk ended",
    "legal_status": "Plan / order began",
    "legal_status_end": "Plan / order ended",
    "tie": "Relationship concern",
    "event": "Event",
}


def build_chronology(snap: FamilySnapshot) -> list[ChronologyEntry]:
    """All dated facts of ``snap`` in date order (stable for equal dates)."""
    names = {p.id: p.name for p in snap.people}
    hh = {h.id: h.label or f"Household {h.id}" for h in snap.households}
    out: list[ChronologyEntry] = []

    def add(d, kind, title, people=(), households=(), agency="", ref=None, status=""):
        if d is not None:
            out.append(ChronologyEntry(d, kind, title, tuple(people), tuple(households), agency, ref,
                                       getattr(status, "value", status or "")))

    for p in snap.people:
        if p.pregnancy.value != "none":
            add(p.birth, "pregnancy", f"{p.pregnancy.label}: {p.name}", [p.id], ref=("person", p.id))
        else:
            add(p.birth, "birth", f"{p.name} born", [p.id], ref=("person", p.id))
        add(p.death, "death", f"{p.name} died", [p.id], ref=("person", p.id))
    for r in snap.partnerships:
        pair = f"{names.get(r.a, '?')} and {names.get(r.b, '?')}"
        add(r.start, "partnership", f"{pair}: {r.kind.label.lower()} began", [r.a, r.b],
            ref=("partnership", r.id), status=r.status)
        ended = r.end_kind.label.lower() if r.end_kind.value != "none" else "ended"
        extra = " (still living together)" if r.living_together else ""
        add(r.end, "separation", f"{pair}: {ended}{extra}", [r.a, r.b], ref=("partnership", r.id),
            status=r.status)
    for r in snap.residences:
        who, where = names.get(r.person, "?"), hh.get(r.household, "?")
        if r.kind.value == "lives":
            add(r.start, "move_in", f"{who} moved into {where}", [r.person], [r.household],
                ref=("residence", r.id), status=r.status)
            add(r.end, "move_out", f"{who} left {where}", [r.person], [r.household],
                ref=("residence", r.id), status=r.status)
        else:
            add(r.start, "stay_start", f"{who} began to {r.kind.label.lower()} at {where}", [r.person],
                [r.household], ref=("residence", r.id), status=r.status)
            add(r.end, "stay_end", f"{who} stopped: {r.kind.label.lower()} at {where}", [r.person],
                [r.household], ref=("residence", r.id), status=r.status)
    for i in snap.involvements:
        target = names.get(i.person) if i.person is not None else hh.get(i.household, "?")
        role = f" ({i.role})" if i.role else ""
        people = [i.person] if i.person is not None else []
        households = [i.household] if i.household is not None else []
        add(i.start, "involvement_start", f"{i.agency_name} involved with {target}{role}", people,
            households, i.agency_name, ("involvement", i.id))
        add(i.end, "involvement_end", f"{i.agency_name} closed involvement with {target}", people,
            households, i.agency_name, ("involvement", i.id))
    for f in snap.risk_flags:
        who = names.get(f.person, "?")
        add(f.start, "risk", f"{f.kind.label} ({f.status.label.lower()}): {who}", [f.person],
            ref=("risk_flag", f.id), status=f.status)
        add(f.end, "risk_end", f"{f.kind.label} ended: {who}", [f.person], ref=("risk_flag", f.id),
            status=f.status)
    for s in snap.legal_statuses:
        who = names.get(s.person, "?")
        add(s.start, "legal_status", f"{s.kind.label} began: {who}", [s.person],
            ref=("legal_status", s.id))
        add(s.end, "legal_status_end", f"{s.kind.label} ended: {who}", [s.person],
            ref=("legal_status", s.id))
    for t in snap.ties:
        if t.start is not None:
            add(t.start, "tie", f"{t.kind.label}: {names.get(t.source, '?')} → {names.get(t.target, '?')}",
                [t.source, t.target], ref=("tie", t.id), status=t.status)
    for e in snap.events:
        add(e.date, "event", e.title or e.kind.label, e.people, e.households, ref=("event", e.id),
            status=e.status)
    out.sort(key=lambda c: (c.day, c.date.sort_key()))
    return out


def filter_chronology(
    entries: Iterable[ChronologyEntry],
    person: Optional[int] = None,
    household: Optional[int] = None,
    agency: Optional[str] = None,
    kinds: Optional[Iterable[str]] = None,
    start: Optional[date] = None,
    end: Optional[date] = None,
) -> list[ChronologyEntry]:
    """Entries concerning ``person``/``household``/``agency``, of ``kinds``, within [start, end]."""
    kinds = set(kinds) if kinds is not None else None
    out = []
    for e in entries:
        if person is not None and person not in e.people:
            continue
        if household is not None and household not in e.households:
            continue
        if agency is not None and e.agency != agency:
            continue
        if kinds is not None and e.kind not in kinds:
            continue
        if start is not None and e.day < start:
            continue
        if end is not None and e.day > end:
            continue
        out.append(e)
    return out


def event_days(entries: Iterable[ChronologyEntry]) -> list[date]:
    """Distinct days with something on them, sorted: the as-at slider's step points."""
    return sorted({e.day for e in entries})
