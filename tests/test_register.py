"""The significant adults register (pure derivation, stored entries, the add-adult edit, CLI).

The demo's subject child Mia lives at 4 Rowan Close and stays at her father's at
27 Millbank Road every weekend; Darren (registered sex offender) visits and is
alleged to stay overnight at Rowan Close.  Expected sets are computed here from
the snapshot's own rows, not from the register code.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from genomap.commands import command
from genomap.commands import edits
from genomap.demo import build_demo
from genomap.model.dates import PartialDate
from genomap.model.enums import ParentLinkKind, ResidenceKind, TieKind, TriState
from genomap.register import (
    add_adult_command, build_register, format_table, load_entries, mark_checked_command, register_for,
    set_entry_command,
)
from genomap.store.document import Document

DAY = date(2026, 11, 20)
STAY_KINDS = {ResidenceKind.LIVES, ResidenceKind.STAYS_REGULARLY, ResidenceKind.STAYS_OVERNIGHT}


@pytest.fixture
def demo(tmp_path):
    doc = Document.create(tmp_path / "demo.genomap")
    case_id = build_demo(doc)[0]
    yield doc, case_id
    doc.close()


def person_id(snap, given):
    return next(p.id for p in snap.people if p.given_names == given)


def active(row, day=DAY):
    return ((row.start is None or row.start.representative() <= day)
            and (row.end is None or row.end.representative() >= day))


def adult(snap, pid, day=DAY):
    p = snap.person(pid)
    return (p.pregnancy.value == "none" and not p.is_dead_on(day)
            and (p.age_on(day) is None or p.age_on(day) >= 18))


def expected_adults(snap, child, day=DAY):
    """Who must be on the register, from the rows: parents, their partners and parents, everyone
    present in the child's homes, and adults with a tie to the child."""
    links = [l for l in snap.parent_links if l.child == child and active(l, day)]
    parents = {l.parent for l in links}
    legal = {l.parent for l in links if l.kind in (ParentLinkKind.BIOLOGICAL, ParentLinkKind.ADOPTIVE,
                                                     ParentLinkKind.KINSHIP)}
    homes = {r.household for r in snap.residences if r.person == child and r.kind in STAY_KINDS and active(r, day)}
    household = {r.person for r in snap.residences if r.household in homes and active(r, day)}
    partners = {r.a if r.b in legal else r.b for r in snap.partnerships
                if (r.a in legal or r.b in legal) and not r.ended_on(day) and r.started_on(day)}
    grand = {l.parent for l in snap.parent_links if l.child in legal}
    tied = {t.source if t.target == child else t.target for t in snap.ties
            if child in (t.source, t.target) and active(t, day)}
    everyone = parents | household | partners | grand | tied
    return {p for p in everyone if p != child and adult(snap, p, day)}, parents, homes, household


