"""PyVRP (hybrid genetic search) on what of the neutral instance it can express: the only module that
imports ``pyvrp``.

What PyVRP cannot say directly is carried by extra load dimensions: a visit limit is a load per job
against a capacity of ``max_jobs`` jobs; "only these workers may go" is a load in a dimension of its
own that only the allowed vehicles can carry. PyVRP only penalises excess load, so a job weighs
``_rule_unit`` in these dimensions: enough that breaking a rule never pays for the prize of a job. Breaks
and second time windows are relaxed (the break time is taken off the shift, the longest window is kept),
so its routes are a warm start that OR-Tools, which keeps the full model, checks and polishes.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyvrp
from pyvrp import PenaltyParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from lean_social.routing.instance import REQUIRED_PENALTY, RoutingInstance, RoutingSolution

__all__ = ["is_exact_for_pyvrp", "solve_pyvrp"]

_BIG = 1_000_000


def is_exact_for_pyvrp(instance: RoutingInstance) -> bool:
    """True when PyVRP's model is the full model: no breaks, one window per job, and no rule carried by
    an extra load dimension (PyVRP only penalises excess load, so it may break those)."""
    return not any(v.breaks or v.max_jobs is not None for v in instance.vehicles) and all(
        len(j.windows) == 1 and j.allowed is None for j in instance.jobs
    )


def _rule_unit(instance: RoutingInstance) -> int:
    """Load of one job in a dimension that carries a rule (the visit limit, the allowed vehicles).

    With a load of one, a job over the limit would cost at most PyVRP's largest load penalty (100 000 by
    default), less than the prize of a job the planners would rather not drop (1 000 000): PyVRP would
    serve it against the rule, and its best solution would come back infeasible, of no use to the engine.
    Weighed so that one job over costs more than the largest prize even at the smallest penalty, the
    rule holds whichever way the penalty has adapted."""
    prizes = [job.penalty for job in instance.jobs if job.penalty < REQUIRED_PENALTY]
    return int(max(prizes, default=0) / PenaltyParams().min_penalty) + 1


def _vehicle_key(instance: RoutingInstance, k: int, allowed_sets: Sequence[frozenset[int]]) -> tuple[object, ...]:
    """What makes vehicles one PyVRP vehicle type: all they are given, the jobs they may make included
    (two workers alike but for a skill are two types, or one would carry the other's allowed jobs)."""
    v = instance.vehicles[k]
    return (
        tuple(k in allowed for allowed in allowed_sets),
        v.start_place,
        v.end_place,
        v.profile,
        v.shift_start,
        v.shift_end,
        v.breaks,
        v.capacity,
        v.max_jobs,
        v.span_cost,
    )


def solve_pyvrp(
    instance: RoutingInstance, *, time_limit_s: float | None = None, iterations: int | None = None, seed: int = 0
) -> RoutingSolution:
    """Best routes PyVRP finds in the time or the number of iterations (whichever ends first; with
    iterations alone, the same routes on any machine); dropped jobs are those it leaves out."""
    if time_limit_s is None and iterations is None:
        msg = "a search needs a time limit or an iteration count, or it never stops"
        raise ValueError(msg)
    started = time.perf_counter()
    n_jobs = len(instance.jobs)
    if n_jobs == 0 or not instance.vehicles:
        return RoutingSolution.empty(instance, status="NO_JOBS" if n_jobs == 0 else "NO_VEHICLES")

    allowed_sets = sorted({job.allowed for job in instance.jobs if job.allowed is not None}, key=sorted)
    dims_capacity = 1 if instance.has_loads else 0
    dims_jobs = 1 if any(v.max_jobs is not None for v in instance.vehicles) else 0
    n_dims = dims_capacity + dims_jobs + len(allowed_sets)
    allowed_dim = {s: dims_capacity + dims_jobs + i for i, s in enumerate(allowed_sets)}
    unit = _rule_unit(instance)

    # PyVRP numbers depots first, then clients, all by location; we give each a location of its own.
    depot_places = sorted({v.start_place for v in instance.vehicles} | {v.end_place for v in instance.vehicles})
    depot_index = {p: i for i, p in enumerate(depot_places)}
    loc_places = depot_places + [job.place for job in instance.jobs]
    locations = [pyvrp.Location(0.0, float(i)) for i in range(len(loc_places))]
    ix = np.ix_(loc_places, loc_places)
    profiles = sorted({v.profile for v in instance.vehicles})
    profile_index = {p: i for i, p in enumerate(profiles)}
    distances: list[Any] = [np.ascontiguousarray(instance.cost[p][ix]) for p in profiles]
    durations: list[Any] = [np.ascontiguousarray(instance.duration[p][ix]) for p in profiles]

    clients = []
    for j, job in enumerate(instance.jobs):
        delivery = [0] * n_dims
        if dims_capacity:
            delivery[0] = job.demand
        if dims_jobs:
            delivery[dims_capacity] = unit
        if job.allowed is not None:
            delivery[allowed_dim[job.allowed]] = unit
        early, late = max(job.windows, key=lambda w: w[1] - w[0])
        required = job.penalty >= REQUIRED_PENALTY
        clients.append(
            pyvrp.Client(
                len(depot_places) + j,
                delivery=delivery,
                service_duration=job.service,
                tw_early=early,
                tw_late=late,
                prize=0 if required else job.penalty,
                required=required,
            )
        )
    depots = [pyvrp.Depot(depot_index[p]) for p in depot_places]

    groups: dict[tuple[object, ...], list[int]] = {}
    for k in range(len(instance.vehicles)):
        groups.setdefault(_vehicle_key(instance, k, allowed_sets), []).append(k)
    vehicle_types = []
    type_vehicles: list[list[int]] = []
    for members in groups.values():
        v = instance.vehicles[members[0]]
        capacity = [0] * n_dims
        if dims_capacity:
            capacity[0] = v.capacity
        if dims_jobs:
            capacity[dims_capacity] = unit * (v.max_jobs if v.max_jobs is not None else n_jobs)
        for allowed, dim in allowed_dim.items():
            capacity[dim] = unit * n_jobs if members[0] in allowed else 0
        rest = sum(b.duration for b in v.breaks)
        vehicle_types.append(
            pyvrp.VehicleType(
                len(members),
                capacity=capacity,
                start_depot=depot_index[v.start_place],
                end_depot=depot_index[v.end_place],
                tw_early=v.shift_start,
                tw_late=v.shift_end,
                shift_duration=max(0, v.shift_end - v.shift_start - rest),
                unit_duration_cost=v.span_cost,
                profile=profile_index[v.profile],
            )
        )
        type_vehicles.append(members)

    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, distances, durations)
    with warnings.catch_warnings():
        # PyVRP warns when its penalties hit their bound, i.e. when it finds no feasible solution; the
        # caller checks feasibility itself and falls back on OR-Tools.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        stops: list[Any] = []
        if time_limit_s is not None:
            stops.append(MaxRuntime(max(0.05, time_limit_s)))
        if iterations is not None:
            stops.append(MaxIterations(max(1, iterations)))
        stop = stops[0] if len(stops) == 1 else MultipleCriteria(stops)
        result = pyvrp.solve(data, stop, seed=seed, collect_stats=False, display=False)
    best = result.best
    routes: list[list[int]] = [[] for _ in instance.vehicles]
    free = [list(members) for members in type_vehicles]
    for route in best.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        routes[vehicle] = [activity.idx for activity in route if activity.is_client()]
    served = {j for r in routes for j in r}
    status = "SUCCESS" if best.is_feasible() else "INFEASIBLE"
    return RoutingSolution(
        routes=tuple(tuple(r) for r in routes),
        break_after=_no_break_positions(instance, routes),
        dropped=tuple(j for j in range(n_jobs) if j not in served),
        cost=int(result.cost()) if best.is_feasible() else -1,
        status=status,
        wall_time_s=time.perf_counter() - started,
    )


def _no_break_positions(instance: RoutingInstance, routes: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """PyVRP places no breaks; the caller fits them (see ``engine.place_breaks``)."""
    return tuple(tuple(0 for _ in v.breaks) for v in instance.vehicles)
