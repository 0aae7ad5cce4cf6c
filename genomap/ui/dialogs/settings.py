"""Edit > Settings…: the defaults a practitioner sets once, stored in QSettings.

The values are a :class:`genomap.settings.Preferences` (Qt-free); this module only
reads and writes them through ``QSettings`` and shows the form.  The export dialog
and the idle lock read the same keys, so a change here is the default next time.
"""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QMenu, QSpinBox,
    QVBoxLayout, QWidget,
)

from genomap import settings as prefs_mod
from genomap.settings import Preferences


def load_preferences(settings: QSettings) -> Preferences:
    """The user's preferences (defaults for anything never set)."""
    return prefs_mod.load(lambda key, default: settings.value(key, default))


def save_preferences(settings: QSettings, prefs: Preferences) -> None:
    for key, value in prefs_mod.as_settings(prefs).items():
        settings.setValue(key, value)
    settings.sync()


def _profile_label(name: str) -> str:
    return name.capitalize() if name.islower() else name


class SettingsDialog(QDialog):
    """The settings form; OK saves, Restore defaults refills the form (saved only on OK)."""

    saved = Signal(object)  # Preferences

    def __init__(self, settings: QSettings, profiles: Optional[Sequence[str]] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.profiles = tuple(profiles or prefs_mod.builtin_profiles())
        self.error_text = ""

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 18, 20, 14)
        outer.setSpacing(12)

        you = QGroupBox("You")
        f1 = QFormLayout(you)
        self.organisation = QLineEdit(objectName="settings_organisation")
        self.organisation.setPlaceholderText("e.g. Northshire Children's Services")
        self.user_name = QLineEdit(objectName="settings_user_name")
        self.user_name.setPlaceholderText("Shown as 'Prepared by' on exports")
        f1.addRow("Organisation", self.organisation)
        f1.addRow("Your name", self.user_name)

        exports = QGroupBox("Printing and export defaults")
        f2 = QFormLayout(exports)
        self.paper = QComboBox(objectName="settings_paper")
        self.paper.addItems(prefs_mod.PAPER_SIZES)
        self.marking = QComboBox(objectName="settings_marking")
        self.marking.setEditable(True)
        self.marking.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for m in prefs_mod.COMMON_MARKINGS:
            self.marking.addItem(m or "(no marking)", m)
        self.marking.lineEdit().setMaxLength(prefs_mod.MAX_MARKING)
        self.marking.activated.connect(self._marking_chosen)
        self.profile = QComboBox(objectName="settings_profile")
        for name in self.profiles:
            self.profile.addItem(_profile_label(name), name)
        f2.addRow("Paper size", self.paper)
        f2.addRow("Protective marking", self.marking)
        f2.addRow("Redaction profile", self.profile)
        hint = QLabel("The marking is printed at the top and bottom of every page. The redaction "
                      "profile is the audience chosen first when you export; you can still change "
                      "it for each export.")
        hint.setObjectName("placeholderText")
        hint.setWordWrap(True)
        f2.addRow(hint)

        security = QGroupBox("Security")
        f3 = QFormLayout(security)
        self.idle_lock = QSpinBox(objectName="settings_idle_lock")
        self.idle_lock.setRange(0, prefs_mod.MAX_IDLE_LOCK_MINUTES)
        self.idle_lock.setSuffix(" min")
        self.idle_lock.setSpecialValueText("Never")
        f3.addRow("Lock the window after", self.idle_lock)

        for box in (you, exports, security):
            box.layout().setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            box.layout().setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            outer.addWidget(box)

        self.status = QLabel(objectName="settings_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #b42318;")
        self.status.hide()
        outer.addWidget(self.status)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.set_values(Preferences()))
        outer.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.set_values(load_preferences(settings))

    def _marking_chosen(self, index: int) -> None:
        self.marking.setEditText(self.marking.itemData(index) or "")

    # -- values -----------------------------------------------------------------
    def set_values(self, prefs: Preferences) -> None:
        self.organisation.setText(prefs.organisation)
        self.user_name.setText(prefs.user_name)
        self.paper.setCurrentText(prefs.paper)
        self.marking.setEditText(prefs.marking)
        idx = self.profile.findData(prefs.redaction_profile)
        self.profile.setCurrentIndex(max(idx, 0))
        self.idle_lock.setValue(prefs.idle_lock_minutes)

    def values(self) -> Preferences:
        return Preferences(
            paper=self.paper.currentText(),
            marking=self.marking.currentText().strip(),
            redaction_profile=self.profile.currentData() or "professionals",
            organisation=self.organisation.text().strip(),
            user_name=self.user_name.text().strip(),
            idle_lock_minutes=self.idle_lock.value(),
        )

    def accept(self) -> None:
        prefs = self.values()
        errors = prefs_mod.problems(prefs, self.profiles)
        if errors:
            self.error_text = " ".join(errors)
            self.status.setText(self.error_text)
            self.status.show()
            return
        save_preferences(self.settings, prefs)
        self.saved.emit(prefs)
        super().accept()


def settings_dialog(window) -> SettingsDialog:
    """The dialog for ``window`` (its QSettings, and the open document's redaction profiles too)."""
    profiles = list(prefs_mod.builtin_profiles())
    doc = getattr(window, "document", None)
    if doc is not None:
        try:
            from genomap.redaction import load_document_profiles

            profiles += [n for n in load_document_profiles(doc) if n not in profiles]
        except Exception:  # noqa: BLE001 - a file without profiles still gets the built-in ones
            pass
    return SettingsDialog(window.settings, profiles, window)


def install_action(window, menu: QMenu) -> QAction:
    """Add "Settings…" (Ctrl+,) to ``menu``; it opens the dialog non-modally via ``window.open_dialog``."""
    action = QAction("Se&ttings…", window)
    action.setObjectName("action_settings")
    action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences) or [QKeySequence("Ctrl+,")])
    action.setMenuRole(QAction.MenuRole.PreferencesRole)
    action.setStatusTip("Default paper, protective marking, redaction profile, your name and organisation")
    action.triggered.connect(lambda _checked=False: window.open_dialog(settings_dialog(window)))
    menu.addAction(action)
    window.actions_by_name.setdefault("settings", action)
    return action
