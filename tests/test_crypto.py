"""Encrypted GenoMap files (SQLCipher): nothing readable without the passphrase, careful failure."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from genomap import privacy
from genomap.cli import main as cli_main
from genomap.demo import build_demo
from genomap.store import crypto, files
from genomap.store.document import StoreError
from genomap.store.files import create_document, open_document

PASSPHRASE = "correct horse battery staple"
AWKWARD = 'a "quoted" \'pass\' \\ back\\slash; DROP TABLE x; -- ünïcödé ✓ ключ'


def _sidecars(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path]


def _scan_bytes(data: bytes, needles: list[str]) -> list[str]:
    found = []
    for n in needles:
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            if n.encode(enc) in data:
                found.append(n)
                break
    return found


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Backups and logs go to a throwaway data folder, never the real one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("enc") / "demo.genomap"
    with create_document(path, passphrase=PASSPHRASE) as doc:
        build_demo(doc)
    return path


@pytest.fixture
def demo_copy(encrypted_demo, tmp_path) -> Path:
    dest = tmp_path / "copy.genomap"
    dest.write_bytes(encrypted_demo.read_bytes())
    return dest


def test_secret_and_key_hide_themselves():
    s = crypto.Secret(AWKWARD)
    k = crypto.Key.new(s)
    for text in (repr(s), str(s), repr(k), str(k), f"{s} {k!r}"):
        assert AWKWARD not in text and "ключ" not in text
    assert k.sql_literal() not in repr(k)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(s)


def test_encrypted_demo_has_no_personal_strings(encrypted_demo):
    needles = privacy.demo_personal_strings()
    assert len(needles) > 50
    data = encrypted_demo.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert _scan_bytes(data, needles) == []
    assert _sidecars(encrypted_demo) == []  # journal deleted after each commit


def test_encrypted_journal_mid_transaction_has_no_personal_strings(demo_copy):
    """While an edit is in progress the rollback journal exists: it is encrypted too."""
    needles = privacy.demo_personal_strings()
    key = crypto.unlock(demo_copy, PASSPHRASE)
    con = crypto.connect(demo_copy, key)
    con.isolation_level = None
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE person SET notes = notes || ' (checked)'")
    con.execute("DELETE FROM household")
    journal = demo_copy.with_name(demo_copy.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    assert _scan_bytes(journal.read_bytes(), needles) == []
    assert _scan_bytes(demo_copy.read_bytes(), needles) == []
    con.execute("ROLLBACK")
    con.close()


def test_plain_sqlite_cannot_open_it(encrypted_demo):
    assert not crypto.plain_sqlite_opens(encrypted_demo)
    con = sqlite3.connect(f"file:{encrypted_demo}?mode=ro", uri=True)
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT * FROM person").fetchall()
    con.close()


def test_opens_with_passphrase_and_works_through_sqlalchemy(encrypted_demo):
    from genomap.store import repository

    with open_document(encrypted_demo, PASSPHRASE) as doc:
        assert crypto.is_encrypted(doc)
        with doc.read() as session:
            titles = [c.title for c in repository.list_cases(session)]
        with doc.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        # an integrity error is still SQLAlchemy's IntegrityError (Document.edit relies on it)
        with pytest.raises(sa.exc.IntegrityError), doc.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO app_meta (key, value) SELECT key, value FROM app_meta LIMIT 1")
    assert len(titles) == 3


def test_same_key_as_sqlciphers_own_kdf(tmp_path):
    """Our PBKDF2 is SQLCipher 4's: standard tools open the file with the passphrase."""
    path = tmp_path / "x.genomap"
    create_document(path, passphrase="plain ascii words").close()
    import sqlcipher3.dbapi2 as dbapi

    con = dbapi.connect(str(path))
    con.execute("PRAGMA key = 'plain ascii words'")
    assert con.execute("PRAGMA application_id").fetchone()[0] == files.APPLICATION_ID
    con.close()


def test_wrong_passphrase_is_clear_bounded_and_harmless(demo_copy):
    before = demo_copy.read_bytes()
    mtime = demo_copy.stat().st_mtime_ns
    with pytest.raises(crypto.WrongPassphrase) as info:
        open_document(demo_copy, "not the passphrase")
    assert "Wrong passphrase" in str(info.value) and "not changed" in str(info.value)
    assert "not the passphrase" not in str(info.value)

    asked = []

    def provider(path, attempt, error):
        asked.append((attempt, error))
        return f"guess {attempt}"

    with pytest.raises(crypto.WrongPassphrase) as info:
        open_document(demo_copy, provider)
    assert len(asked) == crypto.MAX_TRIES
    assert asked[0][1] is None and "Wrong passphrase" in asked[1][1]
    assert f"stopped after {crypto.MAX_TRIES} tries" in str(info.value)
    assert demo_copy.read_bytes() == before and demo_copy.stat().st_mtime_ns == mtime
    assert _sidecars(demo_copy) == []
    # the right passphrase on the third try opens it
    answers = iter(["wrong one", "wrong two", PASSPHRASE])
    with open_document(demo_copy, lambda p, a, e: next(answers)) as doc:
        assert doc.key is not None


