"""CSV import with a column mapping (guessed or given) and people / involvement export."""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from genomap.errors import UserFacingError
from genomap.formats import csv_io
from genomap.formats.common import ImportFailed
from genomap.model import tables as T
from genomap.model.enums import Sex
from genomap.store.document import Document

from test_exchange import build_family, row_counts


@pytest.fixture
def doc():
    d = Document.in_memory()
    yield d
    d.close()


def test_guess_mapping_from_typical_headers():
    m = csv_io.guess_mapping(["Forename", "SURNAME", "D.O.B.", "Gender", "Relationship to child", "Home address",
                              "Comments", "NHS number"])
    assert m == {"given_names": "Forename", "family_name": "SURNAME", "birth": "D.O.B.", "sex": "Gender",
                 "role": "Relationship to child", "address": "Home address", "notes": "Comments"}
    assert csv_io.guess_mapping(["Name", "DOB"]) == {"full_name": "Name", "birth": "DOB"}


def test_import_people_with_guessed_mapping(doc, tmp_path):
    p = tmp_path / "adults.csv"
    p.write_text(
        "Name;DOB;Gender;Role;Address;Phone\n"
        "Dean Hollis;about 1980;M;mum's partner;1 Elm Rd;0123\n"
        "Kim Lee;31/02/1990;F;aunt;1 Elm Rd;\n"
        "\n"
        "Sam;2015-03-04;girl;subject;;\n", encoding="utf-8")
    report = csv_io.import_csv(doc, p)
    assert report.created["person"] == 3 and report.created["household"] == 1 and report.created["residence"] == 2
    with doc.read() as s:
        ps = {x.given_names: x for x in s.scalars(select(T.Person))}
        roles = {m.person_id: m.role for m in s.scalars(select(T.CaseMember))}
    assert ps["Dean"].family_name == "Hollis" and str(ps["Dean"].birth) == "about 1980"
    assert ps["Dean"].notes == "Phone: 0123" and ps["Sam"].sex is Sex.FEMALE
    assert ps["Kim"].birth is None and "31/02/1990" in ps["Kim"].notes
    assert roles[ps["Dean"].id] == "mum's partner"
    assert any(w.line == 3 and "not a real date" in w.message for w in report.warnings)
    assert report.kept_in_notes["column Phone"] == 1


