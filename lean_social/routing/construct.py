"""A complete feasible plan before any search, and the final word on what cannot be placed.

Coverage must never depend on the clock: on a loaded machine a search may get no time at all, and a
department-day must still come back with every visit that fits. So every instance is first built by
insertion under the full model (windows, several windows a day, shift, breaks, visit limits, allowed
vehicles, loads), deterministically and without a time limit, in milliseconds; the searches only improve
on that plan. After the search, :func:`insert_dropped` tries once more every job left out, in every gap
of every allowed route with every placement of the break, so a job stays dropped only when no feasible
place for it exists in the final plan, and :func:`blocking_rule` names which rule keeps it out.

Feasibility here is :func:`timing.time_route`'s, the same that :func:`engine.evaluate` and the plan's
times use; OR-Tools' own notion of a break differs in corner cases, which :func:`make_feasible` repairs.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from lean_social.routing.instance import RoutingInstance, RoutingSolution
from lean_social.routing.objective import arc_cost, may_take
from lean_social.routing.ortools_engine import SearchSettings, solve_ortools
from lean_social.routing.timing import first_break_gap, place_breaks, route_is_feasible, start_in_windows

__all__ = [
    "BlockingRule",
    "blocking_rule",
    "construct",
    "eject_for_breaks",
    "insert_dropped",
    "make_feasible",
    "reorder_for_breaks",
    "repair",
    "routes_with_room",
]

#: The rule that keeps a job out of every route: the vehicles' job limit, the breaks, or time itself
#: (windows, shift, travel, the other jobs already on the routes).
BlockingRule = Literal["max_jobs", "breaks", "time", "allowed"]

#: OR-Tools' insertion stops after its first complete solution; this clock bound is a safety net that a
#: construction of hundreds of jobs never comes near (tens of milliseconds), not a budget.
_SAFETY_S = 600.0


def construct(instance: RoutingInstance, *, thorough: bool = True) -> RoutingSolution:
    """The first solution of OR-Tools' cheapest insertion under the full model, made feasible under our
    timing and completed by :func:`insert_dropped`. Deterministic: no clock, no seed.

    When every job may go to one vehicle only (a week plan names the worker of every visit), the vehicles
    are independent problems and each is built on its own (:func:`_alone`): a vehicle's route then
    depends only on its own jobs, in their order, so asking "does this worker-day hold these visits?"
    of one worker gives exactly the route the whole department-day gets, which the week's repair relies
    on, and each small build is cheaper than one large one. Each vehicle is built by insertion from an
    empty route and, when that leaves a job out or ``thorough`` asks, by OR-Tools' cheapest insertion as
    well, keeping the one that serves more, then costs less: the number served is the same either way,
    so a quick check (``thorough=False``) answers what the thorough build will serve, at a fraction of
    its time; the thorough build gives the search a better start."""
    started = time.perf_counter()
    owners = _owners(instance)
    if owners is None:
        done = _construct(instance)
    else:
        routes: list[tuple[int, ...]] = []
        gaps: list[tuple[int, ...]] = []
        dropped: list[int] = []
        cost = 0
        for vehicle, mine in enumerate(owners):
            if not mine:
                routes.append(())
                gaps.append(tuple(0 for _ in instance.vehicles[vehicle].breaks))
                continue
            part = _construct_alone(_alone(instance, vehicle, mine), thorough=thorough)
            routes.append(tuple(mine[j] for j in part.routes[0]))
            gaps.append(part.break_after[0])
            dropped += [mine[j] for j in part.dropped]
            cost += part.cost
        done = RoutingSolution(
            routes=tuple(routes),
            break_after=tuple(gaps),
            dropped=tuple(sorted(dropped)),
            cost=cost,
            status="CONSTRUCTED",
            wall_time_s=0.0,
        )
    return replace(done, status="CONSTRUCTED", wall_time_s=time.perf_counter() - started)


def _construct_alone(instance: RoutingInstance, *, thorough: bool) -> RoutingSolution:
    """One vehicle's route: insertion from an empty route (milliseconds, no solver model to build, which
    is what a week's repair asks hundreds of times); OR-Tools' cheapest insertion as well when the
    insertion leaves a job out or ``thorough`` asks, and the one that serves more (then costs less) is
    kept."""
    quick = insert_dropped(instance, RoutingSolution.empty(instance, status="INSERTION"))
    if not quick.dropped and not thorough:
        return quick
    full = _construct(instance)
    return min((quick, full), key=lambda sol: (len(sol.dropped), _routes_cost(instance, sol)))


def _routes_cost(instance: RoutingInstance, solution: RoutingSolution) -> int:
    return sum(arc_cost(instance, v, jobs) for v, jobs in enumerate(solution.routes))


def _construct(instance: RoutingInstance) -> RoutingSolution:
    first = solve_ortools(instance, SearchSettings(time_limit_s=_SAFETY_S, solution_limit=1))
    return repair(instance, first)


def _owners(instance: RoutingInstance) -> list[list[int]] | None:
    """Each vehicle's jobs, in instance order, when every job may go to exactly one vehicle; else None."""
    if len(instance.vehicles) < 2:
        return None
    owners: list[list[int]] = [[] for _ in instance.vehicles]
    for j, job in enumerate(instance.jobs):
        if job.allowed is None or len(job.allowed) != 1:
            return None
        (vehicle,) = job.allowed
        owners[vehicle].append(j)
    return owners


