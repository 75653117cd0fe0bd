"""system alerts: refusals every patient gets alike, for the operator

A carrier filtering our texts, an unregistered or unverified sender, a suspended account
or refused credentials fail every text until the operator fixes them. Each is one open
row here (a repeat counts on it), shown to admins on every staff page and failing
/healthz until an admin marks it fixed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "system_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(
            "invalid_number", "landline", "unreachable", "blocked", "opted_out", "filtered",
            "sender", "suspended", "account", "unknown",
            name="refusal", native_enum=False, length=16), nullable=False),
        sa.Column("code", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_by", sa.String(length=128), nullable=True),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_system_alerts_open_kind", "system_alerts", ["kind"], unique=True,
                    sqlite_where=sa.text("fixed_at IS NULL"),
                    postgresql_where=sa.text("fixed_at IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_system_alerts_open_kind", table_name="system_alerts",
                  sqlite_where=sa.text("fixed_at IS NULL"),
                  postgresql_where=sa.text("fixed_at IS NULL"))
    op.drop_table("system_alerts")
