"""Encrypted GenoMap files (SQLCipher): passphrases, keys, opening, converting, re-keying.

An encrypted GenoMap file is a SQLCipher 4 database: every page, the header
included, is AES-256 encrypted and authenticated (HMAC-SHA512).  Nothing in it
is readable without the passphrase, not even that it is a GenoMap file.

Keys
    The passphrase never reaches SQL, a URL, a log or an exception message.  It
    is held in a :class:`Secret` (whose ``repr`` hides it), normalised to
    Unicode NFC, and turned into a 256-bit key here with PBKDF2-HMAC-SHA512,
    256,000 iterations, salted with the 16 random bytes SQLCipher keeps at the
    start of the file: exactly SQLCipher 4's own derivation, so the file also
    opens in standard SQLCipher tools (DB Browser for SQLite) with the same
    passphrase.  SQLCipher only ever sees the raw key, as ``x'<hex>'``, which
    cannot be broken by quotes or backslashes in the passphrase.

Opening
    A file that does not start with the SQLite header but has the size of a
    database (a whole number of pages) may be an encrypted GenoMap file.  The
    passphrase comes from a *provider* (the GUI's dialog, the CLI's prompt or
    ``GENOMAP_PASSPHRASE``), asked at most :data:`MAX_TRIES` times.  A wrong
    passphrase is tried over a read-only connection (or on a scratch copy when
    an interrupted edit left a journal beside the file), so failed attempts
    never change a byte of the file.

Converting
    ``sqlcipher_export()`` copies every table into a new file (encrypted or
    plain) written beside the original; every row is compared before the copy
    replaces the original.

Nothing here imports Qt.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import shutil
import sqlite3
import sys
import tempfile
import unicodedata
import uuid
from pathlib import Path
from typing import Callable, Optional, Union
from urllib.parse import quote

from genomap.store import files

ENV_VAR = "GENOMAP_PASSPHRASE"
#: How many passphrases are tried before GenoMap stops asking.
MAX_TRIES = 5
#: SQLCipher 4 defaults (so other SQLCipher tools open our files with the passphrase).
KDF_ITERATIONS = 256_000
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSPHRASE_LENGTH = 8

_SQLITE_MAGIC = b"SQLite format 3\x00"


# -- secrets and keys ------------------------------------------------------------------


class Secret:
    """A passphrase that does not show itself in ``repr``, ``str``, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a passphrase must be text")
        if not value:
            raise ValueError("the passphrase is empty")
        self._value = unicodedata.normalize("NFC", value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __reduce__(self):  # never pickled into a crash dump or a worker
        raise TypeError("a passphrase cannot be pickled")


class Key:
    """A derived SQLCipher key plus the file's salt (``repr`` hides both)."""

    __slots__ = ("_raw", "salt")

    def __init__(self, raw: bytes, salt: bytes):
        if len(raw) != KEY_BYTES or len(salt) != SALT_BYTES:
            raise ValueError("bad key size")
        self._raw = bytes(raw)
        self.salt = bytes(salt)

    @classmethod
    def derive(cls, secret: Secret | str, salt: bytes) -> "Key":
        secret = secret if isinstance(secret, Secret) else Secret(secret)
        raw = hashlib.pbkdf2_hmac("sha512", secret.reveal().encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
        return cls(raw, salt)

    @classmethod
    def new(cls, secret: Secret | str) -> "Key":
        """A key for a new file (fresh random salt)."""
        return cls.derive(secret, os.urandom(SALT_BYTES))

    def sql_literal(self) -> str:
        """``x'…'`` (raw key and salt, hex): the form SQLCipher takes as a raw key."""
        return f"x'{self._raw.hex()}{self.salt.hex()}'"

    def matches(self, secret: Secret | str) -> bool:
        return hmac.compare_digest(Key.derive(secret, self.salt)._raw, self._raw)

    def replace_with(self, other: "Key") -> None:
        """Become ``other`` (after a re-key: engines holding this key use the new one)."""
        self._raw, self.salt = other._raw, other.salt

    def __repr__(self) -> str:
        return "Key('********')"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("a key cannot be pickled")


#: ``provider(path, attempt, previous_error)`` returns a passphrase or None (= cancelled).
PassphraseProvider = Callable[[Path, int, Optional[str]], Optional[Union[Secret, str]]]
Passphrase = Union[Secret, str, Key, PassphraseProvider, None]


def env_passphrase() -> Optional[Secret]:
    value = os.environ.get(ENV_VAR)
    return Secret(value) if value else None


def terminal_provider(path: Path, attempt: int, error: Optional[str]) -> Optional[Secret]:
    """The CLI's provider: ``GENOMAP_PASSPHRASE`` once, else a prompt on a terminal."""
    env = env_passphrase()
    if env is not None:
        return env if attempt == 0 else None  # retrying the same variable is pointless
    if not sys.stdin or not sys.stdin.isatty():
        return None
    if error:
        print(error, file=sys.stderr)
    value = getpass.getpass(f"Passphrase for {path.name}: ")
    return Secret(value) if value else None


_default_provider: PassphraseProvider = terminal_provider


def set_default_provider(provider: PassphraseProvider) -> None:
    """Where ``open_document(path)`` gets a passphrase when the caller gives none."""
    global _default_provider
    _default_provider = provider


def new_passphrase_from_terminal(what: str = "the new file") -> Secret:
    """A new passphrase from ``GENOMAP_PASSPHRASE`` or typed twice at a prompt."""
    from genomap.store.document import StoreError

    env = env_passphrase()
    if env is not None:
        check_new_passphrase(env.reveal())
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise StoreError(f"A passphrase is needed: type it at a prompt, or set {ENV_VAR}.")
    first = getpass.getpass(f"New passphrase for {what}: ")
    problem = passphrase_problem(first)
    if problem:
        raise StoreError(problem)
    if getpass.getpass("Type it again: ") != first:
        raise StoreError("The two passphrases are different; nothing was changed.")
    return Secret(first)


def passphrase_problem(value: str) -> str:
    """Why ``value`` is not acceptable as a new passphrase ("" if it is)."""
    if len(value) < MIN_PASSPHRASE_LENGTH:
        return f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters (a few words is best)."
    return ""


def check_new_passphrase(value: str) -> None:
    from genomap.store.document import StoreError

    problem = passphrase_problem(value)
    if problem:
        raise StoreError(problem)


# -- errors ----------------------------------------------------------------------------



class PassphraseNeeded(files.FileProblem):
    """The file is encrypted (or not a database) and no passphrase was given."""

    def __init__(self, path: Path | str):
        super().__init__(
            path,
            f"'{Path(path).name}' is encrypted (or it is not a GenoMap file): enter its passphrase "
            f"to open it (on the command line: at the prompt, or in {ENV_VAR}). Nothing was changed.",
        )


class WrongPassphrase(files.FileProblem):
    """No passphrase given opened the file."""

    def __init__(self, path: Path | str, tries: int = 1, gave_up: bool = False):
        self.tries = tries
        end = f" GenoMap stopped after {tries} tries." if gave_up else ""
        super().__init__(
            path,
            f"Wrong passphrase for '{Path(path).name}' (or it is not a GenoMap file).{end} "
            "The file was not changed.",
        )


# -- connections -----------------------------------------------------------------------


def _dbapi():
    import sqlcipher3.dbapi2 as dbapi

    return dbapi


def connect(path: Path | str, key: Optional[Key], *, readonly: bool = False, timeout: float = 10.0):
    """A sqlcipher3 connection to ``path``, keyed (``key=None``: a plain SQLite file)."""
    dbapi = _dbapi()
    if readonly:
        con = dbapi.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=timeout,
                            check_same_thread=False)
    else:
        con = dbapi.connect(str(path), timeout=timeout, check_same_thread=False)
    cur = con.cursor()
    cur.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would print to stderr
    if key is not None:
        cur.execute(f'PRAGMA key = "{key.sql_literal()}"')
    cur.close()
    return con


def engine_options(database: str, key: Key, timeout: float) -> dict:
    """``create_engine`` arguments for an encrypted file: the sqlcipher3 driver, keyed on connect.

    The pysqlite dialect is used with ``module=sqlcipher3`` so SQLAlchemy wraps
    sqlcipher3's exceptions (IntegrityError …) like sqlite3's; the key is set by
    ``creator`` as each connection's first statement, never through the URL.
    """
    return {"module": _dbapi(), "creator": lambda: connect(database, key, timeout=timeout)}


def is_encrypted(document) -> bool:
    return getattr(document, "key", None) is not None


def may_be_encrypted(path: Path) -> bool:
    """Whether ``path`` could be an encrypted database: not plain SQLite, a whole number of pages."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError:
        return False
    return size >= 1024 and size % 512 == 0 and head != _SQLITE_MAGIC


def file_salt(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(SALT_BYTES)


def _journal_exists(path: Path) -> bool:
    return any(path.with_name(path.name + s).exists() for s in ("-journal", "-wal"))


def _key_opens(path: Path, key: Key) -> bool:
    """Whether ``key`` decrypts ``path``; never writes to it."""
    if not _journal_exists(path):
        return _probe(path, key, readonly=True)
    # An interrupted edit left a journal: SQLite replays it on first read, and a
    # replay under a wrong key would scramble pages.  Try on a scratch copy.
    scratch = Path(tempfile.mkdtemp(prefix="genomap-probe-"))
    try:
        target = scratch / "probe.db"
        shutil.copyfile(path, target)
        for s in ("-journal", "-wal"):
            side = path.with_name(path.name + s)
            if side.exists():
                shutil.copyfile(side, scratch / ("probe.db" + s))
        return _probe(target, key, readonly=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _probe(path: Path, key: Key, readonly: bool) -> bool:
    dbapi = _dbapi()
    try:
        con = connect(path, key, readonly=readonly)
    except dbapi.Error:
        return False
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except dbapi.DatabaseError:
        return False
    finally:
        con.close()


def unlock(path: Path, passphrase: Passphrase = None, max_tries: int = MAX_TRIES) -> Key:
    """The key that opens encrypted ``path``; asks ``passphrase`` (a provider) up to ``max_tries`` times.

    Raises ``PassphraseNeeded`` (none given) or ``WrongPassphrase``; the file is never changed.
    """
    salt = file_salt(path)
    if isinstance(passphrase, Key):
        candidate = Key(passphrase._raw, salt)
        if _key_opens(path, candidate):
            return candidate
        raise WrongPassphrase(path)
    if passphrase is None:
        provider = _default_provider
    elif isinstance(passphrase, (Secret, str)):
        fixed = Secret(passphrase)
        provider = lambda _p, attempt, _e: fixed if attempt == 0 else None  # noqa: E731
    else:
        provider = passphrase
    error: Optional[str] = None
    for attempt in range(max_tries):
        given = provider(path, attempt, error)
        if given is None:
            if attempt == 0:
                raise PassphraseNeeded(path)
            raise WrongPassphrase(path, attempt)
        key = Key.derive(given, salt)
        if _key_opens(path, key):
            return key
        error = str(WrongPassphrase(path, attempt + 1))
    raise WrongPassphrase(path, max_tries, gave_up=True)


# -- opening ---------------------------------------------------------------------------


def _check(path: Path, key: Key) -> int:
    """Recover an interrupted edit, check the file is ours and sound; return its schema version."""
    dbapi = _dbapi()
    try:
        if _journal_exists(path):
            con = connect(path, key)  # replays the journal (the key is known to be right)
            try:
                con.execute("PRAGMA schema_version").fetchone()
            finally:
                con.close()
        con = connect(path, key, readonly=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            rows = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        finally:
            con.close()
    except dbapi.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise files.FileInUse(path) from None
        raise files.CorruptFile(path, str(exc)) from None
    except dbapi.DatabaseError as exc:
        raise files.CorruptFile(path, str(exc)) from None
    if app_id != files.APPLICATION_ID:
        raise files.NotAGenoMapFile(path, "it is an encrypted database belonging to another program")
    if version > files.SCHEMA_VERSION:
        raise files.NewerVersion(path, version)
    if version < 1:
        raise files.CorruptFile(path, "it was never completely created")
    if rows != ["ok"]:
        raise files.CorruptFile(path, rows[0] if rows else "no answer from the integrity check")
    return version


def _upgrade(path: Path, key: Key, from_version: int) -> Path:
    """Copy the file (still encrypted, same key) beside itself, then migrate it."""
    import sqlalchemy as sa

    from genomap.store.document import StoreError

    backup = files._backup_path(path, from_version)
    export(path, key, backup, key)
    engine = files.make_engine(files._url(path), foreign_keys=False, key=key)
    try:
        with engine.begin() as conn:
            files.migrate(conn, files.SCHEMA_VERSION)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise files.UpgradeFailed(path, backup, f"{len(broken)} broken links between records")
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise files.UpgradeFailed(path, backup, type(exc).__name__) from None
    finally:
        engine.dispose()
    return backup


def open_encrypted_document(path: Path, passphrase: Passphrase = None):
    """Open an encrypted GenoMap file (called by :func:`genomap.store.files.open_document`)."""
    if not os.access(path, os.W_OK):
        raise files.FileAccessDenied(path, "change")
    lock = files.FileLock(path).acquire()
    try:
        key = unlock(path, passphrase)
        version = _check(path, key)
        if version < files.SCHEMA_VERSION:
            _upgrade(path, key, version)
        return files._document(path, lock, key)
    except BaseException:
        lock.release()
        raise


# -- copying and converting ---------------------------------------------------------------


def _tmp_beside(path: Path, tag: str) -> Path:
    return path.with_name(f".{path.name}.{tag}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _export_from(con, dest: Path, dest_key: Optional[Key]) -> None:
    """``sqlcipher_export`` the database on ``con`` into new file ``dest`` (keyed or plain)."""
    from genomap.privacy import make_private

    app_id = con.execute("PRAGMA main.application_id").fetchone()[0]
    version = con.execute("PRAGMA main.user_version").fetchone()[0]
    con.execute("ATTACH DATABASE ? AS target KEY ?", (str(dest), dest_key.sql_literal() if dest_key else ""))
    try:
        con.execute("SELECT sqlcipher_export('target')").fetchall()
        # sqlcipher_export copies tables, not the header fields: copy ours.
        con.execute(f"PRAGMA target.application_id = {int(app_id)}")
        con.execute(f"PRAGMA target.user_version = {int(version)}")
    finally:
        con.execute("DETACH DATABASE target")
    make_private(dest)


def export(source: Path, source_key: Optional[Key], dest: Path, dest_key: Optional[Key]) -> Path:
    """Write ``source`` (decrypted with ``source_key``) to new file ``dest`` keyed with ``dest_key``.

    Written under a temporary name beside ``dest`` and renamed into place.
    """
    tmp = _tmp_beside(dest, "part")
    con = connect(source, source_key, readonly=True)
    try:
        con.isolation_level = None
        _export_from(con, tmp, dest_key)
        os.replace(tmp, dest)
    finally:
        con.close()
        files._remove_sqlite_files(tmp)
    files._fsync_dir(dest.parent)
    return dest


def export_document(document, dest: Path, dest_key: Optional[Key]) -> Path:
    """A consistent copy of an open document in ``dest`` (keyed with ``dest_key``, or plain)."""
    tmp = _tmp_beside(dest, "part")
    try:
        with document.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            _export_from(raw, tmp, dest_key)
        os.replace(tmp, dest)
    finally:
        files._remove_sqlite_files(tmp)
    files._fsync_dir(dest.parent)
    return dest


def table_rows(con) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), for comparing two databases."""
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def same_records(a: Path, a_key: Optional[Key], b: Path, b_key: Optional[Key]) -> bool:
    ca, cb = connect(a, a_key, readonly=True), connect(b, b_key, readonly=True)
    try:
        return table_rows(ca) == table_rows(cb) and all(
            ca.execute(f"PRAGMA {p}").fetchone() == cb.execute(f"PRAGMA {p}").fetchone()
            for p in ("application_id", "user_version"))
    finally:
        ca.close()
        cb.close()


def _convert(path: Path | str, source_key_of, dest_key: Optional[Key]) -> Path:
    from genomap.store.document import StoreError

    path = files._absolute(path)
    with files.FileLock(path):
        source_key = source_key_of(path)
        tmp = _tmp_beside(path, "convert")
        try:
            export(path, source_key, tmp, dest_key)
            if not same_records(path, source_key, tmp, dest_key):
                raise StoreError(f"'{path.name}' could not be converted (the copy differed); nothing was changed.")
            os.replace(tmp, path)
        finally:
            files._remove_sqlite_files(tmp)
        files._fsync_dir(path.parent)
    return path


def encrypt_file(path: Path | str, passphrase: Secret | str) -> Key:
    """Encrypt a plain GenoMap file in place (closed); returns its new key.

    The plain original is replaced by the encrypted copy once every row was
    found identical.  (Its old blocks on disk are not wiped: see the README.)
    """
    path = files._absolute(path)
    from genomap.store.document import StoreError

    key = Key.new(passphrase)

    def plain_key(p: Path) -> None:
        try:
            files.read_header(p)
        except files.NotAGenoMapFile:
            if may_be_encrypted(p):
                raise StoreError(f"'{p.name}' is already encrypted (or is not a GenoMap file).") from None
            raise
        files._check_integrity(p)
        return None

    _convert(path, plain_key, key)
    return key


def decrypt_file(path: Path | str, passphrase: Passphrase = None) -> Path:
    """Remove the encryption of a GenoMap file in place (closed): it becomes a plain SQLite file."""
    from genomap.store.document import StoreError

    def enc_key(p: Path) -> Key:
        if not may_be_encrypted(p):
            files.read_header(p)
            raise StoreError(f"'{p.name}' is not encrypted; nothing was changed.")
        key = unlock(p, passphrase)
        _check(p, key)
        return key

    return _convert(path, enc_key, None)


def change_passphrase(document, new: Secret | str) -> None:
    """Re-encrypt an open encrypted document under a new passphrase (``PRAGMA rekey``)."""
    from genomap.store.document import StoreError

    key: Optional[Key] = getattr(document, "key", None)
    if key is None:
        raise StoreError("This file has no passphrase; encrypt it first.")
    new_key = Key.derive(new, key.salt)
    with document.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute(f'PRAGMA rekey = "{new_key.sql_literal()}"')
    key.replace_with(new_key)
    document.engine.dispose()  # pooled connections hold the old key


def save_copy(document, dest: Path, overwrite: bool = True) -> Path:
    """Save a copy of an encrypted document, encrypted with the same passphrase."""
    if dest.exists() and not overwrite:
        raise files.FileExists(dest)
    with files.FileLock(dest):
        try:
            export_document(document, dest, document.key)
        except OSError as exc:
            raise files.FileProblem(dest, f"'{dest}' could not be written: {exc.strerror or exc}.") from None
    return dest


def plain_sqlite_opens(path: Path) -> bool:
    """Whether Python's own sqlite3 can read ``path`` (used to prove encryption in tests)."""
    try:
        con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return True
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
