"""Kinship: how each person in a family map is related to a subject child.

Pure functions over a :class:`~genomap.store.snapshot.FamilySnapshot`: the
words a practitioner uses ("Mother", "Step-father", "Mother's partner",
"Half-sister", "Maternal grandmother", "Foster carer", "Visitor"...) derived
from parent links (with their kinds), partnerships (current or ended as at a
date) and residences.  Siblings are derived from shared parents, never stored.

Also the neutral role labels used when a redaction profile replaces names
("Mother", "Child 2") and the family / third-party split that the "parents"
profile uses to decide whose details are withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from genomap.model.enums import (
    ParentLinkKind, PartnershipKind, PregnancyOutcome, ResidenceKind, Sex,
)
from genomap.store.snapshot import ADULT_AGE, FamilySnapshot, PersonView


# Categories of :class:`Kinship`; "family" ones are relatives by blood, adoption,
# kinship care or marriage; the rest are third parties for redaction purposes.
FAMILY_CATEGORIES = frozenset(
    {"self", "parent", "sibling", "grandparent", "extended", "child", "step", "partner"}
)
THIRD_PARTY_CATEGORIES = frozenset({"carer", "partner_of_parent", "household", "other"})

_BLOOD = (ParentLinkKind.BIOLOGICAL,)
_LEGAL = (ParentLinkKind.BIOLOGICAL, ParentLinkKind.ADOPTIVE, ParentLinkKind.KINSHIP)
_MARRIED = (PartnershipKind.MARRIED, PartnershipKind.CIVIL_PARTNERSHIP)


@dataclass(frozen=True)
class Kinship:
    """One person's relationship to the subject child."""

    label: str  # "Maternal grandmother"
    category: str  # see FAMILY_CATEGORIES / THIRD_PARTY_CATEGORIES

    @property
    def is_family(self) -> bool:
        return self.category in FAMILY_CATEGORIES


def _gendered(sex: Sex, male: str, female: str, neutral: str) -> str:
    if sex is Sex.MALE:
        return male
    if sex is Sex.FEMALE:
        return female
    return neutral


def _side(sex: Sex) -> str:
    return _gendered(sex, "Paternal ", "Maternal ", "")


