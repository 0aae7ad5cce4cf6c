"""Ties (emotional and abuse lines): routing around people.

:class:`TieRouter` chooses the base curve of a tie between two people;
:func:`~genomap.drawing.tie_patterns.tie_geometry` then turns it into the kind's
primitives.  Pure Python, no Qt or ReportLab: part of the renderer-agnostic drawing.
"""

from __future__ import annotations

import math
from itertools import accumulate, chain, islice, repeat
from operator import itemgetter
from typing import TYPE_CHECKING

from genomap.drawing import style
from genomap.drawing.paths import catmull_rom, catmull_tangents, cubic_bezier, length as path_length, quad_bezier
from genomap.drawing.primitives import Polyline, Rect

if TYPE_CHECKING:
    from genomap.drawing.builder import _Builder


# Routing raster codes, one byte a cell: bits 0-1 the obstacle there (0 none, 1 label,
# 2 symbol, 3 household tab), bits 2-3 the line there (a kinship line; a tie, which wins);
# 16: off the page (only the one cell after the raster, where off-page samples are sent).
_KIN, _TIE, _OFF = 4, 8, 16
_MARK_KIN = bytes(c if c & _TIE else c | _KIN for c in range(256))
_MARK_TIE = bytes(c & ~_KIN | _TIE for c in range(256))


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
    bows.  The lowest score wins, over every candidate (the 8 cheapest only for a tie
    across half a big family), but few are scored in full: the likeliest winner first,
    then the rest cheapest first, each given up as soon as it cannot win and none once
    its preference cost alone cannot (which chooses exactly what scoring each in full
    would); a bow whose few spot samples already cost too much is not stepped at all.
    Scoring samples the curve every few points on one raster of the page (a bytearray
    of codes: obstacle, line or tie, off the page), stepping each candidate (a
    quadratic, or cubic pieces) by forward differences, lazily, so samples after a
    candidate is given up -- or certainly inside its own people's symbols -- are never
    computed.  A routed tie marks the cells it passes through (and one around), for the
    ties after it.  The k-th further tie between the same pair shifts its ends and bow
    outwards so parallel ties never lie on top of each other.
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
        gw = self.gw = int(w / self.CELL) + 2
        gh = self.gh = int(h / self.CELL) + 2
        n = gw * gh
        grid = self.grid = bytearray(n + 1)  # see the codes above
        grid[n] = _OFF
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
        self._paint(grid, boxes)
        # kinship lines, over the obstacles: mostly one cell wide (a column, marked with a
        # stride) or one high
        span = self._cell_span()
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
                cells = span(x0 - 2, y0 - 2, x1 + 2, y1 + 2)  # centre within 2 points of it
                if cells is None:
                    continue
                i0, i1, j0, j1 = cells
                if i1 - i0 < j1 - j0:
                    for i in range(i0, i1 + 1):
                        cells = slice(j0 * gw + i, j1 * gw + i + 1, gw)
                        grid[cells] = grid[cells].translate(_MARK_KIN)
                else:
                    for j in range(j0, j1 + 1):
                        cells = slice(j * gw + i0, j * gw + i1 + 1)
                        grid[cells] = grid[cells].translate(_MARK_KIN)
        for seg in diagonal:
            self._mark_path(seg, _MARK_KIN, 0)
        self.chosen: dict[tuple[int, int], tuple] = {}

    def _cell_span(self):
        """``span(x0, y0, x1, y1)``: the cells i0..i1 x j0..j1 of the raster whose centre
        lies in a box, or None (a closure: it runs for every box and line segment)."""
        c = self.CELL
        gw1, gh1 = self.gw - 1, self.gh - 1
        ceil, floor = math.ceil, math.floor

        def span(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int] | None:
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
                return None
            return i0, i1, j0, j1

        return span

    def _paint(self, grid: bytearray, boxes: list) -> None:
        """Fill boxes (value, x0, y0, x1, y1) -- the cells whose centre lies in each -- into
        an empty raster, in order, later boxes over earlier ones; a band of rows that the
        same boxes cover is painted once and copied down."""
        span = self._cell_span()
        spans = []
        cuts = set()
        for v, x0, y0, x1, y1 in boxes:
            cells = span(x0, y0, x1, y1)
            if cells is None:
                continue
            i0, i1, j0, j1 = cells
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

    def _mark_path(self, pts, table: bytes, spread: int) -> None:
        """Mark the cells a path passes through (and ``spread`` cells around) in the raster,
        each cell's code mapped by ``table`` (:data:`_MARK_KIN`, :data:`_MARK_TIE`).

        Each segment is cut at the rows of cells it crosses; the column ranges in each row,
        grown by ``spread`` and merged, are marked as runs."""
        inv = 1.0 / self.CELL
        rows: dict[int, list] = {}
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            x0, y0, x1, y1 = x0 * inv, y0 * inv, x1 * inv, y1 * inv
            j0, j1 = int(y0), int(y1)
            if j0 == j1:
                pieces = ((j0, x0, x1),)
            else:  # (cut where it crosses a row's edge)
                slope = (x1 - x0) / (y1 - y0)
                up = 1 if j1 > j0 else 0
                pieces = []
                xa = x0
                for j in range(j0, j1, 1 if up else -1):
                    xb = x0 + (j + up - y0) * slope
                    pieces.append((j, xa, xb))
                    xa = xb
                pieces.append((j1, xa, x1))
            for j, xa, xb in pieces:
                a, b = (int(xa), int(xb)) if xa <= xb else (int(xb), int(xa))
                for jj in range(j - spread, j + spread + 1):
                    row = rows.get(jj)
                    if row is None:
                        rows[jj] = [(a, b)]
                    else:
                        row.append((a, b))
        grid = self.grid
        gw, gw1, gh = self.gw, self.gw - 1, self.gh
        for j, spans in rows.items():
            if not 0 <= j < gh:
                continue
            spans.sort()
            row = j * gw
            ca, cb = spans[0]
            for a, b in spans[1:] + [(gw + spread + 2, 0)]:
                if a <= cb + 1:
                    if b > cb:
                        cb = b
                    continue
                ca -= spread
                cb += spread
                if ca < 0:
                    ca = 0
                if cb > gw1:
                    cb = gw1
                if ca <= cb:
                    cells = slice(row + ca, row + cb + 1)
                    grid[cells] = grid[cells].translate(table)
                ca, cb = a, b

    def _own(self, p: int, q: int, A, B) -> tuple:
        """The two people's symbols, grown as rasterised, in cell units (x0, y0, x1, y1 of
        p's, of q's): samples inside them are not obstacles.  Then how far the tie's ends
        A and B lie inside the cells painted for them ((x, y) room, for :meth:`_samples`:
        a sample nearer than that is in one of them)."""
        bounds = self.b.bounds
        inv = 1.0 / self.CELL
        e = self.MARGIN + self.CELL / 2  # own symbols as rasterised (grown) are not obstacles
        g = self.MARGIN - 1  # as painted (see __init__): cells whose centre is inside
        own, rooms = (), ()
        for pid, (x, y) in ((p, A), (q, B)):
            box = bounds[("person", pid)]
            own += ((box.x - e) * inv, (box.y - e) * inv, (box.x + box.w + e) * inv, (box.y + box.h + e) * inv)
            rooms += ((min(x - box.x + g, box.x + box.w + g - x) * inv - 0.5,
                       min(y - box.y + g, box.y + box.h + g - y) * inv - 0.5),)
        return own, rooms

    def _samples(self, A, B, cand, n: int, own: tuple, rooms: tuple, slack: float) -> tuple | None:
        """The x and y of a candidate's samples, in cell units: ``n`` steps (a spline's
        pieces share them), each piece stepped as a cubic by forward differences, lazily --
        less those near either end certainly inside the tie's own symbols (``own`` and
        ``rooms``, from :meth:`_own`).  Samples off the page are moved to the cell after the
        raster (:data:`_OFF`); the curve lies in its control points' hull, so that test is
        mostly not needed.  None if a few of a bow's samples (the first and last looked at,
        the quarters between) alone cost ``slack`` (see :meth:`_spot_bound`)."""
        inv = 1.0 / self.CELL
        if cand[0] == "q":  # a quadratic: two differences, the speed from its two legs
            (ax, ay), (cx, cy), (bx, by) = A, cand[1], B
            sx = 2 * inv * max(abs(cx - ax), abs(bx - cx))
            sy = 2 * inv * max(abs(cy - ay), abs(by - cy))
            start = _inside_steps(rooms[0], sx, sy, n)
            end = max(start, n + 1 - _inside_steps(rooms[1], sx, sy, n))
            if start < end and slack < math.inf:
                # a few samples first: the ends (where most losing bows show it), the quarters;
                # what they cost is looked at only if one of them is on something.  Each
                # sample once: on a short bow (few samples stepped) some of these coincide,
                # and one sample on a line counted twice would cost more than the scan counts
                grid, gw, gh = self.grid, self.gw, self.gh
                lo = 2 * inv
                spots = []
                marked = False
                for m in dict.fromkeys((start, end - 1, (start + end) // 2, (3 * start + end) // 4,
                                        (start + 3 * end) // 4)):
                    t = m / n
                    u = 1 - t
                    w0, w1, w2 = u * u, 2 * u * t, t * t
                    x, y = (w0 * ax + w1 * cx + w2 * bx) * inv, (w0 * ay + w1 * cy + w2 * by) * inv
                    spots.append((x, y))
                    marked = marked or not (lo <= x < gw and lo <= y < gh) or grid[int(y) * gw + int(x)] > 0
                if marked and self._spot_bound(spots, own) >= slack:
                    return None
            h = inv / n
            ex, ey = (ax - 2 * cx + bx) * h / n, (ay - 2 * cy + by) * h / n
            xs = accumulate(accumulate(repeat(2 * ex, n - 1), initial=2 * (cx - ax) * h + ex), initial=ax * inv)
            ys = accumulate(accumulate(repeat(2 * ey, n - 1), initial=2 * (cy - ay) * h + ey), initial=ay * inv)
            lx, hx, ly, hy = min(ax, cx, bx), max(ax, cx, bx), min(ay, cy, by), max(ay, cy, by)
        else:
            pieces = _bezier_pieces(A, B, cand)
            count = len(pieces)
            steps = n if count == 1 else max(3, n // count)
            xs = chain.from_iterable(
                islice(_stepped(x0, x1, x2, x3, steps, inv), 1 if k else 0, None)  # (the first is the last before)
                for k, (x0, _, x1, _, x2, _, x3, _) in enumerate(pieces))
            ys = chain.from_iterable(
                islice(_stepped(y0, y1, y2, y3, steps, inv), 1 if k else 0, None)
                for k, (_, y0, _, y1, _, y2, _, y3) in enumerate(pieces))
            ctl = [v for piece in pieces for v in piece]
            lx, hx, ly, hy = min(ctl[0::2]), max(ctl[0::2]), min(ctl[1::2]), max(ctl[1::2])
            start = _inside_steps(rooms[0], *_speeds(pieces[0], inv), steps)
            end = max(start, count * steps + 1 - _inside_steps(rooms[1], *_speeds(pieces[-1], inv), steps))
        # (a point to spare for the stepping's rounding)
        if lx >= 3 and ly >= 3 and (hx + 1) * inv < self.gw and (hy + 1) * inv < self.gh:
            return islice(xs, start, end), islice(ys, start, end)
        lo = 2 * inv
        gw, gh = self.gw, self.gh
        on = [(x, y) if lo <= x < gw and lo <= y < gh else (0.0, gh)
              for x, y in islice(zip(xs, ys), start, end)]
        return [x for x, _ in on], [y for _, y in on]

    def _spot_bound(self, spots: list, own: tuple) -> float:
        """What a few of a candidate's samples (cell units) cost at least, as :meth:`_scan`
        counts: the obstacles they are in (one entry for each kind), the lines they are
        on, leaving the page."""
        ax0, ay0, ax1, ay1, bx0, by0, bx1, by1 = own
        grid, gw, gh = self.grid, self.gw, self.gh
        lo = 2 / self.CELL
        kinds = set()
        along = 0.0
        for x, y in spots:
            if not (lo <= x < gw and lo <= y < gh):
                kinds.add(_OFF)
                continue
            code = grid[int(y) * gw + int(x)]
            o = code & 3
            if o == 2 and ((ax0 <= x <= ax1 and ay0 <= y <= ay1) or (bx0 <= x <= bx1 and by0 <= y <= by1)):
                continue
            if o:
                kinds.add(o)
            if code & 12:
                along += (0.0, self.LINE, self.TIE)[code >> 2 & 3]
        weight = self.OBSTACLE_WEIGHT
        return sum(weight[o] if o != _OFF else 1.0 for o in kinds) * self.HIT + along

    def _scan(self, xs, ys, own: tuple, cost: float, bound: float) -> tuple[float, float] | None:
        """(weighted obstacles entered, + 1 if it leaves the page; cost of running over
        lines and ties) of a candidate's samples -- or None as soon as it is certain to
        score no lower than ``bound`` with its preference ``cost``.  An obstacle is entered
        where a sample in it follows one outside it (or in the tie's own symbols)."""
        ax0, ay0, ax1, ay1, bx0, by0, bx1, by1 = own
        grid, gw = self.grid, self.gw
        weight = self.OBSTACLE_WEIGHT
        line_cost = (0.0, self.LINE, self.TIE)
        HIT = self.HIT
        hits = along = 0.0
        prev = off = 0
        for x, y in zip(xs, ys):
            code = grid[int(y) * gw + int(x)]
            if not code:
                prev = 0
                continue
            o = code & 3
            if o == 2 and ((ax0 <= x <= ax1 and ay0 <= y <= ay1) or (bx0 <= x <= bx1 and by0 <= y <= by1)):
                prev = 0  # in its own symbol
                continue
            if code == _OFF:
                if not off:
                    off = 1
                    if (hits + off) * HIT + along + cost >= bound:
                        return None
                continue
            if o != prev:
                if o:
                    hits += weight[o]
                    if (hits + off) * HIT + along + cost >= bound:
                        return None
                prev = o
            if code & 12:
                along += line_cost[code >> 2 & 3]
                if (hits + off) * HIT + along + cost >= bound:
                    return None
        return hits + off, along

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
            self.chosen[key] = self._choose(p, q, A, B, d, nx, ny)
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
        # later ties keep off this one (every other point is close enough, a cell around)
        self._mark_path(pts[::2] + pts[-1:] if len(pts) % 2 == 0 else pts[::2], _MARK_TIE, 1)
        return pts

    def _choose(self, p, q, A, B, d, nx, ny) -> tuple:
        """The candidate that scores lowest: obstacles entered, then running along lines
        and ties, then preference cost; the cheaper on a draw.  (Only the 8 cheapest for a
        tie across half a big family.)  Bounded: the likeliest winner is scored first (for
        a tie between rows, the cheapest spline detour; else the cheapest bow), then the
        others cheapest first; once a candidate's cost alone reaches the best score so far,
        no later one can win, and a candidate is given up as soon as it cannot (which
        chooses exactly what scoring each in full would)."""
        cands = self._candidates(p, q, d)
        if d > 1500:
            cands = cands[:8]
        own, rooms = self._own(p, q, A, B)
        HIT = self.HIT
        first = next((i for i, c in enumerate(cands) if c[1] == "s"), 0)
        best = best_i = None
        best_sc = math.inf
        for i in [first] + list(range(len(cands))):
            cost, kind, how = cands[i]
            if best_i is not None and i >= best_i:
                if cost >= best_sc:
                    break
                if i == best_i:
                    continue
                bound = best_sc
            else:  # (a cheaper candidate wins a draw)
                bound = math.nextafter(best_sc, math.inf)
            cand, n = self._make(A, B, nx, ny, kind, how)
            samples = self._samples(A, B, cand, n, own, rooms, bound - cost)
            if samples is None:
                continue
            scored = self._scan(*samples, own, cost, bound)
            if scored is not None:
                best, best_i, best_sc = cand, i, scored[0] * HIT + scored[1] + cost
        return best

    def _make(self, A, B, nx, ny, kind: str, how) -> tuple:
        """A candidate from :meth:`_candidates`' kind and how, and how many steps to
        sample it at."""
        if kind == "q":
            apex, bulge = how
            c = (A[0] + (B[0] - A[0]) * bulge + nx * 2 * apex, A[1] + (B[1] - A[1]) * bulge + ny * 2 * apex)
            cand = ("q", c, 1.0 if apex > 0 else -1.0)
            length = math.dist(A, c) + math.dist(c, B)
        else:
            cand = how
            pts = (A,) + cand[1:-1] + (B,)
            length = path_length(pts)
        # (very long ties, across a big family, are sampled more coarsely)
        return cand, max(8, min(self.MAX_SAMPLES, int(length / self.STEP)))

    BOWS = ((0.07, 16.0), (0.13, 26.0), (0.2, 38.0), (0.3, 54.0), (0.42, 74.0))  # apex: f * chord, at least
    SIDES = ((1.0, 0.0), (-1.0, 6.0))  # bow side (see route), preference cost
    BULGES = ((0.5, 0.0), (0.3, 10.0), (0.7, 10.0))  # where along the chord the bow bulges most

    def _candidates(self, p, q, d) -> list:
        """(preference cost, kind, what makes the curve), cheapest first: for a bow ("q")
        the apex's offset (signed by side) and where it bulges (see :meth:`_make`),
        for a detour the curve itself.  Bows the same once their apex reaches its most
        are one candidate."""
        heights = []
        for f, lo in self.BOWS:
            h = min(max(f * d, lo), 170.0)  # how far the curve's apex stands off the chord
            if not heights or h != heights[-1]:
                heights.append(h)
        out = [(h * 0.5 + side_cost + bulge_cost, "q", (h * sgn, bulge))
               for h in heights for sgn, side_cost in self.SIDES for bulge, bulge_cost in self.BULGES]
        lay = self.b.lay
        ra, rb = lay.row_of[p], lay.row_of[q]
        if ra != rb:
            # near neighbours: a plain bow reads best; detours only when it must
            extra = 4 * (abs(ra - rb) - 1) + (40.0 if d < 320 else 0.0)
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
                    out.append((34.0 + wc + ic + extra, "c", ("c", c1, c2, 1.0)))
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
                    out.append((44.0 + bc + ic + extra, "s", ("s",) + ws + (1.0,)))
        out.sort(key=itemgetter(0))
        return out

    def _outline(self, pid: int) -> tuple:
        """pid's outline grown by the gap: centre x and y, half width and height, shape."""
        box = self.b.bounds[("person", pid)]
        return (box.x + box.w / 2, box.y + box.h / 2, box.w / 2 + self.GAP, box.h / 2 + self.GAP,
                self.b.shape.get(pid, "rect"))

    def _clip(self, pts: list, p: int, q: int) -> list:
        """Cut the curve where it leaves p's outline and enters q's."""
        op, oq = self._outline(p), self._outline(q)
        n = len(pts)
        i = 0
        while i < n - 1 and _inside(op, pts[i + 1]):
            i += 1
        j = n - 1
        while j > i + 1 and _inside(oq, pts[j - 1]):
            j -= 1
        start = _edge(op, pts[i], pts[i + 1]) if _inside(op, pts[i]) else pts[i]
        end = _edge(oq, pts[j], pts[j - 1]) if _inside(oq, pts[j]) else pts[j]
        return [start] + pts[i + 1:j] + [end]


def _inside(outline: tuple, pt: tuple) -> bool:
    """Whether a point lies inside an outline (as :meth:`TieRouter._outline`)."""
    cx, cy, hw, hh, shape = outline
    ux, uy = abs(pt[0] - cx) / hw, abs(pt[1] - cy) / hh
    if shape == "ellipse":
        return ux * ux + uy * uy <= 1.0
    if shape == "diamond":
        return ux + uy <= 1.0
    return ux <= 1.0 and uy <= 1.0


def _edge(outline: tuple, inside: tuple, outside: tuple) -> tuple:
    """Where the segment from a point inside an outline (as :meth:`TieRouter._outline`) to
    one outside crosses it (solved: the outline is an ellipse, or the intersection of
    half-planes)."""
    cx, cy, hw, hh, shape = outline
    (ax, ay), (bx, by) = inside, outside
    # in units of the half-sizes, from the centre: u + t v, for t from 0 to 1
    ux, uy = (ax - cx) / hw, (ay - cy) / hh
    vx, vy = (bx - ax) / hw, (by - ay) / hh
    if shape == "ellipse":
        a, b, c = vx * vx + vy * vy, 2 * (ux * vx + uy * vy), ux * ux + uy * uy - 1
        t = (-b + math.sqrt(max(0.0, b * b - 4 * a * c))) / (2 * a) if a else 1.0
    else:
        sides = _DIAMOND if shape == "diamond" else _RECT
        t = min([(1 - sx * ux - sy * uy) / s for sx, sy in sides if (s := sx * vx + sy * vy) > 0] or [1.0])
    t = min(1.0, max(0.0, t))
    return (ax + (bx - ax) * t, ay + (by - ay) * t)


_RECT = ((1, 0), (-1, 0), (0, 1), (0, -1))  # the outlines' sides, as s . u <= 1
_DIAMOND = ((1, 1), (1, -1), (-1, 1), (-1, -1))


def _bezier_pieces(A, B, cand) -> list:
    """A detour from A to B as cubic Bezier pieces (x0, y0, ..., x3, y3 of the four control
    points each): a cubic as it is, a spline (as :func:`~genomap.drawing.paths.catmull_rom`)
    piece by piece."""
    if cand[0] == "c":
        return [A + cand[1] + cand[2] + B]
    pts = (A,) + cand[1:-1] + (B,)
    tans = catmull_tangents(pts)
    pieces = []
    for i in range(len(pts) - 1):
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]
        L = math.dist(pts[i], pts[i + 1]) / 3
        (tx0, ty0), (tx1, ty1) = tans[i], tans[i + 1]
        pieces.append((x0, y0, x0 + tx0 * L, y0 + ty0 * L, x1 - tx1 * L, y1 - ty1 * L, x1, y1))
    return pieces


def _speeds(piece: tuple, inv: float) -> tuple[float, float]:
    """The most a cubic Bezier piece moves along x and along y per unit of t (in cell
    units): three times its control polygon's longest leg."""
    x0, y0, x1, y1, x2, y2, x3, y3 = piece
    return (3 * inv * max(abs(x1 - x0), abs(x2 - x1), abs(x3 - x2)),
            3 * inv * max(abs(y1 - y0), abs(y2 - y1), abs(y3 - y2)))


def _inside_steps(room: tuple, sx: float, sy: float, steps: int) -> int:
    """How many samples from an end of a curve stepped in ``steps`` are certainly nearer
    that end than ``room`` (x, y), moving at most ``sx``, ``sy`` per unit of t."""
    rx, ry = room
    if rx <= 0 or ry <= 0:
        return 0
    f = min(rx / sx if sx else math.inf, ry / sy if sy else math.inf)
    return min(steps, math.ceil(f * steps))


def _stepped(a: float, c: float, e: float, b: float, n: int, scale: float):
    """Lazily, the values at t = 0, 1/n, ..., 1 of the cubic Bezier polynomial with control
    values a, c, e, b, times ``scale``, by forward differences (accumulated, without a loop
    in Python)."""
    h = scale / n
    a3, a2, a1 = (b - a + 3 * (c - e)) * h, 3 * (a - 2 * c + e) * h, 3 * (c - a) * h
    # x[m+1] = x[m] + d1[m], d1[m+1] = d1[m] + d2[m], d2[m+1] = d2[m] + d3
    n2 = n * n
    d3 = 6 * a3 / n2
    d1, d2 = a3 / n2 + a2 / n + a1, d3 + 2 * a2 / n
    return accumulate(accumulate(accumulate(repeat(d3, n - 2), initial=d2), initial=d1), initial=a * scale)
