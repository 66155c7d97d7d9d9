"""lean_social: plan the working week of home-care social workers.

The public API; everything else is an implementation detail that may move.
"""

from lean_social.app._started import STARTED as _STARTED  # noqa: F401  (first: the CLI's budget counts from it)
from lean_social.app.run import RunResult, run_day, run_replan, run_week
from lean_social.domain.demand import Visit, visits_for_day
from lean_social.domain.edits import reassign
from lean_social.domain.model import (
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
from lean_social.errors import InputProblem, InvalidInputError, LeanSocialError, SolverError
from lean_social.io.folder import read_folder
from lean_social.outputs.frames import kpi_frames
from lean_social.outputs.kpi import TimeUse, schedule_kpis
from lean_social.outputs.maps import day_map, week_map
from lean_social.planning.day_of_week import plan_day
from lean_social.planning.week import plan_week
from lean_social.replanning.replan import Change, replan_week
from lean_social.schedule import LunchBreak, Route, Schedule, Stop, Unassigned
from lean_social.travel import GeodesicTravel, ModeSpeed, TravelMatrices, TravelModel
from lean_social.validate import Violation, validate
from lean_social.version import __version__

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
    "kpi_frames",
    "plan_day",
    "plan_week",
    "read_folder",
    "reassign",
    "replan_week",
    "run_day",
    "run_replan",
    "run_week",
    "schedule_kpis",
    "validate",
    "visits_for_day",
    "week_map",
]
