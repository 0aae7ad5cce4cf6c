"""Layout engine: snapshot -> :class:`Layout` (rows, x positions, lanes).

Steps:

1. :func:`~genomap.layout.family.derive_structure` (unions, descent groups, chains);
2. DOT via :mod:`.dot`, ``dot -Tplain``, piece by piece when the graph falls apart
   into unconnected pieces; dot decides generations, order and x;
3. post-process, all deterministic:

   * snap each generation (dot rank) to one row; row heights follow the tallest
     label in the row, so the gap between rows is even and labels never collide;
   * make every partner chain one contiguous block in its chain order;
   * put each sibship in birth order (permuting the sibling blocks among their
     own slots, so nobody else moves);
   * **households**: blocks are regrouped so that people who live in the same
     household (as at the layout's household date) are adjacent in their row,
     unless that would break a sibship's birth order or a partner chain.  The
     drawing then outlines each household as a union of per-row runs of members
     (an orthogonal rounded polygon), splitting it into several linked pieces
     only when kinship order wins -- so a boundary *never* contains a non-member;
   * x positions: dot's x as targets, then the least-squares placement that keeps
     the minimum gaps (pool-adjacent-violators), so dot's picture survives but
     nothing overlaps;
   * sibship lines in the band above each row get separate lanes when their
     horizontal extents overlap, so two sibships never share a line.

Layouts are cached by the snapshot's structure plus what changes sizes (labels)
and the household grouping; moving the as-at date redraws without re-running dot.

API -- blocking and non-blocking:

* ``compute_layout(snapshot, household_day=None, params=DotParams()) -> Layout``
  and ``cached_layout(snapshot, household_day=None) -> Layout`` (memoised,
  thread-safe) block until the layout is done.
* ``start_layout(...) -> LayoutJob`` and ``start_cached_layout(snapshot,
  household_day=None) -> LayoutJob`` do all the Python work before dot, start
  ``dot`` as a child process and return at once, so the caller can work (e.g.
  prepare the drawing's inputs) while dot runs on another core::

      job = start_cached_layout(snapshot)     # dot now runs in the background
      ...                                     # other work
      lay = job.result()                      # waits, parses, post-processes

  ``job.result()`` raises the Graphviz errors (``GraphvizMissing``,
  ``GraphvizFailed`` including the timeout); it may be called from any thread,
  and repeated calls return the same :class:`Layout`.  ``job.done()`` says whether
  ``result()`` would still wait for dot; ``job.cancel()`` kills dot.  A cache hit
  gives a job that is already done; a miss stores the layout when ``result()``
  finishes.  A job that is dropped unfinished kills and reaps its dot process when
  garbage-collected.  ``Layout.timings``: ``build`` (Python before dot), ``dot``
  (start of dot to its output, including the caller's work if ``result()`` came
  late), ``during_dot`` (post-processing set-up that does not need dot's output,
  done by ``result()`` before it waits), ``wait`` (time ``result()`` spent waiting
  for dot), ``post`` (parsing and post-processing after dot).

Speed (issue 3): everything around dot is plain Python kept lean -- memoised
footprints and date keys (by value, so re-layouts after an edit reuse them), row
placement and drop points precomputed once per layout, ``dot -Tplain`` (see
:mod:`.dot`).  Given the same dot coordinates, the post-processing gives bit-for-bit
the same layout as the straightforward version it replaced (checked on 150
generated families); keep it so when changing this module.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate, groupby
from operator import add, attrgetter, sub
from typing import Optional

from genomap.drawing import style
from genomap.drawing.text import label_size, person_label
from genomap.layout.dot import (
    DotParams, DotRun, GraphvizFailed, build_dot_parts, pack_pieces, parse_people, parse_pieces, person_node, start_dot,
    union_node,
)
from genomap.layout.family import FamilyStructure, GroupKey, UnionKey, _pd_key, derive_structure, is_small
from genomap.model.enums import PregnancyOutcome, ResidenceKind
from genomap.store.snapshot import FamilySnapshot


@dataclass
class Layout:
    """Where everything goes.  Points, y down, origin at the page's top-left."""

    structure: FamilyStructure
    x: dict[int, float]  # person -> symbol centre x
    row_of: dict[int, int]  # person -> row index
    rows: list[list[int]]  # people per row, left to right
    row_y: list[float]  # symbol centre y per row
    footprint: dict[int, float]  # person -> width reserved in the row
    label_h: dict[int, float]  # person -> label height
    row_label_bottom: list[float]
    union_x: dict[UnionKey, float]
    group_lane: dict[tuple[GroupKey, int], int]  # (group, child row) -> lane (0 = nearest the children)
    extra_lanes: dict[int, int]  # row -> lanes used above it by secondary links / hub lines
    sib_lanes: list[int]  # row -> sibship lanes in the band above it (extra lanes come after)
    household_hint: dict[int, int]
    width: float
    height: float
    # a hub's further partner on the same row: the union's line runs below the row
    # (under the labels), in this lane of that band (0 = nearest the labels)
    low_lane: dict[UnionKey, int] = field(default_factory=dict)
    dot_source: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def symbol_top(self, pid: int) -> float:
        return self.row_y[self.row_of[pid]] - style.SYMBOL / 2

    def lane_y(self, row: int, lane: int) -> float:
        """y of a horizontal line in lane ``lane`` of the band above ``row``."""
        return self.row_y[row] - style.SYMBOL / 2 - style.SIBSHIP_DROP - lane * style.LANE_STEP

    def low_y(self, row: int, lane: int = 0) -> float:
        """y of a lowered partnership line (lane ``lane``) in the band below ``row``'s labels."""
        return self.row_label_bottom[row] + LOW_GAP + lane * style.LANE_STEP

    def position(self, pid: int) -> tuple[float, float]:
        return (self.x[pid], self.row_y[self.row_of[pid]])


import os as _os

#: Graphviz output format the layout reads: "plain" (faster; see :mod:`.dot` for
#: its precision) or "json0".
DOT_FORMAT = _os.environ.get("GENOMAP_DOT_FORMAT", "plain")

LOW_GAP = 13.0  # label bottom to the first lowered partnership line


def lowered(fs: FamilyStructure, row_of, key: UnionKey) -> bool:
    """A union drawn with a lowered line: partners on one row but not side by side
    (a person's third or later partner, with another partner in between)."""
    return not fs.adjacent(key) and row_of[key[0]] == row_of[key[1]]


# -- helpers --------------------------------------------------------------------

