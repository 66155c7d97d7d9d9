"""Plan one day as the day of its week's plan: the week is chosen and covered as ``plan_week`` does it,
then only that date's department-days are routed.

A programme line without fixed days (groceries five times a week) has no date of its own: the week
planner gives it one. Taking the day from the week's choice is what gives such a client its visit on a
day plan, and makes a day plan and the same day of the week plan serve the same visits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence

from lean_social.domain.demand import visits_for_day
from lean_social.domain.model import PreviousPlan, Problem
from lean_social.domain.reasons import public_holiday
from lean_social.planning.day import SearchBudget, route_department_days
from lean_social.planning.week import cover_week
from lean_social.record import DayPlanRecord
from lean_social.schedule import Schedule, unassigned_visit
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["plan_day"]


def plan_day(
    problem: Problem,
    day: dt.date,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    travel: TravelModel | None = None,
    departments: Sequence[str] | None = None,
    reproducible: bool = False,
    work_per_visit: int | None = None,
    previous: PreviousPlan | None = None,
) -> Schedule:
    """Plan every visit the week puts on ``day``; visits that cannot be made come back in ``unassigned``
    with why.

    The week containing ``day`` is chosen and covered exactly as ``plan_week`` chooses it for the same
    ``seed`` and ``previous`` (no clock, no search budget), so the day holds its fixed-day visits and the
    visits of flexible programme lines the week puts on it, and lists what the week lists for that date.
    Only that date's department-days are then routed: each first gets a complete plan by insertion,
    whatever the time limit; ``time_limit`` (seconds of wall time for the whole call, the week's choice
    included) buys search on top of it. With ``reproducible`` (or a ``work_per_visit`` count) the
    searches stop on a count of work instead, the same count per visit as in ``plan_week``: the same day
    of the same week comes out the same in both.
    """
    budget = SearchBudget.of(time_limit, reproducible=reproducible, work_per_visit=work_per_visit)
    travel = travel or GeodesicTravel()
    week_start = day - dt.timedelta(days=day.weekday())
    covered = cover_week(problem, week_start, travel=travel, departments=departments, previous=previous, seed=seed)
    listed = [u for part in covered.unassigned for u in part.unassigned if u.date == day]
    tasks = [task for task in covered.tasks if task.day == day]
    info = DayPlanRecord(
        date=day,
        settings=budget.settings(seed),
        visits=sum(len(task.visits) for task in tasks) + len(listed),
        departments={},
        week=week_start,
        choose_s=covered.choose_s,
        cover_s=covered.cover_s,
    )
    holiday = problem.holiday(day)
    if holiday is not None:
        # The week cannot move a fixed day off a holiday: each visit fixed on it is listed with the
        # holiday as its reason, beside whatever else the week lists for the date.
        reason = public_holiday(holiday)
        wanted = set(departments) if departments is not None else None
        fixed = [v for v in visits_for_day(problem, day) if wanted is None or v.department in wanted]
        closed = {v.client_id for v in fixed}
        unassigned = [unassigned_visit(problem, v.client_id, day, v.services, reason) for v in fixed]
        unassigned += [u for u in listed if u.client_id not in closed]
        info = dataclasses.replace(info, visits=len(unassigned), holiday=holiday.name)
        return Schedule(routes=(), unassigned=tuple(unassigned), info=info)
    routed = route_department_days(problem, tasks, travel=travel, budget=budget, seed=seed)
    info = dataclasses.replace(
        info,
        departments={task.department: summary for task, (_, summary) in zip(tasks, routed, strict=True)},
        wall_s=round(time.perf_counter() - budget.started, 3),
    )
    return Schedule.merge([Schedule(routes=(), unassigned=tuple(listed)), *(part for part, _ in routed)], info=info)
