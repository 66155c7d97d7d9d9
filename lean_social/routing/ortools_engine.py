"""The OR-Tools routing model of a neutral instance: the only module that imports OR-Tools' routing library
(the recombination uses its linear solver).

Follows the OR-Tools sequence (index manager → model → registered transit matrices → time dimension →
windows → breaks → search parameters) but keeps index conversions in one place, ``_Nodes``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from lean_social.errors import SolverError
from lean_social.routing.instance import RoutingInstance, RoutingSolution

__all__ = ["IMPROVEMENT", "FirstSolution", "Metaheuristic", "SearchSettings", "solve_ortools"]

FirstSolution = Literal[
    "PATH_CHEAPEST_ARC",
    "PARALLEL_CHEAPEST_INSERTION",
    "SAVINGS",
    "CHRISTOFIDES",
    "LOCAL_CHEAPEST_INSERTION",
    "AUTOMATIC",
]
Metaheuristic = Literal["GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH", "AUTOMATIC"]

TIME_DIMENSION = "Time"
JOBS_DIMENSION = "Jobs"
LOAD_DIMENSION = "Load"

_STATUS_NAMES = {
    0: "NOT_SOLVED",
    1: "SUCCESS",
    2: "PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED",
    3: "FAIL",
    4: "FAIL_TIMEOUT",
    5: "INVALID",
    6: "INFEASIBLE",
    7: "OPTIMAL",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchSettings:
    """How hard and how to search. ``seed`` shuffles the order jobs are given to the solver, which is
    the only randomness OR-Tools' routing search exposes; 0 keeps the instance order.

    The search stops at ``time_limit_s`` of wall time or after ``solution_limit`` solutions, whichever
    comes first; a search with no time limit stops on work alone and finds the same plan on any machine
    under any load (OR-Tools' routing search is single-threaded and deterministic)."""

    time_limit_s: float | None = 5.0
    solution_limit: int | None = None
    #: A ``time.perf_counter()`` reading the search must end by, building the model included: the time
    #: limit alone starts counting only once the model is built, which takes a while for large instances.
    deadline: float | None = None
    seed: int = 0
    #: Insertion copes with tight windows and assigned workers: on the demo days PATH_CHEAPEST_ARC left
    #: up to 6 visits out of a department-day after 1 s of search, insertion none (benchmarks/).
    first_solution: FirstSolution = "LOCAL_CHEAPEST_INSERTION"
    metaheuristic: Metaheuristic = "GUIDED_LOCAL_SEARCH"
    log_search: bool = False

    def __post_init__(self) -> None:
        if self.time_limit_s is None and self.solution_limit is None:
            msg = "a search needs a time limit or a solution limit, or it never stops"
            raise ValueError(msg)
        if self.time_limit_s is not None and not 0 < self.time_limit_s < float("inf"):
            msg = f"time limit must be positive and finite, got {self.time_limit_s} s"
            raise ValueError(msg)
        if self.solution_limit is not None and self.solution_limit < 1:
            msg = f"solution limit must be at least 1, got {self.solution_limit}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class _Nodes:
    """Solver node n < J is job ``order[n]``; node J + 2v is vehicle v's start, J + 2v + 1 its end."""

    order: np.ndarray
    n_jobs: int

    def job_of(self, node: int) -> int | None:
        return int(self.order[node]) if node < self.n_jobs else None

    def start_node(self, vehicle: int) -> int:
        return self.n_jobs + 2 * vehicle

    def end_node(self, vehicle: int) -> int:
        return self.n_jobs + 2 * vehicle + 1


def _node_places(instance: RoutingInstance, nodes: _Nodes) -> np.ndarray:
    places = [instance.jobs[int(j)].place for j in nodes.order]
    for vehicle in instance.vehicles:
        places += [vehicle.start_place, vehicle.end_place]
    return np.asarray(places, dtype=np.int64)


def solve_ortools(
    instance: RoutingInstance,
    settings: SearchSettings | None = None,
    *,
    initial_routes: Sequence[Sequence[int]] | None = None,
    on_improvement: Callable[[RoutingSolution], None] | None = None,
) -> RoutingSolution:
    """Solve with OR-Tools routing; pure: no printing, no files.

    ``initial_routes`` (job indices per vehicle) start the search from another engine's solution; if
    OR-Tools cannot restore them under the full model (a break that does not fit, say), it starts from
    its own first solution instead. ``on_improvement`` is handed each solution cheaper than every one
    before it, as the search meets it (the engine recombines their routes).
    """
    settings = settings or SearchSettings()
    started = time.perf_counter()
    n_jobs, n_vehicles = len(instance.jobs), len(instance.vehicles)
    if n_vehicles == 0 or n_jobs == 0:
        return RoutingSolution.empty(instance, status="NO_VEHICLES" if n_jobs else "NO_JOBS")
    rng = np.random.default_rng(settings.seed)
    order = rng.permutation(n_jobs) if settings.seed else np.arange(n_jobs)
    nodes = _Nodes(order=order, n_jobs=n_jobs)
    places = _node_places(instance, nodes)
    n_nodes = len(places)
    manager = pywrapcp.RoutingIndexManager(
        n_nodes,
        n_vehicles,
        [nodes.start_node(v) for v in range(n_vehicles)],
        [nodes.end_node(v) for v in range(n_vehicles)],
    )
    routing = pywrapcp.RoutingModel(manager)
    # RoutingIndexManager numbers its indices in its own way; everything below speaks solver indices.
    index_node = np.asarray([manager.IndexToNode(i) for i in range(routing.Size() + n_vehicles)], dtype=np.int64)
    service = np.asarray([instance.jobs[int(j)].service for j in order] + [0] * (2 * n_vehicles), dtype=np.int64)

    time_callbacks = _register_transits(routing, instance, places, service)
    time_dim = _add_time(routing, manager, instance, order, time_callbacks)
    break_vars = _add_shifts(routing, instance, time_dim, index_node, service)
    model = _Model(instance, routing, manager, nodes, time_dim, break_vars)
    _add_capacities(routing, instance, order)
    if on_improvement is not None:
        _watch(model, on_improvement)
    params = _search_parameters(settings)
    routing.CloseModelWithParameters(params)
    if settings.deadline is not None:
        left_ms = max(1, round((settings.deadline - time.perf_counter()) * 1000))
        if settings.time_limit_s is None or left_ms < settings.time_limit_s * 1000:
            params.time_limit.FromMilliseconds(left_ms)
    assignment = None
    if initial_routes is not None:
        position = {int(job): node for node, job in enumerate(order)}
        routes = [[position[j] for j in route] for route in initial_routes]
        start = routing.ReadAssignmentFromRoutes(routes, True)
        if start is not None:
            assignment = routing.SolveFromAssignmentWithParameters(start, params)
    if assignment is None:
        assignment = routing.SolveWithParameters(params)
    status = _STATUS_NAMES.get(int(routing.status()), str(routing.status()))
    if assignment is None:
        if status in ("INVALID",):
            msg = f"OR-Tools rejected the model (status {status})"
            raise SolverError(msg)
        solution = RoutingSolution.empty(instance, status=status)
        return replace(solution, wall_time_s=time.perf_counter() - started)
    return _extract(model, assignment, status, started)


@dataclass(frozen=True, slots=True)
class _Model:
    """What reading a solution of the built model takes: the instance and the solver's handles on it."""

    instance: RoutingInstance
    routing: Any
    manager: Any
    nodes: _Nodes
    time_dim: Any
    break_vars: Sequence[Sequence[Any]]


def _watch(model: _Model, on_improvement: Callable[[RoutingSolution], None]) -> None:
    """Hand each solution cheaper than all before to ``on_improvement``, read as ``_extract`` reads the
    final one but from the variables themselves, each at the least value its range holds (the routes are
    bound; each break falls after the visits that start before the earliest start it may take there),
    with the status ``IMPROVEMENT``. The engine checks each route again before it uses one."""
    best: list[int] = []

    def seen() -> None:
        cost = model.routing.CostVar().Value()
        if best and cost >= best[0]:
            return
        best[:] = [cost]
        try:
            plan = _read(model, lambda var: var.Min(), lambda brk: brk.StartMin())
        except SolverError:  # a depot inside a route: not a plan to hand over
            return
        on_improvement(replace(plan, cost=cost, status=IMPROVEMENT))

    model.routing.AddAtSolutionCallback(seen)


#: Status of a plan handed to ``on_improvement`` on the search's way.
IMPROVEMENT = "IMPROVEMENT"


def _register_transits(
    routing: Any, instance: RoutingInstance, places: np.ndarray, service: np.ndarray
) -> dict[int, int]:
    """Register one time matrix (travel plus the service at the node left) and one cost matrix per travel
    profile, not per vehicle: registering is what costs memory on large instances. Sets each vehicle's arc
    costs and returns the time callbacks by profile."""
    ix = np.ix_(places, places)
    time_callbacks: dict[int, int] = {}
    cost_callbacks: dict[int, int] = {}
    for profile in sorted({v.profile for v in instance.vehicles}):
        travel = instance.duration[profile][ix]
        time_callbacks[profile] = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
        cost_callbacks[profile] = routing.RegisterTransitMatrix(instance.cost[profile][ix].tolist())
    for v, vehicle in enumerate(instance.vehicles):
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[vehicle.profile], v)
    return time_callbacks