def household_hint(snapshot: FamilySnapshot, day: Optional[date] = None) -> dict[int, int]:
    """Each person's main household for layout grouping.

    The household they live in on ``day`` (default: today); failing that, their
    most recent 'lives' residence.
    """
    day = day or date.today()

    def rank(r) -> tuple:
        start = _pd_key(r.start)[1] if r.start is not None else ""
        return (1 if r.active_on(day) else 0, start, r.id)

    best: dict[int, object] = {}  # person -> their best residence so far
    ranks: dict[int, tuple] = {}  # ranked lazily: most people have one residence
    lives = ResidenceKind.LIVES
    for r in snapshot.residences:
        if r.kind is not lives:
            continue
        cur = best.get(r.person)
        if cur is None:
            best[r.person] = r
            continue
        kc = ranks.get(id(cur))
        if kc is None:
            kc = ranks[id(cur)] = rank(cur)
        kr = ranks[id(r)] = rank(r)
        if kr > kc:
            best[r.person] = r
    return {p: r.household for p, r in best.items()}


#: The fields of a person that their label (so their footprint) is made of: what
#: :func:`~genomap.drawing.text.person_label` reads with ``as_at=None``, plus
#: ``adopted`` (brackets).  Keys the footprint memo and the layout cache.
label_fields = attrgetter(
    "given_names", "family_name", "known_as", "birth", "death", "deceased", "is_subject", "pregnancy", "adopted",
)


def footprint_of(person) -> tuple[float, float]:
    """(width reserved in the row, label height) for a person.

    Memoised on :data:`label_fields`: a pure function of them, asked for everyone on
    every re-layout although edits change few people.
    """
    key = label_fields(person)
    fp = _FOOTPRINTS.get(key)
    if fp is None:
        lines = person_label(person, None)
        w, h = label_size(lines)
        sym = style.SYMBOL
        if person.adopted:
            sym += 2 * style.BRACKET_GAP + 6
        fp = (max(sym, w) + 2.0, h)
        if len(_FOOTPRINTS) >= _FOOTPRINTS_MAX:
            _FOOTPRINTS.clear()
        _FOOTPRINTS[key] = fp
    return fp


_FOOTPRINTS: dict = {}
_FOOTPRINTS_FAST: dict = {}  # the same, keyed for _prepare
_FOOTPRINTS_MAX = 100_000


def _pava(targets: list[float], gaps: list[float]) -> list[float]:
    """Least-squares x with x[i+1] - x[i] >= gaps[i], nearest to ``targets``."""
    n = len(targets)
    if n == 0:
        return []
    offs = list(accumulate(gaps[:n - 1], initial=0.0))
    # pool adjacent violators: blocks as (sum, count, mean); a new value merges into
    # the blocks before it while their mean is above its own
    sums: list[float] = []
    counts: list[int] = []
    means: list[float] = []
    for v in map(sub, targets, offs):
        if means and means[-1] > v:
            c = 1
            while True:
                v = sums.pop() + v
                c = counts.pop() + c
                means.pop()
                m = v / c
                if not means or not means[-1] > m:
                    break
            sums.append(v)
            counts.append(c)
            means.append(m)
        else:
            sums.append(v)
            counts.append(1)
            means.append(v)
    if len(sums) == n:
        return list(map(add, sums, offs))
    out: list[float] = []
    for v, c in zip(sums, counts):
        if c == 1:
            out.append(v)
        else:
            out.extend([v / c] * c)
    return list(map(add, out, offs))


# -- the engine -------------------------------------------------------------------

@dataclass
class _Prepared:
    """Everything computed before dot runs (see :func:`start_layout`)."""

    fs: FamilyStructure
    widths: dict[int, float]
    label_h: dict[int, float]
    hint: dict[int, int]
    src: str
    parts: list[str] = field(default_factory=list)  # the graph's pieces (build_dot_parts), if several
    params: DotParams = DotParams()
    static: Optional["_Static"] = None  # filled in while dot runs (see _Static)
    hint_of: tuple = ()  # (snapshot, household_day) when hint is still to be worked out

    def ensure_hint(self) -> dict[int, int]:
        if self.hint is None:
            self.hint = household_hint(*self.hint_of)
        return self.hint


class _Static:
    """What the post-processing needs that does not depend on dot's output, worked
    out while dot runs (:meth:`LayoutJob.result` does it before waiting), so it is
    off the critical path: the structure's indexes, each descent group's drop case
    and stub, the hub partnerships, and the sibships in the order they are sorted."""

    __slots__ = ("groups", "hubs", "sibships")

    def __init__(self, fs: FamilyStructure, widths) -> None:
        fs.chain_index()
        _birth_ranks(fs)
        half_sep = style.NODE_SEP / 2
        groups: dict[GroupKey, tuple] = {}
        for g in fs.groups:
            if g[0] == "u":
                key = (g[1], g[2])
                if fs.adjacent(key):
                    groups[g] = (True, None, None, 0.0)
                else:
                    p = fs.outer_partner(key)
                    groups[g] = (False, p, g[2] if p == g[1] else g[1], widths[p] / 2 + half_sep)
            else:
                groups[g] = (False, g[1], None, widths[g[1]] / 2 + half_sep)
        self.groups = groups
        self.hubs = [k for k in fs.unions if not fs.adjacent(k)]
        # sibships of 2+ in the order _order_row visits them
        sib = [(g, kids) for g, kids in fs.groups.items() if len(kids) > 1]
        sib.sort(key=lambda gk: str(gk[0]))
        self.sibships = sib


def _prepare(snapshot: FamilySnapshot, hint: Optional[dict[int, int]], params: DotParams,
             household_day: Optional[date] = None) -> _Prepared:
    """Everything before dot.  ``hint=None``: :func:`household_hint` for
    ``household_day`` is worked out here only if the DOT source needs it (people
    without kin, household clusters); otherwise it is left to :class:`LayoutJob`,
    which works it out while dot runs."""
    fs = derive_structure(snapshot)
    people = fs.people
    widths: dict[int, float] = {}
    label_h: dict[int, float] = {}
    # footprint_of(p), memoised on a key that is quick to hash: label_fields(p) with
    # the dates as their (memoised) sort keys -- storage strings, which round-trip --
    # and the pregnancy outcome (a singleton) by id
    memo = _FOOTPRINTS_FAST
    bk = fs.birth_keys()
    for pid, p in people.items():
        d = p.death
        key = (p.given_names, p.family_name, p.known_as, bk[pid][0], None if d is None else _pd_key(d),
               p.deceased, p.is_subject, id(p.pregnancy), p.adopted)
        fp = memo.get(key)
        if fp is None:
            fp = footprint_of(p)
            if len(memo) >= _FOOTPRINTS_MAX:
                memo.clear()
            memo[key] = fp
        widths[pid], label_h[pid] = fp

    # isolated people (no kin at all) rank with a housemate of the nearest age
    connected = set(fs.child_group) | {p for g in fs.groups for p in g[1:]}
    connected |= {p for ch in fs.chains if len(ch) > 1 for p in ch}
    connected |= {l.parent for l in fs.secondary_links} | {l.child for l in fs.secondary_links}
    rank_with: dict[int, int] = {}
    isolated = [pid for pid in sorted(people) if pid not in connected]
    if hint is None and (isolated or params.household_clusters):
        hint = household_hint(snapshot, household_day)
    by_house: dict[int, list[int]] = defaultdict(list)
    if isolated:
        for p, h in hint.items():
            if p in people:
                by_house[h].append(p)
    for pid in isolated:
        if pid not in hint:
            continue
        mates = [q for q in by_house[hint[pid]] if q != pid and q in connected]
        if mates:
            by = people[pid].birth
            def dist(q, by=by):
                bq = people[q].birth
                if by is None or bq is None:
                    return (1, q)
                return (0, abs(by.representative().toordinal() - bq.representative().toordinal()), q)
            rank_with[pid] = min(mates, key=dist)

    src, parts = build_dot_parts(fs, widths, params=params, rank_with=rank_with, household_of=hint)
    prep = _Prepared(fs, widths, label_h, hint, src, parts, params)
    prep.hint_of = (snapshot, household_day)
    return prep


