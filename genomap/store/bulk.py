"""Bulk inserts (imports): thousands of rows in one validated, audited, undoable transaction.

:meth:`Document.edit` builds one ORM object per row and lets the session flush
them while :class:`~genomap.store.changes.ChangeRecorder` records each row;
for an import of thousands of people most of the time went into building and
flushing those objects.  :meth:`Document.bulk_insert` gives the importer a
:class:`BulkWriter` instead: it inserts plain row dicts with one Core
``executemany`` per table (ids: on PostgreSQL through ``RETURNING`` in
parameter order; on SQLite the ids SQLite would give, assigned explicitly),
and because a bulk write only *inserts*, the change set is
built straight from the rows (``before=None``, ``after=`` the full row with
its defaults and id).  Nothing else is skipped:

* it is still ONE transaction: a broken rule, a refused row or an exception
  in the importer rolls everything back;
* the model rules run over every inserted row (their preloaded bulk mode:
  the rows already in the file are read once before the insert, the new rows
  are added from the dicts as lightweight, session-less model instances);
* the change set undoes exactly (``ChangeSet.inverse()`` deletes every row);
* the audit trail gets one row per inserted row, in the same transaction.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from genomap.perf import gc_paused  # noqa: F401 - re-exported for callers
from genomap.store.changes import RowChange

#: SQLite page cache during a bulk write (KiB, negative = size): big enough that
#: a large import never spills dirty pages to the file before its commit (a spill
#: costs an extra journal fsync in the middle of the transaction).
BULK_CACHE_KIB = 64 * 1024


class _TableInfo:
    """What a bulk insert needs to know about one table, computed once."""

    __slots__ = ("table", "name", "model", "manager", "pk", "columns", "scalar_defaults", "callable_defaults")

    def __init__(self, model: type[SQLModel]):
        mapper = inspect(model)
        self.model = model
        self.manager = mapper.class_manager
        self.table: sa.Table = mapper.local_table
        self.name = self.table.name
        pks = list(self.table.primary_key.columns)
        self.pk = pks[0].name if len(pks) == 1 and pks[0].autoincrement in (True, "auto") \
            and isinstance(pks[0].type, sa.Integer) else None
        self.columns = [c.name for c in self.table.columns]
        self.scalar_defaults: dict[str, Any] = {}
        self.callable_defaults: dict[str, Any] = {}
        for c in self.table.columns:
            if c.name == self.pk:
                continue
            d = c.default
            if d is None:
                self.scalar_defaults[c.name] = None
            elif d.is_scalar:
                self.scalar_defaults[c.name] = d.arg
            elif d.is_callable:
                self.callable_defaults[c.name] = d.arg
            else:  # a SQL expression default: not used by GenoMap's tables
                raise TypeError(f"bulk insert cannot compute the default of {self.name}.{c.name}")


_INFO: dict[type, _TableInfo] = {}


def table_info(model: type[SQLModel]) -> _TableInfo:
    info = _INFO.get(model)
    if info is None:
        info = _INFO[model] = _TableInfo(model)
    return info


class BulkWriter:
    """Handed to the function given to :meth:`Document.bulk_insert`.

    ``session`` may be used for reading (e.g. finding an existing case); rows are
    written only through :meth:`insert`.
    """

    def __init__(self, session: Session):
        self.session = session
        self.conn: sa.Connection = session.connection()
        self.changes: list[RowChange] = []
        self.objects: list[object] = []  # model instances of the new rows, for the rules

    def insert(self, model: type[SQLModel], rows: Iterable[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` (column -> value; unspecified columns get their defaults).

        Returns the new ids in the order of ``rows`` (tables with a composite key:
        an empty list).  Unknown column names are refused.
        """
        info = table_info(model)
        full: list[dict[str, Any]] = []
        known = info.scalar_defaults.keys() | info.callable_defaults.keys()
        for row in rows:
            extra = row.keys() - known
            if extra:
                if info.pk in extra and row.get(info.pk) is None:
                    row = {k: v for k, v in row.items() if k != info.pk}
                    extra = row.keys() - known
                if extra:
                    raise ValueError(f"{info.name} has no column(s) {', '.join(sorted(extra))} "
                                     "(ids are assigned by the bulk insert)")
            values = {**info.scalar_defaults, **row}
            for name, fn in info.callable_defaults.items():
                if name not in row:
                    values[name] = fn(None)
            full.append(values)
        if not full:
            return []
        if info.pk is not None and self.conn.dialect.name == "sqlite":
            # SQLite cannot keep RETURNING in parameter order for a multi-row insert (SQLAlchemy
            # would send the rows one by one): give the ids SQLite itself would give (max + 1, ...;
            # GenoMap's tables are plain rowid tables, no AUTOINCREMENT) and executemany.  Should
            # another writer slip in between, the insert fails on the key: nothing is written.
            pk = info.table.c[info.pk]
            first = (self.conn.execute(sa.select(sa.func.max(pk))).scalar() or 0) + 1
            ids = list(range(first, first + len(full)))
            for values, new_id in zip(full, ids):
                values[info.pk] = new_id
            executemany(self.conn, info.table, full)
        elif info.pk is not None:
            stmt = sa.insert(info.table).returning(info.table.c[info.pk], sort_by_parameter_order=True)
            ids = list(self.conn.execute(stmt, full).scalars())
            if len(ids) != len(full):  # pragma: no cover - the driver broke its promise
                raise RuntimeError(f"bulk insert into {info.name}: {len(ids)} ids for {len(full)} rows")
            for values, new_id in zip(full, ids):
                values[info.pk] = new_id
        else:
            ids = []
            executemany(self.conn, info.table, full)
        pk_cols = [c.name for c in info.table.primary_key.columns]
        new_instance = info.manager.new_instance
        for values in full:
            after = {c: values[c] for c in info.columns}
            self.changes.append(RowChange(info.name, tuple(after[c] for c in pk_cols), None, after))
            obj = new_instance()  # as the ORM builds loaded rows: no __init__, values in __dict__
            obj.__dict__.update(after)
            self.objects.append(obj)
        return ids


def executemany(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` ``rows`` (all with the same keys) in one ``executemany``.

    On SQLite the values go through each column type's own bind processor (what
    SQLAlchemy Core does per row) and straight to the driver's ``executemany``:
    Core's per-row parameter bookkeeping was a tenth of a large import.  Other
    databases: Core.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(sa.insert(table), rows)
        return
    dialect = conn.dialect
    names = list(rows[0])
    processors = [(i, p) for i, p in enumerate(
        table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names) if p is not None]
    prep = dialect.identifier_preparer
    sql = (f"INSERT INTO {prep.format_table(table)} ({', '.join(prep.quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    params = []
    for row in rows:
        values = [row[n] for n in names]
        for i, process in processors:
            values[i] = process(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


def sqlite_bulk_pragmas(conn: sa.Connection) -> Optional[int]:
    """Enlarge SQLite's page cache for a bulk write; returns the old size to restore."""
    if conn.dialect.name != "sqlite":
        return None
    old = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    if old is not None and (old < 0 and -old >= BULK_CACHE_KIB):
        return None
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    return old


def restore_pragmas(conn: sa.Connection, old: Optional[int]) -> None:
    """Put the page cache back (before the commit: shrinking it never drops dirty pages)."""
    if old is None:
        return
    try:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(old)}")
    except Exception:  # noqa: BLE001 - only a cache size
        pass


