"""The "Significant adults" dock: the register around a chosen child, editable, with the annual review.

Shows :func:`genomap.register.build_register` for the chosen child (default: the
subject child) as at the window's view date.  Risk rows carry a warning icon and
the word RISK (not colour alone); restrictions are in capitals and bold.  Edits
to the register fields, "Mark checked today" and "Add adult…" run as undoable
commands through the window's undo stack; the window's refresh redraws the
genogram and this view from the file.

:func:`install_register_view` is the main window's one-line hook.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QListWidget, QPushButton, QScrollArea, QSpinBox, QSplitter, QStyle, QTableWidget, QTableWidgetItem,
    QTabWidget, QVBoxLayout, QWidget,
)

from genomap.model.enums import ContactRestriction, TriState
from genomap.register import (
    COLUMNS, REVIEW_MONTHS, Register, add_adult_command, build_register, default_child, fmt_day,
    load_entries, mark_checked_command, row_texts, set_entry_command,
)
from genomap.ui.forms import DateField

RISK_BG = QColor("#fbeee6")
RESTRICT_BG = QColor("#eeeeee")
_TRI = [("Not recorded", TriState.UNKNOWN), ("Yes", TriState.YES), ("No", TriState.NO)]


class RegisterPanel(QWidget):
    """The register table, the selected entry's fields, siblings and the review checklist."""

    pdf_written = Signal(object)  # the path

    def __init__(self, run: Callable[[Any], Any], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("registerPanel")
        self._run = run
        self.document = None
        self.case_id: Optional[int] = None
        self.snapshot = None
        self.as_at: date = date.today()
        self.register: Optional[Register] = None
        self.dialog = None
        self._child: Optional[int] = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.addWidget(QLabel("Child"))
        self.child_combo = QComboBox()
        self.child_combo.setObjectName("registerChild")
        self.child_combo.setMinimumContentsLength(10)
        self.child_combo.activated.connect(lambda _i: self.set_child(self.child_combo.currentData()))
        top.addWidget(self.child_combo)
        self.as_at_label = QLabel()
        self.as_at_label.setObjectName("registerAsAt")
        top.addWidget(self.as_at_label, 1)
        self.add_button = QPushButton("Add adult…")
        self.add_button.clicked.connect(self.add_adult_dialog)
        self.check_button = QPushButton("Mark checked today")
        self.check_button.setToolTip("Record that the selected entries (or, with none selected, every entry) "
                                     "were checked with the family today")
        self.check_button.clicked.connect(self.mark_checked_today)
        self.pdf_button = QPushButton("Save PDF…")
        self.pdf_button.setToolTip("One page 'Who is around this child', with the protective marking")
        self.pdf_button.clicked.connect(self.save_pdf_dialog)
        outer.addLayout(top)
        buttons = QHBoxLayout()  # a row of their own: the dock stays narrow enough to sit beside the genogram
        for b in (self.add_button, self.check_button, self.pdf_button):
            b.setStyleSheet("padding: 5px 9px;")  # three to a row in a narrow dock
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.homes_label = QLabel()
        self.homes_label.setWordWrap(True)
        outer.addWidget(self.homes_label)
        self.alert = QLabel()
        self.alert.setObjectName("registerAlert")
        self.alert.setWordWrap(True)
        self.alert.setStyleSheet("QLabel#registerAlert { background: #fbeee6; border-left: 4px solid #8a1c1c;"
                                 " padding: 5px 8px; color: #111; }")
        outer.addWidget(self.alert)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("registerTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        split.addWidget(self.table)

        lower = QTabWidget()  # entry, siblings and review as tabs: narrow docks never clip them
        lower.setObjectName("registerTabs")
        lower.setDocumentMode(True)
        self.lower_tabs = lower
        self.editor = QGroupBox("Register entry")
        self.editor.setFlat(True)
        form = QFormLayout(self.editor)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.may_collect = QComboBox()
        for label, v in _TRI:
            self.may_collect.addItem(label, v)
        self.priority = QSpinBox()
        self.priority.setRange(0, 99)
        self.priority.setSpecialValueText("Not a contact")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("e.g. alternate weekends, phone calls only")
        self.restriction = QComboBox()
        for r in ContactRestriction:
            self.restriction.addItem(r.label, r)
        self.notes = QLineEdit()
        self.last_checked = DateField()
        self.apply_button = QPushButton("Apply")
        self.apply_button.clicked.connect(self.apply_entry)
        self.entry_error = QLabel()
        self.entry_error.setStyleSheet("color: #b42318;")
        self.entry_error.setWordWrap(True)
        form.addRow("May collect", self.may_collect)
        form.addRow("Emergency contact", self.priority)
        form.addRow("Contact arrangement", self.contact)
        form.addRow("Restriction", self.restriction)
        form.addRow("Notes", self.notes)
        form.addRow("Last checked", self.last_checked)
        form.addRow(self.entry_error)
        form.addRow(self.apply_button)
        entry_scroll = QScrollArea()  # the form scrolls rather than making the dock tall
        entry_scroll.setWidgetResizable(True)
        entry_scroll.setFrameShape(QFrame.Shape.NoFrame)
        entry_scroll.setWidget(self.editor)
        lower.addTab(entry_scroll, "Entry")
        self.sibling_title = QLabel("Brothers and sisters")
        self.sibling_title.setStyleSheet("font-weight: bold;")
        self.sibling_title.setWordWrap(True)
        self.siblings = QTableWidget(0, 3)
        self.siblings.setObjectName("registerSiblings")
        self.siblings.setHorizontalHeaderLabels(["Name", "Relationship", "Lives at"])
        self.siblings.verticalHeader().hide()
        self.siblings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.siblings.horizontalHeader().setStretchLastSection(True)
        self.review_title = QLabel()
        self.review_title.setStyleSheet("font-weight: bold;")
        self.review_title.setWordWrap(True)
        self.review = QListWidget()
        self.review.setObjectName("registerReview")
        for title, table, tab in ((self.sibling_title, self.siblings, "Brothers and sisters"),
                                  (self.review_title, self.review, "Annual review")):
            page = QWidget()
            pv = QVBoxLayout(page)
            pv.setContentsMargins(4, 6, 4, 4)
            pv.addWidget(title)
            pv.addWidget(table, 1)
            lower.addTab(page, tab)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer.addWidget(split, 1)
        self._set_enabled(False)

    # -- data ----------------------------------------------------------------
    def set_context(self, document, case_id: Optional[int], snapshot, as_at: date) -> None:
        """Show the register of the window's family map as at its view date."""
        if case_id != self.case_id:
            self._child = None
        self.document, self.case_id, self.snapshot, self.as_at = document, case_id, snapshot, as_at
        self._fill_children()
        self.rebuild()

    def _fill_children(self) -> None:
        self.child_combo.blockSignals(True)
        self.child_combo.clear()
        snap = self.snapshot
        if snap is not None:
            from genomap.analysis.risk import is_child

            kids = [p for p in snap.people if p.is_subject or is_child(snap, p.id, self.as_at)]
            kids.sort(key=lambda p: (not p.is_subject, p.name.lower()))
            for p in kids:
                self.child_combo.addItem(p.name + ("  (subject)" if p.is_subject else ""), p.id)
            if self._child is None or self.child_combo.findData(self._child) < 0:
                self._child = default_child(snap) if default_child(snap) is not None else (
                    kids[0].id if kids else None)
            self.child_combo.setCurrentIndex(max(0, self.child_combo.findData(self._child)))
        self.child_combo.blockSignals(False)

    def set_child(self, child: Optional[int]) -> None:
        self._child = child
        self.child_combo.setCurrentIndex(max(0, self.child_combo.findData(child)))
        self.rebuild()

    @property
    def child(self) -> Optional[int]:
        return self._child

    def rebuild(self) -> None:
        snap = self.snapshot
        if snap is None or self._child is None or self.document is None:
            self.register = None
            self.table.setRowCount(0)
            self._set_enabled(False)
            self.homes_label.setText("Choose a child to see the adults around them.")
            self.alert.hide()
            return
        with self.document.read() as session:
            entries = load_entries(session, self._child)
        reg = self.register = build_register(snap, self._child, self.as_at, entries)
        self.as_at_label.setText(f"  as at {fmt_day(reg.as_at)}")
        self.homes_label.setText(f"{reg.child_name} {reg.homes_text}." if reg.homes else
                                 f"No home recorded for {reg.child_name} on this date.")
        self._fill_table(reg)
        self._fill_side(reg)
        self._set_enabled(True)
        self._selection_changed()

    def _fill_table(self, reg: Register) -> None:
        selected = set(self.selected_adults())
        warn = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(reg.adults))
        bold = QFont()
        bold.setBold(True)
        for r, a in enumerate(reg.adults):
            texts = list(row_texts(a))
            if a.risks:
                texts[7] = "RISK: " + a.risk_text
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.person)
                item.setToolTip(text)
                if a.risks:
                    item.setBackground(QBrush(RISK_BG))
                elif a.restrictions:
                    item.setBackground(QBrush(RESTRICT_BG))
                if c == 0 and (a.risks or a.restrictions):
                    item.setIcon(warn)
                if c == 0 or (c == 7 and a.risks) or (c == 4 and a.restrictions) or (c == 5 and a.warnings):
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(self.table.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 230))
        self.table.resizeRowsToContents()
        for r, a in enumerate(reg.adults):
            if a.person in selected:
                self.table.selectRow(r)
        n_risk = sum(1 for a in reg.adults if a.risks)
        barred = [a for a in reg.adults if a.restrictions]
        bits = []
        if n_risk:
            names = ", ".join(a.name for a in reg.adults if a.risks)
            bits.append(f"⚠ RISK — {n_risk} adult{'s' if n_risk != 1 else ''} with a risk flag or harm "
                        f"recorded: {names}.")
        for a in barred:
            bits.append(f"{a.name}: {'; '.join(r.upper() for r in a.restrictions)}.")
        for a in reg.adults:
            bits += [f"{a.name}: {w}." for w in a.warnings]
        self.alert.setText("  ".join(bits))
        self.alert.setVisible(bool(bits))

    def _fill_side(self, reg: Register) -> None:
        self.sibling_title.setText(f"Brothers and sisters ({len(reg.siblings)})")
        self.siblings.setRowCount(len(reg.siblings))
        for r, s in enumerate(reg.siblings):
            for c, text in enumerate((s.name, s.relationship, s.household_text)):
                self.siblings.setItem(r, c, QTableWidgetItem(text))
        self.siblings.resizeColumnsToContents()
        due = reg.due_for_review()
        self.review_title.setText(f"Annual review: {len(due)} not checked in the last {REVIEW_MONTHS} months")
        self.review.clear()
        for a in due:
            self.review.addItem(f"☐ {a.name} ({a.relationship}) — last checked {fmt_day(a.last_checked) or 'never'}")
        if not due:
            self.review.addItem("Every entry was checked in the last 12 months.")

    def _set_enabled(self, on: bool) -> None:
        for w in (self.add_button, self.check_button, self.pdf_button, self.editor):
            w.setEnabled(on)

    # -- selection and the entry editor ------------------------------------------
    def selected_adults(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedItems()})
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows if self.table.item(r, 0)]

    def select_adult(self, pid: int) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == pid:
                self.table.selectRow(r)
                return
        raise KeyError(pid)

    def _selection_changed(self) -> None:
        sel = self.selected_adults()
        self.editor.setEnabled(len(sel) == 1)
        self.entry_error.clear()
        if len(sel) != 1 or self.register is None:
            self.editor.setTitle("Register entry (choose one adult)")
            return
        a = self.register.adult(sel[0])
        self.editor.setTitle(f"Register entry: {a.name}")
        self.may_collect.setCurrentIndex(self.may_collect.findData(a.may_collect_recorded))
        self.priority.setValue(a.emergency_priority or 0)
        entry_contact = a.contact.split("; Contact by court order")[0] if a.contact else ""
        self.contact.setText("" if entry_contact.startswith("Contact by court order") else entry_contact)
        stored = next((r for r in ContactRestriction if r.label in a.restrictions), ContactRestriction.NONE)
        self.restriction.setCurrentIndex(self.restriction.findData(stored))
        self.notes.setText(a.notes)
        self.last_checked.set_date(a.last_checked)

    def apply_entry(self) -> bool:
        sel = self.selected_adults()
        if len(sel) != 1 or self._child is None:
            return False
        try:
            fields = dict(may_collect=self.may_collect.currentData(), emergency_priority=self.priority.value() or None,
                          contact_arrangement=self.contact.text().strip(), restriction=self.restriction.currentData(),
                          notes=self.notes.text().strip(), last_checked=self.last_checked.date_value())
            self._run(set_entry_command(self._child, sel[0], **fields))
        except Exception as exc:  # noqa: BLE001 - shown beside the form; nothing was written
            self.entry_error.setText(str(exc))
            return False
        return True

    def mark_checked_today(self) -> int:
        if self.register is None or self._child is None:
            return 0
        adults = self.selected_adults() or [a.person for a in self.register.adults]
        if adults:
            self._run(mark_checked_command(self._child, adults, date.today()))
        return len(adults)

    # -- add adult --------------------------------------------------------------
    def add_adult_dialog(self):
        from genomap.ui.dialogs.add_adult import add_adult_dialog

        if self.snapshot is None or self._child is None:
            return None
        snap, child = self.snapshot, self._child
        parents = [(snap.person(l.parent).name, l.parent) for l in snap.parent_links if l.child == child]
        homes = [(label, hid) for hid, label, _k in (self.register.homes if self.register else ())]
        others = sorted(((h.label or "Household", h.id) for h in snap.households
                         if h.id not in {hid for _l, hid in homes}), key=lambda x: x[0].lower())

        def accept(v: dict) -> Any:
            return self._run(add_adult_command(self.case_id, child, **v))

        self.dialog = add_adult_dialog(self, snap.person(child).name, parents, homes + others, accept)
        self.dialog.setModal(False)
        self.dialog.show()
        return self.dialog

    # -- PDF ----------------------------------------------------------------------
    def save_pdf_dialog(self) -> None:
        if self.register is None:
            return
        name = "".join(ch if ch.isalnum() else "-" for ch in self.register.child_name).strip("-")
        path, _ = QFileDialog.getSaveFileName(self, "Save 'Who is around this child' PDF",
                                              f"Who-is-around-{name}.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf(path)

    def save_pdf(self, path, profile: str = "professionals") -> Path:
        from genomap.render.register_pdf import export_register_pdf

        result = export_register_pdf(self.document, self.case_id, self._child, path, as_at=self.as_at,
                                     redact_profile=profile)
        self.pdf_written.emit(result.path)
        return result.path


def install_register_view(window) -> RegisterPanel:
    """Add the "Significant adults" dock to the main window and keep it in step with it."""
    panel = RegisterPanel(window.run)
    dock = window._dock("register", "Significant adults", panel, Qt.DockWidgetArea.RightDockWidgetArea)
    window.tabifyDockWidget(window.chronology_dock, dock)
    window.register_panel, window.register_dock = panel, dock
    if isinstance(getattr(window, "docks", None), list):
        window.docks.append(dock)

    def update() -> None:
        panel.set_context(window.document, window.case_id, window.snapshot, window.as_at)

    def drawn(*_args) -> None:  # a new view date redraws the genogram without a refresh
        if panel.as_at != window.as_at or panel.snapshot is not window.snapshot:
            update()

    def first_refresh() -> None:
        scheduler = getattr(window, "scheduler", None)  # made after the docks
        if scheduler is not None and not getattr(panel, "_follows_drawings", False):
            scheduler.drawing_ready.connect(drawn)
            panel._follows_drawings = True

    window.refreshed.connect(first_refresh)
    window.refreshed.connect(update)
    asat = getattr(window, "asat", None)
    if asat is not None and hasattr(asat, "date_changed"):
        # after the window has taken the new date
        asat.date_changed.connect(lambda _d: QTimer.singleShot(0, update))
    panel.pdf_written.connect(lambda p: window.statusBar().showMessage(f"Saved {Path(p).name}", 4000))
    return panel
