"""Alembic environment for GenoMap files.

GenoMap never runs Alembic from the command line against a configured URL: the
store opens the file itself and hands Alembic an open connection through
``config.attributes["connection"]``, so a migration runs inside the store's
transaction and with its connection settings.  ``render_as_batch`` lets
migrations alter SQLite tables (SQLite cannot ALTER most constraints, so Alembic
copies the table).

For developers: ``alembic -c <ini with script_location=genomap/store/migrations>
revision -m "..." --autogenerate`` against a file at head writes a new
revision; give it the next four-digit id and bump ``SCHEMA_VERSION`` in
:mod:`genomap.store.files`.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import genomap.model.tables  # noqa: F401  (registers the family tables)
import genomap.store.access  # noqa: F401  (registers app_user, case_access)
import genomap.store.meta  # noqa: F401  (registers app_meta)
from genomap.store.audit import TEAM_METADATA

config = context.config
target_metadata = [SQLModel.metadata, TEAM_METADATA]


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from genomap.store.files import make_engine

        url = config.get_main_option("sqlalchemy.url")
        engine = make_engine(url, foreign_keys=False)
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
        engine.dispose()
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - GenoMap only migrates live files
    raise SystemExit("GenoMap migrations run against an open file, not offline")
run_migrations_online()
