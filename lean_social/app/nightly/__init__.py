"""The nightly job: every department of every centre planned overnight (``lean-social nightly``)."""

from lean_social.app.nightly.config import Centre, NightlyConfig, read_config
from lean_social.app.nightly.department import DepartmentJob, DepartmentOutcome, plan_department
from lean_social.app.nightly.runner import NightlyResult, run_nightly

__all__ = [
    "Centre",
    "DepartmentJob",
    "DepartmentOutcome",
    "NightlyConfig",
    "NightlyResult",
    "plan_department",
    "read_config",
    "run_nightly",
]
