"""A throwaway PostgreSQL cluster for the team-database tests.

``pg_server`` (session) runs ``initdb`` into a temporary folder and starts the
server listening on a Unix socket in that folder only (``listen_addresses=''``:
no TCP at all), with durability switched off for speed; it is stopped and
deleted afterwards.  PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` OS user (or a dedicated ``genomap-pg`` user).
The schema is migrated once into a template database; ``pg_url`` gives each
test a fresh copy of it.

When no PostgreSQL server binaries are installed the tests are skipped -- except
in CI (``CI`` set), where that is a failure: ``packaging/dev-setup.sh --test``
installs PostgreSQL.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
import sqlalchemy as sa

ADMIN = "genomap"
TEMPLATE = "genomap_template"
_counter = itertools.count(1)


def find_bindir() -> Optional[Path]:
    """The folder with initdb/pg_ctl: Debian's /usr/lib/postgresql/N/bin, else PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "genomap-pg"):
        try:
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "genomap-pg"], check=True)
    return ["runuser", "-u", "genomap-pg", "--"]


@dataclass
class PgServer:
    bindir: Path
    root: Path
    prefix: list[str]

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}"

    def admin_sql(self, *statements: str) -> None:
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for s in statements:
                    conn.exec_driver_sql(s)
        finally:
            engine.dispose()

    def new_database(self) -> str:
        name = f"t{os.getpid()}_{next(_counter)}"
        self.admin_sql(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(self.prefix + [str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"),
                                      "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb) not found; run packaging/dev-setup.sh --test"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    prefix = _run_as()
    root = Path(tempfile.mkdtemp(prefix="gmpg"))
    (root / "sock").mkdir()
    if prefix:
        owner = prefix[2]
        shutil.chown(root, owner)
        shutil.chown(root / "sock", owner)
        os.chmod(root, 0o755)
    data = root / "data"
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", ADMIN, "-A", "trust",
                             "-E", "UTF8", "--locale=C", "--no-sync"],
                   check=True, capture_output=True)
    options = (f"-c listen_addresses='' -k {root / 'sock'} -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=80 -c timezone=UTC")
    result = subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"),
                                      "-w", "-t", "60", "-o", options, "start"],
                            capture_output=True, text=True)
    server = PgServer(bindir, root, prefix)
    if result.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        server.stop()
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
    from genomap.store import server as team

    server.admin_sql(f"CREATE DATABASE {TEMPLATE}")
    team.upgrade(server.url(TEMPLATE))
    return server


@pytest.fixture(scope="session")
def pg_server():
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, migrated, empty team database for one test."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """``open_doc(user=...)``: documents on one database, a GenoMap file or a team database.

    Several documents of one test share the database (two people at work); all
    are closed afterwards.
    """
    from genomap.store import server as team
    from genomap.store.document import Document

    opened = []
    if request.param == "sqlite":
        path = tmp_path / "team.genomap"
        Document.create(path).close()

        def open_doc(user: str = "alice"):
            from genomap.store import files

            # Two windows on one file are refused by the file lock; tests of two
            # people at once open the database underneath it, as a server would.
            doc = Document(files.make_engine(files._url(path)), path)
            doc.user = user
            opened.append(doc)
            return doc
    else:
        url = request.getfixturevalue("pg_url")

        def open_doc(user: str = "alice"):
            doc = team.open_team_document(url, user=user)
            opened.append(doc)
            return doc

    open_doc.kind = request.param
    yield open_doc
    for doc in opened:
        doc.close()


def dump(doc) -> dict[str, list[tuple]]:
    """Every family row, versions left out (an undo is a new version)."""
    from sqlmodel import SQLModel

    with doc.engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(
                sa.select(*[c for c in t.columns if c.name != "version"])).all()), key=repr)
            for t in SQLModel.metadata.sorted_tables if t.name != "app_meta"
        }
