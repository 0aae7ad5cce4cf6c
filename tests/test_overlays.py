"""The family as at a date, and the overlays on it, on the real demo family through the real pipeline.

Expectations are computed independently from the demo's JSON rows (dates parsed
here, periods checked here) and compared with what the drawing actually shows:
household outlines containing person symbols, partnership lines, connectors,
badges and markers found by their layer and ref.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest

from genomap.demo import build_demo, load_demo_data
from genomap.drawing.overlays import (
    ALL_OVERLAYS, OVERLAY_KINDS, OverlayOptions, add_overlays, draw_with_overlays, without_layers,
)
from genomap.drawing.primitives import Drawing, Polygon, Polyline, Rect, Text
from genomap.model.dates import PartialDate
from genomap.model.enums import AgencyType, FactStatus, ResidenceKind, RiskKind
from genomap.pipeline import draw_family
from genomap.store.document import Document
from genomap.store.snapshot import InvolvementView, ResidenceView, RiskFlagView
from genomap.testing.generate import generate_family

DATA = load_demo_data()
EARLY, LATE = date(2023, 6, 1), date(2026, 6, 1)  # three years apart


def D(text: str) -> date:
    return PartialDate.parse(text).representative()


def covers(rec: dict, day: date) -> bool:
    """Is ``day`` inside the record's [start, end] (an open end lasts)?"""
    s, e = rec.get("start"), rec.get("end")
    return (s is None or D(s) <= day) and (e is None or D(e) >= day)


def person_name(key: str) -> str:
    p = DATA["people"][key]
    full = " ".join(x for x in (p.get("given_names", ""), p.get("family_name", "")) if x)
    return full or p.get("known_as", "")


MEMBERS = {m["person"] for m in DATA["cases"][0]["members"]}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    doc = Document.create(tmp_path_factory.mktemp("demo") / "demo.genomap")
    case_id = build_demo(doc)[0]
    snap = doc.snapshot(case_id)
    doc.close()
    return snap


@pytest.fixture(scope="module")
def ids(demo):
    """Demo file keys -> snapshot ids (people by name, households by label)."""
    by_name = {p.name: p.id for p in demo.people}
    people = {k: by_name[person_name(k)] for k in MEMBERS}
    by_label = {h.label: h.id for h in demo.households}
    households = {k: by_label[v["label"]] for k, v in DATA["households"].items() if v["label"] in by_label}
    return people, households


def born_by(key: str, day: date) -> bool:
    b = DATA["people"][key].get("birth")
    return b is None or D(b) <= day


# -- geometry of what is drawn ------------------------------------------------------------------

def _inside(pt, prim) -> bool:
    x, y = pt
    if isinstance(prim, Rect):
        return prim.x <= x <= prim.x + prim.w and prim.y <= y <= prim.y + prim.h
    pts = prim.points
    inside = False
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def drawn_households(drawing: Drawing, snap) -> dict[str, set[str]]:
    """Household label -> names of the people whose symbol lies inside its outline."""
    names = {p.id: p.name for p in snap.people}
    labels = {h.id: h.label for h in snap.households}
    pieces = [p for p in drawing.primitives if p.layer == "households" and p.ref and p.ref[0] == "household"]
    out: dict[str, set[str]] = {}
    for ref, box in drawing.bounds.items():
        if ref[0] != "person":
            continue
        for piece in pieces:
            if _inside(box.center, piece):
                out.setdefault(labels[piece.ref[1]], set()).add(names[ref[1]])
    return out


def drawn_partnerships(drawing: Drawing) -> dict[int, str]:
    """Partnership id -> "current" or "ended" as drawn (ended ones carry short slash strokes)."""
    out: dict[int, str] = {}
    for p in drawing.primitives:
        if p.ref is None or p.ref[0] != "partnership" or p.layer != "base":
            continue
        state = out.setdefault(p.ref[1], "current")
        if isinstance(p, Polyline) and len(p.points) == 2:
            (x1, y1), (x2, y2) = p.points
            if 2 < abs(x2 - x1) < 12 and 4 < abs(y2 - y1) < 20:  # a short slash across the line
                out[p.ref[1]] = "ended"
        del state
    return out


def layer_refs(drawing: Drawing, layer: str, kind: str) -> set[int]:
    return {p.ref[1] for p in drawing.primitives if p.layer == layer and p.ref and p.ref[0] == kind}


# -- as at a date: households, members, partnerships ------------------------------------------------

