"""staff texts: a text a staff member writes to the patient, through the outbox

outbox.sent_by names the staff member (NULL for a protocol text), outbox.flag_id the
flag the text answers, outbox.quiet_override whether staff let it go outside the
protocol's quiet hours (never outside 08:00-21:00 patient time: that is not stored, it
is the rule). flags.assigned_to names the staff member a flag is for (the patient
answered their text).

SQLite adds the columns with ALTER TABLE ADD COLUMN (a foreign key inline): copying the
outbox table, as batch mode would, cannot drop it while replies and flags point at it.

Revision ID: 0013
Revises: 0012 (the integrator re-chains it after 0012)
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE outbox ADD COLUMN sent_by VARCHAR(128)")
        op.execute("ALTER TABLE outbox ADD COLUMN flag_id INTEGER "
                   "CONSTRAINT fk_outbox_flag_id REFERENCES flags (id)")
        op.execute("ALTER TABLE outbox ADD COLUMN quiet_override BOOLEAN "
                   "DEFAULT 0 NOT NULL")
        op.execute("ALTER TABLE flags ADD COLUMN assigned_to VARCHAR(128)")
        return
    op.add_column("outbox", sa.Column("sent_by", sa.String(length=128), nullable=True))
    op.add_column("outbox", sa.Column("flag_id", sa.Integer(), nullable=True))
    op.create_foreign_key("fk_outbox_flag_id", "outbox", "flags", ["flag_id"], ["id"])
    op.add_column("outbox", sa.Column("quiet_override", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    op.add_column("flags", sa.Column("assigned_to", sa.String(length=128), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a plain column
        op.execute("ALTER TABLE flags DROP COLUMN assigned_to")
        op.execute("ALTER TABLE outbox DROP COLUMN quiet_override")
        # A column with a foreign key cannot be dropped in place: batch mode copies the
        # table, which SQLite refuses to drop while rows point at it (as 0009's downgrade
        # on replies): on a database with texts, restore the backup taken before upgrading.
        with op.batch_alter_table("outbox") as batch:
            batch.drop_column("flag_id")
        op.execute("ALTER TABLE outbox DROP COLUMN sent_by")
        return
    op.drop_column("flags", "assigned_to")
    op.drop_column("outbox", "quiet_override")
    op.drop_constraint("fk_outbox_flag_id", "outbox", type_="foreignkey")
    op.drop_column("outbox", "flag_id")
    op.drop_column("outbox", "sent_by")