def test_wrong_passphrase_with_leftover_journal_does_not_replay_it(demo_copy):
    """A journal left by a crash is only replayed under the right key."""
    key = crypto.unlock(demo_copy, PASSPHRASE)
    con = crypto.connect(demo_copy, key)
    con.isolation_level = None
    con.execute("BEGIN IMMEDIATE")
    con.execute("DELETE FROM person")
    con.execute("PRAGMA cache_spill = 1")
    journal = demo_copy.with_name(demo_copy.name + "-journal")
    # simulate a crash: copy the file and journal as they are mid-transaction
    crashed = demo_copy.with_name("crashed.genomap")
    crashed.write_bytes(demo_copy.read_bytes())
    crashed.with_name(crashed.name + "-journal").write_bytes(journal.read_bytes())
    con.execute("ROLLBACK")
    con.close()
    before = (crashed.read_bytes(), crashed.with_name(crashed.name + "-journal").read_bytes())
    with pytest.raises(crypto.WrongPassphrase):
        open_document(crashed, "wrong passphrase")
    assert (crashed.read_bytes(), crashed.with_name(crashed.name + "-journal").read_bytes()) == before
    with open_document(crashed, PASSPHRASE) as doc, doc.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 26


def test_no_passphrase_says_so(demo_copy, monkeypatch):
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)
    with pytest.raises(crypto.PassphraseNeeded) as info:
        open_document(demo_copy)
    assert "encrypted" in str(info.value) and "passphrase" in str(info.value)


def test_not_a_genomap_file_is_still_refused(tmp_path):
    text = tmp_path / "notes.genomap"
    text.write_text("just some text")
    with pytest.raises(files.NotAGenoMapFile):
        open_document(text, PASSPHRASE)
    noise = tmp_path / "noise.genomap"
    noise.write_bytes(os.urandom(8192))
    with pytest.raises(crypto.WrongPassphrase):
        open_document(noise, PASSPHRASE)
    other = tmp_path / "other.db"
    import sqlcipher3.dbapi2 as dbapi

    con = dbapi.connect(str(other))
    con.execute("PRAGMA key = 'some passphrase'")
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    with pytest.raises(files.NotAGenoMapFile):
        open_document(other, "some passphrase")


def test_awkward_passphrase_works(tmp_path):
    path = tmp_path / "awkward.genomap"
    with create_document(path, passphrase=AWKWARD) as doc:
        build_demo(doc)
    with open_document(path, AWKWARD) as doc, doc.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 26
    # Unicode normalisation: the decomposed form of the same text opens it too
    import unicodedata

    with open_document(path, unicodedata.normalize("NFD", AWKWARD)):
        pass
    with pytest.raises(crypto.WrongPassphrase):
        open_document(path, AWKWARD.replace("\\", "/"))


def test_change_passphrase(demo_copy):
    with open_document(demo_copy, PASSPHRASE) as doc:
        crypto.change_passphrase(doc, AWKWARD)
        with doc.engine.connect() as conn:  # still usable after the re-key
            assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 26
    with pytest.raises(crypto.WrongPassphrase):
        open_document(demo_copy, PASSPHRASE)
    open_document(demo_copy, AWKWARD).close()


def _all_rows(path: Path, key) -> dict:
    con = crypto.connect(path, key, readonly=True)
    try:
        return crypto.table_rows(con)
    finally:
        con.close()


def test_conversion_both_ways_keeps_every_record(tmp_path):
    plain = tmp_path / "plain.genomap"
    with create_document(plain) as doc:
        build_demo(doc)
    original = _all_rows(plain, None)
    assert sum(len(v) for v in original.values()) > 100
    key = crypto.encrypt_file(plain, AWKWARD)
    assert not crypto.plain_sqlite_opens(plain)
    assert _scan_bytes(plain.read_bytes(), privacy.demo_personal_strings()) == []
    assert _all_rows(plain, key) == original
    assert oct(plain.stat().st_mode & 0o777) == "0o600"
    with open_document(plain, AWKWARD) as doc:
        assert doc.key is not None
    crypto.decrypt_file(plain, AWKWARD)
    assert crypto.plain_sqlite_opens(plain)
    assert _all_rows(plain, None) == original
    info = files.read_header(plain)
    assert info.is_genomap and info.user_version == files.SCHEMA_VERSION
    with open_document(plain) as doc:
        assert doc.key is None
    with pytest.raises(StoreError):
        crypto.decrypt_file(plain, AWKWARD)  # not encrypted: refused, unchanged


