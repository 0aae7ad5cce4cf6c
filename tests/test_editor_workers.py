"""Layout off the GUI thread: big families are drawn in a worker and stale results are dropped."""

from __future__ import annotations

import threading
import time

from genomap.ui.workers import DrawScheduler


class _Snap:
    def __init__(self, n: int, tag: str):
        self.people = tuple(range(n))
        self.tag = tag


def test_large_family_drawn_in_worker_and_stale_results_dropped(qtbot):
    threads = []

    def slow_draw(snapshot):
        threads.append(threading.current_thread())
        time.sleep(0.05)
        return f"drawing of {snapshot.tag}"

    scheduler = DrawScheduler(slow_draw, sync_threshold=10)
    received = []
    scheduler.drawing_ready.connect(lambda drawing, snap: received.append(drawing))
    started = time.perf_counter()
    for i in range(4):
        scheduler.request(_Snap(100, f"v{i}"))
    assert time.perf_counter() - started < 0.05  # the GUI thread did not wait for the layout
    qtbot.waitUntil(lambda: not scheduler.busy, timeout=5000)
    qtbot.wait(20)
    assert received == ["drawing of v3"]  # only the newest state is shown
    assert all(t is not threading.main_thread() for t in threads)
    assert len(threads) <= 2  # queued, never-started stale layouts were not run at all


def test_small_family_drawn_at_once_and_failures_reported(qtbot):
    scheduler = DrawScheduler(lambda snap: f"drawing of {snap.tag}", sync_threshold=10)
    received, failures = [], []
    scheduler.drawing_ready.connect(lambda drawing, snap: received.append(drawing))
    scheduler.drawing_failed.connect(failures.append)
    scheduler.request(_Snap(3, "small"))
    assert received == ["drawing of small"]

    def broken(_snap):
        raise RuntimeError("no layout")

    scheduler.draw = broken
    scheduler.request(_Snap(3, "x"))
    scheduler.request(_Snap(30, "y"))
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    assert all(isinstance(f, RuntimeError) for f in failures)


def test_an_edit_right_after_a_finished_layout_is_still_drawn(qtbot):
    """A layout that finished (and was freed by the pool) while its result waited in the
    event queue must not make the next request fail: the newest state is still drawn."""
    scheduler = DrawScheduler(lambda snap: f"drawing of {snap.tag}", sync_threshold=10)
    received = []
    scheduler.drawing_ready.connect(lambda drawing, snap: received.append(drawing))
    scheduler.request(_Snap(100, "before"))
    assert scheduler.wait(5000)  # done in the worker; its result not yet delivered
    scheduler.request(_Snap(100, "after the edit"))  # used to raise: the job was deleted
    qtbot.waitUntil(lambda: not scheduler.busy, timeout=5000)
    qtbot.wait(20)
    assert received == ["drawing of after the edit"]
