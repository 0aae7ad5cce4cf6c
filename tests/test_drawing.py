"""The drawing builder: each symbol, line, tie and badge kind gives the expected primitives."""

from __future__ import annotations

from datetime import date

import pytest

from genomap.drawing.builder import TIE_STYLE
from genomap.drawing.options import DrawOptions
from genomap.drawing.primitives import Ellipse, LineStyle, MultiPolyline, Polygon, Polyline, Rect, Text
from genomap.drawing.text import person_label, wrap, text_width
from genomap.layout.checks import run_checks
from genomap.layout.engine import cached_layout
from genomap.model.dates import PartialDate
from genomap.model.enums import (
    FactStatus, HouseholdType, LegalStatusKind, ParentLinkKind, PartnershipEnd, PartnershipKind,
    PregnancyOutcome, Sex, TieKind, TriState, TwinKind,
)
from genomap.pipeline import draw_family
from genomap.store.snapshot import (
    FamilySnapshot, HouseholdView, LegalStatusView, ParentLinkView, PartnershipView, PersonView,
    ResidenceView, TieView,
)
from factories import demo_snapshots

DAY = date(2024, 6, 1)
pd = PartialDate.parse


def P(pid, sex=Sex.FEMALE, born="1985", **kw):
    return PersonView(id=pid, given_names=f"P{pid}", family_name="Test", sex=sex,
                      birth=pd(born) if born else None, **kw)


def family(people, partnerships=(), links=(), ties=(), households=(), residences=(), legal=()):
    return FamilySnapshot(case_id=1, title="T", people=tuple(people), partnerships=tuple(partnerships),
                          parent_links=tuple(links), ties=tuple(ties), households=tuple(households),
                          residences=tuple(residences), legal_statuses=tuple(legal))


def couple_with_kids(kind=PartnershipKind.MARRIED, end_kind=PartnershipEnd.NONE, end=None, living=False,
                     kids=(), link_kind=ParentLinkKind.BIOLOGICAL, **extra):
    people = [P(1, Sex.MALE, "1980"), P(2, Sex.FEMALE, "1982")]
    links = []
    for i, kid in enumerate(kids):
        people.append(kid)
        links += [ParentLinkView(100 + 2 * i, 1, kid.id, link_kind, TriState.YES),
                  ParentLinkView(101 + 2 * i, 2, kid.id, link_kind, TriState.YES)]
    part = PartnershipView(10, 1, 2, kind, start=pd("2005"), end=pd(end) if end else None,
                           end_kind=end_kind, living_together=living)
    return family(people, [part], links, **extra)


def prims_of(d, ref, kind=None, layer=None):
    return [p for p in d.primitives if p.ref == ref and (kind is None or isinstance(p, kind))
            and (layer is None or p.layer == layer)]


def keys(d):
    return {e.key for e in d.legend}


# -- symbols ------------------------------------------------------------------------------

@pytest.mark.parametrize("sex, shape", [(Sex.MALE, Rect), (Sex.FEMALE, Ellipse), (Sex.OTHER, Polygon),
                                        (Sex.UNKNOWN, Polygon)])
def test_sex_symbols(sex, shape):
    d = draw_family(family([P(1, sex)]), DAY)
    shapes = [p for p in prims_of(d, ("person", 1)) if not isinstance(p, (Text, Polyline, MultiPolyline))]
    assert len(shapes) == 1 and isinstance(shapes[0], shape)
    box = d.bounds[("person", 1)]
    assert box.w == pytest.approx(40) and box.h == pytest.approx(40)
    ages = [t for t in prims_of(d, ("person", 1), Text) if t.lines == ("39",)]
    assert ages and box.y < ages[0].y < box.bottom  # age inside the symbol


