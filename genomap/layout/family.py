"""The genogram structure derived from a snapshot: unions, descent groups, partner chains.

Shared by the layout (what to give ``dot``) and the drawing (which lines to draw), so
both agree on which couple every child hangs from.

* A **union** is one pair of people with at least one partnership record (several
  records for the same pair -- married, divorced, remarried -- are one union), or an
  *implicit* union for two parents of a child with no partnership recorded.
* Every child hangs from exactly one **descent group** (its *primary* parents):
  the parents of the highest-priority link kind present (biological, then adoptive,
  kinship, foster, step).  Two primary parents -> their union; one -> that parent
  alone.  All other parent links are **secondary** lines drawn separately.
* Partners are chained in a row; each chain is ordered so that a person's partners
  sit beside them in order of partnership start (first partner on the left).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from datetime import date
from typing import Optional

from genomap.model.enums import ParentLinkKind, PregnancyOutcome
from genomap.store.snapshot import FamilySnapshot, ParentLinkView, PartnershipView, PersonView

PRIMARY_PRIORITY = (
    ParentLinkKind.BIOLOGICAL,
    ParentLinkKind.ADOPTIVE,
    ParentLinkKind.KINSHIP,
    ParentLinkKind.FOSTER,
    ParentLinkKind.STEP,
)

UnionKey = tuple[int, int]  # (smaller id, larger id)
GroupKey = tuple  # ("u", a, b) for a union, ("p", pid) for a single parent


# Sort keys are pure functions of frozen (hashable) values and are asked for many
# times per layout and again on every re-layout of the same family, so they are
# memoised by value; the memos are dropped wholesale when they grow large.
_MEMO_MAX = 200_000
_PD_KEYS: dict = {}


def _pd_key(d) -> tuple:
    if d is None:
        return (1, "")
    k = _PD_KEYS.get(d)
    if k is None:
        if len(_PD_KEYS) >= _MEMO_MAX:
            _PD_KEYS.clear()
        k = _PD_KEYS[d] = (0, d.sort_key())
    return k


def birth_key(p: PersonView) -> tuple:
    """Sibling order: birth date, then recorded birth order, then id."""
    bo = p.birth_order
    return (_pd_key(p.birth), bo if bo is not None else 1 << 30, p.id)


@dataclass
class Union:
    key: UnionKey
    partnerships: list[PartnershipView] = field(default_factory=list)  # by start

    @property
    def implicit(self) -> bool:
        return not self.partnerships

    def start_key(self) -> tuple:
        if not self.partnerships:
            # co-parents with no recorded relationship: after every recorded one,
            # in the same shape so the keys always compare
            return ((1, ""), 1 << 62)
        p = self.partnerships[0]
        return (_pd_key(p.start), p.id)

    def current(self, day: Optional[date]) -> Optional[PartnershipView]:
        """The partnership record that describes the pair on ``day`` (latest started)."""
        if not self.partnerships:
            return None
        if day is None:
            return self.partnerships[-1]
        started = [p for p in self.partnerships if p.started_on(day)]
        return started[-1] if started else None


@dataclass
class FamilyStructure:
    snapshot: FamilySnapshot
    people: dict[int, PersonView]
    unions: dict[UnionKey, Union]
    groups: dict[GroupKey, list[int]]  # descent group -> children in birth order
    child_group: dict[int, GroupKey]
    primary_links: dict[int, list[ParentLinkView]]  # child -> links of its group
    secondary_links: list[ParentLinkView]
    partners: dict[int, list[int]]  # person -> partners in start order
    chains: list[list[int]]  # partner components, each in left-to-right order

    def group_parents(self, g: GroupKey) -> tuple[int, ...]:
        return tuple(g[1:])

    def chain_pos(self, pid: int) -> tuple[int, int]:
        idx = self.__dict__.get("_chain_pos")
        if idx is None:
            idx = {p: (ci, i) for ci, ch in enumerate(self.chains) for i, p in enumerate(ch)}
            self.__dict__["_chain_pos"] = idx
        return idx[pid]

    def chain_index(self) -> dict[int, int]:
        """Person -> index of their chain in :attr:`chains`."""
        idx = self.__dict__.get("_chain_index")
        if idx is None:
            idx = {p: ci for ci, ch in enumerate(self.chains) for p in ch}
            self.__dict__["_chain_index"] = idx
        return idx

    def birth_keys(self) -> dict[int, tuple]:
        """Person -> :func:`birth_key`."""
        bk = self.__dict__.get("_birth_keys")
        if bk is None:
            bk = {pid: birth_key(p) for pid, p in self.people.items()}
            self.__dict__["_birth_keys"] = bk
        return bk

    def adjacent(self, key: UnionKey) -> bool:
        """Are the two partners of a union next to each other in their chain?"""
        idx = self.__dict__.get("_chain_pos")
        if idx is None:
            self.chain_pos(key[0])
            idx = self.__dict__["_chain_pos"]
        (ca, ia), (cb, ib) = idx[key[0]], idx[key[1]]
        return ca == cb and abs(ia - ib) == 1

    def outer_partner(self, key: UnionKey) -> int:
        """For a non-adjacent union (a hub's 3rd+ partner): the partner its children hang beside."""
        a, b = key
        da, db = len(self.partners[a]), len(self.partners[b])
        if da != db:
            return a if da < db else b
        return a if self.chain_pos(a)[1] > self.chain_pos(b)[1] else b


def _chain_order(component: set[int], partners: dict[int, list[int]], people: dict[int, PersonView],
                 bk: Optional[dict[int, tuple]] = None) -> list[int]:
    """Order one partner component left to right.

    A path (nobody with more than two partners) is laid out as the path, oriented so
    that the person with the most partners has their first partner on the left.  A
    component with a hub (3+ partners) puts the hub's first partner on the left, the
    hub next, then the other partners in start order (later ones get lowered lines).
    """
    if len(component) == 1:
        return list(component)
    degree = {p: len(partners[p]) for p in component}
    if max(degree.values()) <= 2:
        key = bk.__getitem__ if bk is not None else (lambda p: birth_key(people[p]))
        ends = sorted((p for p in component if degree[p] == 1), key=key)
        if not ends:  # a cycle: break it at the smallest id
            start = min(component)
        else:
            start = ends[0]
        order = [start]
        seen = {start}
        while True:
            nxt = [q for q in partners[order[-1]] if q not in seen]
            if not nxt:
                break
            order.append(nxt[0])
            seen.add(nxt[0])
        for p in sorted(component - seen):  # leftovers of a cycle
            order.append(p)
        # orientation: for the middle people, first partner should be on the left
        votes = 0
        pos = {p: i for i, p in enumerate(order)}
        for p in order:
            ps = partners[p]
            if len(ps) == 2:
                votes += 1 if pos[ps[0]] < pos[ps[1]] else -1
        if votes < 0:
            order.reverse()
        return order
    # hub component
    hub = max(sorted(component), key=lambda p: degree[p])
    ps = list(partners[hub])
    order = [ps[0], hub] + ps[1:]
    seen = set(order)
    # partners' other partners go beside them on the outside (best effort)
    result = list(order)
    for p in ps:
        for q in partners[p]:
            if q not in seen:
                idx = result.index(p)
                if idx == 0:
                    result.insert(0, q)
                else:
                    result.insert(idx + 1, q)
                seen.add(q)
    for p in sorted(component - seen):
        result.append(p)
    return result


_PRIORITY_INDEX = {k: i for i, k in enumerate(PRIMARY_PRIORITY)}
_by_id = attrgetter("id")
_first_two = itemgetter(0, 1)
_NO_PRIORITY = len(PRIMARY_PRIORITY)


def derive_structure(snapshot: FamilySnapshot) -> FamilyStructure:
    """Unions, descent groups, chains.  Deterministic: depends on ids and dates only."""
    people = {p.id: p for p in snapshot.people}
    pd_keys = _PD_KEYS
    bk: dict[int, tuple] = {}  # == birth_key(p), inlined
    for pid, p in people.items():
        d = p.birth
        k = (1, "") if d is None else (pd_keys.get(d) or _pd_key(d))
        bo = p.birth_order
        bk[pid] = (k, bo if bo is not None else 1 << 30, pid)
    unions: dict[UnionKey, Union] = {}
    partners: dict[int, list[int]] = defaultdict(list)
    pd_keys = _PD_KEYS
    by_start = [
        ((1, "") if r.start is None else (pd_keys.get(r.start) or _pd_key(r.start)), r.id, r)
        for r in snapshot.partnerships
    ]
    by_start.sort(key=_first_two)  # == sorted(..., key=lambda r: (_pd_key(r.start), r.id))
    for _, _, r in by_start:
        a, b = r.a, r.b
        if a not in people or b not in people or a == b:
            continue
        key = (a, b) if a < b else (b, a)
        u = unions.get(key)
        if u is None:
            u = unions[key] = Union(key)
            partners[a].append(b)
            partners[b].append(a)
        u.partnerships.append(r)

    links_by_child: dict[int, list[ParentLinkView]] = defaultdict(list)
    for l in sorted(snapshot.parent_links, key=_by_id):
        if l.parent in people and l.child in people and l.parent != l.child:
            links_by_child[l.child].append(l)

    groups: dict[GroupKey, list[int]] = defaultdict(list)
    child_group: dict[int, GroupKey] = {}
    primary_links: dict[int, list[ParentLinkView]] = {}
    secondary: list[ParentLinkView] = []
    prio = _PRIORITY_INDEX
    for child, links in links_by_child.items():
        k0 = links[0].kind
        if len(links) == 1 or (len(links) == 2 and links[1].kind is k0 and links[0].parent != links[1].parent):
            prim = links  # the common cases: one link, or two parents by the same kind of link
        else:
            # the highest-priority kind present (else the first link's kind)
            best = min(prio.get(l.kind, _NO_PRIORITY) for l in links)
            kind = PRIMARY_PRIORITY[best] if best < _NO_PRIORITY else links[0].kind
            prim = [l for l in links if l.kind is kind]
            if len(prim) > 2:
                # prefer a pair that is a recorded couple
                pairs = [(a, b) for i, a in enumerate(prim) for b in prim[i + 1:]
                         if (min(a.parent, b.parent), max(a.parent, b.parent)) in unions]
                prim = list(pairs[0]) if pairs else prim[:2]
            if len(prim) == 2 and prim[0].parent == prim[1].parent:
                prim = prim[:1]
            if len(prim) < len(links):
                prim_ids = {l.id for l in prim}
                secondary.extend(l for l in links if l.id not in prim_ids)
        primary_links[child] = prim
        if len(prim) == 2:
            a, b = prim[0].parent, prim[1].parent
            if a > b:
                a, b = b, a
            if (a, b) not in unions:
                unions[(a, b)] = Union((a, b))
                partners[a].append(b)
                partners[b].append(a)
            g: GroupKey = ("u", a, b)
        else:
            g = ("p", prim[0].parent)
        groups[g].append(child)
        child_group[child] = g
    by_birth = bk.__getitem__
    for kids in groups.values():
        if len(kids) > 1:
            kids.sort(key=by_birth)

    # partner lists in start order (implicit unions last)
    ordered_partners: dict[int, list[int]] = {pid: [] for pid in people}  # in people order
    for pid, ps in partners.items():
        if len(ps) == 1:
            ordered_partners[pid] = [ps[0]]
        else:
            ordered_partners[pid] = sorted(
                ps, key=lambda q: (unions[(pid, q) if pid < q else (q, pid)].start_key(), q)
            )

    # partner components
    seen: set[int] = set()
    chains: list[list[int]] = []
    for pid in sorted(people):
        ps = ordered_partners[pid]
        if not ps:  # nobody's partner: never reached from anyone else
            chains.append([pid])
            continue
        if pid in seen:
            continue
        if len(ps) == 1 and len(ordered_partners[ps[0]]) == 1:
            # a couple on their own: == _chain_order (the ends by birth)
            q = ps[0]
            seen.add(pid)
            seen.add(q)
            chains.append([pid, q] if bk[pid] <= bk[q] else [q, pid])
            continue
        comp = set()
        stack = [pid]
        while stack:
            x = stack.pop()
            if x in comp:
                continue
            comp.add(x)
            stack.extend(ordered_partners[x])
        seen |= comp
        chains.append(_chain_order(comp, ordered_partners, people, bk))
    fs = FamilyStructure(
        snapshot=snapshot,
        people=people,
        unions=unions,
        groups=dict(groups),
        child_group=child_group,
        primary_links=primary_links,
        secondary_links=secondary,
        partners=ordered_partners,
        chains=chains,
    )
    fs.__dict__["_birth_keys"] = bk
    return fs


def is_small(p: PersonView) -> bool:
    """Pregnancy-loss records are drawn as small symbols."""
    return p.pregnancy in (PregnancyOutcome.MISCARRIAGE, PregnancyOutcome.TERMINATION, PregnancyOutcome.STILLBIRTH)