def expected_households(day: date) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in DATA["residences"]:
        if r["person"] in MEMBERS and r.get("kind", "lives") == "lives" and covers(r, day) and born_by(r["person"], day):
            out.setdefault(DATA["households"][r["household"]]["label"], set()).add(person_name(r["person"]))
    return out


def alive_on(key: str, day: date) -> bool:
    death = DATA["people"][key].get("death")
    return death is None or D(death) > day


def expected_current_partnerships(day: date) -> set[frozenset]:
    """Couples drawn as together (a line without separation slashes, both alive) on ``day``:
    every partnership started and not ended by then."""
    out = set()
    for r in DATA["partnerships"]:
        a, b = r["a"], r["b"]
        if a not in MEMBERS or b not in MEMBERS or not (alive_on(a, day) and alive_on(b, day)):
            continue
        started = r.get("start") is None or D(r["start"]) <= day
        ended = (D(r["end"]) <= day) if r.get("end") else r.get("end_kind", "none") != "none"
        if started and not ended:
            out.add(frozenset((person_name(a), person_name(b))))
    return out


def test_households_members_and_partnerships_differ_as_the_data_says(demo):
    names = {p.id: p.name for p in demo.people}
    seen = {}
    for day in (EARLY, LATE):
        drawing = draw_with_overlays(demo, day)
        households = drawn_households(drawing, demo)
        assert households == expected_households(day), day
        drawn = drawn_partnerships(drawing)
        alive = {("person", p.id) for p in demo.people if not p.is_dead_on(day)}
        current = {frozenset((names[r.a], names[r.b])) for r in demo.partnerships
                   if drawn.get(r.id) == "current" and {("person", r.a), ("person", r.b)} <= alive}
        assert current == expected_current_partnerships(day), day
        seen[day] = (households, current)
    # and the two dates really differ, in the way the data says
    (h1, c1), (h2, c2) = seen[EARLY], seen[LATE]
    assert h1 != h2 and c1 != c2
    assert "Ashgrove House, room 7" not in h1 and "Ashgrove House, room 7" not in h2
    assert "Tyler Pellbrook" in h1["12 Larch Street"] and "Tyler Pellbrook" in h2["27 Millbank Road"]
    assert frozenset({"Kerry Thistlewood", "Dean Marlowby"}) in c1 - c2  # separated Feb 2025
    assert frozenset({"Kerry Thistlewood", "Darren Skelwith"}) in c2 - c1  # together from Apr 2025
    assert frozenset({"Gavin Pellbrook", "Shannon Pellbrook"}) in c1 & c2


def test_people_born_later_are_not_drawn(demo):
    early = draw_family(demo, EARLY)
    late = draw_family(demo, LATE)
    noah = next(p.id for p in demo.people if p.name == "Noah Marlowby")
    assert ("person", noah) not in early.bounds and ("person", noah) in late.bounds
    assert early.as_at == "1 Jun 2023" and late.as_at == "1 Jun 2026"


# -- stays ------------------------------------------------------------------------------------------

def _stay_row(demo, ids, person: str, household: str, kind: str) -> ResidenceView:
    people, households = ids
    return next(r for r in demo.residences if r.person == people[person] and r.household == households[household]
                and r.kind.value == kind)


def _json_stay(person: str, household: str, kind: str) -> dict:
    return next(r for r in DATA["residences"]
                if r["person"] == person and r["household"] == household and r.get("kind") == kind)


def test_weekend_stay_connector_only_while_the_arrangement_lasts(demo, ids):
    row = _stay_row(demo, ids, "mia", "millbank", "stays_regularly")
    start = D(_json_stay("mia", "millbank", "stays_regularly")["start"])
    before = draw_with_overlays(demo, start - timedelta(days=1))
    first = draw_with_overlays(demo, start)
    assert row.id not in layer_refs(before, "stays", "residence")
    assert row.id in layer_refs(first, "stays", "residence")
    prims = [p for p in first.primitives if p.layer == "stays" and p.ref == ("residence", row.id)]
    line = next(p for p in prims if isinstance(p, Polyline))
    assert line.stroke.style.value == "dashed"
    assert any(isinstance(p, Text) and " ".join(p.lines) == "stays regularly at 27 Millbank Road" for p in prims)
    # the connector runs from Mia's symbol to the outline of 27 Millbank Road
    mia = first.bounds[("person", row.person)]
    hh = first.bounds[("household", row.household)]
    a, b = line.points
    assert abs(a[0] - mia.center[0]) < mia.w and abs(a[1] - mia.center[1]) < mia.h
    assert hh.x - 0.5 <= b[0] <= hh.right + 0.5 and hh.y - 0.5 <= b[1] <= hh.bottom + 0.5

    # an arrangement that ends: gone the day after its last day
    end = date(2025, 1, 31)
    snap = replace(demo, residences=tuple(replace(r, end=PartialDate.from_date(end)) if r.id == row.id else r
                                          for r in demo.residences), _index={})
    assert row.id in layer_refs(draw_with_overlays(snap, end), "stays", "residence")
    assert row.id not in layer_refs(draw_with_overlays(snap, end + timedelta(days=1)), "stays", "residence")