def test_deceased_x_and_dates():
    d = draw_family(family([P(1, Sex.MALE, "1940", death=pd("2010"), deceased=True)]), DAY)
    xs = prims_of(d, ("person", 1), MultiPolyline)
    assert len(xs) == 1 and [len(path) for path in xs[0].paths] == [2, 2]  # the X: two strokes, one primitive
    box = d.bounds[("person", 1)]
    (a, b), (c, e) = xs[0].paths
    assert a[0] < box.x + 1 and b[0] > box.right - 1 and c[0] > box.right - 1 and e[0] < box.x + 1  # corner to corner
    text = " ".join(l for t in prims_of(d, ("person", 1), Text) for l in t.lines)
    assert "b. 1940 – d. 2010" in text
    assert "symbol:deceased" in keys(d)
    # before the death: alive, no X, age shown
    d2 = draw_family(family([P(1, Sex.MALE, "1940", death=pd("2010"), deceased=True)]), date(2000, 6, 1))
    assert not prims_of(d2, ("person", 1), MultiPolyline)


def test_subject_double_outline_and_bold_name():
    d = draw_family(family([P(1, is_subject=True)]), DAY)
    assert len(prims_of(d, ("person", 1), Ellipse)) == 2
    assert any(t.bold for t in prims_of(d, ("person", 1), Text))
    assert "symbol:subject" in keys(d)


@pytest.mark.parametrize("outcome, key", [
    (PregnancyOutcome.PREGNANCY, "symbol:pregnancy"),
    (PregnancyOutcome.MISCARRIAGE, "symbol:miscarriage"),
    (PregnancyOutcome.STILLBIRTH, "symbol:stillbirth"),
    (PregnancyOutcome.TERMINATION, "symbol:termination"),
])
def test_pregnancy_symbols(outcome, key):
    due = "Sep 2024" if outcome is PregnancyOutcome.PREGNANCY else "2020"  # a pregnancy is current
    kid = P(3, Sex.UNKNOWN, due, pregnancy=outcome)
    d = draw_family(couple_with_kids(kids=[kid]), DAY)
    ps = prims_of(d, ("person", 3))
    assert key in keys(d)
    if outcome is PregnancyOutcome.PREGNANCY:
        tri = [p for p in ps if isinstance(p, Polygon)]
        assert len(tri) == 1 and len(tri[0].points) == 3
        assert any(t.lines == ("P",) for t in ps if isinstance(t, Text))
    elif outcome is PregnancyOutcome.MISCARRIAGE:
        e = [p for p in ps if isinstance(p, Ellipse)]
        assert len(e) == 1 and e[0].fill is not None and e[0].rx < 12
    elif outcome is PregnancyOutcome.TERMINATION:
        assert [p for p in ps if isinstance(p, Ellipse)] and len([p for p in ps if isinstance(p, Polyline)]) == 1
    else:
        xs = [p for p in ps if isinstance(p, MultiPolyline)]
        assert d.bounds[("person", 3)].w < 20 and len(xs) == 1 and len(xs[0].paths) == 2  # small, with an X


def test_adopted_brackets_and_dashed_line():
    kid = P(3, born="2015", adopted=True)
    d = draw_family(couple_with_kids(kids=[kid], link_kind=ParentLinkKind.ADOPTIVE), DAY)
    brackets = prims_of(d, ("person", 3), MultiPolyline)
    assert len(brackets) == 1 and [len(path) for path in brackets[0].paths] == [4, 4]
    box = d.bounds[("person", 3)]
    left, right = brackets[0].paths
    assert max(x for x, _ in left) <= box.x and min(x for x, _ in right) >= box.right  # either side
    line = prims_of(d, ("parent_link", 100), Polyline)
    assert line and line[0].stroke.style is LineStyle.DASHED
    assert {"symbol:adopted", "link:adoptive"} <= keys(d)


@pytest.mark.parametrize("kind, style", [(ParentLinkKind.FOSTER, LineStyle.DOTTED),
                                          (ParentLinkKind.KINSHIP, LineStyle.DASH_DOT),
                                          (ParentLinkKind.STEP, LineStyle.DASH_DOT_DOT)])
