"""Team database benchmark: open a case and search by name with 10,000 family maps on PostgreSQL.

    .venv/bin/python benchmarks/bench_team_db.py [--url postgresql+psycopg://...] [--families 10000]

Without ``--url`` a throwaway PostgreSQL cluster is started (as in the tests) and
removed afterwards.  The database is seeded with COPY (a few seconds), then the
timings are taken through the application's own code: ``Document.snapshot``
(what opening a family map reads) and ``repository.search_people``, for a user who
may open every family map and for one who may open only 25 (access lists
enforced in the queries).  Targets: each at most 200 ms.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

GIVEN_F = ["Ann", "Jo", "Mia", "Lily", "Grace", "Ruby", "Ella", "Amira", "Zofia", "Chloe", "Nadia", "Holly"]
GIVEN_M = ["Tom", "Ben", "Sam", "Leo", "Darren", "Kai", "Omar", "Jack", "Noah", "Luca", "Ravi", "Finn"]
FAMILY = ["Lee", "Smith", "Skelwith", "Khan", "Nowak", "Jones", "Patel", "Brown", "Okafor", "Walsh",
          "Murphy", "Evans", "Kowalski", "Ahmed", "Taylor", "Wilson", "Hughes", "Clarke", "Ali", "Price"]


def _copy(raw, table: str, columns: list[str], rows: list[tuple]) -> None:
    with raw.cursor() as cur:
        with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(r)


def seed(url: str, families: int, user: str, few_user: str) -> dict:
    import sqlalchemy as sa

    from genomap.store import server

    rnd = random.Random(7)
    now = datetime.now(timezone.utc)
    engine = server.server_engine(url)
    cases, people, members, partnerships, links, households, residences, access = [], [], [], [], [], [], [], []
    pid = hid = mid = partid = linkid = resid = 0
    for c in range(1, families + 1):
        surname = rnd.choice(FAMILY) + (f"-{c}" if c % 3 == 0 else "")
        cases.append((c, f"{surname} family", f"REF-{c:06d}", "bench", "", now, now))
        fam = []
        for sex, given, born in (("female", rnd.choice(GIVEN_F), 1980 + rnd.randrange(10)),
                                 ("male", rnd.choice(GIVEN_M), 1978 + rnd.randrange(10)),
                                 *[(s, rnd.choice(GIVEN_F if s == "female" else GIVEN_M), 2008 + rnd.randrange(12))
                                   for s in rnd.choices(["female", "male"], k=3)],
                                 ("female", rnd.choice(GIVEN_F), 1955 + rnd.randrange(10))):
            pid += 1
            fam.append(pid)
            people.append((pid, given, surname, "", "", sex, "", f"{born:04d}-00-00", False, "none",
                           False, False, "", "none", "", "", now, now))
            mid += 1
            members.append((mid, c, pid, len(fam) == 3, ""))
        partid += 1
        partnerships.append((partid, fam[0], fam[1], "married", "none", False, "", "reported", "", ""))
        for child in fam[2:5]:
            for parent in fam[:2]:
                linkid += 1
                links.append((linkid, parent, child, "biological", "unknown", "", "reported", "", ""))
        hid += 1
        households.append((hid, "Home", "", "family_home", ""))
        for p in fam[:5]:
            resid += 1
            residences.append((resid, p, hid, "lives", False, "", "reported", "", ""))
        access.append((c, user, "owner", user, now))
        if c % (families // 25 or 1) == 0:
            access.append((c, few_user, "member", user, now))
    t0 = time.perf_counter()
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        _copy(dbapi, "case", ["id", "title", "reference", "author", "notes", "created_at", "updated_at"], cases)
        _copy(dbapi, "person", ["id", "given_names", "family_name", "known_as", "aliases", "sex",
                                "gender_identity", "birth", "deceased", "pregnancy", "adopted", "looked_after",
                                "twin_group", "twin_kind", "notes", "child_voice", "created_at", "updated_at"], people)
        _copy(dbapi, "casemember", ["id", "case_id", "person_id", "is_subject", "role"], members)
        _copy(dbapi, "partnership", ["id", "person_a_id", "person_b_id", "kind", "end_kind", "living_together",
                                     "notes", "status", "source", "source_agency"], partnerships)
        _copy(dbapi, "parentlink", ["id", "parent_id", "child_id", "kind", "parental_responsibility", "notes",
                                    "status", "source", "source_agency"], links)
        _copy(dbapi, "household", ["id", "label", "address", "type", "notes"], households)
        _copy(dbapi, "residence", ["id", "person_id", "household_id", "kind", "overlap_ok", "notes", "status",
                                   "source", "source_agency"], residences)
        _copy(dbapi, "case_access", ["case_id", "user_name", "role", "granted_by", "granted_at"], access)
        dbapi.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        server._reset_sequences(conn)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"seconds": time.perf_counter() - t0, "people": len(people), "cases": len(cases),
            "rows": sum(map(len, (cases, people, members, partnerships, links, households, residences, access)))}


def timed(fn, repeat: int = 15) -> float:
    fn()  # warm: connection pool, statement cache
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def run(url: str, families: int) -> int:
    from genomap.store import repository, server

    stats = seed(url, families, "bench", "few")
    print(f"seeded {stats['cases']:,} family maps, {stats['people']:,} people, {stats['rows']:,} rows "
          f"in {stats['seconds']:.1f} s (COPY)")
    worst = 0.0
    for user, label in (("bench", "user with access to all maps"), ("few", "user with access to 25 maps")):
        doc = server.open_team_document(url, user=user)
        with doc.read() as s:
            case_ids = [c.id for c in repository.list_cases(s)]
        case = case_ids[len(case_ids) // 2]
        open_ms = timed(lambda: doc.snapshot(case))

        def search(text="skelw"):
            with doc.read() as s:
                return repository.search_people(s, text)

        search_ms = timed(search)
        search2_ms = timed(lambda: search("mia lee"))
        with doc.read() as s:
            hits = len(repository.search_people(s, "skelw", limit=None))
        doc.close()
        worst = max(worst, open_ms, search_ms, search2_ms)
        print(f"{label}: open case {open_ms:.1f} ms, search 'skelw' {search_ms:.1f} ms ({hits} matches), "
              f"search 'mia lee' {search2_ms:.1f} ms")
    verdict = "OK" if worst <= 200 else "SLOWER THAN TARGET"
    print(f"target <= 200 ms each: {verdict} (worst {worst:.1f} ms)")
    return 0 if worst <= 200 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty, migrated team database (default: a throwaway server)")
    parser.add_argument("--families", type=int, default=10_000)
    args = parser.parse_args()
    if args.url:
        return run(args.url, args.families)
    import pg

    srv = pg.start_server()
    try:
        return run(srv.new_database(), args.families)
    finally:
        srv.stop()


if __name__ == "__main__":
    raise SystemExit(main())
