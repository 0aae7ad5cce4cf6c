"""The view date ("as at") control: slider over the family's dates, date field, step and play.

:class:`AsAtControl` owns one date.  The slider covers the family's date range
(:func:`genomap.analysis.agencies.family_date_range`) one day per step, with a
tick under it for every chronology event day; the field accepts what a
practitioner types ("12 Mar 2025", "2025-03-12", "Mar 2025", "2025"); the step
buttons jump to the previous / next event day
(:func:`genomap.analysis.chronology.event_days`) and Play walks through them on
a timer.  The default is today.

Scrubbing stays smooth: while the slider is dragged the field follows every
move, but :attr:`AsAtControl.date_changed` is *throttled* -- at most one signal
per :data:`SCRUB_MS`, always ending with the last position -- so a redraw never
queues behind another.  Steps, typing and Today emit at once.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from typing import Iterable, Optional

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QSlider, QStyle, QStyleOptionSlider, QToolButton, QWidget,
)

from genomap.model.dates import PartialDate, PartialDateError

SCRUB_MS = 30  # at most one redraw request per this many ms while dragging
PLAY_MS = 900  # pause on each event while playing


def fmt_day(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


def parse_day(text: str) -> date:
    """A typed date (ISO or partial, e.g. "Mar 2025") as one day; raises PartialDateError."""
    text = (text or "").strip()
    if not text:
        raise PartialDateError("the date is empty")
    if text.lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    return PartialDate.parse(text).representative()


class EventSlider(QSlider):
    """A horizontal day slider with a small tick under every event day."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._ticks: list[int] = []
        self.setMinimumHeight(24)

    def set_ticks(self, values: Iterable[int]) -> None:
        self._ticks = sorted(set(values))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().paintEvent(event)
        if not self._ticks or self.maximum() <= self.minimum():
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderGroove, self)
        handle = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        x0 = groove.x() + handle.width() / 2
        p = QPainter(self)
        pen = QPen(QColor("#64748b"))
        pen.setWidthF(1.0)
        p.setPen(pen)
        y1 = self.height() - 2
        rng = self.maximum() - self.minimum()
        for v in self._ticks:
            if self.minimum() <= v <= self.maximum():
                x = x0 + span * (v - self.minimum()) / rng
                p.drawLine(int(round(x)), y1 - 4, int(round(x)), y1)
        p.end()


