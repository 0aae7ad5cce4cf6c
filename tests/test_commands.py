"""Qt-free commands: each edit, undone to the exact previous database state, then redone.

Runs against a real SQLite GenoMap file in ``tmp_path``.
"""

from __future__ import annotations

import sqlalchemy as sa
import pytest
from sqlmodel import SQLModel, select

from genomap.commands import Command, CommandError, command, edits
from genomap.model.dates import PartialDate, PartialDateError
from genomap.model.enums import (
    AgencyType, EventKind, HouseholdType, ParentLinkKind, PartnershipKind, ResidenceKind, Sex, TieKind,
)
from genomap.model.tables import (
    CaseMember, Event, EventPerson, Household, Involvement, ParentLink, Partnership, Person, Residence, Tie,
)
from genomap.store.document import Document, ValidationError


def dump(doc: Document) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the exact database state."""
    state = {}
    with doc.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:  # not the row versions: an undo is a new one
            rows = conn.execute(sa.select(*[c for c in table.columns if c.name != "version"])).all()
            state[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return state


def references_to_person(doc: Document, pid: int) -> list[str]:
    """Every (table.column) still pointing at person ``pid``."""
    found = []
    with doc.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for col in table.columns:
                if any(fk.column.table.name == "person" for fk in col.foreign_keys):
                    if conn.execute(sa.select(sa.func.count()).where(col == pid)).scalar():
                        found.append(f"{table.name}.{col.name}")
    return found


@pytest.fixture
def doc(tmp_path):
    d = Document.create(tmp_path / "x.genomap")
    yield d
    d.close()


@pytest.fixture
def case_id(doc):
    return Command("New map", lambda s: edits.add_case(s, "Smith family")).redo(doc)


def check_round_trip(doc: Document, cmd: Command):
    """Do, undo, redo: undo restores the exact previous state and redo the exact new one."""
    before = dump(doc)
    result = cmd.redo(doc)
    after = dump(doc)
    assert after != before, "the edit changed nothing"
    cmd.undo(doc)
    assert dump(doc) == before
    cmd.redo(doc)
    assert dump(doc) == after
    return result


def people(doc, **where) -> list[Person]:
    with doc.read() as s:
        q = select(Person)
        for k, v in where.items():
            q = q.where(getattr(Person, k) == v)
        return list(s.scalars(q).all())


def test_add_person_joins_the_case(doc, case_id):
    pid = check_round_trip(doc, command("Add person", edits.add_person, case_id, given_names="Amy",
                                        family_name="Smith", sex="female", birth="about 1985"))
    with doc.read() as s:
        p = s.get(Person, pid)
        assert p.birth == PartialDate.parse("about 1985") and p.sex is Sex.FEMALE
        assert s.scalars(select(CaseMember).where(CaseMember.person_id == pid)).one().case_id == case_id


def test_update_fields_and_bad_values(doc, case_id):
    pid = command("Add", edits.add_person, case_id, given_names="Amy").redo(doc)
    check_round_trip(doc, command("Rename", edits.update_fields, "person", pid, given_names="Amelia",
                                  birth="Jun 2018"))
    assert people(doc)[0].given_names == "Amelia"
    before = dump(doc)
    with pytest.raises(PartialDateError):
        command("Bad date", edits.update_fields, "person", pid, birth="the thirty-second").redo(doc)
    with pytest.raises(CommandError):
        command("Bad sex", edits.update_fields, "person", pid, sex="walrus").redo(doc)
    assert dump(doc) == before


def test_death_before_birth_is_refused_and_nothing_written(doc, case_id):
    pid = command("Add", edits.add_person, case_id, given_names="Amy", birth="2001").redo(doc)
    before = dump(doc)
    with pytest.raises(ValidationError) as info:
        command("Edit", edits.update_fields, "person", pid, death="1999").redo(doc)
    assert info.value.findings
    assert dump(doc) == before


def test_partner_child_parents_sibling(doc, case_id):
    dad = command("Add", edits.add_person, case_id, given_names="Tom", sex="male").redo(doc)
    mum, partnership = check_round_trip(doc, command("Add partner", edits.add_partner, case_id, dad,
                                                     partner={"given_names": "Jo"}, kind="cohabiting"))
    with doc.read() as s:
        assert s.get(Person, mum).sex is Sex.FEMALE
        p = s.get(Partnership, partnership)
        assert (p.person_a_id, p.person_b_id, p.kind) == (dad, mum, PartnershipKind.COHABITING)
    kid = check_round_trip(doc, command("Add child", edits.add_child, case_id, [dad, mum], {"given_names": "Kid"}))
    solo = check_round_trip(doc, command("Add child", edits.add_child, case_id, [mum], {"given_names": "Solo"}))
    sib = check_round_trip(doc, command("Add sibling", edits.add_sibling, case_id, kid, {"given_names": "Sib"}))
    with doc.read() as s:
        parents = lambda c: sorted(l.parent_id for l in s.scalars(select(ParentLink).where(ParentLink.child_id == c)))
        assert parents(kid) == parents(sib) == sorted([dad, mum])
        assert parents(solo) == [mum]
    gm, gf, gp = check_round_trip(doc, command("Add parents", edits.add_parents, case_id, dad))
    with doc.read() as s:
        assert {s.get(Person, gm).sex, s.get(Person, gf).sex} == {Sex.FEMALE, Sex.MALE}
        assert sorted(l.parent_id for l in s.scalars(select(ParentLink).where(ParentLink.child_id == dad))) == sorted([gm, gf])
    with pytest.raises(CommandError):
        command("Sibling", edits.add_sibling, case_id, gm).redo(doc)  # no parents recorded


def test_delete_person_with_every_link_and_undo_restores_all(doc, case_id):
    dad = command("Add", edits.add_person, case_id, given_names="Tom", sex="male").redo(doc)
    mum, _ = command("Partner", edits.add_partner, case_id, dad).redo(doc)
    kid = command("Child", edits.add_child, case_id, [dad, mum]).redo(doc)
    command("Parents", edits.add_parents, case_id, dad).redo(doc)
    command("Tie", edits.add_tie, dad, kid, TieKind.CONFLICT).redo(doc)
    hh = command("Household", edits.add_household, "Home", members=[dad, mum, kid]).redo(doc)
    command("Inv", edits.add_agency_involvement, "Probation", AgencyType.PROBATION, person_id=dad,
            role="Offender manager").redo(doc)
    command("Risk", edits.add_risk_flag, dad, "domestic_abuse_perpetrator").redo(doc)
    command("Legal", edits.add_legal_status, kid, "child_in_need").redo(doc)
    command("Event", edits.add_event, case_id, "Referral", "Mar 2023", EventKind.REFERRAL,
            person_ids=[dad, kid], household_ids=[hh]).redo(doc)
    before = dump(doc)
    cmd = command("Delete Tom", edits.delete_person, dad)
    cmd.redo(doc)
    after = dump(doc)
    assert references_to_person(doc, dad) == []
    assert len(after["person"]) == len(before["person"]) - 1
    assert len(after["eventperson"]) == 1  # the child stays linked to the event
    cmd.undo(doc)
    assert dump(doc) == before
    cmd.redo(doc)
    assert dump(doc) == after


def test_households_and_moves(doc, case_id):
    amy = command("Add", edits.add_person, case_id, given_names="Amy").redo(doc)
    home = check_round_trip(doc, command("Add household", edits.add_household, "Flat 2", "family_home",
                                         members=[amy]))
    temp = command("Add household", edits.add_household, "B&B", HouseholdType.TEMPORARY).redo(doc)
    check_round_trip(doc, command("Move", edits.set_household, amy, temp, start="Jun 2023"))
    with doc.read() as s:
        res = sorted(s.scalars(select(Residence).where(Residence.person_id == amy)).all(), key=lambda r: r.id)
        assert [(r.household_id, r.kind) for r in res] == [(home, ResidenceKind.LIVES), (temp, ResidenceKind.LIVES)]
        assert res[0].end == PartialDate.parse("Jun 2023") and res[1].start == PartialDate.parse("Jun 2023")
        assert res[1].end is None
    check_round_trip(doc, command("Weekends", edits.set_household, amy, home, kind="stays_regularly"))
    with pytest.raises(CommandError):
        command("Again", edits.set_household, amy, temp).redo(doc)
    check_round_trip(doc, command("Delete household", edits.delete_row, "household", home))
    with doc.read() as s:
        assert s.get(Household, home) is None
        assert all(r.household_id != home for r in s.scalars(select(Residence)))


def test_ties_deceased_links_agencies_events(doc, case_id):
    a = command("Add", edits.add_person, case_id, given_names="A", birth="1950").redo(doc)
    b = command("Add", edits.add_person, case_id, given_names="B").redo(doc)
    tie = check_round_trip(doc, command("Tie", edits.add_tie, a, b, "close", status="alleged", start="2019"))
    with doc.read() as s:
        assert s.get(Tie, tie).kind is TieKind.CLOSE
    check_round_trip(doc, command("Edit tie", edits.update_fields, "tie", tie, kind="hostile", end="2022"))
    with doc.read() as s:
        assert s.get(Tie, tie).kind is TieKind.HOSTILE
    check_round_trip(doc, command("Deceased", edits.mark_deceased, a, "Mar 2020"))
    assert people(doc, given_names="A")[0].is_dead
    other_case = command("Case 2", edits.add_case, "Jones family").redo(doc)
    check_round_trip(doc, command("Link", edits.link_person, other_case, b, role="aunt"))
    with pytest.raises(CommandError):
        command("Link again", edits.link_person, other_case, b).redo(doc)
    agency, inv = check_round_trip(doc, command("Involve", edits.add_agency_involvement, "Oak School",
                                                "school", person_id=b, role="Pupil", start="Sep 2019"))
    agency2, _ = command("Involve", edits.add_agency_involvement, "oak school", "school",
                         person_id=a).redo(doc)
    assert agency2 == agency
    with doc.read() as s:
        assert s.get(Involvement, inv).start == PartialDate.parse("Sep 2019")
    ev = check_round_trip(doc, command("Event", edits.add_event, case_id, "Strategy meeting", "2021-04-03",
                                       "strategy_meeting", person_ids=[a, b]))
    with doc.read() as s:
        assert s.get(Event, ev).kind is EventKind.STRATEGY_MEETING
        assert len(s.scalars(select(EventPerson).where(EventPerson.event_id == ev)).all()) == 2
    check_round_trip(doc, command("Delete event", edits.delete_row, "event", ev))
    check_round_trip(doc, command("Delete tie", edits.delete_row, "tie", tie))
    check_round_trip(doc, command("Remove", edits.remove_from_case, other_case, b))


def test_history_of_many_commands_undoes_to_empty_and_redoes(doc, case_id):
    start = dump(doc)
    history: list[Command] = []

    def run(cmd):
        history.append(cmd)
        return cmd.redo(doc)

    dad = run(command("Add", edits.add_person, case_id, given_names="Tom", sex="male"))
    mum, _ = run(command("Partner", edits.add_partner, case_id, dad))
    kid = run(command("Child", edits.add_child, case_id, [dad, mum]))
    run(command("Sibling", edits.add_sibling, case_id, kid))
    run(command("Household", edits.add_household, "Home", members=[dad, mum, kid]))
    run(command("Delete dad", edits.delete_person, dad))
    end = dump(doc)
    for cmd in reversed(history):
        cmd.undo(doc)
    assert dump(doc) == start
    for cmd in history:
        cmd.redo(doc)
    assert dump(doc) == end


def test_listeners_hear_each_change(doc, case_id):
    heard = []
    doc.add_listener(lambda cs: heard.append(cs.description))
    cmd = command("Add person", edits.add_person, case_id)
    cmd.redo(doc)
    cmd.undo(doc)
    cmd.redo(doc)
    assert heard == ["Add person"] * 3
