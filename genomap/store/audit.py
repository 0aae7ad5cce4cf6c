"""The audit trail: who changed what, when, from what to what, on both backends.

Every committed change -- an edit through :meth:`Document.edit` and every undo or
redo through :meth:`Document.apply` -- writes one ``audit_log`` row per changed
database row, *in the same transaction* as the change, so the trail can never
miss a committed change nor record one that was rolled back.

A row holds the user, the time (UTC), a transaction id grouping the rows of one
logical edit, the edit's description, the table and row key, the operation
(insert/update/delete) and the old and new values as JSON (partial dates as
their text, enums as their values; for an update only the columns that changed).
``case_id``/``person_id``/``other_person_id`` say which family map and people the
row is about, so the History dock can ask for one person's or case's history
with an index instead of reading JSON.

Append-only: GenoMap has no code path that deletes audit rows or changes who,
when or what, and the database refuses it too (a trigger on SQLite and on
PostgreSQL; see migrations 0004 and 0006).

Deleted means gone (data protection): when a record is deleted, the values its
audit rows hold are erased (set to NULL) in the same transaction, and the delete
is recorded without values.  The trail keeps who added, changed and deleted the
record and when; the deleted content itself -- a mistyped refuge address, a
wrongly linked person's name -- leaves no trace in the file.  The database
triggers allow exactly that erasure and nothing else.  For the same reason the
edit's description is reduced to its first word ("Delete", "Add", "Edit"):
the user-interface wording often names people.  The audit and access tables live in :data:`TEAM_METADATA`, not
in ``SQLModel.metadata``: they are not family data, so exports, change sets and
undo never include them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Iterable, Optional, Sequence

import sqlalchemy as sa

from genomap.model.dates import PartialDate

#: Tables that are not family data (audit trail, users, case access lists).
TEAM_METADATA = sa.MetaData()

audit_log = sa.Table(
    "audit_log",
    TEAM_METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("txn", sa.String(36), nullable=False),
    sa.Column("description", sa.String(), nullable=False, server_default=""),
    sa.Column("source", sa.String(10), nullable=False, server_default="edit"),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_key", sa.String(100), nullable=False),
    sa.Column("op", sa.String(10), nullable=False),
    sa.Column("case_id", sa.Integer, nullable=True, index=True),
    sa.Column("person_id", sa.Integer, nullable=True, index=True),
    sa.Column("other_person_id", sa.Integer, nullable=True, index=True),
    sa.Column("old_values", sa.Text, nullable=True),
    sa.Column("new_values", sa.Text, nullable=True),
    sa.Index("ix_audit_log_table_row", "table_name", "row_key"),
)

_KEEP = ("id", "at", "user_name", "txn", "description", "source", "table_name", "row_key", "op",
         "case_id", "person_id", "other_person_id")
_SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEEP)
_PG_UNCHANGED = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _KEEP)

#: SQL that makes the audit table append-only, except for erasing the values of a
#: deleted record (also used by migrations 0004/0006).
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"WHEN NOT (NEW.old_values IS NULL AND NEW.new_values IS NULL AND {_SQLITE_UNCHANGED}) "
    "BEGIN SELECT RAISE(ABORT, 'the GenoMap audit trail cannot be changed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the GenoMap audit trail cannot be changed'); END",
)
POSTGRESQL_REFUSE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION genomap_audit_refuse() RETURNS trigger AS $$ "
    "BEGIN "
    f"IF TG_OP = 'UPDATE' AND NEW.old_values IS NULL AND NEW.new_values IS NULL AND {_PG_UNCHANGED} "
    "THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'the GenoMap audit trail cannot be changed'; END; $$ LANGUAGE plpgsql"
)
POSTGRESQL_TRIGGERS = (
    POSTGRESQL_REFUSE_FUNCTION,
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION genomap_audit_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION genomap_audit_refuse()",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
    # erasing a deleted record's values is the one update allowed (the trigger checks the rest)
    "GRANT UPDATE (old_values, new_values) ON audit_log TO PUBLIC",
)


@sa.event.listens_for(audit_log, "after_create")
def _append_only(target, connection, **kw) -> None:  # create_all (in-memory documents, tests)
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}
    for sql in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(sql)


# -- values as JSON ------------------------------------------------------------------

_SKIP = {"version"}  # a system column: the versions are in the change itself
#: Values never copied into the (undeletable) audit trail: a refuge address must be
#: gone when its record is deleted.  The trail still says who changed the field, and when.
SENSITIVE = {("household", "address")}
WITHHELD = "(sensitive: not recorded)"
_BOOKKEEPING = {"created_at", "updated_at"}  # recorded, but not worth a word in a summary
_PERSON_COLUMNS = ("person_id", "person_a_id", "parent_id", "from_id")
_OTHER_PERSON_COLUMNS = ("person_b_id", "child_id", "to_id")


def json_value(value: Any) -> Any:
    """A column value as JSON: partial dates as their text, enums as their values."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


