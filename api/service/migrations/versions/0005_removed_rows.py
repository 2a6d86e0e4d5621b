"""A change of a team's availability keeps the rows it added and the rows it removed (a sick call
marked, then taken back; rows a replace import dropped), as the availability is listed; changes stored
before keep none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("availability_imports") as batch:
        batch.add_column(sa.Column("added_rows", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("removed_rows", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("availability_imports") as batch:
        batch.drop_column("removed_rows")
        batch.drop_column("added_rows")