def test_secondary_links_have_their_own_style(kind, style):
    # a child with birth parents 1+2 and a third adult linked by ``kind``
    snap = couple_with_kids(kids=[P(3, born="2015")])
    carer = P(4, Sex.FEMALE, "1960")
    link = ParentLinkView(200, 4, 3, kind)
    snap = family(snap.people + (carer,), snap.partnerships, snap.parent_links + (link,))
    d = draw_family(snap, DAY)
    line = prims_of(d, ("parent_link", 200), Polyline)
    assert len(line) == 1 and line[0].stroke.style is style
    assert f"link:{kind.value}" in keys(d)


# -- partnerships --------------------------------------------------------------------------

@pytest.mark.parametrize("kind, style", [(PartnershipKind.MARRIED, LineStyle.SOLID),
                                          (PartnershipKind.CIVIL_PARTNERSHIP, LineStyle.SOLID),
                                          (PartnershipKind.COHABITING, LineStyle.DASHED),
                                          (PartnershipKind.DATING, LineStyle.DOTTED),
                                          (PartnershipKind.ENGAGED, LineStyle.DASHED)])
def test_partnership_line_styles(kind, style):
    d = draw_family(couple_with_kids(kind), DAY)
    lines = prims_of(d, ("partnership", 10), Polyline)
    assert lines[0].stroke.style is style
    (x0, y0), (x1, y1) = lines[0].points
    assert y0 == y1  # horizontal, between the partners at mid-height
    b1, b2 = d.bounds[("person", 1)], d.bounds[("person", 2)]
    assert y0 == pytest.approx(b1.center[1])
    assert {round(x0), round(x1)} == {round(min(b1.right, b2.right)), round(max(b1.x, b2.x))}
    rings = prims_of(d, ("partnership", 10), Ellipse)
    assert bool(rings) == (kind is PartnershipKind.ENGAGED)


@pytest.mark.parametrize("end_kind, slashes, house", [
    (PartnershipEnd.SEPARATED, 1, False), (PartnershipEnd.DIVORCED, 2, False), (PartnershipEnd.WIDOWED, 0, False)])
def test_partnership_endings(end_kind, slashes, house):
    d = draw_family(couple_with_kids(end_kind=end_kind, end="2015"), DAY)
    marks = [p for p in prims_of(d, ("partnership", 10), Polyline) if len(p.points) == 2
             and p.points[0][1] != p.points[1][1]]
    assert len(marks) == slashes
    # before the end date, no slash
    d2 = draw_family(couple_with_kids(end_kind=end_kind, end="2015"), date(2010, 1, 1))
    assert not [p for p in prims_of(d2, ("partnership", 10), Polyline) if p.points[0][1] != p.points[-1][1]
                and len(p.points) == 2]


def test_separated_but_living_together_is_distinct():
    d = draw_family(couple_with_kids(end_kind=PartnershipEnd.SEPARATED, end="2015", living=True), DAY)
    assert prims_of(d, ("partnership", 10), Polygon)  # the house mark
    assert "partner:separated_together" in keys(d) and "partner:separated" not in keys(d)


def test_serial_partners_ordered_by_start_and_adjacent():
    people = [P(1, Sex.MALE, "1970"), P(2, born="1972"), P(3, born="1975")]
    parts = [PartnershipView(10, 1, 3, start=pd("2010")), PartnershipView(11, 1, 2, start=pd("1995"),
             end=pd("2005"), end_kind=PartnershipEnd.DIVORCED)]
    snap = family(people, parts)
    lay = cached_layout(snap)
    row = lay.rows[lay.row_of[1]]
    assert row.index(1) == 1 and row.index(2) == 0 and row.index(3) == 2  # first partner left


# -- descent -----------------------------------------------------------------------------------

def test_children_hang_from_sibship_line_in_birth_order():
    kids = [P(3, born="2012"), P(4, Sex.MALE, born="2010"), P(5, born="2014")]
    d = draw_family(couple_with_kids(kids=kids), DAY)
    xs = {k.id: d.bounds[("person", k.id)].center[0] for k in kids}
    assert xs[4] < xs[3] < xs[5]
    drops = prims_of(d, ("partnership", 10), Polyline)
    horizontals = [p for p in drops if p.points[0][1] == p.points[-1][1] and p.points[0][1] > d.bounds[("person", 1)].bottom]
    assert len(horizontals) == 1  # the sibship line
    for k in kids:  # each child on a vertical from it to the top of the symbol
        lines = [p for p in d.primitives if isinstance(p, Polyline) and p.ref and p.ref[0] == "parent_link"
                 and p.points[-1][1] == pytest.approx(d.bounds[("person", k.id)].y)]
        assert lines and lines[0].points[0][0] == lines[0].points[-1][0]


