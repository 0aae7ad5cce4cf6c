"""Matching speed: one new person against 10,000 stored people must take at most 50 ms.

Builds a :class:`~genomap.connections.matching.MatchIndex` of 10,000 synthetic
records (seeded: common and rare surnames, full and partial dates of birth),
then times :meth:`MatchIndex.matches_for` for 300 new people -- a third of them
variants of stored people, so real matches are scored too -- and the
incremental :meth:`MatchIndex.add` that files each one.  Prints the figures;
exits 1 when the 95th percentile exceeds the budget.

    python benchmarks/bench_matching.py [--people 10000] [--queries 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genomap.connections import synthetic as syn  # noqa: E402
from genomap.connections.matching import MatchIndex  # noqa: E402

BUDGET_MS = 50.0


def run(people: int = 10_000, queries: int = 300, seed: int = 11) -> dict[str, float]:
    stored = syn.population(people, seed=seed)
    t0 = time.perf_counter()
    index = MatchIndex(stored)
    build_s = time.perf_counter() - t0
    rng = random.Random(seed + 1)
    times, adds, found, candidates = [], [], 0, []
    next_id = people + 1
    for i in range(queries):
        if i % 3 == 0:
            base = rng.choice(stored)
            kinds = [k for k in syn.PERTURBATIONS if syn.applicable(base, k)]
            new = syn.variant(base, rng.choice(kinds), rng, next_id)
        else:
            new = syn.random_person(rng, next_id)
        next_id += 1
        t = time.perf_counter()
        matches = index.matches_for(new)
        times.append((time.perf_counter() - t) * 1000)
        candidates.append(len(index.candidates(new)))
        found += bool(matches)
        t = time.perf_counter()
        index.add(new)
        adds.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "people": people, "queries": queries, "build_s": build_s,
        "median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1],
        "add_median_ms": statistics.median(adds), "candidates_median": statistics.median(candidates),
        "candidates_max": max(candidates), "with_matches": found,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args(argv)
    r = run(args.people, args.queries)
    print(f"index of {r['people']:,} people built in {r['build_s']:.2f} s")
    print(f"match one new person: median {r['median_ms']:.2f} ms, 95th percentile {r['p95_ms']:.2f} ms, "
          f"max {r['max_ms']:.2f} ms (budget {BUDGET_MS:.0f} ms)")
    print(f"candidates compared per query: median {r['candidates_median']:.0f}, max {r['candidates_max']}")
    print(f"file one new person (incremental add): median {r['add_median_ms']:.3f} ms")
    print(f"queries with at least one possible match: {r['with_matches']} of {r['queries']}")
    return 0 if r["p95_ms"] <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