class AsAtControl(QWidget):
    """Slider + date field + step back/forward + play + today.

    Signals:
        date_changed(object): the view date (a ``datetime.date``), throttled while scrubbing.
    """

    date_changed = Signal(object)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("asAtControl")
        self._lo = date.today() - timedelta(days=3 * 365)
        self._hi = date.today()
        self._date = date.today()
        self._events: list[date] = []
        self._emitted: Optional[date] = None

        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 6, 0)
        row.setSpacing(4)
        label = QLabel("As at")
        label.setObjectName("asAtCaption")
        row.addWidget(label)
        self.field = QLineEdit()
        self.field.setObjectName("asAtField")
        self.field.setFixedWidth(108)
        self.field.setToolTip("The view date: type a date (e.g. 12 Mar 2025, Mar 2025, 2025) and press Enter")
        self.field.setAccessibleName("View date")
        row.addWidget(self.field)
        self.back_button = self._button("◀", "Step back to the previous event (Alt+Left)")
        self.play_button = self._button("▶", "Play through the events")
        self.play_button.setCheckable(True)
        self.next_button = self._button("▶|", "Step on to the next event (Alt+Right)")
        self.back_button.setText("|◀")
        for b in (self.back_button, self.play_button, self.next_button):
            row.addWidget(b)
        self.slider = EventSlider()
        self.slider.setObjectName("asAtSlider")
        self.slider.setAccessibleName("View date slider")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setMinimumWidth(220)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(30)
        self.slider.setToolTip("Drag to see the family as at any date; ticks mark events")
        row.addWidget(self.slider, 1)
        self.range_label = QLabel()
        self.range_label.setObjectName("placeholderText")
        row.addWidget(self.range_label)
        self.today_button = self._button("Today", "Back to today")
        row.addWidget(self.today_button)

        self._scrub = QTimer(self)
        self._scrub.setSingleShot(True)
        self._scrub.setInterval(SCRUB_MS)
        self._scrub.timeout.connect(self._emit)
        self._play = QTimer(self)
        self._play.setInterval(PLAY_MS)
        self._play.timeout.connect(self._play_step)

        self.slider.valueChanged.connect(self._slider_moved)
        self.slider.sliderReleased.connect(self._emit)
        self.field.editingFinished.connect(self._field_done)
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.play_button.toggled.connect(self.set_playing)
        self.today_button.clicked.connect(lambda: self.set_date(date.today()))
        self._sync_widgets()

    def _button(self, text: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        return b

    # -- state ----------------------------------------------------------------------------
    def date(self) -> date:
        return self._date

    def date_range(self) -> tuple[date, date]:
        return self._lo, self._hi

    def event_days(self) -> list[date]:
        return list(self._events)

    def set_range(self, lo: date, hi: date, events: Iterable[date] = ()) -> None:
        """The span the slider covers and the event days it steps through (no signal)."""
        if hi < lo:
            lo, hi = hi, lo
        self._lo, self._hi = lo, hi
        self._events = sorted(set(events))
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(1, (hi - lo).days))
        self.slider.set_ticks((d - lo).days for d in self._events if lo <= d <= hi)
        self.slider.blockSignals(False)
        self.range_label.setText(f"{lo.year}–{hi.year}")
        self._sync_widgets()

    def set_date(self, day: date, emit: bool = True) -> None:
        """Show ``day`` (extending the range if needed); emit at once unless ``emit`` is False."""
        if day < self._lo or day > self._hi:
            self.set_range(min(day, self._lo), max(day, self._hi), self._events)
        self._scrub.stop()
        changed = day != self._date
        self._date = day
        self._sync_widgets()
        if emit and (changed or self._emitted != day):
            self._emit()

    def step(self, direction: int) -> Optional[date]:
        """Move to the previous (-1) or next (+1) event day; None when there is none."""
        if not self._events:
            return None
        if direction > 0:
            i = bisect.bisect_right(self._events, self._date)
            target = self._events[i] if i < len(self._events) else None
        else:
            i = bisect.bisect_left(self._events, self._date)
            target = self._events[i - 1] if i > 0 else None
        if target is not None:
            self.set_date(target)
        return target

    def set_playing(self, on: bool) -> None:
        if on:
            if not self._events or self._date >= self._events[-1]:
                if self._events:
                    self.set_date(self._events[0])
            self._play.start()
        else:
            self._play.stop()
        self.play_button.blockSignals(True)
        self.play_button.setChecked(on)
        self.play_button.setText("⏸" if on else "▶")
        self.play_button.blockSignals(False)

    def is_playing(self) -> bool:
        return self._play.isActive()

    def _play_step(self) -> None:
        if self.step(1) is None:
            self.set_playing(False)

    # -- widgets ----------------------------------------------------------------------------
    def _sync_widgets(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue((self._date - self._lo).days)
        self.slider.blockSignals(False)
        if not self.field.hasFocus() or self.field.text() != fmt_day(self._date):
            self.field.setText(fmt_day(self._date))
        self.field.setStyleSheet("")
        self.back_button.setEnabled(any(d < self._date for d in self._events))
        self.next_button.setEnabled(any(d > self._date for d in self._events))

    def _slider_moved(self, value: int) -> None:
        self._date = self._lo + timedelta(days=value)
        self.field.setText(fmt_day(self._date))
        self.back_button.setEnabled(any(d < self._date for d in self._events))
        self.next_button.setEnabled(any(d > self._date for d in self._events))
        if not self._scrub.isActive():
            self._scrub.start()

    def _field_done(self) -> None:
        text = self.field.text()
        if text == fmt_day(self._date):
            return
        try:
            day = parse_day(text)
        except (PartialDateError, ValueError) as exc:
            self.field.setStyleSheet("QLineEdit { border: 1px solid #b42318; }")
            self.field.setToolTip(f"Not a date: {exc}")
            return
        self.field.setToolTip("The view date: type a date (e.g. 12 Mar 2025, Mar 2025, 2025) and press Enter")
        self.set_date(day)

    def _emit(self) -> None:
        self._scrub.stop()
        self._emitted = self._date
        self.date_changed.emit(self._date)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(720, 30)


__all__ = ["AsAtControl", "DrawRequest", "DrawResult", "EventSlider", "draw_request", "fmt_day", "parse_day", "SCRUB_MS"]


# -- what a view-date change asks the draw worker for ------------------------------------------

class DrawRequest:
    """One redraw: a snapshot as at a date, with overlays (handed to the draw worker thread).

    ``people`` lets :class:`~genomap.ui.workers.DrawScheduler` decide sync or threaded.
    """

    __slots__ = ("snapshot", "as_at", "overlays")

    def __init__(self, snapshot, as_at: date, overlays=None):
        self.snapshot = snapshot
        self.as_at = as_at
        self.overlays = overlays

    @property
    def people(self):
        return self.snapshot.people


class DrawResult:
    """The base genogram (kept so overlay-only changes skip the base drawing) and the full one."""

    __slots__ = ("base", "drawing", "seconds")

    def __init__(self, base, drawing, seconds: float = 0.0):
        self.base = base
        self.drawing = drawing
        self.seconds = seconds


def draw_request(request: DrawRequest) -> DrawResult:
    """Run the pipeline for ``request`` (safe in a worker thread: pure, cached layout)."""
    import time

    from genomap.drawing.overlays import add_overlays
    from genomap.pipeline import draw_family

    t = time.perf_counter()
    base = draw_family(request.snapshot, request.as_at)
    drawing = add_overlays(base, request.snapshot, request.as_at, request.overlays)
    return DrawResult(base, drawing, time.perf_counter() - t)