def test_explicit_mapping_and_errors(doc, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("A,B\nAnn,Lee\n", encoding="utf-8")
    report = csv_io.import_csv(doc, p, {"given_names": "A", "family_name": "B"})
    assert report.created["person"] == 1
    before = row_counts(doc)
    with pytest.raises(ImportFailed) as info:
        csv_io.import_csv(doc, p, {"given_names": "Nope"})
    assert "'Nope'" in str(info.value) and row_counts(doc) == before
    with pytest.raises(ImportFailed):
        csv_io.import_csv(doc, p, {"shoe_size": "A"})
    bad = tmp_path / "bin.csv"
    bad.write_bytes(b"\x00\x01\x02PK\x03\x04")
    with pytest.raises(ImportFailed):
        csv_io.import_csv(doc, bad)
    assert row_counts(doc) == before


def test_people_csv_round_trip_and_formula_guard(doc, tmp_path):
    cid = build_family(doc)
    with doc.read() as s:
        grace = s.scalars(select(T.Person).where(T.Person.given_names == "Grace")).one()
    doc.edit("formula", lambda s: setattr(s.get(T.Person, grace.id), "known_as", "=HYPERLINK(\"x\")"))
    out = csv_io.export_people_csv(doc, cid, tmp_path / "people.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK" in raw
    again = Document.in_memory()
    report = csv_io.import_csv(again, out)
    assert report.created["person"] == 7

    def keyset(d):
        with d.read() as s:
            return sorted((p.given_names, p.family_name, p.known_as, p.sex.value, str(p.birth or ""),
                           str(p.death or "")) for p in s.scalars(select(T.Person)))

    assert keyset(again) == keyset(doc)
    with again.read() as s:
        subj = s.scalars(select(T.CaseMember).where(T.CaseMember.is_subject)).all()
    assert len(subj) == 1
    again.close()


def test_involvements_csv(doc, tmp_path):
    cid = build_family(doc)
    out = csv_io.export_involvements_csv(doc, cid, tmp_path / "inv.csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == csv_io.INVOLVEMENT_COLUMNS
    assert ["Northshire CSC", "social_care", "Zoë Okafor-Lane", "", "Child protection plan", "Sam Eze", "",
            "1 Oct 2023", "", "reported", "", ""] in rows
    assert any(r[0] == "Elm Primary" and r[3] == "Family home" for r in rows)


def test_windows_1252_file(doc, tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes("First name,Surname\nRené,Zoë\n".encode("cp1252"))
    report = csv_io.import_csv(doc, p)
    assert report.encoding == "Windows-1252"
    with doc.read() as s:
        assert s.scalars(select(T.Person.family_name)).one() == "Zoë"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_fuzzed_csv_never_crashes(tmp_path, data):
    p = tmp_path / "f.csv"
    p.write_bytes(b"Name,DOB,Sex\n" + data)
    d = Document.in_memory()
    try:
        csv_io.import_csv(d, p)
    except UserFacingError:
        assert sum(row_counts(d).values()) == 0
    finally:
        d.close()


# -- Qt dialogs (File > Import) ------------------------------------------------------
@pytest.mark.gui
def test_csv_mapping_dialog(qtbot):
    from genomap.ui.import_dialogs import NOT_USED, CsvMappingDialog

    dlg = CsvMappingDialog(["Forename", "Surname", "DOB", "Phone"], [["Ann", "Lee", "1990", "0123"]])
    qtbot.addWidget(dlg)
    assert dlg.mapping() == {"given_names": "Forename", "family_name": "Surname", "birth": "DOB"}
    dlg.combos["notes"].setCurrentText("Phone")
    dlg.combos["known_as"].setCurrentText("Phone")
    dlg._accept()
    assert "one field only" in dlg.problem.text() and dlg.result() == 0
    dlg.combos["known_as"].setCurrentText(NOT_USED)
    dlg._accept()
    assert dlg.result() == 1 and dlg.mapping()["notes"] == "Phone"


@pytest.mark.gui
def test_progress_dialog_imports_in_a_worker_thread(qtbot):
    import threading as th
    from pathlib import Path

    from genomap.formats.gedcom_import import import_gedcom
    from genomap.ui.import_dialogs import ImportProgressDialog

    doc = Document.in_memory()
    heard = []
    doc.add_listener(lambda cs: heard.append(th.current_thread() is th.main_thread()))
    threads = []

    def run(progress, cancel):
        threads.append(th.current_thread() is th.main_thread())
        return import_gedcom(doc, Path(__file__).parent / "data" / "gedcom" / "kennedy.ged",
                             progress=progress, cancel=cancel)

    dlg = ImportProgressDialog(run, "Importing", doc)
    qtbot.addWidget(dlg)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.report is not None or dlg.error is not None, timeout=20000)
    assert dlg.error is None and dlg.report.created["person"] == 208
    assert threads == [False] and heard == [True]  # imported off the GUI thread, listeners on it
    doc.close()


@pytest.mark.gui
def test_cancel_in_progress_dialog_leaves_file_unchanged(qtbot, tmp_path):
    from pathlib import Path

    from genomap.formats.common import ImportCancelled
    from genomap.formats.gedcom_import import import_gedcom
    from genomap.ui.import_dialogs import ImportProgressDialog

    doc = Document.create(tmp_path / "c.genomap")
    build_family(doc)
    before = row_counts(doc)

    def run(progress, cancel):
        return import_gedcom(doc, Path(__file__).parent / "data" / "gedcom" / "royal92.ged",
                             progress=progress, cancel=cancel)

    dlg = ImportProgressDialog(run, "Importing", doc)
    qtbot.addWidget(dlg)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.last_progress is not None or dlg.error is not None, timeout=60000)
    dlg.canceled.emit()  # the Cancel button
    qtbot.waitUntil(lambda: dlg.report is not None or dlg.error is not None, timeout=60000)
    assert isinstance(dlg.error, ImportCancelled)
    assert row_counts(doc) == before
    doc.close()


@pytest.mark.gui
def test_run_import_dialog_for_csv(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from genomap.ui import import_dialogs

    p = tmp_path / "people.csv"
    p.write_text("Name,DOB\nAnn Lee,1990\nBob Lee,1988\n", encoding="utf-8")
    monkeypatch.setattr(import_dialogs.CsvMappingDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    doc = Document.in_memory()
    report = import_dialogs.run_import_dialog(None, doc, str(p), show=False)
    assert report is not None and report.created["person"] == 2
    doc.close()
