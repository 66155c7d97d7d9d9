"""PyVRP (iterated local search) on the whole neutral instance: the only module that imports ``pyvrp``.

PyVRP knows one window per client and no breaks, so the instance is rewritten into what it knows, such
that every route PyVRP calls feasible is feasible in the full model (a *restriction*: PyVRP may miss a
plan, never return a wrong one):

- **Several windows**: a job becomes a mutually exclusive group of clients, one a window, at its place
  (exactly one is visited; PyVRP's group moves swap them in the search).
- **A lunch break**: a worker's lunch is taken at the place of the visit that follows it, just before the
  visit. So each job has, beside its plain copies, copies "lunch, then the visit": the lunch's length added
  to the service, the window that of the lunch's start, shifted so the visit after it starts in the job's
  window. The full model lets the lunch start as soon as the previous visit ends and the walk go round it,
  so the times it gives are never later. A lunch back at the office between visits is a client of its
  own at the worker's end place; one after the last visit is another, reached by the shift's end of the
  lunch's start, that nothing but the way home may follow (its row of travel times is the horizon) and
  that adds nothing to the day, as here. Each worker takes at most one lunch (a load
  dimension) and earns a prize for it larger than any route costs, so every used route takes one. The
  routes' lunches are placed again afterwards (``timing.place_breaks``: the best gap under the full
  model, which PyVRP's own is one of), since PyVRP counts a lunch at the office after the last visit in
  the day and the objective here does not.
- **Lunch classes**: workers alike in lunch and office share the copies. Where there are more classes than
  ``MAX_LUNCH_CLASSES`` (a benchmark gives each truck a lunch of its own), neighbouring ones are merged into
  a lunch every member can keep: the latest opening, the earliest closing, the longest lunch.
- **Rules as loads**: a visit limit is a load per job against a capacity of ``max_jobs`` jobs; "only these
  workers may go" and "this worker's lunch" are loads in dimensions of their own that only the allowed
  vehicles can carry. PyVRP only penalises excess load, so a unit there weighs ``_rule_unit``: enough that
  breaking a rule never pays for any prize.

A vehicle with more than one break is the one thing left relaxed (its breaks are taken off its shift and
fitted afterwards); ``is_exact_for_pyvrp`` says when nothing is. ``relax_breaks`` asks for that relaxation
for every vehicle: no lunch copies, PyVRP's plain VRPTW with each worker's breaks off the shift's length,
for the engine's search whose plans are repaired to keep the breaks.
"""

from __future__ import annotations

import collections
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp
from pyvrp import PenaltyParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearchCallbacks, IteratedLocalSearchParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from lean_social.routing.instance import REQUIRED_PENALTY, Break, RoutingInstance, RoutingSolution
from lean_social.routing.timing import first_break_gap, place_breaks, time_route

__all__ = ["MAX_LUNCH_CLASSES", "MET", "is_exact_for_pyvrp", "is_plain_vrptw", "search_pyvrp", "solve_pyvrp"]

#: Most lunch classes given copies of every job; more are merged (see the module docstring).
MAX_LUNCH_CLASSES = 4


def is_exact_for_pyvrp(instance: RoutingInstance) -> bool:
    """True when PyVRP's model keeps every rule: no vehicle has more than one break (a single lunch, several
    windows, visit limits and allowed workers are all said exactly, see the module docstring)."""
    return all(len(v.breaks) <= 1 for v in instance.vehicles)


def is_plain_vrptw(instance: RoutingInstance) -> bool:
    """True for PyVRP's home ground, plain VRPTW: no breaks, one window per job, any vehicle for any job
    and no visit limit, so no job is copied and no rule rides on a load."""
    return not any(v.breaks or v.max_jobs is not None for v in instance.vehicles) and all(
        len(j.windows) == 1 and j.allowed is None for j in instance.jobs
    )


