"""The non-blocking layout API: start_layout / start_cached_layout / LayoutJob."""

from __future__ import annotations

import gc
import os
import stat
import threading
import time

import pytest

from genomap.errors import GraphvizMissing
from genomap.layout import dot as dotmod
from genomap.layout import engine
from genomap.layout.dot import GraphvizFailed
from genomap.layout.engine import (
    LayoutJob, cached_layout, clear_cache, compute_layout, start_cached_layout, start_layout,
)
from genomap.testing.generate import generate_family


def _same(a, b) -> None:
    assert a.x == b.x
    assert a.row_of == b.row_of
    assert a.rows == b.rows
    assert a.row_y == b.row_y
    assert a.group_lane == b.group_lane
    assert a.low_lane == b.low_lane
    assert (a.width, a.height) == (b.width, b.height)
    assert a.dot_source == b.dot_source


def _fake_dot(tmp_path, body: str) -> str:
    path = tmp_path / "fake-dot"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def _reaped(pid: int) -> bool:
    """The child is gone and not a zombie: waitpid has nothing left to collect."""
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0) and not os.path.exists(f"/proc/{pid}")
    except ChildProcessError:
        return True


def _wait_reaped(pid: int, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if _reaped(pid):
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("size", [30, 200])
def test_job_result_equals_compute_layout(size):
    snap = generate_family(3, size)
    job = start_layout(snap)
    assert isinstance(job, LayoutJob)
    # the caller can work here while dot runs
    busy = sum(i * i for i in range(20000))
    assert busy > 0
    lay = job.result()
    _same(lay, compute_layout(snap))
    assert job.result() is lay  # once; later calls return the same layout
    assert job.done()
    assert {"build", "dot", "post"} <= set(lay.timings)


def test_dot_runs_while_the_caller_works():
    snap = generate_family(2, 120)
    job = start_layout(snap)
    end = time.monotonic() + 10
    while not job.done() and time.monotonic() < end:
        time.sleep(0.005)
    assert job.done()  # dot finished without anyone calling result()
    t = time.perf_counter()
    lay = job.result()
    assert time.perf_counter() - t < 5
    _same(lay, compute_layout(snap))


def test_result_from_several_threads_is_one_layout():
    snap = generate_family(4, 60)
    job = start_layout(snap)
    got = []
    threads = [threading.Thread(target=lambda: got.append(job.result())) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(got) == 4 and all(g is got[0] for g in got)


def test_cached_job():
    clear_cache()
    snap = generate_family(6, 40)
    job = start_cached_layout(snap)
    lay = job.result()
    _same(lay, compute_layout(snap))
    hit = start_cached_layout(snap)
    assert hit.done()
    assert hit.result() is lay
    assert cached_layout(snap) is lay
    clear_cache()
    again = start_cached_layout(snap)
    assert again.result() is not lay
    _same(again.result(), lay)


def test_cached_job_not_stored_until_result():
    clear_cache()
    snap = generate_family(7, 25)
    job = start_cached_layout(snap)
    assert not engine._CACHE  # nothing stored yet
    job.result()
    assert start_cached_layout(snap).done()
    clear_cache()


def test_abandoned_job_leaves_no_child(tmp_path, monkeypatch):
    monkeypatch.setenv("GENOMAP_DOT", _fake_dot(tmp_path, "exec sleep 30"))
    job = start_layout(generate_family(1, 10))
    pid = job._run.pid
    assert pid is not None and not job.done()
    del job
    gc.collect()
    assert _wait_reaped(pid)


def test_finished_job_without_result_is_reaped():
    job = start_layout(generate_family(1, 12))
    pid = job._run.pid
    end = time.monotonic() + 10
    while not job.done() and time.monotonic() < end:
        time.sleep(0.005)
    del job
    gc.collect()
    assert _wait_reaped(pid)


def test_cancel_kills_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("GENOMAP_DOT", _fake_dot(tmp_path, "exec sleep 30"))
    job = start_layout(generate_family(1, 10))
    pid = job._run.pid
    job.cancel()
    assert _wait_reaped(pid)
    with pytest.raises(GraphvizFailed, match="cancelled"):
        job.result()


def test_timeout_kills_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("GENOMAP_DOT", _fake_dot(tmp_path, "exec sleep 30"))
    run = dotmod.start_dot("digraph { a }", timeout=0.3)
    pid = run.pid
    t = time.monotonic()
    with pytest.raises(GraphvizFailed, match="took longer than"):
        run.output()
    assert time.monotonic() - t < 5
    assert _wait_reaped(pid)


def test_graphviz_failure_surfaces_from_result(tmp_path, monkeypatch):
    monkeypatch.setenv("GENOMAP_DOT", _fake_dot(
        tmp_path, "cat >/dev/null; echo 'Error: <stdin>: syntax error in line 3' >&2; exit 1"))
    clear_cache()
    job = start_cached_layout(generate_family(1, 10))  # starting does not raise
    with pytest.raises(GraphvizFailed) as exc:
        job.result()
    assert str(exc.value) == "Graphviz could not lay out this family: Error: <stdin>: syntax error in line 3"
    with pytest.raises(GraphvizFailed):  # and again, the same way
        job.result()
    assert not engine._CACHE


def test_large_source_and_output_do_not_deadlock():
    # DOT source and output both far beyond a pipe buffer (64 KiB)
    snap = generate_family(1, 800)
    job = start_layout(snap)
    assert len(job.dot_source) > 65536
    lay = job.result()
    assert len(lay.x) == len(snap.people)


def test_graphviz_missing_surfaces_from_result(monkeypatch):
    monkeypatch.delenv("GENOMAP_DOT", raising=False)
    monkeypatch.setattr(dotmod.shutil, "which", lambda name: None)
    job = start_layout(generate_family(1, 10))
    with pytest.raises(GraphvizMissing):
        job.result()


def test_cancel_wakes_a_thread_waiting_for_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("GENOMAP_DOT", _fake_dot(tmp_path, "exec sleep 30"))
    job = start_layout(generate_family(1, 10))
    pid = job._run.pid
    errors = []

    def wait():
        try:
            job.result()
        except GraphvizFailed as exc:
            errors.append(str(exc))

    th = threading.Thread(target=wait)
    th.start()
    time.sleep(0.2)  # the thread is now waiting for dot
    t = time.monotonic()
    job.cancel()
    th.join(10)
    assert not th.is_alive() and time.monotonic() - t < 5
    assert errors and "cancelled" in errors[0]
    assert _wait_reaped(pid)


def test_output_cut_short_is_a_graphviz_error(tmp_path, monkeypatch):
    # dot lays a family in pieces out one graph after another: if its output stops after
    # the first, the user is told, the layout is not half made
    real = dotmod.find_dot()
    monkeypatch.setenv("GENOMAP_DOT", _fake_dot(tmp_path, f"'{real}' \"$@\" | sed '/^stop$/q'"))
    clear_cache()
    snap = generate_family(1, 60)
    assert engine._prepare(snap, None, dotmod.DotParams()).parts  # (a family in pieces)
    with pytest.raises(GraphvizFailed, match="cut short"):
        start_cached_layout(snap).result()
    assert not engine._CACHE
