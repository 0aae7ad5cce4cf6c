"""No lost updates: two people editing the same record, edit against delete, undo against a
later edit, and several concurrent writers on a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from genomap.commands import command, edits
from genomap.model.tables import Partnership, Person
from genomap.store import audit
from genomap.store.concurrency import ConflictError
from genomap.store.document import StoreError

from factories import add_case, add_person


def version_of(doc, pid):
    with doc.engine.connect() as conn:
        return conn.execute(sa.text("SELECT version FROM person WHERE id = :i"), {"i": pid}).scalar()


def load(doc, pid):
    with doc.read() as s:
        return s.get(Person, pid)


def rows(doc, table):
    with doc.engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.fixture
def family(backend):
    alice = backend("alice")
    case = add_case(alice, "Lee family")
    ann = add_person(alice, case, given_names="Ann", family_name="Lee", birth="1980", sex="female")
    tom = add_person(alice, case, given_names="Tom", family_name="Lee", birth="1978", sex="male")
    if backend.kind == "postgresql":
        from genomap.store import access

        with alice.engine.begin() as conn:
            access.grant(conn, case, "bob", by="alice")
    bob = backend("bob")
    return alice, bob, case, ann, tom


def test_second_commit_is_refused_and_nothing_of_it_is_written(family):
    alice, bob, case, ann, tom = family
    assert load(alice, ann).family_name == load(bob, ann).family_name == "Lee"  # both load Ann
    v0 = version_of(alice, ann)
    partnerships = rows(alice, "partnership")

    alice.edit("Rename Ann", lambda s: edits.update_fields(s, "person", ann, family_name="Leigh"))

    def bobs_edit(s):  # an edit of Ann plus a new relationship row
        edits.update_fields(s, "person", ann, family_name="Smith", known_as="Annie")
        edits.add_partnership(s, ann, tom, kind="cohabiting")

    audited = audit.count(bob.engine)
    with pytest.raises(ConflictError) as err:
        bob.edit("Bob's edit", bobs_edit)
    message = str(err.value)
    assert "alice changed Ann Leigh" in message and "family name 'Lee' → 'Leigh'" in message
    assert "Reload" in message and isinstance(err.value, StoreError)
    assert err.value.entries and err.value.entries[0].user == "alice"
    # the first change survives, its version raised by exactly one; none of Bob's rows exist
    with bob.engine.connect() as conn:
        name, known = conn.execute(sa.text("SELECT family_name, known_as FROM person WHERE id=:i"),
                                   {"i": ann}).one()
    assert (name, known) == ("Leigh", "")
    assert version_of(alice, ann) == v0 + 1
    assert rows(alice, "partnership") == partnerships
    assert audit.count(bob.engine) == audited  # a refused edit leaves no audit rows
    # reload and reapply
    assert load(bob, ann).family_name == "Leigh"
    bob.edit("Bob's edit again", bobs_edit)
    assert load(alice, ann).family_name == "Smith" and version_of(alice, ann) == v0 + 2
    assert rows(alice, "partnership") == partnerships + 1


def test_editing_a_person_someone_deleted_is_a_clear_conflict(family):
    alice, bob, case, ann, tom = family
    load(bob, tom)
    alice.edit("Delete Tom", lambda s: edits.delete_person(s, tom))
    # the deleted person's name is erased from the audit trail (deleted means gone), so the
    # message names who deleted the record and when; Bob's window still shows whom he was editing
    with pytest.raises(ConflictError, match="alice deleted this person on "):
        bob.edit("Rename Tom", lambda s: edits.update_fields(s, "person", tom, given_names="Thomas"))
    assert rows(alice, "person") == 1


def test_deleting_a_person_someone_changed_is_a_clear_conflict(family):
    alice, bob, case, ann, tom = family
    load(bob, ann)
    alice.edit("Birth", lambda s: edits.update_fields(s, "person", ann, birth="Mar 1980"))
    with pytest.raises(ConflictError, match=r"alice changed Ann Lee .*birth '1980' → 'Mar 1980'"):
        bob.edit("Delete Ann", lambda s: edits.delete_person(s, ann))
    assert load(alice, ann) is not None
    load(bob, ann)  # reload: now Bob may delete, having seen the change
    bob.edit("Delete Ann", lambda s: edits.delete_person(s, ann))
    assert load(alice, ann) is None


def test_undo_cannot_clobber_someone_elses_later_edit(family):
    alice, bob, case, ann, tom = family
    rename = command("Rename", edits.update_fields, "person", ann, family_name="Leigh")
    rename.redo(alice)
    load(bob, ann)
    bob.edit("Bob renames", lambda s: edits.update_fields(s, "person", ann, family_name="Bobbins"))
    with pytest.raises(ConflictError, match="bob changed Ann Bobbins"):
        rename.undo(alice)
    assert load(bob, ann).family_name == "Bobbins"
    # Alice's own undo and redo still work on rows nobody else touched
    retitle = command("Retitle", edits.update_fields, "person", tom, known_as="T")
    retitle.redo(alice)
    retitle.undo(alice)
    retitle.redo(alice)
    assert load(alice, tom).known_as == "T"


def test_redo_of_a_delete_refuses_a_row_someone_changed(family):
    alice, bob, case, ann, tom = family
    delete = command("Delete Tom", edits.delete_person, tom)
    delete.redo(alice)
    delete.undo(alice)  # Tom is back
    load(bob, tom)
    bob.edit("Bob edits Tom", lambda s: edits.update_fields(s, "person", tom, notes="seen at school"))
    with pytest.raises(ConflictError, match="bob changed Tom Lee"):
        delete.redo(alice)
    assert load(bob, tom).notes == "seen at school"


def test_concurrent_writers_on_different_records_lose_nothing(pg_url):
    """Six people, each editing their own records at the same moment, through a real server."""
    from genomap.store import server

    owner = server.open_team_document(pg_url, user="owner")
    case = add_case(owner, "Shared")
    writers, edits_each = 6, 12
    people = [add_person(owner, case, given_names=f"P{i}", family_name="Base") for i in range(writers)]
    before = audit.count(owner.engine)
    errors = []
    barrier = threading.Barrier(writers)

    def work(i):
        doc = server.open_team_document(pg_url, user=f"worker{i}")
        try:
            barrier.wait()
            for n in range(edits_each):
                doc.edit(f"edit {n}", lambda s, n=n: edits.update_fields(
                    s, "person", people[i], family_name=f"W{i}-{n}"))
                doc.edit(f"add {n}", lambda s, n=n: edits.add_person(
                    s, case, given_names=f"New {i}-{n}", family_name="Added"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            doc.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with owner.engine.connect() as conn:
        names = dict(conn.execute(sa.text("SELECT id, family_name FROM person WHERE family_name LIKE 'W%'")).all())
        versions = dict(conn.execute(sa.text("SELECT id, version FROM person WHERE family_name LIKE 'W%'")).all())
        added = conn.execute(sa.text("SELECT count(*) FROM person WHERE family_name = 'Added'")).scalar()
        members = conn.execute(sa.text("SELECT count(*) FROM casemember WHERE case_id = :c"), {"c": case}).scalar()
        by_user = dict(conn.execute(sa.text(
            "SELECT user_name, count(*) FROM audit_log WHERE user_name LIKE 'worker%' GROUP BY user_name")).all())
    assert names == {people[i]: f"W{i}-{edits_each - 1}" for i in range(writers)}
    assert set(versions.values()) == {1 + edits_each}
    assert added == writers * edits_each and members == writers * (edits_each + 1)
    # audit complete: one row per rename, two per added person (person + membership)
    assert by_user == {f"worker{i}": 3 * edits_each for i in range(writers)}
    assert audit.count(owner.engine) == before + writers * 3 * edits_each
    owner.close()
