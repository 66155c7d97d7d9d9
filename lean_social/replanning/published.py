"""The published plan read against the week's demand: which published entry (a visit made or listed
unassigned) stands for which visit the client is owed now, so that re-planning changes only what it must.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lean_social.domain.demand import ClientWeek
from lean_social.domain.model import Problem
from lean_social.schedule import Route, Schedule

__all__ = ["Entry", "Owed", "match", "owed_visits", "published_entries", "split_departments"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A client's visit in the published plan: made by ``worker_id``, or listed unassigned (None)."""

    date: dt.date
    services: tuple[str, ...]
    worker_id: str | None
    reason: str = ""
    substitute_for: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Owed:
    """A visit the client is owed this week: on a fixed ``date``, or on a day of the planner's choice
    (None); ``closed`` says why it cannot be made this week at all."""

    date: dt.date | None
    services: tuple[str, ...]
    closed: str | None = None


def published_entries(published: Schedule) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for route, stop in published.stops:
        out.setdefault(stop.client_id, []).append(
            Entry(
                date=route.date,
                services=stop.services,
                worker_id=route.worker_id,
                substitute_for=stop.substitute_for,
            )
        )
    for item in published.unassigned:
        out.setdefault(item.client_id, []).append(
            Entry(date=item.date, services=item.services, worker_id=None, reason=item.reason)
        )
    return out


def owed_visits(cw: ClientWeek) -> list[Owed]:
    """The week's visits of ``cw``, on the days the programme fixes (closed ones included); the others,
    a flexible programme's and those a fixed one has beyond its fixed days, on no day in particular:
    the day ``week_demand`` gives them is only the week planner's choice, or where it lists them."""
    fixed = set(cw.fixed_dates)
    days: Sequence[dt.date | None] = cw.patterns[0] if cw.fixed and cw.patterns else [None] * len(cw.slots)
    return [Owed(date=d if d in fixed else None, services=s) for s, d in zip(cw.slots, days, strict=True)] + [
        Owed(date=d if d in fixed else None, services=s, closed=why) for d, s, why in cw.closed
    ]


def match(
    owed: Sequence[Owed], listed: Sequence[Entry], *, holds: Callable[[dt.date], bool]
) -> tuple[list[tuple[Owed, Entry | None]], list[Entry]]:
    """Each visit owed with the published entry that stands for it, and the entries left over.

    By date, never by position: a visit on a fixed day pairs with the entry on that day, so a closed day
    earlier in the week cannot shift the later ones. A visit on a day of the planner's choice pairs with
    an entry of the same services if there is one, else any; entries on days that ``holds`` (already
    past, or the client at home) first, then visits made before visits listed unassigned, which are
    left to the visits owed that cannot be made (closed): those pair only with a visit listed
    unassigned, and a published visit left without a pair is a cancelled one.
    """
    free = sorted(listed, key=lambda e: (e.date, e.worker_id is None))
    pairs: dict[int, Entry] = {}

    def pair(i: int, candidates: Iterable[Entry]) -> None:
        found = next((e for e in candidates if owed[i].closed is None or e.worker_id is None), None)
        if found is not None:
            pairs[i] = found
            free.remove(found)

    for i, visit in enumerate(owed):
        if visit.date is not None:
            pair(i, (e for e in free if e.date == visit.date))
    free.sort(key=lambda e: (not holds(e.date), e.worker_id is None, e.date))
    undated = sorted((i for i, v in enumerate(owed) if v.date is None), key=lambda i: owed[i].closed is not None)
    for same_services in (True, False):
        for i in undated:
            if i not in pairs:
                pair(i, (e for e in free if not same_services or e.services == owed[i].services))
    return [(visit, pairs.get(i)) for i, visit in enumerate(owed)], sorted(free, key=lambda e: e.date)


def split_departments(
    problem: Problem, published: Schedule, departments: Sequence[str] | None
) -> tuple[Schedule, Schedule]:
    """The published plan of ``departments`` (all if None), and the rest, which re-planning leaves alone.

    A route belongs to its worker's department (its clients', if the worker left the data); an unassigned
    visit to its client's. What cannot be placed (a client and worker both gone) is re-planned: it is in
    no department left."""
    if departments is None:
        return published, Schedule(routes=())
    wanted = set(departments)
    workers = {w.id: w.department for w in problem.workers}
    clients = {c.id: c.department for c in problem.clients}

    def inside(department: str | None) -> bool:
        return department is None or department in wanted

    def route_department(route: Route) -> str | None:
        if route.worker_id in workers:
            return workers[route.worker_id]
        return next((clients[s.client_id] for s in route.stops if s.client_id in clients), None)

    mine = Schedule(
        routes=tuple(r for r in published.routes if inside(route_department(r))),
        unassigned=tuple(u for u in published.unassigned if inside(clients.get(u.client_id))),
    )
    rest = Schedule(
        routes=tuple(r for r in published.routes if not inside(route_department(r))),
        unassigned=tuple(u for u in published.unassigned if not inside(clients.get(u.client_id))),
    )
    return mine, rest
