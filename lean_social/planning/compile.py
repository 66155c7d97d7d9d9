"""Problem → neutral routing instance for one department-day, with the index maps kept in one place.

Visits that no worker could ever make are sorted out here with a reason, before the solver sees them:
the solver only says "dropped", a planner needs to know why.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.demand import Visit
from lean_social.domain.errands import CANDIDATES, ERRAND_STOP_S, errands_of, places_of
from lean_social.domain.model import Errand, ErrandPlace, Location, Problem, Worker
from lean_social.domain.reasons import client_away, not_at_home
from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle
from lean_social.travel import TravelModel

__all__ = ["DROP_PENALTY", "DayInstance", "ErrandWays", "compile_day"]

#: Cost of leaving a visit unserved, in seconds of travel: far above any day's walking, so the solver
#: drops a visit only when it cannot be fitted at all.
DROP_PENALTY = 1_000_000
#: Weight of a second between leaving and coming back. Travel also costs 1 per second on its arcs, so a
#: minute on the road weighs twice a minute of waiting: both are waste, walking tires the worker too.
SPAN_COST = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrandWays:
    """The ways a visit's errands may be run on the way to its client: each way passes by one place of
    each kind, in one order (``errand_places`` indices). ``best[profile, i]`` is the way that adds least
    travel coming from place ``i``: the one its arc's time in the instance was taken from, so the stops
    a route gets are the ones its times hold (``planning.day``)."""

    kinds: tuple[Errand, ...]
    ways: tuple[tuple[tuple[int, ...], ...], ...]  # per profile
    best: npt.NDArray[np.int64]  # profiles x places

    @property
    def stop_s(self) -> int:
        return sum(ERRAND_STOP_S[k] for k in self.kinds)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayInstance:
    """A routing instance and the maps back to the domain: job i is ``visits[i]``, vehicle k is
    ``workers[k]``, place p is ``places[p]``. A visit with errands (``errands[i]`` not None) has the
    errands folded into every arc into it; ``errand_places[m]`` is row and column ``len(places) + m`` of
    ``leg_duration``/``leg_distance``, the plain travel between every place and every errand place."""

    instance: RoutingInstance
    visits: tuple[Visit, ...]
    workers: tuple[Worker, ...]
    places: tuple[Location, ...]
    rejected: tuple[tuple[Visit, str], ...]  # visits kept out of the instance, with the reason
    errands: tuple[ErrandWays | None, ...] = ()
    errand_places: tuple[ErrandPlace, ...] = ()
    leg_duration: npt.NDArray[np.int64] | None = None
    leg_distance: npt.NDArray[np.int64] | None = None


def compile_day(
    problem: Problem,
    day: dt.date,
    visits: Sequence[Visit],
    workers: Sequence[Worker],
    travel: TravelModel,
) -> DayInstance:
    """``workers`` are those on duty in the visits' department; each visit is checked against them."""
    duty = workers_on_duty(problem, day)
    places: list[Location] = [w.start for w in workers] + [problem.client(v.client_id).location for v in visits]
    modes = sorted({w.mode for w in workers})
    kinds = [errands_of(problem, v.services) for v in visits]
    shops = tuple(p for k in sorted({k for ks in kinds for k in ks}) for p in places_of(problem, k))
    every = [*places, *(p.location for p in shops)]
    mats = {mode: travel.matrices(every, mode) for mode in modes}
    n = len(places)
    duration = np.stack([mats[m].duration_s[:n, :n] for m in modes]) if modes else np.zeros((1, n, n), np.int64)
    distance = np.stack([mats[m].distance_m[:n, :n] for m in modes]) if modes else duration
    profile = {m: i for i, m in enumerate(modes)}
    ways: list[ErrandWays | None] = [None] * len(visits)
    legs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
    if shops and modes:
        legs = (
            np.stack([mats[m].duration_s for m in modes]),
            np.stack([mats[m].distance_m for m in modes]),
        )
        for i, visit_kinds in enumerate(kinds):
            if visit_kinds:
                ways[i] = _fold_errands(len(workers) + i, visit_kinds, shops, n, legs, duration, distance)

    vehicles = []
    for k, worker in enumerate(workers):
        shift = worker.shift_on(day)
        assert shift is not None  # callers pass workers on duty
        breaks: tuple[Break, ...] = ()
        if worker.lunch is not None:
            earliest = max(worker.lunch.window.start, shift.start)
            latest = min(worker.lunch.latest_start, shift.end - worker.lunch.duration_min * 60)
            if earliest <= latest:
                breaks = (Break(earliest=earliest, latest=latest, duration=worker.lunch.duration_min * 60),)
        vehicles.append(
            Vehicle(
                start_place=k,
                end_place=k,
                profile=profile[worker.mode],
                shift_start=shift.start,
                shift_end=shift.end,
                breaks=breaks,
                max_jobs=worker.max_visits_per_day,
                span_cost=SPAN_COST,
            )
        )

    jobs: list[Job] = []
    kept: list[Visit] = []
    kept_ways: list[ErrandWays | None] = []
    rejected: list[tuple[Visit, str]] = []
    index_of = {w.id: k for k, w in enumerate(workers)}
    for i, visit in enumerate(visits):
        place = len(workers) + i
        eligible, reason = _eligible(problem, visit, workers, index_of, duty)
        windows = tuple(
            (w.start, w.end - visit.duration_s) for w in visit.windows if w.end - visit.duration_s >= w.start
        )
        away = problem.client_away(visit.client_id, visit.date)
        if away is not None:
            reason = client_away(away)
        if reason is None:
            reason = _window_reason(visit, windows, eligible, vehicles, duration, place)
        if reason is not None:
            rejected.append((visit, reason))
            continue
        jobs.append(
            Job(
                place=place,
                service=visit.duration_s,
                windows=windows,
                penalty=DROP_PENALTY,
                allowed=frozenset(eligible) if len(eligible) < len(workers) else None,
            )
        )
        kept.append(visit)
        kept_ways.append(ways[i])
    instance = RoutingInstance(
        duration=duration, cost=duration, distance=distance, jobs=tuple(jobs), vehicles=tuple(vehicles)
    )
    return DayInstance(
        instance=instance,
        visits=tuple(kept),
        workers=tuple(workers),
        places=tuple(places),
        rejected=tuple(rejected),
        errands=tuple(kept_ways),
        errand_places=shops if legs is not None else (),
        leg_duration=None if legs is None else legs[0],
        leg_distance=None if legs is None else legs[1],
    )