class KinshipIndex:
    """Precomputed links of one snapshot, so many questions are cheap."""

    def __init__(self, snap: FamilySnapshot, as_at: Optional[date] = None):
        self.snap = snap
        self.day = as_at or date.today()
        self.people = {p.id: p for p in snap.people}
        # child -> {parent: kind}, parent -> {child: kind}
        self.parents: dict[int, dict[int, ParentLinkKind]] = {}
        self.children: dict[int, dict[int, ParentLinkKind]] = {}
        self.ended_links: set[tuple[int, int]] = set()
        for l in snap.parent_links:
            if l.parent not in self.people or l.child not in self.people:
                continue
            self.parents.setdefault(l.child, {})[l.parent] = l.kind
            self.children.setdefault(l.parent, {})[l.child] = l.kind
            if l.end is not None and l.end.representative() <= self.day:
                self.ended_links.add((l.parent, l.child))
        self._siblings: dict[int, dict[int, str]] = {}
        # person -> {household: residence kind} on the day
        self.presence: dict[int, dict[int, ResidenceKind]] = {}
        for r in snap.residences:
            if r.active_on(self.day):
                self.presence.setdefault(r.person, {})[r.household] = r.kind
        # person -> [(partner, partnership)]
        self.partners: dict[int, list] = {}
        for r in snap.partnerships:
            if r.a not in self.people or r.b not in self.people:
                continue
            self.partners.setdefault(r.a, []).append((r.b, r))
            self.partners.setdefault(r.b, []).append((r.a, r))

    # -- basic links ----------------------------------------------------------
    def parents_of(self, pid: int, kinds: Iterable[ParentLinkKind] = _LEGAL) -> set[int]:
        kinds = tuple(kinds)
        return {p for p, k in self.parents.get(pid, {}).items() if k in kinds}

    def children_of(self, pid: int, kinds: Iterable[ParentLinkKind] = _LEGAL) -> set[int]:
        kinds = tuple(kinds)
        return {c for c, k in self.children.get(pid, {}).items() if k in kinds}

    def siblings_of(self, pid: int) -> dict[int, str]:
        """Derived siblings: other -> "full" | "half" | "adoptive" | "step" | "foster"."""
        cached = self._siblings.get(pid)
        if cached is None:
            cached = self._siblings[pid] = self._derive_siblings(pid)
        return cached

    def _derive_siblings(self, pid: int) -> dict[int, str]:
        out: dict[int, str] = {}
        mine = self.parents.get(pid, {})
        legal = {p for p, k in mine.items() if k in _LEGAL}
        for parent in legal:
            for other, _ in self.children.get(parent, {}).items():
                if other == pid or other in out:
                    continue
                theirs = self.parents.get(other, {})
                their_legal = {p for p, k in theirs.items() if k in _LEGAL}
                shared = legal & their_legal
                if not shared:
                    continue
                blood_shared = {p for p in shared if mine.get(p) in _BLOOD and theirs.get(p) in _BLOOD}
                adoptive = any(mine.get(p) is not ParentLinkKind.BIOLOGICAL
                               or theirs.get(p) is not ParentLinkKind.BIOLOGICAL for p in shared)
                if len(shared) >= 2 or (len(legal) <= 1 and len(their_legal) <= 1):
                    out[other] = "adoptive" if adoptive and not blood_shared else "full"
                else:
                    out[other] = "adoptive" if adoptive and not blood_shared else "half"
        # step-siblings: children of a step-parent / parent's partner, no parent in common
        for parent in legal:
            for partner, _r in self.partners.get(parent, []):
                if partner in legal:
                    continue
                for other in self.children_of(partner):
                    if other != pid and other not in out and not (self.parents_of(other) & legal):
                        out[other] = "step"
        for carer in {p for p, k in mine.items() if k is ParentLinkKind.FOSTER}:
            for other in self.children.get(carer, {}):
                if other != pid and other not in out:
                    out[other] = "foster"
        for parent in {p for p, k in mine.items() if k is ParentLinkKind.STEP}:
            for other in self.children_of(parent):
                if other != pid and other not in out:
                    out[other] = "step"
        return out

    def current_partnership(self, a: int, b: int):
        """The partnership between a and b (latest started), or None."""
        best = None
        for other, r in self.partners.get(a, []):
            if other == b and r.started_on(self.day):
                if best is None or (r.start and best.start and r.start.sort_key() > best.start.sort_key()):
                    best = r
        return best

    def shares_household(self, a: int, b: int) -> Optional[ResidenceKind]:
        """How ``a`` is present, on the day, in a household where ``b`` lives or stays:
        LIVES (a household member), VISITS / STAYS_..., or None."""
        mine = self.presence.get(a, {})
        theirs = self.presence.get(b, {})
        best = None
        for hid, kind in mine.items():
            if hid not in theirs:
                continue
            if kind is ResidenceKind.LIVES:  # lives where b lives or stays: a household member
                return ResidenceKind.LIVES
            best = best or kind
        return best

    # -- the relationship -------------------------------------------------------
    def kinship(self, pid: int, subject: int) -> Kinship:
        """How ``pid`` is related to ``subject`` (as at the index's date)."""
        if pid == subject:
            return Kinship("Subject child", "self")
        p = self.people[pid]
        sex = p.sex
        s_parents = self.parents.get(subject, {})

        # parents and carers
        if pid in s_parents:
            kind = s_parents[pid]
            former = "Former " if (pid, subject) in self.ended_links else ""
            if kind is ParentLinkKind.BIOLOGICAL:
                return Kinship(_gendered(sex, "Father", "Mother", "Parent"), "parent")
            if kind is ParentLinkKind.ADOPTIVE:
                return Kinship(_gendered(sex, "Adoptive father", "Adoptive mother", "Adoptive parent"), "parent")
            if kind is ParentLinkKind.STEP:
                return Kinship(_gendered(sex, "Step-father", "Step-mother", "Step-parent"), "step")
            if kind is ParentLinkKind.FOSTER:
                return Kinship("Former foster carer" if former else "Foster carer", "carer")
            if kind is ParentLinkKind.KINSHIP:
                return Kinship("Kinship carer / special guardian", "parent")
        legal = {q for q, k in s_parents.items() if k in _LEGAL}

        # partners of a parent
        for parent in sorted(legal):
            r = self.current_partnership(parent, pid)
            if r is None:
                continue
            par = self.people[parent].sex
            whose = _gendered(par, "Father's", "Mother's", "Parent's")
            ended = r.ended_on(self.day)
            if r.kind in _MARRIED:
                if ended:
                    return Kinship(_gendered(sex, "Former step-father", "Former step-mother",
                                             "Former step-parent"), "step")
                return Kinship(_gendered(sex, "Step-father", "Step-mother", "Step-parent"), "step")
            if ended:
                return Kinship(f"{whose} former partner", "partner_of_parent")
            return Kinship(f"{whose} partner", "partner_of_parent")

        # siblings
        sibs = self.siblings_of(subject)
        if pid in sibs:
            how = sibs[pid]
            base = _gendered(sex, "brother", "sister", "sibling")
            subj = self.people[subject]
            if how == "full" and subj.twin_group and subj.twin_group == p.twin_group:
                return Kinship(f"Twin {base}", "sibling")
            if how == "full":
                return Kinship(base.capitalize(), "sibling")
            prefix = {"half": "Half-", "adoptive": "Adoptive ", "step": "Step-", "foster": "Foster "}[how]
            return Kinship(prefix + base, "carer" if how == "foster" else
                           ("step" if how == "step" else "sibling"))

        # grandparents and great-grandparents
        for parent in sorted(legal):
            side = _side(self.people[parent].sex)
            gp = self.parents.get(parent, {})
            if pid in gp:
                k = gp[pid]
                if k is ParentLinkKind.STEP:
                    return Kinship(side + _gendered(sex, "step-grandfather", "step-grandmother",
                                                    "step-grandparent"), "step")
                if k in _LEGAL:
                    return Kinship(side + _gendered(sex, "grandfather", "grandmother", "grandparent"),
                                   "grandparent")
            for g in self.parents_of(parent):
                if pid in self.parents_of(g):
                    return Kinship(side + _gendered(sex, "great-grandfather", "great-grandmother",
                                                    "great-grandparent"), "grandparent")
        # partner of a grandparent
        for parent in sorted(legal):
            for g in self.parents_of(parent):
                r = self.current_partnership(g, pid)
                if r is not None and not r.ended_on(self.day):
                    side = _side(self.people[parent].sex)
                    whose = _gendered(self.people[g].sex, "grandfather's", "grandmother's", "grandparent's")
                    label = (side + _gendered(sex, "step-grandfather", "step-grandmother", "step-grandparent")
                             if r.kind in _MARRIED else f"{side}{whose} partner".capitalize())
                    return Kinship(label[0].upper() + label[1:], "step" if r.kind in _MARRIED else "other")

        # aunts, uncles, cousins
        for parent in sorted(legal):
            side = _side(self.people[parent].sex)
            p_sibs = self.siblings_of(parent)
            if pid in p_sibs and p_sibs[pid] in ("full", "half", "adoptive"):
                return Kinship(side + _gendered(sex, "uncle", "aunt", "aunt/uncle"), "extended")
            for au, how in p_sibs.items():
                if how in ("full", "half", "adoptive") and pid in self.children_of(au):
                    return Kinship(f"Cousin ({side.strip().lower() or 'family'})"
                                   if side else "Cousin", "extended")
                if how in ("full", "half", "adoptive"):
                    r = self.current_partnership(au, pid)
                    if r is not None and r.kind in _MARRIED and not r.ended_on(self.day):
                        return Kinship(side + _gendered(sex, "uncle (by marriage)", "aunt (by marriage)",
                                                        "aunt/uncle (by marriage)"), "extended")

        # the subject's own children, grandchildren, nephews/nieces, partners
        if pid in self.children_of(subject):
            return Kinship(_gendered(sex, "Son", "Daughter", "Child"), "child")
        for c in self.children_of(subject):
            if pid in self.children_of(c):
                return Kinship(_gendered(sex, "Grandson", "Granddaughter", "Grandchild"), "child")
        for sib, how in sibs.items():
            if how in ("full", "half", "adoptive") and pid in self.children_of(sib):
                return Kinship(_gendered(sex, "Nephew", "Niece", "Nibling"), "extended")
        r = self.current_partnership(subject, pid)
        if r is not None:
            return Kinship("Former partner" if r.ended_on(self.day) else "Partner", "partner")

        # no kinship: what does the household record say?
        how = self.shares_household(pid, subject)
        adult = self.is_adult(pid)
        if p.role:
            return Kinship(p.role[0].upper() + p.role[1:], "other" if how is None else "household")
        if how is ResidenceKind.LIVES:
            return Kinship("Household member" if adult else "Child in household", "household")
        if how is not None or self.shares_household(subject, pid) is not None:
            return Kinship("Visitor", "household")
        return Kinship("Other adult" if adult else "Other child", "other")

    def is_adult(self, pid: int) -> bool:
        p = self.people[pid]
        age = p.age_on(self.day)
        return age is None or age >= ADULT_AGE