class LayoutJob:
    """A layout in progress: ``dot`` runs in a child process until :meth:`result`.

    Made by :func:`start_layout` / :func:`start_cached_layout`.  :meth:`result` waits
    for dot, then parses and post-processes (once; later calls return the same
    :class:`Layout`, from any thread).  Graphviz problems (:class:`GraphvizMissing`,
    :class:`~genomap.layout.dot.GraphvizFailed`, the timeout) are raised by
    :meth:`result`, never by the start functions.  A job dropped without
    :meth:`result` (or :meth:`cancel`-led) kills its dot process when it is
    garbage-collected.
    """

    def __init__(self, prep: Optional[_Prepared] = None, run: Optional[DotRun] = None,
                 layout: Optional[Layout] = None, build_time: float = 0.0, on_done=None,
                 pieces: Optional[list[int]] = None) -> None:
        self._prep = prep
        self._run = run
        self._pieces = pieces  # dot lays out the graph's pieces (prep.parts) in this order, not prep.src
        self._layout = layout
        self._error: Optional[BaseException] = None
        self._build_time = build_time
        self._on_done = on_done
        self._lock = threading.Lock()

    @classmethod
    def finished(cls, layout: Layout) -> "LayoutJob":
        """A job that is already done (e.g. a cache hit)."""
        return cls(layout=layout)

    @property
    def dot_source(self) -> str:
        return self._prep.src if self._prep is not None else (self._layout.dot_source if self._layout else "")

    def done(self) -> bool:
        """True when :meth:`result` will not wait for dot (it may still post-process)."""
        return self._layout is not None or self._error is not None or (self._run is not None and self._run.done())

    def cancel(self) -> None:
        """Stop dot now if it is still running; :meth:`result` then raises."""
        if self._run is not None and self._layout is None:
            self._run.cancel()

    def result(self) -> Layout:
        """Wait for dot and return the finished :class:`Layout` (raises Graphviz errors)."""
        with self._lock:
            if self._layout is not None:
                return self._layout
            if self._error is not None:
                raise self._error
            assert self._prep is not None and self._run is not None
            t0 = time.perf_counter()
            if self._prep.static is None:  # while dot runs
                self._prep.ensure_hint()
                self._prep.static = _Static(self._prep.fs, self._prep.widths)
            t1 = time.perf_counter()
            try:
                output = self._run.output()
            except BaseException as exc:
                self._error = exc
                raise
            t2 = time.perf_counter()
            dot_time = time.monotonic() - self._run.started
            if self._run.fmt == "plain":  # the whole graph, or its pieces one by one
                params = self._prep.params
                order = self._pieces or [0]
                laid = parse_pieces(output)
                if len(laid) != len(order):
                    self._error = GraphvizFailed("Graphviz could not lay out this family: its output was cut short.")
                    raise self._error
                pieces: list = [None] * len(laid)
                for i, piece in zip(order, laid):
                    pieces[i] = piece
                pos = pack_pieces(pieces, params.node_sep, params.rank_sep + params.symbol)
            else:
                pos = parse_people(output)
            lay = _finish(self._prep, pos)
            t3 = time.perf_counter()
            lay.timings = {"build": self._build_time, "dot": dot_time, "wait": t2 - t1, "post": t3 - t2,
                           "during_dot": t1 - t0}
            self._layout = lay
            self._prep = None
            self._run = None
            on_done, self._on_done = self._on_done, None
        if on_done is not None:
            on_done(lay)
        return lay


def start_layout(
    snapshot: FamilySnapshot,
    household_day: Optional[date] = None,
    params: DotParams = DotParams(),
    *,
    hint: Optional[dict[int, int]] = None,
) -> LayoutJob:
    """Prepare the layout and start ``dot`` in the background; return at once.

    Everything before dot (structure, label footprints, household hints, the DOT
    source) runs here, in the caller's thread; then dot starts as a child process and
    the caller may do other work (dot runs on another core) before calling
    :meth:`LayoutJob.result`.  ``hint`` is :func:`household_hint` for ``household_day``
    when the caller has it already.
    """
    t0 = time.perf_counter()
    prep = _prepare(snapshot, hint, params, household_day)
    # one dot process either way: the main thread has work of its own while dot runs
    # (preparing the drawing), so a second dot process would only compete for the cores
    text, pieces = _dot_text(prep)
    run = start_dot(text, DOT_FORMAT)
    t1 = time.perf_counter()
    return LayoutJob(prep, run, build_time=t1 - t0, pieces=pieces)


def dot_input(snapshot: FamilySnapshot, household_day: Optional[date] = None, params: DotParams = DotParams()) -> str:
    """What the layout gives ``dot``: the family's graph (``Layout.dot_source``), or its
    pieces one after another when it falls apart into several (benchmarks time it)."""
    return _dot_text(_prepare(snapshot, None, params, household_day))[0]


def _dot_text(prep: _Prepared) -> tuple[str, Optional[list[int]]]:
    """The text dot is given and, when it is the graph's pieces (``-Tplain`` only: the
    json0 reader takes one graph), the order they are in: smallest first.  dot frees
    each graph's layout before it reads the next, which for a big graph costs about a
    third of its layout (a 3,000-person family tree: ~300 ms); the last one it never
    frees."""
    if prep.parts and DOT_FORMAT == "plain":
        parts = prep.parts
        order = sorted(range(len(parts)), key=lambda i: len(parts[i]))
        return "".join([parts[i] for i in order]), order
    return prep.src, None


def compute_layout(
    snapshot: FamilySnapshot,
    household_day: Optional[date] = None,
    params: DotParams = DotParams(),
) -> Layout:
    """Lay out a family (all people ever recorded; the drawing hides the unborn).

    The blocking form of :func:`start_layout`.
    """
    return start_layout(snapshot, household_day, params).result()