def _rule_unit(prizes: Sequence[int]) -> int:
    """Load of one job in a dimension that carries a rule (the visit limit, the allowed vehicles, the lunch).

    With a load of one, a job over the limit would cost at most PyVRP's largest load penalty (100 000 by
    default), less than the prize of a job the planners would rather not drop (1 000 000): PyVRP would
    serve it against the rule, and its best solution would come back infeasible, of no use to the engine.
    Weighed so that one job over costs more than the largest prize even at the smallest penalty, the
    rule holds whichever way the penalty has adapted."""
    return int(max(prizes, default=0) / PenaltyParams().min_penalty) + 1


@dataclass(frozen=True, slots=True)
class _Lunch:
    """One lunch class: the lunch all its vehicles can keep, and where they end the day."""

    lunch: Break
    end_place: int
    vehicles: tuple[int, ...]


def _lunch_classes(instance: RoutingInstance) -> list[_Lunch]:
    """Vehicles with one break grouped by lunch and end place; past ``MAX_LUNCH_CLASSES``, neighbours by
    opening merged (at most about an equal share of them a class) into the lunch all of them keep, a class
    closed early where the next lunch would leave the merged one no start."""
    exact: dict[tuple[Break, int], list[int]] = {}
    for k, v in enumerate(instance.vehicles):
        if len(v.breaks) == 1:
            exact.setdefault((v.breaks[0], v.end_place), []).append(k)
    keys = sorted(exact, key=lambda key: (key[1], key[0].earliest, key[0].latest, key[0].duration))
    if len(keys) <= MAX_LUNCH_CLASSES:
        return [_Lunch(lunch, end, tuple(exact[(lunch, end)])) for lunch, end in keys]
    share = -(-len(keys) // MAX_LUNCH_CLASSES)
    classes: list[_Lunch] = []
    members: list[tuple[Break, int]] = []

    def close() -> None:
        lunches = [b for b, _ in members]
        merged = Break(
            earliest=max(b.earliest for b in lunches),
            latest=min(b.latest for b in lunches),
            duration=max(b.duration for b in lunches),
        )
        classes.append(_Lunch(merged, members[0][1], tuple(k for key in members for k in exact[key])))
        members.clear()

    for key in keys:
        if members:
            fits = max(key[0].earliest, *(b.earliest for b, _ in members)) <= min(
                key[0].latest, *(b.latest for b, _ in members)
            )
            if not fits or len(members) >= share or key[1] != members[0][1]:
                close()
        members.append(key)
    close()
    return classes


@dataclass(frozen=True, slots=True)
class _Client:
    """What one PyVRP client stands for: a visit of ``job`` (None: a lunch at the office), with the lunch of
    class ``lunch`` taken just before it (None: no lunch)."""

    job: int | None
    lunch: int | None
    place: int
    service: int
    window: tuple[int, int]
    #: A lunch at the office after the day's visits: nothing may follow it but the way home (it is not
    #: counted in the day, as the objective here does not count it).
    last: bool = False


def _clients(instance: RoutingInstance, classes: Sequence[_Lunch]) -> list[_Client]:
    """Every client of the rewritten instance: per job a plain copy a window, then a lunch copy a window
    and class where the lunch leaves room; then each class's office lunches, one a member."""
    out: list[_Client] = []
    for j, job in enumerate(instance.jobs):
        out += [_Client(j, None, job.place, job.service, w) for w in job.windows]
        for c, cls in enumerate(classes):
            if job.allowed is not None and job.allowed.isdisjoint(cls.vehicles):
                continue  # no worker of the class may make the visit
            brk = cls.lunch
            for early, late in job.windows:
                low, high = max(brk.earliest, early - brk.duration), min(brk.latest, late - brk.duration)
                if low <= high:
                    out.append(_Client(j, c, job.place, brk.duration + job.service, (low, high)))
    for c, cls in enumerate(classes):
        brk = cls.lunch
        office = _Client(None, c, cls.end_place, brk.duration, (brk.earliest, brk.latest))
        at_end = _Client(None, c, cls.end_place, 0, (0, brk.latest), last=True)  # no wait: just be back
        out += [office, at_end] * len(cls.vehicles)
    return out


def _lunch_prize(instance: RoutingInstance, prizes: Sequence[int]) -> int:
    """More than any route can cost and any job's prize: a route without its lunch breaks the rules, so a
    used route takes one even where that leaves a visit out (the search then looks for a better plan)."""
    travel = int(instance.cost.max(initial=0)) * (len(instance.jobs) + 2)
    days = max((v.span_cost * (v.shift_end - v.shift_start) for v in instance.vehicles), default=0)
    return 2 * (max(prizes, default=0) + travel + days) + 1


@dataclass(frozen=True, slots=True)
class _Model:
    """The rewritten instance as PyVRP holds it, and how to read its routes back."""

    data: pyvrp.ProblemData
    copies: tuple[_Client, ...]
    type_vehicles: tuple[tuple[int, ...], ...]
    type_of: tuple[int, ...]  # vehicle -> its PyVRP vehicle type
    class_of: dict[int, int]  # vehicle -> its lunch class


def _model(instance: RoutingInstance, *, relax_breaks: bool = False) -> _Model:
    classes = [] if relax_breaks else _lunch_classes(instance)
    class_of = {k: c for c, cls in enumerate(classes) for k in cls.vehicles}
    copies = _clients(instance, classes)
    job_prizes = [job.penalty for job in instance.jobs if job.penalty < REQUIRED_PENALTY]
    lunch_prize = _lunch_prize(instance, job_prizes) if classes else 0
    unit = _rule_unit([*job_prizes, lunch_prize])
    dims = _Dims(instance, len(classes))

    # PyVRP numbers depots first, then clients, all by location; we give each a location of its own.
    depot_places = sorted({v.start_place for v in instance.vehicles} | {v.end_place for v in instance.vehicles})
    depot_index = {p: i for i, p in enumerate(depot_places)}
    loc_places = depot_places + [client.place for client in copies]
    ix = np.ix_(loc_places, loc_places)
    profiles = sorted({v.profile for v in instance.vehicles})
    distances: list[Any] = [np.ascontiguousarray(instance.cost[p][ix]) for p in profiles]
    durations: list[Any] = [np.ascontiguousarray(instance.duration[p][ix]) for p in profiles]
    last = [len(depot_places) + i for i, client in enumerate(copies) if client.last]
    for matrix in durations:  # from a lunch at the office after the visits, only the way home
        matrix[np.ix_(last, range(len(depot_places), len(loc_places)))] = instance.horizon
        matrix[last, last] = 0

    members: dict[int, list[int]] = {}
    for i, client in enumerate(copies):
        if client.job is not None:
            members.setdefault(client.job, []).append(i)
    grouped = sorted(j for j, ids in members.items() if len(ids) > 1)
    group_of = {j: g for g, j in enumerate(grouped)}
    clients = []
    for i, client in enumerate(copies):
        prize, required = lunch_prize, False
        if client.job is not None:
            job = instance.jobs[client.job]
            required = job.penalty >= REQUIRED_PENALTY and client.job not in group_of
            prize = (0 if job.penalty >= REQUIRED_PENALTY else job.penalty) + (
                lunch_prize if client.lunch is not None else 0
            )
        clients.append(
            pyvrp.Client(
                len(depot_places) + i,
                delivery=dims.delivery(instance, client, unit),
                service_duration=client.service,
                tw_early=client.window[0],
                tw_late=client.window[1],
                prize=prize,
                required=required,
                group=None if client.job is None else group_of.get(client.job),
            )
        )
    groups = [pyvrp.ClientGroup(members[j], required=instance.jobs[j].penalty >= REQUIRED_PENALTY) for j in grouped]

    keyed: dict[tuple[object, ...], list[int]] = {}
    for k in range(len(instance.vehicles)):
        keyed.setdefault(_vehicle_key(instance, k, dims.allowed_sets, class_of.get(k)), []).append(k)
    vehicle_types = []
    type_of = [0] * len(instance.vehicles)
    for t, same in enumerate(keyed.values()):
        v = instance.vehicles[same[0]]
        lunch_class = class_of.get(same[0])
        # Only breaks no class carries are taken off the shift (a relaxation, fitted afterwards).
        rest = 0 if lunch_class is not None else sum(b.duration for b in v.breaks)
        vehicle_types.append(
            pyvrp.VehicleType(
                len(same),
                capacity=dims.capacity(instance, same[0], lunch_class, unit),
                start_depot=depot_index[v.start_place],
                end_depot=depot_index[v.end_place],
                tw_early=v.shift_start,
                tw_late=v.shift_end,
                shift_duration=max(0, v.shift_end - v.shift_start - rest),
                unit_duration_cost=v.span_cost,
                profile=profiles.index(v.profile),
            )
        )
        for k in same:
            type_of[k] = t
    locations = [pyvrp.Location(0.0, float(i)) for i in range(len(loc_places))]
    depots = [pyvrp.Depot(depot_index[p]) for p in depot_places]
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, distances, durations, groups)
    return _Model(data, tuple(copies), tuple(tuple(same) for same in keyed.values()), tuple(type_of), class_of)


