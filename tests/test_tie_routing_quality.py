"""The tie router's shortcuts keep its routes right: a tie ends exactly on its people's
outlines, the samples it does not step near a tie's ends lie in its own symbols, and
the few spot samples that rule a bow out cost no more than the bow does in full."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest

import genomap.drawing.builder as builder
from genomap.drawing.ties import TieRouter, _edge
from genomap.layout.engine import compute_layout
from genomap.testing.generate import generate_family

DAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def router():
    """A router with the rasters of a generated family (its ties routed)."""
    kept = []

    class Keep(TieRouter):
        def __init__(self, b):
            super().__init__(b)
            kept.append(self)

    saved = builder.TieRouter
    builder.TieRouter = Keep
    try:
        snap = generate_family(3, 120)
        builder.build_drawing(snap, compute_layout(snap), DAY)
    finally:
        builder.TieRouter = saved
    return kept[0]


def _ends(router, p, q):
    sp, sq = router.b.sym[p], router.b.sym[q]
    return (sp.cx, sp.mid_y), (sq.cx, sq.mid_y)


def _bows(router, count):
    """(p, q, A, B, bow) for random pairs of people and bows between them."""
    rnd = random.Random(5)
    people = sorted(router.b.visible)
    for _ in range(count):
        p, q = rnd.sample(people, 2)
        A, B = _ends(router, p, q)
        c = ((A[0] + B[0]) / 2 + rnd.uniform(-150, 150), (A[1] + B[1]) / 2 + rnd.uniform(-200, 120))
        yield p, q, A, B, ("q", c, 1.0)


def test_tie_ends_lie_on_the_outlines(router):
    for pid in sorted(router.b.visible)[:40]:
        box = router.b.bounds[("person", pid)]
        cx, cy = box.x + box.w / 2, box.y + box.h / 2
        hw, hh = box.w / 2 + router.GAP, box.h / 2 + router.GAP
        shape = router.b.shape.get(pid, "rect")
        for k in range(16):
            a = 2 * math.pi * k / 16
            far = (cx + math.cos(a) * 3 * hw, cy + math.sin(a) * 3 * hh)
            x, y = _edge(router._outline(pid), (cx + 1.0, cy - 0.5), far)
            ux, uy = abs(x - cx) / hw, abs(y - cy) / hh
            on = {"ellipse": ux * ux + uy * uy, "diamond": ux + uy}.get(shape, max(ux, uy))
            assert on == pytest.approx(1.0, abs=1e-9), (pid, shape, k)


def test_samples_not_stepped_are_in_the_ties_own_symbols(router):
    inv = 1.0 / router.CELL
    gw = router.gw
    not_stepped = 0
    for p, q, A, B, cand in _bows(router, 200):
        own, rooms = router._own(p, q, A, B)
        n = 40
        kept = list(zip(*router._samples(A, B, cand, n, own, rooms, math.inf)))
        (ax, ay), (cx, cy), (bx, by) = A, cand[1], B
        every = []
        for m in range(n + 1):
            t = m / n
            u = 1 - t
            every.append(((u * u * ax + 2 * u * t * cx + t * t * bx) * inv, (u * u * ay + 2 * u * t * cy + t * t * by) * inv))
        start = next(m for m, pt in enumerate(every) if math.dist(pt, kept[0]) < 1e-6)
        skipped = every[:start] + every[start + len(kept):]
        assert len(skipped) + len(kept) == n + 1
        not_stepped += len(skipped)
        for x, y in skipped:
            assert router.grid[int(y) * gw + int(x)] & 3 == 2
            assert (own[0] <= x <= own[2] and own[1] <= y <= own[3]) or (own[4] <= x <= own[6] and own[5] <= y <= own[7])
    assert not_stepped


def test_spot_samples_cost_no_more_than_the_bow(router):
    ruled_out = 0
    for p, q, A, B, cand in _bows(router, 300):
        own, rooms = router._own(p, q, A, B)
        hits, along = router._scan(*router._samples(A, B, cand, 40, own, rooms, math.inf), own, 0.0, math.inf)
        full = hits * router.HIT + along
        # ruled out by its spots with any slack above what it costs in full: never
        assert router._samples(A, B, cand, 40, own, rooms, math.nextafter(full, math.inf)) is not None
        ruled_out += router._samples(A, B, cand, 40, own, rooms, 1.0) is None
    assert ruled_out  # (and the spots do rule bows out)


def test_spot_samples_of_a_short_bow_count_each_sample_once(router):
    # between near neighbours few samples are stepped (the rest lie in the two symbols),
    # so some of the spot samples are the same sample: counted once, as the scan counts
    # it, they never rule out a bow that costs less in full
    people = sorted(router.b.visible)
    short = 0
    for p in people:
        sp = router.b.sym[p]
        A = (sp.cx, sp.mid_y)
        near = sorted((q for q in people if q != p),
                      key=lambda q: math.dist(A, (router.b.sym[q].cx, router.b.sym[q].mid_y)))[:4]
        for q in near:
            B = _ends(router, p, q)[1]
            d = math.dist(A, B)
            nx, ny = -(B[1] - A[1]) / d, (B[0] - A[0]) / d
            own, rooms = router._own(p, q, A, B)
            for cost, kind, how in router._candidates(p, q, d):
                if kind != "q":
                    continue
                cand, n = router._make(A, B, nx, ny, kind, how)
                xs, ys = (list(v) for v in router._samples(A, B, cand, n, own, rooms, math.inf))
                short += len(xs) < 5
                hits, along = router._scan(xs, ys, own, 0.0, math.inf)
                full = hits * router.HIT + along
                assert router._samples(A, B, cand, n, own, rooms, math.nextafter(full, math.inf)) is not None, \
                    (p, q, cand, full)
    assert short  # (some bows are that short)
