"""replies and flags

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 18:48:20.354670
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    op.create_table('replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_sid', sa.Text(), nullable=True),
    sa.Column('from_number', sa.Text(), nullable=False),
    sa.Column('to_number', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('relief', sa.String(length=8), nullable=True),
    sa.Column('yes_no', sa.String(length=4), nullable=True),
    sa.Column('keyword', sa.String(length=8), nullable=True),
    sa.Column('red_flags', sa.JSON(), nullable=True),
    sa.Column('confidence', sa.Double(), nullable=True),
    sa.Column('response_kind', sa.String(length=16), nullable=True),
    sa.Column('response_text', sa.Text(), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_sid')
    )
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replies_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replies_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replies_question_id'), ['question_id'], unique=False)

    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('no_improvement', 'red_flag', 'worsening', 'no_response', 'undeliverable', 'opted_out', 'needs_review', name='flagkind', native_enum=False, length=16), nullable=False),
    sa.Column('priority', sa.Enum('urgent', 'high', 'normal', 'info', name='priority', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('open', 'acknowledged', 'resolved', name='flagstatus', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.String(length=128), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=128), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], ),
    sa.ForeignKeyConstraint(['message_id'], ['outbox.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flags_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flags_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_flags_status_priority', ['status', 'priority'], unique=False)
        batch_op.create_index('uq_flags_open_kind_enrollment', ['kind', 'enrollment_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('flag_replies',
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['flags.id'], ),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], ),
    sa.PrimaryKeyConstraint('flag_id', 'reply_id')
    )
    with op.batch_alter_table('flag_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_replies_reply_id'), ['reply_id'], unique=False)

    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anaesthetic_pain', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('diagnostic_relief_percent', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('diagnostic_relief_met', sa.Boolean(), nullable=True))

def downgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('diagnostic_relief_met')
        batch_op.drop_column('diagnostic_relief_percent')
        batch_op.drop_column('anaesthetic_pain')

    with op.batch_alter_table('flag_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_replies_reply_id'))

    op.drop_table('flag_replies')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index('uq_flags_open_kind_enrollment', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_flags_status_priority')
        batch_op.drop_index(batch_op.f('ix_flags_message_id'))
        batch_op.drop_index(batch_op.f('ix_flags_enrollment_id'))

    op.drop_table('flags')
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replies_question_id'))
        batch_op.drop_index(batch_op.f('ix_replies_patient_id'))
        batch_op.drop_index(batch_op.f('ix_replies_enrollment_id'))

    op.drop_table('replies')