def _add_time(
    routing: Any, manager: Any, instance: RoutingInstance, order: np.ndarray, time_callbacks: dict[int, int]
) -> Any:
    """The time dimension and what each job asks of it: its windows (the gaps between windows removed
    from the start's domain, so a visit never starts while the client is out), the penalty for leaving it
    out, and the vehicles allowed to make it."""
    routing.AddDimensionWithVehicleTransits(
        [time_callbacks[v.profile] for v in instance.vehicles],
        instance.horizon,  # waiting allowed anywhere, up to the horizon
        instance.horizon,
        False,  # vehicles do not all start at time zero: shifts differ
        TIME_DIMENSION,
    )
    time_dim = routing.GetDimensionOrDie(TIME_DIMENSION)
    for node in range(len(instance.jobs)):
        job = instance.jobs[int(order[node])]
        index = manager.NodeToIndex(node)
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(job.windows[0][0], job.windows[-1][1])
        for (_, late), (early, _) in zip(job.windows, job.windows[1:], strict=False):
            if early - late > 1:
                cumul.RemoveInterval(late + 1, early - 1)
        routing.AddDisjunction([index], int(job.penalty))
        if job.allowed is not None:
            # -1 keeps "unperformed" open; SetAllowedVehiclesForIndex rejects Python lists in 9.15.
            routing.VehicleVar(index).SetValues([-1, *sorted(job.allowed)])
    return time_dim


