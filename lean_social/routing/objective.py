"""The one objective every candidate plan is compared on, computed from the instance, not taken from what
an engine reports: arc costs, span costs from the canonical timing (``timing.time_route``), penalties of
the jobs left out. The engine ranks its searches' plans by it and the recombination prices each route
by it, so a plan and the routes it is made of are never costed two ways."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from lean_social.routing.instance import RoutingInstance, RoutingSolution
from lean_social.routing.timing import route_is_feasible, time_route

__all__ = ["arc_cost", "evaluate", "may_take", "route_cost"]


def route_cost(
    instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...], break_after: tuple[int, ...]
) -> tuple[bool, int]:
    """(feasible, cost) of one route of ``vehicle``: its windows, breaks, shift, visit limit, load and
    allowed workers kept; arc costs and the span cost of its canonical timing. An empty route costs 0."""
    if not jobs:
        return True, 0
    spec = instance.vehicles[vehicle]
    if spec.span_cost:
        timed = time_route(instance, vehicle, jobs, break_after)
        feasible, span = timed.feasible, spec.span_cost * (timed.return_arrival - timed.departure)
    else:  # the same verdict without the search for the latest departure, which only the span needs
        feasible, span = route_is_feasible(instance, vehicle, jobs, break_after), 0
    load = sum(instance.jobs[j].demand for j in jobs)
    feasible &= not instance.has_loads or load <= spec.capacity
    feasible &= all(may_take(instance, vehicle, j) for j in jobs)
    return feasible, arc_cost(instance, vehicle, jobs) + span


def arc_cost(instance: RoutingInstance, vehicle: int, jobs: Sequence[int]) -> int:
    """The arc costs of ``vehicle``'s route through ``jobs``, from its start place back to its end place:
    the part of a route's cost that needs no timing, which insertion and the ranking of plans use alone."""
    spec = instance.vehicles[vehicle]
    places = [spec.start_place, *(instance.jobs[j].place for j in jobs), spec.end_place]
    return sum(int(instance.cost[spec.profile, a, b]) for a, b in itertools.pairwise(places))


def evaluate(instance: RoutingInstance, solution: RoutingSolution) -> tuple[bool, int]:
    """(feasible, cost) of a whole plan: every route's (``route_cost``), the penalty of each job left out,
    and every job served once or left out."""
    served: list[int] = []
    cost = sum(instance.jobs[j].penalty for j in solution.dropped)
    feasible = True
    for v, jobs in enumerate(solution.routes):
        served += jobs
        ok, route = route_cost(instance, v, tuple(jobs), solution.break_after[v])
        feasible &= ok
        cost += route
    feasible &= sorted(served + list(solution.dropped)) == list(range(len(instance.jobs)))
    return feasible, cost


def may_take(instance: RoutingInstance, vehicle: int, job: int) -> bool:
    """Whether ``vehicle`` may make ``job``: any worker where the job names none, else one it names."""
    allowed = instance.jobs[job].allowed
    return allowed is None or vehicle in allowed
