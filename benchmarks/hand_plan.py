"""The week a planner makes by hand, before lean_social: the baseline the lean figures are measured against.

Each worker keeps a fixed client list (the data's assigned worker; a client without one goes to the
nearest worker of its department), visits ride on the programme's first pattern of days, in list order
(by client id) per worker-day, timed one after another from the shift start with the travel model's
durations (leaving the office in time for the first client's hours), waiting where a client's window
is not open yet. Lunch is taken at the start of its window,
or after the visit in progress then. The worker runs over the shift rather than drop a visit, but a
visit the list reaches only after the shift's end is left undone. A hand plan has no answer for a
worker's absence: that worker's visits on the day are left out, as are the visits the planner's own
check keeps out (a client away, a window too short for the visit). What is left out is listed as
unassigned, with why, so that a comparison counts it.

One hand plan for both its users: ``benchmarks.week_plan`` (the lean effect) and
``data/make_hand_plan.py`` (the bundled ``data/hand_plan/schedule.csv`` planners compare with).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from lean_social import Problem
from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.demand import Visit, week_demand
from lean_social.domain.model import Worker
from lean_social.domain.norms import visit_duration_s
from lean_social.planning.compile import DayInstance, compile_day
from lean_social.schedule import LunchBreak, Route, Schedule, Stop, Unassigned, unassigned_visit
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["HandPlan", "hand_lists", "hand_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HandPlan:
    """The hand plan, and the worker-days whose list order breaks a client's window, the lunch window
    or the shift: a hand plan keeps such a day as it is (the worker starts late, works longer)."""

    schedule: Schedule
    broken: frozenset[tuple[str, dt.date]]


def nearest_workers(problem: Problem) -> dict[str, str]:
    """For each client without an own worker, the worker of its department who starts nearest."""
    nearest: dict[str, str] = {}
    for client in problem.clients:
        if client.worker_id is None:
            own = [w for w in problem.workers if w.department == client.department]
            nearest[client.id] = min(
                own, key=lambda w: (w.start.lat - client.location.lat) ** 2 + (w.start.lon - client.location.lon) ** 2
            ).id
    return nearest


def hand_lists(problem: Problem, monday: dt.date) -> dict[tuple[str, dt.date], list[tuple[str, tuple[str, ...]]]]:
    """Each worker-day's list, (client id, services) in list order, off-duty days included."""
    nearest = nearest_workers(problem)
    lists: dict[tuple[str, dt.date], list[tuple[str, tuple[str, ...]]]] = {}
    for cw in week_demand(problem, monday):
        if not cw.patterns:
            continue
        owner = cw.worker_id or nearest[cw.client_id]
        for services, day in zip(cw.slots, cw.patterns[0], strict=True):
            lists.setdefault((owner, day), []).append((cw.client_id, services))
    return {key: sorted(entries) for key, entries in sorted(lists.items())}


def hand_plan(problem: Problem, monday: dt.date, *, travel: TravelModel | None = None) -> HandPlan:
    """The hand plan of the week starting on ``monday``."""
    travel = travel or GeodesicTravel()
    # the worker is given by the list, so the compiler's check of the client's own worker is not wanted
    unowned = dataclasses.replace(
        problem, clients=tuple(dataclasses.replace(c, worker_id=None) for c in problem.clients)
    )
    routes: list[Route] = []
    left: list[Unassigned] = []
    broken: set[tuple[str, dt.date]] = set()
    for (worker_id, day), entries in hand_lists(problem, monday).items():
        worker = problem.worker(worker_id)
        away = workers_on_duty(problem, day)[worker_id]
        if away is not None:  # the hand plan has no answer for an absence
            left += [unassigned_visit(problem, c, day, s, f"{worker_id}: {away}") for c, s in entries]
            continue
        visits = [
            Visit(
                id=f"{day}/{c}",
                client_id=c,
                date=day,
                services=s,
                duration_s=visit_duration_s(problem.service(x) for x in s),
                windows=problem.client(c).available.on(day),
                skills=frozenset(),
                worker_id=None,
                department=worker.department,
            )
            for c, s in entries
        ]
        compiled = compile_day(unowned, day, visits, [worker], travel)
        left += [unassigned_visit(problem, v.client_id, day, v.services, why) for v, why in compiled.rejected]
        route, late, ok = _timed(compiled, worker, day)
        left += [
            unassigned_visit(problem, v.client_id, day, v.services, f"{worker_id}'s list runs past the shift end")
            for v in late
        ]
        if route is not None:
            routes.append(route)
        if not ok:
            broken.add((worker_id, day))
    left.sort(key=lambda u: (u.date, u.client_id))
    return HandPlan(schedule=Schedule(routes=tuple(routes), unassigned=tuple(left)), broken=frozenset(broken))