def _add_shifts(
    routing: Any, instance: RoutingInstance, time_dim: Any, index_node: np.ndarray, service: np.ndarray
) -> list[list[Any]]:
    """Each vehicle's shift, breaks and span cost; the finalizer sets the end as early and the start as
    late as the route allows, so a route does not wait at its ends. Returns the break variables per
    vehicle, which ``_extract`` reads to place each break between two jobs."""
    solver = routing.solver()
    node_visit_transits = [int(service[node]) for node in index_node[: routing.Size()]]
    break_vars: list[list[Any]] = []
    for v, vehicle in enumerate(instance.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(vehicle.shift_start, vehicle.shift_end)
        time_dim.CumulVar(routing.End(v)).SetRange(vehicle.shift_start, vehicle.shift_end)
        intervals = [
            solver.FixedDurationIntervalVar(brk.earliest, brk.latest, brk.duration, False, f"break {v}.{b}")
            for b, brk in enumerate(vehicle.breaks)
        ]
        break_vars.append(intervals)
        if intervals:
            time_dim.SetBreakIntervalsOfVehicle(intervals, v, node_visit_transits)
        if vehicle.span_cost:
            time_dim.SetSpanCostCoefficientForVehicle(vehicle.span_cost, v)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
    return break_vars


def _add_capacities(routing: Any, instance: RoutingInstance, order: np.ndarray) -> None:
    """The count dimensions, only where the instance asks for them: jobs per vehicle (a worker's visit
    limit) and load against capacity (Solomon's demands)."""
    n_jobs, n_vehicles = len(instance.jobs), len(instance.vehicles)
    if any(v.max_jobs is not None for v in instance.vehicles):
        ones = [1] * n_jobs + [0] * (2 * n_vehicles)
        count = routing.RegisterUnaryTransitVector(ones)
        caps = [v.max_jobs if v.max_jobs is not None else n_jobs for v in instance.vehicles]
        routing.AddDimensionWithVehicleCapacity(count, 0, caps, True, JOBS_DIMENSION)
    if instance.has_loads:
        demand = [instance.jobs[int(j)].demand for j in order] + [0] * (2 * n_vehicles)
        load = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleCapacity(load, 0, [v.capacity for v in instance.vehicles], True, LOAD_DIMENSION)


def _search_parameters(settings: SearchSettings) -> Any:
    """OR-Tools' search parameters from ``settings``; the deadline is applied once the model is closed,
    since closing it can take a while on large instances."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, settings.first_solution)
    params.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, settings.metaheuristic)
    if settings.time_limit_s is not None:
        params.time_limit.FromMilliseconds(max(1, round(settings.time_limit_s * 1000)))
    else:
        # Sub-searches of the large-neighbourhood operators and the finalizer stop on a clock of their
        # own (100 ms by default): a search that must stop on work alone may not look at any clock.
        params.lns_time_limit.FromSeconds(10**6)
    if settings.solution_limit is not None:
        params.solution_limit = settings.solution_limit
    params.log_search = settings.log_search
    return params


def _extract(model: _Model, assignment: Any, status: str, started: float) -> RoutingSolution:
    plan = _read(model, assignment.Value, assignment.StartValue)
    return replace(
        plan, cost=int(assignment.ObjectiveValue()), status=status, wall_time_s=time.perf_counter() - started
    )


def _read(model: _Model, value: Callable[[Any], int], break_start: Callable[[Any], int]) -> RoutingSolution:
    """The routes of a solution, ``value`` giving each variable's value and ``break_start`` each break's
    start: each break after the visits that start before it (cost and status left to the caller)."""
    instance, routing, manager, nodes, time_dim = (
        model.instance,
        model.routing,
        model.manager,
        model.nodes,
        model.time_dim,
    )
    routes: list[tuple[int, ...]] = []
    break_after: list[tuple[int, ...]] = []
    for v in range(len(instance.vehicles)):
        jobs: list[int] = []
        starts: list[int] = []
        index = value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            job = nodes.job_of(manager.IndexToNode(index))
            if job is None:
                msg = f"route {v} passes through a depot node inside the route"
                raise SolverError(msg)
            jobs.append(job)
            starts.append(value(time_dim.CumulVar(index)))
            index = value(routing.NextVar(index))
        routes.append(tuple(jobs))
        break_after.append(tuple(sum(1 for s in starts if s < break_start(brk)) for brk in model.break_vars[v]))
    return RoutingSolution.of_routes(instance, routes, break_after, status="")
