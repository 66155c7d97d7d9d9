"""Plan a week: who serves each client (continuity), on which days (frequency and spacing), then the
routes of each department-day through the routing engine.

Decisions in the objective's order: serve every visit a worker can reach; keep each client with one
worker (the assigned one when the data names one; a substitute only on days that worker is away, the
same substitute throughout); spread each worker's week evenly and group nearby clients on the same day,
which is what shortens the walks the router then orders. A greedy pass places every client, then a local
search over tours (``week_search``) moves clients between days, substitutes and, for clients on no list,
workers; the time it takes comes off the routing budget.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.capacity import week_capacity
from lean_social.domain.demand import ClientWeek, Visit, cyclic_gaps, make_visit, week_demand
from lean_social.domain.model import Location, PreviousPlan, Problem, Worker
from lean_social.domain.norms import visit_duration_s
from lean_social.domain.timefmt import WEEKDAYS
from lean_social.planning.day import (
    Built,
    DepartmentDay,
    SearchBudget,
    build_department_days,
    route_department_days,
)
from lean_social.planning.week_repair import move_dropped
from lean_social.planning.week_search import capacity_min, improve_week
from lean_social.schedule import Schedule, Unassigned, unassigned_visit
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["CoveredWeek", "WeekChoices", "choose_week", "cover_week", "plan_week"]

log = logging.getLogger(__name__)

#: Minutes a visit is expected to cost on top of its norms (the walk to it), for balancing only.
TRAVEL_ALLOWANCE_MIN = 15
#: Cost of a day of unevenness in a client's week (Tue/Thu leaves a 5-day gap, Mon/Thu at most 4).
UNEVEN_WEIGHT = 20.0
#: Worth of keeping a client's weekdays from last week, in the units of the pattern cost below.
STABILITY_BONUS = 50.0
#: Cost of a visit on a day the client would rather not have, in the units of the pattern cost below:
#: more than the unevenness of any spaced pattern (3 days), so a wish beats the planner's taste.
PREFERENCE_WEIGHT = 80.0
#: Weight of a minute over a worker-day's capacity against a kilometre of spread among a day's clients.
OVERLOAD_WEIGHT = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekChoices:
    """What the week planner decided before routing: ``worker[(client, date)]`` and each client's days."""

    days: dict[str, tuple[dt.date, ...]]
    worker: dict[tuple[str, dt.date], str]
    primary: dict[str, str]
    unplaced: dict[str, str]  # client id → reason no days could be chosen
    #: The services of each visit (``ClientWeek.slot_orders``) where they are not ``ClientWeek.slots``.
    carried: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def week_of(self, cw: ClientWeek) -> ClientWeek:
        """``cw`` with its services dealt to its visits as chosen: slot k is made on ``days[k]``."""
        order = self.carried.get(cw.client_id)
        return cw if order is None or order == cw.slots else replace(cw, slots=order)

    def start(self) -> dict[str, tuple[str, tuple[dt.date, ...], dict[dt.date, str]]]:
        """Per placed client: primary, days and the worker of each day, where the week search starts."""
        by_client: dict[str, dict[dt.date, str]] = {}
        for (client_id, day), worker_id in self.worker.items():
            by_client.setdefault(client_id, {})[day] = worker_id
        return {c: (self.primary[c], days, by_client.get(c, {})) for c, days in self.days.items()}


def _km(a: Location, b: Location) -> float:
    dlat = (a.lat - b.lat) * 111.2
    dlon = (a.lon - b.lon) * 111.2 * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dlat, dlon)


