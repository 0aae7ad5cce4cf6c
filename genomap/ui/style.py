"""The look: Fusion style, a calm light palette and a little stylesheet for the chrome.

The genogram itself is styled by the drawing; this only makes the window around
it tidy and consistent on every platform (locked-down laptops often run an old or
odd native theme).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2563eb"

STYLESHEET = """
QMainWindow::separator { background: #e4e7ec; width: 1px; height: 1px; }
QDockWidget { font-weight: 600; }
QDockWidget::title {
    background: #f2f4f7; padding: 6px 8px; border-bottom: 1px solid #e4e7ec; text-align: left;
}
QToolBar { background: #ffffff; border: none; border-bottom: 1px solid #e4e7ec; spacing: 2px; padding: 3px 6px; }
QToolBar QToolButton { padding: 4px; border-radius: 5px; }
QToolBar QToolButton:hover { background: #eef2ff; }
QToolBar QToolButton:pressed { background: #dbeafe; }
QStatusBar { background: #f9fafb; border-top: 1px solid #e4e7ec; color: #475467; }
QStatusBar QLabel { padding: 0 8px; color: #475467; }
QLabel#savedLabel { color: #067647; }
QLabel#placeholderText { color: #667085; }
QLabel#detailsHeading { font-size: 15px; font-weight: 600; color: #101828; padding: 2px 0 6px 0; }
QLabel#dialogIntro { color: #475467; }
QLabel#sectionLabel { color: #667085; font-weight: 600; margin-top: 8px; }
QLabel#banner { background: #fffaeb; color: #93370d; border-bottom: 1px solid #fedf89; padding: 8px 12px; }
QLabel#welcomeTitle { font-size: 26px; font-weight: 700; color: #101828; }
QFrame#welcomeCard { background: #ffffff; border: 1px solid #e4e7ec; border-radius: 12px; }
QWidget#welcomePage { background: #f5f7fb; }
QPushButton { padding: 5px 14px; border-radius: 6px; border: 1px solid #d0d5dd; background: #ffffff; }
QPushButton:hover { background: #f9fafb; border-color: #98a2b3; }
QPushButton:default, QPushButton#applyButton:enabled { background: #2563eb; color: white; border-color: #2563eb; }
QPushButton:default:hover { background: #1d4ed8; }
QPushButton:disabled { color: #98a2b3; background: #f9fafb; border-color: #eaecf0; }
QPushButton#welcomeButton { text-align: left; padding-left: 16px; font-size: 14px; }
QPushButton#recentButton { text-align: left; border: none; color: #2563eb; padding: 2px 16px; }
QPushButton#recentButton:hover { text-decoration: underline; background: transparent; }
QLineEdit, QComboBox, QPlainTextEdit {
    border: 1px solid #d0d5dd; border-radius: 6px; padding: 4px 6px; background: white;
    selection-background-color: #bfdbfe; selection-color: #101828;
}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus { border: 1px solid #2563eb; }
QLineEdit:disabled, QComboBox:disabled { background: #f9fafb; color: #98a2b3; }
QTableView, QTreeView, QListView {
    border: 1px solid #e4e7ec; border-radius: 6px; background: white; alternate-background-color: #f9fafb;
    selection-background-color: #dbeafe; selection-color: #101828;
}
QHeaderView::section {
    background: #f9fafb; border: none; border-bottom: 1px solid #e4e7ec; padding: 4px 6px; color: #475467;
    font-weight: 600;
}
QMenu { background: white; border: 1px solid #d0d5dd; padding: 4px; }
QMenu::item { padding: 5px 24px 5px 10px; border-radius: 4px; }
QMenu::item:selected { background: #eef2ff; color: #101828; }
QMenu::separator { height: 1px; background: #eaecf0; margin: 4px 6px; }
QMenu::icon { padding-left: 6px; }
QTabBar::tab { padding: 5px 12px; border: none; background: #f2f4f7; color: #475467; }
QTabBar::tab:selected { background: white; color: #101828; border-bottom: 2px solid #2563eb; }
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f5f7fb"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#101828"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f9fafb"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#101828"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor("#101828"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#101828"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#98a2b3"))
    app.setPalette(palette)
    font = app.font()
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
