"""Logging set-up: one rotating log file in the user's data directory, free of personal data.

Family maps hold names, addresses and notes about children, and a log file is
the kind of thing that gets attached to an e-mail.  So the log never records
*values*: the formatter here writes exception types and code locations (file,
line, function) but not exception messages, and GenoMap's own log calls mention
ids and counts only.  The directory is chosen by the caller (the GUI passes
Qt's AppDataLocation) so this module stays free of Qt.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from types import TracebackType
from typing import Optional

LOG_FILE_NAME = "genomap.log"
_HANDLER_NAME = "genomap-file"


def describe_exception(exc_type: type[BaseException], exc: Optional[BaseException],
                       tb: Optional[TracebackType]) -> str:
    """Exception type and stack locations, without the message (it may quote family data)."""
    lines = [f"{exc_type.__module__}.{exc_type.__qualname__}"]
    for frame in traceback.extract_tb(tb):
        lines.append(f"  at {_short_path(frame.filename)}:{frame.lineno} in {frame.name}")
    cause = exc.__cause__ or exc.__context__ if exc is not None else None
    if cause is not None and cause is not exc:
        lines.append("caused by " + describe_exception(type(cause), None, cause.__traceback__))
    return "\n".join(lines)


def _short_path(filename: str) -> str:
    parts = Path(filename).parts
    for anchor in ("genomap", "site-packages"):
        if anchor in parts:
            i = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[i:])
    return Path(filename).name


class SafeFormatter(logging.Formatter):
    """Formats records with exceptions reduced to types and code locations."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        exc_type, exc, tb = ei
        if exc_type is None:
            return ""
        return describe_exception(exc_type, exc, tb)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return stack_info


def configure_logging(log_dir: str | os.PathLike, level: int = logging.INFO) -> Path:
    """Send the ``genomap`` loggers to ``log_dir/genomap.log`` (rotating); returns its path."""
    directory = Path(log_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE_NAME
    root = logging.getLogger("genomap")
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path


def log_file_path() -> Optional[Path]:
    """Where the log is being written, when :func:`configure_logging` has run."""
    for handler in logging.getLogger("genomap").handlers:
        if handler.get_name() == _HANDLER_NAME:
            return Path(handler.baseFilename)  # type: ignore[attr-defined]
    return None
