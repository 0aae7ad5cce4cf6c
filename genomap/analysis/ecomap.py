"""Who and what surrounds a child (or a household) as at a date: the ecomap's connections.

The model records no "quality of connection", so it is derived, plainly:

* **agencies** working with the centre (the child, or anyone in the household) on
  the date: a *normal* line with a *support arrow towards the centre*; two or more
  roles of one agency make it *strong*.  Agencies working only with someone the
  child lives with are *tenuous* (dashed), with the arrow to the centre.  An
  involvement that ended in the 12 months before the date is *tenuous* and labelled
  "ended".
* **people** with a recorded tie to the centre: *close* → strong (support both
  ways); *conflict*, *hostile*, abuse, coercive control, neglect and no-contact
  orders → *stressful* (zig-zag; directed ties point from the person acting to the
  person harmed); *estranged* or a tie that has ended → *tenuous*; court-ordered
  contact → normal.
* **second households** the centre stays at regularly → strong, visits / stays
  overnight → normal (support both ways); **visitors** to the centre's household
  → normal, or *stressful* when they hold a flag about harm to others
  (:data:`~genomap.analysis.risk.HARM_KINDS`) and reach the centre.
* **parents** who do not live with the child → normal (unless a tie says otherwise).

One person or agency is one node; when several reasons connect it, the most
stressful nature wins (stressful > strong > normal > tenuous) and the reasons are
listed in its label.  Pure, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from genomap.analysis.agencies import agency_group
from genomap.analysis.risk import HARM_KINDS, active_flags, risk_adults
from genomap.analysis.stays import stays_on
from genomap.model.enums import ResidenceKind, TieKind
from genomap.store.snapshot import FamilySnapshot

STRONG, NORMAL, TENUOUS, STRESSFUL = "strong", "normal", "tenuous", "stressful"
_RANK = {TENUOUS: 0, NORMAL: 1, STRONG: 2, STRESSFUL: 3}
TO_CENTRE, FROM_CENTRE, BOTH = "to_centre", "from_centre", "both"

STRESS_TIES = frozenset({
    TieKind.CONFLICT, TieKind.HOSTILE, TieKind.DOMESTIC_ABUSE_PHYSICAL, TieKind.DOMESTIC_ABUSE_EMOTIONAL,
    TieKind.COERCIVE_CONTROL, TieKind.SEXUAL_ABUSE, TieKind.NEGLECT, TieKind.NO_CONTACT_ORDER,
})
RECENT = timedelta(days=365)


@dataclass
class EcoNode:
    key: tuple[str, int]  # ("person", id) | ("agency", agency_id) | ("household", id)
    label: str
    kind: str  # "person" | "agency" | "household"
    nature: str = NORMAL
    support: Optional[str] = None  # TO_CENTRE | FROM_CENTRE | BOTH | None
    reasons: list[str] = field(default_factory=list)
    ref: Optional[tuple[str, int]] = None  # what the node stands for in the model (tooltips, selection)
    group: str = ""  # agency sector, or "family" / "other" for people, "home" for households
    code: str = ""  # agency short code
    risk: bool = False  # holds an active flag about harm to others

    def add(self, nature: str, reason: str, support: Optional[str] = None) -> None:
        if _RANK[nature] > _RANK[self.nature] or not self.reasons:
            self.nature = nature
        if support is not None:
            if self.support is None or self.support == support:
                self.support = support
            else:
                self.support = BOTH
        if reason and reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class Ecomap:
    centre: tuple[str, int]
    title: str
    members: list[str]  # who the centre is: the child's household members, or the household's
    nodes: list[EcoNode]


def default_centre(snap: FamilySnapshot) -> Optional[tuple[str, int]]:
    """The first subject child, else the first person."""
    for p in snap.people:
        if p.is_subject:
            return ("person", p.id)
    return ("person", snap.people[0].id) if snap.people else None


def _name(snap: FamilySnapshot, pid: int) -> str:
    try:
        return snap.person(pid).name
    except KeyError:
        return f"person {pid}"


def build_ecomap(snap: FamilySnapshot, day: date, centre: Optional[tuple[str, int]] = None) -> Ecomap:
    """The ecomap of ``centre`` (a person or household; default the subject child) as at ``day``."""
    centre = centre or default_centre(snap)
    if centre is None:
        return Ecomap(("person", 0), "Ecomap", [], [])
    kind, cid = centre
    lives_at: dict[int, set[int]] = {}
    for r in snap.residences:
        if r.kind is ResidenceKind.LIVES and r.active_on(day):
            lives_at.setdefault(r.household, set()).add(r.person)
    if kind == "household":
        core = set(lives_at.get(cid, set()))
        homes = {cid}
        try:
            title = snap.household(cid).label or "Household"
        except KeyError:
            title = "Household"
        members = sorted(_name(snap, p) for p in core)
    else:
        core = {cid}
        homes = {h for h, ps in lives_at.items() if cid in ps}
        title = _name(snap, cid)
        members = sorted(_name(snap, p) for h in homes for p in lives_at.get(h, ()) if p != cid)
    household = set().union(*(lives_at.get(h, set()) for h in homes)) if homes else set(core)
    others = household - core
    nodes: dict[tuple[str, int], EcoNode] = {}

    def node(key, label, nkind, **kw) -> EcoNode:
        n = nodes.get(key)
        if n is None:
            n = nodes[key] = EcoNode(key, label, nkind, **kw)
        return n

    # agencies
    for inv in snap.involvements:
        direct = inv.person in core or (inv.household is not None and inv.household in homes)
        via = inv.person in others
        if not (direct or via):
            continue
        active = inv.active_on(day)
        recent_end = (not active and inv.end is not None and inv.start is not None
                      and inv.start.representative() <= day and day - RECENT <= inv.end.representative() < day)
        if not (active or recent_end):
            continue
        n = node(("agency", inv.agency_id), inv.agency_name, "agency", ref=("involvement", inv.id),
                 group=agency_group(inv.agency_type), code=inv.agency_type.short_code)
        role = inv.role or inv.agency_type.label
        if recent_end:
            n.add(TENUOUS, f"{role} (ended {inv.end})", TO_CENTRE)
        elif direct:
            roles = [r for r in n.reasons if not r.startswith("with ") and "(ended " not in r]
            n.add(STRONG if roles and role not in roles else NORMAL, role, TO_CENTRE)
            if active:
                n.ref = ("involvement", inv.id)
        else:
            n.add(TENUOUS, f"with {_name(snap, inv.person)}: {role}", TO_CENTRE)

    # people tied to the centre
    for t in snap.ties:
        if t.source in core and t.target not in core:
            other, outward = t.target, True
        elif t.target in core and t.source not in core:
            other, outward = t.source, False
        else:
            continue
        started = t.start is None or t.start.representative() <= day
        if not started:
            continue
        ended = t.end is not None and t.end.representative() < day
        if ended and day - t.end.representative() > RECENT:
            continue
        n = node(("person", other), _name(snap, other), "person", ref=("person", other), group="other")
        label = t.kind.label.lower()
        if ended or t.kind is TieKind.ESTRANGED:
            n.add(TENUOUS, label + (" (ended)" if ended else ""))
        elif t.kind is TieKind.CLOSE:
            n.add(STRONG, label, BOTH)
        elif t.kind in STRESS_TIES:
            direction = (FROM_CENTRE if outward else TO_CENTRE) if t.kind.directed else None
            status = f" ({t.status.label.lower()})" if t.status.value in ("alleged", "suspected", "disputed") else ""
            n.add(STRESSFUL, label + status, direction)
        else:
            n.add(NORMAL, label)

    # second households and visitors
    for s in stays_on(snap, day):
        if s.person in core and s.household not in homes:
            try:
                label = snap.household(s.household).label or "Household"
            except KeyError:
                continue
            n = node(("household", s.household), label, "household", ref=("household", s.household), group="home")
            regular = ResidenceKind.STAYS_REGULARLY in s.kinds
            n.add(STRONG if regular else NORMAL, s.label, BOTH)
        elif s.household in homes and s.person not in household:
            n = node(("person", s.person), _name(snap, s.person), "person", ref=("person", s.person), group="other")
            n.add(NORMAL, f"{s.label} (at home)")

    # risk adults who reach the centre
    flags = active_flags(snap, day)
    for ra in risk_adults(snap, day, HARM_KINDS):
        if ra.person in core or not any(c.child in core for c in ra.contacts):
            continue
        n = node(("person", ra.person), _name(snap, ra.person), "person", ref=("person", ra.person), group="other")
        f = ra.flags[0]
        n.add(STRESSFUL, f"{f.kind.label.lower()} ({f.status.label.lower()})")
        for c in ra.contacts:
            if c.child in core and c.via.startswith("lives in the same household"):
                n.add(STRESSFUL, "lives with the child")
    for pid, n in nodes.items():
        if n.kind == "person":
            n.risk = any(f.kind in HARM_KINDS for f in flags.get(pid[1], []))

    # parents who do not live with the child
    if kind == "person":
        for link in snap.parent_links:
            if link.child == cid and link.parent not in household:
                try:
                    p = snap.person(link.parent)
                except KeyError:
                    continue
                if p.is_dead_on(day):
                    continue
                n = node(("person", link.parent), p.name, "person", ref=("person", link.parent), group="family")
                n.group = "family"
                n.add(NORMAL, f"{link.kind.label.lower()} parent")

    order = {"family": 0, "other": 1, "home": 2, "statutory": 3, "health": 4, "education": 5, "support": 6}
    ordered = sorted(nodes.values(), key=lambda n: (order.get(n.group, 9), n.label.lower()))
    return Ecomap(centre, title, members, ordered)
