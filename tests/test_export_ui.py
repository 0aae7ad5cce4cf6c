"""File > Export… and File > Print… in the real main window, on the real demo family.

The export goes through the dialog's widgets and its worker thread; the produced
PDF is read back with pypdf.  Printing paints the same drawing into a PDF printer
so the printed page can be read back too.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtPrintSupport import QPrinter

from genomap.demo import build_demo
from genomap.store.document import Document
from genomap.ui.main_window import MainWindow
from genomap.ui.export_actions import printable_drawing
from genomap.ui.printing import paint_drawing


def _text(path: Path) -> str:
    raw = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return " ".join(unicodedata.normalize("NFKC", raw).split())


@pytest.fixture
def demo_window(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    path = tmp_path / "demo.genomap"
    with Document.create(path) as doc:
        build_demo(doc)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(path)
    qtbot.waitUntil(lambda: w.drawing is not None, timeout=20000)
    yield w
    w.close()


def _export(qtbot, window, out: Path, profile: str = "professionals"):
    window.actions_by_name["export"].trigger()
    dialog = window.dialog
    assert dialog.objectName() == "dialog_export"
    dialog.profile.setCurrentIndex(dialog.profile.findData(profile))
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(out))
    with qtbot.waitSignal(dialog.exported, timeout=30000) as blocker:
        dialog.ok_button.click()
    return blocker.args[0]


def test_export_menu_writes_the_pdf_the_screen_shows(qtbot, demo_window, tmp_path):
    assert demo_window.actions_by_name["export"].isEnabled()
    out = tmp_path / "conference.pdf"
    result = _export(qtbot, demo_window, out)
    assert result.path == out and out.exists()
    text = _text(out)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Mia Pellbrook" in text  # the subject child, by name, in the professionals' copy
    # the as-at date on screen is the one on paper
    assert demo_window.as_at.strftime("%Y") in text
    assert not list(tmp_path.glob("*.tmp*"))


def test_export_for_parents_withholds_third_party_names(qtbot, demo_window, tmp_path):
    pro = _export(qtbot, demo_window, tmp_path / "pro.pdf")
    assert "Darren Skelwith" in _text(pro.path)  # positive control
    parents = _export(qtbot, demo_window, tmp_path / "parents.pdf", profile="parents")
    text = _text(parents.path)
    assert "Skelwith" not in text.replace(" ", "") and "Skelwith" not in text
    assert "OFFICIAL-SENSITIVE" in text


def test_export_is_signed_with_the_settings_name_and_organisation(qtbot, demo_window, tmp_path):
    demo_window.settings.setValue("user/name", "Sam Worker")
    demo_window.settings.setValue("user/organisation", "Northshire Children's Services")
    result = _export(qtbot, demo_window, tmp_path / "signed.pdf")
    assert "Sam Worker, Northshire Children's Services" in _text(result.path)


def test_export_refuses_an_empty_path_with_a_message(qtbot, demo_window):
    demo_window.actions_by_name["export"].trigger()
    dialog = demo_window.dialog
    dialog.path.clear()
    dialog.ok_button.click()
    assert "Choose where to save" in dialog.status.text()
    assert dialog.isVisible()


def test_print_paints_the_genogram_key_and_marking(qtbot, demo_window, tmp_path):
    assert demo_window.actions_by_name["print"].isEnabled()
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    paint_drawing(printer, printable_drawing(demo_window), "OFFICIAL-SENSITIVE")
    text = _text(out)
    assert text.count("OFFICIAL-SENSITIVE") >= 2  # top and bottom of the page
    assert "Mia Pellbrook" in text and "Key" in text


def test_connection_markers_go_only_into_unredacted_copies(qtbot, demo_window):
    """The chain-link markers disclose other families: on paper for professionals only."""
    qtbot.waitUntil(lambda: bool(demo_window.connections.case_conn), timeout=20000)
    assert "connections" in printable_drawing(demo_window).layers()
    demo_window.actions_by_name["export"].trigger()
    dialog = demo_window.dialog
    snap, day = demo_window.snapshot, demo_window.as_at
    dialog.profile.setCurrentIndex(dialog.profile.findData("professionals"))
    assert "connections" in dialog.draw(snap, day, None).layers()
    dialog.profile.setCurrentIndex(dialog.profile.findData("parents"))
    assert "connections" not in dialog.draw(snap, day, None).layers()
    demo_window.connections.layer_action.setChecked(False)  # switched off on screen: not printed
    assert "connections" not in printable_drawing(demo_window).layers()
