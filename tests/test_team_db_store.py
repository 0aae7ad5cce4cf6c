"""The storage suite on both backends: a GenoMap file (SQLite) and a team database
(a real PostgreSQL server started by the tests): edits, snapshots, search, undo/redo,
rules and database refusals, row versions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from genomap.commands import edits
from genomap.demo import build_demo
from genomap.model.tables import Event, EventPerson, Household, ParentLink, Person, Residence, Tie
from genomap.store import repository
from genomap.store.document import ValidationError

from factories import add_case, add_child, add_couple, add_person, add_row
from pg import dump


def test_demo_round_trip_snapshots_and_search(backend):
    doc = backend()
    case_ids = build_demo(doc)
    snaps = [doc.snapshot(c) for c in case_ids]
    other = backend("alice")  # a second session sees the same committed state
    assert [other.snapshot(c) for c in case_ids] == snaps
    with other.read() as s:
        cases = repository.list_cases(s)
        assert [c.id for c in cases] == case_ids
        main = snaps[0]
        darren = [p for p in main.people if p.name == "Darren Skelwith"][0]
        assert [c.id for c in repository.cases_of_person(s, darren.id)] == case_ids[:2]
        assert len(repository.search_people(s, "skelw")) == 2
        assert [p.known_as for p in repository.search_people(s, "DAZ")] == ["Daz"]
        assert repository.search_people(s, "daz", case_id=case_ids[0]) == []
        summary = repository.case_summary(s, case_ids[0])
        assert summary.people == len(main.people) and summary.events >= 12
        with pytest.raises(repository.CaseNotFound):
            repository.get_case(s, 99999)


def test_undo_redo_add_update(backend):
    doc = backend()
    case = add_case(doc)
    start = dump(doc)
    change = doc.edit("Add Ann", lambda s: edits.add_person(s, case, given_names="Ann", birth="about 1980"))
    after = dump(doc)
    doc.apply(change.inverse())
    assert dump(doc) == start
    doc.apply(change)
    assert dump(doc) == after
    pid = after["person"][0][0]

    def rename(s):
        p = s.get(Person, pid)
        p.family_name, p.birth = "Lee", "Jun 1981"

    change = doc.edit("Rename", rename)
    assert [c.op for c in change.changes] == ["update"]
    renamed = dump(doc)
    doc.apply(change.inverse())
    assert dump(doc) == after
    doc.apply(change)
    assert dump(doc) == renamed
    with doc.read() as s:
        p = s.get(Person, pid)
        assert (p.family_name, str(p.birth)) == ("Lee", "Jun 1981")


def test_versions_rise_by_one_per_change_including_undo(backend):
    doc = backend()
    case = add_case(doc)
    pid = add_person(doc, case, given_names="Ann")

    def version():
        with doc.engine.connect() as conn:
            return conn.execute(sa.text("SELECT version FROM person WHERE id = :i"), {"i": pid}).scalar()

    assert version() == 1
    change = doc.edit("Rename", lambda s: setattr(s.get(Person, pid), "family_name", "Lee"))
    assert version() == 2
    doc.apply(change.inverse())
    assert version() == 3  # an undo is a new version: a version number never repeats
    doc.apply(change)
    assert version() == 4


def test_deleting_a_person_and_undo_restores_every_link(backend):
    doc = backend()
    case = add_case(doc)
    ann, ben, _ = add_couple(doc, case, {"given_names": "Ann", "birth": "1980"},
                             {"given_names": "Ben", "birth": "1979"}, kind="married", start="2005")
    kid = add_child(doc, case, [ann, ben], given_names="Kid", birth="2010")
    home = add_row(doc, Household, label="Home")
    for p in (ann, ben, kid):
        add_row(doc, Residence, person_id=p, household_id=home, start="2010")
    add_row(doc, Tie, from_id=ben, to_id=ann, kind="coercive_control", status="alleged")
    event = add_row(doc, Event, case_id=case, date="2020", title="Incident")
    add_row(doc, EventPerson, event_id=event, person_id=ben)
    before = dump(doc)
    change = doc.edit("Delete Ben", lambda s: s.delete(s.get(Person, ben)))
    after = dump(doc)
    assert not after["partnership"] and len(after["parentlink"]) == 1
    assert {"person", "casemember", "partnership", "parentlink", "residence", "tie",
            "eventperson"} <= change.tables()
    doc.apply(change.inverse())
    assert dump(doc) == before
    doc.apply(change)
    assert dump(doc) == after
    doc.apply(change.inverse())
    assert doc.snapshot(case).parents_of(kid) == [ann, ben]


def test_listeners_hear_edits_and_undo(backend):
    heard = []
    doc = backend()
    doc.add_listener(lambda cs: heard.append(cs.description))
    add_case(doc, "Family")
    change = doc.edit("Add", lambda s: s.add(Person(given_names="X", birth="2000")))
    doc.apply(change.inverse())
    assert heard == ["Add Case", "Add", "Add"]


def test_rules_and_database_refusals_write_nothing(backend):
    doc = backend()
    case = add_case(doc)
    mum = add_person(doc, case, given_names="Mum", birth="1990", sex="female")
    kid = add_child(doc, case, [mum], given_names="Kid", birth="2015")
    before = dump(doc)
    with pytest.raises(ValidationError, match="already recorded"):
        add_row(doc, ParentLink, parent_id=mum, child_id=kid)  # unique constraint
    with pytest.raises(ValidationError, match="no longer exists"):
        add_row(doc, Residence, person_id=kid, household_id=4242)  # foreign key
    with pytest.raises(ValidationError, match="before"):  # a model rule, with a new person
        doc.edit("Add", lambda s: edits.add_person(s, case, given_names="X", birth="2000", death="1990"))
    after = dump(doc)
    # the refused child person was never written either
    assert after["parentlink"] == before["parentlink"] and after["residence"] == before["residence"]
    assert after["person"] == before["person"]


def test_the_model_matches_the_migrated_schema(backend):
    """Alembic's view: the migrations build exactly the model's tables on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from genomap.store.audit import TEAM_METADATA

    doc = backend()
    with doc.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), [SQLModel.metadata, TEAM_METADATA])
    assert diffs == []
