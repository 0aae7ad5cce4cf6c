"""The GenoMap main window: genogram in the centre, docks around it, every edit undoable.

Data flows one way.  An action builds a :class:`~genomap.commands.Command` and
runs it through the :class:`~genomap.ui.undo.UndoController`; the document
commits it (the file is up to date at once: there is no Save) and tells its
listeners; :meth:`MainWindow.refresh` reloads the case snapshot, updates the
docks and asks the :class:`~genomap.ui.workers.DrawScheduler` for a new drawing,
which the :class:`~genomap.ui.canvas.GenogramView` shows keeping zoom and
selection.  Dialogs open non-modally (``self.dialog``) and context menus pop up
without blocking (``self.context_menu``), so the window never waits on them.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QByteArray, QPoint, QPointF, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QDockWidget, QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit,
    QMainWindow, QMenu, QPushButton, QSizePolicy, QStackedWidget, QTabBar, QToolBar, QVBoxLayout, QWidget,
)

from genomap import APP_NAME
from genomap.commands import Command, CommandError, command, edits
from genomap.errors import GraphvizMissing, is_user_facing
from genomap.model.dates import PartialDateError
from genomap.store.document import Document, StoreError, ValidationError
from genomap.ui import data
from genomap.drawing.overlays import OVERLAY_KINDS, OVERLAY_LABELS, OverlayOptions, add_overlays, without_layers
from genomap.ui.actions import build_actions
from genomap.ui.agencies_view import AgenciesTimelineView, ResidenceTimeline
from genomap.ui.asat import AsAtControl, DrawRequest, draw_request
from genomap.ui.canvas import GenogramView
from genomap.ui.connections_view import install_connections
from genomap.ui.crash import CalmErrorDialog
from genomap.ui.dialogs import family as family_dialogs
from genomap.ui.dialogs import help as help_dialogs
from genomap.ui.dialogs import quick_guide
from genomap.ui.dialogs import settings as settings_dialog
from genomap.ui.dialogs.base import FormDialog
from genomap.ui.docks.details import DetailsPanel
from genomap.ui.docks.people import PeoplePanel
from genomap.ui.docks.records import AgenciesPanel, ChronologyPanel, HouseholdsPanel
from genomap.ui.ecomap_view import EcomapView
from genomap.ui.icons import app_icon, icon
from genomap.ui.risk_banner import RiskBanner
from genomap.ui.undo import UndoController
from genomap.ui.welcome import WelcomePage
from genomap.ui.workers import DrawScheduler

log = logging.getLogger(__name__)

FILE_FILTER = "GenoMap family maps (*.genomap);;All files (*)"
MAX_RECENT = 8
Ref = tuple[str, int]


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)


def data_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def _draw(request):
    return draw_request(request)


MOVES_PERIODS = (6, 12, 24, 36)  # months the moves overlay can count over


class MainWindow(QMainWindow):
    refreshed = Signal()  # the docks and the genogram show the document's current state

    def __init__(self, settings: Optional[QSettings] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.settings = settings or app_settings()
        self.document: Optional[Document] = None
        self.undo: Optional[UndoController] = None
        self.case_id: Optional[int] = None
        self.snapshot = None
        self.drawing = None
        self.dialog: Optional[QDialog] = None  # the dialog opened last (non-modal)
        self.context_menu: Optional[QMenu] = None  # the context menu shown last
        self._selection: list[Ref] = []
        self._syncing = False
        self._find_hits: list[Ref] = []
        self._find_index = 0
        self._drawing_problem = ""
        self._chrome_shown = True
        # the view date and overlays (see genomap.ui.asat / genomap.drawing.overlays)
        self.as_at: date = date.today()
        months = self.settings.value("view/moves_months", 12, type=int)
        # what the user has switched on (exports and print use exactly these); the canvas always
        # gets every overlay layer so switching one is instant (set_layer_visible, no redraw)
        self.overlay_options = OverlayOptions(
            moves_months=months if months in MOVES_PERIODS else 12,
            **{k: self.settings.value(f"view/{k}", True, type=bool) for k in OVERLAY_KINDS})
        self.base_drawing = None  # the genogram without overlays, for overlay-only redraws
        self.full_drawing = None  # with every overlay (the canvas hides the switched-off layers)
        self._highlight: list[Ref] = []  # people a chosen chronology entry concerns

        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")
        self.setDockNestingEnabled(True)
        self.actions_by_name = build_actions(self)
        self._build_central()
        self._build_docks()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        from genomap.ui.export_actions import install as install_export_actions

        install_export_actions(self)  # File > Export… and Print… (genomap.ui.export_actions)
        from genomap.ui.register_view import install_register_view

        install_register_view(self)  # the "Significant adults" dock (genomap.register)
        self.connections = install_connections(self)  # markers, dock, match alerts (genomap.ui.connections_view)

        self.scheduler = DrawScheduler(_draw, parent=self)
        self.scheduler.drawing_ready.connect(self._drawing_ready)
        self.scheduler.drawing_failed.connect(self._drawing_failed)
        self.scheduler.busy_changed.connect(lambda busy: self.busy_label.setVisible(busy))

        self.resize(1280, 800)
        self._restore_window_state()
        self._update_for_document()
        from genomap.ui.dialogs.passphrase import FileProtection
        from genomap.ui.lock import IdleLock

        self.protection = FileProtection(self)  # passphrases, backups (genomap.ui.dialogs.passphrase)
        self.idle_lock = IdleLock(self)  # lock on idle (genomap.ui.lock)

    # ================================================================ building
    def _build_central(self) -> None:
        self.canvas = GenogramView()
        self.canvas.setObjectName("genogram")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        canvas_page = QWidget()
        v = QVBoxLayout(canvas_page)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.banner)
        self.risk_banner = RiskBanner(self.settings)  # one line; "Details ▾" opens the full text
        v.addWidget(self.risk_banner)
        v.addWidget(self.canvas, 1)
        self.welcome = WelcomePage()
        self.central = QStackedWidget()
        self.central.addWidget(self.welcome)
        self.central.addWidget(canvas_page)
        self.setCentralWidget(self.central)

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        a = self.actions_by_name
        self.people = PeoplePanel()
        self.details = DetailsPanel(self.run)
        a["move_household"].setIconText("Move person")  # beside "Add household" in a narrow dock
        self.households = HouseholdsPanel([a["add_household"], a["move_household"]])
        self.agencies = AgenciesPanel([a["add_involvement"]])
        self.chronology = ChronologyPanel([a["add_event"]])
        self.agencies_timeline = AgenciesTimelineView()
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.people_dock = self._dock("people", "People", self.people, left)
        self.households_dock = self._dock("households", "Households && residence", self.households, left)
        self.details_dock = self._dock("details", "Details", self.details, right)
        self.agencies_dock = self._dock("agencies", "Agencies && involvement", self.agencies, right)
        self.chronology_dock = self._dock("chronology", "Chronology", self.chronology, right)
        self.tabifyDockWidget(self.agencies_dock, self.chronology_dock)
        self.timeline_dock = self._dock("agencies_timeline", "Agencies over time", self.agencies_timeline,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.ecomap = EcomapView()
        self.ecomap_dock = self._dock("ecomap", "Ecomap", self.ecomap, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.timeline_dock, self.ecomap_dock)
        self.timeline_dock.hide()
        self.ecomap_dock.hide()
        self.agencies_dock.raise_()
        self.splitDockWidget(self.people_dock, self.households_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.people_dock, self.details_dock], [300, 340], Qt.Orientation.Horizontal)
        self.resizeDocks([self.details_dock, self.agencies_dock], [520, 240], Qt.Orientation.Vertical)
        self.docks = [self.people_dock, self.households_dock, self.details_dock, self.agencies_dock,
                      self.chronology_dock, self.timeline_dock, self.ecomap_dock]
        self.residence_timeline = ResidenceTimeline()
        self.details.layout().insertWidget(self.details.layout().count() - 1, self.residence_timeline)
        self.residence_timeline.hide()

    def _build_menus(self) -> None:
        a = self.actions_by_name
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a["new"], a["open"]])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menu_recent")
        file_menu.addAction(a["add_case"])
        file_menu.addSeparator()
        file_menu.addActions([a["save_copy"], a["export"]])
        file_menu.addSeparator()
        file_menu.addActions([a["close"], a["quit"]])
        file_menu.setToolTipsVisible(True)
        a["export"].setEnabled(False)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([a["undo"], a["redo"]])
        edit_menu.addSeparator()
        edit_menu.addActions([a["edit"], a["delete"]])
        edit_menu.addSeparator()
        edit_menu.addAction(a["find"])

        view_menu = bar.addMenu("&View")
        view_menu.addActions([a["zoom_in"], a["zoom_out"], a["fit"]])
        view_menu.addSeparator()
        view_menu.addActions([a["show_households"], a["show_ties"]])
        view_menu.addSeparator()
        for kind in OVERLAY_KINDS:
            act = QAction(OVERLAY_LABELS[kind], self)
            act.setObjectName(f"action_overlay_{kind}")
            act.setCheckable(True)
            act.setStatusTip(f"Show {OVERLAY_LABELS[kind].lower()} on the genogram")
            a[f"overlay_{kind}"] = act
            view_menu.addAction(act)
        moves_menu = view_menu.addMenu("Count moves over")
        moves_menu.setObjectName("menu_moves_period")
        from PySide6.QtGui import QActionGroup

        group = QActionGroup(self)
        for months in MOVES_PERIODS:
            act = moves_menu.addAction(f"the last {months} months")
            act.setCheckable(True)
            act.setChecked(months == self.overlay_options.moves_months)
            act.setObjectName(f"action_moves_{months}")
            group.addAction(act)
            act.triggered.connect(lambda _c=False, m=months: self.set_moves_period(m))
        view_menu.addSeparator()
        panels = view_menu.addMenu("&Panels")
        panels.setObjectName("menu_panels")
        self.panels_menu = panels
        reset = QAction("Reset panel layout", self)
        reset.setObjectName("action_reset_layout")
        reset.setStatusTip("Put the panels back where they start: the genogram in the middle, lists left, details right")
        reset.triggered.connect(lambda _c=False: self.apply_default_layout())
        self.actions_by_name["reset_layout"] = reset
        panels.aboutToShow.connect(self._fill_panels_menu)  # docks installed later are listed too
        self._fill_panels_menu()

        family_menu = bar.addMenu("Fa&mily")
        family_menu.addActions([a["add_person"], a["add_partner"], a["add_child"], a["add_parents"],
                                a["add_sibling"], a["link_person"]])
        family_menu.addSeparator()
        family_menu.addActions([a["add_tie"], a["add_household"], a["move_household"], a["mark_deceased"]])
        family_menu.addSeparator()
        family_menu.addActions([a["add_involvement"], a["add_event"]])

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([a["shortcuts"], a["legend"]])
        help_menu.addSeparator()
        help_menu.addAction(a["about"])
        self.menus = {"file": file_menu, "edit": edit_menu, "view": view_menu, "family": family_menu,
                      "help": help_menu}
        settings_dialog.install_action(self, edit_menu)  # Edit > Settings…
        quick_guide.install_action(self, help_menu, before=a["shortcuts"])  # Help > Quick guide
        self.welcome.guide_requested.connect(self.actions_by_name["quick_guide"].trigger)

    def _build_toolbar(self) -> None:
        a = self.actions_by_name
        tb = QToolBar("Main toolbar", self)
        tb.setObjectName("toolbar_main")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        self.case_combo = QComboBox()
        self.case_combo.setObjectName("caseSelector")
        self.case_combo.setMinimumWidth(200)
        self.case_combo.setToolTip("Family maps in this file")
        self.case_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.case_label = QLabel("  Family map ")
        tb.addWidget(self.case_label)
        tb.addWidget(self.case_combo)
        tb.addSeparator()
        tb.addActions([a["undo"], a["redo"]])
        tb.addSeparator()
        tb.addActions([a["add_person"], a["add_partner"], a["add_child"], a["add_parents"], a["add_sibling"]])
        tb.addSeparator()
        tb.addActions([a["add_tie"], a["add_household"], a["add_involvement"], a["add_event"]])
        tb.addSeparator()
        tb.addActions([a["zoom_out"], a["zoom_in"], a["fit"]])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        self.find_field = QLineEdit()
        self.find_field.setObjectName("findField")
        self.find_field.setPlaceholderText("Find person…  (Ctrl+F)")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.setFixedWidth(220)
        self.find_field.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        tb.addWidget(self.find_field)
        self.toolbar = tb
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        asat_tb = QToolBar("View date", self)
        asat_tb.setObjectName("toolbar_asat")
        asat_tb.setMovable(False)
        self.asat = AsAtControl()
        asat_tb.addWidget(self.asat)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, asat_tb)
        self.asat_toolbar = asat_tb

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.busy_label = QLabel("Laying out…")
        self.busy_label.hide()
        self.saved_label = QLabel()
        self.saved_label.setObjectName("savedLabel")
        self.file_label = QLabel()
        self.count_label = QLabel()
        for w in (self.busy_label, self.saved_label, self.file_label, self.count_label):
            sb.addPermanentWidget(w)

    def _connect(self) -> None:
        a = self.actions_by_name
        slots: dict[str, Callable[[], Any]] = {
            "new": self.new_file_dialog, "open": self.open_file_dialog, "add_case": self.add_case_dialog,
            "save_copy": self.save_copy_dialog, "close": self.close_document, "quit": self.close,
            "undo": self.undo_step, "redo": self.redo_step, "delete": self.delete_selection,
            "edit": self.edit_selection, "find": self.focus_find,
            "zoom_in": self.canvas.zoom_in, "zoom_out": self.canvas.zoom_out, "fit": self.canvas.fit,
            "add_person": self.add_person, "add_partner": self.add_partner, "add_child": self.add_child,
            "add_parents": self.add_parents, "add_sibling": self.add_sibling,
            "link_person": self.link_person_dialog, "add_tie": self.add_tie_dialog,
            "add_household": self.add_household_dialog, "move_household": self.move_household_dialog,
            "mark_deceased": self.mark_deceased, "add_involvement": self.add_involvement_dialog,
            "add_event": self.add_event_dialog,
            "about": lambda: self.open_dialog(help_dialogs.about_dialog(self)),
            "shortcuts": lambda: self.open_dialog(help_dialogs.shortcuts_dialog(self, self.actions_by_name.values())),
            "legend": lambda: self.open_dialog(help_dialogs.legend_dialog(self, self.drawing)),
        }
        for name, slot in slots.items():
            a[name].triggered.connect(lambda _checked=False, s=slot: s())
        for name, layer in (("show_households", "households"), ("show_ties", "ties")):
            visible = self.settings.value(f"view/{layer}", True, type=bool)
            a[name].setChecked(visible)
            self.canvas.set_layer_visible(layer, visible)
            a[name].toggled.connect(lambda on, l=layer: self._set_layer(l, on))
        for kind in OVERLAY_KINDS:
            visible = self.settings.value(f"view/{kind}", True, type=bool)
            a[f"overlay_{kind}"].setChecked(visible)
            self.canvas.set_layer_visible(kind, visible)
            a[f"overlay_{kind}"].toggled.connect(lambda on, k=kind: self.set_overlay_visible(k, on))
        self.asat.date_changed.connect(self.set_as_at)
        self.chronology.entry_chosen.connect(self._chronology_chosen)
        self.risk_banner.person_clicked.connect(lambda pid: self.select([("person", pid)]))
        self.agencies_timeline.record_chosen.connect(self._record_chosen)
        self.ecomap.record_chosen.connect(self._record_chosen)
        self.welcome.demo_button.clicked.connect(self.open_demo)
        self.welcome.new_button.clicked.connect(self.new_file_dialog)
        self.welcome.open_button.clicked.connect(self.open_file_dialog)
        self.case_combo.activated.connect(lambda _i: self.set_case(self.case_combo.currentData()))
        self.find_field.returnPressed.connect(self.find_next)
        self.find_field.textChanged.connect(self._find_changed)
        self.canvas.selection_changed.connect(lambda refs: self._select(refs, source="canvas"))
        self.canvas.edit_requested.connect(self._edit_ref)
        self.canvas.context_menu_requested.connect(self.show_context_menu)
        self.people.selection_changed.connect(lambda refs: self._select(refs, source="people", center=True))
        self.people.activated.connect(self._edit_ref)
        for panel in (self.households, self.agencies, self.chronology):
            panel.selection_changed.connect(self._record_chosen)
        self.details.applied.connect(lambda _ref: self.statusBar().showMessage("Saved", 2000))
        self.details.save_refused.connect(lambda: self.statusBar().showMessage(
            "Your changes in Details were not saved: correct them or press Revert", 6000))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    # ================================================================ files
    def open_path(self, path: str | Path, passphrase=None) -> bool:
        """Open a family map file; a problem is explained calmly and the current file stays open.

        An encrypted file's passphrase is ``passphrase`` or asked for in a dialog.
        """
        from genomap.ui.dialogs import passphrase as passphrase_dialogs

        try:
            doc = Document.open(path, passphrase if passphrase is not None else passphrase_dialogs.gui_provider(self))
        except Exception as exc:  # noqa: BLE001 - shown to the user, details logged
            self._report(exc, f"GenoMap could not open {Path(path).name}.")
            return False
        self._attach(doc)
        self.protection.after_open(doc)  # automatic backup
        return True

    def create_file(self, path: str | Path, title: str, reference: str = "", passphrase=None) -> Document:
        """Create a new family map file holding one (empty) family map and show it."""
        path = Path(path).expanduser()
        if path.suffix.lower() != ".genomap":
            path = path.with_suffix(".genomap")
        doc = Document.create(path, passphrase)
        try:
            doc.edit("New family map", lambda s: edits.add_case(s, title or path.stem, reference))
        except Exception:
            doc.close()
            raise
        self._attach(doc)
        return doc

    def open_demo(self) -> bool:
        """Open the bundled fictional demo family (a fresh copy in the user's data folder)."""
        from genomap.demo import build_demo

        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "Demo family.genomap"
        if path.exists():
            try:
                path.unlink()
            except OSError:
                pass
        try:
            doc = Document.create(path)
            build_demo(doc)
        except Exception as exc:  # noqa: BLE001
            self._report(exc, "The demo family could not be opened.")
            return False
        self._attach(doc)
        return True

    def _attach(self, doc: Document) -> None:
        self.close_document()
        self.document = doc
        self.undo = UndoController(doc, self)
        self.undo.failed.connect(lambda msg: self.show_message("Undo", msg))
        stack = self.undo.stack
        stack.canUndoChanged.connect(lambda _b: self._update_undo_actions())
        stack.canRedoChanged.connect(lambda _b: self._update_undo_actions())
        stack.indexChanged.connect(lambda _i: self._update_undo_actions())
        doc.add_listener(self._document_changed)
        cases = data.list_cases(doc)
        if not cases:
            doc.edit("New family map", lambda s: edits.add_case(s, Path(doc.path or "Family").stem))
            cases = data.list_cases(doc)
        last = self.settings.value(f"cases/{doc.path}", None)
        case_id = next((c.id for c in cases if str(c.id) == str(last)), cases[0].id)
        if doc.path is not None:
            self._remember_recent(str(doc.path))
        log.info("opened a file with %d family maps", len(cases))
        self._fill_cases(cases, case_id)
        self.set_case(case_id, fit=True)

    def close_document(self) -> None:
        """Close the file (all work is already saved; nothing to ask)."""
        if self.document is None:
            return
        self.save_window_state()
        self.scheduler.invalidate()
        self.scheduler.wait(10000)
        doc, self.document = self.document, None
        doc.remove_listener(self._document_changed)
        if self.undo is not None:
            self.undo.clear()
            self.undo.deleteLater()
            self.undo = None
        self.case_id = None
        self.snapshot = None
        self.drawing = None
        self.full_drawing = None
        self.base_drawing = None
        self._selection = []
        self._highlight = []
        doc.close()
        self._update_for_document()

    def _fill_cases(self, cases, current: int) -> None:
        self.case_combo.blockSignals(True)
        self.case_combo.clear()
        for c in cases:
            self.case_combo.addItem(c.label, c.id)
        self.case_combo.setCurrentIndex(max(0, self.case_combo.findData(current)))
        self.case_combo.blockSignals(False)

    def set_case(self, case_id: Optional[int], fit: bool = False) -> None:
        if self.document is None or case_id is None:
            return
        self.case_id = int(case_id)
        if self.document.path is not None:
            self.settings.setValue(f"cases/{self.document.path}", self.case_id)
        self.case_combo.setCurrentIndex(max(0, self.case_combo.findData(self.case_id)))
        self._selection = []
        self.details.set_document(self.document, self.case_id, self.person_name)
        self.refresh()
        self._update_for_document()
        if fit:
            QTimer.singleShot(0, self.canvas.fit)

    # -- dialogs for files ----------------------------------------------------
    def new_file_dialog(self) -> QDialog:
        from genomap.ui.dialogs.new_file import new_file_dialog

        return new_file_dialog(self)  # with the passphrase choice (genomap.ui.dialogs.new_file)

    def _plain_new_file_dialog(self) -> FormDialog:
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

        def accept(values: dict) -> Any:
            title = values["title"] or "Family map"
            path = values["path"] or str(Path(docs) / f"{title}.genomap")
            try:
                return self.create_file(path, title, values["reference"])
            except StoreError as exc:
                raise CommandError(str(exc)) from exc
            except OSError as exc:
                raise CommandError(f"The file could not be created there ({exc.strerror or type(exc).__name__}).") from exc

        dlg = FormDialog("New family map", family_dialogs.new_map_specs(with_path=True), accept, self,
                         intro="A family map is kept in one file. Every change you make is saved "
                               "to it straight away.", ok_text="Create")
        path_field: QLineEdit = dlg.form.widget("path")  # type: ignore[assignment]
        title_field: QLineEdit = dlg.form.widget("title")  # type: ignore[assignment]
        touched = {"path": False}
        path_field.textEdited.connect(lambda _t: touched.update(path=True))

        def follow_title(text: str) -> None:
            if not touched["path"]:
                name = "".join(ch for ch in text if ch not in '\\/:*?"<>|').strip() or "Family map"
                path_field.setText(str(Path(docs) / f"{name}.genomap"))

        title_field.textChanged.connect(follow_title)
        follow_title("")
        browse = QPushButton("Choose where to save…")

        def choose() -> None:
            chosen, _ = QFileDialog.getSaveFileName(self, "New family map", path_field.text(), FILE_FILTER)
            if chosen:
                touched["path"] = True
                path_field.setText(chosen)

        browse.clicked.connect(choose)
        dlg._extra_layout.addWidget(browse, 0, Qt.AlignmentFlag.AlignRight)
        self.open_dialog(dlg)
        title_field.setFocus()
        return dlg

    def add_case_dialog(self) -> Optional[FormDialog]:
        if not self._need_document():
            return None

        def accept(values: dict) -> Any:
            title = values["title"] or "Family map"
            case_id = self.run(command(f"New family map {title}", edits.add_case, title, values["reference"]))
            self._fill_cases(data.list_cases(self.document), case_id)
            self.set_case(case_id, fit=True)
            return case_id

        dlg = FormDialog("Add family map", family_dialogs.new_map_specs(with_path=False), accept, self,
                         intro="Keep another family map in this file. People can be linked into both.",
                         ok_text="Add family map")
        self.open_dialog(dlg)
        return dlg

    def open_file_dialog(self) -> None:
        start = str(Path(self._recent()[0]).parent) if self._recent() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open family map", start, FILE_FILTER)
        if path:
            self.open_path(path)

    def save_copy_dialog(self) -> None:
        if not self._need_document():
            return
        suggested = str(Path(self.document.path).with_name(Path(self.document.path).stem + " (copy).genomap")) \
            if self.document.path else ""
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy", suggested, FILE_FILTER)
        if path:
            self.save_copy(path)

    def save_copy(self, path: str | Path) -> Optional[Path]:
        from genomap.store.files import save_copy

        try:
            written = save_copy(self.document, path)
        except Exception as exc:  # noqa: BLE001
            self._report(exc, "The copy could not be saved.")
            return None
        self.statusBar().showMessage(f"Copy saved as {Path(written).name}", 5000)
        return Path(written)

    # -- recent files ---------------------------------------------------------------
    def _recent(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember_recent(self, path: str) -> None:
        from genomap.privacy import remember_recent

        if not remember_recent(self.settings):  # file names may hold family names: a setting
            return
        recent = [p for p in self._recent() if p != path]
        recent.insert(0, path)
        self.settings.setValue("files/recent", recent[:MAX_RECENT])
        self.settings.setValue("files/last", path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in self._recent() if Path(p).exists()]
        for path in recent:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not recent:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    # ================================================================ refresh
    def _document_changed(self, change_set) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Reload the family map and update the docks; the genogram is redrawn from it."""
        if self.document is None or self.case_id is None:
            return
        try:
            self.snapshot = self.document.snapshot(self.case_id)
        except Exception as exc:  # noqa: BLE001
            self._report(exc, "The family map could not be read.")
            return
        self.people.set_snapshot(self.snapshot)
        self.households.set_snapshot(self.snapshot, data.unoccupied_households(self.document))
        self.agencies.set_snapshot(self.snapshot)
        self.chronology.set_snapshot(self.snapshot)
        self.agencies_timeline.set_snapshot(self.snapshot)
        self.agencies_timeline.set_as_at(self.as_at)
        self.ecomap.set_snapshot(self.snapshot, self.as_at)
        self._update_asat_range()
        self.details.refresh_after_change()
        self._update_status()
        self._update_title()
        self._update_date_views()
        self._request_draw()
        self.refreshed.emit()

    # ================================================================ view date and overlays
    def _request_draw(self) -> None:
        if self.snapshot is not None:
            every = self.overlay_options.only(OVERLAY_KINDS)
            self.scheduler.request(DrawRequest(self.snapshot, self.as_at, every))

    def _update_asat_range(self) -> None:
        from genomap.analysis.agencies import family_date_range
        from genomap.analysis.chronology import event_days

        lo, hi = family_date_range(self.snapshot)
        self.asat.set_range(min(lo, self.as_at), max(hi, self.as_at), event_days(self.chronology.entries))
        self.asat.set_date(self.as_at, emit=False)

    def set_as_at(self, day: date) -> None:
        """Show the family as at ``day``: redraw (cached layout), keep zoom and selection."""
        if self.asat.date() != day:
            self.asat.set_date(day, emit=False)
        if day == self.as_at and self.full_drawing is not None:
            return
        self.as_at = day
        self._update_date_views()
        self._request_draw()

    def _update_date_views(self) -> None:
        self.risk_banner.update_for(self.snapshot, self.as_at)
        self.agencies_timeline.set_as_at(self.as_at)
        self.ecomap.set_as_at(self.as_at)
        self._update_residence_timeline()

    def _update_residence_timeline(self) -> None:
        ref = self.details.ref
        if self.snapshot is not None and ref is not None and ref[0] == "person":
            self.residence_timeline.set_person(self.snapshot, ref[1], self.as_at)
            self.residence_timeline.show()
        else:
            self.residence_timeline.hide()

    def set_overlay_visible(self, kind: str, visible: bool) -> None:
        """Switch one overlay on or off: the canvas hides its layer (no redraw); the legend follows."""
        from dataclasses import replace

        self.canvas.set_layer_visible(kind, visible)
        self.settings.setValue(f"view/{kind}", visible)
        self.overlay_options = replace(self.overlay_options, **{kind: visible})
        action = self.actions_by_name.get(f"overlay_{kind}")
        if action is not None and action.isChecked() != visible:
            action.setChecked(visible)
        self._update_visible_drawing()

    def enabled_overlays(self) -> tuple[str, ...]:
        return tuple(k for k in OVERLAY_KINDS if self.canvas.is_layer_visible(k))

    def export_overlay_options(self) -> OverlayOptions:
        """What an export shows: exactly the overlays switched on, as at the view date."""
        return self.overlay_options

    def set_moves_period(self, months: int) -> None:
        """Count moves over the last ``months`` months: an overlay-only redraw (no new base drawing)."""
        from dataclasses import replace

        self.overlay_options = replace(self.overlay_options, moves_months=months)
        self.settings.setValue("view/moves_months", months)
        if self.base_drawing is not None and self.snapshot is not None:
            every = self.overlay_options.only(OVERLAY_KINDS)
            full = add_overlays(self.base_drawing, self.snapshot, self.as_at, every)
            self._show_drawing(full, self.base_drawing, self.snapshot, self.as_at)

    def _update_visible_drawing(self) -> None:
        if self.full_drawing is not None:
            hidden = [k for k in OVERLAY_KINDS if not self.canvas.is_layer_visible(k)]
            self.drawing = without_layers(self.full_drawing, hidden)

    def _chronology_chosen(self, entry) -> None:
        """A chronology entry was chosen: move the view date there and highlight who it concerns."""
        self._highlight = [("person", p) for p in entry.people] + [("household", h) for h in entry.households]
        self.set_as_at(entry.day)
        self._apply_highlight()

    def _apply_highlight(self) -> None:
        self._syncing = True
        try:
            refs = list(dict.fromkeys([*self._highlight, *self._selection]))
            self.canvas.select_refs(refs)
            people = [r for r in self._highlight if r[0] == "person"]
            if people:
                self.canvas.ensure_ref_visible(people[0])
        finally:
            self._syncing = False

    def _show_drawing(self, full, base, snapshot, as_at) -> None:
        self.full_drawing = full
        self.base_drawing = base
        self._update_visible_drawing()
        self._syncing = True
        try:
            self.canvas.set_drawing(full, snapshot, as_at)
            self.canvas.select_refs(list(dict.fromkeys([*self._selection, *self._highlight])))
        finally:
            self._syncing = False

    def _drawing_ready(self, result, request) -> None:
        if self._drawing_problem:
            self._drawing_problem = ""
            self.banner.hide()
        if hasattr(result, "drawing"):
            self._show_drawing(result.drawing, result.base, request.snapshot, request.as_at)
        else:  # a plain Drawing (a custom draw function)
            self._show_drawing(result, None, getattr(request, "snapshot", request), None)

    def _drawing_failed(self, exc: BaseException) -> None:
        if isinstance(exc, GraphvizMissing):
            message = str(exc)
        elif isinstance(exc, ImportError):
            message = "The genogram cannot be drawn in this version of GenoMap. Everything else works."
        else:
            log.error("drawing failed: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
            message = ("The genogram could not be drawn just now. Your family map is safe and saved; "
                       "you can keep editing it in the panels.")
        if message != self._drawing_problem:
            self._drawing_problem = message
            self.banner.setText(message)
            self.banner.show()

    def _update_status(self) -> None:
        if self.document is None:
            self.file_label.setText("")
            self.count_label.setText("")
            self.saved_label.setText("")
            return
        n = len(self.snapshot.people) if self.snapshot is not None else 0
        self.file_label.setText(Path(self.document.path).name if self.document.path else "Unsaved")
        self.count_label.setText(f"{n} {'person' if n == 1 else 'people'}")
        self.saved_label.setText("All changes saved")

    def _update_title(self) -> None:
        if self.document is None:
            self.setWindowTitle(APP_NAME)
            return
        parts = []
        title = self.case_combo.currentText()
        if self.snapshot is not None and self.snapshot.title:
            title = self.snapshot.title
        if title:
            parts.append(title)
        if self.document.path is not None:
            parts.append(Path(self.document.path).name)
        parts.append(APP_NAME)
        self.setWindowTitle(" — ".join(parts))

    def _update_for_document(self) -> None:
        has_doc = self.document is not None
        self.central.setCurrentIndex(1 if has_doc else 0)
        self._show_chrome(has_doc)
        needs_doc = ["add_case", "save_copy", "close", "delete", "edit", "find", "zoom_in", "zoom_out", "fit",
                     "add_person", "add_partner", "add_child", "add_parents", "add_sibling", "link_person",
                     "add_tie", "add_household", "move_household", "mark_deceased", "add_involvement",
                     "add_event"]
        for name in needs_doc:
            self.actions_by_name[name].setEnabled(has_doc)
        self.case_combo.setEnabled(has_doc)
        self.find_field.setEnabled(has_doc)
        if not has_doc:
            self.people.set_snapshot(None)
            self.households.set_snapshot(None)
            self.agencies.set_snapshot(None)
            self.chronology.set_snapshot(None)
            self.agencies_timeline.set_snapshot(None)
            self.ecomap.set_snapshot(None)
            self.risk_banner.update_for(None, self.as_at)
            self.residence_timeline.hide()
            self.details.set_document(None, None, self.person_name)
            self.case_combo.clear()
            self.welcome.set_recent([p for p in self._recent() if Path(p).exists()], self.open_path)
        self._update_undo_actions()
        self._update_status()
        self._update_title()

    def _show_chrome(self, show: bool) -> None:
        """Docks are for a family map: the welcome page stands alone, the user's dock layout is kept."""
        if show == self._chrome_shown:
            return
        self._chrome_shown = show
        self.toolbar.setVisible(show)
        self.asat_toolbar.setVisible(show)  # no view date without a family map
        if show:
            state = self.settings.value("window/state")
            if isinstance(state, QByteArray) and not state.isEmpty():
                self.restoreState(state)
            else:
                self.apply_default_layout()
        else:
            for dock in self.docks:
                dock.hide()

    def _hide_stray_tab_bars(self) -> None:
        """Hide dock tab bars left over from an earlier arrangement.

        Qt keeps the tab bar of docks tabified before the window was first shown and
        can show it again on top of another dock; only bars whose tabs are exactly a
        visible group of tabbed docks belong on screen.
        """
        groups = []
        for dock in self.docks:
            if dock.isVisible() and not dock.isFloating():
                mates = [d for d in self.tabifiedDockWidgets(dock) if d.isVisible()]
                if mates:
                    groups.append({dock.windowTitle(), *(d.windowTitle() for d in mates)})
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            texts = {bar.tabText(i) for i in range(bar.count())}
            if bar.isVisible() and texts not in groups:
                bar.hide()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        QTimer.singleShot(0, self._hide_stray_tab_bars)

    def _fill_panels_menu(self) -> None:
        self.panels_menu.clear()
        for dock in self.docks:
            self.panels_menu.addAction(dock.toggleViewAction())
        self.panels_menu.addSeparator()
        self.panels_menu.addAction(self.actions_by_name["reset_layout"])

    def apply_default_layout(self) -> None:
        """The calm starting arrangement, with the genogram the largest area.

        Left: People above Households.  Right: Details, with Connections and
        Significant adults as tabs, above Agencies & involvement with Chronology as
        a tab.  The time views (Agencies over time, Ecomap) open from View > Panels.
        Other docks keep their place and whether they are shown.
        """
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        connections = getattr(getattr(self, "connections", None), "dock", None) or \
            self.findChild(QDockWidget, "dock_connections")
        register = getattr(self, "register_dock", None)
        hidden = (self.timeline_dock, self.ecomap_dock)
        shown = [d for d in (self.people_dock, self.households_dock, self.details_dock, connections, register,
                             self.agencies_dock, self.chronology_dock) if d is not None]
        for dock in (*shown, *hidden):
            dock.setFloating(False)
        self.addDockWidget(left, self.people_dock)
        self.splitDockWidget(self.people_dock, self.households_dock, Qt.Orientation.Vertical)
        self.addDockWidget(right, self.details_dock)
        self.splitDockWidget(self.details_dock, self.agencies_dock, Qt.Orientation.Vertical)
        last = self.details_dock
        for dock in (connections, register):
            if dock is not None:
                self.tabifyDockWidget(last, dock)
                last = dock
        self.tabifyDockWidget(self.agencies_dock, self.chronology_dock)
        if any(self.dockWidgetArea(d) != bottom for d in hidden):  # re-adding them leaves a stray tab bar
            self.addDockWidget(bottom, self.timeline_dock)
            self.tabifyDockWidget(self.timeline_dock, self.ecomap_dock)
        for dock in (*shown, *hidden):
            dock.setVisible(dock not in hidden)
        self.details_dock.raise_()
        self.agencies_dock.raise_()
        w, h = max(self.width(), 800), max(self.height(), 600)
        side = int(min(340, max(240, w * 0.205)))
        detail = int(min(460, max(330, w * 0.265)))
        self.resizeDocks([self.people_dock, self.details_dock], [side, detail], Qt.Orientation.Horizontal)
        self.resizeDocks([self.people_dock, self.households_dock], [int(h * 0.45), int(h * 0.55)],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.details_dock, self.agencies_dock], [int(h * 0.6), int(h * 0.4)],
                         Qt.Orientation.Vertical)
        self._hide_stray_tab_bars()
        QTimer.singleShot(0, self._hide_stray_tab_bars)  # after the layout has settled

    def _update_undo_actions(self) -> None:
        a = self.actions_by_name
        stack = self.undo.stack if self.undo is not None else None
        can_undo = bool(stack and stack.canUndo())
        can_redo = bool(stack and stack.canRedo())
        a["undo"].setEnabled(can_undo)
        a["redo"].setEnabled(can_redo)
        a["undo"].setText(f"&Undo {stack.undoText()}" if can_undo else "&Undo")
        a["redo"].setText(f"&Redo {stack.redoText()}" if can_redo else "&Redo")

    # ================================================================ selection
    def selected_refs(self) -> list[Ref]:
        return list(self._selection)

    def current_person(self) -> Optional[int]:
        for kind, row_id in self._selection:
            if kind == "person":
                return row_id
        return None

    def person_name(self, pid: Optional[int]) -> str:
        if pid is None:
            return ""
        if self.snapshot is not None:
            try:
                return self.snapshot.person(pid).name
            except KeyError:
                pass
        values = data.row_values(self.document, "person", pid) if self.document else None
        if values:
            name = " ".join(p for p in (values["given_names"], values["family_name"]) if p)
            return name or values["known_as"] or "(unnamed)"
        return "(unknown)"

    def select(self, refs: list[Ref], focus_field: Optional[str] = None) -> None:
        """Select records everywhere (genogram, People list, Details) and optionally focus a field."""
        self._select([tuple(r) for r in refs], source="window", center=True)
        if focus_field:
            self.details_dock.show()
            self.details_dock.raise_()
            self.details.focus_field(focus_field)

    def _select(self, refs: list, source: str, center: bool = False) -> None:
        if self._syncing:
            return
        refs = [tuple(r) for r in refs]
        self._highlight = []
        self._syncing = True
        try:
            self._selection = refs
            if source != "canvas":
                self.canvas.select_refs(refs)
                if center and len(refs) == 1 and refs[0][0] == "person":
                    self.canvas.ensure_ref_visible(refs[0])
            if source != "people":
                self.people.set_selected(refs)
        finally:
            self._syncing = False
        wanted = refs[0] if refs else None
        self.details.show_ref(wanted)
        if self.details.ref is not None and self.details.ref != wanted:
            # Details kept a record whose changes were refused: select it again so what is
            # highlighted is what the form shows (and what Delete would act on).
            self._select([self.details.ref], source="window")
        self._update_residence_timeline()

    def _record_chosen(self, ref) -> None:
        if ref is None:
            return
        ref = tuple(ref)
        if ref[0] == "household":
            self._syncing = True
            try:
                self.canvas.select_refs([ref])
            finally:
                self._syncing = False
        self._selection = [ref]
        self._highlight = []
        self.people.set_selected([])
        self.details.show_ref(ref)
        self._update_residence_timeline()

    def _edit_ref(self, ref) -> None:
        if ref is None:
            return
        self.select([tuple(ref)], focus_field="given_names" if ref[0] == "person" else None)

    def edit_selection(self) -> None:
        if self._selection:
            self._edit_ref(self._selection[0])

    # -- find -------------------------------------------------------------------------
    def focus_find(self) -> None:
        self.find_field.setFocus()
        self.find_field.selectAll()

    def _find_changed(self, _text: str) -> None:
        self._find_hits = []
        self._find_index = 0

    def find_next(self) -> Optional[Ref]:
        text = self.find_field.text().strip()
        if not text:
            return None
        if not self._find_hits:
            self._find_hits = self.canvas.find(text, reveal=False)
            if not self._find_hits and self.snapshot is not None:  # not drawn (yet): search the list
                needle = text.casefold()
                self._find_hits = [("person", p.id) for p in self.snapshot.people if needle in p.name.casefold()]
            self._find_index = 0
        if not self._find_hits:
            self.statusBar().showMessage(f"Nobody called “{text}” in this family map", 4000)
            return None
        ref = self._find_hits[self._find_index % len(self._find_hits)]
        self._find_index += 1
        self.canvas.center_on_ref(ref)
        self.select([ref])
        return ref

    # ================================================================ running commands
    def run(self, cmd: Command) -> Any:
        """Run a command through the undo stack (raises what the edit raised; nothing written then)."""
        if self.undo is None:
            raise CommandError("Open or create a family map first")
        result = self.undo.run(cmd)
        log.info("edit done: %s", cmd.description.split(" ")[0])
        return result

    def try_run(self, cmd: Command) -> tuple[bool, Any]:
        """Run a command from a menu action: a refusal is explained calmly instead of raised."""
        try:
            return True, self.run(cmd)
        except (ValidationError, PartialDateError, CommandError) as exc:
            self.show_message("That change was not made", _refusal_text(exc))
            return False, None

    def undo_step(self) -> None:
        if self.undo is not None and self.undo.undo():
            self.statusBar().showMessage(f"Undone", 2000)

    def redo_step(self) -> None:
        if self.undo is not None and self.undo.redo():
            self.statusBar().showMessage(f"Redone", 2000)

    def _need_document(self) -> bool:
        if self.document is None or self.case_id is None:
            self.show_message("No family map open", "Open or create a family map first.")
            return False
        return True

    def _need_person(self, what: str) -> Optional[int]:
        if not self._need_document():
            return None
        pid = self.current_person()
        if pid is None:
            self.show_message(what, "Select a person on the genogram or in the People list first.")
        return pid

    def _new_person_selected(self, pid: Optional[int], field: str = "given_names") -> None:
        if pid is not None:
            self.select([("person", pid)], focus_field=field)
            self.statusBar().showMessage("Added — type the name and press Enter", 4000)

    # ================================================================ family actions
    def add_person(self, scene_pos: Optional[QPointF] = None) -> Optional[int]:
        if not self._need_document():
            return None
        ok, pid = self.try_run(command("Add person", edits.add_person, self.case_id))
        self._new_person_selected(pid if ok else None)
        return pid

    def partners_of(self, pid: int) -> list[tuple[int, Any]]:
        """(partner id, partnership) for each recorded partner, earliest partnership first."""
        if self.snapshot is None:
            return []
        out = []
        for r in self.snapshot.partnerships:
            if pid in (r.a, r.b):
                out.append((r.b if r.a == pid else r.a, r))
        return sorted(out, key=lambda pr: (pr[1].start.sort_key() if pr[1].start else "", pr[1].id))

    def add_partner(self, pid: Optional[int] = None) -> Optional[int]:
        pid = pid if pid is not None else self._need_person("Add partner")
        if pid is None:
            return None
        ok, result = self.try_run(command("Add partner", edits.add_partner, self.case_id, pid))
        partner = result[0] if ok else None
        self._new_person_selected(partner)
        return partner

    def add_child(self, pid: Optional[int] = None, other: Optional[int] = None, ask: bool = True) -> Optional[int]:
        """Add a child of ``pid`` with ``other`` (a partner) or as a single parent (``other=SINGLE_PARENT``)."""
        pid = pid if pid is not None else self._need_person("Add child")
        if pid is None:
            return None
        if other is None:
            partners = self.partners_of(pid)
            if len(partners) == 1:
                other = partners[0][0]
            elif not partners:
                other = family_dialogs.SINGLE_PARENT
            elif ask:
                choices = [(f"with {self.person_name(p)}", p) for p, _r in reversed(partners)]
                dlg = family_dialogs.other_parent_dialog(
                    self, self.person_name(pid), choices,
                    lambda v: self._add_child_now(pid, v["other"]))
                self.open_dialog(dlg)
                return None
        return self._add_child_now(pid, other)

    def _add_child_now(self, pid: int, other: Optional[int]) -> Optional[int]:
        parents = [pid] if other in (None, family_dialogs.SINGLE_PARENT) else [pid, other]
        ok, child = self.try_run(command("Add child", edits.add_child, self.case_id, parents))
        self._new_person_selected(child if ok else None)
        return child

    def add_parents(self, pid: Optional[int] = None) -> Optional[tuple[int, int]]:
        pid = pid if pid is not None else self._need_person("Add parents")
        if pid is None:
            return None
        ok, result = self.try_run(command("Add parents", edits.add_parents, self.case_id, pid))
        if not ok:
            return None
        mother, father, _p = result
        self._new_person_selected(father)
        return mother, father

    def add_sibling(self, pid: Optional[int] = None) -> Optional[int]:
        pid = pid if pid is not None else self._need_person("Add sibling")
        if pid is None:
            return None
        ok, sib = self.try_run(command("Add sibling", edits.add_sibling, self.case_id, pid))
        self._new_person_selected(sib if ok else None)
        return sib

    def mark_deceased(self, pid: Optional[int] = None) -> None:
        pid = pid if pid is not None else self._need_person("Mark deceased")
        if pid is None:
            return
        ok, _ = self.try_run(command("Mark deceased", edits.mark_deceased, pid))
        if ok:
            self.select([("person", pid)], focus_field="death")

    def _people_choices(self, exclude: Optional[int] = None) -> list[tuple[str, int]]:
        if self.snapshot is None:
            return []
        people = sorted((p for p in self.snapshot.people if p.id != exclude), key=lambda p: p.name.lower())
        return [(p.name + (f"  ({p.birth})" if p.birth else ""), p.id) for p in people]

    def _household_choices(self) -> list[tuple[str, int]]:
        out = {}
        if self.snapshot is not None:
            for h in self.snapshot.households:
                out[h.id] = h.label or "Household"
        for hid, label in data.unoccupied_households(self.document) if self.document else []:
            out.setdefault(hid, label or "Household")
        return sorted(((label, hid) for hid, label in out.items()), key=lambda c: c[0].lower())

    def add_tie_dialog(self, pid: Optional[int] = None) -> Optional[FormDialog]:
        pid = pid if pid is not None else self._need_person("Add tie")
        if pid is None:
            return None

        def accept(v: dict) -> Any:
            fields = {k: v[k] for k in ("status", "start", "end", "source", "notes")}
            return self.run(command("Add tie", edits.add_tie, pid, v["target"], v["kind"], **fields))

        dlg = family_dialogs.tie_dialog(self, self.person_name(pid), self._people_choices(exclude=pid), accept)
        self.open_dialog(dlg)
        return dlg

    def add_household_dialog(self) -> Optional[FormDialog]:
        if not self._need_document():
            return None

        def accept(v: dict) -> Any:
            hid = self.run(command("Add household", edits.add_household, v["label"] or "Household", v["type"],
                                   v["address"], members=v["members"], start=v["start"]))
            self.statusBar().showMessage("Household added", 3000)
            return hid

        selected = [r[1] for r in self._selection if r[0] == "person"]
        dlg = family_dialogs.household_dialog(self, self._people_choices(), accept, checked=selected)
        self.open_dialog(dlg)
        dlg.form.focus("label")
        return dlg

    def move_household_dialog(self, pid: Optional[int] = None) -> Optional[FormDialog]:
        if not self._need_document():
            return None
        pid = pid if pid is not None else self.current_person()

        def accept(v: dict) -> Any:
            person = pid if pid is not None else v.get("person")
            if person is None:
                raise CommandError("Choose who moves")
            hid = v["household"]

            def edit(session):
                target = hid
                if target in (None, family_dialogs.NEW_HOUSEHOLD):
                    target = edits.add_household(session, v["new_label"] or "Household", v["new_type"])
                return edits.set_household(session, person, target, start=v["start"], kind=v["kind"])

            return self.run(command("Set household", edit))

        dlg = family_dialogs.move_dialog(self, self._people_choices(), self._household_choices(), accept,
                                         person=pid, person_name=self.person_name(pid) if pid else "")
        self.open_dialog(dlg)
        return dlg

    def link_person_dialog(self) -> Optional[FormDialog]:
        if not self._need_document():
            return None
        people = [(f"{name}  ({born})" if born else name, pid)
                  for pid, name, born in data.people_not_in_case(self.document, self.case_id)]
        if not people:
            self.show_message("Link existing person", "Everyone recorded in this file is already in this family map. "
                              "Add another family map to the file to link people between maps.")
            return None

        def accept(v: dict) -> Any:
            result = self.run(command("Link person", edits.link_person, self.case_id, v["person"], v["role"]))
            QTimer.singleShot(0, lambda: self.select([("person", v["person"])]))
            return result

        dlg = family_dialogs.link_person_dialog(self, people, accept)
        self.open_dialog(dlg)
        return dlg

    def add_involvement_dialog(self, target: Any = None) -> Optional[FormDialog]:
        if not self._need_document():
            return None
        targets = [(label, ("person", pid)) for label, pid in self._people_choices()]
        targets += [(f"Household: {label}", ("household", hid)) for label, hid in self._household_choices()]
        if target is None and self.current_person() is not None:
            target = ("person", self.current_person())

        def accept(v: dict) -> Any:
            kind, row_id = v["target"] if v["target"] else (None, None)
            if kind is None:
                raise CommandError("Choose who the agency works with")
            name = v["agency_name"] or v["agency_type"].label
            fields = {k: v[k] for k in ("role", "worker_name", "worker_contact", "start", "end")}
            where = {"person_id": row_id} if kind == "person" else {"household_id": row_id}
            return self.run(command("Add involvement", edits.add_agency_involvement, name, v["agency_type"],
                                    **where, **fields))

        dlg = family_dialogs.involvement_dialog(self, [n for _i, n, _t in data.agencies(self.document)],
                                                targets, accept, target)
        self.open_dialog(dlg)
        return dlg

    def add_event_dialog(self) -> Optional[FormDialog]:
        if not self._need_document():
            return None

        def accept(v: dict) -> Any:
            fields = {k: v[k] for k in ("description", "status", "source")}
            return self.run(command("Add event", edits.add_event, self.case_id, v["title"] or v["kind"].label,
                                    v["date"], v["kind"], person_ids=v["people"], **fields))

        selected = [r[1] for r in self._selection if r[0] == "person"]
        dlg = family_dialogs.event_dialog(self, self._people_choices(), accept, checked=selected)
        self.open_dialog(dlg)
        return dlg

    def delete_selection(self) -> bool:
        if not self._need_document() or not self._selection:
            return False
        refs = [r for r in self._selection if r[0] in edits.TABLES]
        case_id = self.case_id
        names = [self.person_name(r[1]) for r in refs if r[0] == "person"]
        keep_elsewhere = {r[1] for r in refs if r[0] == "person" and data.case_count_of_person(self.document, r[1]) > 1}

        def edit(session) -> None:
            for kind, row_id in refs:
                if kind == "person" and row_id in keep_elsewhere:
                    edits.remove_from_case(session, case_id, row_id)
                else:
                    edits.delete_row(session, kind, row_id)

        what = names[0] if len(names) == 1 and len(refs) == 1 else f"{len(refs)} items"
        ok, _ = self.try_run(command(f"Delete {what}", edit))
        if ok:
            self._select([], source="window")
            self.statusBar().showMessage(f"Deleted {what} — Undo (Ctrl+Z) brings it back", 5000)
        return ok

    # ================================================================ context menu
    def build_context_menu(self, ref: Optional[Ref], scene_pos: Optional[QPointF] = None) -> QMenu:
        a = self.actions_by_name
        menu = QMenu(self)
        menu.setObjectName("contextMenu")
        if ref is not None and ref[0] == "person":
            pid = ref[1]
            menu.addAction(icon("partner"), "Add partner", lambda: self.add_partner(pid))
            child_menu = menu.addMenu(icon("child"), "Add child")
            for partner, _r in reversed(self.partners_of(pid)):
                child_menu.addAction(f"with {self.person_name(partner)}",
                                     lambda p=partner: self.add_child(pid, p))
            child_menu.addAction("as a single parent", lambda: self.add_child(pid, family_dialogs.SINGLE_PARENT))
            menu.addAction(icon("parents"), "Add parents", lambda: self.add_parents(pid))
            menu.addAction(icon("sibling"), "Add sibling", lambda: self.add_sibling(pid))
            menu.addSeparator()
            menu.addAction(icon("tie"), "Add tie to…", lambda: self.add_tie_dialog(pid))
            menu.addAction(icon("move"), "Set household…", lambda: self.move_household_dialog(pid))
            menu.addAction(icon("agency"), "Add agency involvement…",
                           lambda: self.add_involvement_dialog(("person", pid)))
            menu.addAction(icon("deceased"), "Mark deceased", lambda: self.mark_deceased(pid))
            menu.addSeparator()
            menu.addAction("Edit", lambda: self._edit_ref(ref)).setShortcut(QKeySequence("F2"))
            menu.addAction(icon("delete"), "Delete", self.delete_selection).setShortcut(QKeySequence.StandardKey.Delete)
        elif ref is not None:
            menu.addAction("Edit", lambda: self.select([ref], focus_field=None))
            menu.addAction(icon("delete"), "Delete", self.delete_selection)
        else:
            menu.addAction(a["add_person"])
            menu.addAction(a["add_household"])
            menu.addAction(a["add_event"])
            menu.addSeparator()
            menu.addAction(a["fit"])
        return menu

    def show_context_menu(self, ref, global_pos: QPoint, scene_pos: Optional[QPointF] = None) -> QMenu:
        if self.document is None:
            return QMenu(self)
        if ref is not None:
            ref = tuple(ref)
            if ref not in self._selection:
                self._select([ref], source="window")
        if self.context_menu is not None:
            self.context_menu.close()
            self.context_menu.deleteLater()
        self.context_menu = self.build_context_menu(ref, scene_pos)
        self.context_menu.popup(global_pos)
        return self.context_menu

    # ================================================================ messages and dialogs
    def open_dialog(self, dlg: QDialog) -> QDialog:
        """Show a dialog without blocking (window-modal where the platform supports it)."""
        if self.dialog is not None and self.dialog is not dlg and self.dialog.isVisible():
            self.dialog.reject()
        self.dialog = dlg
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        dlg.open()
        return dlg

    def show_message(self, title: str, message: str) -> CalmErrorDialog:
        dlg = CalmErrorDialog(title, message, parent=self)
        return self.open_dialog(dlg)  # type: ignore[return-value]

    def _report(self, exc: BaseException, headline: str) -> None:
        if is_user_facing(exc):
            self.show_message("GenoMap", f"{headline} {exc}")
        else:
            log.error("%s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
            from genomap.ui.crash import describe_for_user

            message, detail = describe_for_user(exc)
            dlg = CalmErrorDialog("GenoMap", f"{headline} {message}", detail, self)
            self.open_dialog(dlg)

    # ================================================================ view and state
    def _set_layer(self, layer: str, visible: bool) -> None:
        self.canvas.set_layer_visible(layer, visible)
        self.settings.setValue(f"view/{layer}", visible)

    def _restore_window_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def save_window_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self._chrome_shown:  # the docks as the user arranged them, not the welcome page's
            self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        # Every change is already in the file: nothing to ask, just tidy up.
        self.save_window_state()
        if self.dialog is not None:
            self.dialog.reject()
        self.close_document()
        event.accept()


def _refusal_text(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f.message for f in exc.findings if f.is_error) or str(exc)
    return str(exc)