def test_save_copy_of_encrypted_file_is_encrypted(demo_copy, tmp_path):
    with open_document(demo_copy, PASSPHRASE) as doc:
        dest = files.save_copy(doc, tmp_path / "copy2.genomap")
    assert not crypto.plain_sqlite_opens(dest)
    with open_document(dest, PASSPHRASE) as doc, doc.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == 26


def test_encrypted_file_in_use_is_refused(demo_copy):
    with open_document(demo_copy, PASSPHRASE):
        with pytest.raises(files.FileInUse):
            open_document(demo_copy, PASSPHRASE)


def test_old_encrypted_file_is_upgraded_with_encrypted_backup(tmp_path):
    old = tmp_path / "old.genomap"
    files.build_empty_file(old, schema_version=1)
    key = crypto.encrypt_file(old, PASSPHRASE)
    with open_document(old, PASSPHRASE) as doc, doc.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == files.SCHEMA_VERSION
    backups = list(tmp_path.glob("old.genomap.bak-v1-*"))
    assert len(backups) == 1 and not crypto.plain_sqlite_opens(backups[0])
    assert _all_rows(backups[0], key) is not None


# -- deleted means gone -----------------------------------------------------------------

CANARY = "Flat 9, Canary Refuge, 1 Secret Lane, Nowhere NW1 9ZZ"


def _add_and_delete_canary(doc) -> None:
    from genomap.model.tables import Household

    def add(session):
        h = Household(label="Refuge", address=CANARY)
        session.add(h)
        session.flush()
        return h.id

    ids = []
    doc.edit("Add household", lambda s: ids.append(add(s)))
    with doc.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM household WHERE address = ?", (CANARY,)).scalar() == 1
    doc.edit("Delete household", lambda s: s.delete(s.get(Household, ids[0])))


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_deleted_canary_leaves_no_trace(tmp_path, encrypted):
    path = tmp_path / "canary.genomap"
    passphrase = PASSPHRASE if encrypted else None
    with create_document(path, passphrase=passphrase) as doc:
        build_demo(doc)
    with open_document(path, passphrase) as doc:
        _add_and_delete_canary(doc)
        assert not path.with_name(path.name + "-journal").exists()  # deleted after the commit
        key = doc.key
    raw = path.read_bytes()
    assert _scan_bytes(raw, [CANARY, "Canary Refuge"]) == []
    assert _sidecars(path) == []
    if encrypted:  # and not inside the encrypted pages either (no VACUUM was needed)
        con = crypto.connect(path, key, readonly=True)
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        con.close()
        dump = tmp_path / "dump.db"
        crypto.export(path, key, dump, None)
        assert _scan_bytes(dump.read_bytes(), [CANARY]) == []
        assert pages > 0


def test_new_files_are_owner_only(tmp_path):
    for passphrase in (None, PASSPHRASE):
        path = tmp_path / f"p{bool(passphrase)}.genomap"
        create_document(path, passphrase=passphrase).close()
        assert path.stat().st_mode & 0o077 == 0


# -- command line -----------------------------------------------------------------------


def test_cli_new_demo_check_encrypt_decrypt(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(crypto.ENV_VAR, AWKWARD)
    demo = tmp_path / "cli.genomap"
    assert cli_main(["demo", "--encrypt", str(demo)]) == 0
    assert not crypto.plain_sqlite_opens(demo)
    assert cli_main(["check", str(demo)]) == 0
    assert "3 family maps" in capsys.readouterr().out
    monkeypatch.setenv(crypto.ENV_VAR, "wrong passphrase")
    assert cli_main(["check", str(demo)]) == 2
    err = capsys.readouterr().err
    assert "Wrong passphrase" in err and "wrong passphrase" not in err.replace("Wrong passphrase", "")
    monkeypatch.delenv(crypto.ENV_VAR)
    assert cli_main(["check", str(demo)]) == 2
    assert "encrypted" in capsys.readouterr().err
    monkeypatch.setenv(crypto.ENV_VAR, AWKWARD)
    assert cli_main(["decrypt", str(demo)]) == 0
    assert crypto.plain_sqlite_opens(demo)
    monkeypatch.setenv(crypto.ENV_VAR, PASSPHRASE)
    assert cli_main(["encrypt", str(demo)]) == 0
    assert not crypto.plain_sqlite_opens(demo)
    monkeypatch.setenv("GENOMAP_NEW_PASSPHRASE", "another long passphrase")
    assert cli_main(["passphrase", str(demo)]) == 0
    monkeypatch.setenv(crypto.ENV_VAR, "another long passphrase")
    assert cli_main(["check", str(demo)]) == 0
    plain = tmp_path / "plain.genomap"
    assert cli_main(["new", str(plain)]) == 0  # plain unless asked
    assert crypto.plain_sqlite_opens(plain)
    short = tmp_path / "short.genomap"
    monkeypatch.setenv(crypto.ENV_VAR, "short")
    assert cli_main(["new", "--encrypt", str(short)]) == 1
    assert not short.exists()
