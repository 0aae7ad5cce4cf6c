"""Second households: who stays regularly, visits or stays overnight somewhere they do not live.

The genogram draws each person inside the household they *live* in; a
:class:`Stay` is every other household they are connected to on the view date
(a child at the other parent's each weekend, a visiting adult).  The stays
overlay, the risk summary and the ecomap all read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from genomap.model.enums import FactStatus, ResidenceKind
from genomap.store.snapshot import FamilySnapshot, ResidenceView

STAY_KINDS = (ResidenceKind.STAYS_REGULARLY, ResidenceKind.STAYS_OVERNIGHT, ResidenceKind.VISITS)

# short words for a connector label, most regular first
STAY_WORDS = {
    ResidenceKind.STAYS_REGULARLY: "stays regularly",
    ResidenceKind.STAYS_OVERNIGHT: "stays overnight",
    ResidenceKind.VISITS: "visits",
}
_UNSURE = (FactStatus.ALLEGED, FactStatus.SUSPECTED, FactStatus.DISPUTED)


@dataclass(frozen=True)
class Stay:
    person: int
    household: int
    residences: tuple[ResidenceView, ...]  # the active non-'lives' rows, most regular first

    @property
    def kinds(self) -> tuple[ResidenceKind, ...]:
        return tuple(r.kind for r in self.residences)

    @property
    def label(self) -> str:
        """Plain words for the connector, e.g. "visits; stays overnight (alleged)"."""
        parts = []
        for r in self.residences:
            word = STAY_WORDS[r.kind]
            if r.status in _UNSURE:
                word += f" ({r.status.label.lower()})"
            parts.append(word)
        return "; ".join(parts)


def stays_on(snap: FamilySnapshot, day: date) -> list[Stay]:
    """Every (person, second household) connection active on ``day``, by person then household.

    A household the person also *lives* in on that day is not a second household.
    """
    lives: set[tuple[int, int]] = set()
    rows: dict[tuple[int, int], list[ResidenceView]] = {}
    for r in snap.residences:
        if not r.active_on(day):
            continue
        if r.kind is ResidenceKind.LIVES:
            lives.add((r.person, r.household))
        elif r.kind in STAY_KINDS:
            rows.setdefault((r.person, r.household), []).append(r)
    out = []
    for key in sorted(rows):
        if key in lives:
            continue
        rs = sorted(rows[key], key=lambda r: (STAY_KINDS.index(r.kind), r.id))
        out.append(Stay(key[0], key[1], tuple(rs)))
    return out
