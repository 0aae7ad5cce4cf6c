"""Benchmark: model -> layout -> drawing -> Qt scene for generated families.

For 25, 100, 400 and 1,600 people prints

* the **whole pipeline** as the application runs it, cold (no cached layout):
  :func:`genomap.pipeline.draw_family` -- which starts ``dot`` in a child process
  and prepares the position-free half of the drawing while it runs -- then the Qt
  scene (one item per primitive, added to a ``QGraphicsScene``);
* its parts measured one at a time: layout (with the Python before and after dot),
  drawing from a cached layout, Qt scene;
* raw ``dot -Tjson`` on the same DOT source, and the ratio whole pipeline / raw dot
  (issue 3's measure);
* raw ``dot -Tplain`` on what the pipeline gives dot -- the graph piece by piece when it
  falls apart into unconnected pieces (see :mod:`genomap.layout.dot`), which is much
  faster than dot on the whole graph -- and the ratio whole / that (``own``): how much the
  Python around dot adds to the dot run it makes;
* the cost of a view-date change with the layout cached (drawing only).

Each figure is the median of ``-n`` runs.  The whole pipeline and raw dot run in
turn, one after the other, so each pair sees the machine in the same state; ``ratio``
is the median of the pairs' ratios and ``(best)`` best whole over best raw dot (both
steadier on a busy machine than a ratio of medians taken apart).  Targets (issue 3): 100 people
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
    from genomap.layout.engine import cached_layout, clear_cache, compute_layout, dot_input
    from genomap.perf import gc_paused
    from genomap.pipeline import draw_family
    from genomap.testing.generate import generate_family
    from genomap.ui.scene import build_scene_items, ensure_gui_app

    ensure_gui_app()
    dot = find_dot()
    day = date(2024, 6, 1)
    scenes = []  # keep scenes alive until the end: deleting 13k items is not part of building

    def to_scene(drawing):
        sc = QGraphicsScene()
        add = sc.addItem
        for it in build_scene_items(drawing):
            add(it)
        scenes.append(sc)
        return sc

    print("median ms of each step; 'whole' = cold draw_family + Qt scene, as the app runs it")
    print(f"{'people':>6} {'prims':>6} | {'layout':>6} {'(dot)':>6} {'drawing':>7} {'scene':>6} | "
          f"{'whole':>6} {'raw dot':>7} {'ratio':>6} {'(best)':>6} | {'pieces':>6} {'own':>5} | {'date chg':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        snap = generate_family(1, size)

        def whole():
            clear_cache()
            return to_scene(draw_family(snap, day))

        src = None

        def raw():
            subprocess.run([dot, "-Tjson"], input=src, capture_output=True, check=True)

        whole()  # warm caches that any second run would have (fonts, metrics)
        scenes.clear()
        src = compute_layout(snap).dot_source.encode()
        pairs = []
        for _ in range(args.repeats):
            tw, _, _ = timed(whole, 1)
            tr, _, _ = timed(raw, 1)
            pairs.append((tw, tr))
            scenes.clear()
        w_med = statistics.median(tw for tw, _ in pairs)
        raw_med = statistics.median(tr for _, tr in pairs)
        ratio = statistics.median(tw / tr for tw, tr in pairs)
        best = min(tw for tw, _ in pairs) / min(tr for _, tr in pairs)
        _, lay_med, lay = timed(lambda: compute_layout(snap), args.repeats)
        dot_share = lay.timings["dot"]

        def drawing_only():
            with gc_paused():
                return build_drawing(snap, lay, day)

        _, draw_med, drawing = timed(drawing_only, args.repeats)
        _, scene_med, _ = timed(lambda: to_scene(drawing), args.repeats)
        scenes.clear()
        own = dot_input(snap).encode()
        _, own_med, _ = timed(
            lambda: subprocess.run([dot, "-Tplain"], input=own, capture_output=True, check=True), args.repeats)
        # a view-date change: cached layout, new drawing (the canvas then rebuilds items)
        clear_cache()
        cached_layout(snap)
        days = [date(2015, 1, 1), date(2018, 6, 1), date(2021, 3, 1), day]
        _, chg_med, _ = timed(lambda: [draw_family(snap, d) for d in days], args.repeats)
        print(f"{len(snap.people):>6} {len(drawing.primitives):>6} | {lay_med*1e3:>6.0f} {dot_share*1e3:>6.0f} "
              f"{draw_med*1e3:>7.0f} {scene_med*1e3:>6.0f} | {w_med*1e3:>6.0f} {raw_med*1e3:>7.0f} "
              f"{ratio:>6.2f} {best:>6.2f} | {own_med*1e3:>6.0f} {w_med/own_med:>5.2f} | "
              f"{chg_med/len(days)*1e3:>8.0f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
