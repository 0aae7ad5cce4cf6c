"""Markers around a person's symbol each have their own slot: no two overlap.

The risk triangle (top-left), legal badges (top-right), moves house (bottom-right)
and the connections chain-link badge (bottom-left), plus the tags and agency chips
stacked under the name, are drawn for every family map in the demo file at several
view dates; for each person, no two marker shapes may overlap.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest

from genomap.connections import store
from genomap.demo import build_demo
from genomap.drawing.connections_overlay import LAYER, SLOTS, with_connections
from genomap.drawing.overlays import add_overlays, prim_box
from genomap.drawing.primitives import Box, Ellipse, Polygon, Polyline, Rect, Text
from genomap.pipeline import draw_family
from genomap.store.document import Document
from genomap.ui import data

MARKER_LAYERS = {"risk", "moves", "agencies", "stays", "badges", LAYER}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("slots") / "demo.genomap"
    with Document.create(path) as doc:
        build_demo(doc)
    doc = Document.open(path)
    yield doc
    doc.close()


def _encloses(b: Box, box: Box) -> bool:
    return b.x <= box.x and b.right >= box.right and b.y <= box.y and b.bottom >= box.bottom


def _markers(drawing, box: Box) -> list:
    """The marker shapes drawn about one symbol (rings round symbols, lines and connector dots excluded)."""
    near = Box(box.x - 45, box.y - 25, box.w + 90, box.h + 60)
    symbols = [b for ref, b in drawing.bounds.items() if ref[0] == "person"]
    out = []
    for p in drawing.primitives:
        if p.layer not in MARKER_LAYERS or isinstance(p, (Polyline, Text)):
            continue
        if p.layer == "stays" and isinstance(p, Ellipse):
            continue  # the ends of a connector line
        b = prim_box(p)
        if any(_encloses(b, sym) for sym in symbols):
            continue  # a ring round a symbol
        if isinstance(p, (Rect, Polygon, Ellipse)) and b.intersects(near):
            out.append((p, b))
    # a marker's own parts (the chain links inside the badge) belong to it
    return [(p, b) for p, b in out
            if not any(q is not p and q.layer == p.layer and _encloses(c, b) for q, c in out)]


def test_each_marker_family_has_its_own_corner():
    assert len(set(SLOTS.values())) == len(SLOTS)


@pytest.mark.parametrize("day", [date(2025, 10, 1), date(2026, 11, 26)])
def test_no_two_markers_for_the_same_person_overlap(demo, day):
    with demo.read() as session:
        index = store.build_index(session)
    checked = 0
    for case in data.list_cases(demo):
        snap = demo.snapshot(case.id)
        with demo.read() as session:
            conn = store.case_connections(session, case.id, index)
        drawing = with_connections(add_overlays(draw_family(snap, day), snap, day), conn, case.id)
        for ref, box in drawing.bounds.items():
            if ref[0] != "person":
                continue
            marks = _markers(drawing, box)
            for (p, a), (q, b) in combinations(marks, 2):
                assert not a.intersects(b), (snap.person(ref[1]).name, p, q)
            checked += len(marks)
    assert checked > 20


def test_connection_badge_sits_clear_of_the_risk_triangle(demo):
    day = date(2026, 11, 26)
    with demo.read() as session:
        index = store.build_index(session)
    case = data.list_cases(demo)[0]
    snap = demo.snapshot(case.id)
    with demo.read() as session:
        conn = store.case_connections(session, case.id, index)
    darren = next(p.id for p in snap.people if p.name == "Darren Skelwith")
    drawing = with_connections(add_overlays(draw_family(snap, day), snap, day), conn, case.id)
    box = drawing.bounds[("person", darren)]
    badge = [prim_box(p) for p in drawing.primitives
             if p.layer == LAYER and isinstance(p, Rect) and p.ref == ("person", darren)
             and p.h > 10]
    triangle = [prim_box(p) for p in drawing.primitives if p.layer == "risk" and isinstance(p, Polygon)
                and prim_box(p).w < 20 and prim_box(p).intersects(box)]
    assert badge and triangle
    assert not any(b.intersects(t) for b in badge for t in triangle)
    assert badge[0].bottom <= box.bottom + 2 and badge[0].x < box.x  # the bottom-left corner