def choose_week(
    problem: Problem,
    demand: Sequence[ClientWeek],
    dates: Sequence[dt.date],
    previous: PreviousPlan | None = None,
) -> WeekChoices:
    """Primary workers, days and substitutes for one department's clients (greedy, deterministic).

    ``previous`` (last week's worker and weekdays per client) is kept where nothing forces a change: the
    same worker for a client without an assigned one, and the same weekdays when they cost no more than
    ``STABILITY_BONUS`` of balance and grouping."""
    previous = previous or {}
    duty = {day: workers_on_duty(problem, day) for day in dates}
    department = {w.department for w in demand_workers(problem, demand)}
    workers = [w for w in problem.workers if w.department in department]
    load: dict[tuple[str, dt.date], float] = {}
    places: dict[tuple[str, dt.date], list[Location]] = {}
    week_load: dict[str, float] = {w.id: 0.0 for w in workers}
    capacity = {(w.id, d): capacity_min(w, d) if duty[d][w.id] is None else 0.0 for w in workers for d in dates}
    count: dict[tuple[str, dt.date], int] = {}
    limit = {w.id: w.max_visits_per_day for w in workers}

    def asks(services: tuple[str, ...]) -> float:
        return visit_duration_s(problem.service(c) for c in services) / 60 + TRAVEL_ALLOWANCE_MIN

    def minutes(cw: ClientWeek, slot: int) -> float:
        return asks(cw.slots[slot])

    def skills(cw: ClientWeek) -> frozenset[str]:
        return frozenset(skill for s in cw.slots for c in s if (skill := problem.service(c).skill))

    primary: dict[str, str] = {}
    for cw in demand:
        if cw.worker_id is not None:
            primary[cw.client_id] = cw.worker_id
    for cw in sorted(
        (c for c in demand if c.worker_id is None),
        key=lambda c: (-sum(minutes(c, k) for k in range(len(c.slots))), c.client_id),
    ):
        need = skills(cw)
        last = previous.get(cw.client_id)
        if last is not None and last[0] in {w.id for w in workers if need <= w.skills}:
            primary[cw.client_id] = last[0]
            week_load[last[0]] += sum(minutes(cw, k) for k in range(len(cw.slots)))
            continue
        home = problem.client(cw.client_id).location
        extra = sum(minutes(cw, k) for k in range(len(cw.slots)))
        scores = []
        for w in [w for w in workers if need <= w.skills] or workers:
            # Near the worker's other clients (or start place), and not over 85 % of the week's hours.
            own = [problem.client(c).location for c, p in primary.items() if p == w.id] or [w.start]
            centre = Location(lat=sum(p.lat for p in own) / len(own), lon=sum(p.lon for p in own) / len(own))
            week_capacity = sum(capacity[(w.id, d)] for d in dates)
            over = max(0.0, week_load[w.id] + extra - 0.85 * week_capacity)
            scores.append((_km(home, centre) + OVERLOAD_WEIGHT * over / 60, w.id))
        if not scores:  # a department with clients and no workers: nobody to plan them for
            continue
        _, picked = min(scores)
        primary[cw.client_id] = picked
        week_load[picked] += extra

    days: dict[str, tuple[dt.date, ...]] = {}
    worker_on: dict[tuple[str, dt.date], str] = {}
    unplaced: dict[str, str] = {}
    carried: dict[str, tuple[tuple[str, ...], ...]] = {}
    substitutes: dict[str, str] = {}

    def who(cw: ClientWeek, day: dt.date) -> str | None:
        """The primary when on duty, else the client's substitute (chosen once, kept for the week)."""
        main = primary[cw.client_id]
        if duty[day].get(main) is None:
            return main
        if cw.client_id in substitutes:
            sub = substitutes[cw.client_id]
            return sub if duty[day][sub] is None else None
        need = skills(cw)
        home = problem.client(cw.client_id).location
        away = [d for d in dates if duty[d].get(main) is not None and problem.at_home(cw.client_id, d)]
        options = [w for w in workers if w.id != main and need <= w.skills and duty[day][w.id] is None]
        if not options:
            return None
        extra = max(minutes(cw, k) for k in range(len(cw.slots)))

        def strain(w: Worker) -> tuple[float, float, str]:
            """Overload first, then how full the worker's days of the absence are, then distance."""
            over = sum(max(0.0, load.get((w.id, d), 0.0) + extra - capacity[(w.id, d)]) for d in away)
            fullest = max((load.get((w.id, d), 0.0) + extra) / max(1.0, capacity[(w.id, d)]) for d in away)
            return (over, fullest + _km(home, w.start) / 10, w.id)

        best = min(options, key=strain)
        substitutes[cw.client_id] = best.id
        return best.id

    # Fixed days first (no choice), then the clients with the fewest patterns, longest visits first.
    order = sorted(demand, key=lambda c: (not c.fixed, len(c.patterns), -c.visits_per_week, c.client_id))
    for cw in order:
        if not cw.slots:  # every visit of the week falls on a closed fixed day
            continue
        if cw.client_id not in primary or primary[cw.client_id] not in duty[dates[0]]:
            unplaced[cw.client_id] = f"no worker of department {cw.department} can take the client"
            continue
        if not cw.patterns:
            unplaced[cw.client_id] = (
                f"no {len(cw.slots)} days a week fit the client's days at home with the required spacing"
                if not cw.fixed
                else "the programme's fixed days fall on a holiday or a day the client is away"
            )
            continue
        best: tuple[float, tuple[dt.date, ...], tuple[tuple[str, ...], ...], list[str]] | None = None
        for pattern in cw.patterns:
            gaps = cyclic_gaps(tuple(d.weekday() for d in pattern))
            base = UNEVEN_WEIGHT * (max(gaps) - min(gaps))
            if cw.client_id in previous and previous[cw.client_id][1] == tuple(d.weekday() for d in pattern):
                base -= STABILITY_BONUS
            if wish := problem.client(cw.client_id).preferred_days:
                base += PREFERENCE_WEIGHT * sum(d.weekday() not in wish for d in pattern)
            for dealt in cw.slot_orders():  # which visit carries the long ride-alongs
                cost, chosen = base, []
                for slot, day in enumerate(pattern):
                    worker_id = who(cw, day)
                    if worker_id is None:
                        cost += 1e6
                        chosen.append("")
                        continue
                    chosen.append(worker_id)
                    key = (worker_id, day)
                    extra = asks(dealt[slot])
                    after = load.get(key, 0.0) + extra
                    cost += OVERLOAD_WEIGHT * max(0.0, after - capacity.get(key, 0.0))
                    cost += after / max(1.0, capacity.get(key, 0.0)) * 30  # even days
                    if (most := limit.get(worker_id)) is not None and count.get(key, 0) >= most:
                        cost += OVERLOAD_WEIGHT * extra  # the router would have to drop a visit of the day
                    here = places.get(key, [])
                    if here:
                        home = problem.client(cw.client_id).location
                        cost += min(_km(home, p) for p in here)
                    if worker_id != primary[cw.client_id]:
                        cost += 60  # a substitute is a cost to continuity
                if best is None or cost < best[0]:
                    best = (cost, pattern, dealt, chosen)
        assert best is not None
        _, pattern, dealt, chosen = best
        days[cw.client_id] = pattern
        if dealt != cw.slots:
            carried[cw.client_id] = dealt
        for day, services, worker_id in zip(pattern, dealt, chosen, strict=True):
            if not worker_id:
                continue
            worker_on[(cw.client_id, day)] = worker_id
            load[(worker_id, day)] = load.get((worker_id, day), 0.0) + asks(services)
            count[(worker_id, day)] = count.get((worker_id, day), 0) + 1
            places.setdefault((worker_id, day), []).append(problem.client(cw.client_id).location)
    return WeekChoices(days=days, worker=worker_on, primary=primary, unplaced=unplaced, carried=carried)


