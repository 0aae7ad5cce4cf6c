"""Tie routing: time per drawing build, and the quality of the routes.

Timing (ms per build, min and median over the builds, CPU time of this process so
other work on the machine counts less): the router's rasters (``TieRouter.__init__``),
choosing and marking the routes (``route``), the ties' patterns (``tie_geometry``)
and ``draw_ties`` in all, on generated families.  (Tie routing is the largest part of
the drawing left after Graphviz: issue 3's whole-pipeline target at 400 people.)

Quality (``--quality``), over generated families (seeds 0-40 at 25/60/120/400 people,
two of 1,600): ``run_checks``' tie hits, and each route judged at 2-point samples on
the router's own rasters (obstacles entered, weighted as the router weighs them;
points run along kinship lines; points on cells an earlier tie passes through; length
beyond the chord).

    .venv/bin/python benchmarks/bench_ties.py [sizes...] [--builds N] [--quality]
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from genomap.drawing import builder, paths, ties  # noqa: E402
from genomap.drawing.options import DrawOptions  # noqa: E402
from genomap.layout.checks import run_checks  # noqa: E402
from genomap.layout.engine import compute_layout  # noqa: E402
from genomap.testing.generate import generate_family  # noqa: E402

DAY = date(2024, 6, 1)


def timing(size: int, builds: int) -> dict[str, list[float]]:
    """ms per build of each step, over ``builds`` builds of one generated family."""
    snap = generate_family(1, size)
    lay = compute_layout(snap)
    opts = DrawOptions()
    prep = builder.prepare_drawing(snap, DAY, opts)
    spent: dict[str, float] = defaultdict(float)
    wrapped = [(ties.TieRouter, "__init__", "rasters"), (ties.TieRouter, "route", "route"),
               (builder, "tie_geometry", "geometry"), (builder._Builder, "draw_ties", "draw_ties")]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in wrapped]
    for obj, name, key in wrapped:
        def timed(*a, _f=getattr(obj, name), _key=key, **k):
            t = time.process_time()
            try:
                return _f(*a, **k)
            finally:
                spent[_key] += time.process_time() - t
        setattr(obj, name, timed)
    out: dict[str, list[float]] = defaultdict(list)
    try:
        for _ in range(builds):
            spent.clear()
            builder.build_drawing(snap, lay, DAY, opts, prep=prep)
            for key, s in spent.items():
                out[key].append(s * 1e3)
    finally:
        for obj, name, f in saved:
            setattr(obj, name, f)
    return out


def judge(b, routed: list) -> dict[str, float]:
    """The routes of one drawing (p, q, points, in routing order), judged at 2-point samples."""
    judge_router = ties.TieRouter(b)  # a fresh raster: kinship lines, no ties yet
    grid = judge_router.grid
    kin = bytes(grid)
    out = dict(hits=0.0, along=0.0, overlap=0.0, excess=0.0)
    for p, q, pts in routed:
        fine = paths.resample(pts, 2.0)
        inv = 1.0 / judge_router.CELL
        xs = [x * inv for (x, _), _ in fine]
        ys = [y * inv for (_, y), _ in fine]
        on = [(x, y) for x, y in zip(xs, ys) if 0 <= x < judge_router.gw and 0 <= y < judge_router.gh]
        own, _ = judge_router._own(p, q, pts[0], pts[-1])
        hits, _ = judge_router._scan([x for x, _ in on], [y for _, y in on], own, 0.0, math.inf)
        out["hits"] += hits + (len(on) < len(xs))
        for x, y in on:
            code = grid[int(y) * judge_router.gw + int(x)]
            out["along"] += 2.0 * (kin[int(y) * judge_router.gw + int(x)] & ties._KIN > 0)
            out["overlap"] += 2.0 * (code & ties._TIE > 0)
        out["excess"] += paths.length(pts) - math.dist(pts[0], pts[-1])
        judge_router._mark_path(pts, ties._MARK_TIE, 0)
    return out


def quality() -> dict[str, float]:
    """Totals over the generated families (see the module's docstring)."""
    routed: list = []

    class Recording(ties.TieRouter):
        def __init__(self, b):
            super().__init__(b)
            routed.append((b, []))

        def route(self, p, q, k=0):
            pts = super().route(p, q, k)
            routed[-1][1].append((p, q, pts))
            return pts

    totals: dict[str, float] = defaultdict(float)
    saved = builder.TieRouter
    builder.TieRouter = Recording
    try:
        for seed, size in [(s, n) for n in (25, 60, 120, 400) for s in range(41)] + [(1, 1600), (2, 1600)]:
            routed.clear()
            snap = generate_family(seed, size)
            lay = compute_layout(snap)
            d = builder.build_drawing(snap, lay, DAY)
            rep = run_checks(snap, lay, d, DAY)
            totals["tie_hits"] += rep.tie_hits
            totals["ties"] += rep.ties
            for b, r in routed:
                for key, v in judge(b, r).items():
                    totals[key] += v
    finally:
        builder.TieRouter = saved
    return totals


def main(argv: list[str]) -> None:
    builds = int(argv[argv.index("--builds") + 1]) if "--builds" in argv else 15
    sizes = [int(a) for i, a in enumerate(argv) if a.isdigit() and (i == 0 or argv[i - 1] != "--builds")]
    for size in sizes or [400, 1600]:
        out = timing(size, builds if size < 1000 else max(3, builds // 3))
        print(f"{size} people (ms per build, min / median):")
        for key in ("rasters", "route", "geometry", "draw_ties"):
            print(f"  {key:>10} {min(out[key]):7.2f} / {statistics.median(out[key]):7.2f}")
    if "--quality" in argv:
        totals = quality()
        print("quality: " + ", ".join(f"{k} {v:.1f}" for k, v in totals.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
