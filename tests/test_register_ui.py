"""The "Significant adults" dock in the real main window, on a real demo file, and the register PDF.

No mocks: the window opens a SQLite file written by :func:`genomap.demo.build_demo`;
the add-adult form is filled and OK pressed; the genogram drawing is checked for
the new person's symbol and line; PDFs are read back with pypdf and pdftotext.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from pypdf import PdfReader

from genomap.commands import command, edits
from genomap.model.enums import ParentLinkKind, ResidenceKind, TieKind
from genomap.render.register_pdf import export_register_pdf
from genomap.store.document import Document
from genomap.ui.main_window import MainWindow

DAY = date(2026, 11, 20)
SHOTS = Path(__file__).resolve().parent / "output"
STAY_KINDS = {ResidenceKind.LIVES, ResidenceKind.STAYS_REGULARLY, ResidenceKind.STAYS_OVERNIGHT}


def active(row, day=DAY):
    return ((row.start is None or row.start.representative() <= day)
            and (row.end is None or row.end.representative() >= day))


def is_adult(snap, pid, day=DAY):
    p = snap.person(pid)
    return p.pregnancy.value == "none" and not p.is_dead_on(day) and (p.age_on(day) is None or p.age_on(day) >= 18)


@pytest.fixture
def window(qtbot, tmp_path, demo_file):
    QStandardPaths.setTestModeEnabled(True)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(demo_file)
    w.set_case(next(c for c in _cases(w) if c[1].startswith("Thistlewood"))[0])
    w.set_as_at(DAY)
    w.register_dock.show()
    w.register_dock.raise_()
    qtbot.waitUntil(lambda: w.register_panel.register is not None and w.register_panel.register.as_at == DAY)
    yield w
    w.close()


def _cases(w):
    return [(w.case_combo.itemData(i), w.case_combo.itemText(i)) for i in range(w.case_combo.count())]


def table_names(panel) -> list[str]:
    return [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]


def row_of(panel, name: str) -> list[str]:
    r = table_names(panel).index(name)
    return [panel.table.item(r, c).text() for c in range(panel.table.columnCount())]


def test_dock_lists_both_households_the_parents_and_the_visiting_risk_adult(window, qtbot):
    panel = window.register_panel
    snap = window.snapshot
    mia = next(p.id for p in snap.people if p.given_names == "Mia")
    assert panel.child == mia  # defaults to the subject child
    homes = {r.household for r in snap.residences if r.person == mia and r.kind in STAY_KINDS and active(r)}
    in_homes = {r.person for r in snap.residences if r.household in homes and active(r)} - {mia}
    parents = {l.parent for l in snap.parent_links if l.child == mia and active(l)}
    must = {snap.person(p).name for p in (in_homes | parents) if is_adult(snap, p)}
    shown = set(table_names(panel))
    assert must <= shown
    # nothing else but the family the register adds on purpose: grandparents, partners, ties
    extra = shown - must
    assert extra == {"Jodie Thistlewood", "Denise Thistlewood"}
    darren = row_of(panel, "Darren Skelwith")
    assert darren[7].startswith("RISK: RSO: Registered sex offender (confirmed)")
    item = panel.table.item(table_names(panel).index("Darren Skelwith"), 0)
    assert not item.icon().isNull() and item.font().bold()  # icon + text, not colour alone
    assert "Visits 4 Rowan Close" in darren[3]
    assert row_of(panel, "Gavin Pellbrook")[3] == "Child stays regularly at their home (27 Millbank Road)"
    assert panel.alert.isVisible() and "RISK" in panel.alert.text() and "Darren Skelwith" in panel.alert.text()
    assert panel.siblings.rowCount() == 5
    SHOTS.mkdir(exist_ok=True)
    window.register_dock.setFloating(True)
    window.register_dock.resize(1250, 720)
    qtbot.wait(50)
    assert panel.grab().save(str(SHOTS / "register_view.png"))


def test_add_adult_from_the_register_adds_them_to_the_genogram(window, qtbot):
    panel = window.register_panel
    snap = window.snapshot
    kerry = next(p.id for p in snap.people if p.given_names == "Kerry")
    dlg = panel.add_adult_dialog()
    form = dlg.form
    form.widget("name").setText("Wayne Corrie")
    rel = form.widget("relationship")
    rel.setCurrentIndex(rel.findData("parents_partner"))
    form.widget("parent").setCurrentIndex(form.widget("parent").findData(kerry))
    form.widget("sex").set_value(form.widget("sex").itemData(0).__class__("male"))
    hh = form.widget("household")
    hh.setCurrentIndex(hh.findText("4 Rowan Close"))
    form.widget("arrangement").setCurrentIndex(form.widget("arrangement").findData(ResidenceKind.VISITS))
    form.widget("may_collect").setCurrentIndex(form.widget("may_collect").findText("No"))
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible(), form.error_text()
    qtbot.waitUntil(lambda: "Wayne Corrie" in table_names(panel))
    snap2 = window.snapshot
    wayne = next(p.id for p in snap2.people if p.name == "Wayne Corrie")
    partnership = next(r for r in snap2.partnerships if {r.a, r.b} == {wayne, kerry})
    assert row_of(panel, "Wayne Corrie")[1] == "Mother's partner"
    # the genogram: the new symbol and the partnership line
    qtbot.waitUntil(lambda: window.drawing is not None and bool(window.drawing.by_ref(("person", wayne))),
                    timeout=20000)
    from genomap.drawing.primitives import Polyline

    assert window.drawing.by_ref(("person", wayne))
    assert any(isinstance(p, Polyline) for p in window.drawing.by_ref(("partnership", partnership.id)))
    # one undo takes the person, the partnership, the visit and the register entry away
    window.undo_step()
    qtbot.waitUntil(lambda: "Wayne Corrie" not in table_names(panel))
    assert all(p.name != "Wayne Corrie" for p in window.snapshot.people)


def test_register_fields_and_mark_checked_are_undoable(window, qtbot):
    panel = window.register_panel
    panel.select_adult(next(p.id for p in window.snapshot.people if p.given_names == "Jodie"))
    panel.may_collect.setCurrentIndex(panel.may_collect.findData(panel.may_collect.itemData(1)))  # Yes
    panel.priority.setValue(1)
    panel.contact.setText("Tuesdays after school")
    assert panel.apply_entry(), panel.entry_error.text()
    qtbot.waitUntil(lambda: row_of(panel, "Jodie Thistlewood")[5] == "Yes")
    assert row_of(panel, "Jodie Thistlewood")[6] == "1"
    before = panel.review.count()
    panel.table.clearSelection()
    assert panel.mark_checked_today() == panel.table.rowCount()
    qtbot.waitUntil(lambda: "Every entry" in panel.review.item(0).text())
    window.undo_step()
    qtbot.waitUntil(lambda: panel.review.count() == before)


def test_no_contact_order_shows_in_the_register_and_the_pdf(window, qtbot, tmp_path):
    panel = window.register_panel
    snap = window.snapshot
    mia = panel.child
    gavin = next(p.id for p in snap.people if p.given_names == "Gavin")
    window.run(command("Add tie", edits.add_tie, gavin, mia, TieKind.NO_CONTACT_ORDER, start="2026-10-01",
                       status="confirmed", source="Family court"))
    qtbot.waitUntil(lambda: "NO CONTACT (COURT ORDER)" in row_of(panel, "Gavin Pellbrook")[4])
    assert row_of(panel, "Gavin Pellbrook")[5] == "No"
    assert "NO CONTACT (COURT ORDER)" in panel.alert.text()
    out = tmp_path / "who.pdf"
    panel.save_pdf(out)
    assert len(PdfReader(str(out)).pages) == 1
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "NO CONTACT (COURT" in text and "Gavin Pellbrook" in text and "OFFICIAL-SENSITIVE" in text
    assert "RISK: RSO" in text
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".who.pdf")] == []  # no temp left
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(out, SHOTS / "register.pdf")


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return " ".join(text.split()) + " " + (reader.metadata.title or "")


def test_redaction_profiles_remove_what_they_should(demo_file, tmp_path):
    with Document.open(demo_file) as doc:
        case_id = next(c.id for c in __import__("genomap.ui.data", fromlist=["x"]).list_cases(doc)
                       if c.label.startswith("BF-2025") or "Thistlewood" in c.label)
        snap = doc.snapshot(case_id)
        mia = next(p.id for p in snap.people if p.given_names == "Mia")
        darren = next(p.id for p in snap.people if p.given_names == "Darren")
        from genomap.register import set_entry_command

        set_entry_command(mia, darren, notes="Seen at the gate by Mrs Okonjo", contact_arrangement="None agreed",
                          last_checked="2025-03-14").redo(doc)
        full, parents, anon = (tmp_path / f"{n}.pdf" for n in ("full", "parents", "anon"))
        export_register_pdf(doc, case_id, mia, full, as_at=DAY)
        export_register_pdf(doc, case_id, mia, parents, as_at=DAY, redact_profile="parents")
        export_register_pdf(doc, case_id, mia, anon, as_at=DAY, redact_profile="anonymised")
    # positive control: the unredacted copy has everything the profiles take away
    t = pdf_text(full)
    for s in ("Darren Skelwith", "Shannon Pellbrook", "Rowan Close", "Mrs Okonjo", "Mia Pellbrook",
              "BF-2025-0412", "RISK: RSO", "14 Mar 2025"):
        assert s in t, s
    t = pdf_text(parents)
    assert "Redacted copy for: Parents / family" in t
    assert "Darren Skelwith" not in t and "Skelwith" not in t  # a third party: shown by role
    assert "Mother's partner" in t and "RISK: RSO" in t  # the marker stays
    assert "Mrs Okonjo" not in t  # register notes withheld
    assert "Mia Pellbrook" in t and "Kerry Thistlewood" in t  # family names stay for parents
    t = pdf_text(anon)
    for s in ("Mia", "Pellbrook", "Thistlewood", "Skelwith", "Rowan Close", "BF-2025-0412", "Mrs Okonjo",
              "14 Mar 2025"):  # (the as-at date is printed, as on the anonymised genogram)
        assert s not in t, s
    assert "Child 1" in t or "Child" in t
    assert "Redacted copy for: Anonymised" in t and "OFFICIAL-SENSITIVE" in t
