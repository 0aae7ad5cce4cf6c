"""Lock on idle: the family is hidden and only the passphrase (or a click, for plain files) brings it back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget

from genomap import privacy
from genomap.demo import build_demo
from genomap.store.files import create_document
from genomap.ui.main_window import MainWindow

PASS = "idle lock passphrase"

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_document()


def _demo(tmp_path, passphrase):
    path = tmp_path / ("enc.genomap" if passphrase else "plain.genomap")
    with create_document(path, passphrase=passphrase) as doc:
        build_demo(doc)
    return path


def _family_visible(w) -> bool:
    docks = [d for d in w.findChildren(QDockWidget) if d.isVisible()]
    return w.centralWidget().isVisible() or bool(docks)


def test_setting_key_and_default(window):
    assert privacy.IDLE_LOCK_KEY == "privacy/idle_lock_minutes"
    assert window.idle_lock.minutes() == privacy.IDLE_LOCK_DEFAULT_MINUTES
    assert window.idle_lock.timer.interval() == privacy.IDLE_LOCK_DEFAULT_MINUTES * 60_000


def test_locks_after_idle_time_and_needs_passphrase(window, qtbot, tmp_path):
    assert window.open_path(_demo(tmp_path, PASS), passphrase=PASS)
    window.settings.setValue(privacy.IDLE_LOCK_KEY, 0.002)  # 120 ms
    window.idle_lock.restart()
    qtbot.waitUntil(lambda: window.idle_lock.is_locked, timeout=3000)
    assert not _family_visible(window)
    assert window.windowTitle() == "GenoMap — locked"
    assert not window.actions_by_name["undo"].isEnabled()
    assert not window.idle_lock.unlock("wrong passphrase")
    assert window.idle_lock.is_locked and "4 tries left" in window.idle_lock.screen.error.text()
    assert window.idle_lock.unlock(PASS)
    assert not window.idle_lock.is_locked and _family_visible(window)
    assert window.document is not None


def test_too_many_wrong_passphrases_close_the_file(window, tmp_path):
    assert window.open_path(_demo(tmp_path, PASS), passphrase=PASS)
    assert window.idle_lock.lock()
    for i in range(5):
        assert not window.idle_lock.unlock(f"wrong {i}")
    assert window.document is None and not window.idle_lock.is_locked


def test_plain_file_unlocks_with_a_click_and_says_what_it_protects(window, qtbot, tmp_path):
    assert window.open_path(_demo(tmp_path, None))
    assert window.idle_lock.lock()
    screen = window.idle_lock.screen
    assert screen.field is None and "Unlock as" in screen.button.text()
    texts = " ".join(l.text() for l in screen.findChildren(type(screen.error)))
    assert "no passphrase" in texts and "anyone with access" in texts
    screen.button.click()
    assert not window.idle_lock.is_locked and _family_visible(window)


def test_no_lock_without_a_file_or_when_disabled(window):
    assert not window.idle_lock.lock()
    window.settings.setValue(privacy.IDLE_LOCK_KEY, 0)
    window.idle_lock.restart()
    assert not window.idle_lock.timer.isActive()
