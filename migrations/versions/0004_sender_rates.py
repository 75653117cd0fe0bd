"""sender rates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 16:44:17.578753
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sender_rates',
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('next_free', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('sender')
    )


def downgrade() -> None:
    op.drop_table('sender_rates')
