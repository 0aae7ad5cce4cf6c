"""The bulk-insert path (Document.bulk_insert, used by the GEDCOM import) keeps every
guarantee of Document.edit -- one transaction, the model rules, an exact undo, the
audit trail -- on both backends (a GenoMap file and a PostgreSQL team database)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from genomap.formats.common import ImportCancelled
from genomap.formats.gedcom_import import import_gedcom
from genomap.model.dates import PartialDate
from genomap.model.enums import ParentLinkKind
from genomap.model.tables import Case, CaseMember, ParentLink, Person, Residence
from genomap.store import audit
from genomap.store.document import ValidationError

from factories import add_case, add_person
from pg import dump

SAMPLES = Path(__file__).parent / "data" / "gedcom"


def _audit_count(doc) -> int:
    with doc.engine.connect() as conn:
        return audit.count(conn)


def _row(doc, table: str, key: tuple) -> dict:
    t = SQLModel.metadata.tables[table]
    with doc.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(*[c == v for c, v in zip(t.primary_key.columns, key)])).one()
    return dict(row._mapping)


def test_bulk_import_change_set_undoes_and_redoes_exactly(backend):
    doc = backend()
    case = add_case(doc, title="Already here")
    add_person(doc, case, given_names="Existing", birth="1950")
    before = dump(doc)
    audited = _audit_count(doc)
    heard = []
    doc.add_listener(heard.append)

    report = import_gedcom(doc, SAMPLES / "kennedy.ged")

    after = dump(doc)
    (change_set,) = heard
    assert {c.op for c in change_set.changes} == {"insert"}
    new_rows = sum(len(after[t]) - len(before[t]) for t in after)
    assert len(change_set.changes) == new_rows > report.people > 100
    assert report.people == len(after["person"]) - len(before["person"])
    # every after-image is the row as stored (ids, defaults, version 1 included)
    for c in change_set.changes[:: max(1, len(change_set.changes) // 50)]:
        assert _row(doc, c.table, c.key) == c.after
        assert c.after["version"] == 1
    # one audit row per inserted row, in the same transaction
    assert _audit_count(doc) == audited + len(change_set.changes)
    with doc.engine.connect() as conn:
        ops = conn.execute(sa.select(audit.audit_log.c.op, audit.audit_log.c.table_name)
                           .order_by(audit.audit_log.c.id.desc()).limit(len(change_set.changes))).all()
    assert {op for op, _ in ops} == {"insert"}
    assert sum(1 for _, t in ops if t == "person") == report.people

    doc.apply(change_set.inverse())
    assert dump(doc) == before
    doc.apply(change_set)
    assert dump(doc) == after


def _bad_write(case_id: int, *, cycle: bool = False):
    def write(writer):
        ids = writer.insert(Person, [{"given_names": "A", "birth": PartialDate.parse("1970")},
                                     {"given_names": "B", "birth": PartialDate.parse("1995")}])
        writer.insert(CaseMember, [{"case_id": case_id, "person_id": i} for i in ids])
        writer.insert(ParentLink, [{"parent_id": ids[0], "child_id": ids[1], "kind": ParentLinkKind.BIOLOGICAL}])
        if cycle:
            writer.insert(ParentLink, [{"parent_id": ids[1], "child_id": ids[0],
                                        "kind": ParentLinkKind.BIOLOGICAL}])
        else:
            writer.insert(Person, [{"given_names": "C", "birth": PartialDate.parse("2000"),
                                    "death": PartialDate.parse("1990")}])
    return write


def test_bulk_insert_that_breaks_a_rule_writes_nothing(backend):
    doc = backend()
    case = add_case(doc)
    add_person(doc, case, given_names="Existing", birth="1950")
    before, audited = dump(doc), _audit_count(doc)
    heard = []
    doc.add_listener(heard.append)

    with pytest.raises(ValidationError, match="before their date of birth"):
        doc.bulk_insert("Import bad", _bad_write(case))
    with pytest.raises(ValidationError, match="their own ancestor"):
        doc.bulk_insert("Import loop", _bad_write(case, cycle=True))
    with pytest.raises(ValidationError, match="no longer exists"):  # the database refuses a row
        doc.bulk_insert("Import dangling", lambda w: (
            w.insert(Person, [{"given_names": "D"}]),
            w.insert(Residence, [{"person_id": 1, "household_id": 4242}])))

    def cancelled(writer):
        writer.insert(Person, [{"given_names": "E"}] * 300)
        raise ImportCancelled("test")

    with pytest.raises(ImportCancelled):
        doc.bulk_insert("Import cancelled", cancelled)
    with pytest.raises(ValueError, match="no column"):
        doc.bulk_insert("Import typo", lambda w: w.insert(Person, [{"given_name": "F"}]))

    assert dump(doc) == before
    assert _audit_count(doc) == audited
    assert heard == []


def test_bulk_insert_small_and_ids_follow_existing_rows(backend):
    doc = backend()
    case = add_case(doc)
    first = add_person(doc, case, given_names="Existing")

    def write(writer):
        ids = writer.insert(Person, [{"given_names": "New"}, {"given_names": "Newer", "birth": "1980"}])
        writer.insert(CaseMember, [{"case_id": case, "person_id": i} for i in ids])
        return ids

    change_set = doc.bulk_insert("Add two", write)
    people = [c for c in change_set.changes if c.table == "person"]
    assert [c.key[0] for c in people][0] > first
    assert [c.after["given_names"] for c in people] == ["New", "Newer"]
    with doc.read() as s:
        assert s.get(Person, people[1].key[0]).birth == PartialDate.parse("1980")
        assert s.get(Case, case).title == "Test family"
    doc.apply(change_set.inverse())
    with doc.read() as s:
        assert s.scalars(sa.select(Person.given_names)).all() == ["Existing"]
