"""Benchmark: repeated redraws of the genogram view (edits, as-at steps) stay as fast.

Shows a generated family in the real canvas (:class:`genomap.ui.canvas.GenogramView`)
and replaces its drawing again and again, alternating two view dates, as a user
stepping through time or editing does.  Prints the time of ``set_drawing`` for the
first redraws and the last ones: a redraw must not get slower the longer the
window is open (each one replaces every item of the scene).
Run: ``python benchmarks/bench_redraw.py [--people 400] [--redraws 30]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", default="400,1600")
    ap.add_argument("--redraws", type=int, default=30)
    args = ap.parse_args(argv)

    from genomap.ui.scene import ensure_gui_app

    app = ensure_gui_app()
    from genomap.perf import gc_paused
    from genomap.pipeline import draw_family
    from genomap.testing.generate import generate_family
    from genomap.ui.canvas import GenogramView

    print(f"{'people':>6} {'items':>6} {'first 5 (ms)':>13} {'last 5 (ms)':>12} {'growth':>7}")
    for n in (int(s) for s in args.people.split(",")):
        snap = generate_family(1, n)
        drawings = [draw_family(snap, date(2024, 6, 1)), draw_family(snap, date(2023, 6, 1))]
        view = GenogramView()
        view.resize(1200, 800)
        view.show()
        app.processEvents()
        times = []
        for i in range(args.redraws):
            with gc_paused():
                t = time.perf_counter()
                view.set_drawing(drawings[i % 2], snap)
                times.append(time.perf_counter() - t)
            app.processEvents()
        first, last = statistics.median(times[:5]), statistics.median(times[-5:])
        print(f"{len(snap.people):>6} {len(drawings[0].primitives):>6} {first*1e3:>13.0f} {last*1e3:>12.0f} "
              f"{last/first:>6.2f}x")
        view.close()
        view.deleteLater()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
