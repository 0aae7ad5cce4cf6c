"""The open GenoMap document: one database (a local SQLite file by default).

Every logical edit goes through :meth:`Document.edit`: it runs in one
transaction, is validated by :mod:`genomap.model.rules` before commit, and
returns the :class:`~genomap.store.changes.ChangeSet` that undo/redo replay.
Listeners hear about every committed change (the UI redraws from them).

Nothing here imports Qt.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import SQLModel

from genomap.model import rules
from genomap.perf import gc_paused
from genomap.model.tables import ALL_TABLES  # noqa: F401  (registers tables)
from genomap.store import access as _access
from genomap.store import audit as _audit
from genomap.store.changes import ChangeRecorder, ChangeSet

if TYPE_CHECKING:
    from genomap.store.bulk import BulkWriter

log = logging.getLogger(__name__)

Listener = Callable[[ChangeSet], None]


class StoreError(Exception):
    """A problem with a GenoMap file or database, worded for the user."""


class ValidationError(StoreError):
    """An edit broke a model rule; nothing was written."""

    def __init__(self, findings: list["rules.Finding"]):
        self.findings = findings
        super().__init__("; ".join(f.message for f in findings if f.is_error))


_INTEGRITY_MESSAGES = [
    ("unique", "parentlink", "That parent–child link is already recorded."),
    ("unique", "casemember", "That person is already in this family map."),
    ("unique", "eventperson", "That person is already linked to this event."),
    ("unique", "eventhousehold", "That household is already linked to this event."),
    ("foreign key", "", "The edit refers to a person, household, agency or family map that no "
     "longer exists (it may have been deleted)."),
    ("not null", "", "A required detail is missing from the edit."),
    ("not-null", "", "A required detail is missing from the edit."),  # PostgreSQL's wording
    ("unique", "", "That is already recorded."),
]


def _integrity_finding(exc: sa.exc.IntegrityError) -> "rules.Finding":
    """The database refused a row (duplicate, dangling link): say so in plain words."""
    text = str(getattr(exc, "orig", exc)).lower()
    for kind, table, message in _INTEGRITY_MESSAGES:
        if kind in text and table in text:
            return rules.Finding(rules.ERROR, message, table or "", None)
    return rules.Finding(rules.ERROR, "The edit conflicts with what is already recorded.", "", None)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no OS user name is fine
        return "unknown user"


class Document:
    """A GenoMap database and the edits made to it."""

    def __init__(self, engine: sa.Engine, path: Optional[Path] = None):
        self.engine = engine
        self.path = path
        self._listeners: list[Listener] = []
        self._closed = False
        self.key = None  # the SQLCipher key of an encrypted file (genomap.store.crypto)
        # Team database (genomap.store.server): who is working, what they may open,
        # and the row versions this window has seen (genomap.store.concurrency).
        from genomap.store.concurrency import VersionTracker

        self.user: str = _os_user()
        self.access: Optional[_access.AccessPolicy] = None  # None: a local file, one user
        self.versions = VersionTracker()

    # -- lifecycle (file handling lives in genomap.store.files) ---------------
    @classmethod
    def create(cls, path: str | Path, passphrase=None) -> "Document":
        from genomap.store import files

        return files.create_document(Path(path), passphrase=passphrase)

    @classmethod
    def open(cls, path: str | Path, passphrase=None) -> "Document":
        """Open a file; ``passphrase`` for an encrypted one (see :mod:`genomap.store.crypto`)."""
        from genomap.store import files

        return files.open_document(Path(path), passphrase)

    @classmethod
    def in_memory(cls) -> "Document":
        """A throwaway document (tests, previews)."""
        from genomap.store import files

        engine = files.make_engine("sqlite://")
        SQLModel.metadata.create_all(engine)
        _audit.TEAM_METADATA.create_all(engine)
        return cls(engine)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.engine.dispose()
            hook = getattr(self, "_on_close", None)
            if hook is not None:
                hook()

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; objects are expunged-safe (no expiry on commit).

        On a team database it only sees the family maps this user may open.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            _access.install(session, self.access)
            self.versions.on_load(session)
            yield session

    def refresh(self) -> None:
        """Forget what this window had read: the next reads show others' committed changes."""
        self.versions.forget()

    def snapshot(self, case_id: int):
        from genomap.store.snapshot_loader import load_snapshot

        with self.read() as session:
            return load_snapshot(session, case_id)

    # -- writing ------------------------------------------------------------
    def edit(self, description: str, fn: Callable[[Session], object]) -> ChangeSet:
        """Run ``fn(session)`` as one validated transaction and return its change set.

        Raises :class:`ValidationError` (nothing written) when a rule is broken, and
        :class:`~genomap.store.concurrency.ConflictError` (nothing written) when a row
        it changes was changed or deleted by someone else since this window read it.
        The audit rows are written in the same transaction.
        """
        from genomap.store import concurrency

        with concurrency.EditSession(self.engine, expire_on_commit=False, autoflush=True) as session:
            recorder = ChangeRecorder(session)
            try:
                try:
                    fn(session)
                    session.flush()
                except sa.exc.IntegrityError as exc:
                    raise ValidationError([_integrity_finding(exc)]) from None
                except StaleDataError as exc:
                    raise concurrency.stale(exc, session) from None
                except Exception:
                    concurrency.check_missing(self.versions, session)
                    raise
                concurrency.check_missing(self.versions, session)
                findings = rules.validate(session, recorder.touched)
                errors = [f for f in findings if f.is_error]
                if errors:
                    session.rollback()
                    raise ValidationError(errors)
                change_set = recorder.change_set(description)
                concurrency.check_edit(self.versions, change_set.changes)
                conn = session.connection()
                if self.access is not None and self.access.restricted:
                    _access.add_access(conn, [c.key[0] for c in change_set.changes
                                              if c.table == "case" and c.op == "insert"],
                                       self.user, _access.OWNER)
                _audit.record(conn, change_set.changes, self.user, description)
                session.commit()
            except concurrency.Pending as pending:
                session.rollback()
                raise pending.error(self.engine) from None
            except StaleDataError as exc:  # a row changed under the commit itself
                session.rollback()
                raise concurrency.stale(exc, session).error(self.engine) from None
            except Exception:
                session.rollback()
                raise
            finally:
                recorder.close()
        self.versions.wrote(change_set.changes)
        if change_set:
            self._notify(change_set)
        return change_set

    def bulk_insert(self, description: str, fn: Callable[["BulkWriter"], object]) -> ChangeSet:
        """Insert many rows (an import) as one validated, audited transaction; return its change set.

        ``fn(writer)`` inserts plain row dicts with ``writer.insert(Model, rows)``
        (:class:`~genomap.store.bulk.BulkWriter`: Core ``executemany``, ids back
        through ``RETURNING``) and may read through ``writer.session``.  Same
        guarantees as :meth:`edit`: all or nothing, the model rules (bulk mode)
        over every inserted row -- :class:`ValidationError` and nothing written
        when one is broken --, the audit rows in the same transaction, and a
        change set whose ``inverse()`` removes exactly the inserted rows.
        """
        from genomap.store import bulk, concurrency

        with gc_paused(), \
                concurrency.EditSession(self.engine, expire_on_commit=False, autoflush=False) as session:
            conn = session.connection()
            old_cache = bulk.sqlite_bulk_pragmas(conn)
            try:
                # The rules read the rows already in the file once, before the insert;
                # the new rows are added from the writer's dicts (no ORM round trip).
                look = rules.preload(session)
                writer = bulk.BulkWriter(session)
                try:
                    fn(writer)
                except sa.exc.IntegrityError as exc:
                    raise ValidationError([_integrity_finding(exc)]) from None
                look.add(writer.objects)
                findings = rules.validate(session, writer.objects, look=look)
                errors = [f for f in findings if f.is_error]
                if errors:
                    raise ValidationError(errors)
                change_set = ChangeSet(description, tuple(writer.changes))
                if self.access is not None and self.access.restricted:
                    _access.add_access(conn, [c.key[0] for c in change_set.changes
                                              if c.table == "case" and c.op == "insert"],
                                       self.user, _access.OWNER)
                _audit.record(conn, change_set.changes, self.user, description)
                bulk.restore_pragmas(conn, old_cache)
                old_cache = None
                session.commit()
            except Exception:
                bulk.restore_pragmas(conn, old_cache)
                session.rollback()
                raise
        self.versions.wrote(change_set.changes)
        if change_set:
            self._notify(change_set)
        return change_set

    def apply(self, change_set: ChangeSet) -> None:
        """Replay a change set (redo) in one transaction; use ``.inverse()`` for undo.

        Each row must still be at the version this window last wrote (else
        :class:`~genomap.store.concurrency.ConflictError`, nothing written); each
        written row's version goes up by one, and the replay is audited.
        """
        from genomap.store import concurrency

        try:
            with self.engine.begin() as conn:
                done = concurrency.apply_checked(conn, change_set.changes, self.versions)
                _audit.record(conn, done, self.user, change_set.description, source="replay")
        except concurrency.Pending as pending:
            raise pending.error(self.engine) from None
        self.versions.wrote(done)
        self._notify(change_set)

    # -- listeners ----------------------------------------------------------
    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _notify(self, change_set: ChangeSet) -> None:
        for fn in list(self._listeners):
            try:
                fn(change_set)
            except Exception:  # a broken listener must not undo a committed edit
                log.exception("document listener failed")