def test_single_parent_child_and_childless_couple():
    people = [P(1, born="1980"), P(2, Sex.MALE, "1979"), P(3, born="2010"), P(4, born="1950")]
    snap = family(people, [PartnershipView(10, 1, 2)], [ParentLinkView(100, 4, 1)])
    d = draw_family(snap, DAY)
    rep = run_checks(snap, cached_layout(snap), d, DAY)
    assert rep.ok, rep.violations
    assert prims_of(d, ("parent_link", 100), Polyline)  # from the lone parent's side


@pytest.mark.parametrize("twin_kind, bars", [(TwinKind.FRATERNAL, 0), (TwinKind.IDENTICAL, 1)])
def test_twins_from_one_point(twin_kind, bars):
    kids = [P(3, born="2015-03-01", twin_group="a", twin_kind=twin_kind, birth_order=1),
            P(4, born="2015-03-01", twin_group="a", twin_kind=twin_kind, birth_order=2)]
    d = draw_family(couple_with_kids(kids=kids), DAY)
    a = prims_of(d, ("parent_link", 100), Polyline)[0]
    b = prims_of(d, ("parent_link", 102), Polyline)[0]
    assert a.points[0] == b.points[0]  # one point on the sibship line
    assert len(prims_of(d, ("person", 3), Polyline)) == bars


def test_pr_marks():
    d = draw_family(couple_with_kids(kids=[P(3, born="2015")]), DAY)
    pr = [t for t in d.primitives if isinstance(t, Text) and t.lines[0].startswith("PR")]
    assert pr and pr[0].ref[0] == "parent_link" and pr[0].layer == "badges"
    d2 = draw_family(couple_with_kids(kids=[P(3, born="2015")]), DAY, DrawOptions(show_badges=False))
    assert not [t for t in d2.primitives if isinstance(t, Text) and t.lines[0].startswith("PR")]


def test_legal_status_badges():
    snap = couple_with_kids(kids=[P(3, born="2015")], legal=[
        LegalStatusView(1, 3, LegalStatusKind.CHILD_PROTECTION, start=pd("2023")),
        LegalStatusView(2, 3, LegalStatusKind.CHILD_IN_NEED, start=pd("2020"), end=pd("2022"))])
    d = draw_family(snap, DAY)
    badges = [t for t in prims_of(d, ("person", 3), Text, "badges")]
    assert [t.lines[0] for t in badges] == ["CP"]
    d2 = draw_family(snap, date(2021, 1, 1))
    assert [t.lines[0] for t in prims_of(d2, ("person", 3), Text, "badges")] == ["CIN"]


# -- ties --------------------------------------------------------------------------------------

def _tie_drawing(kind, status=FactStatus.REPORTED):
    snap = couple_with_kids(kids=[P(3, born="2010")], ties=[TieView(50, 1, 3, kind, status=status)])
    return draw_family(snap, DAY)


def _signature(prims):
    return tuple(sorted((type(p).__name__, getattr(getattr(p, "stroke", None), "style", None) or "",
                         len(getattr(p, "points", ())) > 6) for p in prims))


def test_every_tie_kind_distinct_in_black_and_white():
    sigs = {}
    for kind in TieKind:
        d = _tie_drawing(kind)
        prims = prims_of(d, ("tie", 50), layer="ties")
        assert prims, kind
        assert f"tie:{kind.value}" in keys(d)
        assert any(isinstance(p, Polygon) and len(p.points) == 3 for p in prims) == kind.directed
        sigs[kind] = _signature(prims)
    assert len(set(sigs.values())) == len(TieKind), sigs
    assert TIE_STYLE[TieKind.DOMESTIC_ABUSE_PHYSICAL][0].startswith("#b9")  # red is for abuse


