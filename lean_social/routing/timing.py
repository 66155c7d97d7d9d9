"""Times of a route from its order: earliest starts, lunch where the solver put it, late departure.

The solver decides the order and which gap holds each break; this pass makes the times readable and
canonical: the worker leaves as late as possible without coming back later, then each visit starts as
early as its window allows and a break as early as its window allows (the worker may stop on the way).
Time before leaving counts as office time rather than waiting. Leaving at the shift start, every start
is no later than in the solver's own (feasible) timing, so a feasible order always gets feasible times.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

from lean_social.routing.instance import RoutingInstance

__all__ = [
    "TimedBreak",
    "TimedRoute",
    "TimedStop",
    "first_break_gap",
    "place_breaks",
    "route_is_feasible",
    "start_in_windows",
    "time_route",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedStop:
    job: int
    travel: int
    arrival: int
    start: int
    end: int

    @property
    def wait(self) -> int:
        return self.start - self.arrival


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedBreak:
    """``after`` counts the stops before the break (0: before the first visit)."""

    after: int
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedRoute:
    vehicle: int
    departure: int
    stops: tuple[TimedStop, ...]
    breaks: tuple[TimedBreak, ...]
    return_travel: int
    return_arrival: int
    feasible: bool

    @property
    def finish(self) -> int:
        """When the worker's day of visits is over: back at the start place and past every break."""
        return max([self.return_arrival, *(b.end for b in self.breaks)])


def start_in_windows(arrival: int, windows: tuple[tuple[int, int], ...]) -> int | None:
    """When a visit reached at ``arrival`` starts: in the first window that has not closed, waiting for it
    to open; None where every window has closed."""
    for early, late in windows:
        if arrival <= late:
            return max(arrival, early)
    return None


def time_route(
    instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...], break_after: tuple[int, ...]
) -> TimedRoute:
    """Earliest-start times for one route, leaving as late as that allows; ``feasible`` is False if a
    window, a break window, the shift end or the visit limit is missed."""
    spec = instance.vehicles[vehicle]
    early = _forward(instance, vehicle, jobs, break_after, spec.shift_start)
    if early.stops and early.feasible:
        # Times only grow with the departure, so bisect for the latest one that finishes no later:
        # that leaves the least idle time on the road.
        low, high = spec.shift_start, max(spec.shift_start, instance.jobs[jobs[0]].windows[-1][1])
        while low < high:
            middle = (low + high + 1) // 2
            trial = _forward(instance, vehicle, jobs, break_after, middle)
            if trial.feasible and trial.finish <= early.finish:
                low = middle
            else:
                high = middle - 1
        if low > spec.shift_start:
            early = _forward(instance, vehicle, jobs, break_after, low)
    feasible = early.feasible and early.finish <= spec.shift_end
    if spec.max_jobs is not None:
        feasible &= len(jobs) <= spec.max_jobs
    return dataclasses.replace(early, feasible=feasible)


def route_is_feasible(
    instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...], break_after: tuple[int, ...]
) -> bool:
    """Whether ``time_route`` would call the route feasible, without its search for the latest departure:
    leaving at the shift start is the earliest timing, and a later departure is only chosen when it
    finishes no later, so both agree on feasibility."""
    spec = instance.vehicles[vehicle]
    if spec.max_jobs is not None and len(jobs) > spec.max_jobs:
        return False
    early = _forward(instance, vehicle, jobs, break_after, spec.shift_start)
    return early.feasible and early.finish <= spec.shift_end


