"""Team database plumbing: ``genomap db upgrade``/``copy``/``grant``, copies that keep or
renumber ids consistently in one transaction, refusals, and URLs without passwords."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from genomap.cli import main as cli_main
from genomap.store import audit, server
from genomap.store.document import Document

from pg import dump


def _file_doc(path):
    return Document.open(path)


def test_upgrade_on_an_empty_database_then_again(pg_server, capsys):
    pg_server.admin_sql("CREATE DATABASE fresh_upgrade")
    url = pg_server.url("fresh_upgrade")
    assert cli_main(["db", "upgrade", url]) == 0
    assert "from schema (empty) to" in capsys.readouterr().out
    assert cli_main(["db", "upgrade", url]) == 0
    assert "already at schema" in capsys.readouterr().out
    doc = server.open_team_document(url, user="carol")
    assert doc.user == "carol" and doc.snapshot  # usable
    doc.close()


def test_an_unmigrated_database_is_refused_clearly(pg_server):
    pg_server.admin_sql("CREATE DATABASE not_migrated")
    with pytest.raises(server.TeamDatabaseProblem, match="genomap db upgrade"):
        server.open_team_document(pg_server.url("not_migrated"))


def test_copy_file_to_team_database_and_back_keeps_everything(demo_file, pg_url, tmp_path, capsys):
    with _file_doc(demo_file) as doc:
        original = dump(doc)
        snaps = [doc.snapshot(c) for c in (1, 2, 3)]
        audited = audit.count(doc.engine)
    assert cli_main(["db", "copy", str(demo_file), pg_url, "--user", "alice"]) == 0
    assert "Copied 3 family maps" in capsys.readouterr().out
    team = server.open_team_document(pg_url, user="alice")
    assert dump(team) == original
    assert [team.snapshot(c) for c in (1, 2, 3)] == snaps  # alice owns the copied maps
    assert audit.count(team.engine) == audited
    # new rows continue above the copied ids
    from factories import add_person
    new = add_person(team, 1, given_names="After copy")
    assert new > max(r[0] for r in original["person"])
    team.close()
    # a non-empty target is refused, nothing written
    assert cli_main(["db", "copy", str(demo_file), pg_url]) == 2
    assert "already holds family maps" in capsys.readouterr().err
    back = tmp_path / "back.genomap"
    assert cli_main(["db", "copy", pg_url, str(back)]) == 0
    with _file_doc(back) as doc:
        state = dump(doc)
    assert {k: v for k, v in state.items() if k != "person"} == {k: v for k, v in original.items() if k != "person"} | {"casemember": state["casemember"]}
    assert len(state["person"]) == len(original["person"]) + 1


def test_append_renumbers_ids_consistently(demo_file, pg_url):
    assert server.copy_database(str(demo_file), pg_url, user="alice").rows["case"] == 3
    report = server.copy_database(str(demo_file), pg_url, append=True, user="alice")
    assert report.remapped
    team = server.open_team_document(pg_url, user="alice")
    with _file_doc(demo_file) as doc:
        first = doc.snapshot(1)
    again = team.snapshot(4)  # the appended copy of family map 1
    assert again.title == first.title and len(again.people) == len(first.people)
    assert sorted(p.name for p in again.people) == sorted(p.name for p in first.people)
    assert len(again.parent_links) == len(first.parent_links) and len(again.events) == len(first.events)
    assert not {p.id for p in again.people} & {p.id for p in first.people}
    team.close()


def test_a_failed_copy_writes_nothing(demo_file, pg_url, monkeypatch):
    calls = []
    real = server._reset_sequences

    def boom(conn):
        calls.append(1)
        raise sa.exc.OperationalError("setval", {}, Exception("disk full"))

    monkeypatch.setattr(server, "_reset_sequences", boom)
    with pytest.raises(server.TeamDatabaseProblem, match="disk full"):
        server.copy_database(str(demo_file), pg_url)
    monkeypatch.setattr(server, "_reset_sequences", real)
    team = server.open_team_document(pg_url, user="x")
    assert all(not rows for rows in dump(team).values()) and calls
    team.close()


def test_passwords_never_appear_in_messages():
    url = "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/genomap"
    assert "s3cret" not in server.display_url(url) and "alice" in server.display_url(url)
    with pytest.raises(server.TeamDatabaseProblem) as err:
        server.open_team_document(url)
    assert "s3cret" not in str(err.value)
