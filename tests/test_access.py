"""Case access lists on a team database: a user without access to a family map cannot
read it or its people by any app path (search, connections, snapshot, export)."""

from __future__ import annotations

import pytest

from genomap.commands import edits
from genomap.model.tables import Person, Partnership
from genomap.store import access, repository, server
from genomap.store.snapshot_loader import CaseNotFound

from factories import add_case, add_person


@pytest.fixture
def team(pg_url):
    """Alice's case A (Mia, her mum, and Darren, a risk adult); Bob's case B (Darren again)."""
    alice = server.open_team_document(pg_url, user="alice")
    bob = server.open_team_document(pg_url, user="bob")
    case_a = add_case(alice, "Alpha family")
    mia = add_person(alice, case_a, given_names="Mia", family_name="Alpha", birth="2016", sex="female")
    mum = add_person(alice, case_a, given_names="Jo", family_name="Alpha", birth="1990", sex="female")
    darren = add_person(alice, case_a, given_names="Darren", family_name="Skelwith", birth="1984", sex="male")
    alice.edit("Link", lambda s: edits.add_partnership(s, mum, darren))
    alice.edit("Flag", lambda s: edits.add_risk_flag(s, darren, "violent_offender"))
    case_b = add_case(bob, "Beta family")
    add_person(bob, case_b, given_names="Sam", family_name="Beta", birth="2012")
    bob.edit("Link Darren", lambda s: edits.link_person(s, case_b, darren, role="visitor"))
    yield alice, bob, case_a, case_b, mia, mum, darren
    alice.close()
    bob.close()


def test_cases_and_people_without_access_are_invisible(team):
    alice, bob, case_a, case_b, mia, mum, darren = team
    with bob.read() as s:
        assert [c.id for c in repository.list_cases(s)] == [case_b]
        assert repository.search_people(s, "alpha") == []
        assert [p.id for p in repository.search_people(s, "skelwith")] == [darren]  # in Bob's case
        assert s.get(Person, mia) is None and s.get(Person, mum) is None
        assert [c.id for c in repository.cases_of_person(s, darren)] == [case_b]
        assert s.query(Partnership).all() == []  # Darren's partner is in a case Bob cannot open
        with pytest.raises(CaseNotFound):
            repository.get_case(s, case_a)
        assert access.hidden_connections_note(s, darren) == "connected to 1 family you cannot open"
    with pytest.raises(CaseNotFound):
        bob.snapshot(case_a)
    assert darren in {p.id for p in bob.snapshot(case_b).people}
    with alice.read() as s:
        assert {c.id for c in repository.list_cases(s)} == {case_a}
        assert access.hidden_connections_note(s, darren) == "connected to 1 family you cannot open"


def test_connections_and_export_respect_access(team):
    alice, bob, case_a, case_b, mia, mum, darren = team
    from genomap.connections.store import connections_report, person_connections
    from genomap.formats import exchange

    with alice.read() as s:  # Alice sees Darren in her map; Bob's map is hidden from her
        assert [f.case_id for f in person_connections(s, darren).families] == [case_a]
    with bob.read() as s:
        report = connections_report(s)
        darren_seen = person_connections(s, darren)
        assert person_connections(s, mia) is None and person_connections(s, mum) is None
    assert mia not in {cp.person_id for cp in report} and mum not in {cp.person_id for cp in report}
    assert "Alpha" not in repr(report)
    assert [f.case_id for f in darren_seen.families] == [case_b]
    with pytest.raises(Exception, match="no family map"):
        exchange.export_case(bob, case_a)
    data = exchange.export_case(bob, case_b)
    assert "Alpha" not in repr(data) and "Skelwith" in repr(data)


def test_granting_access(team):
    alice, bob, case_a, case_b, mia, mum, darren = team
    with bob.engine.begin() as conn, pytest.raises(access.AccessDenied):
        access.grant(conn, case_a, "bob", by="bob")  # not his to give
    with alice.engine.begin() as conn:
        assert access.role_of(conn, case_a, "alice") == access.OWNER  # the creator
        access.grant(conn, case_a, "bob", by="alice")
    bob.refresh()
    with bob.read() as s:
        assert {c.id for c in repository.list_cases(s)} == {case_a, case_b}
        assert {p.id for p in repository.search_people(s, "alpha")} == {mia, mum}
        assert access.hidden_case_count(s, darren) == 0
    assert {p.id for p in bob.snapshot(case_a).people} == {mia, mum, darren}
    with alice.engine.begin() as conn:
        access.ensure_user(conn, "root", is_admin=True)
        access.revoke(conn, case_a, "bob", by="root")  # an administrator may
    with bob.read() as s:
        assert repository.search_people(s, "alpha") == []


def test_a_local_file_has_one_user_and_no_access_lists(tmp_path):
    from factories import make_document

    with make_document(tmp_path) as doc:
        case = add_case(doc)
        add_person(doc, case, given_names="Ann")
        assert doc.access is None
        with doc.read() as s:
            assert len(repository.search_people(s, "ann")) == 1


def test_register_entries_of_a_hidden_family_are_invisible(team):
    """A school's register notes about a child in a family map Bob cannot open stay hidden."""
    alice, bob, case_a, case_b, mia, mum, darren = team
    from genomap.model.tables import SignificantAdult
    from genomap.register import set_entry

    alice.edit("Register", lambda s: set_entry(s, mia, mum, contact_arrangement="Collects Fridays",
                                                notes="Alpha school note"))
    with alice.read() as s:
        assert [e.notes for e in s.query(SignificantAdult).all()] == ["Alpha school note"]
    with bob.read() as s:
        assert s.query(SignificantAdult).all() == []