def first_break_gap(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> int | None:
    """The first gap of a route whose vehicle has one break where ``route_is_feasible`` holds, or None;
    the same answer as trying every gap with it, in one pass and a short one per gap.

    Why: repairing a plan searched with the lunch lifted inserts each visit left out at every position of
    every route, and each trial asked ``route_is_feasible`` of every gap: on a Solomon C2 day (three
    routes of about 33 visits) one repair took half a second of a 5 s budget. A break only delays what
    follows it, so a route that misses a window without its break misses it with one anywhere; the
    times before the gap are those without the break; and once a visit after the break starts when it
    would have without it, the rest of the route is the same as without it."""
    spec = instance.vehicles[vehicle]
    (brk,) = spec.breaks
    if spec.max_jobs is not None and len(jobs) > spec.max_jobs:
        return None
    matrix = instance.duration[spec.profile]
    places = [spec.start_place, *(instance.jobs[j].place for j in jobs), spec.end_place]
    legs = [int(matrix[a, b]) for a, b in itertools.pairwise(places)]
    windows = [instance.jobs[j].windows for j in jobs]
    services = [instance.jobs[j].service for j in jobs]
    # Without the break: when the worker may leave position p (``clock[p]``) and when visit p starts.
    clock, starts = [spec.shift_start], []
    for p in range(len(jobs)):
        start = start_in_windows(clock[p] + legs[p], windows[p])
        if start is None:
            return None
        starts.append(start)
        clock.append(start + services[p])
    if clock[-1] + legs[-1] > spec.shift_end:
        return None
    n = len(jobs)
    for gap in range(n + 1):
        if gap == n and max(clock[n] + legs[n], brk.earliest) <= brk.latest:
            # lunch back at the start place after the last visit (as ``_forward`` takes it)
            begin = max(clock[n] + legs[n], brk.earliest)
            if max(clock[n] + legs[n], begin + brk.duration) <= spec.shift_end:
                return gap
            continue
        begin = max(clock[gap], brk.earliest)
        if begin > brk.latest:
            return None  # the worker is free no earlier at any later gap
        arrival = max(clock[gap] + legs[gap] + brk.duration, begin + brk.duration)
        fits = True
        for p in range(gap, n):
            start = start_in_windows(arrival, windows[p])
            if start is None:
                fits = False
                break
            if start == starts[p]:
                break  # the rest as without the break, which fits
            arrival = start + services[p] + legs[p + 1]
        else:
            fits = arrival <= spec.shift_end  # back at the start place: the break has ended before
        if fits:
            return gap
    return None


def _forward(
    instance: RoutingInstance,
    vehicle: int,
    jobs: tuple[int, ...],
    break_after: tuple[int, ...],
    departure: int,
) -> TimedRoute:
    spec = instance.vehicles[vehicle]
    feasible = True
    place, clock = spec.start_place, departure
    stops: list[TimedStop] = []
    breaks: list[TimedBreak] = []
    pending = sorted(zip(break_after, spec.breaks, strict=True), key=lambda p: (p[0], p[1].earliest))

    def leg(to_place: int, position: int) -> tuple[int, int]:
        """Travel from ``place`` at ``clock``, taking the breaks due in this gap on the way."""
        nonlocal feasible
        travel = instance.travel(vehicle, place, to_place)
        arrival = clock + travel
        for after, brk in pending:
            if after != position:
                continue
            if position == len(jobs) and max(arrival, brk.earliest) <= brk.latest:
                # back at the start place first: lunch there, and the idle time before it is office time
                start = max(arrival, brk.earliest)
                breaks.append(TimedBreak(after=position, start=start, end=start + brk.duration))
                continue
            start = max(clock, brk.earliest)
            feasible &= start <= brk.latest
            breaks.append(TimedBreak(after=position, start=start, end=start + brk.duration))
            arrival = max(arrival + brk.duration, start + brk.duration)
        return travel, arrival

    for position, job_index in enumerate(jobs):
        job = instance.jobs[job_index]
        travel, arrival = leg(job.place, position)
        start = start_in_windows(arrival, job.windows)
        if start is None:
            feasible = False
            start = arrival
        stops.append(TimedStop(job=job_index, travel=travel, arrival=arrival, start=start, end=start + job.service))
        place, clock = job.place, start + job.service
    return_travel, return_arrival = leg(spec.end_place, len(jobs))
    return TimedRoute(
        vehicle=vehicle,
        departure=departure,
        stops=tuple(stops),
        breaks=tuple(breaks),
        return_travel=return_travel,
        return_arrival=return_arrival,
        feasible=feasible,
    )


def place_breaks(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> tuple[int, ...] | None:
    """The best feasible gap for the break of a route (every gap is tried), or None if there is none:
    the one that brings the worker back soonest after leaving (the day the objective pays for; a lunch
    back at the office after the last visit is not on the road), then the one that ends the day first.
    Several breaks are not searched; they stay where OR-Tools puts them."""
    breaks = instance.vehicles[vehicle].breaks
    if not breaks:
        return ()
    if len(breaks) > 1:
        return None
    best: tuple[tuple[int, int], tuple[int, ...]] | None = None
    for gap in range(len(jobs) + 1):
        timed = time_route(instance, vehicle, jobs, (gap,))
        key = (timed.return_arrival - timed.departure, timed.finish)
        if timed.feasible and (best is None or key < best[0]):
            best = (key, (gap,))
    return None if best is None else best[1]
