"""Row versions, the audit trail, users and case access lists (team databases).

Schema version 4.  Adds ``version`` (optimistic concurrency: no lost updates when
several people edit one database) to every family table; ``audit_log`` (who
changed what, when, from what to what; append-only -- a trigger refuses UPDATE
and DELETE on both SQLite and PostgreSQL); ``app_user`` and ``case_access``
(who may open which family map on a team database; unused in a local file).

Runs unchanged on SQLite and PostgreSQL.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FAMILY_TABLES = (
    "case", "person", "casemember", "partnership", "parentlink", "tie", "household",
    "residence", "agency", "involvement", "riskflag", "legalstatus", "event", "eventperson",
    "eventhousehold", "matchdecision", "redactionprofile",
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the GenoMap audit trail cannot be changed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the GenoMap audit trail cannot be changed'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION genomap_audit_refuse() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the GenoMap audit trail cannot be changed'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION genomap_audit_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION genomap_audit_refuse()",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
)


def upgrade() -> None:
    for table in FAMILY_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("txn", sa.String(length=36), nullable=False),
        sa.Column("description", sa.String(), nullable=False, server_default=""),
        sa.Column("source", sa.String(length=10), nullable=False, server_default="edit"),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_key", sa.String(length=100), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("other_person_id", sa.Integer(), nullable=True),
        sa.Column("old_values", sa.Text(), nullable=True),
        sa.Column("new_values", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])
    op.create_index("ix_audit_log_person_id", "audit_log", ["person_id"])
    op.create_index("ix_audit_log_other_person_id", "audit_log", ["other_person_id"])
    op.create_index("ix_audit_log_table_row", "audit_log", ["table_name", "row_key"])

    op.create_table(
        "app_user",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "case_access",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False, server_default="member"),
        sa.Column("granted_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "user_name"),
    )
    op.create_index("ix_case_access_user_name", "case_access", ["user_name"])

    dialect = op.get_bind().dialect.name
    for sql in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, ()):
        op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS genomap_audit_refuse()")
    op.drop_index("ix_case_access_user_name", "case_access")
    op.drop_table("case_access")
    op.drop_table("app_user")
    op.drop_index("ix_audit_log_table_row", "audit_log")
    op.drop_index("ix_audit_log_other_person_id", "audit_log")
    op.drop_index("ix_audit_log_person_id", "audit_log")
    op.drop_index("ix_audit_log_case_id", "audit_log")
    op.drop_table("audit_log")
    for table in FAMILY_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
