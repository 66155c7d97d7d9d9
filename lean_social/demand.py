"""Programmes become visits: which services each client is due on a given day.

Only fixed-day programmes produce visits here; choosing days for flexible items is the week planner's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lean_social.model import Problem, ProgrammeItem, TimeWindow
from lean_social.norms import visit_duration_s

__all__ = ["Visit", "is_due", "visits_for_day"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Visit:
    """One trip to one client on one day; ``windows`` are the client's hours at home that day."""

    id: str
    client_id: str
    date: dt.date
    services: tuple[str, ...]
    duration_s: int
    windows: tuple[TimeWindow, ...]
    skills: frozenset[str]
    worker_id: str | None
    department: str


def is_due(item: ProgrammeItem, day: dt.date) -> bool:
    """Monthly items ride on the first ``times`` matching weekdays of the month."""
    if day.weekday() not in item.days:
        return False
    if item.per == "week":
        return True
    nth = (day.day - 1) // 7  # 0 for the first such weekday of the month
    return nth < item.times


def visits_for_day(problem: Problem, day: dt.date) -> tuple[Visit, ...]:
    """One visit per client due anything that day, carrying every service due, in catalogue order."""
    due: dict[str, list[str]] = {}
    for item in problem.programmes:
        if is_due(item, day):
            codes = due.setdefault(item.client_id, [])
            if item.service_code not in codes:
                codes.append(item.service_code)
    order = {service.code: i for i, service in enumerate(problem.services)}
    visits = []
    for client in problem.clients:
        if client.id not in due:
            continue
        ordered = tuple(sorted(due[client.id], key=order.__getitem__))
        services = [problem.service(code) for code in ordered]
        visits.append(
            Visit(
                id=f"{day.isoformat()}/{client.id}",
                client_id=client.id,
                date=day,
                services=ordered,
                duration_s=visit_duration_s(services),
                windows=client.available.on(day),
                skills=frozenset(s.skill for s in services if s.skill),
                worker_id=client.worker_id,
                department=client.department,
            )
        )
    return tuple(visits)