def _finish(prep: _Prepared, pos: dict[int, tuple[float, float]]) -> Layout:
    """Post-processing: dot's positions (person id -> (x, y), y down) -> rows, order,
    x, lanes, row heights."""
    fs, widths, label_h, hint = prep.fs, prep.widths, prep.label_h, prep.ensure_hint()
    people = fs.people
    # rows from dot ranks
    # (round(y, 1) per distinct y: every node of a rank has the same y)
    rounded = {y: round(y, 1) for y in {pos[p][1] for p in people}}
    ys = sorted(set(rounded.values()))
    rank_index = {y: ys.index(ry) for y, ry in rounded.items()}
    rows: list[list[int]] = [[] for _ in ys]
    row_of: dict[int, int] = {}
    dot_x: dict[int, float] = {}
    for p in people:
        x, y = pos[p]
        r = rank_index[y]
        rows[r].append(p)
        row_of[p] = r
        dot_x[p] = x

    static = prep.static or _Static(fs, widths)
    drops = _Drops(fs, widths, row_of, static)
    rows, x, placers = _order_and_place(fs, rows, row_of, dot_x, widths, hint, drops, static.sibships)
    # keep couples' children under them: a light second pass nudging parents
    x = _center_parents(fs, rows, row_of, x, widths, hint, drops=drops, placers=placers)

    # normalise to the page margin
    min_left = min([x[p] - widths[p] / 2 for p in people]) if people else 0.0
    shift = style.MARGIN + style.HOUSEHOLD_PAD - min_left
    x = {p: v + shift for p, v in x.items()}

    union_x = {}
    for key in fs.unions:
        a, b = key
        union_x[key] = (x[a] + x[b]) / 2

    # lanes for sibship lines in each band
    group_lane: dict[tuple[GroupKey, int], int] = {}
    lanes_per_row = [1] * len(rows)
    segs_by_row: dict[int, list[tuple[float, float, GroupKey]]] = defaultdict(list)
    for g, kids in fs.groups.items():
        drop = drops(g, x)
        r0 = row_of[kids[0]]
        if all(row_of[k] == r0 for k in kids):
            xs = [x[k] for k in kids]
            xs.append(drop)
            segs_by_row[r0].append((min(xs), max(xs), g))
            continue
        krow: dict[int, list[int]] = defaultdict(list)
        for k in kids:
            krow[row_of[k]].append(k)
        for r, ks in krow.items():
            xs = [x[k] for k in ks] + [drop]
            segs_by_row[r].append((min(xs), max(xs), g))
    for r, segs in segs_by_row.items():
        _sort_segments(segs)
        lane_end: list[float] = []
        for lo, hi, g in segs:
            for li, end in enumerate(lane_end):
                if lo > end + 24:  # closer than that, two sibship lines at one height read as one
                    lane_end[li] = hi
                    group_lane[(g, r)] = li
                    break
            else:
                lane_end.append(hi)
                group_lane[(g, r)] = len(lane_end) - 1
        lanes_per_row[r] = max(1, len(lane_end))
    extra_lanes = {r: 0 for r in range(len(rows))}
    # hub partnerships (non-adjacent partners): lowered below the row when both are on
    # it, else routed over the row
    low_lane: dict[UnionKey, int] = {}
    low_used: dict[int, int] = defaultdict(int)
    for key in sorted(static.hubs, key=lambda k: (abs(x[k[0]] - x[k[1]]), k)):
        if row_of[key[0]] == row_of[key[1]]:  # lowered
            low_lane[key] = low_used[row_of[key[0]]]
            low_used[row_of[key[0]]] += 1
        else:
            extra_lanes[row_of[key[0]]] += 1
    # secondary links each get a lane in the band above the child
    for l in fs.secondary_links:
        extra_lanes[row_of[l.child]] += 1
        if row_of[l.parent] + 1 < row_of[l.child]:
            extra_lanes[row_of[l.parent] + 1] += 1

    # row y: symbol centre; band above row r holds its lanes
    row_y: list[float] = []
    row_label_bottom: list[float] = []
    top_pad = style.MARGIN + 16.0  # room for household labels above the first row
    for r, row in enumerate(rows):
        lanes = lanes_per_row[r] + extra_lanes[r]
        band = style.SIBSHIP_DROP + (lanes - 1) * style.LANE_STEP
        if r == 0:
            y = top_pad + (band if extra_lanes[r] else 0) + style.SYMBOL / 2
        else:
            low = max(0, low_used[r - 1] - 1) * style.LANE_STEP  # room for more lowered lines
            y = row_label_bottom[-1] + style.ROW_GAP + low + band + style.SYMBOL / 2
        row_y.append(y)
        lh = max(map(label_h.__getitem__, row), default=0.0)
        row_label_bottom.append(y + style.SYMBOL / 2 + style.LABEL_GAP + lh)
    width = max([x[p] + widths[p] / 2 for p in people], default=0.0) + style.MARGIN + style.HOUSEHOLD_PAD
    height = (row_label_bottom[-1] if row_label_bottom else 0.0) + style.MARGIN + style.HOUSEHOLD_PAD
    return Layout(
        structure=fs, x=x, row_of=row_of, rows=rows, row_y=row_y, footprint=widths,
        label_h=label_h, row_label_bottom=row_label_bottom, union_x=union_x,
        group_lane=group_lane, extra_lanes=extra_lanes, sib_lanes=lanes_per_row, household_hint=hint, low_lane=low_lane,
        width=width, height=height, dot_source=prep.src,
    )


def _sort_segments(segs: list[tuple[float, float, GroupKey]]) -> None:
    """Sort by (lo, hi, str(group)) -- str only where lo and hi tie."""
    segs.sort(key=lambda s: (s[0], s[1]))
    i, n = 0, len(segs)
    while i < n:
        j = i + 1
        while j < n and segs[j][0] == segs[i][0] and segs[j][1] == segs[i][1]:
            j += 1
        if j - i > 1:
            segs[i:j] = sorted(segs[i:j], key=lambda s: str(s[2]))
        i = j


def _drop_x(fs: FamilyStructure, g: GroupKey, x, widths, row_of) -> float:
    """x where a descent group's line comes down: union midpoint or a parent's side stub."""
    if g[0] == "u" and (fs.adjacent((g[1], g[2])) or lowered(fs, row_of, (g[1], g[2]))):
        return (x[g[1]] + x[g[2]]) / 2  # the partnership line's midpoint (lowered or not)
    p, side = drop_parent(fs, g, x)
    return x[p] + side * (widths[p] / 2 + style.NODE_SEP / 2)


