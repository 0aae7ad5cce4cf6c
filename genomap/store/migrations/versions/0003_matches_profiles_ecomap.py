"""Match decisions, redaction profiles, ecomap connection fields.

Schema version 3.  Adds ``matchdecision`` (linked / rejected possible matches
between person records, so a rejection is remembered), ``redactionprofile``
(named, user-edited redaction profiles) and, on ``involvement``, the nature of
the connection and the direction of support shown on ecomaps.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matchdecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.Enum("linked", "rejected", name="matchdecisionkind",
                                      native_enum=False, length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_a_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_b_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_a_id", "person_b_id"),
    )
    op.create_index("ix_matchdecision_person_a_id", "matchdecision", ["person_a_id"])
    op.create_index("ix_matchdecision_person_b_id", "matchdecision", ["person_b_id"])
    op.create_table(
        "redactionprofile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("settings", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("involvement") as batch:
        batch.add_column(sa.Column(
            "connection",
            sa.Enum("unspecified", "strong", "normal", "tenuous", "stressful",
                    name="connectionquality", native_enum=False, length=40),
            nullable=False, server_default="unspecified"))
        batch.add_column(sa.Column(
            "support",
            sa.Enum("none", "to_family", "from_family", "mutual",
                    name="supportdirection", native_enum=False, length=40),
            nullable=False, server_default="none"))


def downgrade() -> None:
    with op.batch_alter_table("involvement") as batch:
        batch.drop_column("support")
        batch.drop_column("connection")
    op.drop_table("redactionprofile")
    op.drop_index("ix_matchdecision_person_b_id", "matchdecision")
    op.drop_index("ix_matchdecision_person_a_id", "matchdecision")
    op.drop_table("matchdecision")
