"""Import dialogs: progress with cancel (import in a worker thread), CSV column mapping, the report.

For the File menu, call :func:`run_import_dialog` ``(parent, document)``: it
asks for a file (unless given one), shows the CSV mapping dialog for
spreadsheets, runs the import in a worker thread behind a progress dialog with
a Cancel button, and shows the import report.  It returns the
:class:`~genomap.formats.common.ImportReport` (``report.case_id`` is the map to
open) or ``None`` when the user cancelled or nothing was imported.

Threading: the importer runs in a ``QThread``; the window stays responsive.
Cancel sets a ``threading.Event`` that the importer checks between steps and
inside its one transaction, so a cancelled import writes nothing.  While it
runs, the document's listeners are held back and told about the committed
change on the GUI thread afterwards (listeners update widgets and must not run
in the worker).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QMessageBox, QProgressDialog,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from genomap.formats import ImportCancelled, ImportFailed, ImportReport, import_file, import_kind
from genomap.formats.common import ImportReport as _Report
from genomap.formats.csv_io import PERSON_FIELDS, guess_mapping, read_csv_table

FILE_FILTER = ("Family files (*.json *.ged *.gedcom *.csv *.tsv);;GenoMap exchange (*.json);;"
               "GEDCOM (*.ged *.gedcom);;Spreadsheet CSV (*.csv *.tsv);;All files (*)")
NOT_USED = "(not used)"


class _ImportWorker(QObject):
    progress = Signal(int, int)
    finished = Signal(object)  # ImportReport
    failed = Signal(object)  # exception

    def __init__(self, run: Callable[..., ImportReport]):
        super().__init__()
        self._run = run
        self.cancel_event = threading.Event()

    @Slot()
    def work(self) -> None:  # worker thread
        try:
            report = self._run(progress=self.progress.emit, cancel=self.cancel_event)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self.failed.emit(exc)
        else:
            self.finished.emit(report)


class ImportProgressDialog(QProgressDialog):
    """Runs ``run(progress=..., cancel=...)`` in a worker thread; Cancel leaves the file unchanged."""

    def __init__(self, run: Callable[..., ImportReport], label: str, document=None,
                 parent: Optional[QWidget] = None):
        super().__init__(label, "Cancel", 0, 100, parent)
        self.setWindowTitle("Importing")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.report: Optional[ImportReport] = None
        self.last_progress: Optional[tuple[int, int]] = None
        self.error: Optional[BaseException] = None
        self._document = document
        self._held: list = []
        self._changes: list = []
        self._thread = QThread(self)
        self._worker = _ImportWorker(run)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.work)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self.canceled.connect(self._on_cancel)

    # -- running ------------------------------------------------------------
    def start(self) -> None:
        self._hold_listeners()
        self._thread.start()

    def exec(self) -> int:  # noqa: A003 - Qt name
        self.start()
        return super().exec()

    def cancel_requested(self) -> bool:
        return self._worker.cancel_event.is_set()

    @Slot()
    def _on_cancel(self) -> None:
        self._worker.cancel_event.set()
        self.setLabelText("Cancelling... nothing will be imported.")

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.last_progress = (done, total)
        if total > 0 and not self.cancel_requested():
            self.setValue(min(99, int(done * 100 / total)))

    @Slot(object)
    def _on_finished(self, report: ImportReport) -> None:
        self.report = report
        self._end(QDialog.DialogCode.Accepted)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        self._end(QDialog.DialogCode.Rejected)

    def _end(self, code) -> None:
        self._thread.quit()
        self._thread.wait()
        self._release_listeners()
        self.setValue(100)
        self.done(int(code.value) if hasattr(code, "value") else int(code))

    # -- document listeners stay on the GUI thread ------------------------------
    def _hold_listeners(self) -> None:
        doc = self._document
        if doc is None:
            return
        self._held = list(getattr(doc, "_listeners", []))
        for fn in self._held:
            doc.remove_listener(fn)
        doc.add_listener(self._changes.append)

    def _release_listeners(self) -> None:
        doc = self._document
        if doc is None:
            return
        doc.remove_listener(self._changes.append)
        for fn in self._held:
            doc.add_listener(fn)
        for change_set in self._changes:
            for fn in self._held:
                try:
                    fn(change_set)
                except Exception:  # noqa: BLE001 - as Document._notify: never undo a commit
                    import logging

                    logging.getLogger(__name__).exception("document listener failed")
        self._held, self._changes = [], []


class CsvMappingDialog(QDialog):
    """Choose which CSV column fills each GenoMap field; shows the first rows as a preview."""

    def __init__(self, headers: list[str], rows: list[list[str]], mapping: Optional[dict[str, str]] = None,
                 parent: Optional[QWidget] = None, source: str = ""):
        super().__init__(parent)
        self.setWindowTitle(f"Import people from {source}" if source else "Import people from a spreadsheet")
        self.headers = headers
        mapping = guess_mapping(headers) if mapping is None else mapping
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Match the spreadsheet's columns to GenoMap. Columns that are not used are kept "
                                "in each person's notes."))
        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        for field, (label, _names) in PERSON_FIELDS.items():
            combo = QComboBox(self)
            combo.addItem(NOT_USED)
            combo.addItems(headers)
            if mapping.get(field) in headers:
                combo.setCurrentText(mapping[field])
            combo.setObjectName(f"map_{field}")
            form.addRow(label, combo)
            self.combos[field] = combo
        layout.addLayout(form)
        preview = QTableWidget(min(len(rows), 5), len(headers), self)
        preview.setHorizontalHeaderLabels(headers)
        for r, cells in enumerate(rows[:5]):
            for c, value in enumerate(cells[: len(headers)]):
                preview.setItem(r, c, QTableWidgetItem(value))
        preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        preview.setMaximumHeight(160)
        layout.addWidget(preview)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #b91c1c")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def mapping(self) -> dict[str, str]:
        return {f: c.currentText() for f, c in self.combos.items() if c.currentText() != NOT_USED}

    def _accept(self) -> None:
        m = self.mapping()
        used = list(m.values())
        dupes = sorted({h for h in used if used.count(h) > 1})
        if not m:
            self.problem.setText("Choose at least one column.")
            return
        if dupes:
            self.problem.setText(f"Each column can fill one field only: {', '.join(dupes)}")
            return
        self.accept()


def show_report(parent: Optional[QWidget], report: ImportReport, failed: bool = False) -> None:
    """The import report in a message box (summary on top, the full list under 'Show Details')."""
    box = QMessageBox(parent)
    box.setWindowTitle("Import failed" if failed else "Import finished")
    box.setIcon(QMessageBox.Icon.Warning if failed or report.warnings else QMessageBox.Icon.Information)
    lines = report.summary(max_issues=0).split("\n")
    box.setText(lines[0])
    box.setInformativeText("\n".join(lines[1:3]))
    box.setDetailedText(report.summary(max_issues=500))
    box.exec()


def run_import_dialog(parent: Optional[QWidget], document, path: Optional[str] = None,
                      case_ref: Optional[str] = None, show: bool = True) -> Optional[ImportReport]:
    """File > Import...: pick a file, map CSV columns, import with progress and Cancel, show the report."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import a family", "", FILE_FILTER)
        if not path:
            return None
    kind = import_kind(path)
    mapping = None
    if kind == "csv":
        probe = _Report(source=Path(path).name)
        try:
            headers, rows = read_csv_table(Path(path).read_bytes(), probe)
        except OSError as exc:
            probe.error(f"cannot read the file: {exc.strerror or exc}")
            headers, rows = [], []
        if not probe.ok:
            if show:
                show_report(parent, probe, failed=True)
            return None
        dialog = CsvMappingDialog(headers, [cells for _line, cells in rows], parent=parent,
                                  source=Path(path).name)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        mapping = dialog.mapping()

    def run(progress, cancel):
        return import_file(document, path, case_ref=case_ref, mapping=mapping, progress=progress, cancel=cancel)

    progress = ImportProgressDialog(run, f"Importing {Path(path).name}...", document, parent)
    progress.exec()
    if progress.report is not None:
        if show:
            show_report(parent, progress.report)
        return progress.report
    exc = progress.error
    if isinstance(exc, ImportFailed):
        if show:
            show_report(parent, exc.report, failed=True)
    elif isinstance(exc, ImportCancelled):
        pass
    elif exc is not None:
        from genomap.errors import is_user_facing

        if not is_user_facing(exc):
            raise exc
        if show:
            QMessageBox.warning(parent, "Import failed", str(exc))
    return None
