"""delivery events keep the provider's refusal in our words

The status webhook turns a provider's error code into a Refusal before anything else
sees it; a callback stored while its text was in flight keeps that refusal, so applying
it later needs no provider's codes. Events stored before this revision have none: they
are applied as before, without a refusal flag.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery_events") as batch:
        batch.add_column(sa.Column("refusal", sa.Enum(
            "invalid_number", "landline", "opted_out", "filtered", "account", "unknown",
            name="refusal", native_enum=False, length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery_events") as batch:
        batch.drop_column("refusal")
