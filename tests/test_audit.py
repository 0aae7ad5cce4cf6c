"""The audit trail on both backends: every change (edits, undo, redo) recorded in its own
transaction with who/when/what/old/new; append-only in the database; histories."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from genomap.commands import command, edits
from genomap.model.tables import Household
from genomap.store import audit
from genomap.store.document import ValidationError

from factories import add_case, add_person


def entries(doc):
    with doc.engine.connect() as conn:
        return conn.execute(sa.select(audit.audit_log).order_by(audit.audit_log.c.id)).all()


def test_every_change_is_recorded_with_who_what_and_values(backend):
    doc = backend("alice")
    case = add_case(doc, "Lee family")
    ann = add_person(doc, case, given_names="Ann", family_name="Lee", birth="about 1980")
    doc.edit("Birth", lambda s: edits.update_fields(s, "person", ann, birth="Mar 1980", notes="checked"))
    rows = entries(doc)
    assert [(r.table_name, r.op) for r in rows] == [
        ("case", "insert"), ("person", "insert"), ("casemember", "insert"), ("person", "update")]
    assert {r.user_name for r in rows} == {"alice"}
    person_insert = rows[1]
    assert json.loads(person_insert.new_values)["birth"] == "about 1980"  # partial dates as text
    assert person_insert.old_values is None and person_insert.row_key == str(ann)
    update = rows[3]
    assert json.loads(update.old_values) == {"birth": "about 1980", "notes": "", "updated_at": json.loads(update.old_values)["updated_at"]}
    assert json.loads(update.new_values)["birth"] == "Mar 1980"
    assert update.description == "Birth" and update.source == "edit"
    assert rows[1].txn == rows[2].txn != rows[3].txn  # one transaction id per logical edit
    assert rows[2].case_id == case and rows[2].person_id == ann


def test_undo_and_redo_are_audited_and_refused_edits_are_not(backend):
    doc = backend("alice")
    case = add_case(doc)
    ann = add_person(doc, case, given_names="Ann")
    cmd = command("Rename", edits.update_fields, "person", ann, family_name="Lee")
    cmd.redo(doc)
    cmd.undo(doc)
    cmd.redo(doc)
    last = entries(doc)[-3:]
    assert [(r.source, r.op) for r in last] == [("edit", "update"), ("replay", "update"), ("replay", "update")]
    assert [json.loads(r.new_values)["family_name"] for r in last] == ["Lee", "", "Lee"]
    n = len(entries(doc))
    with pytest.raises(ValidationError):
        doc.edit("Bad", lambda s: edits.update_fields(s, "person", ann, birth="2000", death="1990"))
    assert len(entries(doc)) == n


def test_audit_rows_cannot_be_changed_or_deleted(backend):
    doc = backend()
    add_case(doc)
    for sql in ("UPDATE audit_log SET user_name = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="audit trail cannot be changed"):
            with doc.engine.begin() as conn:
                conn.exec_driver_sql(sql)
    assert {r.user_name for r in entries(doc)} == {"alice"}


def test_person_and_case_history(backend):
    doc = backend("alice")
    case = add_case(doc, "Lee family")
    ann = add_person(doc, case, given_names="Ann", family_name="Lee", sex="female")
    tom = add_person(doc, case, given_names="Tom", family_name="Lee", sex="male")
    doc.edit("Couple", lambda s: edits.add_partnership(s, ann, tom))
    doc.edit("Rename", lambda s: edits.update_fields(s, "person", ann, family_name="Leigh"))
    hist = audit.person_history(doc.engine, ann)
    assert [(e.table, e.op) for e in hist] == [
        ("person", "update"), ("partnership", "insert"), ("casemember", "insert"), ("person", "insert")]
    assert hist[0].summary() == "family name 'Lee' → 'Leigh'" and hist[0].user == "alice"
    assert ("partnership", "insert") in [(e.table, e.op) for e in audit.person_history(doc.engine, tom)]
    case_hist = audit.case_history(doc.engine, case, [ann, tom])
    assert {e.table for e in case_hist} == {"case", "casemember", "person", "partnership"}


def test_a_deleted_refuge_address_is_not_kept_in_the_audit_trail(backend):
    doc = backend()
    ids = []

    def add(s):
        h = Household(label="Refuge", address="12 Secret Lane")
        s.add(h)
        s.flush()
        ids.append(h.id)

    doc.edit("Add", add)
    text = " ".join(str(r.old_values) + str(r.new_values) for r in entries(doc))
    # an address is never copied into the trail, even while the household exists
    assert "Secret Lane" not in text and audit.WITHHELD in text and "Refuge" in text
    doc.edit("Delete", lambda s: s.delete(s.get(Household, ids[0])))
    text = " ".join(str(r.old_values) + str(r.new_values) for r in entries(doc))
    assert "Secret Lane" not in text and "Refuge" not in text  # deleted means gone
    assert [r.op for r in entries(doc)] == ["insert", "delete"]
