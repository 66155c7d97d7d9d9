"""Route department-days: each department on its own (its workers serve only its clients), its
visits of a day built into a complete plan first, then searched within the budget, then one Schedule.
The day plan (``day_of_week.plan_day``) and the week plan route their days through here."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.demand import Visit
from lean_social.domain.errands import ERRAND_STOP_S, unplaced_errands
from lean_social.domain.model import Problem
from lean_social.errors import SolverError
from lean_social.planning.compile import DayInstance, ErrandWays, compile_day
from lean_social.planning.progress import report
from lean_social.record import DayRecord, PlanSettings
from lean_social.routing.construct import BlockingRule, blocking_rule, construct
from lean_social.routing.engine import EngineSettings, evaluate, solve
from lean_social.routing.instance import Break, RoutingSolution
from lean_social.routing.timing import TimedBreak, time_route
from lean_social.schedule import ErrandStop, LunchBreak, Route, Schedule, Stop, Unassigned
from lean_social.travel import TravelModel

__all__ = [
    "DEFAULT_WORK_PER_VISIT",
    "Built",
    "SearchBudget",
    "build_department_days",
    "route_department_days",
]

log = logging.getLogger(__name__)

#: Units of search work (PyVRP iterations; an OR-Tools solution counts as
#: ``engine.ORTOOLS_SOLUTION_WORK``) per visit of a department-day in a reproducible run. About 0.15 s a
#: visit on one core of the 2-core machines this project is developed on, so a reproducible plan of the
#: demo centre's week takes about as long as the default 120 s budget (docs/benchmarks.md).
DEFAULT_WORK_PER_VISIT = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchBudget:
    """What the searches of one plan may spend: ``time_limit`` seconds of wall time counted from
    ``started`` (a ``time.perf_counter()`` reading; construction, search and polish included), or, with
    ``work_per_visit`` set, that many units of work per visit and no clock at all (the same plan on any
    machine under any load)."""

    time_limit: float
    work_per_visit: int | None = None
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        if not 0 <= self.time_limit < math.inf:
            msg = f"time limit must be a finite number of seconds, not negative, got {self.time_limit}"
            raise ValueError(msg)
        if self.work_per_visit is not None and self.work_per_visit < 0:
            msg = f"work per visit must not be negative, got {self.work_per_visit}"
            raise ValueError(msg)

    @classmethod
    def of(cls, time_limit: float, *, reproducible: bool = False, work_per_visit: int | None = None) -> SearchBudget:
        """The budget a planner's keyword options ask for: ``work_per_visit`` implies ``reproducible``."""
        if work_per_visit is None and reproducible:
            work_per_visit = DEFAULT_WORK_PER_VISIT
        return cls(time_limit=time_limit, work_per_visit=work_per_visit)

    @property
    def reproducible(self) -> bool:
        return self.work_per_visit is not None

    def left(self) -> float:
        return max(0.0, self.time_limit - (time.perf_counter() - self.started))

    def settings(self, seed: int) -> PlanSettings:
        """What a plan records of its budget, with the seed its searches ran with."""
        return PlanSettings(
            time_limit_s=self.time_limit,
            reproducible=self.reproducible,
            work_per_visit=self.work_per_visit,
            seed=seed,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentDay:
    """The visits of one department on one day, routed among that department's workers on duty."""

    day: dt.date
    department: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Built:
    """A department-day compiled and constructed (``construct``): its complete plan before any search."""

    instance: DayInstance
    base: RoutingSolution
    seconds: float

    @property
    def served(self) -> frozenset[str]:
        """Ids of the visits the construction serves."""
        return frozenset(self.instance.visits[j].id for route in self.base.routes for j in route)

    @property
    def cost(self) -> int:
        """What the construction's routes cost: the engine's objective less the penalties of the visits
        it leaves out (walks and the length of each day)."""
        jobs = self.instance.instance.jobs
        return evaluate(self.instance.instance, self.base)[1] - sum(jobs[j].penalty for j in self.base.dropped)


def build_department_days(
    problem: Problem, tasks: Sequence[DepartmentDay], *, travel: TravelModel, thorough: bool = True
) -> list[Built]:
    """Compile and construct each department-day: deterministic, no clock, no seed. ``thorough=False``
    builds faster and serves exactly as many visits (``construct``): what a check of coverage needs."""
    duty: dict[dt.date, dict[str, str | None]] = {}
    out = []
    for task in tasks:
        on_duty = duty.setdefault(task.day, workers_on_duty(problem, task.day))
        workers = [w for w in problem.workers if w.department == task.department and on_duty[w.id] is None]
        clock = time.perf_counter()
        day_instance = compile_day(problem, task.day, task.visits, workers, travel)
        base = construct(day_instance.instance, thorough=thorough)
        out.append(Built(instance=day_instance, base=base, seconds=time.perf_counter() - clock))
    return out


def route_department_days(
    problem: Problem,
    tasks: Sequence[DepartmentDay],
    *,
    travel: TravelModel,
    budget: SearchBudget,
    seed: int,
) -> list[tuple[Schedule, DayRecord]]:
    """Route each department-day: first every one gets its complete plan by construction (coverage does
    not wait for the clock), then each gets its share of the time left for search, by its number of
    visits, recomputed as the previous ones finish, so the last one ends at the budget however long the
    others took. Returns each part of the plan with its record for ``run.json``."""
    _say_unplaced_errands(problem)
    compiled = [(b.instance, b.base, b.seconds) for b in build_department_days(problem, tasks, travel=travel)]
    results: list[tuple[Schedule, DayRecord]] = []
    left_jobs = sum(len(c.instance.jobs) for c, _, _ in compiled)
    # Time kept back for the work after each department-day's search: naming the rule that blocks each
    # visit left out costs about what the construction's insertion did (none when nothing was left out).
    after = [construct_s if base.dropped else 0.0 for _, base, construct_s in compiled]
    report(0, len(tasks))
    for i, (task, (day_instance, base, construct_s)) in enumerate(zip(tasks, compiled, strict=True)):
        n_jobs = len(day_instance.instance.jobs)
        free = max(0.0, budget.left() - sum(after[i:]))
        share = free * n_jobs / left_jobs if left_jobs else 0.0
        left_jobs -= n_jobs
        work = None if budget.work_per_visit is None else budget.work_per_visit * n_jobs
        log.info(
            "routing %s on %s: %d visits, %d workers, %s",
            task.department,
            task.day,
            len(task.visits),
            len(day_instance.workers),
            f"{work} units of work" if work is not None else f"{share:.1f} s",
        )
        solution = solve(day_instance.instance, EngineSettings(time_limit_s=share, work=work, seed=seed), start=base)
        part = to_schedule(day_instance, solution, task.day)
        served = part.served
        if task.visits and not served:
            log.warning(
                "department %s on %s: none of its %d visits could be served (%s)",
                task.department,
                task.day,
                len(task.visits),
                part.unassigned[0].reason if part.unassigned else "no reason recorded",
            )
        summary = DayRecord(
            visits=len(task.visits),
            workers=len(day_instance.workers),
            status=solution.status,
            served=served,
            unassigned=len(part.unassigned),
            objective=evaluate(day_instance.instance, solution)[1],
            construct_s=round(construct_s, 3),
            search_share_s=None if work is not None else round(share, 3),
            work=work,
            solve_s=round(solution.wall_time_s, 3),
        )
        results.append((part, summary))
        report(i + 1, len(tasks))
    return results


def _say_unplaced_errands(problem: Problem) -> None:
    """Errands the plan cannot route for want of a place of their kind (``domain.errands``): a warning
    where the data has places but none of a kind its services ask for (a places.csv missing a kind),
    a note where it has none at all (the errands are then left off the routes, as they always were)."""
    kinds = unplaced_errands(problem)
    if not kinds:
        return
    codes = ", ".join(s.code for s in problem.services if s.errand in kinds)
    log.log(
        logging.WARNING if problem.places else logging.INFO,
        "no place of kind %s in the data: the errands of services %s are not routed (add them to places.csv)",
        ", ".join(kinds),
        codes,
    )


def _unassigned(visit: Visit, reason: str) -> Unassigned:
    return Unassigned(
        visit_id=visit.id,
        client_id=visit.client_id,
        date=visit.date,
        services=visit.services,
        duration_s=visit.duration_s,
        reason=reason,
    )


def to_schedule(compiled: DayInstance, solution: RoutingSolution, day: dt.date) -> Schedule:
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
        clock = timed.departure
        breaks = list(timed.breaks)
        stops = []
        for position, ts in enumerate(timed.stops):
            visit = compiled.visits[ts.job]
            place = instance.jobs[ts.job].place
            ways = compiled.errands[ts.job] if compiled.errands else None
            errands: tuple[ErrandStop, ...] = ()
            if ways is not None:
                on_way = next((i for i, b in enumerate(breaks) if b.after == position), None)
                lunch_here = (breaks[on_way], instance.vehicles[k].breaks[0]) if on_way is not None else None
                errands, moved = _errand_stops(compiled, ways, profile, previous, place, clock, ts.arrival, lunch_here)
                if on_way is not None and moved is not None:
                    breaks[on_way] = moved
            stops.append(
                Stop(
                    visit_id=visit.id,
                    client_id=visit.client_id,
                    services=visit.services,
                    arrival=ts.arrival,
                    start=ts.start,
                    end=ts.end,
                    travel_s=ts.travel - (ways.stop_s if ways is not None else 0),
                    travel_m=int(instance.distance[profile, previous, place]),
                    substitute_for=visit.substitute_for,
                    errands=errands,
                )
            )
            previous, clock = place, ts.end
        lunch = None
        if breaks:
            b = breaks[0]
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
    for job in solution.dropped:
        rule = blocking_rule(instance, solution, job)
        unassigned.append(_unassigned(compiled.visits[job], _drop_reason(compiled, solution, job, rule)))
    return Schedule(routes=tuple(routes), unassigned=tuple(unassigned))


def _errand_stops(
    compiled: DayInstance,
    ways: ErrandWays,
    profile: int,
    previous: int,
    place: int,
    clock: int,
    arrival: int,
    lunch: tuple[TimedBreak, Break] | None,
) -> tuple[tuple[ErrandStop, ...], TimedBreak | None]:
    """The errand stops of the arc ``previous`` -> ``place`` that the route took (leaving at ``clock``,
    arriving at ``arrival``): the way its time was folded from (``compile``), laid out in time.

    Without a lunch on the arc the walk fills it exactly. With one (taken on the way), the errands are
    run after the lunch when they fit between it and the arrival, else before it; failing both, the
    lunch falls during the walk (``time_route`` starts it as its window opens), and if it would fall
    during a stop at a place it starts when that stop ends instead (its window allowing), so that no
    errand is cut in two. Where its window does not allow that either (a lunch window closing within
    minutes of the shop's stop), the stop is left across the lunch and the validator says so: the
    routing core knows nothing of errands, so only a change there could rule it out. Returns the stops
    and the lunch when it was moved."""
    assert compiled.leg_duration is not None and compiled.leg_distance is not None
    way = ways.ways[profile][int(ways.best[profile, previous])]
    n = len(compiled.places)
    points = [previous, *(n + m for m in way), place]
    time, metres = compiled.leg_duration[profile], compiled.leg_distance[profile]
    legs = [int(time[a, b]) for a, b in itertools.pairwise(points)]
    dist = [int(metres[a, b]) for a, b in itertools.pairwise(points)]
    kinds = [compiled.errand_places[m].kind for m in way]
    pauses = [ERRAND_STOP_S[kind] for kind in kinds]
    total = sum(legs) + sum(pauses)
    moved: TimedBreak | None = None
    rest: tuple[int, int] | None = None  # a lunch to step over while walking
    if lunch is None:
        cursor = arrival - total
    else:
        taken, spec = lunch
        if taken.end + total <= arrival:
            cursor = arrival - total
        elif clock + total <= taken.start:
            cursor = taken.start - total
        else:
            cursor, rest = clock, (taken.start, taken.end)
            walked = clock
            for leg, pause in zip(legs, pauses, strict=False):
                walked += leg
                if walked < taken.start < walked + pause and walked + pause <= spec.latest:
                    moved = TimedBreak(after=taken.after, start=walked + pause, end=walked + pause + spec.duration)
                    rest = (moved.start, moved.end)
                    break
                walked += pause
    out = []
    for m, leg, pause, metres_in, kind in zip(way, legs, pauses, dist, kinds, strict=False):
        cursor = _walk(cursor, leg, rest)
        if rest is not None and cursor == rest[0]:
            cursor = rest[1]
        place_id = compiled.errand_places[m].id
        out.append(
            ErrandStop(
                place_id=place_id,
                kind=kind,
                arrival=cursor,
                departure=cursor + pause,
                travel_s=leg,
                travel_m=metres_in,
            )
        )
        cursor += pause
    return tuple(out), moved


def _walk(cursor: int, leg: int, rest: tuple[int, int] | None) -> int:
    """When a walk of ``leg`` seconds from ``cursor`` ends, stepping over the lunch ``rest`` on the way."""
    if rest is not None and cursor <= rest[0] < cursor + leg:
        return cursor + leg + rest[1] - rest[0]
    return cursor + leg


def _drop_reason(compiled: DayInstance, solution: RoutingSolution, job: int, rule: BlockingRule) -> str:
    """The reason a planner reads for a visit that fits no route of the final plan, from the rule that
    blocks it (``construct.blocking_rule``): the visit limit, the lunch break, or the time in the day."""
    spec = compiled.instance.jobs[job]
    eligible = sorted(spec.allowed) if spec.allowed is not None else list(range(len(compiled.workers)))
    visit = compiled.visits[job]
    if visit.worker_id is not None and eligible:
        k = eligible[0]
        worker = compiled.workers[k].id
        who = (
            f"substitute {worker} (for {visit.substitute_for})" if visit.substitute_for else f"assigned worker {worker}"
        )
        if rule == "max_jobs":
            return f"{who} already has the maximum of {len(solution.routes[k])} visits"
        if rule == "breaks":
            return f"{who} has no room left around the lunch break within the client's hours"
        return f"{who} has no room left in the day within the client's hours"
    names = ", ".join(compiled.workers[k].id for k in eligible)
    if rule == "max_jobs":
        return f"every eligible worker ({names}) already has the maximum number of visits"
    if rule == "breaks":
        return "no eligible worker has room left around the lunch break within the client's hours"
    if rule == "allowed":
        return f"no worker of department {visit.department} on duty may make the visit"
    return "no eligible worker has room left in the day within the client's hours"
