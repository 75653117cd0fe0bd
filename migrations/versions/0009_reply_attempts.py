"""a stored reply is always read: attempts, the next one, giving up

Replies not yet processed are retried by the reply sweep (reminders/reply_sweep.py) with
a backoff, and after the last failed attempt flagged for a person. Replies stored before
this revision and never processed are due at once: the first sweep reads them.

health_checks holds the row GET /healthz rewrites on each call, to tell a database that
reads but cannot be written.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNREAD = "processed_at IS NULL AND gave_up_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default=sa.text("0"),
                                   nullable=False))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("gave_up_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=64), nullable=True))
        batch.create_index("ix_replies_unread", ["next_attempt_at", "id"],
                           sqlite_where=sa.text(UNREAD), postgresql_where=sa.text(UNREAD))


    op.create_table(
        "health_checks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("health_checks")
    with op.batch_alter_table("replies") as batch:
        batch.drop_index("ix_replies_unread", sqlite_where=sa.text(UNREAD),
                         postgresql_where=sa.text(UNREAD))
        batch.drop_column("last_error")
        batch.drop_column("gave_up_at")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
