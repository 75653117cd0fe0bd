"""paging: staff mobiles, the on-call rota, and page texts through the outbox

A page is an outbox row with no enrolment, addressed to `to_number` (a staff mobile);
its round and recipient are in `page_rounds` and `pages`. `paged_kinds` holds the flag
kinds an admin chose to page for besides urgent flags.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("no_improvement", "red_flag", "worsening", "no_response", "undeliverable",
         "not_reached", "opted_out", "needs_review", "reply_unread", "photo")


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("enrollment_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("to_number", sa.String(length=20), nullable=True))
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("mobile", sa.String(length=20), nullable=True))
        batch.create_unique_constraint("uq_staff_mobile", ["mobile"])
    op.create_table(
        "rota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_call_id", sa.Integer(), nullable=False),
        sa.Column("backup_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["on_call_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["backup_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_rota_default", "rota", ["is_default"], unique=True,
                    sqlite_where=sa.text("is_default"), postgresql_where=sa.text("is_default"))
    op.create_table(
        "paged_kinds",
        sa.Column("kind", sa.Enum(*KINDS, name="flagkind", native_enum=False, length=16),
                  nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.create_table(
        "page_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notify_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["flag_id"], ["flags.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("flag_id", "round", name="uq_page_rounds_flag_round"),
    )
    op.create_index("ix_page_rounds_flag_id", "page_rounds", ["flag_id"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["page_rounds.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outbox_id"),
    )
    op.create_index("ix_pages_round_id", "pages", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_pages_round_id", table_name="pages")
    op.drop_table("pages")
    op.drop_index("ix_page_rounds_flag_id", table_name="page_rounds")
    op.drop_table("page_rounds")
    op.drop_table("paged_kinds")
    op.drop_index("uq_rota_default", table_name="rota", sqlite_where=sa.text("is_default"),
                  postgresql_where=sa.text("is_default"))
    op.drop_table("rota")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("uq_staff_mobile", type_="unique")
        batch.drop_column("mobile")
    op.execute("DELETE FROM delivery_events WHERE outbox_id IN "
               "(SELECT id FROM outbox WHERE enrollment_id IS NULL)")
    op.execute("DELETE FROM outbox WHERE enrollment_id IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("to_number")
        batch.alter_column("enrollment_id", existing_type=sa.Integer(), nullable=False)
