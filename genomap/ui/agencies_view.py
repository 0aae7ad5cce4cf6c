"""Who else is working with the family, over time: the Agencies view and timeline strips.

:class:`AgenciesTimelineView` is a table with one row per involvement (agency,
who it works with, role and worker, period) and a Gantt-like strip in the last
column: every row's bar is drawn over one shared time axis (the family's date
range), by :class:`GanttDelegate`, with the view date as a vertical line --
so a professional sees at once which agencies overlap, and when.  Rows active
on the view date are bold.  Selecting a row asks the window to show that
involvement (``record_chosen``).

:class:`ResidenceTimeline` paints a person's residence history
(:func:`genomap.analysis.moves.residence_history`) the same way for the Details
dock: one bar per household, 'lives' solid, stays/visits thinner, temporary
accommodation hatched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QStyle, QStyledItemDelegate,
    QStyleOptionViewItem, QTableView, QVBoxLayout, QWidget,
)

from genomap.analysis.agencies import agency_group, family_date_range, involvement_span
from genomap.analysis.moves import residence_history
from genomap.drawing.overlays import AGENCY_COLOURS
from genomap.model.enums import AgencyType, ResidenceKind
from genomap.store.snapshot import FamilySnapshot, InvolvementView

REF_ROLE = Qt.ItemDataRole.UserRole + 1
SPAN_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ["Agency", "Working with", "Role / worker", "Period", "Timeline"]
TIMELINE = 4
AS_AT_COLOUR = QColor("#dc2626")


@dataclass
class TimeAxis:
    """Days -> x within a rect; shared by every row so bars line up."""

    lo: date
    hi: date

    def frac(self, d: date) -> float:
        span = max(1, (self.hi - self.lo).days)
        return min(1.0, max(0.0, (d - self.lo).days / span))

    def x(self, d: date, rect: QRectF) -> float:
        return rect.left() + rect.width() * self.frac(d)

    def years(self) -> list[date]:
        return [date(y, 1, 1) for y in range(self.lo.year + 1, self.hi.year + 1)]


def paint_axis_grid(p: QPainter, rect: QRectF, axis: TimeAxis, labels: bool = False) -> None:
    """Faint year lines (and year numbers when ``labels``) across ``rect``."""
    years = axis.years()
    step = max(1, len(years) // 8 + (1 if len(years) > 8 else 0))
    pen = QPen(QColor(148, 163, 184, 90))
    pen.setWidthF(1.0)
    p.setPen(pen)
    for i, y in enumerate(years):
        x = axis.x(y, rect)
        p.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
        if labels and i % step == 0:
            p.setPen(QColor("#64748b"))
            p.drawText(QRectF(x + 2, rect.top(), 40, rect.height()),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), str(y.year))
            p.setPen(pen)


def paint_as_at(p: QPainter, rect: QRectF, axis: TimeAxis, day: Optional[date]) -> None:
    if day is None or not (axis.lo <= day <= axis.hi):
        return
    pen = QPen(AS_AT_COLOUR)
    pen.setWidthF(1.5)
    p.setPen(pen)
    x = axis.x(day, rect)
    p.drawLine(int(round(x)), int(rect.top()), int(round(x)), int(rect.bottom()))


def paint_bar(p: QPainter, rect: QRectF, axis: TimeAxis, start: date, end: date, fill: QColor, ink: QColor,
              open_start: bool = False, open_end: bool = False, hatched: bool = False, height: float = 0.56,
              rounded: bool = True) -> None:
    x0, x1 = axis.x(start, rect), axis.x(end, rect)
    x1 = max(x1, x0 + 2.5)
    h = rect.height() * height
    bar = QRectF(x0, rect.center().y() - h / 2, x1 - x0, h)
    p.setPen(QPen(ink, 1.0))
    p.setBrush(QBrush(fill))
    r = min(3.0, h / 2) if rounded else 0.0
    p.drawRoundedRect(bar, r, r)
    if hatched:
        p.setBrush(QBrush(ink, Qt.BrushStyle.BDiagPattern))
        p.drawRoundedRect(bar, r, r)
    # an unknown end fades out: a few ticks after the bar say "still open / not known"
    p.setPen(QPen(ink, 1.0, Qt.PenStyle.DotLine))
    if open_end:
        p.drawLine(int(bar.right()), int(bar.center().y()), int(min(rect.right(), bar.right() + 10)),
                   int(bar.center().y()))
    if open_start:
        p.drawLine(int(max(rect.left(), bar.left() - 10)), int(bar.center().y()), int(bar.left()),
                   int(bar.center().y()))


# -- the table ---------------------------------------------------------------------------

@dataclass
class _Row:
    inv: InvolvementView
    agency: str
    target: str
    role: str
    period: str
    start: date
    end: date
    start_known: bool
    end_known: bool


class InvolvementModel(QAbstractTableModel):
    """One row per involvement of the family map, grouped by sector and agency."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[_Row] = []
        self.axis = TimeAxis(date.today() - timedelta(days=365), date.today())
        self.as_at: Optional[date] = date.today()
        self.only_current = False
        self._all: list[_Row] = []

    def set_snapshot(self, snap: Optional[FamilySnapshot], today: Optional[date] = None) -> None:
        self.beginResetModel()
        self._all = []
        if snap is not None:
            today = today or date.today()
            lo, hi = family_date_range(snap, today)
            starts = [i.start.representative() for i in snap.involvements if i.start is not None]
            if starts:  # the axis covers the involvements (not the whole family history)
                lo = min(starts)
            self.axis = TimeAxis(date(lo.year, 1, 1), hi)
            hh = {h.id: h.label or "Household" for h in snap.households}
            names = {p.id: p.name for p in snap.people}
            order = ["statutory", "health", "education", "support"]
            types = list(AgencyType)
            for inv in snap.involvements:
                if inv.person is not None:
                    target = names.get(inv.person, "(not in this map)")
                elif inv.household is not None:
                    target = f"Household: {hh.get(inv.household, 'Household')}"
                else:
                    continue
                s, e, sk, ek = involvement_span(inv, self.axis.lo, hi)
                role = inv.role + (f" — {inv.worker_name}" if inv.worker_name else "")
                period = f"{inv.start or '…'} – {inv.end or 'now'}"
                self._all.append(_Row(inv, inv.agency_name, target, role, period, s, e, sk, ek))
            self._all.sort(key=lambda r: (order.index(agency_group(r.inv.agency_type)),
                                          types.index(r.inv.agency_type), r.agency.lower(), r.start, r.target))
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        if self.only_current and self.as_at is not None:
            self.rows = [r for r in self._all if r.inv.active_on(self.as_at)]
        else:
            self.rows = list(self._all)

    def set_only_current(self, on: bool) -> None:
        self.beginResetModel()
        self.only_current = on
        self._filter()
        self.endResetModel()

    def set_as_at(self, day: Optional[date]) -> None:
        self.as_at = day
        if self.only_current:
            self.set_only_current(True)
        elif self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, TIMELINE))

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt name
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt name
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == TIMELINE:
                return f"{self.axis.lo.year} – {self.axis.hi.year}"
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [f"{r.inv.agency_type.short_code}  {r.agency}", r.target, r.role, r.period, ""][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"<b>{_esc(r.agency)}</b> ({_esc(r.inv.agency_type.label)})", f"With: {_esc(r.target)}"]
            if r.inv.role:
                lines.append(f"Role: {_esc(r.inv.role)}")
            if r.inv.worker_name:
                lines.append(f"Worker: {_esc(r.inv.worker_name)}")
            if r.inv.worker_contact:
                lines.append(f"Contact: {_esc(r.inv.worker_contact)}")
            lines.append(_esc(r.period))
            return "<br>".join(lines)
        if role == Qt.ItemDataRole.FontRole and self.as_at is not None and r.inv.active_on(self.as_at):
            f = QFont()
            f.setBold(True)
            return f
        if role == REF_ROLE:
            return ("involvement", r.inv.id)
        if role == SPAN_ROLE:
            return r
        return None


