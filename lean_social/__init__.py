"""lean_social: plan the working week of home-care social workers.

The public API; everything else is an implementation detail that may move.
"""

from importlib.metadata import PackageNotFoundError, version

from lean_social._started import STARTED as _STARTED  # noqa: F401  (first: the CLI's budget counts from it)

try:
    __version__ = version("lean_social")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

from lean_social.demand import Visit, visits_for_day
from lean_social.errors import InputProblem, InvalidInputError, LeanSocialError, SolverError
from lean_social.io.folder import read_folder
from lean_social.kpi import TimeUse, schedule_kpis
from lean_social.maps import day_map
from lean_social.model import (
    Absence,
    Client,
    ClientAbsence,
    Holiday,
    Location,
    Lunch,
    Problem,
    ProgrammeItem,
    Service,
    TimeWindow,
    WeeklyPattern,
    Worker,
)
from lean_social.optimise.day import plan_day
from lean_social.optimise.replan import Change, replan_week
from lean_social.optimise.week import plan_week
from lean_social.run import RunResult, run_day, run_replan, run_week
from lean_social.schedule import LunchBreak, Route, Schedule, Stop, Unassigned
from lean_social.travel import GeodesicTravel, ModeSpeed, TravelMatrices, TravelModel
from lean_social.validate import Violation, validate

__all__ = [
    "Absence",
    "Change",
    "Client",
    "ClientAbsence",
    "GeodesicTravel",
    "Holiday",
    "InputProblem",
    "InvalidInputError",
    "LeanSocialError",
    "Location",
    "Lunch",
    "LunchBreak",
    "ModeSpeed",
    "Problem",
    "ProgrammeItem",
    "Route",
    "RunResult",
    "Schedule",
    "Service",
    "SolverError",
    "Stop",
    "TimeUse",
    "TimeWindow",
    "TravelMatrices",
    "TravelModel",
    "Unassigned",
    "Violation",
    "Visit",
    "WeeklyPattern",
    "Worker",
    "__version__",
    "day_map",
    "plan_day",
    "plan_week",
    "read_folder",
    "replan_week",
    "run_day",
    "run_replan",
    "run_week",
    "schedule_kpis",
    "validate",
    "visits_for_day",
]
