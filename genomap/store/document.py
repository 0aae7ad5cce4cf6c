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
from typing import Callable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from genomap.model import rules
from genomap.model.tables import ALL_TABLES  # noqa: F401  (registers tables)
from genomap.store.changes import ChangeRecorder, ChangeSet, apply_changes

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
    ("unique", "", "That is already recorded."),
]


def _integrity_finding(exc: sa.exc.IntegrityError) -> "rules.Finding":
    """The database refused a row (duplicate, dangling link): say so in plain words."""
    text = str(getattr(exc, "orig", exc)).lower()
    for kind, table, message in _INTEGRITY_MESSAGES:
        if kind in text and table in text:
            return rules.Finding(rules.ERROR, message, table or "", None)
    return rules.Finding(rules.ERROR, "The edit conflicts with what is already recorded.", "", None)


class Document:
    """A GenoMap database and the edits made to it."""

    def __init__(self, engine: sa.Engine, path: Optional[Path] = None):
        self.engine = engine
        self.path = path
        self._listeners: list[Listener] = []
        self._closed = False
        self.key = None  # the SQLCipher key of an encrypted file (genomap.store.crypto)

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
        """A session for reading; objects are expunged-safe (no expiry on commit)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def snapshot(self, case_id: int):
        from genomap.store.snapshot_loader import load_snapshot

        with self.read() as session:
            return load_snapshot(session, case_id)

    # -- writing ------------------------------------------------------------
    def edit(self, description: str, fn: Callable[[Session], object]) -> ChangeSet:
        """Run ``fn(session)`` as one validated transaction and return its change set.

        Raises :class:`ValidationError` (nothing written) when a rule is broken.
        """
        with Session(self.engine, expire_on_commit=False, autoflush=True) as session:
            recorder = ChangeRecorder(session)
            try:
                try:
                    fn(session)
                    session.flush()
                except sa.exc.IntegrityError as exc:
                    raise ValidationError([_integrity_finding(exc)]) from None
                findings = rules.validate(session, recorder.touched)
                errors = [f for f in findings if f.is_error]
                if errors:
                    session.rollback()
                    raise ValidationError(errors)
                change_set = recorder.change_set(description)
                session.commit()
            except Exception:
                session.rollback()
                raise
            finally:
                recorder.close()
        if change_set:
            self._notify(change_set)
        return change_set

    def apply(self, change_set: ChangeSet) -> None:
        """Replay a change set (redo) in one transaction; use ``.inverse()`` for undo."""
        with self.engine.begin() as conn:
            apply_changes(conn, change_set.changes)
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
