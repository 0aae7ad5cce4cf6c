"""Benchmark: model -> layout -> drawing -> Qt scene for generated families.

For 25, 100, 400 and 1,600 people prints layout time (with its dot share), drawing
time, Qt scene build time, the whole pipeline, raw ``dot -Tjson`` on the same DOT,
and pipeline / raw dot; then the cost of a view-date change with the layout cached.

Targets (issue 3): 100 people model->scene <= 100 ms, 1,600 <= 1.5 s, pipeline <=
1.5x raw dot from 400 people up.  Run: ``python benchmarks/bench_pipeline.py [-n REPEATS]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def best(fn, repeats):
    times = []
    result = None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="25,100,400,1600")
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QGraphicsScene

    from genomap.drawing.builder import build_drawing
    from genomap.layout.dot import find_dot
    from genomap.layout.engine import clear_cache, compute_layout, cached_layout
    from genomap.testing.generate import generate_family
    from genomap.ui.scene import build_scene_items, ensure_gui_app

    ensure_gui_app()
    dot = find_dot()
    day = date(2024, 6, 1)
    print(f"{'people':>6} {'layout':>8} {'(dot)':>7} {'drawing':>8} {'scene':>7} {'total':>8} "
          f"{'raw dot':>8} {'ratio':>6} {'prims':>6} {'date chg':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        snap = generate_family(1, size)
        _, lay_med, lay = best(lambda: compute_layout(snap), args.repeats)
        dot_share = lay.timings["dot"]
        _, draw_med, drawing = best(lambda: build_drawing(snap, lay, day), args.repeats)

        def scene():
            sc = QGraphicsScene()
            for it in build_scene_items(drawing):
                sc.addItem(it)
            return sc

        _, scene_med, sc = best(scene, args.repeats)
        sc.clear()
        src = lay.dot_source.encode()
        _, raw_med, _ = best(lambda: subprocess.run([dot, "-Tjson"], input=src, capture_output=True, check=True),
                             args.repeats)
        total = lay_med + draw_med + scene_med
        # a view-date change: cached layout, new drawing (the canvas then rebuilds items)
        clear_cache()
        cached_layout(snap)
        days = [date(2015, 1, 1), date(2018, 6, 1), date(2021, 3, 1), day]
        _, chg_med, _ = best(lambda: [build_drawing(snap, cached_layout(snap), d) for d in days], args.repeats)
        print(f"{len(snap.people):>6} {lay_med*1e3:>7.0f}ms {dot_share*1e3:>5.0f}ms {draw_med*1e3:>6.0f}ms "
              f"{scene_med*1e3:>5.0f}ms {total*1e3:>6.0f}ms {raw_med*1e3:>6.0f}ms {total/raw_med:>6.2f} "
              f"{len(drawing.primitives):>6} {chg_med/len(days)*1e3:>7.0f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
