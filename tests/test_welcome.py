"""First run: the welcome screen, recent files, and Help > Quick guide."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from genomap.ui.main_window import MainWindow
from genomap.ui.welcome import WelcomePage


@pytest.fixture
def window(qtbot, tmp_path):
    QStandardPaths.setTestModeEnabled(True)
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_first_run_shows_three_ways_to_start(window):
    page = window.welcome
    assert isinstance(page, WelcomePage)
    assert window.central.currentWidget() is page
    texts = [b.text().strip() for b in (page.demo_button, page.new_button, page.open_button)]
    assert texts == ["Open the demo family", "New family map…", "Open…"]
    assert all(b.isVisible() for b in (page.demo_button, page.new_button, page.open_button))
    assert not page.recent_frame.isVisible()  # nothing opened yet


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz")
def test_demo_button_opens_the_demo_then_it_is_a_recent_file(window, qtbot):
    window.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.drawing is not None, timeout=30000)
    assert window.document is not None
    path = str(window.document.path)
    window.close_document()
    assert window.central.currentWidget() is window.welcome
    buttons = window.welcome.recent_buttons()
    assert buttons and buttons[0].toolTip() == path
    assert "Demo family" in buttons[0].text()


def test_recent_list_opens_the_file_clicked(qtbot, tmp_path):
    page = WelcomePage()
    qtbot.addWidget(page)
    page.show()
    opened = []
    paths = [str(tmp_path / f"family {i}.genomap") for i in range(7)]
    page.set_recent(paths, opened.append)
    buttons = page.recent_buttons()
    assert len(buttons) == 5  # newest five
    buttons[1].click()
    assert opened == [paths[1]]
    page.set_recent([], opened.append)
    qtbot.waitUntil(lambda: not page.recent_buttons())
    assert not page.recent_frame.isVisible()


def test_new_button_opens_the_new_family_dialog(window):
    window.welcome.new_button.click()
    assert window.dialog is not None and window.dialog.isVisible()


def test_quick_guide_from_help_menu_and_welcome_link(window, qtbot):
    action = window.actions_by_name["quick_guide"]
    help_actions = window.menus["help"].actions()
    assert help_actions.index(action) < help_actions.index(window.actions_by_name["shortcuts"])
    window.welcome.guide_button.click()
    guide = window.dialog
    assert guide is not None and guide.objectName() == "quickGuideDialog"
    titles = [guide.tabs.tabText(i) for i in range(guide.tabs.count())]
    assert titles == ["Getting started", "Symbols", "Shortcuts"]
    shortcuts = guide.shortcuts
    names = [shortcuts.item(r, 0).text() for r in range(shortcuts.rowCount())]
    assert "Undo" in names and "Zoom" in names
    if shutil.which("dot"):
        qtbot.waitUntil(lambda: guide.symbols is not None, timeout=60000)
        labels = [guide.symbols.item(r, 1).text() for r in range(guide.symbols.rowCount())]
        assert any("Female" in l or "female" in l for l in labels), labels
        assert guide.symbols.cellWidget(0, 0).pixmap() is not None
