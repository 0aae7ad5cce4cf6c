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
