"""What-if scenarios: stored comparisons; roster changes of a re-roster; job progress and results.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scenario_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(64), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("depth", sa.String(16), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_scenario_results_team_id", "scenario_results", ["team_id"])
    with op.batch_alter_table("roster_versions") as batch:
        batch.add_column(sa.Column("changes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("progress", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("scenario_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("scenario_id")
        batch.drop_column("progress")
    with op.batch_alter_table("roster_versions") as batch:
        batch.drop_column("changes")
    op.drop_index("ix_scenario_results_team_id", table_name="scenario_results")
    op.drop_table("scenario_results")
