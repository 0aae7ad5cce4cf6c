"""The as-at date and the overlays in the real main window (pytest-qt, offscreen), on the demo family.

No mocks: the window opens the bundled demo into a real file, draws through the
real pipeline (Graphviz layout, cached) and the tests drive the date control, the
View menu, the Chronology dock, the risk banner and the Agencies view as a user would.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt

from genomap.drawing.overlays import OVERLAY_KINDS
from genomap.ui.actions import action_text, find_action
from genomap.ui.main_window import MainWindow
from genomap.ui.scene import DATA_LAYER
from test_overlays import EARLY, LATE, drawn_households, expected_households


@pytest.fixture
def window(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_demo()
    qtbot.waitUntil(lambda: w.canvas.drawing() is not None, timeout=10000)
    yield w
    w.close()


def pid(w, name: str) -> int:
    return next(p.id for p in w.snapshot.people if p.name == name)


def type_date(qtbot, w, text: str) -> None:
    field = w.asat.field
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def menu_action(w, menu: str, item: str):
    top = next(a for a in w.menuBar().actions() if action_text(a) == menu)
    action = find_action(top.menu(), item)
    assert action is not None, f"no {menu} > {item}"
    return action


def test_default_is_today_and_the_date_field_redraws(qtbot, window):
    w = window
    assert w.as_at == date.today() and w.asat.date() == date.today()
    type_date(qtbot, w, "1 Jun 2023")
    assert w.as_at == EARLY
    d = w.canvas.drawing()
    assert d.as_at == "1 Jun 2023"
    assert w.canvas._as_at_label.text() == "As at 1 Jun 2023"
    assert drawn_households(d, w.snapshot) == expected_households(EARLY)
    type_date(qtbot, w, "2026-06-01")
    assert w.canvas.drawing().as_at == "1 Jun 2026"
    assert drawn_households(w.canvas.drawing(), w.snapshot) == expected_households(LATE)
    # a partial date means its first day; nonsense is refused and the date stays
    type_date(qtbot, w, "Mar 2025")
    assert w.as_at == date(2025, 3, 1)
    type_date(qtbot, w, "the thirty-third")
    assert w.as_at == date(2025, 3, 1)
    assert "b42318" in w.asat.field.styleSheet()


def test_changing_the_date_keeps_zoom_and_selection(qtbot, window):
    w = window
    mia = ("person", pid(w, "Mia Pellbrook"))
    w.canvas.set_zoom(1.6)
    w.select([mia])
    w.asat.set_date(date(2024, 3, 1))
    assert w.canvas.drawing().as_at == "1 Mar 2024"
    assert abs(w.canvas.zoom_factor() - 1.6) < 1e-6
    assert w.canvas.selected_refs() == [mia]


def test_slider_scrubbing_is_throttled_and_ends_on_the_last_position(qtbot, window):
    w = window
    seen = []
    w.asat.date_changed.connect(seen.append)
    lo, _hi = w.asat.date_range()
    slider = w.asat.slider
    start = slider.value()
    for i in range(1, 41):  # a fast drag: 40 positions in one go
        slider.setValue(start - 20 * i)
    assert w.asat.field.text() != ""  # the field follows every move...
    assert len(seen) <= 1  # ...but no redraw has been requested yet
    final = lo + timedelta(days=start - 800)
    qtbot.waitUntil(lambda: w.as_at == final, timeout=2000)
    assert seen[-1] == final and len(seen) <= 2
    assert w.canvas.drawing().as_at == f"{final.day} {final:%b} {final.year}"


def test_step_and_play_walk_through_event_days(qtbot, window):
    w = window
    days = w.asat.event_days()
    assert len(days) > 20
    w.asat.set_date(date(2024, 1, 1))
    nxt = w.asat.step(1)
    assert nxt == min(d for d in days if d > date(2024, 1, 1)) == w.as_at
    prev = w.asat.step(-1)
    assert prev == max(d for d in days if d < nxt) == w.as_at
    w.asat._play.setInterval(20)
    w.asat.set_playing(True)
    qtbot.waitUntil(lambda: w.as_at > nxt, timeout=3000)
    w.asat.set_playing(False)
    assert w.as_at in days


def test_view_menu_toggles_each_overlay_hiding_exactly_its_items(qtbot, window):
    w = window
    w.asat.set_date(date(2025, 10, 1))
    items = w.canvas.primitive_items()
    drawing = w.canvas.drawing()
    for kind in OVERLAY_KINDS:
        assert any(p.layer == kind for p in drawing.primitives), kind
        before = [it.isVisible() for it in items]
        action = menu_action(w, "View", w.actions_by_name[f"overlay_{kind}"].text())
        assert action.isChecked()
        action.trigger()
        after = [it.isVisible() for it in items]
        changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
        own = [i for i, it in enumerate(items) if it.data(DATA_LAYER) == kind]
        assert set(changed) <= set(own) and not any(after[i] for i in own), kind
        assert len(own) == sum(1 for p in drawing.primitives if p.layer == kind)
        # the legend (Help > Legend, exports) follows
        assert not any(e.key.startswith(kind + ":") for e in w.drawing.legend)
        assert w.settings.value(f"view/{kind}", True, type=bool) is False
        assert kind not in w.export_overlay_options().enabled and not getattr(w.overlay_options, kind)
        action.trigger()
        assert [it.isVisible() for it in items] == before, kind
        assert any(e.key.startswith(kind + ":") for e in w.drawing.legend)
        assert getattr(w.overlay_options, kind)


def test_overlay_switches_are_remembered(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.actions_by_name["overlay_risk"].setChecked(False)
    w.close()
    w2 = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w2)
    assert not w2.actions_by_name["overlay_risk"].isChecked()
    assert not w2.canvas.is_layer_visible("risk") and w2.canvas.is_layer_visible("agencies")
    w2.close()


def test_moves_period_is_an_overlay_only_redraw(qtbot, window):
    w = window
    w.asat.set_date(date(2026, 6, 1))
    base = w.base_drawing
    before = [p for p in w.full_drawing.primitives if p.layer == "moves"]
    menu_action(w, "View", "Count moves over").menu()
    w.set_moves_period(36)
    assert w.base_drawing is base  # the base genogram was not rebuilt
    after = [p for p in w.full_drawing.primitives if p.layer == "moves"]
    assert len(after) > len(before)  # 12 months: only Tyler's Feb 2026 move; 36: the 2024-25 moves too
    assert "36 months" in next(e.label for e in w.full_drawing.legend if e.key == "moves:count")
    assert [p for p in w.canvas.drawing().primitives if p.layer == "moves"] == after


def test_chronology_entry_moves_the_date_and_selects_who_it_concerns(qtbot, window):
    w = window
    panel = w.chronology
    panel.set_filter("kind", "event")
    entry = next(e for e in panel.shown_entries() if e.title == "Family moves to 4 Rowan Close")
    assert panel.select_entry(entry)
    assert w.as_at == entry.day == date(2025, 5, 20)
    selected = set(w.canvas.selected_refs())
    assert {("person", p) for p in entry.people} <= selected
    assert w.canvas.drawing().as_at == "20 May 2025"
    # filters: by person, household and agency
    darren = pid(w, "Darren Skelwith")
    panel.set_filter("kind", None)
    panel.set_filter("person", darren)
    shown = panel.shown_entries()
    assert shown and all(darren in e.people for e in shown)
    panel.set_filter("person", None)
    rowan = next(h.id for h in w.snapshot.households if h.label == "4 Rowan Close")
    panel.set_filter("household", rowan)
    assert all(rowan in e.households for e in panel.shown_entries())
    panel.set_filter("household", None)
    panel.set_filter("agency", "Wealdshire Police")
    assert {e.kind for e in panel.shown_entries()} <= {"involvement_start", "involvement_end"}
    assert panel.tree.topLevelItemCount() == len(panel.shown_entries())


def test_risk_banner_names_the_adults_and_children_and_selects_on_click(qtbot, window):
    w = window
    w.asat.set_date(date(2025, 10, 1))
    banner = w.risk_banner
    assert banner.isVisible()
    text = banner.text()
    assert "Risk adults connected at 1 Oct 2025" in text
    assert "Darren Skelwith" in text and "registered sex offender" in text and "Mia" in text
    assert "Dean Marlowby" in text
    darren = pid(w, "Darren Skelwith")
    banner.label.linkActivated.emit(f"person:{darren}")
    assert w.canvas.selected_refs() == [("person", darren)]
    # before any flag about harm to others was active: no banner
    w.asat.set_date(date(2015, 6, 1))
    assert not banner.isVisible()


def test_agencies_view_lists_every_involvement_over_time(qtbot, window):
    w = window
    w.timeline_dock.show()
    view = w.agencies_timeline
    assert view.model.rowCount() == len(w.snapshot.involvements)
    w.asat.set_date(date(2025, 10, 1))
    assert view.model.as_at == date(2025, 10, 1)
    view.only_current.setChecked(True)
    active = [i for i in w.snapshot.involvements if i.active_on(date(2025, 10, 1))]
    assert view.model.rowCount() == len(active)
    view.table.selectRow(0)
    assert w.details.ref == view.model.data(view.model.index(0, 0), Qt.ItemDataRole.UserRole + 1)
    assert "of" in view.summary.text()


def test_details_shows_a_residence_timeline_for_a_person(qtbot, window):
    w = window
    mia = pid(w, "Mia Pellbrook")
    w.select([("person", mia)])
    tl = w.residence_timeline
    assert tl.isVisible()
    assert len(tl.rows) == len([r for r in w.snapshot.residences if r.person == mia])
    assert any("Ashgrove" in r[0] for r in tl.rows) and any("stays regularly" in r[0] for r in tl.rows)
    w.select([])
    assert not tl.isVisible()


def test_canvas_tooltips_for_overlay_badges(qtbot, window):
    w = window
    w.asat.set_date(date(2025, 10, 1))
    darren = pid(w, "Darren Skelwith")
    prob = next(i for i in w.snapshot.involvements if i.person == darren and i.agency_type.value == "probation")
    html = w.canvas.tooltip_html(("involvement", prob.id))
    assert "Wealdshire Probation Service" in html and "Hannah Ferreby" in html and "Offender manager" in html
    flag = next(f for f in w.snapshot.risk_flags if f.person == darren and f.kind.value == "registered_sex_offender")
    html = w.canvas.tooltip_html(("risk_flag", flag.id))
    assert "Registered sex offender" in html and "Mia Pellbrook" in html


def test_exports_get_the_view_date_and_exactly_the_enabled_overlays(qtbot, window, tmp_path):
    from genomap.export import export_case
    from genomap.ui.export_actions import _overlay_draw

    w = window
    w.asat.set_date(date(2025, 10, 1))
    w.actions_by_name["overlay_risk"].setChecked(False)
    draw = _overlay_draw(w)
    drawing = draw(w.snapshot, w.as_at, None)
    assert {"agencies", "stays", "moves"} <= drawing.layers() and "risk" not in drawing.layers()
    assert drawing.as_at == "1 Oct 2025"
    assert not any(e.key.startswith("risk:") for e in drawing.legend)
    out = tmp_path / "map.pdf"
    result = export_case(w.document, out, case=w.case_id, as_at=w.as_at, draw=draw, appendix=False)
    assert out.read_bytes()[:5] == b"%PDF-" and result.pages >= 1
