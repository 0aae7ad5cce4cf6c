"""Ties are routed fast without routing differently: the bounded scoring chooses what
scoring every candidate in full would, the banded raster holds what box-by-box filling
would, and the segment-by-segment pattern helpers give the plain loops' points exactly."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest

import genomap.drawing.builder as builder
from genomap.drawing import paths
from genomap.drawing.primitives import Polyline, Rect
from genomap.drawing.ties import TieRouter
from genomap.layout.engine import compute_layout
from genomap.testing.generate import generate_family

DAY = date(2024, 6, 1)


class _FullRouter(TieRouter):
    """Scores every candidate in full, no bound, and takes the lowest (the first on a draw)."""

    def _choose(self, p, q, A, B, d, nx, ny):
        cands = self._candidates(p, q, d)
        own, rooms = self._own(p, q, A, B)
        scored = []
        for cost, kind, how in cands[:8] if d > 1500 else cands:
            cand, n = self._make(A, B, nx, ny, kind, how)
            hits, along = self._scan(*self._samples(A, B, cand, n, own, rooms, math.inf), own, cost, math.inf)
            scored.append((hits * self.HIT + along + cost, cand))
        return min(scored, key=lambda t: t[0])[1]


def _ties(drawing):
    return [p for p in drawing.primitives if p.layer == "ties"]


@pytest.mark.parametrize("seed,size", [(1, 60), (2, 100), (4, 100), (1, 400)])
def test_bounded_scoring_chooses_as_full_scoring(monkeypatch, seed, size):
    snap = generate_family(seed, size)
    lay = compute_layout(snap)
    fast = builder.build_drawing(snap, lay, DAY)
    monkeypatch.setattr(builder, "TieRouter", _FullRouter)
    full = builder.build_drawing(snap, lay, DAY)
    assert _ties(fast) and _ties(fast) == _ties(full)


def _fill(router, grid, v, x0, y0, x1, y1):
    """Fill a box into a raster: the cells whose centre lies in it."""
    c = router.CELL
    i0, i1 = max(0, math.ceil(x0 / c - 0.5)), min(router.gw - 1, math.floor(x1 / c - 0.5))
    j0, j1 = max(0, math.ceil(y0 / c - 0.5)), min(router.gh - 1, math.floor(y1 / c - 0.5))
    for j in range(j0, j1 + 1):
        for i in range(i0, i1 + 1):
            grid[j * router.gw + i] = v


def test_raster_as_boxes_filled_one_by_one(monkeypatch):
    routers = []

    class Keep(TieRouter):
        def __init__(self, b):
            super().__init__(b)
            routers.append((self, bytes(self.grid)))

    monkeypatch.setattr(builder, "TieRouter", Keep)
    snap = generate_family(2, 100)
    builder.build_drawing(snap, compute_layout(snap), DAY)
    router, grid = routers[0]
    b = router.b
    m = router.MARGIN
    n = router.gw * router.gh
    obst = bytearray(n)
    for tab in b.household_labels:
        if type(tab) is Rect:
            _fill(router, obst, 3, tab.x - m, tab.y - m, tab.x + tab.w + m, tab.y + tab.h + m)
    for pid in b.visible:
        lb = b.label_box.get(pid)
        if lb is not None:
            _fill(router, obst, 1, lb.x - m, lb.y - m, lb.right + m, lb.bottom + m)
    for pid in b.visible:
        sb = b.bounds[("person", pid)]
        _fill(router, obst, 2, sb.x + 1 - m, sb.y + 1 - m, sb.right - 1 + m, sb.bottom - 1 + m)
    lines = bytearray(n)
    diagonal = set()  # cells a diagonal segment passes through, stepped finely
    for line in b.lines:
        if type(line) is not Polyline:
            continue
        pts = line.points
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            if x0 == x1 or y0 == y1:
                _fill(router, lines, 4, min(x0, x1) - 2, min(y0, y1) - 2, max(x0, x1) + 2, max(y0, y1) + 2)
            else:
                for s in range(2001):
                    t = s / 2000
                    i = int((x0 + (x1 - x0) * t) / router.CELL)
                    j = int((y0 + (y1 - y0) * t) / router.CELL)
                    if 0 <= i < router.gw and 0 <= j < router.gh:
                        diagonal.add(j * router.gw + i)
    assert any(obst) and any(lines) and diagonal
    assert grid[n] == 0x10  # the cell off the page
    for k in range(n):
        if k not in diagonal:
            assert grid[k] == obst[k] | lines[k] or (grid[k] == obst[k] | 4 and any(
                k + di + dj * router.gw in diagonal for di in (-1, 0, 1) for dj in (-1, 0, 1))), k
    assert all(grid[k] == obst[k] | 4 for k in diagonal)

# -- the plain loops the pattern helpers replaced -------------------------------------------

def _plain_resample(pts, step):
    cum = [0.0]
    for p, q in zip(pts, pts[1:]):
        cum.append(cum[-1] + math.dist(p, q))
    total = cum[-1]
    if total == 0:
        return [(pts[0], (1.0, 0.0))]
    n = max(1, int(round(total / step)))
    step = total / n
    out = []
    i = 0
    last = len(pts) - 2
    for k in range(n + 1):
        d = k * step
        while i < last and (cum[i + 1] < d or cum[i + 1] == cum[i]):
            i += 1
        p, q = pts[i], pts[i + 1]
        L = cum[i + 1] - cum[i]
        if L <= 0:
            out.append(paths._at(pts, cum, d))
            continue
        t = min(1.0, max(0.0, (d - cum[i]) / L))
        out.append(((p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t), ((q[0] - p[0]) / L, (q[1] - p[1]) / L)))
    return out


def _plain_zigzag(pts, amp=3.5, wavelength=8.0, lead=6.0):
    total = paths.length(pts)
    if total < 2 * lead + wavelength:
        return list(pts)
    samples = _plain_resample(paths.sub_path(pts, lead / total, 1 - lead / total), wavelength / 2)
    out = [pts[0]]
    for i, ((x, y), (tx, ty)) in enumerate(samples):
        s = 0 if i in (0, len(samples) - 1) else (amp if i % 2 else -amp)
        out.append((x - ty * s, y + tx * s))
    return out + [pts[-1]]


def _plain_wave(pts, amp=3.0, wavelength=12.0, lead=6.0):
    total = paths.length(pts)
    if total < 2 * lead + wavelength:
        return list(pts)
    core = paths.sub_path(pts, lead / total, 1 - lead / total)
    core_len = paths.length(core)
    waves = max(1, round(core_len / wavelength))
    samples = _plain_resample(core, core_len / (waves * 12))
    out = [pts[0]]
    n = len(samples) - 1
    for i, ((x, y), (tx, ty)) in enumerate(samples):
        s = amp * math.sin(2 * math.pi * waves * i / max(n, 1))
        out.append((x - ty * s, y + tx * s))
    return out + [pts[-1]]


def test_pattern_helpers_match_the_plain_loops():
    rnd = random.Random(7)
    for _ in range(300):
        pts = [(rnd.choice([0.0, rnd.uniform(-20, 200)]), rnd.choice([0.0, rnd.uniform(-20, 120)]))
               for _ in range(rnd.choice([2, 3, 5, 12]))]
        for _ in range(rnd.choice([0, 1, 2])):  # repeated points: zero-length segments
            j = rnd.randrange(len(pts))
            pts.insert(j, pts[j])
        step = rnd.choice([1.5, 4.0, 5.5, 13.0])
        assert paths.resample(pts, step) == _plain_resample(pts, step)
        assert paths.zigzag(pts) == _plain_zigzag(pts)
        assert paths.zigzag(pts, 4.5, 7.0) == _plain_zigzag(pts, 4.5, 7.0)
        assert paths.wave(pts, 3.2, 11.0) == _plain_wave(pts, 3.2, 11.0)
