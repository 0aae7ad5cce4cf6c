"""GenoMap files: create/open, recognising foreign/damaged/newer files without touching them,
migrations from an older schema, single-instance locking, consistent copies, and undo/redo
through recorded change sets."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from genomap.errors import is_user_facing
from genomap.model.tables import Person
from genomap.store import files, repository
from genomap.store.document import Document
from genomap.store.files import (
    APPLICATION_ID, SCHEMA_VERSION, CorruptFile, FileExists, FileInUse, FileNotFound, NewerVersion,
    NotAGenoMapFile,
)
from genomap.store.audit import TEAM_METADATA
from genomap.store.meta import AppMeta

from factories import add_case, add_person, make_document


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def dump(doc: Document) -> dict[str, list[tuple]]:
    """Every family row; not the row versions (an undo is a new version, see store.concurrency)."""
    with doc.engine.connect() as conn:
        return {
            t.name: sorted(
                map(tuple, conn.execute(sa.select(*[c for c in t.columns if c.name != "version"])).all()),
                key=repr)
            for t in SQLModel.metadata.sorted_tables
        }


def pragma(path, name):
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


# -- create and open -------------------------------------------------------------------


def test_create_and_reopen_keeps_everything(demo_file):
    with Document.open(demo_file) as doc:
        state = dump(doc)
        snap = doc.snapshot(1)
    with Document.open(demo_file) as doc:
        assert dump(doc) == state
        assert doc.snapshot(1) == snap
    assert sorted(os.listdir(demo_file.parent)) == ["demo.genomap"]  # no journal/WAL/lock left


def test_file_is_marked_as_genomap_with_its_schema_version(tmp_path):
    path = tmp_path / "new.genomap"
    Document.create(path).close()
    assert pragma(path, "application_id") == APPLICATION_ID
    assert pragma(path, "user_version") == SCHEMA_VERSION
    assert pragma(path, "journal_mode") == "delete"
    info = files.read_header(path)
    assert info.is_genomap and info.user_version == SCHEMA_VERSION
    with Document.open(path) as doc, doc.read() as s:
        meta = {m.key: m.value for m in s.scalars(select(AppMeta))}
    assert len(meta["file_id"]) == 36 and meta["created_with"].startswith("GenoMap")


def test_connection_settings(tmp_path):
    with make_document(tmp_path) as doc, doc.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_create_refuses_to_replace_a_file(tmp_path):
    path = tmp_path / "x.genomap"
    path.write_text("precious")
    with pytest.raises(FileExists, match="already exists"):
        Document.create(path)
    assert path.read_text() == "precious"
    assert sorted(os.listdir(tmp_path)) == ["x.genomap"]
    files.create_document(path, overwrite=True).close()
    assert files.read_header(path).is_genomap


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFound, match="nope.genomap' does not exist"):
        Document.open(tmp_path / "nope.genomap")
    assert os.listdir(tmp_path) == []


def test_schema_made_by_migrations_matches_the_model(tmp_path):
    """New files are built by Alembic; the tables in genomap.model must describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with make_document(tmp_path) as doc, doc.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), [SQLModel.metadata, TEAM_METADATA])
        migrated = _schema(conn)
        assert files.current_revision(conn) == files.REVISIONS[SCHEMA_VERSION]
    assert diffs == [], "model and migrations differ: write a new migration"
    engine = files.make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    TEAM_METADATA.create_all(engine)
    with engine.connect() as conn:
        assert _schema(conn) == migrated
    engine.dispose()


def _schema(conn):
    out = {}
    for (table,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'alembic%' AND name NOT LIKE 'sqlite%'"
    ):
        cols = conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
        fks = conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
        idx = conn.exec_driver_sql(f'PRAGMA index_list("{table}")').all()
        out[table] = (
            sorted((c[1], c[2].upper(), c[3], c[5]) for c in cols),
            sorted((f[2], f[3], f[4], f[6]) for f in fks),
            sorted((i[1], i[2]) for i in idx if not i[1].startswith("sqlite_autoindex")),
        )
    return out


# -- refusing files without changing them ------------------------------------------------


def _foreign_sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipes (name) VALUES ('soup')")
    con.commit()
    con.close()


