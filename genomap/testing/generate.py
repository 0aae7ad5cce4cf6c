"""Seeded random blended families for tests and benchmarks.

:func:`generate_family` builds a :class:`FamilySnapshot` of roughly ``size``
people (25 ... 1600+) with several generations, serial partners, half-siblings,
step/adoptive/foster/kinship links, single-parent children, partners without
children, people without parents, twins, pregnancy losses, deaths, households
with residence histories, ties and legal statuses.  The same ``(seed, size)``
always gives the same family.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Optional

from genomap.model.dates import PartialDate
from genomap.model.enums import (
    FactStatus, HouseholdType, LegalStatusKind, ParentLinkKind, PartnershipEnd, PartnershipKind,
    PregnancyOutcome, ResidenceKind, Sex, TieKind, TriState, TwinKind,
)
from genomap.store.snapshot import (
    FamilySnapshot, HouseholdView, LegalStatusView, ParentLinkView, PartnershipView, PersonView,
    ResidenceView, TieView,
)

GIVEN_F = ["Amy", "Beth", "Chloe", "Dana", "Ella", "Freya", "Grace", "Hana", "Isla", "Jade", "Kara",
           "Lily", "Maya", "Nia", "Olivia", "Poppy", "Rosie", "Sofia", "Tia", "Zara", "Anne-Marie",
           "Bernadette", "Evangeline"]
GIVEN_M = ["Adam", "Ben", "Carl", "Dan", "Eli", "Finn", "Gary", "Harry", "Ian", "Jack", "Kyle", "Leo",
           "Mo", "Noah", "Owen", "Paul", "Ryan", "Sam", "Tom", "Zak", "Christopher", "Maximilian"]
SURNAMES = ["Smith", "Jones", "Khan", "Taylor", "Brown", "Wilson", "Evans", "Patel", "Walker", "Wright",
            "Roberts", "Green", "Hall", "Wood", "O'Neill", "Okafor", "Nowak", "Fitzgerald-Hughes",
            "Montgomery-Smythe"]

TODAY = date(2024, 6, 1)


class _Gen:
    def __init__(self, seed: int, size: int):
        self.rng = random.Random(seed)
        self.size = size
        self.people: dict[int, PersonView] = {}
        self.gen: dict[int, int] = {}
        self.partnerships: list[PartnershipView] = []
        self.links: list[ParentLinkView] = []
        self.ties: list[TieView] = []
        self.households: list[HouseholdView] = []
        self.residences: list[ResidenceView] = []
        self.legal: list[LegalStatusView] = []
        self.next_id = {"p": 1, "r": 1, "l": 1, "t": 1, "h": 1, "res": 1, "ls": 1}

    def nid(self, k: str) -> int:
        v = self.next_id[k]
        self.next_id[k] += 1
        return v

    def person(self, sex: Sex, born: int, gen: int, family: Optional[str] = None, **kw) -> int:
        r = self.rng
        pid = self.nid("p")
        given = r.choice(GIVEN_M if sex is Sex.MALE else GIVEN_F if sex is Sex.FEMALE else GIVEN_M + GIVEN_F)
        family = family or r.choice(SURNAMES)
        month = r.randint(1, 12)
        day = r.randint(1, 28)
        birth = PartialDate(born, month, day) if r.random() < 0.8 else PartialDate(born)
        if born > TODAY.year or (born == TODAY.year and month > TODAY.month):
            birth = PartialDate(born)
        death = None
        age = TODAY.year - born
        if age > 55 and r.random() < (age - 50) / 60:
            death = PartialDate(min(TODAY.year - 1, born + r.randint(age - 25, age)))
        known_as = ""
        if r.random() < 0.12:
            known_as = given[:3] + "ie"
        self.people[pid] = PersonView(
            id=pid, given_names=given, family_name=family, known_as=known_as, sex=sex, birth=birth,
            death=death, deceased=death is not None, **kw,
        )
        self.gen[pid] = gen
        return pid

    def sex(self) -> Sex:
        x = self.rng.random()
        return Sex.MALE if x < 0.48 else Sex.FEMALE if x < 0.96 else Sex.OTHER if x < 0.98 else Sex.UNKNOWN

    def build(self) -> FamilySnapshot:
        r = self.rng
        size = self.size
        founders = max(1, size // 40)
        queue: list[int] = []
        for _ in range(founders):
            born = r.randint(1935, 1960)
            a = self.person(Sex.MALE, born, 0)
            queue.append(a)
        qi = 0
        founder_set = set(queue)
        while len(self.people) < size:
            if qi >= len(queue):  # the families died out: another founder
                a = self.person(Sex.MALE, r.randint(1935, 1960), 0)
                queue.append(a)
                founder_set.add(a)
            pid = queue[qi]
            qi += 1
            p = self.people[pid]
            born = p.birth.year
            if born > TODAY.year - 18 or self.gen[pid] >= 5:
                continue
            n_part = r.choices([0, 1, 2, 3], weights=[12, 55, 28, 5])[0]
            if pid in founder_set:
                n_part = max(1, n_part)
            year = born + r.randint(18, 28)
            for k in range(n_part):
                if year > TODAY.year or len(self.people) >= size:
                    break
                psex = Sex.FEMALE if p.sex is Sex.MALE else Sex.MALE if p.sex is Sex.FEMALE else self.sex()
                if r.random() < 0.04:
                    psex = p.sex
                q = self.person(psex, born + r.randint(-6, 6), self.gen[pid])
                kind = r.choices(list(PartnershipKind), weights=[50, 4, 25, 12, 5])[0]
                last = k == n_part - 1
                start = PartialDate(year, r.randint(1, 12))
                end_year = None
                end_kind = PartnershipEnd.NONE
                if not last or r.random() < 0.25:
                    end_year = year + r.randint(2, 12)
                    if end_year > TODAY.year:
                        end_year = None
                    else:
                        end_kind = (PartnershipEnd.DIVORCED if kind in (PartnershipKind.MARRIED, PartnershipKind.CIVIL_PARTNERSHIP)
                                    and r.random() < 0.7 else PartnershipEnd.SEPARATED)
                pr = PartnershipView(
                    id=self.nid("r"), a=pid, b=q, kind=kind, start=start,
                    end=PartialDate(end_year) if end_year else None, end_kind=end_kind,
                    living_together=end_kind is PartnershipEnd.SEPARATED and r.random() < 0.15,
                )
                self.partnerships.append(pr)
                # children
                n_kids = r.choices([0, 1, 2, 3, 4], weights=[15, 25, 30, 20, 10])[0]
                span_end = end_year or min(TODAY.year + 1, year + 15)
                kid_years = sorted(r.randint(year, max(year, span_end)) for _ in range(n_kids))
                twin_done = False
                for i, ky in enumerate(kid_years):
                    if len(self.people) >= size:
                        break
                    preg = PregnancyOutcome.NONE
                    if i == len(kid_years) - 1 and r.random() < 0.12:
                        preg = r.choice([PregnancyOutcome.MISCARRIAGE, PregnancyOutcome.STILLBIRTH,
                                         PregnancyOutcome.TERMINATION, PregnancyOutcome.PREGNANCY])
                        if preg is PregnancyOutcome.PREGNANCY:
                            ky = TODAY.year
                    mother_family = self.people[pid].family_name
                    c = self.person(self.sex(), ky, self.gen[pid] + 1, family=mother_family, pregnancy=preg,
                                    adopted=False)
                    kinds = [ParentLinkKind.BIOLOGICAL, ParentLinkKind.BIOLOGICAL]
                    adopted = preg is PregnancyOutcome.NONE and r.random() < 0.05
                    if adopted:
                        kinds = [ParentLinkKind.ADOPTIVE, ParentLinkKind.ADOPTIVE]
                        self.people[c] = _replace(self.people[c], adopted=True)
                    single = r.random() < 0.12
                    parents = [pid] if single else [pid, q]
                    for par, kd in zip(parents, kinds):
                        psx = self.people[par].sex
                        self.links.append(ParentLinkView(
                            id=self.nid("l"), parent=par, child=c, kind=kd,
                            parental_responsibility=TriState.YES if (psx is Sex.FEMALE or r.random() < 0.6) else TriState.NO,
                        ))
                    if preg is PregnancyOutcome.NONE:
                        queue.append(c)
                        # twins
                        if not twin_done and r.random() < 0.08 and len(self.people) < size:
                            twin_done = True
                            tk = r.choice([TwinKind.FRATERNAL, TwinKind.IDENTICAL])
                            tsex = self.people[c].sex if tk is TwinKind.IDENTICAL else self.sex()
                            t = self.person(tsex, ky, self.gen[pid] + 1, family=mother_family)
                            group = f"tw{c}"
                            self.people[t] = _replace(self.people[t], birth=self.people[c].birth,
                                                      twin_group=group, twin_kind=tk, birth_order=2)
                            self.people[c] = _replace(self.people[c], twin_group=group, twin_kind=tk, birth_order=1)
                            for par in parents:
                                self.links.append(ParentLinkView(id=self.nid("l"), parent=par, child=t))
                            queue.append(t)
                # step link: the next partner of this person becomes a step-parent
                year = (end_year or year) + r.randint(1, 4)
        self._extras()
        self._households()
        return FamilySnapshot(
            case_id=1, title="Generated family", reference=f"GEN-{self.size}",
            people=tuple(self.people.values()), partnerships=tuple(self.partnerships),
            parent_links=tuple(self.links), ties=tuple(self.ties), households=tuple(self.households),
            residences=tuple(self.residences), legal_statuses=tuple(self.legal),
        )

    def _extras(self) -> None:
        r = self.rng
        people = self.people
        kids_of: dict[int, list[int]] = {}
        for l in self.links:
            kids_of.setdefault(l.parent, []).append(l.child)
        # step-parents: a later partner of a parent gets a step link to young children
        by_person: dict[int, list[PartnershipView]] = {}
        for pr in self.partnerships:
            by_person.setdefault(pr.a, []).append(pr)
        for pid, prs in by_person.items():
            if len(prs) < 2:
                continue
            first, later = prs[0], prs[-1]
            for c in kids_of.get(pid, []):
                if any(l.child == c and l.parent == first.b for l in self.links) and r.random() < 0.4:
                    self.links.append(ParentLinkView(
                        id=self.nid("l"), parent=later.b, child=c, kind=ParentLinkKind.STEP,
                        parental_responsibility=TriState.NO,
                    ))
        children = [p for p in people.values() if p.birth and p.birth.year > TODAY.year - 18
                    and p.pregnancy is PregnancyOutcome.NONE]
        # foster / kinship carers: an unrelated couple of the grandparents' age
        for c in children:
            if r.random() < 0.05 and len(people) < self.size + self.size // 10 + 2:
                born = c.birth.year - r.randint(35, 55)
                g = self.gen[c.id] - 1
                a = self.person(Sex.FEMALE, born, g)
                kind = r.choice([ParentLinkKind.FOSTER, ParentLinkKind.KINSHIP])
                self.links.append(ParentLinkView(id=self.nid("l"), parent=a, child=c.id, kind=kind,
                                                 parental_responsibility=TriState.YES if kind is ParentLinkKind.KINSHIP else TriState.NO))
                if r.random() < 0.6:
                    b = self.person(Sex.MALE, born, g)
                    self.partnerships.append(PartnershipView(id=self.nid("r"), a=a, b=b, start=PartialDate(born + 25)))
                    self.links.append(ParentLinkView(id=self.nid("l"), parent=b, child=c.id, kind=kind))
                people[c.id] = _replace(people[c.id], looked_after=True)
                self.legal.append(LegalStatusView(id=self.nid("ls"), person=c.id, kind=LegalStatusKind.LOOKED_AFTER,
                                                  start=PartialDate(TODAY.year - 1)))
        # legal statuses and subjects among the youngest
        for c in children:
            x = r.random()
            if x < 0.1:
                self.legal.append(LegalStatusView(id=self.nid("ls"), person=c.id, kind=LegalStatusKind.CHILD_IN_NEED,
                                                  start=PartialDate(TODAY.year - 2)))
            elif x < 0.16:
                self.legal.append(LegalStatusView(id=self.nid("ls"), person=c.id, kind=LegalStatusKind.CHILD_PROTECTION,
                                                  start=PartialDate(TODAY.year - 1)))
        subjects = [c for c in children if c.birth.year >= TODAY.year - 12][:3]
        for c in subjects:
            people[c.id] = _replace(people[c.id], is_subject=True)
        # ties
        ids = sorted(people)
        n_ties = max(2, len(ids) // 10)
        adults = [p for p in ids if people[p].birth and people[p].birth.year < TODAY.year - 18]
        kin: dict[int, set[int]] = {p: set() for p in ids}
        for pr in self.partnerships:
            kin[pr.a].add(pr.b)
            kin[pr.b].add(pr.a)
        for l in self.links:
            kin[l.parent].add(l.child)
            kin[l.child].add(l.parent)
        for p in ids:  # siblings and grandparents through one parent
            for q in list(kin[p]):
                kin[p] |= {x for x in kin[q] if x != p and abs(self.gen[x] - self.gen[p]) <= 1}
        for _ in range(n_ties):
            kind = r.choice(list(TieKind))
            a = r.choice(adults if kind.directed and adults else ids)
            pool = sorted(kin[a]) if r.random() < 0.9 else [q for q in ids if abs(self.gen[q] - self.gen[a]) <= 1]
            pool = [q for q in pool if q != a]
            if not pool:
                continue
            b = r.choice(pool)
            self.ties.append(TieView(id=self.nid("t"), source=a, target=b, kind=kind,
                                     start=PartialDate(TODAY.year - r.randint(1, 10)),
                                     status=r.choice([FactStatus.REPORTED, FactStatus.ALLEGED, FactStatus.CONFIRMED])))
        # a few people with nobody: lodger / new boyfriend, no recorded kin
        for _ in range(max(0, self.size // 100)):
            self.person(Sex.MALE, r.randint(1975, 1995), 1)

    def _households(self) -> None:
        """Current couples live together with their young children; ex-partners apart."""
        r = self.rng
        people = self.people
        alive = {p for p, v in people.items() if not v.is_dead_on(TODAY) and v.pregnancy is PregnancyOutcome.NONE}
        parents_of: dict[int, list[int]] = {}
        for l in self.links:
            if l.kind in (ParentLinkKind.BIOLOGICAL, ParentLinkKind.ADOPTIVE):
                parents_of.setdefault(l.child, []).append(l.parent)
        carers = {l.child: l.parent for l in self.links if l.kind in (ParentLinkKind.FOSTER, ParentLinkKind.KINSHIP)}
        home: dict[int, int] = {}
        for pr in self.partnerships:
            if pr.end is None and pr.end_kind is PartnershipEnd.NONE and pr.a in alive and pr.b in alive:
                if pr.a in home or pr.b in home:
                    continue
                if pr.kind is PartnershipKind.DATING or r.random() < 0.15:
                    continue
                h = self._household(people[pr.a].family_name)
                home[pr.a] = home[pr.b] = h
        for c, ps in parents_of.items():
            v = people[c]
            if c not in alive or c in home or not v.birth or v.birth.year < TODAY.year - 18:
                continue
            if c in carers and carers[c] in alive:
                h = home.get(carers[c]) or self._household(people[carers[c]].family_name, HouseholdType.FOSTER_PLACEMENT)
                home[carers[c]] = h
                home[c] = h
                continue
            mums = [p for p in ps if people[p].sex is Sex.FEMALE and p in alive] or [p for p in ps if p in alive]
            if not mums:
                continue
            m = mums[0]
            if m not in home:
                home[m] = self._household(people[m].family_name)
            home[c] = home[m]
        for p, h in sorted(home.items()):
            start = people[p].birth.year if people[p].birth and people[p].birth.year > TODAY.year - 18 else TODAY.year - r.randint(1, 8)
            if r.random() < 0.2 and start < TODAY.year - 2:
                # a previous home, moved from two years ago
                prev = self._household(people[p].family_name, HouseholdType.TEMPORARY if r.random() < 0.5 else HouseholdType.FAMILY_HOME)
                self.residences.append(ResidenceView(id=self.nid("res"), person=p, household=prev,
                                                     start=PartialDate(start), end=PartialDate(TODAY.year - 2)))
                start = TODAY.year - 2
            self.residences.append(ResidenceView(id=self.nid("res"), person=p, household=h, start=PartialDate(start)))

    def _household(self, family: str, kind: HouseholdType = HouseholdType.FAMILY_HOME) -> int:
        hid = self.nid("h")
        streets = ["Oak Road", "Mill Lane", "High Street", "Park View", "Station Road", "Church Close"]
        label = f"{family} household" if kind is HouseholdType.FAMILY_HOME else kind.label
        self.households.append(HouseholdView(
            id=hid, label=label, address=f"{self.rng.randint(1, 120)} {self.rng.choice(streets)}", type=kind,
        ))
        return hid


def _replace(p: PersonView, **kw) -> PersonView:
    from dataclasses import replace

    return replace(p, **kw)


def generate_family(seed: int = 0, size: int = 25) -> FamilySnapshot:
    """A blended family of about ``size`` people; deterministic in ``(seed, size)``."""
    return _Gen(seed, max(4, size)).build()
