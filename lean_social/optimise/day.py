"""Plan one day: each department on its own (its workers serve only its clients), then one Schedule."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence

from lean_social.demand import Visit, visits_for_day
from lean_social.errors import SolverError
from lean_social.model import Problem
from lean_social.optimise.compile import DayInstance, compile_day, workers_on_duty
from lean_social.optimise.engine import EngineSettings, solve
from lean_social.optimise.instance import RoutingSolution
from lean_social.optimise.timing import time_route
from lean_social.schedule import LunchBreak, Route, Schedule, Stop, Unassigned
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["plan_day", "route_visits"]

log = logging.getLogger(__name__)

#: No department gets less search than this, however small its share of the budget.
MIN_DEPARTMENT_TIME_S = 0.2


def plan_day(
    problem: Problem,
    day: dt.date,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    travel: TravelModel | None = None,
    departments: Sequence[str] | None = None,
) -> Schedule:
    """Plan every visit due on ``day``; visits that cannot be made come back in ``unassigned`` with why.

    ``time_limit`` (seconds) is the whole search budget, shared among departments by their number of
    visits. Same problem, seed and time limit give the same plan unless the machine is so loaded that
    the search gets through fewer iterations.
    """
    travel = travel or GeodesicTravel()
    started = time.perf_counter()
    all_visits = visits_for_day(problem, day)
    wanted = set(departments) if departments is not None else None
    visits = [v for v in all_visits if wanted is None or v.department in wanted]
    info: dict[str, object] = {
        "date": day.isoformat(),
        "time_limit_s": time_limit,
        "seed": seed,
        "visits": len(visits),
        "departments": {},
    }
    holiday = problem.holiday(day)
    if holiday is not None:
        reason = f"public holiday{f' ({holiday.name})' if holiday.name else ''}"
        info["holiday"] = holiday.name
        return Schedule(routes=(), unassigned=tuple(_unassigned(v, reason) for v in visits), info=info)
    by_department: dict[str, list[Visit]] = {}
    for visit in visits:
        by_department.setdefault(visit.department, []).append(visit)
    parts = []
    for department in sorted(by_department):
        dept_visits = by_department[department]
        share = max(MIN_DEPARTMENT_TIME_S, time_limit * len(dept_visits) / max(1, len(visits)))
        part, summary = route_visits(problem, day, department, dept_visits, travel=travel, time_limit=share, seed=seed)
        parts.append(part)
        info["departments"][department] = summary  # type: ignore[index]
    info["wall_s"] = round(time.perf_counter() - started, 3)
    return Schedule.merge(parts, info=info)


def route_visits(
    problem: Problem,
    day: dt.date,
    department: str,
    visits: Sequence[Visit],
    *,
    travel: TravelModel,
    time_limit: float,
    seed: int,
) -> tuple[Schedule, dict[str, object]]:
    """Route one department-day: the visits go to the department's workers on duty (a visit with a
    ``worker_id`` only to that worker). Returns the part of the plan and a summary for ``run.json``."""
    duty = workers_on_duty(problem, day)
    workers = [w for w in problem.workers if w.department == department and duty[w.id] is None]
    log.info("planning %s on %s: %d visits, %d workers, %.1f s", department, day, len(visits), len(workers), time_limit)
    compiled = compile_day(problem, day, visits, workers, travel)
    solution = solve(compiled.instance, EngineSettings(time_limit_s=time_limit, seed=seed))
    part = _to_schedule(compiled, solution, day)
    summary: dict[str, object] = {
        "visits": len(visits),
        "workers": len(workers),
        "status": solution.status,
        "served": sum(len(r.stops) for r in part.routes),
        "unassigned": len(part.unassigned),
        "objective": solution.cost,
        "solve_s": round(solution.wall_time_s, 3),
    }
    return part, summary


def _unassigned(visit: Visit, reason: str) -> Unassigned:
    return Unassigned(
        visit_id=visit.id,
        client_id=visit.client_id,
        date=visit.date,
        services=visit.services,
        duration_s=visit.duration_s,
        reason=reason,
    )


def _to_schedule(compiled: DayInstance, solution: RoutingSolution, day: dt.date) -> Schedule:
    instance = compiled.instance
    routes: list[Route] = []
    for k, worker in enumerate(compiled.workers):
        jobs = solution.routes[k]
        if not jobs:
            continue
        timed = time_route(instance, k, jobs, solution.break_after[k])
        if not timed.feasible:  # the engine checked this order; times that do not fit are a bug
            msg = f"the route of {worker.id} on {day} cannot be timed within its windows"
            raise SolverError(msg)
        profile = instance.vehicles[k].profile
        previous = instance.vehicles[k].start_place
        stops = []
        for ts in timed.stops:
            visit = compiled.visits[ts.job]
            place = instance.jobs[ts.job].place
            stops.append(
                Stop(
                    visit_id=visit.id,
                    client_id=visit.client_id,
                    services=visit.services,
                    arrival=ts.arrival,
                    start=ts.start,
                    end=ts.end,
                    travel_s=ts.travel,
                    travel_m=int(instance.distance[profile, previous, place]),
                    substitute_for=visit.substitute_for,
                )
            )
            previous = place
        lunch = None
        if timed.breaks:
            b = timed.breaks[0]
            lunch = LunchBreak(start=b.start, end=b.end, after=b.after)
        end_place = instance.vehicles[k].end_place
        routes.append(
            Route(
                worker_id=worker.id,
                date=day,
                departure=timed.departure,
                stops=tuple(stops),
                lunch=lunch,
                return_travel_s=timed.return_travel,
                return_travel_m=int(instance.distance[profile, previous, end_place]),
                return_arrival=timed.return_arrival,
            )
        )
    unassigned = [_unassigned(visit, reason) for visit, reason in compiled.rejected]
    loads = {k: len(r) for k, r in enumerate(solution.routes)}
    searched = any(solution.routes)
    for job in solution.dropped:
        reason = (
            _drop_reason(compiled, job, loads)
            if searched or solution.status.startswith("SUCCESS")
            else f"the search found no plan in the time given (solver status {solution.status}); allow more time"
        )
        unassigned.append(_unassigned(compiled.visits[job], reason))
    return Schedule(routes=tuple(routes), unassigned=tuple(unassigned))


def _drop_reason(compiled: DayInstance, job: int, loads: dict[int, int]) -> str:
    spec = compiled.instance.jobs[job]
    eligible = sorted(spec.allowed) if spec.allowed is not None else list(range(len(compiled.workers)))
    full = [
        k
        for k in eligible
        if compiled.instance.vehicles[k].max_jobs is not None
        and loads[k] >= (compiled.instance.vehicles[k].max_jobs or 0)
    ]
    names = ", ".join(compiled.workers[k].id for k in eligible)
    visit = compiled.visits[job]
    if visit.worker_id is not None:
        worker = compiled.workers[eligible[0]].id
        who = (
            f"substitute {worker} (for {visit.substitute_for})" if visit.substitute_for else f"assigned worker {worker}"
        )
        if full:
            return f"{who} already has the maximum of {loads[eligible[0]]} visits"
        return f"{who} has no room left in the day within the client's hours"
    if len(full) == len(eligible):
        return f"every eligible worker ({names}) already has the maximum number of visits"
    return "no eligible worker has room left in the day within the client's hours"
