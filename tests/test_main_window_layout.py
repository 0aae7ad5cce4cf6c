"""The main window's calm default arrangement and the compact risk alert strip.

* the risk banner is one line ("2 risk adults connected … — Darren Skelwith (RSO,
  confirmed), Dean Marlowby (DA, alleged)"), its Details toggle shows the full
  text, and whether it is expanded is remembered;
* the default dock layout: People and Households left, Details with Connections
  and Significant adults tabbed right, Agencies & involvement with Chronology
  tabbed, the time views hidden -- and the genogram is the largest area at
  1400 x 900 (and at 1920 x 1080);
* no stray dock tab bar is left showing on top of another dock.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QTabBar

from genomap.ui.main_window import MainWindow
from genomap.ui.style import apply_style

L, R = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


def _open(qtbot, tmp_path, size=(1400, 900), settings_name="settings.ini") -> MainWindow:
    QStandardPaths.setTestModeEnabled(True)
    apply_style(QApplication.instance())
    w = MainWindow(settings=QSettings(str(tmp_path / settings_name), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    assert w.open_demo()
    qtbot.waitUntil(lambda: w.canvas.drawing() is not None, timeout=15000)
    qtbot.wait(50)
    return w


def _area(widget) -> int:
    return widget.width() * widget.height()


@pytest.mark.parametrize("size", [(1400, 900), (1920, 1080)])
def test_default_layout_gives_the_genogram_the_largest_area(qtbot, tmp_path, size):
    w = _open(qtbot, tmp_path, size)
    try:
        assert w.dockWidgetArea(w.people_dock) == L and w.dockWidgetArea(w.households_dock) == L
        for dock in (w.details_dock, w.agencies_dock, w.chronology_dock, w.register_dock, w.connections.dock):
            assert w.dockWidgetArea(dock) == R, dock.objectName()
        assert set(w.tabifiedDockWidgets(w.details_dock)) == {w.connections.dock, w.register_dock}
        assert w.tabifiedDockWidgets(w.agencies_dock) == [w.chronology_dock]
        assert not w.timeline_dock.isVisible() and not w.ecomap_dock.isVisible()
        assert w.people_dock.isVisible() and w.households_dock.isVisible()
        assert w.details_dock.isVisible() and w.agencies_dock.isVisible()  # the front tabs
        canvas = _area(w.canvas)
        for dock in w.docks:
            if dock.isVisible():
                assert canvas > _area(dock), dock.objectName()
        assert w.canvas.width() > w.width() * 0.45
        # the right column together is still smaller than the genogram
        assert canvas > w.details_dock.width() * (w.details_dock.height() + w.agencies_dock.height())
    finally:
        w.close()


def test_no_stray_tab_bar_over_the_docks(qtbot, tmp_path):
    w = _open(qtbot, tmp_path)
    try:
        groups = []
        for dock in w.docks:
            if dock.isVisible():
                mates = [d for d in w.tabifiedDockWidgets(dock) if d.isVisible()]
                if mates:
                    groups.append({dock.windowTitle(), *(d.windowTitle() for d in mates)})
        for bar in w.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if bar.isVisible() and bar.count():
                assert {bar.tabText(i) for i in range(bar.count())} in groups
    finally:
        w.close()


def test_reset_panel_layout_brings_back_the_default(qtbot, tmp_path):
    w = _open(qtbot, tmp_path)
    try:
        w.people_dock.hide()
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, w.details_dock)
        w.actions_by_name["reset_layout"].trigger()
        assert w.people_dock.isVisible() and w.dockWidgetArea(w.details_dock) == R
        assert w.actions_by_name["reset_layout"] in w.panels_menu.actions()
        w._fill_panels_menu()
        listed = {a.text() for a in w.panels_menu.actions()}
        assert {"Significant adults", "Connections", "People"} <= listed  # docks added later are listed too
    finally:
        w.close()


def test_risk_banner_is_one_line_until_details_is_opened_and_remembers(qtbot, tmp_path):
    w = _open(qtbot, tmp_path)
    try:
        w.asat.set_date(date(2026, 11, 26))
        qtbot.wait(20)
        banner = w.risk_banner
        assert banner.isVisible() and not banner.is_expanded()
        summary = banner.summary_text()
        assert "2 risk adults connected" in summary
        assert "Darren Skelwith</a> (RSO, confirmed)" in summary and "Dean Marlowby</a> (DA, alleged)" in summary
        assert not banner.label.isVisible()
        line = banner.summary.fontMetrics().height()
        assert banner.height() < line * 2 + 20  # one line, not a block of text
        assert "Risk adults connected at 26 Nov 2026" in banner.text()  # the full text is kept
        assert "26 Nov 2026" in banner.summary.toolTip()
        assert w.canvas.height() > w.central.height() * 0.85
        collapsed = banner.height()
        banner.toggle.click()
        qtbot.wait(20)
        assert banner.is_expanded() and banner.label.isVisible() and banner.toggle.text() == "Details ▴"
        assert banner.height() > collapsed
        darren = next(p.id for p in w.snapshot.people if p.name == "Darren Skelwith")
        banner.summary.linkActivated.emit(f"person:{darren}")
        assert w.canvas.selected_refs() == [("person", darren)]
    finally:
        w.close()
    w2 = _open(qtbot, tmp_path)  # the same settings file: still expanded
    try:
        assert w2.risk_banner.is_expanded()
        w2.risk_banner.toggle.click()
        assert not w2.risk_banner.label.isVisible() and w2.risk_banner.toggle.text() == "Details ▾"
        assert w2.settings.value("view/risk_banner_expanded", type=bool) is False
    finally:
        w2.close()


def test_risk_banner_says_how_many_more_when_names_do_not_fit(qtbot, tmp_path):
    w = _open(qtbot, tmp_path, size=(1000, 800))
    try:
        w.asat.set_date(date(2026, 11, 26))
        banner = w.risk_banner
        banner.summary.resize(260, banner.summary.height())
        banner._fit_summary()
        text = banner.summary_text()
        assert "more" in text and "2 risk adults" in text
    finally:
        w.close()
