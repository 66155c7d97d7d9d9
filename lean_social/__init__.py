"""lean_social: plan the working week of home-care social workers.

The public API; everything else is an implementation detail that may move.
"""

from lean_social.app._started import STARTED as _STARTED  # noqa: F401  (first: the CLI's budget counts from it)
from lean_social.app.capacity import run_capacity
from lean_social.app.geocode import run_geocode
from lean_social.app.norms import run_norms
from lean_social.app.photo import run_photo
from lean_social.app.run import RunResult, run_day, run_replan, run_week
from lean_social.domain.calibration import Calibration, calibrate
from lean_social.domain.demand import Visit, visits_for_day
from lean_social.domain.edits import reassign
from lean_social.domain.model import (
    Absence,
    Client,
    ClientAbsence,
    ErrandPlace,
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
from lean_social.domain.norms import NormVersion
from lean_social.domain.observed import ObservedVisit
from lean_social.domain.staff import Scenario
from lean_social.errors import InputProblem, InvalidInputError, LeanSocialError, SolverError
from lean_social.io.baseline import read_baseline
from lean_social.io.folder import read_folder
from lean_social.io.observed import read_observed_visits
from lean_social.outputs.calendars import worker_calendars
from lean_social.outputs.frames import kpi_frames
from lean_social.outputs.kpi import Comparison, TimeUse, compare, schedule_kpis, time_use
from lean_social.outputs.maps import day_map, week_map
from lean_social.outputs.photo import Photo, work_day_photo
from lean_social.outputs.plots import day_bars, day_timeline
from lean_social.outputs.reason_text import reason_text
from lean_social.outputs.route_sheet import route_sheet, route_sheets
from lean_social.outputs.workbook import plan_workbook
from lean_social.planning.day_of_week import plan_day
from lean_social.planning.week import plan_week
from lean_social.replanning.replan import Change, replan_week
from lean_social.schedule import ErrandStop, LunchBreak, Route, Schedule, Stop, Unassigned
from lean_social.travel import GeodesicTravel, ModeSpeed, StreetTravel, TravelMatrices, TravelModel
from lean_social.validate import Violation, validate
from lean_social.version import __version__

__all__ = [
    "Absence",
    "Calibration",
    "Change",
    "Client",
    "ClientAbsence",
    "Comparison",
    "ErrandPlace",
    "ErrandStop",
    "GeodesicTravel",
    "Holiday",
    "InputProblem",
    "InvalidInputError",
    "LeanSocialError",
    "Location",
    "Lunch",
    "LunchBreak",
    "ModeSpeed",
    "NormVersion",
    "ObservedVisit",
    "Photo",
    "Problem",
    "ProgrammeItem",
    "Route",
    "RunResult",
    "Scenario",
    "Schedule",
    "Service",
    "SolverError",
    "Stop",
    "StreetTravel",
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
    "calibrate",
    "compare",
    "day_bars",
    "day_map",
    "day_timeline",
    "kpi_frames",
    "plan_day",
    "plan_week",
    "plan_workbook",
    "read_baseline",
    "read_folder",
    "read_observed_visits",
    "reason_text",
    "reassign",
    "replan_week",
    "route_sheet",
    "route_sheets",
    "run_capacity",
    "run_day",
    "run_geocode",
    "run_norms",
    "run_photo",
    "run_replan",
    "run_week",
    "schedule_kpis",
    "time_use",
    "validate",
    "visits_for_day",
    "week_map",
    "work_day_photo",
    "worker_calendars",
]