def _truncated(path, demo):
    data = open(demo, "rb").read()
    path.write_bytes(data[: len(data) // 2])


def _damaged(path, demo):
    data = bytearray(open(demo, "rb").read())
    page = pragma(demo, "page_size")
    for p in range(1, len(data) // page):  # scribble over every b-tree page header
        data[p * page: p * page + 12] = b"\xde\xad\xbe\xef" * 3
    path.write_bytes(bytes(data))


def _newer(path, demo):
    path.write_bytes(open(demo, "rb").read())
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda p, d: p.write_text("Dear diary, today I wrote a text file."), NotAGenoMapFile, "not a database"),
        (lambda p, d: p.write_bytes(os.urandom(5000)), NotAGenoMapFile, "not a database"),
        (lambda p, d: p.write_bytes(b""), NotAGenoMapFile, "empty"),
        (lambda p, d: _foreign_sqlite(p), NotAGenoMapFile, "another program"),
        (_truncated, CorruptFile, "damaged"),
        (_damaged, CorruptFile, "damaged"),
        (_newer, NewerVersion, "newer GenoMap"),
    ],
    ids=["text", "random-bytes", "empty", "foreign-sqlite", "truncated", "damaged", "newer"],
)
def test_refused_files_are_left_exactly_as_they_were(tmp_path, demo_file, make, error, words):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "file.genomap"
    make(path, demo_file)
    before = digest(path)
    with pytest.raises(error) as err:
        Document.open(path)
    message = str(err.value)
    assert words in message and str(path) in message
    assert is_user_facing(err.value) and "\n" not in message
    assert digest(path) == before
    assert os.listdir(folder) == ["file.genomap"], "no journal, WAL or lock file left behind"


def test_a_folder_is_not_a_genomap_file(tmp_path):
    with pytest.raises(NotAGenoMapFile, match="folder"):
        Document.open(tmp_path)


# -- migrations --------------------------------------------------------------------------


def test_version_1_file_is_backed_up_and_upgraded(tmp_path):
    path = tmp_path / "old.genomap"
    files.build_empty_file(path, schema_version=1)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO \"case\" (id, title, reference, author, notes, created_at, updated_at) "
                "VALUES (1, 'Old family', 'R1', '', '', '2024-01-01 00:00:00', '2024-01-01 00:00:00')")
    con.execute("INSERT INTO person (id, given_names, family_name, known_as, aliases, sex, gender_identity, birth, "
                "deceased, pregnancy, adopted, looked_after, twin_group, twin_kind, notes, child_voice, created_at, "
                "updated_at) VALUES (1, 'Ada', 'Old', '', '', 'female', '', '1950-03-00', 0, 'none', 0, 0, '', "
                "'none', '', '', '2024-01-01 00:00:00', '2024-01-01 00:00:00')")
    con.execute("INSERT INTO casemember (case_id, person_id, is_subject, role) VALUES (1, 1, 1, 'subject')")
    con.commit()
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "app_meta" not in tables and pragma(path, "user_version") == 1

    with Document.open(path) as doc:
        with doc.read() as s:
            ada = s.get(Person, 1)
            assert ada.display_name == "Ada Old" and str(ada.birth) == "Mar 1950"
            assert len(s.scalars(select(AppMeta)).all()) == 1  # file_id added by 0002
            assert repository.people_in_case(s, 1) == [ada]
        with doc.engine.connect() as conn:
            assert files.current_revision(conn) == files.REVISIONS[SCHEMA_VERSION]
        add_person(doc, 1, given_names="New")  # the upgraded file is editable
    assert pragma(path, "user_version") == SCHEMA_VERSION
    backups = [p for p in os.listdir(tmp_path) if p.startswith("old.genomap.bak-v1-")]
    assert len(backups) == 1
    backup = tmp_path / backups[0]
    assert pragma(backup, "user_version") == 1 and pragma(backup, "quick_check") == "ok"
    con = sqlite3.connect(backup)
    assert con.execute("SELECT given_names FROM person").fetchall() == [("Ada",)]
    assert not con.execute("SELECT name FROM sqlite_master WHERE name='app_meta'").fetchall()
    con.close()
    assert sorted(os.listdir(tmp_path)) == sorted(["old.genomap", backups[0]])
    with Document.open(path) as doc:  # second open: no second upgrade, no second backup
        pass
    assert len([p for p in os.listdir(tmp_path) if ".bak-" in p]) == 1


# -- one window per file -------------------------------------------------------------------


