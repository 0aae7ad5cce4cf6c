"""File > Export…: the genogram as PDF (with appendix), PNG or SVG, with redaction.

The dialog only gathers choices; :func:`genomap.export.export_case` does the work
(redact the family data, draw it with the same pipeline as the screen, render,
write to a temporary file beside the target and move it into place).  The export
runs on a worker thread with a busy indicator so the window never freezes; the
suggested file name is built from redacted values only (never a person's name).
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QSettings, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from genomap.errors import is_user_facing

FORMATS = [("PDF document (genogram, key and appendix)", "pdf"), ("PNG image", "png"), ("SVG drawing", "svg")]
PAPERS = ["A4", "A3"]
ORIENTATIONS = [("Automatic (landscape for wide families)", None), ("Portrait", False), ("Landscape", True)]


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _ExportJob(QRunnable):
    def __init__(self, fn: Callable[[], object]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:  # worker thread
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class ExportDialog(QDialog):
    """Choose format, file, paper, redaction profile and appendix; then export."""

    exported = Signal(object)  # ExportResult

    def __init__(self, document, case_id: int, as_at: Optional[date], settings: QSettings,
                 profiles: list[str], snapshot=None, draw: Optional[Callable] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Export family map")
        self.setObjectName("dialog_export")
        self.document, self.case_id, self.as_at, self.settings = document, case_id, as_at, settings
        self.snapshot = snapshot
        self.draw = draw  # the screen's drawing pipeline (base genogram + current overlays)
        self.result_value = None
        self.error_text = ""
        self._user_edited_path = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        intro = QLabel(
            "The export is drawn exactly like the screen. A redaction profile removes what the "
            "audience must not see from the file itself, not just from view."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.format = QComboBox(objectName="export_format")
        for label, value in FORMATS:
            self.format.addItem(label, value)
        self.profile = QComboBox(objectName="export_profile")
        for name in profiles:
            self.profile.addItem(name.capitalize() if name.islower() else name, name)
        default_profile = str(settings.value("export/redaction_profile", "professionals"))
        idx = self.profile.findData(default_profile)
        self.profile.setCurrentIndex(max(idx, 0))
        self.paper = QComboBox(objectName="export_paper")
        self.paper.addItems(PAPERS)
        self.paper.setCurrentText(str(settings.value("export/paper", "A4")))
        self.orientation = QComboBox(objectName="export_orientation")
        for label, value in ORIENTATIONS:
            self.orientation.addItem(label, value)
        self.appendix = QCheckBox("Add appendix pages (people, households, agencies, risks, chronology)",
                                  objectName="export_appendix")
        self.appendix.setChecked(True)
        self.marking = QLineEdit(str(settings.value("export/marking", "OFFICIAL-SENSITIVE")),
                                 objectName="export_marking")
        self.prepared_by = QLineEdit(_prepared_by(settings), objectName="export_prepared_by")
        self.dpi = QSpinBox(objectName="export_dpi")
        self.dpi.setRange(72, 600)
        self.dpi.setSingleStep(50)
        self.dpi.setValue(int(settings.value("export/dpi", 150)))
        self.dpi.setSuffix(" dpi")
        self.path = QLineEdit(objectName="export_path")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Format", self.format)
        form.addRow("Redaction profile", self.profile)
        form.addRow("Paper", self.paper)
        form.addRow("Orientation", self.orientation)
        form.addRow("", self.appendix)
        form.addRow("Protective marking", self.marking)
        form.addRow("Prepared by", self.prepared_by)
        form.addRow("Image resolution", self.dpi)
        form.addRow("Save as", row)
        layout.addLayout(form)
        self.status = QLabel(objectName="export_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.path.textEdited.connect(lambda _t: setattr(self, "_user_edited_path", True))
        self.format.currentIndexChanged.connect(self._format_changed)
        self.profile.currentIndexChanged.connect(self._suggest_path)
        self._format_changed()

    # -- choices ----------------------------------------------------------------
    def fmt(self) -> str:
        return self.format.currentData()

    def _format_changed(self) -> None:
        pdf = self.fmt() == "pdf"
        for w in (self.paper, self.orientation, self.appendix, self.marking, self.prepared_by):
            w.setEnabled(pdf)
        self.dpi.setEnabled(self.fmt() == "png")
        self._suggest_path()

    def _suggest_path(self) -> None:
        if self._user_edited_path and self.path.text():
            current = Path(self.path.text())
            self.path.setText(str(current.with_suffix("." + self.fmt())))
            return
        folder = Path(str(self.settings.value("export/last_dir", "") or Path.home()))
        name = f"genogram.{self.fmt()}"
        if self.snapshot is not None:
            from genomap.redaction import suggested_filename

            try:
                name = suggested_filename(self.snapshot, self.profile.currentData(), self.as_at, self.fmt())
            except Exception:  # noqa: BLE001 - a name is only a suggestion
                pass
        self.path.setText(str(folder / name))

    def _browse(self) -> None:
        filters = {"pdf": "PDF documents (*.pdf)", "png": "PNG images (*.png)", "svg": "SVG drawings (*.svg)"}
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), filters[self.fmt()])
        if path:
            self.path.setText(path)
            self._user_edited_path = True

    def options(self) -> dict:
        """The keyword arguments for :func:`genomap.export.export_case`."""
        return dict(
            out_path=self.path.text().strip(),
            format=self.fmt(),
            case=self.case_id,
            as_at=self.as_at,
            paper=self.paper.currentText(),
            landscape=self.orientation.currentData(),
            redact_profile=self.profile.currentData(),
            appendix=self.appendix.isChecked(),
            marking=self.marking.text().strip(),
            prepared_by=self.prepared_by.text().strip(),
            dpi=self.dpi.value(),
        )

    # -- running ----------------------------------------------------------------
    def export_now(self):
        """Export synchronously (tests, scripts); returns the ExportResult."""
        from genomap.export import export_case

        opts = self.options()
        if not opts["out_path"]:
            raise ValueError("Choose where to save the export.")
        return export_case(self.document, draw=self.draw, **opts)

    def start_export(self) -> None:
        if not self.path.text().strip():
            self._show_error("Choose where to save the export.")
            return
        self.ok_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Exporting…")
        job = _ExportJob(self.export_now)
        job.signals.finished.connect(self._done)
        job.signals.failed.connect(self._failed)
        self._job = job  # keep the signals alive
        QThreadPool.globalInstance().start(job)

    def _done(self, result) -> None:
        self.result_value = result
        self.settings.setValue("export/last_dir", str(Path(result.path).parent))
        self.exported.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if is_user_facing(exc) or isinstance(exc, (ValueError, OSError)):
            self._show_error(str(exc))
        else:
            import logging

            logging.getLogger("genomap").error("export failed: %s", type(exc).__name__,
                                               exc_info=(type(exc), exc, exc.__traceback__))
            self._show_error("The export could not be written. Nothing was changed; details are in the log.")

    def _show_error(self, text: str) -> None:
        self.error_text = text
        self.status.setStyleSheet("color: #b42318;")
        self.status.setText(text)


def _prepared_by(settings: QSettings) -> str:
    """"Name, Organisation" from Edit > Settings (the OS account when no name is set)."""
    name = str(settings.value("user/name", "") or "").strip() or _os_user()
    organisation = str(settings.value("user/organisation", "") or "").strip()
    return ", ".join(p for p in (name, organisation) if p)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""
