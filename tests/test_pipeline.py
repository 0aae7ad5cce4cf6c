"""draw_family, the one pipeline behind screen and paper: Graphviz runs in its own
process while the position-free half of the drawing is prepared.  Whatever the
overlap, the picture is the one the plain sequential steps give."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest

from genomap import pipeline
from genomap.drawing.builder import build_drawing
from genomap.drawing.options import DrawOptions
from genomap.layout import engine
from genomap.layout.engine import clear_cache, compute_layout
from genomap.testing.generate import generate_family
from factories import demo_snapshots


def _children() -> set[int]:
    """Our live child processes (Linux: /proc/self/task/*/children)."""
    pids: set[int] = set()
    base = "/proc/self/task"
    for task in os.listdir(base):
        try:
            with open(f"{base}/{task}/children") as fh:
                pids.update(int(p) for p in fh.read().split())
        except OSError:
            continue
    return pids


def _demo_case(tmp_path):
    return next(s for s in demo_snapshots(tmp_path) if s.reference == "BF-2025-0412")


@pytest.mark.parametrize("which", ["demo", "generated 120"])
@pytest.mark.parametrize("day", [date(2024, 6, 1), date(2016, 3, 1)])
def test_overlapped_pipeline_draws_what_the_sequential_steps_draw(which, day, tmp_path):
    snap = _demo_case(tmp_path) if which == "demo" else generate_family(3, 120)
    clear_cache()
    overlapped = pipeline.draw_family(snap, day)  # cold: dot runs while the drawing is prepared
    sequential = build_drawing(snap, compute_layout(snap), day, DrawOptions())
    assert overlapped.primitives == sequential.primitives
    assert overlapped.legend == sequential.legend
    assert overlapped.bounds == sequential.bounds
    assert (overlapped.width, overlapped.height) == (sequential.width, sequential.height)
    # and again from the cached layout: the same picture
    assert pipeline.draw_family(snap, day).primitives == sequential.primitives
    clear_cache()


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")
def test_a_failure_while_preparing_leaves_no_graphviz_process(monkeypatch):
    snap = generate_family(5, 300)
    clear_cache()
    before = _children()
    started = []
    real_start = engine.start_cached_layout

    def start(*a, **k):
        job = real_start(*a, **k)
        started.append(job)
        return job

    def broken_prepare(*a, **k):
        raise ValueError("impossible date in the family")

    monkeypatch.setattr(pipeline, "start_cached_layout", start)
    monkeypatch.setattr(pipeline, "prepare_drawing", broken_prepare)
    with pytest.raises(ValueError, match="impossible date"):
        pipeline.draw_family(snap, date(2024, 6, 1))
    assert started, "the layout was started before the drawing was prepared"
    deadline = time.monotonic() + 5
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not (_children() - before), "dot was left running after the pipeline failed"
    # nothing half-made was cached: the next drawing is whole
    monkeypatch.undo()
    drawing = pipeline.draw_family(snap, date(2024, 6, 1))
    assert len([p for p in drawing.primitives if p.ref and p.ref[0] == "person"]) >= len(snap.people)
    clear_cache()