class _Dims:
    """The load dimensions that carry rules: the load itself, the visit limit, each set of allowed
    vehicles, each lunch class (see the module docstring)."""

    def __init__(self, instance: RoutingInstance, n_classes: int) -> None:
        self.allowed_sets = sorted({job.allowed for job in instance.jobs if job.allowed is not None}, key=sorted)
        self.load = 0 if instance.has_loads else None
        self.jobs = int(instance.has_loads) if any(v.max_jobs is not None for v in instance.vehicles) else None
        first = int(instance.has_loads) + int(self.jobs is not None)
        self.allowed = {s: first + i for i, s in enumerate(self.allowed_sets)}
        self.lunch = first + len(self.allowed_sets)
        self.count = self.lunch + n_classes

    def delivery(self, instance: RoutingInstance, client: _Client, unit: int) -> list[int]:
        out = [0] * self.count
        if client.job is not None:
            job = instance.jobs[client.job]
            if self.load is not None:
                out[self.load] = job.demand
            if self.jobs is not None:
                out[self.jobs] = unit
            if job.allowed is not None:
                out[self.allowed[job.allowed]] = unit
        if client.lunch is not None:
            out[self.lunch + client.lunch] = unit
        return out

    def capacity(self, instance: RoutingInstance, vehicle: int, lunch_class: int | None, unit: int) -> list[int]:
        v, n_jobs = instance.vehicles[vehicle], len(instance.jobs)
        out = [0] * self.count
        if self.load is not None:
            out[self.load] = v.capacity
        if self.jobs is not None:
            out[self.jobs] = unit * (v.max_jobs if v.max_jobs is not None else n_jobs)
        for allowed, dim in self.allowed.items():
            out[dim] = unit * n_jobs if vehicle in allowed else 0
        if lunch_class is not None:
            out[self.lunch + lunch_class] = unit
        return out


