"""Who works when: the calendar rules every planner asks, stated once.

A client's side of the calendar (at home, not a public holiday) is ``Problem.open_day``; the workers'
side is here: on duty (a shift that weekday and not absent), and, for counting hours, not a holiday.
"""

from __future__ import annotations

import datetime as dt

from lean_social.domain.model import Problem, Worker
from lean_social.domain.timefmt import WEEKDAYS

__all__ = ["off_duty_reason", "workers_on_duty", "working_day"]


def off_duty_reason(problem: Problem, worker: Worker, day: dt.date) -> str | None:
    """None if ``worker`` is on duty that day (a shift that weekday, not absent), or the reason not."""
    absence = problem.absence(worker.id, day)
    if absence is not None:
        why = f" ({absence.reason})" if absence.reason else ""
        return f"is absent{why} {absence.start}..{absence.end}"
    if worker.shift_on(day) is None:
        return f"has no shift on {WEEKDAYS[day.weekday()]}"
    return None


def workers_on_duty(problem: Problem, day: dt.date) -> dict[str, str | None]:
    """Worker id → None if on duty that day, or the reason they are not."""
    return {worker.id: off_duty_reason(problem, worker, day) for worker in problem.workers}


def working_day(problem: Problem, worker: Worker, day: dt.date) -> bool:
    """Whether the worker-day's hours count as hours for visits: on duty and not a public holiday (the
    service makes no visits on one), for the week's supply of hours and a worker's contracted hours."""
    return off_duty_reason(problem, worker, day) is None and problem.holiday(day) is None
