"""Team databases: the same GenoMap model on a shared PostgreSQL server.

A team database is a PostgreSQL database reached with a SQLAlchemy URL such as
``postgresql+psycopg://alice@db.example.org/genomap`` (driver: psycopg 3).  It
holds exactly the tables of a GenoMap file, built by the same Alembic
migrations (``genomap db upgrade URL``), plus the audit trail and the case
access lists that a local file has no use for.

* :func:`open_team_document` opens one as a :class:`Document` whose ``user`` is
  the given name (else the URL's user name, else the OS account) and whose reads
  are limited to the family maps that user may open (:mod:`genomap.store.access`).
* :func:`upgrade` runs the migrations in one transaction.
* :func:`copy_database` copies a local file into a team database and back: every
  table, in one transaction on the target, ids preserved (empty target) or
  remapped consistently (``append=True``); a non-empty target is refused otherwise.

Passwords never appear in messages or window titles: use :func:`display_url`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
from sqlmodel import SQLModel

from genomap.store import access, audit
from genomap.store.document import Document, StoreError

SERVER_SCHEMES = ("postgresql", "postgres")
FAMILY_TABLES = [t for t in SQLModel.metadata.sorted_tables if t.name != "app_meta"]


class TeamDatabaseProblem(StoreError):
    """A team database could not be used; the message never contains the password."""


def is_server_url(text: str | os.PathLike) -> bool:
    """True for a ``postgresql://`` / ``postgresql+psycopg://`` URL (not a file name)."""
    s = str(text)
    return "://" in s and s.split("://", 1)[0].split("+", 1)[0] in SERVER_SCHEMES


def display_url(url: str | sa.URL) -> str:
    """The URL with its password masked: the only form that goes to logs and titles."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "(team database)"


def _normalise(url: str | sa.URL) -> sa.URL:
    u = sa.make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def server_engine(url: str | sa.URL, **kwargs) -> sa.Engine:
    """An engine for a team database: UTC session time zone, checked pooled connections."""
    u = _normalise(url)
    connect_args = {"options": "-c timezone=UTC", "connect_timeout": 10}
    connect_args.update(kwargs.pop("connect_args", {}))
    return sa.create_engine(u, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _problem(url, exc: Exception) -> TeamDatabaseProblem:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__
    u = sa.make_url(url)
    if u.password:
        detail = detail.replace(str(u.password), "***")
    return TeamDatabaseProblem(f"The team database {display_url(url)} could not be used: {detail}")


def schema_revision(engine: sa.Engine) -> Optional[str]:
    from genomap.store.files import current_revision

    with engine.connect() as conn:
        return current_revision(conn)


def upgrade(url: str | sa.URL) -> tuple[Optional[str], str]:
    """Bring a team database to the current schema (one transaction); (old, new) revision."""
    from genomap.store.files import REVISIONS, SCHEMA_VERSION, current_revision, migrate

    engine = server_engine(url)
    try:
        with engine.begin() as conn:
            before = current_revision(conn)
            migrate(conn, SCHEMA_VERSION)
        return before, REVISIONS[SCHEMA_VERSION]
    except StoreError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise _problem(url, exc) from None
    finally:
        engine.dispose()


def default_user(url: str | sa.URL | None = None) -> str:
    """Who is working: the URL's user name, else the OS account."""
    if url is not None:
        name = sa.make_url(url).username
        if name:
            return name
    from genomap.store.document import _os_user

    return _os_user()


def open_team_document(url: str | sa.URL, user: Optional[str] = None, *, upgrade_schema: bool = False,
                       admin: bool = False, engine_options: Optional[dict] = None) -> Document:
    """Open a team database as a :class:`Document` for ``user``.

    Refuses (:class:`TeamDatabaseProblem`) a server that cannot be reached, a
    database that is not at this GenoMap's schema (unless ``upgrade_schema``),
    or one from a newer GenoMap.  The user is added to ``app_user`` if new.
    """
    from genomap.store.files import REVISIONS, SCHEMA_VERSION

    head = REVISIONS[SCHEMA_VERSION]
    user = user or default_user(url)
    engine = server_engine(url, **(engine_options or {}))
    try:
        revision = schema_revision(engine)
        if revision != head:
            known = set(REVISIONS.values())
            if revision is not None and revision not in known:
                raise TeamDatabaseProblem(
                    f"The team database {display_url(url)} was set up by a newer GenoMap "
                    f"(schema {revision}); update GenoMap to use it.")
            if not upgrade_schema:
                raise TeamDatabaseProblem(
                    f"The team database {display_url(url)} is "
                    f"{'empty' if revision is None else 'from an older GenoMap'}: "
                    f"run 'genomap db upgrade URL' first.")
            engine.dispose()
            upgrade(url)
        with engine.begin() as conn:
            access.ensure_user(conn, user, is_admin=admin)
    except StoreError:
        engine.dispose()
        raise
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise _problem(url, exc) from None
    doc = Document(engine, None)
    doc.user = user
    doc.access = access.AccessPolicy(user)
    doc.url = display_url(url)
    return doc


# -- copying -----------------------------------------------------------------------------


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    remapped: bool = False

    def summary(self) -> str:
        n = self.rows.get("case", 0)
        total = sum(v for k, v in self.rows.items() if k != "audit_log")
        how = "ids renumbered" if self.remapped else "ids kept"
        return (f"Copied {n} family map{'s' if n != 1 else ''} ({total} records, "
                f"{self.rows.get('audit_log', 0)} audit entries; {how}) from {self.source} to {self.target}.")


def _family_rows(conn: sa.Connection) -> int:
    return sum(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0
               for t in (SQLModel.metadata.tables["case"], SQLModel.metadata.tables["person"]))