def _initial(instance: RoutingInstance, model: _Model, start: RoutingSolution) -> pyvrp.Solution:
    """``start`` (the construction's plan, complete and feasible) said in the rewritten instance: each visit
    by the copy of the window it starts in, the visit after a lunch by its lunch copy where there is one,
    a lunch at the end by an office lunch; PyVRP then searches from a plan that serves every job."""
    plain: dict[tuple[int, tuple[int, int]], int] = {}
    with_lunch: dict[tuple[int, int], list[int]] = {}
    offices: dict[int, list[int]] = {}
    for i, client in enumerate(model.copies):
        if client.job is None:
            if client.last and client.lunch is not None:
                offices.setdefault(client.lunch, []).append(i)
        elif client.lunch is None:
            plain[(client.job, client.window)] = i
        else:
            with_lunch.setdefault((client.job, client.lunch), []).append(i)
    routes = []
    for v, jobs in enumerate(start.routes):
        if not jobs:
            continue
        lunch = model.class_of.get(v)
        timed = time_route(instance, v, jobs, start.break_after[v])
        # Where the lunch falls and when it starts (None: no lunch class, or no lunch timed).
        after, taken = (
            (timed.breaks[0].after, timed.breaks[0].start) if lunch is not None and timed.breaks else (None, 0)
        )
        visits = []
        for position, stop in enumerate(timed.stops):
            windows = instance.jobs[stop.job].windows
            window = next((w for w in windows if w[0] <= stop.start <= w[1]), windows[0])
            copy = None
            if position == after:
                lunches = with_lunch.get((stop.job, lunch or 0), [])
                copy = next(
                    (i for i in lunches if model.copies[i].window[0] <= taken <= model.copies[i].window[1]), None
                )
            visits.append(copy if copy is not None else plain[(stop.job, window)])
        if lunch is not None and after == len(jobs) and offices.get(lunch):
            visits.append(offices[lunch].pop())
        routes.append(pyvrp.Route(model.data, visits, model.type_of[v]))
    return pyvrp.Solution(model.data, routes)


