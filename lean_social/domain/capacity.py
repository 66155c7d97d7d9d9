"""How much work a department is asked for against the hours its workers have, so that a shortfall is
stated in hours (and the visits left over listed) instead of coming back as an impossible plan.

Demand counts each visit's norms plus a walking allowance; supply counts each worker-day's shift less
lunch and the other work found by time study (0.6 h a day: Приказ Минтруда № 725 of 15.10.2015, whose
time-use coefficient is K = (8 - 0.6) / 8 = 0.925).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lean_social.domain.calendar import working_day
from lean_social.domain.demand import week_demand
from lean_social.domain.errands import ERRAND_STOP_S, errands_of
from lean_social.domain.model import Problem, Worker
from lean_social.domain.norms import visit_duration_min

__all__ = [
    "LOAD_BAND",
    "ORDER_725_DAY_MIN",
    "OTHER_WORK_MIN_PER_DAY",
    "TIME_USE_COEFFICIENT",
    "TRAVEL_ALLOWANCE_MIN",
    "Capacity",
    "estimated_minutes",
    "visit_minutes",
    "week_capacity",
]

#: Paperwork and other non-visit work per worker-day, from the ministry's time-study example.
OTHER_WORK_MIN_PER_DAY = 36
#: The working day of Order 725's example, whose other work is ``OTHER_WORK_MIN_PER_DAY``.
ORDER_725_DAY_MIN = 8 * 60
#: Order 725's time-use coefficient K = (8 - 0.6) / 8 = 0.925: the share of working time left for
#: service and travel once the day's other work is done. Stated here once, from the two figures above;
#: the federal staff method divides the work needed by working time times K (``domain.staff``).
TIME_USE_COEFFICIENT = (ORDER_725_DAY_MIN - OTHER_WORK_MIN_PER_DAY) / ORDER_725_DAY_MIN

#: Band of a worker's service + travel time as a share of contracted hours (shift less lunch) that a
#: fair plan keeps to. The top is Order 725's time-use coefficient K (the rest is other work); the
#: bottom is a planner's choice: below 60 % a worker's week is half empty.
LOAD_BAND = (0.60, TIME_USE_COEFFICIENT)
#: Expected walk to each visit, for estimates only (the capacity check, the planners' balancing and
#: room before routing); the plan measures the real one.
TRAVEL_ALLOWANCE_MIN = 15


def estimated_minutes(problem: Problem, services: Iterable[str]) -> float:
    """What a visit with these services is expected to take of a worker's day before it is routed: its
    norms, the walking allowance and the time at the places of its errands (``domain.errands``; none
    where the data has no places of their kinds)."""
    services = tuple(services)
    errands = sum(ERRAND_STOP_S[kind] for kind in errands_of(problem, services)) / 60
    return visit_duration_min(problem.service(c) for c in services) + TRAVEL_ALLOWANCE_MIN + errands


def visit_minutes(worker: Worker, day: dt.date) -> float:
    """The worker-day's minutes for visits and walks in the week's supply: the hours after lunch
    (``Worker.minutes_after_lunch``, what the planners fill and the load band is a share of) less the
    day's other work, which time study finds in every day whatever the plan."""
    return max(0.0, worker.minutes_after_lunch(day) - OTHER_WORK_MIN_PER_DAY)


@dataclass(frozen=True, slots=True, kw_only=True)
class Capacity:
    department: str
    visits: int
    demand_h: float
    available_h: float

    @property
    def shortfall_h(self) -> float:
        return max(0.0, self.demand_h - self.available_h)

    @property
    def utilisation(self) -> float | None:
        """Demand over supply; None when no hours are available at all."""
        return self.demand_h / self.available_h if self.available_h else None

    def as_dict(self) -> dict[str, object]:
        return {
            "department": self.department,
            "visits": self.visits,
            "demand_h": round(self.demand_h, 1),
            "available_h": round(self.available_h, 1),
            "shortfall_h": round(self.shortfall_h, 1),
            "utilisation": None if self.utilisation is None else round(self.utilisation, 3),
        }


def week_capacity(problem: Problem, week_start: dt.date) -> list[Capacity]:
    """Per department: the week's visits in hours (norms + walking) and the workers' hours for visits.

    ``visits`` and ``demand_h`` count the same visits: those that can be made this week. A visit that
    cannot be made whatever the hours (a fixed day on a holiday or a day the client is away) is left
    out of both, because no worker's time would serve it and counting it would report a shortfall that
    more hours cannot close; the plan lists it as unassigned with its reason instead.
    """
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    out = []
    for department in problem.departments:
        demand = [cw for cw in week_demand(problem, week_start) if cw.department == department]
        minutes = sum(estimated_minutes(problem, slot) for cw in demand for slot in cw.slots)
        available = 0.0
        for worker in problem.workers:
            if worker.department != department:
                continue
            for day in dates:
                if working_day(problem, worker, day):
                    available += visit_minutes(worker, day)
        out.append(
            Capacity(
                department=department,
                visits=sum(len(cw.slots) for cw in demand),
                demand_h=minutes / 60,
                available_h=available / 60,
            )
        )
    return out
