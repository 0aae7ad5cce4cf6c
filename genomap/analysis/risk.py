"""Which children a risk adult reaches, as at a date.

A person with an active risk flag reaches a child when, on the view date, they
live in the same household, visit or stay at a household where the child lives
(or the child visits/stays where they live), or have a recorded tie with the
child.  The risk overlay, the banner and the PDF risk summary all use this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from genomap.model.enums import FactStatus, ResidenceKind, RiskKind
from genomap.store.snapshot import FamilySnapshot, RiskFlagView

# Flags about harm to others: their holders' reach to children is drawn and listed in
# the banner.  Mental health and substance misuse are a parent's vulnerabilities: they
# are marked on the person but are not, by themselves, a risk adult's "reach".
HARM_KINDS: frozenset[RiskKind] = frozenset({
    RiskKind.REGISTERED_SEX_OFFENDER, RiskKind.DOMESTIC_ABUSE_PERPETRATOR, RiskKind.VIOLENT_OFFENDER,
    RiskKind.MAPPA, RiskKind.OTHER,
})

# most serious first, for ordering flags and choosing the one a marker stands for
_KIND_ORDER = [RiskKind.REGISTERED_SEX_OFFENDER, RiskKind.MAPPA, RiskKind.VIOLENT_OFFENDER,
               RiskKind.DOMESTIC_ABUSE_PERPETRATOR, RiskKind.OTHER, RiskKind.SUBSTANCE_MISUSE,
               RiskKind.MENTAL_HEALTH]
_STATUS_ORDER = [FactStatus.CONFIRMED, FactStatus.SUSPECTED, FactStatus.ALLEGED, FactStatus.REPORTED,
                 FactStatus.DISPUTED]


def flag_order(f: RiskFlagView) -> tuple:
    """Sort key: most serious kind first, then the surest status."""
    return (_KIND_ORDER.index(f.kind) if f.kind in _KIND_ORDER else 99,
            _STATUS_ORDER.index(f.status) if f.status in _STATUS_ORDER else 99, f.id)


def active_flags(snap: FamilySnapshot, day: date) -> dict[int, list[RiskFlagView]]:
    """Person id -> their risk flags active on ``day``, most serious first."""
    out: dict[int, list[RiskFlagView]] = {}
    for f in snap.risk_flags:
        if f.active_on(day):
            out.setdefault(f.person, []).append(f)
    for fl in out.values():
        fl.sort(key=flag_order)
    return out


@dataclass(frozen=True)
class ChildContact:
    child: int
    via: str  # plain words: "lives in the same household (Ash Road)", "visits Ash Road", ...
    household: int | None = None


@dataclass(frozen=True)
class RiskAdult:
    person: int
    flags: tuple[RiskFlagView, ...]
    contacts: tuple[ChildContact, ...]

    @property
    def children(self) -> tuple[int, ...]:
        seen: dict[int, None] = {}
        for c in self.contacts:
            seen.setdefault(c.child, None)
        return tuple(seen)


def is_child(snap: FamilySnapshot, pid: int, day: date) -> bool:
    return snap.person(pid).is_child_on(day)


def risk_adults(snap: FamilySnapshot, day: date,
                kinds: Optional[Iterable[RiskKind]] = None) -> list[RiskAdult]:
    """Every person with a risk flag active on ``day``, with the children they reach.

    ``kinds`` limits which flags count (e.g. :data:`HARM_KINDS`); default: all.
    A person's flags come most serious first.
    """
    wanted = frozenset(kinds) if kinds is not None else None
    flags = {pid: [f for f in fl if wanted is None or f.kind in wanted]
             for pid, fl in active_flags(snap, day).items()}
    flags = {pid: fl for pid, fl in flags.items() if fl}
    if not flags:
        return []
    label = {h.id: h.label or f"household {h.id}" for h in snap.households}
    # household -> {person: residence kind} on that day
    presence: dict[int, dict[int, ResidenceKind]] = {}
    for r in snap.residences:
        if r.active_on(day):
            here = presence.setdefault(r.household, {})
            # a person both living and visiting somewhere counts as living there
            if here.get(r.person) is not ResidenceKind.LIVES:
                here[r.person] = r.kind
    out = []
    for pid, fl in sorted(flags.items()):
        contacts: list[ChildContact] = []
        for hid, members in presence.items():
            mine = members.get(pid)
            if mine is None:
                continue
            for other, kind in members.items():
                if other == pid or not is_child(snap, other, day):
                    continue
                if mine is ResidenceKind.LIVES and kind is ResidenceKind.LIVES:
                    via = f"lives in the same household ({label[hid]})"
                elif mine is ResidenceKind.LIVES:
                    via = f"child {kind.label.lower()} at their household ({label[hid]})"
                else:
                    via = f"{mine.label.lower()} at {label[hid]}, where the child {kind.label.lower()}"
                contacts.append(ChildContact(other, via, hid))
        for t in snap.ties:
            if not t.active_on(day) or pid not in (t.source, t.target):
                continue
            other = t.target if t.source == pid else t.source
            if is_child(snap, other, day):
                contacts.append(ChildContact(other, f"recorded relationship: {t.kind.label.lower()}"))
        out.append(RiskAdult(pid, tuple(fl), tuple(contacts)))
    return out