def test_visiting_adult_connector_follows_the_recorded_month(demo, ids):
    row = _stay_row(demo, ids, "darren", "rowan", "visits")
    start = D(_json_stay("darren", "rowan", "visits")["start"])  # "Jun 2025"
    assert row.id not in layer_refs(draw_with_overlays(demo, start - timedelta(days=1)), "stays", "residence")
    drawing = draw_with_overlays(demo, start)
    assert row.id in layer_refs(drawing, "stays", "residence")
    labels = [" ".join(p.lines) for p in drawing.primitives if p.layer == "stays" and isinstance(p, Text)
              and p.ref == ("residence", row.id)]
    assert labels == ["visits at 4 Rowan Close"]
    overnight = D(_json_stay("darren", "rowan", "stays_overnight")["start"])
    later = draw_with_overlays(demo, overnight)
    labels = [" ".join(p.lines) for p in later.primitives if p.layer == "stays" and isinstance(p, Text)
              and p.ref and p.ref[0] == "residence" and p.ref[1] in
              {r.id for r in demo.residences if r.person == row.person}]
    assert labels == ["stays overnight (alleged); visits at 4 Rowan Close"]


# -- agencies ----------------------------------------------------------------------------------------

def _boundary_days(rows: list[dict]) -> list[date]:
    days = set()
    for r in rows:
        if r.get("start"):
            days |= {D(r["start"]) - timedelta(days=1), D(r["start"])}
        if r.get("end"):
            days |= {D(r["end"]), D(r["end"]) + timedelta(days=1)}
    return sorted(days)


def test_involvement_badges_exactly_for_the_recorded_periods(demo, ids):
    people, households = ids
    agency_names = {k: v["name"] for k, v in DATA["agencies"].items()}
    rows = [r for r in DATA["involvements"] if r.get("person") in MEMBERS or r.get("household") in households]
    by_id = {i.id: i for i in demo.involvements}
    checked = 0
    for day in _boundary_days(rows):
        drawing = draw_with_overlays(demo, day)
        expected = set()
        for r in rows:
            target = ("person", people[r["person"]]) if r.get("person") else ("household", households[r["household"]])
            if covers(r, day) and target in drawing.bounds:
                expected.add((target, agency_names[r["agency"]]))
        actual = set()
        for iid in layer_refs(drawing, "agencies", "involvement"):
            inv = by_id[iid]
            target = ("person", inv.person) if inv.person is not None else ("household", inv.household)
            actual.add((target, inv.agency_name))
        assert actual == expected, day
        checked += len(expected)
    assert checked > 50


def test_badges_show_the_code_and_a_shape_per_sector(demo, ids):
    people, _ = ids
    drawing = draw_with_overlays(demo, date(2025, 10, 1))
    darren = {p.lines[0] for p in drawing.primitives if p.layer == "agencies" and isinstance(p, Text)
              and p.ref in {("involvement", i.id) for i in demo.involvements if i.person == people["darren"]}}
    assert darren == {"POL", "PRB", "MAPPA"}
    shapes = {}
    for i in demo.involvements:
        ps = [p for p in drawing.primitives if p.layer == "agencies" and p.ref == ("involvement", i.id)
              and not isinstance(p, Text)]
        if ps:
            shapes.setdefault(i.agency_type, {(type(ps[0]).__name__, getattr(ps[0], "radius", None))})
    assert shapes[AgencyType.POLICE] == {("Rect", 0.0)}  # statutory: square corners
    assert shapes[AgencyType.GP] != shapes[AgencyType.POLICE]  # health: rounded
    assert shapes[AgencyType.SCHOOL] == {("Polygon", None)}  # education: pointed
    keys = {e.key for e in drawing.legend}
    assert {"agencies:police", "agencies:probation", "agencies:mappa", "agencies:gp", "agencies:school"} <= keys