def test_demo_register_lists_both_households_the_parents_and_the_visiting_risk_adult(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia = person_id(snap, "Mia")
    reg = register_for(doc, case_id, mia, DAY)
    expected, parents, homes, household = expected_adults(snap, mia)
    # the child lives in one household and stays in another
    kinds = {r.kind for r in snap.residences if r.person == mia and active(r)}
    assert len(homes) == 2 and kinds == {ResidenceKind.LIVES, ResidenceKind.STAYS_REGULARLY}
    assert reg.people == expected
    adults_in_homes = {p for p in household if p != mia and adult(snap, p)}
    assert adults_in_homes <= reg.people and parents <= reg.people
    # each household's adults, with the right presence
    rowan = next(h.id for h in snap.households if h.label == "4 Rowan Close")
    millbank = next(h.id for h in snap.households if h.label == "27 Millbank Road")
    for pid in adults_in_homes:
        row = reg.adult(pid)
        assert set(row.households) & {rowan, millbank}
    darren = reg.adult(person_id(snap, "Darren"))
    assert darren.relationship == "Mother's partner"
    assert darren.has_risk and darren.risks[0].code == "RSO" and "confirmed" in darren.risks[0].text
    assert "Visits 4 Rowan Close" in darren.presence_text
    assert any(r.code == "HARM" for r in darren.risks)  # the alleged abuse of this child
    kerry = reg.adult(person_id(snap, "Kerry"))
    assert (kerry.relationship, kerry.parental_responsibility, kerry.presence) == ("Mother", TriState.YES,
                                                                                     "lives_with")
    gavin = reg.adult(person_id(snap, "Gavin"))
    assert gavin.relationship == "Father" and gavin.presence == "child_stays"
    assert "27 Millbank Road" in gavin.presence_text
    dean = reg.adult(person_id(snap, "Dean"))
    assert dean.relationship == "Step-father" and dean.parental_responsibility is TriState.NO
    assert reg.adult(person_id(snap, "Shannon")).parental_responsibility is None  # not a parent: n/a
    # parents come first
    assert {a.person for a in reg.adults[:3]} == parents


def test_register_follows_the_as_at_date(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia = person_id(snap, "Mia")
    before = date(2025, 3, 1)  # before Darren, at Ashgrove House
    reg = build_register(snap, mia, before)
    assert reg.people == expected_adults(snap, mia, before)[0]
    assert person_id(snap, "Darren") not in reg.people
    assert {label for _h, label, _k in reg.homes} == {"Ashgrove House, room 7", "27 Millbank Road"}


def test_half_and_step_siblings_are_listed_with_their_household(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    reg = build_register(snap, person_id(snap, "Mia"), DAY)
    sibs = {s.name.split()[0]: s for s in reg.siblings}
    assert sibs["Ava"].relationship == "Half-sister" and sibs["Ava"].lives_with_child
    assert sibs["Ava"].households == ("4 Rowan Close",)
    assert sibs["Kayden"].relationship == "Step-brother"
    assert sibs["Kayden"].households == ("Flat 3, 9 Quarry Lane",) and not sibs["Kayden"].lives_with_child
    assert sibs["Tyler"].households == ("27 Millbank Road",)
    assert "Noah" not in sibs and "Rosie" not in sibs  # died
    assert all(s.person not in reg.people for s in reg.siblings)


def test_no_contact_court_order_shows_and_bars_collection(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia, gavin = person_id(snap, "Mia"), person_id(snap, "Gavin")
    doc_cmd = set_entry_command(mia, gavin, may_collect="yes", emergency_priority="2")
    doc_cmd.redo(doc)
    assert register_for(doc, case_id, mia, DAY).adult(gavin).may_collect is TriState.YES
    tie = command("Add tie", edits.add_tie, gavin, mia, TieKind.NO_CONTACT_ORDER, start="2026-10-01",
                  status="confirmed")
    tie.redo(doc)
    row = register_for(doc, case_id, mia, DAY).adult(gavin)
    assert row.restrictions == ("No contact (court order)",) and row.court_order and row.no_contact
    assert row.may_collect is TriState.NO and row.may_collect_recorded is TriState.YES
    assert row.warnings and "barred" in row.warnings[0]
    assert row.emergency_priority == 2
    assert "NO CONTACT (COURT ORDER)" in format_table(register_for(doc, case_id, mia, DAY))
    # before the order it did not apply
    assert register_for(doc, case_id, mia, date(2026, 9, 1)).adult(gavin).restrictions == ()
    tie.undo(doc)
    assert register_for(doc, case_id, mia, DAY).adult(gavin).restrictions == ()


def test_register_fields_are_undoable_and_the_review_lists_unchecked_entries(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia, kerry, jodie = person_id(snap, "Mia"), person_id(snap, "Kerry"), person_id(snap, "Jodie")
    cmd = set_entry_command(mia, jodie, contact_arrangement="Tuesdays after school", may_collect="yes",
                            notes="Safe adult", last_checked="2025-01-10")
    cmd.redo(doc)
    reg = register_for(doc, case_id, mia, DAY)
    row = reg.adult(jodie)
    assert (row.contact, row.may_collect, row.notes) == ("Tuesdays after school", TriState.YES, "Safe adult")
    due = {a.person for a in reg.due_for_review(DAY)}
    assert jodie in due and kerry in due  # checked over 12 months ago / never
    check = mark_checked_command(mia, [jodie, kerry], DAY)
    check.redo(doc)
    reg = register_for(doc, case_id, mia, DAY)
    assert reg.adult(jodie).last_checked == PartialDate.from_date(DAY)
    assert {jodie, kerry}.isdisjoint(a.person for a in reg.due_for_review(DAY))
    assert jodie in {a.person for a in reg.due_for_review(date(2027, 12, 1))}
    check.undo(doc)
    assert register_for(doc, case_id, mia, DAY).adult(jodie).last_checked == PartialDate.parse("2025-01-10")
    cmd.undo(doc)
    with doc.read() as s:
        assert load_entries(s, mia) == []
    with pytest.raises(Exception, match="priority"):
        set_entry_command(mia, jodie, emergency_priority="first").redo(doc)


@pytest.mark.parametrize("relationship, check", [
    ("parents_partner", "partnership"),
    ("grandparent", "parent_link_to_parent"),
    ("step_parent", "step_link"),
    ("father", "parent_link"),
    ("family_friend", "entry_only"),
])
def test_add_adult_makes_the_right_links_in_one_undoable_edit(demo, relationship, check):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia, kerry = person_id(snap, "Mia"), person_id(snap, "Kerry")
    rowan = next(h.id for h in snap.households if h.label == "4 Rowan Close")
    before_counts = (len(snap.people), len(snap.partnerships), len(snap.parent_links), len(snap.residences))
    cmd = add_adult_command(case_id, mia, name="Sam Okafor", relationship=relationship, parent=kerry,
                            sex="male", household=rowan, arrangement="visits", may_collect="no")
    pid = cmd.redo(doc)
    snap2 = doc.snapshot(case_id)
    assert snap2.person(pid).name == "Sam Okafor"
    if check == "partnership":
        assert any({r.a, r.b} == {pid, kerry} for r in snap2.partnerships)
    elif check == "parent_link_to_parent":
        assert any(l.parent == pid and l.child == kerry for l in snap2.parent_links)
    elif check == "step_link":
        assert any(l.parent == pid and l.child == mia and l.kind is ParentLinkKind.STEP for l in snap2.parent_links)
        assert any({r.a, r.b} == {pid, kerry} for r in snap2.partnerships)
    elif check == "parent_link":
        assert any(l.parent == pid and l.child == mia and l.kind is ParentLinkKind.BIOLOGICAL
                   for l in snap2.parent_links)
    assert any(r.person == pid and r.household == rowan and r.kind is ResidenceKind.VISITS
               for r in snap2.residences)
    row = register_for(doc, case_id, mia).adult(pid)
    labels = {"parents_partner": "Mother's partner", "grandparent": "Maternal grandfather",
              "step_parent": "Step-father", "father": "Father", "family_friend": "Family friend"}
    assert row.relationship == labels[relationship]
    assert row.may_collect is TriState.NO and "Visits 4 Rowan Close" in row.presence_text
    cmd.undo(doc)
    snap3 = doc.snapshot(case_id)
    assert (len(snap3.people), len(snap3.partnerships), len(snap3.parent_links),
            len(snap3.residences)) == before_counts
    with doc.read() as s:
        assert load_entries(s, mia) == []


def test_add_adult_with_court_order_records_the_tie(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia = person_id(snap, "Mia")
    pid = add_adult_command(case_id, mia, name="Lee Varga", relationship="other",
                            restriction="no_contact_order").redo(doc)
    snap2 = doc.snapshot(case_id)
    assert any(t.source == pid and t.target == mia and t.kind is TieKind.NO_CONTACT_ORDER for t in snap2.ties)
    row = register_for(doc, case_id, mia).adult(pid)
    assert row.restrictions == ("No contact (court order)",) and row.may_collect is TriState.NO


def test_add_adult_refuses_what_it_cannot_link(demo):
    doc, case_id = demo
    snap = doc.snapshot(case_id)
    mia = person_id(snap, "Mia")
    from genomap.commands import CommandError

    with pytest.raises(CommandError, match="parents"):
        add_adult_command(case_id, mia, name="Pat Doe", relationship="grandparent").redo(doc)
    with pytest.raises(CommandError, match="name"):
        add_adult_command(case_id, mia, name="  ", relationship="other").redo(doc)
    assert len(doc.snapshot(case_id).people) == len(snap.people)


def test_cli_prints_the_register_and_explains_a_wrong_child(tmp_path):
    path = tmp_path / "demo.genomap"
    with Document.create(path) as doc:
        build_demo(doc)
    run = [sys.executable, "-m", "genomap", "register", str(path)]
    out = subprocess.run(run + ["--child", "Mia", "--as-at", "2026-11-20"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Significant adults around Mia Pellbrook, as at 20 Nov 2026" in out.stdout
    assert "Darren Skelwith" in out.stdout and "⚠ RSO" in out.stdout
    assert "Half-sister" in out.stdout and "Annual review" in out.stdout
    bad = subprocess.run(run + ["--child", "Nobody"], capture_output=True, text=True)
    assert bad.returncode != 0 and "no child 'Nobody'" in bad.stderr and "Traceback" not in bad.stderr
