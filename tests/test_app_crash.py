"""The app under stress: killed mid-session it loses nothing; unexpected errors stay calm.

The first test starts the real application in a subprocess (offscreen), lets it
make edits through its own window actions and Details form (the hidden
``--selftest-edits`` option prints each committed edit), kills it with SIGKILL
part-way, and reopens the file: every edit it reported is there and the file is
intact.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication

from genomap.errors import GraphvizMissing
from genomap.store.document import Document

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        HOME=str(tmp_path / "home"),
        PYTHONUNBUFFERED="1",
    )
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_mid_session_keeps_every_completed_edit(tmp_path):
    path = tmp_path / "crash.genomap"
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "genomap", "new", str(path)], check=True, env=env, cwd=ROOT,
                   capture_output=True, timeout=120)
    proc = subprocess.Popen(
        [sys.executable, "-m", "genomap", str(path), "--selftest-edits", "500", "--selftest-interval", "15"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True,
    )
    added: dict[int, int] = {}
    named: dict[int, int] = {}
    deadline = time.monotonic() + 120
    try:
        while len(named) < 12:
            assert time.monotonic() < deadline, "the app made no progress"
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the app stopped early: {proc.stderr.read()[-2000:]}")
            parts = line.split()
            if parts[:1] == ["FAILED"]:
                pytest.fail(line)
            if parts[:1] == ["EDIT"]:
                index, kind, pid = int(parts[1]), parts[2], int(parts[3])
                (added if kind == "add" else named)[index] = pid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()
    with Document.open(path) as doc:  # opens cleanly: the dead process's lock is gone
        with doc.engine.connect() as conn:
            rows = dict(conn.exec_driver_sql("SELECT id, given_names FROM person").fetchall())
    for index, pid in added.items():
        assert pid in rows, f"edit {index} (add person {pid}) was lost"
    for index, pid in named.items():
        assert rows[pid] == f"Selftest {index}", f"edit {index} (name person {pid}) was lost"
    assert len(rows) >= len(named)


@pytest.fixture
def window(qtbot, tmp_path):
    from genomap.logs import configure_logging
    from genomap.ui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    configure_logging(tmp_path / "logs")
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_unexpected_error_shows_calm_dialog_and_logs_no_personal_data(window, tmp_path, qtbot):
    from genomap.ui.crash import ExceptionHook

    hook = ExceptionHook(lambda: window).install()
    try:
        try:
            raise KeyError("Amy Secretname, 12 Hidden Road")
        except KeyError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=3000)
        message = hook.dialog.message_label.text()
        assert "your family map is safe" in message
        assert "Secretname" not in message
    finally:
        hook.uninstall()
    log_text = (tmp_path / "logs" / "genomap.log").read_text()
    assert "KeyError" in log_text and "test_app_crash.py" in log_text
    assert "Secretname" not in log_text and "Hidden Road" not in log_text
    assert QApplication.instance() is not None  # still running


def test_missing_graphviz_is_a_clear_message_not_a_crash(window, tmp_path, monkeypatch):
    from collections import OrderedDict

    import genomap.layout.engine as engine

    monkeypatch.setattr(engine, "_CACHE", OrderedDict())  # layouts of earlier tests would hide the problem
    monkeypatch.setenv("GENOMAP_DOT", str(tmp_path / "no-such-dot"))  # as if Graphviz were not installed
    path = tmp_path / "x.genomap"
    window.create_file(path, "Lee family")
    window.actions_by_name["add_person"].trigger()
    assert window.banner.isVisible()
    assert "Graphviz" in window.banner.text() and "apt-get install graphviz" in window.banner.text()
    assert window.people.row_count() == 1  # editing goes on
    monkeypatch.delenv("GENOMAP_DOT")
    window.actions_by_name["add_partner"].trigger()
    assert not window.banner.isVisible()  # drawn again once dot is there
    assert window.drawing is not None


def test_failed_undo_leaves_the_stack_consistent(window, tmp_path):
    path = tmp_path / "x.genomap"
    window.create_file(path, "Lee family")
    window.actions_by_name["add_person"].trigger()
    window.actions_by_name["add_person"].trigger()
    stack = window.undo.stack
    assert stack.index() == 2
    real_document = window.undo.document

    class Broken:
        def apply(self, change_set):
            raise OSError("disk unplugged")

    window.undo.document = Broken()
    window.actions_by_name["undo"].trigger()
    assert stack.index() == 2  # nothing undone, the history still matches the file
    assert window.dialog is not None and "could not be undone" in window.dialog.message_label.text()
    window.undo.document = real_document
    window.actions_by_name["undo"].trigger()
    assert stack.index() == 1 and window.people.row_count() == 1
    window.actions_by_name["redo"].trigger()
    assert stack.index() == 2 and window.people.row_count() == 2