def _fold_errands(
    place: int,
    kinds: tuple[Errand, ...],
    shops: tuple[ErrandPlace, ...],
    n: int,
    legs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    duration: npt.NDArray[np.int64],
    distance: npt.NDArray[np.int64],
) -> ErrandWays:
    """Fold a visit's errands into every arc into ``place``: the arc from ``i`` takes the way (an order
    of the kinds, a place of each among the ``CANDIDATES`` nearest the client) that adds least travel
    from ``i``, plus the stops' time. The detour depends only on ``i`` and the client, so the routing
    core sees an ordinary arc and needs no change. ``duration``/``distance`` are changed in place."""
    stop_s = sum(ERRAND_STOP_S[k] for k in kinds)
    columns = {k: np.array([n + m for m, p in enumerate(shops) if p.kind == k]) for k in kinds}
    all_ways: list[tuple[tuple[int, ...], ...]] = []
    best = np.zeros((duration.shape[0], n), np.int64)
    for prof in range(duration.shape[0]):
        time, metres = legs[0][prof], legs[1][prof]
        near = {k: cols[np.argsort(time[cols, place], kind="stable")[:CANDIDATES]] for k, cols in columns.items()}
        ways = [
            tuple(int(c) for c in way)
            for order in itertools.permutations(kinds)
            for way in itertools.product(*(near[k] for k in order))
        ]
        cost = np.stack([_way_total(time, way, n, place) for way in ways])  # ways x places
        pick = np.argmin(cost, axis=0)
        rows = np.arange(n)
        metres_of = np.stack([_way_total(metres, way, n, place) for way in ways])
        duration[prof, :, place] = cost[pick, rows] + stop_s
        distance[prof, :, place] = metres_of[pick, rows]
        duration[prof, place, place] = distance[prof, place, place] = 0
        best[prof] = pick
        all_ways.append(tuple(tuple(c - n for c in way) for way in ways))
    return ErrandWays(kinds=kinds, ways=tuple(all_ways), best=best)


