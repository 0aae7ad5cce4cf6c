"""The significant adults register: one row per adult in a child's life.

Schema version 5.  Adds ``significantadult``: what a school's register adds to
the family map for one adult–child pair (contact arrangement, agreed restriction,
may collect, emergency-contact priority, notes, date last checked, and where
that came from).  Everything else in the register is derived from the family map.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "significantadult",
        sa.Column("status", sa.Enum("reported", "alleged", "suspected", "confirmed", "disputed",
                                    name="factstatus", native_enum=False, length=40), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("source_agency", sa.String(), nullable=False),
        sa.Column("source_date", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("adult_id", sa.Integer(), nullable=False),
        sa.Column("contact_arrangement", sa.String(), nullable=False),
        sa.Column("restriction", sa.Enum("none", "supervised", "no_contact", "other",
                                         name="contactrestriction", native_enum=False, length=40),
                  nullable=False),
        sa.Column("may_collect", sa.Enum("yes", "no", "unknown", name="tristate", native_enum=False,
                                         length=40), nullable=False),
        sa.Column("emergency_priority", sa.Integer(), nullable=True),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("last_checked", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["adult_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("child_id", "adult_id"),
    )
    op.create_index("ix_significantadult_child_id", "significantadult", ["child_id"])
    op.create_index("ix_significantadult_adult_id", "significantadult", ["adult_id"])


def downgrade() -> None:
    op.drop_index("ix_significantadult_adult_id", table_name="significantadult")
    op.drop_index("ix_significantadult_child_id", table_name="significantadult")
    op.drop_table("significantadult")
