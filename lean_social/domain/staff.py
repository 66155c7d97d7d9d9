"""Staff a department needs for a week in full-time equivalents, and the caseload one worker can carry,
by the federal method, with what-if scenarios to set side by side.

Order 725 (Приказ Минтруда России от 15.10.2015 № 725) counts staff as the work time needed over
working time times the time-use coefficient K (``capacity.TIME_USE_COEFFICIENT``, 0.925: the rest of
the day is other work found by time study). Here the work needed is the week's visits (``week_demand``:
those that can be made this week) at their norms plus the travel expected per visit (``travel.expected``,
given to these functions in minutes); working time is a full-time week (``FULL_TIME_WEEK_H``). The hours
present are the department's as the week's plan has them (``capacity.week_capacity``: shifts less lunch
and other work, absences and holidays off), in the same units, so the gap is the hours short in staff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from lean_social.domain.calendar import working_day
from lean_social.domain.capacity import TIME_USE_COEFFICIENT, visit_minutes
from lean_social.domain.demand import week_demand
from lean_social.domain.model import TRAVEL_MODES, Problem, Service, TravelMode
from lean_social.domain.norms import visit_duration_min

__all__ = [
    "CASELOAD_COLUMNS",
    "CURRENT",
    "FULL_TIME_WEEK_H",
    "STAFF_COLUMNS",
    "Caseload",
    "Scenario",
    "Staff",
    "WeekWork",
    "fte",
    "fte_week_h",
    "mode_shares",
    "week_work",
    "worker_days",
]

#: The columns of ``staff.csv`` and ``caseload.csv``, in the order of ``Staff.as_dict`` and ``Caseload.as_dict``.
STAFF_COLUMNS = (
    "department",
    "scenario",
    "workers",
    "visits",
    "service_h",
    "travel_min_per_visit",
    "travel_h",
    "demand_h",
    "available_h",
    "fte_needed",
    "fte_present",
    "gap_fte",
)
CASELOAD_COLUMNS = (
    "department",
    "scenario",
    "mode",
    "workers",
    "service_min_per_client",
    "visits_per_client",
    "travel_min_per_visit",
    "minutes_per_client",
    "clients_per_fte",
)

#: A full-time rate (ставка): the normal working week of the Labour Code, art. 91 (at most 40 hours).
FULL_TIME_WEEK_H = 40.0


def fte_week_h() -> float:
    """Hours of service and travel one full-time worker gives a week: 40 h times K, 37 h."""
    return FULL_TIME_WEEK_H * TIME_USE_COEFFICIENT


def fte(hours: float) -> float:
    """Hours of service and travel a week as full-time equivalents: Order 725's staff formula."""
    return hours / fte_week_h()


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A what-if to set beside the current state; its changes combine.

    - ``services``: another catalogue (new norms, e.g. the drop-in ``services.csv`` of ``lean-social
      norms``); the week's visits keep their services and take these norms;
    - ``clients_factor``: more (or fewer) clients like the current ones in the same streets: each
      department's visits and service minutes are scaled by it, and so is how often a place near a
      visit is visited the same day, which shortens the expected walk between visits;
    - ``modes``: workers who travel by the first mode travel by the second (foot → bike).
    """

    name: str
    services: tuple[Service, ...] | None = None
    #: Where ``services`` came from (a file's path), for the reports to say.
    norms_from: str = ""
    clients_factor: float = 1.0
    modes: tuple[tuple[TravelMode, TravelMode], ...] = ()

    def __post_init__(self) -> None:
        if not self.name:
            msg = "a scenario needs a name"
            raise ValueError(msg)
        if not (math.isfinite(self.clients_factor) and self.clients_factor > 0):
            msg = f"scenario {self.name}: the clients' factor must be a positive number, got {self.clients_factor}"
            raise ValueError(msg)
        for before, after in self.modes:
            if before not in TRAVEL_MODES or after not in TRAVEL_MODES:
                msg = f"scenario {self.name}: travel modes are {', '.join(TRAVEL_MODES)}, got {before}:{after}"
                raise ValueError(msg)

    def apply(self, problem: Problem) -> Problem:
        """The problem as the scenario has it: its norms and its workers' modes (the factor on clients
        is applied to the counts, ``WeekWork.scaled``). A catalogue that lacks a service a programme
        names is refused by ``Problem`` with the code."""
        changed = problem
        if self.services is not None:
            changed = dataclasses.replace(changed, services=self.services)
        if self.modes:
            swap = dict(self.modes)
            workers = tuple(dataclasses.replace(w, mode=swap.get(w.mode, w.mode)) for w in changed.workers)
            changed = dataclasses.replace(changed, workers=workers)
        return changed


#: The state the data describe, the column every scenario is set beside.
CURRENT = Scenario(name="current")


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekWork:
    """A department's work in the week: visits per client (``week_demand``'s, those that can be made)
    and the minutes of their services at the norms."""

    department: str
    visits_by_client: Mapping[str, float]
    service_min: float

    @property
    def visits(self) -> float:
        return sum(self.visits_by_client.values())

    @property
    def clients(self) -> int:
        return len(self.visits_by_client)

    def scaled(self, factor: float) -> WeekWork:
        """The same clients' work times ``factor``: as many more clients like them, spread like them."""
        return WeekWork(
            department=self.department,
            visits_by_client={c: v * factor for c, v in self.visits_by_client.items()},
            service_min=self.service_min * factor,
        )