# -- risk -----------------------------------------------------------------------------------------------

def test_risk_markers_exactly_for_the_recorded_periods(demo, ids):
    people, _ = ids
    rows = [r for r in DATA["risk_flags"] if r["person"] in MEMBERS]
    flag_id = {(f.person, f.kind.value): f.id for f in demo.risk_flags}
    for day in _boundary_days(rows) + [EARLY, LATE]:
        drawing = draw_with_overlays(demo, day)
        expected = {flag_id[(people[r["person"]], r["kind"])] for r in rows
                    if covers(r, day) and ("person", people[r["person"]]) in drawing.bounds}
        tags = {p.ref[1] for p in drawing.primitives if p.layer == "risk" and isinstance(p, Text)
                and p.ref and p.ref[0] == "risk_flag" and p.lines[0] != "!"}
        assert tags == expected, day
        # one warning mark per person with an active flag, at their symbol
        flagged = {f.person for f in demo.risk_flags if f.id in expected}
        marks = [p for p in drawing.primitives if p.layer == "risk" and isinstance(p, Text) and p.lines == ("!",)]
        assert len(marks) == len(flagged), day


def test_risk_tags_read_in_black_and_white(demo, ids):
    people, _ = ids
    drawing = draw_with_overlays(demo, date(2025, 10, 1))
    texts = {p.lines[0] for p in drawing.primitives if p.layer == "risk" and isinstance(p, Text)}
    assert {"RSO confirmed", "MAPPA confirmed", "DA alleged", "MH reported"} <= texts
    # Darren's ring is solid (confirmed), Dean's dashed (alleged)
    darren = [p for p in drawing.primitives if p.layer == "risk" and isinstance(p, Rect) and p.fill is None
              and p.ref in {("risk_flag", f.id) for f in demo.risk_flags if f.person == people["darren"]}]
    dean = [p for p in drawing.primitives if p.layer == "risk" and isinstance(p, Rect) and p.fill is None
            and p.ref in {("risk_flag", f.id) for f in demo.risk_flags if f.person == people["dean"]}]
    assert darren[0].stroke.style.value == "solid" and dean[0].stroke.style.value == "dashed"


def test_risk_reach_lines_go_to_the_children_reached(demo, ids):
    people, _ = ids
    day = date(2025, 10, 1)
    drawing = draw_with_overlays(demo, day)
    darren_flags = {f.id for f in demo.risk_flags if f.person == people["darren"]}
    arrows = [p for p in drawing.primitives if p.layer == "risk" and isinstance(p, Polygon) and len(p.points) == 3
              and p.ref and p.ref[1] in darren_flags and p.fill is not None and p.fill.color == "#dc2626"]
    # Darren visits 4 Rowan Close, where Tyler, Mia, Ava and Ella live and Kayden visits
    reached = {"tyler", "mia", "ava", "ella", "kayden"}
    tips = []
    for a in arrows:
        tip = a.points[0]
        hit = [k for k in reached if _near(drawing.bounds[("person", people[k])], tip)]
        tips.extend(hit)
    assert sorted(tips) == sorted(reached)
    # before the visits began, no reach lines from Darren
    before = draw_with_overlays(demo, date(2025, 5, 31))
    assert not [p for p in before.primitives if p.layer == "risk" and isinstance(p, Polyline)
                and p.ref and p.ref[1] in darren_flags]


def _near(box, pt, slack: float = 12.0) -> bool:
    return box.x - slack <= pt[0] <= box.right + slack and box.y - slack <= pt[1] <= box.bottom + slack


# -- moves -------------------------------------------------------------------------------------------

