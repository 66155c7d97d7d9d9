"""The plan store: nightly runs, their plans and the plans' lean figures in SQLite or PostgreSQL, with
the schema kept by Alembic migrations shipped in the package. The planners never read it: the nightly
runner hands last week's plan to the week planner (``PlanStore.previous_plan``)."""

from lean_social.store.plan_store import (
    WHOLE_WEEK,
    PlanKind,
    PlanStore,
    PlanStoreError,
    RunStatus,
    StoredPlan,
    database_url,
    inputs_digest,
)

__all__ = [
    "WHOLE_WEEK",
    "PlanKind",
    "PlanStore",
    "PlanStoreError",
    "RunStatus",
    "StoredPlan",
    "database_url",
    "inputs_digest",
]
