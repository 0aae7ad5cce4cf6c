"""Households & residence, Agencies & involvement and Chronology docks.

Each is a tree of records (``ref`` on every row) with the relevant actions as
buttons above it.  Selecting a row shows the record in the Details dock and,
for people and households, selects them on the genogram.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QToolButton, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

REF_ROLE = Qt.ItemDataRole.UserRole + 1


def _period(start, end) -> str:
    if start is None and end is None:
        return ""
    return f"{start or '…'} – {end or 'now'}"


class RecordPanel(QWidget):
    """A tree of records with action buttons."""

    selection_changed = Signal(object)  # ref of the chosen row (or None)

    def __init__(self, columns: Sequence[str], actions: Iterable[QAction] = (), empty_text: str = "",
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(columns))
        self.tree.setHeaderLabels(list(columns))
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        for col in range(1, len(columns)):
            # fixed starting widths (the user can drag them): every column stays in view in a narrow dock
            self.tree.header().setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.tree.header().resizeSection(col, 84)
        self.tree.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.tree, 1)
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("placeholderText")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

    def _selected(self) -> None:
        items = self.tree.selectedItems()
        self.selection_changed.emit(items[0].data(0, REF_ROLE) if items else None)

    def add_row(self, parent: Optional[QTreeWidgetItem], cells: Sequence[str], ref=None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(list(cells))
        item.setData(0, REF_ROLE, ref)
        whole = " — ".join(c for c in cells if c)
        for col, text in enumerate(cells):
            if text:  # the whole row where a narrow column cuts it short
                item.setToolTip(col, whole if col == 0 else text)
        if parent is None:
            self.tree.addTopLevelItem(item)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
        else:
            parent.addChild(item)
        return item

    def begin(self) -> Optional[tuple]:
        items = self.tree.selectedItems()
        chosen = items[0].data(0, REF_ROLE) if items else None
        self.tree.blockSignals(True)
        self.tree.clear()
        return chosen

    def end(self, chosen) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            item.setExpanded(item.text(2) != "past")
        if chosen is not None:
            for item in self._all_items():
                if item.data(0, REF_ROLE) == chosen:
                    item.setSelected(True)
                    break
        self.tree.blockSignals(False)
        self.empty.setVisible(self.tree.topLevelItemCount() == 0)

    def _all_items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def refs(self) -> list:
        return [i.data(0, REF_ROLE) for i in self._all_items()]

    def texts(self) -> list[str]:
        return [i.text(0) for i in self._all_items()]


class HouseholdsPanel(RecordPanel):
    def __init__(self, actions: Iterable[QAction] = (), parent=None):
        super().__init__(["Household / person", "Arrangement", "Period"], actions,
                         "No households yet. Add one, then move people into it.", parent)

    def set_snapshot(self, snapshot, extra_households: Sequence[tuple[int, str]] = ()) -> None:
        chosen = self.begin()
        try:
            if snapshot is None:
                return
            today = date.today()
            def occupied(hid: int) -> bool:
                return any(r.household == hid and r.active_on(today) for r in snapshot.residences)

            for hh in sorted(snapshot.households, key=lambda h: (not occupied(h.id), h.label.lower())):
                current = [r for r in snapshot.residences if r.household == hh.id]
                top = self.add_row(None, [hh.label or "Household", hh.type.label, "" if occupied(hh.id) else "past"],
                                   ("household", hh.id))
                for r in sorted(current, key=lambda r: (not r.active_on(today), r.kind.value, r.person)):
                    try:
                        name = snapshot.person(r.person).name
                    except KeyError:
                        continue
                    item = self.add_row(top, [name, r.kind.label, _period(r.start, r.end)], ("residence", r.id))
                    if not r.active_on(today):
                        item.setForeground(0, Qt.GlobalColor.gray)
            known = {h.id for h in snapshot.households}
            for hid, label in extra_households:
                if hid not in known:
                    self.add_row(None, [label or "Household", "", "nobody yet"], ("household", hid))
        finally:
            self.end(chosen)


class AgenciesPanel(RecordPanel):
    def __init__(self, actions: Iterable[QAction] = (), parent=None):
        super().__init__(["Agency / working with", "Role", "Period"], actions,
                         "No agencies recorded yet.", parent)

    def set_snapshot(self, snapshot) -> None:
        chosen = self.begin()
        try:
            if snapshot is None:
                return
            by_agency: dict[int, list] = {}
            for inv in snapshot.involvements:
                by_agency.setdefault(inv.agency_id, []).append(inv)
            households = {h.id: h.label for h in snapshot.households}
            for agency_id, invs in sorted(by_agency.items(), key=lambda kv: kv[1][0].agency_name.lower()):
                first = invs[0]
                top = self.add_row(None, [first.agency_name, first.agency_type.label, ""], None)
                for inv in invs:
                    if inv.person is not None:
                        try:
                            target = snapshot.person(inv.person).name
                        except KeyError:
                            target = "(not in this map)"
                    else:
                        target = households.get(inv.household, "Household")
                    who = target + (f" — {inv.worker_name}" if inv.worker_name else "")
                    self.add_row(top, [who, inv.role, _period(inv.start, inv.end)], ("involvement", inv.id))
        finally:
            self.end(chosen)


ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
ANY = "__any__"


class ChronologyPanel(RecordPanel):
    """Every dated fact (:func:`~genomap.analysis.chronology.build_chronology`), filterable by
    person, household, agency and kind.  Choosing an entry emits ``entry_chosen`` (the window
    moves the view date there and highlights who it concerns) as well as its record ref."""

    entry_chosen = Signal(object)  # ChronologyEntry

    def __init__(self, actions: Iterable[QAction] = (), parent=None):
        super().__init__(["Date", "What happened", "Who"], actions,
                         "No dated facts yet.", parent)
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.entries: list = []
        self._snapshot = None
        self.filters: dict[str, QComboBox] = {}
        grid = QGridLayout()  # two by two: fits a narrow dock without clipping
        grid.setSpacing(4)
        for n, (key, caption) in enumerate((("person", "Anyone"), ("household", "Any household"),
                                            ("agency", "Any agency"), ("kind", "Any kind"))):
            box = QComboBox()
            box.setObjectName(f"chronologyFilter_{key}")
            box.setToolTip(f"Show only entries about this {key}")
            box.addItem(caption, ANY)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(6)
            box.currentIndexChanged.connect(lambda _i: self._fill())
            self.filters[key] = box
            grid.addWidget(box, n // 2, n % 2)
        self.layout().insertLayout(1, grid)
        self.tree.itemSelectionChanged.connect(self._entry_selected)

    def set_snapshot(self, snapshot) -> None:
        from genomap.analysis.chronology import KIND_LABELS, build_chronology

        self._snapshot = snapshot
        self.entries = build_chronology(snapshot) if snapshot is not None else []
        people = sorted(((p.name, p.id) for p in snapshot.people), key=lambda c: c[0].lower()) if snapshot else []
        households = sorted(((h.label or "Household", h.id) for h in snapshot.households),
                            key=lambda c: c[0].lower()) if snapshot else []
        agencies = sorted({e.agency for e in self.entries if e.agency}, key=str.lower)
        kinds = [k for k in KIND_LABELS if any(e.kind == k for e in self.entries)]
        for key, choices in (("person", people), ("household", households),
                             ("agency", [(a, a) for a in agencies]),
                             ("kind", [(KIND_LABELS[k], k) for k in kinds])):
            box = self.filters[key]
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, value in choices:
                box.addItem(label, value)
            i = box.findData(current)
            box.setCurrentIndex(i if i >= 0 else 0)
            box.blockSignals(False)
        self._fill()

    def set_filter(self, key: str, value) -> None:
        box = self.filters[key]
        i = box.findData(ANY if value is None else value)
        box.setCurrentIndex(max(0, i))

    def shown_entries(self) -> list:
        from genomap.analysis.chronology import filter_chronology

        f = {k: (b.currentData() if b.currentData() != ANY else None) for k, b in self.filters.items()}
        return filter_chronology(self.entries, person=f["person"], household=f["household"], agency=f["agency"],
                                 kinds=None if f["kind"] is None else [f["kind"]])

    def _fill(self) -> None:
        from genomap.analysis.chronology import KIND_LABELS

        chosen = self.begin()
        try:
            snapshot = self._snapshot
            if snapshot is None:
                return
            names = {p.id: p.name for p in snapshot.people}
            index = {id(e): i for i, e in enumerate(self.entries)}
            for e in self.shown_entries():
                who = ", ".join(names[p] for p in e.people if p in names)
                item = QTreeWidgetItem([str(e.date), e.title, who])
                item.setData(0, REF_ROLE, e.ref)
                item.setData(0, ENTRY_ROLE, index[id(e)])
                item.setToolTip(1, f"{KIND_LABELS.get(e.kind, e.kind)}" + (f" ({e.status})" if e.status else ""))
                self.tree.addTopLevelItem(item)
        finally:
            self.end(chosen)

    def _entry_selected(self) -> None:
        items = self.tree.selectedItems()
        if not items:
            return
        i = items[0].data(0, ENTRY_ROLE)
        if i is not None and 0 <= i < len(self.entries):
            self.entry_chosen.emit(self.entries[i])

    def select_entry(self, entry) -> bool:
        """Select the row of ``entry`` (as a user would); False when it is filtered out."""
        for item in self._all_items():
            i = item.data(0, ENTRY_ROLE)
            if i is not None and self.entries[i] == entry:
                self.tree.setCurrentItem(item)
                item.setSelected(True)
                return True
        return False