def search_week(
    problem: Problem,
    demand: Sequence[ClientWeek],
    dates: Sequence[dt.date],
    choices: WeekChoices,
    travel: TravelModel,
    *,
    previous: PreviousPlan | None = None,
    seed: int = 0,
) -> WeekChoices:
    """The greedy choices improved by local search over tours (``week_search``); the primary of a client
    without an assigned worker may change, an assigned one may not."""
    previous = previous or {}
    start = choices.start()
    found = improve_week(
        problem,
        demand,
        dates,
        start,
        travel,
        free_primary={cw.client_id for cw in demand if cw.worker_id is None},
        listed={c: w for c, (w, _) in previous.items()},
        previous=previous,
        carried=choices.carried,
        seed=seed,
    )
    carried = {c: order for c, order in choices.carried.items() if c not in found.days}
    return WeekChoices(
        days={**choices.days, **found.days},
        worker={**{k: w for k, w in choices.worker.items() if k[0] not in found.days}, **found.worker},
        primary={**choices.primary, **found.primary},
        unplaced=choices.unplaced,
        carried={**carried, **found.carried},
    )


def demand_workers(problem: Problem, demand: Sequence[ClientWeek]) -> list[Worker]:
    departments = {cw.department for cw in demand}
    return [w for w in problem.workers if w.department in departments]


