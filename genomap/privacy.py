"""Where GenoMap keeps things outside family map files, and keeping them private.

Family maps hold special-category data about children.  Outside the ``.genomap``
file itself GenoMap writes only: the log (exception types and code locations,
never values: :mod:`genomap.logs`), settings (window layout, view switches,
recent file paths), backups of files (as protected as the file: encrypted
files' backups are encrypted) and exports the user asks for.

* Every file GenoMap creates is owner-only (``0600`` on POSIX; folders
  ``0700``): :func:`owner_only_umask` at start-up, and :func:`make_private`
  on each file we write, in case the process umask was not ours.
* Temporary files are written beside their target and renamed into place
  (:func:`temp_beside`), never into a shared ``/tmp``, so an interrupted
  write leaves no stray copy elsewhere.
* Recent files: GenoMap remembers file *paths* (a file name can carry a family
  name); :data:`REMEMBER_RECENT_KEY` = false forgets them and stops recording.

Nothing here imports Qt (the folder names match Qt's ``AppDataLocation``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

APP = "GenoMap"
#: QSettings key: minutes of inactivity before the window locks (0 = never).
IDLE_LOCK_KEY = "privacy/idle_lock_minutes"
IDLE_LOCK_DEFAULT_MINUTES = 5
#: QSettings key: remember recently opened files (paths) in the File menu and welcome page.
REMEMBER_RECENT_KEY = "privacy/remember_recent_files"
#: QSettings key: keep automatic backups of files when they are opened.
BACKUPS_KEY = "privacy/backups_on_open"
#: QSettings key: how many automatic backups to keep per file.
BACKUP_COUNT_KEY = "privacy/backups_kept"
#: QSettings keys that may hold file paths (forgotten by :func:`forget_recent`).
PATH_KEY_GROUPS = ("files", "cases")


def owner_only_umask() -> int:
    """Make files this process creates owner-only (POSIX); returns the previous umask."""
    if sys.platform == "win32":  # pragma: no cover - ACLs of the user's profile apply
        return 0
    return os.umask(0o077)


def make_private(path: os.PathLike | str) -> None:
    """Owner-only permissions on a file (``0600``) or folder (``0700``); silent if impossible."""
    if sys.platform == "win32":  # pragma: no cover
        return
    try:
        mode = 0o700 if os.path.isdir(path) else 0o600
        os.chmod(path, mode)
    except OSError:
        pass


def private_dir(path: os.PathLike | str) -> Path:
    """Create ``path`` (and parents) if needed; the folder itself is made owner-only."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    make_private(p)
    return p


def temp_beside(target: os.PathLike | str, tag: str = "part") -> tuple[int, Path]:
    """A new owner-only temporary file in ``target``'s folder: ``(fd, path)``; rename it into place."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{tag}", dir=str(target.parent))
    return fd, Path(name)


def _home() -> Path:
    return Path(os.environ.get("HOME") or os.path.expanduser("~"))


def app_data_dir() -> Path:
    """GenoMap's per-user data folder (the same as Qt's ``AppDataLocation``)."""
    if sys.platform == "win32":  # pragma: no cover
        base = Path(os.environ.get("APPDATA") or _home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":  # pragma: no cover
        base = _home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or _home() / ".local" / "share")
    return base / APP / APP


def log_dir() -> Path:
    return app_data_dir() / "logs"


def backup_dir() -> Path:
    return app_data_dir() / "backups"


def config_dir() -> Path:
    if sys.platform == "win32":  # pragma: no cover - QSettings uses APPDATA too
        return Path(os.environ.get("APPDATA") or _home()) / APP
    if sys.platform == "darwin":  # pragma: no cover
        return _home() / "Library" / "Preferences"
    return Path(os.environ.get("XDG_CONFIG_HOME") or _home() / ".config") / APP


def cache_dir() -> Path:
    if sys.platform == "win32":  # pragma: no cover
        return Path(os.environ.get("LOCALAPPDATA") or _home()) / APP / "cache"
    if sys.platform == "darwin":  # pragma: no cover
        return _home() / "Library" / "Caches" / APP
    return Path(os.environ.get("XDG_CACHE_HOME") or _home() / ".cache") / APP


def places() -> dict[str, Path]:
    """Every place outside family map files where GenoMap may write (for audits and tests)."""
    return {
        "data": app_data_dir(),
        "logs": log_dir(),
        "backups": backup_dir(),
        "config": config_dir(),
        "cache": cache_dir(),
        "temp": Path(tempfile.gettempdir()),
    }


def remember_recent(settings) -> bool:
    """Whether recent files may be recorded (``settings`` is a QSettings or a dict-like)."""
    value = settings.value(REMEMBER_RECENT_KEY, True)
    return str(value).lower() not in ("false", "0", "no")


def forget_recent(settings) -> None:
    """Remove every stored file path (recent files, last file, per-file last family map)."""
    for group in PATH_KEY_GROUPS:
        settings.remove(group)
    settings.sync()


def scan_for(paths, needles: list[str]) -> list[tuple[Path, str]]:
    """(file, needle) for the first needle found in each file under ``paths``.

    Each needle is looked for as written, in lower and in upper case, in UTF-8
    and UTF-16 (both byte orders).
    """
    patterns = []
    for n in needles:
        for variant in {n, n.lower(), n.upper()}:
            for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                patterns.append((n, variant.encode(enc)))
    hits = []
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
        for f in files:
            try:
                data = f.read_bytes()
            except OSError:
                continue
            for needle, pat in patterns:
                if pat in data:
                    hits.append((f, needle))
                    break
    return hits


def demo_personal_strings(min_length: int = 4) -> list[str]:
    """Names, addresses, notes and other free text of the bundled demo families.

    For leak tests and audits: none of these may appear outside a family map file.
    """
    import json
    from importlib import resources

    data = json.loads(resources.files("genomap.resources").joinpath("demo_family.json").read_text("utf-8"))
    free_text = {"given_names", "family_name", "known_as", "aliases", "notes", "address", "label",
                 "title", "description", "worker_name", "worker_contact", "reference", "author", "child_voice"}
    out: set[str] = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in free_text and len(value) >= min_length:
            out.add(value)
            if key in ("notes", "description", "address"):
                out.update(w.strip(".,;:()'\"") for w in [value[:24]] if len(w) >= min_length)

    for section in ("people", "households", "agencies"):
        walk(data.get(section, {}))
    for section in ("involvements", "cases", "risk_flags", "legal_statuses", "ties", "partnerships"):
        walk(data.get(section, []))
    return sorted(out)
