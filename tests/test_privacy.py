"""Nothing personal outside the file: after using the whole app, logs, settings, temp and cache hold no family data."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import pytest

from genomap import privacy
from genomap.demo import build_demo
from genomap.store.files import create_document

PASS = "privacy test passphrase"


@pytest.fixture
def private_env(tmp_path, monkeypatch):
    """HOME, XDG_* and TMPDIR pointed at empty throwaway folders."""
    dirs = {name: tmp_path / name for name in ("home", "data", "config", "cache", "tmp", "docs")}
    for d in dirs.values():
        d.mkdir()
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["data"]))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["config"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["cache"]))
    monkeypatch.setenv("TMPDIR", str(dirs["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return dirs


def test_places_follow_the_environment(private_env):
    p = privacy.places()
    assert p["data"] == private_env["data"] / "GenoMap" / "GenoMap"
    assert p["config"] == private_env["config"] / "GenoMap"
    assert p["cache"] == private_env["cache"] / "GenoMap"
    assert p["temp"] == private_env["tmp"]


def test_make_private_and_umask(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    os.chmod(f, 0o644)
    privacy.make_private(f)
    assert f.stat().st_mode & 0o777 == 0o600
    old = privacy.owner_only_umask()
    try:
        g = tmp_path / "g"
        g.write_text("x")
        assert g.stat().st_mode & 0o077 == 0
    finally:
        os.umask(old)


def test_scan_finds_utf8_and_utf16(tmp_path):
    (tmp_path / "a").write_bytes("hello Thistlewood".encode("utf-16-le"))
    (tmp_path / "b").write_bytes(b"nothing here")
    hits = privacy.scan_for([tmp_path], ["Thistlewood"])
    assert [h[0].name for h in hits] == ["a"]


def test_recent_files_setting(tmp_path):
    from PySide6.QtCore import QSettings

    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert privacy.remember_recent(s)
    s.setValue("files/recent", ["/x/Smith family.genomap"])
    s.setValue("cases//x/Smith family.genomap", 1)
    s.setValue(privacy.REMEMBER_RECENT_KEY, False)
    assert not privacy.remember_recent(s)
    privacy.forget_recent(s)
    assert not any("Smith" in k for k in s.allKeys())


@pytest.mark.gui
def test_whole_app_leaves_nothing_personal_outside_the_file(private_env, qtbot, monkeypatch):
    from PySide6.QtCore import QSettings

    from genomap import export
    from genomap.commands import command, edits
    from genomap.logs import configure_logging
    from genomap.model.tables import Person
    from genomap.ui.crash import ExceptionHook
    from genomap.ui.main_window import MainWindow

    needles = privacy.demo_personal_strings()
    path = private_env["docs"] / "family.genomap"
    with create_document(path, passphrase=PASS) as doc:
        build_demo(doc)

    log_path = configure_logging(privacy.log_dir(), level=logging.DEBUG)
    settings = QSettings(str(privacy.config_dir() / "GenoMap.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    hook = ExceptionHook(lambda: window).install()
    try:
        assert window.open_path(path, passphrase=PASS)
        qtbot.waitUntil(lambda: window.drawing is not None or window.banner.isVisible(), timeout=20000)
        # edit: rename a person, add and delete a household with an address
        with window.document.read() as session:
            kerry = session.query(Person).filter(Person.given_names == "Kerry").one()
        window.select([("person", kerry.id)])
        window.run(command("Edit notes", edits.update_fields, "person", kerry.id,
                           notes="Kerry Thistlewood moved to Ashgrove House"))
        window.add_person()
        window.delete_selection()
        window.undo_step()
        # export a PDF next to the file
        result = export.export_case(window.document, private_env["docs"] / "family.pdf", "pdf",
                                    case=window.case_id)
        assert (private_env["docs"] / "family.pdf").stat().st_mode & 0o077 == 0  # owner-only export
        assert result is not None
        # an unexpected error whose message quotes family data goes through the app's hook
        try:
            raise RuntimeError("could not draw Kerry Thistlewood at 12 Larch Street, Brackenford BF2 0ZZ")
        except RuntimeError:
            hook(*sys.exc_info())
        qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
        hook.dialog.accept()
        logging.getLogger("genomap.test").info("opened %s", "a file")  # the log is in use
        window.idle_lock.lock()
        window.idle_lock.unlock(PASS)
        window.close_document()
        window.save_window_state()
    finally:
        hook.uninstall()
        window.close()
    settings.sync()
    for handler in logging.getLogger("genomap").handlers:
        handler.flush()

    assert log_path.exists() and log_path.stat().st_size > 0
    scanned = [private_env[k] for k in ("home", "data", "config", "cache", "tmp")]
    assert any(p.is_file() for p in privacy.backup_dir().rglob("*"))  # backups exist (encrypted)
    hits = privacy.scan_for(scanned, needles)
    assert hits == [], hits
    # exports are written beside their target: no stray copies in the temp folder
    assert not [p for p in private_env["tmp"].rglob("*") if p.suffix in (".pdf", ".part", ".genomap")]