def test_a_second_open_is_refused_while_the_file_is_open(tmp_path):
    path = tmp_path / "x.genomap"
    doc = Document.create(path)
    with pytest.raises(FileInUse, match="is open in another GenoMap window or by another user"):
        Document.open(path)
    with pytest.raises(FileInUse):
        files.create_document(path, overwrite=True)
    doc.close()
    Document.open(path).close()
    assert os.listdir(tmp_path) == ["x.genomap"]


def test_another_process_is_refused_too(tmp_path):
    path = tmp_path / "x.genomap"
    code = (
        "import sys\n"
        "from genomap.store.files import open_document, FileInUse\n"
        "try:\n    open_document(sys.argv[1])\nexcept FileInUse as e:\n    print(e); sys.exit(7)\n"
    )
    with Document.create(path):
        result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 7, result.stderr
    assert "open in another GenoMap window" in result.stdout


def test_a_stale_lock_file_from_a_crash_does_not_block(tmp_path):
    path = tmp_path / "x.genomap"
    Document.create(path).close()
    (tmp_path / "x.genomap.lock").write_text('{"user": "someone"}')  # left by a dead process
    Document.open(path).close()


# -- copies --------------------------------------------------------------------------------


def test_save_copy_is_a_consistent_genomap_file(tmp_path, demo_file):
    copy = tmp_path / "copy.genomap"
    with Document.open(demo_file) as doc:
        state = dump(doc)
        stop = threading.Event()

        def keep_editing():
            n = 0
            while not stop.is_set():
                n += 1
                add_person(doc, 1, given_names=f"Busy {n}", birth="2000")

        worker = threading.Thread(target=keep_editing)
        worker.start()
        try:
            files.save_copy(doc, copy)
        finally:
            stop.set()
            worker.join()
        final = dump(doc)
    assert pragma(copy, "quick_check") == "ok"
    with Document.open(copy) as c:
        copied = dump(c)
    # the copy is the file at one moment: the demo plus a prefix of the busy edits
    assert copied["case"] == state["case"]
    busy = [r for r in final["person"] if r not in state["person"]]
    got = [r for r in copied["person"] if r not in state["person"]]
    assert set(got) <= set(busy)
    names = sorted(int(r[1].split()[1]) for r in got)
    assert names == list(range(1, len(names) + 1))
    assert len([r for r in copied["casemember"]]) == len(state["casemember"]) + len(got)


def test_save_copy_refuses_the_open_file_itself(demo_file):
    with Document.open(demo_file) as doc:
        with pytest.raises(files.FileProblem, match="choose another name"):
            files.save_copy(doc, demo_file)


# Undo and redo through change sets are tested on both backends in test_team_db_store.py.


# -- snapshots and repository -----------------------------------------------------------------


def test_demo_snapshots_and_cross_case_links(demo_file):
    from datetime import date

    with Document.open(demo_file) as doc, doc.read() as s:
        cases = repository.list_cases(s)
        assert len(cases) == 3
        main = doc.snapshot(cases[0].id)
        assert 18 <= len(main.people) <= 25
        summary = repository.case_summary(s, cases[0].id)
        assert summary.agencies >= 6 and summary.events >= 12 and summary.households >= 3
        darren = [p for p in main.people if p.name == "Darren Skelwith"][0]
        assert [c.title for c in repository.cases_of_person(s, darren.id)] == [cases[0].title, cases[1].title]
        matches = repository.search_people(s, "skelw")
        assert len(matches) == 2 and {p.birth for p in matches} == {darren.birth}
        assert [p.known_as for p in repository.search_people(s, "DAZ")] == ["Daz"]
        assert repository.search_people(s, "daz", case_id=cases[0].id) == []

        def homes(day):
            return {
                main.household(h).label: frozenset(p.name for p in main.people if h in main.households_of(p.id, day))
                for p0 in main.people for h in main.households_of(p0.id, day)
            }

        assert homes(date(2023, 6, 1)) != homes(date(2026, 6, 1))
        living = [p for p in main.partnerships if p.living_together]
        assert living and living[0].ended_on(date(2026, 6, 1))
        with pytest.raises(repository.CaseNotFound):
            repository.get_case(s, 999)


def test_in_memory_document_is_usable_from_another_thread():
    doc = Document.in_memory()
    case = add_case(doc)
    add_person(doc, case, given_names="Ann", birth="1990")
    result = []
    t = threading.Thread(target=lambda: result.append(doc.snapshot(case).people[0].name))
    t.start()
    t.join()
    assert result == ["Ann"]
    doc.close()