def test_unconfirmed_tie_marked_and_toggle():
    d = _tie_drawing(TieKind.CONFLICT, FactStatus.ALLEGED)
    assert any(isinstance(p, Text) and p.lines == ("?",) for p in prims_of(d, ("tie", 50)))
    snap = couple_with_kids(kids=[P(3, born="2010")], ties=[TieView(50, 1, 3, TieKind.CLOSE)])
    assert not draw_family(snap, DAY, DrawOptions(show_ties=False)).by_ref(("tie", 50))


# -- households ---------------------------------------------------------------------------------

def test_household_boundary_contains_exactly_its_members():
    kids = [P(3, born="2012"), P(4, born="2014")]
    snap = couple_with_kids(kids=kids)
    hh = [HouseholdView(1, "Mum's home", "1 Oak Road"), HouseholdView(2, "Dad's flat", "2 Elm St", HouseholdType.TEMPORARY)]
    res = [ResidenceView(1, 2, 1, start=pd("2010")), ResidenceView(2, 3, 1, start=pd("2012")),
           ResidenceView(3, 4, 2, start=pd("2014")), ResidenceView(4, 1, 2, start=pd("2010"))]
    snap = family(snap.people, snap.partnerships, snap.parent_links, households=hh, residences=res)
    d = draw_family(snap, DAY)
    rep = run_checks(snap, cached_layout(snap), d, DAY)
    assert rep.ok, rep.violations
    shapes = [p for p in d.primitives if p.layer == "households" and isinstance(p, (Rect, Polygon))]
    assert {p.ref for p in shapes} == {("household", 1), ("household", 2)}
    labels = [t for t in d.primitives if isinstance(t, Text) and t.ref == ("household", 1)]
    assert labels and "Oak" not in labels[0].lines[0]
    d2 = draw_family(snap, DAY, DrawOptions(show_addresses=True))
    assert any("1 Oak Road" in " ".join(t.lines) for t in d2.primitives if isinstance(t, Text) and t.ref == ("household", 1))
    assert not draw_family(snap, DAY, DrawOptions(show_households=False)).by_ref(("household", 1))
    # before anyone lived there: no boundary
    assert not draw_family(snap, date(2009, 1, 1)).by_ref(("household", 1))


def test_unborn_hidden_and_legend_matches_content():
    snap = couple_with_kids(kids=[P(3, born="2020")])
    d = draw_family(snap, date(2019, 1, 1))
    assert ("person", 3) not in d.bounds
    assert keys(d) >= {"symbol:male", "symbol:female", "partner:married"}
    assert "symbol:pregnancy" not in keys(d) and not any(k.startswith("tie:") for k in keys(d))


# -- text ----------------------------------------------------------------------------------------

def test_long_names_wrap_never_cut():
    name = "Bartholomew-Maximilian Featherstonehaugh-Cholmondeley-Smythe"
    lines = wrap(name, 84, 8)
    assert len(lines) > 1 and all(text_width(l, 8) <= 84 for l in lines)
    assert "".join(lines).replace("-", "") == name.replace(" ", "").replace("-", "")
    p = PersonView(1, given_names="Bartholomew-Maximilian", family_name="Featherstonehaugh-Cholmondeley-Smythe",
                   known_as="Barty", birth=pd("2019"), death=pd("2021"))
    texts = [l.text for l in person_label(p, DAY)]
    assert "“Barty”" in texts and texts[-1] == "b. 2019 – d. 2021"


def _demo_snapshots(tmp_path):
    return demo_snapshots(tmp_path)