def plan_week(
    problem: Problem,
    week_start: dt.date,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    travel: TravelModel | None = None,
    departments: Sequence[str] | None = None,
    previous: PreviousPlan | None = None,
    reproducible: bool = False,
    work_per_visit: int | None = None,
) -> Schedule:
    """Plan the week starting on Monday ``week_start``: every visit a client's programme asks for is
    planned on a day or listed as unassigned with the reason. ``time_limit`` is the whole budget of wall
    time, the choice of days included; every department-day gets a complete plan by construction first,
    so a short budget costs walking, never visits. ``reproducible`` (or ``work_per_visit``) stops the
    searches on a count of work instead of the clock. ``previous`` is last week's plan
    (``read_previous_plan``), kept where nothing forces a change."""
    budget = SearchBudget.of(time_limit, reproducible=reproducible, work_per_visit=work_per_visit)
    travel = travel or GeodesicTravel()
    started = budget.started
    covered = cover_week(problem, week_start, travel=travel, departments=departments, previous=previous, seed=seed)
    info: dict[str, object] = {
        "week": week_start.isoformat(),
        **budget.as_dict(),
        "seed": seed,
        "visits": covered.visits,
        "departments": {},
    }
    capacities = [c for c in week_capacity(problem, week_start) if departments is None or c.department in departments]
    info["capacity"] = [c.as_dict() for c in capacities]
    for c in capacities:
        if c.shortfall_h > 0:
            log.warning(
                "department %s is short of %.1f h this week: %d visits ask for %.1f h, workers have %.1f h",
                c.department,
                c.shortfall_h,
                c.visits,
                c.demand_h,
                c.available_h,
            )
    info["departments"] = {department: {**summary, "days": {}} for department, summary in covered.departments.items()}
    info["choose_s"] = covered.choose_s
    info["cover_s"] = covered.cover_s
    routed = route_department_days(problem, covered.tasks, travel=travel, budget=budget, seed=seed, built=covered.built)
    parts = list(covered.unassigned)
    for k, (task, (part, summary)) in enumerate(zip(covered.tasks, routed, strict=True)):
        before = {v.id for v in covered.chosen[k].visits} if k < len(covered.chosen) else set()
        after = {v.id for v in task.visits}
        if after - before:
            summary["moved_in"] = len(after - before)
        if before - after:
            summary["moved_out"] = len(before - after)
        parts.append(part)
        info["departments"][task.department]["days"][task.day.isoformat()] = summary  # type: ignore[index]
    info["wall_s"] = round(time.perf_counter() - started, 3)
    return Schedule.merge(parts, info=info)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoveredWeek:
    """A week chosen and covered, before any search (``cover_week``): what ``plan_week`` routes whole
    and ``plan_day`` routes one date of, so that a day plan is the day of the week plan."""

    #: The department-days as the choice of days made them, before any visit was moved.
    chosen: tuple[DepartmentDay, ...]
    #: The department-days to route: ``chosen`` after the moves that cover the visits their
    #: constructions dropped, with the days a move opened for a department appended.
    tasks: tuple[DepartmentDay, ...]
    #: The construction of each of ``tasks`` that no move changed (None: build it again).
    built: tuple[Built | None, ...]
    #: Per department, the visits of the week that no department-day holds, each with its reason.
    unassigned: tuple[Schedule, ...]
    #: Per department, what ``run.json`` says of its week: clients, visits owed, substitutes.
    departments: dict[str, dict[str, object]]
    #: Visits the week owes, those that cannot be made included.
    visits: int
    #: Seconds the choice of days took, and the choice and the cover together.
    choose_s: float
    cover_s: float


