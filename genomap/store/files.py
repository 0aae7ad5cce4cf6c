"""GenoMap files on disk: create, recognise, check, upgrade, lock and copy them.

A GenoMap file is one SQLite database (extension ``.genomap``).  This module is
the only place that knows that: the rest of GenoMap talks to a SQLAlchemy
engine through :class:`~genomap.store.document.Document`, so a shared
PostgreSQL database later is a different URL given to :func:`make_engine`.

Recognising a file
    The 100-byte SQLite header is read with plain ``open()`` before SQLite
    touches the file: it says whether the file is SQLite at all, which program
    wrote it (``PRAGMA application_id`` = :data:`APPLICATION_ID`) and which
    schema version it has (``PRAGMA user_version``).  Foreign, empty and newer
    files are refused from those bytes alone, so nothing on disk changes and no
    journal, WAL or lock file is created beside them.  A file that claims to be
    ours is then checked with ``PRAGMA quick_check`` over a read-only
    connection (``mode=ro``) before it is opened for writing.

Crash safety: rollback journal (``journal_mode=DELETE``) with ``synchronous=FULL``
    Every :meth:`Document.edit` is one transaction; SQLite fsyncs the journal
    and the database at each commit, so once ``edit`` returns the change is on
    disk and a process killed at any moment leaves either the old or the new
    state (an interrupted commit is rolled back from the journal on the next
    open).  WAL would make commits a little cheaper but keeps committed data in
    a ``-wal`` sidecar until a checkpoint: a practitioner who copies, e-mails or
    syncs (OneDrive, SharePoint) the ``.genomap`` file alone could lose recent
    edits, and WAL does not work on network drives.  GenoMap edits are small
    and infrequent, so the self-contained file wins.  ``busy_timeout`` lets a
    layout worker thread's read and an edit wait for each other briefly
    instead of failing.

One window per file
    :class:`FileLock` holds an OS advisory lock (``fcntl.flock`` on POSIX,
    ``msvcrt.locking`` on Windows) on a sidecar ``NAME.genomap.lock`` for as
    long as the document is open.  The OS drops the lock when the process dies,
    so a crash never leaves a file "in use"; ``flock`` locks also conflict
    within one process, so a second window of the same app is refused too.

Upgrading
    A file with an older ``user_version`` is first copied beside itself
    (``NAME.genomap.bak-v1-20261126-101500``, SQLite backup API) and then
    upgraded in one transaction with the Alembic migrations in
    ``genomap/store/migrations``.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

import genomap.store.meta  # noqa: F401  (registers app_meta with the metadata)
from genomap import __version__
from genomap.store.document import Document, StoreError

EXTENSION = ".genomap"
#: ``PRAGMA application_id`` of every GenoMap file: the ASCII bytes "GMAP".
APPLICATION_ID = 0x474D4150
#: ``PRAGMA user_version`` written by this GenoMap (= number of the newest migration).
SCHEMA_VERSION = 6
#: Alembic revision for each schema version.
REVISIONS = {1: "0001", 2: "0002", 3: "0003", 4: "0004", 5: "0005", 6: "0006"}
BUSY_TIMEOUT_MS = 10_000

_SQLITE_MAGIC = b"SQLite format 3\x00"
_MIGRATIONS = Path(__file__).with_name("migrations")


# -- errors ----------------------------------------------------------------------


class FileProblem(StoreError):
    """A GenoMap file could not be used; ``path`` names it."""

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        super().__init__(message)


class FileNotFound(FileProblem):
    def __init__(self, path: Path | str):
        super().__init__(path, f"'{path}' does not exist. Check the name and folder.")


class FileExists(FileProblem):
    def __init__(self, path: Path | str):
        super().__init__(
            path, f"'{path}' already exists and was left as it is. Choose another name."
        )


class NotAGenoMapFile(FileProblem):
    def __init__(self, path: Path | str, why: str):
        super().__init__(path, f"'{path}' is not a GenoMap file: {why}. Nothing was changed.")


class CorruptFile(FileProblem):
    def __init__(self, path: Path | str, detail: str = ""):
        extra = f" ({detail})" if detail else ""
        super().__init__(
            path,
            f"'{path}' is a GenoMap file but it is damaged{extra}. Nothing was changed; "
            "open a backup copy instead, or ask for help recovering it.",
        )


class NewerVersion(FileProblem):
    def __init__(self, path: Path | str, version: int):
        self.version = version
        super().__init__(
            path,
            f"'{path}' was saved by a newer GenoMap (file format {version}; this GenoMap "
            f"reads up to {SCHEMA_VERSION}). Update GenoMap to open it. Nothing was changed.",
        )


class FileInUse(FileProblem):
    def __init__(self, path: Path | str, holder: str = ""):
        who = f" ({holder})" if holder else ""
        super().__init__(
            path,
            f"'{path}' is open in another GenoMap window or by another user{who}. "
            "Close it there first, or work on a copy.",
        )


class FileAccessDenied(FileProblem):
    def __init__(self, path: Path | str, what: str = "read or change"):
        super().__init__(
            path,
            f"GenoMap is not allowed to {what} '{path}'. Check the file's permissions, "
            "or copy it to a folder you can write to.",
        )


class UpgradeFailed(FileProblem):
    def __init__(self, path: Path | str, backup: Path, detail: str):
        super().__init__(
            path,
            f"'{path}' could not be upgraded to the current file format ({detail}). "
            f"The file was left unchanged; a backup copy is at '{backup}'.",
        )


# -- engines ---------------------------------------------------------------------


def make_engine(url: str | sa.URL, *, foreign_keys: bool = True, key=None) -> sa.Engine:
    """An engine for ``url`` with GenoMap's connection settings.

    For SQLite: foreign keys enforced, rollback journal with full fsync at each
    commit, a busy timeout, and usable from several threads.  We issue
    ``BEGIN`` ourselves (the documented SQLAlchemy recipe) so that a
    transaction really starts at its first statement, reads included.
    ``foreign_keys=False`` is only for migrations that rebuild tables.
    ``key`` (a :class:`genomap.store.crypto.Key`) opens an encrypted file.
    ``secure_delete`` is on: deleted records are overwritten, not just unlinked.
    Other databases (PostgreSQL later) get a plain engine.
    """
    u = sa.make_url(url)
    if u.get_backend_name() != "sqlite":
        return sa.create_engine(u, pool_pre_ping=True)
    memory = u.database in (None, "", ":memory:")
    kwargs: dict = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    }
    if memory:
        kwargs["poolclass"] = StaticPool  # one shared in-memory database for all threads
    if key is not None:
        from genomap.store import crypto

        kwargs.update(crypto.engine_options(u.database, key, BUSY_TIMEOUT_MS / 1000))
    engine = sa.create_engine(u, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch
        dbapi_conn.isolation_level = None  # pysqlite must not manage transactions
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA trusted_schema = OFF")  # files come from other people
        cur.execute("PRAGMA secure_delete = ON")  # deleted means gone (genomap.store.crypto)
        if not memory:
            cur.execute("PRAGMA journal_mode = DELETE")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no branch
        conn.exec_driver_sql("BEGIN")

    return engine


def _url(path: Path) -> sa.URL:
    return sa.URL.create("sqlite", database=str(path))


def _ro_uri(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro"


# -- recognising files -------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    """What the SQLite header of a file says (read without opening it with SQLite)."""

    path: Path
    application_id: int
    user_version: int

    @property
    def is_genomap(self) -> bool:
        return self.application_id == APPLICATION_ID


def read_header(path: Path | str) -> FileInfo:
    """Read a file's SQLite header; raise a :class:`FileProblem` if it is not a GenoMap file.

    Only reads the first 100 bytes with ``open()``: safe on any file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        raise FileNotFound(path) from None
    except IsADirectoryError:
        raise NotAGenoMapFile(path, "it is a folder") from None
    except PermissionError:
        raise FileAccessDenied(path, "read") from None
    except OSError as exc:
        raise FileProblem(path, f"'{path}' could not be read: {exc.strerror or exc}.") from None
    if not header:
        raise NotAGenoMapFile(path, "the file is empty")
    if not header.startswith(_SQLITE_MAGIC):
        raise NotAGenoMapFile(path, "it is not a database of any kind")
    if len(header) < 100:
        raise CorruptFile(path, "the file is cut short")
    app_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big", signed=True)
    info = FileInfo(path, app_id, version)
    if not info.is_genomap:
        raise NotAGenoMapFile(path, "it is a database belonging to another program")
    if version > SCHEMA_VERSION:
        raise NewerVersion(path, version)
    if version < 1:
        raise CorruptFile(path, "it was never completely created")
    return info


