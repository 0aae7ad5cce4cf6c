"""File metadata table (app_meta) with a stable file id.

Schema version 2.  Adds ``app_meta`` (key/value facts about the file itself,
see :mod:`genomap.store.meta`) and gives every existing file a ``file_id`` so
files upgraded from version 1 are identifiable just like new ones.

Revision ID: 0002
Revises: 0001
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.bulk_insert(table, [{"key": "file_id", "value": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("app_meta")