def cover_week(
    problem: Problem,
    week_start: dt.date,
    *,
    travel: TravelModel,
    departments: Sequence[str] | None = None,
    previous: PreviousPlan | None = None,
    seed: int = 0,
) -> CoveredWeek:
    """Choose the week (``choose_week`` improved by ``search_week``) and cover it: every department-day
    built, then the visits the builds leave out moved where there is room, checked by building again.
    No clock: the same problem, ``previous`` and ``seed`` give the same week on any machine."""
    started = time.perf_counter()
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    demand = [cw for cw in week_demand(problem, week_start) if departments is None or cw.department in departments]
    chosen: dict[str, WeekChoices] = {}
    for department in sorted({cw.department for cw in demand}):
        dept_demand = [cw for cw in demand if cw.department == department]
        choices = choose_week(problem, dept_demand, dates, previous)
        chosen[department] = search_week(problem, dept_demand, dates, choices, travel, previous=previous, seed=seed)
    choose_s = round(time.perf_counter() - started, 3)
    duty = {day: workers_on_duty(problem, day) for day in dates}
    tasks: list[DepartmentDay] = []
    weeks: list[ClientWeek] = []
    parts: list[Schedule] = []
    summaries: dict[str, dict[str, object]] = {}
    for department, choices in chosen.items():
        dept_demand = [choices.week_of(cw) for cw in demand if cw.department == department]
        weeks += dept_demand
        unassigned: list[Unassigned] = []
        per_day: dict[dt.date, list[Visit]] = {}
        for cw in dept_demand:
            for k, (day, services, reason) in enumerate(cw.closed):  # numbered after the slots: ids stay unique
                unassigned.append(
                    unassigned_visit(problem, cw.client_id, day, services, reason, slot=len(cw.slots) + k)
                )
            if not cw.slots:
                continue
            if cw.client_id in choices.unplaced:
                # Listed on the days the programme would have them (a day plan of each date lists its
                # own), on the week's Monday when no day is open at all.
                days = cw.patterns[0] if cw.patterns else (week_start,) * len(cw.slots)
                for slot, day in enumerate(days):
                    unassigned.append(_unassigned(cw, slot, day, choices.unplaced[cw.client_id], problem))
                continue
            main = choices.primary[cw.client_id]
            for slot, day in enumerate(choices.days[cw.client_id]):
                worker_id = choices.worker.get((cw.client_id, day))
                if worker_id is None and duty[day].get(main, "unknown") is None:
                    # The client's worker is on duty, but the week search found no tour the visit fits
                    # (hours at home too short for the shift, say): the router says why, or makes it.
                    worker_id = main
                if worker_id is None:
                    away = duty[day].get(main) or f"is away on {WEEKDAYS[day.weekday()]} {day}"
                    reason = (
                        f"assigned worker {main} {away}, and no substitute with the skills is on duty"
                        if any(duty[day].get(w.id) is None for w in problem.workers if w.department == department)
                        else f"no worker of department {department} is on duty"
                    )
                    unassigned.append(_unassigned(cw, slot, day, reason, problem))
                    continue
                services = cw.slots[slot]
                per_day.setdefault(day, []).append(
                    make_visit(
                        problem,
                        cw.client_id,
                        day,
                        services,
                        worker_id=worker_id,
                        substitute_for=main if worker_id != main else None,
                    )
                )
        tasks += [DepartmentDay(day=day, department=department, visits=tuple(per_day[day])) for day in sorted(per_day)]
        parts.append(Schedule(routes=(), unassigned=tuple(unassigned)))
        summaries[department] = {
            "clients": len(dept_demand),
            "visits": sum(cw.visits_per_week for cw in dept_demand),
            "substitutes": sum(1 for (c, _), w in choices.worker.items() if w != choices.primary[c]),
        }
    # Coverage first, all of it before any search: every department-day built, then the visits the
    # builds leave out moved where there is room, checked by building again (no clock, no seed).
    built = build_department_days(problem, tasks, travel=travel)
    checked: dict[DepartmentDay, tuple[frozenset[str], int]] = {}

    def fits(days: Sequence[DepartmentDay]) -> list[tuple[frozenset[str], int]]:
        new = [d for d in dict.fromkeys(days) if d not in checked]
        builds = build_department_days(problem, new, travel=travel)
        checked.update(zip(new, ((b.served, b.cost) for b in builds), strict=True))
        return [checked[d] for d in days]

    repaired, _ = move_dropped(problem, weeks, chosen, tasks, [b.served for b in built], fits)
    reuse = [built[k] if k < len(tasks) and task is tasks[k] else None for k, task in enumerate(repaired)]
    return CoveredWeek(
        chosen=tuple(tasks),
        tasks=tuple(repaired),
        built=tuple(reuse),
        unassigned=tuple(parts),
        departments=summaries,
        visits=sum(cw.visits_per_week for cw in demand),
        choose_s=choose_s,
        cover_s=round(time.perf_counter() - started, 3),
    )


def _unassigned(cw: ClientWeek, slot: int, day: dt.date, reason: str, problem: Problem) -> Unassigned:
    return unassigned_visit(problem, cw.client_id, day, cw.slots[slot], reason, slot=slot)