def subject_children(snap: FamilySnapshot) -> list[int]:
    """The subject child(ren) ids, oldest first; falls back to the youngest child recorded."""
    subjects = [p for p in snap.people if p.is_subject]
    if not subjects:
        return []
    return [p.id for p in sorted(subjects, key=_birth_key)]


def _birth_key(p: PersonView):
    return (p.birth is None, p.birth.sort_key() if p.birth else "", p.birth_order or 0, p.id)


def relationship(snap: FamilySnapshot, pid: int, subject: int, as_at: Optional[date] = None) -> str:
    """The label for ``pid``'s relationship to ``subject`` ("Mother", "Half-sister", ...)."""
    return KinshipIndex(snap, as_at).kinship(pid, subject).label


def relationships(snap: FamilySnapshot, subject: int, as_at: Optional[date] = None) -> dict[int, Kinship]:
    """Every person's :class:`Kinship` to ``subject``."""
    idx = KinshipIndex(snap, as_at)
    return {p.id: idx.kinship(p.id, subject) for p in snap.people}


def third_parties(snap: FamilySnapshot, as_at: Optional[date] = None) -> set[int]:
    """People who are family of none of the subject children (carers, partners of parents, visitors...)."""
    subjects = subject_children(snap)
    if not subjects:
        return set()
    idx = KinshipIndex(snap, as_at)
    out = set()
    for p in snap.people:
        if not any(idx.kinship(p.id, s).is_family for s in subjects):
            out.add(p.id)
    return out