def test_no_text_cut_off_and_every_label_fits_its_cell(tmp_path):
    """Legend labels (on the sheet), samples, person labels, tabs, badges: wrapped, never elided."""
    from genomap.drawing.sheet import CELL_W, COL_W, with_header_and_key
    from genomap.layout.checks import check_text_fits
    from genomap.testing.generate import generate_family

    snaps = _demo_snapshots(tmp_path) + [generate_family(seed, 60) for seed in range(4)]
    for snap in snaps:
        data = [p.name for p in snap.people] + [h.label for h in snap.households]
        for day in (date(2019, 6, 1), date(2026, 11, 26)):
            d = draw_family(snap, day, DrawOptions(show_addresses=True))
            assert check_text_fits(d, data) == []
            sheet = with_header_and_key(d)
            assert check_text_fits(sheet, data, key_label_width=COL_W - CELL_W - 12) == []
            legend_texts = [l for p in sheet.primitives if isinstance(p, Text) and p.layer == "legend"
                            for l in p.lines]
            assert not any(l.endswith("…") for l in legend_texts)
    # the long arrow label in particular wraps onto two lines instead of being cut
    long_label = "Arrow: towards the person harmed / protected"
    d = draw_family(snaps[0], date(2026, 11, 26))
    sheet = with_header_and_key(d)
    shown = [p for p in sheet.primitives if isinstance(p, Text) and " ".join(p.lines) == long_label]
    assert shown and len(shown[0].lines) == 2


