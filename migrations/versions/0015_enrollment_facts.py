"""enrolment facts: each enrolment keeps the language and time zone of its texts

enrollments.language and enrollments.timezone, back-filled from the patient row (the only
place they were kept, so an enrolment superseded with other details already shows its
successor's: those cannot be recovered, every other enrolment gets its own back).

The columns are added nullable, filled, then made NOT NULL: SQLite does that by copying
the enrollments table (batch mode; foreign keys are checked after the copy, see
reminders/migrate.py), PostgreSQL in place.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("language", 8), ("timezone", 64))


def upgrade() -> None:
    for name, length in _COLUMNS:
        op.add_column("enrollments", sa.Column(name, sa.String(length=length), nullable=True))
    op.execute("UPDATE enrollments SET "
               "language = (SELECT patients.language FROM patients "
               "WHERE patients.id = enrollments.patient_id), "
               "timezone = (SELECT patients.timezone FROM patients "
               "WHERE patients.id = enrollments.patient_id)")
    with op.batch_alter_table("enrollments") as batch:
        for name, length in _COLUMNS:
            batch.alter_column(name, existing_type=sa.String(length=length), nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a plain column
        for name, _ in reversed(_COLUMNS):
            op.execute(f"ALTER TABLE enrollments DROP COLUMN {name}")
        return
    for name, _ in reversed(_COLUMNS):
        op.drop_column("enrollments", name)
