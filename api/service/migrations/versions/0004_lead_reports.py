"""Roster versions keep the lead's report (`wfm roster`'s summary lines, its Markdown report, the short
stretches with who could cover them); versions stored before have none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("roster_versions") as batch:
        batch.add_column(sa.Column("report", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("roster_versions") as batch:
        batch.drop_column("report")
