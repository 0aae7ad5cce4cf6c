"""Connections in real GenoMap files: the demo's risk adult, linking and rejecting his records, the CLI.

Every test writes a real SQLite file in ``tmp_path`` with :func:`genomap.demo.build_demo`
(three family maps: Darren Skelwith, a registered sex offender, linked into two
of them; "Darran Skelwyth, known as Daz", same date of birth, unlinked in the third).
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from genomap.cli import main as cli_main
from genomap.commands import command
from genomap.connections import store
from genomap.model.tables import Person
from genomap.store.document import Document

REFS = {"BF-2025-0412", "BF-2015-0877", "BF-2026-1103"}


def _ids(doc):
    with doc.read() as s:
        people = {p.display_name: p.id for p in s.query(Person)}
    return people["Darren Skelwith"], people["Darran Skelwyth"]


def test_report_lists_the_risk_adult_first_with_families_children_and_the_possible_match(demo_file):
    with Document.open(demo_file) as doc, doc.read() as s:
        report = store.connections_report(s)
    darren = report[0]
    assert darren.name == "Darren Skelwith" and darren.is_risk
    assert {r.code for r in darren.risk_flags} == {"RSO", "MAPPA"}
    assert [f.reference for f in darren.families] == ["BF-2025-0412", "BF-2015-0877"]
    farrant = darren.families[1]
    assert farrant.role == "father" and farrant.risk_flagged
    assert [c.name for c in farrant.children] == ["Jake Farrant"]
    assert "Mia Pellbrook" in [c.name for c in darren.families[0].children]
    (daz,) = darren.possible_matches
    assert daz.name == "Darran Skelwyth" and daz.known_as == "Daz" and daz.strength == "strong"
    assert [f.reference for f in daz.families] == ["BF-2026-1103"]
    assert not daz.risk_flags  # the danger: his record in the third family carries no flag
    assert daz.explanation.startswith("same date of birth (11 Aug 1979); surname differs by one letter "
                                      "(Skelwith/Skelwyth); 'Daz' is a known short form of 'Darren'")
    assert [c.name for c in daz.families[0].children] == ["Bailey Brackley", "Harper Brackley"]


def test_confirming_links_the_records_in_one_undoable_edit(demo_file):
    doc = Document.open(demo_file)
    darren, daz = _ids(doc)
    with doc.read() as s:
        keep, merge = store.choose_kept(s, darren, daz)
    assert (keep, merge) == (darren, daz)  # the flagged record, in two families, is kept
    cmd = command("Link Darran Skelwyth with Darren Skelwith", store.confirm_match, keep, merge,
                  "Demo social worker", "confirmed with probation", 0.93, "same date of birth")
    cmd.redo(doc)
    cmd.undo(doc)  # one undo brings both records back exactly
    with doc.read() as s:
        assert s.get(Person, daz).known_as == "Daz"
        assert not store.link_decisions(s)
        assert [m.name for m in store.connections_report(s)[0].possible_matches] == ["Darran Skelwyth"]
    cmd.redo(doc)
    doc.close()

    with Document.open(demo_file) as doc, doc.read() as s:  # reopened: it is in the file
        report = store.connections_report(s)
        (linked,) = [p for p in report if p.person_id == darren]
        assert {f.reference for f in linked.families} == REFS
        assert not linked.possible_matches and s.get(Person, daz) is None
        assert linked.known_as == "Daz" and "Darran Skelwyth" in linked.aliases
        brackley = next(f for f in linked.families if f.reference == "BF-2026-1103")
        assert brackley.role == "mother's partner" and brackley.risk_flagged
        (decision,) = store.link_decisions(s)
        assert decision.decision.value == "linked" and decision.decided_by == "Demo social worker"
        assert "Darran Skelwyth" in decision.explanation and "confirmed with probation" in decision.explanation
        # the chronology entry naming 'Daz' now names the linked person
        rows = s.execute(
            __import__("sqlalchemy").text("select count(*) from eventperson where person_id = :p"), {"p": darren}
        ).scalar()
        assert rows >= 5


def test_rejecting_is_remembered_after_reopening(demo_file):
    doc = Document.open(demo_file)
    darren, daz = _ids(doc)
    doc.edit("Not the same person", lambda s: store.reject_match(s, daz, darren, "Team manager", "different man"))
    doc.close()
    with Document.open(demo_file) as doc, doc.read() as s:
        report = store.connections_report(s)
        assert all(not p.possible_matches for p in report)
        assert [p.name for p in report] == ["Darren Skelwith"]  # still in two families
        assert store.build_index(s).matches_for(daz) == []
        (d,) = store.link_decisions(s)
        assert (d.person_a_id, d.person_b_id, d.decision.value) == (min(darren, daz), max(darren, daz), "rejected")
    con = sqlite3.connect(demo_file)
    assert con.execute("select decision, decided_by from matchdecision").fetchall() == [("rejected", "Team manager")]
    con.close()


def test_index_follows_change_sets(demo_file):
    with Document.open(demo_file) as doc:
        with doc.read() as s:
            index = store.build_index(s)
            case = s.execute(__import__("sqlalchemy").text("select id from 'case' order by id")).scalars().all()[0]
        from genomap.commands import edits

        cs = doc.edit("Add person", lambda s: edits.add_person(s, case, given_names="Bob", family_name="Pellbrook",
                                                               birth="about 1986"))
        assert store.update_index(index, cs)
        new_id = next(c.key[0] for c in cs.changes if c.table == "person")
        gavin = [m for m in index.matches_for(new_id)]
        assert not gavin  # Bob is not a short form of Gavin
        cs = doc.edit("Rename", lambda s: edits.update_fields(s, "person", new_id, given_names="Gav"))
        store.update_index(index, cs)
        assert index.record(new_id).given_names == "Gav"


def test_cli_json_shape_and_after_linking_all_three_families(demo_file, capsys):
    assert cli_main(["connections", str(demo_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and data[0]["name"] == "Darren Skelwith"
    for person in data:
        assert {"person_id", "name", "born", "risk_flags", "families", "possible_matches"} <= set(person)
        for fam in person["families"]:
            assert {"case_id", "reference", "title", "role", "children", "risk_flagged"} <= set(fam)
            for child in fam["children"]:
                assert {"person_id", "name", "born", "age", "subject"} <= set(child)
        for m in person["possible_matches"]:
            assert {"person_id", "name", "score", "strength", "explanation", "families"} <= set(m)
            assert 0 < m["score"] <= 1
    (pm,) = data[0]["possible_matches"]
    assert pm["name"] == "Darran Skelwyth" and pm["families"][0]["reference"] == "BF-2026-1103"
    assert "'Daz' is a known short form of 'Darren'" in pm["explanation"]

    assert cli_main(["connections", str(demo_file)]) == 0
    text = capsys.readouterr().out
    assert "RISK  Darren Skelwith" in text and "Possible match (strong, 93%)" in text

    doc = Document.open(demo_file)
    darren, daz = _ids(doc)
    doc.edit("Link", lambda s: store.confirm_match(s, darren, daz, "tester"))
    doc.close()
    assert cli_main(["connections", str(demo_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 1 and {f["reference"] for f in data[0]["families"]} == REFS
    assert data[0]["possible_matches"] == []


def test_cli_on_a_missing_file_is_one_line(tmp_path, capsys):
    assert cli_main(["connections", str(tmp_path / "nope.genomap")]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
