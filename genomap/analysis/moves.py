"""House moves and temporary accommodation, for the moves overlay and residence timelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from genomap.model.enums import ResidenceKind
from genomap.store.snapshot import FamilySnapshot, ResidenceView


@dataclass(frozen=True)
class MoveSummary:
    person: int
    moves: int  # 'lives' periods that started within the window
    temporary_days: int  # days within the window spent living in temporary accommodation/refuge


def residence_history(snap: FamilySnapshot, pid: int) -> list[ResidenceView]:
    """A person's residences in date order (unknown start first)."""
    rows = [r for r in snap.residences if r.person == pid]
    return sorted(rows, key=lambda r: (r.start is not None, r.start.sort_key() if r.start else ""))


def moves_in_period(
    snap: FamilySnapshot, end: date, start: Optional[date] = None
) -> dict[int, MoveSummary]:
    """Moves per person in [start, end]; the default window is the 12 months before ``end``."""
    start = start or (end - timedelta(days=365))
    temporary = {h.id for h in snap.households if h.type.is_temporary}
    out: dict[int, MoveSummary] = {}
    for p in snap.people:
        moves = 0
        temp_days = 0
        for r in snap.residences:
            if r.person != p.id or r.kind is not ResidenceKind.LIVES:
                continue
            born = p.birth.representative() if p.birth is not None else None
            if r.start is not None and start <= r.start.representative() <= end:
                # the home a baby is born into is not a move
                if born is None or (r.start.representative() - born).days > 31:
                    moves += 1
            if r.household in temporary:
                a = max(start, r.start.representative() if r.start else start)
                b = min(end, r.end.representative() if r.end else end)
                temp_days += max(0, (b - a).days)
        out[p.id] = MoveSummary(p.id, moves, temp_days)
    return out
