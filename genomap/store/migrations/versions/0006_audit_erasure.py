"""Deleted means gone, in the audit trail too.

Schema version 6.  The audit trail stays append-only, except that the values an
audit row holds may be erased (set to NULL, nothing else changed) -- which
GenoMap does when the record they describe is deleted, so a deleted refuge
address or a wrongly linked person leaves no trace in the file.  Audit rows
already written for records deleted before this version have their values
erased now.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from genomap.store.audit import POSTGRESQL_REFUSE_FUNCTION, SQLITE_TRIGGERS

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute(SQLITE_TRIGGERS[0])
    elif bind.dialect.name == "postgresql":
        op.execute(POSTGRESQL_REFUSE_FUNCTION)
        op.execute("GRANT UPDATE (old_values, new_values) ON audit_log TO PUBLIC")
    # values of rows whose record was deleted earlier, and earlier delete rows' values
    deleted = sa.text(
        "SELECT DISTINCT table_name, row_key FROM audit_log a WHERE op = 'delete' AND NOT EXISTS ("
        " SELECT 1 FROM audit_log b WHERE b.table_name = a.table_name AND b.row_key = a.row_key"
        " AND b.id > a.id)"
    )
    for table_name, key in bind.execute(deleted).all():
        bind.execute(
            sa.text("UPDATE audit_log SET old_values = NULL, new_values = NULL "
                    "WHERE table_name = :t AND row_key = :k "
                    "AND (old_values IS NOT NULL OR new_values IS NOT NULL)"),
            {"t": table_name, "k": key},
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'the GenoMap audit trail cannot be changed'); END")
