"""Layout off the GUI thread: snapshot in, :class:`~genomap.drawing.primitives.Drawing` out.

:class:`DrawScheduler` numbers each request; a finished job whose number is not
the latest is dropped, so a burst of edits ends with exactly one redraw of the
newest state and the window never shows a stale picture.  Small families are
laid out synchronously (the result is ready before the next paint and tests are
deterministic); bigger ones go to ``QThreadPool`` so the window never freezes.
Snapshots are frozen dataclasses, safe to hand to another thread.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

DrawFn = Callable[[Any], Any]


class _JobSignals(QObject):
    finished = Signal(int, object, object)  # generation, drawing, exception


class DrawJob(QRunnable):
    def __init__(self, generation: int, snapshot: Any, draw: DrawFn):
        super().__init__()
        self.generation = generation
        self.snapshot = snapshot
        self.draw = draw
        self.signals = _JobSignals()
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        try:
            drawing = self.draw(self.snapshot)
        except Exception as exc:  # noqa: BLE001 - handed back to the GUI thread
            self.signals.finished.emit(self.generation, None, exc)
        else:
            self.signals.finished.emit(self.generation, drawing, None)


class DrawScheduler(QObject):
    """Turns snapshots into drawings, dropping results that are no longer the latest."""

    drawing_ready = Signal(object, object)  # drawing, snapshot
    drawing_failed = Signal(object)  # exception
    busy_changed = Signal(bool)

    def __init__(self, draw: DrawFn, sync_threshold: int = 60, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.draw = draw
        self.sync_threshold = sync_threshold  # people; above this, lay out in a worker thread
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._generation = 0
        self._snapshots: dict[int, Any] = {}
        self._jobs: dict[int, DrawJob] = {}
        self.last_duration = 0.0

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def request(self, snapshot: Any) -> None:
        self._generation += 1
        gen = self._generation
        if len(getattr(snapshot, "people", ())) <= self.sync_threshold:
            start = time.perf_counter()
            try:
                drawing = self.draw(snapshot)
            except Exception as exc:  # noqa: BLE001
                self.drawing_failed.emit(exc)
                return
            self.last_duration = time.perf_counter() - start
            self._jobs.clear()
            self.drawing_ready.emit(drawing, snapshot)
            return
        for old_gen, old_job in list(self._jobs.items()):  # not started yet: no need to start it at all
            try:
                taken = self.pool.tryTake(old_job)
            except RuntimeError:
                # it already ran and the pool deleted it; its result is on its way and
                # will be dropped as stale
                taken = False
            if taken:
                self._jobs.pop(old_gen, None)
                self._snapshots.pop(old_gen, None)
        job = DrawJob(gen, snapshot, self.draw)
        job.signals.finished.connect(self._finished)
        self._snapshots[gen] = snapshot
        self._jobs[gen] = job
        self.busy_changed.emit(True)
        self.pool.start(job)

    def invalidate(self) -> None:
        """Forget pending work (the document closed or the case changed)."""
        self._generation += 1

    @Slot(int, object, object)
    def _finished(self, generation: int, drawing: Any, exc: Any) -> None:
        snapshot = self._snapshots.pop(generation, None)
        self._jobs.pop(generation, None)
        if not self._jobs:
            self.busy_changed.emit(False)
        if generation != self._generation:
            log.debug("dropping stale drawing %d (latest %d)", generation, self._generation)
            return
        if exc is not None:
            self.drawing_failed.emit(exc)
        else:
            self.drawing_ready.emit(drawing, snapshot)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