def _open_endpoint(target: str, *, create: bool):
    """(engine, closer, label, is_server) for a file path or a team database URL."""
    from genomap.store import files

    if is_server_url(target):
        engine = server_engine(target)
        try:
            revision = schema_revision(engine)
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise _problem(target, exc) from None
        if revision is None and create:
            upgrade(target)
        elif revision != files.REVISIONS[files.SCHEMA_VERSION]:
            engine.dispose()
            raise TeamDatabaseProblem(f"The team database {display_url(target)} is not at this "
                                      "GenoMap's schema: run 'genomap db upgrade URL' first.")
        return engine, engine.dispose, display_url(target), True
    path = Path(target)
    if create and not path.exists():
        doc = files.create_document(path)
    else:
        doc = files.open_document(path)
    return doc.engine, doc.close, str(doc.path), False


def _fk_map(table: sa.Table) -> dict[str, str]:
    """column name -> referenced table name, for this table's foreign keys."""
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}


def copy_database(source: str, target: str, *, append: bool = False,
                  user: Optional[str] = None) -> CopyReport:
    """Copy every family table (and the audit trail) from ``source`` to ``target``.

    Each is a ``.genomap`` file or a team database URL; a missing target file is
    created.  One transaction on the target: all or nothing.  An empty target
    keeps every id; ``append=True`` adds to a non-empty target with new ids,
    every reference (and the audit trail's) renumbered the same way.  When the
    target is a team database, ``user`` (default: the OS account) is given
    access to the copied family maps as their owner.
    """
    user = user or default_user(target if is_server_url(target) else None)
    src_engine, close_src, src_label, src_server = _open_endpoint(source, create=False)
    created = (not is_server_url(target)) and not Path(target).exists()
    try:
        dst_engine, close_dst, dst_label, dst_server = _open_endpoint(target, create=True)
    except BaseException:
        close_src()
        raise
    report = CopyReport(src_label, dst_label, remapped=append)
    ok = False
    try:
        with src_engine.connect() as src, dst_engine.begin() as dst:
            if _family_rows(dst) and not append:
                raise TeamDatabaseProblem(
                    f"{dst_label} already holds family maps; nothing was copied. Copy into an "
                    "empty database, or ask for the copy to be added (--append; ids renumbered).")
            maps: dict[str, dict[int, int]] = {}
            for t in FAMILY_TABLES:
                rows = [dict(r._mapping) for r in src.execute(sa.select(t))]
                report.rows[t.name] = len(rows)
                if not rows:
                    continue
                if append:
                    _insert_remapped(dst, t, rows, maps)
                else:
                    dst.execute(t.insert(), rows)
            audit_rows = [dict(r._mapping) for r in src.execute(
                sa.select(audit.audit_log).order_by(audit.audit_log.c.id))]
            for r in audit_rows:
                r.pop("id")
                if append:
                    _remap_audit(r, maps)
            if audit_rows:
                dst.execute(audit.audit_log.insert(), audit_rows)
            report.rows["audit_log"] = len(audit_rows)
            if src_server and dst_server and not append:
                for t in (access.app_user, access.case_access):
                    have = dst.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    rows = [dict(r._mapping) for r in src.execute(sa.select(t))]
                    if rows and not have:
                        dst.execute(t.insert(), rows)
            if dst_server:
                access.ensure_user(dst, user)
                new_cases = [r for r in (maps.get("case", {}).values() if append else
                                         [r[0] for r in src.execute(sa.select(
                                             SQLModel.metadata.tables["case"].c.id))])]
                access.add_access(dst, new_cases, user, access.OWNER, user)
                _reset_sequences(dst)
        ok = True
    except StoreError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise _problem(target if is_server_url(target) else source, exc) from None
    finally:
        close_src()
        close_dst()
        if created and not ok:
            _remove_file(Path(target))
    return report


def _remove_file(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        try:
            p.unlink()
        except OSError:
            pass


def _insert_remapped(dst: sa.Connection, t: sa.Table, rows: list[dict], maps: dict) -> None:
    fks = _fk_map(t)
    for r in rows:
        for col, ref in fks.items():
            if r.get(col) is not None:
                r[col] = maps[ref][r[col]]
    pk = list(t.primary_key.columns)
    if len(pk) == 1 and pk[0].name == "id":
        old_ids = [r.pop("id") for r in rows]
        new_ids = dst.execute(t.insert().returning(t.c.id, sort_by_parameter_order=True), rows).scalars().all()
        maps[t.name] = dict(zip(old_ids, new_ids))
    else:
        dst.execute(t.insert(), rows)


def _remap_audit(r: dict, maps: dict) -> None:
    """Point a copied audit row at the renumbered records (unknown ones: marked as such)."""
    table_map = maps.get(r["table_name"], {})
    key = r["row_key"]
    if key.isdigit() and int(key) in table_map:
        r["row_key"] = str(table_map[int(key)])
    else:
        r["row_key"] = f"copied:{key}"[:100]
    for col, table in (("case_id", "case"), ("person_id", "person"), ("other_person_id", "person")):
        if r.get(col) is not None:
            r[col] = maps.get(table, {}).get(r[col])


def _reset_sequences(conn: sa.Connection) -> None:
    """After inserting explicit ids, let PostgreSQL's id sequences continue above them."""
    if conn.dialect.name != "postgresql":
        return
    for t in FAMILY_TABLES + [audit.audit_log]:
        if "id" in t.c and t.c.id.primary_key and len(t.primary_key.columns) == 1:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{t.name}\"), 0) + 1, false)")