def role_labels(snap: FamilySnapshot, as_at: Optional[date] = None) -> dict[int, str]:
    """A neutral, unique label per person for name-free exports: "Mother", "Child 2", ...

    Children of the family (the subject children and their siblings of any kind,
    and any other person under 18) are numbered "Child 1", "Child 2"... oldest
    first; pregnancies are "Pregnancy"; adults get their relationship to the
    first subject child, numbered when two share a label ("Maternal aunt 1").
    """
    idx = KinshipIndex(snap, as_at)
    subjects = subject_children(snap)
    subject = subjects[0] if subjects else None
    out: dict[int, str] = {}
    kids: list[PersonView] = []
    pregnancies: list[PersonView] = []
    adults: list[tuple[PersonView, str]] = []
    sibs = idx.siblings_of(subject) if subject is not None else {}
    for p in sorted(snap.people, key=_birth_key):
        if p.pregnancy is not PregnancyOutcome.NONE:
            pregnancies.append(p)
            continue
        if subject is None:
            if idx.is_adult(p.id):
                adults.append((p, p.role[:1].upper() + p.role[1:] if p.role else "Adult"))
            else:
                kids.append(p)
            continue
        if p.id in subjects or (p.id in sibs and not idx.is_adult(p.id)) or not idx.is_adult(p.id):
            kids.append(p)
        else:
            adults.append((p, idx.kinship(p.id, subject).label))
    for n, p in enumerate(kids, start=1):
        out[p.id] = f"Child {n}"
    for n, p in enumerate(pregnancies, start=1):
        out[p.id] = "Pregnancy" if len(pregnancies) == 1 else f"Pregnancy {n}"
    counts: dict[str, int] = {}
    for p, label in adults:
        label = label or "Adult"
        counts[label] = counts.get(label, 0) + 1
    seen: dict[str, int] = {}
    for p, label in adults:
        label = label or "Adult"
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            out[p.id] = f"{label} {seen[label]}"
        else:
            out[p.id] = label
    return out
