"""No lost updates: optimistic concurrency with a version number on every row.

Every family table has a ``version`` column (:class:`genomap.model.tables.Versioned`,
SQLAlchemy's ``version_id_col``): an ORM UPDATE or DELETE says ``WHERE version =
<loaded>`` and raises it by one.  That alone only protects the few milliseconds
of an edit's own transaction, so a :class:`VersionTracker` per document also
remembers the version of each row *as this window last saw it* (loaded by a read,
or written by its own edits).  When an edit is committed, every row it updates
or deletes must still be at the version this window saw; otherwise someone else
changed it in between and the whole edit -- every row, relationship rows included
-- is refused with a :class:`ConflictError` that says who changed what (from the
audit trail).  Editing a row someone else deleted is refused the same way.

Undo and redo replay row images through Core (:func:`apply_checked`): each
UPDATE/DELETE says ``WHERE version = <the version this window last wrote>`` and
bumps it, so an undo can never clobber a later change made by someone else.
Versions only ever go up (an undo is a new version, not the old one back), so a
version number never means two different states of a row.
"""

from __future__ import annotations

import re
import threading
from typing import Iterable, Optional

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from genomap.store.changes import RowChange
from genomap.store.document import StoreError

VERSION = "version"


class ConflictError(StoreError):
    """Someone else changed or deleted a record after this window read it; nothing was written."""

    def __init__(self, message: str, table: str = "", key: tuple = (), entries: tuple = ()):
        self.table = table
        self.key = tuple(key)
        self.entries = tuple(entries)  # the other change(s), from the audit trail
        super().__init__(message)


class Pending(Exception):
    """A conflict found inside a transaction; turned into a :class:`ConflictError`
    (whose message reads the audit trail) once the transaction has rolled back."""

    def __init__(self, table: str, key: tuple, deleted: Optional[bool], recreated: bool = False):
        super().__init__(table, key)
        self.table, self.key, self.deleted, self.recreated = table, tuple(key), deleted, recreated

    def error(self, engine: sa.Engine) -> ConflictError:
        return conflict(engine, self.table, self.key, self.deleted, self.recreated)


class VersionTracker:
    """The row versions one document has seen (read) and written (edits, undo/redo)."""

    def __init__(self):
        self.seen: dict[tuple[str, tuple], int] = {}
        self.written: dict[tuple[str, tuple], int] = {}
        self._lock = threading.Lock()

    def saw(self, table: str, key: tuple, version: int) -> None:
        ident = (table, tuple(key))
        with self._lock:
            if version > self.seen.get(ident, 0):  # a slow older read never lowers it
                self.seen[ident] = version

    def wrote(self, changes: Iterable[RowChange]) -> None:
        with self._lock:
            for c in changes:
                ident = (c.table, tuple(c.key))
                if c.after is None:
                    self.seen.pop(ident, None)
                    if c.before is not None and c.before.get(VERSION) is not None:
                        self.written[ident] = c.before[VERSION]
                    continue
                v = c.after.get(VERSION)
                if v is not None:
                    self.seen[ident] = v
                    self.written[ident] = v

    def forget(self) -> None:
        """After a refresh: what this window saw is re-read from the database."""
        with self._lock:
            self.seen.clear()

    def on_load(self, session: Session) -> None:
        """Track the versions of every row ``session`` loads."""
        def loaded(_session, obj):
            v = obj.__dict__.get(VERSION)
            if v is not None:
                state = inspect(obj)
                self.saw(state.mapper.local_table.name, state.identity, v)

        sa.event.listen(session, "loaded_as_persistent", loaded)


class EditSession(Session):
    """The session of one edit: remembers rows asked for by key that were not there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing: list[tuple[str, tuple]] = []

    def get(self, entity, ident, *args, **kwargs):
        obj = super().get(entity, ident, *args, **kwargs)
        if obj is None:
            try:
                table = inspect(entity).local_table.name
                key = tuple(ident) if isinstance(ident, (tuple, list)) else (ident,)
                self.missing.append((table, key))
            except Exception:  # noqa: BLE001 - only bookkeeping
                pass
        return obj


# -- checks ---------------------------------------------------------------------------


def check_edit(tracker: VersionTracker, changes: Iterable[RowChange]) -> None:
    """Refuse an edit whose updated/deleted rows moved on since this window saw them."""
    for c in changes:
        if c.before is None:
            continue
        seen = tracker.seen.get((c.table, tuple(c.key)))
        current = c.before.get(VERSION)
        if seen is not None and current is not None and current != seen:
            raise Pending(c.table, c.key, deleted=False)


def check_missing(tracker: VersionTracker, session: EditSession) -> None:
    """Refuse an edit that looked for a row this window showed but someone deleted."""
    for table, key in session.missing:
        if (table, key) in tracker.seen:
            raise Pending(table, key, deleted=True)


_STALE_TABLE = re.compile(r"on table '([^']+)'")


def stale(exc: Exception, session: Session) -> Pending:
    """Turn SQLAlchemy's StaleDataError (a row changed under a running flush) into a conflict."""
    m = _STALE_TABLE.search(str(exc))
    table = m.group(1) if m else ""
    key: tuple = ()
    for obj in list(session.dirty) + list(session.deleted):
        state = inspect(obj)
        if state.mapper.local_table.name == table and state.identity:
            key = state.identity
            break
    return Pending(table, key, deleted=None)