def test_ties_curve_from_symbol_edge_and_parallel_ties_apart():
    kids = [P(3, Sex.MALE, "2010"), P(4, Sex.FEMALE, "2012"), P(5, Sex.FEMALE, "2014")]
    ties = [TieView(1, 1, 5, TieKind.CLOSE), TieView(2, 5, 1, TieKind.CONFLICT), TieView(3, 1, 2, TieKind.HOSTILE)]
    d = draw_family(couple_with_kids(kids=kids, ties=ties), DAY)
    import math

    def base(tid):
        lines = [p for p in d.primitives if p.ref == ("tie", tid) and isinstance(p, Polyline)]
        return max(lines, key=lambda l: len(l.points)).points

    for tid, (a, b) in {1: (1, 5), 2: (5, 1), 3: (1, 2)}.items():
        pts = base(tid)
        assert len(pts) > 8  # a flattened curve, not one straight segment
        for end, pid in ((pts[0], a), (pts[-1], b)):
            box = d.bounds[("person", pid)]
            cx, cy = box.center
            # on (just outside) the symbol's outline, not at its centre
            assert not (box.x + 2 < end[0] < box.right - 2 and box.y + 2 < end[1] < box.bottom - 2)
            assert math.dist(end, (cx, cy)) <= math.hypot(box.w, box.h) / 2 + 9
        # it bows: the middle stands off the chord
        (x0, y0), (x1, y1) = pts[0], pts[-1]
        mx, my = pts[len(pts) // 2]
        off = abs((x1 - x0) * (y0 - my) - (x0 - mx) * (y1 - y0)) / math.dist(pts[0], pts[-1])
        assert off > 5
    # the two ties between 1 and 5 run apart, not on top of each other
    p1, p2 = base(1), base(2)
    m1, m2 = p1[len(p1) // 2], p2[len(p2) // 2]
    assert math.dist(m1, m2) > 6
    assert math.dist(p1[0], p2[-1]) > 4 and math.dist(p1[-1], p2[0]) > 4


def test_pregnancy_shown_only_in_the_nine_months_before_it_is_due():
    from genomap.drawing.builder import visible_on

    today = date(2026, 11, 26)
    dated = P(3, Sex.UNKNOWN, "Mar 2027", pregnancy=PregnancyOutcome.PREGNANCY)
    named = PersonView(4, known_as="Pregnancy (due Mar 2027)", pregnancy=PregnancyOutcome.PREGNANCY)
    for p in (dated, named):
        assert not visible_on(p, date(2023, 6, 1), today)
        assert not visible_on(p, date(2026, 5, 1), today)  # more than nine months before
        assert visible_on(p, date(2026, 7, 1), today) and visible_on(p, today, today)
        assert not visible_on(p, date(2027, 6, 1), today)  # long overdue: the birth should be recorded
    undated = PersonView(5, known_as="Pregnancy", pregnancy=PregnancyOutcome.PREGNANCY)
    assert visible_on(undated, today, today) and visible_on(undated, date(2026, 6, 1), today)
    assert not visible_on(undated, date(2023, 6, 1), today)  # not on views of years gone by
    lost = P(6, Sex.UNKNOWN, "2019", pregnancy=PregnancyOutcome.MISCARRIAGE)
    assert not visible_on(lost, date(2018, 6, 1)) and visible_on(lost, date(2019, 6, 1))
    # and in the drawing
    snap = couple_with_kids(kids=[dated])
    assert ("person", 3) not in draw_family(snap, date(2023, 6, 1)).bounds
    assert ("person", 3) in draw_family(snap, date(2026, 11, 1)).bounds


def test_children_not_yet_born_leave_no_gap():
    kids = [P(3, Sex.MALE, "2010"), P(4, Sex.FEMALE, "2014"), P(5, Sex.FEMALE, "2016"), P(6, Sex.MALE, "2018")]
    snap = couple_with_kids(kids=kids)
    full = draw_family(snap, DAY)
    early = draw_family(snap, date(2011, 1, 1))
    assert ("person", 4) not in early.bounds
    mid = (full.bounds[("person", 1)].center[0] + full.bounds[("person", 2)].center[0]) / 2
    # the only child born by then hangs straight under the parents, not off to one side
    assert abs(early.bounds[("person", 3)].center[0] - mid) < 1.0
    # the parents themselves do not move when the view date changes
    for pid in (1, 2):
        assert early.bounds[("person", pid)] == full.bounds[("person", pid)]
    lay = cached_layout(snap)
    _, _, rep = None, None, run_checks(snap, lay, early, date(2011, 1, 1))
    assert rep.ok, {k: v for k, v in rep.violations.items() if v}


def test_third_partner_line_lowered_and_children_hang_from_its_middle():
    people = [P(1, Sex.FEMALE, "1980"), P(2, Sex.MALE, "1978"), P(3, Sex.MALE, "1979"), P(4, Sex.MALE, "1981"),
              P(5, Sex.MALE, "2001"), P(6, Sex.FEMALE, "2006"), P(8, Sex.MALE, "2012"), P(9, Sex.FEMALE, "2014")]
    parts = [PartnershipView(10, 1, 2, PartnershipKind.MARRIED, start=pd("2000"), end=pd("2004"),
                             end_kind=PartnershipEnd.DIVORCED),
             PartnershipView(11, 1, 3, PartnershipKind.COHABITING, start=pd("2005"), end=pd("2010"),
                             end_kind=PartnershipEnd.SEPARATED),
             PartnershipView(12, 1, 4, PartnershipKind.MARRIED, start=pd("2011"))]
    links, lid = [], 100
    for kid, pair in {5: (1, 2), 6: (1, 3), 8: (1, 4), 9: (1, 4)}.items():
        for par in pair:
            links.append(ParentLinkView(lid, par, kid, ParentLinkKind.BIOLOGICAL, TriState.YES))
            lid += 1
    snap = family(people, parts, links)
    d = draw_family(snap, DAY)
    lay = cached_layout(snap)
    x = {p: d.bounds[("person", p)].center[0] for p in (1, 2, 3, 4)}
    # the person sits between her first two partners, in start order; the third beyond
    assert x[2] < x[1] < x[3] < x[4]
    line = [p for p in prims_of(d, ("partnership", 12), Polyline) if len(p.points) == 4][0]
    (x0, y0), (_, ly), (_, _), (x3, y3) = line.points
    labels_bottom = max(d.bounds[("person", p)].bottom for p in (1, 4)) + 20
    assert ly > labels_bottom  # below the row's labels, not over the top of the row
    assert {round(x0), round(x3)} == {round(x[1]), round(x[4])}
    # the couple's children hang from the middle of that line
    mid = (x[1] + x[4]) / 2
    drops = [p for p in prims_of(d, ("partnership", 12), Polyline) if p.points[0] == (mid, ly)]
    assert drops, "children's line starts at the middle of the lowered partnership line"
    rep = run_checks(snap, lay, d, DAY)
    assert rep.ok and rep.crossings <= 1, rep.summary()
