"""Recombination: the cheapest plan made of whole routes the searches met (set partitioning, SCIP).

A search on a real day ends in a local optimum that depends on where it started: on the Solomon days
with a lunch the same day planned with three seeds came 6 %, 12 % and 13 % above the best plan known
(C101, 1b3b5ed), each plan with some routes better than the others'. Every plan a search held on its way (PyVRP's
checkpoints repaired, each OR-Tools polish and every solution the polish improved on, the construction)
is a set of routes, each feasible for its worker as it stands; picking the cheapest set of them that
serves every job once and gives each worker at most one route is a set-partitioning problem of a few
hundred columns. SCIP (in OR-Tools' wheels) solves the benchmark's pools of the polished plans alone
(100-350 routes) to optimality in 0.02-0.1 s, those with OR-Tools' improvements (250-800) mostly within
0.3 s; CP-SAT on one core took up to 2 s on the first and stopped short of the optimum on two of four
(set partitioning is decided by its linear relaxation, which SCIP's branch and bound is built on). On
the 56 Solomon days with a lunch (5 s, 3 seeds) the polished plans alone took the mean gap to the best
plan known from 2.23 % to 1.63 %, with the improvements to 1.31 %. Its plan is never worse than the
best plan of the pool (that plan is one of its solutions, given as the hint), and a route keeps the
worker class and order it was found with: the plan is feasible by the same check as each route was,
each lunch then put in its best gap (one that fits exists: the route was checked with it somewhere).

A route found for one worker serves any worker alike in every respect (shift, places, travel mode, lunch,
load, visit limit, span cost, and the visits they may make): such workers are one class, and a route is
a column of its class, taken at most as many times as the class has workers. Routes are not tried on
workers unlike their own: on the Solomon days each truck has a lunch of its own, and trying every route
on every truck made ten times the columns for a worse plan in the same time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

from lean_social.routing.instance import RoutingInstance, RoutingSolution
from lean_social.routing.objective import evaluate, route_cost
from lean_social.routing.timing import place_breaks

__all__ = ["RECOMBINED", "Column", "partition", "plan_of", "recombine", "worker_classes"]

log = logging.getLogger(__name__)

#: Status of a plan made by the recombination (the engine then names the search whose plan stands "recombined").
RECOMBINED = "RECOMBINED"

#: Most branch-and-bound nodes SCIP may open: a limit that is the same on any machine, so that a
#: reproducible run recombines the same way under any load.
NODE_LIMIT = 2000


#: Most distinct routes one recombination on the clock checks and chooses from; past this many the rest
#: are left out (the engine gives the plans it ranked first, then OR-Tools' improvements, the latest
#: first). On a count of work every route is: the pool of a run given more work holds the pool of the
#: run given less, and cut short by an order that follows the costs it might not (``engine._laps``).
MAX_ROUTES = 3000
#: A recombination with less time than this left is not started.
MIN_S = 0.02
#: Of a timed recombination's time, the part kept for building the plan and checking it after SCIP.
_AFTER_S = 0.05


def _before(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - _AFTER_S


@dataclass(frozen=True, slots=True)
class Column:
    """A route of the pool, for any worker of ``workers`` (one class): its jobs, lunch and cost."""

    workers: int
    jobs: tuple[int, ...]
    break_after: tuple[int, ...]
    cost: int


def worker_classes(instance: RoutingInstance) -> list[tuple[int, ...]]:
    """Workers alike in everything a route's feasibility and cost depend on, in order of first member:
    a route found for one serves any other of its class the same."""
    allowed_sets = sorted({job.allowed for job in instance.jobs if job.allowed is not None}, key=sorted)
    classes: dict[tuple[object, ...], list[int]] = {}
    for k, vehicle in enumerate(instance.vehicles):
        key = (vehicle, tuple(k in allowed for allowed in allowed_sets))
        classes.setdefault(key, []).append(k)
    return [tuple(members) for members in classes.values()]


def recombine(
    instance: RoutingInstance,
    best: tuple[int, RoutingSolution],
    plans: Sequence[RoutingSolution],
    *,
    deadline: float | None = None,
) -> RoutingSolution | None:
    """The cheapest plan made of routes of ``best`` (a feasible plan and its cost by ``evaluate``) and of
    ``plans``, if it is cheaper than ``best``; None where it is not, where there is nothing to recombine,
    or no time. Each route of ``plans`` is checked for its worker before it is used (a plan may break a
    rule elsewhere); ``deadline`` (a ``time.perf_counter()`` reading) bounds a timed run, which checks
    the first ``MAX_ROUTES`` distinct routes in the order given; the node limit bounds any run."""
    if deadline is not None and deadline - time.perf_counter() < MIN_S:
        return None
    best_cost, best_plan = best
    classes = worker_classes(instance)
    class_of = {k: c for c, members in enumerate(classes) for k in members}
    # Routes are checked until half the time is gone; SCIP has the rest.
    checked_by = None if deadline is None else time.perf_counter() + (deadline - time.perf_counter()) / 2
    columns: dict[tuple[int, tuple[int, ...]], Column] = {}
    for plan in [best_plan, *plans]:
        if checked_by is not None and (len(columns) >= MAX_ROUTES or time.perf_counter() > checked_by):
            break
        for v, jobs in enumerate(plan.routes):
            key = (class_of[v], tuple(jobs))
            if jobs and key not in columns:
                ok, cost = route_cost(instance, v, tuple(jobs), plan.break_after[v])
                if ok:
                    columns[key] = Column(class_of[v], tuple(jobs), plan.break_after[v], cost)
    if len(columns) <= sum(1 for jobs in best_plan.routes if jobs):
        return None  # no route beside the best plan's own
    chosen = partition(instance, classes, list(columns.values()), best_plan, deadline=_before(deadline))
    if chosen is None:
        return None
    if not chosen[1]:
        # On a count of work, a run given more work, whose pool holds this one's, may then choose no better
        # (``engine._laps``): worth a line in the log. On the clock, stopping short is the deadline's job.
        log.log(
            logging.INFO if deadline is None else logging.DEBUG,
            "the recombination of %d routes stopped short of proving its choice the cheapest",
            len(columns),
        )
    plan = plan_of(instance, classes, chosen[0])
    ok, cost = evaluate(instance, plan)
    return plan if ok and cost < best_cost else None


def partition(
    instance: RoutingInstance,
    classes: Sequence[tuple[int, ...]],
    columns: Sequence[Column],
    best: RoutingSolution,
    *,
    deadline: float | None = None,
) -> tuple[list[Column], bool] | None:
    """The cheapest choice of columns, and whether SCIP proved it the cheapest: each job served by one
    column or left out at its penalty, each class given at most as many columns as it has workers; ``best``
    (a plan of these classes) as the hint. None where SCIP found no choice within its limits."""
    class_of = {k: c for c, members in enumerate(classes) for k in members}
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - SCIP ships in OR-Tools' wheels
        return None
    take = [solver.BoolVar(f"route {i}") for i in range(len(columns))]
    left_out = [solver.BoolVar(f"job {j} left out") for j in range(len(instance.jobs))]
    serving: list[list[Any]] = [[] for _ in instance.jobs]
    by_class: list[list[Any]] = [[] for _ in classes]
    for var, column in zip(take, columns, strict=True):
        by_class[column.workers].append(var)
        for j in column.jobs:
            serving[j].append(var)
    for vars_, out in zip(serving, left_out, strict=True):
        solver.Add(solver.Sum([*vars_, out]) == 1)
    for members, vars_ in zip(classes, by_class, strict=True):
        if len(vars_) > len(members):
            solver.Add(solver.Sum(vars_) <= len(members))
    objective = solver.Objective()
    for var, column in zip(take, columns, strict=True):
        objective.SetCoefficient(var, column.cost)
    for out, job in zip(left_out, instance.jobs, strict=True):
        objective.SetCoefficient(out, job.penalty)
    objective.SetMinimization()
    in_best = {(class_of[v], tuple(jobs)) for v, jobs in enumerate(best.routes) if jobs}
    dropped = set(best.dropped)
    solver.SetHint(
        [*take, *left_out],
        [float((c.workers, c.jobs) in in_best) for c in columns] + [float(j in dropped) for j in range(len(left_out))],
    )
    # A node limit is the same on any machine (a reproducible run recombines the same way under any
    # load); a timed run also stops on its clock.
    solver.SetSolverSpecificParametersAsString(f"limits/totalnodes = {NODE_LIMIT}\n")
    if deadline is not None:
        solver.SetTimeLimit(max(1, int(1000 * (deadline - time.perf_counter()))))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    chosen = [column for var, column in zip(take, columns, strict=True) if var.solution_value() > 0.5]
    return chosen, status == pywraplp.Solver.OPTIMAL


def plan_of(instance: RoutingInstance, classes: Sequence[tuple[int, ...]], chosen: Sequence[Column]) -> RoutingSolution:
    """The chosen columns as a plan: each given the next free worker of its class, in the order of the
    workers (so the same choice gives the same plan), each lunch in its best gap."""
    empty = RoutingSolution.empty(instance, status=RECOMBINED)
    routes, breaks = list(empty.routes), list(empty.break_after)
    free = [list(members) for members in classes]
    for column in sorted(chosen, key=lambda c: (c.workers, c.jobs)):
        vehicle = free[column.workers].pop(0)
        # A route PyVRP met keeps its lunch in the first gap that fits where the day is not paid for
        # (``pyvrp_engine._breaks_met``): the plan gets the best gap, at no cost, as every other plan does.
        placed = place_breaks(instance, vehicle, column.jobs) if len(instance.vehicles[vehicle].breaks) == 1 else None
        routes[vehicle], breaks[vehicle] = column.jobs, placed or column.break_after
    return RoutingSolution.of_routes(instance, routes, breaks, status=RECOMBINED, cost=-1)
