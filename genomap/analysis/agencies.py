"""Agency involvement over time: who is working with whom, as at a date and across the years.

The agencies overlay (badges), the Agencies view (a Gantt-like table), the ecomap
and the as-at slider's range all read these plain functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from genomap.model.enums import AgencyType
from genomap.store.snapshot import FamilySnapshot, InvolvementView

STATUTORY = frozenset({AgencyType.SOCIAL_CARE, AgencyType.POLICE, AgencyType.PROBATION, AgencyType.MAPPA,
                       AgencyType.YOUTH_JUSTICE})
HEALTH = frozenset({AgencyType.HEALTH_VISITOR, AgencyType.GP, AgencyType.SCHOOL_NURSE, AgencyType.CAMHS,
                    AgencyType.PSYCHOLOGY, AgencyType.MIDWIFERY, AgencyType.ADULT_MENTAL_HEALTH,
                    AgencyType.SUBSTANCE_SERVICE})
EDUCATION = frozenset({AgencyType.SCHOOL, AgencyType.NURSERY})


def agency_group(t: AgencyType) -> str:
    """"statutory", "health", "education" or "support": decides a badge's shape."""
    if t in STATUTORY:
        return "statutory"
    if t in HEALTH:
        return "health"
    if t in EDUCATION:
        return "education"
    return "support"


@dataclass(frozen=True)
class Involved:
    """One agency working with one person or household on a day (its active rows, latest first)."""

    agency_id: int
    agency_name: str
    agency_type: AgencyType
    rows: tuple[InvolvementView, ...]

    @property
    def code(self) -> str:
        return self.agency_type.short_code

    @property
    def main(self) -> InvolvementView:
        return self.rows[0]


def _start_key(i: InvolvementView) -> str:
    return i.start.sort_key() if i.start is not None else ""


def involved_on(snap: FamilySnapshot, day: date) -> dict[tuple[str, int], list[Involved]]:
    """``("person", id)`` / ``("household", id)`` -> agencies involved on ``day``.

    One entry per agency (several active rows of one agency are kept together, the
    latest started first); agencies in a stable order: statutory, health, education,
    support, then by type and name.
    """
    groups: dict[tuple[str, int], dict[int, list[InvolvementView]]] = {}
    for inv in snap.involvements:
        if not inv.active_on(day):
            continue
        if inv.person is not None:
            target = ("person", inv.person)
        elif inv.household is not None:
            target = ("household", inv.household)
        else:
            continue
        groups.setdefault(target, {}).setdefault(inv.agency_id, []).append(inv)
    order = ["statutory", "health", "education", "support"]
    types = list(AgencyType)
    out: dict[tuple[str, int], list[Involved]] = {}
    for target, by_agency in groups.items():
        items = []
        for agency_id, rows in by_agency.items():
            rows = sorted(rows, key=lambda i: (_start_key(i), i.id), reverse=True)
            first = rows[0]
            items.append(Involved(agency_id, first.agency_name, first.agency_type, tuple(rows)))
        items.sort(key=lambda a: (order.index(agency_group(a.agency_type)), types.index(a.agency_type),
                                  a.agency_name.lower(), a.agency_id))
        out[target] = items
    return out


def involvement_span(inv: InvolvementView, fallback_start: date, fallback_end: date) -> tuple[date, date, bool, bool]:
    """(start, end, start_known, end_known) of an involvement for drawing it on a time axis."""
    s = inv.start.representative() if inv.start is not None else fallback_start
    e = inv.end.representative() if inv.end is not None else fallback_end
    return s, max(s, e), inv.start is not None, inv.end is not None


def family_date_range(snap: FamilySnapshot, today: Optional[date] = None, min_span_days: int = 365) -> tuple[date, date]:
    """The span the as-at slider covers: from the earliest dated fact of the case work (homes,
    agencies, risk flags, plans, events; any dated fact when there are none of those)
    to the later of ``today`` and the last dated fact; at least ``min_span_days`` long."""
    from genomap.analysis.chronology import build_chronology

    today = today or date.today()
    entries = build_chronology(snap)
    case_kinds = ("move_in", "move_out", "stay_start", "stay_end", "involvement_start", "involvement_end", "risk",
                  "risk_end", "legal_status", "legal_status_end", "event")
    days = [e.day for e in entries if e.kind in case_kinds] or [e.day for e in entries]
    if not days:
        return today - timedelta(days=min_span_days), today
    lo, hi = min(days), max(max(e.day for e in entries), today)
    if (hi - lo).days < min_span_days:
        lo = hi - timedelta(days=min_span_days)
    return lo, hi
