"""Start-up: do the work after the first paint, and the probe that times it.

:func:`after_first_paint` runs a callback once the main window has painted for the
first time, so opening the last file (database, snapshot, layout) never delays the
window appearing.

The probe is enabled by the ``GENOMAP_STARTUP_PROBE`` environment variable (the app
does nothing extra without it).  It prints one line per milestone to standard output::

    GENOMAP_PROBE shown 0.912 cpu 0.804    the window first painted: seconds since the
                                           process started, and CPU seconds used so far
    GENOMAP_PROBE drawn 1.873 cpu 1.650    the first genogram drawing arrived (a file was opened)

With ``GENOMAP_STARTUP_PROBE=exit`` the app quits after ``shown``; with ``exit-drawn``
after ``drawn`` (or a failed drawing), so a benchmark or a test can launch it repeatedly.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV = "GENOMAP_STARTUP_PROBE"


def process_age() -> float:
    """Seconds since this process was created (Linux: from /proc; elsewhere: since Python started)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            start_ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter()


def _say(what: str, at: tuple[float, float] | None = None) -> None:
    age, cpu = at or (process_age(), time.process_time())
    print(f"GENOMAP_PROBE {what} {age:.3f} cpu {cpu:.3f}", flush=True)


class _FirstPaint(QObject):
    """Calls back once, after the first Paint of any widget in ``window``."""

    def __init__(self, window: QWidget, callback: Callable[[], None]):
        super().__init__(window)
        self.window = window
        self.callback = callback
        self.painted_at: tuple[float, float] | None = None
        # Application-wide until the first paint: the main window itself may never get a
        # Paint event (its children do), and its QWindow does not exist before show().
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is self.window:
            QApplication.instance().removeEventFilter(self)
            self.painted_at = (process_age(), time.process_time())
            # after the event that paints: the frame is flushed when control returns
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            callback()
        self.deleteLater()


def after_first_paint(window: QWidget, callback: Callable[[], None]) -> QObject:
    """Run ``callback`` once ``window`` (not yet shown) has painted for the first time."""
    return _FirstPaint(window, callback)


class StartupProbe(QObject):
    """Prints the start-up milestones (see the module docstring)."""

    def __init__(self, window: QWidget, mode: str):
        super().__init__(window)
        self.window = window
        self.mode = mode
        self._paint = after_first_paint(window, self._shown)
        scheduler = getattr(window, "scheduler", None)
        if scheduler is not None:
            scheduler.drawing_ready.connect(self._drawn)
            scheduler.drawing_failed.connect(self._failed)

    def _shown(self) -> None:
        _say("shown", self._paint.painted_at)  # timed at the paint, not when this runs
        if self.mode == "exit":
            self._quit()

    def _drawn(self, *_args) -> None:
        _say("drawn")
        if self.mode == "exit-drawn":
            self._quit()

    def _failed(self, exc) -> None:
        print(f"GENOMAP_PROBE failed {type(exc).__name__}: {exc}", flush=True)
        if self.mode == "exit-drawn":
            self._quit()

    def _quit(self) -> None:
        self.window.close()
        QApplication.quit()


def install_probe(window: QWidget) -> None:
    """Attach the probe when ``GENOMAP_STARTUP_PROBE`` is set (call before ``window.show()``)."""
    mode = os.environ.get(ENV, "")
    if mode:
        window._startup_probe = StartupProbe(window, mode)  # lives as long as the window
        if mode.startswith("exit"):  # a safety net: never leave a probe run hanging
            QTimer.singleShot(120_000, lambda: QApplication.exit(3))