def test_moves_badges_and_temporary_accommodation(demo, ids):
    people, households = ids
    day = date(2025, 6, 1)
    drawing = draw_with_overlays(demo, day)
    counts = {}
    for p in drawing.primitives:
        if p.layer == "moves" and isinstance(p, Text) and p.ref and p.ref[0] == "person":
            counts[p.ref[1]] = int(p.lines[0])
    # expected from the rows: 'lives' periods starting in the 12 months before the day
    expected = {}
    for r in DATA["residences"]:
        if r["person"] in MEMBERS and r.get("kind", "lives") == "lives" and r.get("start"):
            s = D(r["start"])
            born = DATA["people"][r["person"]].get("birth")
            if day - timedelta(days=365) <= s <= day and not (born and (s - D(born)).days <= 31):
                expected[people[r["person"]]] = expected.get(people[r["person"]], 0) + 1
    assert counts == expected
    assert counts[people["mia"]] == 2  # Ashgrove (Oct 2024), Rowan Close (May 2025)
    # Ashgrove House is temporary accommodation: tagged while the family lives there
    temp_day = date(2025, 1, 10)
    t = draw_with_overlays(demo, temp_day)
    tags = [p for p in t.primitives if p.layer == "moves" and isinstance(p, Text) and p.lines == ("TEMP",)]
    assert tags and all(p.ref == ("household", households["ashgrove"]) for p in tags)
    assert "moves:temp:temp" in {e.key for e in t.legend}
    assert not [p for p in drawing.primitives if p.layer == "moves" and isinstance(p, Text) and p.lines == ("TEMP",)]
    # a longer window counts more
    wide = add_overlays(draw_family(demo, day), demo, day, OverlayOptions(moves_months=36))
    wide_counts = {p.ref[1]: int(p.lines[0]) for p in wide.primitives
                   if p.layer == "moves" and isinstance(p, Text) and p.ref and p.ref[0] == "person"}
    assert all(wide_counts[k] >= v for k, v in counts.items())


# -- toggling and legend --------------------------------------------------------------------------------

def test_toggling_each_overlay_adds_or_removes_exactly_its_primitives(demo):
    day = date(2025, 10, 1)
    base = draw_family(demo, day)
    full = add_overlays(base, demo, day, ALL_OVERLAYS)
    assert {p.layer for p in full.primitives} >= set(OVERLAY_KINDS)
    assert full.primitives[:len(base.primitives)] == base.primitives  # base untouched
    for kind in OVERLAY_KINDS:
        off = add_overlays(base, demo, day, replace(ALL_OVERLAYS, **{kind: False}))
        assert off.primitives == tuple(p for p in full.primitives if p.layer != kind), kind
        assert off.legend == tuple(e for e in full.legend if not e.key.startswith(kind + ":")), kind
        assert any(e.key.startswith(kind + ":") for e in full.legend), kind
        assert without_layers(full, [kind]).primitives == off.primitives
        only = add_overlays(base, demo, day, ALL_OVERLAYS.only([kind]))
        assert only.primitives == base.primitives + tuple(p for p in full.primitives[len(base.primitives):]
                                                          if p.layer == kind)
    none = add_overlays(base, demo, day, ALL_OVERLAYS.only([]))
    assert none.primitives == base.primitives and none.legend == base.legend


def test_legend_entries_only_for_overlay_kinds_present(demo):
    early = draw_with_overlays(demo, date(2016, 6, 1))
    keys = {e.key.split(":")[0] for e in early.legend}
    # in mid-2016 nobody visits or stays elsewhere: no stays entry
    assert "stays" not in keys and "risk" in keys


# -- speed ---------------------------------------------------------------------------------------------

def busy_family(size: int = 100):
    """A generated family with agencies, risk flags and visits added (the generator has none)."""
    snap = generate_family(7, size)
    people = [p for p in snap.people if p.pregnancy.value == "none"]
    start = PartialDate.parse("2015")
    types = list(AgencyType)
    invs = tuple(InvolvementView(i + 1, i % 9 + 1, f"Agency {i % 9}", types[i % len(types)], person=p.id,
                                 role="worker", worker_name=f"Worker {i}", start=start)
                 for i, p in enumerate(people[::2]))
    flags = tuple(RiskFlagView(i + 1, p.id, RiskKind.DOMESTIC_ABUSE_PERPETRATOR, FactStatus.ALLEGED, start=start)
                  for i, p in enumerate(people[::11]))
    hh = [h.id for h in snap.households]
    visits = tuple(ResidenceView(10_000 + i, p.id, hh[i % len(hh)], ResidenceKind.VISITS, start=start)
                   for i, p in enumerate(people[::7]))
    return replace(snap, involvements=invs, risk_flags=flags, residences=snap.residences + visits, _index={})


def test_overlays_alone_are_fast_on_100_people():
    snap = busy_family(100)
    day = date(2024, 6, 1)
    base = draw_family(snap, day)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        drawing = add_overlays(base, snap, day, OverlayOptions(moves_months=60))
        times.append(time.perf_counter() - t)
    assert {"agencies", "risk", "stays", "moves"} <= drawing.layers()
    assert statistics.median(times) < 0.030, times
