"""Settings: the Qt-free preferences, and the dialog that stores them in QSettings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from genomap import settings as prefs
from genomap.privacy import IDLE_LOCK_KEY
from genomap.settings import Preferences


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_defaults_are_safe_for_a_first_run():
    p = prefs.from_mapping({})
    assert p == Preferences()
    assert p.marking == "OFFICIAL-SENSITIVE" and p.paper == "A4" and p.redaction_profile == "professionals"
    assert p.redaction_profile in prefs.builtin_profiles()


def test_round_trip_through_settings_keys():
    p = Preferences(paper="A3", marking="OFFICIAL", redaction_profile="parents", organisation="Northshire CS",
                    user_name="Sam Carter", idle_lock_minutes=15)
    stored = prefs.as_settings(p)
    assert stored["export/paper"] == "A3" and stored[IDLE_LOCK_KEY] == 15  # shared with the idle lock
    assert prefs.from_mapping(stored) == p


def test_bad_stored_values_fall_back_to_defaults():
    p = prefs.from_mapping({"export/paper": "Letter", IDLE_LOCK_KEY: "soon", "user/name": None})
    assert p.paper == "A4" and p.idle_lock_minutes == Preferences().idle_lock_minutes and p.user_name == ""


def test_problems_are_plain_sentences():
    bad = Preferences(paper="B5", marking="x" * 80, redaction_profile="nobody", idle_lock_minutes=-1)
    text = " ".join(prefs.problems(bad, prefs.builtin_profiles()))
    assert "Paper size" in text and "too long" in text and "nobody" in text and "Idle lock" in text
    assert prefs.problems(Preferences(), prefs.builtin_profiles()) == []


def test_settings_module_has_no_qt():
    import subprocess
    import sys

    code = "import sys, genomap.settings; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_dialog_shows_saves_and_restores_defaults(qtbot, qsettings):
    from genomap.ui.dialogs.settings import SettingsDialog, load_preferences

    dlg = SettingsDialog(qsettings)
    qtbot.addWidget(dlg)
    assert dlg.values() == Preferences()
    assert dlg.marking.currentText() == "OFFICIAL-SENSITIVE"
    assert dlg.idle_lock.specialValueText() == "Never"
    dlg.organisation.setText("Northshire Children's Services")
    dlg.user_name.setText("Sam Carter")
    dlg.paper.setCurrentText("A3")
    dlg.marking.setEditText("OFFICIAL")
    dlg.profile.setCurrentIndex(dlg.profile.findData("anonymised"))
    dlg.idle_lock.setValue(10)
    with qtbot.waitSignal(dlg.saved):
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    saved = load_preferences(qsettings)
    assert saved == Preferences(paper="A3", marking="OFFICIAL", redaction_profile="anonymised",
                                organisation="Northshire Children's Services", user_name="Sam Carter",
                                idle_lock_minutes=10)
    assert qsettings.value("export/marking") == "OFFICIAL"

    again = SettingsDialog(qsettings)
    qtbot.addWidget(again)
    assert again.values() == saved
    again.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert again.values() == Preferences()
    again.reject()
    assert load_preferences(qsettings) == saved  # restore is only saved on OK


def test_dialog_refuses_an_unknown_profile_with_a_message(qtbot, qsettings):
    from genomap.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(qsettings)
    qtbot.addWidget(dlg)
    dlg.profile.addItem("Gone", "gone")
    dlg.profile.setCurrentIndex(dlg.profile.findData("gone"))
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dlg.status.isVisibleTo(dlg) and "gone" in dlg.error_text
    assert qsettings.value("export/redaction_profile") is None


def test_export_dialog_uses_the_settings_defaults(qtbot, qsettings):
    from genomap.ui.dialogs.export import ExportDialog
    from genomap.ui.dialogs.settings import save_preferences

    save_preferences(qsettings, Preferences(paper="A3", marking="OFFICIAL", redaction_profile="parents",
                                            user_name="Sam Carter"))
    dlg = ExportDialog(None, 1, None, qsettings, list(prefs.builtin_profiles()))
    qtbot.addWidget(dlg)
    assert dlg.paper.currentText() == "A3"
    assert dlg.marking.text() == "OFFICIAL"
    assert dlg.profile.currentData() == "parents"
    assert dlg.prepared_by.text() == "Sam Carter"


def test_main_window_has_edit_settings(qtbot, qsettings):
    from genomap.ui.main_window import MainWindow

    w = MainWindow(settings=qsettings)
    qtbot.addWidget(w)
    w.show()
    action = w.actions_by_name["settings"]
    assert action in w.menus["edit"].actions()
    action.trigger()
    assert w.dialog is not None and w.dialog.objectName() == "settingsDialog"
    w.dialog.reject()