def _check_integrity(path: Path) -> None:
    """Roll back an interrupted edit if one was left behind, then ``quick_check``."""
    journal = path.with_name(path.name + "-journal")
    wal = path.with_name(path.name + "-wal")
    try:
        if journal.exists() or wal.exists():
            # A process died mid-commit: SQLite restores the last committed state
            # from the journal on first read (its normal recovery).  That needs a
            # writable connection; the header already told us the file is ours.
            con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                con.execute("PRAGMA schema_version").fetchone()
            finally:
                con.close()
        con = sqlite3.connect(_ro_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise FileInUse(path) from None
        raise CorruptFile(path, str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise CorruptFile(path, str(exc)) from None
    if rows != ["ok"]:
        first = rows[0] if rows else "no answer from the integrity check"
        raise CorruptFile(path, first)


# -- locking ----------------------------------------------------------------------


class FileLock:
    """An OS advisory lock on ``NAME.genomap.lock``, held while a document is open.

    The lock file holds who has the file open (user, computer, process), shown
    in the :class:`FileInUse` message.  It is deleted on release; a lock that
    outlives its process (crash) is released by the OS and the stale file is
    simply reused.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._fd: Optional[int] = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "FileLock":
        while True:
            try:
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except PermissionError:
                raise FileAccessDenied(self.path, "lock (the folder is read-only)") from None
            except OSError as exc:
                raise FileProblem(
                    self.path, f"'{self.path}' could not be locked: {exc.strerror or exc}."
                ) from None
            try:
                _lock_fd(fd)
            except OSError:
                os.close(fd)
                raise FileInUse(self.path, self._holder()) from None
            # The holder before us may have deleted the lock file after we opened
            # it; then we locked an orphan and must try again on the new file.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.lock_path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self._fd = fd
        info = {
            "user": _user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().strftime("%Y-%m-%d %H:%M"),
        }
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
            os.write(fd, json.dumps(info).encode())
        except OSError:
            pass  # the information is a courtesy; the lock is what matters
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform == "win32":
            _unlock_fd(fd)
            os.close(fd)
            _unlink_quietly(self.lock_path)
        else:
            _unlink_quietly(self.lock_path)  # while still locked: see acquire()
            os.close(fd)

    def _holder(self) -> str:
        try:
            with open(self.lock_path, "rb") as f:
                f.seek(_INFO_OFFSET)
                info = json.loads(f.read(4096).decode() or "{}")
            return f"{info['user']} on {info['host']}, since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def __enter__(self) -> "FileLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _INFO_OFFSET = 16  # byte 0 is the locked byte; Windows locks block reading it

    def _lock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock_fd(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    _INFO_OFFSET = 0

    def _lock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return "unknown user"


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        _unlink_quietly(path.with_name(path.name + suffix))


def _fsync_dir(directory: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- schema -----------------------------------------------------------------------


def _alembic_config(connection: sa.Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(connection: sa.Connection, target_version: int = SCHEMA_VERSION) -> None:
    """Bring the database on ``connection`` to ``target_version`` with Alembic.

    Runs in the caller's transaction; also sets ``user_version``.
    """
    from alembic import command

    command.upgrade(_alembic_config(connection), REVISIONS[target_version])
    if connection.dialect.name == "sqlite":  # PostgreSQL: the Alembic revision says it all
        connection.exec_driver_sql(f"PRAGMA user_version = {int(target_version)}")


def current_revision(connection: sa.Connection) -> Optional[str]:
    """The Alembic revision recorded in the database (None if never migrated)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def build_empty_file(path: Path | str, schema_version: int = SCHEMA_VERSION) -> None:
    """Write a new, empty GenoMap database at ``path`` (which must not exist yet).

    Used by :func:`create_document`; tests use ``schema_version`` to build files
    in an older format.
    """
    path = Path(path)
    engine = make_engine(_url(path))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate(conn, schema_version)
            if schema_version >= 2:
                meta = sa.table("app_meta", sa.column("key"), sa.column("value"))
                now = datetime.now(timezone.utc).isoformat(timespec="seconds")
                conn.execute(
                    meta.insert(),
                    [
                        {"key": "created_with", "value": f"GenoMap {__version__}"},
                        {"key": "created_at", "value": now},
                    ],
                )
    finally:
        engine.dispose()


def _backup_path(path: Path, old_version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.bak-v{old_version}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.bak-v{old_version}-{stamp}-{n}")
    return candidate


def _sqlite_copy(source: sqlite3.Connection, dest: Path) -> None:
    """Copy a whole database with the SQLite backup API (a consistent snapshot)."""
    tmp = dest.with_name(f".{dest.name}.part-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        target = sqlite3.connect(str(tmp))
        try:
            source.backup(target)
        finally:
            target.close()
        from genomap.privacy import make_private

        make_private(tmp)
        os.replace(tmp, dest)
    finally:
        _remove_sqlite_files(tmp)
    _fsync_dir(dest.parent)


def _upgrade(path: Path, from_version: int) -> Path:
    """Back the file up beside itself, then migrate it to :data:`SCHEMA_VERSION`."""
    backup = _backup_path(path, from_version)
    source = sqlite3.connect(_ro_uri(path), uri=True)
    try:
        _sqlite_copy(source, backup)
    except OSError as exc:
        raise FileProblem(
            path,
            f"'{path}' needs upgrading but no backup copy could be written beside it "
            f"({exc.strerror or exc}); nothing was changed.",
        ) from None
    finally:
        source.close()
    # Foreign keys off while tables are rebuilt (a batch migration drops and
    # recreates tables, which would otherwise cascade); checked at the end.
    engine = make_engine(_url(path), foreign_keys=False)
    try:
        with engine.begin() as conn:
            migrate(conn, SCHEMA_VERSION)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise UpgradeFailed(path, backup, f"{len(broken)} broken links between records")
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported with the backup's name
        raise UpgradeFailed(path, backup, f"{type(exc).__name__}: {exc}") from exc
    finally:
        engine.dispose()
    return backup


# -- documents --------------------------------------------------------------------


def _absolute(path: Path | str) -> Path:
    return Path(os.path.abspath(os.path.expanduser(str(path))))


def _document(path: Path, lock: FileLock, key=None) -> Document:
    doc = Document(make_engine(_url(path), key=key), path)
    doc._on_close = lock.release
    doc.lock = lock
    doc.key = key  # None for a plain file
    return doc


def open_document(path: Path | str, passphrase=None) -> Document:
    """Open an existing GenoMap file for reading and editing.

    An encrypted file is opened with ``passphrase`` (text, a ``Secret``, or a
    provider asked a bounded number of times; default: ``GENOMAP_PASSPHRASE``
    or a terminal prompt): see :mod:`genomap.store.crypto`.

    Raises a :class:`FileProblem` subclass (file unchanged) when the file is
    missing, not a GenoMap file, damaged, from a newer GenoMap, or already open
    elsewhere.  An older file is backed up and upgraded first.
    """
    path = _absolute(path)
    try:
        info = read_header(path)
    except NotAGenoMapFile:
        from genomap.store import crypto

        if not crypto.may_be_encrypted(path):
            raise
        return crypto.open_encrypted_document(path, passphrase)
    if not os.access(path, os.W_OK):
        raise FileAccessDenied(path, "change")
    lock = FileLock(path).acquire()
    try:
        _check_integrity(path)
        if info.user_version < SCHEMA_VERSION:
            _upgrade(path, info.user_version)
        return _document(path, lock)
    except BaseException:
        lock.release()
        raise


def create_document(path: Path | str, overwrite: bool = False, passphrase=None) -> Document:
    """Create a new, empty GenoMap file and open it (encrypted when ``passphrase`` is given).

    Refuses (:class:`FileExists`) to replace an existing file unless
    ``overwrite``; never replaces a file open elsewhere (:class:`FileInUse`).
    The file appears complete or not at all: it is built under a temporary
    name and renamed into place.
    """
    path = _absolute(path)
    if path.is_dir():
        raise NotAGenoMapFile(path, "it is a folder")
    if path.exists() and not overwrite:
        raise FileExists(path)
    if not path.parent.is_dir():
        raise FileProblem(path, f"The folder '{path.parent}' does not exist.")
    lock = FileLock(path).acquire()
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        try:
            build_empty_file(tmp)
        except sa.exc.OperationalError as exc:
            raise FileProblem(path, f"'{path}' could not be created ({exc.orig}).") from None
        key = None
        if passphrase is not None:
            from genomap.store import crypto

            key = crypto.encrypt_file(tmp, passphrase)
        from genomap.privacy import make_private

        make_private(tmp)
        if overwrite:
            os.replace(tmp, path)
        else:
            _move_no_clobber(tmp, path)
        _fsync_dir(path.parent)
        return _document(path, lock, key)
    except BaseException:
        lock.release()
        raise
    finally:
        _remove_sqlite_files(tmp)


def _move_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # atomic: fails if someone created the file meanwhile
    except FileExistsError:
        raise FileExists(path) from None
    except OSError:  # file system without hard links (FAT, some network shares)
        if path.exists():
            raise FileExists(path) from None
        os.replace(tmp, path)


def save_copy(document: Document, dest: Path | str, overwrite: bool = True) -> Path:
    """Write a consistent copy of ``document`` to ``dest`` (SQLite backup API).

    The document stays open on its own file.  ``dest`` must not be the
    document's own file nor open elsewhere.
    """
    dest = _absolute(dest)
    if document.path is not None and dest == _absolute(document.path):
        raise FileProblem(dest, f"'{dest}' is the open file itself; choose another name.")
    if dest.exists() and not overwrite:
        raise FileExists(dest)
    if document.engine.dialect.name != "sqlite":
        raise StoreError("Saving a copy is only possible for GenoMap files, not shared databases.")
    if getattr(document, "key", None) is not None:
        from genomap.store import crypto

        return crypto.save_copy(document, dest, overwrite)
    with FileLock(dest):
        with document.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            try:
                _sqlite_copy(raw, dest)
            except OSError as exc:
                raise FileProblem(
                    dest, f"'{dest}' could not be written: {exc.strerror or exc}."
                ) from None
    return dest