class _Drops:
    """:func:`_drop_x` for every descent group, with what does not depend on x
    (which case applies, which parent, the stub length) worked out once."""

    __slots__ = ("fs", "spec")

    def __init__(self, fs: FamilyStructure, widths, row_of, static: Optional[_Static] = None) -> None:
        self.fs = fs
        spec: dict[GroupKey, tuple] = {}
        if static is not None:
            for g, (adjacent, p, other, stub) in static.groups.items():
                if g[0] == "u":
                    if adjacent or row_of[g[1]] == row_of[g[2]]:  # adjacent or lowered
                        spec[g] = (0, g[1], g[2], 0.0)
                    else:
                        spec[g] = (1, p, other, stub)
                else:
                    spec[g] = (2, p, None, stub)
            self.spec = spec
            return
        half_sep = style.NODE_SEP / 2
        for g in fs.groups:
            if g[0] == "u":
                key = (g[1], g[2])
                if fs.adjacent(key) or row_of[g[1]] == row_of[g[2]]:  # adjacent or lowered
                    spec[g] = (0, g[1], g[2], 0.0)
                else:
                    p = fs.outer_partner(key)
                    spec[g] = (1, p, g[2] if p == g[1] else g[1], widths[p] / 2 + half_sep)
            else:
                spec[g] = (2, g[1], None, widths[g[1]] / 2 + half_sep)
        self.spec = spec

    def __call__(self, g: GroupKey, x) -> float:
        kind, a, b, stub = self.spec[g]
        if kind == 0:
            return (x[a] + x[b]) / 2
        side = (1 if x[a] >= x[b] else -1) if kind == 1 else single_parent_side(self.fs, g, x)
        return x[a] + side * stub


def drop_parent(fs: FamilyStructure, g: GroupKey, x) -> tuple[int, int]:
    """For children not hanging from a partnership line's midpoint: the parent whose side
    the line leaves from, and the side (-1 left, +1 right)."""
    if g[0] == "u":
        p = fs.outer_partner((g[1], g[2]))
        other = g[2] if p == g[1] else g[1]
        return p, (1 if x[p] >= x[other] else -1)
    return g[1], single_parent_side(fs, g, x)


def single_parent_side(fs: FamilyStructure, g: GroupKey, x) -> int:
    """-1 (left) or +1 (right): the side of a lone parent the children's line leaves from
    (0: from the bottom of the symbol, when partners sit on both sides)."""
    p = g[1]
    xp = x[p]
    left_taken = right_taken = False
    for q in fs.partners[p]:
        xq = x.get(q)
        if xq is not None:
            if xq < xp:
                left_taken = True
            elif xq > xp:
                right_taken = True
    if left_taken and not right_taken:
        return 1
    if right_taken and not left_taken:
        return -1
    if left_taken and right_taken:
        return 0  # partners on both sides: the line comes straight down from the symbol
    kids = fs.groups[g]
    known = [x[k] for k in kids if k in x]
    mean = sum(known) / len(known) if known else xp + 1.0
    return -1 if mean < xp else 1


def _blocks_of_row(fs: FamilyStructure, row: list[int], dot_x: dict[int, float]) -> list[list[int]]:
    """The row's partner chains (each in chain order), left to right by dot's x."""
    return [b for _, b in _keyed_blocks(fs, row, dot_x)]


def _keyed_blocks(fs: FamilyStructure, row: list[int], dot_x) -> list[tuple[float, list[int]]]:
    """(mean dot x, block) for the row's partner chains, sorted by (mean, first member)."""
    chain_of = fs.chain_index()
    chains = fs.chains
    in_row: Optional[set[int]] = None
    done: set[int] = set()
    out = []
    for p in row:
        ci = chain_of[p]
        ch = chains[ci]
        if len(ch) == 1:
            out.append((dot_x[p], p, [p]))  # mean == sum(...) / 1
        elif ci not in done:
            done.add(ci)
            if in_row is None:
                in_row = set(row)
            b = [q for q in ch if q in in_row]
            out.append((sum(dot_x[q] for q in b) / len(b), b[0], b))
    # (mean, first member) is unique, so the lists are never compared.  The chain's
    # own order is kept even if dot drew it mirrored: first partner on the left is a
    # convention
    out.sort()
    return [(m, b) for m, _, b in out]


def _sibships_by_row(fs: FamilyStructure, row_of, sibships=None) -> dict[int, list[tuple[GroupKey, list[int]]]]:
    """Row -> (group, its children in that row) for sibships with 2+ children in the
    row, in the order :func:`_order_row` visits them (by ``str(group)``).
    ``sibships``: the groups with 2+ children already in that order (:class:`_Static`)."""
    per_row: dict[int, list[tuple[GroupKey, list[int]]]] = defaultdict(list)
    presorted = sibships is not None
    for g, kids in (sibships if presorted else fs.groups.items()):
        if len(kids) < 2:
            continue
        r0 = row_of[kids[0]]
        if all(row_of[k] == r0 for k in kids):
            per_row[r0].append((g, kids))
            continue
        krow: dict[int, list[int]] = defaultdict(list)
        for k in kids:
            krow[row_of[k]].append(k)
        for r, ks in krow.items():
            if len(ks) > 1:
                per_row[r].append((g, ks))
    if not presorted:
        for items in per_row.values():
            if len(items) > 1:
                items.sort(key=lambda gk: str(gk[0]))
    return per_row


def _order_and_place(fs: FamilyStructure, rows, row_of, dot_x, widths, hint, drops: Optional["_Drops"] = None,
                     sibships=None):
    """Top-down: order each row's blocks under their parents, then place it.

    Row 0 keeps dot's order.  In lower rows a block (a partner chain) is keyed by
    where its members' parents' lines come down (barycentre), ties broken by birth
    order, so every sibship is contiguous and in birth order under its parents; a
    couple whose partners both have parents in the picture sits between the two
    families.  Blocks without parents keep dot's position.

    Returns the rows in their new order, x, and each row's :class:`_RowPlacer`.
    """
    if drops is None:
        drops = _Drops(fs, widths, row_of)
    child_group = fs.child_group
    brank = _birth_ranks(fs)
    sibships = _sibships_by_row(fs, row_of, sibships)
    x: dict[int, float] = {}
    out_rows: list[list[int]] = []
    placers: list[_RowPlacer] = []
    for r, row in enumerate(rows):
        keyed = []
        dcache: dict[GroupKey, float] = {}  # parents are in rows above: fixed for this row

        def drop_of(g):
            d = dcache.get(g)
            if d is None:
                d = dcache[g] = drops(g, x)
            return d

        for dmean, b in _keyed_blocks(fs, row, dot_x):
            if len(b) == 1:  # the general case below, for one person
                p = b[0]
                g = child_group.get(p)
                if g is not None and g[1] in x and (len(g) == 2 or g[2] in x):
                    keyed.append((drop_of(g), brank[p], dmean, len(keyed), b))
                else:
                    keyed.append((dmean, 0, dmean, len(keyed), b))
                continue
            bdrops: dict[int, float] = {}
            for p in b:
                g = child_group.get(p)
                if g is not None and g[1] in x and (len(g) == 2 or g[2] in x):
                    bdrops[p] = drop_of(g)
            if bdrops:
                if len(b) == 2 and len(bdrops) == 2:
                    # two families: each partner faces their own
                    if bdrops[b[0]] > bdrops[b[1]]:
                        b.reverse()
                if len(bdrops) == 1:
                    ((p, key),) = bdrops.items()  # == sum(...) / 1
                    rank = brank[p]
                else:
                    key = sum(bdrops.values()) / len(bdrops)
                    rank = min(brank[p] for p in bdrops)
            else:
                key, rank = dmean, 0
            keyed.append((key, rank, dmean, len(keyed), b))
        _sort_rounded(keyed)
        blocks = [k[4] for k in keyed]
        _face_siblings(fs, blocks)
        target: dict[int, float] = {}
        for key, _, dmean, _, b in keyed:
            if len(b) == 1:
                target[b[0]] = key + (dot_x[b[0]] - dmean)
            else:
                for p in b:
                    target[p] = key + (dot_x[p] - dmean)
        order = _order_row(fs, blocks, hint, sibships.get(r, ()))
        placer = _RowPlacer(fs, order, widths, hint)
        x.update(zip(order, placer.place([target[p] for p in order])))
        out_rows.append(order)
        placers.append(placer)
    return out_rows, x, placers


