"""The People dock: a searchable, sortable list of everyone in the family map.

Selecting rows selects the same people on the genogram and the other way round
(``set_selected`` does not echo back).
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

REF_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ["Name", "Age", "Household"]


class PeoplePanel(QWidget):
    selection_changed = Signal(list)  # refs
    activated = Signal(object)  # ref (double-click / Enter): edit

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setObjectName("peopleSearch")
        self.search.setPlaceholderText("Search people…")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(COLUMNS)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(SORT_ROLE)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 44)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 92)  # the name column gets the room
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().selectionChanged.connect(self._emit_selection)
        self.table.doubleClicked.connect(lambda idx: self.activated.emit(idx.data(REF_ROLE)))
        layout.addWidget(self.table, 1)
        self._echo = True

    def set_snapshot(self, snapshot, day: Optional[date] = None) -> None:
        day = day or date.today()
        selected = self.selected_refs()
        self._echo = False
        try:
            self.model.removeRows(0, self.model.rowCount())
            if snapshot is None:
                return
            labels = {h.id: h.label or "Household" for h in snapshot.households}
            for p in snapshot.people:
                homes = [labels.get(h, "") for h in snapshot.households_of(p.id, day)]
                age = p.age_on(day)
                name = p.name + (f" ({p.known_as})" if p.known_as and p.known_as not in p.name else "")
                if p.is_subject:
                    name += "  ★"
                cells = [
                    (name, p.name.lower()),
                    ("" if age is None else (f"† {age}" if p.is_dead_on(day) else str(age)), -1 if age is None else age),
                    (", ".join(h for h in homes if h), ", ".join(homes).lower()),
                ]
                row = []
                for text, key in cells:
                    item = QStandardItem(text)
                    item.setData(("person", p.id), REF_ROLE)
                    item.setData(key, SORT_ROLE)
                    row.append(item)
                born = f"Born {p.birth}" if p.birth is not None else "Date of birth not recorded"
                tip = born + (f", died {p.death}" if p.death is not None else (", deceased" if p.is_dead_on(day) else ""))
                for item in row:
                    item.setToolTip(f"{p.name}\n{tip}")
                self.model.appendRow(row)
        finally:
            self.set_selected(selected)
            self._echo = True

    def selected_refs(self) -> list[tuple[str, int]]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [r.data(REF_ROLE) for r in rows]

    def set_selected(self, refs: list) -> None:
        wanted = {tuple(r) for r in refs if r and r[0] == "person"}
        sel = self.table.selectionModel()
        echo, self._echo = self._echo, False
        try:
            sel.clearSelection()
            first = None
            for row in range(self.proxy.rowCount()):
                idx = self.proxy.index(row, 0)
                if tuple(idx.data(REF_ROLE)) in wanted:
                    sel.select(idx, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
                    first = first or idx
            if first is not None:
                self.table.scrollTo(first)
        finally:
            self._echo = echo

    def _emit_selection(self, *_args) -> None:
        if self._echo:
            self.selection_changed.emit(self.selected_refs())

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def names(self) -> list[str]:
        return [self.proxy.index(r, 0).data() for r in range(self.proxy.rowCount())]