def _alone(instance: RoutingInstance, vehicle: int, jobs: Sequence[int]) -> RoutingInstance:
    """One vehicle and its jobs as an instance of their own: places numbered start, end, then the jobs'
    in order, one travel profile, so the same worker-day gives the same instance in any department-day."""
    spec = instance.vehicles[vehicle]
    places = list(dict.fromkeys([spec.start_place, spec.end_place, *(instance.jobs[j].place for j in jobs)]))
    at = {place: i for i, place in enumerate(places)}

    def cut(matrix: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.ascontiguousarray(matrix[spec.profile][np.ix_(places, places)])[np.newaxis]

    return RoutingInstance(
        duration=cut(instance.duration),
        cost=cut(instance.cost),
        distance=cut(instance.distance),
        jobs=tuple(replace(instance.jobs[j], place=at[instance.jobs[j].place], allowed=None) for j in jobs),
        vehicles=(replace(spec, start_place=at[spec.start_place], end_place=at[spec.end_place], profile=0),),
        horizon=instance.horizon,
    )


def _break_gaps(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> tuple[int, ...] | None:
    """The first placement of the vehicle's break (one break is searched; several are left to the
    solver) that makes the route feasible, or None."""
    breaks = instance.vehicles[vehicle].breaks
    if not breaks:
        return () if route_is_feasible(instance, vehicle, jobs, ()) else None
    if len(breaks) > 1:
        return None
    gap = first_break_gap(instance, vehicle, jobs)
    return None if gap is None else (gap,)


def _load_fits(instance: RoutingInstance, vehicle: int, jobs: Sequence[int]) -> bool:
    if not instance.has_loads:
        return True
    return sum(instance.jobs[j].demand for j in jobs) <= instance.vehicles[vehicle].capacity


def make_feasible(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution:
    """Every route feasible under :func:`time_route`: a route whose breaks do not fit where the solver put
    them gets them moved; one that still does not fit loses jobs from its end until it does."""
    routes: list[tuple[int, ...]] = []
    gaps: list[tuple[int, ...]] = []
    dropped = list(solution.dropped)
    for v, jobs in enumerate(solution.routes):
        given = solution.break_after[v]
        jobs = tuple(j for j in jobs if may_take(instance, v, j))
        dropped += [j for j in solution.routes[v] if j not in jobs]
        if route_is_feasible(instance, v, jobs, given) and _load_fits(instance, v, jobs):
            routes.append(jobs)
            gaps.append(given)
            continue
        while True:
            placed = _break_gaps(instance, v, jobs) if _load_fits(instance, v, jobs) else None
            if placed is not None or not jobs:
                break
            dropped.append(jobs[-1])
            jobs = jobs[:-1]
        routes.append(jobs)
        gaps.append(placed if placed is not None else tuple(0 for _ in instance.vehicles[v].breaks))
    return replace(solution, routes=tuple(routes), break_after=tuple(gaps), dropped=tuple(sorted(dropped)))


def repair(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution:
    """A solver's plan made feasible here (:func:`make_feasible`), then every job it left out tried again
    (:func:`insert_dropped`): what every plan from a search goes through before it counts."""
    return insert_dropped(instance, make_feasible(instance, solution))


def _short_of_room(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> bool:
    """Whether a route keeps every rule but its one break, which fits in no gap of its order: the routes
    :func:`reorder_for_breaks` and :func:`eject_for_breaks` work on (a route with a visit of another worker,
    or over its load, is :func:`make_feasible`'s to cut)."""
    return (
        len(instance.vehicles[vehicle].breaks) == 1
        and bool(jobs)
        and all(may_take(instance, vehicle, j) for j in jobs)
        and _load_fits(instance, vehicle, jobs)
        and _break_gaps(instance, vehicle, jobs) is None
    )


def reorder_for_breaks(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution:
    """Each route whose break fits in no gap of its order, put in an order of the same visits where it
    does (the reordering search of :func:`insert_dropped`, most urgent visit first), where one is found
    within ``REORDER_NODES``; every other route as it stands. The same in the routes if none is reordered.

    Why: a plan searched with the breaks lifted (the engine's searches of a real day) often has a route
    packed so that no gap holds the lunch, and :func:`make_feasible` then drops visits from its end,
    which the repair must place elsewhere. Taking the same visits in another order keeps them on their
    worker. On the 56 Solomon days with a lunch its repaired plan was the cheaper one on the days packed
    to the shift's end (C1) and the dearer on those with room (a new order is urgent-first, not short);
    the engine repairs every way (this, :func:`eject_for_breaks` and the plain repair) and keeps the
    cheapest (``engine._repaired``)."""
    routes = list(solution.routes)
    gaps = list(solution.break_after)
    budget = _NodeBudget(REORDER_NODES)
    for v, jobs in enumerate(solution.routes):
        if not _short_of_room(instance, v, jobs):
            continue
        found = _feasible_order(instance, v, jobs, budget)
        if found is not None:
            order, order_gaps = found
            routes[v], gaps[v] = order, place_breaks(instance, v, order) or order_gaps
    if routes == list(solution.routes):
        return solution
    return replace(solution, routes=tuple(routes), break_after=tuple(gaps))


def reassign_for_breaks(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution:
    """The plan's routes given to workers so that the most of them have room for their worker's break,
    and of such assignments the cheapest by arc cost, a route staying with its worker where that costs no
    more; each route moved gets its breaks placed again. The same plan if no route moves.

    Why: where workers differ in their lunch (its window, its length), a search with the lunch lifted
    sees them as one and hands a route to any of them, and the repair then cuts a route that another
    worker, whose lunch falls elsewhere, could walk as it stands. On the 56 Solomon days with a lunch
    (each truck a lunch of its own; 5 s, seeds 0-2, one 2-core machine, docs/benchmarks.md) the engine's
    plans went from 0.43 % above the 100 s reference runs to 0.14 %, every family better, and C202, the
    one day left where the engine of issue 15's filing (64defb4) did better, from 6998 on the mean over
    the seeds to 6914 against its 6989. An assignment costs about 10 ms on such a day."""
    used = [v for v, jobs in enumerate(solution.routes) if jobs]
    if not used or not any(_short_of_room(instance, v, solution.routes[v]) for v in used):
        return solution
    n = len(instance.vehicles)
    # Cost of route i on worker k: arc cost where it keeps every rule there, else "short" (worse than any
    # fitting route, so the most routes fit first) plus its cost on its own worker.
    fit = np.zeros((len(used), n), dtype=bool)
    arcs = np.zeros((len(used), n), dtype=np.int64)
    for i, v in enumerate(used):
        jobs = solution.routes[v]
        for k in range(n):
            if all(may_take(instance, k, j) for j in jobs) and _load_fits(instance, k, jobs):
                fit[i, k] = _break_gaps(instance, k, jobs) is not None
            if fit[i, k] or k == v:
                arcs[i, k] = arc_cost(instance, k, jobs)
    short = int(arcs.max()) * (len(used) + 1) + 1
    cost = np.where(fit, arcs, short * 3).astype(np.float64)  # no worker for it: leave it where it was
    for i, v in enumerate(used):
        if not fit[i, v]:
            cost[i, v] = short * 2 + arcs[i, v]
        cost[i, v] -= 0.5  # its own worker where nothing is gained by a move
    rows, cols = linear_sum_assignment(cost)
    if all(used[i] == k for i, k in zip(rows, cols, strict=True)):
        return solution
    routes: list[tuple[int, ...]] = [() for _ in range(n)]
    gaps = [tuple(0 for _ in v.breaks) for v in instance.vehicles]
    for i, k in zip(rows, cols, strict=True):
        v = used[i]
        routes[k] = solution.routes[v]
        gaps[k] = solution.break_after[v] if k == v else place_breaks(instance, k, routes[k]) or gaps[k]
    return replace(solution, routes=tuple(routes), break_after=tuple(gaps))


#: Most visits :func:`eject_for_breaks` takes off one route: each set of up to this many is tried, so a
#: route of n visits costs n + n(n-1)/2 looks for a gap (a route of Solomon's days: 10-30 visits).
EJECT_MOST = 2


def eject_for_breaks(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution:
    """Each route whose break fits in no gap of its order loses the fewest visits that make room for it
    (up to ``EJECT_MOST``), of those the set that leaves the cheapest route; the visits taken off are left
    out, for :func:`insert_dropped` to place in the cheapest gap of any route. A route no such set makes
    room in, and every other route, stays as it stands. The same plan if no route changes.

    Why: :func:`make_feasible` drops visits from a route's end until the lunch fits, often every visit
    after the lunch window, where taking off one or two others would have made the room. Measured on
    the repair alone (the 56 Solomon days with a lunch, one relaxed search of 3,000 iterations each, the
    cheapest of the engine's ways kept, ``engine._repaired``): C2 from 17.6 % above the reference to
    12.5 %, R2 from 3.9 % to 2.3 %; nothing on R1 and RC1, whose tight windows leave the visits taken off
    no other route (there the engine's answer is to repair several plans, ``engine.FITTEST``)."""
    routes = list(solution.routes)
    gaps = list(solution.break_after)
    ejected: list[int] = []
    for v, jobs in enumerate(solution.routes):
        if not _short_of_room(instance, v, jobs):
            continue
        for size in range(1, min(EJECT_MOST, len(jobs) - 1) + 1):
            best = _cheapest_ejection(instance, v, jobs, size)
            if best is not None:
                routes[v], gaps[v], taken = best
                ejected += taken
                break
    if not ejected:
        return solution
    dropped = tuple(sorted([*solution.dropped, *ejected]))
    return replace(solution, routes=tuple(routes), break_after=tuple(gaps), dropped=dropped)


def _cheapest_ejection(
    instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...], size: int
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None:
    """The route left by taking ``size`` visits off ``jobs`` that has room for the vehicle's break and the
    least arc cost, as (visits kept, break gaps, visits taken off); None where no such set makes room."""
    best: tuple[int, tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None = None
    for out in itertools.combinations(range(len(jobs)), size):
        kept = tuple(j for i, j in enumerate(jobs) if i not in out)
        placed = _break_gaps(instance, vehicle, kept)
        if placed is None:
            continue
        cost = arc_cost(instance, vehicle, kept)
        if best is None or cost < best[0]:
            best = (cost, kept, placed, tuple(jobs[i] for i in out))
    return None if best is None else best[1:]


#: The status of a plan of ``routes_with_room``: one route, for the recombination only.
WITH_ROOM = "WITH_ROOM"


def routes_with_room(instance: RoutingInstance, plans: Sequence[RoutingSolution]) -> list[RoutingSolution]:
    """For each distinct route of ``plans`` whose break fits no gap, that route less the one visit whose
    absence leaves the cheapest route with room for it, each as a plan of that one route (status
    ``WITH_ROOM``), for the recombination to choose from; the visit taken off is served by some other
    route it chooses. Routes that need two visits off, or have room, give nothing.

    Why: PyVRP's search with the lunch lifted meets hundreds of plans near its best, whose routes the
    recombination chooses from (``pyvrp_engine.MET``); on a day with tight windows (Solomon's R1 and RC1)
    most of those routes have no room for the lunch and were left out, the recombination finding nothing.
    Taken one visit off they keep their order and nearly their cost."""
    empty = RoutingSolution.empty(instance, status=WITH_ROOM)
    seen: set[tuple[int, tuple[int, ...]]] = set()
    found: list[RoutingSolution] = []
    for plan in plans:
        for v, jobs in enumerate(plan.routes):
            if (v, jobs) in seen or len(jobs) < 2 or not _short_of_room(instance, v, jobs):
                continue
            seen.add((v, jobs))
            best = _cheapest_ejection(instance, v, jobs, 1)
            if best is None:
                continue
            kept, placed, _ = best
            routes, gaps = list(empty.routes), list(empty.break_after)
            routes[v], gaps[v] = kept, placed
            found.append(RoutingSolution.of_routes(instance, routes, gaps, status=WITH_ROOM, cost=-1))
    return found


def _best_insertion(
    instance: RoutingInstance, job: int, routes: Sequence[tuple[int, ...]]
) -> tuple[int, int, tuple[int, ...], tuple[int, ...]] | None:
    """(added cost, vehicle, new route, break gaps) of the cheapest feasible insertion of ``job``."""
    best: tuple[int, int, tuple[int, ...], tuple[int, ...]] | None = None
    for v, jobs in enumerate(routes):
        if not may_take(instance, v, job) or not _load_fits(instance, v, [*jobs, job]):
            continue
        spec = instance.vehicles[v]
        if spec.max_jobs is not None and len(jobs) + 1 > spec.max_jobs:
            continue
        # What the visit adds between each pair of neighbours, the arc between them taken out: the
        # difference of the two routes' arc costs (``arc_cost``), without summing each route again.
        cost = instance.cost[spec.profile]
        places = [spec.start_place, *(instance.jobs[j].place for j in jobs), spec.end_place]
        here = instance.jobs[job].place
        for position in range(len(jobs) + 1):
            before, after = places[position], places[position + 1]
            added = int(cost[before, here]) + int(cost[here, after]) - int(cost[before, after])
            if best is not None and added >= best[0]:
                continue
            trial = (*jobs[:position], job, *jobs[position:])
            gaps = _break_gaps(instance, v, trial)
            if gaps is not None:
                best = (added, v, trial, gaps)
    return best


def _relaxed(
    instance: RoutingInstance, *, ignore_max_jobs: bool = False, ignore_breaks: bool = False
) -> RoutingInstance:
    """The instance with every vehicle's job limit or breaks lifted, to ask which rule keeps a job out."""
    vehicles = tuple(
        replace(
            v,
            max_jobs=None if ignore_max_jobs else v.max_jobs,
            breaks=() if ignore_breaks else v.breaks,
        )
        for v in instance.vehicles
    )
    return replace(instance, vehicles=vehicles)


def insert_dropped(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution:
    """Insert every dropped job that fits somewhere, cheapest place first; the most constrained jobs
    (fewest allowed vehicles, then longest) go first, so a free job does not take an assigned one's room."""
    if not solution.dropped:
        return solution
    routes = list(solution.routes)
    gaps = list(solution.break_after)
    left: list[int] = []

    def constrained(job: int) -> tuple[int, int, int]:
        spec = instance.jobs[job]
        n_allowed = len(spec.allowed) if spec.allowed is not None else len(instance.vehicles)
        return (n_allowed, -spec.service, job)

    budget = _NodeBudget(REORDER_NODES)
    for job in sorted(solution.dropped, key=constrained):
        found = _best_insertion(instance, job, routes)
        if found is not None:
            _, v, routes[v], gaps[v] = found
            continue
        reordered = _reorder_insertion(instance, job, routes, budget)
        if reordered is not None:
            v, routes[v], gaps[v] = reordered
            continue
        left.append(job)
    return replace(solution, routes=tuple(routes), break_after=tuple(gaps), dropped=tuple(sorted(left)))


#: Nodes of the reordering search (:func:`_reorder_insertion`) for one instance: a count of work, not a
#: time, so coverage is the same on any machine; about a quarter of a second of Python at most. On the
#: demo week the visits it placed took 9, 1,035 and 1,848 nodes, and the one it could not place 1,091
#: (every order tried).
REORDER_NODES = 50_000
#: Nodes for one visit on one route.
_NODES_PER_ROUTE = 5_000


class _NodeBudget:
    """Nodes left to the reordering search; shared by every try in one instance."""

    def __init__(self, nodes: int) -> None:
        self.left = nodes


class _OutOfNodesError(Exception):
    pass


def _reorder_insertion(
    instance: RoutingInstance, job: int, routes: Sequence[tuple[int, ...]], budget: _NodeBudget
) -> tuple[int, tuple[int, ...], tuple[int, ...]] | None:
    """A route that takes ``job`` in a new order of its jobs, where no single insertion fits: a worker's day
    is often full only in the order the insertion built it. Routes with the fewest jobs are tried first."""
    candidates = [
        v
        for v in range(len(instance.vehicles))
        if may_take(instance, v, job)
        and _load_fits(instance, v, [*routes[v], job])
        and (instance.vehicles[v].max_jobs is None or len(routes[v]) < (instance.vehicles[v].max_jobs or 0))
        and len(instance.vehicles[v].breaks) <= 1
    ]
    for v in sorted(candidates, key=lambda v: (len(routes[v]), v)):
        if budget.left <= 0:
            return None
        found = _feasible_order(instance, v, [*routes[v], job], budget)
        if found is not None:
            return (v, *found)
    return None


def _feasible_order(
    instance: RoutingInstance, vehicle: int, jobs: Sequence[int], budget: _NodeBudget
) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Depth-first search for an order of ``jobs`` (and a gap for the break) that one vehicle can keep,
    most urgent job first, cutting a branch as soon as some job left can no longer be reached in its
    window. The break is timed as if taken where the previous job ended, before walking on: the clock after
    it is never earlier than :func:`time_route`'s, so an order found here is feasible there too (each is
    checked there anyway); the price is an order missed now and then by up to a walk's minutes."""
    spec = instance.vehicles[vehicle]
    brk = spec.breaks[0] if spec.breaks else None
    travel = instance.duration[spec.profile]
    latest = {j: instance.jobs[j].windows[-1][1] for j in jobs}
    by_urgency = sorted(jobs, key=lambda j: (latest[j], j))
    limit = min(budget.left, _NODES_PER_ROUTE)
    used = 0

    def search(
        place: int, clock: int, done: list[int], gap: int | None
    ) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        nonlocal used
        used += 1
        if used > limit:
            raise _OutOfNodesError
        left = [j for j in by_urgency if j not in done]
        if brk is not None and gap is None and clock > brk.latest:
            return None
        if any(clock + int(travel[place, instance.jobs[j].place]) > latest[j] for j in left):
            return None
        if not left:
            end_clock, end_gap = clock, gap
            if brk is not None and gap is None:
                end_clock, end_gap = max(clock, brk.earliest) + brk.duration, len(done)
            if end_clock + int(travel[place, spec.end_place]) > spec.shift_end:
                return None
            order, gaps = tuple(done), (() if brk is None else (end_gap if end_gap is not None else 0,))
            return (order, gaps) if route_is_feasible(instance, vehicle, order, gaps) else None
        if brk is not None and gap is None:
            found = search(place, max(clock, brk.earliest) + brk.duration, done, len(done))
            if found is not None:
                return found
        for j in left:
            spec_j = instance.jobs[j]
            arrival = clock + int(travel[place, spec_j.place])
            start = start_in_windows(arrival, spec_j.windows)
            if start is None:
                continue
            found = search(spec_j.place, start + spec_j.service, [*done, j], gap)
            if found is not None:
                return found
        return None

    try:
        return search(spec.start_place, spec.shift_start, [], None)
    except _OutOfNodesError:
        return None
    finally:
        budget.left -= used


def blocking_rule(instance: RoutingInstance, solution: RoutingSolution, job: int) -> BlockingRule:
    """Why a dropped job fits no route of ``solution``: "allowed" when no vehicle may take it, else the
    first relaxation that would let it in: the job limit, then the breaks; "time" when neither would."""
    if not any(may_take(instance, v, job) for v in range(len(instance.vehicles))):
        return "allowed"
    if _best_insertion(_relaxed(instance, ignore_max_jobs=True), job, solution.routes) is not None:
        return "max_jobs"
    if _best_insertion(_relaxed(instance, ignore_breaks=True), job, solution.routes) is not None:
        return "breaks"
    return "time"
