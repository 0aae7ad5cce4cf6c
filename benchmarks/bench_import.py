"""Import speed: GEDCOM samples and the JSON exchange format, written into a real .genomap file.

Target (issue 9): at least 3,000 people per second including writing to the
file.  For each sample the best of a few runs is reported, split into
*read* (decode, tokenize, map; no database) and *write* (the one validated
transaction: ORM inserts, change recording for undo, model rules, commit with
fsync), plus the whole import and people per second.

Run: ``.venv/bin/python benchmarks/bench_import.py [--runs N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from genomap.formats import exchange  # noqa: E402
from genomap.formats.common import ImportReport  # noqa: E402
from genomap.formats.gedcom_import import import_gedcom, read_gedcom_plan  # noqa: E402
from genomap.store.document import Document  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "gedcom"
TARGET = 3000.0


def _best(fn, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def bench_gedcom(path: Path, runs: int, tmp: Path) -> dict:
    raw = path.read_bytes()
    read_s, _ = _best(lambda: read_gedcom_plan(raw, ImportReport(path.name)), runs)
    counter = iter(range(10_000))

    def whole():
        doc = Document.create(tmp / f"{path.stem}-{next(counter)}.genomap")
        try:
            return import_gedcom(doc, path)
        finally:
            doc.close()

    total_s, report = _best(whole, runs)
    people = report.created["person"]
    return {"name": path.name, "people": people, "read": read_s, "write": total_s - read_s, "total": total_s,
            "rate": people / total_s if total_s else 0.0}


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

    total_s, rep = _best(whole, runs)
    people = rep.created["person"]
    return {"name": f"{source.stem} as JSON", "people": people, "read": float("nan"), "write": float("nan"),
            "total": total_s, "rate": people / total_s}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        warm = Document.create(tmp / "warm.genomap")  # first-use imports and caches out of the figures
        import_gedcom(warm, SAMPLES / "shakespeare.ged")
        warm.close()
        rows = [bench_gedcom(SAMPLES / n, args.runs, tmp)
                for n in ("shakespeare.ged", "kennedy.ged", "royal92.ged")]
        rows.append(bench_json(SAMPLES / "royal92.ged", args.runs, tmp))
    print(f"{'sample':<22}{'people':>8}{'read s':>9}{'write s':>9}{'total s':>9}{'people/s':>10}")
    for r in rows:
        print(f"{r['name']:<22}{r['people']:>8}{r['read']:>9.3f}{r['write']:>9.3f}{r['total']:>9.3f}"
              f"{r['rate']:>10.0f}")
    big = rows[2]
    ok = big["rate"] >= TARGET
    print(f"\nroyal92.ged: {big['rate']:.0f} people/s including writing the file "
          f"(target {TARGET:.0f}): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
