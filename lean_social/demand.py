"""Programmes become visits: which services each client is due on a given day, and over a week which
visits a client is owed and on which day combinations they may fall.

``visits_for_day`` serves the day planner and takes fixed days only; ``week_demand`` leaves the choice
of days for flexible items to the week planner.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from lean_social.model import Problem, ProgrammeItem, TimeWindow
from lean_social.norms import visit_duration_s

__all__ = ["ClientWeek", "Visit", "cyclic_gaps", "day_patterns", "is_due", "visits_for_day", "week_demand"]


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
    #: Set when ``worker_id`` stands in for the client's own worker, who is away that day.
    substitute_for: str | None = None


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


#: Least gap in days between consecutive visits of a client, around the week, by visits a week: two
#: visits at least two days apart (Mon/Wed/Thu, never Mon/Tue), three Mon/Wed/Fri style.
MIN_GAP_DAYS = {1: 0, 2: 2, 3: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientWeek:
    """A client's demand for one week: ``slots[k]`` are the services of the k-th visit; ``patterns``
    the day combinations (one date per slot, in order) the programme allows. The week planner picks one.
    """

    client_id: str
    department: str
    worker_id: str | None
    slots: tuple[tuple[str, ...], ...]
    patterns: tuple[tuple[dt.date, ...], ...]
    fixed: bool

    @property
    def visits_per_week(self) -> int:
        return len(self.slots)


def _spread(times: int, slots: int) -> list[int]:
    """Which of ``slots`` visits carry an item wanted ``times`` a week: evenly, first visit first."""
    return sorted({int(i * slots / times + 0.5) % slots for i in range(times)})


def cyclic_gaps(days: tuple[int, ...]) -> list[int]:
    """Days between consecutive visits, the last one to next week's first included."""
    return [b - a for a, b in itertools.pairwise(days)] + [7 - days[-1] + days[0]]


def day_patterns(n: int, open_days: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every choice of ``n`` weekdays out of ``open_days`` that keeps the spacing rule, most even first."""
    if n >= len(open_days):
        return [open_days] if n == len(open_days) else []
    min_gap = MIN_GAP_DAYS.get(n, 1)
    found = [c for c in itertools.combinations(open_days, n) if n < 2 or min(cyclic_gaps(c)) >= min_gap]
    return sorted(found, key=lambda c: (max(cyclic_gaps(c)) - min(cyclic_gaps(c)), c))


def week_demand(problem: Problem, week_start: dt.date) -> tuple[ClientWeek, ...]:
    """What each client is owed in the week starting ``week_start`` (a Monday), and on which days it may
    be done. Holidays and days the client is never at home are closed; fixed days are kept as given.

    The number of visits follows the most frequent weekly service; less frequent ones ride along on
    evenly spread visits. A monthly item is due in the week if the week holds one of the first ``times``
    occurrences of its weekday in the month (fixed days), or if the week is among the month's first
    ``times`` weeks (flexible).
    """
    if week_start.weekday() != 0:
        msg = f"a planning week starts on a Monday; {week_start} is a {week_start.strftime('%A')}"
        raise ValueError(msg)
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    holidays = {h.date for h in problem.holidays}
    by_client: dict[str, list[ProgrammeItem]] = {}
    for item in problem.programmes:
        by_client.setdefault(item.client_id, []).append(item)
    out = []
    for client in problem.clients:
        items = by_client.get(client.id, [])
        weekly = [i for i in items if i.per == "week"]
        monthly = [i for i in items if i.per == "month" and _monthly_due(i, week_start)]
        if not weekly and not monthly:
            continue
        fixed_days = sorted({d for i in weekly for d in i.days})
        n = max([i.times for i in weekly] + [len(fixed_days)] + ([1] if monthly else []))
        slots: list[list[str]] = [[] for _ in range(n)]
        for item in sorted(weekly, key=lambda i: -i.times):
            chosen = [fixed_days.index(d) for d in item.days] if item.days and fixed_days else _spread(item.times, n)
            for k in chosen:
                slots[k].append(item.service_code)
        for item in monthly:
            if item.days and fixed_days:
                targets = [fixed_days.index(d) for d in item.days if d in fixed_days][:1] or [0]
            else:
                targets = [0]
            slots[targets[0]].append(item.service_code)
        order = {s.code: i for i, s in enumerate(problem.services)}
        slot_services = tuple(tuple(sorted(set(s), key=order.__getitem__)) for s in slots)
        open_days = tuple(d for d in range(7) if client.available.on(d) and dates[d] not in holidays)
        if fixed_days:
            pattern_days = [tuple(fixed_days)] if all(d in open_days for d in fixed_days) else []
        else:
            pattern_days = day_patterns(n, open_days)
        out.append(
            ClientWeek(
                client_id=client.id,
                department=client.department,
                worker_id=client.worker_id,
                slots=slot_services,
                patterns=tuple(tuple(dates[d] for d in days) for days in pattern_days),
                fixed=bool(fixed_days),
            )
        )
    return tuple(out)


def _monthly_due(item: ProgrammeItem, week_start: dt.date) -> bool:
    if item.days:
        return any(is_due(item, week_start + dt.timedelta(days=d)) for d in item.days)
    return (week_start.day - 1) // 7 < item.times