def _sort_rounded(items: list[tuple]) -> None:
    """Sort ``(key, *rest)`` tuples by ``(round(key, 3), *rest)``, in place.

    ``round(key, 3)`` is slow, so: sort by the raw tuples, then re-sort only the runs
    of keys that differ but are close enough to round alike (rounding is monotonic,
    so nothing moves across the runs' boundaries; equal keys need no rounding).
    """
    items.sort()
    n = len(items)
    i = 0
    while i < n - 1:
        j = i
        while j + 1 < n and items[j + 1][0] - items[j][0] < 0.002:
            j += 1
        if j > i and items[i][0] != items[j][0]:
            items[i:j + 1] = sorted(items[i:j + 1], key=lambda t: (round(t[0], 3),) + t[1:])
        i = j + 1


def _face_siblings(fs: FamilyStructure, blocks: list[list[int]]) -> None:
    """A simple couple with one partner born into the picture: that partner sits on
    the side of their siblings (so the sibship line does not run over the in-law)."""
    child_group = fs.child_group
    couples = []  # (index, blood partner, their group)
    for i, b in enumerate(blocks):
        if len(b) == 2:
            ga, gb = child_group.get(b[0]), child_group.get(b[1])
            if (ga is None) != (gb is None):
                couples.append((i, b[0], ga) if ga is not None else (i, b[1], gb))
    if not couples:
        return
    wanted = {g for _, _, g in couples}
    group_pos: dict[GroupKey, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        for p in b:
            g = child_group.get(p)
            if g in wanted:
                group_pos[g].append(i)
    for i, blood, g in couples:
        b = blocks[i]
        before = sum(1 for j in group_pos[g] if j < i)
        after = sum(1 for j in group_pos[g] if j > i)
        want_right = after > before
        if want_right != (b[1] == blood) and after != before:
            b.reverse()


_ALL = object()


def _order_row(fs: FamilyStructure, blocks: list[list[int]], hint, sibships=_ALL) -> list[int]:
    """Siblings in birth order (permuting sibling blocks among their own slots), then
    households grouped.  ``sibships``: the row's entry of :func:`_sibships_by_row`
    (default: every group, filtered here)."""
    block_of = {p: i for i, b in enumerate(blocks) for p in b}
    if sibships is _ALL:
        sibships = sorted(fs.groups.items(), key=lambda kv: str(kv[0]))
    for g, kids in sibships:
        ks = [k for k in kids if k in block_of]
        if len(ks) < 2:
            continue
        bidx = [block_of[k] for k in ks]
        if len(set(bidx)) != len(bidx):
            continue
        slots = sorted(bidx)
        if slots == bidx:
            continue
        moved = [blocks[i] for i in bidx]  # in birth order
        for slot, blk in zip(slots, moved):
            blocks[slot] = blk
            for p in blk:
                block_of[p] = slot
    blocks = _group_households(fs, blocks, hint)
    return [p for b in blocks for p in b]


def _sibling_violations(fs: FamilyStructure, order: list[int]) -> int:
    """Siblings (same descent group) out of birth order, plus children of other couples
    standing between two siblings (interleaved sibships cross each other's lines)."""
    seqs: dict[GroupKey, list[int]] = defaultdict(list)
    where: dict[GroupKey, list[int]] = defaultdict(list)
    ranks = _birth_ranks(fs)
    kids_at = list(map(fs.child_group.get, order))
    for i, (p, g) in enumerate(zip(order, kids_at)):
        if g is not None:
            seqs[g].append(ranks[p])
            where[g].append(i)
    bad = sum(1 for seq in seqs.values() for a, b in zip(seq, seq[1:]) if a > b)
    for g, pos in where.items():
        if len(pos) > 1:
            bad += sum(1 for i in range(pos[0] + 1, pos[-1]) if kids_at[i] is not None and kids_at[i] != g)
    return bad


def _birth_ranks(fs: FamilyStructure) -> dict[int, int]:
    """Child -> its index in its sibship (birth order)."""
    ranks = fs.__dict__.get("_birth_rank")
    if ranks is None:
        ranks = {k: i for kids in fs.groups.values() for i, k in enumerate(kids)}
        fs.__dict__["_birth_rank"] = ranks
    return ranks


def _birth_rank(fs: FamilyStructure, p: int) -> int:
    return _birth_ranks(fs)[p]


def _household_splits(order: list[int], hint) -> int:
    """How many more runs of household members there are than households."""
    seen: set[int] = set()
    splits = 0
    for h, _ in groupby(map(hint.get, order)):
        if h is not None:
            if h in seen:
                splits += 1
            else:
                seen.add(h)
    return splits


MAX_HOUSEHOLD_WINDOW = 14  # blocks; wider separations are left to the drawing (pieces)


def _group_households(fs: FamilyStructure, blocks: list[list[int]], hint) -> list[list[int]]:
    """Move the blocks of a household together when kinship order allows.

    Only the window between a household's first and last block is permuted, so the
    change is local and the cost is bounded.
    """
    if not hint:
        return blocks
    flat = lambda bs: [p for b in bs for p in b]  # noqa: E731
    if _household_splits(flat(blocks), hint) == 0:
        return blocks
    households = sorted({hint[p] for b in blocks for p in b if p in hint})
    get = hint.get

    def houses(b) -> set:
        if len(b) == 1:
            h = get(b[0])
            return {h} if h is not None else set()
        return {hint[p] for p in b if p in hint}

    def index(bs):
        # household -> indexes (ascending) of the blocks with a member in it
        where: dict[int, list[int]] = defaultdict(list)
        for i, b in enumerate(bs):
            if len(b) == 1:
                h = get(b[0])
                if h is not None:
                    where[h].append(i)
            else:
                for h in {hint[p] for p in b if p in hint}:
                    where[h].append(i)
        return where

    def reindex(where, bs, lo, hi):
        # == index(bs) after blocks lo..hi were permuted among themselves: only
        # the households in the window change, and only inside it
        inside: dict[int, list[int]] = defaultdict(list)
        for i in range(lo, hi + 1):
            for h in houses(bs[i]):
                inside[h].append(i)
        for h, new in inside.items():
            old = where[h]
            where[h] = [i for i in old if i < lo] + new + [i for i in old if i > hi]

    where = index(blocks)
    for _ in range(2):
        changed = False
        for h in households:
            idx = where.get(h, [])
            if len(idx) < 2 or idx[-1] - idx[0] + 1 == len(idx):
                continue
            lo, hi = idx[0], idx[-1]
            if hi - lo + 1 > MAX_HOUSEHOLD_WINDOW:
                continue
            idxset = set(idx)
            window = blocks[lo:hi + 1]
            moving = [blocks[i] for i in idx]
            rest = [blocks[i] for i in range(lo, hi + 1) if i not in idxset]
            ctx_before = blocks[lo - 1:lo] if lo > 0 else []
            ctx_after = blocks[hi + 1:hi + 2]
            base_sib = _sibling_violations(fs, flat(window))
            base_split = _household_splits(flat(ctx_before + window + ctx_after), hint)
            best = None
            for anchor in range(len(rest) + 1):
                cand = rest[:anchor] + moving + rest[anchor:]
                f = flat(cand)
                if _sibling_violations(fs, f) > base_sib:
                    continue
                sp = _household_splits(flat(ctx_before) + f + flat(ctx_after), hint)
                key = (sp, abs(anchor - (len(rest) // 2)))
                if best is None or key < best[0]:
                    best = (key, cand)
            if best is not None and best[0][0] < base_split:
                blocks = blocks[:lo] + best[1] + blocks[hi + 1:]
                changed = True
                reindex(where, blocks, lo, hi)
        if not changed:
            break
    return blocks


def _gaps(fs: FamilyStructure, row: list[int], widths, hint) -> list[float]:
    gaps = []
    sep, house_sep = style.NODE_SEP, style.HOUSEHOLD_SEP
    partner_min = style.SYMBOL + style.PARTNER_LINE_MIN
    partners = fs.partners
    ws = [widths[p] for p in row]
    hs = [hint.get(p) for p in row]
    for i in range(len(row) - 1):
        wa, wb = ws[i], ws[i + 1]
        g = (wa + wb) / 2 + sep
        if row[i + 1] in partners[row[i]]:
            # room for the partnership line, and the drop clear of both labels
            g = max(g, partner_min, max(wa, wb) + sep)
        if hs[i] != hs[i + 1]:
            g += house_sep
        gaps.append(g)
    return gaps


class _RowPlacer:
    """:func:`_place` for one row order, with the gaps and partner runs worked out once
    (the row is placed once in :func:`_order_and_place` and again in every sweep of
    :func:`_center_parents`)."""

    __slots__ = ("bounds", "unit_of", "offs", "u_gaps", "simple")

    def __init__(self, fs: FamilyStructure, order: list[int], widths, hint) -> None:
        gaps = _gaps(fs, order, widths, hint)
        n = len(order)
        partners = fs.partners
        # units: runs of partners side by side, moved rigidly; [start, end) in the row
        starts = [0] if n else []
        for i in range(1, n):
            if order[i] not in partners[order[i - 1]]:
                starts.append(i)
        bounds = list(zip(starts, starts[1:] + [n]))
        offs = [0.0] * n
        unit_of = [0] * n
        for ui, (s, e) in enumerate(bounds):
            unit_of[s] = ui
            for j in range(s + 1, e):
                offs[j] = offs[j - 1] + gaps[j - 1]
                unit_of[j] = ui
        self.bounds = bounds
        self.unit_of = unit_of
        self.offs = offs
        self.simple = len(bounds) == n  # nobody beside a partner: one unit per person
        self.u_gaps = gaps if self.simple else [offs[e - 1] + gaps[e - 1] for _, e in bounds[:-1]]

    def place(self, targets: list[float]) -> list[float]:
        if self.simple:  # every offset is 0.0: the units' targets are the targets
            return _pava(targets, self.u_gaps)
        offs = self.offs
        tt = list(map(sub, targets, offs))
        # a unit's target: the mean of its members' (target - offset), summed in order
        u_targets = [tt[s] if e - s == 1 else sum(tt[s:e]) / (e - s) for s, e in self.bounds]
        anchors = _pava(u_targets, self.u_gaps)
        return list(map(add, map(anchors.__getitem__, self.unit_of), offs))


def _place(fs: FamilyStructure, order: list[int], targets: list[float], widths, hint) -> list[float]:
    """x for a row in ``order``: nearest to ``targets`` keeping the minimum gaps, with
    each run of partners moved rigidly so partnership lines stay short."""
    return _RowPlacer(fs, order, widths, hint).place(targets)


def _place_x(fs, rows, targets, widths, hint) -> dict[int, float]:
    x: dict[int, float] = {}
    for row in rows:
        xs = _place(fs, row, [targets[p] for p in row], widths, hint)
        x.update(zip(row, xs))
    return x


def _center_parents(fs, rows, row_of, x, widths, hint, sweeps: int = 2,
                    drops: Optional[_Drops] = None, placers: Optional[list[_RowPlacer]] = None) -> dict[int, float]:
    """Nudge rows so couples sit over their children and children under their parents.

    A few alternating sweeps of the priority method with PAVA: the targets are the
    current positions shifted towards the connected people in the neighbouring row.
    """
    x = dict(x)
    if drops is None:
        drops = _Drops(fs, widths, row_of)
    if placers is None:
        placers = [_RowPlacer(fs, row, widths, hint) for row in rows]
    spec = drops.spec  # kind 0 (a partnership line's midpoint) inlined below
    # per row, the descent groups with children in it and those children (each child
    # is in exactly one group, so it gets at most one shift)
    kids_by_row: dict[int, list[tuple]] = defaultdict(list)
    up_by_row: dict[int, list[tuple]] = defaultdict(list)
    for g, kids in fs.groups.items():
        kind, a, b, _ = spec[g]
        up_by_row[row_of[g[1]]].append((kind, a, b, g, kids, g[1:]))
        r0 = row_of[kids[0]]
        if all(row_of[k] == r0 for k in kids):
            kids_by_row[r0].append((kind, a, b, g, kids))
        else:
            for r in sorted({row_of[k] for k in kids}):
                kids_by_row[r].append((kind, a, b, g, [k for k in kids if row_of[k] == r]))
    for _ in range(sweeps):
        # downward: children centred under their drop point
        for r in range(1, len(rows)):
            items = kids_by_row.get(r)
            if not items:
                continue
            row = rows[r]
            shift: dict[int, float] = {}
            for kind, a, b, g, ks in items:
                drop = (x[a] + x[b]) / 2 if kind == 0 else drops(g, x)
                d = drop - (x[ks[0]] + x[ks[-1]]) / 2
                if len(ks) == 1:
                    shift[ks[0]] = d
                else:
                    for k in ks:
                        shift[k] = d
            get = shift.get
            targets = [x[p] + get(p, 0.0) for p in row]
            x.update(zip(row, placers[r].place(targets)))
        # upward: couples centred over their children
        for r in range(len(rows) - 2, -1, -1):
            gs = up_by_row.get(r)
            if not gs:
                continue
            row = rows[r]
            up: dict[int, float] = {}  # a parent's wish (the first, usually the only one)
            more: dict[int, list[float]] = {}  # parents of several groups: every wish
            for kind, a, b, g, ks, parents in gs:
                drop = (x[a] + x[b]) / 2 if kind == 0 else drops(g, x)
                if len(ks) == 1:
                    xk = x[ks[0]]
                    mid = (xk + xk) / 2
                else:
                    kx = [x[k] for k in ks]
                    mid = (min(kx) + max(kx)) / 2
                v = mid - drop
                for p in parents:
                    if p in up:
                        more.setdefault(p, [up[p]]).append(v)
                    else:
                        up[p] = v
            # a chain moves as one: average its members' wishes (sum(...) / 1 == v)
            for p, vs in more.items():
                up[p] = sum(vs) / len(vs)
            get = up.get
            targets = [x[p] + get(p, 0.0) for p in row]
            x.update(zip(row, placers[r].place(targets)))
    return x


def compact_layout(lay: Layout, visible: set[int]) -> Layout:
    """The layout as drawn when only ``visible`` people are shown (e.g. before some births).

    Everyone keeps their place, except that where some children of a sibship are
    hidden the visible ones close up, centred under their parents' line of descent,
    and their descendants and partners follow; rows are re-placed with the usual
    minimum gaps.  Rows without hidden people or moved parents stay exactly as they
    were, so scrubbing the view date never reshuffles the picture, and hidden people
    leave no holes in a sibship.
    """
    hidden = [p for p in lay.x if p not in visible]
    if not hidden:
        return lay
    fs = lay.structure
    widths, hint, row_of = lay.footprint, lay.household_hint, lay.row_of
    x = dict(lay.x)
    groups_by_row: dict[int, list] = defaultdict(list)
    for g, kids in fs.groups.items():
        for r in {row_of[k] for k in kids}:
            groups_by_row[r].append(g)
    hidden_rows = {row_of[p] for p in hidden}
    moved = False
    for r, full_row in enumerate(lay.rows):
        row = [p for p in full_row if p in visible]
        if not row or (r not in hidden_rows and not moved):
            continue
        shift: dict[int, list[float]] = defaultdict(list)
        for g in groups_by_row.get(r, ()):
            if not all(p in visible for p in g[1:]):
                continue
            all_ks = [k for k in fs.groups[g] if row_of[k] == r]
            ks = [k for k in all_ks if k in visible]
            if not ks:
                continue
            old_drop = _drop_x(fs, g, lay.x, widths, row_of)
            new_drop = _drop_x(fs, g, x, widths, row_of)
            if len(ks) == len(all_ks):
                for k in ks:
                    shift[k].append(new_drop - old_drop)
                continue
            # close up: siblings side by side, centred under their line of descent
            centre = new_drop
            offs = [0.0]
            for a, b in zip(ks, ks[1:]):
                offs.append(offs[-1] + (widths[a] + widths[b]) / 2 + style.NODE_SEP)
            mid = offs[-1] / 2
            for k, o in zip(ks, offs):
                shift[k].append(centre - mid + o - lay.x[k])
        targets = [lay.x[p] + (sum(shift[p]) / len(shift[p]) if shift.get(p) else 0.0) for p in row]
        xs = _place(fs, row, targets, widths, hint)
        for p, v in zip(row, xs):
            if abs(v - x[p]) > 1e-6:
                moved = True
            x[p] = v
    left = min(x[p] - widths[p] / 2 for p in visible) if visible else style.MARGIN
    if left < style.MARGIN:  # closing up must not push anyone off the page
        for p in x:
            x[p] += style.MARGIN - left
    out = Layout(**{f: getattr(lay, f) for f in lay.__dataclass_fields__})
    out.x = x
    return out


# -- cache ------------------------------------------------------------------------

_CACHE: "OrderedDict[tuple, Layout]" = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 16


def layout_key(snapshot: FamilySnapshot, household_day: Optional[date] = None) -> tuple:
    """What a layout depends on: structure, label sizes, household grouping."""
    return _layout_key(snapshot, household_hint(snapshot, household_day))


def _layout_key(snapshot: FamilySnapshot, hint: dict[int, int]) -> tuple:
    # people with the fields their labels are made of (values, not formatted) and
    # birth order; partnerships with the starts that order partners; parent links.
    # Each sorted by its (unique) id.
    people = tuple(sorted((p.id, label_fields(p), p.birth_order) for p in snapshot.people))
    partnerships = tuple(sorted((r.id, r.a, r.b, r.start) for r in snapshot.partnerships))
    links = tuple(sorted((l.id, l.parent, l.child, l.kind) for l in snapshot.parent_links))
    return (people, partnerships, links, tuple(sorted(hint.items())))


def start_cached_layout(snapshot: FamilySnapshot, household_day: Optional[date] = None) -> LayoutJob:
    """:func:`start_layout` with the cache: a hit returns a job that is already done;
    a miss starts dot and the job's :meth:`~LayoutJob.result` stores the layout."""
    hint = household_hint(snapshot, household_day)
    key = _layout_key(snapshot, hint)
    with _CACHE_LOCK:
        lay = _CACHE.get(key)
        if lay is not None:
            _CACHE.move_to_end(key)
            return LayoutJob.finished(lay)

    def store(lay: Layout) -> None:
        with _CACHE_LOCK:
            _CACHE[key] = lay
            _CACHE.move_to_end(key)
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)

    job = start_layout(snapshot, household_day, hint=hint)
    job._on_done = store
    return job


def cached_layout(snapshot: FamilySnapshot, household_day: Optional[date] = None) -> Layout:
    """:func:`compute_layout`, memoised on :func:`layout_key` (thread-safe, small LRU)."""
    return start_cached_layout(snapshot, household_day).result()


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()
