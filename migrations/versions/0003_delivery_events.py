"""delivery events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 16:40:24.666486
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('delivery_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_sid', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error_code', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_sid', 'status', name='uq_delivery_event')
    )
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_events_outbox_id'), ['outbox_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_events_outbox_id'))

    op.drop_table('delivery_events')
