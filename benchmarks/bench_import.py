"""Import speed: GEDCOM samples and the JSON exchange format, written into a real .genomap file.

Target (issue 9): at least 3,000 people per second including writing to the
file.  For each sample the median of a few runs is reported (the machine may be
busy with other work; the best run is shown too), split into *read* (decode,
tokenize, map; no database) and *write* (creating the empty file, then the one
validated transaction of :meth:`Document.bulk_insert`: Core inserts, the change
set for undo, model rules in bulk mode, audit rows, commit with fsync), plus
the whole import and people per second.

Run: ``.venv/bin/python benchmarks/bench_import.py [--runs N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from genomap.formats import exchange  # noqa: E402
from genomap.formats.common import ImportReport  # noqa: E402
from genomap.formats.gedcom_import import import_gedcom, read_gedcom_plan  # noqa: E402
from genomap.perf import gc_paused  # noqa: E402
from genomap.store.document import Document  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "gedcom"
TARGET = 3000.0


def _timed(fn, runs: int) -> tuple[float, float, object]:
    """(median, best) seconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), result


def bench_gedcom(path: Path, runs: int, tmp: Path) -> dict:
    raw = path.read_bytes()
    def read():
        with gc_paused():  # as in the import itself
            return read_gedcom_plan(raw, ImportReport(path.name))

    read_s, _, _ = _timed(read, runs)
    counter = iter(range(10_000))

    def whole():
        doc = Document.create(tmp / f"{path.stem}-{next(counter)}.genomap")
        try:
            return import_gedcom(doc, path)
        finally:
            doc.close()

    total_s, best_s, report = _timed(whole, runs)
    people = report.created["person"]
    return {"name": path.name, "people": people, "read": read_s, "write": total_s - read_s, "total": total_s,
            "rate": people / total_s if total_s else 0.0, "best": people / best_s if best_s else 0.0}


def bench_json(source: Path, runs: int, tmp: Path) -> dict:
    doc = Document.create(tmp / "json-source.genomap")
    report = import_gedcom(doc, source)
    data = exchange.export_case(doc, report.case_id)
    doc.close()
    counter = iter(range(10_000))

    def whole():
        d = Document.create(tmp / f"json-{next(counter)}.genomap")
        try:
            return exchange.import_exchange(d, data)
        finally:
            d.close()

    total_s, best_s, rep = _timed(whole, runs)
    people = rep.created["person"]
    return {"name": f"{source.stem} as JSON", "people": people, "read": float("nan"), "write": float("nan"),
            "total": total_s, "rate": people / total_s, "best": people / best_s}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        warm = Document.create(tmp / "warm.genomap")  # first-use imports and caches out of the figures
        import_gedcom(warm, SAMPLES / "shakespeare.ged")
        warm.close()
        rows = [bench_gedcom(SAMPLES / n, args.runs, tmp)
                for n in ("shakespeare.ged", "kennedy.ged", "royal92.ged")]
        rows.append(bench_json(SAMPLES / "royal92.ged", args.runs, tmp))
    print(f"medians of {args.runs} runs")
    print(f"{'sample':<22}{'people':>8}{'read s':>9}{'write s':>9}{'total s':>9}{'people/s':>10}{'best':>8}")
    for r in rows:
        print(f"{r['name']:<22}{r['people']:>8}{r['read']:>9.3f}{r['write']:>9.3f}{r['total']:>9.3f}"
              f"{r['rate']:>10.0f}{r['best']:>8.0f}")
    big = rows[2]
    ok = big["rate"] >= TARGET
    print(f"\nroyal92.ged: {big['rate']:.0f} people/s (median) including creating and writing the file "
          f"(target {TARGET:.0f}): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
