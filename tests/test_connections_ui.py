"""Connections in the real editor window (offscreen Qt): markers, the dock, Confirm/Reject, alerts, the view.

Each test opens a real demo file (:func:`genomap.demo.build_demo`) written to ``tmp_path``
in a real :class:`MainWindow`; nothing is mocked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt

from genomap.commands import command, edits
from genomap.model.tables import Person
from genomap.ui.main_window import MainWindow

SHOTS = os.environ.get("GENOMAP_SCREENSHOTS")  # a folder: save PNGs of what the tests see


@pytest.fixture
def window(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    yield w
    w.close()


def _ids(w):
    with w.document.read() as s:
        people = {p.display_name: p.id for p in s.query(Person)}
    cases = {c.reference: c.id for c in __import__("genomap.ui.data", fromlist=["x"]).list_cases(w.document)}
    return people, cases


def _badge_items(w, pid):
    return [i for i in w.canvas.items_for_ref(("person", pid)) if i in w.canvas._layer_items.get("connections", [])]


def _show_case(qtbot, w, case_id):
    w.set_case(case_id)
    qtbot.waitUntil(lambda: w.canvas.drawing() is not None and w.snapshot.case_id == case_id, timeout=20000)


def test_marker_and_panel_for_the_risk_adult_in_each_map(qtbot, window, demo_file):
    w = window
    assert w.open_path(demo_file)
    people, cases = _ids(w)
    darren, daz = people["Darren Skelwith"], people["Darran Skelwyth"]
    for ref, others in (("BF-2025-0412", ["BF-2015-0877"]), ("BF-2015-0877", ["BF-2025-0412"])):
        _show_case(qtbot, w, cases[ref])
        qtbot.waitUntil(lambda: "connections" in w.canvas.layers(), timeout=20000)
        assert _badge_items(w, darren), f"no marker on Darren in {ref}"
        texts = [p.lines[0] for p in w.canvas.drawing().primitives if p.layer == "connections" and hasattr(p, "lines")]
        assert texts == ["1 +1?"]  # one other map linked, one more where a strong possible match lives
        w.select([("person", darren)])
        qtbot.waitUntil(lambda: w.connections.panel.person is not None
                        and w.connections.panel.person.person_id == darren, timeout=5000)
        text = w.connections.panel.texts()
        for other in others:
            assert other in text
        assert "Registered sex offender" in text and "Darran Skelwyth" in text
        assert "'Daz' is a known short form of 'Darren'" in text
        assert "Jake Farrant" in text or "Mia Pellbrook" in text  # the children there
        if SHOTS:
            w.connections.dock.raise_()
            qtbot.wait(50)
            w.grab().save(str(Path(SHOTS) / f"connections_window_{ref}.png"))
    # the third map: Daz is marked as a strong possible match of a flagged man
    _show_case(qtbot, w, cases["BF-2026-1103"])
    qtbot.waitUntil(lambda: bool(_badge_items(w, daz)), timeout=20000)
    assert not _badge_items(w, darren)
    w.canvas.set_layer_visible("connections", False)
    assert not any(i.isVisible() for i in _badge_items(w, daz))
    w.canvas.set_layer_visible("connections", True)


def test_confirm_links_records_and_the_view_lists_three_families(qtbot, window, demo_file, tmp_path):
    w = window
    w.open_path(demo_file)
    people, cases = _ids(w)
    darren, daz = people["Darren Skelwith"], people["Darran Skelwyth"]
    _show_case(qtbot, w, cases["BF-2026-1103"])
    w.connections.dock.show()
    w.select([("person", daz)])
    qtbot.waitUntil(lambda: ("confirm", darren) in w.connections.panel.buttons, timeout=5000)
    panel_text = w.connections.panel.texts()
    assert "Strong possible match" in panel_text and "same date of birth (11 Aug 1979)" in panel_text
    if SHOTS:
        w.connections.dock.raise_()
        qtbot.wait(50)
        w.grab().save(str(Path(SHOTS) / "connections_window_possible_match.png"))
    qtbot.mouseClick(w.connections.panel.buttons[("confirm", darren)], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.connections.panel.person is not None
                    and w.connections.panel.person.person_id == darren, timeout=5000)
    with w.document.read() as s:
        assert s.get(Person, daz) is None
    assert {f.reference for f in w.connections.panel.person.families} == set(cases)
    qtbot.waitUntil(lambda: bool(_badge_items(w, darren)), timeout=20000)

    dlg = w.connections.open_view()
    qtbot.addWidget(dlg)
    refs = {dlg.table.item(r, 2).text().split()[0] for r in range(dlg.table.rowCount())}
    assert refs == set(cases)
    assert all(dlg.table.item(r, 1).text() == "RSO, MAPPA" for r in range(dlg.table.rowCount()))
    assert ("person", darren) in dlg.drawing.bounds
    assert {k for k in dlg.drawing.bounds if k[0] == "case"} == {("case", c) for c in cases.values()}
    pdf = dlg.export_pdf(tmp_path / "connections.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if SHOTS:
        qtbot.wait(100)
        dlg.grab().save(str(Path(SHOTS) / "connections_view.png"))
    dlg.close()

    w.undo_step()  # one undo separates the records again
    with w.document.read() as s:
        assert s.get(Person, daz) is not None


def test_reject_is_remembered_after_reopening(qtbot, window, demo_file):
    w = window
    w.open_path(demo_file)
    people, cases = _ids(w)
    darren, daz = people["Darren Skelwith"], people["Darran Skelwyth"]
    _show_case(qtbot, w, cases["BF-2026-1103"])
    w.select([("person", daz)])
    qtbot.waitUntil(lambda: ("reject", darren) in w.connections.panel.buttons, timeout=5000)
    qtbot.mouseClick(w.connections.panel.buttons[("reject", darren)], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("reject", darren) not in w.connections.panel.buttons, timeout=5000)
    w.close_document()
    assert w.open_path(demo_file)
    _show_case(qtbot, w, cases["BF-2026-1103"])
    w.select([("person", daz)])
    qtbot.waitUntil(lambda: w.connections.panel.person is not None, timeout=5000)
    assert not w.connections.panel.person.possible_matches
    assert not _badge_items(w, daz)


def test_adding_a_person_raises_a_calm_alert_with_review(qtbot, window, demo_file):
    w = window
    w.open_path(demo_file)
    people, cases = _ids(w)
    _show_case(qtbot, w, cases["BF-2025-0412"])
    pid = w.run(command("Add person", edits.add_person, cases["BF-2025-0412"]))
    assert not w.connections.alert.isVisible()  # nobody to match yet: no name
    w.run(command("Edit person", edits.update_fields, "person", pid, given_names="Daz", family_name="Skelwyth",
                  birth="11/08/1979"))
    alert = w.connections.alert
    assert alert.isVisible() and "Possible match" in alert.label.text() and "Darren Skelwith" in alert.label.text()
    assert "risk flag" in alert.label.text()
    if SHOTS:
        w.grab().save(str(Path(SHOTS) / "connections_alert.png"))
    qtbot.mouseClick(alert.review, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.connections.panel.person is not None and w.connections.panel.person.person_id == pid,
                    timeout=5000)
    assert {m.name for m in w.connections.panel.person.possible_matches} == {"Darren Skelwith", "Darran Skelwyth"}
