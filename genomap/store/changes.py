"""Row-level change sets: the unit of undo, redo and (later) the audit trail.

A logical edit (one command) runs as one database transaction.  While it runs,
:class:`ChangeRecorder` watches the ORM session flushes and records, for every
row touched, its column values before and after.  Undo applies the inverse of
that change set and redo applies it again, both through SQLAlchemy Core in a
single transaction, so any edit -- including deleting a person with all their
links -- is exactly reversible without per-command undo code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel


@dataclass(frozen=True)
class RowChange:
    """One row's state before and after an edit (``None`` = row absent)."""

    table: str
    key: tuple
    before: Optional[dict[str, Any]]
    after: Optional[dict[str, Any]]

    @property
    def op(self) -> str:
        if self.before is None:
            return "insert"
        if self.after is None:
            return "delete"
        return "update"

    def inverse(self) -> "RowChange":
        return RowChange(self.table, self.key, self.after, self.before)


@dataclass(frozen=True)
class ChangeSet:
    description: str
    changes: tuple[RowChange, ...]

    def inverse(self) -> "ChangeSet":
        return ChangeSet(self.description, tuple(c.inverse() for c in reversed(self.changes)))

    def tables(self) -> set[str]:
        return {c.table for c in self.changes}

    def __bool__(self) -> bool:
        return bool(self.changes)


def _row_values(obj) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs}


def _row_before(obj) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.deleted:
            values[attr.key] = hist.deleted[0]
        elif hist.unchanged:
            values[attr.key] = hist.unchanged[0]
        else:
            values[attr.key] = getattr(obj, attr.key)
    return values


def _key(obj) -> tuple:
    return tuple(inspect(obj).mapper.primary_key_from_instance(obj))


class ChangeRecorder:
    """Collects :class:`RowChange` records from a session's flushes."""

    def __init__(self, session: Session):
        self.session = session
        self._pending: list[tuple[str, object, Optional[dict]]] = []
        self._changes: dict[tuple[str, tuple], RowChange] = {}
        self._order: list[tuple[str, tuple]] = []
        self.touched: list[object] = []  # new or modified objects still alive (for validation)
        self._touched_ids: set[int] = set()  # identity, not ==: models compare field by field
        event.listen(session, "before_flush", self._before_flush)
        event.listen(session, "after_flush", self._after_flush)

    def close(self) -> None:
        event.remove(self.session, "before_flush", self._before_flush)
        event.remove(self.session, "after_flush", self._after_flush)

    def _before_flush(self, session, flush_context, instances) -> None:
        for obj in _cascade_dependents(session):
            self._pending.append(("deleted", obj, _row_values(obj)))
        for obj in session.new:
            self._pending.append(("new", obj, None))
        for obj in session.dirty:
            if session.is_modified(obj, include_collections=False):
                self._pending.append(("dirty", obj, _row_before(obj)))
        for obj in session.deleted:
            self._pending.append(("deleted", obj, _row_before(obj)))

    def _after_flush(self, session, flush_context) -> None:
        for kind, obj, before in self._pending:
            table = inspect(obj).mapper.local_table.name
            key = _key(obj)
            after = None if kind == "deleted" else _row_values(obj)
            if after is not None and id(obj) not in self._touched_ids:
                self._touched_ids.add(id(obj))
                self.touched.append(obj)
            self._merge(RowChange(table, key, before, after))
        self._pending.clear()

    def _merge(self, change: RowChange) -> None:
        ident = (change.table, change.key)
        prev = self._changes.get(ident)
        if prev is None:
            self._changes[ident] = change
            self._order.append(ident)
            return
        merged = RowChange(change.table, change.key, prev.before, change.after)
        if merged.before is None and merged.after is None:
            del self._changes[ident]
            self._order.remove(ident)
        else:
            self._changes[ident] = merged

    def change_set(self, description: str) -> ChangeSet:
        return ChangeSet(description, tuple(self._changes[i] for i in self._order))


def _cascade_dependents(session: Session) -> list[object]:
    """Rows the database will remove by ON DELETE CASCADE when this flush runs.

    Without recording them, deleting a person would let SQLite silently drop
    their partnerships, parent links, residences... and the change set (hence
    undo) would not know about them.  They are only *recorded* here; the
    database deletes them.  Rows the caller deleted explicitly are skipped.
    """
    queue = list(session.deleted)
    if not queue:
        return []
    found: list[object] = []
    seen: set[tuple] = set()
    with session.no_autoflush:
        while queue:
            obj = queue.pop()
            for mapper, column, attr in _cascade_map(inspect(obj).mapper):
                value = getattr(obj, attr)
                if value is None:
                    continue
                for dep in session.scalars(sa.select(mapper.class_).where(column == value)):
                    ident = (mapper.local_table.name, _key(dep))
                    if dep in session.deleted or ident in seen:
                        continue
                    seen.add(ident)
                    found.append(dep)
                    queue.append(dep)
    return found


_CASCADES: dict[object, list] = {}


def _cascade_map(mapper) -> list:
    """(dependent mapper, its foreign-key column, referenced attribute) for ``mapper``'s table."""
    found = _CASCADES.get(mapper)
    if found is None:
        found = []
        table = mapper.local_table
        for other in mapper.registry.mappers:
            for fk in other.local_table.foreign_keys:
                if fk.column.table is table and (fk.ondelete or "").upper() == "CASCADE":
                    attr = mapper.get_property_by_column(fk.column).key
                    found.append((other, fk.parent, attr))
        _CASCADES[mapper] = found
    return found


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


def _table_rank() -> dict[str, int]:
    return {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}


def apply_changes(conn: sa.Connection, changes: Iterable[RowChange]) -> None:
    """Bring each row to its ``after`` state (Core statements, caller's transaction).

    Deletes run first, dependent tables before the tables they reference; then
    updates and inserts, referenced tables first, so foreign keys always hold.
    """
    rank = _table_rank()
    ordered = sorted(changes, key=lambda c: rank[c.table])
    for c in reversed(ordered):
        if c.after is None and c.before is not None:
            t = _table(c.table)
            conn.execute(sa.delete(t).where(*_pk_clause(t, c.key)))
    for c in ordered:
        if c.after is None:
            continue
        t = _table(c.table)
        if c.before is None:
            conn.execute(sa.insert(t).values(**c.after))
        else:
            conn.execute(sa.update(t).where(*_pk_clause(t, c.key)).values(**c.after))


def _pk_clause(t: sa.Table, key: tuple) -> list:
    return [col == value for col, value in zip(t.primary_key.columns, key)]