# -- undo / redo through Core ---------------------------------------------------------


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


def _pk(t: sa.Table, key: tuple) -> list:
    return [col == value for col, value in zip(t.primary_key.columns, key)]


def apply_checked(conn: sa.Connection, changes: Iterable[RowChange],
                  tracker: VersionTracker) -> list[RowChange]:
    """Bring each row to its ``after`` state, refusing rows someone else changed meanwhile.

    Same order as :func:`genomap.store.changes.apply_changes`.  Returns the changes
    as actually written (with the new version numbers) for the audit trail and
    the tracker.  Raises :class:`Pending` (the caller rolls back, then reports
    ``pending.error(engine)``).
    """
    rank = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}
    ordered = sorted(changes, key=lambda c: rank[c.table])
    done: list[RowChange] = []

    def expected(c: RowChange) -> Optional[int]:
        v = tracker.written.get((c.table, tuple(c.key)))
        return v if v is not None else (c.before or {}).get(VERSION)

    for c in reversed(ordered):
        if c.after is None and c.before is not None:
            t = _table(c.table)
            where = _pk(t, c.key)
            exp = expected(c) if VERSION in t.c else None
            if exp is not None:
                where.append(t.c.version == exp)
            if conn.execute(sa.delete(t).where(*where)).rowcount != 1:
                raise Pending(c.table, c.key, deleted=None)
            before = dict(c.before)
            if exp is not None:
                before[VERSION] = exp
            done.append(RowChange(c.table, c.key, before, None))
    for c in ordered:
        if c.after is None:
            continue
        t = _table(c.table)
        after = dict(c.after)
        versioned = VERSION in t.c
        if c.before is None:
            if versioned:
                last = tracker.written.get((c.table, tuple(c.key)))
                after[VERSION] = max(after.get(VERSION) or 1, (last or 0) + 1)
            try:
                conn.execute(sa.insert(t).values(**after))
            except sa.exc.IntegrityError:
                raise Pending(c.table, c.key, deleted=False, recreated=True) from None
            done.append(RowChange(c.table, c.key, None, after))
            continue
        where = _pk(t, c.key)
        before = dict(c.before)
        if versioned:
            exp = expected(c)
            where.append(t.c.version == exp)
            after[VERSION] = exp + 1
            before[VERSION] = exp
        if conn.execute(sa.update(t).where(*where).values(**after)).rowcount != 1:
            raise Pending(c.table, c.key, deleted=None)
        done.append(RowChange(c.table, c.key, before, after))
    return done


# -- the message -------------------------------------------------------------------------

_NAME_FIELDS = ("given_names", "family_name", "title", "label", "name")


def _current(engine: sa.Engine, table: str, key: tuple) -> dict:
    t = SQLModel.metadata.tables.get(table)
    if t is None or not key:
        return {}
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.select(t).where(*_pk(t, key))).first()
    except Exception:  # noqa: BLE001 - only for the wording
        return {}
    return dict(row._mapping) if row is not None else {}


def _label(table: str, entries, current: dict) -> str:
    from genomap.store.audit import _noun

    for values in [current] + [{**e.old, **e.new} for e in entries]:
        if table == "person" and (values.get("given_names") or values.get("family_name")):
            return " ".join(v for v in (values.get("given_names"), values.get("family_name")) if v)
        for f in ("title", "label", "name"):
            if values.get(f):
                return f"{_noun(table)} '{values[f]}'"
    return f"this {_noun(table)}" if table else "this record"


def conflict(engine: sa.Engine, table: str, key: tuple, deleted: Optional[bool],
             recreated: bool = False) -> ConflictError:
    """A :class:`ConflictError` naming who changed the record and how (from the audit trail)."""
    from genomap.store.audit import row_history

    entries: list = []
    if table and key:
        try:
            entries = row_history(engine, table, key, limit=3)
        except Exception:  # noqa: BLE001 - the message is still useful without it
            entries = []
    what = _label(table, entries, _current(engine, table, key))
    latest = entries[0] if entries else None
    if latest is not None:
        if latest.op == "delete" or deleted:
            other = f"{latest.user} deleted {what} on {latest.when}"
        elif recreated:
            other = f"{latest.user} re-created {what} on {latest.when}"
        else:
            other = f"{latest.user} changed {what} on {latest.when}: {latest.summary()}"
    else:
        other = f"someone else {'deleted' if deleted else 'changed'} {what}"
    message = (f"Your change was not saved: {other}, after you opened it. Reload to see the "
               "current details, then make your change again if it is still needed.")
    return ConflictError(message, table, key, tuple(entries))