def _timed(compiled: DayInstance, worker: Worker, day: dt.date) -> tuple[Route | None, list[Visit], bool]:
    """The list timed one visit after another from the shift start: (the route, None for a day whose
    every visit was kept out; the visits reached only after the shift's end; whether the route keeps
    every window, the lunch window and the shift, and the list is made in full)."""
    instance = compiled.instance
    if not instance.jobs:
        return None, [], True
    vehicle = instance.vehicles[0]
    meal = vehicle.breaks[0] if vehicle.breaks else None
    ok = True
    place, clock = vehicle.start_place, vehicle.shift_start
    lunch: LunchBreak | None = None
    stops: list[Stop] = []
    late: list[Visit] = []
    for position, (job, visit) in enumerate(zip(instance.jobs, compiled.visits, strict=True)):
        travel_s = instance.travel(0, place, job.place)
        arrival = clock + travel_s
        if late or clock >= vehicle.shift_end:  # the day is over before this visit is reached
            late.append(visit)
            continue
        if meal is not None and lunch is None and _start(arrival, job.windows) > meal.earliest:
            # lunch is due before this visit starts: at the start of its window, or straight after the
            # visit in progress then; the way to the next client is made before or after it
            begin = max(clock, meal.earliest)
            lunch = LunchBreak(start=begin, end=begin + meal.duration, after=position)
            arrival = max(arrival + meal.duration, lunch.end)
        start = _start(arrival, job.windows)
        if not stops and lunch is None:  # the worker leaves the office in time for the first client's hours
            arrival = start
        ok &= any(early <= start <= late for early, late in job.windows)  # past every window: late all the same
        stops.append(
            Stop(
                visit_id=visit.id,
                client_id=visit.client_id,
                services=visit.services,
                arrival=arrival,
                start=start,
                end=start + job.service,
                travel_s=travel_s,
                travel_m=int(instance.distance[vehicle.profile, place, job.place]),
            )
        )
        place, clock = job.place, start + job.service
    back_s = instance.travel(0, place, vehicle.end_place)
    if meal is not None and lunch is None:  # every visit over before the lunch window: lunch back at the office
        begin = max(clock + back_s, meal.earliest)
        lunch = LunchBreak(start=begin, end=begin + meal.duration, after=len(stops))
    ok &= meal is None or lunch is None or lunch.start <= meal.latest
    route = Route(
        worker_id=worker.id,
        date=day,
        departure=stops[0].arrival - stops[0].travel_s if lunch is None or lunch.after else vehicle.shift_start,
        stops=tuple(stops),
        lunch=lunch,
        return_travel_s=back_s,
        return_travel_m=int(instance.distance[vehicle.profile, place, vehicle.end_place]),
        return_arrival=clock + back_s,
    )
    ok &= route.finish <= vehicle.shift_end and not late
    return route, late, ok


def _start(arrival: int, windows: tuple[tuple[int, int], ...]) -> int:
    """When a visit reached at ``arrival`` starts: at once, or when its window opens; past every window,
    at once all the same (the hand plan comes late rather than not at all)."""
    return next((max(arrival, early) for early, late in windows if arrival <= late), arrival)