def week_work(problem: Problem, week_start: dt.date) -> dict[str, WeekWork]:
    """Each department's work in the week starting ``week_start`` (a Monday), every department named."""
    visits: dict[str, dict[str, float]] = {d: {} for d in problem.departments}
    minutes = dict.fromkeys(problem.departments, 0.0)
    for cw in week_demand(problem, week_start):
        if cw.slots:
            visits[cw.department][cw.client_id] = len(cw.slots)
            minutes[cw.department] += sum(visit_duration_min(problem.service(c) for c in s) for s in cw.slots)
    return {d: WeekWork(department=d, visits_by_client=visits[d], service_min=minutes[d]) for d in problem.departments}


def worker_days(problem: Problem, week_start: dt.date, department: str) -> tuple[int, int]:
    """The department's worker-days in the week, and the dates any of its workers works (the days a
    client's visits fall on)."""
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    worked = [
        (w, d) for w in problem.workers if w.department == department for d in dates if working_day(problem, w, d)
    ]
    return len(worked), len({d for _, d in worked})


def mode_shares(problem: Problem, week_start: dt.date, department: str) -> dict[TravelMode, float]:
    """How the department's visits travel: each mode's share of its workers' hours for visits this
    week (a worker makes visits in proportion to their hours); empty when no worker has any."""
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    minutes: dict[TravelMode, float] = {}
    for worker in problem.workers:
        if worker.department == department:
            worked = sum(visit_minutes(worker, d) for d in dates if working_day(problem, worker, d))
            minutes[worker.mode] = minutes.get(worker.mode, 0.0) + worked
    total = sum(minutes.values())
    return {mode: m / total for mode, m in minutes.items() if m > 0} if total > 0 else {}


@dataclass(frozen=True, slots=True, kw_only=True)
class Staff:
    """A department's week under a scenario: the hours needed and present, and both in full-time
    equivalents; ``gap_fte`` above 0 is staff short, below 0 staff to spare."""

    department: str
    scenario: str
    workers: int
    visits: float
    service_h: float
    travel_min_per_visit: float
    available_h: float

    @property
    def travel_h(self) -> float:
        return self.visits * self.travel_min_per_visit / 60

    @property
    def demand_h(self) -> float:
        return self.service_h + self.travel_h

    @property
    def fte_needed(self) -> float:
        return fte(self.demand_h)

    @property
    def fte_present(self) -> float:
        return fte(self.available_h)

    @property
    def gap_fte(self) -> float:
        return self.fte_needed - self.fte_present

    @classmethod
    def of(
        cls, work: WeekWork, *, scenario: str, workers: int, travel_min_per_visit: float, available_h: float
    ) -> Staff:
        return cls(
            department=work.department,
            scenario=scenario,
            workers=workers,
            visits=work.visits,
            service_h=work.service_min / 60,
            travel_min_per_visit=travel_min_per_visit,
            available_h=available_h,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "department": self.department,
            "scenario": self.scenario,
            "workers": self.workers,
            "visits": round(self.visits, 1),
            "service_h": round(self.service_h, 1),
            "travel_min_per_visit": round(self.travel_min_per_visit, 1),
            "travel_h": round(self.travel_h, 1),
            "demand_h": round(self.demand_h, 1),
            "available_h": round(self.available_h, 1),
            "fte_needed": round(self.fte_needed, 2),
            "fte_present": round(self.fte_present, 2),
            "gap_fte": round(self.gap_fte, 2),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Caseload:
    """The clients one full-time worker of a department can carry travelling by ``mode``: a full-time
    week of service and travel (``fte_week_h``) over what the department's average client takes a week,
    their services' minutes and each visit's expected travel."""

    department: str
    scenario: str
    mode: TravelMode
    workers: int
    service_min_per_client: float
    visits_per_client: float
    travel_min_per_visit: float

    @property
    def minutes_per_client(self) -> float:
        return self.service_min_per_client + self.visits_per_client * self.travel_min_per_visit

    @property
    def clients_per_fte(self) -> float | None:
        """None for a department with no client this week: nothing to divide by."""
        return fte_week_h() * 60 / self.minutes_per_client if self.minutes_per_client > 0 else None

    @classmethod
    def of(
        cls, work: WeekWork, *, scenario: str, mode: TravelMode, workers: int, travel_min_per_visit: float
    ) -> Caseload:
        """``work`` unscaled: a scenario with more clients changes how many there are, not what each one
        takes (bar the travel, which the caller estimates at the scenario's density)."""
        clients = work.clients
        return cls(
            department=work.department,
            scenario=scenario,
            mode=mode,
            workers=workers,
            service_min_per_client=work.service_min / clients if clients else 0.0,
            visits_per_client=work.visits / clients if clients else 0.0,
            travel_min_per_visit=travel_min_per_visit,
        )

    def as_dict(self) -> dict[str, object]:
        per_fte = self.clients_per_fte
        return {
            "department": self.department,
            "scenario": self.scenario,
            "mode": self.mode,
            "workers": self.workers,
            "service_min_per_client": round(self.service_min_per_client, 1),
            "visits_per_client": round(self.visits_per_client, 2),
            "travel_min_per_visit": round(self.travel_min_per_visit, 1),
            "minutes_per_client": round(self.minutes_per_client, 1),
            "clients_per_fte": None if per_fte is None else round(per_fte, 1),
        }
