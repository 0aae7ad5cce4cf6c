"""Automatic rotating backups: as protected as the file, named without file names, restorable."""

from __future__ import annotations

import time

import pytest

from genomap import privacy
from genomap.demo import build_demo
from genomap.model.tables import Person
from genomap.store import backups, crypto
from genomap.store.files import create_document, open_document

PASS = "backup test passphrase"


@pytest.fixture(autouse=True)
def _data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _demo(tmp_path, passphrase=None):
    path = tmp_path / "Thistlewood family.genomap"
    with create_document(path, passphrase=passphrase) as doc:
        build_demo(doc)
    return path


def _people(doc) -> int:
    with doc.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM person").scalar()


@pytest.mark.parametrize("passphrase", [None, PASS], ids=["plain", "encrypted"])
def test_backups_rotate_and_are_protected_like_the_file(tmp_path, passphrase):
    path = _demo(tmp_path, passphrase)
    with open_document(path, passphrase) as doc:
        made = []
        for _ in range(7):
            made.append(backups.make_backup(doc, keep=5))
            time.sleep(0.002)
    listed = backups.list_backups(path)
    assert [b.path for b in listed] == list(reversed(made[-5:]))
    folder = backups.folder_for(path)
    assert folder.parent == privacy.backup_dir()
    assert "Thistlewood" not in str(folder) and all("Thistlewood" not in b.path.name for b in listed)
    assert folder.stat().st_mode & 0o077 == 0 and privacy.backup_dir().stat().st_mode & 0o077 == 0
    for b in listed:
        assert b.path.stat().st_mode & 0o077 == 0
        assert crypto.plain_sqlite_opens(b.path) == (passphrase is None)
        if passphrase:
            hits = privacy.scan_for([b.path], privacy.demo_personal_strings())
            assert hits == []
        with open_document(b.path, passphrase) as copy:
            assert _people(copy) == 26


@pytest.mark.parametrize("passphrase", [None, PASS], ids=["plain", "encrypted"])
def test_restore_brings_back_the_old_state_after_backing_up_the_current(tmp_path, passphrase):
    path = _demo(tmp_path, passphrase)
    doc = open_document(path, passphrase)
    first = backups.make_backup(doc)
    doc.edit("Delete everyone", lambda s: [s.delete(p) for p in s.query(Person).all()])
    assert _people(doc) == 0
    doc = backups.restore(doc, first)
    try:
        assert _people(doc) == 26
        reasons = [b.reason for b in backups.list_backups(path)]
        assert reasons.count("before-restore") == 1 and "open" in reasons
        before = next(b for b in backups.list_backups(path) if b.reason == "before-restore")
        with open_document(before.path, passphrase) as copy:
            assert _people(copy) == 0  # the state before the restore was kept
    finally:
        doc.close()
    assert path.stat().st_mode & 0o077 == 0


def test_passphrase_change_removes_backups_under_the_old_one(tmp_path):
    path = _demo(tmp_path, PASS)
    with open_document(path, PASS) as doc:
        backups.make_backup(doc)
        backups.make_backup(doc)
        crypto.change_passphrase(doc, "the new passphrase")
        backups.after_passphrase_change(doc)
    listed = backups.list_backups(path)
    assert [b.reason for b in listed] == ["passphrase"]
    with pytest.raises(crypto.WrongPassphrase):
        open_document(listed[0].path, PASS)
    open_document(listed[0].path, "the new passphrase").close()


@pytest.mark.gui
def test_window_backs_up_on_open_and_restores(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from genomap.ui.main_window import MainWindow

    path = _demo(tmp_path, PASS)
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.open_path(path, passphrase=PASS)
    assert len(backups.list_backups(path)) == 1
    w.document.edit("Delete everyone", lambda s: [s.delete(p) for p in s.query(Person).all()])
    dlg = w.protection.restore_dialog()
    assert dlg.list.count() == 1 and "when opened" in dlg.list.item(0).text()
    assert w.protection.restore(dlg.chosen())
    assert _people(w.document) == 26 and w.document.key is not None
    assert "before-restore" in [b.reason for b in backups.list_backups(path)]
    w.close_document()
