"""Measure dot household clusters against the default (no clusters) on generated families.

For each size, over several seeds: dot time, kinship-line crossings, partnership line
length (symbol edge to edge, adjacent partners) and descent line length (drop plus
sibship line) after GenoMap's post-processing, and household pieces (split households)
-- with ``DotParams(household_clusters=True)`` and without.  Backs the note at the top
of :mod:`genomap.layout.dot`.  Run: ``python benchmarks/bench_dot_clusters.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(snap, clusters: bool, day: date) -> dict:
    from genomap.drawing.builder import build_drawing
    from genomap.drawing.primitives import Polyline
    from genomap.layout.checks import run_checks
    from genomap.layout.dot import DotParams
    from genomap.layout.engine import compute_layout

    lay = compute_layout(snap, params=DotParams(household_clusters=clusters))
    d = build_drawing(snap, lay, day)
    rep = run_checks(snap, lay, d, day)
    partner_len = 0.0
    descent_len = 0.0
    for p in d.primitives:
        if isinstance(p, Polyline) and p.layer == "base" and p.ref:
            L = sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in zip(p.points, p.points[1:]))
            if p.ref[0] == "partnership" and len(p.points) == 2 and p.points[0][1] == p.points[1][1]:
                partner_len += L
            elif len(p.points) >= 2:
                descent_len += L
    return {
        "dot_ms": lay.timings["dot"] * 1e3,
        "crossings": rep.crossings + rep.secondary_crossings,
        "partner_len": partner_len,
        "descent_len": descent_len,
        "split": rep.household_pieces,
        "width": lay.width,
        "ok": rep.ok,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200,800")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    from genomap.testing.generate import generate_family

    day = date(2024, 6, 1)
    keys = ("dot_ms", "crossings", "partner_len", "descent_len", "split", "width")
    print(f"{'size':>5} {'clusters':>8} " + " ".join(f"{k:>12}" for k in keys) + "  all checks ok")
    for size in (int(s) for s in args.sizes.split(",")):
        for clusters in (False, True):
            rows = [measure(generate_family(seed, size), clusters, day) for seed in range(args.seeds)]
            med = {k: statistics.median(r[k] for r in rows) for k in keys}
            print(f"{size:>5} {str(clusters):>8} " + " ".join(f"{med[k]:>12.0f}" for k in keys)
                  + f"  {all(r['ok'] for r in rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
