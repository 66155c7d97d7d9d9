"""The routing engine every planner calls: a small portfolio of searches on both cores, best kept.

Where PyVRP's model is exact (no breaks, one window per job, as in Solomon's benchmark) two PyVRP
searches with different seeds run side by side and OR-Tools polishes the better one. Where it is not
(lunch breaks, several windows), PyVRP solves the relaxed problem as a warm start beside an OR-Tools
search of the full model; OR-Tools then polishes the better of the two under the full model, so the plan
always satisfies every constraint OR-Tools knows. Candidates are compared on one objective computed here
from the instance, not on what each engine reports.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, replace
from typing import Literal

from lean_social.errors import SolverError
from lean_social.optimise.instance import RoutingInstance, RoutingSolution
from lean_social.optimise.ortools_engine import FirstSolution, SearchSettings, solve_ortools
from lean_social.optimise.pyvrp_engine import is_exact_for_pyvrp, solve_pyvrp
from lean_social.optimise.timing import time_route

__all__ = ["EngineSettings", "evaluate", "place_breaks", "solve"]

log = logging.getLogger(__name__)

Strategy = Literal["portfolio", "ortools"]

#: Statuses of a search that ended without any solution.
NO_SOLUTION = frozenset({"NOT_SOLVED", "FAIL", "FAIL_TIMEOUT", "INFEASIBLE", "INVALID"})

#: Least search time for OR-Tools when no candidate of the portfolio is feasible.
MIN_RESCUE_S = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineSettings:
    """``workers`` processes search at once (default: the machine's cores, at most 2); ``polish_share``
    of the budget goes to OR-Tools' final polish of the best candidate."""

    time_limit_s: float = 5.0
    seed: int = 0
    strategy: Strategy = "portfolio"
    workers: int = 0
    polish_share: float = 0.1
    first_solution: FirstSolution = "LOCAL_CHEAPEST_INSERTION"

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            msg = f"time limit must be positive, got {self.time_limit_s} s"
            raise ValueError(msg)
        if not 0 <= self.polish_share < 1:
            msg = f"polish_share must be in [0, 1), got {self.polish_share}"
            raise ValueError(msg)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def place_breaks(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> tuple[int, ...] | None:
    """A feasible gap for each break of a route built without them (one break: every gap is tried), or
    None if there is none. Several breaks are not searched; they stay where OR-Tools puts them."""
    breaks = instance.vehicles[vehicle].breaks
    if not breaks:
        return ()
    if len(breaks) > 1:
        return None
    best: tuple[int, tuple[int, ...]] | None = None
    for gap in range(len(jobs) + 1):
        timed = time_route(instance, vehicle, jobs, (gap,))
        if timed.feasible and (best is None or timed.finish < best[0]):
            best = (timed.finish, (gap,))
    return None if best is None else best[1]


def evaluate(instance: RoutingInstance, solution: RoutingSolution) -> tuple[bool, int]:
    """(feasible, cost): arc costs, span costs from the canonical timing, penalties of dropped jobs."""
    served: list[int] = []
    cost = sum(instance.jobs[j].penalty for j in solution.dropped)
    feasible = True
    for v, jobs in enumerate(solution.routes):
        served += jobs
        if not jobs:
            continue
        spec = instance.vehicles[v]
        timed = time_route(instance, v, jobs, solution.break_after[v])
        load = sum(instance.jobs[j].demand for j in jobs)
        feasible &= timed.feasible and (not instance.has_loads or load <= spec.capacity)
        feasible &= all(v in (instance.jobs[j].allowed or (v,)) for j in jobs)
        places = [spec.start_place, *(instance.jobs[j].place for j in jobs), spec.end_place]
        cost += sum(int(instance.cost[spec.profile, a, b]) for a, b in itertools.pairwise(places))
        cost += spec.span_cost * (timed.return_arrival - timed.departure)
    feasible &= sorted(served + list(solution.dropped)) == list(range(len(instance.jobs)))
    return feasible, cost


def _with_breaks(instance: RoutingInstance, solution: RoutingSolution) -> RoutingSolution | None:
    """Fit breaks into routes from an engine that ignores them; None if some route cannot take them."""
    positions = []
    for v, jobs in enumerate(solution.routes):
        gaps = place_breaks(instance, v, jobs)
        if gaps is None:
            return None
        positions.append(gaps)
    return replace(solution, break_after=tuple(positions))


def _run(task: tuple[str, int, str], instance: RoutingInstance, budget: float) -> RoutingSolution:
    engine, seed, first = task
    if engine == "pyvrp":
        return solve_pyvrp(instance, time_limit_s=budget, seed=seed)
    return solve_ortools(instance, SearchSettings(time_limit_s=budget, seed=seed, first_solution=first))  # type: ignore[arg-type]


def solve(instance: RoutingInstance, settings: EngineSettings | None = None) -> RoutingSolution:
    """Best solution found within ``settings.time_limit_s`` of wall time."""
    settings = settings or EngineSettings()
    started = time.perf_counter()
    if not instance.jobs or not instance.vehicles:
        return solve_ortools(instance, SearchSettings(time_limit_s=settings.time_limit_s))
    if settings.strategy == "ortools":
        return _run(("ortools", settings.seed, settings.first_solution), instance, settings.time_limit_s)
    workers = settings.workers or min(2, _cores())
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process (a pool worker, say) may not start processes of its own
    exact = is_exact_for_pyvrp(instance)
    ortools_task = ("ortools", settings.seed, settings.first_solution)
    tasks: list[tuple[str, int, str]]
    if exact:
        tasks = [("pyvrp", settings.seed, ""), ("pyvrp", settings.seed + 1, "")][:workers]
    else:  # with one worker only, the full model comes first
        tasks = [ortools_task] if workers == 1 else [("pyvrp", settings.seed, ""), ortools_task]
    search_budget = settings.time_limit_s * (1 - settings.polish_share)
    candidates = _run_all(tasks, instance, search_budget, workers)

    scored = []
    for (engine, _, _), candidate in zip(tasks, candidates, strict=True):
        if candidate is None:
            continue
        if engine == "pyvrp" and not exact:
            fitted = _with_breaks(instance, candidate)
            candidate = fitted if fitted is not None else candidate
        feasible, cost = evaluate(instance, candidate)
        feasible &= candidate.status not in NO_SOLUTION  # an empty plan from a timeout is no plan
        log.debug("%s: feasible=%s cost=%d", engine, feasible, cost)
        scored.append((not feasible, cost, engine, candidate))
    if not scored:  # every worker failed: fall back to a plain search in this process
        return _run(("ortools", settings.seed, settings.first_solution), instance, settings.time_limit_s)
    scored.sort(key=lambda s: (s[0], s[1]))
    infeasible, cost, engine, best = scored[0]
    remaining = settings.time_limit_s - (time.perf_counter() - started)
    if infeasible:
        # No candidate keeps every rule (PyVRP only penalises what it cannot model exactly): OR-Tools on
        # the full model gets the time it needs, even past the budget, because a wrong plan is worse.
        log.warning("no feasible candidate after %.2f s; searching the full model again", settings.time_limit_s)
        budget = max(remaining, 0.5 * settings.time_limit_s, MIN_RESCUE_S)
        best = solve_ortools(
            instance, SearchSettings(time_limit_s=budget, seed=settings.seed, first_solution=settings.first_solution)
        )
        engine = "ortools rescue"
    elif remaining > 0.05 and settings.polish_share > 0:
        polished = solve_ortools(
            instance,
            SearchSettings(time_limit_s=remaining, seed=settings.seed, first_solution=settings.first_solution),
            initial_routes=best.routes,
        )
        p_feasible, p_cost = evaluate(instance, polished)
        if p_feasible and p_cost <= cost:
            best, engine = polished, f"{engine}+ortools"
    if not evaluate(instance, best)[0]:
        msg = f"the {engine} search returned routes that break the model (status {best.status})"
        raise SolverError(msg)
    return replace(best, status=f"{best.status} ({engine})", wall_time_s=time.perf_counter() - started)


def _run_all(
    tasks: list[tuple[str, int, str]], instance: RoutingInstance, budget: float, workers: int
) -> list[RoutingSolution | None]:
    if workers <= 1 or len(tasks) == 1:
        share = budget / len(tasks)
        return [_run(task, instance, share) for task in tasks]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    results: list[RoutingSolution | None] = [None] * len(tasks)
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        futures: dict[cf.Future[RoutingSolution], int] = {
            pool.submit(_run, task, instance, budget): i for i, task in enumerate(tasks)
        }
        for future in cf.as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except Exception:  # one engine failing must not lose the other's plan
                log.exception("search %s failed", tasks[futures[future]])
    return results