_PLAIN = frozenset({str, int, float, bool, type(None)})
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # one encoder, not one per row
_SENSITIVE_COLUMNS: dict[str, frozenset] = {}
for _t, _c in SENSITIVE:
    _SENSITIVE_COLUMNS[_t] = _SENSITIVE_COLUMNS.get(_t, frozenset()) | {_c}


def _values(table: str, row: Optional[dict], only: Optional[Iterable[str]] = None) -> Optional[str]:
    if row is None:
        return None
    sensitive = _SENSITIVE_COLUMNS.get(table, ())
    out = {}
    for k, v in row.items():
        if k in _SKIP or (only is not None and k not in only):
            continue
        if v.__class__ not in _PLAIN:
            v = json_value(v)
        out[k] = WITHHELD if k in sensitive and v not in (None, "") else v
    return _ENCODE(out)


def _changed(before: dict, after: dict) -> list[str]:
    return [k for k in after if k not in _SKIP and before.get(k) != after.get(k)]


def row_key(key: Sequence) -> str:
    return ",".join(str(k) for k in key)


def _about(table: str, key: Sequence, row: dict) -> tuple[Optional[int], Optional[int], Optional[int]]:
    """(case_id, person_id, other_person_id) of a row, for history look-ups."""
    case_id = row.get("case_id")
    person = row.get("person_id") if "person_id" in row else None
    other = None
    if table == "case":
        case_id = key[0]
    elif table == "person":
        person = key[0]
    else:
        for c in _PERSON_COLUMNS:
            if row.get(c) is not None:
                person = row[c]
                break
        for c in _OTHER_PERSON_COLUMNS:
            if row.get(c) is not None:
                other = row[c]
                break
    return case_id, person, other


def audit_rows(changes: Iterable, user: str, description: str, source: str = "edit",
               txn: Optional[str] = None, at: Optional[datetime] = None) -> list[dict]:
    """The ``audit_log`` rows for ``changes`` (:class:`~genomap.store.changes.RowChange`)."""
    txn = txn or str(uuid.uuid4())
    at = at or datetime.now(timezone.utc)
    description = neutral_description(description)
    rows = []
    for c in changes:
        if c.before is not None and c.after is not None:
            changed = _changed(c.before, c.after)
            if not changed:
                continue
            old, new = _values(c.table, c.before, changed), _values(c.table, c.after, changed)
        elif c.after is None:
            old, new = None, None  # a delete keeps no values: deleted means gone
        else:
            old, new = None, _values(c.table, c.after)
        case_id, person, other = _about(c.table, c.key, c.after or c.before or {})
        rows.append({
            "at": at, "user_name": user, "txn": txn, "description": description,
            "source": source, "table_name": c.table, "row_key": row_key(c.key), "op": c.op,
            "case_id": case_id, "person_id": person, "other_person_id": other,
            "old_values": old, "new_values": new,
        })
    return rows


def record(conn: sa.Connection, changes: Iterable, user: str, description: str,
           source: str = "edit") -> int:
    """Write the audit rows for ``changes`` in the caller's transaction; returns how many."""
    changes = list(changes)
    for c in changes:
        if c.before is not None and c.after is None:
            erase(conn, c.table, c.key)
    rows = audit_rows(changes, user, description, source)
    if rows:
        from genomap.store.bulk import executemany

        executemany(conn, audit_log, rows)
    return len(rows)