def solve_pyvrp(
    instance: RoutingInstance,
    *,
    time_limit_s: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    start: RoutingSolution | None = None,
) -> RoutingSolution:
    """Best routes PyVRP finds in the time or the number of iterations (whichever ends first; with
    iterations alone, the same routes on any machine), from ``start`` where given, with the place of each
    lunch; dropped jobs are those it leaves out."""
    return search_pyvrp(instance, time_limit_s=time_limit_s, iterations=iterations, seed=seed, start=start)[-1]


def search_pyvrp(
    instance: RoutingInstance,
    *,
    time_limit_s: float | None = None,
    iterations: int | None = None,
    seed: int = 0,
    start: RoutingSolution | None = None,
    checkpoints: Sequence[int] = (),
    checkpoints_s: Sequence[float] = (),
    relax_breaks: bool = False,
    met: list[RoutingSolution] | None = None,
    bests: list[RoutingSolution] | None = None,
) -> list[RoutingSolution]:
    """``solve_pyvrp``'s search, with the best routes after each of ``checkpoints`` iterations, or of
    ``checkpoints_s`` seconds of search (those it reaches), before the final best: one search, seen on its
    way (the engine polishes them, ``engine._laps`` and ``engine._timed_laps``). ``met``, where given,
    receives the plans the search met near its best (status ``MET``, see ``_Checkpoints``); ``bests``
    every plan that was the search's best by PyVRP's measure, in the order it found them (PyVRP counts a
    lunch where its model puts it, the engine where the lunch is best, so its last best need not be the
    engine's: ``engine._laps``)."""
    if time_limit_s is None and iterations is None:
        msg = "a search needs a time limit or an iteration count, or it never stops"
        raise ValueError(msg)
    if checkpoints and checkpoints_s:
        msg = "checkpoints are counted in iterations or in seconds, not both"
        raise ValueError(msg)
    started = time.perf_counter()
    n_jobs = len(instance.jobs)
    if n_jobs == 0 or not instance.vehicles:
        return [RoutingSolution.empty(instance, status="NO_JOBS" if n_jobs == 0 else "NO_VEHICLES")]
    model = _model(instance, relax_breaks=relax_breaks)
    watch = _Checkpoints(
        sorted(set(checkpoints_s or checkpoints)),
        seconds=bool(checkpoints_s),
        keep=MET_KEPT if met is not None else 0,
        bests=bests is not None,
    )
    with warnings.catch_warnings():
        # PyVRP warns when its penalties hit their bound, i.e. when it finds no feasible solution; the
        # caller checks feasibility itself and keeps its other candidates.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        stops: list[Any] = []
        if time_limit_s is not None:
            stops.append(MaxRuntime(max(0.05, time_limit_s)))
        if iterations is not None:
            stops.append(MaxIterations(max(1, iterations)))
        stop = stops[0] if len(stops) == 1 else MultipleCriteria(stops)
        initial = None if start is None else _initial(instance, model, start)
        params = pyvrp.SolveParams(ils=IteratedLocalSearchParams(callbacks=watch))
        result = pyvrp.solve(
            model.data, stop, seed=seed, collect_stats=False, display=False, initial_solution=initial, params=params
        )
    # A search holds much the same routes at each checkpoint: each route's lunch is placed once.
    known: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] = {}
    seen = [_read(instance, model, best, cost, started, known=known) for best, cost in watch.best]
    if met is not None:
        placed: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] = {}
        met += [_read(instance, model, plan, -1, started, placed=placed) for plan in watch.met]
    if bests is not None:
        bests += [_read(instance, model, best, cost, started, known=known) for best, cost in watch.bests]
    return [*seen, _read(instance, model, result.best, _cost(result.cost()), started, known=known)]


