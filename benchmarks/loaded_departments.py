"""Generated departments loaded to a given share of their hours (issue 8): the week planner must serve every
visit while there is room, wherever the clients' hours and the ride-along services put the pressure.

``make_department(load, seed)`` builds one department whose week of 2026-12-07 asks for ``load`` (hours
asked over hours available, as ``lean_social.domain.capacity.week_capacity`` counts them: norms plus a walking
allowance against shifts less lunch and other work) of its workers' time. Most programmes leave the days
free; a few fix them. Clients' hours are mixed the way the demo centre's are, only more so: all day,
mornings only, afternoons only, or two windows with a gap. Many clients have a long service once a week
(cleaning, laundry, medicines) on top of two or three short visits, which is what piles up on Monday when
the first visit of every client's week carries it.

Deterministic: the same ``load`` and ``seed`` give the same problem.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from lean_social.domain.capacity import week_capacity
from lean_social.domain.model import (
    Client,
    Location,
    Lunch,
    Problem,
    ProgrammeItem,
    Service,
    TimeWindow,
    WeeklyPattern,
    Worker,
)

__all__ = ["CENTRE", "MONDAY", "SERVICES", "make_department", "utilisation"]

MONDAY = dt.date(2026, 12, 7)
#: The office the workers start from; clients live within ``RADIUS_KM`` of it.
CENTRE = Location(lat=47.515, lon=42.155)
#: A district one worker on foot can cross in about 25 minutes (4.5 km/h, detour 1.3).
RADIUS_KM = 1.4
DEPARTMENT = "G1"

SERVICES = (
    Service(code="FOOD", name="groceries", norm_min=40, errand="shop"),
    Service(code="COOK", name="cooking", norm_min=45),
    Service(code="DISH", name="dishes", norm_min=10),
    Service(code="TALK", name="a talk", norm_min=20),
    Service(code="CLEAN", name="cleaning", norm_min=40),
    Service(code="LAUNDRY", name="laundry", norm_min=40),
    Service(code="MEDS", name="medicines", norm_min=30, errand="pharmacy"),
)


def _hours(text: str) -> TimeWindow:
    start, end = text.split("-")
    h1, m1 = start.split(":")
    h2, m2 = end.split(":")
    return TimeWindow(start=int(h1) * 3600 + int(m1) * 60, end=int(h2) * 3600 + int(m2) * 60)


#: Clients' hours at home, Monday to Friday, with their shares: all day is the common case; mornings
#: only and afternoons only compete for half a shift each; two windows leave the middle of the day out.
HOURS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.45, ("09:00-18:00",)),
    (0.20, ("09:00-12:00",)),
    (0.15, ("14:00-18:00",)),
    (0.20, ("09:00-12:00", "15:00-18:00")),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Draft:
    """A client drawn before the department is cut to its load."""

    client: Client
    items: tuple[ProgrammeItem, ...]


def _draw_client(rng: random.Random, number: int) -> _Draft:
    ident = f"G{number:03d}"
    angle, reach = rng.uniform(0, 2 * math.pi), RADIUS_KM * math.sqrt(rng.random())
    place = Location(
        lat=CENTRE.lat + reach * math.sin(angle) / 111.2,
        lon=CENTRE.lon + reach * math.cos(angle) / (111.2 * math.cos(math.radians(CENTRE.lat))),
    )
    pick, hours = rng.random(), HOURS[-1][1]
    for share, windows in HOURS:
        if pick < share:
            hours = windows
            break
        pick -= share
    available = WeeklyPattern.from_mapping({d: [_hours(h) for h in hours] for d in range(5)})
    client = Client(
        id=ident,
        name=f"client {ident}",
        address=f"street {number}",
        location=place,
        department=DEPARTMENT,
        available=available,
    )
    times = rng.choices((1, 2, 3), weights=(2, 5, 3))[0]
    fixed = rng.random() < 0.15  # most programmes leave the days to the planner
    days: tuple[int, ...] = {1: (2,), 2: (0, 3), 3: (0, 2, 4)}[times] if fixed else ()
    main = rng.choice(("FOOD", "COOK", "DISH"))
    items = [ProgrammeItem(client_id=ident, service_code=main, times=times, days=days)]
    if main != "DISH" and rng.random() < 0.4:
        items.append(ProgrammeItem(client_id=ident, service_code="DISH", times=times, days=days))
    # The heavy ride-alongs: once a week (or four a month, one in this first week) on one of the visits.
    if rng.random() < 0.55:
        items.append(ProgrammeItem(client_id=ident, service_code="CLEAN", times=1))
    if rng.random() < 0.25:
        items.append(ProgrammeItem(client_id=ident, service_code="LAUNDRY", times=4, per="month"))
    if rng.random() < 0.35:
        items.append(ProgrammeItem(client_id=ident, service_code="MEDS", times=1))
    if times == 3 and rng.random() < 0.3:
        items.append(ProgrammeItem(client_id=ident, service_code="TALK", times=2))
    return _Draft(client=client, items=tuple(items))


def _workers(count: int) -> tuple[Worker, ...]:
    out = []
    for k in range(count):
        out.append(
            Worker(
                id=f"GW{k + 1:02d}",
                name=f"worker {k + 1}",
                department=DEPARTMENT,
                start=CENTRE,
                shift=WeeklyPattern.every_weekday(_hours("08:00-17:00")),
                lunch=Lunch(window=_hours("12:00-14:00"), duration_min=45),
                mode="bike" if k % 4 == 3 else "foot",
                max_visits_per_day=8,
            )
        )
    return tuple(out)


def _problem(workers: tuple[Worker, ...], drafts: list[_Draft]) -> Problem:
    return Problem(
        services=SERVICES,
        clients=tuple(d.client for d in drafts),
        workers=workers,
        programmes=tuple(item for d in drafts for item in d.items),
    )


def utilisation(problem: Problem) -> float:
    """Hours asked over hours available in the week of ``MONDAY``, as the planner's capacity check counts
    them (one department)."""
    (capacity,) = week_capacity(problem, MONDAY)
    assert capacity.utilisation is not None
    return capacity.utilisation


def make_department(load: float, seed: int, *, workers: int = 7) -> Problem:
    """One department of ``workers`` asked for ``load`` of their hours in the week of ``MONDAY``.

    Clients are drawn one after another and the department keeps the longest run of them whose
    utilisation stays at or under ``load``, so the load is met from below to within one client's week."""
    if not 0.0 < load <= 1.5:
        msg = f"load must be a share of the hours available in (0, 1.5], got {load}"
        raise ValueError(msg)
    rng = random.Random(seed)
    staff = _workers(workers)
    # Enough clients for any load asked: a client asks for at most about 4 h a week, a worker has 38 h.
    pool = [_draw_client(rng, n + 1) for n in range(int(workers * 40 * load) + 10)]
    low, high = 0, len(pool)  # utilisation of the first `low` clients <= load
    while low < high:
        middle = (low + high + 1) // 2
        if utilisation(_problem(staff, pool[:middle])) <= load:
            low = middle
        else:
            high = middle - 1
    return _problem(staff, pool[:low])
