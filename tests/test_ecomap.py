"""The ecomap: connections derived from the demo family's data as at a date, drawn, shown and exported."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from genomap.analysis.ecomap import BOTH, STRESSFUL, STRONG, TENUOUS, TO_CENTRE, build_ecomap, default_centre
from genomap.demo import build_demo
from genomap.drawing.ecomap import ecomap_drawing
from genomap.drawing.primitives import Polyline
from genomap.store.document import Document


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    doc = Document.create(tmp_path_factory.mktemp("eco") / "demo.genomap")
    snap = doc.snapshot(build_demo(doc)[0])
    doc.close()
    return snap


def pid(snap, name):
    return next(p.id for p in snap.people if p.name == name)


def nodes(eco):
    return {n.label: n for n in eco.nodes}


def test_default_centre_is_the_subject_child(demo):
    kind, oid = default_centre(demo)
    assert kind == "person" and demo.person(oid).is_subject


def test_connections_are_derived_from_the_data_as_at_the_date(demo):
    mia = ("person", pid(demo, "Mia Pellbrook"))
    early = nodes(build_ecomap(demo, date(2023, 6, 1), mia))
    late = nodes(build_ecomap(demo, date(2026, 11, 1), mia))
    # close tie -> strong, both ways
    assert late["Jodie Thistlewood"].nature == STRONG and late["Jodie Thistlewood"].support == BOTH
    # weekends at Dad's (from Sep 2024) -> strong link to that household; not yet in 2023
    assert late["27 Millbank Road"].nature == STRONG and "27 Millbank Road" not in early
    # the alleged abuse (Sep 2026) and the risk adult -> stressful, pointing at the child
    darren = late["Darren Skelwith"]
    assert darren.nature == STRESSFUL and darren.support == TO_CENTRE and darren.risk
    assert "Darren Skelwith" not in early
    # agencies: supportive arrow towards the child; CAMHS only after the referral
    camhs = late["Wealdshire CAMHS"]
    assert camhs.kind == "agency" and camhs.support == TO_CENTRE and "Wealdshire CAMHS" not in early
    # an agency working only with someone Mia lives with is tenuous
    assert late["Brackenford Medical Practice"].nature == TENUOUS
    # the school appears once, with its role
    assert "Secondary school; designated safeguarding lead" in late["Brackenford Academy"].reasons


def test_household_centre(demo):
    rowan = next(h.id for h in demo.households if h.label == "4 Rowan Close")
    eco = build_ecomap(demo, date(2025, 10, 1), ("household", rowan))
    assert eco.title == "4 Rowan Close"
    assert {"Kerry Thistlewood", "Mia Pellbrook", "Ava Marlowby"} <= set(eco.members)
    assert "Darren Skelwith" in nodes(eco)  # the visiting risk adult


def test_drawing_has_the_line_styles_and_legend(demo):
    mia = ("person", pid(demo, "Mia Pellbrook"))
    d = ecomap_drawing(demo, date(2026, 11, 1), mia)
    assert d.as_at == "1 Nov 2026" and d.title == "Ecomap: Mia Pellbrook"
    keys = {e.key for e in d.legend}
    assert {"ecomap:strong", "ecomap:tenuous", "ecomap:stressful", "ecomap:arrow", "ecomap:risk"} <= keys
    lines = [p for p in d.primitives if isinstance(p, Polyline)]
    assert any(p.stroke.width >= 4 for p in lines)  # strong
    assert any(p.stroke.style.value == "dashed" for p in lines)  # tenuous
    assert any(len(p.points) > 6 for p in lines)  # zig-zag
    assert mia in d.bounds
    for n in build_ecomap(demo, date(2026, 11, 1), mia).nodes:
        assert n.ref in d.bounds


def test_ecomap_view_shows_and_exports(qtbot, tmp_path, demo):
    from genomap.ui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert w.open_demo()
    w.ecomap_dock.show()
    w.asat.set_date(date(2026, 11, 1))
    view = w.ecomap
    assert view.drawing is not None and view.drawing.as_at == "1 Nov 2026"
    assert view.canvas.drawing() is view.drawing
    w.asat.set_date(date(2023, 6, 1))
    assert view.drawing.as_at == "1 Jun 2023"
    rowan = next(h.id for h in w.snapshot.households if h.label == "4 Rowan Close")
    view.set_centre(("household", rowan))
    assert view.drawing.title == "Ecomap: 4 Rowan Close"
    png = view.export(tmp_path / "eco.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = view.export(tmp_path / "eco.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    w.close()
