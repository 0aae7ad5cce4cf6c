"""Automatic rotating backups of GenoMap files, and restoring one.

Where
    In the user's own data folder (``<data>/GenoMap/GenoMap/backups``, owner-only
    ``0700``), one sub-folder per file named by a hash of the file's full path,
    so neither folder nor backup names carry a file name (file names often hold
    a family name).  Not beside the file: family maps often live in shared or
    synced folders, and every copy there is one more copy others can see.
    Backups of a file that is moved or renamed are not found under its new name.

What
    ``YYYYmmdd-HHMMSS-ffffff-<reason>.genomap``: a complete, consistent copy
    (SQLite backup API for plain files; ``sqlcipher_export`` with the same key
    for encrypted ones, so a backup is exactly as protected as the file and
    opens with the same passphrase).  :data:`DEFAULT_KEEP` newest are kept per file.

When the passphrase changes or a file is encrypted, its older backups are
deleted (they are protected by the old passphrase, or not at all) and a fresh
one is made.  Restoring first backs up the current state, then replaces the
file atomically.

Nothing here imports Qt.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

from genomap import privacy
from genomap.store import files

DEFAULT_KEEP = 5
_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})-([a-z-]+)\.genomap$")


@dataclass(frozen=True)
class Backup:
    path: Path
    when: datetime
    reason: str
    size: int

    @property
    def label(self) -> str:
        reasons = {"open": "when opened", "before-restore": "before a restore",
                   "passphrase": "after a passphrase change", "manual": "saved by you"}
        return f"{self.when:%d %b %Y, %H:%M:%S} ({reasons.get(self.reason, self.reason)})"


def folder_for(path: Path | str, root: Optional[Path] = None) -> Path:
    """The backup folder of the file at ``path`` (not created)."""
    digest = hashlib.sha256(str(files._absolute(path)).encode("utf-8")).hexdigest()[:20]
    return (root or privacy.backup_dir()) / digest


def list_backups(path: Path | str, root: Optional[Path] = None) -> list[Backup]:
    """Backups of the file at ``path``, newest first."""
    folder = folder_for(path, root)
    out = []
    if folder.is_dir():
        for f in folder.iterdir():
            m = _NAME.match(f.name)
            if m and f.is_file():
                when = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S-%f")
                out.append(Backup(f, when, m.group(2), f.stat().st_size))
    return sorted(out, key=lambda b: b.path.name, reverse=True)


def make_backup(document, reason: str = "open", keep: int = DEFAULT_KEEP,
                root: Optional[Path] = None) -> Path:
    """Copy the open ``document`` into its backup folder and keep the ``keep`` newest."""
    if document.path is None or document.engine.dialect.name != "sqlite":
        raise files.StoreError("Only GenoMap files can be backed up this way.")
    base = privacy.private_dir(root or privacy.backup_dir())
    folder = privacy.private_dir(folder_for(document.path, base))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"{stamp}-{reason}.genomap"
    if getattr(document, "key", None) is not None:
        from genomap.store import crypto

        crypto.export_document(document, dest, document.key)
    else:
        with document.engine.connect() as conn:
            files._sqlite_copy(conn.connection.dbapi_connection, dest)
    privacy.make_private(dest)
    rotate(document.path, keep, base)
    return dest


def rotate(path: Path | str, keep: int = DEFAULT_KEEP, root: Optional[Path] = None) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``path``; returns the deleted ones."""
    gone = []
    for b in list_backups(path, root)[max(keep, 0):]:
        try:
            b.path.unlink()
            gone.append(b.path)
        except OSError:
            pass
    return gone


def forget(path: Path | str, root: Optional[Path] = None) -> None:
    """Delete every backup of ``path``."""
    rotate(path, 0, root)


def after_passphrase_change(document, root: Optional[Path] = None) -> Path:
    """Older backups were under the old passphrase (or none): delete them, make a fresh one."""
    forget(document.path, root)
    return make_backup(document, "passphrase", root=root)


def restore_file(path: Path | str, backup: Backup | Path) -> Path:
    """Put ``backup`` in place of the (closed) file at ``path``, atomically."""
    src = backup.path if isinstance(backup, Backup) else Path(backup)
    path = files._absolute(path)
    if not src.exists():
        raise files.FileProblem(src, "That backup no longer exists.")
    with files.FileLock(path):
        fd, tmp = privacy.temp_beside(path, "restore")
        try:
            with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
                while chunk := inp.read(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            privacy.make_private(tmp)
            os.replace(tmp, path)
        finally:
            files._remove_sqlite_files(tmp)
        files._fsync_dir(path.parent)
    return path


def restore(document, backup: Backup | Path, root: Optional[Path] = None, keep: int = DEFAULT_KEEP):
    """Replace ``document``'s file by ``backup``; returns the reopened document.

    The current state is backed up first ("before-restore", without rotating the
    chosen backup away), the document closed, the backup copied beside the file
    and renamed over it, and the file reopened with the same key (backups share
    it), so no passphrase is asked.
    """
    path = files._absolute(document.path)
    key = getattr(document, "key", None)
    make_backup(document, "before-restore", keep=keep + 1, root=root)
    document.close()
    restore_file(path, backup)
    return files.open_document(path, key)