#: Status of a plan PyVRP's search met on its way near its best (``search_pyvrp``'s ``met``): a local
#: optimum whose routes the recombination may choose from, each checked first; the plan as a whole is not
#: ranked (with the breaks lifted, a route may have no room for its lunch).
MET = "MET"
#: The plans met that are kept: the last ``MET_KEPT`` feasible ones, each of a cost no other had, within
#: ``MET_SLACK`` of the best at the time. Each iteration of PyVRP's search ends in a local optimum, and its
#: late acceptance wanders among many near the best, each with routes the best lacks: on six Solomon days
#: with a lunch (2 s of search) the recombination of the last 300 took the search's plan down 1-17 %
#: (unpolished, the lunch kept or lifted).
MET_KEPT = 300
MET_SLACK = 0.03


class _Checkpoints(IteratedLocalSearchCallbacks):
    """Keeps PyVRP's best solution as it stands after each checkpoint: a number of iterations or, with
    ``seconds``, of seconds since the search began (the first iteration to end past it); with ``keep``,
    the last ``keep`` plans met near the best (``MET_KEPT``); with ``bests``, every new best."""

    def __init__(
        self, checkpoints: Sequence[float], *, seconds: bool = False, keep: int = 0, bests: bool = False
    ) -> None:
        self.checkpoints = list(checkpoints)
        self.seconds = seconds
        self.iterations = 0
        self.began = time.perf_counter()
        self.best: list[tuple[pyvrp.Solution, int]] = []  # and its cost, as PyVRP's result would say
        self.keep = keep
        self.met: collections.deque[pyvrp.Solution] = collections.deque(maxlen=max(1, keep))
        self._costs: set[float] = set()
        self.keep_bests = bests
        self.bests: list[tuple[pyvrp.Solution, int]] = []

    def on_iteration(self, current: Any, candidate: Any, best: pyvrp.Solution, cost_evaluator: Any) -> None:
        self.iterations += 1
        # The best as it stands after each iteration, each once: the search's first solution (before
        # its first iteration improved on it, a search stopped there ends on it) and every new best.
        if self.keep_bests and (not self.bests or best is not self.bests[-1][0]) and best.is_feasible():
            self.bests.append((best, _cost(cost_evaluator.cost(best))))
        if self.keep and candidate.is_feasible():
            cost = cost_evaluator.cost(candidate)
            if cost not in self._costs and cost <= (1 + MET_SLACK) * cost_evaluator.cost(best):
                self._costs.add(cost)
                self.met.append(candidate)
        if len(self.best) == len(self.checkpoints):
            return
        reached = time.perf_counter() - self.began if self.seconds else self.iterations
        if reached >= self.checkpoints[len(self.best)]:
            self.best.append((best, _cost(cost_evaluator.cost(best))))


def _cost(cost: float) -> int:
    """PyVRP's cost of a solution, -1 for one it found no feasible plan for (PyVRP says infinity)."""
    return int(cost) if math.isfinite(cost) else -1