def _way_total(matrix: npt.NDArray[np.int64], way: tuple[int, ...], n: int, place: int) -> npt.NDArray[np.int64]:
    """From each of the first ``n`` places along ``way`` to ``place``."""
    inner = sum(int(matrix[a, b]) for a, b in itertools.pairwise(way))
    out: npt.NDArray[np.int64] = matrix[:n, way[0]] + inner + matrix[way[-1], place]
    return out


def _eligible(
    problem: Problem,
    visit: Visit,
    workers: Sequence[Worker],
    index_of: Mapping[str, int],
    duty: Mapping[str, str | None],
) -> tuple[list[int], str | None]:
    need = sorted(visit.skills)
    if visit.worker_id is not None:
        assigned = problem.worker(visit.worker_id)
        if assigned.department != visit.department:
            return [], f"assigned worker {assigned.id} belongs to department {assigned.department}"
        why_not = duty.get(assigned.id)
        if why_not is not None:
            return [], f"assigned worker {assigned.id} {why_not}"
        missing = [s for s in need if s not in assigned.skills]
        if missing and not any(visit.skills <= w.skills for w in workers):  # nobody could stand in either
            return [], f"no worker on duty in department {visit.department} has skill {', '.join(need)}"
        if missing:
            return [], f"assigned worker {assigned.id} lacks skill {', '.join(missing)}"
        return [index_of[assigned.id]], None
    if not workers:
        return [], f"no worker of department {visit.department} is on duty"
    eligible = [k for k, w in enumerate(workers) if visit.skills <= w.skills]
    if not eligible:
        return [], f"no worker on duty in department {visit.department} has skill {', '.join(need)}"
    return eligible, None


def _window_reason(
    visit: Visit,
    windows: tuple[tuple[int, int], ...],
    eligible: Sequence[int],
    vehicles: Sequence[Vehicle],
    duration: np.ndarray,
    place: int,
) -> str | None:
    minutes = visit.duration_s // 60
    if not visit.windows:
        return not_at_home(visit.date)
    if not windows:
        return f"the visit ({minutes} min) is longer than every window the client is at home"
    fits_shift = False
    for k in eligible:
        v = vehicles[k]
        out = int(duration[v.profile, v.start_place, place])
        back = int(duration[v.profile, place, v.end_place])
        for early, late in windows:
            low = max(early, v.shift_start + out)
            high = min(late, v.shift_end - back - visit.duration_s)
            if low > high:
                continue
            fits_shift = True
            if _lunch_fits_around(v, low, high, visit.duration_s, out, back):
                return None
    if fits_shift:
        return "no window when the client is at home leaves room for the lunch break of an eligible worker"
    return "no window when the client is at home fits the shift of an eligible worker, with travel"


def _lunch_fits_around(v: Vehicle, low: int, high: int, service: int, out: int, back: int) -> bool:
    """Whether a visit starting in ``[low, high]`` leaves room for each break: before it (on the way
    there) or after it (before going back). A necessary condition only; the solver decides the rest."""
    for brk in v.breaks:
        after = low + service <= brk.latest and low + service + brk.duration + back <= v.shift_end
        before = high >= max(brk.earliest, v.shift_start + out) + brk.duration
        if not (after or before):
            return False
    return True