def erase(conn: sa.Connection, table: str, key: Sequence) -> None:
    """Erase the recorded values of a deleted row (who/when/what stay)."""
    conn.execute(
        audit_log.update()
        .where(audit_log.c.table_name == table, audit_log.c.row_key == row_key(key),
               sa.or_(audit_log.c.old_values.is_not(None), audit_log.c.new_values.is_not(None)))
        .values(old_values=None, new_values=None)
    )


def neutral_description(description: str) -> str:
    """The first word of an edit's description ("Delete Amy Lee" -> "Delete"): no names."""
    words = description.split()
    return words[0][:40] if words else ""


# -- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One audited row change, as read back."""

    id: int
    at: datetime
    user: str
    description: str
    source: str
    table: str
    key: str
    op: str
    old: dict
    new: dict

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, from, to) for every field this change touched."""
        fields = sorted(set(self.old) | set(self.new))
        return [(f, self.old.get(f), self.new.get(f)) for f in fields
                if f not in _BOOKKEEPING and (self.op != "update" or self.old.get(f) != self.new.get(f))]

    def summary(self, limit: int = 4) -> str:
        """Plain words: "family name 'Lee' → 'Leigh'", "deleted", "added"."""
        if self.op != "delete" and not self.old and not self.new:
            return f"{'added' if self.op == 'insert' else 'changed'} (details erased when it was deleted)"
        if self.op == "insert":
            return f"added this {_noun(self.table)}"
        if self.op == "delete":
            return f"deleted this {_noun(self.table)}"
        parts = [f"{f.replace('_', ' ')} {_show(a)} → {_show(b)}" for f, a, b in self.changes()]
        more = f" and {len(parts) - limit} more" if len(parts) > limit else ""
        return ", ".join(parts[:limit]) + more

    @property
    def when(self) -> str:
        at = self.at
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return at.astimezone().strftime("%d %b %Y %H:%M")


def _noun(table: str) -> str:
    return {"parentlink": "parent link", "casemember": "family map membership",
            "riskflag": "risk flag", "legalstatus": "legal status", "case": "family map",
            "eventperson": "event link", "eventhousehold": "event link"}.get(table, table)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return repr(value) if isinstance(value, str) else str(value)


def _entry(r) -> AuditEntry:
    return AuditEntry(
        id=r.id, at=r.at, user=r.user_name, description=r.description, source=r.source,
        table=r.table_name, key=r.row_key, op=r.op,
        old=json.loads(r.old_values) if r.old_values else {},
        new=json.loads(r.new_values) if r.new_values else {},
    )


def _execute(bind, query):
    if isinstance(bind, sa.Engine):
        with bind.connect() as conn:
            return conn.execute(query).all()
    return bind.execute(query).all()


def row_history(bind, table: str, key: Sequence, limit: int = 50) -> list[AuditEntry]:
    """The changes of one row, newest first (``bind``: engine, connection or session)."""
    q = (sa.select(audit_log)
         .where(audit_log.c.table_name == table, audit_log.c.row_key == row_key(key))
         .order_by(audit_log.c.id.desc()).limit(limit))
    return [_entry(r) for r in _execute(bind, q)]


def person_history(bind, person_id: int, limit: int = 200) -> list[AuditEntry]:
    """Changes to a person and to the facts about them (links, homes, flags), newest first."""
    q = (sa.select(audit_log)
         .where(sa.or_(audit_log.c.person_id == person_id, audit_log.c.other_person_id == person_id))
         .order_by(audit_log.c.id.desc()).limit(limit))
    return [_entry(r) for r in _execute(bind, q)]


def case_history(bind, case_id: int, member_ids: Iterable[int] = (), limit: int = 500) -> list[AuditEntry]:
    """Changes to a family map, its membership and events, and its members, newest first."""
    ids = list(member_ids)
    cond = audit_log.c.case_id == case_id
    if ids:
        cond = sa.or_(cond, audit_log.c.person_id.in_(ids), audit_log.c.other_person_id.in_(ids))
    q = sa.select(audit_log).where(cond).order_by(audit_log.c.id.desc()).limit(limit)
    return [_entry(r) for r in _execute(bind, q)]


def count(bind) -> int:
    q = sa.select(sa.func.count()).select_from(audit_log)
    return _execute(bind, q)[0][0]
