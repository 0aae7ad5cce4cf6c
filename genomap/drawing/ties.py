"""Ties (emotional and abuse lines): routing around people.

:class:`TieRouter` chooses the base curve of a tie between two people;
:func:`~genomap.drawing.tie_patterns.tie_geometry` then turns it into the kind's
primitives.  Pure Python, no Qt or ReportLab: part of the renderer-agnostic drawing.
"""

from __future__ import annotations

import math
from itertools import accumulate, repeat
from operator import add, mul
from typing import TYPE_CHECKING

from genomap.drawing import style
from genomap.drawing.paths import catmull_rom, catmull_tangents, cubic_bezier, quad_bezier
from genomap.drawing.primitives import Polyline, Rect

if TYPE_CHECKING:
    from genomap.drawing.builder import _Builder


class TieRouter:
    """Routes ties as gentle curves that bow around the people in between.

    A tie is a curve from centre to centre, clipped where it leaves each symbol's
    outline (plus a small gap), so it attaches to the edge.  Candidates: quadratic
    Bezier bows to either side at a few heights, with the bulge at the middle or
    nearer one end; and, between rows, smooth splines that leave the upper person
    sideways, run along the band under that row (below the labels and household tabs,
    above the sibship lines) and come into the lower person from above-beside.  Each
    candidate is scored by the *other* symbols and labels (its own people's labels
    included) and household tabs it enters -- leaving the page counts too -- then by
    how much of it runs over kinship lines and ties already routed, then by how far it
    bows.  Candidates are tried cheapest first with a bound, so a clear gentle curve
    costs one or two tries, and a candidate is given up as soon as it has entered
    obstacles enough that it can no longer win (which chooses exactly what scoring it in
    full would).  Scoring samples the curve every few points on a raster of the page
    (bytearrays), which keeps routing cheap in pure Python.  The k-th further
    tie between the same pair shifts its ends and bow outwards so parallel ties never
    lie on top of each other.
    """

    CELL = 5.0
    STEP = 8.0  # sampling step along a candidate, points (obstacles are grown, so none is skipped)
    MAX_SAMPLES = 160
    GAP = 3.0  # between a symbol's outline and the tie's end
    MARGIN = 3.0  # obstacles grown by the half-width of a tie's pattern (zig-zags, double lines)
    HIT = 1000.0  # cost of entering one label (symbols 1.5x, household tabs 0.6x)
    OBSTACLE_WEIGHT = (0.0, 1.0, 1.5, 0.6)  # by code: none, label, symbol, tab
    LINE = 1.0  # per sample over a kinship line
    TIE = 4.0  # per sample over another tie

    def __init__(self, b: "_Builder"):
        self.b = b
        w, h = b.lay.width, b.lay.height
        self.page = (w, h)
        gw = self.gw = int(w / self.CELL) + 2
        gh = self.gh = int(h / self.CELL) + 2
        n = gw * gh
        self.obst = bytearray(n)  # 0 free, 1 label, 2 symbol, 3 tab
        self.lines = bytearray(n)  # 1 kinship line, 2 tie (max wins)
        m = self.MARGIN
        boxes = []  # (value, x0, y0, x1, y1), in painting order: later boxes win
        for tab in b.household_labels:
            if type(tab) is Rect:
                boxes.append((3, tab.x - m, tab.y - m, tab.x + tab.w + m, tab.y + tab.h + m))
        label_box = b.label_box
        for pid in b.visible:
            lb = label_box.get(pid)
            if lb is not None:
                boxes.append((1, lb.x - m, lb.y - m, lb.right + m, lb.bottom + m))
        bounds = b.bounds
        for pid in b.visible:
            sb = bounds[("person", pid)]
            boxes.append((2, sb.x + 1 - m, sb.y + 1 - m, sb.right - 1 + m, sb.bottom - 1 + m))
        self._paint(self.obst, boxes)
        # kinship lines, all 1 (so in any order): mostly one cell wide (a column, written
        # with a stride) or one high
        lines = self.lines
        c = self.CELL
        ceil, floor = math.ceil, math.floor
        gw1, gh1 = gw - 1, gh - 1
        diagonal = []
        for line in b.lines:
            if type(line) is not Polyline:
                continue
            pts = line.points
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if x0 != x1 and y0 != y1:
                    diagonal.append(((x0, y0), (x1, y1)))
                    continue
                if x1 < x0:
                    x0, x1 = x1, x0
                if y1 < y0:
                    y0, y1 = y1, y0
                # as _cells(x0 - 2, y0 - 2, x1 + 2, y1 + 2)
                i0, i1 = ceil((x0 - 2) / c - 0.5), floor((x1 + 2) / c - 0.5)
                j0, j1 = ceil((y0 - 2) / c - 0.5), floor((y1 + 2) / c - 0.5)
                if i0 < 0:
                    i0 = 0
                if i1 > gw1:
                    i1 = gw1
                if j0 < 0:
                    j0 = 0
                if j1 > gh1:
                    j1 = gh1
                if i1 < i0 or j1 < j0:
                    continue
                if i1 - i0 < j1 - j0:
                    run = b"\x01" * (j1 - j0 + 1)
                    for i in range(i0, i1 + 1):
                        lines[j0 * gw + i:j1 * gw + i + 1:gw] = run
                else:
                    run = b"\x01" * (i1 - i0 + 1)
                    for j in range(j0, j1 + 1):
                        lines[j * gw + i0:j * gw + i1 + 1] = run
        for seg in diagonal:
            self._mark_path(seg, 1, 0)
        self.chosen: dict[tuple[int, int], tuple] = {}

    def _cells(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int] | None:
        """The cells i0..i1 x j0..j1 whose centre lies in a box (off by at most half a cell
        either way), or None."""
        c = self.CELL
        i0, i1 = max(0, math.ceil(x0 / c - 0.5)), min(self.gw - 1, math.floor(x1 / c - 0.5))
        j0, j1 = max(0, math.ceil(y0 / c - 0.5)), min(self.gh - 1, math.floor(y1 / c - 0.5))
        if i1 < i0 or j1 < j0:
            return None
        return i0, i1, j0, j1

    def _fill(self, grid: bytearray, v: int, x0: float, y0: float, x1: float, y1: float) -> None:
        """Fill a box in a raster."""
        cells = self._cells(x0, y0, x1, y1)
        if cells is None:
            return
        i0, i1, j0, j1 = cells
        gw = self.gw
        run = bytes((v,)) * (i1 - i0 + 1)
        for j in range(j0, j1 + 1):
            grid[j * gw + i0:j * gw + i1 + 1] = run

    def _paint(self, grid: bytearray, boxes: list) -> None:
        """Fill boxes (value, x0, y0, x1, y1) into an empty raster, in order, as :meth:`_fill`
        would one by one -- but a band of rows that the same boxes cover is painted once
        and copied down."""
        c = self.CELL
        gw1, gh1 = self.gw - 1, self.gh - 1
        ceil, floor = math.ceil, math.floor
        spans = []
        cuts = set()
        for v, x0, y0, x1, y1 in boxes:
            i0, i1 = ceil(x0 / c - 0.5), floor(x1 / c - 0.5)
            j0, j1 = ceil(y0 / c - 0.5), floor(y1 / c - 0.5)
            if i0 < 0:
                i0 = 0
            if i1 > gw1:
                i1 = gw1
            if j0 < 0:
                j0 = 0
            if j1 > gh1:
                j1 = gh1
            if i1 < i0 or j1 < j0:
                continue
            spans.append((v, i0, i1 + 1, j0, j1 + 1))
            cuts.add(j0)
            cuts.add(j1 + 1)
        if not spans:
            return
        cuts = sorted(cuts)
        at = {j: n for n, j in enumerate(cuts)}
        bands: list[list] = [[] for _ in cuts]
        for span in spans:
            for n in range(at[span[3]], at[span[4]]):
                bands[n].append(span)
        gw = self.gw
        runs = {v: memoryview(bytes((v,)) * gw) for v in {s[0] for s in spans}}
        for n, members in enumerate(bands):
            if members:
                row = bytearray(gw)
                for v, i0, i1, _, _ in members:
                    row[i0:i1] = runs[v][:i1 - i0]
                j0, j1 = cuts[n], cuts[n + 1]
                grid[j0 * gw:j1 * gw] = row * (j1 - j0)

    def _mark_path(self, pts, v: int, spread: int) -> None:
        """Mark the cells along a path (and ``spread`` cells around) as ``v`` in ``lines``.

        The path is stepped segment by segment; the cells stepped on, grown by ``spread``,
        are painted as runs."""
        c = self.CELL
        gw, gh = self.gw, self.gh
        step = c * (1 + spread)  # a band 2*spread+1 cells wide needs no finer steps
        reach = 2 * spread + 1  # a cell this far along a row still joins the run
        hypot = math.hypot
        runs = []
        cj = ca = cb = None
        lo, hi = spread, gw - spread
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            ddx, ddy = x1 - x0, y1 - y0
            n = max(1, min(int(hypot(ddx, ddy) / step) + 1, 60))
            for k in range(n + 1):
                t = k / n
                i = int((x0 + ddx * t) / c)
                if lo <= i < hi:
                    j = int((y0 + ddy * t) / c)
                    if j == cj and ca - reach <= i <= cb + reach:
                        if i < ca:
                            ca = i
                        elif i > cb:
                            cb = i
                    else:
                        if cj is not None:
                            runs.append((cj, ca, cb))
                        cj, ca, cb = j, i, i
        if cj is not None:
            runs.append((cj, ca, cb))
        lines = self.lines
        gh1 = gh - 1
        full = memoryview(bytes((v,)) * gw)
        for j, a, b in runs:
            a -= spread
            w = b + spread - a + 1
            run = full[:w]
            for jj in range(j - spread if j > spread else 0, (j + spread if j + spread < gh1 else gh1) + 1):
                row = jj * gw + a
                lines[row:row + w] = run

    def _own_boxes(self, p: int, q: int) -> tuple:
        """The two people's symbols, grown as rasterised: samples inside them are not
        obstacles.  (x0, y0, x1, y1 of p's, of q's; and the raster cells that samples
        inside them fall in, a quick first test.)"""
        bp, bq = self.b.bounds[("person", p)], self.b.bounds[("person", q)]
        e = self.MARGIN + self.CELL / 2  # own symbols as rasterised (grown) are not obstacles
        boxes = (bp.x - e, bp.y - e, bp.x + bp.w + e, bp.y + bp.h + e,
                 bq.x - e, bq.y - e, bq.x + bq.w + e, bq.y + bq.h + e)
        inv = 1.0 / self.CELL
        gw = self.gw
        cells: set[int] = set()
        for x0, y0, x1, y1 in (boxes[:4], boxes[4:]):
            # (int(v * inv) never decreases with v: a sample inside lands in these cells)
            i0, i1 = int(x0 * inv), int(x1 * inv)
            for j in range(int(y0 * inv), int(y1 * inv) + 1):
                cells.update(range(j * gw + i0, j * gw + i1 + 1))
        return boxes + (cells,)

    def score_candidate(self, A, B, cand, n: int, p: int, q: int) -> tuple[float, float]:
        """:meth:`score` of a candidate curve sampled at ``n`` steps."""
        return self._scan(A, B, cand, n, self._own_boxes(p, q), 0.0, None)

    def score(self, pts: list, p: int, q: int) -> tuple[float, float]:
        """(weighted obstacles entered, + 1 if it leaves the page; cost of running over lines/ties).

        Samples inside the tie's own two symbols are skipped."""
        hits, along, _, off = self._scan_xy([x for x, _ in pts], [y for _, y in pts], self._own_boxes(p, q), 0.0, None)
        return hits + off, along

    def _samples(self, A, B, cand, n: int, lazy: bool = False) -> tuple:
        """The x and y of a candidate's ``n + 1`` samples.  Polynomial curves are stepped by
        forward differences (accumulated, without a loop in Python)."""
        kind = cand[0]
        if kind == "s":
            xs, ys = [], []
            for px, py in _catmull_pieces((A,) + cand[1:-1] + (B,), max(3, n // (len(cand) - 1))):
                xs += px
                ys += py
            return xs, ys
        if kind == "q":
            c1 = cand[1]
            coef = [(0.0, a + b - 2 * c, 2 * (c - a), a) for a, c, b in ((A[0], c1[0], B[0]), (A[1], c1[1], B[1]))]
        else:
            c1, c2 = cand[1], cand[2]
            coef = [(-a + 3 * c - 3 * e + b, 3 * a - 6 * c + 3 * e, 3 * (c - a), a)
                    for a, c, e, b in ((A[0], c1[0], c2[0], B[0]), (A[1], c1[1], c2[1], B[1]))]
        h = 1.0 / n
        h2, h3 = h * h, h * h * h
        out = []
        for a3, a2, a1, a0 in coef:
            d1, d2, d3 = a3 * h3 + a2 * h2 + a1 * h, 6 * a3 * h3 + 2 * a2 * h2, 6 * a3 * h3
            # x[m+1] = x[m] + d1[m], d1[m+1] = d1[m] + d2[m], d2[m+1] = d2[m] + d3
            if kind == "q":  # d3 == 0.0: d2 stays (it is never -0.0)
                steps1 = accumulate(repeat(d2, n - 1), initial=d1)
            else:
                steps1 = accumulate(accumulate(repeat(d3, n - 2), initial=d2), initial=d1)
            samples = accumulate(steps1, initial=a0)
            out.append(samples if lazy else list(samples))
        return out[0], out[1]

    PROBE = 4  # a first pass looks at every PROBE-th sample, for a cheap lower bound

    def _scan(self, A, B, cand, n: int, own: tuple, cost: float, bound, probe: bool = False,
              clear: bool = False) -> tuple[float, float] | None:
        """:meth:`score` of a candidate sampled at ``n`` steps; None as soon as it is
        certain to enter an obstacle and to score no lower than ``bound`` (with its
        preference ``cost``): first from every few samples, then from all in order."""
        if cand[0] == "s":  # splines piece by piece: the later pieces often never needed
            state = (0.0, 0.0, 0, 0)
            for xs, ys in _catmull_pieces((A,) + cand[1:-1] + (B,), max(3, n // (len(cand) - 1))):
                state = self._scan_xy(xs, ys, own, cost, bound, clear, state)
                if state is None:
                    return None
            return state[0] + state[3], state[1]
        if not probe:
            # a Bezier curve lies in its control points' hull: with a point to spare for
            # the stepping's rounding, none of its samples leaves the page -- and those after
            # the candidate is given up are never computed
            ctl = cand[1:-1] + (A, B)
            xs = [c[0] for c in ctl]
            ys = [c[1] for c in ctl]
            inv = 1.0 / self.CELL
            if (min(xs) >= 3 and min(ys) >= 3 and int((max(xs) + 1) * inv) < self.gw
                    and int((max(ys) + 1) * inv) < self.gh):
                xs, ys = self._samples(A, B, cand, n, lazy=True)
                state = self._scan_xy(xs, ys, own, cost, bound, clear, onpage=True)
                return None if state is None else (state[0] + state[3], state[1])
        xs, ys = self._samples(A, B, cand, n)
        if probe and self._probe(xs[2::self.PROBE], ys[2::self.PROBE], own, cost, bound):
            return None
        state = self._scan_xy(xs, ys, own, cost, bound, clear)
        return None if state is None else (state[0] + state[3], state[1])

    def _probe(self, xs: list, ys: list, own: tuple, cost: float, bound: float) -> bool:
        """True if some of a candidate's samples show it cannot score below ``bound``.

        Obstacle samples with no free (or own-symbol) sample between them may belong to
        one entry; apart, to separate entries -- each worth at least the lightest weight.
        Leaving the page counts 1."""
        ax0, ay0, ax1, ay1, bx0, by0, bx1, by1, _ = own
        inv = 1.0 / self.CELL
        gw, gh = self.gw, self.gh
        obst = self.obst
        least = min(self.OBSTACLE_WEIGHT[1:])
        HIT = self.HIT
        hits = 0.0
        off = 0
        inside = False
        for x, y in zip(xs, ys):
            if (ax0 <= x <= ax1 and ay0 <= y <= ay1) or (bx0 <= x <= bx1 and by0 <= y <= by1):
                inside = False
                continue
            i, j = int(x * inv), int(y * inv)
            if x < 2 or y < 2 or i >= gw or j >= gh:
                if not off:
                    off = 1
                    if (hits + off) * HIT + cost >= bound:
                        return True
                continue
            k = j * gw + i
            o = obst[k]
            if not o:
                inside = False
            elif not inside:
                inside = True
                hits += least
                if (hits + off) * HIT + cost >= bound:
                    return True
        return False

    def _scan_xy(self, xs: list, ys: list, own: tuple, cost: float, bound, clear: bool = False,
                 state: tuple = (0.0, 0.0, 0, 0), onpage: bool = False) -> tuple | None:
        """Scan samples in order, from ``state`` (obstacle weight entered, cost of running
        over lines and ties, obstacle code of the last sample, 1 if it left the page) to
        the state after them -- or None once the candidate scores no lower than ``bound``."""
        ax0, ay0, ax1, ay1, bx0, by0, bx1, by1, mine = own
        inv = 1.0 / self.CELL
        gw, gh = self.gw, self.gh
        obst, lines = self.obst, self.lines
        weight = self.OBSTACLE_WEIGHT
        line_cost = (0.0, self.LINE, self.TIE)
        HIT = self.HIT
        hits, along, prev, off = state
        if bound is None:
            bound = math.inf
        # (a candidate given up must touch something, or ``clear`` would miss it)
        if not onpage and not xs:
            return state
        if onpage or (min(xs) >= 2 and min(ys) >= 2 and int(max(xs) * inv) < gw and int(max(ys) * inv) < gh):
            # all on the page (int(v * inv) never decreases with v): no test for leaving it
            for x, y in zip(xs, ys):
                k = int(y * inv) * gw + int(x * inv)
                if k in mine and ((ax0 <= x <= ax1 and ay0 <= y <= ay1) or (bx0 <= x <= bx1 and by0 <= y <= by1)):
                    prev = 0
                    continue
                o = obst[k]
                if o != prev:
                    if o:
                        hits += weight[o]
                        if (hits + off) * HIT + along + cost >= bound:
                            return None
                    prev = o
                o = lines[k]
                if o:
                    along += line_cost[o]
                    if (hits or off or clear) and (hits + off) * HIT + along + cost >= bound:
                        return None
            return hits, along, prev, off
        for x, y in zip(xs, ys):
            if (ax0 <= x <= ax1 and ay0 <= y <= ay1) or (bx0 <= x <= bx1 and by0 <= y <= by1):
                prev = 0
                continue
            i, j = int(x * inv), int(y * inv)
            if x < 2 or y < 2 or i >= gw or j >= gh:
                if not off:
                    off = 1
                    if (hits + off) * HIT + along + cost >= bound:
                        return None
                continue
            k = j * gw + i
            o = obst[k]
            if o != prev:
                if o:
                    hits += weight[o]
                    if (hits + off) * HIT + along + cost >= bound:
                        return None
                prev = o
            o = lines[k]
            if o:
                along += line_cost[o]
                if (hits or off or clear) and (hits + off) * HIT + along + cost >= bound:
                    return None
        return hits, along, prev, off

    def _curve(self, A, B, cand, steps: int) -> list:
        kind = cand[0]
        if kind == "q":
            return quad_bezier(A, cand[1], B, steps)
        if kind == "s":
            return catmull_rom((A,) + cand[1:-1] + (B,), max(3, steps // (len(cand) - 1)))
        return cubic_bezier(A, cand[1], cand[2], B, steps)

    def route(self, p: int, q: int, k: int = 0) -> list:
        """The base polyline of the k-th tie between p and q (from p to q)."""
        b = self.b
        gp, gq = b.sym[p], b.sym[q]
        A, B = (gp.cx, gp.mid_y), (gq.cx, gq.mid_y)
        dx, dy = B[0] - A[0], B[1] - A[1]
        d = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / d, dx / d
        if ny > 0 or (ny == 0 and nx > 0):
            nx, ny = -nx, -ny  # positive bow = upwards / to the left: over a row, not through labels
        key = (p, q)
        if key not in self.chosen:
            # cheapest first, bounded: stop when no later candidate can win, or once a
            # good number have been tried and one of them touches nothing
            best = None
            best_sc = None
            best_clear = False  # the best so far touches nothing: any obstacle rules a candidate out
            tried = 0
            clear = good = False
            limit = 8 if d > 1500 else 64  # a tie across half a big family: a few tries only
            own = self._own_boxes(p, q)
            for cost, cand in self._candidates(p, q, A, B, d, nx, ny):
                if best is not None and (cost >= best_sc or (clear and tried >= 24) or good
                                         or tried >= limit):
                    break
                # (very long ties, across a big family, are sampled more coarsely)
                n = max(8, min(self.MAX_SAMPLES, int(self._approx_len(A, B, cand) / self.STEP)))
                tried += 1
                # bounded: given up (None) once it has entered an obstacle and cannot win,
                # which leaves ``clear`` as it was
                scored = self._scan(A, B, cand, n, own, cost, best_sc, best_clear, clear)
                if scored is None:
                    continue
                n_hits, along = scored
                sc = n_hits * self.HIT + along + cost
                clear = clear or n_hits == 0
                if best is None or sc < best_sc:
                    best = (sc, cand)
                    best_sc = sc
                    best_clear = n_hits == 0
                    # touches nothing and hardly runs along any line: good enough
                    good = n_hits == 0 and along <= 6.0
            self.chosen[key] = best[1]
        cand = self.chosen[key]
        if k:
            # parallel tie: shift the ends and the controls outwards
            sign = cand[-1]
            sx, sy = nx * sign * 10.0 * k, ny * sign * 10.0 * k
            A = (A[0] + sx, A[1] + sy)
            B = (B[0] + sx, B[1] + sy)
            cand = (cand[0],) + tuple((c[0] + 1.6 * sx, c[1] + 1.6 * sy) for c in cand[1:-1]) + (cand[-1],)
        steps = max(12, min(48, int(d / 10)))
        pts = self._clip(self._curve(A, B, cand, steps), p, q)
        self._mark_path(pts, 2, 1)  # later ties keep off this one
        return pts

    @staticmethod
    def _approx_len(A, B, cand) -> float:
        pts = (A,) + cand[1:-1] + (B,)
        return sum(math.dist(u, v) for u, v in zip(pts, pts[1:]))

    def _candidates(self, p, q, A, B, d, nx, ny) -> list:
        """(preference cost, curve), cheapest first."""
        dx, dy = B[0] - A[0], B[1] - A[1]
        out = []
        for f, lo in ((0.07, 16.0), (0.13, 26.0), (0.2, 38.0), (0.3, 54.0), (0.42, 74.0)):
            h = min(max(f * d, lo), 170.0)  # how far the curve's apex stands off the chord
            for sgn, side_cost in ((1.0, 0.0), (-1.0, 6.0)):
                for along, along_cost in ((0.5, 0.0), (0.3, 10.0), (0.7, 10.0)):
                    c = (A[0] + dx * along + nx * 2 * h * sgn, A[1] + dy * along + ny * 2 * h * sgn)
                    out.append((h * 0.5 + side_cost + along_cost, ("q", c, sgn)))
        lay = self.b.lay
        ra, rb = lay.row_of[p], lay.row_of[q]
        if ra != rb:
            lo_row, hi_row = min(ra, rb), max(ra, rb)
            # leave the upper person's symbol sideways (clear of its label), drop through
            # the band under that row and come into the lower person from above-beside
            up, low = (p, q) if ra < rb else (q, p)
            gu, gl = self.b.sym[up], self.b.sym[low]
            sgn = 1.0 if gl.cx >= gu.cx else -1.0
            lb = self.b.label_box.get(up)
            half = max(lb.w / 2 if lb else 0.0, gu.box.w / 2)
            yb = lay.row_label_bottom[lay.row_of[up]] + 10
            gap_x = lay.footprint[up] / 2 + style.NODE_SEP / 2  # down the gap beside the label
            for w_out, y_out, wc in ((half + 26, gu.mid_y, 0.0), (gap_x, gu.mid_y + 34, 4.0)):
                for dx_in, yc2, ic in ((22.0, yb, 0.0), (48.0, yb + 14, 8.0)):
                    c_up = (gu.cx + sgn * w_out, y_out)
                    c_low = (gl.cx - sgn * dx_in, yc2)
                    c1, c2 = (c_up, c_low) if up == p else (c_low, c_up)
                    out.append((34.0 + wc + ic + 4 * (hi_row - lo_row - 1), ("c", c1, c2, 1.0)))
            # or through waypoints: down the gap beside the upper person's label, along
            # the band under that row, into the lower person from above-beside
            for yb2, bc in ((yb, 0.0), (yb + 9, 2.0), (yb + 18, 4.0), (yb - 7, 4.0)):
                for dx_in, ic in ((26.0, 0.0), (54.0, 6.0)):
                    w0 = (gu.cx + sgn * (gu.box.w / 2 + 4), gu.mid_y)  # leave sideways
                    w1 = (gu.cx + sgn * gap_x, gu.mid_y + 16)
                    w2 = (gu.cx + sgn * (gap_x + 22), yb2)
                    w3 = (gl.cx - sgn * dx_in, yb2 + 4)
                    if (w3[0] - w2[0]) * sgn < 10:
                        continue
                    ws = (w0, w1, w2, w3) if up == p else (w3, w2, w1, w0)
                    out.append((44.0 + bc + ic + 4 * (hi_row - lo_row - 1), ("s",) + ws + (1.0,)))
        if d < 320:  # near neighbours: a plain bow reads best; detours only when it must
            out = [(c + 40.0, cand) if cand[0] != "q" else (c, cand) for c, cand in out]
        out.sort(key=lambda t: t[0])
        return out

    def _inside(self, pid: int, x: float, y: float) -> bool:
        box = self.b.bounds[("person", pid)]
        hw, hh = box.w / 2 + self.GAP, box.h / 2 + self.GAP
        ux, uy = abs(x - box.x - box.w / 2) / hw, abs(y - box.y - box.h / 2) / hh
        shape = self.b.shape.get(pid, "rect")
        if shape == "ellipse":
            return ux * ux + uy * uy <= 1.0
        if shape == "diamond":
            return ux + uy <= 1.0
        return ux <= 1.0 and uy <= 1.0

    def _clip(self, pts: list, p: int, q: int) -> list:
        """Cut the curve where it leaves p's outline and enters q's (exact, by bisection)."""
        n = len(pts)
        i = 0
        while i < n - 1 and self._inside(p, *pts[i + 1]):
            i += 1
        j = n - 1
        while j > i + 1 and self._inside(q, *pts[j - 1]):
            j -= 1
        start = self._edge(p, pts[i], pts[i + 1]) if self._inside(p, *pts[i]) else pts[i]
        end = self._edge(q, pts[j], pts[j - 1]) if self._inside(q, *pts[j]) else pts[j]
        return [start] + pts[i + 1:j] + [end]

    def _edge(self, pid: int, inside: tuple, outside: tuple) -> tuple:
        a, b = inside, outside
        for _ in range(12):
            m = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            if self._inside(pid, *m):
                a = m
            else:
                b = m
        return b


_HERMITE: dict[int, tuple] = {}  # steps -> the Hermite weights at each step, by weight


def _catmull_pieces(pts: tuple, steps: int):
    """:func:`~genomap.drawing.paths.catmull_rom` (the same arithmetic), piece by piece,
    as lists of x and y (the first piece with the first point)."""
    n = len(pts)
    dist = math.dist
    tans = catmull_tangents(pts)
    cols = _HERMITE.get(steps)
    if cols is None:
        basis = []
        for k in range(1, steps + 1):
            t = k / steps
            t2, t3 = t * t, t * t * t
            basis.append((2 * t3 - 3 * t2 + 1, t3 - 2 * t2 + t, -2 * t3 + 3 * t2, t3 - t2))
        cols = _HERMITE[steps] = tuple(list(col) for col in zip(*basis))
    h00, h10, h01, h11 = cols

    def blend(p0, m0, p1, m1):  # h00 * p0 + h10 * m0 + h01 * p1 + h11 * m1, by maps
        return list(map(add, map(add, map(add, map(mul, h00, repeat(p0)), map(mul, h10, repeat(m0))),
                                 map(mul, h01, repeat(p1))), map(mul, h11, repeat(m1))))

    for i in range(n - 1):
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]
        L = dist(pts[i], pts[i + 1])
        mx0, my0 = tans[i][0] * L, tans[i][1] * L
        mx1, my1 = tans[i + 1][0] * L, tans[i + 1][1] * L
        xs = blend(x0, mx0, x1, mx1)
        ys = blend(y0, my0, y1, my1)
        if i == 0:
            xs.insert(0, x0)
            ys.insert(0, y0)
        yield xs, ys
