"""sign-in throttle counters, revocable sessions, TOTP

login_throttles: one locked row per counter (an account, an address, or an address that
failed for an account), replacing the count over login_attempts (which stays, as the
record of every password checked). staff.session_version ends every session of a member
when raised; staff.totp_secret and staff.totp_last_step hold the optional second factor.

SQLite adds the columns with ALTER TABLE ADD COLUMN: copying the staff table (batch
mode) is not needed for plain columns.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "name", "address", name="uq_login_throttles_key"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE staff ADD COLUMN session_version INTEGER DEFAULT 0 NOT NULL")
        op.execute("ALTER TABLE staff ADD COLUMN totp_secret VARCHAR(64)")
        op.execute("ALTER TABLE staff ADD COLUMN totp_last_step BIGINT")
        return
    op.add_column("staff", sa.Column("session_version", sa.Integer(), server_default="0",
                                     nullable=False))
    op.add_column("staff", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("staff", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a plain column
        for column in ("totp_last_step", "totp_secret", "session_version"):
            op.execute(f"ALTER TABLE staff DROP COLUMN {column}")
    else:
        for column in ("totp_last_step", "totp_secret", "session_version"):
            op.drop_column("staff", column)
    op.drop_table("login_throttles")
