"""User-facing errors: one base class, and a runner that turns them into calm messages.

Anything derived from :class:`UserFacingError` (or the store's ``StoreError``)
is printed as one line naming what is wrong; an unexpected exception is logged
in full to the log file and summarised for the user.  No traceback on screen.
"""

from __future__ import annotations

import logging
import sys
from typing import Callable

log = logging.getLogger("genomap")


class UserFacingError(Exception):
    """An error whose message is written for the practitioner."""


class GraphvizMissing(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "The Graphviz 'dot' program is needed to lay out genograms but was not found. "
            "Install it with 'sudo apt-get install graphviz' (Debian/Ubuntu), "
            "or from https://graphviz.org/download/ on Windows and macOS, then try again."
        )


def is_user_facing(exc: BaseException) -> bool:
    from genomap.store.document import StoreError
    from genomap.model.dates import PartialDateError

    return isinstance(exc, (UserFacingError, StoreError, PartialDateError))


def run_reporting_errors(fn: Callable, *args) -> int:
    """Run a CLI command; print user-facing errors plainly and return an exit code."""
    try:
        result = fn(*args)
        return int(result or 0)
    except KeyboardInterrupt:
        print("genomap: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence
        if is_user_facing(exc):
            print(f"genomap: {exc}", file=sys.stderr)
            return 1
        log.exception("unexpected error")
        print(
            f"genomap: an unexpected error occurred ({type(exc).__name__}). "
            "Details were written to the log file; nothing already saved was lost.",
            file=sys.stderr,
        )
        return 3
