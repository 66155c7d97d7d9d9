"""The first plan store: runs, the plans each made, and the plans' lean figures.

Revision ID: r0001
Revises:
Created: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("inputs_sha256", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("centre", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('day', 'week', 'replan')", name=op.f("ck_plans_kind")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_plans_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_run_id"), "plans", ["run_id"])
    op.create_index("ix_plans_week", "plans", ["centre", "department", "week"])
    op.create_table(
        "figures",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_figures_plan_id_plans"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "figure", name=op.f("pk_figures")),
    )


def downgrade() -> None:
    op.drop_table("figures")
    op.drop_index("ix_plans_week", table_name="plans")
    op.drop_index(op.f("ix_plans_run_id"), table_name="plans")
    op.drop_table("plans")
    op.drop_table("runs")
