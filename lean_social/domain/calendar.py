"""Who works when: the calendar rules every planner asks, stated once."""

from __future__ import annotations

import datetime as dt

from lean_social.domain.model import Problem
from lean_social.domain.timefmt import WEEKDAYS

__all__ = ["workers_on_duty"]


def workers_on_duty(problem: Problem, day: dt.date) -> dict[str, str | None]:
    """Worker id → None if on duty that day, or the reason they are not."""
    status: dict[str, str | None] = {}
    for worker in problem.workers:
        absence = problem.absence(worker.id, day)
        if absence is not None:
            why = f" ({absence.reason})" if absence.reason else ""
            status[worker.id] = f"is absent{why} {absence.start}..{absence.end}"
        elif worker.shift_on(day) is None:
            status[worker.id] = f"has no shift on {WEEKDAYS[day.weekday()]}"
        else:
            status[worker.id] = None
    return status
