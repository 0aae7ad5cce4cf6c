"""Benchmark: model -> layout -> drawing -> Qt scene for generated families.

For 25, 100, 400 and 1,600 people prints

* the **whole pipeline** as the application runs it, cold (no cached layout):
  :func:`genomap.pipeline.draw_family` -- which starts ``dot`` in a child process,
  prepares the position-free half of the drawing while it runs and reports it, so the
  scene's items for people's symbols, labels and badges are made (primed) during the
  wait -- then the Qt scene as the canvas fills it (``refill_scene`` with the primed
  items: one item per primitive in a ``QGraphicsScene``); ``after`` is the scene work
  left once ``draw_family`` has returned, ``unprimed`` the whole without priming (runs
  alternate with the whole's; priming pays only when a core is free while dot runs);
* its parts measured one at a time: layout (with the Python before and after dot),
  drawing from a cached layout, Qt scene;
* raw ``dot -Tjson`` on the same DOT source, and the ratio whole pipeline / raw dot;
* the cost of a view-date change with the layout cached (drawing only).

Each figure is the median of ``-n`` runs (the ratio is also given from the best
runs, which is steadier on a busy machine).  Targets (issue 3): 100 people
model->scene <= 100 ms, 1,600 <= 1.5 s, pipeline <= 1.5x raw dot from 400 people up.
Run: ``python benchmarks/bench_pipeline.py [-n REPEATS] [--sizes 25,100,400,1600]``.
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


def timed(fn, repeats):
    """(best, median, last result) of ``repeats`` calls."""
    times = []
    result = None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--repeats", type=int, default=7)
    ap.add_argument("--sizes", default="25,100,400,1600")
    args = ap.parse_args(argv)

    from PySide6.QtWidgets import QGraphicsScene

    from genomap.drawing.builder import build_drawing
    from genomap.layout.dot import find_dot
    from genomap.layout.engine import cached_layout, clear_cache, compute_layout
    from genomap.perf import gc_paused
    from genomap.pipeline import draw_family
    from genomap.testing.generate import generate_family
    from genomap.ui.scene import ItemPrimer, ensure_gui_app, refill_scene

    ensure_gui_app()
    dot = find_dot()
    day = date(2024, 6, 1)
    scenes = []  # keep scenes alive until the end: deleting 13k items is not part of building

    def to_scene(drawing, primed=None):
        """The canvas's first fill of its scene (GenogramView._rebuild_scene)."""
        sc = QGraphicsScene()
        refill_scene(sc, [], drawing.primitives, primed=primed)
        scenes.append(sc)
        return sc

    print("median ms of each step; 'whole' = cold draw_family + Qt scene, as the app runs it")
    print(f"{'people':>6} {'prims':>6} | {'layout':>6} {'(dot)':>6} {'drawing':>7} {'scene':>6} | "
          f"{'whole':>6} {'(after)':>7} {'unprimed':>8} {'raw dot':>7} {'ratio':>6} {'(best)':>6} | {'date chg':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        snap = generate_family(1, size)
        primer = ItemPrimer()
        after = []

        def whole():
            clear_cache()
            drawing = draw_family(snap, day, on_prepared=primer.prime)
            t = time.perf_counter()
            sc = to_scene(drawing, primer.take())
            after.append(time.perf_counter() - t)
            return sc

        def unprimed():
            clear_cache()
            return to_scene(draw_family(snap, day))

        whole()  # warm caches that any second run would have (fonts, metrics)
        scenes.clear()
        after.clear()
        # alternated, so that a busy machine weighs on both alike
        w_times, u_times = [], []
        for _ in range(args.repeats):
            w_times.append(timed(whole, 1)[0])
            u_times.append(timed(unprimed, 1)[0])
            scenes.clear()
        w_best, w_med, u_med = min(w_times), statistics.median(w_times), statistics.median(u_times)
        _, lay_med, lay = timed(lambda: compute_layout(snap), args.repeats)
        dot_share = lay.timings["dot"]

        def drawing_only():
            with gc_paused():
                return build_drawing(snap, lay, day)

        _, draw_med, drawing = timed(drawing_only, args.repeats)
        _, scene_med, _ = timed(lambda: to_scene(drawing), args.repeats)
        scenes.clear()
        src = lay.dot_source.encode()
        raw_best, raw_med, _ = timed(
            lambda: subprocess.run([dot, "-Tjson"], input=src, capture_output=True, check=True), args.repeats)
        # a view-date change: cached layout, new drawing (the canvas then rebuilds items)
        clear_cache()
        cached_layout(snap)
        days = [date(2015, 1, 1), date(2018, 6, 1), date(2021, 3, 1), day]
        _, chg_med, _ = timed(lambda: [draw_family(snap, d) for d in days], args.repeats)
        print(f"{len(snap.people):>6} {len(drawing.primitives):>6} | {lay_med*1e3:>6.0f} {dot_share*1e3:>6.0f} "
              f"{draw_med*1e3:>7.0f} {scene_med*1e3:>6.0f} | {w_med*1e3:>6.0f} {statistics.median(after)*1e3:>7.1f} "
              f"{u_med*1e3:>8.0f} {raw_med*1e3:>7.0f} "
              f"{w_med/raw_med:>6.2f} {w_best/raw_best:>6.2f} | {chg_med/len(days)*1e3:>8.0f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
