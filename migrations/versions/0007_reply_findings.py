"""reply findings and staff corrections of replies

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.add_column(sa.Column("findings", sa.JSON(), nullable=True))
    op.create_table(
        "reply_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("relief", sa.String(length=16), nullable=True),
        sa.Column("opt_out", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["reply_id"], ["replies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reply_corrections_reply_id", "reply_corrections", ["reply_id"])


def downgrade() -> None:
    op.drop_index("ix_reply_corrections_reply_id", table_name="reply_corrections")
    op.drop_table("reply_corrections")
    with op.batch_alter_table("replies") as batch:
        batch.drop_column("findings")