def _esc(s: str) -> str:
    from html import escape

    return escape(s or "")


class GanttDelegate(QStyledItemDelegate):
    """Paints the Timeline column: year grid, the involvement's bar, the as-at line."""

    def __init__(self, model: InvolvementModel, parent=None):
        super().__init__(parent)
        self.model = model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        if index.column() != TIMELINE:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight().color().lighter(160))
        rect = QRectF(option.rect).adjusted(4, 2, -4, -2)
        axis = self.model.axis
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paint_axis_grid(painter, rect, axis)
        r: _Row = index.data(SPAN_ROLE)
        if r is not None:
            fill, ink = AGENCY_COLOURS.get(r.inv.agency_type, AGENCY_COLOURS[AgencyType.OTHER])
            paint_bar(painter, rect, axis, r.start, r.end, QColor(fill), QColor(ink),
                      open_start=not r.start_known, open_end=not r.end_known,
                      rounded=agency_group(r.inv.agency_type) != "statutory")
        paint_as_at(painter, rect, axis, self.model.as_at)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt name
        s = super().sizeHint(option, index)
        if index.column() == TIMELINE:
            return QSize(260, max(s.height(), 20))
        return s


class AgenciesTimelineView(QWidget):
    """The Agencies view: involvement table with a Gantt strip per row over a shared time axis."""

    record_chosen = Signal(object)  # ("involvement", id)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("agenciesTimeline")
        v = QVBoxLayout(self)
        v.setContentsMargins(8, 8, 8, 8)
        v.setSpacing(6)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("placeholderText")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        self.only_current = QCheckBox("Only those involved at the view date")
        top.addWidget(self.only_current)
        v.addLayout(top)
        self.model = InvolvementModel(self)
        self.table = QTableView()
        self.table.setObjectName("agenciesTable")
        self.table.setModel(self.model)
        self.delegate = GanttDelegate(self.model, self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        for col in range(TIMELINE):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(TIMELINE, QHeaderView.ResizeMode.Stretch)
        h.resizeSection(0, 190)
        h.resizeSection(1, 120)
        h.resizeSection(2, 170)
        h.resizeSection(3, 150)
        v.addWidget(self.table, 1)
        self.only_current.toggled.connect(self.model.set_only_current)
        self.only_current.toggled.connect(lambda _on: self._update_summary())
        self.table.selectionModel().selectionChanged.connect(self._selected)

    def set_snapshot(self, snap: Optional[FamilySnapshot]) -> None:
        self.model.set_snapshot(snap)
        self._update_summary()

    def set_as_at(self, day: date) -> None:
        self.model.set_as_at(day)
        self._update_summary()

    def _update_summary(self) -> None:
        day = self.model.as_at
        rows = self.model._all
        if not rows:
            self.summary.setText("No agencies recorded yet.")
            return
        active = {r.agency for r in rows if day is not None and r.inv.active_on(day)}
        self.summary.setText(f"{len(active)} of {len({r.agency for r in rows})} agencies involved "
                             f"as at {day.day} {day:%b %Y}" if day else "")

    def _selected(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.record_chosen.emit(self.model.data(rows[0], REF_ROLE))

    def row_refs(self) -> list:
        return [("involvement", r.inv.id) for r in self.model.rows]


# -- residence timeline (Details dock) -------------------------------------------------------

class ResidenceTimeline(QWidget):
    """A person's homes over time: one labelled bar per residence, the view date as a red line."""

    ROW_H = 18
    LABEL_W = 118

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("residenceTimeline")
        self.rows: list[tuple[str, date, date, bool, bool, ResidenceKind, bool]] = []
        self.axis = TimeAxis(date.today() - timedelta(days=365), date.today())
        self.as_at: Optional[date] = None
        self.title = ""

    def set_person(self, snap: Optional[FamilySnapshot], pid: Optional[int], as_at: Optional[date]) -> None:
        self.rows = []
        self.as_at = as_at
        if snap is None or pid is None:
            self.updateGeometry()
            self.update()
            return
        today = max(date.today(), as_at or date.today())
        hist = residence_history(snap, pid)
        try:
            person = snap.person(pid)
            born = person.birth.representative() if person.birth is not None else None
        except KeyError:
            born = None
        starts = [r.start.representative() for r in hist if r.start is not None]
        lo = min([d for d in (born, *starts) if d is not None], default=today - timedelta(days=365))
        self.axis = TimeAxis(date(lo.year, 1, 1), today)
        for r in hist:
            try:
                hh = snap.household(r.household)
            except KeyError:
                continue
            s = r.start.representative() if r.start is not None else self.axis.lo
            e = r.end.representative() if r.end is not None else today
            label = hh.label or "Household"
            if r.kind is not ResidenceKind.LIVES:
                label = f"{label} ({r.kind.label.lower()})"
            self.rows.append((label, s, max(s, e), r.start is None, r.end is None, r.kind, hh.type.is_temporary))
        self.title = f"Homes {self.axis.lo.year} – {self.axis.hi.year}"
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return QSize(300, 22 + self.ROW_H * max(1, len(self.rows)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt name
        return self.sizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        f = p.font()
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        p.setFont(f)
        if not self.rows:
            p.setPen(QColor("#64748b"))
            p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       "No homes recorded")
            p.end()
            return
        axis_rect = QRectF(self.LABEL_W, 0, max(40, self.width() - self.LABEL_W - 6), 16)
        p.setPen(QColor("#64748b"))
        p.drawText(QRectF(0, 0, self.LABEL_W, 16), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   self.title)
        body = QRectF(self.LABEL_W, 18, axis_rect.width(), self.ROW_H * len(self.rows))
        paint_axis_grid(p, QRectF(axis_rect.left(), 0, axis_rect.width(), body.bottom()), self.axis, labels=True)
        for i, (label, s, e, open_s, open_e, kind, temp) in enumerate(self.rows):
            y = 18 + i * self.ROW_H
            p.setPen(QColor("#1e293b"))
            p.drawText(QRectF(0, y, self.LABEL_W - 4, self.ROW_H),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, self.LABEL_W - 6))
            lives = kind is ResidenceKind.LIVES
            fill = QColor("#fde68a") if temp else QColor("#bae6fd" if lives else "#e2e8f0")
            ink = QColor("#78350f") if temp else QColor("#0369a1" if lives else "#475569")
            paint_bar(p, QRectF(self.LABEL_W, y, body.width(), self.ROW_H), self.axis, s, e, fill, ink,
                      open_start=open_s, open_end=open_e, hatched=temp, height=0.6 if lives else 0.34)
        paint_as_at(p, QRectF(self.LABEL_W, 14, body.width(), body.bottom() - 14), self.axis, self.as_at)
        p.end()


__all__ = ["AgenciesTimelineView", "GanttDelegate", "InvolvementModel", "ResidenceTimeline", "TimeAxis"]