def _read(
    instance: RoutingInstance,
    model: _Model,
    best: pyvrp.Solution,
    cost: int,
    started: float,
    *,
    placed: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] | None = None,
    known: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] | None = None,
) -> RoutingSolution:
    """PyVRP's solution as routes of the instance's jobs, each lunch placed (``_breaks_of``); with
    ``placed`` (the routes' lunches found so far), a plan met on the way (status ``MET``), each lunch where
    the route holds it (``_breaks_met``); ``known``, the lunches placed so far by ``_breaks_of``."""
    known = {} if known is None else known
    routes: list[tuple[int, ...]] = [() for _ in instance.vehicles]
    breaks: list[tuple[int, ...]] = [tuple(0 for _ in v.breaks) for v in instance.vehicles]
    free = [list(same) for same in model.type_vehicles]
    for route in best.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        clients = [model.copies[a.idx] for a in route if a.is_client()]
        routes[vehicle] = tuple(c.job for c in clients if c.job is not None)
        key = (vehicle, routes[vehicle])
        lunches = known if placed is None else placed
        if key not in lunches:
            if placed is None:
                lunches[key] = _breaks_of(instance, vehicle, routes[vehicle])
            else:
                lunches[key] = _breaks_met(instance, vehicle, clients, routes[vehicle])
        breaks[vehicle] = lunches[key]
    status = "SUCCESS" if best.is_feasible() else "INFEASIBLE"
    return RoutingSolution.of_routes(
        instance,
        routes,
        breaks,
        status=MET if placed is not None else status,
        cost=cost if best.is_feasible() else -1,
        wall_time_s=time.perf_counter() - started,
    )


def _breaks_met(
    instance: RoutingInstance, vehicle: int, clients: Sequence[_Client], jobs: tuple[int, ...]
) -> tuple[int, ...]:
    """Where a route met on the way takes its lunch, found cheaply, for there are thousands of them
    (``_breaks_of`` times each gap's day: 0.9 ms a route, 4 s for 300 plans of a Solomon day): where
    PyVRP put it (a lunch copy, or the office), else, the breaks lifted, the first gap that keeps every
    rule, which costs what any other does where the worker's day is not paid for (no ``span_cost``);
    where it is, the best gap (``_breaks_of``). A route with no gap gets the first, and the
    recombination's check leaves it out."""
    spec = instance.vehicles[vehicle]
    if len(spec.breaks) != 1 or spec.span_cost:
        return _breaks_of(instance, vehicle, jobs)
    before = 0
    for client in clients:
        if client.lunch is not None:
            return (before,)  # before the visit of a lunch copy, or at the office after ``before`` visits
        before += client.job is not None
    gap = first_break_gap(instance, vehicle, jobs)
    return (0 if gap is None else gap,)


def _breaks_of(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> tuple[int, ...]:
    """Where the route's breaks fall: the best gap by ``place_breaks``, which finds PyVRP's own where that
    is best. PyVRP counts a lunch at the office after the last visit in the worker's day, the objective
    here does not, so the gap is chosen again rather than read back; a route with no gap for its lunch
    gets the first gap (the engine's check then refuses it)."""
    spec = instance.vehicles[vehicle]
    if not jobs:
        return tuple(0 for _ in spec.breaks)
    return place_breaks(instance, vehicle, jobs) or tuple(0 for _ in spec.breaks)


def _vehicle_key(
    instance: RoutingInstance, k: int, allowed_sets: Sequence[frozenset[int]], lunch_class: int | None
) -> tuple[object, ...]:
    """What makes vehicles one PyVRP vehicle type: all they are given, the jobs they may make included
    (two workers alike but for a skill are two types, or one would carry the other's allowed jobs); a
    lunch by its class, which is all PyVRP sees of it (workers of one class are one type, so PyVRP's
    fleet moves treat them as one)."""
    v = instance.vehicles[k]
    return (
        tuple(k in allowed for allowed in allowed_sets),
        v.start_place,
        v.end_place,
        v.profile,
        v.shift_start,
        v.shift_end,
        v.breaks if lunch_class is None else lunch_class,
        v.capacity,
        v.max_jobs,
        v.span_cost,
    )
